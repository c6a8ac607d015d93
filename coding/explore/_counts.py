"""Counting codes: frequencies per group, unit × code matrices, co-occurrence and coverage.

Tested in tests/coding/explore/test_explore.py against hand counts on small corpora.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from coding._validation import require_columns
from coding.errors import CodingError
from coding.explore._turns import _select, _transcript_table, turn_codes
from coding.transcripts._corpus import Corpus


# -------------------------------------------------------------------------- frequencies
def code_frequencies(
    codings: pd.DataFrame,
    corpus: Corpus,
    by: str | None = "role",
    coder: str | None = "consensus",
) -> pd.DataFrame:
    """How often each code was applied, overall or per group of transcripts.

    ``by`` is a transcript attribute: ``role``, ``participant_id``, ``transcript_id`` or a
    metadata field such as ``site``; ``None`` for the whole corpus. Columns: ``code_id``,
    the ``by`` column, ``n_spans`` (coded spans), ``n_turns`` (turns carrying the code),
    ``n_transcripts`` (transcripts with the code), ``n_group`` (transcripts in the group) and
    ``share`` (= ``n_transcripts / n_group``, the proportion of interviews mentioning it).
    Groups without a code have a row with zeros, so shares compare across groups.
    """
    spans = _select(codings, coder, corpus)
    table = _transcript_table(corpus)
    group = by or "_all"
    if by is None:
        table["_all"] = "all"
    elif by not in table.columns:
        raise CodingError(
            f"cannot group by {by!r}; transcript attributes are {sorted(table.columns)}",
            field="by",
        )
    table[group] = table[group].fillna("(missing)")
    turns = turn_codes(corpus, spans, coder=None)[["transcript_id", "codes"]]
    turns = turns.explode("codes").dropna(subset=["codes"])
    turns = turns.merge(
        table[list(dict.fromkeys(["transcript_id", group]))], on="transcript_id", how="left"
    )
    spans = spans.merge(
        table[list(dict.fromkeys(["transcript_id", group]))], on="transcript_id", how="left"
    )
    code_ids = list(dict.fromkeys(spans["code_id"]))
    groups = list(dict.fromkeys(table[group]))
    index = pd.MultiIndex.from_product([code_ids, groups], names=["code_id", group])
    n_spans = spans.groupby(["code_id", group]).size()
    n_turns = turns.groupby(["codes", group]).size().rename_axis(["code_id", group])
    n_transcripts = spans.groupby(["code_id", group])["transcript_id"].nunique()
    result = pd.DataFrame(
        {
            "n_spans": n_spans.reindex(index, fill_value=0),
            "n_turns": n_turns.reindex(index, fill_value=0),
            "n_transcripts": n_transcripts.reindex(index, fill_value=0),
        }
    ).reset_index()
    result["n_group"] = result[group].map(table.groupby(group).size()).astype("int64")
    result["share"] = result["n_transcripts"] / result["n_group"]
    if by is None:
        result = result.drop(columns="_all")
    return result


def code_matrix(
    corpus: Corpus,
    codings: pd.DataFrame,
    coder: str | None = "consensus",
    kind: str = "presence",
    attributes: pd.DataFrame | None = None,
    unit: str = "participant_id",
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A unit × code matrix (participants by default), optionally with attribute columns.

    ``kind="presence"``: 1 if the unit has at least one span of the code, else 0;
    ``kind="count"``: the number of spans. ``unit`` is ``participant_id`` or
    ``transcript_id``. ``attributes`` (e.g. the participants table) is joined on the unit
    column, so the matrix feeds cross-tabulations and joint displays. ``codes`` fixes the
    columns and their order (e.g. ``codebook.ids``); otherwise codes in order of appearance.
    Every unit of the corpus is a row, coded or not.
    """
    if kind not in ("presence", "count"):
        raise CodingError(f"kind must be 'presence' or 'count', got {kind!r}", field="kind")
    if unit not in ("participant_id", "transcript_id"):
        raise CodingError(
            f"unit must be participant_id or transcript_id, got {unit!r}", field="unit"
        )
    spans = _select(codings, coder, corpus)
    table = _transcript_table(corpus)
    spans = spans.merge(table[["transcript_id", "participant_id"]], on="transcript_id", how="left")
    columns = list(codes) if codes is not None else list(dict.fromkeys(spans["code_id"]))
    units = list(dict.fromkeys(table[unit]))
    counts = pd.crosstab(spans[unit], spans["code_id"]) if len(spans) else pd.DataFrame()
    matrix = counts.reindex(index=units, columns=columns, fill_value=0).fillna(0).astype("int64")
    if kind == "presence":
        matrix = (matrix > 0).astype("int64")
    matrix.index.name = unit
    matrix.columns.name = None
    result = matrix.reset_index()
    if attributes is not None:
        require_columns(attributes, [unit], name="attributes")
        extra = attributes.drop_duplicates(unit)
        result = result.merge(extra, on=unit, how="left", suffixes=("", "_attribute"))
    return result


def cooccurrence(
    turn_codes_df: pd.DataFrame, measure: str = "count", codes: Sequence[str] | None = None
) -> pd.DataFrame:
    """Code × code co-occurrence over turns.

    ``measure="count"``: the number of turns carrying both codes (the diagonal is the number
    of turns with the code); ``measure="jaccard"``: ``|A ∩ B| / |A ∪ B|`` over turns (1 on the
    diagonal for codes that occur). Input: :func:`turn_codes` output (any frame with a
    ``codes`` column of sets).
    """
    if measure not in ("count", "jaccard"):
        raise CodingError(f"measure must be 'count' or 'jaccard', got {measure!r}", field="measure")
    require_columns(turn_codes_df, ["codes"], name="turn_codes() output")
    sets = [
        set(value)
        for value in turn_codes_df["codes"]
        if isinstance(value, set | frozenset | list | tuple)
    ]
    if codes is None:
        codes = sorted({code for value in sets for code in value})
    codes = list(codes)
    position = {code: i for i, code in enumerate(codes)}
    indicator = np.zeros((len(sets), len(codes)), dtype=np.int64)
    for row, value in enumerate(sets):
        for code in value:
            if code in position:
                indicator[row, position[code]] = 1
    both = indicator.T @ indicator
    if measure == "count":
        values: np.ndarray = both
    else:
        totals = np.diag(both)
        union = totals[:, None] + totals[None, :] - both
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.where(union > 0, both / np.where(union > 0, union, 1), 0.0)
    return pd.DataFrame(values, index=pd.Index(codes, name="code_id"), columns=codes)


# --------------------------------------------------------------------------- coverage
def coverage(
    corpus: Corpus, codings: pd.DataFrame, coder: str | None = "consensus"
) -> pd.DataFrame:
    """How much of each transcript a code covers (NVivo's "coverage"), per transcript and code.

    Overlapping spans of one code are merged first, so text coded twice counts once.
    Columns: ``transcript_id, participant_id, role, code_id, n_spans``, ``characters``
    (characters inside the code's merged spans), ``coverage`` (= characters / length of
    the transcript text) and ``turn_coverage`` (= characters / characters inside turns, i.e.
    without speaker labels and blank lines).
    """
    spans = _select(codings, coder, corpus)
    columns = [
        "transcript_id",
        "participant_id",
        "role",
        "code_id",
        "n_spans",
        "characters",
        "coverage",
        "turn_coverage",
    ]
    rows = []
    for (transcript_id, code), group in spans.groupby(["transcript_id", "code_id"], sort=False):
        transcript = corpus[transcript_id]
        covered = 0
        current_start, current_end = None, None
        for start, end in sorted(zip(group["start"], group["end"], strict=True)):
            if current_end is None or start > current_end:
                if current_end is not None:
                    covered += current_end - current_start
                current_start, current_end = start, end
            else:
                current_end = max(current_end, end)
        if current_end is not None:
            covered += current_end - current_start
        in_turns = sum(turn.end - turn.start for turn in transcript.turns)
        rows.append(
            {
                "transcript_id": transcript_id,
                "participant_id": transcript.participant_id,
                "role": transcript.role,
                "code_id": code,
                "n_spans": len(group),
                "characters": covered,
                "coverage": covered / len(transcript.text) if transcript.text else 0.0,
                "turn_coverage": covered / in_turns if in_turns else 0.0,
            }
        )
    return pd.DataFrame(rows, columns=columns)
