"""A throw-away PostgreSQL server for the tests, started from Debian's postgresql-15 binaries.

As root (CI), initdb refuses to run, so the server runs as the `postgres` user through
`runuser`, in a temp folder it owns outside the checkout, listening on 127.0.0.1 and a unix
socket only. `CIRCLEBOT_TEST_POSTGRES_URL` points the tests at an existing server instead.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest


class PostgresUnavailable(RuntimeError):
    pass


def _binaries() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not candidates:
        raise PostgresUnavailable("no initdb: install PostgreSQL 15 (make test does it with apt-get)")
    return Path(candidates[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    folder: Path
    port: int
    as_user: list[str]
    pg_ctl: Path

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        """Starts the server on its data folder and port (again, after `halt`)."""
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder / 'sockets'} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        data, log = str(self.folder / "data"), str(self.folder / "log")
        _run([*self.as_user, str(self.pg_ctl), "-D", data, "-o", options, "-l", log, "-w", "start"])

    def halt(self) -> None:
        """Stops the server as an operator's restart does (fast: sessions are ended), keeping its
        data: what a bot meets when its database goes away for a while."""
        _run([*self.as_user, str(self.pg_ctl), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop"])

    def stop(self) -> None:
        subprocess.run(
            [*self.as_user, str(self.pg_ctl), "-D", str(self.folder / "data"), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    if result.returncode != 0:
        raise PostgresUnavailable(
            f"{' '.join(command[-4:])} failed: {result.stderr.strip() or result.stdout.strip()}"
        )


def start_postgres() -> PostgresServer:
    binaries = _binaries()
    folder = Path(tempfile.mkdtemp(prefix="circlebot-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    (data, sockets) = (folder / "data", folder / "sockets")
    _run([*as_user, "mkdir", "-p", str(sockets)])
    _run(
        [
            *as_user,
            str(binaries / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "-E",
            "UTF8",
        ]
    )
    server = PostgresServer(folder, _free_port(), as_user, binaries / "pg_ctl")
    try:
        server.start()
    except PostgresUnavailable as error:
        log = (folder / "log").read_text(errors="replace")[-2000:] if (folder / "log").exists() else ""
        server.stop()
        raise PostgresUnavailable(f"{error}\n{log}") from None
    return server


def postgres_or_skip() -> PostgresServer:
    """A new PostgreSQL server: fails the run in CI if none can start, else skips the test."""
    try:
        return start_postgres()
    except PostgresUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL could not start in CI: {error}")
        pytest.skip(f"PostgreSQL could not start: {error}")
