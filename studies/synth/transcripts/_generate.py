"""Generating the interview set: one double-coded transcript per participant, and the
identifiers planted in it. The public face is :func:`generate_interviews`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import pandas as pd

from studies.errors import StudyError
from studies.synth.transcripts._coders import _codings
from studies.synth.transcripts._compose import _assemble, _interview
from studies.synth.transcripts._model import _rng
from studies.synth.transcripts._personas import _patient_persona, _Persona, _provider_persona

log = logging.getLogger(__name__)

IDENTIFIER_COLUMNS = ["transcript_id", "start", "end", "type", "text"]


@dataclass
class InterviewSet:
    """Transcripts and their codings, ready to be written into a study folder.

    ``manifest``: transcript_id, participant_id, file, interview_date, interviewer.
    ``texts``: transcript_id -> full text (LF line endings, Unicode NFC).
    ``codings``: coding_id, transcript_id, coder, code_id, start, end, memo, with
    ``[start, end)`` Python string indices into the transcript text; coders ``coder_a``,
    ``coder_b`` and ``consensus``.
    ``identifiers``: the invented identifiers planted in the texts, for measuring
    de-identification: transcript_id, start, end, type (person | location | organization |
    phone | date), text. Not written into the study folder (it would defeat the exercise).
    """

    manifest: pd.DataFrame
    texts: dict[str, str]
    codings: pd.DataFrame
    identifiers: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=IDENTIFIER_COLUMNS)
    )


# ----------------------------------------------------------------------------------- public


#: Identifiers every interview may contain besides the persona's own names and places.
_PATTERNS = (
    (r"555-01\d\d", "phone"),
    (
        r"(?:January|February|March|April|May|June|July|August|September|October|November|"
        r"December) \d{1,2}(?:st|nd|rd|th)?\b",
        "date",
    ),
    (r"(?:Main|Fifth|Railroad|Church) Street|Route \d+|the church on Main", "location"),
)


def _identifiers(transcript_id: str, text: str, persona: _Persona) -> list[dict]:
    """Every occurrence of a planted identifier in ``text`` (longest match wins)."""
    names = sorted(persona.planted, key=len, reverse=True)
    pattern = "|".join(
        [f"(?P<p{i}>{regex})" for i, (regex, _) in enumerate(_PATTERNS)]
        + [rf"(?P<n{i}>\b{re.escape(name)}\b)" for i, name in enumerate(names)]
    )
    rows = []
    for match in re.finditer(pattern, text):
        group = match.lastgroup or ""
        index = int(group[1:])
        kind = _PATTERNS[index][1] if group[0] == "p" else persona.planted[names[index]]
        rows.append(
            {
                "transcript_id": transcript_id,
                "start": match.start(),
                "end": match.end(),
                "type": kind,
                "text": match.group(0),
            }
        )
    return rows


PARTICIPANT_COLUMNS = ("participant_id", "role", "site", "interview_date")
DELIVERY_COLUMNS = ("person_id", "delivery_date", "moud", "infant_nows", "cps_report")


def _check_columns(frame: pd.DataFrame, required: tuple[str, ...], name: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise StudyError(f"missing column(s) {', '.join(missing)}", file=name, field=missing[0])


def _delivery_for(deliveries: pd.DataFrame, person_id: str, when: pd.Timestamp) -> pd.Series | None:
    rows = deliveries[deliveries["person_id"].astype(str) == person_id]
    if rows.empty:
        return None
    dates = pd.to_datetime(rows["delivery_date"])
    before = rows[dates <= when] if pd.notna(when) else rows
    pick = before if not before.empty else rows
    return pick.loc[pd.to_datetime(pick["delivery_date"]).idxmax()]


def generate_interviews(
    participants: pd.DataFrame, deliveries: pd.DataFrame, seed: int
) -> InterviewSet:
    """Write one double-coded interview transcript per participant.

    ``participants``: participant_id, role (patient|provider), site, person_id (patients),
    provider_type (providers), interview_date. ``deliveries``: the cohort table; a patient's
    story follows her latest delivery on or before the interview (MOUD type, infant NOWS,
    CPS report, peer coach, housing instability, perinatal mood disorder).

    Returns an :class:`InterviewSet`: transcript ids are ``INT-<participant_id>``, files
    ``INT-<participant_id>.txt``; codings of ``consensus`` (the truth), ``coder_a`` and
    ``coder_b``. Raises :class:`~studies.errors.StudyError` naming the row and field when a
    participant's role is unknown or a patient has no delivery.

    >>> from studies.synth import generate_cohort
    >>> cohort = generate_cohort(1500, seed=1)
    >>> interviews = generate_interviews(cohort.participants, cohort.deliveries, seed=1)
    >>> sorted(interviews.codings["coder"].unique())
    ['coder_a', 'coder_b', 'consensus']
    >>> len(interviews.texts) == len(cohort.participants)
    True
    """
    _check_columns(participants, PARTICIPANT_COLUMNS, "participants")
    _check_columns(deliveries, DELIVERY_COLUMNS, "deliveries")
    manifest_rows: list[dict] = []
    texts: dict[str, str] = {}
    coding_rows: list[dict] = []
    identifier_rows: list[dict] = []
    interviewers = ("interviewer_1", "interviewer_2", "interviewer_3")
    for row_number, (_, row) in enumerate(participants.iterrows(), start=1):
        pid = str(row["participant_id"]).strip()
        role = str(row["role"]).strip()
        rng = _rng(seed, pid)
        when = pd.to_datetime(row["interview_date"], errors="coerce")
        if role == "patient":
            person = row.get("person_id")
            if person is None or pd.isna(person) or not str(person).strip():
                raise StudyError(
                    "a patient needs a person_id",
                    file="participants",
                    row=row_number,
                    field="person_id",
                )
            delivery = _delivery_for(deliveries, str(person).strip(), when)
            if delivery is None:
                raise StudyError(
                    f"person {person} has no delivery in the deliveries table",
                    file="participants",
                    row=row_number,
                    field="person_id",
                )
            persona = _patient_persona(delivery, rng, when)
        elif role == "provider":
            ptype = row.get("provider_type")
            ptype = "nurse" if ptype is None or pd.isna(ptype) else str(ptype).strip()
            persona = _provider_persona(ptype, rng)
        else:
            raise StudyError(
                f"role must be 'patient' or 'provider', got {role!r}",
                file="participants",
                row=row_number,
                field="role",
            )
        turns = _interview(pid, persona, rng)
        text = _assemble(turns)
        transcript_id = f"INT-{pid}"
        texts[transcript_id] = text
        coding_rows.extend(_codings(transcript_id, turns, seed))
        identifier_rows.extend(_identifiers(transcript_id, text, persona))
        manifest_rows.append(
            {
                "transcript_id": transcript_id,
                "participant_id": pid,
                "file": f"{transcript_id}.txt",
                "interview_date": when.date() if pd.notna(when) else None,
                "interviewer": interviewers[rng.randrange(len(interviewers))],
            }
        )
        log.debug("interview %s: %d words", transcript_id, len(text.split()))
    manifest = pd.DataFrame(
        manifest_rows,
        columns=["transcript_id", "participant_id", "file", "interview_date", "interviewer"],
    )
    codings = pd.DataFrame(
        coding_rows,
        columns=["coding_id", "transcript_id", "coder", "code_id", "start", "end", "memo"],
    )
    codings[["start", "end"]] = codings[["start", "end"]].astype("int64")
    identifiers = pd.DataFrame(identifier_rows, columns=IDENTIFIER_COLUMNS)
    return InterviewSet(manifest, texts, codings, identifiers)
