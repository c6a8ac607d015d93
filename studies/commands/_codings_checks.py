"""Checks of the codings table against the codebook and the transcripts, for ``dyadlab
validate``.

The data dictionary checks each coding row on its own (types, ``start`` ≥ 0); what only the
study knows is checked here: every ``code_id`` is a code of the study's codebook (an unknown
one is named with the closest known ids: a misspelt ``cps_barier`` would otherwise be
counted as a code of its own by the reliability and report code), and every span lies
inside its transcript's text (``end`` ≤ the number of characters of the transcript as
loaded), so that no coded text is silently cut. Tested in
tests/studies/commands/test_validate_codings.py.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd

from data_dictionary.problems import problems_frame


def codings_problems(study, codings: pd.DataFrame) -> pd.DataFrame:
    """Problems frame (table ``codings``) of unknown code ids and spans past a text's end."""
    from data_dictionary import DyadlabError

    rows: list[dict] = []
    try:
        known = list(study.codebook().ids)
    except DyadlabError as error:
        rows.append(_problem(None, "code_id", "codebook", None, f"codebook not loaded: {error}"))
        known = None
    if known is not None and "code_id" in codings.columns:
        known_set = set(known)
        for i, code in enumerate(codings["code_id"]):
            if isinstance(code, str) and code not in known_set:
                close = difflib.get_close_matches(code, known, n=3, cutoff=0.6)
                hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
                rows.append(
                    _problem(
                        i + 1,
                        "code_id",
                        "codebook",
                        code,
                        f"code id {code!r} is not in the codebook ({_where(study)}){hint}",
                    )
                )
    if study.has_table("transcripts") and {"transcript_id", "end"} <= set(codings.columns):
        rows.extend(_span_problems(study, codings))
    return problems_frame(rows)


def _span_problems(study, codings: pd.DataFrame) -> list[dict]:
    from data_dictionary import DyadlabError

    manifest_path = study.data_path("transcripts")
    if not manifest_path.is_file():
        return []
    try:
        corpus = study.transcripts()
    except DyadlabError:
        return []  # the manifest's own problems are reported with the transcripts table
    try:
        files = dict(
            pd.read_csv(manifest_path, dtype=str, keep_default_na=False)[
                ["transcript_id", "file"]
            ].itertuples(index=False)
        )
    except (ValueError, KeyError, OSError):
        files = {}
    lengths = {tid: len(corpus.text(tid)) for tid in corpus.ids}
    out = []
    ends = pd.to_numeric(codings["end"], errors="coerce")
    for i, (tid, end) in enumerate(zip(codings["transcript_id"], ends, strict=True)):
        if tid not in lengths or pd.isna(end) or end <= lengths[tid]:
            continue
        start = codings["start"].iloc[i] if "start" in codings.columns else ""
        file = Path(files.get(tid, "")).name or "?"
        out.append(
            _problem(
                i + 1,
                "end",
                "span_in_text",
                int(end),
                f"span {start}-{int(end)} runs past the end of transcript {tid!r} "
                f"(file {file}, {lengths[tid]:,} characters)",
            )
        )
    return out


def _where(study) -> str:
    path = study.codebook_path
    return "the default codebook" if path is None else str(path)


def _problem(row, column, check, value, message) -> dict:
    return {
        "table": "codings",
        "row": row,
        "column": column,
        "check": check,
        "value": value,
        "message": message,
    }
