"""Calibration and net benefit on small examples computed by hand."""

import numpy as np
import pandas as pd
import pytest

from analysis import survival
from analysis.risk import calibration_summary, calibration_table, net_benefit
from analysis.risk._calibration import km_risk_at


def test_net_benefit_by_hand_without_censoring():
    # 10 women followed past the horizon; events in 4: ids 0,1,2,5. Risks predicted:
    time = np.array([5, 5, 5, 20, 20, 5, 20, 20, 20, 20.0])
    event = np.array([1, 1, 1, 0, 0, 1, 0, 0, 0, 0])
    risk = np.array([0.9, 0.8, 0.6, 0.5, 0.3, 0.2, 0.2, 0.1, 0.1, 0.1])
    table = net_benefit(time, event, risk, horizon=10, thresholds=[0.25, 0.5])
    # p_t 0.25 (odds 1/3): flagged 0..4 (5 women, 3 events): TP/n 0.3, FP/n 0.2 -> 0.3 - 0.2/3
    assert table.loc[0, "model"] == pytest.approx(0.3 - 0.2 / 3)
    # treat all: 0.4 - 0.6/3 = 0.2
    assert table.loc[0, "treat_all"] == pytest.approx(0.2)
    # p_t 0.5 (odds 1): flagged 0..3: TP 0.3, FP 0.1 -> 0.2; treat all 0.4 - 0.6 = -0.2
    assert table.loc[1, "model"] == pytest.approx(0.2)
    assert table.loc[1, "treat_all"] == pytest.approx(-0.2)


def test_net_benefit_uses_kaplan_meier_under_censoring():
    # flagged: 4 women, one censored at 3 before the horizon 10, events at 2 and 5:
    # KM: at 2: 3/4; at 5: (2 at risk) 1/2 -> S = 3/8, risk 5/8; share 4/8
    time = np.array([2, 3, 5, 12, 12, 12, 12, 12.0])
    event = np.array([1, 0, 1, 0, 0, 0, 0, 0])
    risk = np.array([0.6, 0.6, 0.6, 0.6, 0.1, 0.1, 0.1, 0.1])
    table = net_benefit(time, event, risk, horizon=10, thresholds=[0.5])
    assert table.loc[0, "model"] == pytest.approx(0.5 * (5 / 8 - 3 / 8))


def test_calibration_of_a_perfect_constant_prediction():
    # no censoring before the horizon, risk 0.4 observed in every decile of a constant score:
    time = np.where(np.arange(100) % 5 < 2, 5.0, 50.0)
    event = (time == 5).astype(int)
    risk = np.full(100, 0.4)
    summary = calibration_summary(time, event, risk + np.linspace(0, 1e-6, 100), horizon=10)
    assert summary["oe_ratio"] == pytest.approx(1.0, abs=1e-5)
    table = calibration_table(time, event, np.linspace(0.1, 0.9, 100), horizon=10, groups=5)
    assert table["n"].tolist() == [20] * 5
    assert table["observed"].tolist() == pytest.approx([0.4] * 5)


def test_fast_km_risk_equals_kaplan_meier():
    rng = np.random.default_rng(0)
    time = np.ceil(rng.exponential(100, 300))
    event = rng.random(300) < 0.6
    km = survival.kaplan_meier(pd.DataFrame({"t": time, "e": event.astype(int)}), "t", "e")
    for h in (30, 90, 180):
        assert km_risk_at(time, event, h) == pytest.approx(1 - km.at([h])["survival"].iloc[0])
