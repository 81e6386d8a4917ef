"""Notes analysts leave each other on an entity or a document: the Add Note dialog, the notes
in the details pane, marks in the text and the Notes dock.

May import: shell, annotate."""
