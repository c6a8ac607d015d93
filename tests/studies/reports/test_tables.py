"""Report shaping: tables read the way the report shows them, text escaped."""

import pandas as pd

from coding import Corpus
from coding.codebook import default_codebook
from coding.transcripts import Transcript
from studies.reports._display import table_html
from studies.reports._tables import (
    agreement_summary,
    codebook_table,
    survival_at_table,
    theme_table,
)


def test_table_html_escapes_and_aligns():
    html = table_html(
        pd.DataFrame({"name": ["<script>alert(1)</script>"], "n": [3.14159]}), "A & B"
    )
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<caption>A &amp; B</caption>" in html
    assert ">3.14<" in html  # three significant digits
    assert "td.col0" in html and "td.col1" not in html  # text left, numbers right


def test_theme_table_counts_interviews_by_role():
    corpus = Corpus.from_transcripts(
        [
            Transcript.from_text(
                "T1", "INTERVIEWER: Q?\n\nP01: I love her.", participant_id="P01", role="patient"
            ),
            Transcript.from_text(
                "T2", "INTERVIEWER: Q?\n\nP02: Nothing.", participant_id="P02", role="patient"
            ),
            Transcript.from_text(
                "T3",
                "INTERVIEWER: Q?\n\nV01: Bonding helps.",
                participant_id="V01",
                role="provider",
            ),
        ]
    )
    codings = pd.DataFrame(
        {
            "transcript_id": ["T1", "T3", "T3"],
            "coder": ["consensus"] * 3,
            "code_id": ["maternal_bonding"] * 3,
            "start": [20, 20, 20],
            "end": [30, 35, 28],
            "memo": [""] * 3,
        }
    )
    table = theme_table(corpus, codings, default_codebook()).set_index("Code")
    # Maternal bonding: 1 of 2 mothers' interviews, 1 of 1 provider's; 2 turns in all.
    bonding = default_codebook().get("maternal_bonding").name
    assert table.loc[bonding, "Mothers"] == "1/2"
    assert table.loc[bonding, "Providers"] == "1/1"
    assert table.loc[bonding, "Turns"] == 2
    assert len(table) == 16  # every code of the default codebook, applied or not
    assert table.loc[default_codebook().get("stigma").name, "Mothers"] == "0/2"


def test_survival_at_table_percentages():
    at = pd.DataFrame(
        {
            "moud": ["methadone"],
            "time": [90.0],
            "n_risk": [399],
            "survival": [0.8214],
            "lower": [0.7851],
            "upper": [0.8524],
        }
    )
    table = survival_at_table(at, "moud")
    # 90 days / 30.4375 = 2.96 months, shown as 3.
    assert table.iloc[0].tolist() == ["Methadone", "3", 399, "82.1%", "78.5–85.2%"]
    # The side file keeps the numbers at full precision, estimate and limits apart.
    assert table.attrs["data"].loc[0, ["survival", "lower", "upper"]].tolist() == [
        0.8214,
        0.7851,
        0.8524,
    ]


def test_agreement_summary_orders_codes_and_formats_intervals():
    agreement = pd.DataFrame(
        {
            "code_id": ["stigma", "maternal_bonding", "(all)", "stigma"],
            "coder_a": ["coder_a", "coder_a", "coder_a", "(all)"],
            "coder_b": ["coder_b", "coder_b", "coder_b", "(all)"],
            "n_units": [100, 100, 200, 100],
            "percent_agreement": [0.95, 0.9, 0.925, 0.95],
            "kappa": [0.8, 0.61234, 0.7, 0.8],
            "kappa_lower": [0.7, 0.5, 0.6, 0.7],
            "kappa_upper": [0.9, 0.7, 0.8, 0.9],
            "alpha": [0.8, 0.61, 0.7, 0.8],
            "ac1": [0.93, 0.88, 0.9, 0.93],
            "prevalence": [0.1, 0.2, 0.15, 0.1],
        }
    )
    summary = agreement_summary(agreement, default_codebook())
    # Codebook order (maternal bonding before stigma), pooled row last, pair rows only.
    assert summary["Code"].tolist() == ["Maternal bonding", "Stigma", "All codes"]
    assert summary.iloc[0]["Kappa (95% CI)"] == "0.61 (0.50 to 0.70)"
    assert summary.iloc[1]["Agreement"] == "95.0%"


def test_codebook_table_has_every_code():
    table = codebook_table(default_codebook())
    assert len(table) == 16 and table["Definition"].str.len().min() > 20
