"""The ledger across releases: two cumulative quarterly releases, worked out by hand.

Deliveries to 30 September: 40 methadone, 50 buprenorphine. In the last quarter 3 more
methadone and 12 more buprenorphine deliveries, so the December release counts 43 and 62.
"""

import numpy as np
import pandas as pd
import pytest

from analysis.disclosure import (
    DisclosureLedger,
    round_count,
    rounding_interval,
)
from analysis.disclosure._ledger import _Entry
from analysis.errors import AnalysisError


def _deliveries() -> pd.DataFrame:
    moud = ["methadone"] * 40 + ["buprenorphine"] * 50 + ["methadone"] * 3 + ["buprenorphine"] * 12
    quarter = ["to September"] * 90 + ["last quarter"] * 15
    return pd.DataFrame(
        {"delivery_id": [f"d{i:03d}" for i in range(105)], "moud": moud, "quarter": quarter}
    )


def _release(data, prior=(), rounding_base=None, report="r"):
    ledger = DisclosureLedger(
        data, id_column="delivery_id", prior=prior, rounding_base=rounding_base, report=report
    )
    table = ledger.count_table("moud", name="Deliveries by medication")
    return ledger, table


def test_rounding_intervals_by_hand():
    # Rounded to 10, halves up, never below 20 (the smallest multiple of 10 that is >= 11).
    assert [round_count(v, 10, 11) for v in (11, 24, 25, 43, 62, 105)] == [20, 20, 30, 40, 60, 110]
    assert rounding_interval(20, 10, 11) == (11, 24)  # "≈20" is any count from 11 to 24
    assert rounding_interval(40, 10, 11) == (35, 44)
    assert rounding_interval(110, 10, 11) == (105, 114)


def test_two_exact_cumulative_releases_pin_the_quarter_unless_protected():
    data = _deliveries()
    september = data[data["quarter"] == "to September"]
    first, shown = _release(september)
    assert shown.loc["methadone", "n"] == 40
    # Published naively, December's 43 beside September's 40 gives the quarter's 3.
    naive = DisclosureLedger(data, id_column="delivery_id", prior=first.published())
    members = naive._own((data["moud"] == "methadone").to_numpy())
    naive.entries.append(_Entry("December", "methadone", "n", members, "shown"))
    leak = naive.audit()
    assert leak["value"].tolist() == [3] and (leak["low"].tolist(), leak["high"].tolist()) == (
        [3],
        [3],
    )
    # Through the ledger, December hides methadone and (complementary: 105 - 62 = 43) one
    # more count; no release is refused.
    second, december = _release(data, prior=first.published())
    assert pd.isna(december.loc["methadone", "n"])
    assert december.isna().sum().sum() >= 2
    second.check()


def test_rounded_cumulative_releases_stay_publishable():
    data = _deliveries()
    september = data[data["quarter"] == "to September"]
    first, shown = _release(september, rounding_base=10)
    assert shown["n"].tolist() == [50, 40, 90]  # ≈50 buprenorphine, ≈40 methadone, ≈90
    assert shown.attrs["rounded"]["n"].all()
    second, december = _release(data, prior=first.published(), rounding_base=10)
    # By hand: September's methadone M is 35–44 and December's M + 3 would be 35–44 too, so
    # the quarter's methadone would be 0–9 (narrower than 10): December's methadone is
    # hidden. Then M + 3 = total − buprenorphine lies in 105−64 .. 114−55 = 41..59, and the
    # quarter in 0..24: safe. Buprenorphine (62 → ≈60) and the total (105 → ≈110) stay.
    assert pd.isna(december.loc["methadone", "n"])
    assert december.loc["buprenorphine", "n"] == 60 and december.loc["Total", "n"] == 110
    second.check()
    ranges = second.audit()
    assert ranges.empty


def test_prior_counts_over_records_outside_the_new_data():
    # A site report released first; then the all-sites report differences it.
    data = pd.DataFrame(
        {
            "delivery_id": [f"d{i}" for i in range(120)],
            "site": ["A"] * 60 + ["B"] * 60,
            "moud": ["methadone"] * 57 + ["buprenorphine"] * 3 + ["buprenorphine"] * 60,
        }
    )
    site_b = data[data["site"] == "B"]
    first, _ = _release(site_b)
    site_a = data[data["site"] == "A"]
    ledger = DisclosureLedger(site_a, id_column="delivery_id", prior=first.published())
    assert len(ledger.ids) == 120  # site B's ids come from the prior release
    table = ledger.count_table("moud")
    assert pd.isna(table.loc["buprenorphine", "n"])  # 3: primary
    assert pd.isna(table.loc["methadone", "n"])  # 57 = 60 − 3: complementary
    ledger.check()


def test_published_counts_carry_ids_and_what_was_shown():
    data = _deliveries()
    ledger, _ = _release(data, rounding_base=10, report="december")
    published = ledger.published()
    methadone = next(p for p in published if p["row"] == "methadone")
    assert methadone["state"] == "rounded" and (methadone["low"], methadone["high"]) == (35, 44)
    assert len(methadone["members"]) == 43 and methadone["report"] == "december"


def test_bad_prior_state_and_ids():
    data = _deliveries()
    with pytest.raises(AnalysisError, match="state"):
        DisclosureLedger(
            data,
            id_column="delivery_id",
            prior=[{"table": "t", "row": "r", "column": "c", "state": "?", "members": []}],
        )
    with pytest.raises(AnalysisError, match="repeat"):
        DisclosureLedger(data.assign(delivery_id="same"), id_column="delivery_id")


def test_reused_highs_model_agrees_with_linprog_and_integer_ranges_on_random_ledgers():
    from analysis.disclosure._lp import RangeSolver, _optimum

    rng = np.random.default_rng(3)
    for _ in range(5):
        data = pd.DataFrame(
            {
                "delivery_id": [f"d{i}" for i in range(150)],
                "a": rng.choice(["x", "y", "z"], 150, p=[0.6, 0.3, 0.1]),
                "b": rng.choice(["u", "v", "w"], 150, p=[0.5, 0.45, 0.05]),
                "c": rng.choice(["p", "q"], 150, p=[0.9, 0.1]),
            }
        )
        ledger = DisclosureLedger(data, id_column="delivery_id", rounding_base=10)
        ledger.count_table("a", "b")
        ledger.count_table("b", "c")
        ledger.count_table("a", "c", where=data["b"] != "w")
        entry_atoms, _, _ = ledger._atoms()
        included = np.array([sig.any() for sig in entry_atoms.T])
        constraints = ledger._constraints(entry_atoms, included)
        solver = RangeSolver(constraints)
        for atom in range(int(included.sum())):
            weights = np.zeros(constraints.n_atoms)
            weights[atom] = 1.0
            for integer in (False, True):
                for maximise in (False, True):
                    assert solver.optimum(weights, integer, maximise) == pytest.approx(
                        _optimum(weights, constraints, integer, maximise)
                    )
            # Where the relaxation is at least twice the criterion wide, so is the integer
            # range (what feasible_range relies on to skip the integer programmes).
            relaxed = solver.optimum(weights, False, True) - solver.optimum(weights, False, False)
            whole = solver.optimum(weights, True, True) - solver.optimum(weights, True, False)
            if relaxed >= 20:
                assert whole >= 10
        ledger.check()
