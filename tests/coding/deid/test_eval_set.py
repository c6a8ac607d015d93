"""Integrity of the labelled de-identification evaluation set (``benchmarks/data/deid_eval.jsonl``).

These tests check the *set*, never the de-identifier: offsets point at the labelled text,
entities do not overlap, every Safe Harbor category that occurs in interviews is present,
and the hard negatives the set is meant to probe (drug names, relative times, years alone,
states, word-names used as words, programme acronyms, dosages, ages under 90, weekdays) are
really in the text and left unlabelled. The set was written by hand, independently of the
rules in ``coding.deid``; ``benchmarks/bench_deid.py`` scores the rules against it.

Format, one JSON object per line::

    {"id": "p001", "text": "...", "entities": [{"start": 19, "end": 28, "type": "DATE",
     "text": "March 3rd"}], "roster": ["optional", "names"]}
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

SET_PATH = Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "deid_eval.jsonl"
TYPES = set(
    "NAME LOCATION DATE AGE PHONE FAX EMAIL SSN MRN ID ACCOUNT LICENSE PLATE URL IP".split()
)
# Hard negatives: each occurs (case-sensitive, whole words) outside every gold entity and is
# never a gold entity by itself.
NEGATIVES = [
    "Suboxone",
    "Subutex",
    "Sublocade",
    "methadone",
    "Narcan",
    "Vivitrol",
    "Percocet",
    "fentanyl",
    "buprenorphine",
    "naltrexone",
    "NICU",
    "CPS",
    "WIC",
    "NA",
    "AA",
    "OB",
    "MOUD",
    "Medicaid",
    "Ohio",
    "Kentucky",
    "West Virginia",
    "2021",
    "2014",
    "16 milligrams",
    "16 mg",
    "24 weeks",
    "two weeks",
    "three days",
    "six week check",
    "I'm 27",
    "she's 64",
    "Sunday",
    "Tuesday",
    "Wednesday",
    "Friday",
    "God",
    "P-017",
    "1-800-662-HELP",
    "00:14:32",
]
# Words that are also names: used as words (unlabelled) somewhere in the set, and as names
# (labelled, sometimes lowercase: "will -- my son") elsewhere.
WORD_NAMES = (
    "hope will grace faith may joy destiny summer autumn dawn charity crystal heaven".split()
)


@pytest.fixture(scope="module")
def records() -> list[dict]:
    lines = SET_PATH.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_every_record_has_the_documented_fields(records):
    for r in records:
        assert set(r) <= {"id", "text", "entities", "roster"}, r["id"]
        assert isinstance(r["id"], str) and r["id"], r
        assert isinstance(r["text"], str) and r["text"].strip(), r["id"]
        assert isinstance(r["entities"], list), r["id"]
        if "roster" in r:
            assert r["roster"] and all(isinstance(n, str) and n for n in r["roster"]), r["id"]
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)), "passage ids must be unique"


def test_offsets_match_the_entity_text(records):
    for r in records:
        for e in r["entities"]:
            assert set(e) == {"start", "end", "type", "text"}, (r["id"], e)
            assert 0 <= e["start"] < e["end"] <= len(r["text"]), (r["id"], e)
            assert r["text"][e["start"] : e["end"]] == e["text"], (r["id"], e)
            assert e["text"] == e["text"].strip(), (r["id"], e)
            assert e["type"] in TYPES, (r["id"], e)


def test_entities_are_sorted_and_do_not_overlap(records):
    for r in records:
        spans = [(e["start"], e["end"]) for e in r["entities"]]
        assert spans == sorted(spans), r["id"]
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert end <= start, (r["id"], spans)


def test_size_and_type_coverage(records):
    counts = Counter(e["type"] for r in records for e in r["entities"])
    assert len(records) >= 60
    assert sum(counts.values()) >= 220
    # Every category at least 3 times: the rare ones (FAX, IP, SSN, ACCOUNT) were written in
    # on purpose so that per-type recall is at least defined from more than one example.
    assert {t: counts[t] for t in TYPES if counts[t] < 3} == {}


def test_passages_are_short_conversational_excerpts(records):
    for r in records:
        # 1-6 sentences; speaker tags and "lol." style fragments make this approximate,
        # so allow a little slack over 6 terminal punctuation runs.
        sentences = [s for s in re.split(r"[.?!]+(?:\s|$)", r["text"]) if s.strip()]
        assert 1 <= len(sentences) <= 9, (r["id"], len(sentences))


def test_roster_is_used_in_a_minority_of_passages(records):
    with_roster = sum(1 for r in records if r.get("roster"))
    assert 0 < with_roster <= len(records) // 4


def test_hard_negatives_are_present_and_unlabelled(records):
    # A negative may sit inside a longer identifier ("Southern Ohio Medical Center"), but it
    # must occur at least once outside every gold entity and never be an entity on its own.
    labelled = {e["text"] for r in records for e in r["entities"]}
    for word in NEGATIVES + WORD_NAMES:
        if word not in WORD_NAMES:
            assert word not in labelled, f"hard negative {word!r} is labelled as an identifier"
        pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")
        outside = 0
        for r in records:
            for m in pattern.finditer(r["text"]):
                if not any(e["start"] < m.end() and m.start() < e["end"] for e in r["entities"]):
                    outside += 1
        assert outside, f"hard negative {word!r} does not occur unlabelled in the set"


def test_passages_without_identifiers_exist(records):
    # Precision needs text with nothing to find (clinical talk, dates-free narration).
    assert sum(1 for r in records if not r["entities"]) >= 3
