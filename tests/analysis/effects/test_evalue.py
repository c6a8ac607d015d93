"""E-values against VanderWeele & Ding (2017, Ann Intern Med 167:268), worked example: the
breastfeeding study's RR 3.9 (95% CI 1.8–8.7) has E-value 7.2 and 3.0 for the lower limit."""

import math

import pytest

from analysis.effects import evalue, hr_to_rr
from analysis.errors import AnalysisError


def test_the_papers_worked_example():
    result = evalue(3.9, 1.8, 8.7)
    assert result["evalue"] == pytest.approx(7.26, abs=0.005)  # paper: 7.2
    assert result["evalue_ci"] == pytest.approx(3.0, abs=1e-12)  # 1.8 + sqrt(1.8*0.8) = 3.0


def test_protective_estimate_uses_the_reciprocal_and_the_upper_limit():
    result = evalue(1 / 3.9, 1 / 8.7, 1 / 1.8)
    assert result["evalue"] == pytest.approx(3.9 + math.sqrt(3.9 * 2.9))
    assert result["evalue_ci"] == pytest.approx(3.0)


def test_interval_containing_the_null_has_evalue_one():
    assert evalue(0.8, 0.55, 1.15)["evalue_ci"] == 1.0


def test_hazard_ratio_of_a_common_outcome_is_converted():
    # HR 2: (1 - 0.5**sqrt(2)) / (1 - 0.5**sqrt(0.5)), computed by hand = 0.6248 / 0.3873
    assert hr_to_rr(2.0) == pytest.approx((1 - 0.375214) / (1 - 0.612547), rel=1e-5)
    assert hr_to_rr(1.0) == pytest.approx(1.0)
    result = evalue(2.0, 1.5, 2.7, measure="HR", common_outcome=True)
    rr = hr_to_rr(2.0)
    assert result["evalue"] == pytest.approx(rr + math.sqrt(rr * (rr - 1)))
    # rare outcome: the HR is used as an RR
    assert evalue(2.0, measure="HR")["evalue"] == pytest.approx(2 + math.sqrt(2))


def test_bad_input_is_refused():
    with pytest.raises(AnalysisError):
        evalue(-1.0)
    with pytest.raises(AnalysisError):
        evalue(2.0, 3.0, 1.0)
