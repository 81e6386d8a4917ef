"""A throwaway PostgreSQL server for the tests: started once per test session in a temporary
folder, reached over a unix socket in that folder (no password) or over TCP on 127.0.0.1 (a
password: scram-sha-256), stopped and deleted at the end.

initdb refuses to run as root (and CI runs as root), so then the server runs as the
unprivileged ``postgres`` system user (``runuser``). Durability is switched off: the data
dies with the session anyway.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "ner"


def find_bin_dir() -> Path | None:
    """The folder with initdb and pg_ctl: ``NER_STUDIO_TEST_PG_BIN`` if set (empty: none, to
    run the suite as on a machine without PostgreSQL), else the newest Debian-style install,
    else the PATH."""
    if "NER_STUDIO_TEST_PG_BIN" in os.environ:
        chosen = os.environ["NER_STUDIO_TEST_PG_BIN"]
        return Path(chosen) if chosen and (Path(chosen) / "initdb").exists() else None
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if candidates:
        return Path(candidates[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresServer:
    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="ner-pg-"))
        self.data = self.folder / "data"
        self._as_user: list[str] = []
        self._databases = 0
        self.port = _free_port()

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            self._as_user = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth-local=trust",
                  "--auth-host=scram-sha-256", "-E", "UTF8", "--locale", "C", "--no-sync")
        options = (f"-k {self.folder} -c listen_addresses=127.0.0.1 -p {self.port} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w",
                  "-o", options, "start")

    def url(self, database: str = "postgres") -> str:
        """Over the unix socket, as the superuser: no password."""
        return f"postgresql://{SUPERUSER}@/{database}?host={self.folder}&port={self.port}"

    def tcp_url(self, database: str, user: str, password: str | None = None) -> str:
        """Over TCP, where the server asks for a password."""
        credentials = f"{user}:{password}" if password is not None else user
        return f"postgresql://{credentials}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """The URL of a new, empty database."""
        import psycopg

        self._databases += 1
        name = f"test_{self._databases}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        command = [*self._as_user, str(self.bin_dir / program), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.folder)
        if done.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr.strip()}\n{tail}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server() -> tuple[PostgresServer | None, str]:
    """``(server, "")``, or ``(None, why not)`` when PostgreSQL or psycopg is missing."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        return None, "PostgreSQL is not installed (no initdb found)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return None, "psycopg is not installed"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return None, "running as root without runuser to start PostgreSQL as 'postgres'"
    server = PostgresServer(bin_dir)
    try:
        server.start()
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        server.stop()
        return None, f"the test PostgreSQL server did not start: {error}"
    return server, ""
