"""Provenance of a report: what went in, from which code, on what software.

Every report shows this as a visible table so that a reader (or an auditor a year later) can
tell exactly which data and code produced the numbers: the parameters, the SHA-256 of
study.yaml, of every input file and of every transcript file the manifest lists, dyadlab's
own git commit and whether its tracked files had uncommitted changes (never the study
folder's repository), parameters without absolute local paths, the versions of the
packages that compute results, Python, and the run time. Tested in
tests/studies/reports/test_provenance.py.
"""

from __future__ import annotations

import platform
import subprocess
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from data_dictionary.files import sha256_file

#: Packages whose versions can change a number in a report.
RESULT_PACKAGES = (
    "dyadlab",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "lifelines",
    "scikit-learn",
    "ibis-framework",
    "duckdb",
    "matplotlib",
    "papermill",
    "nltk",
    "krippendorff",
)


def git_state(path: str | Path) -> dict[str, Any]:
    """The git commit of the checkout holding ``path`` (by default dyadlab's own), and
    whether its tracked files have uncommitted changes.

    Returns ``{"commit": None, "dirty": None}`` outside a git checkout (an installed copy).
    """
    folder = Path(path).resolve()
    if folder.is_file():
        folder = folder.parent

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=folder, capture_output=True, text=True, timeout=10, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status)}


def transcript_files(manifest: str | Path) -> list[Path]:
    """The transcript files a manifest CSV lists (column ``file``, relative to the manifest),
    in the manifest's order; empty when the manifest is missing or has no ``file`` column."""
    manifest = Path(manifest)
    if not manifest.is_file() or manifest.suffix.lower() != ".csv":
        return []
    try:
        listed = pd.read_csv(manifest, dtype=str)
    except (OSError, ValueError, pd.errors.ParserError):
        return []
    if "file" not in listed.columns:
        return []
    return [manifest.parent / name for name in listed["file"].dropna()]


def _without_local_path(value: Any) -> str:
    """A parameter as shown on the page: an absolute local path becomes the name of what it
    points to (``/home/ana/studies/demo/study.yaml`` → ``demo``), so the page does not
    disclose the machine's folders."""
    if value is None:
        return ""
    text = str(value)
    path = Path(text)
    if path.is_absolute():
        return path.parent.name if path.name == "study.yaml" else path.name
    return text


def package_versions(names: Iterable[str] = RESULT_PACKAGES) -> dict[str, str]:
    """Installed version of each package (``"not installed"`` when absent)."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def provenance_table(
    parameters: Mapping[str, Any],
    inputs: Mapping[str, str | Path],
    *,
    code_path: str | Path | None = None,
    started: datetime | None = None,
) -> pd.DataFrame:
    """One visible table: ``section``, ``item``, ``value``.

    ``inputs`` maps a label (``"study.yaml"``, ``"deliveries"``…) to a file; each gets its
    SHA-256 (missing files say so rather than fail: provenance must never hide a report).
    """
    started = started or datetime.now(UTC)
    rows: list[tuple[str, str, str]] = []
    for key, value in parameters.items():
        rows.append(("parameter", key, _without_local_path(value)))
    for label, file in inputs.items():
        file = Path(file)
        digest = sha256_file(file) if file.is_file() else "missing"
        rows.append(("input sha256", f"{label} ({file.name})", digest))
        if label == "transcripts":
            for listed in transcript_files(file):
                digest = sha256_file(listed) if listed.is_file() else "missing"
                rows.append(("input sha256", f"transcript ({listed.name})", digest))
    state = git_state(code_path or Path(__file__))
    rows.append(("code", "git commit", state["commit"] or "not a git checkout"))
    if state["dirty"] is not None:
        rows.append(("code", "uncommitted changes", "yes" if state["dirty"] else "no"))
    for name, version in package_versions().items():
        rows.append(("software", name, version))
    rows.append(("software", "python", platform.python_version()))
    rows.append(("run", "started (UTC)", started.strftime("%Y-%m-%d %H:%M:%S")))
    finished = datetime.now(UTC)
    rows.append(("run", "seconds", f"{(finished - started).total_seconds():.1f}"))
    return pd.DataFrame(rows, columns=["section", "item", "value"])
