"""Reading the text behind the codes: exemplar quotes and keyword in context (concordance).

Tested in tests/coding/explore/test_explore.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from coding.errors import CodingError
from coding.explore._turns import _select
from coding.transcripts._corpus import Corpus


# -------------------------------------------------------------------------- exemplars
def exemplars(
    corpus: Corpus,
    codings: pd.DataFrame,
    code: str,
    n: int = 3,
    coder: str | None = "consensus",
) -> pd.DataFrame:
    """Up to ``n`` quotes coded ``code``, spread across participants.

    One quote per participant first (participants in corpus order, their first span in text
    order), then second quotes, and so on — so a report does not quote one voice three times.
    Columns: ``quote, transcript_id, participant_id, role, start, end, coder``.
    """
    spans = _select(codings, coder, corpus)
    spans = spans[spans["code_id"] == code]
    columns = ["quote", "transcript_id", "participant_id", "role", "start", "end", "coder"]
    if spans.empty:
        return pd.DataFrame(columns=columns)
    order = {tid: i for i, tid in enumerate(corpus.ids)}
    spans = spans.assign(_order=spans["transcript_id"].map(order)).sort_values(["_order", "start"])
    per_participant: dict[Any, list[pd.Series]] = {}
    for _, row in spans.iterrows():
        participant = corpus[row["transcript_id"]].participant_id
        per_participant.setdefault(participant, []).append(row)
    chosen: list[pd.Series] = []
    depth = 0
    while len(chosen) < n and any(len(rows) > depth for rows in per_participant.values()):
        for rows in per_participant.values():
            if len(rows) > depth and len(chosen) < n:
                chosen.append(rows[depth])
        depth += 1
    records = []
    for row in chosen:
        transcript = corpus[row["transcript_id"]]
        records.append(
            {
                "quote": transcript.text[row["start"] : row["end"]].strip(),
                "transcript_id": transcript.id,
                "participant_id": transcript.participant_id,
                "role": transcript.role,
                "start": int(row["start"]),
                "end": int(row["end"]),
                "coder": row.get("coder"),
            }
        )
    return pd.DataFrame(records, columns=columns)


# ------------------------------------------------------------------------- concordance
def concordance(
    corpus: Corpus,
    word: str,
    width: int = 60,
    *,
    stem: bool = False,
    speakers: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Keyword in context: every occurrence of ``word`` (or a phrase) inside speaker turns.

    Tokens come from nltk's ``WordPunctTokenizer`` (a regular expression; no downloaded data)
    and are matched case-insensitively through :class:`nltk.text.ConcordanceIndex`; with
    ``stem=True`` through the Porter stemmer (``judge`` finds ``judged``, ``judging``).
    Speaker labels are not searched. ``speakers`` limits the search to those speakers.
    Columns: ``transcript_id, participant_id, role, turn, speaker, start, end, left, match,
    right`` — ``text[start:end]`` is the match; ``left``/``right`` are ``width`` characters
    of context with line breaks shown as spaces.
    """
    from nltk.stem import PorterStemmer
    from nltk.text import ConcordanceIndex
    from nltk.tokenize import WordPunctTokenizer

    tokenizer = WordPunctTokenizer()
    stemmer = PorterStemmer() if stem else None

    def key(token: str) -> str:
        token = token.lower()
        return stemmer.stem(token) if stemmer else token

    query = [key(token) for token in tokenizer.tokenize(word)]
    if not query:
        raise CodingError(f"nothing to search for in {word!r}", field="word")
    wanted = set(speakers) if speakers is not None else None
    rows = []
    for transcript in corpus:
        text = transcript.text
        for turn in transcript.turns:
            if wanted is not None and turn.speaker not in wanted:
                continue
            segment = text[turn.start : turn.end]
            spans = list(tokenizer.span_tokenize(segment))
            tokens = [segment[s:e] for s, e in spans]
            if not tokens:
                continue
            index = ConcordanceIndex(tokens, key=key)
            for offset in index.offsets(query[0]):
                following = [key(t) for t in tokens[offset : offset + len(query)]]
                if following != query:
                    continue
                start = turn.start + spans[offset][0]
                end = turn.start + spans[offset + len(query) - 1][1]
                rows.append(
                    {
                        "transcript_id": transcript.id,
                        "participant_id": transcript.participant_id,
                        "role": transcript.role,
                        "turn": turn.index,
                        "speaker": turn.speaker,
                        "start": start,
                        "end": end,
                        "left": text[max(0, start - width) : start].replace("\n", " "),
                        "match": text[start:end],
                        "right": text[end : end + width].replace("\n", " "),
                    }
                )
    columns = [
        "transcript_id",
        "participant_id",
        "role",
        "turn",
        "speaker",
        "start",
        "end",
        "left",
        "match",
        "right",
    ]
    return pd.DataFrame(rows, columns=columns)
