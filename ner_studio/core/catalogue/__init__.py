"""The entity catalogue: the people, places and organisations a project's mentions name.

``entries`` (an entry: a stable id, a canonical name, a label, aliases, an external id such as
a Wikidata QID, a description), ``ranking`` (the index the link chooser ranks candidates with
as the analyst types), ``suggestions`` (a mention whose text is an alias of one entry), and
``files`` (CSV and JSONL import and export). The project keeps the entries and each span's
link (core/store/project_catalogue.py); nothing here touches a store.

May import: text, formats.
"""
