"""Passwords out of everything NER Studio shows, logs or remembers: :func:`redact_secrets`.

A server project's password can reach us in several forms (libpq accepts them all): in the
URL's user-info ``postgresql://ann:PW@host/db``, as a URL parameter ``?password=PW``, in a
keyword conninfo string ``host=db password='P W'``, or in the ``PGPASSWORD`` environment
variable. Any text on its way to a person or a file (stdout, stderr, the log, settings, a
window title, an exception's message, a psycopg error that quotes its conninfo) goes through
:func:`redact_secrets` first; the log handlers also run it on every record as a second net
(:class:`RedactingFilter`), not as the main fix.

Patterns catch the forms above wherever they appear; the password values the app has met
(:func:`remember_secret`, called when a URL is parsed to connect, and ``PGPASSWORD``) are
also masked as literal text, for a driver message that quotes a password without its key.

``passfile`` and ``sslkey`` name files, not secrets: they stay visible so a URL that uses them
can be opened again. ``sslpassword`` (the client key's passphrase) is a secret like ``password``.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

MASK = "***"
# libpq connection parameters whose value is a secret (lower case; libpq's keywords are).
SECRET_PARAMETERS = ("password", "sslpassword")
# Shorter values are not masked as bare text (every "ab" in a log would go); the patterns
# above still hide them wherever a key or a URL says they are a password.
MIN_LITERAL_LENGTH = 4

_NAMES = "|".join(SECRET_PARAMETERS)
# scheme://user:PASSWORD@host — the password runs to the last "@" of the authority, as
# urllib and libpq read it.
_USERINFO = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#@:]*):(?P<secret>[^\s/?#]*)@")
# ?password=PW or &password=PW inside a URL: the value runs to the next "&", "#" or blank.
_QUERY = re.compile(rf"(?P<head>[?&](?:{_NAMES})=)(?P<secret>[^&#\s]*)", re.IGNORECASE)
# password=PW, password = 'P W', PGPASSWORD=PW (keyword conninfo, an environment dump).
_KEYWORD = re.compile(
    rf"(?P<head>(?<![\w?&])(?:PG)?(?:{_NAMES})\s*=\s*)(?P<secret>'(?:[^'\\]|\\.)*'?|[^\s'\"]+)",
    re.IGNORECASE)

_known: set[str] = set()
_lock = threading.Lock()


def redact_secrets(text: str) -> str:
    """``text`` with every password in it replaced by ``***``: safe to show, log or keep."""
    if not text:
        return text
    text = _USERINFO.sub(lambda m: f"{m['head']}:{MASK}@", text)
    text = _QUERY.sub(lambda m: f"{m['head']}{MASK}", text)
    text = _KEYWORD.sub(lambda m: f"{m['head']}{MASK}", text)
    for secret in _literal_secrets():
        text = text.replace(secret, MASK)
    return text


def url_without_secrets(url: str) -> str:
    """A connection URL with its password removed altogether (not masked): what is kept in
    recent projects and shown as a project's location, and what can be opened again with
    the password from ``PGPASSWORD`` or ``~/.pgpass``."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        netloc = f"{userinfo.partition(':')[0]}@{hostport}"
    # The other parameters exactly as written (a socket folder stays "/run/postgresql").
    query = "&".join(piece for piece in parts.query.split("&")
                     if unquote(piece.partition("=")[0]).lower() not in SECRET_PARAMETERS)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def remember_secret(value: str | None) -> None:
    """Mask ``value`` (and its %-decoded form) as bare text from now on in this process."""
    if not value:
        return
    with _lock:
        _known.update(v for v in (value, unquote(value)) if len(v) >= MIN_LITERAL_LENGTH)


def remember_url_secrets(url: str) -> None:
    """Remember the passwords a connection URL carries (its user-info and parameters)."""
    try:
        parts = urlsplit(url)
        remember_secret(parts.password)
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            if key.lower() in SECRET_PARAMETERS:
                remember_secret(value)
    except ValueError:
        pass  # a URL urllib cannot read: the patterns still mask it


def _literal_secrets() -> list[str]:
    with _lock:
        values = set(_known)
    environment = os.environ.get("PGPASSWORD")
    if environment and len(environment) >= MIN_LITERAL_LENGTH:
        values.add(environment)
    # The longest first, so a password that contains another is masked whole.
    return sorted(values, key=len, reverse=True)


class RedactingFilter(logging.Filter):
    """On a log handler: the record's message, arguments and traceback text pass through
    :func:`redact_secrets`. A second net behind the callers' own redaction."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact_secrets(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            formatter = logging.Formatter()
            record.exc_text = formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_secrets(record.exc_text)
            record.exc_info = None  # the formatter would format it again from the original
        if record.stack_info:
            record.stack_info = redact_secrets(record.stack_info)
        return True
