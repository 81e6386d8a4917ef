import json
import os
import stat
import subprocess
import sys

import pytest

from ner_studio.core.errors import SettingsError
from ner_studio.core.settings import MAX_RECENT, Settings, default_settings_path


@pytest.fixture
def settings_path(tmp_path):
    return tmp_path / "config" / "settings.json"


def test_missing_file_gives_defaults_without_a_problem(settings_path):
    settings = Settings.load(settings_path)
    assert settings.recent_projects == []
    assert settings.window_geometry is None
    assert settings.last_model_path is None
    assert settings.get("anything", 7) == 7
    assert settings.problem is None
    assert not settings_path.exists()  # reading never writes


def test_config_dir_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("NER_STUDIO_CONFIG_DIR", str(tmp_path / "cfg"))
    assert default_settings_path() == tmp_path / "cfg" / "settings.json"
    Settings.load().set("x", 1)
    assert json.loads((tmp_path / "cfg" / "settings.json").read_text())["values"] == {"x": 1}


def test_every_change_is_saved_at_once_and_reloads(settings_path, tmp_path):
    settings = Settings.load(settings_path)
    settings.add_recent_project(tmp_path / "a.nerstudio")
    settings.window_geometry = b"\x01\x00\xd9\xd0\xcb\xff"
    settings.last_model_path = tmp_path / "model.pt"
    settings.set("font_size", 12)
    settings.set("columns", {"name": 200, "status": [1, 2]})
    again = Settings.load(settings_path)
    assert again.recent_projects == [str(tmp_path / "a.nerstudio")]
    assert again.window_geometry == b"\x01\x00\xd9\xd0\xcb\xff"
    assert again.last_model_path == str(tmp_path / "model.pt")
    assert again.get("font_size") == 12 and again.get("columns") == {"name": 200, "status": [1, 2]}
    raw = json.loads(settings_path.read_text())
    assert isinstance(raw["window_geometry"], str)  # base64 text, not a byte dump
    settings.remove("font_size")
    assert Settings.load(settings_path).get("font_size") is None
    # No temporary files left; the lock file that writers share stays (removing it would race).
    assert sorted(p.name for p in settings_path.parent.iterdir()) == ["settings.json", "settings.json.lock"]


def test_recent_projects_are_most_recent_first_unique_and_capped(settings_path, tmp_path):
    settings = Settings.load(settings_path)
    paths = [tmp_path / f"p{i}.nerstudio" for i in range(MAX_RECENT + 3)]
    for path in paths:
        settings.add_recent_project(path)
    settings.add_recent_project(paths[5])
    recent = Settings.load(settings_path).recent_projects
    assert len(recent) == MAX_RECENT
    assert recent[0] == str(paths[5])
    assert recent[1] == str(paths[-1])
    assert len(set(recent)) == len(recent)
    assert str(paths[0]) not in recent
    settings.remove_recent_project(paths[5])
    assert str(paths[5]) not in Settings.load(settings_path).recent_projects


def test_relative_paths_are_stored_absolute(settings_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings.load(settings_path)
    settings.add_recent_project("here.nerstudio")
    assert settings.recent_projects == [os.path.join(str(tmp_path), "here.nerstudio")]


@pytest.mark.parametrize("content", ["{not json", "[1, 2, 3]", '"text"', "\xff\xfe garbage"])
def test_corrupt_file_falls_back_to_defaults_and_is_kept(settings_path, content):
    settings_path.parent.mkdir(parents=True)
    settings_path.write_bytes(content.encode("latin-1"))
    settings = Settings.load(settings_path)
    assert settings.recent_projects == [] and settings.get("x") is None
    assert "using default settings" in settings.problem
    corrupt = settings_path.with_name("settings.json.corrupt")
    assert corrupt.read_bytes() == content.encode("latin-1")
    assert corrupt.name in settings.problem
    settings.set("x", 1)  # and the app can carry on saving
    assert Settings.load(settings_path).get("x") == 1


def test_invalid_json_problem_names_the_line(settings_path):
    settings_path.parent.mkdir(parents=True)
    settings_path.write_text('{\n  "recent_projects": [\n  oops\n]}')
    assert "line 3" in Settings.load(settings_path).problem


def test_fields_of_the_wrong_type_fall_back_individually(settings_path):
    settings_path.parent.mkdir(parents=True)
    settings_path.write_text(json.dumps({
        "recent_projects": ["/ok.nerstudio", 5, None, ""],
        "window_geometry": "not base64!!",
        "last_model_path": ["no"],
        "values": {"kept": True},
    }))
    settings = Settings.load(settings_path)
    assert settings.recent_projects == ["/ok.nerstudio"]
    assert settings.window_geometry is None
    assert settings.last_model_path is None
    assert settings.get("kept") is True
    assert settings.problem is None


def test_two_windows_do_not_undo_each_others_changes(settings_path, tmp_path):
    first = Settings.load(settings_path)
    second = Settings.load(settings_path)
    first.add_recent_project(tmp_path / "a.nerstudio")
    second.add_recent_project(tmp_path / "b.nerstudio")
    first.set("theme", "dark")
    final = Settings.load(settings_path)
    assert final.recent_projects == [str(tmp_path / "b.nerstudio"), str(tmp_path / "a.nerstudio")]
    assert final.get("theme") == "dark"


def test_unwritable_location_raises_settings_error_and_keeps_the_value(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the config folder should be")
    settings = Settings.load(blocker / "settings.json")
    with pytest.raises(SettingsError, match="cannot save settings"):
        settings.set("x", 1)
    assert settings.get("x") == 1


def test_values_that_are_not_json_are_refused(settings_path):
    with pytest.raises(SettingsError, match="JSON"):
        Settings.load(settings_path).set("when", object())


WRITER = """
import sys, time
from pathlib import Path
from ner_studio.core.settings import Settings
path, name, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
while not go.exists():
    time.sleep(0.005)
settings = Settings.load(path)  # loaded once, like a window: every set must merge with the others
for k in range(100):
    settings.set(f"{name}-{k}", k)
"""


def test_processes_writing_at_once_keep_every_key(settings_path, tmp_path):
    go = tmp_path / "go"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(settings_path), f"p{n}", str(go)])
               for n in range(4)]
    go.touch()
    assert [w.wait(timeout=300) for w in writers] == [0, 0, 0, 0]
    values = Settings.load(settings_path)._values["values"]
    assert len(values) == 400
    assert values == {f"p{n}-{k}": k for n in range(4) for k in range(100)}


def test_settings_and_their_lock_are_the_users_alone(settings_path):
    settings_path.parent.mkdir(parents=True)
    settings_path.write_text('{"values": {"kept": 1}}')
    settings_path.chmod(0o644)  # an older version's file
    Settings.load(settings_path).set("x", 1)
    lock = settings_path.with_name("settings.json.lock")
    assert stat.S_IMODE(settings_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600
    fresh = settings_path.with_name("other.json")
    Settings.load(fresh).set("x", 1)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


@pytest.mark.parametrize("url", [
    "postgresql://ann:hunter2@db.example.org:5433/news",
    "postgresql://ann@db.example.org:5433/news?password=hunter2",
    "postgresql://ann@db.example.org:5433/news?sslmode=require&password=hunter2&sslpassword=hunter2",
])
def test_a_server_url_is_remembered_without_its_password(settings_path, url):
    settings = Settings.load(settings_path)
    settings.add_recent_project(url)
    assert "hunter2" not in settings_path.read_text()
    assert all("hunter2" not in p for p in Settings.load(settings_path).recent_projects)
    assert Settings.load(settings_path).recent_projects[0].startswith("postgresql://ann@db.example.org:5433/news")


def test_a_password_an_older_version_saved_is_gone_at_the_next_write(settings_path):
    settings_path.parent.mkdir(parents=True)
    settings_path.write_text(json.dumps({
        "recent_projects": ["postgresql://ann@db/news?password=hunter2", "postgresql://ann:hunter2@db/news"],
        "values": {"last_server": "host=db password=hunter2", "servers": [{"url": "postgresql://a:hunter2@h/d"}]}}))
    settings = Settings.load(settings_path)
    assert settings.recent_projects == ["postgresql://ann@db/news"]
    settings.set("font_size", 12)
    text = settings_path.read_text()
    assert "hunter2" not in text
    assert json.loads(text)["values"]["last_server"] == "host=db password=***"
