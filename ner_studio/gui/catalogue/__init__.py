"""The entity catalogue in the window: linking a mention by keyboard (K opens the chooser,
which ranks entries as one types), link marks and names in the text and the details pane,
suggested links Enter accepts, Link All Occurrences, and the Catalogue dock (entries with
their counts, a filter, every mention of one, rename, merge, delete, import and export).

``links.py`` is the one owner of the catalogue shown (Qt-free); ``qt_chooser.py`` the
chooser; ``qt_catalogue_dock.py`` the dock, whose counts ``qt_entry_counts.py`` reads in a
worker; ``qt_catalogue.py`` the commands on the host.

May import: shell, annotate.
"""
