"""The fourth held-out de-identification set: the author's file, its conversion, and what
coding.deid scored on it once.

``benchmarks/data/deid_heldout4.source.jsonl`` is the file as delivered by an author who had
not read the project (``deid_heldout4.README.md``); ``deid_heldout4.jsonl`` is its conversion
to the project's records. The rules were frozen at commit 549a3b2 before the passages were
opened, then scored once (docs/deid-heldout.md). The score test holds the rules to the figures
reached then — a floor against regressions, not a target: a rule changed because of this
set's misses would make it a development set.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter

import pytest

from benchmarks.bench_deid_heldout3 import TYPE_IN_SET3, judge, report
from benchmarks.bench_deid_heldout4 import KINDS, SOURCE_PATH, convert, load, negatives_flagged

SET4_TYPES = {"NAME", "LOCATION", "DATE", "AGE", "PHONE", "EMAIL", "URL", "ID", "OTHER"}


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return load()


def test_the_author_file_is_kept_as_delivered():
    digest = hashlib.sha256(SOURCE_PATH.read_bytes()).hexdigest()
    assert digest == "efc10056aa267615077e72fb1ac1f4c58fb44e79d9be2164d5cf2f9ab7e5273d"


def test_the_jsonl_is_the_author_file_converted_without_changing_a_label(records):
    source = SOURCE_PATH.read_text(encoding="utf-8").splitlines()
    assert convert(source) == records
    for original, converted in zip(map(json.loads, source), records, strict=True):
        assert original["id"] == converted["id"]
        assert original["text"] == converted["text"]
        assert original["spans"] == converted["entities"]
        assert [(n["start"], n["end"], n["text"], n["why"]) for n in original["negatives"]] == [
            (n["start"], n["end"], n["text"], n["why"]) for n in converted["negatives"]
        ]


def test_counts_match_the_author_readme(records):
    """README: 191 passages (3 with negatives only), 416 identifiers (NAME 135, LOCATION
    167, DATE 54, AGE 20, PHONE 10, EMAIL 6, ID 13, URL 4, OTHER 7), 265 hard negatives in
    21 kinds (role 37, time 28, program 24, drug 23…)."""
    assert len(records) == 191 and len({r["id"] for r in records}) == 191
    counts = Counter(e["type"] for r in records for e in r["entities"])
    assert counts == {"NAME": 135, "LOCATION": 167, "DATE": 54, "AGE": 20, "PHONE": 10,
                      "EMAIL": 6, "ID": 13, "URL": 4, "OTHER": 7}  # fmt: skip
    assert sum(not r["entities"] for r in records) == 3
    kinds = Counter(n["kind"] for r in records for n in r["negatives"])
    assert sum(kinds.values()) == 265 and set(kinds) == set(KINDS.values())
    assert kinds["role"] == 37 and kinds["time"] == 28 and kinds["programme"] == 24
    assert kinds["drug"] == 23 and kinds["code"] == 2


def test_offsets_point_at_the_labelled_text_and_nothing_overlaps(records):
    for r in records:
        spans = sorted(r["entities"] + r["negatives"], key=lambda s: s["start"])
        for span in spans:
            assert r["text"][span["start"] : span["end"]] == span["text"], (r["id"], span)
        for left, right in zip(spans, spans[1:], strict=False):
            assert left["end"] <= right["start"], (r["id"], left, right)
        assert {e["type"] for e in r["entities"]} <= SET4_TYPES


def test_the_gold_spans_score_perfectly_under_every_match_rule(records):
    """Self-check of the scorer: the gold spans as predictions (typed in the project's
    vocabulary) give recall and precision 1 under every rule and reading."""
    import pandas as pd

    back = {"OTHER": "HANDLE"}
    by_text = {r["text"]: r["entities"] for r in records}

    def gold(text, roster):
        rows = [(e["start"], e["end"], back.get(e["type"], e["type"])) for e in by_text[text]]
        return pd.DataFrame(rows, columns=["start", "end", "type"])

    table = report(records, gold)
    assert (table["recall"] == 1).all() and (table["precision"] == 1).all()
    gold_rows, _ = judge(records, gold)
    assert len(gold_rows) == 416
    assert set(TYPE_IN_SET3.values()) <= SET4_TYPES


def test_coding_deid_keeps_what_it_scored_once_with_the_frozen_rules(records):
    """Scored once with the rules frozen at commit 549a3b2 (docs/deid-heldout.md), span
    level: recall 380/416 and precision 388/424 (overlap, any type), 349/416 and 354/424
    (overlap, same type), 354/416 and 354/424 (exact offsets); 31 of the 265 listed hard
    negatives flagged. Floors against regressions; the target (recall 0.95) was NOT met."""
    table = report(records).set_index(["reading", "match"])
    reached = {
        "overlap, any type": (380, 388),
        "overlap, same type": (349, 354),
        "exact offsets": (354, 354),
    }
    for match, (found, correct) in reached.items():
        row = table.loc[("as labelled", match)]
        assert row["gold"] == 416
        assert row["found"] >= found, match
        assert row["precision"] >= correct / 424, match
    assert table.loc[("months alone not counted", "overlap, any type"), "gold"] == 409
    assert table.loc[("months alone not counted", "overlap, any type"), "found"] >= 376
    assert negatives_flagged(records)["flagged"].sum() <= 31
