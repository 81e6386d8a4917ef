"""Review Next: the least certain sentences first, one by one.

Accepting a sentence is an edit of annotate's (``editing.SpanEdit``).

May import: shell, annotate.
"""
