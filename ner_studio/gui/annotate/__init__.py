"""Tagging by hand: the text view and its highlights, the entity table and details, the
editing rules and commands, labels, undo.

May import: shell.
"""
