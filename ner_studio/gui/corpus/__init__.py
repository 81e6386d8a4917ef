"""Corpus-wide tools: find in the document and across the project (label all occurrences,
inconsistencies and patterns are built on ``core.find``, ``core.label_all``,
``core.inconsistencies`` and ``core.patterns`` and come next)."""
