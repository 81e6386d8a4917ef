"""Starting the app: ``ner-studio`` opens the last project (or, on first start, a new one with
the sample document tagged by the bundled model); ``ner-studio FILE...`` opens those files
(a ``.nerstudio`` file is opened as the project)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ner_studio import __version__
from ner_studio.core.store.annotators import configured_annotator
from ner_studio.core.errors import NerStudioError, ProjectError
from ner_studio.core.formats import read_documents
from ner_studio.core.logs import setup_logging, versions
from ner_studio.core.locations import PROJECT_SUFFIX, default_project_path, named_project_path
from ner_studio.core.store.project import Project, is_server_url
from ner_studio.core.settings import Settings
from ner_studio.gui.shell.tagging_jobs import ModelHandle
from ner_studio.gui.shell.qt_dialogs import show_error
from ner_studio.gui.documents.qt_file_commands import open_project_file
from ner_studio.gui.window.qt_main_window import MainWindow
from ner_studio.gui.shell.qt_stall_watch import watch_ui_thread
from ner_studio.gui.shell.qt_theme import apply_theme
from ner_studio.resources import bundled_model_path, resource_path

if TYPE_CHECKING:
    from ner_studio.gui.shell.qt_error_dialog import CrashReporter

FIRST_PROJECT_NAME = "My annotations"

log = logging.getLogger(__name__)


def application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])  # file arguments are ours, not Qt's
        app.setApplicationName("NER Studio")
        app.setApplicationVersion(__version__)
        app.setOrganizationName("NER Studio")
        apply_theme(app)
    return app


def current_model(settings: Settings) -> ModelHandle:
    """The model used last (if its file is still there), else the bundled one."""
    last = settings.last_model_path
    if last and Path(last).exists():
        return ModelHandle(Path(last))
    return ModelHandle(bundled_model_path())


def startup_project(settings: Settings, requested: Path | str | None) -> tuple[Project | None, bool]:
    """``(project, is_new)``: the requested or last project (a file or a server URL); if that
    cannot be opened (a server out of reach, say: the error is shown), the first project in
    the data dir, made on the very first start only — never one more project per failed start."""
    candidates = [requested] if requested else settings.recent_projects[:1]
    for path in candidates:
        if is_server_url(path) or Path(path).exists():
            project = open_project_file(None, path, configured_annotator(settings))
            if project is not None:
                return project, False
    first = named_project_path(FIRST_PROJECT_NAME)
    if first.exists() and str(first) not in map(str, candidates):  # that one failed already
        project = open_project_file(None, first, configured_annotator(settings))
        if project is not None:
            return project, False
    try:
        return Project.create(default_project_path(FIRST_PROJECT_NAME), annotator=configured_annotator(settings)), True
    except ProjectError as error:
        show_error(None, "NER Studio cannot create a project", error)
        return None, False


def add_sample(window: MainWindow) -> None:
    """The newcomer's first document; the workspace tags it with the model in the background."""
    sample = resource_path("samples", "sample.txt")
    try:
        # The tokenizer's own sentence rules: Punkt would import NLTK (0.5-1 s) before the
        # window's first paint; the sample's sentences are the same either way.
        docs = read_documents(sample, splitter="rules")
    except NerStudioError as error:  # a broken install: say so, start empty
        show_error(window, "The sample document is missing", error)
        return
    window.workspace.add_documents(docs, source_path=sample)


class FirstPaint(QObject):
    """Calls ``then()`` once, soon after ``widget`` first paints (or after ``fallback_ms``, so
    a window that is never drawn, e.g. minimised, still gets on with its work)."""

    def __init__(self, widget: QWidget, then, fallback_ms: int = 1500):
        super().__init__(widget)
        self._widget = widget
        self._then = then
        widget.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self._fire)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self, self._fire)  # after this paint reaches the screen
        return False

    def _fire(self) -> None:
        if self._then is not None:
            then, self._then = self._then, None
            self._widget.removeEventFilter(self)
            then()


def tag_after_first_paint(window: MainWindow) -> None:
    """Hold the workspace's tagging (which starts by importing torch) until the window is
    drawn, so the window appears at once and the highlights follow when the model is ready.
    Once that first tagging is done, import the sentence splitter's NLTK in the background:
    0.2-0.7 s that opening the first text file would otherwise wait for
    (benchmarks/gui_big_document.py), and that beside torch's import would delay the sample's
    highlights (benchmarks/gui_startup.py)."""
    workspace = window.workspace
    workspace.hold_tagging(True)

    def tagged(running: bool) -> None:
        if not running:
            workspace.prediction_running.disconnect(tagged)
            if window.workspace is workspace:
                workspace.warm_up_reading()

    def drawn() -> None:
        if window.workspace is not workspace:
            return  # another project opened before the first paint (its thread would be orphaned)
        workspace.hold_tagging(False)
        if workspace.is_predicting():
            workspace.prediction_running.connect(tagged)
        else:
            workspace.warm_up_reading()

    FirstPaint(window.view.viewport(), drawn)


def create_main_window(argv: list[str], settings: Settings | None = None) -> MainWindow | None:
    """The main window for these arguments, shown; None if no project could be opened."""
    settings = settings if settings is not None else Settings.load()
    paths = [Path(a).expanduser() for a in argv if not is_server_url(a)]
    projects = [a for a in argv if is_server_url(a)] + [p for p in paths if p.suffix == PROJECT_SUFFIX]
    files = [p for p in paths if p.suffix != PROJECT_SUFFIX]
    project, is_new = startup_project(settings, projects[0] if projects else None)
    if project is None:
        return None
    window = MainWindow(project, current_model(settings), settings)
    # Written once the window is up: the settings lock and an fsync'd write are ~25 ms the
    # first paint need not wait for (issue 23: start-up no slower).
    QTimer.singleShot(0, lambda: window.files.remember_project(project))
    tag_after_first_paint(window)
    watch_ui_thread(window)  # a freeze in the field leaves its stack in the log
    window.show()
    if settings.problem:
        window.statusBar().showMessage(settings.problem, 10000)
    for warning in project.warnings:
        window.statusBar().showMessage(warning, 10000)
    if is_new and not files:
        add_sample(window)
    if files:
        window.files.open_paths(files)
    return window


def run_app(argv: list[str]) -> int:
    setup_logging()
    from PySide6 import QtCore, __version__ as pyside_version

    log.info("started: %s, Qt %s (PySide6 %s)", versions(), QtCore.qVersion(), pyside_version)
    app = application()
    window = create_main_window(list(argv))
    if window is None:
        log.info("shut down: no project could be opened")
        return 1
    # On the event loop's first turn, before any input: importing the dialog costs ~20 ms that
    # the first paint need not wait for.
    QTimer.singleShot(0, lambda: install_crash_reporter(window))
    code = app.exec()
    log.info("shut down (exit code %d)", code)
    return code


def install_crash_reporter(window: MainWindow) -> CrashReporter:
    """Exceptions nothing caught (in a slot, a worker, a thread) reach the analyst as the error
    dialog, after the log. Only the running app installs it: under pytest, pytest-qt's own
    hook must see them and fail the test (a test that wants the dialog installs it)."""
    from ner_studio.gui.shell.qt_error_dialog import CrashReporter

    reporter = CrashReporter(window, window.saved_note, lambda text: window.show_status(text, 10_000))
    reporter.install()
    window.closed.connect(reporter.uninstall)
    return reporter
