"""Every report notebook runs on the demo study, offline, without code or tracebacks, and
the same inputs and parameters give byte-identical data outputs."""

import re
from pathlib import Path

import papermill
import pytest

from studies import load_study
from studies.reports import render_report, templates
from studies.reports._html import external_references
from studies.reports._templates import NOTEBOOKS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo():
    study = load_study("demo")
    if not study.data_path("transcripts").exists():  # pragma: no cover - repository check
        pytest.fail("the demo study has no transcripts: run dyadlab synth studies/demo")
    return study


def test_the_report_templates_are_the_four_reports():
    assert templates() == ["coding_report", "funder_report", "outcomes_report", "study_report"]


@pytest.mark.parametrize("template", ["study_report", "coding_report", "outcomes_report"])
def test_researcher_reports_render(demo, template, tmp_path):
    out = render_report(demo, template, output_dir=tmp_path)
    html = out.html.read_text(encoding="utf-8")
    assert external_references(html) == []
    assert "Traceback" not in html and "Error" not in html.split("<main", 1)[1][:2000]
    assert html.count("data:image/png;base64,") >= 2
    # Every figure has alt text (show_figure), never nbconvert's placeholder.
    assert "No description has been provided" not in html
    for image in re.findall(r"<img\b[^>]*>", html):
        assert re.search(r'alt="[^"]{20,}"', image)
    assert list((tmp_path / f"{out.name}_tables").glob("*.csv"))


def test_funder_report_is_safe_and_reproducible(demo, tmp_path):
    first = render_report(
        demo, "funder_report", {"site": demo.sites()[0]}, output_dir=tmp_path / "a"
    )
    second = render_report(
        demo, "funder_report", {"site": demo.sites()[0]}, output_dir=tmp_path / "b"
    )
    tables_a = sorted((tmp_path / "a" / f"{first.name}_tables").glob("*.csv"))
    tables_b = sorted((tmp_path / "b" / f"{second.name}_tables").glob("*.csv"))
    assert [p.name for p in tables_a] == [p.name for p in tables_b] and tables_a
    for a, b in zip(tables_a, tables_b, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    html = first.html.read_text(encoding="utf-8")
    assert "■" in html  # small cells are hidden, not dropped


def test_tour_notebook_runs(demo, tmp_path):
    papermill.execute_notebook(
        str(NOTEBOOKS / "tour.ipynb"),
        str(tmp_path / "tour.ipynb"),
        progress_bar=False,
        cwd=str(NOTEBOOKS),
    )
    assert Path(tmp_path / "tour.ipynb").stat().st_size > 10_000
