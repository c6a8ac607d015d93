"""Reporting for ``dyadlab import transcripts``: one line per file, the attribution counts,
and in a dry run the list of turns that a person checks before importing."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from studies.cli import print_json

if TYPE_CHECKING:
    from studies.commands._transcripts_plan import ImportPlan


def short(text: str, limit: int = 40) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def report(args: argparse.Namespace, study, plans: list[ImportPlan], dry_run: bool = False) -> None:
    from coding.transcripts._attribution import describe

    records = []
    for plan in plans:
        record = {
            "transcript_id": plan.transcript_id,
            "source": str(plan.source),
            "format": plan.fmt,
            "participant_id": plan.participant_id,
            "role": plan.role,
            "status": plan.status,
            "turns": len(plan.turns),
            "characters": len(plan.text),
            "words": len(plan.text.split()),
            "participant_added": plan.new_participant,
            "turn_sidecar": plan.needs_sidecar,
            "attribution": plan.attribution,
            "warnings": plan.warnings,
        }
        if plan.reanchor is not None:
            record["codings"] = plan.reanchor
        if dry_run:
            record["turn_list"] = _turn_rows(plan)
        records.append(record)
        for warning in plan.warnings:
            print(f"warning: {plan.transcript_id}: {warning}", file=sys.stderr)
        if plan.reanchor and plan.reanchor["broken"]:
            for span in plan.reanchor["broken_spans"]:
                print(
                    f"warning: {plan.transcript_id}: coding {span.get('coding_id', '?')} "
                    f"({span.get('code_id', '')}) could not be re-anchored: "
                    f"{short(span['old_text'])!r} is now {short(span['new_text'])!r} "
                    f"[{span['start']}:{span['end']}] — please review",
                    file=sys.stderr,
                )
    if args.json:
        print_json({"study": study.id, "dry_run": dry_run, "transcripts": records})
        return
    for plan, record in zip(plans, records, strict=True):
        line = (
            f"{'(dry run) ' if dry_run else ''}"
            f"{record['transcript_id']}: {record['status']} from {record['source']} "
            f"({record['format']}, {record['turns']} turns, {record['words']:,} words; "
            f"participant {record['participant_id']}, {record['role']}"
            f"{', added' if record['participant_added'] else ''})"
        )
        if "codings" in record:
            counts = record["codings"]
            line += (
                f"; codings: {counts['unchanged']} unchanged, {counts['moved']} moved, "
                f"{counts['broken']} to review"
            )
        print(line)
        mark = "check: " if plan.attribution.get("needs_review") else ""
        print(f"  attribution: {mark}{describe(plan.attribution)}")
        if dry_run:
            _print_turns(record["turn_list"])


def _turn_rows(plan: ImportPlan) -> list[dict[str, Any]]:
    """One row per turn for a person to check: speaker, time, first words, why to check."""
    from coding.transcripts import UNKNOWN_SPEAKER

    rows = []
    for turn in plan.turns:
        reasons = []
        if turn.speaker == UNKNOWN_SPEAKER:
            reasons.append("no speaker label")
        if turn.metadata.get("joined_paragraphs"):
            reasons.append(f"{turn.metadata['joined_paragraphs']} paragraph(s) without a label")
        if turn.metadata.get("unlabelled_cues"):
            reasons.append(f"{turn.metadata['unlabelled_cues']} cue(s) without a speaker")
        rows.append(
            {
                "turn": turn.index,
                "speaker": turn.speaker,
                "time": _turn_time(turn.metadata),
                "start": turn.start,
                "end": turn.end,
                "text": short(plan.text[turn.start : turn.end], 72),
                "check": reasons,
            }
        )
    return rows


def _turn_time(metadata: dict[str, Any]) -> str:
    if metadata.get("time"):
        return str(metadata["time"])
    seconds = metadata.get("start_time")
    if seconds is None:
        return ""
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _print_turns(rows: list[dict[str, Any]]) -> None:
    """The dry run's table of turns; ``!`` marks turns attributed without a label."""
    width = min(max((len(row["speaker"]) for row in rows), default=7), 28)
    print(f"  {'turn':>5}   {'speaker':<{width}}  {'time':>8}  words")
    for row in rows:
        flag = "!" if row["check"] else " "
        note = f"  [{'; '.join(row['check'])}]" if row["check"] else ""
        speaker = short(row["speaker"], width)
        print(
            f"  {row['turn']:>5} {flag} {speaker:<{width}}  {row['time']:>8}  {row['text']}{note}"
        )
