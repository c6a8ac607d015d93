"""Risk identification after delivery: prognostic models and their validation.

* :func:`fit_risk_model`, :class:`RiskModel` — a prespecified Cox model of discontinuation or
  overdose from information available at delivery (or at a landmark), predicting the risk by
  each horizon (:mod:`._model`);
* :func:`performance`, :func:`optimism_corrected` (Harrell's bootstrap), :func:`by_group`
  (fairness: C and calibration per group with intervals and a miscalibration flag),
  :func:`internal_external` (leave one site out) (:mod:`._model`);
* :func:`harrell_c`, :func:`uno_c`, :func:`time_dependent_auc`, :func:`censoring_survival`
  (:mod:`._metrics`, equal to scikit-survival's metrics);
* :func:`calibration_table`, :func:`calibration_summary`, :func:`net_benefit`
  (:mod:`._calibration`);
* :func:`compare_models` — the Cox model against scikit-survival's gradient-boosted survival
  model on the same cross-validation folds (:mod:`._compare`);
* :func:`landmark_data`, :func:`landmark_performance` — dynamic prediction at landmarks
  after delivery (:mod:`._landmark`);
* :func:`score_table`, :data:`PERMITTED_USE` — the scored table for care coordination
  (:mod:`._scores`).

Definitions and checks: docs/risk.md.
"""

from analysis.risk._calibration import calibration_summary, calibration_table, net_benefit
from analysis.risk._compare import compare_models
from analysis.risk._landmark import landmark_data, landmark_performance
from analysis.risk._metrics import censoring_survival, harrell_c, time_dependent_auc, uno_c
from analysis.risk._model import (
    RiskModel,
    by_group,
    fit_risk_model,
    internal_external,
    optimism_corrected,
    performance,
)
from analysis.risk._scores import PERMITTED_USE, score_table

__all__ = [
    "PERMITTED_USE",
    "RiskModel",
    "by_group",
    "calibration_summary",
    "calibration_table",
    "censoring_survival",
    "compare_models",
    "fit_risk_model",
    "harrell_c",
    "internal_external",
    "landmark_data",
    "landmark_performance",
    "net_benefit",
    "optimism_corrected",
    "performance",
    "score_table",
    "time_dependent_auc",
    "uno_c",
]
