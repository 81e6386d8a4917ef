"""Every test logs into its own temporary folder, never the user's log folder; a throwaway
PostgreSQL server (tests/postgres_server.py) serves the tests of server projects."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from postgres_server import start_server  # noqa: E402

_server_state: dict = {}


@pytest.fixture(autouse=True)
def log_folder(tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("log")
    monkeypatch.setenv("NER_STUDIO_LOG_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def _session_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def cache_folder(_session_cache, monkeypatch):
    """The user cache (corpora, ONNX graphs built from a model's weights) in a folder of the
    test session, never the real one; shared by the session's tests, as the real one is."""
    monkeypatch.setenv("NER_STUDIO_CACHE_DIR", str(_session_cache))
    return _session_cache


@pytest.fixture(scope="session")
def postgres_server():
    """The session's PostgreSQL server (started on first use); skips when there is none."""
    if "server" not in _server_state:
        _server_state["server"], _server_state["why_not"] = start_server()
    if _server_state["server"] is None:
        pytest.skip(f"PostgreSQL tests skipped: {_server_state['why_not']}")
    yield _server_state["server"]


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A new, empty database on the test server."""
    return postgres_server.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def project_location(request, tmp_path):
    """Where a new project goes: a file path, then a database on the test server (the same
    test runs against both stores)."""
    if request.param == "sqlite":
        return tmp_path / "p.nerstudio"
    return request.getfixturevalue("postgres_url")


def pytest_sessionfinish(session):
    server = _server_state.get("server")
    if server is not None:
        server.stop()


def pytest_terminal_summary(terminalreporter):
    if _server_state.get("server") is None and _server_state.get("why_not"):
        terminalreporter.write_line(f"PostgreSQL tests skipped: {_server_state['why_not']} "
                                    "(.ci/run installs it)")
