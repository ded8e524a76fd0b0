import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from gmindex.convergence import beta_convergence
from gmindex.paper.spatial_convergence import spatial_beta_convergence


@pytest.fixture(scope="module")
def res(default_result):
    return spatial_beta_convergence(default_result.scores)


def test_ols_matches_gmindex_convergence(res, default_result):
    ols = res.table.query("design == 'cross_section' and model == 'ols' and controls == 'absolute'")
    ref = beta_convergence(default_result.scores).absolute
    assert float(ols["beta"].iloc[0]) == pytest.approx(ref.beta, rel=1e-9)
    assert float(ols["speed"].iloc[0]) == pytest.approx(ref.speed, rel=1e-9)


def test_panel_without_spatial_term_matches_within_ols(default_result):
    # Two-way within OLS by hand: the panel FE models reduce to it when rho = lambda = 0,
    # so the spatial estimates must be close to it when rho is small.
    wide = default_result.scores.pivot(index="code", columns="year", values="score")
    ly = np.log(wide.to_numpy())
    dy, lx = np.diff(ly, axis=1), ly[:, :-1]
    dd = dy - dy.mean(0) - dy.mean(1, keepdims=True) + dy.mean()
    xx = lx - lx.mean(0) - lx.mean(1, keepdims=True) + lx.mean()
    b = float(sm.OLS(dd.ravel(), xx.ravel()).fit().params[0])
    table = spatial_beta_convergence(default_result.scores).table
    err = table.query("design == 'panel_fe' and model == 'error'")
    lam = float(err["spatial_coef"].iloc[0])
    if abs(lam) < 0.1:
        assert float(err["beta"].iloc[0]) == pytest.approx(b, abs=0.05)


def test_rows_and_effects(res):
    t = res.table
    assert len(t) == 10
    lag = t.query("design == 'cross_section' and model == 'lag' and controls == 'absolute'").iloc[0]
    assert lag["total_effect"] == pytest.approx(lag["beta"] / (1 - lag["spatial_coef"]))
    assert np.isfinite(t.query("model == 'durbin'")["theta_w_ln_y0"]).all()


def test_non_positive_scores_raise(default_result):
    s = default_result.scores.copy()
    s.loc[0, "score"] = 0.0
    with pytest.raises(ValueError, match="> 0"):
        spatial_beta_convergence(s)
