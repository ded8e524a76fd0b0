"""Tests for gmindex.disparity.dagum."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gmindex.disparity.dagum import dagum_by_year, dagum_gini


def gini_n2(y):
    """Independent Gini: mean absolute difference over all n^2 pairs / (2 mu)."""
    y = np.asarray(y, dtype=float)
    return np.abs(y[:, None] - y[None, :]).mean() / (2 * y.mean())


def test_dagum_hand_case_two_groups_of_two():
    """a = {1, 5}, b = {3, 7}; n = 4, mu = 4.

    Overall: the six unordered |differences| are 4, 2, 6, 2, 2, 4 (sum 20, 40 over
    ordered pairs), G = 40 / (2 * 16 * 4) = 0.3125.
    Within: G_aa = (2 * 4) / (2 * 2^2 * 3) = 1/3; G_bb = (2 * 4) / (2 * 2^2 * 5) = 0.2.
    Shares: p_a = p_b = 1/2; s_a = 6/16 = 0.375, s_b = 10/16 = 0.625.
    G_w = 1/3 * 0.5 * 0.375 + 0.2 * 0.5 * 0.625 = 0.0625 + 0.0625 = 0.125.
    Between: pairs (a, b): |1-3| = 2, |1-7| = 6, |5-3| = 2, |5-7| = 2, sum 12;
    G_ab = 12 / (2 * 2 * (3 + 5)) = 0.375.
    b is richer (mu_b = 5 > mu_a = 3): d_ba = (2 + 6 + 0 + 2) / 4 = 2.5,
    p_ba = (0 + 0 + 2 + 0) / 4 = 0.5, D = (2.5 - 0.5) / (2.5 + 0.5) = 2/3.
    Pair weight p_b s_a + p_a s_b = 0.5 * (0.375 + 0.625) = 0.5.
    G_nb = 0.375 * 0.5 * 2/3 = 0.125; G_t = 0.375 * 0.5 * 1/3 = 0.0625.
    Check: 0.125 + 0.125 + 0.0625 = 0.3125 = G.
    """
    r = dagum_gini([1, 5, 3, 7], ["a", "a", "b", "b"])
    assert r.total == pytest.approx(0.3125)
    assert r.within == pytest.approx(0.125)
    assert r.between_net == pytest.approx(0.125)
    assert r.transvariation == pytest.approx(0.0625)
    assert r.within_by_group["a"] == pytest.approx(1 / 3)
    assert r.within_by_group["b"] == pytest.approx(0.2)
    assert r.within_contribution.tolist() == pytest.approx([0.0625, 0.0625])
    pair = r.between_pairs.iloc[0]
    assert (pair["group_a"], pair["group_b"], pair["richer"]) == ("a", "b", "b")
    assert pair["gini"] == pytest.approx(0.375)
    assert pair["gross_affluence"] == pytest.approx(2.5)
    assert pair["transvariation_moment"] == pytest.approx(0.5)
    assert pair["affluence"] == pytest.approx(2 / 3)
    assert r.shares.to_dict() == pytest.approx(
        {"within": 0.4, "between_net": 0.4, "transvariation": 0.2}
    )
    assert r.group_means.to_dict() == {"a": 3.0, "b": 5.0}
    assert r.group_sizes.to_dict() == {"a": 2, "b": 2}


def test_ordering_convention_does_not_depend_on_display_order():
    """D is always computed with the richer group first, so it never turns negative."""
    y = [1, 5, 3, 7, 2, 2.5]
    g = ["a", "a", "b", "b", "c", "c"]
    first = dagum_gini(y, g, order=["a", "b", "c"])
    second = dagum_gini(y, g, order=["c", "b", "a"])
    assert first.between_net == pytest.approx(second.between_net)
    assert first.transvariation == pytest.approx(second.transvariation)
    assert (first.between_pairs["affluence"] >= 0).all()
    assert list(second.between_pairs["group_a"]) == ["c", "c", "b"]
    richer = second.between_pairs.set_index(["group_a", "group_b"])["richer"]
    assert richer[("c", "b")] == "b" and richer[("c", "a")] == "a"


def test_one_group_is_all_within():
    y = [0.2, 0.5, 0.9, 0.1]
    r = dagum_gini(y, ["x"] * 4)
    assert r.within == pytest.approx(r.total)
    assert r.between_net == 0 and r.transvariation == 0
    assert r.between_pairs.empty
    assert r.shares["within"] == pytest.approx(1.0)


def test_identical_group_means_give_no_net_between():
    # same mean 3 in both groups, different spread
    r = dagum_gini([1, 5, 2, 4], ["a", "a", "b", "b"])
    pair = r.between_pairs.iloc[0]
    assert pair["affluence"] == pytest.approx(0.0, abs=1e-12)
    assert r.between_net == pytest.approx(0.0, abs=1e-12)
    assert r.transvariation > 0


def test_identical_distributions_give_zero_affluence():
    rng = np.random.default_rng(7)
    base = rng.uniform(0.1, 1.0, size=8)
    r = dagum_gini(np.concatenate([base, base[::-1]]), ["a"] * 8 + ["b"] * 8)
    assert r.between_pairs["affluence"].iloc[0] == pytest.approx(0.0, abs=1e-12)


def test_perfect_separation_has_no_transvariation():
    r = dagum_gini([1, 2, 3, 10, 11, 12, 20, 30], list("aaabbbcc"))
    assert r.transvariation == pytest.approx(0.0, abs=1e-15)
    assert (r.between_pairs["affluence"] == 1.0).all()
    assert r.within + r.between_net == pytest.approx(r.total)


def test_overall_gini_matches_pysal():
    """PySAL's Gini is (2 sum_i i y_(i) - (n + 1) sum y) / (n sum y), which equals the
    n^2-pair definition used by Dagum; the n(n-1) variant is G * n / (n - 1)."""
    gini_mod = pytest.importorskip("inequality.gini")
    rng = np.random.default_rng(2016)
    y = rng.gamma(2.0, 0.1, size=31)
    groups = rng.integers(0, 4, size=31)
    r = dagum_gini(y, groups)
    assert r.total == pytest.approx(gini_mod.Gini(y).g, rel=1e-12)
    n = y.size
    unbiased = np.abs(y[:, None] - y[None, :]).sum() / (2 * n * (n - 1) * y.mean())
    assert r.total * n / (n - 1) == pytest.approx(unbiased, rel=1e-12)


values_and_groups = st.integers(min_value=2, max_value=40).flatmap(
    lambda n: st.tuples(
        arrays(np.float64, n, elements=st.floats(0, 1e3, allow_subnormal=False)),
        arrays(np.int64, n, elements=st.integers(0, 4)),
    )
)


@settings(max_examples=200, deadline=None)
@given(values_and_groups)
def test_decomposition_identity_and_bounds(data):
    y, g = data
    if y.sum() <= 1e-9:
        y = y + 1.0
    r = dagum_gini(y, g)
    assert r.within + r.between_net + r.transvariation == pytest.approx(
        r.total, rel=1e-9, abs=1e-12
    )
    assert r.total == pytest.approx(gini_n2(y), rel=1e-9, abs=1e-12)
    assert r.within_contribution.sum() == pytest.approx(r.within, rel=1e-9, abs=1e-12)
    pairs = r.between_pairs
    assert ((pairs["affluence"] >= -1e-12) & (pairs["affluence"] <= 1 + 1e-12)).all()
    # d_jh - p_jh is the difference of the group means (richer minus poorer)
    means = r.group_means
    gap = [abs(means[a] - means[b]) for a, b in zip(pairs["group_a"], pairs["group_b"])]
    assert (pairs["gross_affluence"] - pairs["transvariation_moment"]).to_numpy() == (
        pytest.approx(np.array(gap), rel=1e-9, abs=1e-9)
    )
    assert min(r.within, r.between_net, r.transvariation) >= -1e-12


@settings(max_examples=50, deadline=None)
@given(values_and_groups, st.randoms(use_true_random=False))
def test_reordering_units_changes_nothing(data, random):
    y, g = data
    y = y + 0.5
    perm = list(range(y.size))
    random.shuffle(perm)
    a, b = dagum_gini(y, g), dagum_gini(y[perm], g[perm])
    assert (a.total, a.within, a.between_net) == pytest.approx(
        (b.total, b.within, b.between_net), rel=1e-9, abs=1e-12
    )


def test_degenerate_groups_are_noted():
    r = dagum_gini([0, 0, 1, 3], ["z", "z", "p", "p"])
    assert r.within_by_group["z"] == 0
    assert any("all zero" in note for note in r.notes)
    assert r.within + r.between_net + r.transvariation == pytest.approx(r.total)
    r = dagum_gini([2, 2, 2, 2], ["a", "a", "b", "b"])
    assert r.total == 0 and r.shares.isna().all()
    assert any("identical value" in note for note in r.notes)


@pytest.mark.parametrize(
    ("values", "groups", "message"),
    [
        ([1, -1], ["a", "b"], "non-negative"),
        ([1, np.nan], ["a", "b"], "NaN"),
        ([1, 2, 3], ["a", "b"], "differ in length"),
        ([0, 0], ["a", "b"], "all values are zero"),
        ([1], ["a"], "at least 2"),
        ([1, 2], ["a", None], "missing labels"),
    ],
)
def test_bad_input_raises(values, groups, message):
    with pytest.raises(ValueError, match=message):
        dagum_gini(values, groups)


def test_order_must_cover_groups():
    with pytest.raises(ValueError, match="not in order"):
        dagum_gini([1, 2], ["a", "b"], order=["a"])


def test_to_frame_is_tidy_and_complete():
    r = dagum_gini([1, 5, 3, 7, 4], ["a", "a", "b", "b", "c"])
    f = r.to_frame()
    assert list(f.columns) == ["level", "group_a", "group_b", "measure", "value"]
    assert set(f["level"]) == {"overall", "group", "pair"}
    overall = f[f["level"] == "overall"].set_index("measure")["value"]
    assert overall["total"] == pytest.approx(r.total)
    assert overall["within_share"] == pytest.approx(r.shares["within"])
    pairs = f[f["level"] == "pair"]
    assert len(pairs[pairs["measure"] == "affluence"]) == 3


def test_dagum_by_year_matches_single_year_and_region_order():
    rng = np.random.default_rng(11)
    codes = ["11", "12", "14", "15", "21", "22", "44", "61"]
    scores = pd.DataFrame(
        [(c, y, rng.uniform(0.1, 0.9)) for y in (2016, 2017) for c in codes],
        columns=["code", "year", "score"],
    )
    table = dagum_by_year(scores, scheme="region4")
    assert list(table.columns) == [
        "scheme", "year", "level", "group_a", "group_b", "measure", "value",
    ]
    block = scores[scores["year"] == 2017]
    regions = ["east", "east", "central", "west", "northeast", "northeast", "east", "west"]
    direct = dagum_gini(block["score"], regions, order=["east", "central", "west", "northeast"])
    got = table[(table["year"] == 2017) & (table["level"] == "overall")]
    assert got.set_index("measure")["value"]["transvariation"] == pytest.approx(
        direct.transvariation
    )
    groups = table[(table["year"] == 2016) & (table["measure"] == "gini")]
    assert list(groups["group_a"].dropna().unique()) == [
        "east", "central", "west", "northeast",
    ]
    three = dagum_by_year(scores, scheme="region3")
    assert set(three["group_a"].dropna()) == {"east", "central", "west"}


def test_dagum_by_year_rejects_missing_scores():
    scores = pd.DataFrame({"code": ["11", "14"], "year": 2016, "score": [0.3, np.nan]})
    with pytest.raises(ValueError, match="missing or infinite"):
        dagum_by_year(scores)


def test_default_index_decomposition(default_result):
    scores = default_result.scores
    gini_mod = pytest.importorskip("inequality.gini")
    for scheme in ("region4", "region3"):
        table = dagum_by_year(scores, scheme=scheme)
        overall = table[table["level"] == "overall"].pivot(
            index="year", columns="measure", values="value"
        )
        parts = overall[["within", "between_net", "transvariation"]].sum(axis=1)
        assert parts.to_numpy() == pytest.approx(overall["total"].to_numpy(), rel=1e-12)
        for year in (2016, 2020):
            y = scores.loc[scores["year"] == year, "score"].to_numpy()
            assert overall.loc[year, "total"] == pytest.approx(gini_mod.Gini(y).g)
        affluence = table[table["measure"] == "affluence"]["value"]
        assert ((affluence >= 0) & (affluence <= 1)).all()


def test_reprs_are_short():
    r = dagum_gini([1, 5, 3, 7], ["a", "a", "b", "b"])
    assert repr(r).startswith("DagumResult(total=0.3125")
    assert "<table" in r._repr_html_()
