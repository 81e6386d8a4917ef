"""Corpus-wide tools on the host: find, label all occurrences, inconsistencies, patterns.

Label All edits spans with annotate's edits and undo commands (``editing.SpanEdit``,
``qt_undo``), so each document's Ctrl+Z takes its part back.

May import: shell, annotate.
"""
