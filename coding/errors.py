"""Errors of the qualitative coding library."""

from data_dictionary.errors import DyadlabError


class CodingError(DyadlabError):
    """A transcript, codebook, coding or exchange file is wrong."""
