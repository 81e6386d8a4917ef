"""The window is wiring: each controller adds its own part of the menus and the toolbar through
the host, and together they read as one menu bar (the order the controllers are made in)."""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget


def menu_names(menu) -> list[str]:
    """The menu's actions by object name ("-" a separator, "[title]" a submenu)."""
    names = []
    for action in menu.actions():
        if action.isSeparator():
            names.append("-")
        elif action.menu() is not None:
            names.append(f"[{action.menu().title()}]")
        else:
            names.append(action.objectName() or action.iconText())
    return names


def test_each_controller_fills_its_part_of_the_menus_and_toolbar(start_window):
    window = start_window()
    titles = [action.menu().title() for action in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&Document", "&View", "&Model", "&Team", "&Catalogue", "&Help"]
    menus = window.menus
    assert menu_names(menus["File"]) == [
        "new_project", "open_project", "open_server_project", "open_folder", "-", "open_files", "paste", "import", "-",
        "save", "save_project_as", "save_copy", "export", "-", "quit"]
    edit = menu_names(menus["Edit"])
    assert edit[:2] == ["Undo", "Redo"]  # the window's undo group, then the edit controller's part
    assert edit[2:16] == ["-", "accept", "delete", "accept_all", "-", "grow_end", "shrink_end", "grow_start",
                          "shrink_start", "-", "review_next", "-", "edit_labels", "[&Label As]"]
    assert edit[16:] == ["-", "find", "-", "find_next", "find_previous", "-", "label_all", "label_found",
                         "apply_patterns", "undo_label_all", "-", "inconsistencies",  # the corpus tools, each after a separator
                         "-", "add_note"]
    assert menu_names(menus["Document"]) == [
        "predict", "history", "-", "next_doc", "previous_doc", "-", "mark_selected_reviewed", "mark_selected_not_reviewed",
        "tag_selected", "export_selected", "assign_selected", "delete_selected", "-", "undo_selection_step"]
    assert menu_names(menus["Model"]) == ["train", "cancel_training", "-", "review_mode", "accept_sentence",
                                          "skip_sentence", "-", "evaluate", "models", "-",
                                          "learn_continuously"]
    # One group of buttons per menu, in the same order (Train and Review Next are both Model's).
    assert menu_names(window.toolbar) == ["open_files", "paste", "export", "-", "Undo", "Redo", "-",
                                          "accept_all", "review_next", "-", "predict", "-", "train", "review_mode"]
    # The actions run the controllers' handlers, not the window's.
    assert window.files.actions["save"] is window.actions_["save"]
    assert window.edit.actions["accept"] is window.actions_["accept"]
    assert window.learning.review.actions["review_mode"] is window.actions_["review_mode"]
    assert [a.text() for a in window.edit.label_menu.actions()] == ["PER", "LOC", "ORG", "MISC"]


def test_the_review_controller_owns_its_dock_and_commands(start_window):
    window = start_window()
    review = window.learning.review
    assert isinstance(review.dock, QDockWidget) and not review.dock.isVisible()
    assert not review.actions["accept_sentence"].isEnabled()
    window.actions_["review_mode"].trigger()
    assert review.active and review.dock.isVisible() and review.actions["accept_sentence"].isEnabled()
    window.actions_["review_mode"].trigger()
    assert not review.active and not review.actions["skip_sentence"].isEnabled()


def test_the_window_has_all_the_host_declares(start_window):
    from ner_studio.gui.shell.qt_host import Host

    window = start_window()
    declared = {name for name in vars(Host) if not name.startswith("_")} | set(Host.__annotations__)
    assert {"add_commands", "add_submenu", "show_document", "set_project", "span_style", "doc", "view"} <= declared
    assert [name for name in sorted(declared) if not hasattr(window, name)] == []
