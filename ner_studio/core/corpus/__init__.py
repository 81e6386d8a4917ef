"""Tools over a whole project's text: find, label every occurrence, inconsistencies, patterns
and dictionaries and their matcher.

May import: text, store.
"""
