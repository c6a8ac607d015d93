"""The fourth held-out de-identification set: conversion, and scoring under each match rule.

``benchmarks/data/deid_heldout4.source.jsonl`` (191 passages, 416 identifiers, 265 hard
negatives) was written for this project by an author who had not read its code, documents or
earlier sets (``deid_heldout4.README.md``: how, and the labelling conventions), while the rules
were being improved on set 3; the rules were frozen at commit 549a3b2 before its passages were
opened. Its format is set 3's without the metadata file: identifiers are ``spans``, negatives
carry a ``why`` sentence, types are coarser (``ID`` for every record, case, member, licence and
plate number and SSN; ``OTHER`` for handles). :func:`convert` turns it into the project's
records (``entities``, ``negatives`` with a short ``kind``) without changing a label;
``deid_heldout4.jsonl`` is that conversion (tests/coding/deid/test_heldout4_set.py checks it).

Scoring is set 3's (:mod:`benchmarks.bench_deid_heldout3`): span level; overlap any type
(primary), overlap same type, exact offsets; as labelled and with months standing alone set
aside; Wilson intervals over spans and a percentile bootstrap over passages (2,000
replicates).
"""

from __future__ import annotations

import json

from benchmarks.bench_deid import DATA
from benchmarks.bench_deid_heldout3 import negatives_flagged as negatives_flagged  # scored as set 3
from benchmarks.bench_deid_heldout3 import print_report, project_record

SOURCE_PATH = DATA / "deid_heldout4.source.jsonl"  # as the author delivered it
HELDOUT4_PATH = DATA / "deid_heldout4.jsonl"  # converted to the project's records

#: The author's reason for each hard negative → its short kind (the author's README table).
KINDS = {
    "role label or speaker tag, not a name": "role",
    "clock time or recording timestamp, not a date element": "time",
    "generic programme, agency or fellowship, not a place or person": "programme",
    "medication or drug name, not an identifier": "drug",
    "name-like word used as an ordinary word": "wordname",
    "kinship term or pet name for a relative, not a name": "kinship",
    "clinical term, scale or procedure (including eponyms)": "clinical",
    "weekday alone, not a date element": "weekday",
    "age 89 or under is allowed under Safe Harbor": "age",
    "brand, company, app or software name not used as a place": "brand",
    "gestational or infant age, not a date or an age over 89": "gestation",
    "US state alone is not labelled": "state",
    "relative time or duration, not a calendar date": "reltime",
    "year alone is allowed under Safe Harbor": "year",
    "dose or quantity of medication, not an identifier": "dose",
    "country name, not a sub-state location": "country",
    "season or holiday season without a specific date": "season",
    "nationality, ethnicity or language": "nationality",
    "generic facility or place reference without a proper name": "generic",
    "count, money amount or other number that is not an identifier": "count",
    "study participant code assigned by researchers": "code",
}


def convert(source_lines: list[str]) -> list[dict]:
    """The author's records as the project's: same id, text, offsets and types; ``spans`` →
    ``entities``, each negative's ``why`` → a short ``kind`` (the sentence kept as ``why``)."""
    return [project_record(r, KINDS) for r in map(json.loads, filter(str.strip, source_lines))]


def load() -> list[dict]:
    with open(HELDOUT4_PATH, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]



def main() -> None:
    print_report("held-out 4 (unseen, rules frozen at 549a3b2)", load())


if __name__ == "__main__":
    main()
