"""The third held-out de-identification set: the author's files, their conversion, and what
coding.deid scored on it once.

``benchmarks/data/deid_heldout3.source.jsonl`` and ``.meta.jsonl`` are the files as delivered
by an author who had not read the project (``deid_heldout3.README.md``); ``deid_heldout3.jsonl``
is their conversion to the project's records. The rules were frozen at commit 25c4ef6 before
the passages were opened, then scored once (docs/deid-heldout.md). The score test holds the
rules to the figures reached then — a floor against regressions, not a target: a rule changed
because of this set's misses would make it a development set.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter

import pytest

from benchmarks.bench_deid_heldout3 import (
    KINDS,
    META_PATH,
    SOURCE_PATH,
    TYPE_IN_SET3,
    convert,
    judge,
    load,
    report,
)

SET3_TYPES = {"NAME", "LOCATION", "DATE", "AGE", "PHONE", "EMAIL", "URL", "ID", "OTHER"}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return load()


def test_the_author_files_are_kept_as_delivered():
    digest = hashlib.sha256(SOURCE_PATH.read_bytes()).hexdigest()
    assert digest == "129aebca8140c2e62f13e9c3482324f01ac3ef4dabb3ed9a18e7be40b46b5c59"
    digest = hashlib.sha256(META_PATH.read_bytes()).hexdigest()
    assert digest == "0d2ca3237c5ebfe2c6fbbbc8bd56f91789cb6c73527091e3b23424a8d2d423d0"


def test_the_jsonl_is_the_author_files_converted_without_changing_a_label(records):
    source = SOURCE_PATH.read_text(encoding="utf-8").splitlines()
    assert convert(source, META_PATH.read_text(encoding="utf-8").splitlines()) == records
    for original, converted in zip(map(json.loads, source), records, strict=True):
        assert original["text"] == converted["text"]
        assert original["spans"] == converted["entities"]
        assert [(n["start"], n["end"], n["why"]) for n in original["negatives"]] == [
            (n["start"], n["end"], n["why"]) for n in converted["negatives"]
        ]


def test_counts_match_the_author_readme(records):
    """README: 194 passages, 581 identifiers (AGE 12, DATE 70, EMAIL 7, ID 21, LOCATION 268,
    NAME 176, OTHER 5, PHONE 16, URL 6), 569 hard negatives, 7 passages without identifiers."""
    assert len(records) == 194 and len({r["id"] for r in records}) == 194
    counts = Counter(e["type"] for r in records for e in r["entities"])
    assert counts == {"AGE": 12, "DATE": 70, "EMAIL": 7, "ID": 21, "LOCATION": 268,
                      "NAME": 176, "OTHER": 5, "PHONE": 16, "URL": 6}  # fmt: skip
    assert sum(len(r["negatives"]) for r in records) == 569
    assert sum(not r["entities"] for r in records) == 7
    assert {n["why"] for r in records for n in r["negatives"]} <= set(KINDS)


def test_offsets_point_at_the_labelled_text_and_nothing_overlaps(records):
    for r in records:
        spans = sorted(r["entities"] + r["negatives"], key=lambda s: s["start"])
        for span in spans:
            assert r["text"][span["start"] : span["end"]] == span["text"], (r["id"], span)
        for left, right in zip(spans, spans[1:], strict=False):
            assert left["end"] <= right["start"], (r["id"], left, right)


def test_every_project_type_maps_onto_a_type_of_the_set():
    from coding.deid import TYPES

    assert set(TYPES) == set(TYPE_IN_SET3) and set(TYPE_IN_SET3.values()) <= SET3_TYPES


def test_the_gold_spans_score_perfectly_under_every_match_rule(records):
    """Self-check of the scorer: the gold spans as predictions (typed in the project's
    vocabulary) give recall and precision 1 under every rule and reading."""
    back = {"OTHER": "HANDLE"}
    by_text = {r["text"]: r["entities"] for r in records}

    def gold(text, roster):
        import pandas as pd

        rows = [(e["start"], e["end"], back.get(e["type"], e["type"])) for e in by_text[text]]
        return pd.DataFrame(rows, columns=["start", "end", "type"])

    table = report(records, gold)
    assert (table["recall"] == 1).all() and (table["precision"] == 1).all()
    gold_rows, _ = judge(records, gold)
    assert len(gold_rows) == 581


def test_coding_deid_keeps_what_it_scored_once_with_the_frozen_rules(records):
    """Scored once with the rules frozen at commit 25c4ef6 (docs/deid-heldout.md), span
    level: recall 519/581 and precision 529/572 (overlap, any type), 465/581 and 467/572
    (overlap, same type), 482/581 and 482/572 (exact offsets); 26 of the 569 listed hard
    negatives flagged. Floors against regressions; the target (recall 0.95) was NOT met."""
    table = report(records).set_index(["reading", "match"])
    reached = {
        "overlap, any type": (519, 529),
        "overlap, same type": (465, 467),
        "exact offsets": (482, 482),
    }
    for match, (found, correct) in reached.items():
        row = table.loc[("as labelled", match)]
        assert row["gold"] == 581
        assert row["found"] >= found, match
        assert row["precision"] >= correct / 572, match
    assert table.loc[("months alone not counted", "overlap, any type"), "gold"] == 574
    assert table.loc[("months alone not counted", "overlap, any type"), "found"] >= 515

    from benchmarks.bench_deid_heldout3 import negatives_flagged

    assert negatives_flagged(records)["flagged"].sum() <= 26


def test_the_development_figures_after_set_3_was_used_hold(records):
    """Since commit 549a3b2 set 3's errors have been used to improve the rules: it is a
    development set and these are development figures (docs/deid-heldout.md): recall 565/581,
    precision 575/579 (overlap, any type); 3 of the 569 listed hard negatives flagged."""
    table = report(records).set_index(["reading", "match"])
    row = table.loc[("as labelled", "overlap, any type")]
    assert row["found"] >= 565 and row["precision"] >= 575 / 579

    from benchmarks.bench_deid_heldout3 import negatives_flagged

    assert negatives_flagged(records)["flagged"].sum() <= 3
