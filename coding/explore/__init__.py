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

>>> from studies import load_study                                     # doctest: +SKIP
>>> study = load_study("demo")                                         # doctest: +SKIP
>>> corpus, codings = study.transcripts(), study.codings()             # doctest: +SKIP
>>> turns = turn_codes(corpus, codings)                                # doctest: +SKIP
>>> cooccurrence(turns, measure="jaccard").round(2)                    # doctest: +SKIP
>>> compare_roles(corpus, codings)[["code_id", "prop_patient", "prop_provider", "p_value"]]
...                                                                    # doctest: +SKIP
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
