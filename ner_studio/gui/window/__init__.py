"""The composition root: the main window that builds the docks, menus and controllers of every
room, and the workspace of the open project it hands them through the host. Nothing but the
entry point (``gui/app.py``) imports it.

May import: shell, annotate, documents, learning, review, corpus, team, catalogue, notes.
"""
