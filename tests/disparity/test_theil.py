"""Tests for gmindex.disparity.theil."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gmindex.disparity.theil import theil, theil_by_year, theil_decomposition


def test_zeros_and_tens_hand_case():
    """Groups of 0s and 10s: all income sits in group b with half the units, so
    T = (1/4) * 2 * (2 ln 2) = ln 2, between = 1 * ln(1 / 0.5) = ln 2, within = 0."""
    r = theil_decomposition([0, 0, 10, 10], ["a", "a", "b", "b"])
    assert r.total == pytest.approx(math.log(2))
    assert r.between == pytest.approx(math.log(2))
    assert r.within == pytest.approx(0.0, abs=1e-15)
    assert r.n_zero == 2
    assert any("exactly zero" in note for note in r.notes)
    assert r.groups.loc["a", "value_share"] == 0
    assert any("all zero" in note for note in r.notes)


def test_within_by_group_hand_case():
    """Group a = (1, 3): mean 2, T_a = (0.5 ln 0.5 + 1.5 ln 1.5) / 2; within = sum s_g T_g."""
    r = theil_decomposition([1, 3, 2, 6], ["a", "a", "b", "b"])
    t_a = (0.5 * math.log(0.5) + 1.5 * math.log(1.5)) / 2
    assert r.within_by_group["a"] == pytest.approx(t_a)
    assert r.within_by_group["b"] == pytest.approx(t_a)  # (2, 6) is (1, 3) scaled
    assert r.within == pytest.approx(t_a)  # value shares 1/3 + 2/3
    assert r.within_by_group.index.tolist() == ["a", "b"]


def test_theil_hand_values():
    assert theil([3, 3, 3]) == 0.0
    # one unit holds everything: T = ln n
    assert theil([0, 0, 0, 0, 7]) == pytest.approx(math.log(5))
    # [1, 3]: mu = 2, T = (0.5 ln 0.5 + 1.5 ln 1.5) / 2
    assert theil([1, 3]) == pytest.approx((0.5 * math.log(0.5) + 1.5 * math.log(1.5)) / 2)


def test_matches_pysal_on_positive_data():
    theil_mod = pytest.importorskip("inequality.theil")
    rng = np.random.default_rng(2020)
    y = rng.lognormal(0.0, 0.6, size=31)
    groups = rng.integers(0, 4, size=31)
    r = theil_decomposition(y, groups)
    assert r.total == pytest.approx(float(theil_mod.Theil(y).T), rel=1e-12)
    pysal = theil_mod.TheilD(y, groups)
    assert r.between == pytest.approx(float(np.ravel(pysal.bg)[0]), rel=1e-10)
    assert r.within == pytest.approx(float(np.ravel(pysal.wg)[0]), rel=1e-10)


def test_zeros_agree_with_pysal_in_the_limit():
    """PySAL adds the smallest float to zeros; its value converges to our exact limit."""
    theil_mod = pytest.importorskip("inequality.theil")
    y = np.array([0.0, 0.2, 0.5, 0.0, 0.9])
    assert theil(y) == pytest.approx(float(theil_mod.Theil(y).T), rel=1e-12)


positive_data = st.integers(min_value=1, max_value=40).flatmap(
    lambda n: st.tuples(
        arrays(np.float64, n, elements=st.floats(0, 1e3, allow_subnormal=False)),
        arrays(np.int64, n, elements=st.integers(0, 4)),
    )
)


@settings(max_examples=200, deadline=None)
@given(positive_data, st.floats(0.01, 100))
def test_identity_bounds_and_scale_invariance(data, scale):
    y, g = data
    if y.sum() <= 1e-9:
        y = y + 1.0
    r = theil_decomposition(y, g)
    assert r.between + r.within == pytest.approx(r.total, rel=1e-9, abs=1e-12)
    assert -1e-12 <= r.total <= math.log(y.size) + 1e-9
    assert r.between >= -1e-12 and r.within >= -1e-12
    assert theil(y * scale) == pytest.approx(r.total, rel=1e-9, abs=1e-12)
    assert r.n_zero == int((y == 0).sum())


def test_one_group_and_constant_groups():
    r = theil_decomposition([1, 2, 3], ["x", "x", "x"])
    assert r.within == pytest.approx(r.total) and r.between == pytest.approx(0.0)
    r = theil_decomposition([1, 1, 4, 4, 4], list("aabbb"))
    assert r.within == pytest.approx(0.0) and r.between == pytest.approx(r.total)
    assert r.shares["between"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("values", "message"),
    [([1, -2], "non-negative"), ([0, 0], "all values are zero"), ([1, np.inf], "NaN")],
)
def test_bad_input_raises(values, message):
    with pytest.raises(ValueError, match=message):
        theil(values)
    with pytest.raises(ValueError, match=message):
        theil_decomposition(values, ["a"] * len(values))


def test_theil_by_year_shape_and_values():
    scores = pd.DataFrame(
        {
            "code": ["11", "14", "15", "21"] * 2,
            "year": [2016] * 4 + [2020] * 4,
            "score": [0.6, 0.3, 0.2, 0.4, 0.7, 0.5, 0.0, 0.45],
        }
    )
    t = theil_by_year(scores, scheme="region4")
    assert list(t.columns) == ["scheme", "year", "level", "group", "measure", "value"]
    overall = t[t["level"] == "overall"].pivot(index="year", columns="measure", values="value")
    assert overall.loc[2016, "total"] == pytest.approx(theil([0.6, 0.3, 0.2, 0.4]))
    assert overall.loc[2020, "n_zero"] == 1
    groups = t[(t["year"] == 2016) & (t["measure"] == "theil")]["group"].tolist()
    assert groups == ["east", "central", "west", "northeast"]
    f = theil_decomposition([1, 2], ["a", "b"]).to_frame()
    assert set(f["level"]) == {"overall", "group"}


def test_default_index_theil_matches_pysal(default_result):
    theil_mod = pytest.importorskip("inequality.theil")
    scores = default_result.scores
    table = theil_by_year(scores, scheme="region4")
    overall = table[table["level"] == "overall"].pivot(
        index="year", columns="measure", values="value"
    )
    from gmindex.regional import add_region

    for year in (2016, 2020):
        block = add_region(scores[scores["year"] == year])
        pysal = theil_mod.TheilD(block["score"].to_numpy(), block["region"].to_numpy())
        assert overall.loc[year, "total"] == pytest.approx(float(np.ravel(pysal.T)[0]))
        assert overall.loc[year, "between"] == pytest.approx(float(np.ravel(pysal.bg)[0]))
