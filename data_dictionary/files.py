"""File helpers every output goes through: atomic writes and content hashes."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Write ``path`` all at once or not at all.

    The content goes to a temporary file in the same folder, is flushed to disk, and replaces
    ``path`` with :func:`os.replace` (atomic on POSIX and Windows) only when the ``with`` block
    finishes without an exception; otherwise the temporary file is removed and ``path`` is
    left as it was. Parent folders are created.

    >>> with atomic_write("out/notes.txt") as f:
    ...     _ = f.write("first version")
    >>> try:
    ...     with atomic_write("out/notes.txt") as f:
    ...         _ = f.write("half of a sec")
    ...         raise RuntimeError("interrupted")
    ... except RuntimeError:
    ...     pass
    >>> Path("out/notes.txt").read_text()
    'first version'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    binary = "b" in mode
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if binary else encoding, newline=None) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, _permissions(target))
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def _permissions(target: Path) -> int:
    """The replaced file's mode, or what a plain ``open()`` would give (0o666 less umask);
    ``mkstemp`` alone would leave every output readable by its owner only."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def sha256_file(path: str | Path, chunk_size: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes (for provenance tables)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()
