"""Corpus-wide tools on the host: find, label all occurrences, inconsistencies, patterns.

May import: shell, annotate.
"""
