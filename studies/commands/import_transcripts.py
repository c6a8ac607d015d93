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
  ``coding.deid.redact`` before it is stored.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from studies.cli import add_json_flag, print_json
from studies.errors import StudyError

log = logging.getLogger(__name__)

MANIFEST_COLUMNS = ["transcript_id", "participant_id", "file", "interview_date", "interviewer"]
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


@dataclass
class _Job:
    """One file to import and its settings (from the options or a --map row)."""

    source: Path
    transcript_id: str | None = None
    participant: str | None = None
    role: str | None = None
    site: str | None = None
    interview_date: str | None = None
    interviewer: str | None = None
    person_id: str | None = None
    provider_type: str | None = None


@dataclass
class _Plan:
    transcript_id: str
    source: Path
    participant_id: str
    role: str
    text: str
    turns: list
    fmt: str
    warnings: list[str] = field(default_factory=list)
    status: str = "new"
    needs_sidecar: bool = False
    new_participant: bool = False
    reanchor: dict[str, Any] | None = None
    codings_update: pd.DataFrame | None = None
    job: _Job | None = None
    attribution: dict[str, Any] = field(default_factory=dict)


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
    store_codings = _store_codings(study)
    manifest_rows = {row["transcript_id"]: row for row in manifest.to_dict("records")}
    people = (
        {row["participant_id"]: row for row in participants.to_dict("records")}
        if participants is not None
        else {}
    )

    plans: list[_Plan] = []
    problems: list[str] = []
    for job in jobs:
        plan = _plan(args, study, job, manifest_rows, people, plans)
        _check_existing(args, plan, folder, manifest_rows, codings, store_codings, problems)
        plans.append(plan)
    problems.extend(_new_participant_problems(study, plans, participants))
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
        _report(args, study, plans, dry_run=True)
        return 1 if problems else 0
    _write(
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
    _report(args, study, plans)
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


def _jobs(args: argparse.Namespace) -> list[_Job]:
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
    jobs = [_Job(Path(name), transcript_id=args.transcript_id, **defaults) for name in args.files]
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
                _Job(
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
    job: _Job,
    manifest_rows: dict[str, dict[str, str]],
    people: dict[str, dict[str, str]],
    earlier: list[_Plan],
) -> _Plan:
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
        text, turns, deid_warnings = _deidentify(text, turns, source)
        warnings += deid_warnings
    fmt = transcript.metadata.get("format", "text")
    deidentified = bool(study.config.deid.required_on_import)
    if fmt == "text" and args.speaker_pattern is None and not deidentified:
        needs_sidecar = False  # the stored text is parsed exactly as it was just now
    else:
        needs_sidecar = parse_turns(text)[0] != turns
    from coding.transcripts import attribution_summary

    return _Plan(
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


def _participants_with(participants: pd.DataFrame, new_people: list[_Plan]) -> pd.DataFrame:
    """The participants table with a row for each participant this import adds."""
    rows = pd.DataFrame(
        [
            {
                "participant_id": plan.participant_id,
                "role": plan.role,
                "site": (plan.job.site if plan.job else None) or "",
                "person_id": (plan.job.person_id if plan.job else None) or "",
                "provider_type": (plan.job.provider_type if plan.job else None) or "",
                "interview_date": (plan.job.interview_date if plan.job else None) or "",
            }
            for plan in new_people
        ]
    )
    return pd.concat([participants, rows], ignore_index=True).fillna("")


_OPTION_FOR = {
    "person_id": "--person-id",
    "provider_type": "--provider-type",
    "site": "--site",
    "interview_date": "--interview-date",
    "role": "--role",
}


def _new_participant_problems(
    study, plans: list[_Plan], participants: pd.DataFrame | None
) -> list[str]:
    """Check the participants an import would add against the data dictionary and the tables
    they refer to (a patient's ``person_id`` must be in deliveries), so that an import that
    exits 0 never leaves the study failing ``dyadlab validate``."""
    new_people = [plan for plan in plans if plan.new_participant]
    if not new_people or participants is None:
        return []
    from data_dictionary import check_table, load_schema, relation_problems

    table = _participants_with(participants, new_people)
    first_new = len(participants)
    typed, found = check_table(table.replace("", pd.NA), "participants")
    if found.empty:
        tables = {"participants": typed}
        for key in load_schema("participants").foreign_keys:
            if key.resource not in tables and study.has_table(key.resource):
                tables[key.resource] = study.table(key.resource)
        found = relation_problems(tables)
        if not found.empty and "table" in found.columns:
            found = found[found["table"] == "participants"]
    problems = []
    for record in found.to_dict("records"):
        row = int(record.get("row", 0)) - 1  # problems count rows from 1
        if row < first_new:
            continue  # the table had this problem before the import
        person = table.iloc[row]["participant_id"]
        column = record.get("column", "")
        option = _OPTION_FOR.get(column)
        hint = f"give {option} (or a {column} column in --map)" if option else ""
        problems.append(
            f"participant {person!r} would be added with {column}: {record.get('message', '')}"
            + (f" — {hint}" if hint else "")
        )
    return problems


def _deidentify(text: str, turns: list, source: Path) -> tuple[str, list, list[str]]:
    """Redact ``text`` with coding.deid; turns are mapped through the redaction."""
    try:
        from coding.deid import redact
    except ImportError:
        raise StudyError(
            "study.yaml requires de-identification on import (deid.required_on_import) but "
            "coding.deid is not available",
            field="deid.required_on_import",
        ) from None
    from coding.transcripts._reanchor import OffsetMap
    from coding.transcripts._turns import Turn

    result = redact(text)
    offsets = OffsetMap(text, result.text)
    # speaker names can be names too: redact them the same way (they go into sidecars)
    speakers = {turn.speaker: redact(turn.speaker).text for turn in turns}
    new_turns = []
    for turn in turns:
        start, end = offsets.span(turn.start, turn.end)
        new_turns.append(Turn(turn.index, speakers[turn.speaker], start, end, dict(turn.metadata)))
    spans = getattr(result, "spans", None)
    n = 0 if spans is None else len(spans)
    return result.text, new_turns, [f"de-identified: {n} span(s) redacted"] if n else []


def _check_existing(
    args: argparse.Namespace,
    plan: _Plan,
    folder: Path,
    manifest_rows: dict[str, dict[str, str]],
    codings: pd.DataFrame | None,
    store_codings: pd.DataFrame | None,
    problems: list[str],
) -> None:
    from coding.transcripts import read_transcript, reanchor

    row = manifest_rows.get(plan.transcript_id)
    if row is None:
        return
    if row["participant_id"] != plan.participant_id:
        raise StudyError(
            f"transcript {plan.transcript_id!r} belongs to participant "
            f"{row['participant_id']!r}, not {plan.participant_id!r}",
            file=plan.source,
            field="participant_id",
        )
    old_path = folder / row["file"]
    old_text = read_transcript(old_path).text if old_path.is_file() else None
    if old_text == plan.text:
        plan.status = "unchanged"
        return
    plan.status = "replaced"
    if old_text is None:
        return
    if store_codings is not None and (store_codings["transcript_id"] == plan.transcript_id).any():
        problems.append(
            f"{plan.transcript_id}: its text changed and it has codings in the coding store; "
            "re-anchoring store codings is not supported by this command (re-import under a "
            "new id)"
        )
        return
    if codings is None or codings.empty:
        return
    mask = codings["transcript_id"] == plan.transcript_id
    if not mask.any():
        return
    subset = codings[mask].copy()
    try:
        subset["start"] = subset["start"].astype("int64")
        subset["end"] = subset["end"].astype("int64")
    except ValueError:
        raise StudyError(
            f"codings of {plan.transcript_id} have non-integer offsets", field="start"
        ) from None
    moved, report = reanchor(old_text, plan.text, subset)
    plan.reanchor = report.to_dict()
    if report.n_moved == 0 and report.n_broken == 0:
        return
    if not args.reanchor:
        listed = ", ".join(
            f"{row.get('coding_id', '?')} {row.get('code_id', '')} "
            f"[{row['old_start']}:{row['old_end']}] {_short(row['old_text'])!r}"
            for row in report.broken.to_dict("records")[:5]
        )
        more = f" and {report.n_broken - 5} more" if report.n_broken > 5 else ""
        problems.append(
            f"{plan.transcript_id}: text changed under {report.n_moved + report.n_broken} "
            f"coded span(s) ({report.summary()})"
            + (f"; changed spans: {listed}{more}" if report.n_broken else "")
        )
        return
    plan.status = "reanchored"
    plan.codings_update = moved


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _store_codings(study) -> pd.DataFrame | None:
    path = study.store_path
    if path is None or not path.exists():
        return None
    from coding.store import CodingStore

    with CodingStore(study.store_url) as store:
        return store.codings()


# ------------------------------------------------------------------------------- writing
def _write(
    args: argparse.Namespace,
    plans: list[_Plan],
    study,
    folder: Path,
    manifest_path: Path,
    manifest: pd.DataFrame,
    participants_path: Path | None,
    participants: pd.DataFrame | None,
    codings_path: Path | None,
    codings: pd.DataFrame | None,
) -> None:
    from coding.transcripts.importers.sidecar import sidecar_path, sidecar_payload
    from data_dictionary.files import atomic_write

    new_people = [plan for plan in plans if plan.new_participant]
    if new_people and participants_path is None:
        raise StudyError(
            "the study has no participants table (data.participants) to add "
            f"{new_people[0].participant_id!r} to",
            field="data.participants",
        )
    folder.mkdir(parents=True, exist_ok=True)
    for plan in plans:
        if plan.status == "unchanged":
            continue
        target = folder / f"{plan.transcript_id}.txt"
        with atomic_write(target) as handle:
            handle.write(plan.text)
        sidecar = sidecar_path(target)
        if plan.needs_sidecar:
            with atomic_write(sidecar) as handle:
                handle.write(sidecar_payload(plan.text, plan.turns))
        elif sidecar.exists():
            sidecar.unlink()
    updates = [plan.codings_update for plan in plans if plan.codings_update is not None]
    if updates and codings is not None and codings_path is not None:
        updated = codings.copy()
        for moved in updates:
            updated.loc[moved.index, "start"] = moved["start"].astype(str)
            updated.loc[moved.index, "end"] = moved["end"].astype(str)
        with atomic_write(codings_path) as handle:
            updated.to_csv(handle, index=False)
    if new_people and participants is not None and participants_path is not None:
        table = _participants_with(participants, new_people)
        with atomic_write(participants_path) as handle:
            table.to_csv(handle, index=False)
    records = manifest.to_dict("records")
    position = {row["transcript_id"]: i for i, row in enumerate(records)}
    for plan in plans:
        record = {
            "transcript_id": plan.transcript_id,
            "participant_id": plan.participant_id,
            "file": f"{plan.transcript_id}.txt",
        }
        job = plan.job or _Job(plan.source)
        if job.interview_date:
            record["interview_date"] = job.interview_date
        if job.interviewer:
            record["interviewer"] = job.interviewer
        if plan.transcript_id in position:
            records[position[plan.transcript_id]].update(record)
        else:
            position[plan.transcript_id] = len(records)
            records.append(record)
    columns = list(dict.fromkeys([*manifest.columns, *MANIFEST_COLUMNS]))
    table = pd.DataFrame(records, columns=columns)
    with atomic_write(manifest_path) as handle:
        table.fillna("").to_csv(handle, index=False)
    _register_in_store(study, plans)


def _register_in_store(study, plans: list[_Plan]) -> None:
    """Tell an existing coding store about new transcripts (their text hashes)."""
    path = study.store_path
    if path is None or not path.exists():
        return
    from coding.errors import CodingError
    from coding.store import CodingStore

    texts = {plan.transcript_id: plan.text for plan in plans if plan.status == "new"}
    if not texts:
        return
    try:
        with CodingStore(study.store_url) as store:
            store.register_transcripts(texts, actor="import")
    except CodingError as error:
        print(f"warning: the coding store was not updated: {error}", file=sys.stderr)


def _read_csv(path: Path | None, columns: list[str] | None) -> pd.DataFrame:
    """A CSV as strings ("" for empty cells); an empty frame with ``columns`` if absent."""
    if path is None or not path.exists():
        return pd.DataFrame(columns=columns or [], dtype=str)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise StudyError(f"not a readable CSV file ({error})", file=path) from None


def _report(args: argparse.Namespace, study, plans: list[_Plan], dry_run: bool = False) -> None:
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
                    f"{_short(span['old_text'])!r} is now {_short(span['new_text'])!r} "
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


def _turn_rows(plan: _Plan) -> list[dict[str, Any]]:
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
                "text": _short(plan.text[turn.start : turn.end], 72),
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
        speaker = _short(row["speaker"], width)
        print(
            f"  {row['turn']:>5} {flag} {speaker:<{width}}  {row['time']:>8}  {row['text']}{note}"
        )
