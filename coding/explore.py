"""Exploring coded transcripts: codes per turn, frequencies, co-occurrence, exemplars,
keyword in context, saturation and patient-versus-provider comparisons.

DataFrames in, DataFrames out; plotting helpers (:mod:`coding.plots`) return the matplotlib
Axes. ``codings`` is the study's codings frame (one row per coded span: ``transcript_id,
coder, code_id, start, end`` …); most functions look at one ``coder`` — by default the
reconciled ``consensus`` layer — or at every coder with ``coder=None``.

The unit of analysis is the speaker turn (docs/architecture.md): coder X applied code C to
turn T when one of X's spans for C overlaps T's ``[start, end)``.

>>> from studies import load_study                                     # doctest: +SKIP
>>> study = load_study("demo")                                         # doctest: +SKIP
>>> corpus, codings = study.transcripts(), study.codings()             # doctest: +SKIP
>>> turns = turn_codes(corpus, codings)                                # doctest: +SKIP
>>> cooccurrence(turns, measure="jaccard").round(2)                    # doctest: +SKIP
>>> compare_roles(corpus, codings)[["code_id", "prop_patient", "prop_provider", "p_value"]]
...                                                                    # doctest: +SKIP
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from coding.errors import CodingError
from coding.plots import plot_code_frequencies, plot_cooccurrence, plot_saturation
from coding.transcripts._corpus import Corpus

__all__ = [
    "code_frequencies",
    "code_matrix",
    "compare_roles",
    "concordance",
    "cooccurrence",
    "coverage",
    "exemplars",
    "plot_code_frequencies",
    "plot_cooccurrence",
    "plot_saturation",
    "saturation",
    "turn_codes",
]

logger = logging.getLogger(__name__)

TURN_CODE_COLUMNS = [
    "transcript_id",
    "turn",
    "participant_id",
    "role",
    "speaker",
    "text",
    "codes",
    "start",
    "end",
]


# ----------------------------------------------------------------------------- helpers
def _select(codings: pd.DataFrame, coder: str | None, corpus: Corpus | None = None) -> pd.DataFrame:
    """Rows of one coder (all with ``None``), checked, soft-deleted rows dropped."""
    required = {"transcript_id", "code_id", "start", "end"} | ({"coder"} if coder else set())
    missing = required - set(codings.columns)
    if missing:
        raise CodingError(f"codings lack column(s) {sorted(missing)}", field=sorted(missing)[0])
    frame = codings
    if "deleted_at" in frame.columns:
        frame = frame[frame["deleted_at"].isna()]
    if coder is not None:
        frame = frame[frame["coder"] == coder]
        if frame.empty and len(codings):
            coders = sorted(codings["coder"].dropna().astype(str).unique())
            logger.warning("no codings by coder %r (coders: %s)", coder, ", ".join(coders))
    frame = frame.copy()
    frame["start"] = frame["start"].astype("int64")
    frame["end"] = frame["end"].astype("int64")
    if corpus is not None and len(frame):
        unknown = sorted(set(frame["transcript_id"].astype(str)) - set(corpus.ids))
        if unknown:
            raise CodingError(
                f"codings refer to transcript(s) not in the corpus: {', '.join(unknown[:10])}",
                field="transcript_id",
            )
    return frame


def _transcript_table(corpus: Corpus) -> pd.DataFrame:
    """One row per transcript: ``transcript_id, participant_id, role`` + metadata fields."""
    rows = []
    for transcript in corpus:
        row = {
            "transcript_id": transcript.id,
            "participant_id": transcript.participant_id,
            "role": transcript.role,
        }
        for key, value in transcript.metadata.items():
            if isinstance(value, str | int | float | bool) or value is None:
                row.setdefault(key, value)
        rows.append(row)
    return pd.DataFrame(rows, columns=None if rows else ["transcript_id", "participant_id", "role"])


# -------------------------------------------------------------------------- turn codes
def turn_codes(
    corpus: Corpus, codings: pd.DataFrame, coder: str | None = "consensus"
) -> pd.DataFrame:
    """One row per turn with the set of codes ``coder`` applied to it.

    A span ``[s, e)`` for code C marks every turn ``[ts, te)`` it overlaps (``s < te`` and
    ``e > ts``; an empty span ``s == e`` marks the turn containing ``s``). Turns without codes
    have an empty set. Columns: ``transcript_id, turn, participant_id, role, speaker, text,
    codes, start, end``. ``coder=None`` pools every coder. This is the unit the reliability
    statistics and the theme classifier use.

    >>> from coding.transcripts._corpus import Corpus
    >>> from coding.transcripts._model import Transcript
    >>> corpus = Corpus([Transcript.from_text("T1", "I: How?\\n\\nP1: Hard. Alone.")])
    >>> spans = pd.DataFrame({"transcript_id": ["T1"], "coder": ["consensus"],
    ...                       "code_id": ["social_needs"], "start": [13], "end": [19]})
    >>> turn_codes(corpus, spans)[["turn", "speaker", "codes"]].values.tolist()
    [[0, 'I', set()], [1, 'P1', {'social_needs'}]]
    """
    spans = _select(codings, coder, corpus)
    turns = corpus.turns()
    codes: list[set[str]] = [set() for _ in range(len(turns))]
    if len(turns) and len(spans):
        # turns of a transcript are contiguous rows of corpus.turns(), in text order
        first_row = turns.reset_index().groupby("transcript_id", sort=False)["index"].min()
        starts_all = turns["start"].to_numpy()
        ends_all = turns["end"].to_numpy()
        sizes = turns.groupby("transcript_id", sort=False).size()
        for transcript_id, group in spans.groupby("transcript_id", sort=False):
            if transcript_id not in first_row.index:
                continue  # a transcript without turns
            base = int(first_row[transcript_id])
            size = int(sizes[transcript_id])
            t_starts = starts_all[base : base + size]
            t_ends = ends_all[base : base + size]
            length = len(corpus.text(transcript_id))
            for start, end, code in zip(
                group["start"], group["end"], group["code_id"], strict=True
            ):
                if not 0 <= start <= end <= length:
                    raise CodingError(
                        f"span [{start}, {end}) of code {code!r} lies outside transcript "
                        f"{transcript_id} (length {length})",
                        field="start",
                    )
                end_eff = max(end, start + 1)
                low = int(np.searchsorted(t_ends, start, side="right"))
                high = int(np.searchsorted(t_starts, end_eff, side="left"))
                for position in range(low, high):
                    codes[base + position].add(code)
    result = turns[["transcript_id", "turn", "participant_id", "role", "speaker", "text"]].copy()
    result["codes"] = pd.Series(codes, index=turns.index, dtype="object")
    result["start"] = turns["start"]
    result["end"] = turns["end"]
    return result[TURN_CODE_COLUMNS].reset_index(drop=True)


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
        if unit not in attributes.columns:
            raise CodingError(f"attributes need a {unit!r} column", field=unit)
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
    if "codes" not in turn_codes_df.columns:
        raise CodingError("expected turn_codes() output with a 'codes' column", field="codes")
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


# -------------------------------------------------------------------------- saturation
def saturation(
    corpus: Corpus,
    codings: pd.DataFrame,
    order: Sequence[str] | None = None,
    coder: str | None = "consensus",
) -> pd.DataFrame:
    """New codes per successive interview, and the cumulative number seen (code saturation).

    ``order`` lists transcript ids in the order interviews were done; by default transcripts
    are ordered by ``interview_date`` metadata (when every transcript has one), else corpus
    order. Columns: ``position`` (1, 2, …), ``transcript_id``, ``participant_id``,
    ``n_codes`` (distinct codes in that interview), ``new_codes`` (sorted list of codes not
    seen before), ``n_new``, ``cumulative``, ``share`` (= cumulative / all distinct codes).
    Following Guest, Bunce & Johnson (2006, Field Methods 18:59-82), saturation shows as a
    run of interviews adding no new codes.
    """
    spans = _select(codings, coder, corpus)
    if order is None:
        dates = [t.metadata.get("interview_date") for t in corpus]
        if all(dates):
            order = [
                t.id for _, t in sorted(zip(dates, corpus, strict=True), key=lambda x: str(x[0]))
            ]
        else:
            order = corpus.ids
    order = list(order)
    unknown = [tid for tid in order if tid not in corpus]
    if unknown:
        raise CodingError(
            f"order names transcripts not in the corpus: {unknown[:10]}", field="order"
        )
    by_transcript = spans.groupby("transcript_id")["code_id"].agg(lambda s: set(s))
    total = len(set(spans.loc[spans["transcript_id"].isin(order), "code_id"]))
    seen: set[str] = set()
    rows = []
    for position, transcript_id in enumerate(order, start=1):
        present = by_transcript.get(transcript_id, set())
        new = sorted(present - seen)
        seen |= present
        rows.append(
            {
                "position": position,
                "transcript_id": transcript_id,
                "participant_id": corpus[transcript_id].participant_id,
                "n_codes": len(present),
                "new_codes": new,
                "n_new": len(new),
                "cumulative": len(seen),
                "share": len(seen) / total if total else 0.0,
            }
        )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------ role compare
def compare_roles(
    corpus: Corpus,
    codings: pd.DataFrame,
    coder: str | None = "consensus",
    roles: tuple[str, str] = ("patient", "provider"),
    unit: str = "transcript_id",
    test: str = "fisher",
    adjust: str = "holm",
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Does a code come up in a different share of patient and provider interviews?

    For each code, a 2 × 2 table of units (transcripts, or participants with
    ``unit="participant_id"``) by role and presence of the code, tested with Fisher's exact
    test (``test="fisher"``, :func:`scipy.stats.fisher_exact`, two-sided) or Pearson's
    chi-square with Yates' correction (``test="chi2"``, :func:`scipy.stats.chi2_contingency`).
    P-values are adjusted across codes (``adjust``: any :func:`statsmodels.stats.multitest.
    multipletests` method, e.g. ``holm`` or ``fdr_bh``; ``None`` to skip). Columns:
    ``code_id, n_<a>, with_<a>, prop_<a>, n_<b>, with_<b>, prop_<b>, difference`` (a − b),
    ``odds_ratio, statistic, p_value, p_adjusted``.
    """
    from scipy import stats
    from statsmodels.stats.multitest import multipletests

    if test not in ("fisher", "chi2"):
        raise CodingError(f"test must be 'fisher' or 'chi2', got {test!r}", field="test")
    if unit not in ("transcript_id", "participant_id"):
        raise CodingError(
            f"unit must be transcript_id or participant_id, got {unit!r}", field="unit"
        )
    first, second = roles
    matrix = code_matrix(corpus, codings, coder=coder, kind="presence", unit=unit, codes=codes)
    table = _transcript_table(corpus).drop_duplicates(unit).set_index(unit)["role"]
    matrix["_role"] = matrix[unit].map(table)
    code_ids = [c for c in matrix.columns if c not in (unit, "_role")]
    rows = []
    for code in code_ids:
        counts = {}
        for role in roles:
            members = matrix[matrix["_role"] == role]
            counts[role] = (len(members), int(members[code].sum()))
        (n_a, k_a), (n_b, k_b) = counts[first], counts[second]
        contingency = np.array([[k_a, n_a - k_a], [k_b, n_b - k_b]])
        if n_a == 0 or n_b == 0:
            odds, statistic, p_value = np.nan, np.nan, np.nan
        elif test == "fisher":
            result = stats.fisher_exact(contingency, alternative="two-sided")
            odds, statistic, p_value = float(result.statistic), np.nan, float(result.pvalue)
        else:
            if (contingency.sum(axis=0) == 0).any():
                odds, statistic, p_value = np.nan, 0.0, 1.0
            else:
                chi2 = stats.chi2_contingency(contingency, correction=True)
                statistic, p_value = float(chi2.statistic), float(chi2.pvalue)
                odds = stats.contingency.odds_ratio(contingency).statistic
        rows.append(
            {
                "code_id": code,
                f"n_{first}": n_a,
                f"with_{first}": k_a,
                f"prop_{first}": k_a / n_a if n_a else np.nan,
                f"n_{second}": n_b,
                f"with_{second}": k_b,
                f"prop_{second}": k_b / n_b if n_b else np.nan,
                "odds_ratio": odds,
                "statistic": statistic,
                "p_value": p_value,
            }
        )
    result = pd.DataFrame(rows)
    if result.empty:
        return result
    result.insert(7, "difference", result[f"prop_{first}"] - result[f"prop_{second}"])
    result["p_adjusted"] = result["p_value"]
    valid = result["p_value"].notna()
    if adjust and valid.any():
        result.loc[valid, "p_adjusted"] = multipletests(
            result.loc[valid, "p_value"], method=adjust
        )[1]
    return result
