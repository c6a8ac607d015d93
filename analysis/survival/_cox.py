"""Cox proportional-hazards regression with the options of R's ``coxph``.

``cox()`` fits with :mod:`analysis.survival._coxfit` (Efron or Breslow ties, strata, (start, stop]
counting-process rows for time-varying covariates, robust cluster variance) and returns a
:class:`CoxResult` with an R-like coefficient table. Agreement with R survival 3.5 is tested
to 1e-6 on lung, veteran, pbc and heart (tests/analysis/survival/test_cox.py).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from analysis import _validation
from analysis.errors import AnalysisError
from analysis.survival import _coxfit as coxfit
from analysis.survival._design import design_matrix, variables_of

log = logging.getLogger(__name__)


@dataclass
class CoxData:
    """The arrays a fitted model was estimated on (kept for residuals, PH tests, prediction)."""

    x: np.ndarray
    stop: np.ndarray
    event: np.ndarray
    start: np.ndarray | None
    strata: np.ndarray | None
    strata_labels: list
    weights: np.ndarray
    cluster: np.ndarray | None
    index: pd.Index
    scaled: np.ndarray | None = None  # rows with a per-event-time weight factor (Fine–Gray)
    scale: object = None  # that factor as a function of time


@dataclass
class CoxResult:
    """A fitted Cox model.

    ``summary`` is indexed by covariate with ``coef, se, hr, lower, upper, z, p`` (and
    ``robust_se`` when a cluster was given; z, p and the CI then use the robust SE, as R does).
    ``loglik`` is the maximised log partial likelihood, ``concordance`` Harrell's C as R reports.
    """

    summary: pd.DataFrame
    loglik: float
    loglik_null: float
    n: int
    n_events: int
    ties: str
    fit: coxfit.CoxFit = field(repr=False)
    data: CoxData = field(repr=False)
    covariates: list = field(default_factory=list)
    conf_level: float = 0.95
    robust_variance: np.ndarray | None = field(default=None, repr=False)
    term_columns: dict = field(default_factory=dict)
    design_spec: dict | None = field(default=None, repr=False)

    @property
    def params(self) -> pd.Series:
        return self.summary["coef"]

    @property
    def variance(self) -> pd.DataFrame:
        """Variance matrix of the coefficients (robust when clustered)."""
        v = self.robust_variance if self.robust_variance is not None else self.fit.variance
        return pd.DataFrame(v, index=self.summary.index, columns=self.summary.index)

    @property
    def likelihood_ratio(self) -> dict:
        """Likelihood-ratio test of all coefficients (R's 'Likelihood ratio test')."""
        statistic = 2 * (self.loglik - self.loglik_null)
        dof = len(self.summary)
        return {"statistic": statistic, "dof": dof, "p_value": float(stats.chi2.sf(statistic, dof))}

    @functools.cached_property
    def concordance(self) -> float:
        """Harrell's C of the linear predictor within strata, as R ``concordance(fit)``.

        Pairs are compared within risk sets (see :mod:`analysis.survival._concordance`); ties in the
        linear predictor count 1/2; for (start, stop] rows the value at the event time is used.
        With case weights a pair counts wᵢ·wⱼ, as in R (Fine–Gray results: unweighted).
        """
        from analysis.survival._concordance import concordance

        weights = self.data.weights if self.data.scaled is None else None
        return concordance(self.linear_predictor, self._risk_sets(), weights)

    @property
    def linear_predictor(self) -> np.ndarray:
        """η = (x − x̄)β per row (centred as R's ``predict(fit, type="lp")``)."""
        return (self.data.x - self.fit.center) @ self.fit.beta

    def baseline_hazard(self) -> pd.DataFrame:
        """Cumulative baseline hazard at the mean covariates, per stratum (R ``basehaz``).

        The increments are R's: Σ_l w̄/(S0 − (l/d) D0) for Efron ties, Σw/S0 for Breslow.
        """
        rs = self._risk_sets()
        t = self.fit.terms
        frame = pd.DataFrame({"stratum": rs.slot_stratum, "time": rs.slot_time, "dh": t.a})
        frame = frame[frame["time"].notna()].copy()
        frame["hazard"] = frame.groupby("stratum")["dh"].cumsum()
        if self.data.strata is not None:
            frame["stratum"] = [self.data.strata_labels[i] for i in frame["stratum"]]
        return frame.drop(columns="dh").reset_index(drop=True)

    def predict_survival(self, df: pd.DataFrame, times: Sequence[float]) -> pd.DataFrame:
        """S(t | x) = exp(−Λ₀(t) e^{(x − x̄)β}) for each row of ``df`` (rows) at ``times``."""
        if self.data.strata is not None:
            raise AnalysisError("predict_survival is not available for stratified models")
        x = design_matrix(df, self.covariates, spec=self.design_spec)[list(self.summary.index)]
        risk = np.exp((x.to_numpy() - self.fit.center) @ self.fit.beta)
        base = self.baseline_hazard()
        at = np.searchsorted(base["time"].to_numpy(), np.asarray(times, float), side="right")
        hazard = np.concatenate([[0.0], base["hazard"].to_numpy()])[at]
        return pd.DataFrame(np.exp(-np.outer(risk, hazard)), index=df.index, columns=list(times))

    def ph_test(self, transform: str = "km", terms: bool = True) -> pd.DataFrame:
        """Test of proportional hazards, as R survival ≥ 3 ``cox.zph`` computes it.

        See :func:`analysis.survival._zph.cox_zph`; returns ``chisq, df, p`` per covariate and
        GLOBAL.
        """
        from analysis.survival._zph import cox_zph

        return cox_zph(self, transform=transform)

    def schoenfeld_residuals(self, transform: str = "km") -> pd.DataFrame:
        """Scaled Schoenfeld residuals per event (R ``cox.zph(fit)$y``, ``$x``, ``$time``)."""
        from analysis.survival._zph import scaled_schoenfeld

        return scaled_schoenfeld(self, transform=transform)

    def ph_plot(self, term: str, transform: str = "km", ax=None):
        """Scaled Schoenfeld residuals of ``term`` against g(t) with a lowess smooth and the
        fitted coefficient (R ``plot(cox.zph(fit)[term])``): a trend means the hazard ratio
        changes over time. Returns the Axes."""
        from statsmodels.nonparametric.smoothers_lowess import lowess

        frame = self.schoenfeld_residuals(transform)
        if term not in frame.columns:
            raise AnalysisError("no such term in the model", field=term)
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(figsize=(6, 4))
        ax.scatter(frame["x"], frame[term], s=8, alpha=0.5)
        smooth = lowess(frame[term], frame["x"], frac=2 / 3)
        ax.plot(smooth[:, 0], smooth[:, 1], color="black")
        if term in self.summary.index:
            ax.axhline(self.summary.loc[term, "coef"], color="grey", linestyle="--")
        ax.set_xlabel(f"time ({transform} scale)")
        ax.set_ylabel(f"Beta(t) for {term}")
        return ax

    def _risk_sets(self) -> coxfit.RiskSets:
        d = self.data
        return coxfit.risk_sets(d.stop, d.event, d.start, d.strata, d.scaled, d.scale)

    def plot(self, ax=None):
        """Forest plot of hazard ratios with confidence intervals (log scale); returns the Axes."""
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(figsize=(6, 0.5 + 0.4 * len(self.summary)))
        y = np.arange(len(self.summary))[::-1]
        s = self.summary
        ax.errorbar(
            s["hr"], y, xerr=[s["hr"] - s["lower"], s["upper"] - s["hr"]], fmt="o", capsize=3
        )
        ax.axvline(1.0, color="grey", linestyle="--", linewidth=1)
        ax.set_xscale("log")
        ax.set_yticks(y, list(s.index))
        ax.set_xlabel("Hazard ratio (95% CI)")
        return ax


def cox(
    df: pd.DataFrame,
    duration: str,
    event: str,
    covariates: str | Sequence[str],
    ties: str = "efron",
    strata: str | Sequence[str] | None = None,
    cluster: str | None = None,
    start: str | None = None,
    weights: str | None = None,
    robust: bool = False,
    conf_level: float = 0.95,
    _scaled: str | None = None,
    _scale=None,
) -> CoxResult:
    """Fit a Cox model of ``duration``/``event`` on ``covariates`` (R ``coxph``).

    - ``ties``: ``"efron"`` (R's default) or ``"breslow"``;
    - ``strata``: column(s) with separate baseline hazards (R ``strata()``);
    - ``cluster``: column identifying people with several rows (e.g. repeat deliveries):
      robust sandwich SE from per-cluster sums of score residuals, as R ``cluster()``;
      ``robust=True`` without a cluster treats each row as its own cluster;
    - ``start``: entry time column for counting-process rows (start, stop], for time-varying
      covariates or delayed entry (R ``Surv(start, stop, event)``);
    - categorical covariates: ``"C(moud)"`` or object/bool columns, reference level = first in
      sorted order (R's factor default) — see :mod:`analysis.survival._design`.

    >>> fit = cox(cohort, "days_on_moud", "discontinued", ["age", "C(moud)", "pmad"],
    ...           cluster="person_id")
    >>> fit.summary[["hr", "lower", "upper", "p"]]
    """
    if isinstance(strata, str):
        strata = [strata]
    needed = [
        duration,
        event,
        start,
        cluster,
        weights,
        *(strata or []),
        *variables_of(df if isinstance(df, pd.DataFrame) else pd.DataFrame(), covariates),
    ]
    data = _validation.complete_rows(df, needed)
    if data.empty:
        raise AnalysisError("no complete rows to analyse", field=duration)
    stop = _validation.durations(data, duration)
    status = _validation.events(data, event)
    entry = _validation.durations(data, start) if start else None
    if entry is not None and np.any(entry >= stop):
        row = int(np.flatnonzero(entry >= stop)[0]) + 1
        raise AnalysisError(
            f"start must be before the stop time ({duration})", row=row, field=start
        )
    design = design_matrix(data, covariates)
    x = design.to_numpy(dtype=float)
    strata_codes, labels = None, []
    if strata:
        key = (
            data[strata].astype(str).agg(", ".join, axis=1) if len(strata) > 1 else data[strata[0]]
        )
        codes, uniques = pd.factorize(key, sort=True)
        strata_codes, labels = codes.astype(np.int64), list(uniques)
    w = np.ones(len(data)) if weights is None else pd.to_numeric(data[weights]).to_numpy(float)
    if np.any(w <= 0):
        raise AnalysisError("case weights must be positive", field=weights)
    scaled = data[_scaled].to_numpy(dtype=bool) if _scaled else None  # Fine–Gray internals
    rs = coxfit.risk_sets(stop, status, entry, strata_codes, scaled, _scale)
    result = coxfit.fit(
        x, stop, status, start=entry, strata=strata_codes, weights=w, ties=ties, rs=rs
    )
    cluster_values = data[cluster].to_numpy() if cluster else None
    robust_var = None
    if (cluster or robust) and x.shape[1]:
        resid = coxfit.score_residuals(x, result.beta, rs, w, ties, result.terms, result.center)
        robust_var = coxfit.robust_variance(resid, w, result.variance, cluster_values)
    summary = _summary(list(design.columns), result.beta, result.variance, robust_var, conf_level)
    return CoxResult(
        summary=summary,
        loglik=result.loglik,
        loglik_null=result.loglik_null,
        n=len(data),
        n_events=int(status.sum()),
        ties=ties,
        fit=result,
        data=CoxData(
            x,
            stop,
            status,
            entry,
            strata_codes,
            labels,
            w,
            cluster_values,
            data.index,
            scaled,
            _scale,
        ),
        covariates=list(covariates) if not isinstance(covariates, str) else [covariates],
        conf_level=conf_level,
        robust_variance=robust_var,
        term_columns=design.attrs.get("term_columns") or {c: [c] for c in design.columns},
        design_spec=design.attrs.get("spec"),
    )


def _summary(names, beta, variance, robust_var, conf_level) -> pd.DataFrame:
    se = np.sqrt(np.diag(variance))
    used = se if robust_var is None else np.sqrt(np.diag(robust_var))
    with np.errstate(over="ignore"):
        return _table(names, beta, se, used, robust_var is not None, conf_level)


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
