"""Attacks on released funder reports, as docs/disclosure.md's reader would make them.

Each attack reads only what was released (the HTML pages of the reports), knows the
published method, and solves for small counts with its own integer programme
(tests/studies/reports/attack.py). Every attack is first shown to work — on reports
released without the release ledger and without rounding, i.e. the way reports were
protected before (each table on its own) — and then shown to fail on reports released
through ``dyadlab report --release``. The truth the attacks are judged against comes from
the cohort (site, medication at delivery, delivery date, overdose), not from the report
code.

Rendering is slow: the synthetic study's reports are rendered once per module.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from studies import cli, load_study
from studies.reports import ReportError, render_all, render_report
from tests.studies.reports.attack import (
    MIN_CELL,
    count_cells,
    integer_range,
    shown_small_counts,
)

REPO = Path(__file__).resolve().parents[3]
PERIODS = {"2019-2021": ("2019-01-01", "2021-12-31"), "2022-2024": ("2022-01-01", "2024-12-31")}
FUNDER_SET = [
    {"template": "funder_report"},
    *(
        {"template": "funder_report", "parameters": {"site": s}}
        for s in ("central", "north", "south")
    ),
    *(
        {
            "template": "funder_report",
            "name": f"funder_report_{n}",
            "parameters": {"period_start": a, "period_end": b},
        }
        for n, (a, b) in PERIODS.items()
    ),
]


def _synth(folder: Path, *, rounding: bool, reports: list) -> Path:
    """A 60-delivery synthetic study outside the repository, listing ``reports``."""
    assert cli.main(["synth", str(folder), "--seed", "11", "--deliveries", "60"]) == 0
    config = yaml.safe_load((folder / "study.yaml").read_text())
    config["reports"] = reports
    config["disclosure"] = {"min_cell": 11, "rounding_base": 10 if rounding else 0}
    (folder / "study.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return folder


def _truth(study) -> pd.DataFrame:
    """One row per delivery counted by the report tables (the full lookback), labelled as
    the pages label it."""
    cohort = study.cohort()
    included = cohort["lookback_observed"].astype("boolean").fillna(True).to_numpy(bool)
    cohort = cohort[included]
    labels = {"none": "no medication"}
    return pd.DataFrame(
        {
            "site": cohort["site"].astype(str).str.lower(),
            "medication": cohort["moud_at_delivery"].map(lambda m: labels.get(m, m)).str.lower(),
            "overdose": np.where(cohort["overdose"].astype(bool), "overdose", "no overdose"),
            "date": pd.to_datetime(cohort["delivery_date"]).dt.date,
        }
    )


# -- the differencing attack over a report set --------------------------------------------
TABLES = {  # caption fragment -> (what the rows are, what the columns are)
    "by site and medication": ("site", "medication"),
    "Overdose within a year": ("medication", "overdose"),
}


def _scope(report: str, study) -> tuple[list[str], list[str]]:
    sites = [s.lower() for s in study.sites()]
    for name, _ in PERIODS.items():
        if report.endswith(name):
            return sites, [name]
    for site in sites:
        if report.endswith(f"_{site}") or f"_{site}_" in report:
            return [site], list(PERIODS)
    return sites, list(PERIODS)


def _period_of(day: date) -> str:
    return "2019-2021" if day <= date(2021, 12, 31) else "2022-2024"


def differencing_attack(pages: list[Path], study) -> list[tuple]:
    """Solve every small (site, period, row, column) count the report set leaves open.

    Returns ``(table, site, period, row, column, truth, low, high)`` for every count of 1 to
    10 the reader pins to a range narrower than ``min_cell - 1``.
    """
    truth = _truth(study)
    truth["period"] = truth["date"].map(_period_of)
    sites = [s.lower() for s in study.sites()]
    recovered = []
    for fragment, (row_key, column_key) in TABLES.items():
        cells = [c for p in pages for c in count_cells(p) if fragment in c.caption]
        rows = sorted({c.row.lower() for c in cells} - {"total"})
        columns = sorted({c.column.lower() for c in cells} - {"total"})
        keys = [(s, p, r, c) for s in sites for p in PERIODS for r in rows for c in columns]
        index = {k: i for i, k in enumerate(keys)}
        matrix, lows, highs = [], [], []
        for k in keys:  # the reader knows a site's row holds only that site's deliveries
            if row_key == "site" and k[2] != k[0]:
                row = np.zeros(len(keys))
                row[index[k]] = 1
                matrix.append(row), lows.append(0.0), highs.append(0.0)
        for cell in cells:
            bounds = cell.bounds()
            if bounds is None:
                continue
            in_sites, in_periods = _scope(cell.report, study)
            row = np.zeros(len(keys))
            for s, p, r, c in keys:
                if (
                    s in in_sites
                    and p in in_periods
                    and cell.row.lower() in (r, "total")
                    and (cell.column.lower() in (c, "total"))
                ):
                    row[index[(s, p, r, c)]] = 1
            matrix.append(row), lows.append(bounds[0]), highs.append(bounds[1])
        counts = truth.groupby(["site", "period", row_key, column_key]).size()
        for k in keys:
            true = (
                int(counts.get(k, 0))
                if row_key != "site"
                else int(counts.get((k[0], k[1], k[0], k[3]), 0) if k[2] == k[0] else 0)
            )
            if not 1 <= true < MIN_CELL:
                continue
            objective = np.zeros(len(keys))
            objective[index[k]] = 1
            low, high = integer_range(objective, matrix, lows, highs)
            if high - low < MIN_CELL - 1:
                recovered.append((fragment, *k, true, low, high))
    return recovered


@pytest.fixture(scope="module")
def protected_set(tmp_path_factory):
    """The funder report set (all, per site, per period) released through the ledger."""
    folder = _synth(
        tmp_path_factory.mktemp("released") / "study", rounding=True, reports=FUNDER_SET
    )
    study = load_study(folder)
    outputs = render_all(study, release=True, output_dir=folder.parent / "out")
    return study, [o.html for o in outputs]


@pytest.fixture(scope="module")
def unprotected_set(tmp_path_factory):
    """The same set as drafts, each report protected on its own (no ledger, no rounding)."""
    folder = _synth(tmp_path_factory.mktemp("drafts") / "study", rounding=False, reports=FUNDER_SET)
    study = load_study(folder)
    pages = []
    for job in FUNDER_SET:
        out = render_report(
            study,
            job["template"],
            job.get("parameters", {}),
            name=job.get("name"),
            output_dir=folder.parent / "out",
        )
        pages.append(out.html)
    return study, pages


@pytest.mark.slow
def test_differencing_the_report_set_recovers_counts_without_the_ledger(unprotected_set):
    study, pages = unprotected_set
    assert not [c for p in pages for c in shown_small_counts(count_cells(p))]
    assert differencing_attack(pages, study), "the attack must work on unprotected reports"


@pytest.mark.slow
def test_differencing_the_released_report_set_recovers_nothing(protected_set):
    study, pages = protected_set
    assert len(pages) == len(FUNDER_SET)
    assert not [c for p in pages for c in shown_small_counts(count_cells(p))]
    assert differencing_attack(pages, study) == []


# -- two successive cumulative releases -----------------------------------------------------
QUARTER_END = ("2024-09-30", "2024-12-31")


def cumulative_attack(first: Path, second: Path, study) -> list[tuple]:
    """Solve the last quarter's counts from a release to 30 September and one to 31 December
    (both from the start of the data): ``(table, row, column, truth, low, high)`` for every
    quarter count of 1 to 10 pinned narrower than ``min_cell - 1``."""
    truth = _truth(study)
    end_first, end_second = (date.fromisoformat(d) for d in QUARTER_END)
    truth = truth[truth["date"] <= end_second]
    truth["quarter"] = np.where(truth["date"] <= end_first, "before", "quarter")
    recovered = []
    for fragment, (row_key, column_key) in TABLES.items():
        cells = {
            page: [c for c in count_cells(page) if fragment in c.caption]
            for page in (first, second)
        }
        rows = sorted({c.row.lower() for cs in cells.values() for c in cs} - {"total"})
        columns = sorted({c.column.lower() for cs in cells.values() for c in cs} - {"total"})
        keys = [(q, r, c) for q in ("before", "quarter") for r in rows for c in columns]
        index = {k: i for i, k in enumerate(keys)}
        matrix, lows, highs = [], [], []
        for page, quarters in ((first, ("before",)), (second, ("before", "quarter"))):
            for cell in cells[page]:
                bounds = cell.bounds()
                if bounds is None:
                    continue
                row = np.zeros(len(keys))
                for q, r, c in keys:
                    if (
                        q in quarters
                        and cell.row.lower() in (r, "total")
                        and (cell.column.lower() in (c, "total"))
                    ):
                        row[index[(q, r, c)]] = 1
                matrix.append(row), lows.append(bounds[0]), highs.append(bounds[1])
        counts = truth.groupby(["quarter", row_key, column_key]).size()
        for k in keys:
            true = int(counts.get(k, 0))
            if k[0] != "quarter" or not 1 <= true < MIN_CELL or not matrix:
                continue
            objective = np.zeros(len(keys))
            objective[index[k]] = 1
            low, high = integer_range(objective, matrix, lows, highs)
            if high - low < MIN_CELL - 1:
                recovered.append((fragment, *k[1:], true, low, high))
    return recovered


def _two_releases(folder: Path, release: bool) -> tuple[Path, Path]:
    study = load_study(folder)
    pages = []
    for end in QUARTER_END:
        out = render_report(
            study,
            "funder_report",
            {"period_end": end},
            release=release,
            name=f"funder_to_{end}",
            output_dir=folder.parent / "out",
        )
        pages.append(out.html)
    return pages[0], pages[1]


@pytest.mark.slow
def test_two_cumulative_releases_give_up_the_quarter_without_the_ledger(tmp_path):
    folder = _synth(tmp_path / "study", rounding=False, reports=[{"template": "funder_report"}])
    first, second = _two_releases(folder, release=False)
    assert cumulative_attack(first, second, load_study(folder))


@pytest.mark.slow
def test_two_cumulative_releases_through_the_ledger_give_up_nothing(tmp_path):
    folder = _synth(tmp_path / "study", rounding=True, reports=[{"template": "funder_report"}])
    first, second = _two_releases(folder, release=True)
    study = load_study(folder)
    assert cumulative_attack(first, second, study) == []
    # Both were released (the second was not refused) and recorded, privately.
    ledger = folder / "release_ledger.jsonl"
    assert ledger.stat().st_mode & 0o777 == 0o600
    assert [line.count('"report"') > 0 for line in ledger.read_text().splitlines()] == [True] * 2
    # The second release still shows counts (coarsened), not only hidden cells.
    shown = [c for c in count_cells(second) if c.bounds() is not None and c.bounds()[1] > 0]
    assert shown


# -- reading the survival curves and the percentages derived from them --------------------
@pytest.mark.slow
def test_curve_steps_and_percentages_come_from_rounded_counts(protected_set):
    from analysis import survival
    from analysis.disclosure import round_km

    study, pages = protected_set
    cohort = study.cohort()
    on_moud = cohort[cohort["moud_at_delivery"] != "none"]
    exact = survival.kaplan_meier(on_moud, "days_on_moud", "discontinued", by="moud_at_delivery")
    # Before: the exact curve's steps are single mothers, 1/n of the group at a time.
    steps = exact.table[exact.table["n_event"] > 0]["n_event"]
    assert ((steps >= 1) & (steps < MIN_CELL)).any()
    # After: every step of the curve a funder report draws is a rounded count of at least 6
    # (cumulative counts 1-11 are drawn as 6, then steps of 11), never 1-5 or 7-10.
    drawn = round_km(exact, MIN_CELL)
    events = drawn.table["n_event"][drawn.table["n_event"] > 0]
    assert set(events.unique()) <= {6, 11, 22, 33, 44, 55}
    # A medication with fewer than 11 deliveries is not drawn, nor given a percentage.
    small = [g for g, n in on_moud["moud_at_delivery"].value_counts().items() if n < MIN_CELL]
    for page in pages:
        for cell in count_cells(page):
            if "Still on medication" in cell.caption and cell.text.endswith("%"):
                assert not any(g in (cell.row + cell.column).lower() for g in small), cell


# -- bypasses -----------------------------------------------------------------------------
def test_a_render_parameter_cannot_lower_the_threshold(capsys):
    with pytest.raises(ReportError, match="below the study's policy"):
        render_report("demo", "funder_report", {"min_cell": "5"}, output_dir="/nonexistent")
    assert cli.main(["report", "demo", "-t", "funder_report", "-p", "min_cell=3"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "below the study's policy" in err


def test_a_researcher_template_cannot_be_rendered_for_funders():
    with pytest.raises(ReportError, match="audience is fixed by the template"):
        render_report("demo", "study_report", {"audience": "funder"}, output_dir="/nonexistent")


def test_a_template_whose_default_audience_is_funder_is_scanned(tmp_path, monkeypatch):
    import nbformat

    from studies import reports

    folder = tmp_path / "notebooks"
    folder.mkdir()
    source = nbformat.read(REPO / "notebooks" / "study_report.ipynb", as_version=4)
    source.metadata.pop("dyadlab", None)  # no metadata: the parameter default decides
    parameters = next(c for c in source.cells if "parameters" in c.metadata.get("tags", []))
    parameters.source = parameters.source.replace('"researcher"', '"funder"')
    nbformat.write(source, folder / "sneaky.ipynb")
    monkeypatch.setattr(reports._templates, "NOTEBOOKS", folder)
    study = _synth(tmp_path / "study", rounding=True, reports=[])
    with pytest.raises(ReportError, match="disclosure check failed|published no audited counts"):
        render_report(load_study(study), "sneaky", {}, output_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.html"))


# -- the demo study -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_released(tmp_path_factory):
    """The demo study's funder report set, released through the ledger from a copy of the
    study outside the repository (a release ledger is refused inside a git work tree)."""
    import shutil

    folder = tmp_path_factory.mktemp("demo") / "demo"
    shutil.copytree(REPO / "studies" / "demo", folder, ignore=shutil.ignore_patterns("*.sqlite*"))
    config = yaml.safe_load((folder / "study.yaml").read_text())
    config["reports"] = FUNDER_SET
    (folder / "study.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    study = load_study(folder)
    outputs = render_all(study, release=True, output_dir=folder.parent / "out")
    return study, [o.html for o in outputs]


@pytest.mark.slow
def test_differencing_the_demo_report_set_recovers_nothing(demo_released):
    study, pages = demo_released
    assert not [c for p in pages for c in shown_small_counts(count_cells(p))]
    assert differencing_attack(pages, study) == []
