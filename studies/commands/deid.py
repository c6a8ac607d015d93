"""``dyadlab deid STUDY``: de-identify a study's transcripts and review the redactions.

- ``dyadlab deid STUDY`` finds identifiers in every transcript (:mod:`coding.deid`), writes
  the de-identified transcripts and a manifest to ``deid.output`` and the redaction log to
  ``deid.log`` (study.yaml; the log holds the originals, keep it private). Decisions already
  in the log are kept.
- ``--list [--status pending] [--type NAME]`` shows spans with their context and ids.
- ``--list --group`` shows one line per distinct text with its count — what a reviewer
  actually decides on (926 spans are 156 texts on the demo study).
- ``--accept ID…`` / ``--reject ID…`` record a reviewer's decision (a rejected span is
  kept as text); ``--accept-text TEXT…`` / ``--reject-text TEXT…`` decide every span with
  that exact text at once (``--type`` narrows it); ``--add TRANSCRIPT:START:END:TYPE`` adds
  a span the rules missed. Each decision rewrites the de-identified transcripts at once.
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from data_dictionary.files import atomic_write
from studies.cli import CommandLine, add_json_flag, print_json
from studies.errors import StudyError


def register(cli: CommandLine) -> None:
    parser = cli.command("deid", "de-identify a study's transcripts and review the redactions", run)
    parser.add_argument("study", help="study id or path")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--list", action="store_true", help="list spans in the redaction log")
    action.add_argument("--accept", nargs="+", metavar="ID", help="accept spans (stay redacted)")
    action.add_argument("--reject", nargs="+", metavar="ID", help="reject spans (keep the text)")
    action.add_argument(
        "--accept-text", nargs="+", metavar="TEXT", help="accept every span with this text"
    )
    action.add_argument(
        "--reject-text", nargs="+", metavar="TEXT", help="reject every span with this text"
    )
    action.add_argument(
        "--add", metavar="TRANSCRIPT:START:END:TYPE", help="redact a span the rules missed"
    )
    parser.add_argument(
        "--group", action="store_true", help="with --list: one line per distinct text"
    )
    parser.add_argument("--status", help="with --list: only this status (e.g. pending)")
    parser.add_argument(
        "--type", help="with --list or --*-text: only this identifier type (e.g. NAME)"
    )
    parser.add_argument("--reviewer", default=None, help="who decides (default: the login name)")
    add_json_flag(parser)


def run(args: argparse.Namespace) -> int:
    from coding.deid import Roster, review
    from studies import load_study

    study = load_study(args.study)
    settings = study.config.deid
    root = study.data_root
    log_path = _inside(root, settings.log)
    texts = {t.id: t.text for t in study.transcripts()}
    log = review.read_log(log_path)
    reviewer = args.reviewer or getpass.getuser()

    if args.list:
        shown = log
        if args.status:
            shown = shown[shown["status"] == args.status]
        if args.type:
            shown = shown[shown["type"] == args.type.upper()]
        if args.group:
            grouped = review.group(shown)
            if args.json:
                print_json(grouped.to_dict(orient="records"))
                return 0
            for row in grouped.itertuples():
                first = shown[shown["span_id"] == row.span_id].iloc[0]
                where = review.context(texts.get(first.transcript_id, ""), first.start, first.end)
                print(
                    f"{row.spans:>4}× in {row.transcripts:>2} transcript(s), {row.pending:>4} "
                    f"pending  {row.type:<8} {row.original!r}  e.g. {where}"
                )
            print(f"{len(grouped)} distinct text(s) in {len(shown)} span(s)")
            return 0
        if args.json:
            print_json(shown.to_dict(orient="records"))
        else:
            for span in shown.itertuples():
                where = review.context(texts.get(span.transcript_id, ""), span.start, span.end)
                print(
                    f"{span.span_id}  {span.status:<8} {span.type:<8} {span.transcript_id}  {where}"
                )
            print(f"{len(shown)} span(s)")
        return 0
    if args.accept or args.reject:
        status = "accepted" if args.accept else "rejected"
        log = review.decide(log, args.accept or args.reject, status, reviewer)
    elif args.accept_text or args.reject_text:
        status = "accepted" if args.accept_text else "rejected"
        log = review.decide_text(
            log, args.accept_text or args.reject_text, status, reviewer, kind=args.type
        )
    elif args.add:
        parts = args.add.split(":")
        if len(parts) != 4 or not parts[1].isdigit() or not parts[2].isdigit():
            raise StudyError(f"--add takes TRANSCRIPT:START:END:TYPE, got {args.add!r}")
        log = review.add_span(
            log, texts, parts[0], int(parts[1]), int(parts[2]), parts[3].upper(), reviewer
        )
    else:
        roster = Roster.from_csv(_inside(root, settings.roster)) if settings.roster else None
        log = review.detect(texts, roster, previous=log)
    outputs = _write(study, review.apply(texts, log), _inside(root, settings.output))
    with atomic_write(log_path) as handle:
        log.to_csv(handle, index=False, lineterminator="\n")
    counts = log["status"].value_counts().to_dict()
    summary = {
        "transcripts": len(texts),
        "spans": len(log),
        "by_status": counts,
        "by_type": log["type"].value_counts().to_dict(),
        "output": str(outputs),
        "log": str(log_path),
    }
    if args.json:
        print_json(summary)
    else:
        print(
            f"{len(texts)} transcripts de-identified into {outputs}; {len(log)} span(s) "
            f"({', '.join(f'{v} {k}' for k, v in sorted(counts.items()))}); "
            f"redaction log (private: holds the originals): {log_path}"
        )
    return 0


def _inside(root: Path, relative: str) -> Path:
    path = Path(relative).expanduser()
    return path if path.is_absolute() else root / path


def _write(study, texts: dict[str, str], folder: Path) -> Path:
    """Write the de-identified transcripts and a manifest pointing at them."""
    manifest = study.manifest().copy()
    manifest["file"] = manifest["transcript_id"].astype(str) + ".txt"
    for transcript_id, text in texts.items():
        with atomic_write(folder / f"{transcript_id}.txt") as handle:
            handle.write(text)
    with atomic_write(folder / "manifest.csv") as handle:
        manifest.to_csv(handle, index=False, lineterminator="\n", date_format="%Y-%m-%d")
    return folder
