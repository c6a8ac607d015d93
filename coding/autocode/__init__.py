"""Assisted coding: a classifier that learns the coders' codes and suggests them.

The public face of the autocoder; the work lives in one module per job:

* :mod:`coding.autocode._features` — stemmed word, character and keyword features;
* :mod:`coding.autocode._estimator` — :class:`ThemeClassifier` (scikit-learn estimator);
* :mod:`coding.autocode._evaluation` — grouped cross-validation, learning curves;
* :mod:`coding.autocode._active` — which uncoded turns to code next;
* :mod:`coding.autocode._suggest` — suggestions into the coding store as coder ``auto``.

>>> from studies import load_study
>>> from coding.autocode import ThemeClassifier, evaluate, training_units
>>> study = load_study("demo")
>>> units = training_units(study.transcripts(), study.codings(), "consensus")
>>> model = ThemeClassifier(codebook=study.codebook()).fit(
...     units["text"], units["codes"], groups=units["participant_id"])
>>> model.predict(["Nobody told me how long she would be in the NICU"])
[{'nows_information_gap'}]

Cross-validation fits one model per fold (half a minute on the demo; tests/coding/autocode/
run it), so it is shown here, not run:

>>> evaluate(study.transcripts(), study.codings()).summary                # doctest: +SKIP
"""

from coding.autocode._active import rank_uncoded
from coding.autocode._estimator import AutocodeError, ThemeClassifier
from coding.autocode._evaluation import (
    Evaluation,
    cross_evaluate,
    evaluate,
    learning_curve,
    training_units,
)
from coding.autocode._suggest import suggestions, write_suggestions

__all__ = [
    "AutocodeError",
    "Evaluation",
    "ThemeClassifier",
    "cross_evaluate",
    "evaluate",
    "learning_curve",
    "rank_uncoded",
    "suggestions",
    "training_units",
    "write_suggestions",
]
