"""Character-level (unitised) agreement, as NVivo's Coding Comparison reports it.

For one code, one transcript and two coders, every character of the transcript text is a unit:
coded or not coded by each coder. NVivo reports, per source, the percentage of characters on
which the two agree (coded by both or by neither) and Cohen's kappa over characters; when the
two agree on every character it reports kappa = 1 (also when neither coded anything), and so
does this function. The ``transcript_id = "(all)"`` row pools the characters of every
transcript both coders coded (a size-weighted summary; NVivo leaves averaging to the user).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from coding.errors import CodingError
from coding.reliability._units import CONSENSUS, _choose, clean_codings, transcript_texts

POOLED = "(all)"


def _coverage(length: int, spans: pd.DataFrame) -> np.ndarray:
    """Boolean per character: inside at least one ``[start, end)`` span (clipped to text)."""
    delta = np.zeros(length + 1, dtype=np.int64)
    start = np.clip(spans["start"].to_numpy(), 0, length)
    end = np.clip(spans["end"].to_numpy(), 0, length)
    np.add.at(delta, start, 1)
    np.add.at(delta, end, -1)
    return np.cumsum(delta[:-1]) > 0


def _kappa(both: float, only_a: float, only_b: float, neither: float) -> float:
    n = both + only_a + only_b + neither
    if n == 0:
        return float("nan")
    p_o = (both + neither) / n
    if only_a == 0 and only_b == 0:
        return 1.0
    p_a, p_b = (both + only_a) / n, (both + only_b) / n
    p_e = p_a * p_b + (1 - p_a) * (1 - p_b)
    return float((p_o - p_e) / (1 - p_e))


def character_agreement(
    codings: pd.DataFrame,
    corpus: Any,
    coders: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """NVivo-style agreement over characters, per code, coder pair and transcript.

    Returns columns ``code_id, coder_a, coder_b, transcript_id, n_chars, chars_a, chars_b,
    chars_both, percent_agreement`` (0–100, as NVivo prints it) and ``kappa``. Only
    transcripts both coders coded are compared; ``corpus`` supplies the texts (a Corpus or a
    ``{transcript_id: text}`` mapping).

    Coder_a codes "judged" (6 characters), coder_b "felt judged" (11) in a 27-character
    text: they agree on 6 coded and 16 uncoded characters, 22/27 = 81.48 %, and kappa is
    (594 − 402) / (729 − 402) = 0.587 (chance agreement (6·11 + 21·16) / 27²):

    >>> text = "I felt judged by the nurse."
    >>> codings = pd.DataFrame({"transcript_id": "T1", "coder": ["coder_a", "coder_b"],
    ...     "code_id": "stigma", "start": [text.index("judged"), text.index("felt")],
    ...     "end": [text.index(" by"), text.index(" by")]})
    >>> row = character_agreement(codings, {"T1": text}).iloc[0]
    >>> int(row.chars_a), int(row.chars_b), int(row.chars_both), int(row.n_chars)
    (6, 11, 6, 27)
    >>> round(float(row.percent_agreement), 2), round(float(row.kappa), 3)
    (81.48, 0.587)
    """
    frame = clean_codings(codings)
    texts = transcript_texts(corpus)
    unknown = sorted(set(frame["transcript_id"]) - set(texts))
    if unknown:
        raise CodingError(f"transcripts {unknown[:5]} are not in the corpus", field="transcript_id")
    present = sorted(set(frame["coder"]) - ({CONSENSUS} if coders is None else set()))
    chosen = _choose(coders, present, "coders")
    frame = frame[frame["coder"].isin(chosen)]
    chosen_codes = _choose(codes, sorted(set(frame["code_id"])), "codes")
    if len(chosen) < 2:
        raise CodingError(f"agreement needs at least two coders, got {chosen}", field="coders")
    coded = frame.groupby("coder")["transcript_id"].agg(set).to_dict()
    groups = dict(iter(frame.groupby(["code_id", "coder", "transcript_id"])))
    empty = frame.iloc[:0]
    rows = []
    for code in chosen_codes:
        for a, b in itertools.combinations(chosen, 2):
            shared = sorted(coded.get(a, set()) & coded.get(b, set()))
            totals = np.zeros(4)
            for tid in shared:
                length = len(texts[tid])
                cover_a = _coverage(length, groups.get((code, a, tid), empty))
                cover_b = _coverage(length, groups.get((code, b, tid), empty))
                counts = np.array(
                    [
                        np.sum(cover_a & cover_b),
                        np.sum(cover_a & ~cover_b),
                        np.sum(~cover_a & cover_b),
                        np.sum(~cover_a & ~cover_b),
                    ],
                    dtype=float,
                )
                totals += counts
                rows.append(_row(code, a, b, tid, counts))
            if shared:
                rows.append(_row(code, a, b, POOLED, totals))
    columns = [
        "code_id", "coder_a", "coder_b", "transcript_id", "n_chars", "chars_a", "chars_b",
        "chars_both", "percent_agreement", "kappa",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _row(code: str, a: str, b: str, tid: str, counts: np.ndarray) -> dict[str, Any]:
    both, only_a, only_b, neither = counts
    n = counts.sum()
    return {
        "code_id": code,
        "coder_a": a,
        "coder_b": b,
        "transcript_id": tid,
        "n_chars": int(n),
        "chars_a": int(both + only_a),
        "chars_b": int(both + only_b),
        "chars_both": int(both),
        "percent_agreement": float(100 * (both + neither) / n) if n else float("nan"),
        "kappa": _kappa(both, only_a, only_b, neither),
    }
