"""File > Open Project on a Server: where a team's project lives on a PostgreSQL server.

The dialog asks for host, port, database and user and builds a ``postgresql://`` URL. A
password typed here is used for this connection only and never saved; the URL remembered in
the settings has none, so later sessions take it from ``PGPASSWORD`` or ``~/.pgpass`` (libpq
reads both), which is where a password should live.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlsplit

from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout,
)

DEFAULT_PORT = 5432


def server_url(server: str, port: int, database: str, user: str, password: str = "") -> str:
    """The ``postgresql://`` URL for these fields (each part quoted; a server that is a folder
    is a unix socket and goes in the query)."""
    credentials = quote(user, safe="") if user else ""
    if credentials and password:
        credentials += ":" + quote(password, safe="")
    at = f"{credentials}@" if credentials else ""
    if server.startswith("/"):
        return f"postgresql://{at}/{quote(database, safe='')}?host={quote(server, safe='/')}&port={port}"
    host_part = f"[{server}]" if ":" in server else server
    return f"postgresql://{at}{host_part}:{port}/{quote(database, safe='')}"


class ServerProjectDialog(QDialog):
    """Asks where the project is; ``url()`` after ``exec()`` returns Accepted."""

    def __init__(self, parent=None, previous: str | None = None):
        super().__init__(parent)
        self.setWindowTitle("Open project on a server")
        self.host_field = QLineEdit("localhost")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.database = QLineEdit()
        self.database.setPlaceholderText("the team's database, e.g. news_ner")
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("optional: from PGPASSWORD or ~/.pgpass")
        self.create = QCheckBox("Create a new project in this (empty) database")
        if previous:
            self._fill(previous)

        form = QFormLayout()
        form.addRow("&Host:", self.host_field)
        form.addRow("P&ort:", self.port)
        form.addRow("&Database:", self.database)
        form.addRow("&User:", self.user)
        form.addRow("&Password:", self.password)
        note = QLabel("A password typed here is used for this connection only and never saved. "
                      "Keep it in ~/.pgpass (or PGPASSWORD) so NER Studio can reconnect.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept_if_complete)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.create)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _fill(self, url: str) -> None:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        self.host_field.setText(query.get("host") or parts.hostname or "localhost")
        self.port.setValue(int(query.get("port") or parts.port or DEFAULT_PORT))
        self.database.setText(parts.path.lstrip("/"))
        self.user.setText(parts.username or "")

    def _accept_if_complete(self) -> None:
        if not self.host_field.text().strip() or not self.database.text().strip():
            (self.host_field if not self.host_field.text().strip() else self.database).setFocus()
            return
        self.accept()

    def url(self) -> str:
        return server_url(self.host_field.text().strip(), self.port.value(), self.database.text().strip(),
                          self.user.text().strip(), self.password.text())

    def wants_new_project(self) -> bool:
        return self.create.isChecked()
