"""Tests for gmindex.spatial: hand-computed Moran's I, exact permutation checks, weights."""

from __future__ import annotations

from itertools import combinations, permutations

import numpy as np
import pandas as pd
import pytest
from libpysal.weights import lat2W

from gmindex.provinces import default_registry
from gmindex.spatial import (
    contiguity_weights,
    lisa_clusters,
    moran_pvalue_sim,
    morans_i_by_year,
)

GRID = np.arange(1.0, 10.0)  # 3x3 lattice, row-major


def lattice_w():
    w = lat2W(3, 3, rook=True)  # ids 0..8, row-major
    return w


def lattice_scores(values, year=2016):
    return pd.DataFrame({"code": [str(i) for i in range(9)], "year": year, "score": values})


def hand_moran(values, neighbors):
    """I with row-standardised weights, written out: (n/S0) Σ z_i·mean(z_nb) / Σ z²."""
    z = values - values.mean()
    num = sum(z[i] * np.mean([z[j] for j in neighbors[i]]) for i in range(len(z)))
    return len(z) / len(z) * num / (z @ z)  # S0 = n under row standardisation


# ---------------------------------------------------------------- Moran's I


def test_moran_3x3_rook_by_hand():
    # z = y - 5 on the grid; Σ z_i·lag_i = 100/3 and Σ z² = 60, so I = 5/9.
    out = morans_i_by_year(lattice_scores(GRID), w=lattice_w(), permutations=0)
    assert out.loc[0, "I"] == pytest.approx(5 / 9, rel=1e-12)
    assert out.loc[0, "E_I"] == pytest.approx(-1 / 8)
    assert out.loc[0, "n"] == 9 and np.isnan(out.loc[0, "p_sim"])
    w = lattice_w()
    assert hand_moran(GRID, w.neighbors) == pytest.approx(5 / 9)


def test_moran_matches_formula_on_random_values():
    rng = np.random.default_rng(1)
    w = lattice_w()
    for _ in range(5):
        y = rng.normal(size=9)
        out = morans_i_by_year(lattice_scores(y), w=w, permutations=0)
        assert out.loc[0, "I"] == pytest.approx(hand_moran(y, w.neighbors), rel=1e-12)


def test_moran_permutation_p_matches_exact_enumeration():
    y = np.array([3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0, 5.5])
    w = lattice_w()
    out = morans_i_by_year(lattice_scores(y), w=w, permutations=9999, seed=3)
    # Every one of the 9! arrangements: the exact one-sided permutation p-value.
    dense = w.full()[0] / w.full()[0].sum(axis=1, keepdims=True)
    zp = (y - y.mean())[np.array(list(permutations(range(9))))]
    stats = np.einsum("pi,ij,pj->p", zp, dense, zp) / ((y - y.mean()) ** 2).sum()
    observed = out.loc[0, "I"]
    upper = np.mean(stats >= observed - 1e-12)
    exact = min(upper, 1 - upper)
    assert 0.01 < exact < 0.5  # a case where the test is not trivial
    assert out.loc[0, "p_sim"] == pytest.approx(exact, abs=0.015)
    assert out.loc[0, "z_sim"] == pytest.approx((observed - stats.mean()) / stats.std(), abs=0.1)


def test_moran_deterministic_and_per_year_streams():
    codes = default_registry().codes
    rng = np.random.default_rng(0)
    frames = [
        pd.DataFrame({"code": codes, "year": y, "score": rng.normal(size=len(codes))})
        for y in (2016, 2017, 2018)
    ]
    scores = pd.concat(frames, ignore_index=True)
    a = morans_i_by_year(scores, permutations=199, seed=5)
    b = morans_i_by_year(scores, permutations=199, seed=5)
    pd.testing.assert_frame_equal(a, b)
    c = morans_i_by_year(scores, permutations=199, seed=6)
    assert not np.array_equal(a["p_sim"], c["p_sim"])
    # a year's result does not depend on the other years present
    only_2017 = morans_i_by_year(scores[scores["year"] == 2017], permutations=199, seed=5)
    pd.testing.assert_frame_equal(only_2017, a[a["year"] == 2017].reset_index(drop=True))
    assert a.columns.tolist() == [
        "year", "n", "I", "E_I", "z_norm", "p_norm", "z_sim", "p_sim", "permutations"]


def test_moran_uses_codes_present_and_checks_weights():
    codes = [c for c in default_registry().codes if c != "54"]
    scores = pd.DataFrame({"code": codes, "year": 2020, "score": np.arange(len(codes), dtype=float)})
    out = morans_i_by_year(scores, permutations=0)
    assert out.loc[0, "n"] == 30
    with pytest.raises(ValueError, match=r"only in the weights: \['54'\]"):
        morans_i_by_year(scores, w=contiguity_weights(), permutations=0)
    const = scores.assign(score=1.0)
    with pytest.raises(ValueError, match="constant"):
        morans_i_by_year(const, permutations=0)


def test_moran_pvalue_sim_rule():
    sims = np.array([0.1, 0.2, 0.6, -0.3])
    assert moran_pvalue_sim(0.5, sims) == pytest.approx(2 / 5)  # one above, folded
    assert moran_pvalue_sim(0.7, sims) == pytest.approx(1 / 5)
    assert moran_pvalue_sim(-0.5, sims) == pytest.approx(1 / 5)  # lower tail
    assert moran_pvalue_sim(0.6, sims + 1e-15 * 0.6) == pytest.approx(2 / 5)  # a tie


# ---------------------------------------------------------------- weights


def test_default_weights_fix_hainan_only():
    sw = contiguity_weights()
    assert sw.n == 31 and sw.islands == () and sw.n_components == 1
    assert dict(sw.islands_fixed) == {"46": ("44",)}
    assert sw.neighbors["46"] == ("44",) and "46" in sw.neighbors["44"]
    # symmetric, and the familiar neighbour counts
    for code, nbs in sw.neighbors.items():
        for nb in nbs:
            assert code in sw.neighbors[nb]
    card = {c: len(v) for c, v in sw.neighbors.items()}
    assert card["15"] == 8 and card["61"] == 8  # Inner Mongolia, Shaanxi
    assert card["31"] == 2 and card["65"] == 3 and card["44"] == 5  # + Hainan
    assert sum(card.values()) == 2 * 69  # 68 land borders plus the strait
    w = sw.w
    assert w.transform == "R" and w.n == 31
    np.testing.assert_allclose(w.sparse.sum(axis=1), 1.0)
    meta = sw.describe()
    assert meta["hainan"] == "guangdong" and meta["transform"] == "r"


def test_without_tibet_no_new_island():
    codes = [c for c in default_registry().codes if c != "54"]
    sw = contiguity_weights(codes)
    assert sw.n == 30 and sw.islands == () and sw.n_components == 1
    assert set(sw.neighbors["65"]) == {"62", "63"}  # Xinjiang keeps Gansu and Qinghai
    assert "54" not in sw.neighbors["63"]


def test_other_island_rules():
    knn = contiguity_weights(hainan="knn", k=2)
    assert knn.k == 2 and len(knn.islands_fixed["46"]) == 2
    assert set(knn.islands_fixed["46"]) == {"44", "45"}
    with pytest.warns(UserWarning, match="without neighbours kept"):
        none = contiguity_weights(hainan="none")
    assert none.islands == ("46",) and none.n_components == 2


def test_weight_errors():
    with pytest.raises(ValueError, match="hainan must be one of"):
        contiguity_weights(hainan="bridge")
    codes = [c for c in default_registry().codes if c != "44"]
    with pytest.raises(ValueError, match="44 is not among the codes"):
        contiguity_weights(codes)
    with pytest.raises(ValueError, match=r"besides Hainan: \['65'\]"):
        contiguity_weights(["11", "12", "13", "65"])
    assert contiguity_weights(["11", "12", "13", "65"], hainan="knn").islands == ()
    with pytest.raises(ValueError, match="without a boundary polygon"):
        contiguity_weights(["11", "12", "99"])
    with pytest.raises(ValueError, match="k must be"):
        contiguity_weights(hainan="knn", k=0)


# ---------------------------------------------------------------- LISA


def test_lisa_identities_and_labels():
    w = lattice_w()
    out = lisa_clusters(lattice_scores(GRID), year=2016, w=w, permutations=999)
    # Σ Ii = (n - 1) · I for row-standardised weights without islands
    assert out["Ii"].sum() == pytest.approx(8 * 5 / 9)
    sign = {("HH"): (1, 1), "LL": (-1, -1), "LH": (-1, 1), "HL": (1, -1)}
    for row in out.itertuples():
        if row.z != 0 and row.lag != 0:
            assert (np.sign(row.z), np.sign(row.lag)) == sign[row.quadrant]
        assert row.cluster == (row.quadrant if row.p_sim < 0.05 else "ns")
    assert out.loc[0, "quadrant"] == "LL" and out.loc[8, "quadrant"] == "HH"


def test_lisa_p_matches_exact_conditional_enumeration():
    y = np.array([3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0, 5.5])
    w = lattice_w()
    out = lisa_clusters(lattice_scores(y), year=2016, w=w, permutations=9999, seed=2)
    z = (y - y.mean()) / y.std()
    for i in range(9):
        k = len(w.neighbors[i])
        others = [j for j in range(9) if j != i]
        stats = np.array([8 * z[i] * z[list(c)].mean() / (z @ z)
                          for c in combinations(others, k)])
        upper = np.mean(stats >= out.loc[i, "Ii"] - 1e-12)
        assert out.loc[i, "p_sim"] == pytest.approx(min(upper, 1 - upper), abs=0.02)


def test_lisa_deterministic_and_errors():
    codes = default_registry().codes
    rng = np.random.default_rng(4)
    scores = pd.DataFrame({"code": codes, "year": 2020, "score": rng.normal(size=31)})
    a = lisa_clusters(scores, year=2020, permutations=199, seed=1)
    b = lisa_clusters(scores, year=2020, permutations=199, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert set(a["cluster"]) <= {"HH", "LL", "LH", "HL", "ns"}
    assert a.loc[a["code"] == "46", "lag"].item() == pytest.approx(
        a.loc[a["code"] == "44", "z"].item())  # Hainan's only neighbour is Guangdong
    with pytest.raises(ValueError, match="no scores for year 2019"):
        lisa_clusters(scores, year=2019)
    with pytest.raises(ValueError, match="alpha"):
        lisa_clusters(scores, year=2020, alpha=1.5)


def test_embedded_contiguity_is_the_boundary_layers():
    # Weights are read from data/province_contiguity.csv (fast); it must be what the
    # boundary polygons give.
    from gmindex.datasets import data_dir
    from gmindex.spatial import CONTIGUITY_FILE, contiguity_from_boundaries

    fresh = contiguity_from_boundaries()
    stored = pd.read_csv(data_dir() / CONTIGUITY_FILE, dtype={"code": str},
                         keep_default_na=False)
    pd.testing.assert_frame_equal(stored[["code", "queen_neighbours"]],
                                  fresh[["code", "queen_neighbours"]])
    np.testing.assert_allclose(stored[["x_albers_m", "y_albers_m"]],
                               fresh[["x_albers_m", "y_albers_m"]], atol=0.05)
