"""Mixed methods: each interviewed mother's themes beside her outcomes.

The qualitative and quantitative halves of a study meet at the participant: an interviewed
patient is a cohort member (``participants.person_id``). This module turns coded turns into
one row per participant with a yes/no column per code, links patients to the delivery their
interview speaks about, and builds the *joint display* (Guetterman, Fetters & Creswell,
Ann Fam Med 2015): for each theme, how the mothers who raised it fared on retention,
return to use and overdose, beside a quote that shows what the theme means.

Everything here is exploratory. Interview samples are small (about 20 patients in a typical
study), so the tables show the n of every cell and the plots say so; none of it is a test of
an effect.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from analysis._validation import require_columns
from analysis.errors import AnalysisError

OUTCOMES = {
    "discontinued": "Stopped MOUD within follow-up",
    "relapse": "Returned to use",
    "overdose": "Overdose",
}


def theme_indicators(turn_codes: pd.DataFrame, codes: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per participant, a boolean column per code: did she raise the theme at all?

    ``turn_codes`` is :func:`coding.explore.turn_codes` output (columns ``participant_id``,
    ``role``, ``codes``). ``codes`` fixes the columns (and their order); by default every
    code that occurs. Also gives ``n_turns`` (participant turns, a measure of interview length).
    """
    require_columns(turn_codes, ["participant_id", "codes"])
    occurring = sorted({c for codes_ in turn_codes["codes"] for c in codes_})
    columns = list(codes) if codes is not None else occurring
    rows = []
    for participant, turns in turn_codes.groupby("participant_id", sort=True):
        raised = set().union(*turns["codes"]) if len(turns) else set()
        row = {"participant_id": participant, "n_turns": len(turns)}
        if "role" in turns.columns:
            row["role"] = turns["role"].iloc[0]
        row.update({code: code in raised for code in columns})
        rows.append(row)
    return pd.DataFrame(rows)


def link_outcomes(
    indicators: pd.DataFrame, participants: pd.DataFrame, cohort: pd.DataFrame
) -> pd.DataFrame:
    """Join each interviewed patient's themes to the outcomes of her delivery.

    A patient is linked through ``participants.person_id`` to the cohort. When she has more
    than one delivery, the one the interview is about is her latest delivery on or before
    the interview date (or her first delivery when all are after it). Providers and patients
    without a cohort record are left out; ``unlinked`` in ``.attrs`` lists them.
    """
    require_columns(participants, ["participant_id", "person_id"])
    people = participants[participants["person_id"].notna()]
    if "role" in people.columns:
        people = people[people["role"] == "patient"]
    merged = people[
        [
            "participant_id",
            "person_id",
            *(["interview_date"] if "interview_date" in people.columns else []),
        ]
    ].merge(cohort, on="person_id", how="inner")
    if "interview_date" in merged.columns:
        interview = pd.to_datetime(merged["interview_date"])
        delivered = pd.to_datetime(merged["delivery_date"])
        merged["_before"] = delivered <= interview
        merged["_order"] = delivered
        merged = merged.sort_values(
            ["participant_id", "_before", "_order"], ascending=[True, False, False]
        )
        merged = merged.groupby("participant_id", sort=True).head(1)
        merged = merged.drop(columns=["_before", "_order"])
    else:
        merged = merged.sort_values("delivery_date").groupby("participant_id").tail(1)
    linked = indicators.drop(columns=["role"], errors="ignore").merge(
        merged, on="participant_id", how="inner"
    )
    linked.attrs["unlinked"] = sorted(
        set(indicators["participant_id"]) - set(linked["participant_id"])
    )
    return linked.reset_index(drop=True)


def joint_display(
    linked: pd.DataFrame,
    codes: Sequence[str],
    *,
    outcomes: dict[str, str] | None = None,
    quotes: dict[str, str] | None = None,
    code_names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Theme × outcome joint display: for each code, outcomes with vs without the theme.

    Columns: ``Theme``, ``With theme``, ``Without`` (numbers of mothers), then per outcome
    ``<outcome> (with vs without)`` as ``"k/n vs k/n"``, ``Median days on MOUD (with vs
    without)``, and ``Quote`` (from ``quotes``, e.g. :func:`coding.explore.exemplars`).
    Outcomes missing from the data are skipped.
    """
    outcomes = {k: v for k, v in (outcomes or OUTCOMES).items() if k in linked.columns}
    names = code_names or {}
    rows = []
    for code in codes:
        if code not in linked.columns:
            raise AnalysisError(f"no indicator column for code {code!r}")
        has = linked[code].astype(bool)
        row: dict[str, object] = {
            "Theme": names.get(code, code),
            "With theme": int(has.sum()),
            "Without": int((~has).sum()),
        }
        for outcome, label in outcomes.items():
            parts = []
            for mask in (has, ~has):
                events = int(linked.loc[mask, outcome].astype(bool).sum())
                parts.append(f"{events}/{int(mask.sum())}")
            row[f"{label} (with vs without)"] = " vs ".join(parts)
        if "days_on_moud" in linked.columns:
            medians = [linked.loc[mask, "days_on_moud"].median() for mask in (has, ~has)]
            row["Median days on MOUD (with vs without)"] = " vs ".join(
                "–" if pd.isna(m) else f"{m:.0f}" for m in medians
            )
        row["Quote"] = (quotes or {}).get(code, "")
        rows.append(row)
    return pd.DataFrame(rows)


def retention_by_theme(linked: pd.DataFrame, code: str, *, code_name: str | None = None):
    """Kaplan–Meier retention of interviewed mothers with vs without a theme (exploratory).

    Returns :func:`analysis.survival.kaplan_meier` grouped by ``"<theme>: yes/no (n=…)"`` so
    the plot's legend shows the n of each group.
    """
    from analysis.survival import kaplan_meier

    if code not in linked.columns:
        raise AnalysisError(f"no indicator column for code {code!r}")
    name = code_name or code
    has = linked[code].astype(bool)
    label = has.map(
        {True: f"{name}: yes (n={int(has.sum())})", False: f"{name}: no (n={int((~has).sum())})"}
    )
    frame = linked.assign(theme_group=label)
    return kaplan_meier(frame, duration="days_on_moud", event="discontinued", by="theme_group")
