"""The redaction log: every span :func:`coding.deid.redact` found, and a reviewer's decisions.

De-identification by rules is never perfect, so a study keeps a log with one row per span —
``span_id, transcript_id, start, end, type, original, replacement, status, reviewer,
reviewed_at`` — where ``status`` is ``pending`` (redacted until reviewed), ``accepted``,
``rejected`` (the reviewer says it is not an identifier: the text is kept) or ``added`` (a
span the rules missed, entered by the reviewer). Re-running de-identification keeps every
decision: a span is the same span when its transcript, offsets and original text are.

The log holds the original identifiers, so it must be stored apart from what is shared
(study.yaml ``deid.log``, under ``private/`` by default).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from coding.deid._redact import redact
from coding.deid._spans import TYPES, Roster
from coding.errors import CodingError

LOG_COLUMNS = [
    "span_id",
    "transcript_id",
    "start",
    "end",
    "type",
    "original",
    "replacement",
    "status",
    "reviewer",
    "reviewed_at",
]
STATUSES = ("pending", "accepted", "rejected", "added")


def span_id(transcript_id: str, start: int, end: int, original: str) -> str:
    """A short stable id for a span (same transcript, offsets and text → same id)."""
    digest = hashlib.sha1(f"{transcript_id}|{start}|{end}|{original}".encode()).hexdigest()
    return digest[:10]


def detect(
    texts: dict[str, str],
    roster: Roster | None = None,
    previous: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Run :func:`coding.deid.redact` on every text and merge with an earlier log.

    Spans found again keep their earlier decision; spans a reviewer added are kept; new
    spans are ``pending``. Returns the new log.
    """
    rows = []
    for transcript_id, text in texts.items():
        for span in redact(text, roster).spans.itertuples():
            rows.append(
                {
                    "span_id": span_id(transcript_id, span.start, span.end, span.original),
                    "transcript_id": transcript_id,
                    "start": int(span.start),
                    "end": int(span.end),
                    "type": span.type,
                    "original": span.original,
                    "replacement": span.replacement,
                    "status": "pending",
                    "reviewer": "",
                    "reviewed_at": "",
                }
            )
    log = pd.DataFrame(rows, columns=LOG_COLUMNS)
    if previous is not None and not previous.empty:
        decided = previous.set_index("span_id")
        known = log["span_id"].isin(decided.index)
        for column in ("status", "reviewer", "reviewed_at"):
            log.loc[known, column] = log.loc[known, "span_id"].map(decided[column]).to_numpy()
        added = previous[previous["status"] == "added"]
        log = pd.concat([log, added[~added["span_id"].isin(log["span_id"])]], ignore_index=True)
    return log.sort_values(["transcript_id", "start"], kind="stable").reset_index(drop=True)


def apply(texts: dict[str, str], log: pd.DataFrame) -> dict[str, str]:
    """The de-identified texts: every span not ``rejected`` replaced by its placeholder.

    Overlapping spans (an added span over a detected one) are merged, the longer winning.
    """
    redacted = {}
    for transcript_id, text in texts.items():
        spans = log[(log["transcript_id"] == transcript_id) & (log["status"] != "rejected")]
        spans = spans.sort_values(["start", "end"], ascending=[True, False])
        pieces, cursor = [], 0
        for span in spans.itertuples():
            if span.start < cursor:
                continue
            pieces += [text[cursor : span.start], span.replacement]
            cursor = span.end
        pieces.append(text[cursor:])
        redacted[transcript_id] = "".join(pieces)
    return redacted


def decide(log: pd.DataFrame, span_ids: Iterable[str], status: str, reviewer: str) -> pd.DataFrame:
    """Mark spans ``accepted`` or ``rejected`` by ``reviewer`` (unknown ids are an error)."""
    if status not in ("accepted", "rejected", "pending"):
        raise CodingError(f"a decision is accepted, rejected or pending, not {status!r}")
    span_ids = list(span_ids)
    unknown = sorted(set(span_ids) - set(log["span_id"]))
    if unknown:
        raise CodingError(f"no span with id {', '.join(unknown)} in the redaction log")
    out = log.copy()
    chosen = out["span_id"].isin(span_ids)
    out.loc[chosen, "status"] = status
    out.loc[chosen, "reviewer"] = reviewer
    out.loc[chosen, "reviewed_at"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return out


def decide_text(
    log: pd.DataFrame,
    originals: Iterable[str],
    status: str,
    reviewer: str,
    kind: str | None = None,
) -> pd.DataFrame:
    """Decide every span whose text is one of ``originals`` (exactly, in every transcript;
    only of identifier type ``kind`` when given) — one decision for "Dollar General" ×8.

    The review burden is the number of decisions: on the demo study 926 spans are 156
    distinct texts (:func:`group`). Texts that match no span are an error, so a typo does
    not pass silently.
    """
    originals = list(originals)
    chosen = log["original"].isin(originals)
    if kind is not None:
        chosen &= log["type"] == kind.upper()
    unknown = sorted(set(originals) - set(log.loc[chosen, "original"]))
    if unknown:
        where = f" of type {kind.upper()}" if kind else ""
        raise CodingError(f"no span{where} with the text {', '.join(map(repr, unknown))}")
    return decide(log, log.loc[chosen, "span_id"], status, reviewer)


def group(log: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct (type, text) in the log, most frequent first: ``type, original,
    spans, transcripts, pending, span_id`` (the first span, to look at in context)."""
    if log.empty:
        return pd.DataFrame(
            columns=["type", "original", "spans", "transcripts", "pending", "span_id"]
        )
    grouped = log.groupby(["type", "original"], sort=False).agg(
        spans=("span_id", "size"),
        transcripts=("transcript_id", "nunique"),
        pending=("status", lambda s: int((s == "pending").sum())),
        span_id=("span_id", "first"),
    )
    return (
        grouped.reset_index()
        .sort_values(["spans", "type", "original"], ascending=[False, True, True], kind="stable")
        .reset_index(drop=True)
    )


def add_span(
    log: pd.DataFrame,
    texts: dict[str, str],
    transcript_id: str,
    start: int,
    end: int,
    kind: str,
    reviewer: str,
) -> pd.DataFrame:
    """Add a span the rules missed (status ``added``), checked against the text."""
    if transcript_id not in texts:
        raise CodingError(f"no transcript {transcript_id!r}", field="transcript_id")
    text = texts[transcript_id]
    if not 0 <= start < end <= len(text):
        raise CodingError(
            f"span [{start}, {end}) is outside transcript {transcript_id!r} (0 to {len(text)})",
            field="start",
        )
    if kind not in TYPES:
        raise CodingError(f"unknown identifier type {kind!r}; known: {', '.join(TYPES)}")
    original = text[start:end]
    row = {
        "span_id": span_id(transcript_id, start, end, original),
        "transcript_id": transcript_id,
        "start": start,
        "end": end,
        "type": kind,
        "original": original,
        "replacement": f"[{kind}]",
        "status": "added",
        "reviewer": reviewer,
        "reviewed_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return pd.concat([log, pd.DataFrame([row])], ignore_index=True)


def read_log(path: str | Path) -> pd.DataFrame:
    """Read a redaction log (an empty one when the file does not exist yet)."""
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=LOG_COLUMNS)
    try:
        log = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise CodingError(f"cannot read the redaction log: {error}", file=path) from None
    missing = [c for c in LOG_COLUMNS if c not in log.columns]
    if missing:
        raise CodingError(f"the redaction log lacks column(s) {missing}", file=path)
    bad = log.index[~log["status"].isin(STATUSES)]
    if len(bad):
        raise CodingError(
            f"status must be one of {', '.join(STATUSES)}, got {log.loc[bad[0], 'status']!r}",
            file=path,
            row=int(bad[0]) + 1,
            field="status",
        )
    log[["start", "end"]] = log[["start", "end"]].astype(int)
    return log


def context(text: str, start: int, end: int, width: int = 30) -> str:
    """``…text before [original] text after…`` on one line, for a reviewer."""
    before = text[max(0, start - width) : start].replace("\n", " ")
    after = text[end : end + width].replace("\n", " ")
    return f"…{before}[{text[start:end]}]{after}…"
