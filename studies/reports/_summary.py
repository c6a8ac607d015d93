"""Plain-language text of the funder report: the executive summary, what predicts stopping
treatment, and the methods and limitations.

Every number these sentences print is one the report's protected tables show (a count the
disclosure ledger published, a percentage shown beside it): a value hidden in a table is
never written out in a sentence, the sentence says it is hidden. Tested in
tests/studies/reports/test_summary.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.disclosure import ROUNDED_MARK
from analysis.plots import group_label

HIDDEN = "hidden to protect privacy"

#: How the covariates of the Cox model read in a sentence about mothers ("mothers with …").
COVARIATE_WORDS = {
    "pmad": "a perinatal mood or anxiety disorder",
    "housing_instability": "unstable housing",
    "peer_recovery_coach_at_delivery": "a peer recovery coach by the time of delivery",
    "home_visiting_at_delivery": "home visiting by the time of delivery",
    "cps_report": "a report to child protective services",
    "infant_nows": "a baby with neonatal opioid withdrawal syndrome",
}


def _shown(value: object) -> bool:
    return value is not None and not (not isinstance(value, str) and pd.isna(value))


def _count(value: object) -> str:
    """A shown count in words: ``1320`` → ``"1,320"``, a rounded ``"≈1,320"`` →
    ``"about 1,320"``."""
    if isinstance(value, str):
        return value.replace(ROUNDED_MARK, "about ")
    return f"{int(value):,}"


def _exact(value: object) -> int | None:
    return None if isinstance(value, str) or not _shown(value) else int(value)


def table_value(table: pd.DataFrame, row: str, column: str | None = None) -> object:
    """The value a protected count table shows in one cell: an int, ``<NA>`` when hidden,
    or ``"≈N"`` when shown rounded (``table.attrs["rounded"]``). A row or column the table
    does not have counts no record (count tables list the categories that occur): 0.
    ``column`` defaults to the only column of a one-way table."""
    column = table.columns[0] if column is None else column
    try:
        value = table.loc[row, column]
    except KeyError:
        return 0
    if pd.isna(value):
        return pd.NA
    rounded = table.attrs.get("rounded")
    if rounded is not None and bool(rounded.loc[row, column]):
        return f"{ROUNDED_MARK}{int(value):,}"
    return int(value)


def headline_sentences(
    *,
    deliveries: object,
    mothers: object,
    on_moud: object,
    retention: Mapping[int, object],
    overdoses: object,
    fatal_overdoses: object = None,
    mothers_themes: Sequence[tuple[str, str]] = (),
    providers_themes: Sequence[tuple[str, str]] = (),
) -> list[str]:
    """The executive summary: one plain sentence per headline number.

    Counts are the values the report's protected tables show (``<NA>`` when hidden);
    ``retention`` maps months to a shown percentage ("63%") or ``<NA>``; themes are
    ``(theme, how widely)`` pairs such as ``("Stigma", "most")``.
    """
    sentences = []
    if _shown(deliveries) and _shown(mothers):
        exact = (_exact(deliveries), _exact(mothers))
        if None not in exact and exact[0] == exact[1]:
            why = ", each to a different mother"
        elif None not in exact:
            why = " (some mothers gave birth more than once in the study)"
        else:
            why = " (a mother may have more than one delivery)"
        covers = f"The report covers {_count(deliveries)} deliveries"
        sentences.append(
            covers + why + "." if why.startswith(",") else f"{covers} to {_count(mothers)} "
            f"mothers{why}."
        )
    elif _shown(deliveries):
        sentences.append(
            f"The report covers {_count(deliveries)} deliveries; the number of mothers is {HIDDEN}."
        )
    else:
        sentences.append(f"The number of deliveries in this report is {HIDDEN}.")
    if _shown(on_moud) and _shown(deliveries):
        exact = (_exact(on_moud), _exact(deliveries))
        share = f" ({100 * exact[0] / exact[1]:.0f}%)" if None not in exact and exact[1] else ""
        of = "of" if isinstance(deliveries, str) else "of the"
        sentences.append(
            f"At {_count(on_moud)} {of} {_count(deliveries)} deliveries{share}, the mother was "
            "taking medication for opioid use disorder (MOUD)."
        )
    else:
        sentences.append(f"The number taking medication (MOUD) at delivery is {HIDDEN}.")
    shown = {m: v for m, v in retention.items() if _shown(v)}
    if shown:
        parts = [f"{v} after {m} months" for m, v in sorted(shown.items())]
        sentences.append(
            f"Of the mothers on MOUD at delivery, {_and(parts)} were still on treatment."
        )
    else:
        sentences.append(f"Retention on MOUD after delivery is {HIDDEN} (too few mothers).")
    if _shown(overdoses):
        some = _exact(overdoses) != 0
        text = (
            f"There was an overdose within a year after {_count(overdoses)} of the deliveries"
            if some
            else "No overdose was recorded within a year of any delivery"
        )
        if some and _shown(fatal_overdoses):
            text += (
                f"; {_count(fatal_overdoses)} mothers died of an overdose within a year of "
                "delivery (death records)"
            )
        elif some and fatal_overdoses is not None:
            text += f"; the number of fatal overdoses is {HIDDEN}"
        sentences.append(text + ".")
    else:
        sentences.append(f"The number of overdoses is {HIDDEN}.")
    interview = []
    if mothers_themes:
        interview.append(
            "mothers talked most about "
            + _and([f"{_lower(name)} ({word})" for name, word in mothers_themes])
        )
    if providers_themes:
        interview.append(
            "providers about "
            + _and([f"{_lower(name)} ({word})" for name, word in providers_themes])
        )
    if interview:
        sentences.append("In interviews, " + "; ".join(interview) + ".")
    return sentences


def _lower(name: str) -> str:
    """A theme name inside a sentence: "Social needs" → "social needs", but "NOWS
    information gap" and "CPS as a barrier" keep their acronyms."""
    first = name.split(" ", 1)[0]
    return name if first.isupper() and len(first) > 1 else name[:1].lower() + name[1:]


#: Insurance values as written in a sentence.
INSURANCE_WORDS = {"medicaid": "Medicaid", "private": "private", "medicare": "Medicare"}


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _term(term: str) -> tuple[str, str | None]:
    match = re.fullmatch(r"C\((\w+)\)\[T\.(.+)\]", term)
    return (match.group(1), match.group(2)) if match else (term, None)


def predictors_in_words(summary: pd.DataFrame, data: pd.DataFrame, min_cell: int = 11) -> list[str]:
    """Plain sentences for the Cox model terms whose 95% CI excludes 1: who stopped
    treatment sooner or later, and by how much (the hazard ratio as "about 1.4 times the
    rate"). A term whose group (either level) has fewer than ``min_cell`` deliveries in
    ``data`` is left out. ``summary`` is ``CoxResult.summary`` (``hr, lower, upper``)."""
    sentences = []
    for term, row in summary.iterrows():
        bounds = [float(row["hr"]), float(row["lower"]), float(row["upper"])]
        if not all(np.isfinite(bounds)) or min(bounds) <= 0:
            continue  # a degenerate fit says nothing a funder can use
        if row["lower"] <= 1 <= row["upper"]:
            continue
        column, level = _term(str(term))
        if column not in data.columns:
            continue
        values = data[column]
        if level is not None:
            levels = sorted(values.dropna().astype(str).unique())
            reference = levels[0]
            sizes = [(values.astype(str) == level).sum(), (values.astype(str) == reference).sum()]
            who = _group_words(column, level)
            than = _group_words(column, reference)
        elif pd.api.types.is_bool_dtype(values) or set(values.dropna().unique()) <= {0, 1}:
            flag = values.astype("boolean")
            sizes = [int(flag.sum()), int((~flag).sum())]
            words = COVARIATE_WORDS.get(column, column.replace("_", " "))
            who, than = f"mothers with {words}", "otherwise similar mothers without it"
        else:
            unit = "year of age" if column == "age" else f"unit of {column.replace('_', ' ')}"
            sentences.append(
                f"Each additional {unit} multiplied the rate of stopping treatment by about "
                f"{row['hr']:.2f} (95% CI {row['lower']:.2f} to {row['upper']:.2f})."
            )
            continue
        if min(sizes) < min_cell:
            continue
        hr = float(row["hr"])
        direction = "stopped treatment sooner" if hr > 1 else "stayed on treatment longer"
        sentences.append(
            f"{who[:1].upper() + who[1:]} {direction} than {than} (they stopped at about "
            f"{hr:.2f} times the rate; 95% CI {row['lower']:.2f} to {row['upper']:.2f})."
        )
    return sentences


def _group_words(column: str, level: str) -> str:
    if column == "moud_at_delivery":
        return f"mothers on {group_label(level).lower()} at delivery"
    if column == "insurance":
        if level == "uninsured":
            return "uninsured mothers"
        return f"mothers with {INSURANCE_WORDS.get(level, level.replace('_', ' '))} insurance"
    return f"mothers with {column.replace('_', ' ')} {level.replace('_', ' ')}"


def methods_text(settings: object, *, lookback_left_out: object, period_note: str | None) -> str:
    """The short methods and limitations section (Markdown), from the study's ``outcomes``
    settings (gap, follow-up, data end, lookback); ``settings=None`` for a study without
    delivery records, ``period_note=None`` for one without interviews."""
    paragraphs = []
    if settings is not None:
        gap = getattr(settings, "gap_days", 30)
        horizon = getattr(settings, "follow_up_days", 365)
        lookback = getattr(settings, "lookback_days", 90)
        data_end = getattr(settings, "data_end", None)
        if _exact(lookback_left_out) == 0:
            left_out = "No delivery was left out for a short enrolment."
        elif _shown(lookback_left_out):
            left_out = (
                f"{_count(lookback_left_out).capitalize()} deliveries whose insurance coverage "
                f"began less than {lookback} days before delivery are left out."
            )
        else:
            left_out = (
                f"Deliveries whose insurance coverage began less than {lookback} days before "
                f"delivery are left out (their number is {HIDDEN})."
            )
        end = f" The data end on {data_end}." if data_end else ""
        paragraphs += [
            "**Who is counted.** Every delivery in the site and period of the report, from "
            "insurance claims and pharmacy records. Medication at delivery is the medication "
            "whose supply covered the delivery date; a mother can only be counted as on no "
            f"medication when her records cover the {lookback} days before delivery. {left_out}",
            f"**Staying on treatment.** Treatment continues across gaps in supply of up to {gap} "
            "days; a longer gap ends it, dated at the end of the last supply.",
            f"**Follow-up and censoring.** Each delivery is followed for up to {horizon} days, "
            "and for less when the mother lost insurance coverage, had another delivery, died, "
            f"or the data ended.{end} From then on we cannot see her treatment or overdoses, so "
            "she is counted only for the time we could see (Kaplan–Meier estimates handle the "
            "different lengths of follow-up); mothers who lost coverage may have done better or "
            "worse than those who kept it. Fatal overdoses come from death records and are "
            "counted even after coverage ended.",
        ]
    if period_note:
        paragraphs.append(
            f"**Interviews.** {period_note} Interviews describe the experience of the mothers "
            "and providers who took part; they do not measure how common an experience is, so "
            "we describe them in words, not counts."
        )
    else:
        paragraphs.append("**Interviews.** This study has no interviews.")
    limits = []
    if settings is not None:
        limits.append(
            "This is an observational study: mothers who chose or were offered a medication "
            "differ in ways the data do not record, so differences between groups are "
            "associations, not effects of the medication. Claims miss treatment paid in cash "
            "or given in hospital, and a medication switch shortly after delivery is not "
            "counted as stopping."
        )
    if period_note:
        limits.append(
            "The people interviewed chose to take part and may not speak for every mother or "
            "provider."
        )
    paragraphs.append("**Limitations.** " + " ".join(limits))
    return "\n\n".join(paragraphs)
