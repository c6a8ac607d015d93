"""Survival analysis for MOUD retention: Kaplan–Meier, log-rank, Cox, RMST, PH tests.

One import for notebooks; each method lives in its own module:

* :func:`kaplan_meier` (:mod:`analysis.km`), :func:`logrank` (:mod:`analysis.logrank`);
* :func:`cox` (:mod:`analysis.cox`, engine :mod:`analysis.coxfit`), ``CoxResult.ph_test()``
  (:mod:`analysis.zph`).

Every estimate is checked against R survival 3.5 in ``tests/analysis`` (see docs/survival.md).
"""

from analysis.cox import CoxResult, cox
from analysis.km import KaplanMeierResult, kaplan_meier
from analysis.logrank import LogRankResult, logrank

__all__ = [
    "CoxResult",
    "KaplanMeierResult",
    "LogRankResult",
    "cox",
    "kaplan_meier",
    "logrank",
]
