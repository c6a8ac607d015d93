"""The report runner: parameter checks before any kernel starts, failing cells, offline
HTML without code, atomic outputs, and the funder disclosure check.

Uses small template notebooks written into a temporary folder, so these tests do not depend
on the demo study; tests/studies/reports/test_demo_reports.py runs the real templates.
"""

from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from studies import reports
from studies.reports import ReportError, render_report
from studies.reports._html import external_references


@dataclass
class FakeStudy:
    id: str
    path: Path

    def sites(self):
        return ["Site A", "Site B"]

    @property
    def data_root(self) -> Path:
        return self.path.parent


def _write_template(folder: Path, name: str, *cells: str) -> None:
    notebook = new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    parameters = new_code_cell(
        'study = "demo"\nsite = None\nperiod_start = None\nperiod_end = None\n'
        'min_cell = 11\naudience = "researcher"'
    )
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, *[new_code_cell(c) for c in cells]]
    nbformat.write(notebook, folder / f"{name}.ipynb")


@pytest.fixture
def templates(tmp_path, monkeypatch):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    monkeypatch.setattr(reports._templates, "NOTEBOOKS", folder)
    _write_template(
        folder,
        "ok",
        "from IPython.display import Markdown, display\n"
        "display(Markdown(f'# Report for {site}'))\n"
        "SECRET_SOURCE_MARKER = 1",
        "import matplotlib\nmatplotlib.use('agg')\nimport matplotlib.pyplot as plt\n"
        "%matplotlib inline\nplt.plot([1, 2, 3]); plt.title('a line'); plt.show()",
    )
    _write_template(folder, "broken", "x = 1", "raise ValueError('the cohort is empty')")
    _write_template(
        folder,
        "leaky",
        "from IPython.display import HTML, display\nimport pandas as pd\n"
        "from analysis.disclosure._check import count_table_html\n"
        "table = pd.DataFrame({'n': [7, 40]}, index=['x', 'y']).astype('Int64')\n"
        "display(HTML(count_table_html(table)))",
    )
    return folder


@pytest.fixture
def study(tmp_path):
    return FakeStudy("fake", tmp_path / "study.yaml")


def test_renders_offline_html_without_code(templates, study, tmp_path):
    out = render_report(study, "ok", {"site": "Site A"}, output_dir=tmp_path / "out")
    html = out.html.read_text()
    assert out.html.name == "ok_site-a.html" and out.notebook.exists()
    assert "<title>Report for Site A</title>" in html
    assert "SECRET_SOURCE_MARKER" not in html  # inputs are not shown
    assert "data:image/png;base64," in html  # the plot is embedded
    assert external_references(html) == []
    assert "Traceback" not in html


def test_unknown_site_is_refused_before_running(templates, study, tmp_path):
    with pytest.raises(ReportError, match=r"site 'Site Q' does not exist.*Site A, Site B"):
        render_report(study, "ok", {"site": "Site Q"}, output_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"colour": "red"}, "unknown report parameter.*colour"),
        ({"period_start": "2021-02-30"}, "period_start must be a date"),
        ({"period_start": "2022-01-01", "period_end": "2021-01-01"}, "is after period_end"),
        ({"min_cell": "ten"}, "min_cell must be a whole number"),
    ],
)
def test_bad_parameters(templates, study, tmp_path, parameters, message):
    with pytest.raises(ReportError, match=message):
        reports.check_parameters(study, "ok", parameters)


def test_unknown_template_lists_the_available_ones(templates, study):
    with pytest.raises(
        ReportError, match="no report template 'nope'; available: broken, leaky, ok"
    ):
        render_report(study, "nope")


def test_failing_cell_names_the_cell_and_leaves_old_output(templates, study, tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "broken.html").write_text("previous report")
    with pytest.raises(
        ReportError,
        match=r"broken.ipynb: cell 3 \(raise ValueError\('the cohort is empty'\)\) failed: "
        r"ValueError: the cohort is empty",
    ):
        render_report(study, "broken", output_dir=out_dir)
    assert (out_dir / "broken.html").read_text() == "previous report"
    assert sorted(p.name for p in out_dir.iterdir()) == ["broken.html"]  # no temp files left


def test_funder_report_with_a_small_count_is_not_written(templates, study, tmp_path):
    # A template whose audience is funder (its default; no parameter passed) is scanned.
    source = (templates / "leaky.ipynb").read_text().replace(
        'audience = \\"researcher\\"', 'audience = \\"funder\\"'
    )
    (templates / "leaky_funder.ipynb").write_text(source)
    with pytest.raises(ReportError, match=r"disclosure check failed: 1 count.*row 'x'.*7"):
        render_report(study, "leaky_funder", {}, output_dir=tmp_path / "out")
    assert not list((tmp_path / "out").glob("*.html")) if (tmp_path / "out").exists() else True
    # The same table is fine in a researcher's report (internal use)...
    render_report(study, "leaky", {"audience": "researcher"}, output_dir=tmp_path / "out")
    # ...whose audience a parameter cannot change, in either direction.
    with pytest.raises(ReportError, match="audience is fixed by the template"):
        render_report(study, "leaky", {"audience": "funder"}, output_dir=tmp_path / "out")
    with pytest.raises(ReportError, match="audience is fixed by the template"):
        render_report(study, "leaky_funder", {"audience": "researcher"}, output_dir=tmp_path)


def test_a_threshold_below_the_policy_is_refused_before_any_kernel(templates, study, tmp_path):
    with pytest.raises(ReportError, match=r"min_cell 5 is below the study's policy \(11"):
        render_report(study, "broken", {"min_cell": "5"}, output_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()  # "broken" would fail in its kernel: none started


def test_cli_reports_bad_site_in_one_line(templates, monkeypatch, study, capsys):
    from studies import cli

    monkeypatch.setattr("studies.load_study", lambda _: study)
    code = cli.main(["report", "fake", "-t", "ok", "-p", "site=Nowhere"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and "site 'Nowhere' does not exist" in err


def test_pdf_is_printed_by_chromium(templates, study, tmp_path, chromium_path):
    out = render_report(study, "ok", {"site": "Site B"}, output_dir=tmp_path / "out", pdf=True)
    assert out.pdf.read_bytes().startswith(b"%PDF")


@dataclass
class ReportsConfig:
    reports: list


def test_render_all_runs_every_listed_report_and_names_failures(templates, tmp_path, monkeypatch):
    study = FakeStudy("fake", tmp_path / "study.yaml")
    monkeypatch.setattr("studies.load_study", lambda _: study)  # workers are forked
    study.config = ReportsConfig(
        [{"template": "ok"}, {"template": "ok", "parameters": {"site": "Site A"}}]
    )
    outputs = reports.render_all(study, jobs=2, output_dir=tmp_path / "all")
    assert [o.name for o in outputs] == ["ok", "ok_site-a"]
    assert all(o.html.exists() for o in outputs)
    study.config = ReportsConfig([{"template": "ok"}, {"template": "broken"}])
    with pytest.raises(ReportError, match=r"1 of 2 reports failed; broken: .*ValueError"):
        reports.render_all(study, jobs=2, output_dir=tmp_path / "all2")
    assert (tmp_path / "all2" / "ok.html").exists()  # the good one is kept


def test_render_all_checks_every_parameter_first(templates, tmp_path):
    study = FakeStudy("fake", tmp_path / "study.yaml")
    study.config = ReportsConfig(
        [{"template": "ok"}, {"template": "ok", "parameters": {"site": "X"}}]
    )
    with pytest.raises(ReportError, match="site 'X' does not exist"):
        reports.render_all(study, output_dir=tmp_path / "none")
    assert not (tmp_path / "none").exists()
