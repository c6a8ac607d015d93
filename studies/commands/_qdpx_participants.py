"""Participants of an imported REFI-QDA project: who each source belongs to.

A source's participant comes from a ``--participants`` mapping file (by source name,
transcript id or case name), else from the project's Case linked to it (its variables named
like the participants table's fields fill a new participant's row), else from
``--participant ID``; sources left over are reported, never guessed. Used by
:mod:`studies.commands._import_qdpx`; tested in tests/studies/commands/test_import_qdpx.py.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from studies.errors import StudyError

PARTICIPANT_FIELDS = ("role", "site", "person_id", "provider_type", "interview_date")


def read_mapping(path: str) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise StudyError("participants mapping file not found", file=path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.columns = [c.strip() for c in frame.columns]
    if "participant_id" not in frame.columns or not {"source", "case"} & set(frame.columns):
        raise StudyError(
            "a participants mapping needs the columns 'participant_id' and 'source' (a "
            "source's name or transcript id) or 'case' (a case name in the project); found "
            f"{list(frame.columns)}",
            file=path,
        )
    blank = frame.index[frame["participant_id"].str.strip() == ""]
    if len(blank):
        raise StudyError("participant_id is empty", file=path, line=int(blank[0]) + 2,
                         field="participant_id")  # fmt: skip
    return frame


def assign_participants(study, project, transcripts, mapping, default, warnings):
    """New participant rows, each new transcript's participant id, and unassigned sources.

    A source's participant comes from the mapping file, else its case, else ``default``.
    """
    known = pd.DataFrame(columns=["participant_id"])
    if study.has_table("participants") and study.data_path("participants").is_file():
        known = study.participants()
    known_ids = set(known["participant_id"].astype(str))
    cases = {str(row["participant_id"]): row for row in project.participants.to_dict("records")}
    by_case_name = {str(row.get("case_name", "")): row for row in cases.values()}
    participant_of: dict[str, str] = {}
    rows: dict[str, dict] = {}
    unmapped = []
    for transcript in transcripts:
        source = transcript.metadata.get("refi_name", transcript.id)
        given = _mapping_row(mapping, source, transcript.id, transcript.participant_id,
                             by_case_name)  # fmt: skip
        if given is not None:
            pid = given["participant_id"].strip()
            case = cases.get(transcript.participant_id or "", {})
        elif transcript.participant_id:
            pid, case, given = transcript.participant_id, cases[transcript.participant_id], {}
        elif default:
            pid, case, given = default, {}, {}
        else:
            unmapped.append(source)
            continue
        participant_of[transcript.id] = pid
        if pid in known_ids or pid in rows:
            continue
        row = {"participant_id": pid}
        fields = _case_fields(case)
        row.update({k: v for k, v in fields.items() if _given(v)})
        row.update({k: given[k] for k in PARTICIPANT_FIELDS if _given(given.get(k))})
        if isinstance(row.get("role"), str):
            row["role"] = row["role"].strip().lower()
        rows[pid] = row
        dropped = sorted(
            name for name in case
            if name not in ("participant_id", "case_name") and _field_name(name) not in fields
        )  # fmt: skip
        if dropped:
            warnings.append(
                f"case {case.get('case_name')!r}: variables {dropped} are not fields of the "
                "study's participants table; not imported"
            )
    if mapping is not None and "source" in mapping.columns:
        names = {t.metadata.get("refi_name", t.id) for t in project.corpus} | set(
            project.corpus.ids
        )
        stray = sorted(set(mapping["source"]) - names - {""})
        if stray:
            warnings.append(
                f"the participants mapping names {len(stray)} source(s) the project does not "
                f"have: {stray[:5]} (source names are as in the other tool)"
            )
    return pd.DataFrame(list(rows.values())), participant_of, unmapped


def _mapping_row(mapping, source, transcript_id, case_participant, by_case_name):
    if mapping is None:
        return None
    if "source" in mapping.columns:
        hit = mapping[mapping["source"].isin([source, transcript_id])]
        if len(hit):
            return hit.iloc[0].to_dict()
    if "case" in mapping.columns and case_participant:
        names = [n for n, row in by_case_name.items() if row["participant_id"] == case_participant]
        hit = mapping[mapping["case"].isin([case_participant, *names])]
        if len(hit):
            return hit.iloc[0].to_dict()
    return None


def _field_name(name: str) -> str:
    """A case variable's name as a participants field: ``"Interview date"`` → interview_date."""
    return "_".join(str(name).strip().lower().replace("-", " ").split())


def _case_fields(case: dict) -> dict:
    """The case's variables that are participants fields, by their field names."""
    return {
        _field_name(name): value
        for name, value in case.items()
        if _field_name(name) in PARTICIPANT_FIELDS
    }


def _given(value) -> bool:
    return (
        value is not None
        and not (isinstance(value, float) and pd.isna(value))
        and str(value).strip() != ""
    )


def write_participants(study, people: pd.DataFrame, changes) -> None:
    """Append the new participants to the study's participants table (``changes`` keeps the old)."""
    if people.empty:
        return
    if not study.has_table("participants"):
        raise StudyError(
            "the study has no participants table ('data.participants' is not set) for the "
            f"project's participants {list(people['participant_id'])[:5]}",
            file=study.path,
            field="data.participants",
        )
    path = study.data_path("participants")
    if path.is_file():
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    else:
        table = pd.DataFrame(columns=["participant_id", *PARTICIPANT_FIELDS])
    added = people.astype(object).where(people.notna(), "").astype(str)
    table = pd.concat([table, added], ignore_index=True).fillna("")
    changes.write(path, table.to_csv(index=False))
