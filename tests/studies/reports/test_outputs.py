"""What a report run writes and where: names that carry every parameter (no report
overwrites another), the study argument that a parameter cannot change, reports of a study
outside the checkout written beside it, empty scopes refused before any kernel, provenance
that hashes the transcripts, records dyadlab's own commit and shows no local path, figures
with alt text, and funder CSV side files that hold exactly what the page shows."""

import subprocess
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from data_dictionary.files import sha256_file
from studies import load_study
from studies.reports import ReportError, check_parameters
from studies.reports._display import figure_html
from studies.reports._provenance import provenance_table, transcript_files
from studies.reports._runner import REPO_ROOT, default_output_dir, output_name


def test_output_names_carry_every_parameter():
    assert output_name("funder_report", {}) == "funder_report"
    assert output_name("funder_report", {"site": "North East"}) == "funder_report_north-east"
    names = {
        output_name("funder_report", p)
        for p in (
            {"site": "north"},
            {"site": "north", "period_start": "2019-01-01", "period_end": "2021-12-31"},
            {"period_start": "2019-01-01", "period_end": "2021-12-31"},
            {"period_start": "2022-01-01"},
            {"period_end": "2021-12-31"},
            {"site": "north", "min_cell": 15},
        )
    }
    assert len(names) == 6  # no two scopes share a file
    assert "funder_report_north_2019-01-01_to_2021-12-31" in names
    assert "funder_report_north_min-cell-15" in names


@pytest.fixture(scope="module")
def demo():
    return load_study("demo")


def test_the_study_parameter_cannot_change_the_study(demo):
    with pytest.raises(ReportError, match="parameter 'study' cannot change it"):
        check_parameters(demo, "funder_report", {"study": "/somewhere/else/study.yaml"})
    # Naming the same study again is harmless.
    assert "study" not in check_parameters(demo, "funder_report", {"study": "demo"})


def test_an_empty_scope_is_one_line_before_any_kernel(demo):
    with pytest.raises(ReportError, match="nothing to report for site north, 2030-01-01") as e:
        check_parameters(demo, "funder_report", {"site": "north", "period_start": "2030-01-01"})
    assert "\n" not in str(e.value)


def test_reports_of_a_study_outside_the_checkout_go_beside_it(tmp_path):
    outside = SimpleNamespace(id="real", path=tmp_path / "real" / "study.yaml")
    assert default_output_dir(outside) == tmp_path / "real" / "reports"
    inside = SimpleNamespace(id="demo", path=REPO_ROOT / "studies" / "demo" / "study.yaml")
    assert default_output_dir(inside) == REPO_ROOT / "reports" / "demo"


def test_provenance_hashes_transcripts_and_records_dyadlab_commit(tmp_path):
    # A study folder that is its own git repository: the commit shown must be dyadlab's.
    study = tmp_path / "study"
    (study / "transcripts").mkdir(parents=True)
    (study / "transcripts" / "T1.txt").write_text("I: hello\nP: hi\n", encoding="utf-8")
    manifest = study / "transcripts" / "manifest.csv"
    manifest.write_text("transcript_id,participant_id,file\nT1,P1,T1.txt\n", encoding="utf-8")
    (study / "study.yaml").write_text("name: x\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(study)], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(study),
            "-c",
            "user.email=a@b",
            "-c",
            "user.name=a",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "study",
        ],
        check=True,
    )
    study_commit = subprocess.run(
        ["git", "-C", str(study), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    dyadlab_commit = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    table = provenance_table(
        {"study": str(study / "study.yaml"), "site": None},
        {"study.yaml": study / "study.yaml", "transcripts": manifest},
    )
    values = dict(zip(table["item"], table["value"], strict=True))
    assert values["transcript (T1.txt)"] == sha256_file(study / "transcripts" / "T1.txt")
    assert values["git commit"] == dyadlab_commit != study_commit
    assert values["study"] == "study"  # the folder's name, not /tmp/.../study/study.yaml
    assert not table["value"].astype(str).str.contains(str(tmp_path)).any()
    assert transcript_files(manifest) == [study / "transcripts" / "T1.txt"]


def test_figures_need_alt_text():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    html = figure_html(fig, 'Retention falls from 100% to 0% ("all")', "Caption")
    assert 'alt="Retention falls from 100% to 0% (&quot;all&quot;)"' in html
    assert "<figcaption>Caption</figcaption>" in html
    with pytest.raises(ValueError, match="alt text"):
        figure_html(fig, "  ")
    plt.close(fig)


def test_funder_side_file_holds_what_the_page_shows(monkeypatch):
    from studies.reports import _display

    shown = []
    monkeypatch.setattr(_display, "display", lambda bundle, **k: shown.append(bundle))
    table = pd.DataFrame(
        {"Methadone": [40, pd.NA], "Total": [50, 20]}, index=["North", "South"]
    ).astype("Int64")
    table.attrs["rounded"] = pd.DataFrame(
        {"Methadone": [True, False], "Total": [True, True]}, index=table.index
    )
    _display.show_counts(table, 11, "Deliveries")
    csv = shown[0][_display.TABLE_MIME]
    assert csv.splitlines() == [",Methadone,Total", "North,≈40,≈50", "South,■,≈20"]
    assert "dyadlab-counts" in shown[0]["text/html"]
