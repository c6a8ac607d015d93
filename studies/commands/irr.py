"""``dyadlab irr STUDY``: inter-coder agreement per code and coder pair.

Turn units (default) print percent agreement, Cohen's kappa (Fleiss' for the pooled rows),
Krippendorff's alpha and Gwet's AC1 with bootstrap 95% intervals; ``--unit character`` prints
NVivo-style character-level agreement. ``--json`` prints every column as JSON records.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from studies.cli import add_json_flag, print_json


def register(cli) -> None:
    parser = cli.command(
        "irr",
        "inter-coder reliability: agreement, kappa, alpha and AC1 per code and coder pair",
        run,
    )
    parser.add_argument("study", metavar="STUDY", help="study id (e.g. demo) or path")
    parser.add_argument(
        "--coders", help="comma-separated coders (default: study.yaml 'coders', else all)"
    )
    parser.add_argument("--codes", help="comma-separated code ids (default: every code used)")
    parser.add_argument("--unit", choices=["turn", "character"], default="turn")
    parser.add_argument(
        "--exclude-speakers",
        help="comma-separated speaker labels whose turns are not units (e.g. INTERVIEWER)",
    )
    parser.add_argument(
        "--bootstrap", type=int, default=1000, help="bootstrap replicates (0: no intervals)"
    )
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="resample whole transcripts instead of turns for the intervals",
    )
    add_json_flag(parser)


def _split(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [item.strip() for item in value.split(",") if item.strip()]


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _fmt(value: float, digits: int = 3) -> str:
    return (
        "—"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else (f"{value:.{digits}f}")
    )


def run(args: argparse.Namespace) -> int:
    from coding.errors import CodingError
    from coding.reliability import agreement_table
    from studies import load_study

    study = load_study(args.study)
    coders = _split(args.coders)
    if coders is None and len(study.config.coders) >= 2:
        coders = list(study.config.coders)
    codings = study.codings()
    corpus = study.transcripts()
    options = {}
    if args.exclude_speakers:
        if args.unit == "character":
            raise CodingError(
                "--exclude-speakers applies to turn units only", field="exclude_speakers"
            )
        options["exclude_speakers"] = _split(args.exclude_speakers)
    table = agreement_table(
        codings,
        corpus,
        coders=coders,
        codes=_split(args.codes),
        unit=args.unit,
        bootstrap=args.bootstrap,
        seed=args.seed,
        cluster="transcript" if args.cluster else None,
        **options,
    )
    if args.json:
        print_json(
            {
                "study": study.id,
                "unit": args.unit,
                "bootstrap": args.bootstrap,
                "rows": [
                    {k: _clean(v) for k, v in row.items()} for row in table.to_dict("records")
                ],
            }
        )
        return 0
    if args.unit == "character":
        pooled = table[table["transcript_id"] == "(all)"]
        print(f"{'code':<24} {'coders':<24} {'chars':>9} {'agree %':>8} {'kappa':>7}")
        for row in pooled.itertuples():
            print(
                f"{row.code_id:<24} {row.coder_a + ' × ' + row.coder_b:<24} {row.n_chars:>9} "
                f"{_fmt(row.percent_agreement, 1):>8} {_fmt(row.kappa):>7}"
            )
        return 0
    print(
        f"{'code':<24} {'coders':<24} {'units':>6} {'agree':>6} {'kappa':>6} "
        f"{'95% CI':>15} {'alpha':>6} {'AC1':>6} {'prev':>5}"
    )
    for row in table.itertuples():
        pair = "all coders" if row.coder_a == "(all)" else f"{row.coder_a} × {row.coder_b}"
        interval = f"[{_fmt(row.kappa_lower, 2)}, {_fmt(row.kappa_upper, 2)}]"
        print(
            f"{row.code_id:<24} {pair:<24} {row.n_units:>6} {_fmt(row.percent_agreement):>6} "
            f"{_fmt(row.kappa):>6} {interval:>15} {_fmt(row.alpha):>6} {_fmt(row.ac1):>6} "
            f"{_fmt(row.prevalence, 2):>5}"
        )
    return 0
