"""The coefficient table of a Cox fit and R's warnings about it (dropped covariates,
coefficients that may be infinite), shared by :func:`analysis.survival._cox.cox` and Fine–Gray.
"""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from analysis.errors import ModelWarning
from analysis.survival import _coxfit as coxfit

log = logging.getLogger("analysis.survival._cox")


def chi_square(statistic: float, dof: int) -> dict:
    return {"statistic": statistic, "dof": dof, "p_value": float(stats.chi2.sf(statistic, dof))}


def strata_key(data: pd.DataFrame, strata: list[str]) -> pd.Series:
    if len(strata) == 1:
        return data[strata[0]]
    return data[strata].astype(str).agg(", ".join, axis=1)


def warn_about(names: list[str], result: coxfit.CoxFit) -> None:
    """R's warnings: aliased/constant covariates dropped; coefficients that may be infinite."""
    if len(result.dropped):
        dropped = ", ".join(names[i] for i in result.dropped)
        message = (
            f"covariate {dropped} dropped: constant or a linear combination of the others "
            "(coefficient NA, as R reports)"
        )
        warnings.warn(message, ModelWarning, stacklevel=4)
        log.warning(message)
    if result.infinite.any():
        infinite = ", ".join(names[result.kept[j]] for j in np.flatnonzero(result.infinite))
        message = (
            f"Loglik converged before variable {infinite}; coefficient may be infinite "
            "(monotone likelihood; firth=True gives finite estimates)"
        )
        warnings.warn(message, ModelWarning, stacklevel=4)
        log.warning(message)
    elif not result.converged and not result.firth:
        message = f"the Cox fit did not converge in {result.iterations} iterations"
        warnings.warn(message, ModelWarning, stacklevel=4)


def summary_table(
    names: list[str], result: coxfit.CoxFit, robust_var, conf_level: float
) -> pd.DataFrame:
    """The coefficient table over all design columns: NA rows for dropped covariates, NA
    SE/CI/p for coefficients that may be infinite."""
    p = len(names)
    beta = np.full(p, np.nan)
    se = np.full(p, np.nan)
    used = np.full(p, np.nan)
    kept = result.kept
    beta[kept] = result.beta
    se[kept] = np.sqrt(np.abs(np.diag(result.variance)))
    used[kept] = se[kept] if robust_var is None else np.sqrt(np.abs(np.diag(robust_var)))
    unusable = kept[result.infinite]
    se[unusable] = np.nan
    used[unusable] = np.nan
    with np.errstate(over="ignore", invalid="ignore"):
        table = _table(names, beta, se, used, robust_var is not None, conf_level)
    if result.profile is not None and robust_var is None:  # Firth: coxphf's pl=TRUE
        rows = [names[i] for i in kept]
        table.loc[rows, "lower"] = np.exp(result.profile["lower"])
        table.loc[rows, "upper"] = np.exp(result.profile["upper"])
        table.loc[rows, "p"] = result.profile["p"]
    return table


def _table(names, beta, se, used, robust: bool, conf_level: float) -> pd.DataFrame:
    z = beta / used
    q = stats.norm.ppf(1 - (1 - conf_level) / 2)
    frame = pd.DataFrame(
        {
            "coef": beta,
            "se": se,
            "hr": np.exp(beta),
            "lower": np.exp(beta - q * used),
            "upper": np.exp(beta + q * used),
            "z": z,
            "p": 2 * stats.norm.sf(np.abs(z)),
        },
        index=pd.Index(names, name="covariate"),
    )
    if robust:
        frame.insert(2, "robust_se", used)
    return frame
