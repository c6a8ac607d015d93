"""``dyadlab validate STUDY``: check study.yaml, every table, and the relations between them.

Codings are also checked against the codebook (unknown code ids, with a did-you-mean) and
the transcripts (spans past the end of their text): :mod:`studies.commands._codings_checks`.

Exit 0 when everything is clean; 1 when anything is wrong, with the problems on stderr
grouped by table (the first 20 of each, then "... and N more") and a one-line summary last.
``--json`` prints the same as JSON on stdout (up to 100 problems per table).
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from studies.cli import add_json_flag, print_json

log = logging.getLogger(__name__)

SHOWN_PER_TABLE = 20
JSON_PER_TABLE = 100


@dataclass
class TableReport:
    """What validation found for one table (or for the cross-table relations)."""

    name: str
    file: str | None
    rows: int | None = None
    problems: pd.DataFrame = field(default_factory=pd.DataFrame)
    error: str | None = None

    @property
    def n_problems(self) -> int:
        return len(self.problems) + (1 if self.error else 0)


def register(cli) -> None:
    parser = cli.command(
        "validate",
        "check a study: study.yaml, every table against the data dictionary, and the "
        "relations between tables",
        run,
    )
    parser.add_argument("study", metavar="STUDY", help="study id (e.g. demo) or path")
    add_json_flag(parser)


def validate_study(study_ref: str | Path) -> tuple[object, list[TableReport]]:
    """Load the study (raising on a bad study.yaml) and check every table; no printing."""
    from tqdm import tqdm

    from data_dictionary import DyadlabError, check_table, read_raw, relation_problems
    from data_dictionary.problems import combine_problems
    from data_dictionary.read import with_file_lines
    from studies import load_study
    from studies.study_config import TABLE_KEYS

    study = load_study(study_ref, check_files=False)
    reports: list[TableReport] = []
    typed: dict[str, pd.DataFrame] = {}
    names = [name for name in TABLE_KEYS if study.has_table(name)]
    progress = tqdm(
        names, desc="validate", unit="table", leave=False, disable=not sys.stderr.isatty()
    )
    for name in progress:
        progress.set_postfix_str(name)
        log.info("checking %s", name)
        try:
            path = study.data_path(name)
        except DyadlabError as error:
            reports.append(TableReport(name, None, error=str(error)))
            continue
        report = TableReport(name, str(path))
        reports.append(report)
        if not path.is_file():
            report.error = f"'data.{name}' file not found: {path}"
            continue
        try:
            raw = read_raw(path, arrow_strings=True)  # no Python object per cell
        except DyadlabError as error:
            report.error = str(error)
            continue
        frame, problems = check_table(raw, name)
        report.rows = len(frame)
        if name == "transcripts" and "file" in frame.columns:
            problems = pd.concat([problems, _missing_transcripts(frame, path)], ignore_index=True)
        if name == "codings":
            from studies.commands._codings_checks import codings_problems

            problems = pd.concat([problems, codings_problems(study, frame)], ignore_index=True)
        report.problems = with_file_lines(problems, raw, path)
        typed[name] = frame
    found = relation_problems(typed)
    files = {r.name: r.file for r in reports}
    found = combine_problems(
        [
            with_file_lines(group, typed[name], files[name])
            for name, group in found.groupby("table", sort=False)
        ]
    )
    reports.append(TableReport("relations", None, problems=found))
    if "deliveries" in typed:
        covariates = _covariate_problems(study, typed["deliveries"])
        if len(covariates):
            reports.append(TableReport("study.yaml", str(study.path), problems=covariates))
    return study, reports


def _covariate_problems(study, deliveries: pd.DataFrame) -> pd.DataFrame:
    """``outcomes.cox_covariates`` that the cohort will not have, or that may start after
    delivery (a baseline covariate of a model with time zero at delivery would then carry
    immortal time): one problem each, pointing at the study.yaml line."""
    from analysis.cohort import DERIVED_COLUMNS, dated_services
    from analysis.errors import AnalysisError
    from data_dictionary.problems import problems_frame

    wanted = study.config.outcomes.cox_covariates or []
    services = dated_services(deliveries)
    known = {*deliveries.columns, *DERIVED_COLUMNS, *(f"{s}_at_delivery" for s in services)}
    line = _yaml_line(study.path, "cox_covariates")
    rows = []
    for term in wanted:
        name = term.strip()
        if name.startswith("C(") and name.endswith(")"):
            name = name[2:-1].split(",")[0].strip()
        if name not in known:
            message = (
                f"outcomes.cox_covariates names {name!r}, which is not a column of the "
                f"deliveries data ({study.data_path('deliveries').name}) nor a cohort column"
            )
        elif name in services:
            from analysis.cohort import check_baseline_covariates

            try:
                check_baseline_covariates(deliveries[[name, services[name]]], [name])
                continue
            except AnalysisError as error:
                message = f"outcomes.cox_covariates: {error.message}"
        else:
            continue
        if line is not None:
            message += f" (study.yaml line {line})"
        rows.append(
            {
                "table": "study.yaml",
                "row": None,
                "line": line,
                "column": "outcomes.cox_covariates",
                "check": "cox_covariate",
                "value": name,
                "message": message,
            }
        )
    frame = problems_frame(rows)
    if rows:
        frame["line"] = pd.array([line] * len(rows), dtype="Int64")
    return frame


def _yaml_line(path: Path, key: str) -> int | None:
    """The 1-based line of ``key:`` in the YAML file (for the message), else None."""
    try:
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if text.strip().startswith(f"{key}:"):
                return number
    except OSError:
        return None
    return None


def _missing_transcripts(manifest: pd.DataFrame, path: Path) -> pd.DataFrame:
    from data_dictionary.problems import problems_frame

    rows = []
    for i, name in enumerate(manifest["file"]):
        if isinstance(name, str) and not (path.parent / name).is_file():
            rows.append(
                {
                    "table": "transcripts",
                    "row": i + 1,
                    "column": "file",
                    "check": "file_exists",
                    "value": name,
                    "message": f"transcript file not found: {path.parent / name}",
                }
            )
    return problems_frame(rows)


def run(args: argparse.Namespace) -> int:
    from data_dictionary.problems import problem_line

    study, reports = validate_study(args.study)
    total = sum(r.n_problems for r in reports)
    bad = [r for r in reports if r.n_problems]
    checked = [r for r in reports if r.name not in ("relations", "study.yaml")]
    rows = sum(r.rows or 0 for r in checked)
    summary = (
        f"{study.id}: {len(checked)} tables, {rows:,} rows, no problems"
        if not total
        else f"{study.id}: {_count(total)} in "
        f"{', '.join(r.name for r in bad)} ({len(checked)} tables, {rows:,} rows)"
    )
    if args.json:
        print_json(
            {
                "study": study.id,
                "path": str(study.path),
                "ok": total == 0,
                "problems": total,
                "tables": {
                    r.name: {
                        "file": r.file,
                        "rows": r.rows,
                        "problems": r.n_problems,
                        "error": r.error,
                        "first": _records(r.problems.head(JSON_PER_TABLE)),
                    }
                    for r in reports
                },
                "summary": summary,
            }
        )
        return 0 if total == 0 else 1

    print(f"{study.name} ({study.path})")
    for r in reports:
        state = "ok" if not r.n_problems else _count(r.n_problems)
        count = f"{r.rows:>10,} rows" if r.rows is not None else " " * 15
        print(f"  {r.name:<13}{count}  {state}")
    if total:
        for r in bad:
            where = f" ({r.file})" if r.file else ""
            print(f"{r.name}{where}: {_count(r.n_problems)}", file=sys.stderr)
            if r.error:
                print(f"  {r.error}", file=sys.stderr)
            for _, problem in r.problems.head(SHOWN_PER_TABLE).iterrows():
                prefix = f"{problem['table']}: " if r.name == "relations" else ""
                print(f"  {prefix}{problem_line(problem)}", file=sys.stderr)
            if len(r.problems) > SHOWN_PER_TABLE:
                print(f"  ... and {len(r.problems) - SHOWN_PER_TABLE:,} more", file=sys.stderr)
        print(summary, file=sys.stderr)
        return 1
    print(summary)
    return 0


def _count(n: int) -> str:
    return f"{n:,} problem{'s' if n != 1 else ''}"


def _records(problems: pd.DataFrame) -> list[dict]:
    out = []
    for record in problems.to_dict(orient="records"):
        out.append({k: (None if _isna(v) else v) for k, v in record.items()})
    return out


def _isna(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
