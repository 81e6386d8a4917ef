"""Opening, pasting, saving, exporting and reopening through the real main window; a malformed
file is reported with its line and changes nothing."""

from __future__ import annotations


from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog

from ner_studio.core.formats import read_documents
from ner_studio.core.text.spans import Source, Span
from ner_studio.gui.shell import qt_dialogs
from ner_studio.gui.documents import qt_file_commands
from ner_studio.gui.annotate.qt_edit_commands import ASK_UNSURE_SETTING

CONLL = """-DOCSTART- O

Karin NNP B-NP B-PER
Olsson NNP I-NP I-PER
visited VBD B-VP O
Lisbon NNP B-NP B-LOC
. . O O
"""


def accept_dialog(monkeypatch, cls, setup=lambda dialog: None):
    """Make ``cls.exec`` press OK after ``setup(dialog)`` instead of blocking."""
    def exec_(dialog):
        setup(dialog)
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(cls, "exec", exec_)


def test_open_conll_label_save_and_reopen(start_window, qtbot, idle, tmp_path, monkeypatch):
    source = tmp_path / "news.conll"
    source.write_text(CONLL, encoding="utf-8")
    window = start_window(source)
    assert window.doc.name == "news"
    doc = window.doc
    assert [(doc.text[s.start:s.end], s.label) for s in doc.spans] == [("Karin Olsson", "PER"), ("Lisbon", "LOC")]
    assert all(s.source == Source.HUMAN for s in doc.spans)  # annotated files are not re-tagged

    window.view.setFocus()
    start = doc.text.index("visited")
    window.view.select_range(start, start + 3)  # part of a token: the label snaps to it
    qtbot.keyClick(window.view, Qt.Key.Key_4)
    assert Span(start, start + len("visited"), "MISC") in doc.spans

    target = tmp_path / "out" / "news-fixed.conll"
    target.parent.mkdir()
    accept_dialog(monkeypatch, qt_dialogs.ExportDialog, lambda d: (d.path.setText(str(target)), d.scheme.setCurrentIndex(2)))
    qtbot.keyClick(window.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    written = target.read_text(encoding="utf-8")
    assert "S-MISC" in written and "B-PER" in written and "E-PER" in written  # BIOES chosen
    [reread] = read_documents(target)
    assert [(reread.text[s.start:s.end], s.label) for s in reread.spans] == [
        ("Karin Olsson", "PER"), ("visited", "MISC"), ("Lisbon", "LOC")]

    window.close()
    again = start_window()  # no argument: the last project opens
    shown = again.workspace.document(doc.doc_id)
    assert shown.spans == doc.spans and shown.text == doc.text


def test_export_jsonl_of_reviewed_documents(start_window, qtbot, tmp_path, monkeypatch):
    window = start_window()
    window.settings.set(ASK_UNSURE_SETTING, False)  # accept unsure entities without asking
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # reviewed
    target = tmp_path / "reviewed.jsonl"

    def choose(dialog):
        dialog.which.setCurrentIndex(dialog.which.findData("reviewed"))
        dialog.fmt.setCurrentIndex(dialog.fmt.findData("jsonl"))
        dialog.path.setText(str(target))

    accept_dialog(monkeypatch, qt_dialogs.ExportDialog, choose)
    qtbot.keyClick(window.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    [exported] = read_documents(target)
    reviewed = window.workspace.document(window.workspace.document_ids()[0])
    assert [(s.start, s.end, s.label) for s in exported.spans] == [(s.start, s.end, s.label) for s in reviewed.spans]


def test_malformed_file_names_the_line_and_changes_nothing(start_window, idle, dialogs, tmp_path):
    window = start_window()
    before = (window.doc.doc_id, window.doc.spans, window.workspace.document_ids())
    bad = tmp_path / "broken.conll"
    bad.write_text("Karin B-PER\nOlsson I-PER\nvisited\tNNP\tO\tX-LOC\n", encoding="utf-8")
    window.files.open_paths([bad])
    idle(window)
    assert any("broken.conll" in text and "line 3" in text for text in dialogs), dialogs
    assert window.isVisible()
    assert (window.doc.doc_id, window.doc.spans, window.workspace.document_ids()) == before


def test_paste_and_open_folder(start_window, idle, tmp_path, monkeypatch):
    window = start_window()
    accept_dialog(monkeypatch, qt_dialogs.PasteDialog,
                  lambda d: (d.text.setPlainText("Hannah Whitcombe flew to Auckland."), d.name.setText("pasted")))
    window.files.paste_document()
    idle(window)
    assert window.doc.name == "pasted" and window.doc.text == "Hannah Whitcombe flew to Auckland."
    assert window.doc.spans, "pasted text is tagged by the model"

    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Lisbon is sunny.", encoding="utf-8")
    (folder / "sub" / "b.conll").write_text(CONLL, encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF")
    old_project = window.workspace.project.path
    window.files.open_folder_as_project(folder)
    idle(window)
    assert window.workspace.project.path != old_project
    names = [window.workspace.summary(i).name for i in window.workspace.document_ids()]
    assert len(names) == 2 and names[0] == "a"


def test_help_sheet_lists_every_action_shortcut(start_window, monkeypatch):
    window = start_window()
    seen = []
    monkeypatch.setattr(qt_dialogs.ShortcutsDialog, "exec", lambda dialog: seen.append(dialog))
    window.show_shortcuts()
    table = seen[0].findChild(qt_dialogs.QTableWidget)
    rows = {(table.item(row, 0).text(), table.item(row, 2).text()) for row in range(table.rowCount())}
    keys = {keys for keys, _where in rows}
    # Every shortcut of every action on the window, whoever added it (the learning tools,
    # the label keys), is on the sheet.
    native = QKeySequence.SequenceFormat.NativeText
    expected = {" / ".join(k.toString(native) for k in action.shortcuts())
                for action in window.findChildren(QAction) if action.shortcuts()}
    assert expected <= keys
    assert {("Ctrl+Shift+T", "Model"), ("Ctrl+R", "Model"), ("Space", "Model"), ("S", "Model"),
            ("Ctrl+Shift+E", "Model"), ("1", "Edit › Label As"), ("Ctrl+Z", "Edit")} <= rows
    assert all(action.toolTip() for action in window.actions_.values())


def test_about_box_shows_the_version(start_window, dialogs):
    from ner_studio import __version__

    window = start_window()
    window.show_about()
    assert any(f"NER Studio {__version__}" in text for text in dialogs)


def test_a_broken_model_file_is_reported_and_the_text_still_opens(start_window, idle, dialogs, tmp_path, monkeypatch):
    from ner_studio.gui import app

    broken = tmp_path / "broken.pt"
    broken.write_bytes(b"not a checkpoint")
    monkeypatch.setattr(app, "bundled_model_path", lambda: broken)
    window = start_window()
    assert window.doc.name == "sample" and window.doc.spans == ()
    assert any("could not tag" in text.lower() or "broken.pt" in text for text in dialogs), dialogs
    assert window.isVisible()


def test_open_word_and_pdf_files_keeps_their_source_and_teaches_the_splitter(start_window, idle, tmp_path):
    from ner_studio.core.formats.samples import minimal_pdf, sample_docx
    from ner_studio.gui.documents.importing import SENTENCE_PARAMS_SETTING

    brief = tmp_path / "brief.docx"
    brief.write_bytes(sample_docx(["Brief", "Hannah Whitcombe flew to Auckland."], header="Ministry"))
    ruling = tmp_path / "ruling.pdf"
    ruling.write_bytes(minimal_pdf([[f"Under Cl. {i} the claim of Acme failed." for i in range(12)], ["See Cl. Brown."]]))
    window = start_window(brief, ruling)
    idle(window)
    docs = [window.workspace.document(i) for i in window.workspace.document_ids()]
    by_format = {d.meta["source"]["format"]: d for d in docs if "source" in d.meta}
    assert set(by_format) == {"docx", "pdf"}
    assert by_format["docx"].text.startswith("Ministry\n\nBrief\n\nHannah Whitcombe")
    assert by_format["pdf"].meta["source"]["paragraphs"][-1]["page"] == 2
    assert any(s.label for s in by_format["docx"].spans), "the model tags the Word text"
    learned = window.workspace.project.get_setting(SENTENCE_PARAMS_SETTING)
    assert "cl" in learned["abbreviations"]


def test_the_open_dialog_loads_the_sentence_splitter_meanwhile(start_window, qtbot, monkeypatch):
    from ner_studio.core.text.sentences import shipped_splitter

    window = start_window()
    monkeypatch.setattr(qt_file_commands.QFileDialog, "getOpenFileNames", lambda *args, **kwargs: ([], ""))
    shipped_splitter.cache_clear()
    window.files.open_files()
    qtbot.waitUntil(lambda: shipped_splitter.cache_info().currsize == 1, timeout=20_000)


def test_escape_after_typing_in_paste_as_new_document_asks_before_discarding_the_text(start_window, qtbot, monkeypatch):
    """The Paste dialog's text may be typed, not pasted: an Esc asks first (Cancel keeps it)."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMessageBox

    answers, asked, seen = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard], [], {}
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *args: asked.append(text) or answers.pop(0))

    def exec_(dialog):
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.text.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.text)
        QTest.keyClicks(QApplication.focusWidget(), "Karin Olsson flew to Madrid")
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
        seen["kept"] = dialog.isVisible() and dialog.text.toPlainText()
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
        seen["closed"] = not dialog.isVisible()
        return dialog.result()

    monkeypatch.setattr(qt_dialogs.PasteDialog, "exec", exec_)
    QGuiApplication.clipboard().clear()
    window = start_window()
    before = window.workspace.document_ids()
    window.actions_["paste"].trigger()
    assert seen == {"kept": "Karin Olsson flew to Madrid", "closed": True}
    assert asked == ["Discard the text you typed?"] * 2 and window.workspace.document_ids() == before
