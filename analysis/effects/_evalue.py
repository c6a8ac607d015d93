"""E-values for sensitivity to unmeasured confounding (VanderWeele & Ding 2017).

The E-value is the minimum strength of association, on the risk-ratio scale, that an
unmeasured confounder would need with both the exposure and the outcome (beyond the measured
covariates) to explain away an estimate: for RR ≥ 1, ``E = RR + sqrt(RR (RR − 1))``; for
RR < 1 the formula is applied to 1/RR. The E-value of a confidence interval is that of the
limit closest to the null (1 when the interval contains the null).

A hazard ratio of a *common* outcome (> 15% by the end of follow-up, as overdose is not but
MOUD discontinuation is) is first converted with the paper's approximation
``RR ≈ (1 − 0.5^sqrt(HR)) / (1 − 0.5^sqrt(1/HR))``; for a rare outcome HR ≈ RR.
Tested in tests/analysis/effects/test_evalue.py against the paper's worked example.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.errors import AnalysisError


def _positive(value: float, name: str) -> float:
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise AnalysisError(f"{name} must be a positive finite ratio, got {value!r}", field=name)
    return value


def hr_to_rr(hr: float) -> float:
    """Risk ratio approximating hazard ratio ``hr`` of a common outcome (VanderWeele & Ding
    2017, eAppendix): ``(1 − 0.5^√HR) / (1 − 0.5^√(1/HR))``."""
    hr = _positive(hr, "hr")
    return (1 - 0.5 ** math.sqrt(hr)) / (1 - 0.5 ** math.sqrt(1 / hr))


def evalue_rr(rr: float) -> float:
    """E-value of a risk ratio: ``RR + sqrt(RR (RR − 1))`` with RR < 1 inverted first."""
    rr = _positive(rr, "rr")
    rr = 1 / rr if rr < 1 else rr
    return rr + math.sqrt(rr * (rr - 1))


def evalue(
    estimate: float,
    lower: float | None = None,
    upper: float | None = None,
    *,
    measure: str = "RR",
    common_outcome: bool = False,
) -> pd.Series:
    """E-values of an estimate and of its confidence limit closest to the null.

    ``measure`` is ``"RR"`` or ``"HR"``; an HR is converted to an RR with :func:`hr_to_rr`
    when ``common_outcome`` is true, else used as an RR (rare outcome). Returns ``rr``,
    ``rr_lower``, ``rr_upper`` (on the RR scale), ``evalue`` and ``evalue_ci``.

    VanderWeele & Ding (2017)'s example, RR 3.9 (1.8 to 8.7): E-values 7.26 and 3.0.

    >>> result = evalue(3.9, 1.8, 8.7)
    >>> round(float(result["evalue"]), 2), round(float(result["evalue_ci"]), 2)
    (7.26, 3.0)
    """
    if measure not in ("RR", "HR"):
        raise AnalysisError(f"measure must be 'RR' or 'HR', got {measure!r}", field="measure")

    def to_rr(value: float | None) -> float | None:
        if value is None:
            return None
        value = _positive(value, "estimate")
        return hr_to_rr(value) if measure == "HR" and common_outcome else value

    rr, lo, hi = to_rr(estimate), to_rr(lower), to_rr(upper)
    if lo is not None and hi is not None and lo > hi:
        raise AnalysisError(f"lower limit {lower} above upper limit {upper}", field="lower")
    if rr >= 1:
        limit = lo
        ci = 1.0 if limit is None or limit <= 1 else evalue_rr(limit)
    else:
        limit = hi
        ci = 1.0 if limit is None or limit >= 1 else evalue_rr(limit)
    if limit is None:
        ci = float("nan")
    return pd.Series(
        {"rr": rr, "rr_lower": lo, "rr_upper": hi, "evalue": evalue_rr(rr), "evalue_ci": ci}
    )
