"""Autocoder quality and speed on the demo study and on the natural utterance set.

Quality (same grouped-by-participant folds for every method):
* ``none`` baseline — predicts no code (what the majority class of every code is);
* ``keywords`` baseline — a code whenever one of its codebook keywords (stemmed phrase)
  occurs, no training;
* ``ThemeClassifier`` (word + char + keyword features) and, in full mode, without the
  character block and (when the ``semantic`` extra is installed) with sentence embeddings
  in place of the character block.
Generalisation: the model trained on the full demo ``consensus`` layer, scored on
``tests/coding/data/natural_utterances.csv`` (165 utterances written independently of the
synthetic generator; never used for tuning), beside the keyword baseline on the same set.
Speed (CPU time of this process, one core): training on 2,000 distinct coded turns (a
second synthetic study, seed 7, 45 interviews) and inference in turns per second, against
the keyword baseline's throughput.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from coding.autocode import ThemeClassifier, learning_curve, training_units
from coding.autocode._evaluation import _scores, grouped_splits
from coding.autocode._features import (
    KeywordFeatures,
    SentenceEmbeddings,
    keyword_map,
    semantic_available,
)
from studies import load_study

ROOT = Path(__file__).resolve().parents[1]
NATURAL = ROOT / "tests" / "coding" / "data" / "natural_utterances.csv"


def _keyword_predict(codebook, texts: list[str]) -> list[set[str]]:
    features = KeywordFeatures(keyword_map(codebook)).fit(texts)
    hits = features.transform(texts).tocsr()
    codes = features.codes_
    return [{codes[j] for j in hits[i].indices} for i in range(len(texts))]


def _cv(texts, labels, groups, splits, make) -> list[set[str]]:
    predicted: list[set[str]] = [set() for _ in texts]
    for train, test in splits:
        model = make().fit(
            [texts[i] for i in train], [labels[i] for i in train], groups=groups[train]
        )
        for i, p in zip(test, model.predict([texts[i] for i in test]), strict=True):
            predicted[i] = p
    return predicted


def _line(name: str, truth, predicted, codes, base: float | None = None) -> float:
    _, summary = _scores(truth, predicted, codes)
    macro, micro = summary.loc["macro"], summary.loc["micro"]
    ratio = "" if base is None or not base else f"  ({macro['f1'] / base:.2f}x keywords)"
    print(
        f"  {name:<34} macro-F1 {macro['f1']:.3f}  micro-F1 {micro['f1']:.3f}  "
        f"kappa(pooled) {micro['kappa']:.3f}  macro-kappa {macro['kappa']:.3f}{ratio}"
    )
    return float(macro["f1"])


def main(quick: bool = False) -> None:
    study = load_study("demo")
    codebook = study.codebook()
    units = training_units(study.transcripts(), study.codings(), "consensus")
    texts = units["text"].tolist()
    labels = [frozenset(s) for s in units["codes"]]
    groups = units["participant_id"].fillna(units["transcript_id"]).astype(str).to_numpy()
    codes = sorted(set().union(*labels))
    n_splits = 3 if quick else 5
    splits = grouped_splits(groups, n_splits=n_splits, seed=0)
    print(
        f"demo consensus: {len(texts)} participant turns, {len(set(groups))} participants, "
        f"{len(codes)} codes; grouped {n_splits}-fold CV by participant"
    )
    _line("none (majority) baseline", labels, [set() for _ in texts], codes)
    base = _line("keywords baseline (codebook)", labels, _keyword_predict(codebook, texts), codes)
    started = time.perf_counter()
    full = _cv(texts, labels, groups, splits, lambda: ThemeClassifier(codebook=codebook))
    _line("ThemeClassifier word+char+keywords", labels, full, codes, base)
    print(f"    ({time.perf_counter() - started:.0f} s wall for {n_splits} folds)")
    if not quick:
        no_char = _cv(
            texts,
            labels,
            groups,
            splits,
            lambda: ThemeClassifier(codebook=codebook, char_ngrams=None),
        )
        _line("ThemeClassifier word+keywords", labels, no_char, codes, base)
        if semantic_available():
            semantic = _cv(
                texts,
                labels,
                groups,
                splits,
                lambda: ThemeClassifier(codebook=codebook, backend="semantic"),
            )
            _line("ThemeClassifier semantic (MiniLM)", labels, semantic, codes, base)
    if not quick:
        quiet = logging.getLogger("coding.autocode._estimator")
        level = quiet.level
        quiet.setLevel(logging.ERROR)  # small samples skip rare codes, with a warning each
        try:
            curve = learning_curve(
                texts,
                labels,
                groups,
                sizes=(100, 200, 400, 800, 1200),
                n_splits=n_splits,
                seed=0,
                estimator=ThemeClassifier(codebook=codebook),
            )
        finally:
            quiet.setLevel(level)
        means = curve.groupby("size")[["macro_f1", "kappa"]].mean()
        print(
            "  learning curve (grouped CV, mean over folds): "
            + ", ".join(
                f"{n} turns F1 {r.macro_f1:.2f} / kappa {r.kappa:.2f}" for n, r in means.iterrows()
            )
        )
    per_code, _ = _scores(labels, full, codes)
    print(
        "  per code (full model): "
        + ", ".join(f"{r.code_id} {r.f1:.2f}" for r in per_code.sort_values("f1").itertuples())
    )

    natural = pd.read_csv(NATURAL, keep_default_na=False)
    n_texts = natural["text"].tolist()
    n_labels = [frozenset(c for c in s.split(";") if c) for s in natural["codes"]]
    print(f"\nnatural utterances ({len(n_texts)}; model trained on all demo consensus turns)")
    model = ThemeClassifier(codebook=codebook).fit(texts, labels, groups=groups)
    n_base = _line(
        "keywords baseline (codebook)", n_labels, _keyword_predict(codebook, n_texts), codes
    )
    _line("ThemeClassifier word+char+keywords", n_labels, model.predict(n_texts), codes, n_base)
    if not quick:
        plain = ThemeClassifier(codebook=codebook, char_ngrams=None).fit(
            texts, labels, groups=groups
        )
        _line("ThemeClassifier word+keywords", n_labels, plain.predict(n_texts), codes, n_base)
        if semantic_available():
            sem = ThemeClassifier(codebook=codebook, backend="semantic").fit(
                texts, labels, groups=groups
            )
            _line(
                "ThemeClassifier semantic (MiniLM)", n_labels, sem.predict(n_texts), codes, n_base
            )
            SentenceEmbeddings._cache.clear()
            few = [texts[i] for i in range(0, len(texts), 3)]
            started = time.process_time()
            sem.predict(few)
            print(
                f"    semantic inference: {len(few) / (time.process_time() - started):,.0f} "
                "turns/s (CPU seconds of all torch threads)"
            )

    print("\nspeed (CPU seconds of this process)")
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as folder:  # 2,000 distinct coded turns
        subprocess.run(
            [
                sys.executable,
                "-m",
                "studies.cli",
                "synth",
                folder,
                "--seed",
                "7",
                "--deliveries",
                "200",
                "--participants",
                "45",
                "--json",
            ],
            check=True,
            capture_output=True,
        )
        other = load_study(folder)
        big = training_units(other.transcripts(), other.codings(), "consensus").iloc[:2000]
    big_texts, big_labels = big["text"].tolist(), big["codes"].tolist()
    big_groups = big["participant_id"].astype(str).to_numpy()
    timings = {}
    for name, char in (("word+char+keywords", (2, 5)), ("word+keywords", None)):
        started = time.process_time()
        ThemeClassifier(codebook=codebook, char_ngrams=char).fit(
            big_texts, big_labels, groups=big_groups
        )
        timings[name] = time.process_time() - started
    print(
        f"  train on {len(big_texts):,} turns (synth study, seed 7): "
        + ", ".join(f"{v:.1f} s ({k})" for k, v in timings.items())
    )
    n_infer = 5_000 if quick else 20_000
    batch = [texts[i] for i in rng.integers(0, len(texts), size=n_infer)]
    started = time.process_time()
    _keyword_predict(codebook, batch)
    kw_rate = n_infer / (time.process_time() - started)
    started = time.process_time()
    model.predict(batch)
    rate = n_infer / (time.process_time() - started)
    plain_model = ThemeClassifier(codebook=codebook, char_ngrams=None).fit(
        texts, labels, groups=groups
    )
    started = time.process_time()
    plain_model.predict(batch)
    plain_rate = n_infer / (time.process_time() - started)
    print(
        f"  inference: {rate:,.0f} turns/s (word+char+keywords, {rate / kw_rate:.2f}x the "
        f"keyword baseline's {kw_rate:,.0f}/s); {plain_rate:,.0f} turns/s (word+keywords, "
        f"{plain_rate / kw_rate:.2f}x)"
    )


if __name__ == "__main__":
    main()
