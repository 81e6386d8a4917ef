"""The window's own commands and its menus' order: what the composition root adds to the menu
bar beside the controllers' tables (the machinery that turns a table into actions is the
shell's, ``gui/shell/qt_actions.py``)."""

from __future__ import annotations

from ner_studio.gui.shell.qt_actions import Command

# The window's own commands; the controllers bring theirs (e.g. documents/qt_file_commands.py).
WINDOW_COMMANDS = (
    Command("quit", "&Quit", ("Ctrl+Q",), "Close NER Studio (every edit is already saved)", "close"),
    Command("zoom_in", "Zoom &In", ("Ctrl++", "Ctrl+="), "Make the text larger (kept for next time)", "zoom_in"),
    Command("zoom_out", "Zoom &Out", ("Ctrl+-",), "Make the text smaller (kept for next time)", "zoom_out"),
    Command("zoom_reset", "&Normal Size", ("Ctrl+0",), "Show the text at its normal size", "zoom_reset"),
    Command("shortcuts", "&Keyboard Shortcuts", ("F1",), "Show every key the workspace understands", "show_shortcuts"),
    Command("log_folder", "Show &Log Folder", (), "Open the folder of NER Studio's log files (attach the newest to a bug report)", "show_log_folder"),
    Command("about", "&About NER Studio", (), "Version and credits", "show_about"),
)

# The menu bar's menus in their order (a controller's new menu goes before Help).
MENUS = ("&File", "&Edit", "&Document", "&View", "&Help")
VIEW_MENU = ("zoom_in", "zoom_out", "zoom_reset")
HELP_MENU = ("shortcuts", "log_folder", None, "about")
