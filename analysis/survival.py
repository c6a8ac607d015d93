"""Survival analysis for MOUD retention: Kaplan–Meier, log-rank, Cox, RMST, PH tests.

One import for notebooks; each method lives in its own module:

* :func:`kaplan_meier` (:mod:`analysis.km`), :func:`logrank` (:mod:`analysis.logrank`);
* :func:`cox` (:mod:`analysis.cox`, engine :mod:`analysis.coxfit`), ``CoxResult.ph_test()``
  (:mod:`analysis.zph`);
* :func:`rmst` (:mod:`analysis.rmst`);
* :func:`adjusted_survival`, :func:`landmark` (:mod:`analysis.adjusted`).

Every estimate is checked against R survival 3.5 in ``tests/analysis`` (see docs/survival.md).
"""

from analysis.adjusted import adjusted_survival, landmark
from analysis.cox import CoxResult, cox
from analysis.km import KaplanMeierResult, kaplan_meier
from analysis.logrank import LogRankResult, logrank
from analysis.rmst import rmst, rmst_contrasts

__all__ = [
    "CoxResult",
    "KaplanMeierResult",
    "LogRankResult",
    "adjusted_survival",
    "landmark",
    "cox",
    "kaplan_meier",
    "logrank",
    "rmst",
    "rmst_contrasts",
]
