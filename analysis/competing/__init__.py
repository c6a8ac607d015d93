"""Competing risks: cumulative incidence (Aalen–Johansen), Gray's test, cause-specific Cox."""

from analysis.competing._incidence import (
    GrayTestResult,
    cause_specific_cox,
    cumulative_incidence,
    fine_gray,
    gray_test,
)

__all__ = [
    "GrayTestResult",
    "cause_specific_cox",
    "cumulative_incidence",
    "fine_gray",
    "gray_test",
]
