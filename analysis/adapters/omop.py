"""An OMOP CDM extract → deliveries, dispensing and events.

Tables are pandas DataFrames with the CDM v5.3/5.4 column names (pull them with SQL or ibis
from the CDM database first).

* **Dispensing** — ``drug_exposure`` rows whose ``drug_concept_id`` is a MOUD ingredient or,
  when ``concept_ancestor`` is given, any descendant of one (clinical drugs, branded packs:
  real records are rarely coded at the ingredient level, so pass ``concept_ancestor``).
  Standard RxNorm ingredient concepts: buprenorphine 1133201 (RxNorm 1819), methadone
  1103640 (RxNorm 6813), naltrexone 1714319 (RxNorm 7243). ``days_supply`` is taken as is;
  when missing, from ``drug_exposure_end_date - drug_exposure_start_date + 1`` (CDM end dates
  are inclusive); when both are missing it stays empty (give ``default_days_supply`` to
  :func:`analysis.episodes.derive_episodes`, e.g. 31 days for an XR-naltrexone injection).
* **Deliveries** — ``condition_occurrence`` / ``procedure_occurrence`` records whose concept
  is in ``delivery_concepts`` (and descendants). Records of one person less than
  ``min_days_between_deliveries`` (168 days, the live-birth to live-birth minimum of the HIPPS
  pregnancy algorithm, Smith et al. 2024, JAMIA, doi:10.1093/jamia/ocae195) after a
  delivery's first record belong to that delivery; the delivery date is its first record.
  ``age`` comes from ``person.year_of_birth``; ``coverage_end_date`` is the end of the
  ``observation_period`` that contains the delivery.
* **Events** — ``death`` (``overdose_fatal`` when ``cause_concept_id`` is in
  ``overdose_concepts``, else ``death_other``); ``condition_occurrence`` records in
  ``overdose_concepts`` (``overdose_nonfatal``) and ``return_to_use_concepts``. Each event
  belongs to the person's latest delivery on or before it; earlier events are dropped (noted).

* **OTP methadone** — methadone from opioid treatment programmes arrives as HCPCS procedures
  (H0020, G2067–G2079), not drug exposures: ``procedure_occurrence`` records with those codes
  are read as fills (``source`` ``otp``) with a per-code duration (``otp_procedures``, see
  :mod:`analysis.adapters._otp`). Drug exposures are ``source`` ``pharmacy``.
* **Coverage** — ``coverage_start_date``/``coverage_end_date`` of a delivery are the start
  and end of the ``observation_period`` holding it (the lookback rule of docs/cohort.md).

Concept ids may arrive as numbers or text (``"4014295"`` matches ``4014295``); dates as
dates or ``YYYY-MM-DD`` text; an unreadable or integer-encoded date is an error naming the
table, row and column. No delivery record for the concept set is an error that says which
concepts were looked for in which tables.

The default ``delivery_concepts`` is deliberately small: 4014295 "Single live birth"
(SNOMED 169826009, a standard Condition concept, as used in OHDSI ATLAS live-birth concept
sets). Sites code deliveries in many ways (procedures, outcome observations): build your
concept set in ATLAS, check it against your vocabulary, and pass it. Overdose and
return-to-use concept sets have no default for the same reason.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from analysis._validation import require_columns
from analysis.adapters._omop_columns import as_concept_set, concept_ids, dates, numbers, text_ids
from analysis.adapters._otp import OTP_PROCEDURES, otp_dispensing
from analysis.adapters.tables import StudyTables, assign_deliveries
from analysis.errors import AnalysisError

log = logging.getLogger(__name__)

MOUD_INGREDIENTS: dict[int, str] = {
    1133201: "buprenorphine",
    1103640: "methadone",
    1714319: "naltrexone",
}
DELIVERY_CONCEPTS: dict[int, str] = {4014295: "Single live birth (SNOMED 169826009)"}
MIN_DAYS_BETWEEN_DELIVERIES = 168


def from_omop(
    person: pd.DataFrame,
    drug_exposure: pd.DataFrame,
    *,
    condition_occurrence: pd.DataFrame | None = None,
    procedure_occurrence: pd.DataFrame | None = None,
    observation_period: pd.DataFrame | None = None,
    death: pd.DataFrame | None = None,
    concept_ancestor: pd.DataFrame | None = None,
    moud_ingredients: Mapping[int, str] = MOUD_INGREDIENTS,
    delivery_concepts: Iterable[int] = tuple(DELIVERY_CONCEPTS),
    overdose_concepts: Iterable[int] = (),
    return_to_use_concepts: Iterable[int] = (),
    min_days_between_deliveries: int = MIN_DAYS_BETWEEN_DELIVERIES,
    otp_procedures: Mapping[str, tuple[str, int]] = OTP_PROCEDURES,
    concept: pd.DataFrame | None = None,
) -> StudyTables:
    """Build dyadlab tables from OMOP CDM tables (see the module docstring for the rules).

    A person born in 1993 with two buprenorphine exposures (the second without
    ``days_supply``, so 2023-03-05 to 2023-04-03 inclusive: 30 days) and a live birth
    recorded twice, two days apart (one delivery, dated by its first record):

    >>> person = pd.DataFrame({"person_id": [1], "year_of_birth": [1993]})
    >>> drug_exposure = pd.DataFrame({"drug_exposure_id": [11, 12], "person_id": [1, 1],
    ...     "drug_concept_id": [1133201, 1133201],
    ...     "drug_exposure_start_date": pd.to_datetime(["2023-02-01", "2023-03-05"]),
    ...     "drug_exposure_end_date": pd.to_datetime([None, "2023-04-03"]),
    ...     "days_supply": [30, None]})
    >>> births = pd.DataFrame({"person_id": [1, 1], "condition_concept_id": [4014295, 4014295],
    ...     "condition_start_date": pd.to_datetime(["2023-03-01", "2023-03-03"])})
    >>> tables = from_omop(person, drug_exposure, condition_occurrence=births)
    >>> tables.dispensing[["fill_date", "drug", "days_supply"]]
       fill_date           drug  days_supply
    0 2023-02-01  buprenorphine           30
    1 2023-03-05  buprenorphine           30
    >>> tables.deliveries[["delivery_id", "delivery_date", "age"]]
      delivery_id delivery_date  age
    0  1-20230301    2023-03-01   30

    Real extracts code drugs below the ingredient: pass ``concept_ancestor``, and build the
    cohort with a default supply for injections, ``tables.cohort(default_days_supply=
    {"naltrexone": 31})``. ``otp_procedures`` maps HCPCS codes to ``(drug, days per unit)``
    (defaults in :data:`analysis.adapters._otp.OTP_PROCEDURES`); ``concept`` (the CDM
    concept table) lets procedures coded only by ``procedure_concept_id`` be recognised
    by their HCPCS code.
    """
    notes: list[str] = []
    drug_of = _drug_map(moud_ingredients, concept_ancestor)
    dispensing = _dispensing(drug_exposure, drug_of, notes)
    if procedure_occurrence is not None and otp_procedures:
        require_columns(
            procedure_occurrence, ["person_id", "procedure_date"], name="procedure_occurrence"
        )
        otp = otp_dispensing(
            procedure_occurrence, dict(otp_procedures), notes, _hcpcs_codes(concept)
        )
        if len(otp):
            dispensing = pd.concat([dispensing, otp], ignore_index=True)
    deliveries = _deliveries(
        person,
        condition_occurrence,
        procedure_occurrence,
        observation_period,
        _expand(delivery_concepts, concept_ancestor),
        min_days_between_deliveries,
        notes,
    )
    events = _events(
        condition_occurrence,
        death,
        deliveries,
        _expand(overdose_concepts, concept_ancestor),
        _expand(return_to_use_concepts, concept_ancestor),
        notes,
    )
    for note in notes:
        log.info("OMOP: %s", note)
    return StudyTables(deliveries=deliveries, dispensing=dispensing, events=events, notes=notes)


def _expand(concepts: Iterable[int], concept_ancestor: pd.DataFrame | None) -> set[int]:
    ids = as_concept_set(concepts)
    if concept_ancestor is None or not ids or concept_ancestor.empty:
        return ids
    require_columns(
        concept_ancestor, ["ancestor_concept_id", "descendant_concept_id"], name="concept_ancestor"
    )
    ancestor = concept_ids(
        concept_ancestor["ancestor_concept_id"], "concept_ancestor", "ancestor_concept_id"
    )
    below = ancestor.isin(ids).to_numpy(dtype=bool)
    descendants = concept_ids(
        concept_ancestor["descendant_concept_id"], "concept_ancestor", "descendant_concept_id"
    )
    return ids | {int(c) for c in descendants[below].dropna()}


def _hcpcs_codes(concept: pd.DataFrame | None) -> dict[int, str] | None:
    """``{concept_id: HCPCS code}`` from the CDM concept table (None without one)."""
    if concept is None or concept.empty:
        return None
    require_columns(concept, ["concept_id", "vocabulary_id", "concept_code"], name="concept")
    hcpcs = concept.loc[concept["vocabulary_id"].astype(str) == "HCPCS"]
    ids = concept_ids(hcpcs["concept_id"], "concept", "concept_id")
    return dict(zip(ids.astype(int), hcpcs["concept_code"].astype(str).str.upper(), strict=True))


def _drug_map(ingredients: Mapping[int, str], ancestor: pd.DataFrame | None) -> dict[int, str]:
    drug_of: dict[int, str] = {}
    for ingredient, name in sorted(ingredients.items()):
        for concept in sorted(_expand([ingredient], ancestor)):
            if concept in drug_of and drug_of[concept] != name:
                raise AnalysisError(
                    f"concept {concept} descends from two MOUD ingredients "
                    f"({drug_of[concept]}, {name}); map it explicitly",
                    file="concept_ancestor",
                    field="descendant_concept_id",
                )
            drug_of[concept] = name
    return drug_of


def _dispensing(exposure: pd.DataFrame, drug_of: dict[int, str], notes: list[str]):
    columns = ["drug_exposure_id", "person_id", "drug_concept_id", "drug_exposure_start_date"]
    require_columns(exposure, columns, name="drug_exposure")
    concept = concept_ids(exposure["drug_concept_id"], "drug_exposure", "drug_concept_id")
    keep = concept.isin(drug_of.keys()).to_numpy(dtype=bool)
    rows = exposure.loc[keep]
    start = _dates_at(exposure, keep, "drug_exposure_start_date", "drug_exposure")
    supply = (
        numbers(rows["days_supply"])
        if "days_supply" in rows.columns
        else pd.Series(np.nan, index=rows.index)
    )
    supply = supply.where(supply > 0)
    if "drug_exposure_end_date" in rows.columns:
        end = _dates_at(exposure, keep, "drug_exposure_end_date", "drug_exposure", required=False)
        from_end = (end - start).dt.days + 1
        filled = supply.isna() & from_end.notna() & (from_end > 0)
        if filled.any():
            notes.append(
                f"{int(filled.sum())} drug exposures without days_supply: taken from "
                "the end date (end - start + 1)"
            )
        supply = supply.where(~filled, from_end)
    if supply.isna().any():
        notes.append(
            f"{int(supply.isna().sum())} MOUD drug exposures have neither days_supply "
            "nor an end date (pass default_days_supply to derive_episodes)"
        )
    notes.append(f"{int(keep.sum())} of {len(exposure)} drug exposures are MOUD")
    return pd.DataFrame(
        {
            "claim_id": "de" + text_ids(rows["drug_exposure_id"]),
            "person_id": text_ids(rows["person_id"]),
            "fill_date": start,
            "drug": concept[keep].astype(int).map(drug_of),
            "days_supply": supply.round().astype("Int64"),
            "source": "pharmacy",
        }
    ).reset_index(drop=True)


def _dates_at(table: pd.DataFrame, keep, column: str, name: str, *, required=True):
    """Dates of the kept rows, a bad one named by its row in the whole table."""
    positions = np.flatnonzero(np.asarray(keep, dtype=bool))
    values = table[column].iloc[positions]
    try:
        return dates(values, name, column, required=required)
    except AnalysisError as error:
        row = int(positions[error.row - 1]) + 1 if error.row else None
        raise AnalysisError(error.message, file=name, row=row, field=column) from None


def _deliveries(person, conditions, procedures, periods, concepts, min_days, notes):
    records = []
    looked = []
    sources = (
        (conditions, "condition_concept_id", "condition_start_date", "condition_occurrence"),
        (procedures, "procedure_concept_id", "procedure_date", "procedure_occurrence"),
    )
    for table, concept_column, date_column, name in sources:
        if table is None:
            continue
        require_columns(table, ["person_id", concept_column, date_column], name=name)
        hit = concept_ids(table[concept_column], name, concept_column).isin(concepts)
        hit = hit.to_numpy(dtype=bool)
        looked.append(f"{len(table):,} {name} records ({concept_column})")
        records.append(
            pd.DataFrame(
                {
                    "person_id": text_ids(table.loc[hit, "person_id"]),
                    "date": _dates_at(table, hit, date_column, name),
                }
            )
        )
    if not records:
        raise AnalysisError(
            "deliveries need condition_occurrence or procedure_occurrence",
            field="condition_occurrence",
        )
    found = pd.concat(records, ignore_index=True)
    if found.empty:
        shown = ", ".join(
            f"{c} ({DELIVERY_CONCEPTS[c]})" if c in DELIVERY_CONCEPTS else str(c)
            for c in sorted(concepts)[:10]
        )
        more = f" and {len(concepts) - 10} more" if len(concepts) > 10 else ""
        raise AnalysisError(
            f"no delivery records: none of {' and '.join(looked)} has a concept of the "
            f"delivery concept set ({len(concepts)} concept(s), descendants included: "
            f"{shown}{more}). Give the concepts your data use for deliveries "
            "(delivery_concepts=, or --delivery-concepts), e.g. built in ATLAS",
            field="delivery_concepts",
        )
    found["date"] = found["date"].astype("datetime64[ns]")
    found = found.sort_values(["person_id", "date"], kind="mergesort")
    kept: list[tuple[str, pd.Timestamp]] = []
    for person_id, date in zip(found["person_id"], found["date"], strict=True):
        if kept and kept[-1][0] == person_id and (date - kept[-1][1]).days < min_days:
            continue
        kept.append((person_id, date))
    notes.append(f"{len(found)} delivery records -> {len(kept)} deliveries")
    out = pd.DataFrame(kept, columns=["person_id", "delivery_date"])
    out.insert(
        0, "delivery_id", out["person_id"] + "-" + out["delivery_date"].dt.strftime("%Y%m%d")
    )
    out["delivery_date"] = out["delivery_date"].astype("datetime64[ns]")
    if "year_of_birth" in person.columns:
        born = numbers(person["year_of_birth"])
        born.index = text_ids(person["person_id"])
        born = born[~born.index.duplicated()]
        out["age"] = (out["delivery_date"].dt.year - out["person_id"].map(born)).astype("Int64")
    start, end = _coverage(out, periods, notes)
    out["coverage_start_date"] = start
    out["coverage_end_date"] = end
    return out


def _coverage(deliveries, periods, notes) -> tuple[pd.Series, pd.Series]:
    """Start and end of the observation period holding each delivery."""
    if periods is None:
        empty = pd.Series(pd.NaT, index=deliveries.index, dtype="datetime64[ns]")
        return empty, empty.copy()
    name = "observation_period"
    require_columns(
        periods,
        ["person_id", "observation_period_start_date", "observation_period_end_date"],
        name=name,
    )
    p = pd.DataFrame(
        {
            "person_id": text_ids(periods["person_id"]),
            "start": dates(
                periods["observation_period_start_date"], name, "observation_period_start_date"
            ),
            "end": dates(
                periods["observation_period_end_date"], name, "observation_period_end_date"
            ),
        }
    )
    pairs = deliveries[["delivery_id", "person_id", "delivery_date"]].merge(p, on="person_id")
    inside = pairs[
        (pairs["start"] <= pairs["delivery_date"]) & (pairs["delivery_date"] <= pairs["end"])
    ]
    start = deliveries["delivery_id"].map(inside.groupby("delivery_id")["start"].min())
    end = deliveries["delivery_id"].map(inside.groupby("delivery_id")["end"].max())
    outside = int(end.isna().sum())
    if outside:
        notes.append(
            f"{outside} deliveries lie outside every observation period "
            "(coverage_start_date and coverage_end_date left empty)"
        )
    return start.astype("datetime64[ns]"), end.astype("datetime64[ns]")


def _events(conditions, death, deliveries, overdose, relapse, notes) -> pd.DataFrame:
    parts = []
    if conditions is not None and (overdose or relapse):
        c = conditions
        name = "condition_occurrence"
        concept = concept_ids(c["condition_concept_id"], name, "condition_concept_id")
        for concepts, kind in ((overdose, "overdose_nonfatal"), (relapse, "return_to_use")):
            hit = concept.isin(concepts).to_numpy(dtype=bool)
            parts.append(
                pd.DataFrame(
                    {
                        "event_id": "co" + text_ids(c.loc[hit, "condition_occurrence_id"])
                        if "condition_occurrence_id" in c.columns
                        else None,
                        "person_id": text_ids(c.loc[hit, "person_id"]),
                        "event_date": _dates_at(c, hit, "condition_start_date", name),
                        "event_type": kind,
                    }
                )
            )
    if death is not None:
        require_columns(death, ["person_id", "death_date"], name="death")
        cause = (
            concept_ids(death["cause_concept_id"], "death", "cause_concept_id")
            if "cause_concept_id" in death.columns
            else None
        )
        fatal = (
            cause.isin(overdose).to_numpy(dtype=bool)
            if cause is not None
            else np.zeros(len(death), dtype=bool)
        )
        parts.append(
            pd.DataFrame(
                {
                    "event_id": "death-" + text_ids(death["person_id"]),
                    "person_id": text_ids(death["person_id"]),
                    "event_date": dates(death["death_date"], "death", "death_date"),
                    "event_type": np.where(fatal, "overdose_fatal", "death_other"),
                }
            )
        )
    columns = ["event_id", "person_id", "delivery_id", "event_date", "event_type"]
    if not parts:
        return pd.DataFrame(columns=columns)
    events = pd.concat(parts, ignore_index=True)
    if death is not None:
        # a non-fatal overdose record on the day of a fatal one is the same event
        fatal_days = set(
            zip(
                events.loc[events["event_type"] == "overdose_fatal", "person_id"],
                events.loc[events["event_type"] == "overdose_fatal", "event_date"],
                strict=True,
            )
        )
        same = [
            (p, d) in fatal_days and t == "overdose_nonfatal"
            for p, d, t in zip(
                events["person_id"], events["event_date"], events["event_type"], strict=True
            )
        ]
        events = events.loc[~np.array(same, dtype=bool)]
    placed = assign_deliveries(events, deliveries)
    dropped = len(events) - len(placed)
    if dropped:
        notes.append(
            f"{dropped} events of persons without a delivery, or before their first, were dropped"
        )
    placed["event_date"] = placed["event_date"].astype("datetime64[ns]")
    return placed[columns].reset_index(drop=True)
