"""Rule 4 — overdose (claims follow-up) and fatal overdose (vital records) as two outcomes
with their own follow-up (docs/cohort.md). Expected values derived by hand in the comments.

Delivery 2023-03-01 (day 0): April 1 = day 31, April 11 = day 41, May 1 = day 61,
June 10 = day 101, July 1 = day 122, Sept 1 = day 184; horizon 365.
"""

from __future__ import annotations

import pytest

from analysis.cohort import build_cohort
from tests.analysis.cohort.helpers import NO_FILLS, deliveries, events

D = "2023-03-01"


@pytest.fixture
def cohort():
    births = deliveries(
        [
            ("o1", "p1", D),
            ("o2", "p2", D, None, "2023-05-01"),  # covered to day 61
            ("o3", "p3", D, None, "2023-05-01"),  # covered to day 61
            ("o4", "p4", D),
            ("o5", "p5", D),
            ("o6", "p6", D),
            ("o6b", "p6", "2023-09-01"),  # p6 delivers again on day 184
        ]
    )
    ev = events(
        [
            ("p1", "o1", "2023-04-11", "overdose_nonfatal"),  # day 41
            ("p2", "o2", "2023-07-01", "overdose_fatal"),  # day 122, after coverage ended
            ("p3", "o3", "2023-07-01", "death_other"),  # day 122, after coverage ended
            ("p4", "o4", "2023-04-01", "death_other"),  # day 31, covered
            ("p5", "o5", "2023-04-11", "overdose_nonfatal"),  # day 41
            ("p5", "o5", "2023-06-10", "overdose_fatal"),  # day 101
            ("p6", "o6b", "2023-10-01", "overdose_fatal"),  # 09-01 -> 10-01 = day 30 of o6b
        ]
    )
    return build_cohort(births, NO_FILLS, ev, data_end="2025-12-31").set_index("delivery_id")


def test_any_overdose_is_censored_at_loss_of_coverage(cohort):
    # o2's fatal overdose (day 122) falls after coverage ended (day 61): the claims outcome
    # is censored at 61. o4's other death (day 31) is the competing event 2. o6 is cut at
    # the next delivery (day 184).
    assert cohort["overdose_status"].to_dict() == {
        "o1": 1, "o2": 0, "o3": 0, "o4": 2, "o5": 1, "o6": 0, "o6b": 1,
    }  # fmt: skip
    assert cohort["days_to_overdose"].to_dict() == {
        "o1": 41, "o2": 61, "o3": 61, "o4": 31, "o5": 41, "o6": 184, "o6b": 30,
    }  # fmt: skip


def test_fatal_overdose_is_followed_past_loss_of_coverage(cohort):
    # Vital records see o2's fatal overdose and o3's other death on day 122 although coverage
    # ended on day 61; o5's fatal overdose on day 101 comes after her non-fatal one; o1 is
    # followed to the 365-day horizon; o6 to her next delivery (day 184).
    assert cohort["fatal_overdose_status"].to_dict() == {
        "o1": 0, "o2": 1, "o3": 2, "o4": 2, "o5": 1, "o6": 0, "o6b": 1,
    }  # fmt: skip
    assert cohort["days_to_fatal_overdose"].to_dict() == {
        "o1": 365, "o2": 122, "o3": 122, "o4": 31, "o5": 101, "o6": 184, "o6b": 30,
    }  # fmt: skip
    assert cohort["death"].to_dict() == {
        "o1": False, "o2": True, "o3": True, "o4": True, "o5": True, "o6": False, "o6b": True,
    }  # fmt: skip
