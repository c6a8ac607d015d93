"""The release ledger: every count a study has released, and which records each counted.

Rendering a report is drafting; *releasing* it (``dyadlab report STUDY --release``) is the
step after which a reader may hold it forever. The release ledger is the study's memory of
what left: one JSON object per line, one line per released report, with every count the
report showed (exact, rounded with its interval, or hidden) and the record ids it counted.
The disclosure audit of every later report runs over all of it (:class:`DisclosureLedger`
``prior=``), so no later report — a per-site report, a period report, the next quarter's
cumulative update — can difference out a small count of an earlier one.

The ledger holds record ids, so it is as private as the data: it lives beside the study's
data, is created readable and writable by its owner only (0600), and is refused inside a
git work tree (it must never be committed) or inside the code checkout. A batch holds an
exclusive ``fcntl`` lock on ``<ledger>.lock`` from its first render to its last append, so
two batches cannot each audit against a ledger that lacks the other's counts.

Tested in tests/analysis/disclosure/test_release.py.
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analysis.errors import DisclosureError

LEDGER_NAME = "release_ledger.jsonl"
_CODE_ROOT = Path(__file__).resolve().parents[2]


def _inside_git_work_tree(folder: Path) -> Path | None:
    for parent in [folder, *folder.parents]:
        if (parent / ".git").exists():
            return parent
    return None


class ReleaseLedger:
    """The release ledger at ``path`` (a ``.jsonl`` file; created on first release)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser().resolve()
        self.lock_path = self.path.with_name(self.path.name + ".lock")

    @classmethod
    def beside(cls, data_root: str | Path) -> ReleaseLedger:
        """The ledger of a study whose data lives in ``data_root``."""
        return cls(Path(data_root) / LEDGER_NAME)

    def check_location(self) -> None:
        """Refuse a ledger inside the code checkout or any git work tree."""
        folder = self.path.parent
        if folder == _CODE_ROOT or _CODE_ROOT in folder.parents:
            raise DisclosureError(
                f"the release ledger {self.path} would be inside the code checkout; set the "
                "study's data_root to a folder outside it"
            )
        work_tree = _inside_git_work_tree(folder)
        if work_tree is not None:
            raise DisclosureError(
                f"the release ledger {self.path} would be inside the git work tree {work_tree} "
                "(it holds record ids and must never be committed); set the study's data_root "
                "to a folder outside any repository"
            )

    @contextmanager
    def locked(self) -> Iterator[ReleaseLedger]:
        """Hold the ledger's exclusive lock (blocking) for the ``with`` block."""
        self.check_location()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield self
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def releases(self) -> list[dict[str, Any]]:
        """Every release so far, oldest first (empty when nothing was released)."""
        if not self.path.exists():
            return []
        mode = stat.S_IMODE(self.path.stat().st_mode)
        if mode & 0o077:
            raise DisclosureError(
                f"the release ledger {self.path} is readable by others (mode {mode:o}); "
                f"chmod 600 {self.path}"
            )
        releases = []
        with self.path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    releases.append(json.loads(line))
                except json.JSONDecodeError as error:
                    raise DisclosureError(
                        f"{self.path}, line {number}: not a JSON release record ({error.msg})"
                    ) from None
        return releases

    def counts(self) -> list[dict[str, Any]]:
        """Every count released so far (for :class:`DisclosureLedger` ``prior=``)."""
        return [
            {**count, "report": release["report"]}
            for release in self.releases()
            for count in release["counts"]
        ]

    def append(
        self, report: str, counts: list[Mapping[str, Any]], details: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Record that ``report`` was released with ``counts``; call while :meth:`locked`.

        The line is appended with ``O_APPEND`` and flushed to disk before this returns, on a
        file created with mode 0600.
        """
        self.check_location()
        record = {
            "report": report,
            "released_at": datetime.now(UTC).isoformat(timespec="seconds"),
            **dict(details),
            "counts": [dict(c) for c in counts],
        }
        line = json.dumps(record, sort_keys=True, default=str) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        return record
