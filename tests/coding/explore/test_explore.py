"""Exploration functions on a two-transcript corpus whose answers were counted by hand."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

from coding.errors import CodingError
from coding.explore import (
    code_frequencies,
    code_matrix,
    compare_roles,
    concordance,
    cooccurrence,
    coverage,
    exemplars,
    plot_code_frequencies,
    plot_cooccurrence,
    plot_saturation,
    saturation,
    turn_codes,
)
from coding.transcripts._corpus import Corpus
from coding.transcripts._model import Transcript

matplotlib.use("Agg")

T1 = (
    "INTERVIEWER: How was the hospital?\n\n"
    "P1: The nurse judged me. I felt so guilty about the baby.\n\n"
    "INTERVIEWER: And after?\n\n"
    "P1: My peer coach helped. The baby keeps me going."
)
T2 = (
    "INTERVIEWER: What do mothers need?\n\n"
    "V1: Housing and rides. Some staff judge them.\n\n"
    "INTERVIEWER: Anything else?\n\n"
    "V1: Peer coaches help a lot."
)


def _span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def _coding(tid: str, text: str, code: str, quote: str, coder: str = "consensus") -> dict:
    start, end = _span(text, quote)
    return {"transcript_id": tid, "coder": coder, "code_id": code, "start": start, "end": end}


@pytest.fixture
def corpus() -> Corpus:
    return Corpus(
        [
            Transcript.from_text(
                "T1",
                T1,
                participant_id="P1",
                role="patient",
                metadata={"interview_date": "2024-02-01", "site": "A"},
            ),
            Transcript.from_text(
                "T2",
                T2,
                participant_id="V1",
                role="provider",
                metadata={"interview_date": "2024-01-15", "site": "A"},
            ),
        ]
    )


@pytest.fixture
def codings() -> pd.DataFrame:
    rows = [
        _coding("T1", T1, "stigma", "The nurse judged me."),
        _coding("T1", T1, "nows_guilt", "I felt so guilty about the baby."),
        _coding("T1", T1, "recovery_network", "My peer coach helped."),
        _coding("T1", T1, "maternal_bonding", "The baby keeps me going."),
        _coding("T2", T2, "social_needs", "Housing and rides."),
        _coding("T2", T2, "stigma", "Some staff judge them."),
        _coding("T2", T2, "recovery_network", "Peer coaches help a lot."),
        # coder_a: one span running from the question into the answer (turns 0 and 1)
        _coding("T1", T1, "mental_health", "hospital?\n\nP1: The nurse", coder="coder_a"),
        # coder_a: a span ending exactly where turn 3 starts marks nothing in turn 3
        {
            "transcript_id": "T1",
            "coder": "coder_a",
            "code_id": "stigma",
            "start": T1.index("And after?"),
            "end": T1.index("My peer"),
        },
    ]
    return pd.DataFrame(rows)


def test_turn_codes_hand_counted(corpus, codings):
    turns = turn_codes(corpus, codings)
    assert list(turns.columns[:7]) == [
        "transcript_id",
        "turn",
        "participant_id",
        "role",
        "speaker",
        "text",
        "codes",
    ]
    got = {(r.transcript_id, r.turn): r.codes for r in turns.itertuples()}
    assert got == {
        ("T1", 0): set(),
        ("T1", 1): {"stigma", "nows_guilt"},
        ("T1", 2): set(),
        ("T1", 3): {"recovery_network", "maternal_bonding"},
        ("T2", 0): set(),
        ("T2", 1): {"social_needs", "stigma"},
        ("T2", 2): set(),
        ("T2", 3): {"recovery_network"},
    }
    coder_a = turn_codes(corpus, codings, coder="coder_a")
    got = {(r.transcript_id, r.turn): r.codes for r in coder_a.itertuples() if r.codes}
    # the boundary span covers "And after?\n\nP1: " -> turn 2 only, not turn 3
    assert got == {
        ("T1", 0): {"mental_health"},
        ("T1", 1): {"mental_health"},
        ("T1", 2): {"stigma"},
    }
    assert turns.loc[1, "text"] == "The nurse judged me. I felt so guilty about the baby."


def test_turn_codes_rejects_bad_spans(corpus, codings):
    bad = pd.concat(
        [
            codings,
            pd.DataFrame(
                [
                    {
                        "transcript_id": "T9",
                        "coder": "consensus",
                        "code_id": "x",
                        "start": 0,
                        "end": 1,
                    }
                ]
            ),
        ]
    )
    with pytest.raises(CodingError, match="T9"):
        turn_codes(corpus, bad)
    bad = pd.DataFrame(
        [{"transcript_id": "T1", "coder": "consensus", "code_id": "x", "start": 0, "end": 10_000}]
    )
    with pytest.raises(CodingError, match="outside transcript T1"):
        turn_codes(corpus, bad)


def test_cooccurrence_counts_and_jaccard(corpus, codings):
    turns = turn_codes(corpus, codings)
    counts = cooccurrence(turns)
    assert counts.loc["stigma", "stigma"] == 2
    assert counts.loc["recovery_network", "recovery_network"] == 2
    assert counts.loc["stigma", "nows_guilt"] == 1
    assert counts.loc["stigma", "social_needs"] == 1
    assert counts.loc["recovery_network", "maternal_bonding"] == 1
    assert counts.loc["nows_guilt", "social_needs"] == 0
    assert counts.loc["stigma", "recovery_network"] == 0
    assert (counts.to_numpy() == counts.to_numpy().T).all()
    jaccard = cooccurrence(turns, measure="jaccard")
    # |A∩B| / |A∪B|: stigma (2 turns) & nows_guilt (1 turn), 1 shared -> 1 / (2 + 1 - 1)
    assert jaccard.loc["stigma", "nows_guilt"] == pytest.approx(0.5)
    assert jaccard.loc["recovery_network", "maternal_bonding"] == pytest.approx(0.5)
    assert jaccard.loc["nows_guilt", "social_needs"] == 0
    assert jaccard.loc["stigma", "stigma"] == 1


def test_saturation_hand_counted(corpus, codings):
    # default order: by interview_date -> T2 (January) then T1 (February)
    table = saturation(corpus, codings)
    assert table.transcript_id.tolist() == ["T2", "T1"]
    assert table.n_new.tolist() == [3, 2]
    assert table.new_codes.tolist() == [
        ["recovery_network", "social_needs", "stigma"],
        ["maternal_bonding", "nows_guilt"],
    ]
    assert table.cumulative.tolist() == [3, 5]
    assert table.share.tolist() == pytest.approx([0.6, 1.0])
    table = saturation(corpus, codings, order=["T1", "T2"])
    assert table.n_new.tolist() == [4, 1] and table.cumulative.tolist() == [4, 5]
    only_t1 = saturation(corpus, codings, order=["T1"])
    assert only_t1.cumulative.tolist() == [4] and only_t1.share.tolist() == [1.0]
    with pytest.raises(CodingError, match="T7"):
        saturation(corpus, codings, order=["T7"])


def test_code_frequencies_by_role(corpus, codings):
    table = code_frequencies(codings, corpus, by="role").set_index(["code_id", "role"])
    assert table.loc[("stigma", "patient"), ["n_spans", "n_turns", "n_transcripts"]].tolist() == [
        1,
        1,
        1,
    ]
    assert table.loc[("stigma", "provider"), "share"] == 1.0
    assert table.loc[("maternal_bonding", "provider"), "n_spans"] == 0
    assert table.loc[("maternal_bonding", "provider"), "share"] == 0.0
    overall = code_frequencies(codings, corpus, by=None, coder=None).set_index("code_id")
    assert overall.loc["stigma", "n_spans"] == 3  # two consensus + one coder_a
    assert overall.loc["stigma", "n_group"] == 2
    with pytest.raises(CodingError, match="cannot group by"):
        code_frequencies(codings, corpus, by="hair_colour")


def test_code_matrix_presence_count_and_attributes(corpus, codings):
    participants = pd.DataFrame({"participant_id": ["P1", "V1"], "site": ["A", "B"]})
    matrix = code_matrix(
        corpus,
        codings,
        attributes=participants,
        codes=["stigma", "social_needs", "maternal_bonding", "cps_barrier"],
    )
    assert matrix.participant_id.tolist() == ["P1", "V1"]
    assert matrix.stigma.tolist() == [1, 1]
    assert matrix.social_needs.tolist() == [0, 1]
    assert matrix.maternal_bonding.tolist() == [1, 0]
    assert matrix.cps_barrier.tolist() == [0, 0]
    assert matrix.site.tolist() == ["A", "B"]
    counts = code_matrix(corpus, codings, coder=None, kind="count").set_index("participant_id")
    assert counts.loc["P1", "stigma"] == 2 and counts.loc["P1", "mental_health"] == 1


def test_coverage_merges_overlaps(corpus):
    judged = T1.index("The nurse judged me.")
    rows = [
        {
            "transcript_id": "T1",
            "coder": "consensus",
            "code_id": "stigma",
            "start": judged,
            "end": judged + 20,
        },  # "The nurse judged me." (20 characters)
        {
            "transcript_id": "T1",
            "coder": "consensus",
            "code_id": "stigma",
            "start": judged + 4,
            "end": judged + 30,
        },  # overlaps: union is 30 characters
        {
            "transcript_id": "T1",
            "coder": "consensus",
            "code_id": "stigma",
            "start": 0,
            "end": 5,
        },  # separate 5 characters
    ]
    table = coverage(corpus, pd.DataFrame(rows)).set_index("code_id")
    row = table.loc["stigma"]
    assert (row.n_spans, row.characters) == (3, 35)
    assert row.coverage == pytest.approx(35 / len(T1))
    # turn characters by hand: "How was the hospital?" 21 + answer 53 + "And after?" 10
    # + "My peer coach helped. The baby keeps me going." 46 = 130
    assert sum(t.end - t.start for t in corpus["T1"].turns) == 130
    assert row.turn_coverage == pytest.approx(35 / 130)


def test_exemplars_spread_across_participants(corpus, codings):
    quotes = exemplars(corpus, codings, "stigma", n=3)
    assert quotes.quote.tolist() == ["The nurse judged me.", "Some staff judge them."]
    assert quotes.participant_id.tolist() == ["P1", "V1"]
    assert quotes.role.tolist() == ["patient", "provider"]
    assert exemplars(corpus, codings, "cps_barrier").empty


def test_concordance_without_nltk_data(corpus, monkeypatch):
    import nltk

    def no_download(*args, **kwargs):
        raise AssertionError("nltk.download must not be called")

    monkeypatch.setattr(nltk, "download", no_download)
    monkeypatch.setattr(nltk.data, "path", [])  # no downloaded data can be found
    hits = concordance(corpus, "judge")
    assert hits[["transcript_id", "match"]].values.tolist() == [["T2", "judge"]]
    stemmed = concordance(corpus, "judge", stem=True, width=10)
    assert stemmed.match.tolist() == ["judged", "judge"]
    for row in stemmed.itertuples():
        assert corpus.text(row.transcript_id)[row.start : row.end] == row.match
    first = stemmed.iloc[0]
    assert first.left == "The nurse " and first.right == " me. I fel"
    assert first.speaker == "P1" and first.turn == 1
    phrase = concordance(corpus, "peer coach")
    assert phrase.match.tolist() == ["peer coach"]
    # speaker labels are not searched
    assert concordance(corpus, "interviewer").empty
    assert concordance(corpus, "baby", speakers=["INTERVIEWER"]).empty


def _role_corpus():
    """8 patients (7 mention stigma) and 6 providers (1 mentions it)."""
    transcripts, rows = [], []
    for i in range(14):
        role = "patient" if i < 8 else "provider"
        text = f"I: Tell me.\n\nX{i}: Something about stigma here."
        transcripts.append(Transcript.from_text(f"T{i}", text, participant_id=f"X{i}", role=role))
        coded = (role == "patient" and i < 7) or i == 8
        start, end = _span(text, "stigma")
        rows.append(
            {
                "transcript_id": f"T{i}",
                "coder": "consensus",
                "code_id": "stigma" if coded else "social_needs",
                "start": start,
                "end": end,
            }
        )
    return Corpus(transcripts), pd.DataFrame(rows)


def test_compare_roles_fisher_hand_computed():
    corpus, codings = _role_corpus()
    table = compare_roles(corpus, codings).set_index("code_id")
    row = table.loc["stigma"]
    assert (row.n_patient, row.with_patient, row.n_provider, row.with_provider) == (8, 7, 6, 1)
    assert row.prop_patient == pytest.approx(7 / 8)
    assert row.difference == pytest.approx(7 / 8 - 1 / 6)
    # Hypergeometric by hand (N=14, 8 coded, 8 patients), C(14,8)=3003: P(k=7)=48/3003;
    # two-sided sums outcomes no more likely: k=2 (28), k=7 (48), k=8 (1) -> 77/3003.
    assert row.p_value == pytest.approx(77 / 3003)
    assert row.odds_ratio == pytest.approx(7 * 5 / (1 * 1))
    # Holm over 2 codes: the smaller p is doubled
    assert row.p_adjusted == pytest.approx(min(1.0, 2 * 77 / 3003))


def test_compare_roles_chi2_with_yates_by_hand():
    corpus, codings = _role_corpus()
    row = (
        compare_roles(corpus, codings, test="chi2", adjust=None).set_index("code_id").loc["stigma"]
    )
    observed = np.array([[7, 1], [1, 5]])
    expected = np.outer(observed.sum(1), observed.sum(0)) / observed.sum()
    yates = ((np.abs(observed - expected) - 0.5) ** 2 / expected).sum()
    assert yates == pytest.approx(4.4297, abs=1e-4)  # 1.9286² × (1/4.571 + 2/3.429 + 1/2.571)
    assert row.statistic == pytest.approx(yates)


def test_plots_return_axes(corpus, codings):
    import matplotlib.pyplot as plt

    ax = plot_cooccurrence(cooccurrence(turn_codes(corpus, codings), measure="jaccard"))
    assert ax.get_title() == "Code co-occurrence (turns)"
    assert len(ax.get_xticklabels()) == 5
    ax2 = plot_saturation(saturation(corpus, codings))
    assert ax2.get_ylabel() == "Codes"
    ax3 = plot_code_frequencies(code_frequencies(codings, corpus, by="role"))
    assert len(ax3.patches) == 5 * 2  # 5 codes x 2 roles
    assert {t.get_text() for t in ax3.get_legend().get_texts()} == {"patient", "provider"}
    plt.close("all")
