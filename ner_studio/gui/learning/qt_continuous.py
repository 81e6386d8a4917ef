"""Continuous learning: the loop runs itself.

Every sentence the analyst reviews (accepted in the Review Next queue, or in a document marked
reviewed with Ctrl+Enter) counts, and Ctrl+Z on either takes it back out; after K of them (``continuous.round_every``) a round starts:
the learning controller's ordinary fine-tune from the current model, marked automatic, so it
runs in a worker on one torch thread at low priority, is judged by the check set as any run
(a new version is adopted only if strictly better; one the check set cannot judge is kept
aside, nobody is asked), and an adopted version re-tags the documents not reviewed (human,
accepted and pattern entities stay: ``Document.replace_model_spans``) and re-ranks the queue,
each document applied as its tagging comes back. A manual Train and a round never run at
once: a round that comes due during one waits for its end, and Train waits for a round's.

When the review queue runs dry (``ReviewController.queue_dry``), a round comes due after
``continuous.DRY_ROUND`` reviewed sentences not learned from yet rather than K, once per drying.

On by default, per project; Model > Learn Continuously pauses it (a round under way is
cancelled, the current model stays) and resumes it. A label in the status bar, and a line in
the Review Next dock, say what it is doing.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from ner_studio.core.errors import NerStudioError
from ner_studio.gui.learning.continuous import (
    DRY, EVERY_SETTING, ON_SETTING, STATE_SETTING, LoopState, due_after, round_every, status_text,
)
from ner_studio.gui.learning.learning_jobs import RunEnded
from ner_studio.gui.shell.qt_actions import Command
from ner_studio.gui.shell.qt_host import Host

log = logging.getLogger(__name__)

COMMANDS = (
    Command("learn_continuously", "&Learn Continuously", (),
            "Fine-tune in the background after every batch of reviewed sentences (per project; "
            "untick to pause)", "set_on"),
)


class ContinuousLearning(QObject):
    """The loop on a host, starting rounds through ``learning`` (a ``LearningController``:
    ``start_training``, ``is_training``, ``asking``, ``cancel_training``, ``run_started``,
    ``run_ended``, ``review``)."""

    def __init__(self, host: Host, learning):
        super().__init__(host)
        self.host = host
        self.learning = learning
        self.on = True
        self.fixed: int | None = None  # a project's fixed K (EVERY_SETTING)
        self.state = LoopState()
        self.running = False  # a round of this loop is under way
        self.last = ""  # how the last round ended
        self.dry = False  # the review queue ran dry since the last run started: a round is due sooner
        self.why = ""  # what started the running round when not K (``continuous.DRY``)
        self._dry_before = False  # ``dry`` before the running run: restored if it comes to nothing
        self._before = self.state  # the state before the running run: restored if it comes to nothing
        self._run_project = None  # the project the running run learns from
        self._reviewed_links: list = []
        self._counted: dict[int, int] = {}  # doc id -> sentences its Ctrl+Enter counted (taken back by Ctrl+Z)
        self.closed = False  # the window closed: a run ending now changes nothing here
        self.label = QLabel()
        self.label.setObjectName("learning-loop")
        host.add_status_widget(self.label)
        self.actions = host.add_commands("&Model", COMMANDS, self, ("learn_continuously",))
        self.actions["learn_continuously"].setCheckable(True)
        learning.review.sentence_accepted.connect(self._on_sentence_accepted)
        learning.review.sentence_unaccepted.connect(self._on_sentence_unaccepted)
        learning.review.queue_dry.connect(self._on_queue_dry)
        learning.run_started.connect(self._on_run_started)
        learning.run_ended.connect(self._on_run_ended)
        host.workspace_changed.connect(self._bind)
        host.closed.connect(self._close)
        self._bind()

    # --- the project's stored choices -------------------------------------------------------
    def _bind(self) -> None:
        self._unbind()
        project = self.host.workspace.project
        self.on = bool(project.get_setting(ON_SETTING, True))
        fixed = project.get_setting(EVERY_SETTING, None)
        self.fixed = fixed if isinstance(fixed, int) and fixed > 0 else None
        self.state = LoopState.from_setting(self.host.workspace.settings_later.get(STATE_SETTING, None))
        self.actions["learn_continuously"].setChecked(self.on)
        workspace, self._counted, self.dry = self.host.workspace, {}, False
        self._reviewed_links = [workspace.marked_reviewed.connect(self._on_document_reviewed),
                                workspace.review_undone.connect(self._on_review_undone)]
        self._show()

    def _unbind(self) -> None:
        for link in self._reviewed_links:
            QObject.disconnect(link)
        self._reviewed_links = []

    def _close(self) -> None:
        self.closed = True
        self._unbind()

    def _store(self, key: str, value) -> None:
        project = self.host.workspace.project
        if project.read_only or project.closed:
            return
        try:
            project.set_setting(key, value)
        except NerStudioError as error:  # a convenience: the loop still runs this session
            log.warning("the learning loop's %s was not saved: %s", key, error)

    def _store_state(self) -> None:
        """The count changes at every review: written with the review log a moment later."""
        project = self.host.workspace.project
        if not (project.read_only or project.closed):
            self.host.workspace.settings_later.set(STATE_SETTING, self.state.to_dict())

    @property
    def every(self) -> int:
        """K: reviewed sentences after the last round's start before the next round."""
        return round_every(self.state.learned_from, self.fixed)

    @property
    def due_at(self) -> int:
        """Reviewed sentences not learned from yet that start the next round (fewer once the
        queue ran dry)."""
        return due_after(self.every, dry=self.dry)

    # --- the command ------------------------------------------------------------------------
    def set_on(self, checked: bool | None = None) -> None:
        """Model > Learn Continuously: resume (a round starts if one is due) or pause (a round
        under way is cancelled; the current model stays). ``None``: as the action's check mark
        now says, which a menu click has just flipped (actions run their handlers without it)."""
        if checked is None:
            checked = self.actions["learn_continuously"].isChecked()
        self.on = bool(checked)
        self.actions["learn_continuously"].setChecked(self.on)
        self._store(ON_SETTING, self.on)
        log.info("continuous learning %s", "resumed" if self.on else "paused")
        if not self.on and self.running:
            self.learning.cancel_training()
        self._show()
        self._maybe_start()

    # --- counting -----------------------------------------------------------------------------
    def _on_queue_dry(self, dry: bool) -> None:
        """The review queue ran dry (or has unsure sentences again): what was reviewed since the
        last round may never reach K, so a round comes due sooner (``continuous.due_after``)."""
        self.dry = dry
        log.info("the review queue %s", "ran dry" if dry else "has unsure sentences again")
        self._show()
        # After the review that dried it is counted (its own handlers run after this one).
        QTimer.singleShot(0, self, self._maybe_start)

    def _on_sentence_accepted(self, _doc_id: int) -> None:
        self._count(1)

    def _on_sentence_unaccepted(self, _doc_id: int) -> None:
        self._uncount(1)

    def _on_document_reviewed(self, doc_id: int) -> None:
        """A document marked reviewed: its sentences not accepted one by one before."""
        workspace = self.host.workspace
        try:
            sentences = len(workspace.document(doc_id).sentences)
        except NerStudioError:  # gone or unreadable: the workspace has said so
            return
        self._counted[doc_id] = max(0, sentences - len(self.learning.review.accepted.get(doc_id, ())))
        self._count(self._counted[doc_id])

    def _on_review_undone(self, doc_id: int) -> None:
        """Ctrl+Z on a Ctrl+Enter: its sentences no longer count (a round already under way
        learns from them; the count towards the next one cannot go below zero)."""
        self._uncount(self._counted.pop(doc_id, 0))

    def _uncount(self, sentences: int) -> None:
        self.state = replace(self.state, pending=max(0, self.state.pending - sentences))
        self._store_state()
        self._show()

    def _count(self, sentences: int) -> None:
        self.state = replace(self.state, pending=self.state.pending + sentences)
        self._store_state()
        self._maybe_start()
        self._show()

    # --- rounds -------------------------------------------------------------------------------
    def _maybe_start(self) -> None:
        if (self.closed or not self.on or self.learning.is_training() or self.learning.asking or self.state.pending < self.due_at
                or not self.host.model.available):
            return
        self.why = DRY if self.state.pending < self.every else ""
        self.running = True  # this round is the loop's (pausing cancels it), set before run_started arrives
        if not self.learning.start_training(automatic=True):  # the reason is in the status bar
            self.running, self.why = False, ""
            # Not again at every sentence: the next attempt after another batch.
            self.state = replace(self.state, pending=max(0, self.state.pending - self.due_at))
            self._store_state()

    def _on_run_started(self, learned_from: int) -> None:
        """Any run (the loop's or the analyst's Train) learns from every reviewed sentence, so
        the count towards the next round starts again from zero."""
        self._before, self._run_project = self.state, self.host.workspace.project
        self._dry_before, self.dry = self.dry, False  # once per drying: this run learns from what it left
        self.state = LoopState(learned_from, 0)
        self._store_state()
        self._show()

    def _on_run_ended(self, ended: RunEnded) -> None:
        if self.closed:
            return
        if not ended.completed and self._run_project is self.host.workspace.project:
            # Nothing learned: what was reviewed still counts (in the project it was reviewed in);
            # a round refused for too little data is not tried again before another batch.
            pending = self._before.pending + self.state.pending
            self.dry = self.dry or self._dry_before
            if ended.refused and ended.automatic:
                pending = max(0, pending - due_after(round_every(self._before.learned_from, self.fixed), dry=self.dry))
            self.state = replace(self._before, pending=pending)
            self._store_state()
        if ended.automatic:
            self.running, self.why = False, ""
            self.last = ended.message
            log.info("continuous learning round ended: %s", ended.message)
            self.host.show_status(f"Continuous learning: {ended.message}", 15000)
        self._show()
        self._maybe_start()  # one may have come due meanwhile (or while a manual run went on)

    # --- what it says -------------------------------------------------------------------------
    def _show(self) -> None:
        text = status_text(self.state, self.due_at, on=self.on, running=self.learning.is_training(),
                           why=self.why, dry=self.dry)
        self.label.setText(text)
        last = f"Last round: {self.last}" if self.last else "No round has ended in this session yet"
        self.label.setToolTip(f"{text}\n{last}")  # the whole line, were the window too narrow for it
        self.learning.review.show_note(text)
