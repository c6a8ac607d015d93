"""``dyadlab autocode STUDY``: train the theme classifier on a coder's turn codes.

``--evaluate`` prints grouped (by participant) cross-validation against that coder;
``--suggest`` writes the model's suggestions into the study's coding store as coder ``auto``
(never over a human coder's turn × code; earlier ``auto`` suggestions are replaced);
``--learning-curve`` shows F1 and kappa against the number of coded turns; ``--next N``
lists the N uncoded turns most worth coding next. ``--json`` for machines.
"""

from __future__ import annotations

import argparse
import logging
import math
from typing import Any

from studies.cli import add_json_flag, print_json

log = logging.getLogger(__name__)


def register(cli) -> None:
    parser = cli.command(
        "autocode",
        "assisted coding: train a classifier on coded turns, evaluate it, suggest codes",
        run,
    )
    parser.add_argument("study", metavar="STUDY", help="study id (e.g. demo) or path")
    parser.add_argument(
        "--train-from",
        default="consensus",
        metavar="CODER",
        help="coder whose turn codes the model learns (default consensus)",
    )
    parser.add_argument(
        "--evaluate",
        action="store_true",
        help="grouped cross-validation (by participant) against that coder",
    )
    parser.add_argument(
        "--suggest",
        action="store_true",
        help="write suggestions into the coding store as coder 'auto'",
    )
    parser.add_argument(
        "--learning-curve",
        action="store_true",
        help="macro-F1 and kappa against the number of coded turns (grouped CV)",
    )
    parser.add_argument(
        "--next",
        type=int,
        default=0,
        metavar="N",
        help="list the N uncoded turns most worth coding next",
    )
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (5)")
    parser.add_argument("--seed", type=int, default=0, help="fold shuffle seed (0)")
    parser.add_argument(
        "--no-char",
        action="store_true",
        help="leave out the character n-gram block (faster, a little weaker)",
    )
    parser.add_argument(
        "--backend",
        choices=["tfidf", "semantic", "hybrid"],
        default="tfidf",
        help="features: tfidf (default); semantic/hybrid add sentence "
        "embeddings (needs: pip install 'dyadlab[semantic]')",
    )
    add_json_flag(parser)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _records(frame) -> list[dict[str, Any]]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def run(args: argparse.Namespace) -> int:
    from coding.autocode import (
        AutocodeError,
        ThemeClassifier,
        evaluate,
        learning_curve,
        rank_uncoded,
        suggestions,
        training_units,
        write_suggestions,
    )
    from studies import load_study

    if args.folds < 2:
        raise AutocodeError(f"--folds must be at least 2, got {args.folds}", field="folds")
    if args.next < 0:
        raise AutocodeError(f"--next must be 0 or more, got {args.next}", field="next")
    study = load_study(args.study)
    corpus = study.transcripts()
    store = None
    if args.suggest:
        from coding.store import CodingStore
        from coding.web.seed import seed_store

        codings_csv = None
        if study.has_table("codings") and study.data_path("codings").exists():
            from data_dictionary import read_table

            codings_csv = read_table(study.data_path("codings"), "codings")
        store = CodingStore(study.store_url)
        seed_store(store, corpus, codings_csv, source=str(study.data_path("codings")))
    try:
        codings = store.codings() if store is not None else study.codings()
        coders = sorted(codings["coder"].dropna().astype(str).unique())
        if args.train_from not in coders:
            raise AutocodeError(
                f"coder {args.train_from!r} has no codings in study {study.id} "
                f"(coders: {', '.join(coders) or 'none'})",
                field="train_from",
            )
        estimator = ThemeClassifier(
            codebook=study.codebook(),
            backend=args.backend,
            char_ngrams=None if args.no_char else (2, 5),
        )
        units = training_units(corpus, codings, args.train_from)
        coded_transcripts = set(
            codings.loc[codings["coder"] == args.train_from, "transcript_id"].astype(str)
        )
        train = units[units["transcript_id"].astype(str).isin(coded_transcripts)]
        model = estimator.fit(
            train["text"].tolist(),
            train["codes"].tolist(),
            groups=train["participant_id"].fillna(train["transcript_id"]),
        )
        out: dict[str, Any] = {
            "study": study.id,
            "trained_on": args.train_from,
            "n_turns": len(train),
            "n_transcripts": len(coded_transcripts),
            "codes": list(model.classes_),
            "skipped_codes": list(model.skipped_codes_),
        }
        if args.evaluate:
            result = evaluate(
                corpus,
                codings,
                coder=args.train_from,
                n_splits=args.folds,
                seed=args.seed,
                estimator=estimator,
            )
            out["evaluation"] = {
                "per_code": _records(result.per_code),
                "summary": _records(result.summary.reset_index()),
            }
        if args.learning_curve:
            sizes = [n for n in (100, 200, 400, 800, 1600, 3200) if n < len(train)]
            sizes.append(len(train))
            curve = learning_curve(
                train["text"].tolist(),
                train["codes"].tolist(),
                train["participant_id"].fillna(train["transcript_id"]),
                sizes=sizes,
                n_splits=args.folds,
                seed=args.seed,
                estimator=estimator,
            )
            means = curve.groupby("size", as_index=False)[
                ["n_train", "macro_f1", "micro_f1", "kappa"]
            ].mean()
            out["learning_curve"] = _records(means)
        if args.suggest:
            plan = suggestions(model, units, codings, trained_on=args.train_from)
            out["suggestions"] = write_suggestions(
                store, plan, transcripts=units["transcript_id"].astype(str).unique()
            )
        if args.next:
            uncoded = units[~units["transcript_id"].astype(str).isin(coded_transcripts)]
            if uncoded.empty:
                uncoded = units[units["codes"].str.len() == 0]
            ranked = rank_uncoded(model, uncoded["text"].tolist(), n=args.next)
            picked = uncoded.iloc[ranked["position"].to_numpy()]
            ranked = ranked.assign(
                transcript_id=picked["transcript_id"].to_numpy(),
                turn=picked["turn"].to_numpy(),
                text=picked["text"].str.slice(0, 120).to_numpy(),
            )
            out["next"] = _records(ranked.drop(columns=["position"]))
    finally:
        if store is not None:
            store.close()
    if args.json:
        print_json(out)
        return 0
    _print(out)
    return 0


def _fmt(value: Any) -> str:
    return "—" if value is None else f"{value:.3f}"


def _print(out: dict[str, Any]) -> None:
    print(
        f"trained on {out['trained_on']}: {out['n_turns']} participant turns in "
        f"{out['n_transcripts']} transcripts; {len(out['codes'])} codes learned"
        + (
            f", skipped (too few turns): {', '.join(out['skipped_codes'])}"
            if out["skipped_codes"]
            else ""
        )
    )
    if "evaluation" in out:
        print(
            f"\ngrouped cross-validation by participant (model vs {out['trained_on']}, turn level)"
        )
        print(f"{'code':<24} {'support':>7} {'prec':>6} {'recall':>6} {'F1':>6} {'kappa':>6}")
        for row in out["evaluation"]["per_code"]:
            print(
                f"{row['code_id']:<24} {row['support']:>7} {_fmt(row['precision']):>6} "
                f"{_fmt(row['recall']):>6} {_fmt(row['f1']):>6} {_fmt(row['kappa']):>6}"
            )
        for row in out["evaluation"]["summary"]:
            print(
                f"{row['average'] + ' average':<24} {'':>7} {_fmt(row['precision']):>6} "
                f"{_fmt(row['recall']):>6} {_fmt(row['f1']):>6} {_fmt(row['kappa']):>6}"
            )
    if "learning_curve" in out:
        print("\nlearning curve (grouped CV; mean over folds)")
        print(f"{'coded turns':>11} {'macro F1':>9} {'micro F1':>9} {'kappa':>6}")
        for row in out["learning_curve"]:
            print(
                f"{row['n_train']:>11.0f} {_fmt(row['macro_f1']):>9} "
                f"{_fmt(row['micro_f1']):>9} {_fmt(row['kappa']):>6}"
            )
    if "suggestions" in out:
        s = out["suggestions"]
        print(
            f"\nsuggestions written as coder 'auto': {s['added']} "
            f"(replaced {s['removed']} earlier ones)"
        )
    if "next" in out:
        print("\nturns to code next:")
        for row in out["next"]:
            print(
                f"{row['rank']:>3}. {row['transcript_id']} turn {row['turn']}: "
                f"{row['reason']}\n     {row['text']!r}"
            )
