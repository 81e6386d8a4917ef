"""Every test logs into its own temporary folder, never the user's log folder."""

import pytest


@pytest.fixture(autouse=True)
def log_folder(tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("log")
    monkeypatch.setenv("NER_STUDIO_LOG_DIR", str(folder))
    return folder
