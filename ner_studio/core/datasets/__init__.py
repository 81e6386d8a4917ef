"""Public corpora fetched into the user cache (CoNLL-2003, WNUT-16) and re-joined into text.

May import: text, formats, learning.
"""
