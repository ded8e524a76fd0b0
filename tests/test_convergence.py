"""Tests for gmindex.convergence."""

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from gmindex.convergence import (
    beta_convergence,
    convergence_speed,
    panel_beta_convergence,
    sigma_convergence,
)

CODES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
         "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52"]


def cross_section(beta, *, noise=0.0, seed=1, start=2016, end=2020):
    """Scores whose average log growth is exactly 0.1 + beta * ln y_start (+ noise)."""
    rng = np.random.default_rng(seed)
    y0 = rng.uniform(0.05, 0.8, size=len(CODES))
    span = end - start
    growth = 0.1 + beta * np.log(y0) + noise * rng.normal(size=y0.size)
    y1 = y0 * np.exp(span * growth)
    return pd.DataFrame(
        {"code": CODES * 2, "year": [start] * len(CODES) + [end] * len(CODES),
         "score": np.concatenate([y0, y1])}
    )


def test_speed_and_half_life_formulas():
    speed, half, note = convergence_speed(-0.05, 4)
    assert speed == pytest.approx(-math.log(1 - 0.2) / 4)
    assert half == pytest.approx(math.log(2) / speed)
    assert note == ""
    assert convergence_speed(-0.1, 1)[0] == pytest.approx(-math.log(0.9))
    for beta, text in [(0.0, "no convergence"), (0.02, "no convergence"),
                       (-0.3, "overshooting")]:
        s, h, note = convergence_speed(beta, 4)
        assert math.isnan(s) and math.isnan(h) and text in note


def test_sigma_hand_case_and_trend():
    s = pd.DataFrame({"code": ["11", "14"] * 3, "year": [2016, 2016, 2018, 2018, 2020, 2020],
                      "score": [0.6, 0.2, 0.6, 0.3, 0.6, 0.4]})
    r = sigma_convergence(s)
    t = r.by_year
    assert t["cv"].tolist() == pytest.approx([0.5, 0.15 / 0.45, 0.2])
    assert t["std_log"].iloc[0] == pytest.approx(abs(math.log(0.6) - math.log(0.2)) / 2)
    ref = stats.linregress([2016, 2018, 2020], t["cv"])
    row = r.trend.set_index("measure").loc["cv"]
    assert row["slope"] == pytest.approx(ref.slope)
    assert row["p_value"] == pytest.approx(ref.pvalue)
    assert row["std_error"] == pytest.approx(ref.stderr)
    sample = sigma_convergence(s, ddof=1).by_year
    assert sample["std"].iloc[0] == pytest.approx(np.std([0.6, 0.2], ddof=1))


def test_sigma_by_region_order_and_zero_note():
    df = cross_section(-0.05)
    r = sigma_convergence(df, scheme="region4")
    assert list(dict.fromkeys(r.by_year["region"])) == [
        "east", "central", "west", "northeast", "national",
    ]
    east = r.by_year[(r.by_year["region"] == "east") & (r.by_year["year"] == 2016)].iloc[0]
    regions4 = {"11", "12", "13", "31", "32", "33", "35", "37", "44", "46"}
    vals = df[(df["year"] == 2016) & df["code"].isin(regions4)]["score"]
    assert east["n"] == 10 and east["cv"] == pytest.approx(vals.std(ddof=0) / vals.mean())
    zeroed = df.copy()
    zeroed.loc[0, "score"] = 0.0
    with pytest.warns(UserWarning, match="exactly 0"):
        z = sigma_convergence(zeroed)
    assert math.isnan(z.by_year.loc[0, "std_log"]) and not math.isnan(z.by_year.loc[0, "cv"])
    assert z.notes and "'code': '11'" in z.notes[0]


def test_beta_recovers_exact_coefficient():
    r = beta_convergence(cross_section(-0.04))
    assert r.absolute.beta == pytest.approx(-0.04, abs=1e-10)
    assert r.absolute.r_squared == pytest.approx(1.0)
    assert r.absolute.speed == pytest.approx(-math.log(1 - 0.16) / 4)
    assert r.absolute.half_life == pytest.approx(math.log(2) / r.absolute.speed)
    assert r.conditional is None
    assert list(r.data.columns) == ["code", "value_start", "value_end", "ln_start", "growth"]


def test_beta_hc1_standard_errors_match_sandwich():
    df = cross_section(-0.03, noise=0.01, seed=4)
    r = beta_convergence(df)
    d = r.data
    X = np.column_stack([np.ones(len(d)), d["ln_start"]])
    y = d["growth"].to_numpy()
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    bread = np.linalg.inv(X.T @ X)
    meat = X.T @ (X * resid[:, None] ** 2)
    n, k = X.shape
    cov = bread @ meat @ bread * n / (n - k)
    assert r.absolute.beta == pytest.approx(coef[1])
    assert r.absolute.std_error == pytest.approx(math.sqrt(cov[1, 1]))
    assert r.absolute.cov_type == "HC1"


def test_beta_divergence_gives_nan_speed_with_note():
    r = beta_convergence(cross_section(0.02))
    assert r.absolute.beta > 0
    assert math.isnan(r.absolute.speed) and math.isnan(r.absolute.half_life)
    assert "no convergence" in r.absolute.note
    assert "no convergence" in r.to_frame().loc[0, "note"]


def test_conditional_with_regions_and_controls():
    df = cross_section(-0.04, noise=0.005, seed=9)
    rng = np.random.default_rng(3)
    controls = pd.DataFrame({"code": CODES, "year": 2016, "x": rng.normal(size=len(CODES))})
    # a decoy year that must not be used
    decoy = controls.assign(year=2020, x=np.nan)
    r = beta_convergence(df, scheme="region4", controls=pd.concat([controls, decoy]))
    c = r.conditional
    assert c.regressors == ("ln_start", "region_central", "region_west", "region_northeast", "x")
    assert c.n_obs == len(CODES)
    X = sm.add_constant(
        pd.concat(
            [r.data[["ln_start"]],
             pd.get_dummies(r.data["region"], dtype=float)[["central", "west", "northeast"]],
             r.data[["x"]]],
            axis=1,
        )
    )
    ref = sm.OLS(r.data["growth"], X).fit(cov_type="HC1")
    assert c.beta == pytest.approx(ref.params["ln_start"])
    assert c.std_error == pytest.approx(ref.bse["ln_start"])
    assert any("base category 'east'" in n for n in r.notes)
    frame = r.to_frame()
    assert frame["model"].tolist() == ["absolute", "conditional"]
    with pytest.raises(ValueError, match="controls missing"):
        beta_convergence(df, controls=controls.iloc[1:])


def test_beta_zero_scores_raise_or_drop():
    df = cross_section(-0.04)
    df.loc[(df["code"] == "14") & (df["year"] == 2016), "score"] = 0.0
    with pytest.raises(ValueError, match=r"exactly 0 in \[\{'code': '14', 'year': 2016\}\]"):
        beta_convergence(df)
    r = beta_convergence(df, zeros="drop")
    assert r.absolute.n_obs == len(CODES) - 1
    assert "dropped ['14']" in r.notes[0]
    with pytest.raises(ValueError, match="zeros must be one of"):
        beta_convergence(df, zeros="shift")


def test_beta_missing_end_year_raises():
    df = cross_section(-0.04)
    with pytest.raises(ValueError, match="lack a value"):
        beta_convergence(df.iloc[:-1])


def panel(beta, *, seed=0, years=range(2016, 2021), control_coef=None):
    """ln y_t = (1 + beta) ln y_{t-1} + a_i + g_t [+ c * x_{t-1}] exactly."""
    rng = np.random.default_rng(seed)
    n = 12
    codes = CODES[:n]
    a = rng.normal(0, 0.05, n)
    years = list(years)
    g = dict(zip(years, rng.normal(0, 0.05, len(years))))
    x = {(c, t): rng.normal() for c in codes for t in years}
    ln = np.log(rng.uniform(0.1, 0.8, n))
    rows = []
    for t in years:
        if t != years[0]:
            shock = [control_coef * x[(c, t - 1)] if control_coef else 0.0 for c in codes]
            ln = (1 + beta) * ln + a + g[t] + np.array(shock)
        rows += [(c, t, float(np.exp(v))) for c, v in zip(codes, ln)]
    scores = pd.DataFrame(rows, columns=["code", "year", "score"])
    controls = pd.DataFrame([(c, t, v) for (c, t), v in x.items()], columns=["code", "year", "x"])
    return scores, controls


def test_panel_recovers_exact_beta():
    scores, _ = panel(-0.2)
    r = panel_beta_convergence(scores)
    assert r.estimate.beta == pytest.approx(-0.2, abs=1e-8)
    assert (r.n_entities, r.n_periods) == (12, 4)
    assert r.estimate.speed == pytest.approx(-math.log(0.8))
    assert r.estimate.model == "panel_twfe"
    assert set(r.to_frame().columns) >= {"beta", "half_life", "n_entities", "n_periods"}


def test_panel_matches_dummy_variable_ols():
    scores, _ = panel(-0.15, seed=3)
    rng = np.random.default_rng(8)
    scores["score"] = scores["score"] * np.exp(rng.normal(0, 0.02, len(scores)))
    r = panel_beta_convergence(scores)
    d = r.data
    X = pd.concat(
        [d[["ln_lag"]],
         pd.get_dummies(d["code"], drop_first=True, dtype=float),
         pd.get_dummies(d["year"], drop_first=True, dtype=float).add_prefix("y")],
        axis=1,
    )
    ref = sm.OLS(d["growth"], sm.add_constant(X)).fit()
    assert r.estimate.beta == pytest.approx(ref.params["ln_lag"], rel=1e-8)


def test_panel_controls_are_lagged():
    scores, controls = panel(-0.1, seed=5, control_coef=0.03)
    r = panel_beta_convergence(scores, controls=controls)
    params = r.estimate.params.set_index("term")["estimate"]
    assert params["x"] == pytest.approx(0.03, abs=1e-8)
    assert params["ln_lag"] == pytest.approx(-0.1, abs=1e-8)
    with pytest.raises(ValueError, match="controls missing"):
        panel_beta_convergence(scores, controls=controls[controls["year"] != 2017])


def test_panel_zeros_and_gaps():
    scores, _ = panel(-0.2)
    zero = scores.copy()
    zero.loc[(zero["code"] == "12") & (zero["year"] == 2018), "score"] = 0.0
    with pytest.raises(ValueError, match="exactly 0"):
        panel_beta_convergence(zero)
    r = panel_beta_convergence(zero, zeros="drop")
    assert r.estimate.n_obs == 12 * 4 - 2
    assert "dropped 2 growth observation" in r.notes[0]
    gap = scores[~((scores["code"] == "11") & (scores["year"] == 2018))]
    r = panel_beta_convergence(gap)
    assert r.estimate.n_obs == 12 * 4 - 2
    assert any("missing years" in n for n in r.notes)


def test_panel_r_squared_is_that_of_the_demeaned_regression():
    scores, _ = panel(-0.15, seed=3)
    rng = np.random.default_rng(8)
    scores["score"] = scores["score"] * np.exp(rng.normal(0, 0.02, len(scores)))
    r = panel_beta_convergence(scores)
    d = r.data
    dummies = sm.add_constant(pd.concat(
        [pd.get_dummies(d["code"], drop_first=True, dtype=float),
         pd.get_dummies(d["year"], drop_first=True, dtype=float).add_prefix("y")], axis=1))
    ry = sm.OLS(d["growth"], dummies).fit().resid
    rx = sm.OLS(d["ln_lag"], dummies).fit().resid
    partial = sm.OLS(ry, rx).fit()
    assert r.estimate.r_squared == pytest.approx(partial.rsquared, rel=1e-8)
    assert 0 <= r.estimate.r_squared <= 1


def test_default_index_convergence_runs(default_result):
    scores = default_result.scores
    sigma = sigma_convergence(scores, scheme="region4")
    assert len(sigma.by_year) == 5 * 5 and sigma.by_year["cv"].notna().all()
    beta = beta_convergence(scores, start=2016, end=2020, scheme="region4")
    assert beta.absolute.n_obs == 30 and beta.conditional.n_obs == 30
    pooled = panel_beta_convergence(scores)
    assert (pooled.n_entities, pooled.n_periods) == (30, 4)
    assert np.isfinite(pooled.estimate.std_error)
