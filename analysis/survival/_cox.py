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

from analysis import _validation
from analysis.errors import AnalysisError
from analysis.survival import _coxfit as coxfit
from analysis.survival import _residuals as residuals
from analysis.survival._coxtable import chi_square, strata_key, summary_table, warn_about
from analysis.survival._design import design_matrix, variables_of
from analysis.survival._firth import fit_firth, profile

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
    fitted_names: list = field(default_factory=list)  # design columns kept in the fit
    strata_columns: list = field(default_factory=list)
    reference: dict = field(default_factory=dict)

    @property
    def params(self) -> pd.Series:
        return self.summary["coef"]

    @property
    def variance(self) -> pd.DataFrame:
        """Variance matrix of the fitted coefficients (robust when clustered or weighted)."""
        v = self.robust_variance if self.robust_variance is not None else self.fit.variance
        return pd.DataFrame(v, index=self.fitted_names, columns=self.fitted_names)

    @property
    def likelihood_ratio(self) -> dict:
        """Likelihood-ratio test of all coefficients (R's 'Likelihood ratio test')."""
        statistic = 2 * (self.loglik - self.loglik_null)
        return chi_square(statistic, len(self.fitted_names))

    @functools.cached_property
    def wald_test(self) -> dict:
        """Wald test of β = 0: β̂ᵀ V⁻¹ β̂ with V robust when the summary is (R ``wald.test``)."""
        from analysis.survival._coxtests import wald_statistic

        v = self.robust_variance if self.robust_variance is not None else self.fit.variance
        return chi_square(wald_statistic(self.fit.beta, v), len(self.fitted_names))

    @functools.cached_property
    def score_test(self) -> dict:
        """Score (log-rank) test of β = 0, model-based variance (R ``score``)."""
        return chi_square(self.fit.score_test, len(self.fitted_names))

    @functools.cached_property
    def robust_score_test(self) -> dict:
        """Robust score test of β = 0: Uᵀ (Σ_c U_c U_cᵀ)⁻¹ U with the weighted score residuals
        at β = 0 summed per cluster (R ``rscore``); computed on request (one O(n·p²) pass)."""
        from analysis.survival._coxtests import robust_score_statistic

        return chi_square(robust_score_statistic(self), len(self.fitted_names))

    def global_tests(self) -> pd.DataFrame:
        """The tests of β = 0 that R's ``summary(coxph)`` prints: likelihood ratio, Wald, score
        (log-rank) and, when the variance is robust, the robust score test; one row each with
        ``statistic, dof, p_value``."""
        rows = {
            "likelihood ratio": self.likelihood_ratio,
            "Wald": self.wald_test,
            "score (log-rank)": self.score_test,
        }
        if self.robust_variance is not None:
            rows["robust score"] = self.robust_score_test
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "test"
        return frame

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
        dh = self.fit.terms.hazard_increment
        frame = pd.DataFrame({"stratum": rs.slot_stratum, "time": rs.slot_time, "dh": dh})
        frame = frame[frame["time"].notna()].copy()
        frame["hazard"] = frame.groupby("stratum")["dh"].cumsum()
        if self.data.strata is not None:
            frame["stratum"] = [self.data.strata_labels[i] for i in frame["stratum"]]
        return frame.drop(columns="dh").reset_index(drop=True)

    def predict_survival(self, df: pd.DataFrame, times: Sequence[float]) -> pd.DataFrame:
        """S(t | x) = exp(−Λ₀(t) e^{(x − x̄)β}) for each row of ``df`` (rows) at ``times``.

        For a stratified model ``df`` must hold the strata column(s): each row uses the baseline
        hazard of its own stratum (R ``survfit(fit, newdata=)``); a stratum the model has not
        seen is an error naming the row.
        """
        from analysis.survival._adjusted import predicted_survival

        return predicted_survival(self, df, times)

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
        if term in self.fitted_names:
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
    robust: bool | None = None,
    conf_level: float = 0.95,
    firth: bool = False,
    reference: dict | None = None,
) -> CoxResult:
    """Fit a Cox model of ``duration``/``event`` on ``covariates`` (R ``coxph``).

    - ``ties``: ``"efron"`` (R's default) or ``"breslow"``;
    - ``strata``: column(s) with separate baseline hazards (R ``strata()``);
    - ``cluster``: column identifying people with several rows (e.g. repeat deliveries):
      robust sandwich SE from per-cluster sums of score residuals, as R ``cluster()``;
    - ``start``: entry time column for counting-process rows (start, stop], for time-varying
      covariates or delayed entry (R ``Surv(start, stop, event)``);
    - ``weights``: case weights (> 0). ``robust`` defaults to R's rule: the sandwich variance
      when a cluster is given or any weight is not a whole number (inverse-probability
      weights: the model-based SE would be far too small); ``robust=True`` without a cluster
      treats each row as its own cluster;
    - ``firth=True``: Firth's penalised partial likelihood (Heinze & Schemper 2001), finite
      estimates under monotone likelihood; see :mod:`analysis.survival._firth`;
    - categorical covariates: ``"C(moud)"`` or object/bool columns, reference level = first in
      code-point (C-locale) order, or ``reference={"moud": "none"}`` per covariate — see
      :mod:`analysis.survival._design`.

    A constant or aliased covariate is dropped with a :class:`~analysis.errors.ModelWarning`
    and shows as an all-NA row; a coefficient that runs to ±∞ (monotone likelihood) is
    reported with R's warning "coefficient may be infinite" and NA for its SE, CI and p.

    R's ``lung`` data with robust SEs clustered on institution: ``coxph(Surv(time, status) ~
    age + sex, lung, cluster = inst)`` gives hazard ratios 1.017 and 0.599 with robust SEs
    0.0073 and 0.128 (the row without an institution is dropped, as R does):

    >>> fit = cox(lung, "time", "dead", ["age", "sex"], cluster="inst")
    >>> fit.summary[["hr", "robust_se"]].round(3)
                  hr  robust_se
    covariate
    age        1.017      0.007
    sex        0.599      0.128
    """
    return fit_cox_model(
        df,
        duration,
        event,
        covariates,
        ties=ties,
        strata=strata,
        cluster=cluster,
        start=start,
        weights=weights,
        robust=robust,
        conf_level=conf_level,
        firth=firth,
        reference=reference,
    )


def fit_cox_model(
    df: pd.DataFrame,
    duration: str,
    event: str,
    covariates: str | Sequence[str],
    *,
    ties: str = "efron",
    strata: str | Sequence[str] | None = None,
    cluster: str | None = None,
    start: str | None = None,
    weights: str | None = None,
    robust: bool | None = None,
    conf_level: float = 0.95,
    firth: bool = False,
    reference: dict | None = None,
    scaled: str | None = None,
    scale=None,
    start_may_be_negative: bool = False,
) -> CoxResult:
    """:func:`cox` plus the engine's per-event-time weight factor (``scaled`` rows, whose
    weight is multiplied by ``scale(t)`` at each event time t), which Fine–Gray uses."""
    if isinstance(strata, str):
        strata = [strata]
    if weights is not None:
        _validation.require_columns(df, [weights])
        _validation.case_weights(df, weights)  # missing or non-positive: an error, not a drop
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
    entry = (
        _validation.entry_times(data, start, stop, duration, start_may_be_negative)
        if start
        else None
    )
    design = design_matrix(data, covariates, reference=reference)
    x_all = design.to_numpy(dtype=float)
    strata_codes, labels = None, []
    if strata:
        codes, uniques = pd.factorize(strata_key(data, strata), sort=True)
        strata_codes, labels = codes.astype(np.int64), list(uniques)
    w = np.ones(len(data)) if weights is None else _validation.case_weights(data, weights)
    if robust is None:
        robust = bool(cluster) or bool(np.any(w != np.floor(w)))
    scaled_rows = data[scaled].to_numpy(dtype=bool) if scaled else None
    rs = coxfit.risk_sets(stop, status, entry, strata_codes, scaled_rows, scale)
    result = (fit_firth if firth else coxfit.fit)(
        x_all,
        stop,
        status,
        start=entry,
        strata=strata_codes,
        weights=w,
        ties=ties,
        rs=rs,
    )
    names = list(design.columns)
    kept_names = [names[i] for i in result.kept]
    warn_about(names, result)
    x = x_all[:, result.kept]
    if firth and x.shape[1]:
        result.profile = profile(x - result.center, rs, w, ties, result, conf_level)
    cluster_values = data[cluster].to_numpy() if cluster else None
    robust_var = None
    if robust and x.shape[1]:
        resid = residuals.score_residuals(x, result.beta, rs, w, ties, result.terms, result.center)
        robust_var = residuals.robust_variance(resid, w, result.variance, cluster_values)
    term_columns = design.attrs.get("term_columns") or {c: [c] for c in names}
    return CoxResult(
        summary=summary_table(names, result, robust_var, conf_level),
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
            scaled_rows,
            scale,
        ),
        covariates=list(covariates) if not isinstance(covariates, str) else [covariates],
        conf_level=conf_level,
        robust_variance=robust_var,
        term_columns={
            term: [c for c in cols if c in kept_names]
            for term, cols in term_columns.items()
            if any(c in kept_names for c in cols)
        },
        design_spec=design.attrs.get("spec"),
        fitted_names=kept_names,
        strata_columns=list(strata or []),
        reference=dict(reference or {}),
    )
