"""Team tools, added to the main window by :func:`install_team` (menu "Team", two docks):
your annotator name, another annotator's version of the shown document (read-only), curating
two versions into the gold version, the agreement figures with the disagreements behind them
(a click on one opens curation there; gui/team/qt_disagreements.py), and pre-tagging new
versions (gui/team/qt_pretag.py).

The name is the login name until the user gives one; it is asked once, the first time a
project with other annotators opens (a single user is never asked), and kept in the user
settings. Changing it opens the project again as that annotator.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QInputDialog, QLineEdit, QMessageBox, QPlainTextEdit, QTabWidget, QVBoxLayout,
)

from ner_studio.core.team.agreement import agreement, format_report, gather
from ner_studio.core.team.disagreements import Disagreement, disagreements
from ner_studio.core.store.annotators import GOLD, SETTING, check_annotator_name, configured_annotator, display_name
from ner_studio.core.errors import ChangedMeanwhileError, NerStudioError
from ner_studio.core.logs import log_failure
from ner_studio.core.plural import plural
from ner_studio.core.store.project import Project
from ner_studio.gui.annotate.qt_highlighter import SpanStyle
from ner_studio.gui.shell.qt_actions import Command
from ner_studio.gui.shell.qt_host import Host
from ner_studio.gui.shell.qt_task_worker import TaskWorker
from ner_studio.gui.team.qt_curation import CurationPanel
from ner_studio.gui.team.qt_disagreements import DisagreementList
from ner_studio.gui.team.qt_pretag import PreTagging
from ner_studio.gui.team.qt_versions_panel import VersionsPanel

log = logging.getLogger(__name__)

COMMANDS = (
    Command("your_name", "Your &Name…", (),
            "The annotator name your edits are saved under (your versions in this project follow it)", "ask_name"),
    Command("other_version", "&Other Annotator's Version", (),
            "Show another annotator's version of this document beside yours (read-only)", "show_other_version"),
    Command("curate", "&Curate Document", (),
            "Compare two annotators' versions of this document and save the gold version", "show_curation"),
    Command("agreement", "&Agreement…", (),
            "Inter-annotator agreement per label: span F1, Cohen's kappa, Krippendorff's alpha", "show_agreement"),
    Command("edit_gold", "&Edit the Gold Version", (),
            "Open the project as its curated gold versions to edit them with every tool; again to go back "
            "to your own", "toggle_gold"),
)
MENU = ("your_name", None, "other_version", "curate", "agreement", None, "edit_gold")


def prompt_for_name(parent, suggestion: str) -> str | None:
    """The name the user types (``None``: cancelled). A test replaces this function."""
    name, accepted = QInputDialog.getText(
        parent, "Your annotator name",
        "Your edits in shared projects are saved under this name, apart from other annotators':",
        QLineEdit.EchoMode.Normal, suggestion)
    return name if accepted else None


@dataclass(frozen=True)
class AgreementFindings:
    """What the agreement worker hands the window: the figures as text and every disagreement."""

    text: str
    annotators: tuple[str, ...]
    disagreements: Sequence[Disagreement]
    kb_names: Mapping[str, str] = field(default_factory=dict)  # catalogue entry id -> name


def agreement_task(location, names: list[str], report, should_stop) -> AgreementFindings:
    """The agreement report of ``names``' versions in the project at ``location``, and the
    disagreements behind it (from the same versions, read once)."""
    project = Project.open(location, read_only=True)
    try:
        versions = gather(project, names)
        kb_names = project.kb_names()
    finally:
        project.close(discard_pending=True)
    return AgreementFindings(format_report(agreement(versions, names)), tuple(names), disagreements(versions, names),
                             kb_names)


class TeamController(QObject):
    def __init__(self, window: Host):
        super().__init__(window)
        self.window = window
        style = SpanStyle(window.workspace.labels, window.span_style.low_confidence)
        self.versions = VersionsPanel(style, self._load_version)
        self.curation = CurationPanel(style, self._load_version, self._saved_gold, self._kb_names)
        self.docks = {"versions": window.add_dock("Other annotator", self.versions),
                      "curation": window.add_dock("Curation", self.curation)}
        for key, panel in (("versions", self.versions), ("curation", self.curation)):
            panel.active = False  # nothing is read for a hidden dock
            self.docks[key].hide()
            self.docks[key].visibilityChanged.connect(panel.set_active)
        self.actions: dict[str, QAction] = window.add_commands("&Team", COMMANDS, self, MENU)
        self.actions["edit_gold"].setCheckable(True)
        self.worker: TaskWorker | None = None
        self.curation.gold_ready.connect(self.save_gold)
        window.closed.connect(self.shutdown)
        window.document_shown.connect(self._on_document_shown)
        window.workspace_changed.connect(self._bind_workspace)
        self._bind_workspace()

    @property
    def project(self):
        return self.window.workspace.project

    def _load_version(self, doc_id: int, annotator: str):
        return self.project.load_version(doc_id, annotator)

    def _kb_names(self) -> dict[str, str]:
        try:
            return self.project.kb_names()
        except NerStudioError as error:  # the ids stand in for the names
            log_failure(log, "reading the catalogue's names for curation", error)
            return {}

    def _saved_gold(self, doc_id: int):
        if doc_id not in self.project.gold_documents():
            return None
        return self.project.load_version(doc_id, GOLD).spans

    def _bind_workspace(self) -> None:
        project = self.project
        if project.annotator == GOLD:  # the curator's name goes on their edits of the gold version
            project.editor = configured_annotator(self.window.settings)
        self.actions["your_name"].setText(f"Your &Name… ({display_name(project.annotator)})")
        self.actions["edit_gold"].setChecked(project.annotator == GOLD)
        others = self.refresh_annotators(keep=False)
        self._on_document_shown(self.window.doc.doc_id if self.window.doc is not None else None)
        self.window.workspace.document_updated.connect(self._on_document_updated)
        self.window.workspace.labels_changed.connect(self._restyle)
        self._restyle()
        if self.window.settings.get(SETTING) is None and project.annotator != GOLD and others:
            QTimer.singleShot(0, self.ask_name_once)

    def _restyle(self) -> None:
        style = SpanStyle(self.window.workspace.labels, self.window.span_style.low_confidence)
        for view in (self.versions.view, self.curation.first_view, self.curation.second_view):
            view.set_style(style)

    def refresh_annotators(self, *, keep: bool = True, pair: tuple[str, str] | None = None) -> list[str]:
        """Offer the project's annotators in both panels; ``keep=False`` (another project)
        picks afresh: two others for a curator who has no version, else yours and another's;
        ``pair``: curation compares these two. Returns the annotators with versions other than
        the one working here."""
        project = self.project
        names = project.annotators()  # one query: it scans every document's versions
        gold = [GOLD] if project.annotator != GOLD and project.gold_documents() else []
        others = [name for name in names if name != project.annotator]
        self.versions.set_annotators(others + gold)
        everyone = list(dict.fromkeys([project.annotator, *names, *gold]))
        mine = project.annotator in names
        preferred = (project.annotator, *others[:1]) if mine or len(others) < 2 else tuple(others[:2])
        self.curation.set_annotators(everyone, pair or preferred, keep=keep and pair is None)
        return others

    def _on_document_updated(self, doc_id: int) -> None:
        """An edit of the shown document (yours): compare again what the panels show."""
        if self.window.doc is None or self.window.doc.doc_id != doc_id:
            return
        if self.docks["curation"].isVisible() and self.project.annotator in self.curation.annotators():
            self.curation.refresh()

    def _on_document_shown(self, doc_id) -> None:
        self.versions.show_document(doc_id)
        self.curation.show_document(doc_id)

    # --- commands --------------------------------------------------------------------------
    def show_other_version(self) -> None:
        self.refresh_annotators()
        self.docks["versions"].show()
        self.docks["versions"].raise_()

    def show_curation(self) -> None:
        self.refresh_annotators()
        self.curation.refresh()
        self.docks["curation"].show()
        self.docks["curation"].raise_()

    def toggle_gold(self) -> None:
        """Edit the gold versions (the project opened as GOLD), or go back to your own."""
        if self.project.annotator == GOLD:
            self.window.reopen_as(configured_annotator(self.window.settings))
        else:
            self.window.reopen_as(GOLD)
        self.actions["edit_gold"].setChecked(self.project.annotator == GOLD)

    def save_gold(self, doc_id: int, spans, started_from=None) -> None:
        try:
            try:
                self.project.save_gold(doc_id, spans, expected=started_from)
            except ChangedMeanwhileError as error:
                answer = QMessageBox.question(
                    self.window, "The gold version changed meanwhile",
                    f"{error}.\n\nReplace it with yours? "
                    "No shows theirs, with the choices they made.")
                if answer != QMessageBox.StandardButton.Yes:
                    self.curation.refresh()
                    return
                self.project.save_gold(doc_id, spans)
        except NerStudioError as error:
            self.window.show_error("The gold version was not saved", error)
            return
        self.window.show_status(f"Saved the gold version ({plural(len(spans), 'entity')}); export and training use it")
        self.refresh_annotators()

    def show_agreement(self) -> None:
        """Read the versions and compute the figures in a worker, on a read-only connection of
        its own (a project's connection belongs to its thread): a million tokens take seconds
        to read and seconds to score (benchmarks/results/2026-12-01-agreement.md), and the window stays live."""
        names = self.project.annotators()
        if len(names) < 2:
            self.window.show_status("Agreement needs two annotators with versions of the same documents.")
            return
        if self.worker is not None:
            return
        try:
            self.project.save_pending()  # what this window shows is what the worker reads
        except NerStudioError as error:
            log_failure(log, "saving edits before the agreement", error)  # the status bar counts them
        self.window.show_status("Computing the agreement…", 0)
        self.worker = TaskWorker(partial(agreement_task, self.project.reopen_location, names), "agreement")
        self.worker.succeeded.connect(self._show_report)
        self.worker.failed.connect(self._show_failure)
        self.worker.finished.connect(self._on_worker_finished)
        self.worker.start()

    def _show_failure(self, error: Exception) -> None:
        self.window.show_error("Agreement cannot be computed", error)

    def _show_report(self, findings: AgreementFindings) -> None:
        self.window.show_status("")
        self.report_dialog = ReportDialog(self.window, findings)
        self.report_dialog.disagreements.chosen.connect(self.show_place)
        self.report_dialog.show()

    def show_place(self, found: Disagreement) -> None:
        """A disagreement chosen in the agreement report: its document in the text, and the
        Curation dock comparing its two annotators with the place selected. The pair is picked
        before the document is shown, so each version is read once."""
        self.refresh_annotators(pair=found.pair)
        self.window.show_range(found.doc_id, found.start, found.end)
        if self.window.doc is None or self.window.doc.doc_id != found.doc_id:
            return  # deleted or unreadable since the report was made: the window said so
        self.docks["curation"].show()
        self.docks["curation"].raise_()
        self.curation.show_place(found.doc_id, found.start, found.end, found.pair)

    def _on_worker_finished(self) -> None:
        self.worker = None

    def shutdown(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait()

    def ask_name_once(self) -> None:
        """First team project without a name set: ask, and keep what the user ends with."""
        if self.window.settings.get(SETTING) is None:
            self.ask_name()

    def ask_name(self) -> None:
        editing_gold = self.project.annotator == GOLD
        current = configured_annotator(self.window.settings) if editing_gold else self.project.annotator
        typed = prompt_for_name(self.window, current)
        try:
            name = check_annotator_name(typed) if typed is not None else current
        except NerStudioError as error:
            self.window.show_error("That name cannot be used", error)
            return
        try:
            self.window.settings.set(SETTING, name)
        except NerStudioError as error:
            log_failure(log, "remembering the annotator name", error)
        if name == current or editing_gold:  # editing the gold version goes on
            return
        project = self.project
        if not project.read_only and current in project.annotators() and name not in project.annotators():
            try:  # your work here follows your new name
                project.rename_annotator(current, name)
            except NerStudioError as error:
                self.window.show_error("Your versions keep the old name", error)
        self.window.reopen_as(name)


class ReportDialog(QDialog):
    """The figures in one tab, the disagreements behind them in another (a click opens curation)."""

    def __init__(self, parent, findings: AgreementFindings):
        super().__init__(parent)
        self.setWindowTitle("Inter-annotator agreement")
        self.text = QPlainTextEdit(findings.text)
        self.text.setReadOnly(True)
        self.text.setFont(QFont("monospace"))
        self.disagreements = DisagreementList()
        self.disagreements.set_disagreements(findings.disagreements, findings.annotators, findings.kb_names)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.text, "Figures")
        self.tabs.addTab(self.disagreements, f"Disagreements ({len(findings.disagreements):,})")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.resize(820, 520)


def install_team(host: Host) -> TeamController:
    controller = TeamController(host)
    controller.pretagging = PreTagging(host)  # its command after the team's own
    return controller

