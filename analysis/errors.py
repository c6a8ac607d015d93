"""Errors of the outcomes library."""

from data_dictionary.errors import DyadlabError


class AnalysisError(DyadlabError):
    """Input data or parameters of an analysis are wrong."""


class DisclosureError(AnalysisError):
    """A table or report would reveal a count below the minimum cell size."""


class InvalidFillsWarning(UserWarning):
    """Fills were dropped by ``on_invalid="drop_with_warning"``."""


class CohortWarning(UserWarning):
    """The delivery cohort was built with a caveat a report must show: no ``data_end`` given
    (follow-up runs to the latest record), no coverage start (lookback unknown)."""


class ModelWarning(UserWarning):
    """A model was fitted with a caveat R also warns about: a covariate dropped as constant or
    aliased, a coefficient that may be infinite (monotone likelihood), no convergence."""
