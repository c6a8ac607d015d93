"""The second held-out de-identification set: well formed, and what coding.deid scores on it.

``benchmarks/data/deid_heldout2.jsonl`` (source: ``deid_heldout2.marked.txt``, identifiers
marked ``⟦TYPE|text⟧`` and hard negatives ``⟪kind|text⟫``) was written and committed before
the rules of :mod:`coding.deid` were read or changed (commit c307fa3), then scored once after
the rules were frozen (commit 208fa3a); see docs/deid-heldout.md. Scored once then: recall
327/346 = 0.945, precision 330/340 = 0.971 (span level, overlap, any type). Its 19 misses were
then used to improve the rules, so since 2026-12-08 it is a DEVELOPMENT set: the score test
holds the rules to what they reach on it now (recall 346/346, precision 349/354) as a floor
against regressions; the unseen figure is the third set's (test_heldout3_set.py).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SET_PATH = ROOT / "benchmarks" / "data" / "deid_heldout2.jsonl"
MARKED_PATH = ROOT / "benchmarks" / "data" / "deid_heldout2.marked.txt"

TYPES = {
    "NAME", "LOCATION", "DATE", "AGE", "PHONE", "FAX", "EMAIL", "SSN", "MRN", "ID",
    "ACCOUNT", "LICENSE", "PLATE", "URL",
}  # fmt: skip
SETTINGS = {
    "Upper Midwest", "Texas Gulf Coast", "northern New England", "Mountain West",
    "Great Plains", "Mid-South",
}  # fmt: skip
EARLIER_SETTINGS = {"Appalachian Ohio", "Pacific Northwest", "Deep South", "rural Southwest",
                    "urban Northeast"}  # fmt: skip
SPOKEN = {"ninety": 90, "ninety-one": 91, "ninety-three": 93, "ninety-four": 94,
          "ninety-six": 96}  # fmt: skip


@pytest.fixture(scope="module")
def records() -> list[dict]:
    with open(SET_PATH, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _entities(records):
    return [(r, e) for r in records for e in r["entities"]]


def test_size_ids_and_settings(records):
    assert len(records) == 154
    assert len(_entities(records)) == 346  # at least 300 identifiers, as issue 14 asks
    ids = [r["id"] for r in records]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"fresh-\d{3}", i) for i in ids)
    assert {r["setting"] for r in records} == SETTINGS
    assert not SETTINGS & EARLIER_SETTINGS


def test_offsets_point_at_the_labelled_text_and_nothing_overlaps(records):
    for r in records:
        spans = sorted(r["entities"] + r["negatives"], key=lambda s: s["start"])
        for span in spans:
            assert r["text"][span["start"] : span["end"]] == span["text"], (r["id"], span)
            assert span["text"] == span["text"].strip(), (r["id"], span)
        for left, right in zip(spans, spans[1:], strict=False):
            assert left["end"] <= right["start"], (r["id"], left, right)


def test_the_jsonl_is_the_marked_source_converted(records):
    """The JSON lines are exactly the marked-up source with its marks turned into offsets."""
    from benchmarks.bench_deid import parse_marked

    assert parse_marked(MARKED_PATH.read_text(encoding="utf-8")) == records


def test_categories_and_hard_cases(records):
    counts = Counter(e["type"] for _, e in _entities(records))
    assert set(counts) == TYPES
    assert counts["NAME"] >= 100 and counts["LOCATION"] >= 100 and counts["DATE"] >= 25
    kinds = Counter(n["kind"] for r in records for n in r["negatives"])
    assert sum(kinds.values()) >= 190 and kinds["drug"] >= 30 and kinds["role"] >= 15
    ages = [e["text"] for _, e in _entities(records) if e["type"] == "AGE"]
    assert all((int(a) if a.isdigit() else SPOKEN[a.lower()]) >= 90 for a in ages)
    # Names that are also words, as a name and as the word.
    names = {e["text"].lower() for _, e in _entities(records) if e["type"] == "NAME"}
    words = {n["text"].lower() for r in records for n in r["negatives"] if n["kind"] == "wordname"}
    assert {"hope", "grace", "faith", "joy", "bill", "will", "mark", "sunny"} <= names & words
    # Real names used as speaker labels, as Zoom and Teams write them.
    labels = [
        e for r, e in _entities(records)
        if e["type"] == "NAME" and (e["start"] == 0 or r["text"][e["start"] - 1] == "\n")
    ]  # fmt: skip
    assert len(labels) >= 15


def test_coding_deid_keeps_its_development_recall_and_precision(records):
    """Span level, a gold identifier is found when a predicted span overlaps it (any type);
    a predicted span is correct when it overlaps a gold identifier. Scored once unseen:
    recall 327/346, precision 330/340; after the rules were improved on its misses (a
    development figure, benchmarks/RESULTS.md): recall 346/346, precision 349/354."""
    from benchmarks.bench_deid import deid_predict, score

    overall = score(records, deid_predict).overall()
    assert overall["gold"] == 346
    assert overall["recall_any"] >= 346 / 346
    assert overall["precision"] >= 349 / 354


def test_wilson_interval_matches_newcombe_and_statsmodels():
    """Newcombe (1998), Table II: 81/263 → 0.2553 to 0.3662; and statsmodels' Wilson."""
    from statsmodels.stats.proportion import proportion_confint

    from benchmarks.bench_deid import wilson

    low, high = wilson(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    for k, n in [(327, 346), (330, 340), (0, 10), (10, 10)]:
        assert wilson(k, n) == pytest.approx(proportion_confint(k, n, method="wilson"), abs=1e-9)
