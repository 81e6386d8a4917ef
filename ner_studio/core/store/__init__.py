"""The project store: one project in an SQLite file or on a PostgreSQL server, its schema,
rows, edits, change notices, copies and checks, and the annotators, assignments and entity
catalogue kept in it.

May import: text, learning, formats, catalogue.
"""
