"""Run the parameterized report notebooks of a study into HTML (and optionally PDF).

A report is a notebook in ``notebooks/`` with a cell tagged ``parameters`` (papermill's
convention). :func:`render_report` checks the parameters against the study *before* starting
a kernel (an unknown site is a one-line error, not a traceback from cell 7), runs the notebook
with papermill, turns its outputs into a self-contained HTML page without code, and writes
``reports/<study>/<name>.ipynb`` and ``.html`` (and ``.pdf``) atomically: a failing run leaves
the previous report, never a partial one.

>>> from studies.reports import check_parameters, render_report
>>> check_parameters(study, "study_report", {"site": "Site Z"})
Traceback (most recent call last):
...
studies.errors.ReportError: field 'site': site 'Site Z' does not exist in study 'demo'; ...

(A little over 400 lines: one report's steps — check, run, convert, scan, audit, write — read
best in one place; batches are in ``_batch``, disclosure control in ``_release``.)

Rendering starts a Jupyter kernel and takes tens of seconds, so this line is not run with the
other examples (tests/studies/reports/ render the reports):

>>> render_report(study, "study_report", {"site": "north"}, output_dir="reports").html
... # doctest: +SKIP
PosixPath('reports/study_report_north.html')
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import nbformat
import papermill
from papermill.exceptions import PapermillExecutionError

from data_dictionary.files import atomic_write
from studies.errors import ReportError
from studies.reports import _templates
from studies.reports._html import external_references, notebook_to_html
from studies.reports._release import (
    DisclosureSession,
    disclosure_session,
    fixed_parameters,
    template_audience,
)
from studies.reports._templates import (
    REPO_ROOT,
    declared_parameters,
    template_path,
)

log = logging.getLogger(__name__)

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
]


@dataclass(frozen=True)
class ReportOutputs:
    """Where a rendered report was written and how long it took."""

    name: str
    notebook: Path
    html: Path
    pdf: Path | None
    seconds: float


def check_parameters(study: Any, template: str, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Validate report parameters against the template and the study; return them typed.

    Unknown names, sites the study does not have, unparseable dates and an empty period are
    errors naming the parameter.
    """
    declared = declared_parameters(template)
    if "study" in parameters and str(parameters["study"]) not in (str(study.id), str(study.path)):
        raise ReportError(
            f"the study is the command's argument ({study.id}); parameter 'study' cannot "
            f"change it (got {parameters['study']!r})",
            field="study",
        )
    parameters = {k: v for k, v in parameters.items() if k != "study"}
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ReportError(
            f"unknown report parameter(s) {', '.join(unknown)} for {template}; "
            f"it takes: {', '.join(sorted(declared))}",
            field=unknown[0],
        )
    checked: dict[str, Any] = {}
    for name, value in parameters.items():
        if name in {"period_start", "period_end"} and value not in (None, "", "None"):
            try:
                value = date.fromisoformat(str(value)).isoformat()
            except ValueError:
                raise ReportError(
                    f"{name} must be a date YYYY-MM-DD, got {value!r}", field=name
                ) from None
        if name == "site" and value not in (None, "", "None", "all"):
            sites = list(study.sites())
            if value not in sites:
                raise ReportError(
                    f"site {value!r} does not exist in study {study.id!r}; "
                    f"its sites are: {', '.join(map(str, sites))}",
                    field="site",
                )
        if name == "min_cell":
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ReportError(f"min_cell must be a whole number, got {value!r}") from None
        checked[name] = None if value in ("", "None") else value
    start, end = checked.get("period_start"), checked.get("period_end")
    if start and end and start > end:
        raise ReportError(f"period_start {start} is after period_end {end}", field="period_start")
    fixed = fixed_parameters(study, template, checked)  # audience and threshold: not a choice
    checked.update({key: value for key, value in fixed.items() if key in declared})
    _check_scope_not_empty(study, checked)
    return checked


def _check_scope_not_empty(study: Any, checked: Mapping[str, Any]) -> None:
    """A site and period with no delivery and no interview is a one-line error before any
    kernel starts (a scope with a few deliveries renders a page that says there are too few
    to report)."""
    import pandas as pd

    site, start, end = checked.get("site"), checked.get("period_start"), checked.get("period_end")
    if (site in (None, "all") and start is None and end is None) or not hasattr(
        study, "has_table"
    ):
        return
    found = 0
    for name, when in (("deliveries", "delivery_date"), ("participants", "interview_date")):
        if not study.has_table(name):
            continue
        table = study.table(name)
        keep = pd.Series(True, index=table.index)
        if site not in (None, "all"):
            keep &= table["site"].astype(str) == str(site)
        if when in table.columns and (start or end):
            dates = pd.to_datetime(table[when], errors="coerce")
            keep &= dates.ge(pd.Timestamp(start)) if start else True
            keep &= dates.le(pd.Timestamp(end)) if end else True
        found += int(keep.sum())
    if not found:
        where = f"site {site}" if site not in (None, "all") else "all sites"
        period = f", {start or 'the start'} to {end or 'the end'}" if (start or end) else ""
        raise ReportError(
            f"nothing to report for {where}{period}: no delivery and no interview",
            field="period_start" if (start or end) else "site",
        )


def default_output_dir(study: Any) -> Path:
    """``reports/<study id>/`` at the repository root for a study inside the checkout (a
    git-ignored folder); for a study elsewhere, ``reports/`` beside its study.yaml, so that
    reports of real data never land inside the code checkout."""
    folder = Path(study.path).resolve().parent
    if folder.is_relative_to(REPO_ROOT):
        return REPO_ROOT / "reports" / study.id
    return folder / "reports"


def output_name(template: str, parameters: Mapping[str, Any]) -> str:
    """The report's file name, from the template and every parameter that changes what it
    shows, so one report never overwrites another: ``funder_report``,
    ``funder_report_north``, ``funder_report_north_2019-01-01_to_2021-12-31``,
    ``outcomes_report_from_2022-01-01``, ``…_min-cell-15`` (a threshold above the default
    11). The audience is fixed by the template, so the template's name carries it."""

    def slug(value: Any) -> str:
        return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")

    parts = [template]
    site = parameters.get("site")
    if site not in (None, "", "None", "all"):
        parts.append(slug(site))
    start, end = parameters.get("period_start"), parameters.get("period_end")
    start = None if start in ("", "None") else start
    end = None if end in ("", "None") else end
    if start and end:
        parts.append(f"{start}_to_{end}")
    elif start:
        parts.append(f"from_{start}")
    elif end:
        parts.append(f"to_{end}")
    min_cell = parameters.get("min_cell")
    if min_cell not in (None, "", "None") and int(min_cell) != 11:
        parts.append(f"min-cell-{int(min_cell)}")
    return "_".join(parts)


def render_report(
    study: Any,
    template: str = "study_report",
    parameters: Mapping[str, Any] | None = None,
    *,
    output_dir: str | Path | None = None,
    name: str | None = None,
    pdf: bool = False,
    kernel_name: str | None = None,
    release: bool = False,
    session: DisclosureSession | None = None,
) -> ReportOutputs:
    """Run ``notebooks/<template>.ipynb`` for ``study`` and write the report files.

    ``study`` is a :class:`studies.Study` or anything :func:`studies.load_study` accepts.
    Raises :class:`ReportError` for a bad parameter or a failing cell (naming the notebook,
    the cell and the exception); in both cases no output file is touched.

    A funder report (audience fixed by the template) is audited with every count the study
    has released (studies.reports._release); ``release=True`` records it in the study's
    release ledger. ``session``: the batch it belongs to (``render_all``).
    """
    from studies import load_study

    study = load_study(study) if not hasattr(study, "sites") else study
    funder = template_audience(template) == "funder"
    if release and not funder:
        raise ReportError(
            f"{template} is a researcher report; only funder reports are released",
            field="template",
        )
    if funder and session is None:
        with disclosure_session(study, release) as session:
            return render_report(
                study,
                template,
                parameters,
                output_dir=output_dir,
                name=name,
                pdf=pdf,
                kernel_name=kernel_name,
                release=release,
                session=session,
            )
    started = time.perf_counter()
    checked = check_parameters(study, template, dict(parameters or {}))
    name = name or output_name(template, checked)
    out_dir = Path(output_dir) if output_dir else default_output_dir(study)
    run_parameters = {"study": str(study.path), **checked}
    source = template_path(template)
    min_cell = fixed_parameters(study, template, checked)["min_cell"]
    with (
        tempfile.TemporaryDirectory(prefix="dyadlab-report-") as scratch,
        session.kernel_context(name, Path(scratch), min_cell)
        if funder
        else contextlib.nullcontext() as published,
    ):
        executed_path = Path(scratch) / f"{name}.ipynb"
        try:
            papermill.execute_notebook(
                str(source),
                str(executed_path),
                parameters=run_parameters,
                kernel_name=kernel_name,
                progress_bar=False,
                cwd=str(_templates.NOTEBOOKS),
                log_output=False,
            )
        except PapermillExecutionError as failure:
            first_line = (failure.source.strip().splitlines() or [""])[0][:60]
            raise ReportError(
                f"cell {_template_cell_number(executed_path, failure.cell_index)} "
                f"({first_line}) failed: {failure.ename}: {failure.evalue}",
                file=source,
            ) from None
        notebook = nbformat.read(executed_path, as_version=4)
        title = _title(notebook) or f"{template} — {study.id}"
        html = notebook_to_html(notebook, title=title, source_name=source.name)
        leaks = external_references(html)
        if leaks:
            raise ReportError(f"the HTML would load from the network: {leaks[:3]}", file=source)
        _check_disclosure(html, min_cell if funder else None, source)
        pdf_bytes = _print_pdf(html, Path(scratch)) if pdf else None
        if funder:
            counts = session.audit(name, published, min_cell, source)
            details = {"template": template, "parameters": checked, "study": study.id}
            session.add(name, counts, details)  # with release: in the ledger before any file
        with atomic_write(out_dir / f"{name}.ipynb") as handle:
            nbformat.write(notebook, handle)
        with atomic_write(out_dir / f"{name}.html") as handle:
            handle.write(html)
        _write_tables(notebook, out_dir / f"{name}_tables")
        pdf_path = None
        if pdf_bytes is not None:
            pdf_path = out_dir / f"{name}.pdf"
            with atomic_write(pdf_path, "wb") as handle:
                handle.write(pdf_bytes)
    seconds = time.perf_counter() - started
    log.info("rendered %s in %.1f s", name, seconds)
    return ReportOutputs(
        name, out_dir / f"{name}.ipynb", out_dir / f"{name}.html", pdf_path, seconds
    )


def _write_tables(notebook: nbformat.NotebookNode, folder: Path) -> None:
    """Write every table the report showed (``show_table``) as ``NN_caption.csv``.

    These are the report's data outputs: the same inputs and parameters give the same bytes.
    Files of an earlier run that this run did not write are removed.
    """
    from studies.reports._display import TABLE_MIME

    written = set()
    number = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if TABLE_MIME not in data:
                continue
            number += 1
            caption = output.get("metadata", {}).get(TABLE_MIME, {}).get("caption", "")
            slug = re.sub(r"[^a-z0-9]+", "-", caption.lower()).strip("-")[:60] or "table"
            path = folder / f"{number:02d}_{slug}.csv"
            with atomic_write(path) as handle:
                handle.write(data[TABLE_MIME])
            written.add(path.name)
    if folder.is_dir():
        for stale in folder.glob("*.csv"):
            if stale.name not in written:
                stale.unlink()


def _template_cell_number(executed: Path, cell_index: int) -> int:
    """1-based number of a cell in the template (papermill inserts a parameters cell)."""
    try:
        cells = nbformat.read(executed, as_version=4).cells
    except (OSError, ValueError):
        return cell_index + 1
    injected = sum(
        1
        for cell in cells[:cell_index]
        if "injected-parameters" in cell.get("metadata", {}).get("tags", [])
    )
    return cell_index + 1 - injected


def _check_disclosure(html: str, min_cell: int | None, source: Path) -> None:
    """Refuse a funder report (``min_cell`` given) whose marked count tables show a count
    below ``min_cell``. Runs for every funder template, whatever the parameters."""
    if min_cell is None:
        return
    from analysis.disclosure._check import scan_html

    problems = scan_html(html, min_cell)
    if not problems.empty:
        first = problems.iloc[0]
        raise ReportError(
            f"disclosure check failed: {len(problems)} count(s) below {min_cell} shown, e.g. "
            f"table {first['table']}, row {first['row']!r}, column {first['column']!r}: "
            f"{first['text']}; no report was written",
            file=source,
        )


def _title(notebook: nbformat.NotebookNode) -> str | None:
    """The first Markdown or output heading (``# …``) of the notebook, used as the page title."""
    for cell in notebook.cells:
        texts = (
            [cell.source]
            if cell.cell_type == "markdown"
            else [
                output.get("data", {}).get("text/markdown", "")
                for output in cell.get("outputs", [])
            ]
        )
        for text in texts:
            match = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
            if match:
                return match.group(1).strip()
    return None


def _print_pdf(html: str, scratch: Path) -> bytes:
    """Print the HTML to PDF with Debian's headless Chromium (no network, no downloads)."""
    chromium = shutil.which("chromium")
    if chromium is None:
        raise ReportError("PDF output needs Chromium: apt-get install chromium")
    page = scratch / "page.html"
    page.write_text(html, encoding="utf-8")
    out = scratch / "page.pdf"
    profile = scratch / "chromium-profile"
    command = [
        chromium,
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        f"--print-to-pdf={out}",
        page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    if done.returncode != 0 or not out.is_file():
        raise ReportError(f"Chromium could not print the PDF: {done.stderr.strip()[-300:]}")
    return out.read_bytes()
