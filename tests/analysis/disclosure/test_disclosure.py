"""Small-cell suppression: tables built to leak, and proof that the checks catch them.

Expected suppression patterns are worked out by hand in the comments; feasible ranges are
the ones a reader gets by simple subtraction, which the linear-programming audit must match.
"""

import numpy as np
import pandas as pd
import pytest

from analysis.disclosure import (
    SUPPRESSED,
    DisclosureError,
    audit_table,
    coarsen_counts,
    format_suppressed,
    suppress,
    suppress_rates,
    suppression_mask,
)
from analysis.disclosure._check import count_table_html, scan_html
from analysis.disclosure._ledger import DisclosureLedger, _Entry


@pytest.fixture
def three_by_three() -> pd.DataFrame:
    return pd.DataFrame(
        {"A": [5, 40, 30], "B": [30, 60, 25], "C": [12, 14, 50]}, index=["x", "y", "z"]
    )


def test_primary_and_complementary_rectangle(three_by_three):
    out = suppress(three_by_three)
    # 5 is primary. Row x then needs a second hidden cell: 12 (smallest). Column A needs
    # one: 30 at z closes nothing yet, 40 at y neither; 30 is smaller. Row z then has one
    # hidden cell and column C one: 50 at (z, C) closes both — a 2×2 rectangle.
    assert out.isna().to_numpy().tolist() == [
        [True, False, True],
        [False, False, False],
        [True, False, True],
    ]
    assert out.loc["y", "B"] == 60
    assert audit_table(three_by_three, out.isna()).empty


def test_a_total_that_reveals_a_cell_is_caught(three_by_three):
    # Hiding only the 5 while showing row x's total (47) leaks it: 47 - 30 - 12 = 5.
    hidden = pd.DataFrame(False, index=three_by_three.index, columns=three_by_three.columns)
    hidden.loc["x", "A"] = True
    problems = audit_table(three_by_three, hidden)
    leak = problems[problems["problem"] == "recoverable"].iloc[0]
    assert (leak["row"], leak["column"], leak["value"]) == ("x", "A", 5)
    assert leak["low"] == pytest.approx(5) and leak["high"] == pytest.approx(5)


def test_two_hidden_cells_that_sum_small_are_still_caught():
    # Row m: 56, 2, 2. Hiding both 2s satisfies "two hidden cells per row", but column B's
    # total (42) minus its visible cells (27 + 13) gives 2 back exactly, and so does C.
    table = pd.DataFrame(
        {"A": [27, 56, 13], "B": [27, 2, 13], "C": [26, 2, 14]}, index=["b", "m", "n"]
    )
    hidden = pd.DataFrame(False, index=table.index, columns=table.columns)
    hidden.loc["m", ["B", "C"]] = True
    problems = audit_table(table, hidden)
    assert set(problems["problem"]) == {"recoverable"}
    assert problems["low"].tolist() == pytest.approx([2, 2])
    assert problems["high"].tolist() == pytest.approx([2, 2])
    protected = suppression_mask(table)
    assert audit_table(table, protected).empty
    assert protected.loc["m"].sum() >= 3  # 56 or the row total must go too


def test_small_margins_are_hidden_and_zero_may_show():
    table = pd.DataFrame({"A": [5, 20, 30], "B": [0, 60, 25]}, index=["x", "y", "z"])
    table.loc["Total"] = table.sum()
    out = suppress(table)
    assert out.loc["x", "B"] == 0  # a zero can be shown
    assert pd.isna(out.loc["x", "A"])
    shown = out.to_numpy(dtype="float64", na_value=np.nan).ravel()
    assert not ((shown >= 1) & (shown < 11)).any()


def test_a_single_small_cell_hides_everything():
    out = suppress(pd.DataFrame({"A": [5], "Total": [5]}, index=["only"]))
    assert out.isna().all().all()


def test_bad_counts_are_rejected():
    with pytest.raises(DisclosureError, match="non-negative whole"):
        suppress(pd.DataFrame({"A": [1.5, 20]}))


def test_format_uses_the_symbol(three_by_three):
    shown = format_suppressed(suppress(three_by_three))
    # One symbol for the primary 5 and the complementary 50: neither says how large it is.
    assert shown.loc["x", "A"] == shown.loc["z", "C"] == SUPPRESSED
    assert "11" not in SUPPRESSED and shown.loc["y", "B"] == "60"


def test_rates_follow_their_counts(three_by_three):
    counts = suppress(three_by_three)
    rates = three_by_three / three_by_three.sum()
    hidden_rates = suppress_rates(rates, counts, pd.Series([80, pd.NA, 89], index=["A", "B", "C"]))
    assert pd.isna(hidden_rates.loc["x", "A"]) and pd.isna(hidden_rates.loc["z", "C"])
    assert hidden_rates.loc["y", "A"] == pytest.approx(40 / 75)


def test_coarsened_numbers_at_risk():
    shown = coarsen_counts([0, 3, 11, 12, 13, 17, 18, 100, 102, 103])
    assert shown.tolist() == [0, pd.NA, 15, 15, 15, 15, 20, 100, 100, 105]
    # Every shown value is a multiple of 5 and at least 15, so no difference pins 1–10.
    assert all(v % 5 == 0 for v in shown.dropna())


def _people() -> pd.DataFrame:
    # Methadone: 58 at site A, 1 at B, 1 at C.
    moud = np.repeat(["methadone", "buprenorphine", "none"], [60, 80, 40])
    site = np.array(["A", "B", "C"] * 60)
    site[:58] = "A"
    return pd.DataFrame({"moud": moud, "site": site})


def test_second_table_that_differences_out_is_caught():
    people = _people()
    ledger = DisclosureLedger(people)
    ledger.count_table("moud", name="overall")
    # A naive second table for sites A and B: methadone 59 beside 60 overall reveals the
    # single methadone delivery at site C. Published without the ledger's protection:
    in_ab = (people["site"] != "C").to_numpy()
    for moud in ["buprenorphine", "methadone", "none"]:
        members = in_ab & (people["moud"] == moud).to_numpy()
        ledger.entries.append(_Entry("sites A and B", moud, "n", members, "shown"))
    problems = ledger.audit()
    assert len(problems) >= 1
    assert problems["value"].tolist()[0] == 1
    with pytest.raises(DisclosureError, match="differencing"):
        ledger.check()


def test_ledger_protects_the_second_table():
    people = _people()
    ledger = DisclosureLedger(people)
    overall = ledger.count_table("moud", name="overall")
    assert overall.loc["methadone", "n"] == 60
    sites_ab = ledger.count_table("moud", where=people["site"] != "C", name="sites A and B")
    assert pd.isna(sites_ab.loc["methadone", "n"])
    ledger.check()  # no exception: nothing recoverable


def test_scan_finds_small_counts_in_marked_tables(three_by_three):
    safe = count_table_html(suppress(three_by_three), caption="Safe")
    assert scan_html(safe).empty
    leaky = count_table_html(three_by_three.astype("Int64"))
    found = scan_html("<html><body>" + safe + leaky + "</body></html>")
    assert found[["table", "row", "column", "text"]].values.tolist() == [[2, "x", "A", "5"]]
    # Unmarked tables (medians, percentages) are not counts and are left alone.
    assert scan_html(three_by_three.to_html()).empty
