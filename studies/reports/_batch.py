"""Render every report a study lists (study.yaml ``reports:``), as one batch.

Researcher reports run in parallel worker processes; funder reports run one after another
in one disclosure session (studies.reports._release), so each is audited against every
count released before and every count of the batch's earlier funder reports, and with
``release=True`` the release ledger stays locked from the first render to the last append.
Tested in tests/studies/reports/test_runner.py and test_attacks.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studies.errors import ReportError
from studies.reports._release import disclosure_session, template_audience
from studies.reports._runner import (
    ReportOutputs,
    check_parameters,
    default_output_dir,
    output_name,
    render_report,
)


@dataclass(frozen=True)
class ReportJob:
    """One entry of study.yaml ``reports:``: a template, its parameters and an output name."""

    template: str
    parameters: dict[str, Any]
    name: str | None = None


def report_jobs(study: Any) -> list[ReportJob]:
    """The reports study.yaml lists (``reports:``); entries may be dicts or config objects."""

    def value(entry: Any, key: str) -> Any:
        return entry.get(key) if isinstance(entry, Mapping) else getattr(entry, key, None)

    jobs = [
        ReportJob(value(e, "template"), dict(value(e, "parameters") or {}), value(e, "name"))
        for e in getattr(study.config, "reports", None) or []
    ]
    if not jobs:
        raise ReportError("study.yaml lists no reports (key 'reports')", file=study.path)
    return jobs


def _render_job(
    study_path: str, job: ReportJob, output_dir: str | None, pdf: bool
) -> ReportOutputs:
    return render_report(
        study_path, job.template, job.parameters, output_dir=output_dir, name=job.name, pdf=pdf
    )


def render_all(
    study: Any,
    *,
    jobs: int = 2,
    pdf: bool = False,
    output_dir: str | Path | None = None,
    release: bool = False,
) -> list[ReportOutputs]:
    """Render every report listed in study.yaml, with a progress bar.

    All parameters are checked before the first kernel starts; if any report fails, the
    error names it, and the reports that succeeded are kept (each is written atomically).
    Researcher reports run ``jobs`` at a time; funder reports run one after another in one
    disclosure session, so the batch is audited as a whole: each is protected against every
    count released before and every count of the batch's earlier funder reports.
    ``release=True`` releases the funder reports (the ledger stays locked throughout).
    """
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from tqdm.auto import tqdm

    planned = report_jobs(study)
    names = [job.name or output_name(job.template, job.parameters) for job in planned]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ReportError(f"two reports would write the same file: {duplicates}", file=study.path)
    for job in planned:
        check_parameters(study, job.template, job.parameters)
    out = str(output_dir) if output_dir else str(default_output_dir(study))
    funder = [template_audience(job.template) == "funder" for job in planned]
    results: list[ReportOutputs] = []
    failures: list[str] = []
    progress = tqdm(total=len(planned), desc="reports", unit="report")
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {
            pool.submit(_render_job, str(study.path), job, out, pdf): name
            for job, name, is_funder in zip(planned, names, funder, strict=True)
            if not is_funder
        }
        if any(funder):
            with disclosure_session(study, release) as session:
                for job, name, is_funder in zip(planned, names, funder, strict=True):
                    if not is_funder:
                        continue
                    try:
                        results.append(
                            render_report(
                                study,
                                job.template,
                                job.parameters,
                                output_dir=out,
                                name=job.name,
                                pdf=pdf,
                                release=release,
                                session=session,
                            )
                        )
                    except ReportError as error:
                        failures.append(f"{name}: {error}")
                    progress.update()
        for future in as_completed(futures):
            try:
                results.append(future.result())
            except ReportError as error:
                failures.append(f"{futures[future]}: {error}")
            progress.update()
    progress.close()
    if failures:
        raise ReportError(
            f"{len(failures)} of {len(planned)} reports failed; " + "; ".join(failures)
        )
    return sorted(results, key=lambda r: names.index(r.name))
