"""RMST against R survival 3.5.3 ``print(survfit, rmean=tau)``, and a hand-computed case."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import survival
from analysis.errors import AnalysisError
from tests.analysis.r.refs import agree, lung, ref, veteran

CASES = [
    ("rmst_lung_sex_365", lung, "event", "sex", 365),
    ("rmst_lung_500", lung, "event", None, 500),
    ("rmst_veteran_trt_200", veteran, "status", "trt", 200),
]


@pytest.mark.parametrize("name, load, event, by, tau", CASES)
def test_rmst_matches_r_rmean(name, load, event, by, tau):
    expected = ref(name)
    table = survival.rmst(load(), "time", event, tau=tau, by=by)
    agree("RMST", name, table["rmst"], expected["rmst"], rtol=1e-10)
    agree("RMST se", name, table["se"], expected["se"], rtol=1e-10)


def test_contrasts_follow_survrm2_formulas():
    table = survival.rmst(lung(), "time", "event", tau=365, by="sex")
    contrasts = table.attrs["contrasts"]
    diff = contrasts[contrasts["measure"] == "difference"].iloc[0]
    expected = ref("rmst_lung_sex_365")
    assert diff["estimate"] == pytest.approx(expected["rmst"][1] - expected["rmst"][0])
    assert diff["se"] == pytest.approx(np.hypot(*expected["se"]))
    ratio = contrasts[contrasts["measure"] == "ratio"].iloc[0]
    assert ratio["estimate"] == pytest.approx(expected["rmst"][1] / expected["rmst"][0])
    assert ratio["lower"] < ratio["estimate"] < ratio["upper"]


def test_hand_computed_area():
    # S = 1 on [0,2), 0.75 on [2,5), 0.5 on [5,10): area to 8 = 2 + 0.75*3 + 0.5*3 = 5.75
    df = pd.DataFrame({"t": [2, 5, 10, 12], "e": [1, 1, 0, 0]})
    table = survival.rmst(df, "t", "e", tau=8)
    assert table["rmst"].iloc[0] == pytest.approx(5.75)
    # se: A(2) = 0.75*3 + 0.5*3 = 3.75, A(5) = 1.5; terms 1/(4*3), 1/(3*2)
    assert table["se"].iloc[0] == pytest.approx(np.sqrt(3.75**2 / 12 + 1.5**2 / 6))


def test_tau_must_be_positive():
    with pytest.raises(AnalysisError, match="tau"):
        survival.rmst(lung(), "time", "event", tau=0)
