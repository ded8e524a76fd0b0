import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from gmindex.paper.aggregation import (geometric_mean, grey_relational_coefficients, grey_topsis,
                                       mazziotta_pareto)


@settings(max_examples=40, deadline=None)
@given(arrays(float, (5, 3), elements=st.floats(0.01, 1)),
       arrays(float, 3, elements=st.floats(0.05, 1)))
def test_geometric_against_scipy(z, w):
    w = w / w.sum()
    np.testing.assert_allclose(geometric_mean(z, w), stats.gmean(z, axis=1, weights=w), rtol=1e-9)
    assert (geometric_mean(z, w) <= z @ w + 1e-12).all()  # AM-GM


def test_mpi_hand_case():
    # two indicators, one cost: x = [[1, 3], [3, 1]] -> both units standardise to (90, 90)/(110, 110)
    x = np.array([[1.0, 3.0], [3.0, 1.0]])
    out = mazziotta_pareto(x, ["benefit", "cost"])
    np.testing.assert_allclose(out, [90.0, 110.0])
    # unbalanced profile is penalised: s = (110, 90) -> M = 100, S = 10, cv = 0.1
    y = np.array([[3.0, 1.0], [1.0, 3.0]])
    np.testing.assert_allclose(mazziotta_pareto(y, ["benefit", "benefit"]), [99.0, 99.0])
    np.testing.assert_allclose(mazziotta_pareto(y, ["benefit", "benefit"], penalty="positive"),
                               [101.0, 101.0])


def test_grey_hand_case():
    # v = z*w with w = (0.5, 0.5): units (0.5, 0), (0, 0.5), (0.5, 0.5)
    z = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    c = grey_topsis(z, np.array([0.5, 0.5]))
    # unit 3 is the ideal: d+ = 0, d-/max = 1, r+/max = 1; its coefficients to the
    # anti-ideal are 1/3 each (max r- is unit 1's 2/3), so S- = 0.5 * 0.5 = 0.25, C = 1/1.25
    assert c[2] == pytest.approx(0.8)
    assert c[2] == c.max()
    assert c[0] == pytest.approx(c[1])
    xi = grey_relational_coefficients(np.array([[0.5, 0.0]]), np.array([0.5, 0.5]))
    # delta = (0, 0.5): min 0, max 0.5 -> (0 + 0.25)/(0 + 0.25) = 1, 0.25/0.75
    np.testing.assert_allclose(xi, [[1.0, 1 / 3]])


@settings(max_examples=40, deadline=None)
@given(arrays(float, (6, 3), elements=st.floats(0, 1)))
def test_grey_bounds_and_dominance(z):
    w = np.array([0.2, 0.3, 0.5])
    c = grey_topsis(z, w)
    assert ((c >= -1e-12) & (c <= 1 + 1e-12)).all() or np.isnan(c).any()


def test_bad_weights():
    with pytest.raises(ValueError, match="sum to 1"):
        geometric_mean(np.ones((2, 2)), np.array([0.5, 0.6]))


def test_registered_in_the_index_engine(default_panel, default_spec):
    pipeline = pytest.importorskip("gmindex.pipeline")
    from gmindex.index import build_index
    from gmindex.paper.aggregation import AGGREGATIONS

    base = build_index(default_panel, default_spec, hierarchy="flat")
    z = base.normalized.pivot(index=["code", "year"], columns="indicator", values="value")
    w = base.weights.set_index("indicator")["weight"].reindex(z.columns).to_numpy()
    for name, fn in AGGREGATIONS.items():
        assert pipeline.AGGREGATIONS[name] is fn  # registered by name in the index engine
        res = build_index(default_panel, default_spec, aggregation=name, hierarchy="flat")
        got = res.scores.set_index(["code", "year"])["score"].reindex(z.index)
        np.testing.assert_allclose(got, fn(z.to_numpy(), w / w.sum()), rtol=1e-9)
