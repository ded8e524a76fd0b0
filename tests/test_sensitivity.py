"""Tests for gmindex.sensitivity: Sobol indices of the method factors."""

import numpy as np
import pytest

from gmindex.index import build_index
from gmindex.robustness import monte_carlo
from gmindex.sensitivity import sobol_indices


@pytest.fixture(scope="module")
def base(default_panel, default_spec):
    """The flat default index (the shift test below needs flat weights: with pillar weights
    by entropy the shift acts on the pillar weights even when indicators are weighted equally)."""
    return build_index(default_panel, default_spec, hierarchy="flat")


def test_factor_without_effect_has_zero_total_index(base):
    # The shift acts on entropy shares only: with equal weights it cannot matter.
    sob = sobol_indices(base, n=32, seed=5, num_resamples=10,
                        choices={"weighting": "equal", "shift": [0.0, 0.01],
                                 "normalization": ["pooled", "per_year"], "leave_out": "none"})
    assert sob.problem["names"] == ["normalization", "aggregation", "shift"]
    assert sob.n_evaluations == 32 * 5
    shift = sob.indices[(sob.indices["factor"] == "shift")].dropna(subset=["ST"])
    assert len(shift) and (shift["ST"] == 0).all() and (shift["S1"] == 0).all()
    other = sob.indices[sob.indices["factor"] != "shift"]["ST"].dropna()
    assert other.max() > 0.1


def test_sobol_and_monte_carlo_first_order_agree(base):
    choices = {"weighting": ["entropy", "equal"], "normalization": ["pooled", "per_year"],
               "aggregation": "sum", "shift": 0.0, "leave_out": "none"}
    sob = sobol_indices(base, n=256, seed=1, num_resamples=10, choices=choices)
    mc = monte_carlo(base, draws=1500, seed=1, choices=choices)
    s1 = sob.indices[sob.indices["output"] == "mean_rank_shift"].set_index("factor")["S1"]
    fo = mc.sensitivity[mc.sensitivity["output"] == "mean_rank_shift"].set_index("factor")["first_order"]
    np.testing.assert_allclose(s1[fo.index], fo, atol=0.12)
    frame = sob.summary_frame()
    assert set(frame["output"]) == {"rank", "mean_rank_shift", "gap east - west"}
    assert {"normalization", "weighting"} == set(frame["factor"])


def test_perturbation_is_one_group_and_bad_input_raises(base):
    sob = sobol_indices(base, n=16, seed=2, num_resamples=5,
                        choices={"weighting": ["entropy", "perturbed_entropy"],
                                 "normalization": "pooled", "aggregation": "sum", "shift": 0.0,
                                 "leave_out": "none"})
    assert set(sob.problem["groups"]) == {"weighting", "weight_perturbation"}
    assert sob.problem["groups"].count("weight_perturbation") == 8
    assert sob.n_evaluations == 16 * 4
    assert set(sob.indices["factor"]) == {"weighting", "weight_perturbation"}
    with pytest.raises(ValueError, match="power of 2"):
        sobol_indices(base, n=100)
    with pytest.raises(ValueError, match="at least two"):
        sobol_indices(base, n=16, choices={"weighting": "perturbed_entropy",
                                           "normalization": "pooled", "aggregation": "sum",
                                           "shift": 0.0, "leave_out": "none"})
