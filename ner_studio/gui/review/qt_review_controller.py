"""The "Review next" mode: walk the sentences the model is least sure of, accept or skip each,
and (optionally) fine-tune in the background every K accepted sentences.

Scores come from the workspace's last prediction of each document (``sentence_scores``);
documents without scores are tagged first, and the queue re-ranks (debounced) whenever a
document is tagged again, e.g. by a new model. Accepting confirms the model's entities of the
sentence (one undoable edit) and records the sentence in the project, so fine-tuning learns
from it even though its document is not reviewed as a whole.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer

from ner_studio.core.document import Document, Status
from ner_studio.core.errors import NerStudioError
from ner_studio.core.training_set import (
    ACCEPTED_SETTING, accepted_from_setting, accepted_to_setting, sentence_range,
)
from ner_studio.gui.annotate.editing import SpanEdit
from ner_studio.gui.review.qt_review_panel import ReviewPanel, entity_lines, sentence_html
from ner_studio.gui.review.review_queue import QueueItem, ReviewQueue

STRATEGY_SETTING = "learning.strategy"
AUTO_SETTING = "learning.auto_finetune"
EVERY_SETTING = "learning.auto_every"
DEFAULT_EVERY = 20
RERANK_DELAY_MS = 200  # documents are tagged one by one: re-rank once a burst is over


class ReviewController(QObject):
    def __init__(self, window, panel: ReviewPanel, start_training):
        super().__init__(window)
        self.window = window
        self.panel = panel
        self._start_training = start_training  # callable(automatic=True) -> bool
        self.queue = ReviewQueue()
        self.accepted: dict[int, set[int]] = {}
        self.accepted_since_training = 0
        self._counted_at_start = 0
        self.auto = False
        self.every = DEFAULT_EVERY
        self.active = False
        self.current: QueueItem | None = None
        self._shown_doc: Document | None = None
        self._clock = time.monotonic
        self._shown_at = self._clock()  # when the current sentence came up: what it took to review
        # The workspace's signal connection, kept as a handle: disconnecting through it is safe
        # even after Qt deleted the workspace, unlike touching the deleted workspace's signal.
        self._predicted_link = None
        self._rerank = QTimer(self)
        self._rerank.setSingleShot(True)
        self._rerank.setInterval(RERANK_DELAY_MS)
        self._rerank.timeout.connect(self.refresh)
        panel.strategy_changed.connect(self.set_strategy)
        panel.accept_requested.connect(self.accept)
        panel.skip_requested.connect(self.skip)
        panel.item_chosen.connect(self._choose)
        panel.auto_changed.connect(self._set_auto)

    # --- the project's stored choices -----------------------------------------------------
    def bind(self, workspace) -> None:
        """Follow ``workspace`` (the window's new project): its stored choices, its tagging."""
        self.unbind()
        project = workspace.project
        self.accepted = accepted_from_setting(project.get_setting(ACCEPTED_SETTING, {}))
        strategy = project.get_setting(STRATEGY_SETTING, self.queue.strategy)
        try:
            self.queue = ReviewQueue(strategy)
        except ValueError:
            self.queue = ReviewQueue()
        self.auto = bool(project.get_setting(AUTO_SETTING, False))
        self.every = int(project.get_setting(EVERY_SETTING, DEFAULT_EVERY) or DEFAULT_EVERY)
        self.panel.set_options(self.queue.strategy, self.auto, self.every)
        self.current = None
        self._predicted_link = workspace.document_predicted.connect(self._on_predicted)
        if self.active:
            self.start()

    def unbind(self) -> None:
        """Stop listening to the current workspace (closed, or replaced by another)."""
        self._rerank.stop()
        if self._predicted_link is not None:
            QObject.disconnect(self._predicted_link)
            self._predicted_link = None
        if self._shown_doc is not None:
            self._shown_doc.changed.disconnect(self._on_doc_changed)
            self._shown_doc = None
        self.current = None

    def _store(self, key: str, value) -> None:
        try:
            self.window.workspace.project.set_setting(key, value)
        except NerStudioError as error:
            self.window.statusBar().showMessage(f"Not saved in the project: {error}", 8000)

    def set_strategy(self, strategy: str) -> None:
        self.queue.set_strategy(strategy)
        self._store(STRATEGY_SETTING, strategy)
        self.refresh(keep_current=False)

    def _set_auto(self, auto: bool, every: int) -> None:
        self.auto, self.every = auto, every
        self._store(AUTO_SETTING, auto)
        self._store(EVERY_SETTING, every)

    # --- the mode ---------------------------------------------------------------------------
    def start(self) -> None:
        """Enter the mode: tag what has no scores yet, then show the least sure sentence."""
        self.active = True
        workspace = self.window.workspace
        missing = [workspace.document(i) for i in self._open_ids() if i not in workspace.sentence_scores]
        if missing and workspace.model.available:
            workspace.predict(missing)
        self.refresh(keep_current=False)

    def stop(self) -> None:
        self.active = False
        self._show(None)

    def _open_ids(self) -> list[int]:
        workspace = self.window.workspace
        return [i for i in workspace.document_ids() if workspace.summary(i).status != Status.REVIEWED]

    def _on_predicted(self, doc_id: int) -> None:
        if self.active:
            self._rerank.start()
            if self.current is not None and self.current.doc_id == doc_id:
                self._render()

    def refresh(self, keep_current: bool = True) -> None:
        """Re-rank; the sentence on screen stays there unless it left the queue."""
        if not self.active:
            return
        workspace = self.window.workspace
        reviewed = {i for i in workspace.document_ids() if workspace.summary(i).status == Status.REVIEWED}
        self.queue.rebuild(dict(workspace.sentence_scores), reviewed, self.accepted)
        keys = {item.key: item for item in self.queue.items}
        if keep_current and self.current is not None and self.current.key in keys:
            self._show(keys[self.current.key], move=False)
        else:
            self._show(self.queue.head())

    # --- one sentence -----------------------------------------------------------------------
    def _show(self, item: QueueItem | None, *, move: bool = True) -> None:
        if item is None or self.current is None or item.key != self.current.key:
            self._shown_at = self._clock()
        self.current = item
        if self._shown_doc is not None:
            self._shown_doc.changed.disconnect(self._on_doc_changed)
            self._shown_doc = None
        if item is not None:
            doc = self.window.workspace.document(item.doc_id)
            self._shown_doc = doc
            doc.changed.connect(self._on_doc_changed)
            if move:
                self._reveal(doc, item.sentence)
        self._render()

    def _reveal(self, doc: Document, sentence: int) -> None:
        """Open the document at the sentence, its first entity selected (so a number key
        relabels it and Tab walks on), else the caret at the sentence start."""
        self.window.show_document(doc.doc_id)
        start, end = sentence_range(doc, sentence)
        spans = doc.spans_between(start, end)
        view = self.window.view
        view.select_range(start, end)  # brings the whole sentence into view
        if spans:
            view.select_range(spans[0].start, spans[0].end)
        else:
            view.select_range(start, start)

    def _on_doc_changed(self, _change) -> None:
        self._render()

    def _render(self) -> None:
        item = self.current
        waiting = len(self.queue)
        status = f"{self.accepted_since_training} accepted since the last training"
        rows = [(f"{'↻ ' if i.skipped else ''}{self._name(i.doc_id)} · sentence {i.sentence + 1} — doubt {i.doubt:.3f}",
                 "skipped earlier" if i.skipped else "") for i in self.queue.items]
        self.panel.show_upcoming(rows, waiting, status)
        if item is None:
            message = "Nothing to review: every sentence is reviewed." if self.active else ""
            if self.active and not self.window.workspace.sentence_scores and self._open_ids():
                message = "Waiting for the model to tag the documents…"
            self.panel.show_current(message, "", [])
            return
        doc = self.window.workspace.document(item.doc_id)
        colour = self.window.span_style.colour
        where = f"{self._name(item.doc_id)}, sentence {item.sentence + 1} of {len(doc.sentences)}"
        self.panel.show_current(where, sentence_html(doc, item.sentence, lambda label: colour(label).name()),
                                entity_lines(doc, item.sentence))

    def _name(self, doc_id: int) -> str:
        return self.window.workspace.summary(doc_id).name or f"document {doc_id}"

    def _choose(self, row: int) -> None:
        if 0 <= row < len(self.queue.items):
            self._show(self.queue.items[row])

    # --- accept / skip ----------------------------------------------------------------------
    def accept(self) -> None:
        item = self.current
        if item is None:
            return
        workspace = self.window.workspace
        doc = workspace.document(item.doc_id)
        start, end = sentence_range(doc, item.sentence)
        model_spans = tuple(s for s in doc.spans_between(start, end) if not s.confirmed)
        if model_spans and not workspace.apply_edit(doc, SpanEdit(model_spans, tuple(s.accepted() for s in model_spans))):
            return
        workspace.log_review(workspace.effort.reviewed(doc, start, end, seconds=self._clock() - self._shown_at))
        done = self.accepted.setdefault(doc.doc_id, set())
        done.add(item.sentence)
        self._store(ACCEPTED_SETTING, accepted_to_setting(self.accepted))
        if len(done) >= len(doc.sentences):
            # Every sentence confirmed (each logged above): the document is reviewed.
            workspace.mark_reviewed(doc, log=False)
        self.queue.remove(item.key)
        self.accepted_since_training += 1
        if self.auto and self.accepted_since_training >= self.every:
            self._start_training(automatic=True)
        self._show(self.queue.head())

    def skip(self) -> None:
        if self.current is not None:
            self.queue.skip(self.current.key)
            self._show(self.queue.head())

    def training_started(self) -> None:
        self._counted_at_start = self.accepted_since_training

    def trained(self) -> None:
        """A new model learned the sentences accepted before it started; those accepted
        while it trained still count towards the next automatic run."""
        self.accepted_since_training = max(0, self.accepted_since_training - self._counted_at_start)
        self._counted_at_start = 0
        self._render()
