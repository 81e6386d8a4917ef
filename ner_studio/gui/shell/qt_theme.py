"""A calm light theme: Fusion with a neutral palette and a few style-sheet touches, so the
app looks the same on every desktop (and under Xvfb)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

DISABLED_TEXT = "#9ca3af"  # the toolbar's greyed-out buttons' colour, for every widget

STYLE_SHEET = """
QMainWindow::separator { background: #e5e7eb; width: 1px; height: 1px; }
QDockWidget { font-weight: 600; color: #374151; }
QDockWidget::title { background: #f3f4f6; padding: 6px 8px; border-bottom: 1px solid #e5e7eb; }
QToolBar { background: #f9fafb; border-bottom: 1px solid #e5e7eb; spacing: 4px; padding: 3px 6px; }
QToolBar QToolButton { padding: 4px 9px; border-radius: 4px; color: #1f2937; }
QToolBar QToolButton:hover { background: #e5e7eb; }
QToolBar QToolButton:disabled { color: #9ca3af; }
QStatusBar { background: #f9fafb; border-top: 1px solid #e5e7eb; color: #374151; }
QStatusBar QLabel { padding: 0 8px; }
QTableView { border: none; gridline-color: #eef0f3; selection-background-color: #dbeafe;
             selection-color: #111827; alternate-background-color: #f9fafb; }
QHeaderView::section { background: #f9fafb; border: none; border-bottom: 1px solid #e5e7eb;
                       padding: 4px 6px; color: #4b5563; font-weight: 600; }
QPlainTextEdit#entityTextView { border: none; background: #ffffff; color: #111827; }
QProgressBar { border: 1px solid #d1d5db; border-radius: 4px; background: #f3f4f6; text-align: center; height: 14px; }
QProgressBar::chunk { background: #60a5fa; border-radius: 3px; }
"""


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#f9fafb",
        QPalette.ColorRole.WindowText: "#111827",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f9fafb",
        QPalette.ColorRole.Text: "#111827",
        QPalette.ColorRole.Button: "#f3f4f6",
        QPalette.ColorRole.ButtonText: "#111827",
        QPalette.ColorRole.Highlight: "#2563eb",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#111827",
        QPalette.ColorRole.ToolTipText: "#f9fafb",
        QPalette.ColorRole.PlaceholderText: "#9ca3af",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    # setColor above paints every colour group alike, the disabled one too: a greyed-out menu
    # item or button (Undo Mark Documents with nothing to undo, the Catalogue dock's Rename…
    # with no entry chosen) looked as clickable as the rest and did nothing when clicked.
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(DISABLED_TEXT))
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPointSize(10)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)
