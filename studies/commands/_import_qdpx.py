"""``dyadlab import qdpx STUDY FILE``: a project from NVivo, ATLAS.ti, MAXQDA, QualCoder … into
a study, all or nothing.

What is added: the project's text sources as transcripts (text beside the manifest, a manifest
row each), their participants (from the project's Cases and their variables, or from a
``--participants`` mapping file), its codings (coding store when the study has one, else
``codings.csv``) and — with ``--codebook merge|adopt`` — its codes. Codes are mapped to the
study's by name; ``merge`` adds the others, ``adopt`` makes the project's codebook the study's
(refused while the study's codings use codes it lacks). Positions are read in the unit the
project uses (detected; ``--positions`` overrides). With ``deid: required_on_import`` in
study.yaml the new texts are de-identified and their codings moved with them.

The import is checked before it counts: every file it changes is kept, the study is validated
(``dyadlab validate``) afterwards, and if the import added problems every file is put back and
the command fails naming them — an import that exits 0 leaves a study that validates as well
as before. Tested in tests/studies/commands/test_import_qdpx.py.

The module is longer than most (about 440 lines) because an all-or-nothing import is one
transaction: planning, checking and writing, with the put-back when the study would validate
worse, read best in one place; the participant mapping lives in ``_qdpx_participants``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import re
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from studies.cli import print_json
from studies.commands._qdpx_participants import (
    assign_participants,
    read_mapping,
    write_participants,
)
from studies.errors import StudyError

_NS = uuid.UUID("0b7d6c1e-3f4a-5b2c-8d9e-1a2b3c4d5e6f")
CODING_COLUMNS = ["coding_id", "transcript_id", "coder", "code_id", "start", "end", "memo"]
_KEY = ["transcript_id", "coder", "code_id", "start", "end"]


@dataclass
class _Changes:
    """Files written by the import, with what they held before (None: did not exist)."""

    before: dict[Path, bytes | None] = field(default_factory=dict)

    def keep(self, path: Path) -> None:
        if path not in self.before:
            self.before[path] = path.read_bytes() if path.is_file() else None

    def write(self, path: Path, text: str) -> None:
        from data_dictionary.files import atomic_write

        self.keep(path)
        with atomic_write(path, "w") as handle:
            handle.write(text)

    def undo(self) -> None:
        from data_dictionary.files import atomic_write

        for path, data in self.before.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                with atomic_write(path, "wb") as handle:
                    handle.write(data)


def _read_project(file, positions):
    """The project; a REFI-QDA codebook (.qdc) reads as a project with codes only."""
    from coding.exchange import QdpxProject, read_qdc, read_qdpx
    from coding.transcripts import Corpus

    if Path(file).suffix.lower() != ".qdc":
        return read_qdpx(file, positions=positions)
    warnings: list[str] = []
    book = read_qdc(file, warnings=warnings)
    return QdpxProject(
        corpus=Corpus([]),
        codebook=book,
        codings=pd.DataFrame(columns=CODING_COLUMNS).astype({"start": "int64", "end": "int64"}),
        participants=pd.DataFrame(columns=["participant_id", "case_name"]),
        users=pd.DataFrame(columns=["guid", "coder"]),
        warnings=warnings,
        origin="codebook file",
    )


def import_qdpx(args: argparse.Namespace) -> int:
    from studies import load_study

    study = load_study(args.study, check_files=False)
    project = _read_project(args.file, args.positions)
    warnings = list(project.warnings)
    mapping_file = read_mapping(args.participants) if args.participants else None
    manifest_path = study.data_path("transcripts")
    with _quiet_loader():  # the study's own transcripts: their notes are not this import's
        existing = study.transcripts() if manifest_path.is_file() else None
    existing_ids = set(existing.ids) if existing is not None else set()
    sources = []
    for transcript in project.corpus:
        if transcript.text.strip():
            sources.append(transcript)
        else:
            warnings.append(
                f"source {transcript.metadata.get('refi_name', transcript.id)!r} has no text; "
                "not imported (a study's transcripts must have text)"
            )
    project_codings = project.codings
    if study.config.deid.required_on_import and sources:
        # before comparing with the study's texts, which were stored de-identified
        sources, project_codings = _deidentify(sources, project_codings, warnings)
    new_transcripts = []
    for transcript in sources:
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
    book, code_map, book_summary = _codebook(study, project, args, warnings)
    codings = project_codings.assign(code_id=project_codings["code_id"].map(code_map))
    unknown = sorted(set(project_codings["code_id"][codings["code_id"].isna()]))
    blockers: dict[str, str] = {}  # field -> what the user must do, reported together
    if unknown and not args.skip_unknown_codes:
        blockers["code_id"] = (
            f"the project's codings use {len(unknown)} codes that the study's codebook "
            f"does not have (compared by name): {unknown[:8]}; pass --codebook merge to "
            "add them, --codebook adopt to use the project's codebook, or "
            "--skip-unknown-codes to leave their codings out"
        )
    elif unknown:
        skipped = codings["code_id"].isna()
        warnings.append(f"{int(skipped.sum())} codings with codes not in the codebook skipped")
        codings = codings[~skipped]
    people, participant_of, unmapped = assign_participants(
        study, project, new_transcripts, mapping_file, args.participant, warnings
    )
    if unmapped:
        blockers["participant_id"] = (
            f"{len(unmapped)} source(s) belong to no participant: {unmapped[:5]} — the project "
            "links them to no case; pass --participant ID (one participant for all), or "
            "--participants FILE, a CSV with columns source, participant_id (and role, site, "
            "person_id, provider_type, interview_date for participants new to the study)"
        )
    if blockers:
        raise StudyError(
            "; and ".join(blockers.values()),
            file=args.file,
            field=next(iter(blockers)) if len(blockers) == 1 else None,
        )
    current = study.codings() if _has_codings(study) else pd.DataFrame(columns=CODING_COLUMNS)
    seen = set(map(tuple, current[_KEY].astype(str).to_numpy())) if len(current) else set()
    keep = [tuple(map(str, row)) not in seen for row in codings[_KEY].to_numpy()]
    fresh = codings[pd.Series(keep, index=codings.index, dtype=bool)]
    fresh = fresh.assign(
        coding_id=[
            f"qdpx-{cid}" if isinstance(cid, str) and cid else f"qdpx-{uuid.uuid5(_NS, repr(k))}"
            for cid, k in zip(fresh["coding_id"], fresh[_KEY].to_numpy().tolist(), strict=True)
        ],
        memo=fresh["memo"].fillna(""),
    )[CODING_COLUMNS]
    if args.dry_run:
        summary = _summary(study, args, new_transcripts, fresh, codings, people, book_summary,
                           warnings, project)  # fmt: skip
        _report(summary, args, dry_run=True)
        return 0
    changes = _Changes()
    problems_before = _problem_count(study)
    try:
        if book is not None:
            _write_codebook(study, book, changes)
        write_participants(study, people, changes)
        _write_transcripts(study, manifest_path, new_transcripts, participant_of, changes)
        store = study.store_path is None or study.store_path.exists()
        if not store:
            _write_codings_csv(study, fresh, changes)
        _check_after(study, problems_before, args.file)
    except BaseException:
        changes.undo()
        raise
    if store and not fresh.empty:
        from coding.store import CodingStore

        coding_store = CodingStore(study.store_url)
        coding_store.register_transcripts({t.id: t.text for t in sources})
        coding_store.import_codings(fresh, source="qdpx import")
    summary = _summary(study, args, new_transcripts, fresh, codings, people, book_summary,
                       warnings, project)  # fmt: skip
    _report(summary, args, dry_run=False)
    return 0


def _deidentify(transcripts: list, codings: pd.DataFrame, warnings: list[str]):
    """Texts redacted with coding.deid (study.yaml ``deid: required_on_import``), codings moved.

    A coding keeps its words; one that starts or ends inside a redacted identifier is widened
    over the replacement, as turns are by ``dyadlab import transcripts``.
    """
    try:
        from coding.deid import redact
    except ImportError:
        raise StudyError(
            "study.yaml requires de-identification on import (deid.required_on_import) but "
            "coding.deid is not available",
            field="deid.required_on_import",
        ) from None
    from coding.transcripts import Transcript
    from coding.transcripts._reanchor import OffsetMap

    codings = codings.copy()
    redacted = []
    for transcript in transcripts:
        result = redact(transcript.text)
        offsets = OffsetMap(transcript.text, result.text)
        rows = codings.index[codings["transcript_id"] == transcript.id]
        for row in rows:
            start, end = offsets.span(int(codings.at[row, "start"]), int(codings.at[row, "end"]))
            codings.loc[row, ["start", "end"]] = [start, end]
        spans = getattr(result, "spans", None)
        n = 0 if spans is None else len(spans)
        if n:
            warnings.append(f"{transcript.id}: de-identified, {n} span(s) redacted")
        redacted.append(
            Transcript.from_text(
                transcript.id,
                result.text,
                participant_id=transcript.participant_id,
                role=transcript.role,
                metadata=dict(transcript.metadata),
            )
        )
    return redacted, codings


@contextlib.contextmanager
def _quiet_loader():
    """Hold back the transcript loader's per-file notes (logged warnings) while it runs."""
    logger = logging.getLogger("coding.transcripts")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


# ------------------------------------------------------------------------------ codebook
def _codebook(study, project, args, warnings):
    """``(codebook to write or None, {project code id: study code id}, summary)``."""
    from coding.exchange import adopt_codebook, merge_codebook

    current = study.codebook()
    if args.codebook == "adopt":
        result = adopt_codebook(current, project.codebook)
        used = set(study.codings()["code_id"].astype(str)) if _has_codings(study) else set()
        missing = sorted(used - set(result.codebook.ids))
        if missing:
            raise StudyError(
                f"the study's codings use {len(missing)} codes the project's codebook lacks "
                f"({missing[:8]}); adopting it would orphan them — use --codebook merge",
                file=args.file,
                field="codebook",
            )
    else:
        result = merge_codebook(
            current, project.codebook, match_ids=project.origin.startswith("dyadlab")
        )
    summary = {
        "mode": args.codebook,
        "project_codes": len(project.codebook),
        "matched_by_name": len(result.matched),
        "added": result.added if args.codebook != "study" else [],
    }
    if args.codebook == "study":
        known = {project_id: study_id for project_id, study_id in result.matched}
        if len(project.codebook) and not len(project.codings):
            warnings.append(
                f"the project's codebook ({len(project.codebook)} codes) is not imported; pass "
                "--codebook merge or --codebook adopt to take it"
            )
        return None, known, summary
    return result.codebook, result.mapping, summary


def _write_codebook(study, book, changes: _Changes) -> None:
    target = study.codebook_path
    if target is None:
        target = study.folder / "codebook.yaml"
        if target.exists():
            raise StudyError(
                f"{target} exists but study.yaml uses the default codebook; refusing to "
                "overwrite it — point 'codebook:' at it or move it away",
                file=study.path,
                field="codebook",
            )
        text = study.path.read_text(encoding="utf-8")
        line = "codebook: codebook.yaml  # written by dyadlab import qdpx"
        if re.search(r"(?m)^codebook:.*$", text):
            text = re.sub(r"(?m)^codebook:.*$", line, text, count=1)
        else:
            text = text.rstrip("\n") + "\n" + line + "\n"
        changes.write(study.path, text)
    changes.keep(target)
    book.to_yaml(target)


# ------------------------------------------------------------------------------ writing
def _has_codings(study) -> bool:
    store = study.store_path
    if store is None or store.exists():
        return True
    return study.has_table("codings") and study.data_path("codings").is_file()


def _write_transcripts(study, manifest_path: Path, transcripts, participant_of, changes) -> None:
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
        changes.write(folder / f"{transcript.id}.txt", transcript.text)
        row = dict.fromkeys(manifest.columns, "")
        row.update(
            transcript_id=transcript.id,
            participant_id=participant_of[transcript.id],
            file=f"{transcript.id}.txt",
        )
        rows.append(row)
    manifest = pd.concat([manifest, pd.DataFrame(rows)], ignore_index=True)
    changes.write(manifest_path, manifest.to_csv(index=False))


def _write_codings_csv(study, fresh: pd.DataFrame, changes: _Changes) -> None:
    if fresh.empty:
        return
    path = study.data_path("codings")
    if path.is_file():
        current = pd.read_csv(path, dtype=str, keep_default_na=False)
        combined = pd.concat([current, fresh.fillna("").astype(str)], ignore_index=True)
    else:
        combined = fresh
    changes.write(path, combined.to_csv(index=False))


# ------------------------------------------------------------------------------ checking
def _problem_count(study) -> int:
    from studies.commands.validate import validate_study

    _, reports = validate_study(study.path)
    return sum(r.n_problems for r in reports)


def _check_after(study, before: int, file) -> None:
    """Raise (so the caller undoes the import) when the study validates worse than before."""
    from data_dictionary.errors import DyadlabError
    from data_dictionary.problems import problem_line
    from studies.commands.validate import validate_study

    fresh_study, reports = validate_study(study.path)
    try:  # what validate does not check: the codebook and the transcripts must load
        fresh_study.codebook()
        if fresh_study.has_table("transcripts"):
            with _quiet_loader():
                fresh_study.transcripts()
    except DyadlabError as error:
        raise StudyError(
            f"the import would leave the study unloadable, so nothing was changed: {error}",
            file=file,
        ) from error
    after = sum(r.n_problems for r in reports)
    if after <= before:
        return
    lines = [r.error for r in reports if r.error]
    for r in reports:
        lines += [f"{r.name} {problem_line(p)}" for _, p in r.problems.head(3).iterrows()]
    raise StudyError(
        f"the import would leave the study with {after - before} new validation problem(s), "
        f"so nothing was changed: {'; '.join(lines[:3])}",
        file=file,
    )


def _summary(study, args, transcripts, fresh, codings, people, book, warnings, project):
    return {
        "study": study.id,
        "file": str(args.file),
        "origin": project.origin,
        "positions": project.positions,
        "transcripts_added": [t.id for t in transcripts],
        "participants_added": list(people["participant_id"]) if len(people) else [],
        "codings_added": int(len(fresh)),
        "codings_already_present": int(len(codings) - len(fresh)),
        "codebook": book,
        "warnings": warnings,
    }


def _report(summary, args, *, dry_run: bool) -> None:
    for warning in summary["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        print_json(summary | {"dry_run": dry_run})
        return
    verb = "would import" if dry_run else "imported"
    book = summary["codebook"]
    codes = (
        f", codebook {book['mode']}: {len(book['added'])} codes added, "
        f"{book['matched_by_name']} matched by name"
        if book["mode"] != "study"
        else ""
    )
    print(
        f"{verb} {args.file} ({summary['origin'] or 'unknown tool'}, positions as "
        f"{summary['positions']}): {len(summary['transcripts_added'])} new transcripts, "
        f"{len(summary['participants_added'])} new participants, {summary['codings_added']} "
        f"new codings ({summary['codings_already_present']} already present){codes}"
    )
