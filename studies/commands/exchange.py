"""REFI-QDA and codings exchange commands.

* ``dyadlab export qdpx STUDY OUT`` — the study's transcripts, codebook, codings (all coders)
  and participants as a REFI-QDA project for NVivo, ATLAS.ti, MAXQDA, QualCoder …;
* ``dyadlab export codings STUDY OUT.csv`` — every coded span as CSV;
* ``dyadlab import qdpx STUDY FILE`` — add a project's sources, participants, codings and
  (``--codebook merge|adopt``) codes to the study, all or nothing; see
  :mod:`studies.commands._import_qdpx`.

Warnings (what REFI-QDA cannot carry) go to stderr, one line each; ``--json`` prints a
summary on stdout.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from studies.cli import add_json_flag, print_json

log = logging.getLogger(__name__)

CODING_COLUMNS = ["coding_id", "transcript_id", "coder", "code_id", "start", "end", "memo"]


def register(cli) -> None:
    parser = cli.subcommand(
        "export", "qdpx", "export a study as a REFI-QDA project (.qdpx)", export_qdpx
    )
    parser.add_argument("study", metavar="STUDY", help="study id (e.g. demo) or path")
    parser.add_argument("out", metavar="OUT", help="the .qdpx file to write")
    parser.add_argument(
        "--positions",
        choices=("codepoints", "utf16"),
        default="codepoints",
        help="count selection positions in Unicode code points (REFI-QDA, default) or in "
        "UTF-16 code units (for NVivo for Windows)",
    )
    add_json_flag(parser)

    parser = cli.subcommand("export", "codings", "export every coded span as CSV", export_codings)
    parser.add_argument("study", metavar="STUDY", help="study id (e.g. demo) or path")
    parser.add_argument("out", metavar="OUT", help="the .csv file to write")
    add_json_flag(parser)

    parser = cli.subcommand(
        "import",
        "qdpx",
        "add a REFI-QDA project (NVivo, ATLAS.ti, MAXQDA, QualCoder …): sources, participants, "
        "codings and codes",
        _import_qdpx,
    )
    parser.add_argument("study", metavar="STUDY", help="study id (e.g. demo) or path")
    parser.add_argument(
        "file", metavar="FILE", help="the .qdpx project (or a .qdc codebook) to read"
    )
    parser.add_argument(
        "--codebook",
        choices=("study", "merge", "adopt"),
        default="study",
        help="study: keep the study's codebook, codes matched by name (default); merge: also "
        "add the project's other codes; adopt: the project's codebook becomes the study's",
    )
    parser.add_argument(
        "--positions",
        choices=("auto", "codepoints", "utf16"),
        default="auto",
        help="unit of the project's selection positions: detected (default), Unicode code "
        "points (REFI-QDA), or UTF-16 code units (NVivo for Windows)",
    )
    parser.add_argument(
        "--participants",
        metavar="CSV",
        help="map sources to participants: columns source (or case) and participant_id, plus "
        "role, site, person_id, provider_type, interview_date for new participants",
    )
    parser.add_argument(
        "--participant",
        metavar="ID",
        help="participant of every source that neither a case nor --participants assigns",
    )
    parser.add_argument(
        "--skip-unknown-codes",
        action="store_true",
        help="leave out codings whose code is not in the codebook (default: refuse)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would be imported; change nothing"
    )
    add_json_flag(parser)


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)


def export_qdpx(args: argparse.Namespace) -> int:
    from coding.exchange import write_qdpx
    from studies import load_study

    study = load_study(args.study)
    participants = study.participants() if study.has_table("participants") else None
    corpus = study.transcripts()
    codings = study.codings()
    warnings = write_qdpx(
        args.out,
        corpus,
        study.codebook(),
        codings,
        participants=participants,
        name=study.name,
        positions=args.positions,
    )
    _warn(warnings)
    summary = {
        "study": study.id,
        "file": str(Path(args.out)),
        "transcripts": len(corpus),
        "codings": int(len(codings)),
        "coders": sorted(codings["coder"].astype(str).unique()) if len(codings) else [],
        "warnings": warnings,
    }
    if args.json:
        print_json(summary)
    else:
        print(
            f"wrote {args.out}: {summary['transcripts']} transcripts, {summary['codings']} "
            f"codings by {len(summary['coders'])} coders"
        )
    return 0


def export_codings(args: argparse.Namespace) -> int:
    """Every coded span as CSV: formula-like cells neutralised exactly as in the web export
    (:func:`coding.web.exports.spreadsheet_csv`), the file readable by its owner only (0600:
    memos may quote participants). Tested in tests/studies/commands/test_irr.py."""
    import os

    from coding.web.exports import spreadsheet_csv
    from data_dictionary.files import atomic_write
    from studies import load_study

    study = load_study(args.study)
    codings = study.codings()
    first = [c for c in CODING_COLUMNS if c in codings.columns]
    codings = codings[first + [c for c in codings.columns if c not in first]]
    text = spreadsheet_csv(codings)
    out = Path(args.out)
    if out.exists():
        # atomic_write keeps an existing file's mode: narrow it first
        os.chmod(out, 0o600)
    previous = os.umask(0o077)
    try:
        with atomic_write(out, "wb") as handle:
            handle.write(text.encode("utf-8"))
    finally:
        os.umask(previous)
    if args.json:
        print_json({"study": study.id, "file": str(Path(args.out)), "codings": len(codings)})
    else:
        print(f"wrote {args.out}: {len(codings)} codings")
    return 0


def _import_qdpx(args: argparse.Namespace) -> int:
    from studies.commands._import_qdpx import import_qdpx

    return import_qdpx(args)
