"""Tests for gmindex.weights: hand cases, an independent implementation, properties."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gmindex.weights import (
    ConstantIndicatorWarning,
    cap_weights,
    critic_weights,
    entropy_weights,
    equal_weights,
    user_weights,
)


def test_entropy_hand_case_3x2():
    # Column a: shares 0, 1/3, 2/3 -> e = -(1/3 ln 1/3 + 2/3 ln 2/3) / ln 3 = 0.579380
    # Column b: 0.2, 0.4, 0.9 over 1.5 -> e = 0.844331 (worked on paper)
    z = np.array([[0.0, 0.2], [0.5, 0.4], [1.0, 0.9]])
    ew = entropy_weights(z)
    e_a = -(1 / 3 * np.log(1 / 3) + 2 / 3 * np.log(2 / 3)) / np.log(3)
    p = np.array([0.2, 0.4, 0.9]) / 1.5
    e_b = -(p * np.log(p)).sum() / np.log(3)
    np.testing.assert_allclose(ew.entropy, [e_a, e_b], rtol=1e-14)
    d = 1 - np.array([e_a, e_b])
    np.testing.assert_allclose(ew.weights, d / d.sum(), rtol=1e-14)
    assert ew.n_obs == 3


def test_entropy_k_uses_all_observations_of_the_reference_set():
    # Pooled panel of N=2 provinces x T=3 years: k must be 1/ln(6), not 1/ln(2) or 1/ln(3).
    z = np.array([[0.0, 1.0], [0.2, 0.5], [0.4, 0.1], [0.6, 0.3], [0.8, 0.9], [1.0, 0.0]])
    ew = entropy_weights(z)
    p = z / z.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    np.testing.assert_allclose(ew.entropy, -plogp.sum(axis=0) / np.log(6), rtol=1e-14)


def test_entropy_zero_cell_is_a_zero_share_not_zero_entropy():
    z = np.array([[0.0, 0.5], [1.0, 0.5001], [1.0, 0.4999]])
    ew = entropy_weights(z)
    assert 0 < ew.entropy[0] < 1
    assert np.isfinite(ew.weights).all()


def test_entropy_constant_column_gets_zero_weight_with_warning():
    z = np.array([[0.0, 0.3], [0.5, 0.3], [1.0, 0.3]])
    with pytest.warns(ConstantIndicatorWarning, match=r"\['b'\]"):
        ew = entropy_weights(z, labels=["a", "b"])
    np.testing.assert_array_equal(ew.weights, [1.0, 0.0])
    assert ew.constant.tolist() == [False, True]


def test_entropy_all_zero_column_gets_zero_weight_not_nan():
    z = np.array([[0.0, 0.0], [0.5, 0.0], [1.0, 0.0]])
    with pytest.warns(ConstantIndicatorWarning):
        ew = entropy_weights(z)
    assert not np.isnan(ew.weights).any()
    assert ew.weights[1] == 0


def test_entropy_shift_matches_shifted_matrix():
    rng = np.random.default_rng(1)
    z = rng.random((12, 4))
    np.testing.assert_allclose(
        entropy_weights(z, shift=0.01).weights, entropy_weights(z + 0.01).weights, rtol=1e-14
    )


def test_entropy_rejects_bad_input():
    with pytest.raises(ValueError, match="non-negative"):
        entropy_weights(np.array([[-0.1, 1.0], [1.0, 0.0]]))
    with pytest.raises(ValueError, match="NaN"):
        entropy_weights(np.array([[np.nan, 1.0], [1.0, 0.0]]))
    with pytest.raises(ValueError, match="at least 2"):
        entropy_weights(np.array([[0.1, 1.0]]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConstantIndicatorWarning)
        with pytest.raises(ValueError, match="every indicator is constant"):
            entropy_weights(np.ones((3, 2)))


def test_entropy_matches_scikit_criteria_on_random_matrices():
    skc = pytest.importorskip("skcriteria.preprocessing.weighters")
    rng = np.random.default_rng(20240101)
    for _ in range(20):
        z = rng.random((rng.integers(3, 60), rng.integers(2, 12)))
        np.testing.assert_allclose(
            entropy_weights(z).weights, skc.entropy_weights(z), atol=1e-12
        )


def test_critic_matches_scikit_criteria():
    skc = pytest.importorskip("skcriteria.preprocessing.weighters")
    rng = np.random.default_rng(7)
    for _ in range(10):
        z = rng.random((30, 6))
        # scikit-criteria's population SD: the ddof factor cancels in the ratio.
        expected = skc.critic_weights(z, objectives=np.ones(6), scale=False)
        np.testing.assert_allclose(critic_weights(z), expected, atol=1e-12)


def test_critic_hand_case():
    # Two perfectly negatively correlated columns with equal sd: 1 - r = 2 for each pair.
    z = np.array([[0.0, 1.0], [1.0, 0.0]])
    np.testing.assert_allclose(critic_weights(z), [0.5, 0.5])


def test_critic_constant_column_does_not_change_other_weights():
    rng = np.random.default_rng(3)
    z = rng.random((20, 3))
    with pytest.warns(ConstantIndicatorWarning):
        w = critic_weights(np.column_stack([z, np.full(20, 0.4)]))
    np.testing.assert_allclose(w[:3], critic_weights(z), rtol=1e-12)
    assert w[3] == 0


def test_equal_user_and_cap():
    np.testing.assert_array_equal(equal_weights(2), [0.5, 0.5])
    with pytest.raises(ValueError, match="missing \\['c'\\]"):
        user_weights({"a": 1, "b": 1}, ["a", "b", "c"])
    with pytest.raises(ValueError, match="non-negative"):
        user_weights({"a": -1, "b": 1}, ["a", "b"])
    w = cap_weights([0.6, 0.3, 0.05, 0.05], max_share=0.4)
    assert w.max() <= 0.4 + 1e-12 and abs(w.sum() - 1) < 1e-12
    np.testing.assert_allclose(w[2] / w[3], 1.0)
    with pytest.raises(ValueError, match="cannot hold"):
        cap_weights([0.5, 0.5], max_share=0.4)


matrices = arrays(
    float,
    st.tuples(st.integers(2, 25), st.integers(1, 8)),
    elements=st.floats(0, 1, allow_nan=False, width=64),
)


@settings(max_examples=150, deadline=None)
@given(matrices)
def test_property_weights_sum_to_one_and_are_finite(z):
    if (z.max(axis=0) - z.min(axis=0) <= 0).all():
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConstantIndicatorWarning)
        ew = entropy_weights(z)
    assert np.isfinite(ew.weights).all()
    assert abs(ew.weights.sum() - 1) < 1e-12
    assert (ew.weights >= 0).all()
    assert ((ew.entropy >= -1e-12) & (ew.entropy <= 1 + 1e-12)).all()


@settings(max_examples=100, deadline=None)
@given(matrices, st.randoms(use_true_random=False))
def test_property_row_order_does_not_matter(z, rnd):
    if (z.max(axis=0) - z.min(axis=0) <= 0).all():
        return
    perm = list(range(len(z)))
    rnd.shuffle(perm)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConstantIndicatorWarning)
        np.testing.assert_allclose(
            entropy_weights(z).weights, entropy_weights(z[perm]).weights, atol=1e-12
        )


@settings(max_examples=100, deadline=None)
@given(matrices, st.floats(0, 1))
def test_property_adding_constant_column_keeps_other_weights(z, c):
    if (z.max(axis=0) - z.min(axis=0) <= 0).all():
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConstantIndicatorWarning)
        base = entropy_weights(z).weights
        more = entropy_weights(np.column_stack([z, np.full(len(z), c)])).weights
    np.testing.assert_allclose(more[:-1], base, atol=1e-12)
    assert more[-1] == 0


# --- pillar weights with a floor (gmindex.pipeline) --------------------------------

weight_vectors = arrays(np.float64, st.integers(2, 8),
                        elements=st.floats(0, 1, allow_nan=False, width=64)).filter(lambda w: w.sum() > 0)


@settings(max_examples=200, deadline=None)
@given(weight_vectors, st.floats(0.01, 1.0))
def test_property_floor_keeps_sum_floor_and_proportions(w, share):
    from gmindex.pipeline import _floor

    w = w / w.sum()
    floor = share / len(w)
    out = _floor(w, floor)
    assert abs(out.sum() - 1) < 1e-12
    assert (out >= floor - 1e-12).all()
    raised = np.isclose(out, floor, rtol=0, atol=1e-12)
    free = ~raised
    # Weights above the floor keep their proportions to each other.
    if free.sum() >= 2:
        np.testing.assert_allclose(out[free] / out[free].sum(), w[free] / w[free].sum(), rtol=1e-9)
    # Nothing below the floor: nothing changes.
    if (w >= floor).all():
        np.testing.assert_allclose(out, w, rtol=1e-12)


def test_entropy_floor_against_hand_computed_rescaling():
    from gmindex.pipeline import entropy_floor_weights

    z = np.array([[0.0, 0.2, 0.50], [0.5, 0.4, 0.51], [1.0, 0.9, 0.52], [0.1, 0.0, 0.49]])
    e = entropy_weights(z).weights
    assert e[2] < 0.05
    got = entropy_floor_weights(z, floor=0.2)
    expect = np.array([e[0] * 0.8 / (e[0] + e[1]), e[1] * 0.8 / (e[0] + e[1]), 0.2])
    np.testing.assert_allclose(got, expect, rtol=1e-12)
    with pytest.raises(ValueError, match=r"pillar_floor must be in \(0, 1/3\]"):
        entropy_floor_weights(z, floor=0.4)


@settings(max_examples=60, deadline=None)
@given(arrays(float, st.tuples(st.integers(1, 40), st.integers(1, 8)),
              elements=st.one_of(st.just(0.0), st.just(np.nan),
                                 st.floats(0, 1, allow_subnormal=True))))
def test_xlogx_is_scipys_xlogy(p):
    from scipy.special import xlogy

    from gmindex.weights import _xlogx

    np.testing.assert_allclose(_xlogx(p), xlogy(p, p), rtol=1e-15, atol=0, equal_nan=True)
