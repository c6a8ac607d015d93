"""Survival analysis for MOUD retention: Kaplan–Meier, log-rank, Cox, RMST, PH tests.

One import for notebooks; each method lives in its own module:

* :func:`kaplan_meier` (:mod:`analysis.survival._km`), :func:`logrank`
(:mod:`analysis.survival._logrank`);
* :func:`cox` (:mod:`analysis.survival._cox`, engine :mod:`analysis.survival._coxfit`),
``CoxResult.ph_test()``
  (:mod:`analysis.survival._zph`);
* :func:`rmst` (:mod:`analysis.survival._rmst`);
* :func:`adjusted_survival`, :func:`landmark` (:mod:`analysis.survival._adjusted`);
* :func:`split_at` (:mod:`analysis.survival._split`): R ``survSplit``, for time-varying effects.

Every estimate is checked against R survival 3.5 in ``tests/analysis`` (see docs/survival.md).
Warnings about a fit (dropped covariates, infinite coefficients) are
:class:`analysis.errors.ModelWarning`.
"""

from analysis.survival._adjusted import adjusted_survival, landmark
from analysis.survival._cox import CoxResult, cox
from analysis.survival._km import KaplanMeierResult, kaplan_meier
from analysis.survival._logrank import LogRankResult, logrank
from analysis.survival._rmst import rmst, rmst_contrasts
from analysis.survival._split import split_at

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
    "split_at",
]
