"""File > Open Project on a Server: the connection dialog, opening and creating a team's
project on the test PostgreSQL server, and remembering it without its password."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from PySide6.QtWidgets import QDialog

from ner_studio.core.text.document import Document
from ner_studio.core.store.project import Project
from ner_studio.gui.documents.qt_server_dialog import ServerProjectDialog, server_url


def test_the_dialog_builds_urls_and_fills_itself_from_a_remembered_one(qtbot):
    assert server_url("db.example.org", 5433, "news", "ann", "p@ss/w") == \
        "postgresql://ann:p%40ss%2Fw@db.example.org:5433/news"
    assert server_url("/run/postgresql", 5432, "news", "") == "postgresql:///news?host=/run/postgresql&port=5432"
    dialog = ServerProjectDialog(None, "postgresql://ann@db.example.org:5433/news")
    qtbot.addWidget(dialog)
    assert (dialog.host_field.text(), dialog.port.value(), dialog.database.text(), dialog.user.text()) == (
        "db.example.org", 5433, "news", "ann")
    assert dialog.password.text() == "" and not dialog.wants_new_project()
    assert dialog.url() == "postgresql://ann@db.example.org:5433/news"


def fill_dialog(monkeypatch, url: str, *, password: str = "", create: bool = False) -> None:
    """The next connection dialog is filled in with ``url``'s parts and accepted."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))

    def accept(dialog):
        dialog.host_field.setText(query.get("host") or parts.hostname)
        dialog.port.setValue(int(query.get("port") or parts.port or 5432))
        dialog.database.setText(parts.path.lstrip("/"))
        dialog.user.setText(parts.username or "")
        dialog.password.setText(password)
        dialog.create.setChecked(create)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ServerProjectDialog, "exec", accept)


def test_a_team_project_is_created_on_the_server_opened_and_remembered_without_its_password(
        start_window, postgres_url, monkeypatch, user_dirs):
    window = start_window()
    fill_dialog(monkeypatch, postgres_url, password="s3cret", create=True)
    window.files.open_server_project()
    project = window.workspace.project
    assert project.on_server and project.name in window.windowTitle()
    window.workspace.add_documents([Document.from_text("Lisbon is in Portugal.", name="shared")])
    window.close()

    settings_text = (user_dirs / "config" / "settings.json").read_text(encoding="utf-8")
    assert "s3cret" not in settings_text and project.location in settings_text
    again = start_window()  # the last project: the server's, reconnected without a password
    assert again.workspace.project.location == project.location
    assert [s.name for s in again.workspace.project.document_summaries()] == ["shared"]


def test_opening_a_database_without_a_project_says_how_to_make_one(start_window, postgres_url, monkeypatch, dialogs):
    window = start_window()
    before = window.workspace.project
    fill_dialog(monkeypatch, postgres_url)
    window.files.open_server_project()
    assert window.workspace.project is before
    assert any("holds no NER Studio project" in shown for shown in dialogs), dialogs
    with Project.open(before.path) as still_there:
        assert still_there.document_summaries()


def test_a_password_typed_once_serves_the_session_but_is_never_remembered(
        start_window, postgres_server, postgres_url, monkeypatch, user_dirs, tmp_path):
    import psycopg

    database = postgres_url.split("/")[3].split("?")[0]
    role = f"{database}_bob"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'pw-typed'")
        admin.execute(f"ALTER DATABASE {database} OWNER TO {role}")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    window = start_window()
    fill_dialog(monkeypatch, postgres_server.tcp_url(database, role), password="pw-typed", create=True)
    window.files.open_server_project()
    assert window.workspace.project.on_server
    window.files.reopen_as("carol")  # a second connection in this session, with the typed password
    assert window.workspace.project.on_server and window.workspace.project.annotator == "carol"
    window.close()
    assert "pw-typed" not in (user_dirs / "config" / "settings.json").read_text(encoding="utf-8")


def test_the_app_opens_a_server_project_named_on_the_command_line(start_window, postgres_url):
    from ner_studio.cli import main

    with Project.create(postgres_url) as project:
        project.add_documents([Document.from_text("Lisbon is in Portugal.", name="shared")])
    window = start_window(postgres_url)  # ner-studio postgresql://...
    assert window.workspace.project.location == postgres_url
    assert [s.name for s in window.workspace.project.document_summaries()] == ["shared"]
    assert main(["postgresql:"]) == 2  # not a URL nor a file: refused as before
