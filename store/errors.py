"""Which failures are the store's (the database unreachable, locked, out of disk) rather than
the work's own. The difference decides what happens next, in one place for the chat and the
clock: the work's own error is that one item's (answered, or set aside with its reason), while
a store error says nothing about the item, so nothing is marked and the whole step is tried
again once the store answers."""

from __future__ import annotations

from sqlalchemy import exc

_STORE_ERRORS = (
    exc.OperationalError,  # SQLite locked, disk full, I/O error; PostgreSQL gone or restarting
    exc.InterfaceError,  # the connection itself broke
    exc.DisconnectionError,
    exc.TimeoutError,  # no connection free in the pool in time
    ConnectionError,  # refused or reset before the driver could wrap it
    TimeoutError,
)


# PostgreSQL's SQLSTATE classes that are the server's state, not the statement's: connection
# (08), a transaction to retry (40: serialization failure, deadlock), out of disk, memory or
# connections (53), shut down or cancelled (57), I/O (58). asyncpg reports some of them as a
# plain DBAPIError, so the class decides, not the exception's type.
_STORE_SQLSTATE_CLASSES = frozenset({"08", "40", "53", "57", "58"})


def is_store_error(error: BaseException) -> bool:
    """True when the store failed, not the statement: a bad value (DataError) or a broken rule
    (IntegrityError) is the item's own error."""
    if isinstance(error, exc.DBAPIError):
        if error.connection_invalidated:
            return True
        sqlstate = getattr(error.orig, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate[:2] in _STORE_SQLSTATE_CLASSES:
            return True
    return isinstance(error, _STORE_ERRORS)
