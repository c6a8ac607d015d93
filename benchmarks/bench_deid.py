"""De-identification against an independent labelled set: recall, precision, throughput.

Scores :func:`coding.deid.redact` on ``benchmarks/data/deid_eval.jsonl`` — 108 hand-written
passages of conversational interview speech (patients, family, providers) with 261 labelled
HIPAA Safe Harbor identifiers (45 CFR 164.514(b)(2)) and hard negatives (drug names, relative
times, years alone, states, names-as-words, programme acronyms, dosages, ages under 90). The
set was written and committed before the rules were looked at, and is not tuned on.

Matching is by overlap, entity level (the i2b2 2014 de-identification "token/entity overlap"
style, Stubbs & Uzuner 2015):

* a gold entity is **found** when some predicted span overlaps it (``recall_any``); it is
  found **with the right type** when an overlapping predicted span has the gold type
  (``recall_same``);
* a predicted span is **correct** when it overlaps some gold entity (``precision``); a
  predicted span overlapping none is a **false positive** (a negative wrongly flagged);
* F1 is the harmonic mean of ``precision`` and ``recall_any``.

The baseline, measured in the same run, is a naive regex tagger: every capitalised word not at
the start of a sentence (NAME) and every run of 4+ digits with separators (ID). Throughput is
characters per second over the whole set, repeated.

Run: ``python -m benchmarks deid`` (``--quick`` repeats the throughput loop fewer times).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

SET_PATH = Path(__file__).resolve().parent / "data" / "deid_eval.jsonl"
TYPES = [
    "NAME", "LOCATION", "DATE", "AGE", "PHONE", "FAX", "EMAIL", "SSN", "MRN", "ID",
    "ACCOUNT", "LICENSE", "PLATE", "URL", "IP",
]  # fmt: skip

Predictor = Callable[[str, "list[str] | None"], pd.DataFrame]


def load_set(path: Path = SET_PATH) -> list[dict]:
    """The labelled passages, one dict per JSON line (``id, text, entities, roster``)."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def deid_predict(text: str, roster: list[str] | None) -> pd.DataFrame:
    """Spans found by :func:`coding.deid.redact` (``start, end, type`` in original offsets)."""
    from coding.deid import redact

    spans = redact(text, roster=roster).spans
    return spans[["start", "end", "type"]].reset_index(drop=True)


_SENTENCE_START = re.compile(r"(?:^|[.?!:\]]\s+|\n)$")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:'s)?\b")
_DIGITS = re.compile(r"\d(?:[\d\-. ()/]{2,}\d)")


def naive_predict(text: str, roster: list[str] | None = None) -> pd.DataFrame:
    """Baseline: capitalised words not at a sentence start (NAME) + digit runs of 4+ (ID).

    The roster is ignored: this is what a first attempt with two regular expressions gives.
    """
    rows = []
    for m in _CAPITALISED.finditer(text):
        if m.group() != "I" and not _SENTENCE_START.search(text[: m.start()]):
            rows.append((m.start(), m.end(), "NAME"))
    for m in _DIGITS.finditer(text):
        if sum(c.isdigit() for c in m.group()) >= 4:
            rows.append((m.start(), m.end(), "ID"))
    return pd.DataFrame(rows, columns=["start", "end", "type"])


@dataclass
class Score:
    """Per-entity and per-prediction judgements, and the tables built from them."""

    gold: pd.DataFrame  # id, start, end, type, text, found_any, found_same
    predicted: pd.DataFrame  # id, start, end, type, text, correct

    def overall(self) -> dict[str, float]:
        n_gold, n_pred = len(self.gold), len(self.predicted)
        recall_any = self.gold["found_any"].mean() if n_gold else float("nan")
        recall_same = self.gold["found_same"].mean() if n_gold else float("nan")
        precision = self.predicted["correct"].mean() if n_pred else float("nan")
        f1 = 2 * precision * recall_any / (precision + recall_any) if n_pred else 0.0
        return {
            "gold": n_gold,
            "predicted": n_pred,
            "recall_any": recall_any,
            "recall_same": recall_same,
            "precision": precision,
            "f1": f1,
            "false_positives": int((~self.predicted["correct"]).sum()),
        }

    def by_type(self) -> pd.DataFrame:
        """Recall by gold type; precision and false positives by predicted type."""
        gold = self.gold.groupby("type").agg(
            gold=("found_any", "size"),
            recall_any=("found_any", "mean"),
            recall_same=("found_same", "mean"),
        )
        pred = self.predicted.groupby("type").agg(
            predicted=("correct", "size"),
            precision=("correct", "mean"),
            false_positives=("correct", lambda s: int((~s).sum())),
        )
        table = gold.join(pred, how="outer").reindex(
            [t for t in TYPES if t in gold.index or t in pred.index]
            + sorted((set(gold.index) | set(pred.index)) - set(TYPES))
        )
        table[["gold", "predicted", "false_positives"]] = (
            table[["gold", "predicted", "false_positives"]].fillna(0).astype(int)
        )
        return table


def score(records: list[dict], predict: Predictor) -> Score:
    """Judge every gold entity and every predicted span of ``predict`` by overlap."""
    gold_rows, pred_rows = [], []
    for record in records:
        text, gold = record["text"], record["entities"]
        pred = predict(text, record.get("roster"))
        spans = list(zip(pred["start"], pred["end"], pred["type"], strict=True))
        for g in gold:
            hits = [t for s, e, t in spans if s < g["end"] and g["start"] < e]
            gold_rows.append(
                (record["id"], g["start"], g["end"], g["type"], g["text"],
                 bool(hits), g["type"] in hits)
            )  # fmt: skip
        for s, e, t in spans:
            correct = any(s < g["end"] and g["start"] < e for g in gold)
            pred_rows.append((record["id"], int(s), int(e), t, text[s:e], correct))
    gold_df = pd.DataFrame(
        gold_rows, columns=["id", "start", "end", "type", "text", "found_any", "found_same"]
    )
    pred_df = pd.DataFrame(pred_rows, columns=["id", "start", "end", "type", "text", "correct"])
    return Score(gold_df, pred_df)


def throughput(records: list[dict], predict: Predictor, repeats: int) -> float:
    """Characters per second of ``predict`` over the whole set, ``repeats`` times."""
    chars = sum(len(r["text"]) for r in records) * repeats
    started = time.perf_counter()
    for _ in range(repeats):
        for record in records:
            predict(record["text"], record.get("roster"))
    return chars / (time.perf_counter() - started)


def gold_predict(records: list[dict]) -> Predictor:
    """The gold spans as predictions: scoring them must give recall and precision 1."""
    by_text = {r["text"]: r["entities"] for r in records}

    def predict(text: str, roster: list[str] | None) -> pd.DataFrame:
        rows = [(e["start"], e["end"], e["type"]) for e in by_text[text]]
        return pd.DataFrame(rows, columns=["start", "end", "type"])

    return predict


def _fmt(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.3f}"


def main(quick: bool = False) -> None:
    records = load_set()
    n_chars = sum(len(r["text"]) for r in records)
    n_gold = sum(len(r["entities"]) for r in records)
    print(f"set: {len(records)} passages, {n_chars} characters, {n_gold} gold identifiers")

    check = score(records, gold_predict(records)).overall()
    if not (check["recall_same"] == check["precision"] == 1.0):
        raise RuntimeError(f"scoring self-check failed: gold against itself gives {check}")
    ours, naive = score(records, deid_predict), score(records, naive_predict)
    o, b = ours.overall(), naive.overall()
    print("\n| metric | coding.deid | naive regex | ratio |")
    print("|---|---|---|---|")
    for key in ["recall_any", "recall_same", "precision", "f1"]:
        ratio = o[key] / b[key] if b[key] else float("nan")
        print(f"| {key} | {_fmt(o[key])} | {_fmt(b[key])} | {ratio:.2f}× |")
    for key in ["predicted", "false_positives"]:
        print(f"| {key} | {o[key]} | {b[key]} | |")
    target = o["recall_any"] >= 0.95 and o["precision"] >= 0.85
    print(f"\ntargets recall ≥ 0.95, precision ≥ 0.85: {'met' if target else 'NOT met'}")

    print("\nper type (recall by gold type, precision by predicted type), coding.deid:\n")
    table = ours.by_type()
    print("| type | gold | recall any | recall same | predicted | precision | false pos. |")
    print("|---|---|---|---|---|---|---|")
    for t, row in table.iterrows():
        print(
            f"| {t} | {int(row['gold'])} | {_fmt(row['recall_any'])} "
            f"| {_fmt(row['recall_same'])} | {int(row['predicted'])} | {_fmt(row['precision'])} "
            f"| {int(row['false_positives'])} |"
        )

    repeats = 3 if quick else 20
    ours_cps = throughput(records, deid_predict, repeats)
    naive_cps = throughput(records, naive_predict, repeats)
    print(
        f"\nthroughput ({repeats} passes over {n_chars} chars): coding.deid {ours_cps:,.0f} "
        f"chars/s, naive regex {naive_cps:,.0f} chars/s ({naive_cps / ours_cps:.1f}× faster)"
    )

    misses = ours.gold[~ours.gold["found_any"]]
    print(f"\nmisses ({len(misses)} gold identifiers with no overlapping span):")
    for m in misses.itertuples(index=False):
        print(f"  {m.id}  {m.type:<8} {m.text!r}")
    wrong_type = ours.gold[ours.gold["found_any"] & ~ours.gold["found_same"]]
    print(f"\nfound with another type ({len(wrong_type)}):")
    for m in wrong_type.itertuples(index=False):
        found = ours.predicted[
            (ours.predicted["id"] == m.id)
            & (ours.predicted["start"] < m.end)
            & (ours.predicted["end"] > m.start)
        ]["type"].unique()
        print(f"  {m.id}  {m.type:<8} {m.text!r} -> {', '.join(found)}")
    false_pos = ours.predicted[~ours.predicted["correct"]]
    print(f"\nfalse positives ({len(false_pos)} predicted spans overlapping no gold identifier):")
    for f in false_pos.itertuples(index=False):
        print(f"  {f.id}  {f.type:<8} {f.text!r}")


if __name__ == "__main__":
    main()
