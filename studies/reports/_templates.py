"""The report templates: the parameterized notebooks in ``notebooks/``, found by name, and the
parameters each declares in its tagged ``parameters`` cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import papermill

from studies.errors import ReportError

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO_ROOT / "notebooks"
#: Notebooks that are not parameterized reports.
NOT_REPORTS = {"tour"}


def templates() -> list[str]:
    """Names of the report notebooks in ``notebooks/`` (without ``.ipynb``)."""
    return sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb") if p.stem not in NOT_REPORTS)


def template_path(template: str) -> Path:
    """The notebook of report ``template``; ReportError naming the available ones if unknown."""
    path = NOTEBOOKS / f"{template}.ipynb"
    if not path.is_file() or template in NOT_REPORTS:
        raise ReportError(
            f"no report template {template!r}; available: {', '.join(templates())}",
            field="template",
        )
    return path


def declared_parameters(template: str) -> dict[str, Any]:
    """The parameters a template declares, with their defaults (from its ``parameters`` cell)."""
    declared = papermill.inspect_notebook(str(template_path(template)))
    return {name: spec["default"] for name, spec in declared.items()}
