"""The release ledger file: private (0600), never in a repository, locked, append-only."""

import os
import stat
import subprocess
import sys

import pytest

from analysis.disclosure import DisclosureError, ReleaseLedger


def test_append_creates_an_owner_only_file_and_reads_back(tmp_path):
    ledger = ReleaseLedger.beside(tmp_path / "data")
    with ledger.locked():
        ledger.append(
            "q3",
            [
                {
                    "table": "t",
                    "row": "a",
                    "column": "n",
                    "state": "shown",
                    "low": 12,
                    "high": 12,
                    "members": ["d1"] * 0,
                }
            ],
            {"template": "x"},
        )
        ledger.append("q4", [], {"template": "x"})
    assert stat.S_IMODE(ledger.path.stat().st_mode) == 0o600
    assert [r["report"] for r in ledger.releases()] == ["q3", "q4"]
    assert ledger.counts()[0]["report"] == "q3"


def test_a_ledger_readable_by_others_is_refused(tmp_path):
    ledger = ReleaseLedger(tmp_path / "ledger.jsonl")
    ledger.path.write_text("")
    os.chmod(ledger.path, 0o644)
    with pytest.raises(DisclosureError, match="chmod 600"):
        ledger.releases()


def test_a_ledger_inside_a_git_work_tree_or_the_checkout_is_refused(tmp_path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    with (
        pytest.raises(DisclosureError, match="git work tree"),
        ReleaseLedger.beside(tmp_path / "repo" / "study").locked(),
    ):
        pass
    import analysis

    checkout = os.path.dirname(os.path.dirname(analysis.__file__))
    with pytest.raises(DisclosureError, match="code checkout|git work tree"):
        ReleaseLedger.beside(os.path.join(checkout, "studies", "demo")).check_location()


def test_the_lock_excludes_another_process(tmp_path):
    ledger = ReleaseLedger(tmp_path / "ledger.jsonl")
    probe = (
        "import fcntl, os, sys\n"
        f"fd = os.open({str(ledger.lock_path)!r}, os.O_RDWR)\n"
        "try:\n    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\nexcept BlockingIOError:\n"
        "    sys.exit(3)\n"
    )
    with ledger.locked():
        held = subprocess.run([sys.executable, "-c", probe], check=False)
    free = subprocess.run([sys.executable, "-c", probe], check=False)
    assert held.returncode == 3 and free.returncode == 0


def test_a_corrupt_line_is_named(tmp_path):
    ledger = ReleaseLedger(tmp_path / "ledger.jsonl")
    fd = os.open(ledger.path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b'{"report": "a", "counts": []}\nnot json\n')
    os.close(fd)
    with pytest.raises(DisclosureError, match="line 2"):
        ledger.releases()
