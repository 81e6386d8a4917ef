"""Thin PySide6 views over the core and model packages."""
