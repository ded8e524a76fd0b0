"""Tests for gmindex.density."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import gaussian_kde, norm

from gmindex.density import kde_by_group


@pytest.fixture
def scores():
    rng = np.random.default_rng(5)
    codes = ["11", "12", "13", "31", "32", "14", "34", "41", "51", "52", "21", "22"]
    rows = [(c, y, rng.uniform(0.1, 0.9)) for y in (2016, 2020) for c in codes]
    return pd.DataFrame(rows, columns=["code", "year", "score"])


def test_by_year_matches_scipy_and_integrates_to_one(scores):
    d = kde_by_group(scores, grid=400, cut=4)
    assert list(d.columns) == ["year", "x", "density", "n", "bandwidth", "flagged"]
    assert d["year"].unique().tolist() == [2016, 2020]
    one = d[d["year"] == 2016]
    vals = scores.loc[scores["year"] == 2016, "score"].to_numpy()
    expected = gaussian_kde(vals, bw_method="scott")(one["x"].to_numpy())
    np.testing.assert_allclose(one["density"], expected)
    assert np.trapezoid(one["density"], one["x"]) == pytest.approx(1.0, abs=1e-3)
    assert (one["n"] == 12).all() and not one["flagged"].any()
    # both years share one grid
    np.testing.assert_array_equal(one["x"], d[d["year"] == 2020]["x"])


def test_hand_bandwidth_with_scalar_factor():
    """With bw_method=c the kernel sd is c * sample sd: values 0, 1, 2 have sd 1,
    so with c = 0.5 the density at 1 is (N(1|0,.5) + N(1|1,.5) + N(1|2,.5)) / 3."""
    f = pd.DataFrame({"year": 2016, "score": [0.0, 1.0, 2.0]})
    d = kde_by_group(f, grid=[1.0], bw_method=0.5)
    assert d["bandwidth"].iloc[0] == pytest.approx(0.5)
    expected = (norm.pdf(1, 0, 0.5) + norm.pdf(1, 1, 0.5) + norm.pdf(1, 2, 0.5)) / 3
    assert d["density"].iloc[0] == pytest.approx(expected)


def test_region_groups_in_display_order(scores):
    with pytest.warns(UserWarning, match="fewer than 3"):
        d = kde_by_group(scores, by=("region", "year"), grid=20)
    keys = d[["region", "year"]].drop_duplicates()
    assert keys["region"].unique().tolist() == ["east", "central", "west", "northeast"]
    assert keys["year"].tolist()[:2] == [2016, 2020]


def test_small_groups_flagged_not_crashing(scores):
    with pytest.warns(UserWarning, match="fewer than 3 distinct"):
        d = kde_by_group(scores, by=("region", "year"), grid=20, scheme="region4")
    flagged = d[d["flagged"]]
    # west (51, 52) and northeast (21, 22) have two provinces each
    assert set(flagged["region"]) == {"west", "northeast"}
    assert flagged["density"].isna().all()
    assert d.loc[~d["flagged"], "density"].notna().all()
    # identical values count as one distinct value
    same = pd.DataFrame({"year": 2016, "score": [0.5, 0.5, 0.5, 0.5]})
    with pytest.warns(UserWarning):
        assert kde_by_group(same, grid=5)["flagged"].all()


def test_clip_and_explicit_grid(scores):
    d = kde_by_group(scores, grid=50, clip=(0, 1))
    assert d["x"].min() == 0.0 and d["x"].max() == 1.0
    d = kde_by_group(scores, grid=np.array([-1.0, 0.5, 2.0]), clip=(0, 1))
    assert d["x"].unique().tolist() == [0.5]


def test_bad_input(scores):
    with pytest.raises(ValueError, match="lacks column"):
        kde_by_group(scores, by=("pillar",))
    broken = scores.copy()
    broken.loc[0, "score"] = np.nan
    with pytest.raises(ValueError, match="missing or infinite"):
        kde_by_group(broken)
