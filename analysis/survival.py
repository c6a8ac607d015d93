"""Survival analysis for MOUD retention: Kaplan–Meier, log-rank, Cox, RMST, PH tests.

One import for notebooks; each method lives in its own module:

* :func:`kaplan_meier` (:mod:`analysis.km`), :func:`logrank` (:mod:`analysis.logrank`).

Every estimate is checked against R survival 3.5 in ``tests/analysis`` (see docs/survival.md).
"""

from analysis.km import KaplanMeierResult, kaplan_meier
from analysis.logrank import LogRankResult, logrank

__all__ = [
    "KaplanMeierResult",
    "LogRankResult",
    "kaplan_meier",
    "logrank",
]
