"""Writing a planned ``dyadlab import transcripts``: transcript texts and turn sidecars, moved
codings, added participants, the manifest last — each file replaced atomically, after every
file was read and checked."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from studies.commands._transcripts_participants import participants_with
from studies.errors import StudyError

if TYPE_CHECKING:
    from studies.commands._transcripts_plan import ImportPlan

MANIFEST_COLUMNS = ["transcript_id", "participant_id", "file", "interview_date", "interviewer"]


def write(
    args: argparse.Namespace,
    plans: list[ImportPlan],
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
        table = participants_with(participants, new_people)
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
        job = plan.job
        if job is not None and job.interview_date:
            record["interview_date"] = job.interview_date
        if job is not None and job.interviewer:
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
    register_in_store(study, plans)


def register_in_store(study, plans: list[ImportPlan]) -> None:
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
