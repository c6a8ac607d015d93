"""The records and counts behind the funder report: the cohort with the readable columns
the disclosure ledger counts, overall retention for the summary, the themes in words, and
the data-quality counts. Tested in tests/studies/reports/test_summary.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.plots import group_label
from studies.reports._funder import _percent, frequency_word, month_days, site_label

#: Fields whose completeness the data-quality section reports, with their readable names.
QUALITY_FIELDS = {
    "age": "Age",
    "race_ethnicity": "Race and ethnicity",
    "insurance": "Insurance",
    "parity": "Earlier births",
    "coverage_start_date": "Start of insurance coverage",
}


#: How each ``followup_end`` reads in a funder report.
FOLLOWUP_END_WORDS = {
    "horizon": "Followed for the whole year",
    "data_end": "Data ended",
    "coverage": "Lost insurance coverage",
    "next_delivery": "Another delivery",
    "death": "Death",
}


def funder_ledger_data(cohort: pd.DataFrame, follow_up_days: int = 365) -> pd.DataFrame:
    """The cohort with the readable columns the funder report counts (one row per delivery,
    ``delivery_id`` kept as the record id of the disclosure ledger).

    ``Included`` (the full lookback, docs/cohort.md Rule 8: "Included" / "Left out"),
    ``Site``, ``Medication at delivery`` and ``MOUD at delivery`` (On MOUD / No medication),
    ``Delivery year``, ``Delivery`` (the mother's first delivery in the report, or a later
    one — so the first-delivery count is the number of mothers), ``First year`` (overdose in
    claims follow-up), ``Fatal overdose`` (death records, within ``follow_up_days``) and
    ``How follow-up ended``, and ``<field> recorded`` (Recorded / Missing) for each of
    :data:`QUALITY_FIELDS` the cohort has.
    """
    data = cohort.reset_index(drop=True)
    lookback = (
        data["lookback_observed"].astype("boolean").fillna(True)
        if "lookback_observed" in data.columns
        else pd.Series(True, index=data.index, dtype="boolean")
    )
    included = lookback.to_numpy(bool)
    order = data.assign(_in=included).sort_values(["delivery_date", "delivery_id"])
    first = ~order[order["_in"]].duplicated("person_id")
    delivery = pd.Series("", index=data.index)
    delivery.loc[first.index] = first.map(
        {True: "First delivery in the report", False: "A later delivery of the same mother"}
    )
    moud = data["moud_at_delivery"].astype(str)
    fatal = pd.Series(False, index=data.index)
    if "fatal_overdose_status" in data.columns:
        fatal = (data["fatal_overdose_status"] == 1) & (
            data["days_to_fatal_overdose"] <= follow_up_days
        )
    recorded = {
        f"{name} recorded": data[field].isna().map({True: "Missing", False: "Recorded"})
        for field, name in QUALITY_FIELDS.items()
        if field in data.columns
    }
    return pd.DataFrame(
        {
            "delivery_id": data["delivery_id"].astype(str),
            "Included": pd.Series(included).map({True: "Included", False: "Left out"}),
            "Site": data["site"].map(site_label),
            "Medication at delivery": moud.map(group_label),
            "MOUD at delivery": moud.map(lambda m: "No medication" if m == "none" else "On MOUD"),
            "Delivery year": pd.to_datetime(data["delivery_date"]).dt.year.astype(str),
            "Delivery": delivery,
            "First year": data["overdose"]
            .astype(bool)
            .map({True: "Overdose", False: "No overdose"}),
            "Fatal overdose": fatal.map({True: "Fatal overdose", False: "No fatal overdose"}),
            "How follow-up ended": data.get("followup_end", pd.Series("", index=data.index))
            .astype(str)
            .map(lambda e: FOLLOWUP_END_WORDS.get(e, e)),
            **recorded,
        }
    )


def overall_retention(
    on_moud: pd.DataFrame, months: Sequence[int], min_cell: int = 11
) -> dict[int, object]:
    """Kaplan–Meier retention of all mothers on MOUD at delivery at ``months``, as shown
    percentages ("63%"), ``<NA>`` when fewer than ``min_cell`` are still followed."""
    from analysis import survival

    if len(on_moud) < min_cell:
        return {m: pd.NA for m in months}
    from analysis.disclosure import round_km

    # From rounded counts (round_km), so the percentage pins no count of 1-10.
    km = round_km(survival.kaplan_meier(on_moud, "days_on_moud", "discontinued"), min_cell)
    if not km.groups:
        return {m: pd.NA for m in months}
    at = km.at([month_days(m) for m in months])
    return {
        m: _percent(r.survival) if r.n_risk >= min_cell else pd.NA
        for m, r in zip(months, at.itertuples(), strict=True)
    }


def themes_in_words(corpus, codings: pd.DataFrame, role: str, top: int = 2, codebook=None):
    """The ``top`` themes people of ``role`` raised most widely, as ``(name, "most
    mothers")`` pairs for the summary; themes nobody of the role raised never appear."""
    from coding.codebook import load_codebook
    from coding.explore import code_frequencies

    codebook = codebook or load_codebook("default")
    frequencies = code_frequencies(codings, corpus, by="role")
    mine = frequencies[(frequencies["role"] == role) & (frequencies["n_transcripts"] > 0)]
    mine = mine.sort_values(["share", "n_turns", "code_id"], ascending=[False, False, True])
    people = {"patient": "mothers", "provider": "providers"}.get(role, role)
    return [
        (
            codebook.get(r.code_id).name if r.code_id in codebook else r.code_id,
            f"{frequency_word(r.share)} {people}",
        )
        for r in mine.head(top).itertuples()
    ]


def missing_values_table(ledger, included) -> pd.DataFrame:
    """Deliveries with a missing value in each of :data:`QUALITY_FIELDS`, published through
    ``ledger`` (one count table per field, so the counts are protected together with every
    other table of the report): ``Field`` × ``Missing`` / ``Recorded``."""
    rows, rounded = {}, {}
    for name in QUALITY_FIELDS.values():
        column = f"{name} recorded"
        if column not in ledger.data.columns:
            continue
        table = ledger.count_table(column, where=included, name=f"Missing {name.lower()}")
        marks = table.attrs.get("rounded")
        values, flags = {}, {}
        for status in ("Missing", "Recorded"):
            values[status] = table.iloc[:, 0].get(status, 0)
            flags[status] = bool(
                marks is not None and status in marks.index and marks.loc[status].iloc[0]
            )
        rows[name], rounded[name] = values, flags
    columns = ["Missing", "Recorded"]
    out = pd.DataFrame.from_dict(rows, orient="index", columns=columns).astype("Int64")
    out.index.name = "Field"
    # Counts the ledger showed rounded keep their mark (format_suppressed: "≈").
    marks = pd.DataFrame.from_dict(rounded, orient="index", columns=columns).astype(bool)
    if marks.to_numpy().any():
        out.attrs["rounded"] = marks.reindex(out.index)
    return out
