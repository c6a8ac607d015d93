"""What ``dyadlab import transcripts`` means to do with each file: the job a user asked for
(from the options or a ``--map`` row) and the plan worked out from it before anything is
written (text, turns, participant, re-anchoring of existing codings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd


@dataclass
class ImportJob:
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
class ImportPlan:
    """One file's import, worked out before anything is written."""

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
    job: ImportJob | None = None
    attribution: dict[str, Any] = field(default_factory=dict)
