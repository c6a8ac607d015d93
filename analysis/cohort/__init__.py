"""The delivery cohort: one row per delivery with exposure fixed at delivery, follow-up and
outcomes for survival and competing-risks analyses, and its counting-process form for
time-varying MOUD and services.

The definitions follow the postpartum MOUD literature and are stated, with citations and a
worked example per rule, in docs/cohort.md:

* :func:`build_cohort` — ``moud_at_delivery`` (drug(s) covering the delivery date, no
  look-ahead by default, else ``"none"``), ``moud_recent``, ``moud_status`` (current /
  recent / none), ``moud_group``, ``lookback_observed``, ``followup_days`` (horizon, data end,
  loss of coverage from one span or an enrolment table, next delivery, death),
  ``discontinued``/``days_on_moud``/``discontinued_status`` (only when the permissible gap
  is observable, on one time scale, death competing), ``overdose_status``/
  ``days_to_overdose`` and ``overdose_events`` (claims follow-up) and
  ``fatal_overdose_status``/``days_to_fatal_overdose`` (vital records, to their own data
  end); deliveries not covered at delivery are excluded and counted in ``attrs``.
* :func:`counting_process` — on/off MOUD intervals with a grace period, and dated services as
  time-varying covariates.
* :func:`check_baseline_covariates` — refuses a service that may start after delivery, or a
  covariate whose ascertainment window ends after delivery, as a baseline covariate
  (immortal-time bias); :func:`landmark` moves time zero later.
* :func:`coverage_loss_bound` — retention with loss of coverage counted as discontinuation
  (the pessimistic bound when coverage loss is informative); :func:`coverage_ipcw` —
  inverse-probability-of-censoring weights for loss of coverage.
"""

from analysis.cohort._build import DERIVED_COLUMNS, build_cohort
from analysis.cohort._inputs import EVENT_TYPES
from analysis.cohort._ipcw import coverage_ipcw
from analysis.cohort._retention import coverage_loss_bound
from analysis.cohort._timevarying import (
    check_baseline_covariates,
    counting_process,
    dated_services,
    landmark,
)

__all__ = [
    "DERIVED_COLUMNS",
    "EVENT_TYPES",
    "build_cohort",
    "check_baseline_covariates",
    "counting_process",
    "coverage_ipcw",
    "coverage_loss_bound",
    "dated_services",
    "landmark",
]
