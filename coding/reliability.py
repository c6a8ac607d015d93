"""Inter-coder reliability: coefficients, agreement tables, disagreements for reconciliation.

The public names other parts of dyadlab (and checks outside the project) call live here; the
work is split by job: :mod:`coding.reliability_stats` (the coefficients).
"""

from coding.reliability_stats import (
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
)

__all__ = [
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "percent_agreement",
]
