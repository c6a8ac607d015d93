"""The funder report's plain-language text and the counts behind it: every number a sentence
prints is one a protected table shows; hidden values are said to be hidden, never printed."""

import numpy as np
import pandas as pd

from analysis.disclosure import DisclosureLedger
from studies.reports._funder_data import funder_ledger_data, missing_values_table
from studies.reports._summary import (
    headline_sentences,
    methods_text,
    predictors_in_words,
    table_value,
)


def test_headline_sentences_one_per_number_and_mothers_differ_from_deliveries():
    sentences = headline_sentences(
        deliveries=1320,
        mothers=1251,
        on_moud=1122,
        retention={6: "66%", 12: "47%"},
        overdoses=90,
        fatal_overdoses=pd.NA,
        mothers_themes=[("Social needs", "most mothers")],
        providers_themes=[("NOWS information gap", "most providers")],
    )
    assert sentences[0] == (
        "The report covers 1,320 deliveries to 1,251 mothers (some mothers gave birth more "
        "than once in the study)."
    )
    # 1,122 / 1,320 = 85.0 %.
    assert sentences[1] == (
        "At 1,122 of the 1,320 deliveries (85%), the mother was taking medication for opioid "
        "use disorder (MOUD)."
    )
    assert sentences[2] == (
        "Of the mothers on MOUD at delivery, 66% after 6 months and 47% after 12 months were "
        "still on treatment."
    )
    assert "the number of fatal overdoses is hidden to protect privacy" in sentences[3]
    assert "90 of the deliveries" in sentences[3]
    # Acronyms keep their capitals inside the sentence; other names are lower-cased.
    assert sentences[4] == (
        "In interviews, mothers talked most about social needs (most mothers); providers "
        "about NOWS information gap (most providers)."
    )


def test_rounded_equal_counts_do_not_claim_one_delivery_per_mother():
    sentences = headline_sentences(
        deliveries="≈20", mothers="≈20", on_moud=pd.NA, retention={}, overdoses=pd.NA
    )
    assert sentences[0] == (
        "The report covers about 20 deliveries to about 20 mothers (a mother may have more "
        "than one delivery)."
    )


def test_hidden_and_rounded_values_are_never_printed_as_exact():
    sentences = headline_sentences(
        deliveries="≈500",
        mothers=pd.NA,
        on_moud="≈380",
        retention={6: pd.NA, 12: pd.NA},
        overdoses=pd.NA,
    )
    text = " ".join(sentences)
    assert "about 500 deliveries; the number of mothers is hidden" in text
    assert "At about 380 of about 500 deliveries, the mother was taking" in text
    assert "%" not in sentences[1]  # no share computed from rounded counts
    assert "Retention on MOUD after delivery is hidden" in text
    assert "The number of overdoses is hidden to protect privacy." in text


def test_table_value_reads_the_shown_cell():
    table = pd.DataFrame({"n": [40, pd.NA, 50]}, index=["a", "b", "Total"]).astype("Int64")
    table.attrs["rounded"] = pd.DataFrame({"n": [False, False, True]}, index=table.index)
    assert table_value(table, "a") == 40
    assert pd.isna(table_value(table, "b"))
    assert table_value(table, "Total") == "≈50"
    assert table_value(table, "missing row") == 0  # a category that does not occur


def test_predictors_in_words_only_clear_and_large_enough_effects():
    data = pd.DataFrame(
        {
            "moud_at_delivery": ["buprenorphine"] * 30 + ["methadone"] * 30 + ["naltrexone"] * 5,
            "pmad": [True, False] * 32 + [True],
            "insurance": ["medicaid"] * 40 + ["uninsured"] * 25,
        }
    )
    summary = pd.DataFrame(
        {
            "hr": [0.66, 2.05, 1.40, 1.10, 1.59],
            "lower": [0.55, 1.50, 1.18, 0.90, 1.07],
            "upper": [0.79, 2.79, 1.66, 1.30, 2.37],
        },
        index=[
            "C(moud_at_delivery)[T.methadone]",
            "C(moud_at_delivery)[T.naltrexone]",
            "pmad",
            "age",
            "C(insurance)[T.uninsured]",
        ],
    )
    sentences = predictors_in_words(summary, data, min_cell=11)
    assert sentences[0] == (
        "Mothers on methadone at delivery stayed on treatment longer than mothers on "
        "buprenorphine at delivery (they stopped at about 0.66 times the rate; 95% CI 0.55 to "
        "0.79)."
    )
    # naltrexone: only 5 deliveries, left out; age: CI includes 1, left out.
    assert not any("naltrexone" in s or "age" in s for s in sentences)
    assert sentences[1].startswith(
        "Mothers with a perinatal mood or anxiety disorder stopped treatment sooner than "
        "otherwise similar mothers without it"
    )
    assert sentences[2].startswith(
        "Uninsured mothers stopped treatment sooner than mothers with Medicaid insurance"
    )


def test_methods_text_states_censoring_and_loss_of_coverage():
    class Settings:
        gap_days, follow_up_days, lookback_days, data_end = 30, 365, 90, "2025-06-30"

    text = methods_text(Settings(), lookback_left_out="≈80", period_note="All interviews.")
    assert "lost insurance coverage" in text and "The data end on 2025-06-30." in text
    assert "About 80 deliveries whose insurance coverage began less than 90 days" in text
    hidden = methods_text(Settings(), lookback_left_out=pd.NA, period_note="")
    assert "their number is hidden to protect privacy" in hidden


def _cohort() -> pd.DataFrame:
    # Mother M1 has two deliveries; M3's delivery lacks the lookback (left out); 24 more
    # mothers with one delivery each.
    persons = ["M1", "M1", "M2", "M3"] + [f"N{i}" for i in range(24)]
    n = len(persons)
    return pd.DataFrame(
        {
            "delivery_id": [f"D{i}" for i in range(n)],
            "person_id": persons,
            "delivery_date": pd.date_range("2020-01-01", periods=n, freq="15D"),
            "site": ["north"] * n,
            "moud_at_delivery": ["methadone"] * n,
            "lookback_observed": [True, True, True, False] + [True] * 24,
            "overdose": [False] * n,
            "fatal_overdose_status": [0] * n,
            "days_to_fatal_overdose": [365] * n,
            "followup_end": ["horizon"] * (n - 1) + ["coverage"],
            "age": [30.0] * (n - 2) + [np.nan, np.nan],
        }
    )


def test_ledger_data_counts_mothers_once_and_keeps_the_left_out_apart():
    data = funder_ledger_data(_cohort())
    included = data["Included"] == "Included"
    assert int((~included).sum()) == 1
    first = data.loc[included, "Delivery"].value_counts()
    # 27 included deliveries of 26 mothers: M1's second delivery is "a later delivery".
    assert first["First delivery in the report"] == 26
    assert first["A later delivery of the same mother"] == 1
    assert data.loc[data["delivery_id"] == "D1", "Delivery"].item().startswith("A later")
    assert set(data["Site"]) == {"North"} and set(data["Medication at delivery"]) == {"Methadone"}
    assert data["How follow-up ended"].iloc[-1] == "Lost insurance coverage"


def test_missing_values_go_through_the_ledger():
    data = funder_ledger_data(_cohort())
    included = (data["Included"] == "Included").to_numpy()
    ledger = DisclosureLedger(data, min_cell=11, id_column="delivery_id")
    table = missing_values_table(ledger, included)
    # 2 missing ages among 27: hidden, and the recorded count with it (27 is the margin).
    assert pd.isna(table.loc["Age", "Missing"]) and pd.isna(table.loc["Age", "Recorded"])
    ledger.check()
