"""The held-out de-identification set is well formed and covers what it claims to cover.

``benchmarks/data/deid_heldout.jsonl`` is the *test* set for :mod:`coding.deid`: written
without looking at the rules, the development set or the rules' tests, and never tuned on.
These checks do not score the rules (that is ``python -m benchmarks deid``); they guard the
labels: every offset points at the text it names, gold spans do not overlap, the types are
the benchmark's types, the Safe Harbor categories of 45 CFR 164.514(b)(2) that occur in
interviews are all present, and the hard negatives (``negatives``: spans that must *not* be
flagged) are disjoint from the identifiers.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SET_PATH = ROOT / "benchmarks" / "data" / "deid_heldout.jsonl"

TYPES = {
    "NAME", "LOCATION", "DATE", "AGE", "PHONE", "FAX", "EMAIL", "SSN", "MRN", "ID",
    "ACCOUNT", "LICENSE", "PLATE", "URL", "IP",
}  # fmt: skip
NEGATIVE_KINDS = {
    "drug", "brand", "programme", "agency", "reltime", "year", "weekday", "state",
    "wordname", "dose", "count", "age",
}  # fmt: skip
SETTINGS = {"Pacific Northwest", "Deep South", "rural Southwest", "urban Northeast"}
SPOKEN_NUMBERS = {
    "one": 1, "three": 3, "forty-four": 44, "ninety": 90, "ninety-one": 91,
    "ninety-three": 93, "ninety-six": 96,
}  # fmt: skip


@pytest.fixture(scope="module")
def records() -> list[dict]:
    with open(SET_PATH, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _entities(records: list[dict]) -> list[tuple[dict, dict]]:
    return [(r, e) for r in records for e in r["entities"]]


def _age(text: str) -> int:
    return int(text) if text.isdigit() else SPOKEN_NUMBERS[text.lower()]


def test_size_and_ids(records):
    assert len(records) >= 70
    assert len(_entities(records)) >= 250
    ids = [r["id"] for r in records]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"heldout-\d{3}", i) for i in ids)
    assert len({r["text"] for r in records}) == len(records)


def test_offsets_point_at_the_labelled_text(records):
    for r in records:
        for span in r["entities"] + r["negatives"]:
            assert 0 <= span["start"] < span["end"] <= len(r["text"]), (r["id"], span)
            assert r["text"][span["start"] : span["end"]] == span["text"], (r["id"], span)
            assert span["text"] == span["text"].strip(), (r["id"], span)


def test_types_and_kinds_are_known(records):
    assert {e["type"] for _, e in _entities(records)} == TYPES  # every type occurs
    assert {n["kind"] for r in records for n in r["negatives"]} == NEGATIVE_KINDS


def test_gold_spans_do_not_overlap_each_other_or_the_negatives(records):
    for r in records:
        spans = sorted(r["entities"] + r["negatives"], key=lambda s: s["start"])
        for left, right in zip(spans, spans[1:], strict=False):
            assert left["end"] <= right["start"], (r["id"], left, right)


def test_enough_of_each_category(records):
    counts = Counter(e["type"] for _, e in _entities(records))
    assert counts["NAME"] >= 60 and counts["LOCATION"] >= 60 and counts["DATE"] >= 30
    assert all(counts[t] >= 2 for t in TYPES)
    negatives = Counter(n["kind"] for r in records for n in r["negatives"])
    assert sum(negatives.values()) >= 100
    assert negatives["drug"] >= 20 and negatives["wordname"] >= 10


def test_ages_follow_safe_harbor(records):
    """Only ages over 89 are identifiers; ages of 89 and under are negatives."""
    ages = [_age(e["text"]) for _, e in _entities(records) if e["type"] == "AGE"]
    assert ages and min(ages) >= 90
    young = [_age(n["text"]) for r in records for n in r["negatives"] if n["kind"] == "age"]
    assert young and max(young) <= 89 and 89 in young


def test_years_alone_are_negatives_not_dates(records):
    """A year by itself may stay (Safe Harbor removes date elements *except* the year)."""
    for _, e in _entities(records):
        if e["type"] == "DATE":
            assert not re.fullmatch(r"(19|20)\d\d", e["text"]), e
    years = [n["text"] for r in records for n in r["negatives"] if n["kind"] == "year"]
    assert all(re.fullmatch(r"(19|20)\d\d|the \w+ies", y) for y in years)


def test_roster_in_a_minority_and_names_from_it_occur(records):
    with_roster = [r for r in records if r["roster"]]
    assert 0 < len(with_roster) < len(records) / 4
    for r in with_roster:
        for full_name in r["roster"]:
            assert full_name.split()[0] in r["text"], (r["id"], full_name)


def test_settings_differ_from_appalachian_ohio(records):
    assert {r["setting"] for r in records} == SETTINGS
    places = " ".join(e["text"] for _, e in _entities(records) if e["type"] == "LOCATION")
    assert "Ohio" not in places and "Athens" not in places


def test_names_that_are_words_appear_both_ways(records):
    """Hard cases: Grace, Faith, Joy, Rose, Bill, Will, Mark... as a name and as a word."""
    names = {e["text"].lower() for _, e in _entities(records) if e["type"] == "NAME"}
    words = {n["text"].lower() for r in records for n in r["negatives"] if n["kind"] == "wordname"}
    both = names & words
    assert {"faith", "joy", "rose", "bill", "will", "mark", "summer", "river"} <= both


def test_benchmark_scores_gold_as_perfect_and_counts_flagged_negatives(records):
    """The benchmark's scorer, fed the gold spans, gives recall and precision 1 and flags no
    listed negative; a hand-made prediction flags exactly the negative it overlaps."""
    import pandas as pd

    from benchmarks.bench_deid import gold_predict, negatives_flagged, score

    overall = score(records, gold_predict(records)).overall()
    assert overall["recall_same"] == overall["precision"] == 1.0
    assert not negatives_flagged(records, gold_predict(records))["flagged"].any()

    text = "Her name is Faith. We had a lot of faith."
    record = {
        "id": "x", "text": text, "roster": None,
        "entities": [{"start": 12, "end": 17, "type": "NAME", "text": "Faith"}],
        "negatives": [{"start": 35, "end": 40, "kind": "wordname", "text": "faith"}],
    }  # fmt: skip

    def both(text: str, roster: list[str] | None) -> pd.DataFrame:
        return pd.DataFrame({"start": [12, 35], "end": [17, 40], "type": ["NAME", "NAME"]})

    flagged = negatives_flagged([record], both)
    assert flagged["flagged"].tolist() == [True]
    result = score([record], both).overall()
    assert (result["recall_any"], result["precision"], result["false_positives"]) == (1.0, 0.5, 1)
