"""Harrell's C, Uno's C and the time-dependent AUC against scikit-survival 0.28 (an
independent implementation), on data with tied times, tied scores and censoring at event
times; a tiny case by hand."""

import numpy as np
import pytest
from sksurv.metrics import (
    concordance_index_censored,
    concordance_index_ipcw,
    cumulative_dynamic_auc,
)
from sksurv.nonparametric import CensoringDistributionEstimator
from sksurv.util import Surv

from analysis.risk import censoring_survival, harrell_c, time_dependent_auc, uno_c


def _data(seed, n=400):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    t = np.ceil(rng.exponential(50 * np.exp(-x)))
    c = np.ceil(rng.uniform(10, 150, n))
    return np.minimum(t, c), t <= c, np.round(x + rng.normal(0, 0.5, n), 1)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_equal_to_scikit_survival(seed):
    time, event, risk = _data(seed)
    y = Surv.from_arrays(event, time)
    assert harrell_c(time, event, risk) == pytest.approx(
        concordance_index_censored(event, time, risk)[0], abs=1e-12
    )
    assert uno_c(time, event, risk, tau=100) == pytest.approx(
        concordance_index_ipcw(y, y, risk, tau=100)[0], abs=1e-12
    )
    np.testing.assert_allclose(
        time_dependent_auc(time, event, risk, [30, 60, 90]),
        cumulative_dynamic_auc(y, y, risk, [30, 60, 90])[0],
        atol=1e-12,
    )
    g_times, g = censoring_survival(time, event)
    np.testing.assert_allclose(g, CensoringDistributionEstimator().fit(y).predict_proba(g_times))


def test_uno_with_a_separate_training_sample():
    time, event, risk = _data(3)
    train_time, train_event, _ = _data(4, n=800)
    y, y_train = Surv.from_arrays(event, time), Surv.from_arrays(train_event, train_time)
    assert uno_c(time, event, risk, tau=90, train=(train_time, train_event)) == pytest.approx(
        concordance_index_ipcw(y_train, y, risk, tau=90)[0], abs=1e-12
    )


def test_harrell_by_hand():
    # times 1,2,3 (events), 4 (censored); risks 3,1,2,0
    # comparable pairs: (1,2),(1,3),(1,4),(2,3),(2,4),(3,4) = 6; concordant: risk_i > risk_j
    # (1,2) 3>1 yes, (1,3) 3>2 yes, (1,4) yes, (2,3) 1>2 no, (2,4) 1>0 yes, (3,4) yes -> 5/6
    assert harrell_c([1, 2, 3, 4], [1, 1, 1, 0], [3, 1, 2, 0]) == pytest.approx(5 / 6)
