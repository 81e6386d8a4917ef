"""Corpus-wide tools on the host: find, label all occurrences, inconsistencies, patterns."""
