"""The third held-out de-identification set: conversion, and scoring under each match rule.

``benchmarks/data/deid_heldout3.source.jsonl`` (194 passages, 581 identifiers, 569 hard
negatives) was written for this project by an author who had not read its code, documents or
earlier sets (``deid_heldout3.README.md``: how, and the labelling conventions). Its format
differs slightly from the project's: identifiers are ``spans``, negatives carry a ``why``
sentence, and its types are coarser (``ID`` for every record, case, member, licence and plate
number and SSN; ``OTHER`` for social-media and payment handles). :func:`convert` turns it into
the project's records (``entities``, ``negatives`` with a short ``kind``, ``setting``,
``speaker``) without changing a label; ``deid_heldout3.jsonl`` is that conversion, and
tests/coding/deid/test_heldout3_set.py checks it is exactly that.

:func:`report` scores :func:`coding.deid.redact` on it at span level under three match rules:

* **overlap, any type** — a gold identifier is found when a predicted span overlaps it; a
  predicted span is correct when it overlaps a gold identifier (as for the earlier sets);
* **overlap, same type** — the predicted span must also have the gold type, after mapping the
  project's finer types onto the set's (:data:`TYPE_IN_SET3`: MRN, ACCOUNT, LICENSE, PLATE and
  SSN are the set's ``ID``; FAX is ``PHONE``; HANDLE is ``OTHER``);
* **exact** — the predicted span has exactly the gold offsets (precision: a predicted span
  equal to some gold span).

and under two readings of the labels (:data:`READINGS`): as labelled, and without the month
names standing alone that the set labels DATE and the project's conventions do not redact
(docs/deid.md: months are redacted in time phrases and dates, not alone) — those gold spans,
and predicted spans overlapping only them, are set aside. Intervals: Wilson over spans and a
percentile bootstrap over passages (2,000 replicates), as in :mod:`benchmarks.bench_deid`.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from benchmarks.bench_deid import DATA, Predictor, deid_predict, wilson

SOURCE_PATH = DATA / "deid_heldout3.source.jsonl"  # as the author delivered it
META_PATH = DATA / "deid_heldout3.meta.jsonl"
HELDOUT3_PATH = DATA / "deid_heldout3.jsonl"  # converted to the project's records

#: The author's reason for each hard negative → the project's short ``kind``.
KINDS = {
    "speaker or role label, not a name": "role",
    "generic programme, agency or benefit name": "programme",
    "drug or medication name": "drug",
    "clinical term": "clinical",
    "number that is not an identifier (score, count, weight, time of day)": "count",
    "duration, not a date": "reltime",
    "ordinary word that can also be a name": "wordname",
    "age under 90 is not an identifier": "age",
    "gestational age or length of stay, not a date": "reltime",
    "US state alone is allowed under Safe Harbor": "state",
    "dose or quantity, not an identifier": "dose",
    "weekday alone is not a date identifier": "weekday",
    "a year alone is allowed under Safe Harbor": "year",
    "relative time expression, not a calendar date": "reltime",
    "kinship term or generic nickname, not a name": "kinship",
    "religious reference, not a person": "religious",
    "season, not a date element": "season",
    "geographic area larger than a state or non-specific": "region",
    "software or platform name": "brand",
    "ordinal number that is not a date": "count",
    "eponymous clinical term, not a person": "clinical",
    "brand or product, not a place": "brand",
}

#: The project's identifier types as the set labels them.
TYPE_IN_SET3 = {
    "NAME": "NAME", "LOCATION": "LOCATION", "DATE": "DATE", "AGE": "AGE", "PHONE": "PHONE",
    "FAX": "PHONE", "EMAIL": "EMAIL", "URL": "URL", "IP": "URL", "SSN": "ID", "MRN": "ID",
    "ID": "ID", "ACCOUNT": "ID", "LICENSE": "ID", "PLATE": "ID", "HANDLE": "OTHER",
}  # fmt: skip

_MONTH_ALONE = re.compile(
    r"(?i:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
READINGS = {
    "as labelled": lambda entity: False,
    "months alone not counted": lambda entity: (
        entity["type"] == "DATE" and _MONTH_ALONE.fullmatch(entity["text"]) is not None
    ),
}


def project_record(record: dict, kinds: dict[str, str]) -> dict:
    """One author's record as the project's: same id, text, offsets and types; ``spans`` →
    ``entities``, each negative's ``why`` → its short kind from ``kinds`` (the sentence kept)."""
    return {
        "id": record["id"],
        "text": record["text"],
        "entities": [{k: s[k] for k in ("start", "end", "type", "text")} for s in record["spans"]],
        "negatives": [
            {"start": n["start"], "end": n["end"], "kind": kinds[n["why"]],
             "text": n["text"], "why": n["why"]}
            for n in record["negatives"]
        ],  # fmt: skip
        "roster": None,
    }


def convert(source_lines: list[str], meta_lines: list[str]) -> list[dict]:
    """The author's records as the project's: same text, offsets and types; ``spans`` →
    ``entities``, each negative's ``why`` → a short ``kind`` (the sentence kept as ``why``),
    the region as ``setting`` and the style as ``speaker``."""
    meta = {m["id"]: m for m in map(json.loads, filter(str.strip, meta_lines))}
    records = []
    for record in map(json.loads, filter(str.strip, source_lines)):
        info = meta[record["id"]]
        records.append(
            {**project_record(record, KINDS), "setting": info["region"], "speaker": info["style"]}
        )
    return records


def load() -> list[dict]:
    with open(HELDOUT3_PATH, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def judge(records: list[dict], predict: Predictor = deid_predict, ignore=READINGS["as labelled"]):
    """Per gold identifier and per predicted span: found/correct under each match rule.

    ``ignore(entity)`` sets a gold identifier aside (a reading of the labels); a predicted
    span overlapping only set-aside identifiers is set aside too.
    """
    gold_rows, pred_rows = [], []
    for record in records:
        pred = predict(record["text"], record.get("roster"))
        spans = [(int(s), int(e), TYPE_IN_SET3[t]) for s, e, t in
                 zip(pred["start"], pred["end"], pred["type"], strict=True)]  # fmt: skip
        kept = [g for g in record["entities"] if not ignore(g)]
        aside = [g for g in record["entities"] if ignore(g)]
        for g in kept:
            over = [(s, e, t) for s, e, t in spans if s < g["end"] and g["start"] < e]
            gold_rows.append({
                "id": record["id"], "type": g["type"], "text": g["text"],
                "any": bool(over), "same": any(t == g["type"] for _, _, t in over),
                "exact": any((s, e) == (g["start"], g["end"]) for s, e, _ in over),
                "exact_same": any((s, e, t) == (g["start"], g["end"], g["type"])
                                  for s, e, t in over),
            })  # fmt: skip
        for s, e, t in spans:
            over = [g for g in kept if s < g["end"] and g["start"] < e]
            if not over and any(s < g["end"] and g["start"] < e for g in aside):
                continue
            pred_rows.append({
                "id": record["id"], "type": t, "text": record["text"][s:e],
                "any": bool(over), "same": any(g["type"] == t for g in over),
                "exact": any((g["start"], g["end"]) == (s, e) for g in over),
                "exact_same": any((g["start"], g["end"], g["type"]) == (s, e, t)
                                  for g in over),
            })  # fmt: skip
    return pd.DataFrame(gold_rows), pd.DataFrame(pred_rows)


def _bootstrap(
    gold: pd.DataFrame, pred: pd.DataFrame, rule: str, ids: list[str], n_boot: int = 2000
) -> dict[str, tuple[float, float]]:
    seed = 20261208
    g = gold.groupby("id")[rule].agg(["sum", "size"]).reindex(ids, fill_value=0)
    p = pred.groupby("id")[rule].agg(["sum", "size"]).reindex(ids, fill_value=0)
    picks = np.random.default_rng(seed).integers(0, len(ids), size=(n_boot, len(ids)))
    recall = g["sum"].to_numpy()[picks].sum(1) / g["size"].to_numpy()[picks].sum(1)
    precision = p["sum"].to_numpy()[picks].sum(1) / p["size"].to_numpy()[picks].sum(1)
    return {
        "recall": tuple(np.percentile(recall, [2.5, 97.5])),
        "precision": tuple(np.percentile(precision, [2.5, 97.5])),
    }


RULES = {"overlap, any type": "any", "overlap, same type": "same", "exact offsets": "exact"}


def report(records: list[dict], predict: Predictor = deid_predict) -> pd.DataFrame:
    """Recall and precision with 95% intervals, one row per reading × match rule."""
    ids = [r["id"] for r in records]
    rows = []
    for reading, ignore in READINGS.items():
        gold, pred = judge(records, predict, ignore)
        for rule, column in RULES.items():
            found, n_gold = int(gold[column].sum()), len(gold)
            right, n_pred = int(pred[column].sum()), len(pred)
            boot = _bootstrap(gold, pred, column, ids)
            rows.append({
                "reading": reading, "match": rule, "found": found, "gold": n_gold,
                "recall": found / n_gold, "recall_wilson": wilson(found, n_gold),
                "recall_bootstrap": boot["recall"], "correct": right, "predicted": n_pred,
                "precision": right / n_pred, "precision_wilson": wilson(right, n_pred),
                "precision_bootstrap": boot["precision"],
            })  # fmt: skip
    return pd.DataFrame(rows)


def negatives_flagged(records: list[dict], predict: Predictor = deid_predict) -> pd.DataFrame:
    """Listed hard negatives overlapped by a predicted span (``id, kind, text, flagged``)."""
    from benchmarks.bench_deid import negatives_flagged as flagged

    return flagged(records, predict)


def main() -> None:
    print_report("held-out 3 (unseen)", load())


def print_report(name: str, records: list[dict]) -> None:
    """Print a held-out set's scores under each match rule, its misses and false positives."""
    table = report(records)
    print(f"\n{name}: {len(records)} passages, "
          f"{sum(len(r['entities']) for r in records)} identifiers, "
          f"{sum(len(r['negatives']) for r in records)} listed hard negatives\n")  # fmt: skip
    print("| reading | match | recall | Wilson 95% | bootstrap 95% | precision | Wilson 95% "
          "| bootstrap 95% |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for row in table.itertuples():
        print(
            f"| {row.reading} | {row.match} | {row.found}/{row.gold} = {row.recall:.3f} | "
            f"{_interval(row.recall_wilson)} | {_interval(row.recall_bootstrap)} | "
            f"{row.correct}/{row.predicted} = {row.precision:.3f} | "
            f"{_interval(row.precision_wilson)} | {_interval(row.precision_bootstrap)} |"
        )
    gold, pred = judge(records)
    print("\nrecall by type (overlap, any type | same type | exact):")
    for kind, group in gold.groupby("type"):
        print(f"  {kind:<9} {len(group):>4}  {int(group['any'].sum())}/{len(group)} = "
              f"{group['any'].mean():.3f} | {group['same'].mean():.3f} | "
              f"{group['exact'].mean():.3f}")  # fmt: skip
    negatives = negatives_flagged(records)
    by_kind = negatives.groupby("kind")["flagged"].agg(["sum", "size"])
    print(f"\nlisted hard negatives flagged: {int(negatives['flagged'].sum())}/{len(negatives)} ("
          + ", ".join(f"{k} {int(r['sum'])}/{int(r['size'])}" for k, r in by_kind.iterrows())
          + ")")  # fmt: skip
    print(f"\n{name} — misses ({int((~gold['any']).sum())}):")
    for m in gold[~gold["any"]].itertuples():
        print(f"  {m.id}  {m.type:<8} {m.text!r}")
    print(f"\n{name} — false positives ({int((~pred['any']).sum())}):")
    for f in pred[~pred["any"]].itertuples():
        print(f"  {f.id}  {f.type:<8} {f.text!r}")
    for f in negatives[negatives["flagged"]].itertuples():
        print(f"  negative flagged: {f.id}  {f.kind:<11} {f.text!r}")


def _interval(bounds: tuple[float, float]) -> str:
    return f"{bounds[0]:.3f}–{bounds[1]:.3f}"


if __name__ == "__main__":
    main()
