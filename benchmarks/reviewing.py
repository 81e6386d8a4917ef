"""A real window with many small generated documents, marked reviewed a batch at a time: the
set-up of the benchmarks that time what the UI thread does as the reviewed set grows
(round_collection.py, train_dialog.py). The continuous loop is off, so no round starts on its
own while documents are reviewed here."""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path

from event_loop_probe import wait


class Reviewing:
    def __init__(self, prefix: str, make_docs: Callable[[], list]):
        from ui_stalls import setup

        self.bench, _ = setup(argparse.Namespace(model=None), Path(tempfile.mkdtemp(prefix=prefix)))
        self.app, self.window = self.bench.app, self.bench.window
        self.window.learning.loop.set_on(False)
        self.docs = make_docs()  # after setup: the user folders are the benchmark's own
        self.window.workspace.add_documents(self.docs, show=False)
        self.bench.probe.start()
        wait(self.app, self.bench.idle, 1800)
        self.reviewed = 0

    def review(self, count: int) -> None:
        """Mark the next ``count`` documents reviewed (Ctrl+Enter's path), then wait until idle."""
        workspace = self.window.workspace
        for doc in self.docs[self.reviewed:self.reviewed + count]:
            workspace.mark_reviewed(workspace.document(doc.doc_id), log=False)
        self.reviewed += count
        wait(self.app, self.bench.idle, 600)
