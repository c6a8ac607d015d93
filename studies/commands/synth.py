"""``dyadlab synth DIR --seed N``: write a synthetic study folder."""

from __future__ import annotations

import argparse
import dataclasses

from studies.cli import CommandLine, add_json_flag, print_json


def _count(minimum: int, maximum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(
                f"expected a number from {minimum} to {maximum}, got {value}"
            )
        return value

    return parse


def register(cli: CommandLine) -> None:
    parser = cli.command(
        "synth",
        "Write a synthetic study (deliveries, dispensing, events, participants, transcripts) "
        "into DIR; the same seed gives byte-identical files.",
        run,
    )
    parser.add_argument("directory", metavar="DIR", help="study folder to write into")
    parser.add_argument(
        "--seed", type=_count(0, 2**63 - 1), required=True, metavar="N", help="random seed"
    )
    parser.add_argument(
        "--deliveries",
        type=_count(1, 2_000_000),
        default=1500,
        metavar="N",
        help="number of deliveries (default 1500)",
    )
    parser.add_argument(
        "--participants",
        type=_count(0, 999),
        default=30,
        metavar="N",
        help="interview participants, about 2/3 patients and 1/3 providers (default 30)",
    )
    parser.add_argument(
        "--no-transcripts", action="store_true", help="skip interview transcripts and codings"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace data files in a folder that dyadlab synth did not write",
    )
    add_json_flag(parser)


def run(args: argparse.Namespace) -> int:
    """Generate the cohort and write the study folder; print a summary."""
    from studies.synth import generate_cohort, prepare_folder, write_study

    prepare_folder(args.directory, force=args.force)  # fail before minutes of generating
    cohort = generate_cohort(args.deliveries, seed=args.seed, n_participants=args.participants)
    summary = write_study(
        args.directory, cohort, transcripts=not args.no_transcripts, force=args.force
    )
    if args.json:
        print_json(dataclasses.asdict(summary))
    else:
        counts = ", ".join(f"{count} {name}" for name, count in summary.rows.items())
        print(f"wrote {summary.directory}: {counts}")
    return 0
