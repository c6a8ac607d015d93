"""Exploring coded transcripts: codes per turn, frequencies, co-occurrence, exemplars,
keyword in context, saturation and patient-versus-provider comparisons.

DataFrames in, DataFrames out; the ``plot_*`` helpers return the matplotlib Axes.
``codings`` is the study's codings frame (one row per coded span: ``transcript_id, coder,
code_id, start, end`` …); most functions look at one ``coder`` — by default the reconciled
``consensus`` layer — or at every coder with ``coder=None``.

The unit of analysis is the speaker turn (docs/architecture.md): coder X applied code C to
turn T when one of X's spans for C overlaps T's ``[start, end)``.

The parts: ``_turns`` (:func:`turn_codes` and the selection of one coder's spans),
``_counts`` (frequencies, matrices, co-occurrence, coverage), ``_text`` (exemplars,
concordance), ``_compare`` (saturation, role comparison) and ``_plots``. Tested in
tests/coding/explore/test_explore.py.

>>> from studies import load_study
>>> study = load_study("demo")
>>> corpus, codings = study.transcripts(), study.codings()
>>> turns = turn_codes(corpus, codings)
>>> matrix = cooccurrence(turns, measure="jaccard")   # code × code, symmetric, 1 on the diagonal
>>> bool((matrix == matrix.T).all().all() and (np.diag(matrix) == 1).all())
True
>>> roles = compare_roles(corpus, codings)   # the demo has 20 patient and 10 provider interviews
>>> roles[["n_patient", "n_provider"]].drop_duplicates().values.tolist()
[[20, 10]]
>>> list(roles.columns[:4])
['code_id', 'n_patient', 'with_patient', 'prop_patient']
"""

from __future__ import annotations

from coding.explore._compare import compare_roles, saturation
from coding.explore._counts import code_frequencies, code_matrix, cooccurrence, coverage
from coding.explore._plots import plot_code_frequencies, plot_cooccurrence, plot_saturation
from coding.explore._text import concordance, exemplars
from coding.explore._turns import turn_codes

__all__ = [
    "code_frequencies",
    "code_matrix",
    "compare_roles",
    "concordance",
    "cooccurrence",
    "coverage",
    "exemplars",
    "plot_code_frequencies",
    "plot_cooccurrence",
    "plot_saturation",
    "saturation",
    "turn_codes",
]
