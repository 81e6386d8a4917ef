"""The label-set editor: add, rename (relabels every entity), recolour, re-key, remove, and
write each label's guideline (a description and examples, shown on hover in the palette and the
label menus); import and export the set with its guidelines as a file to hand on.

It edits a copy of the project's LabelSet; OK hands the copy back, and the workspace saves it
in one transaction together with the relabelled spans.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView,
    QLabel, QMessageBox, QPlainTextEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from ner_studio.core.errors import LabelError, NerStudioError
from ner_studio.core.formats.label_set_file import merge_label_set, read_label_set, write_label_set
from ner_studio.core.text.labels import KEYS, LabelSet
from ner_studio.core.plural import plural
from ner_studio.gui.shell.qt_dialogs import discard_confirmed


class LabelEditor(QDialog):
    def __init__(self, parent: QWidget | None, labels: LabelSet, counts: dict[str, int]):
        super().__init__(parent)
        self.setWindowTitle("Edit labels")
        self.labels = labels.copy()
        self._given = labels.copy()  # to tell whether Cancel would discard anything
        self.counts = counts
        self.delete_spans = False
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Double-click a name to rename it; renaming relabels every entity."))
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels(["Name", "Colour", "Key", "Entities"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._on_item_changed)
        self.table.cellDoubleClicked.connect(self._on_double_click)
        self.table.currentCellChanged.connect(lambda *_: self._show_guidelines())
        layout.addWidget(self.table)
        layout.addLayout(self._guideline_fields())
        row = QHBoxLayout()
        for text, tip, handler in (
            ("Add", "Add a label with the next free colour and key", self._add),
            ("Colour…", "Pick another colour for the selected label", self._recolour),
            ("Remove", "Remove the selected label (its entities are deleted after you confirm)", self._remove),
            ("Import…", "Take labels and their guidelines from a label set file (a label of the same name "
                        "takes the file's colour and guideline; none is removed)", self._import),
            ("Export…", "Write these labels with their guidelines to a file to hand on", self._export),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(handler)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fill()
        self.resize(520, 600)

    def reject(self) -> None:
        """Cancel, Esc or the close button: changes made (a guideline typed, say) are not
        dropped without a word, as the note dialog does (gui/notes/qt_note_dialog.py)."""
        changed = self.labels != self._given or self.delete_spans
        if changed and not discard_confirmed(self, "Discard your changes to the labels?"):
            return
        super().reject()

    def _guideline_fields(self) -> QFormLayout:
        """The selected label's description and examples, saved into the set as they are typed."""
        form = QFormLayout()
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText("What counts as this label, and what does not")
        self.examples = QPlainTextEdit()
        self.examples.setPlaceholderText("Example texts, one a line")
        for field in (self.description, self.examples):
            field.setTabChangesFocus(True)
            field.setMaximumHeight(90)
            field.textChanged.connect(self._on_guidelines_typed)
        self.guideline_note = QLabel()
        self.guideline_note.setStyleSheet("color: #b91c1c;")
        # Names the label the fields belong to: with no row visibly chosen, what was typed went
        # to the first label without a word.
        self.guideline_heading = QLabel()
        form.addRow(self.guideline_heading)
        form.addRow("Description", self.description)
        form.addRow("Examples", self.examples)
        form.addRow(self.guideline_note)
        return form

    def _show_guidelines(self) -> None:
        name = self._selected_name()
        label = self.labels[name] if name is not None else None
        for field, text in ((self.description, label.description if label else ""),
                            (self.examples, "\n".join(label.examples) if label else "")):
            field.blockSignals(True)
            if field.toPlainText().strip() != text:  # the field keeps what is being typed
                field.setPlainText(text)
            field.setEnabled(label is not None)
            field.blockSignals(False)
        self.guideline_heading.setText(f"Guideline for <b>{escape(name)}</b>" if label else
                                       "Choose a label above to write its guideline.")
        self.guideline_note.setText("")

    def _on_guidelines_typed(self) -> None:
        name = self._selected_name()
        if name is None:
            return
        try:
            self.labels.set_guidelines(name, self.description.toPlainText(), self.examples.toPlainText().splitlines())
        except LabelError as error:  # said beside the fields: a dialog on every key would be worse
            self.guideline_note.setText(str(error))
            return
        self.guideline_note.setText("")

    def _fill(self) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.labels))
        for row, label in enumerate(self.labels):
            name = QTableWidgetItem(label.name)
            name.setData(Qt.ItemDataRole.UserRole, label.name)
            self.table.setItem(row, 0, name)
            swatch = QTableWidgetItem(label.colour)
            swatch.setBackground(QColor(label.colour))
            swatch.setFlags(swatch.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, 1, swatch)
            key = QComboBox()
            key.addItems(["none", *KEYS])
            key.setCurrentText(label.key or "none")
            key.currentTextChanged.connect(lambda text, name=label.name: self._set_key(name, text))
            self.table.setCellWidget(row, 2, key)
            count = QTableWidgetItem(str(self.counts.get(self._origin(label.name), 0)))
            count.setFlags(count.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, 3, count)
        self.table.blockSignals(False)
        if self.table.currentRow() < 0 and len(self.labels):
            self.table.setCurrentCell(0, 0)  # shown chosen: the guideline fields are the first label's
        self._show_guidelines()

    def _origin(self, name: str) -> str:
        """The stored name of a label renamed in this dialog (entity counts are by it)."""
        return {new: old for old, new in self.labels.renames().items()}.get(name, name)

    def _selected_name(self) -> str | None:
        row = self.table.currentRow()
        return self.labels.names()[row] if 0 <= row < len(self.labels) else None

    def _try(self, change) -> None:
        try:
            change()
        except LabelError as error:
            QMessageBox.warning(self, "Label not changed", str(error))
        self._fill()

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == 0:
            old = item.data(Qt.ItemDataRole.UserRole)
            self._try(lambda: self.labels.rename(old, item.text().strip()))

    def _on_double_click(self, row: int, column: int) -> None:
        if column == 1:
            self.table.setCurrentCell(row, column)
            self._recolour()

    def _set_key(self, name: str, text: str) -> None:
        self._try(lambda: self.labels.set_key(name, "" if text == "none" else text))

    def _add(self) -> None:
        number = len(self.labels) + 1
        while f"LABEL{number}" in self.labels:
            number += 1
        self._try(lambda: self.labels.add(f"LABEL{number}"))
        self.table.setCurrentCell(len(self.labels) - 1, 0)
        self.table.editItem(self.table.item(len(self.labels) - 1, 0))

    def _recolour(self) -> None:
        name = self._selected_name()
        if name is None:
            return
        colour = QColorDialog.getColor(QColor(self.labels[name].colour), self, f"Colour of {name}")
        if colour.isValid():
            self._try(lambda: self.labels.set_colour(name, colour.name()))

    def _remove(self) -> None:
        name = self._selected_name()
        if name is None:
            return
        used = self.counts.get(self._origin(name), 0)
        if used:
            answer = QMessageBox.question(
                self, "Remove label",
                f"{plural(used, 'entity')} {'is' if used == 1 else 'are'} labelled {name}. Remove the label and delete "
                f"{'it' if used == 1 else 'those entities'}?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            self.delete_spans = True
        self._try(lambda: self.labels.remove(name))

    def _import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import labels", "", "Label sets (*.json);;All files (*)")
        if not path:
            return
        try:
            self.labels = merge_label_set(self.labels, read_label_set(path))
        except NerStudioError as error:
            QMessageBox.warning(self, "Labels not imported", str(error))
            return
        self._fill()

    def _export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export labels", "labels.json", "Label sets (*.json)")
        if not path:
            return
        try:
            write_label_set(path, self.labels, force=True)  # the file dialog asked before replacing
        except (NerStudioError, OSError) as error:
            QMessageBox.warning(self, "Labels not exported", str(error))
