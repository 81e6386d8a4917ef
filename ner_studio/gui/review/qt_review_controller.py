"""The "Review next" mode: walk the sentences the model is least sure of, accept or skip each;
each accepted sentence is announced (``sentence_accepted``) for the continuous learning loop,
which fine-tunes in the background (``gui/learning/qt_continuous.py``).

Scores come from the workspace's last prediction of each document (``sentence_scores``);
documents without scores are tagged first, and the queue re-ranks (debounced) whenever a
document is tagged again, e.g. by a new model. Accepting confirms the model's entities of the
sentence (one undoable edit) and records the sentence in the project, so fine-tuning learns
from it even though its document is not reviewed as a whole.

A dry queue (no open sentence the model is unsure of) says so in the status bar and the dock,
with the count of settled open sentences it goes on with, least sure first; once nothing is
open it says what remains. It also tells the loop (``queue_dry``): the reviewed sentences not
learned from yet may never reach K when nothing is left to ask about.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from ner_studio.core.learning.active_learning import settled_sentences
from ner_studio.core.text.document import Document, Status
from ner_studio.core.errors import NerStudioError
from ner_studio.core.learning.training_set import (
    ACCEPTED_SETTING, accepted_from_setting, accepted_to_setting, sentence_range,
)
from ner_studio.gui.annotate.editing import accept_all
from ner_studio.gui.annotate.qt_undo import NoticeCommand
from ner_studio.gui.shell.qt_actions import Command, keys_act_only_in
from ner_studio.gui.review.qt_review_panel import SHOWN_ITEMS, ReviewPanel, entity_lines, sentence_html
from ner_studio.gui.review.review_queue import QueueItem, ReviewQueue, dry_message
from ner_studio.gui.shell.qt_host import Host

STRATEGY_SETTING = "learning.strategy"
RERANK_DELAY_MS = 200  # documents are tagged one by one: re-rank once a burst is over
RECHECK_MS = 500  # while documents are tagged, how often a dry queue looks again whether to say so

COMMANDS = (
    Command("review_mode", "&Review Next (least sure first)", ("Ctrl+R",),
            "Review the sentences the model is least sure of, one by one", "toggle"),
    Command("accept_sentence", "&Accept Sentence", ("Space",),
            "Review Next: confirm this sentence's entities and go to the next one", "accept"),
    Command("skip_sentence", "&Skip Sentence", ("S",),
            "Review Next: leave this sentence for later and go to the next one", "skip"),
)
MENU = ("review_mode", "accept_sentence", "skip_sentence")  # in the Model menu, after training


class ReviewController(QObject):
    """The "Review next" dock and commands on a :class:`Host`; torch's warm-up (the loop may
    fine-tune soon) is the learning controller's, reached through a callable."""

    sentence_accepted = Signal(int)  # the document whose sentence the analyst just accepted (or redid that)
    sentence_unaccepted = Signal(int)  # that acceptance was undone (Ctrl+Z)
    queue_dry = Signal(bool)  # True: no open sentence the model is unsure of is left (or none at all)

    def __init__(self, host: Host, warm_up: Callable[[], None]):
        super().__init__(host)
        self.host = host
        self.panel = ReviewPanel()
        self._warm_up = warm_up
        self.queue = ReviewQueue()
        self.accepted: dict[int, set[int]] = {}
        self.note = ""  # under the sentence: what the continuous learning loop is doing
        self.active = False
        self.current: QueueItem | None = None
        self.dry = False  # the queue ran dry (told the loop), until an unsure sentence is back
        self._said = ""  # the queue's state last said in the status bar: "unsure", "dry", "empty"
        self._shown_doc: Document | None = None
        self._clock = time.monotonic
        self._shown_at = self._clock()  # when the current sentence came up: what it took to review
        # The workspace's signal connection, kept as a handle: disconnecting through it is safe
        # even after Qt deleted the workspace, unlike touching the deleted workspace's signal.
        self._predicted_link = None
        self._updated_link = None
        self._review_links: list = []
        # Each tagged document's sentences with nothing to ask (``settled_sentences``), found
        # when its tagging comes back (it is in memory then; a big file's parts leave memory
        # after) and again at the next re-rank for those edited since (``_stale``).
        self._settled: dict[int, set[int]] = {}
        self._stale: set[int] = set()
        self._rerank = QTimer(self)
        self._rerank.setSingleShot(True)
        self._rerank.setInterval(RERANK_DELAY_MS)
        self._rerank.timeout.connect(self.refresh)
        self._recheck = QTimer(self)  # the queue's state, said once the tagging is over (_announce)
        self._recheck.setSingleShot(True)
        self._recheck.setInterval(RECHECK_MS)
        self._recheck.timeout.connect(self._announce)
        self.panel.strategy_changed.connect(self.set_strategy)
        self.panel.accept_requested.connect(self.accept)
        self.panel.skip_requested.connect(self.skip)
        self.panel.item_chosen.connect(self._choose)
        self.actions = host.add_commands("&Model", COMMANDS, self, MENU, ("review_mode",))
        self.actions["review_mode"].setCheckable(True)
        # Space and S act in the text (where the sentence is shown) and in the queue's list,
        # never in a field the analyst types in; the panel's buttons run them from anywhere.
        keys_act_only_in([self.actions["accept_sentence"], self.actions["skip_sentence"]],
                         host.view, self.panel.upcoming)
        self._enable_sentence_commands()
        self.dock = host.add_dock("Review next", self.panel)
        self.dock.hide()
        host.workspace_changed.connect(self._follow_workspace)
        host.closed.connect(self.unbind)
        self.bind(host.workspace)

    def _follow_workspace(self) -> None:
        self.bind(self.host.workspace)

    # --- the project's stored choices -----------------------------------------------------
    def bind(self, workspace) -> None:
        """Follow ``workspace`` (the window's new project): its stored choices, its tagging."""
        self.unbind()
        project = workspace.project
        self.accepted = accepted_from_setting(workspace.settings_later.get(ACCEPTED_SETTING, {}))
        strategy = project.get_setting(STRATEGY_SETTING, self.queue.strategy)
        try:
            self.queue = ReviewQueue(strategy)
        except ValueError:
            self.queue = ReviewQueue()
        self.panel.set_options(self.queue.strategy)
        self.current = None
        self._predicted_link = workspace.document_predicted.connect(self._on_predicted)
        self._updated_link = workspace.document_updated.connect(self._on_updated)
        self._review_links = [workspace.marked_reviewed.connect(self._on_marked_reviewed),
                              workspace.review_undone.connect(self._on_review_undone)]
        self._settled, self._stale = {}, set()
        self.dry, self._said = False, ""  # the loop starts afresh with the project too
        if self.active:
            self.start()

    def unbind(self) -> None:
        """Stop listening to the current workspace (closed, or replaced by another)."""
        self._rerank.stop()
        self._recheck.stop()
        for link in (self._predicted_link, self._updated_link, *self._review_links):
            if link is not None:
                QObject.disconnect(link)
        self._predicted_link = self._updated_link = None
        self._review_links = []
        if self._shown_doc is not None:
            self._shown_doc.changed.disconnect(self._on_doc_changed)
            self._shown_doc = None
        self.current = None

    def _store(self, key: str, value) -> None:
        try:
            self.host.workspace.project.set_setting(key, value)
        except NerStudioError as error:
            self.host.show_status(f"Not saved in the project: {error}", 8000)

    def _store_later(self, key: str, value) -> None:
        """What every Space changes: written with the review log a moment later."""
        if not self.host.workspace.project.read_only:
            self.host.workspace.settings_later.set(key, value)

    def set_strategy(self, strategy: str) -> None:
        self.queue.set_strategy(strategy)
        self._store(STRATEGY_SETTING, strategy)
        self.refresh(keep_current=False)

    # --- the mode ---------------------------------------------------------------------------
    def toggle(self, checked: bool | None = None) -> None:
        """The Review Next command: show the dock and walk the queue, or put both away
        (``None``: as the action's check mark now says, which a menu click has just flipped)."""
        if checked is None:
            checked = self.actions["review_mode"].isChecked()
        self.actions["review_mode"].setChecked(checked)
        self.dock.setVisible(checked)
        if checked:
            self.dock.raise_()
            self._warm_up()  # the continuous learning loop may fine-tune soon
            self.start()
        else:
            self.stop()
            self.host.raise_dock("entities")

    def start(self) -> None:
        """Enter the mode: tag what has no scores yet, then show the least sure sentence."""
        self.active = True
        self._said = ""  # each Review Next says again where the queue stands
        self._enable_sentence_commands()
        workspace = self.host.workspace
        missing = [workspace.document(i) for i in self._open_ids() if i not in workspace.sentence_scores]
        if missing and workspace.model.available:
            workspace.predict(missing)
        self.refresh(keep_current=False)

    def stop(self) -> None:
        self.active = False
        self._enable_sentence_commands()
        self._show(None)

    def _enable_sentence_commands(self) -> None:
        for name in ("accept_sentence", "skip_sentence"):
            self.actions[name].setEnabled(self.active)

    def _open_ids(self) -> list[int]:
        workspace = self.host.workspace
        return [i for i in workspace.document_ids() if workspace.summary(i).status != Status.REVIEWED]

    def _on_predicted(self, doc_id: int) -> None:
        found = self.host.workspace.tagged_settled.pop(doc_id, None)  # the tagging worker's, if still true
        self._settled[doc_id] = set(found) if found is not None else self._settled_of(doc_id)
        self._stale.discard(doc_id)
        if self.active:
            self._rerank.start()
            if self.current is not None and self.current.doc_id == doc_id:
                self._render(upcoming=False)

    def refresh(self, keep_current: bool = True) -> None:
        """Re-rank; the sentence on screen stays there unless it left the queue."""
        if not self.active:
            return
        workspace = self.host.workspace
        reviewed = {i for i in workspace.document_ids() if workspace.summary(i).status == Status.REVIEWED}
        scores = dict(workspace.sentence_scores)
        self.queue.rebuild(scores, reviewed, self.accepted, self._settled_now(scores, keep_current))
        keys = {item.key: item for item in self.queue.items}
        if keep_current and self.current is not None and self.current.key in keys:
            self._show(keys[self.current.key], move=False)
        else:
            self._show(self.queue.head())
        self._announce()

    def _next(self) -> None:
        """The queue's next sentence; an emptied queue is ranked again (it may run dry: the
        settled sentences come next)."""
        if self.queue.items:
            self._show(self.queue.head())
        else:
            self.refresh(keep_current=False)

    def _announce(self) -> None:
        """Say once when the queue runs dry or empties (and again at each Review Next), and tell
        the loop; not while documents are being tagged, whose doubts may refill it."""
        if not self.active:
            return
        if self.queue.items and not self.queue.dry:
            state = "unsure"
        elif self.host.workspace.is_predicting():
            # Again later: the last document tagged may come back with no scores (an empty one),
            # so no re-rank would follow. Only this look, not a re-rank of a large project.
            self._recheck.start()
            return
        else:
            state = "dry" if self.queue.items else "empty"
        if state != self._said:
            self._said = state
            if state != "unsure":
                self.host.show_status(self._dry_message(), 20000)
                if self.current is None:
                    self._render(upcoming=False)  # the dock said it was waiting for the tagging
        if (state != "unsure") != self.dry:
            self.dry = state != "unsure"
            self.queue_dry.emit(self.dry)

    def _dry_message(self) -> str:
        open_documents = 0 if self.queue.items else len(self._open_ids())
        return dry_message(len(self.queue), open_documents, len(self.host.workspace.document_ids()))

    def _on_marked_reviewed(self, doc_id: int) -> None:
        """Ctrl+Enter while the queue drives: the document's sentences leave it and the queue's
        next sentence comes up, as after Space (Ctrl+Enter's own next document, in list order,
        then stays where this put the analyst)."""
        if not self.active:
            if not self.dry and not self._open_ids():  # the last document: nothing is left to ask
                self.dry = True
                self.queue_dry.emit(True)
            return
        self.queue.remove_document(doc_id)
        waiting = self.current is not None and any(i.key == self.current.key for i in self.queue.items)
        if waiting:
            self._show(self.current)
        else:
            self._next()

    def _on_review_undone(self, _doc_id: int) -> None:
        if self.active:
            self._rerank.start()  # its sentences are back in the queue
        elif self.dry:  # the document is open again: no longer dry (Review Next looks when it runs)
            self.dry = False
            self.queue_dry.emit(False)

    def _on_updated(self, doc_id: int) -> None:
        if doc_id in self._settled:
            self._stale.add(doc_id)

    def _settled_of(self, doc_id: int) -> set[int]:
        workspace = self.host.workspace
        try:
            return settled_sentences(workspace.document(doc_id), workspace.sentence_scores.get(doc_id, []))
        except NerStudioError:  # gone or unreadable: the workspace has said so
            return set()

    def _settled_now(self, scores: dict[int, list], keep_current: bool) -> dict[int, set[int]]:
        """The settled sentences of the documents with ``scores``; the one on screen stays
        in the queue while the analyst works on it, even once its entities are all theirs
        (one shown from a dry queue stays settled: it stays among those)."""
        for doc_id in self._stale & scores.keys():
            self._settled[doc_id] = self._settled_of(doc_id)
        self._stale.clear()
        settled = {doc_id: set(found) for doc_id, found in self._settled.items() if doc_id in scores}
        if keep_current and self.current is not None and not self.current.settled:
            settled.get(self.current.doc_id, set()).discard(self.current.sentence)
        return settled

    # --- one sentence -----------------------------------------------------------------------
    def _show(self, item: QueueItem | None, *, move: bool = True) -> None:
        if item is None or self.current is None or item.key != self.current.key:
            self._shown_at = self._clock()
        self.current = item
        if self._shown_doc is not None:
            self._shown_doc.changed.disconnect(self._on_doc_changed)
            self._shown_doc = None
        if item is not None:
            doc = self.host.workspace.document(item.doc_id)
            self._shown_doc = doc
            doc.changed.connect(self._on_doc_changed)
            if move:
                self._reveal(doc, item.sentence)
        self._render()

    def _reveal(self, doc: Document, sentence: int) -> None:
        """Open the document at the sentence, its first entity selected (so a number key
        relabels it and Tab walks on), else the caret at the sentence start."""
        self.host.show_document(doc.doc_id)
        start, end = sentence_range(doc, sentence)
        spans = doc.spans_between(start, end)
        view = self.host.view
        view.select_range(start, end)  # brings the whole sentence into view
        if spans:
            view.select_range(spans[0].start, spans[0].end)
        else:
            view.select_range(start, start)

    def _on_doc_changed(self, _change) -> None:
        self._render(upcoming=False)  # an edit of the sentence on screen: the queue is the same

    def _render(self, *, upcoming: bool = True) -> None:
        item = self.current
        if upcoming:
            rows = [(i.key, f"{'↻ ' if i.skipped else ''}{self._name(i.doc_id)} · sentence {i.sentence + 1} — "
                             f"doubt {i.doubt:.3f}", _row_tip(i))
                    for i in self.queue.items[:SHOWN_ITEMS]]
            self.panel.show_upcoming(rows, len(self.queue), self.note, dry=self.queue.dry)
        if item is None:
            message = self._dry_message() if self.active else ""
            if self.active and self.host.workspace.is_predicting():
                message = "Waiting for the model to tag the documents…"
            self.panel.show_current(message, "", [])
            return
        doc = self.host.workspace.document(item.doc_id)
        colour = self.host.span_style.colour
        where = f"{self._name(item.doc_id)}, sentence {item.sentence + 1} of {len(doc.sentences)}"
        if item.settled:  # offered once the queue ran dry: why it was not asked before
            mine = doc.spans_between(*sentence_range(doc, item.sentence))
            where += f" · {'its entities are all yours' if mine else 'the model is sure it has no entity'}"
        self.panel.show_current(where, sentence_html(doc, item.sentence, lambda label: colour(label).name()),
                                entity_lines(doc, item.sentence))

    def _name(self, doc_id: int) -> str:
        return self.host.workspace.summary(doc_id).name or f"document {doc_id}"

    def _choose(self, row: int) -> None:
        if 0 <= row < len(self.queue.items):
            self._show(self.queue.items[row])

    # --- accept / skip ----------------------------------------------------------------------
    def accept(self) -> None:
        """Space: confirm the sentence's model entities, log what the review took, count the
        sentence for the loop (the document is reviewed once all its sentences are) and go on;
        one undo step in the document takes all of it back (``sentence_unaccepted``)."""
        item = self.current
        if item is None:
            return
        workspace = self.host.workspace
        doc = workspace.document(item.doc_id)
        start, end = sentence_range(doc, item.sentence)
        links = self.host.span_style.links
        suggest = links.suggestion if links is not None else None  # Space takes the links shown, as A does
        seconds = self._clock() - self._shown_at
        stack = workspace.undo_stack(doc.doc_id)
        stack.beginMacro(f"Accept sentence {item.sentence + 1} of {doc.name or 'the document'}")
        try:
            edit = accept_all(doc, suggest, doc.spans_between(start, end))
            if edit is not None and not workspace.apply_edit(doc, edit):
                return
            record = workspace.effort.reviewed(doc, start, end, seconds=seconds)
            if len(self.accepted.get(doc.doc_id, set()) | {item.sentence}) >= len(doc.sentences):
                # Every sentence confirmed (each logged on its own): the document is reviewed.
                workspace.mark_reviewed(doc, log=False, suggest=suggest)
            stack.push(NoticeCommand(lambda: self._tell_accepted(doc.doc_id, item.sentence, record, False),
                                     lambda: self._tell_accepted(doc.doc_id, item.sentence, record, True)))
        finally:
            stack.endMacro()
        self.queue.remove(item.key)
        self._next()
        self._tell_accepted(doc.doc_id, item.sentence, record, True)

    def _tell_accepted(self, doc_id: int, sentence: int, record, done: bool) -> None:
        """An acceptance done (or redone) or undone: the review log, the accepted sentences the
        project keeps, the loop's count (``sentence_accepted`` / ``sentence_unaccepted``)."""
        workspace = self.host.workspace
        (workspace.log_review if done else workspace.unlog_review)(record)
        mine = self.accepted.setdefault(doc_id, set())
        (mine.add if done else mine.discard)(sentence)
        if not mine:
            del self.accepted[doc_id]
        self._store_later(ACCEPTED_SETTING, accepted_to_setting(self.accepted))
        (self.sentence_accepted if done else self.sentence_unaccepted).emit(doc_id)
        if not done and self.active:
            self._rerank.start()  # the sentence is back in the queue once the whole step is undone

    def skip(self) -> None:
        if self.current is not None:
            self.queue.skip(self.current.key)
            self._next()

    def show_note(self, note: str) -> None:
        """What the continuous learning loop is doing, under the queue's count."""
        self.note = note
        self.panel.show_count(len(self.queue), note, dry=self.queue.dry)


def _row_tip(item: QueueItem) -> str:
    why = ["skipped earlier"] if item.skipped else []
    if item.settled:
        why.append("the model is sure of it, or its entities are all yours")
    return "; ".join(why)
