"""redact_secrets: every form a PostgreSQL password takes is masked; nothing else changes."""

from __future__ import annotations

import logging

import pytest

from ner_studio.core import secrets
from ner_studio.core.secrets import (
    MASK, RedactingFilter, redact_secrets, remember_secret, remember_url_secrets, url_without_secrets,
)


@pytest.fixture(autouse=True)
def _forget_secrets(monkeypatch):
    monkeypatch.setattr(secrets, "_known", set())
    monkeypatch.delenv("PGPASSWORD", raising=False)


@pytest.mark.parametrize("text, expected", [
    ("postgresql://ann:s3cret@db.example.org:5433/news",
     "postgresql://ann:***@db.example.org:5433/news"),
    ("postgres://ann:p@ss:w0rd@[::1]/news?sslmode=require",
     "postgres://ann:***@[::1]/news?sslmode=require"),
    ("opening 'postgresql://ann:s3cret@db/news' failed", "opening 'postgresql://ann:***@db/news' failed"),
    ("postgresql://ann@db/news?password=s3cret&sslmode=require",
     "postgresql://ann@db/news?password=***&sslmode=require"),
    ("postgresql://db/news?sslmode=require&PASSWORD=s3cret#x", "postgresql://db/news?sslmode=require&PASSWORD=***#x"),
    ("postgresql://db/news?sslpassword=keyphrase", "postgresql://db/news?sslpassword=***"),
    ("host=db password=s3cret dbname=news", "host=db password=*** dbname=news"),
    ("host=db password = 'it\\'s secret' dbname=news", "host=db password = *** dbname=news"),
    ("host=db password='s3 cret' user=ann", "host=db password=*** user=ann"),
    ('invalid dsn: missing "=" after "password=s3cret"', 'invalid dsn: missing "=" after "password=***"'),
    ("PGPASSWORD=s3cret ner-studio project create", "PGPASSWORD=*** ner-studio project create"),
    ("sslpassword=keyphrase sslkey=/home/ann/key passfile=/home/ann/.pgpass",
     "sslpassword=*** sslkey=/home/ann/key passfile=/home/ann/.pgpass"),
])
def test_every_form_of_password_is_masked(text, expected):
    assert redact_secrets(text) == expected


@pytest.mark.parametrize("text", [
    "postgresql://ann@db.example.org:5433/news?sslmode=require",
    "postgresql://db:5432/news",
    "the password was wrong for user ann",
    "/home/ann/news.nerstudio", "", "Lisbon is in Portugal: see https://example.org/a?b=c",
])
def test_text_without_a_password_is_unchanged(text):
    assert redact_secrets(text) == text


def test_a_remembered_password_is_masked_as_bare_text():
    remember_url_secrets("postgresql://ann:pa%24%24word@db/news?password=other-one")
    message = 'FATAL: password "pa$$word" rejected; tried other-one and pa%24%24word'
    assert redact_secrets(message) == f'FATAL: password "{MASK}" rejected; tried {MASK} and {MASK}'


def test_the_pgpassword_value_is_masked(monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "hunter2-long")
    assert redact_secrets("server said hunter2-long") == "server said ***"


def test_short_values_are_not_masked_as_bare_text():
    remember_secret("ab")
    assert redact_secrets("a tab and a slab") == "a tab and a slab"
    assert redact_secrets("postgresql://u:ab@h/db") == "postgresql://u:***@h/db"


def test_url_without_secrets_drops_the_password_and_keeps_the_rest():
    assert url_without_secrets("postgresql://ann:s3cret@db:5433/news?sslmode=require&password=x") == \
        "postgresql://ann@db:5433/news?sslmode=require"
    assert url_without_secrets("postgresql://ann@db/news?passfile=%2Fk") == "postgresql://ann@db/news?passfile=%2Fk"
    assert url_without_secrets("postgresql://db/news") == "postgresql://db/news"
    assert url_without_secrets("postgresql://ner@/news?host=/run/postgresql&password=x&port=5433") == \
        "postgresql://ner@/news?host=/run/postgresql&port=5433"


def test_the_log_filter_redacts_message_arguments_and_traceback():
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    logger = logging.getLogger("ner_studio.test_secrets")
    handler = Keep()
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    try:
        try:
            raise RuntimeError("cannot connect to postgresql://ann:s3cret@db/news")
        except RuntimeError:
            logger.exception("opening %s", "postgresql://db/news?password=s3cret")
    finally:
        logger.removeHandler(handler)
    assert records and "s3cret" not in records[0]
    assert "RuntimeError: cannot connect to postgresql://ann:***@db/news" in records[0]
    assert "opening postgresql://db/news?password=***" in records[0]


def test_a_driver_error_that_quotes_its_conninfo_is_reported_without_the_password():
    psycopg = pytest.importorskip("psycopg")
    from ner_studio.core.store.project_postgres import server_error

    quoted = psycopg.OperationalError('missing "=" after "host=db password=hunter22 x" in connection info string')
    error = server_error(quoted, "postgresql://ann:hunter22@db/news?password=hunter33", "opening the project")
    assert "hunter" not in str(error) and "hunter" not in error.reason and "hunter" not in error.path
    assert str(error).startswith("postgresql://ann@db/news: cannot reach the database server")
