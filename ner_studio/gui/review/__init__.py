"""Review Next: the least certain sentences first, one by one.

May import: shell, annotate.
"""
