"""What must hold after anything the analyst does, checked by the GUI tests that drive the real
window step by step (test_focus.py, test_analyst_day.py).

``Invariants(window, log_folder).check(edited=...)`` after each step: no document changed
unless the step edited it (a reviewed one above all: a stray key must never rewrite it), and
no ERROR line reached the log. Uncaught exceptions in Qt slots are pytest-qt's to fail on.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QApplication

from ner_studio.core.text.document import Status
from ner_studio.core.logs import LOG_FILE, setup_logging


def snapshot(window) -> dict[int, tuple[Status, frozenset]]:
    """Every document's status and entities, as the window's workspace has them."""
    workspace = window.workspace
    return {doc_id: (workspace.document(doc_id).status, frozenset(workspace.document(doc_id).spans))
            for doc_id in workspace.document_ids()}


def log_errors(folder) -> list[str]:
    for handler in logging.getLogger("ner_studio").handlers:
        handler.flush()
    path = folder / LOG_FILE
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return [line for line in text.splitlines() if " ERROR " in line or " CRITICAL " in line]


class Invariants:
    """The state of every document after the last step, and the log checked since."""

    def __init__(self, window, log_folder):
        setup_logging(log_folder)  # the app does this at start; create_main_window does not
        self.window = window
        self.log_folder = log_folder
        self.before = snapshot(window)

    def check(self, step: str, *, edited: set[int] = frozenset(), added: bool = False) -> dict:
        """After ``step``: documents not in ``edited`` are as they were (new ones only if
        ``added``), reviewed ones above all; the log has no ERROR line. Returns the changes."""
        now = snapshot(self.window)
        changed = {doc_id for doc_id in self.before.keys() & now.keys() if self.before[doc_id] != now[doc_id]}
        stray = changed - set(edited)
        reviewed = {doc_id for doc_id in stray if self.before[doc_id][0] == Status.REVIEWED}
        assert not reviewed, f"{step}: reviewed documents {sorted(reviewed)} changed without being edited"
        assert not stray, f"{step}: documents {sorted(stray)} changed without being edited"
        assert added or now.keys() <= self.before.keys(), f"{step}: documents appeared"
        assert self.before.keys() <= now.keys(), f"{step}: documents disappeared"
        errors = log_errors(self.log_folder)
        assert not errors, f"{step}: the log has errors:\n" + "\n".join(errors)
        self.before = now
        return {doc_id: now[doc_id] for doc_id in changed}


def focused():
    return QApplication.focusWidget()
