"""Small dialogs: errors (a bug's: ``qt_error_dialog``), the corrupt-project question, export
options, paste, shortcuts, about.

Errors are shown with their own message, which names the file and line (FormatError) or says
what to do (ProjectError); the window keeps running whatever the dialog says.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView,
    QLineEdit, QMessageBox, QPlainTextEdit, QPushButton, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget,
)

from ner_studio import __version__
from ner_studio.core.errors import CorruptProjectError, FormatError, PartlyOpened, ProjectError
from ner_studio.core.secrets import redact_secrets
from ner_studio.core.plural import plural
from ner_studio.core.logs import is_user_error
from ner_studio.gui.shell.qt_tables import read_only

SCHEMES = ("iob2", "iob1", "bioes")

log = logging.getLogger(__name__)


# What an error dialog says of the analyst's work (the edits are committed as they happen).
SAVED_AS_YOU_GO = ("Your edits are saved in the project as you make them: nothing you did before this "
                   "is lost.")


def show_error(parent: QWidget | None, title: str, error: BaseException, *, saved: str = SAVED_AS_YOU_GO) -> None:
    """A warning dialog whose text is the error's own message without passwords (and a line in
    the log); a bug (not the user's error: a worker's or a handler's) gets the error dialog with
    its traceback instead, ``saved`` saying what is safe (whoever caught a bug logged its
    traceback)."""
    message = redact_secrets(str(error))
    log.warning("shown: %s: %s", title, message if is_user_error(error) else f"{type(error).__name__}: {message}")
    if not is_user_error(error):
        # Imported when first needed: its dialog classes cost ~20 ms at start-up (issue 23).
        from ner_studio.gui.shell.qt_error_dialog import show_bug

        show_bug(parent, title, error, saved)
        return
    if isinstance(error, PartlyOpened):
        detail = (f"The {plural(error.added, 'document')} before this point {'was' if error.added == 1 else 'were'} added to the project; "
                  "the rest of the file was not. Fix the file and open it again to add the rest.")
    elif isinstance(error, FormatError):
        detail = "Nothing was added from this file; the open documents are unchanged."
    elif isinstance(error, ProjectError):
        detail = "The documents on screen are unchanged."
    else:
        detail = ""
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setInformativeText(detail)
    box.exec()


def ask_restore_backup(parent: QWidget | None, error: CorruptProjectError) -> bool:
    """True if the analyst wants the newest good backup of a damaged project."""
    if error.backup is None:
        show_error(parent, "The project file is damaged", error)
        return False
    answer = QMessageBox.question(
        parent, "The project file is damaged",
        f"{error}\n\nOpen the backup {error.backup.name} instead? The damaged file is kept.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_adopt(parent: QWidget | None, name: str, reason: str) -> bool:
    """The check set is too small to decide: True if the analyst wants the new version."""
    answer = QMessageBox.question(
        parent, "Use the new model?",
        f"The new version {name} could not be judged fairly: {reason}.\n\nMake it the current model "
        "anyway? Either way it stays in the Models panel, and you can switch to it or back at any time.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_unsure_entities(parent: QWidget | None, count: int) -> tuple[str, bool]:
    """Before a document is marked reviewed with ``count`` unsure model entities left:
    ``("show" | "accept" | "cancel", don't ask again)``."""
    box = QMessageBox(QMessageBox.Icon.Question, "Unsure entities left",
                      f"{plural(count, 'model entity')} {'is' if count == 1 else 'are'} still marked unsure. Marking the "
                      "document reviewed accepts every remaining model entity as correct, and fine-tuning and "
                      "evaluation then treat them as truth.", QMessageBox.StandardButton.NoButton, parent)
    show = box.addButton("Show Them", QMessageBox.ButtonRole.RejectRole)
    accept = box.addButton("Accept All and Go On", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(show)
    quiet = QCheckBox("Don't ask again")
    box.setCheckBox(quiet)
    box.exec()
    clicked = box.clickedButton()
    choice = "show" if clicked is show else "accept" if clicked is accept else "cancel"
    return choice, quiet.isChecked() and choice != "cancel"


@dataclass(frozen=True)
class ExportChoice:
    which: str  # "all", "reviewed" or "current"
    path: Path
    fmt: str  # "conll", "jsonl"; for Export also "xlsx" or "csv" (one row per entity)
    scheme: str
    kb_column: bool = False  # CoNLL: a last column of catalogue links (``project export --kb-column``)


class ExportDialog(QDialog):
    """Which documents, the format, the tag scheme (CoNLL only) and the file. Export offers
    all, the reviewed or this document; Save passes ``documents``, ``(words, which)`` pairs
    that say what each choice writes ("all 30 documents of report.conll"), first the likeliest."""

    def __init__(self, parent: QWidget | None, suggested: Path, *,
                 documents: list[tuple[str, str]] | None = None, export: bool | None = None):
        """``export``: Export (spreadsheets too) rather than Save; by default, without ``documents``."""
        super().__init__(parent)
        export = not documents if export is None else export
        self.setWindowTitle("Export" if export else "Save annotations")
        form = QFormLayout(self)
        self.which = QComboBox()
        for words, which in documents or [("All documents", "all"), ("Reviewed documents only", "reviewed"),
                                          ("This document", "current")]:
            self.which.addItem(words[:1].upper() + words[1:], which)
        self.fmt = QComboBox()
        self.fmt.addItem("CoNLL (one token per line)", "conll")
        self.fmt.addItem("JSONL (text and character spans)", "jsonl")
        if export:  # not Save: a spreadsheet is written, never read back
            self.fmt.addItem("Excel workbook (one row per entity, counts per label)", "xlsx")
            self.fmt.addItem("CSV (one row per entity, opens in Excel)", "csv")
        self.scheme = QComboBox()
        for scheme in SCHEMES:
            self.scheme.addItem(scheme.upper(), scheme)
        self.scheme.setToolTip("How entity boundaries are written in CoNLL tags")
        self.kb_column = QCheckBox("Add a column of catalogue links")
        self.kb_column.setToolTip("CoNLL: one more last column with each token's catalogue entry id (_ for none), "
                                  "which NER Studio reads back; other tools may expect the tag last")
        self.path = QLineEdit(str(suggested))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("Documents", self.which)
        form.addRow("Format", self.fmt)
        form.addRow("Tag scheme", self.scheme)
        form.addRow("", self.kb_column)
        form.addRow("File", row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.fmt.currentIndexChanged.connect(self._on_format)
        self.path.textChanged.connect(self._on_path)
        self._on_path(self.path.text())
        self._on_format()
        self.resize(520, self.sizeHint().height())

    def _on_format(self) -> None:
        """The scheme only means something for CoNLL; the file's extension follows the format."""
        fmt = self.fmt.currentData()
        self.scheme.setEnabled(fmt == "conll")
        self.kb_column.setEnabled(fmt == "conll")
        path = Path(self.path.text())
        self.path.setText(str(path.with_suffix(f".{fmt}")))

    def _on_path(self, text: str) -> None:
        """A file named ``.jsonl`` (typed or browsed to) is written as JSONL, and so on."""
        found = self.fmt.findData(Path(text).suffix.lower()[1:])
        if Path(text).suffix and found >= 0:
            self.fmt.setCurrentIndex(found)

    def _browse(self) -> None:
        filters = ";;".join(f"{self.fmt.itemText(i).split(' (')[0]} (*.{self.fmt.itemData(i)})"
                            for i in range(self.fmt.count()))
        name, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(), filters)
        if name:
            self.path.setText(name)

    def choice(self) -> ExportChoice:
        return ExportChoice(self.which.currentData(), Path(self.path.text()).expanduser(),
                            self.fmt.currentData(), self.scheme.currentData(),
                            self.fmt.currentData() == "conll" and self.kb_column.isChecked())


def discard_confirmed(dialog: QWidget, question: str) -> bool:
    """Ask before a dialog drops what was typed in it (Esc, Cancel, its close button):
    Discard, or Cancel (the default) to keep typing."""
    answer = QMessageBox.question(dialog, dialog.windowTitle(), question,
                                  QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                                  QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Discard


class PasteDialog(QDialog):
    """Text (pre-filled from the clipboard) and a name for the new document."""

    def __init__(self, parent: QWidget | None, text: str, name: str):
        super().__init__(parent)
        self.setWindowTitle("Paste as new document")
        layout = QVBoxLayout(self)
        self.name = QLineEdit(name)
        self.text = QPlainTextEdit()
        self.text.setPlainText(text)
        self.text.setPlaceholderText("Paste or type the text to annotate")
        self._pasted = text
        form = QFormLayout()
        form.addRow("Name", self.name)
        layout.addLayout(form)
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 420)

    def reject(self) -> None:
        """Esc, Cancel or the close button: text typed here (not only pasted) is not dropped
        without a word, as the note dialog does (gui/notes/qt_note_dialog.py)."""
        typed = self.text.toPlainText()
        if typed.strip() and typed != self._pasted and not discard_confirmed(self, "Discard the text you typed?"):
            return
        super().reject()


class ShortcutsDialog(QDialog):
    """Rows of ``(keys, what they do, where)``, see ``qt_actions.shortcut_rows``."""

    def __init__(self, parent: QWidget | None, rows: list[tuple[str, str, str]]):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        table = QTableWidget(len(rows), 3, self)
        table.setHorizontalHeaderLabels(["Keys", "What they do", "Menu"])
        for row, cells in enumerate(rows):
            for column, text in enumerate(cells):
                table.setItem(row, column, QTableWidgetItem(text))
        read_only(table, pick_rows=False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(820, 600)


def show_about(parent: QWidget | None, model_name: str) -> None:
    QMessageBox.about(
        parent, "About NER Studio",
        f"<h3>NER Studio {__version__}</h3>"
        "<p>Offline named-entity annotation with a BiLSTM-CRF tagger in the loop.</p>"
        f"<p>Current model: {model_name}</p>"
        "<p>Projects are SQLite files; every edit is saved as you make it. "
        "CoNLL and JSONL go in and out.</p><p>MIT licence.</p>",
    )
