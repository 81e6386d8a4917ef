"""``ner-studio postgresql://…`` with a password in the URL: the window title, the status bar,
the dialogs, the log and settings.json never show it; a wrong one is refused without it."""

from __future__ import annotations

import logging

import pytest

from ner_studio.core import secrets
from ner_studio.core.logs import setup_logging
from ner_studio.core.store.project_postgres import database_name

PASSWORD = "Gui-s3cret-Pw"
WRONG = "Gui-wr0ng-Pw"


@pytest.fixture
def server_role(postgres_server, postgres_url, monkeypatch, tmp_path):
    import psycopg

    database = database_name(postgres_url)
    role = f"{database}_gui"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'")
        admin.execute(f"ALTER DATABASE {database} OWNER TO {role}")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    monkeypatch.setattr(secrets, "_known", set())  # the patterns must do it, not an earlier test
    from ner_studio.core.store.project import Project

    Project.create(postgres_server.tcp_url(database, role, PASSWORD)).close()
    return database, role


def everything_kept(window, user_dirs, log_folder, dialogs) -> str:
    for handler in logging.getLogger("ner_studio").handlers:
        handler.flush()
    files = [p for folder in (user_dirs / "config", log_folder) for p in folder.rglob("*") if p.is_file()]
    shown = [window.windowTitle(), window.statusBar().currentMessage(), *dialogs] if window else list(dialogs)
    return "\n".join(shown + [p.read_text(encoding="utf-8", errors="replace") for p in files])


@pytest.mark.parametrize("form", ["user-info", "query"])
def test_a_password_in_the_url_opens_the_project_and_is_shown_nowhere(
        form, start_window, postgres_server, server_role, user_dirs, log_folder, dialogs, qtbot):
    database, role = server_role
    url = (postgres_server.tcp_url(database, role, PASSWORD) if form == "user-info" else
           postgres_server.tcp_url(database, role) + f"?password={PASSWORD}")
    setup_logging()
    window = start_window(url)
    project = window.workspace.project
    assert project.on_server and database in window.windowTitle()
    assert project.location == f"postgresql://{role}@127.0.0.1:{postgres_server.port}/{database}"
    window.show_status(f"connected to {project.reopen_location}")  # a careless caller: masked
    assert window.statusBar().currentMessage() == f"connected to {secrets.redact_secrets(url)}"
    qtbot.waitUntil(lambda: window.settings.recent_projects[:1] == [project.location])  # once the window is up
    window.close()
    kept = everything_kept(window, user_dirs, log_folder, dialogs)
    assert f"project opened: {project.location}" in kept
    assert PASSWORD not in kept


def test_a_wrong_password_is_refused_without_showing_it(
        start_window, postgres_server, server_role, user_dirs, log_folder, dialogs):
    database, role = server_role
    setup_logging()
    window = start_window(postgres_server.tcp_url(database, role) + f"?password={WRONG}")
    assert not window.workspace.project.on_server  # the first project instead
    assert any("password authentication failed" in shown for shown in dialogs), dialogs
    window.close()
    assert WRONG not in everything_kept(window, user_dirs, log_folder, dialogs)
