"""Getting documents in and out: opening files and folders, the document list, import jobs.

May import: shell.
"""
