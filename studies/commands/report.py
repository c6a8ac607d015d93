"""``dyadlab report STUDY``: run a study's report notebooks into HTML (and PDF)."""

from __future__ import annotations

import argparse

from studies.cli import CommandLine, add_json_flag, print_json
from studies.errors import StudyError


def register(cli: CommandLine) -> None:
    parser = cli.command(
        "report",
        "run a report notebook for a study into reports/<study>/<name>.html",
        run,
    )
    parser.add_argument("study", help="study id (folder under studies/) or path to study.yaml")
    parser.add_argument(
        "--template",
        "-t",
        default="study_report",
        help="notebook in notebooks/ (default: %(default)s)",
    )
    parser.add_argument(
        "-p",
        "--parameter",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="report parameter, e.g. -p site='Site A' -p period_start=2020-01-01 (repeatable)",
    )
    parser.add_argument(
        "--all", action="store_true", help="render every report listed in study.yaml, in parallel"
    )
    parser.add_argument(
        "--release",
        action="store_true",
        help="release the funder report(s): audit them with every count the study released "
        "before and record them in the study's release ledger (beside its data); without "
        "it, reports are drafts",
    )
    parser.add_argument("--pdf", action="store_true", help="also print a PDF with Chromium")
    parser.add_argument("--out", help="output folder (default: reports/<study>/)")
    parser.add_argument(
        "--jobs", type=int, default=2, help="parallel reports with --all (default: %(default)s)"
    )
    add_json_flag(parser)


def parse_parameters(pairs: list[str]) -> dict[str, str]:
    """``["site=Site A", "min_cell=11"]`` → ``{"site": "Site A", "min_cell": "11"}``."""
    parameters = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise StudyError(f"report parameter must look like KEY=VALUE, got {pair!r}")
        parameters[key.strip()] = value.strip()
    return parameters


def run(args: argparse.Namespace) -> int:
    from studies import load_study
    from studies.reports import render_all, render_report

    study = load_study(args.study)
    if args.all:
        outputs = render_all(
            study, jobs=args.jobs, pdf=args.pdf, output_dir=args.out, release=args.release
        )
    else:
        outputs = [
            render_report(
                study,
                args.template,
                parse_parameters(args.parameter),
                output_dir=args.out,
                pdf=args.pdf,
                release=args.release,
            )
        ]
    if args.json:
        print_json(
            [
                {
                    "name": o.name,
                    "html": str(o.html),
                    "notebook": str(o.notebook),
                    "pdf": str(o.pdf) if o.pdf else None,
                    "seconds": round(o.seconds, 2),
                }
                for o in outputs
            ]
        )
    else:
        for o in outputs:
            print(f"{o.html}  ({o.seconds:.1f} s)")
    return 0
