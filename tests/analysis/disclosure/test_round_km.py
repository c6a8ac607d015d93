"""round_km worked by hand from the formulas of OpenSAFELY's kaplan-meier-function (km.R:
``roundmid_any``, ``round_cmlcount`` with the "constant" method, ``round_km``)."""

import numpy as np
import pandas as pd
import pytest

from analysis.disclosure import round_km, roundmid
from analysis.survival import kaplan_meier


def test_roundmid_is_km_r_roundmid_any():
    # ceiling(x / 11) * 11 - floor(11 / 2) * (x != 0)
    assert roundmid(np.array([0, 1, 11, 12, 22, 23, 30]), 11).tolist() == [0, 6, 6, 17, 17, 28, 28]
    assert roundmid(np.array([0, 1, 6, 7]), 6).tolist() == [0, 3, 3, 9]


def test_thirty_mothers_one_stop_a_day():
    # 30 mothers, mother i stops on day i. Cumulative events 1..30 round to 6 (days 1-11),
    # 17 (12-22), 28 (23-30): steps of 6, 11, 11 on days 1, 12, 23. The group size 30
    # rounds to 28, so at risk: 28, 28 - 6 = 22, 22 - 11 = 11. On day 23, 11 events among
    # 11 at risk would take the curve to 0 (and 11 at risk is the last step shown): the
    # curve stops after day 12. Survival: 1 - 6/28 = 22/28, then 22/28 * (1 - 11/22).
    data = pd.DataFrame({"days": np.arange(1, 31), "stopped": 1})
    rounded = round_km(kaplan_meier(data, "days", "stopped"), 11)
    table = rounded.table
    assert table["time"].tolist() == [1, 12]
    assert table["n_risk"].tolist() == [28, 22]
    assert table["n_event"].tolist() == [6, 11]
    assert table["survival"].tolist() == pytest.approx([22 / 28, 22 / 28 * 0.5])
    # Greenwood on the rounded counts: 6/(28*22) + 11/(22*11).
    assert table["std_err"].iloc[-1] == pytest.approx(np.sqrt(6 / (28 * 22) + 11 / (22 * 11)))
    assert rounded.records == {"all": 28}
    assert rounded.at([100])["survival"].iloc[0] == pytest.approx(22 / 56)


def test_every_step_is_at_least_min_count_events_and_small_groups_are_not_drawn():
    rng = np.random.default_rng(7)
    data = pd.DataFrame(
        {
            "days": rng.integers(1, 365, 200),
            "stopped": rng.integers(0, 2, 200),
            "drug": ["a"] * 190 + ["b"] * 10,
        }
    )
    rounded = round_km(kaplan_meier(data, "days", "stopped", by="drug"), 11)
    assert rounded.groups == ["a"]  # 10 mothers: not drawn
    events = rounded.table["n_event"]
    assert ((events == 0) | (events >= 6)).all()  # first step 6, then multiples of 11
    assert (events.iloc[1:][events.iloc[1:] > 0] % 11 == 0).all()
    assert (rounded.table["n_risk"] >= 11).all()
    assert round_km(kaplan_meier(data, "days", "stopped", by="drug"), 11, groups=[]).groups == []
