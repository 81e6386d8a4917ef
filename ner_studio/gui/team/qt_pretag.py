"""A second annotator starts from suggestions (issue 26): when someone opens a document of which
they have no version yet, the current model tags it for them in the background, as Tag with Model
would, so nobody presses Tag on every document. The suggestions are the model's (dashed, source
``model``), never marked reviewed, and agreement counts only what people confirm
(core/team/agreement.py). Team > Pre-tag New Versions with the Model turns it off for the whole
project (a project setting, on by default).

The first annotator's documents are tagged as they are added (``Workspace.add_documents``); a
version already begun (any edit, or marked reviewed with no entities) is never tagged again here.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject

from ner_studio.core.errors import NerStudioError
from ner_studio.core.logs import log_failure
from ner_studio.core.store.annotators import GOLD, SETTING
from ner_studio.core.text.document import Document, Status
from ner_studio.gui.shell.qt_actions import Command
from ner_studio.gui.shell.qt_host import Host

log = logging.getLogger(__name__)

PRETAG_SETTING = "team.pretag_new_versions"  # a project setting: the team's choice, not one person's
COMMANDS = (
    Command("pretag", "&Pre-tag New Versions with the Model", (),
            "When you open a document you have no version of yet, the current model tags it for you "
            "(suggestions only; agreement counts what you confirm). For everyone in this project.", "toggle"),
)


def is_new_version(project, doc: Document) -> bool:
    """True if ``doc`` (as ``project`` shows it) is a version its annotator has not begun: no
    entities, status new, no row of theirs (they never edited it). Not the gold version."""
    if project.read_only or project.annotator == GOLD or doc.spans or doc.status != Status.NEW:
        return False
    return project.version_annotator not in project.versions_of(doc.doc_id)


class PreTagging(QObject):
    def __init__(self, host: Host):
        super().__init__(host)
        self.host = host
        self.actions = host.add_commands("&Team", COMMANDS, self, ("pretag",))
        self.actions["pretag"].setCheckable(True)
        host.document_shown.connect(self.document_shown)
        host.workspace_changed.connect(self._bind)
        self._bind()

    @property
    def on(self) -> bool:
        return self.actions["pretag"].isChecked()

    def _bind(self) -> None:
        try:
            on = self.host.workspace.project.get_setting(PRETAG_SETTING, True)
        except NerStudioError as error:
            log_failure(log, "reading the pre-tagging setting", error)
            on = True
        self.actions["pretag"].setChecked(on is not False)
        self.document_shown(self.host.doc.doc_id if self.host.doc is not None else None)

    def toggle(self) -> None:
        """The menu click has flipped the check mark: keep it for the project."""
        project = self.host.workspace.project
        if project.read_only:
            self.host.show_status("The project is open read-only: the choice holds for this session only.")
            return
        try:
            project.set_setting(PRETAG_SETTING, self.on)
        except NerStudioError as error:
            self.host.show_error("The choice was not saved", error)
            return
        self.host.show_status("New versions are pre-tagged with the model" if self.on
                              else "New versions start empty (Tag with Model, Ctrl+T, tags one)")

    def document_shown(self, doc_id) -> None:
        workspace = self.host.workspace
        doc = self.host.doc
        if not self.on or doc_id is None or doc is None or doc.doc_id != doc_id or not workspace.model.available:
            return
        if self.host.settings.get(SETTING) is None:  # whose version it would be is still being asked
            return  # (Team > Your Name); the window reopens under the name given and comes back here
        try:
            if not is_new_version(workspace.project, doc) or workspace.tagging.has(doc):
                return
        except NerStudioError as error:  # showing the document matters more: the log keeps why
            log_failure(log, "checking for a new version", error)
            return
        log.info("pre-tagging document %s, new in %s's versions", doc_id, workspace.project.annotator)
        workspace.predict([doc])
