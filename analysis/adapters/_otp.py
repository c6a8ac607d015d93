"""Opioid treatment programme (OTP) billing codes read as dispensing.

Methadone for opioid use disorder is given by OTPs, which bill HCPCS procedure codes rather
than pharmacy claims, so in an OMOP extract it sits in ``procedure_occurrence`` (HCPCS is an
OMOP procedure vocabulary), not in ``drug_exposure``. Each code below becomes a fill of its
drug covering a number of days from the procedure date (times ``quantity`` when the record
has more than one unit). The days are defaults a study can change:

* **H0020** "Alcohol and/or drug services; methadone administration and/or service
  (provision of the drug by a licensed program)": 1 day (most Medicaid programmes bill one
  unit per dose day; some bill it per week — set 7 then).
* **G2067–G2073**, Medicare's weekly OTP bundles ("seven continuous days of services", CMS;
  Palmetto GBA, "Opioid Treatment Programs and HCPCS G2067 through G2075 Weekly Bundles",
  2021): G2067 methadone, G2068 oral buprenorphine: 7 days. G2069 injectable buprenorphine
  and G2073 injectable naltrexone: 28 days (billed at most once per 28 days, after the
  monthly injection). G2070 and G2072, buprenorphine implant insertion (with removal): 180
  days (the six-month implant; once per 180 days).
* **G2078**, **G2079**: take-home supply of methadone / oral buprenorphine, "up to 7
  additional day supply": 7 days.

G2074 (non-drug bundle), G2075 (medication not otherwise specified), G2071 (implant
removal), G2076–G2077 (intake, periodic assessment) and G2080 (counselling) say nothing
about which MOUD was taken, or that one was: they are counted in a note, not read as fills.
"""

from __future__ import annotations

import pandas as pd

from analysis.adapters._omop_columns import dates, numbers, text_ids

#: HCPCS code → (drug, days per unit); pass ``otp_procedures=`` to change them.
OTP_PROCEDURES: dict[str, tuple[str, int]] = {
    "H0020": ("methadone", 1),
    "G2067": ("methadone", 7),
    "G2068": ("buprenorphine", 7),
    "G2069": ("buprenorphine", 28),
    "G2070": ("buprenorphine", 180),
    "G2072": ("buprenorphine", 180),
    "G2073": ("naltrexone", 28),
    "G2078": ("methadone", 7),
    "G2079": ("buprenorphine", 7),
}
#: OTP codes that are not a dose of a known MOUD (counted, not read).
OTP_NOT_A_DOSE = ("G2071", "G2074", "G2075", "G2076", "G2077", "G2080")


def otp_dispensing(
    procedures: pd.DataFrame,
    codes: dict[str, tuple[str, int]],
    notes: list[str],
    concept_codes: dict[int, str] | None = None,
) -> pd.DataFrame:
    """Fills from OTP procedure records (``procedure_source_value`` holding the HCPCS code,
    optionally followed by modifiers, or a ``procedure_concept_id`` whose HCPCS code is given
    by ``concept_codes``)."""
    code = pd.Series("", index=procedures.index)
    if "procedure_source_value" in procedures.columns:
        code = procedures["procedure_source_value"].fillna("").astype(str).str.strip()
        code = code.str.upper().str.extract(r"^([A-Z]\d{4})", expand=False).fillna("")
    if concept_codes:
        from analysis.adapters._omop_columns import concept_ids

        ids = concept_ids(procedures["procedure_concept_id"], "procedure_occurrence", "id")
        by_concept = ids.map(concept_codes).fillna("")
        code = code.where(code.isin(codes.keys()), by_concept)
    hit = code.isin(codes.keys())
    skipped = int(code.isin(OTP_NOT_A_DOSE).sum())
    if skipped:
        notes.append(
            f"{skipped} OTP procedure records name no dose of a known MOUD "
            f"({', '.join(OTP_NOT_A_DOSE)}): not read as fills"
        )
    rows = procedures.loc[hit]
    columns = ["claim_id", "person_id", "fill_date", "drug", "days_supply", "source"]
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    start = dates(rows["procedure_date"], "procedure_occurrence", "procedure_date")
    units = (
        numbers(rows["quantity"]).where(lambda q: q >= 1, 1).fillna(1)
        if "quantity" in rows.columns
        else pd.Series(1.0, index=rows.index)
    )
    drug = code[hit].map(lambda c: codes[c][0])
    days = code[hit].map(lambda c: codes[c][1]) * units
    ids = (
        text_ids(rows["procedure_occurrence_id"])
        if "procedure_occurrence_id" in rows.columns
        else pd.Series(range(1, len(rows) + 1), index=rows.index).astype(str)
    )
    counts = code[hit].value_counts().sort_index()
    notes.append(
        "OTP procedures read as fills: "
        + ", ".join(f"{c} x{n} ({codes[c][0]}, {codes[c][1]} d/unit)" for c, n in counts.items())
    )
    return pd.DataFrame(
        {
            "claim_id": "po" + ids,
            "person_id": text_ids(rows["person_id"]),
            "fill_date": start,
            "drug": drug,
            "days_supply": days.round().astype("Int64"),
            "source": "otp",
        }
    ).reset_index(drop=True)
