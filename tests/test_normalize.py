"""Tests for gmindex.normalize."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gmindex.normalize import minmax


def test_benefit_and_cost_hand_case():
    x = np.array([[2.0, 5.0], [4.0, 1.0], [3.0, 3.0]])
    res = minmax(x, directions=["benefit", "cost"])
    np.testing.assert_allclose(res.values, [[0, 0], [1, 1], [0.5, 0.5]])
    np.testing.assert_allclose(res.lower, [[2, 1]])
    np.testing.assert_allclose(res.upper, [[4, 5]])


def test_cost_is_linear_not_reciprocal():
    x = np.array([[1.0], [2.0], [4.0]])
    # (max - x)/(max - min): 1, 2/3, 0 -- 1/x would give 1, 0.5, 0.25 after scaling.
    np.testing.assert_allclose(minmax(x, directions=["cost"]).values.ravel(), [1, 2 / 3, 0])


def test_constant_column_is_zero_not_nan():
    x = np.array([[1.0, 7.0], [2.0, 7.0]])
    res = minmax(x, directions=["benefit", "benefit"])
    assert res.constant.tolist() == [[False, True]]
    np.testing.assert_array_equal(res.values[:, 1], [0, 0])


def test_per_year_needs_groups_and_uses_them():
    x = np.array([[0.0], [10.0], [5.0], [6.0]])
    with pytest.raises(ValueError, match="group label"):
        minmax(x, directions=["benefit"], reference="per_year")
    res = minmax(x, directions=["benefit"], reference="per_year", groups=[1, 1, 2, 2])
    np.testing.assert_array_equal(res.values.ravel(), [0, 1, 0, 1])
    assert res.groups == (1, 2)


def test_fixed_goalposts_clip_and_count():
    x = np.array([[-5.0], [5.0], [15.0]])
    res = minmax(x, directions=["benefit"], reference="fixed", goalposts=[[0.0], [10.0]])
    np.testing.assert_array_equal(res.values.ravel(), [0, 0.5, 1])
    assert res.clipped == 2
    unclipped = minmax(x, directions=["benefit"], reference="fixed",
                       goalposts=[[0.0], [10.0]], clip=False)
    np.testing.assert_array_equal(unclipped.values.ravel(), [-0.5, 0.5, 1.5])


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="unknown reference 'yearly'"):
        minmax(np.ones((2, 1)), directions=["benefit"], reference="yearly")
    with pytest.raises(ValueError, match="unknown direction"):
        minmax(np.ones((2, 1)), directions=["good"])
    with pytest.raises(ValueError, match="missing-data rule"):
        minmax(np.array([[np.nan], [1.0]]), directions=["benefit"])


finite = arrays(float, st.tuples(st.integers(2, 30), st.integers(1, 6)),
                elements=st.floats(-1e6, 1e6, allow_nan=False))


@settings(max_examples=150, deadline=None)
@given(finite)
def test_property_bounds_and_direction_flip(x):
    m = x.shape[1]
    ben = minmax(x, directions=["benefit"] * m).values
    cost = minmax(x, directions=["cost"] * m).values
    assert ((ben >= 0) & (ben <= 1)).all()
    varying = x.max(axis=0) > x.min(axis=0)
    # A benefit indicator turned into a cost one mirrors its normalised values.
    np.testing.assert_allclose(ben[:, varying] + cost[:, varying], 1.0, atol=1e-9)
    for j in np.flatnonzero(varying):
        assert np.isclose(ben[:, j].min(), 0) and np.isclose(ben[:, j].max(), 1)
