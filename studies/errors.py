"""Errors of the `studies` package: study.yaml, study data files, report parameters."""

from data_dictionary.errors import DyadlabError


class StudyError(DyadlabError):
    """A study.yaml, one of its data files, or a report parameter is wrong."""


class ReportError(StudyError):
    """A report could not be made: bad parameter, failing cell, or output problem."""
