import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from gmindex.paper.obstacle import obstacle_degree, obstacles, top_obstacles


def test_hand_case():
    # F = (0.2, 0.3, 0.5); z = (0.5, 0, 1): F*I = (0.1, 0.3, 0) -> (0.25, 0.75, 0)
    o = obstacle_degree(np.array([[0.5, 0.0, 1.0]]), np.array([0.2, 0.3, 0.5]))
    np.testing.assert_allclose(o, [[0.25, 0.75, 0.0]])


@settings(max_examples=50, deadline=None)
@given(arrays(float, (4, 3), elements=st.floats(0, 0.99)),
       arrays(float, 3, elements=st.floats(0.01, 1)))
def test_rows_sum_to_one_and_scale_free(z, f):
    o = obstacle_degree(z, f)
    np.testing.assert_allclose(o.sum(axis=1), 1.0)
    np.testing.assert_allclose(obstacle_degree(z, 7 * f), o)  # weights need not be normalised


def test_bad_input():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        obstacle_degree(np.array([[1.5]]), np.array([1.0]))
    with pytest.raises(ValueError, match="non-negative"):
        obstacle_degree(np.array([[0.5]]), np.array([-1.0]))


def test_default_index(default_result):
    res = obstacles(default_result)
    sums = res.indicators.groupby(["code", "year"])["obstacle"].sum()
    np.testing.assert_allclose(sums, 1.0)
    psums = res.pillars.groupby(["code", "year"])["obstacle"].sum()
    np.testing.assert_allclose(psums, 1.0)
    # recompute one cell by hand from the result's own frames
    w = default_result.weights.set_index("indicator")["weight"]
    z = default_result.normalized.query("code == '11' and year == 2020").set_index("indicator")["value"]
    dev = w * (1 - z.reindex(w.index))
    row = res.indicators.query("code == '11' and year == 2020").set_index("indicator")["obstacle"]
    np.testing.assert_allclose(row.reindex(w.index), dev / dev.sum())
    top = top_obstacles(res, year=2020, k=3)
    assert len(top) == default_result.scores["code"].nunique()
    assert (top["degree_1"] >= top["degree_2"]).all()


def test_hierarchical_build_uses_effective_weights(default_panel, default_spec):
    from gmindex.index import build_index

    res = build_index(default_panel, default_spec, hierarchy="pillar")
    obs = obstacles(res)
    w = res.weights.set_index("indicator")
    eff = w["weight_within_pillar"] * w["pillar_weight"]
    got = obs.indicators.drop_duplicates("indicator").set_index("indicator")["weight"]
    np.testing.assert_allclose(got.reindex(eff.index), eff)
    np.testing.assert_allclose(obs.pillars.groupby(["code", "year"])["obstacle"].sum(), 1.0)
