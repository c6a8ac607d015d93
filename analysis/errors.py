"""Errors of the outcomes library."""

from data_dictionary.errors import DyadlabError


class AnalysisError(DyadlabError):
    """Input data or parameters of an analysis are wrong."""
