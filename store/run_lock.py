"""One `circlebot run` per database, until scale-out (issue 19). Two bots on one database would
both poll Telegram and both send what falls due.

The lock dies with its process, so a bot killed with `kill -9` can be started again at once (a
heartbeat would stay fresh for seconds after the kill):
- SQLite: an fcntl lock on `<database>.run-lock` beside the file, held on an open descriptor
  (the kernel drops it when the process ends; the file stays, with the holder's pid and host);
- PostgreSQL: `pg_try_advisory_lock` on a connection of its own, in a daemon thread with its
  own event loop, so it outlives the event loops `run` goes through. PostgreSQL ends a dead
  client's session (and its lock) when the socket closes, at once on a `kill -9`; a start tries
  for `PATIENCE` before refusing, for the moment that takes. A host that vanishes without
  closing its socket is noticed by TCP keepalives within about a minute.
If that connection drops (PostgreSQL restarted), the lock is taken again as soon as the server
answers. If another `run` took it meanwhile, this one stops (SIGTERM, as an operator's stop):
two senders must never go on side by side.

The CLI, which queues work while the bot runs, never takes it."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

import asyncpg

from store.private_files import FILE_MODE, private_folder
from store.urls import postgres_dsn, sqlite_path

log = logging.getLogger(__name__)

KEY = (0x63697263, 0x72756E)  # "circ", "run": pg_try_advisory_lock(int, int), per database
PATIENCE = 3.0  # seconds a start keeps trying while PostgreSQL ends a dead holder's session
PING = 5.0  # seconds between checks that the lock's connection is alive
RETAKE_FIRST, RETAKE_MOST = 0.5, 10.0  # backoff (seconds) while PostgreSQL is away
_GONE = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError)  # the server is away, not a refusal
_HOLDER = """
    SELECT l.pid, a.application_name FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2
"""


class RunLockError(Exception):
    """`run` may not start: another holds the lock, or it could not be asked."""


def me() -> str:
    """Who holds the lock, as the refusal names it (and PostgreSQL's `application_name`)."""
    return f"pid {os.getpid()} on {socket.gethostname()}"[:63]


def refusal(holder: str | None) -> RunLockError:
    named = f" ({holder})" if holder else ""
    return RunLockError(f"another circlebot run is already using this database{named}; stop it first")


def stop_this_process() -> None:
    """What a lost lock does by default: the bot stops as it would for an operator."""
    os.kill(os.getpid(), signal.SIGTERM)


def hold(url: str, on_lost: Callable[[], None] = stop_this_process) -> Callable[[], None]:
    """Take the run lock for this process's life, or raise `RunLockError`. Returns its release
    (ending the process releases it too)."""
    path = sqlite_path(url)
    if path is not None:
        return _hold_file(path.with_name(path.name + ".run-lock"))
    dsn = postgres_dsn(url)
    if dsn is None:  # an in-memory SQLite database: no other process can open it
        return lambda: None
    return _PostgresLock(dsn, on_lost).take()


def _hold_file(path: Path) -> Callable[[], None]:
    private_folder(path.parent)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(descriptor, 200).decode(errors="replace").strip()
        os.close(descriptor)
        raise refusal(holder) from None
    os.ftruncate(descriptor, 0)
    os.write(descriptor, me().encode())
    return lambda: os.close(descriptor)


class _PostgresLock:
    def __init__(self, dsn: str, on_lost: Callable[[], None]) -> None:
        self.dsn, self.on_lost = dsn, on_lost
        self.started = threading.Event()  # the first attempt's outcome is known
        self.error: RunLockError | None = None
        self.released = False
        self.loop: asyncio.AbstractEventLoop | None = None
        self.nudge: asyncio.Event | None = None  # released, or the connection closed
        self.session: tuple[int, str] | None = None  # the session holding it: backend pid, name
        self.thread = threading.Thread(target=lambda: asyncio.run(self._main()), name="run-lock", daemon=True)

    def take(self) -> Callable[[], None]:
        self.thread.start()
        self.started.wait()
        if self.error is not None:
            self.thread.join()
            raise self.error
        return self.release

    def release(self) -> None:
        self.released = True
        if self.loop is not None and self.nudge is not None:
            with suppress(RuntimeError):  # its loop has ended already (the lock was lost)
                self.loop.call_soon_threadsafe(self.nudge.set)
        self.thread.join(timeout=10)

    async def _main(self) -> None:
        self.loop, self.nudge = asyncio.get_running_loop(), asyncio.Event()
        connection: asyncpg.Connection | None = None
        try:
            connection = await self._take()
        except _GONE as error:
            self.error = RunLockError(f"cannot take the run lock on PostgreSQL ({type(error).__name__})")
        except RunLockError as error:
            self.error = error
        self.started.set()
        while connection is not None and await self._keep(connection):
            connection = await self._retake()

    async def _take(self) -> asyncpg.Connection:
        connection = await asyncpg.connect(
            self.dsn,
            timeout=10,
            server_settings={
                "application_name": me(),
                # A client host that vanishes is noticed in ~1 min (TCP only; ignored on a socket).
                "tcp_keepalives_idle": "30",
                "tcp_keepalives_interval": "10",
                "tcp_keepalives_count": "3",
            },
        )
        deadline = asyncio.get_running_loop().time() + PATIENCE
        try:
            while not await connection.fetchval("SELECT pg_try_advisory_lock($1, $2)", *KEY):
                holder = await connection.fetchrow(_HOLDER, *KEY)
                if holder is not None and (holder["pid"], holder["application_name"]) == self.session:
                    # This lock's own session from before a network break, not yet ended.
                    await connection.execute("SELECT pg_terminate_backend($1)", holder["pid"])
                elif asyncio.get_running_loop().time() > deadline:
                    raise refusal(None if holder is None else holder["application_name"])
                await asyncio.sleep(0.1)
        except BaseException:
            connection.terminate()
            raise
        self.session = (connection.get_server_pid(), me())
        return connection

    async def _keep(self, connection: asyncpg.Connection) -> bool:
        """Hold the lock until it is released (False) or its connection is lost (True)."""
        nudge = self.nudge
        assert nudge is not None
        connection.add_termination_listener(lambda _closed: nudge.set())
        while not self.released and not connection.is_closed():
            try:
                await asyncio.wait_for(nudge.wait(), PING)
            except TimeoutError:
                try:
                    await connection.fetchval("SELECT 1", timeout=PING)
                except TimeoutError:
                    pass  # slow, not gone: the session, and the lock, may well be alive
                except _GONE:
                    break
            nudge.clear()  # (a release is seen by its flag, set before its nudge)
        if self.released:
            await connection.close(timeout=5)
            return False
        connection.terminate()
        log.warning("the run lock's connection to PostgreSQL was lost: taking the lock again")
        return True

    async def _retake(self) -> asyncpg.Connection | None:
        delay = RETAKE_FIRST
        while not self.released:
            await asyncio.sleep(delay)
            try:
                connection = await self._take()
            except _GONE:
                delay = min(delay * 2, RETAKE_MOST)
                continue
            except RunLockError as error:
                log.error("stopping: while PostgreSQL was away, %s", error)
                self.on_lost()
                return None
            log.info("the run lock is taken again")
            return connection
        return None
