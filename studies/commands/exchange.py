"""REFI-QDA and codings exchange commands.

* ``dyadlab export qdpx STUDY OUT`` — the study's transcripts, codebook, codings (all coders)
  and participants as a REFI-QDA project for NVivo, ATLAS.ti, MAXQDA, QualCoder …;
* ``dyadlab export codings STUDY OUT.csv`` — every coded span as CSV;
* ``dyadlab import qdpx STUDY FILE`` — add a project's text sources and codings to the study.
  A transcript whose id exists with a *different* text is refused (offsets would point at
  other words); with the same text only its new codings are added. Codes must exist in the
  study's codebook (``--skip-unknown-codes`` skips those codings with a warning).

Warnings (what REFI-QDA cannot carry) go to stderr, one line each; ``--json`` prints a
summary on stdout.
"""

from __future__ import annotations

import argparse
import logging
import sys
import uuid
from pathlib import Path

import pandas as pd

from studies.cli import add_json_flag, print_json
from studies.errors import StudyError

log = logging.getLogger(__name__)

_NS = uuid.UUID("0b7d6c1e-3f4a-5b2c-8d9e-1a2b3c4d5e6f")
CODING_COLUMNS = ["coding_id", "transcript_id", "coder", "code_id", "start", "end", "memo"]


def register(cli) -> None:
    parser = cli.subcommand(
        "export", "qdpx", "export a study as a REFI-QDA project (.qdpx)", export_qdpx
    )
    parser.add_argument("study", metavar="STUDY", help="study id (e.g. demo) or path")
    parser.add_argument("out", metavar="OUT", help="the .qdpx file to write")
    add_json_flag(parser)

    parser = cli.subcommand("export", "codings", "export every coded span as CSV", export_codings)
    parser.add_argument("study", metavar="STUDY", help="study id (e.g. demo) or path")
    parser.add_argument("out", metavar="OUT", help="the .csv file to write")
    add_json_flag(parser)

    parser = cli.subcommand(
        "import", "qdpx", "add the sources and codings of a REFI-QDA project", import_qdpx
    )
    parser.add_argument("study", metavar="STUDY", help="study id (e.g. demo) or path")
    parser.add_argument("file", metavar="FILE", help="the .qdpx file to read")
    parser.add_argument(
        "--skip-unknown-codes",
        action="store_true",
        help="skip codings whose code is not in the study's codebook (default: refuse)",
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
        args.out, corpus, study.codebook(), codings, participants=participants, name=study.name
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
    from data_dictionary.files import atomic_write
    from studies import load_study

    study = load_study(args.study)
    codings = study.codings()
    first = [c for c in CODING_COLUMNS if c in codings.columns]
    codings = codings[first + [c for c in codings.columns if c not in first]]
    with atomic_write(args.out, "w") as handle:
        codings.to_csv(handle, index=False)
    if args.json:
        print_json({"study": study.id, "file": str(Path(args.out)), "codings": len(codings)})
    else:
        print(f"wrote {args.out}: {len(codings)} codings")
    return 0


def import_qdpx(args: argparse.Namespace) -> int:
    from coding.exchange import read_qdpx
    from studies import load_study

    study = load_study(args.study, check_files=False)
    project = read_qdpx(args.file)
    warnings = list(project.warnings)
    manifest_path = study.data_path("transcripts")
    existing = study.transcripts() if manifest_path.is_file() else None
    existing_ids = set(existing.ids) if existing is not None else set()
    new_transcripts = []
    for transcript in project.corpus:
        if transcript.id in existing_ids:
            if existing.text(transcript.id) != transcript.text:
                raise StudyError(
                    f"transcript {transcript.id!r} already exists with a different text; "
                    "refusing to overwrite it (codings would point at other words) — rename "
                    "the source in the project or remove the study's transcript first",
                    file=args.file,
                    field="transcript_id",
                )
            continue
        new_transcripts.append(transcript)
    known_people = set()
    if study.has_table("participants") and study.data_path("participants").is_file():
        known_people = set(study.participants()["participant_id"].astype(str))
    missing_people = sorted(
        {t.participant_id for t in new_transcripts if t.participant_id} - known_people
    )
    if missing_people:
        warnings.append(
            f"participants {missing_people} are not in the study's participants table; add "
            "them (their case variables are in the project) or `dyadlab validate` will flag "
            "the manifest"
        )
    codings = project.codings
    book = study.codebook()
    unknown = sorted(set(codings["code_id"]) - set(book.ids))
    if unknown:
        if not args.skip_unknown_codes:
            raise StudyError(
                f"codes {unknown[:8]} are not in the study's codebook; add them to the "
                "codebook first or pass --skip-unknown-codes",
                file=args.file,
                field="code_id",
            )
        skipped = codings["code_id"].isin(unknown)
        warnings.append(f"{int(skipped.sum())} codings with codes not in the codebook skipped")
        codings = codings[~skipped]
    current = study.codings() if _has_codings(study) else pd.DataFrame(columns=CODING_COLUMNS)
    key = ["transcript_id", "coder", "code_id", "start", "end"]
    seen = set(map(tuple, current[key].astype(str).to_numpy())) if len(current) else set()
    fresh = codings[[tuple(map(str, row)) not in seen for row in codings[key].to_numpy()]]
    fresh = fresh.assign(
        coding_id=[
            f"qdpx-{cid}" if isinstance(cid, str) and cid else f"qdpx-{uuid.uuid5(_NS, repr(k))}"
            for cid, k in zip(fresh["coding_id"], fresh[key].to_numpy().tolist(), strict=True)
        ],
        memo=fresh["memo"].fillna(""),
    )[CODING_COLUMNS]
    _write_transcripts(study, manifest_path, new_transcripts, existing)
    _write_codings(study, fresh, list(project.corpus))
    _warn(warnings)
    summary = {
        "study": study.id,
        "file": str(args.file),
        "transcripts_added": [t.id for t in new_transcripts],
        "codings_added": int(len(fresh)),
        "codings_already_present": int(len(codings) - len(fresh)),
        "warnings": warnings,
    }
    if args.json:
        print_json(summary)
    else:
        print(
            f"imported {args.file}: {len(new_transcripts)} new transcripts, {len(fresh)} new "
            f"codings ({summary['codings_already_present']} already present)"
        )
    return 0


def _has_codings(study) -> bool:
    store = study.store_path
    if store is None or store.exists():
        return True
    return study.has_table("codings") and study.data_path("codings").is_file()


def _write_transcripts(study, manifest_path: Path, transcripts: list, existing) -> None:
    from data_dictionary.files import atomic_write

    if not transcripts:
        return
    folder = manifest_path.parent
    for transcript in transcripts:
        target = folder / f"{transcript.id}.txt"
        if target.exists():
            raise StudyError(
                f"file {target} exists but is not in the manifest; refusing to overwrite it",
                file=manifest_path,
            )
    if manifest_path.is_file():
        manifest = pd.read_csv(manifest_path, dtype=str, keep_default_na=False)
    else:
        manifest = pd.DataFrame(
            columns=["transcript_id", "participant_id", "file", "interview_date", "interviewer"]
        )
    rows = []
    for transcript in transcripts:
        with atomic_write(folder / f"{transcript.id}.txt", "w") as handle:
            handle.write(transcript.text)
        row = dict.fromkeys(manifest.columns, "")
        row.update(
            transcript_id=transcript.id,
            participant_id=transcript.participant_id or "",
            file=f"{transcript.id}.txt",
        )
        rows.append(row)
    manifest = pd.concat([manifest, pd.DataFrame(rows)], ignore_index=True)
    with atomic_write(manifest_path, "w") as handle:
        manifest.to_csv(handle, index=False)


def _write_codings(study, fresh: pd.DataFrame, transcripts: list) -> None:
    from data_dictionary.files import atomic_write

    if fresh.empty:
        return
    store = study.store_path
    if store is None or store.exists():
        from coding.store import CodingStore

        coding_store = CodingStore(study.store_url)
        coding_store.register_transcripts({t.id: t.text for t in transcripts})
        coding_store.import_codings(fresh, source="qdpx import")
        return
    path = study.data_path("codings")
    if path.is_file():
        current = pd.read_csv(path, dtype=str, keep_default_na=False)
        combined = pd.concat([current, fresh.fillna("").astype(str)], ignore_index=True)
    else:
        combined = fresh
    with atomic_write(path, "w") as handle:
        combined.to_csv(handle, index=False)
