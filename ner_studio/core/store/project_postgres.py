"""A project on a PostgreSQL server: connecting with psycopg 3, and its errors as
:class:`ProjectError` subclasses.

psycopg is imported only when a ``postgresql://`` URL is opened: the app starts without it.
The password comes from the URL, ``PGPASSWORD`` or ``~/.pgpass`` (libpq reads those); what
NER Studio shows or remembers is the URL without it (:func:`redact`), and a driver's message
passes through :func:`~ner_studio.core.secrets.redact_secrets` before it is shown or logged.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ner_studio.core.errors import (
    DiskFullError, ProjectError, ProjectLockedError, ReadOnlyProjectError,
)
from ner_studio.core.locations import is_server_url  # noqa: F401 - the store's callers import it here
from ner_studio.core.store.project_dialect import POSTGRES, postgres_query
from ner_studio.core.store.project_schema import check_not_newer, migrate, schema_version
from ner_studio.core.secrets import redact_secrets, remember_url_secrets, url_without_secrets


def display_location(location) -> str:
    """A project's location as shown, logged and remembered: a path, or a URL without its password."""
    return url_without_secrets(location) if is_server_url(location) else str(location)


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or "postgres"


class PostgresConnection:
    """A psycopg connection that looks like ``sqlite3.Connection`` to the project store:
    ``?`` placeholders, autocommit unless a ``BEGIN`` is executed, ``in_transaction``.

    A session the server dropped (a restart, a network cut) is replaced by a new one at the
    next statement outside a transaction; a transaction it cut short fails as a whole, and
    the project keeps its edits in the journal and replays them in the next transaction."""

    dialect = POSTGRES

    def __init__(self, connect):
        self._connect = connect  # () -> a new, configured psycopg connection
        self.raw = connect()
        self._transaction = False
        self._closed = False

    def _live(self, sql: str):
        head = sql[:8].upper()
        if self.raw.closed and not self._closed:
            if self._transaction and not head.startswith("BEGIN"):
                self._transaction = False
                import psycopg

                raise psycopg.OperationalError("the connection to the server was lost in a transaction")
            self.raw = self._connect()
        if head.startswith("BEGIN"):
            self._transaction = True
        elif head.startswith(("COMMIT", "ROLLBACK")):
            self._transaction = False
        return self.raw

    def execute(self, sql: str, parameters=()):
        cursor = self._live(sql).cursor()
        try:
            cursor.execute(postgres_query(sql), tuple(parameters))
        except Exception:
            if not (self.raw.closed and sql[:5].upper() == "BEGIN" and not self._closed):
                raise
            # The session was gone before anything was done: start the transaction in a new one.
            cursor = self._live(sql).cursor()
            cursor.execute(postgres_query(sql), tuple(parameters))
        return cursor

    def executemany(self, sql: str, parameters):
        cursor = self._live(sql).cursor()
        rows = [tuple(row) for row in parameters]
        if rows:
            cursor.executemany(postgres_query(sql), rows)
        return cursor

    def pipeline(self):
        """psycopg's pipeline mode for the block (``Dialect.write_transaction``): statements
        are sent without waiting for their replies; reading a result waits for it."""
        return self.raw.pipeline()

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        if self.raw.closed:
            return False
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self._closed = True
        self.raw.close()


def database_errors() -> tuple[type[BaseException], ...]:
    import psycopg

    return (psycopg.Error,)


def connect_server(url: str, *, timeout: float, read_only: bool = False) -> PostgresConnection:
    """An autocommit connection; ``timeout`` bounds both connecting and waiting for a lock."""
    remember_url_secrets(url)  # a driver message quoting the password bare is masked too
    try:
        import psycopg
    except ImportError as error:
        raise ProjectError("this NER Studio has no PostgreSQL client: install it with "
                           "'pip install psycopg[binary]'", url_without_secrets(url)) from error

    def connect():
        # Keepalives and a TCP timeout: a dead network fails a write within ~30 s (the edit
        # then waits in the journal) instead of hanging the window.
        raw = psycopg.connect(url, autocommit=True, connect_timeout=max(1, round(timeout)),
                              application_name="NER Studio", keepalives=1, keepalives_idle=10,
                              keepalives_interval=5, keepalives_count=3, tcp_user_timeout=30_000)
        # A writer waits at most ``timeout`` for another's lock, like SQLite's busy timeout.
        raw.execute(f"SET lock_timeout = {int(timeout * 1000)}")
        if read_only:
            raw.execute("SET default_transaction_read_only = on")
        return raw

    try:
        return PostgresConnection(connect)
    except psycopg.Error as error:
        raise server_error(error, url, "connecting to the server", timeout) from error


def open_server_connection(url: str, *, timeout: float, read_only: bool) -> PostgresConnection:
    """A checked, migrated connection to the project in the database at ``url``."""
    conn = connect_server(url, timeout=timeout, read_only=read_only)
    try:
        version = schema_version(conn, POSTGRES)
        if version == 0:
            raise ProjectError("this database holds no NER Studio project; create one with "
                               "'ner-studio project create URL', or in the app with File > Open Project on a "
                               "Server, ticking 'Create a new project'", url_without_secrets(url))
        check_not_newer(version, url_without_secrets(url))
        if not read_only:
            migrate(conn, POSTGRES)
        return conn
    except BaseException as error:
        conn.close()
        if isinstance(error, database_errors()):
            raise server_error(error, url, "opening the project", timeout) from error
        raise


def create_server_connection(url: str, *, timeout: float) -> PostgresConnection:
    """A connection to a new project in the (existing, empty of our tables) database at
    ``url``, with the current schema."""
    conn = connect_server(url, timeout=timeout)
    try:
        if schema_version(conn, POSTGRES) > 0:
            raise ProjectError("this database already holds an NER Studio project; open it, or "
                               "create an empty database for a new one", url_without_secrets(url))
        migrate(conn, POSTGRES)
        return conn
    except BaseException as error:
        conn.close()
        if isinstance(error, database_errors()):
            raise server_error(error, url, "creating the project", timeout) from error
        raise


def server_error(error: BaseException, url: str, doing: str, timeout: float | None = None) -> ProjectError:
    """The :class:`ProjectError` that explains a psycopg ``error``."""
    import psycopg
    from psycopg import errors

    where = url_without_secrets(url)
    if isinstance(error, ProjectError):
        return error
    message = redact_secrets(str(error)).strip()  # libpq may quote the conninfo it was given
    text = message.splitlines()[0] if message else type(error).__name__
    if isinstance(error, (errors.LockNotAvailable, errors.DeadlockDetected, errors.SerializationFailure)):
        waited = f" (waited {timeout:g} s)" if timeout is not None else ""
        return ProjectLockedError(f"another NER Studio is writing to this project{waited} while "
                                  f"{doing}; try again in a moment", where)
    if isinstance(error, (errors.ReadOnlySqlTransaction, errors.InsufficientPrivilege)):
        advice = ("Ask the database's owner to create the project, or to make you the database's "
                  "owner (createdb --owner)" if doing == "creating the project" else
                  "Ask the database's owner to grant you write access, or use Save As to keep "
                  "your edits in a project file")
        return ReadOnlyProjectError(f"the server refuses to write while {doing} ({text}). {advice}.", where)
    if isinstance(error, (errors.DiskFull, errors.OutOfMemory)):
        return DiskFullError(f"the database server is out of space while {doing} ({text}); "
                             "your edits are kept in memory until it has room again", where)
    if isinstance(error, errors.PipelineAborted):  # (an OperationalError, but the server is there)
        return ProjectError(f"{doing} failed: a statement before it in the same write failed; "
                            "nothing of the write was saved", where)
    if isinstance(error, psycopg.OperationalError):
        return ProjectError(f"cannot reach the database server while {doing} ({text}). Check the "
                            "address, that the server runs, and your user name and password "
                            "(in the URL, PGPASSWORD or ~/.pgpass).", where)
    return ProjectError(f"{doing} failed: {text}", where)
