"""Inter-coder reliability: coefficients, agreement tables, disagreements for reconciliation.

The public names other parts of dyadlab (and checks outside the project) call live here; the
work is split by job:

* :mod:`coding.reliability._stats` — the coefficients (percent agreement, Cohen's and Fleiss'
  kappa, Krippendorff's alpha, Gwet's AC1);
* :mod:`coding.reliability._units` — coded spans to turn units (who applied what where);
* :mod:`coding.reliability._table` — :func:`agreement_table` with bootstrap intervals;
* :mod:`coding.reliability._character` — NVivo-style character-level agreement;
* :mod:`coding.reliability._plot` — :func:`plot_agreement`, a forest plot of the table;
* :mod:`coding.reliability._reconcile` — :func:`disagreements` and :func:`reconcile` (coder
  ``consensus``).

>>> from coding.reliability import agreement_table
>>> table = agreement_table(codings, corpus, coders=["coder_a", "coder_b"], bootstrap=200)
>>> list(table.columns[:6])
['code_id', 'coder_a', 'coder_b', 'n_coders', 'n_units', 'percent_agreement']
"""

from coding.reliability._character import character_agreement
from coding.reliability._plot import plot_agreement
from coding.reliability._reconcile import disagreements, reconcile
from coding.reliability._stats import (
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
)
from coding.reliability._table import agreement_table
from coding.reliability._units import turn_units

__all__ = [
    "agreement_table",
    "character_agreement",
    "cohen_kappa",
    "disagreements",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "percent_agreement",
    "plot_agreement",
    "reconcile",
    "turn_units",
]
