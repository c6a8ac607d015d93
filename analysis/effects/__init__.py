"""Effects of exposures and supports: weighting for confounding and target trial emulation.

* :func:`propensity_weights`, :func:`propensity_scores`, :func:`iptw_survival`,
  :func:`weight_summary` — stabilised inverse-probability-of-treatment weights for an exposure
  fixed at delivery, weighted KM / Cox (robust variance) / RMST (:mod:`._iptw`);
* :func:`balance_table`, :func:`standardized_mean_difference`, :func:`love_plot` — balance
  diagnostics before and after weighting (:mod:`._balance`);
* :func:`clone_censor_weight` — target trial emulation of a service that starts after delivery
  (within a grace period vs not) by cloning, artificial censoring and inverse-probability-of-
  censoring weights, with a person-level bootstrap (:mod:`._ccw`);
* :func:`evalue`, :func:`evalue_rr`, :func:`hr_to_rr` — E-values (VanderWeele & Ding 2017).

Methods, checks against R and the known-truth simulation: docs/effects.md.
"""

from analysis.effects._balance import balance_table, love_plot, standardized_mean_difference
from analysis.effects._ccw import CloneCensorWeightResult, clone_censor_weight
from analysis.effects._evalue import evalue, evalue_rr, hr_to_rr
from analysis.effects._iptw import (
    IPTWResult,
    iptw_survival,
    propensity_scores,
    propensity_weights,
    weight_summary,
)

__all__ = [
    "CloneCensorWeightResult",
    "IPTWResult",
    "balance_table",
    "clone_censor_weight",
    "evalue",
    "evalue_rr",
    "hr_to_rr",
    "iptw_survival",
    "love_plot",
    "propensity_scores",
    "propensity_weights",
    "standardized_mean_difference",
    "weight_summary",
]
