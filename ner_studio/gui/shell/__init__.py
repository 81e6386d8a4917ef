"""The ground every room stands on: the host interface controllers get instead of the window,
commands as actions, the menu bar and status line, dialogs (a bug's too), read-only tables,
worker threads and the tagging jobs they run, charts, backups, the stall watch, the theme.
The window that wires the rooms together is above them all (``gui/window/``).

May import: none.
"""
