"""Start-up: the window comes up without importing torch, then the model loads in the
background and the sample is highlighted as soon as it is ready."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from ner_studio.core.settings import Settings
from ner_studio.gui import app
from ner_studio.resources import bundled_model_location, bundled_model_path

# A fresh first start in a child process (a clean sys.modules): which of torch and the model
# were loaded once the window exists, and once it shows the tagged sample.
CHILD = textwrap.dedent("""
    import sys, time
    from ner_studio.gui import app

    app.bundled_model_path()  # the real look-up, then the tiny model for speed
    print("torch with the model path:", "torch" in sys.modules, flush=True)
    app.bundled_model_path = lambda: app.Path(sys.argv[1])
    qt_app = app.application()
    window = app.create_main_window([])
    print("torch with the window:", "torch" in sys.modules, flush=True)
    deadline = time.monotonic() + 60
    while not (window.doc is not None and window.doc.spans) and time.monotonic() < deadline:
        qt_app.processEvents()
        time.sleep(0.005)
    print("entities:", len(window.doc.spans), flush=True)
    window.close()
""")


def test_the_window_comes_up_before_torch_and_then_shows_the_sample_tagged(tiny_model_path, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "NER_STUDIO_DATA_DIR": str(tmp_path / "data"), "NER_STUDIO_CONFIG_DIR": str(tmp_path / "config")}
    result = subprocess.run([sys.executable, "-c", CHILD, str(tiny_model_path)], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["torch with the model path: False", "torch with the window: False"]
    assert int(lines[2].split(": ")[1]) > 0


def test_the_bundled_model_is_the_shipped_file_when_there_is_one():
    shipped = bundled_model_location()
    assert shipped.parent.name == "models" and shipped.parent.parent.name == "resources"
    assert bundled_model_path() == (shipped if shipped.is_file() else None)


def test_tagging_waits_for_the_first_paint(start_window, qtbot, monkeypatch, tiny_model_path):
    """The sample's text is on screen at once; its tagging starts after the window painted."""
    shown_untagged = []
    original = app.add_sample

    def add_sample(window):
        original(window)
        shown_untagged.append((window.doc is not None and not window.doc.spans,
                               window.workspace.is_predicting(), not window.workspace.tagging.working()))

    monkeypatch.setattr(app, "add_sample", add_sample)
    window = start_window()
    assert shown_untagged == [(True, True, True)]  # shown, queued, no worker (torch) yet
    assert window.doc.spans  # then tagged, once the window had painted


def test_a_last_project_out_of_reach_opens_the_first_project_rather_than_making_another(
        start_window, dialogs, user_dirs):
    window = start_window()
    first = window.workspace.project.path
    window.close()
    unreachable = "postgresql://nobody@127.0.0.1:1/team"  # nothing listens on port 1
    settings = Settings.load()
    settings.add_recent_project(unreachable)
    again = start_window()
    assert again.workspace.project.path == first
    assert not list(first.parent.glob("*-2*"))  # no "My annotations-2"
    assert any("cannot reach the database server" in message for message in dialogs), dialogs
    assert unreachable in Settings.load().recent_projects  # tried again next time
