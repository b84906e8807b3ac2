"""Files only the bot's user can read (issue 20): the SQLite database's folder (0700), the
database (0600; SQLite gives its -wal and -shm the database's own rights), the run lock and an
export written to a file. What this creates is its owner's alone; what exists keeps the rights
its owner gave it (the folder may be /tmp or someone's home, not ours to change), and a folder
others may enter is named once in the log."""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

FOLDER_MODE = 0o700
FILE_MODE = 0o600
_named: set[Path] = set()  # the open folders already named in this process's log


def private_folder(folder: Path) -> None:
    """Create `folder`, and each missing folder above it, 0700 (a umask only narrows that)."""
    for missing in reversed([f for f in (folder, *folder.parents) if not f.exists()]):
        missing.mkdir(FOLDER_MODE, exist_ok=True)
    mode = stat.S_IMODE(folder.stat().st_mode)
    where = folder.resolve()
    if mode & ~FOLDER_MODE and where not in _named:
        _named.add(where)
        log.warning(
            "the database's folder %s is open to others (mode %o): chmod 700 it, or give the "
            "database a folder of its own",
            where,
            mode,
        )


def private_file(path: Path) -> None:
    """Create `path` empty and 0600 unless something is there already."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
