"""``dyadlab import transcripts STUDY FILES…`` — add or update interview transcripts.

Each file (plain text, Word .docx, WebVTT/SRT captions, CSV) is read with
:func:`coding.transcripts.read_transcript`, normalised, and stored in the study's transcripts
folder as ``<transcript_id>.txt`` (UTF-8) plus a row of the manifest. Turns that the plain
text alone cannot reproduce (captions with timings, CSV rows, custom speaker patterns) are
kept in a ``<transcript_id>.turns.json`` sidecar.

Safety rules:

- every file is read and checked before anything is written; each output file is replaced
  atomically and the manifest last;
- ``--map files.csv`` imports many files with their own ids and participants (so that
  file names, which may hold names, need not become transcript ids);
- ``--dry-run`` reports what would happen (including re-anchoring) and writes nothing, and
  lists every turn (speaker, time, first words) so that a person can check the speaker
  attribution before importing;
- speech is never attributed silently: for every file the command reports how many turns
  are by ``UNKNOWN`` and how many paragraphs or caption cues without a label were joined to
  the turn before them (``coding.transcripts.attribution_summary``), and the dry run marks
  those turns with ``!``;
- re-importing a transcript whose text changed never moves its codings silently: the codings
  are re-anchored (:func:`coding.transcripts.reanchor`) and the import refuses, listing the
  spans whose text changed and how many would move, unless ``--reanchor`` is given; then the
  codings CSV is rewritten and spans that could not be re-anchored are reported;
- with ``deid: required_on_import: true`` in study.yaml the text is de-identified with
  ``coding.deid.redact`` before it is stored;
- a participant the import adds is checked against the data dictionary and the tables it
  refers to, so that an import that exits 0 leaves the study valid.

This module holds the options and the plan; the checks before writing are in
``_transcripts_checks`` (re-anchoring, de-identification) and ``_transcripts_participants``,
the writing in ``_transcripts_write``, the report and dry-run turn list in
``_transcripts_report``.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from pathlib import Path

import pandas as pd

from studies.cli import add_json_flag
from studies.commands._transcripts_checks import check_existing, coded_in_store, deidentify
from studies.commands._transcripts_participants import (
    new_participant_problems,
)
from studies.commands._transcripts_plan import ImportJob, ImportPlan
from studies.commands._transcripts_report import report
from studies.commands._transcripts_write import MANIFEST_COLUMNS, write
from studies.errors import StudyError

log = logging.getLogger(__name__)

PARTICIPANT_COLUMNS = [
    "participant_id",
    "role",
    "site",
    "person_id",
    "provider_type",
    "interview_date",
]
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def register(cli) -> None:
    parser = cli.subcommand(
        "import",
        "transcripts",
        "import interview transcripts (.txt, .docx, .vtt, .srt, .csv) into a study",
        import_transcripts,
    )
    parser.add_argument("study", metavar="STUDY", help="study id (e.g. demo) or path")
    parser.add_argument("files", metavar="FILES", nargs="*", help="transcript files")
    parser.add_argument(
        "--map",
        metavar="CSV",
        help="a CSV with one row per file: file (relative to the CSV) and any of "
        "transcript_id, participant_id, role, site, interview_date, interviewer",
    )
    parser.add_argument(
        "--participant",
        metavar="ID",
        help="the interviewee (default: a known participant id among the speakers, "
        "or the file name)",
    )
    parser.add_argument(
        "--role",
        choices=["patient", "provider"],
        help="the participant's role; needed to add a participant not yet in participants.csv",
    )
    parser.add_argument("--site", help="site of a participant added by this import")
    parser.add_argument(
        "--person-id",
        metavar="ID",
        help="person_id of a patient added by this import (links the interview to the cohort)",
    )
    parser.add_argument(
        "--provider-type",
        metavar="TYPE",
        help="provider_type of a provider added by this import (e.g. obstetrician, nurse)",
    )
    parser.add_argument(
        "--id", dest="transcript_id", metavar="ID", help="transcript id (one file only)"
    )
    parser.add_argument("--interview-date", metavar="YYYY-MM-DD", help="for the manifest")
    parser.add_argument("--interviewer", help="for the manifest")
    parser.add_argument(
        "--speaker-pattern",
        action="append",
        metavar="REGEX",
        help="speaker-label regular expression with a (?P<speaker>…) group; repeatable; "
        "replaces the default patterns",
    )
    parser.add_argument(
        "--max-mb", type=float, default=100.0, help="refuse files larger than this (100)"
    )
    parser.add_argument(
        "--reanchor",
        action="store_true",
        help="allow a changed transcript to move its existing codings (reported)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="check the files and report what would happen (codings moved, participants "
        "added) without writing anything; lists every turn for checking who said what",
    )
    add_json_flag(parser)


def import_transcripts(args: argparse.Namespace) -> int:
    """Run the command (see the module docstring)."""
    from studies import load_study

    study = load_study(args.study, check_files=False)
    jobs = _jobs(args)
    manifest_path = study.data_path("transcripts")
    folder = manifest_path.parent
    manifest = _read_csv(manifest_path, MANIFEST_COLUMNS)
    participants_path = study.data_path("participants") if study.has_table("participants") else None
    participants = _read_csv(participants_path, PARTICIPANT_COLUMNS) if participants_path else None
    codings_path = study.data_path("codings") if study.has_table("codings") else None
    codings = _read_csv(codings_path, None) if codings_path else None
    store_codings = coded_in_store(study)
    manifest_rows = {row["transcript_id"]: row for row in manifest.to_dict("records")}
    people = (
        {row["participant_id"]: row for row in participants.to_dict("records")}
        if participants is not None
        else {}
    )

    plans: list[ImportPlan] = []
    problems: list[str] = []
    for job in jobs:
        plan = _plan(args, study, job, manifest_rows, people, plans)
        check_existing(args, plan, folder, manifest_rows, codings, store_codings, problems)
        plans.append(plan)
    problems.extend(new_participant_problems(study, plans, participants))
    if problems and not args.dry_run:
        reanchor = any("coded span" in problem for problem in problems)
        raise StudyError(
            "; ".join(problems)
            + " — nothing was imported"
            + (
                " (use --reanchor to move the codings and review the reported spans)"
                if reanchor
                else ""
            )
        )
    if args.dry_run:
        for problem in problems:
            print(f"would refuse: {problem}", file=sys.stderr)
        report(args, study, plans, dry_run=True)
        return 1 if problems else 0
    write(
        args,
        plans,
        study,
        folder,
        manifest_path,
        manifest,
        participants_path,
        participants,
        codings_path,
        codings,
    )
    report(args, study, plans)
    return 0


# ------------------------------------------------------------------------------ planning
_MAP_COLUMNS = {
    "file",
    "transcript_id",
    "participant_id",
    "role",
    "site",
    "interview_date",
    "interviewer",
    "person_id",
    "provider_type",
}


def _jobs(args: argparse.Namespace) -> list[ImportJob]:
    """The files to import, each with its settings; --map rows override the options."""
    if args.transcript_id and (len(args.files) != 1 or args.map):
        raise StudyError("--id names one transcript; give exactly one file with it")
    defaults = {
        "participant": args.participant,
        "role": args.role,
        "site": args.site,
        "interview_date": args.interview_date,
        "interviewer": args.interviewer,
        "person_id": args.person_id,
        "provider_type": args.provider_type,
    }
    jobs = [
        ImportJob(Path(name), transcript_id=args.transcript_id, **defaults) for name in args.files
    ]
    if args.map:
        if not Path(args.map).is_file():
            raise StudyError("--map file not found", file=args.map)
        table = _read_csv(Path(args.map), None)
        unknown = sorted(set(table.columns) - _MAP_COLUMNS)
        if "file" not in table.columns or unknown:
            raise StudyError(
                f"--map needs a 'file' column and may have {sorted(_MAP_COLUMNS - {'file'})}"
                + (f"; unknown column(s) {unknown}" if unknown else ""),
                file=args.map,
                line=1,
            )
        base = Path(args.map).parent
        for row_number, row in enumerate(table.to_dict("records"), start=1):
            if not row["file"].strip():
                raise StudyError("is empty", file=args.map, row=row_number, field="file")
            role = row.get("role") or defaults["role"]
            if role not in (None, "patient", "provider"):
                raise StudyError(
                    f"role must be patient or provider, got {role!r}",
                    file=args.map,
                    row=row_number,
                    field="role",
                )
            jobs.append(
                ImportJob(
                    base / row["file"].strip(),
                    transcript_id=row.get("transcript_id") or None,
                    participant=row.get("participant_id") or defaults["participant"],
                    role=role,
                    site=row.get("site") or defaults["site"],
                    interview_date=row.get("interview_date") or defaults["interview_date"],
                    interviewer=row.get("interviewer") or defaults["interviewer"],
                    person_id=row.get("person_id") or defaults["person_id"],
                    provider_type=row.get("provider_type") or defaults["provider_type"],
                )
            )
    if not jobs:
        raise StudyError("no files to import: give FILES or --map CSV")
    return jobs


def _plan(
    args: argparse.Namespace,
    study,
    job: ImportJob,
    manifest_rows: dict[str, dict[str, str]],
    people: dict[str, dict[str, str]],
    earlier: list[ImportPlan],
) -> ImportPlan:
    from coding.transcripts import read_transcript
    from coding.transcripts._turns import parse_turns

    source = job.source
    transcript_id = job.transcript_id or source.stem
    if not _ID.match(transcript_id):
        raise StudyError(
            f"transcript id {transcript_id!r} may hold only letters, digits, '_', '.', '-' "
            "(give --id)",
            file=source,
        )
    if any(plan.transcript_id == transcript_id for plan in earlier):
        raise StudyError(f"two files would both be transcript {transcript_id!r}", file=source)
    reader_log = logging.getLogger("coding.transcripts")
    level = reader_log.level
    reader_log.setLevel(logging.ERROR)  # the reader's warnings are printed once, per file, below
    try:
        transcript = read_transcript(
            source,
            transcript_id=transcript_id,
            speaker_patterns=args.speaker_pattern,
            max_bytes=int(args.max_mb * 1024 * 1024),
        )
    finally:
        reader_log.setLevel(level)
    known = set(people)
    participant_id = job.participant
    if participant_id is None:
        existing = manifest_rows.get(transcript_id)
        speakers = [s for s in transcript.speakers if s in known]
        if existing is not None:
            participant_id = existing["participant_id"]
        elif len(speakers) == 1:
            participant_id = speakers[0]
        elif source.stem in known:
            participant_id = source.stem
        else:
            raise StudyError(
                "cannot tell who was interviewed (no single known participant among the "
                f"speakers {transcript.speakers[:5]}); give --participant",
                file=source,
            )
    if not _ID.match(participant_id):
        raise StudyError(f"participant id {participant_id!r} is not valid", field="participant")
    new_participant = participant_id not in known
    if new_participant:
        if job.role is None:
            raise StudyError(
                f"participant {participant_id!r} is not in the participants table; "
                "give --role patient|provider to add them",
                file=source,
                field="participant_id",
            )
        role = job.role
    else:
        role = people[participant_id].get("role") or "other"
        if job.role and job.role != role:
            raise StudyError(
                f"participant {participant_id!r} is a {role} in the participants table, "
                f"not a {job.role}",
                file=source,
                field="role",
            )
    text, turns, warnings = transcript.text, transcript.turns, list(transcript.warnings)
    if study.config.deid.required_on_import:
        text, turns, deid_warnings = deidentify(text, turns, source)
        warnings += deid_warnings
    fmt = transcript.metadata.get("format", "text")
    deidentified = bool(study.config.deid.required_on_import)
    if fmt == "text" and args.speaker_pattern is None and not deidentified:
        needs_sidecar = False  # the stored text is parsed exactly as it was just now
    else:
        needs_sidecar = parse_turns(text)[0] != turns
    from coding.transcripts import attribution_summary

    return ImportPlan(
        attribution=attribution_summary(turns),
        transcript_id=transcript_id,
        source=source,
        participant_id=participant_id,
        role=role,
        text=text,
        turns=turns,
        fmt=fmt,
        warnings=warnings,
        needs_sidecar=needs_sidecar,
        job=job,
        new_participant=new_participant
        and participant_id not in {p.participant_id for p in earlier if p.new_participant},
    )


def _read_csv(path: Path | None, columns: list[str] | None) -> pd.DataFrame:
    """A CSV as strings ("" for empty cells); an empty frame with ``columns`` if absent."""
    if path is None or not path.exists():
        return pd.DataFrame(columns=columns or [], dtype=str)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise StudyError(f"not a readable CSV file ({error})", file=path) from None
