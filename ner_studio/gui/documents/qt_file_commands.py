"""File commands on the host: projects, opening and pasting documents, save, export.

Every edit is already committed to the project file, so "Save" means: flush any edits the
disk refused earlier, then write annotations to a CoNLL/JSONL file: the current document, all
documents read from its file, or the reviewed ones, as chosen the first time (``saving.py``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox

from ner_studio.core.store.annotators import configured_annotator
from ner_studio.core.errors import CorruptProjectError, FormatError, NerStudioError, ProjectError, ReadOnlyProjectError
from ner_studio.core.formats import WRITABLE, file_patterns, readable_formats
from ner_studio.core.logs import log_failure
from ner_studio.core.locations import PROJECT_SUFFIX, default_project_path, default_projects_dir
from ner_studio.core.plural import plural
from ner_studio.core.store.project import Project, is_server_url
from ner_studio.gui.documents.importing import FILE_FILTER, expand_paths, unfinished_imports
from ner_studio.gui.documents.qt_server_dialog import ServerProjectDialog
from ner_studio.gui.documents.saving import chosen_set, rewritten_source, save_sets
from ner_studio.gui.shell.qt_actions import Command
from ner_studio.gui.shell.qt_dialogs import ExportDialog, PasteDialog, ask_restore_backup, show_error
from ner_studio.gui.shell.qt_host import Host

log = logging.getLogger(__name__)
EXPORT_FOLDER_SETTING = "export_folder"
PROJECT_FILTER = f"NER Studio projects (*{PROJECT_SUFFIX});;All files (*)"


def project_file_path(name: str) -> Path:
    """The project file a save dialog's ``name`` means (the suffix added if the user left it off)."""
    return Path(name) if name.endswith(PROJECT_SUFFIX) else Path(name + PROJECT_SUFFIX)


COMMANDS = (
    Command("new_project", "&New Project…", ("Ctrl+N",), "Start an empty project file", "new_project"),
    Command("open_project", "Open &Project…", ("Ctrl+Shift+O",), "Open an NER Studio project file (.nerstudio)", "open_project"),
    Command("open_server_project", "Open Project on a Se&rver…", (), "Connect to a team's project on a PostgreSQL server (host, port, database, user)", "open_server_project"),
    Command("open_files", "&Open Files…", ("Ctrl+O",), f"Add {readable_formats()} files to this project; untagged text is tagged by the model", "open_files"),
    Command("open_folder", "Open &Folder as Project…", ("Ctrl+Shift+F",), f"Make a new project from every {readable_formats('and')} file in a folder", "open_folder"),
    Command("paste", "Paste as New &Document", ("Ctrl+Shift+V",), "Make a new document from the text on the clipboard", "paste_document"),
    Command("import", "&Import Annotations…", ("Ctrl+I",), "Read annotated CoNLL or JSONL files into this project", "import_annotations"),
    Command("save", "&Save", ("Ctrl+S",), "Write this document (or all read from its file) to a CoNLL/JSONL file; edits are already in the project", "save"),
    Command("save_project_as", "Save Project &As…", ("Ctrl+Shift+S",), "Continue in a copy of the project file (another folder or disk)", "save_project_as"),
    Command("save_copy", "Save a &Copy…", (), "Write a consistent copy of the project file (e.g. a backup on another disk) and keep working here", "save_project_copy"),
    Command("export", "&Export…", ("Ctrl+E",), "Write documents to a CoNLL (IOB1/IOB2/BIOES) or JSONL file, "
            "or their entities to an Excel or CSV spreadsheet", "export"),
)
MENU = ("new_project", "open_project", "open_server_project", "open_folder", None, "open_files", "paste", "import", None,
        "save", "save_project_as", "save_copy", "export")
TOOLBAR = ("open_files", "paste", "export")


def open_project_file(parent, path: Path | str, annotator: str | None = None) -> Project | None:
    """Open ``path`` (or a ``postgresql://`` URL) as ``annotator`` (default: the login name),
    offering the newest good backup if a file is damaged; None if it cannot be."""
    try:
        return Project.open(path, defer_backup=True, annotator=annotator)  # the window backs it up in a worker
    except CorruptProjectError as error:
        if ask_restore_backup(parent, error):
            try:
                return Project.restore_backup(error.backup, path, annotator=annotator)
            except ProjectError as second:
                show_error(parent, "The backup cannot be opened either", second)
        return None
    except ReadOnlyProjectError as error:
        answer = QMessageBox.question(
            parent, "The project is read-only",
            f"{error}\n\nOpen it read-only? Your edits are then kept in memory until you use "
            "File > Save Project As.")
        if answer == QMessageBox.StandardButton.Yes:
            try:
                return Project.open(path, read_only=True, annotator=annotator)
            except ProjectError as second:
                show_error(parent, "The project cannot be opened", second)
        return None
    except ProjectError as error:
        show_error(parent, "The project cannot be opened", error)
        return None


class FileController(QObject):
    """The File menu's commands (and the start of the toolbar) on a :class:`Host`; the window
    also asks it to close the project (``close_workspace``) and to open dropped files."""

    def __init__(self, host: Host):
        super().__init__(host)
        self.host = host
        self._opening = 0  # files of the last Open still being read
        self.actions = host.add_commands("&File", COMMANDS, self, MENU, TOOLBAR)
        host.workspace_changed.connect(self._bind_workspace)
        if host.workspace is not None:  # else when the host opens its first project
            self._bind_workspace()

    def _bind_workspace(self) -> None:
        self._opening = 0
        self.host.workspace.import_finished.connect(self._on_import_finished)
        unfinished = unfinished_imports(self.host.workspace.project)
        if unfinished:  # its opening stopped (a close, a kill): never left to look complete
            said = "; ".join(f"{Path(path).name} has {done} of its {parts} parts" for path, (done, parts) in unfinished.items())
            log.warning("big files not opened to their end: %s", said)
            self.host.show_status(f"{said}: its opening stopped. Open it again to add the rest.", 15000)

    # --- projects ------------------------------------------------------------------------
    def close_workspace(self) -> bool:
        """Close the project; False if the analyst chose to keep it open (unsaved edits)."""
        if self.host.workspace is None or self.host.workspace.project.closed:
            return True
        try:
            self.host.workspace.close()
        except ProjectError as error:
            answer = QMessageBox.warning(
                self.host, "Edits are not saved",
                f"{error}\n\nClose anyway and lose {plural(self.host.workspace.project.pending_count, 'edit')}?",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return False
            self.host.workspace.close(discard_pending=True)
        return True

    def switch_project(self, project: Project) -> None:
        if not self.close_workspace():
            project.close()
            return
        self.host.set_project(project)
        self.remember_project(project)

    def annotator_name(self) -> str:
        """The user's annotator name (core/store/annotators.py), for every project this window opens."""
        return configured_annotator(self.host.settings)

    def reopen_as(self, annotator: str) -> None:
        """Open the project again as ``annotator`` (their versions of the documents)."""
        project = open_project_file(self.host, self.host.workspace.project.reopen_location, annotator)
        if project is not None:
            self.switch_project(project)

    def remember_project(self, project: Project) -> None:
        try:
            self.host.settings.add_recent_project(project.location)  # a URL without its password
        except Exception as error:  # noqa: BLE001 - settings are a convenience; report, go on
            log_failure(log, "remembering the project", error)
            self.host.show_status(f"Settings not saved: {error}", 5000)

    def new_project(self) -> None:
        default = default_project_path("Project")
        name, _ = QFileDialog.getSaveFileName(self.host, "New project", str(default), PROJECT_FILTER)
        if not name:
            return
        path = project_file_path(name)
        try:
            project = Project.create(path, self.host.workspace.labels.copy(), annotator=self.annotator_name())
        except ProjectError as error:
            self.host.show_error("The project cannot be created", error)
            return
        self.switch_project(project)

    def save_project_as(self) -> None:
        """Continue in a copy of the project, with the edits the old file could not take."""
        current = self.host.workspace.project
        default = default_project_path(current.name)
        name, _ = QFileDialog.getSaveFileName(self.host, "Save project as", str(default), PROJECT_FILTER)
        if not name:
            return
        path = project_file_path(name)
        self.save_project_to(path)

    def save_project_to(self, path: Path) -> bool:
        try:
            copy = self.host.workspace.project.save_as(path)
        except ProjectError as error:
            self.host.show_error("The project could not be saved there", error)
            return False
        shown = self.host.doc.doc_id if self.host.doc is not None else None
        self.host.set_project(copy)  # the open documents moved to the copy, edits and all
        if shown is not None:
            self.host.show_document(shown)
        self.remember_project(copy)
        self.host.show_status(f"The project is now {path}", 5000)
        return True

    def save_project_copy(self) -> None:
        """A consistent copy (recent edits included) in a project file; work goes on here."""
        project = self.host.workspace.project
        default = (project.path.with_name(f"{project.path.stem} copy{PROJECT_SUFFIX}") if project.path
                   else default_project_path(f"{project.name} copy"))
        name, _ = QFileDialog.getSaveFileName(self.host, "Save a copy of the project", str(default), PROJECT_FILTER)
        if name:
            self.save_project_copy_to(project_file_path(name))

    def save_project_copy_to(self, path: Path) -> bool:
        try:
            missing = self.host.workspace.project.save_copy(path, force=True)  # the dialog asked already
        except NerStudioError as error:
            self.host.show_error("The copy could not be written", error)
            return False
        note = f" ({plural(missing, 'edit')} not saved yet {'is' if missing == 1 else 'are'} not in it)" if missing else ""
        self.host.show_status(f"Copy saved: {path}{note}", 5000)
        return True

    def offer_backup(self, error: CorruptProjectError) -> None:
        """A document of the open project cannot be read: offer its newest good backup."""
        if not ask_restore_backup(self.host, error):
            return
        path, annotator = self.host.workspace.project.path, self.host.workspace.project.annotator
        if not self.close_workspace():
            return
        try:
            project = Project.restore_backup(error.backup, path, annotator=annotator)
        except ProjectError as second:
            self.host.show_error("The backup cannot be opened either", second)
            return
        self.host.set_project(project)
        for warning in project.warnings:
            self.host.show_status(warning, 8000)

    def open_project(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self.host, "Open project", str(default_projects_dir()), PROJECT_FILTER)
        if name:
            project = open_project_file(self.host, Path(name), self.annotator_name())
            if project is not None:
                self.switch_project(project)

    def open_server_project(self) -> None:
        """A team's project in a database on a PostgreSQL server (or a new one there)."""
        previous = next((p for p in self.host.settings.recent_projects if is_server_url(p)), None)
        dialog = ServerProjectDialog(self.host, previous)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if dialog.wants_new_project():
            try:
                project = Project.create(dialog.url(), self.host.workspace.labels.copy(), annotator=self.annotator_name())
            except ProjectError as error:
                self.host.show_error("The project cannot be created on the server", error)
                return
        else:
            project = open_project_file(self.host, dialog.url(), self.annotator_name())
        if project is not None:
            self.switch_project(project)

    def open_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.host, "Open folder as project")
        if folder:
            self.open_folder_as_project(Path(folder))

    def open_folder_as_project(self, folder: Path) -> None:
        """A new project (in the data folder) holding every supported file under ``folder``."""
        try:
            project = Project.create(default_project_path(folder.name or "folder"), self.host.workspace.labels.copy(),
                                     annotator=self.annotator_name())
        except ProjectError as error:
            self.host.show_error("The project cannot be created", error)
            return
        self.switch_project(project)
        self.open_paths([folder])

    # --- adding documents ----------------------------------------------------------------
    def open_files(self) -> None:
        self.host.workspace.warm_up_reading()
        names, _ = QFileDialog.getOpenFileNames(self.host, "Open documents", "", FILE_FILTER)
        self.open_paths([Path(n) for n in names])

    def import_annotations(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self.host, "Import annotations", "", f"Annotations ({file_patterns(WRITABLE)});;All files (*)")
        self.open_paths([Path(n) for n in names])

    def open_paths(self, paths: list[Path]) -> None:
        """Add files (folders: every supported file inside) to the project, in a worker."""
        files = expand_paths(paths)
        if paths and not files:
            self.host.show_error("Nothing to open", FormatError("no .txt, CoNLL, JSONL, Word, HTML, Markdown or PDF files here", paths[0]))
            return
        if not files:
            return
        self._opening = len(files)
        self.host.show_status(f"Opening {plural(len(files), 'file')}…", 0)
        already = self.host.workspace.import_paths(files)
        if already:
            names = ", ".join(p.name for p in already[:3]) + (" …" if len(already) > 3 else "")
            self._opening = max(0, self._opening - len(already))  # 0: the import finished already
            self.host.show_status(f"Already in the project, shown: {names}"
                                         + (f"; opening {plural(self._opening, 'more file')}…" if self._opening else ""), 8000)

    def _on_import_finished(self) -> None:
        """Replace the "Opening…" notice (files already in the project keep theirs)."""
        opened, self._opening = self._opening, 0
        if opened and self.host.current_status().startswith("Opening"):
            self.host.show_status(f"Finished opening {plural(opened, 'file')}", 5000)

    def paste_document(self) -> None:
        text = QApplication.clipboard().text()
        number = len(self.host.workspace.document_ids()) + 1
        dialog = PasteDialog(self.host, text, f"Pasted text {number}")
        if not dialog.exec():
            return
        try:
            self.host.workspace.add_text(dialog.text.toPlainText(), dialog.name.text().strip() or f"Pasted text {number}")
        except FormatError as error:
            self.host.show_error("Nothing to paste", error)

    # --- saving --------------------------------------------------------------------------
    def save(self) -> None:
        """Flush kept edits, then write the documents chosen the first time (the dialog says
        what each choice writes and asks before rewriting a file documents came from)."""
        project = self.host.workspace.project
        try:
            project.save_pending()
        except ProjectError as error:
            self.host.show_error("Edits could not be saved", error)
            return
        if self.host.doc is None:
            return
        workspace = self.host.workspace
        summaries = [workspace.summary(i) for i in workspace.document_ids()]
        summary = workspace.summary(self.host.doc.doc_id)
        curated = project.gold_documents()  # written as their gold versions, as Export does
        reviewed = {s.doc_id for s in summaries if s.status == "reviewed" or s.doc_id in curated}
        sets = save_sets(self.host.doc.doc_id, summaries, reviewed)
        key = f"save_target:{summary.source_path or 'doc:%d' % self.host.doc.doc_id}"
        target = project.get_setting(key)
        if target is None:
            dialog = ExportDialog(self.host, self._suggested_path(summary.source_path),
                                  documents=[(s.description, s.which) for s in sets])
            if not dialog.exec():
                return
            choice = dialog.choice()
            if not self._may_rewrite(choice.path, chosen_set(sets, choice.which), summaries):
                return
            target = {"path": str(choice.path), "fmt": choice.fmt, "scheme": choice.scheme, "which": choice.which,
                      "kb_column": choice.kb_column}
            project.set_setting(key, target)
        chosen = chosen_set(sets, target.get("which"))
        if workspace.export(list(chosen.ids), Path(target["path"]), target["fmt"], target["scheme"], gold=curated,
                            kb_column=bool(target.get("kb_column"))):
            self.host.show_status(f"Saved {chosen.description} to {target['path']}{beside(workspace)}", 5000)

    def _may_rewrite(self, path: Path, chosen, summaries) -> bool:
        """True unless ``path`` is a file documents were imported from and the analyst says no."""
        source = rewritten_source(path, summaries)
        if source is None:
            return True
        name, ids = source
        left_out = len(set(ids) - set(chosen.ids))
        loss = (f"\n\n{left_out} of the documents read from it are not in what you save; they would no "
                "longer be in the file (they stay in the project)." if left_out else "")
        answer = QMessageBox.question(
            self.host, "Rewrite the imported file?",
            f"{name} is the file {plural(len(ids), 'document')} of this project "
            f"{'were' if len(ids) != 1 else 'was'} imported from. Saving replaces its contents with "
            f"{chosen.description}.{loss}\n\nRewrite {name}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _suggested_path(self, source_path: str | None) -> Path:
        if source_path:
            source = Path(source_path)
            return source if source.suffix.lower() in (".conll", ".jsonl") else source.with_suffix(".conll")
        name = self.host.doc.name if self.host.doc is not None and self.host.doc.name else "annotations"
        return Path.home() / f"{name}.conll"

    def export(self) -> None:
        """Ctrl+E: all, the reviewed or the current document, into the folder used last."""
        folder = Path(self.host.settings.get(EXPORT_FOLDER_SETTING) or Path.home())
        dialog = ExportDialog(self.host, folder / f"{self.host.workspace.project.name}.conll")
        if not dialog.exec():
            return
        choice = dialog.choice()
        workspace = self.host.workspace
        ids = workspace.document_ids()
        curated = workspace.project.gold_documents()  # exported as their gold versions
        if choice.which == "reviewed":
            ids = [i for i in ids if workspace.summary(i).status == "reviewed" or i in curated]
        elif choice.which == "current":
            ids = [self.host.doc.doc_id] if self.host.doc is not None else []
        if workspace.export(ids, choice.path, choice.fmt, choice.scheme, gold=curated, kb_column=choice.kb_column):
            self.host.show_status(f"Exported {plural(len(ids), 'document')} to {choice.path}{beside(workspace)}", 5000)
            try:
                self.host.settings.set(EXPORT_FOLDER_SETTING, str(choice.path.parent))
            except NerStudioError as error:
                log_failure(log, "remembering the export folder", error)


def beside(workspace) -> str:
    """What an export wrote beside the file: the catalogue its links name (gui/catalogue)."""
    path = workspace.exported_beside
    return f", and the catalogue to {path.name}" if path is not None else ""
