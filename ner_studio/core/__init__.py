"""Qt-free, torch-free core, one package per concept.

text (spans, tokens, documents, tag schemes, labels) is the ground; learning, formats, store,
team, corpus and datasets stand on it, each ``__init__`` ending with the core packages it may
import (``May import: text, store.``), which tests/test_layers.py enforces. The modules at this
level (errors, events, atomic, file_lock, locations, logs, gc_pause, heap, settings,
secrets, json_text, plural) are the shared helpers every package may use; they import none of the
packages.
"""
