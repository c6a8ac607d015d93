"""Participants added by ``dyadlab import transcripts``: their rows, checked against the data
dictionary and the tables they refer to before anything is written."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from studies.commands._transcripts_plan import ImportPlan


def participants_with(participants: pd.DataFrame, new_people: list[ImportPlan]) -> pd.DataFrame:
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


def new_participant_problems(
    study, plans: list[ImportPlan], participants: pd.DataFrame | None
) -> list[str]:
    """Check the participants an import would add against the data dictionary and the tables
    they refer to (a patient's ``person_id`` must be in deliveries), so that an import that
    exits 0 never leaves the study failing ``dyadlab validate``."""
    new_people = [plan for plan in plans if plan.new_participant]
    if not new_people or participants is None:
        return []
    from data_dictionary import check_table, load_schema, relation_problems

    table = participants_with(participants, new_people)
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
