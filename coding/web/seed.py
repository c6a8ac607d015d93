"""Study-level seeding of the coding store, run by ``dyadlab serve`` before it starts.

Every start registers the corpus's transcripts (id, text hash, length): new transcripts are
added, and a transcript whose text changed since it was registered stops the server with a
clear error, because its codings point into the old text by offset. On the first run (a store
that has never held a coding) the study's ``codings.csv`` is imported and each coder found
there is assigned the transcripts she coded, so an existing project continues where it was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pandas as pd

from coding.store import RESERVED_CODERS, CodingStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SeedResult:
    """What seeding did: transcripts added, codings imported, assignments made."""

    transcripts_added: int
    codings_imported: int
    assignments_added: int


def seed_store(
    store: CodingStore,
    transcripts: Any,
    codings: pd.DataFrame | None = None,
    *,
    source: str = "codings.csv",
) -> SeedResult:
    """Register ``transcripts`` (objects with ``id`` and ``text``) and, on the first run,
    import ``codings`` (the study's codings table) and assign their coders.

    >>> store = CodingStore("sqlite:///coding.sqlite")
    >>> seed_store(store, study.transcripts(), study.codings())
    SeedResult(transcripts_added=..., codings_imported=..., assignments_added=...)
    """
    added = store.register_transcripts(
        {str(t.id): t.text for t in transcripts}, actor="dyadlab serve"
    )
    imported = assigned = 0
    first_run = store.codings(include_deleted=True).empty
    if first_run and codings is not None and not codings.empty:
        imported = store.import_codings(codings, source=source, actor="dyadlab serve")
        pairs = (
            codings.loc[~codings["coder"].isin(RESERVED_CODERS), ["transcript_id", "coder"]]
            .astype(str)
            .drop_duplicates()
            .sort_values(["transcript_id", "coder"])
        )
        for transcript_id, coder in pairs.itertuples(index=False):
            assigned += store.assign(transcript_id, coder, actor="dyadlab serve")
    log.info(
        "seeded the store: %d transcripts added, %d codings imported, %d assignments",
        added,
        imported,
        assigned,
    )
    return SeedResult(added, imported, assigned)
