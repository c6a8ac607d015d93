"""De-identification on labelled development and held-out sets: recall, precision, speed.

Scores :func:`coding.deid.redact` on three hand-written sets of conversational interview speech
(patients, family, providers) labelled with HIPAA Safe Harbor identifiers (45 CFR
164.514(b)(2)) and containing hard negatives (drug names, relative times, years alone, states,
names-as-words, programme acronyms, dosages, ages under 90):

* **development** — ``benchmarks/data/deid_eval.jsonl`` (108 passages, 261 identifiers,
  Appalachian-Ohio setting). Written before the rules were looked at, but the rules were then
  improved after its misses were seen, so its scores are *seen* scores.
* **held-out** — ``benchmarks/data/deid_heldout.jsonl`` (95 passages, 318 identifiers, 164
  listed hard negatives; Pacific Northwest, Deep South, rural Southwest, urban Northeast).
  Written without reading the rules, their tests or the development set, and never edited
  after being scored. Its records also carry ``negatives`` (spans that must not be flagged),
  reported as "negatives flagged".
* **held-out 2** — ``benchmarks/data/deid_heldout2.jsonl`` (154 passages, 346 identifiers,
  194 listed hard negatives; Upper Midwest, Texas Gulf Coast, northern New England, Mountain
  West, Great Plains, Mid-South), from ``deid_heldout2.marked.txt`` (:func:`parse_marked`).
  Written and committed before the rules were read, scored once after they were frozen
  (docs/deid-heldout.md says how, and the limits of that independence); its misses were then
  used to improve the rules, so it is now a development set.
* **held-out 3** — ``benchmarks/data/deid_heldout3.jsonl`` (194 passages, 581 identifiers, 569
  listed hard negatives), written by an author who had not read the project; scored once with
  the rules frozen, under three match rules and two readings of its labels, by
  :mod:`benchmarks.bench_deid_heldout3` (printed last).

Intervals: Wilson score intervals over spans (:func:`wilson`) and a percentile bootstrap over
passages (:func:`passage_bootstrap`), which allows for errors clustering within a passage.
:func:`demo_review_burden` counts what a reviewer faces on the demo study, judged against the
identifiers the synthetic generator planted.

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
from statistics import NormalDist

import pandas as pd

DATA = Path(__file__).resolve().parent / "data"
SET_PATH = DATA / "deid_eval.jsonl"  # development set (rules were improved after seeing it)
HELDOUT_PATH = DATA / "deid_heldout.jsonl"  # held-out test set (never tuned on)
HELDOUT2_PATH = DATA / "deid_heldout2.jsonl"  # second held-out set, scored once (2026-12)
SETS = {
    "development (seen)": SET_PATH,
    "held-out 1 (scored before)": HELDOUT_PATH,
    "held-out 2 (development)": HELDOUT2_PATH,
}
TYPES = [
    "NAME", "LOCATION", "DATE", "AGE", "PHONE", "FAX", "EMAIL", "SSN", "MRN", "ID",
    "ACCOUNT", "LICENSE", "PLATE", "URL", "HANDLE", "IP",
]  # fmt: skip

Predictor = Callable[[str, "list[str] | None"], pd.DataFrame]


def load_set(path: Path = SET_PATH) -> list[dict]:
    """The labelled passages, one dict per JSON line (``id, text, entities, roster``)."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


_MARK = re.compile(r"⟦(?P<type>[A-Z]+)\|(?P<gold>[^⟧]+)⟧|⟪(?P<kind>[a-z]+)\|(?P<neg>[^⟫]+)⟫")


def parse_marked(source: str) -> list[dict]:
    """Passages written with inline marks, as JSON-line records.

    A passage starts with ``@ id | setting | speaker`` on its own line; the passage text
    follows up to the next blank line before an ``@``. Identifiers are marked
    ``⟦TYPE|text⟧`` and hard negatives ``⟪kind|text⟫``; the marks are removed and become
    ``entities`` and ``negatives`` with offsets into the clean text. Writing the labels
    inline, where the words are, is how ``deid_heldout2`` was labelled without counting
    characters by hand.
    """
    records = []
    for block in re.split(r"\n\s*\n(?=@ )", source.strip()):
        head, body = block.split("\n", 1)
        record_id, setting, speaker = (part.strip() for part in head.lstrip("@ ").split("|"))
        text, entities, negatives, last = "", [], [], 0
        for m in _MARK.finditer(body):
            text += body[last : m.start()]
            start = len(text)
            if m.group("type"):
                text += m.group("gold")
                entities.append({"start": start, "end": len(text), "type": m.group("type"),
                                 "text": m.group("gold")})  # fmt: skip
            else:
                text += m.group("neg")
                negatives.append({"start": start, "end": len(text), "kind": m.group("kind"),
                                  "text": m.group("neg")})  # fmt: skip
            last = m.end()
        text += body[last:]
        records.append({"id": record_id, "setting": setting, "speaker": speaker, "text": text,
                        "entities": entities, "negatives": negatives, "roster": None})  # fmt: skip
    return records


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


def wilson(successes: int, n: int, z: float = NormalDist().inv_cdf(0.975)) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (Wilson 1927), without continuity
    correction. Newcombe (1998, Statistics in Medicine 17:857, Table II) gives 0.2553 to
    0.3662 for 81/263; tests/coding/deid/test_heldout2_set.py also checks it against
    statsmodels' ``proportion_confint(method="wilson")``.

    >>> [round(x, 4) for x in wilson(81, 263)]
    [0.2553, 0.3662]
    """
    if n == 0:
        return (float("nan"), float("nan"))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5
    return (centre - half, centre + half)


def passage_bootstrap(
    result: Score, n_boot: int = 2000, seed: int = 20261208, level: float = 0.95
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap intervals for recall (any type) and precision, resampling whole
    passages with replacement (a cluster bootstrap: identifiers in one passage are not
    independent, so a Wilson interval over spans is too narrow when errors cluster)."""
    import numpy as np

    ids = sorted(set(result.gold["id"]) | set(result.predicted["id"]))
    gold = result.gold.groupby("id")["found_any"].agg(["sum", "size"]).reindex(ids, fill_value=0)
    pred = result.predicted.groupby("id")["correct"].agg(["sum", "size"])
    pred = pred.reindex(ids, fill_value=0)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(ids), size=(n_boot, len(ids)))
    recall = gold["sum"].to_numpy()[picks].sum(1) / gold["size"].to_numpy()[picks].sum(1)
    precision = pred["sum"].to_numpy()[picks].sum(1) / pred["size"].to_numpy()[picks].sum(1)
    tail = (1 - level) / 2 * 100
    return {
        "recall_any": tuple(np.percentile(recall, [tail, 100 - tail])),
        "precision": tuple(np.percentile(precision, [tail, 100 - tail])),
    }


def exact_and_covered(records: list[dict], predict: Predictor) -> dict[str, float]:
    """Stricter matches than overlap: a gold identifier predicted with exactly its offsets
    (``recall_exact``), and one whose every character lies inside predicted spans
    (``recall_covered``: nothing of it is left readable)."""
    exact = covered = total = 0
    for record in records:
        pred = predict(record["text"], record.get("roster"))
        spans = list(zip(pred["start"], pred["end"], strict=True))
        for g in record["entities"]:
            total += 1
            exact += (g["start"], g["end"]) in spans
            inside = set()
            for s, e in spans:
                inside.update(range(max(s, g["start"]), min(e, g["end"])))
            chars = [i for i in range(g["start"], g["end"]) if not record["text"][i].isspace()]
            covered += all(i in inside for i in chars)
    return {"recall_exact": exact / total, "recall_covered": covered / total}


DEMO = Path(__file__).resolve().parents[1] / "studies" / "demo"
DEMO_SEED = 20261127  # studies/demo/study.yaml: generated by `dyadlab synth --seed 20261127`


def demo_review_burden(demo: Path = DEMO, seed: int = DEMO_SEED) -> dict:
    """The review burden of ``dyadlab deid`` on the demo study, against the generator's truth.

    The demo's transcripts are synthetic: :func:`studies.synth.transcripts.generate_interviews`
    plants invented identifiers (people, places, organisations, phones, dates) and lists them.
    Regenerating with the demo's participants, deliveries and seed gives the same texts
    (checked) and that list. Every span :func:`coding.deid.redact` finds is then one of:
    ``planted`` (overlaps a planted identifier), ``date element`` (a DATE the generator does
    not list — months, holidays, days of the month: Safe Harbor date elements all the same),
    or ``other`` (listed by text: what a reviewer must reject). Nothing in ``demo`` is written.
    """
    from coding.deid import redact
    from studies.synth.transcripts import generate_interviews

    participants = pd.read_csv(demo / "data" / "participants.csv", dtype=str)
    deliveries = pd.read_csv(demo / "data" / "deliveries.csv", dtype=str)
    truth = generate_interviews(participants, deliveries, seed)
    planted = truth.identifiers
    rows, missed = [], 0
    for transcript_id, text in truth.texts.items():
        path = demo / "transcripts" / f"{transcript_id}.txt"
        if path.read_text(encoding="utf-8") != text:
            raise RuntimeError(f"{path} differs from the generator's text: seed or synth changed")
        spans = redact(text).spans
        gold = planted[planted["transcript_id"] == transcript_id]
        for span in spans.itertuples():
            hit = ((gold["start"] < span.end) & (gold["end"] > span.start)).any()
            kind = "planted" if hit else "date element" if span.type == "DATE" else "other"
            rows.append((transcript_id, span.type, span.original, kind))
        for g in gold.itertuples():
            missed += not ((spans["start"] < g.end) & (spans["end"] > g.start)).any()
    frame = pd.DataFrame(rows, columns=["transcript_id", "type", "original", "kind"])
    other = frame[frame["kind"] == "other"]["original"].value_counts()
    return {
        "transcripts": len(truth.texts),
        "spans": len(frame),
        "spans_per_transcript": len(frame) / len(truth.texts),
        "by_kind": frame["kind"].value_counts().to_dict(),
        "other": other.to_dict(),
        "planted": len(planted),
        "planted_missed": int(missed),
    }


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


def negatives_flagged(records: list[dict], predict: Predictor) -> pd.DataFrame:
    """Listed hard negatives (``negatives`` in a record) overlapped by a predicted span.

    Returns one row per listed negative: ``id, kind, text, flagged``. A set without
    ``negatives`` gives an empty frame.
    """
    rows = []
    for record in records:
        negatives = record.get("negatives") or []
        if not negatives:
            continue
        pred = predict(record["text"], record.get("roster"))
        spans = list(zip(pred["start"], pred["end"], strict=True))
        for n in negatives:
            flagged = any(s < n["end"] and n["start"] < e for s, e in spans)
            rows.append((record["id"], n["kind"], n["text"], flagged))
    return pd.DataFrame(rows, columns=["id", "kind", "text", "flagged"])


def _fmt(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.3f}"


def _evaluate(records: list[dict]) -> dict:
    """Self-check, then score coding.deid and the naive baseline on one set."""
    check = score(records, gold_predict(records)).overall()
    if not (check["recall_same"] == check["precision"] == 1.0):
        raise RuntimeError(f"scoring self-check failed: gold against itself gives {check}")
    gold_on_negatives = negatives_flagged(records, gold_predict(records))
    if not gold_on_negatives.empty and gold_on_negatives["flagged"].any():
        raise RuntimeError("scoring self-check failed: a gold span overlaps a listed negative")
    ours = score(records, deid_predict)
    negatives = negatives_flagged(records, deid_predict)
    naive_negatives = negatives_flagged(records, naive_predict)
    return {
        "records": records,
        "ours": ours,
        "naive": score(records, naive_predict),
        "negatives": negatives,
        "naive_negatives": naive_negatives,
    }


def _negatives_cell(frame: pd.DataFrame) -> str:
    return "—" if frame.empty else f"{int(frame['flagged'].sum())}/{len(frame)}"


def _print_side_by_side(results: dict[str, dict]) -> None:
    names = list(results)
    head = " | ".join(f"{n}: coding.deid | {n}: naive" for n in names)
    print(f"\n| metric | {head} |")
    print("|---|" + "---|" * (2 * len(names)))
    overall = {n: (r["ours"].overall(), r["naive"].overall()) for n, r in results.items()}
    for key in ["gold", "recall_any", "recall_same", "precision", "f1"]:
        cells = []
        for n in names:
            o, b = overall[n]
            cells += [_fmt(o[key]) if key != "gold" else str(o[key]),
                      _fmt(b[key]) if key != "gold" else str(b[key])]  # fmt: skip
        print(f"| {key} | " + " | ".join(cells) + " |")
    for key in ["predicted", "false_positives"]:
        cells = [str(v[key]) for n in names for v in overall[n]]
        print(f"| {key} | " + " | ".join(cells) + " |")
    cells = [
        _negatives_cell(results[n][k]) for n in names for k in ["negatives", "naive_negatives"]
    ]
    print("| listed hard negatives flagged | " + " | ".join(cells) + " |")
    print("\n95% intervals, coding.deid (Wilson over spans | bootstrap over passages, 2000):\n")
    for n in names:
        o, _ = overall[n]
        result = results[n]["ours"]
        found, gold = int(result.gold["found_any"].sum()), len(result.gold)
        right, pred = int(result.predicted["correct"].sum()), len(result.predicted)
        boot = passage_bootstrap(result)
        strict = exact_and_covered(results[n]["records"], deid_predict)
        print(
            f"- {n}: recall {found}/{gold} = {o['recall_any']:.3f} "
            f"[{_interval(wilson(found, gold))} | {_interval(boot['recall_any'])}], "
            f"precision {right}/{pred} = {o['precision']:.3f} "
            f"[{_interval(wilson(right, pred))} | {_interval(boot['precision'])}]; "
            f"exact offsets {strict['recall_exact']:.3f}, fully covered "
            f"{strict['recall_covered']:.3f}"
        )
    for n in names:
        o, _ = overall[n]
        met = o["recall_any"] >= 0.95 and o["precision"] >= 0.85
        print(f"\n{n}: targets recall ≥ 0.95, precision ≥ 0.85: {'met' if met else 'NOT met'}")

    print("\nper type, coding.deid (recall any / recall same by gold type; precision by predicted")
    print("type; n = gold count):\n")
    tables = {n: r["ours"].by_type() for n, r in results.items()}
    types = [t for t in TYPES if any(t in tab.index for tab in tables.values())]
    head = " | ".join(f"{n}: n | recall any | recall same | precision" for n in names)
    print(f"| type | {head} |")
    print("|---|" + "---|" * (4 * len(names)))
    for t in types:
        cells = []
        for n in names:
            tab = tables[n]
            if t not in tab.index:
                cells += ["0", "—", "—", "—"]
                continue
            row = tab.loc[t]
            cells += [str(int(row["gold"])), _fmt(row["recall_any"]),
                      _fmt(row["recall_same"]), _fmt(row["precision"])]  # fmt: skip
        print(f"| {t} | " + " | ".join(cells) + " |")


def _interval(bounds: tuple[float, float]) -> str:
    return f"{bounds[0]:.3f}–{bounds[1]:.3f}"


def _print_demo_burden() -> None:
    burden = demo_review_burden()
    kinds = ", ".join(f"{v} {k}" for k, v in burden["by_kind"].items())
    other = ", ".join(f"{k} ×{v}" for k, v in burden["other"].items()) or "none"
    print(
        f"\nreview burden on the demo study: {burden['spans']} spans for "
        f"{burden['transcripts']} transcripts ({burden['spans_per_transcript']:.1f} per "
        f"transcript): {kinds}; other: {other}; planted identifiers missed: "
        f"{burden['planted_missed']}/{burden['planted']}"
    )


def _print_errors(name: str, result: dict) -> None:
    ours = result["ours"]
    misses = ours.gold[~ours.gold["found_any"]]
    print(f"\n{name} — misses ({len(misses)} gold identifiers with no overlapping span):")
    for m in misses.itertuples(index=False):
        print(f"  {m.id}  {m.type:<8} {m.text!r}")
    wrong_type = ours.gold[ours.gold["found_any"] & ~ours.gold["found_same"]]
    print(f"\n{name} — found with another type ({len(wrong_type)}):")
    for m in wrong_type.itertuples(index=False):
        found = ours.predicted[
            (ours.predicted["id"] == m.id)
            & (ours.predicted["start"] < m.end)
            & (ours.predicted["end"] > m.start)
        ]["type"].unique()
        print(f"  {m.id}  {m.type:<8} {m.text!r} -> {', '.join(found)}")
    false_pos = ours.predicted[~ours.predicted["correct"]]
    print(f"\n{name} — false positives ({len(false_pos)} predicted spans overlapping no gold):")
    for f in false_pos.itertuples(index=False):
        print(f"  {f.id}  {f.type:<8} {f.text!r}")
    negatives = result["negatives"]
    if not negatives.empty:
        flagged = negatives[negatives["flagged"]]
        by_kind = negatives.groupby("kind")["flagged"].agg(["sum", "size"])
        summary = ", ".join(f"{k} {int(r['sum'])}/{int(r['size'])}" for k, r in by_kind.iterrows())
        print(f"\n{name} — listed hard negatives flagged ({len(flagged)}/{len(negatives)}; "
              f"by kind: {summary}):")  # fmt: skip
        for f in flagged.itertuples(index=False):
            print(f"  {f.id}  {f.kind:<9} {f.text!r}")


def main(quick: bool = False) -> None:
    results = {}
    for name, path in SETS.items():
        records = load_set(path)
        n_chars = sum(len(r["text"]) for r in records)
        n_gold = sum(len(r["entities"]) for r in records)
        n_neg = sum(len(r.get("negatives") or []) for r in records)
        print(f"{name}: {path.name}, {len(records)} passages, {n_chars} characters, "
              f"{n_gold} gold identifiers, {n_neg} listed hard negatives")  # fmt: skip
        results[name] = _evaluate(records)

    _print_side_by_side(results)

    repeats = 3 if quick else 20
    records = [r for result in results.values() for r in result["records"]]
    n_chars = sum(len(r["text"]) for r in records)
    ours_cps = throughput(records, deid_predict, repeats)
    naive_cps = throughput(records, naive_predict, repeats)
    print(
        f"\nthroughput ({repeats} passes over all sets, {n_chars} chars): coding.deid "
        f"{ours_cps:,.0f} chars/s, naive regex {naive_cps:,.0f} chars/s "
        f"({naive_cps / ours_cps:.1f}× faster)"
    )

    _print_demo_burden()

    for name in reversed(results):  # held-out first: that is the list that matters
        _print_errors(name, results[name])

    from benchmarks import bench_deid_heldout3, bench_deid_heldout4

    bench_deid_heldout3.main()  # set 3: scored once unseen, development since
    bench_deid_heldout4.main()  # the newest unseen set, scored once with frozen rules


if __name__ == "__main__":
    main()
