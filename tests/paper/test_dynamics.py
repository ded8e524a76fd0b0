import numpy as np
import pytest

from gmindex.paper.dynamics import bivariate_lisa, bivariate_moran_by_year, morans_i_by_pillar
from gmindex.spatial import contiguity_weights


@pytest.fixture(scope="module")
def cov(default_result):
    from gmindex.regress import covariates_from_panel
    return covariates_from_panel(default_result.panel)


def test_bivariate_by_hand(default_result, cov):
    out = bivariate_moran_by_year(default_result.scores, cov, "log_gdp_pc", permutations=99)
    sw = contiguity_weights(sorted(default_result.scores["code"].unique()))
    dense = sw.w.full()[0]
    s = default_result.scores.query("year == 2020").set_index("code")["score"].reindex(sw.codes)
    c = cov.query("year == 2020").set_index("code")["log_gdp_pc"].reindex(sw.codes)
    zx = (s - s.mean()) / s.std(ddof=0)
    zy = (c - c.mean()) / c.std(ddof=0)
    # I_bv = zx' W zy / n for row-standardised W (S0 = n): the textbook form
    ref = float(zx.to_numpy() @ dense @ zy.to_numpy()) / len(zx)
    assert out.query("year == 2020")["I_bv"].iloc[0] == pytest.approx(ref, rel=1e-9)
    assert out["p_sim"].between(0, 1).all() and (out["permutations"] == 99).all()


def test_bivariate_lisa(default_result, cov):
    lisa = bivariate_lisa(default_result.scores, cov, "log_gdp_pc", year=2020, permutations=99)
    assert set(lisa["cluster"]) <= {"HH", "LH", "LL", "HL", "ns"}
    hh = lisa[lisa["quadrant"] == "HH"]
    assert (hh["x"] > lisa["x"].mean()).all() and (hh["lag_y"] > 0).all()
    again = bivariate_lisa(default_result.scores, cov, "log_gdp_pc", year=2020, permutations=99)
    np.testing.assert_array_equal(lisa["p_sim"], again["p_sim"])


def test_pillars(default_result):
    mi = morans_i_by_pillar(default_result, permutations=9)
    assert set(mi["pillar"]) == {p.id for p in default_result.spec.pillars}
    # green factories are all zero in 2016: that pillar-year is reported as undefined
    row = mi.query("pillar == 'green_system' and year == 2016")
    assert len(row) == 1 and np.isnan(row["I"].iloc[0]) and "constant" in row["note"].iloc[0]
