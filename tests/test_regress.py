"""Tests for gmindex.regress: known coefficients, SEs against direct computation."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from gmindex.provinces import default_registry
from gmindex.regress import (
    COVARIATES,
    DEFAULT_DRIVERS,
    IndexComponentWarning,
    covariates_from_panel,
    driver_regression,
    gradient_regression,
    index_components,
    wild_cluster_pvalue,
)
from gmindex.spec import Indicator, Spec

YEARS = list(range(2016, 2021))


def twfe_panel(seed=3, n_units=30, noise=0.2):
    """Balanced panel with unit and year effects, correlated x1, known slopes."""
    rng = np.random.default_rng(seed)
    codes = [f"{i:02d}" for i in range(11, 11 + n_units)]
    df = pd.DataFrame([(c, y) for c in codes for y in YEARS], columns=["code", "year"])
    unit = dict(zip(codes, rng.normal(size=n_units)))
    year = dict(zip(YEARS, rng.normal(size=len(YEARS))))
    # x1 correlated with the unit effect: pooled OLS would be biased, FE is not.
    df["x1"] = rng.normal(size=len(df)) + df["code"].map(unit)
    df["x2"] = rng.normal(size=len(df))
    shock = rng.normal(size=len(df)) + 0.5 * np.repeat(rng.normal(size=n_units), len(YEARS))
    df["score"] = (
        0.3 * df["x1"] - 0.7 * df["x2"] + df["code"].map(unit) + df["year"].map(year)
        + noise * shock
    )
    return df


def no_spec_driver(df, **kw):
    kw.setdefault("terms", ["x1", "x2"])
    kw.setdefault("spec", Spec(indicators=(
        Indicator("dummy", pillar="p", direction="benefit", numerator="nothing"),)))
    return driver_regression(df[["code", "year", "score"]], df.drop(columns="score"), **kw)


def hand_cluster_vcov(df, terms):
    """Two-way within transformation and the raw cluster sandwich (no small-sample factor)."""

    def demean(v):
        v = v - v.groupby(df["code"]).transform("mean")
        return v - v.groupby(df["year"]).transform("mean")

    X = np.column_stack([demean(df[t]) for t in terms])
    y = demean(df["score"]).to_numpy()
    bread = np.linalg.inv(X.T @ X)
    beta = bread @ X.T @ y
    u = y - X @ beta
    meat = np.zeros((len(terms), len(terms)))
    for code in df["code"].unique():
        g = (df["code"] == code).to_numpy()
        s = X[g].T @ u[g]
        meat += np.outer(s, s)
    return beta, bread @ meat @ bread


# ---------------------------------------------------------------- drivers


def test_twfe_recovers_known_coefficients():
    res = no_spec_driver(twfe_panel(noise=0.01), wild_bootstrap=False)
    coef = res.coefficients.set_index("term")["coef"]
    np.testing.assert_allclose(coef[["x1", "x2"]], [0.3, -0.7], atol=0.005)
    assert res.fixed_effects == ("province", "year")
    assert res.nobs == 150 and res.n_clusters == 30 and res.cluster == "province"
    assert 0 < res.r2_within <= res.r2 <= 1


def test_twfe_clustered_se_matches_hand_sandwich_and_linearmodels():
    from linearmodels.panel import PanelOLS

    df = twfe_panel()
    res = no_spec_driver(df, wild_bootstrap=False)
    beta, v0 = hand_cluster_vcov(df, ["x1", "x2"])
    n, g, t = len(df), 30, len(YEARS)
    # fixest / reghdfe CRV1: province effects nested in clusters are not counted,
    # so K = 2 slopes + T year levels.
    factor = g / (g - 1) * (n - 1) / (n - (2 + t))
    np.testing.assert_allclose(res.coefficients["coef"], beta, rtol=1e-8)
    np.testing.assert_allclose(res.coefficients["se"], np.sqrt(np.diag(v0) * factor), rtol=1e-8)

    panel = df.set_index(["code", "year"])
    lm = PanelOLS(panel["score"], panel[["x1", "x2"]], entity_effects=True,
                  time_effects=True).fit(cov_type="clustered", cluster_entity=True,
                                         group_debias=True)
    np.testing.assert_allclose(res.coefficients["coef"], lm.params, rtol=1e-8)
    # linearmodels counts every fixed effect in K: G/(G-1) * (N-1)/(N-K_all).
    k_all = 2 + g + t - 1
    ratio = np.sqrt(factor / (g / (g - 1) * (n - 1) / (n - k_all)))
    np.testing.assert_allclose(res.coefficients["se"], lm.std_errors * ratio, rtol=1e-8)
    # t(G-1) inference
    from scipy import stats

    row = res.coefficients.iloc[1]
    assert row["p"] == pytest.approx(2 * stats.t.sf(abs(row["t"]), g - 1), rel=1e-6)
    half = stats.t.ppf(0.975, g - 1) * row["se"]
    assert row["ci_high"] - row["ci_low"] == pytest.approx(2 * half, rel=1e-6)


def test_wild_bootstrap_deterministic_with_seed():
    df = twfe_panel(noise=3.0)
    a = no_spec_driver(df, reps=999, seed=7)
    b = no_spec_driver(df, reps=999, seed=7)
    assert a.extra_pvalues == b.extra_pvalues
    p = a.extra_pvalues["wild_bootstrap"]
    assert set(p) == {"x1", "x2"} and all(0 <= v <= 1 for v in p.values())
    assert a.params["seed"] == 7 and a.params["weights_type"] == "rademacher"
    c = no_spec_driver(df, reps=999, seed=8)
    assert c.extra_pvalues != a.extra_pvalues  # the seed does reach the draws


def test_wild_bootstrap_agrees_with_cluster_inference_on_clear_cases():
    df = twfe_panel(noise=1.0)
    df["x3"] = np.random.default_rng(11).normal(size=len(df))  # no effect
    res = no_spec_driver(df, terms=["x2", "x3"], reps=999, seed=1, weights_type="webb")
    wild = res.extra_pvalues["wild_bootstrap"]
    assert wild["x2"] < 0.01  # strong effect
    assert wild["x3"] > 0.05
    frame = res.to_frame()
    assert frame["p_wild_bootstrap"].tolist() == [wild["x2"], wild["x3"]]


def test_listwise_deletion_is_reported():
    df = twfe_panel()
    df.loc[[0, 7], "x1"] = np.nan
    df.loc[[7, 20], "x2"] = np.nan
    with pytest.warns(UserWarning, match="listwise deletion dropped 3 of 150"):
        res = no_spec_driver(df, wild_bootstrap=False)
    assert res.nobs == 147
    cells = set(map(tuple, res.dropped[["code", "year", "variable"]].to_numpy().tolist()))
    expected = {
        (df.loc[0, "code"], int(df.loc[0, "year"]), "x1"),
        (df.loc[7, "code"], int(df.loc[7, "year"]), "x1"),
        (df.loc[7, "code"], int(df.loc[7, "year"]), "x2"),
        (df.loc[20, "code"], int(df.loc[20, "year"]), "x2"),
    }
    assert cells == expected
    assert any("listwise" in n for n in res.notes)


def test_missing_covariate_row_counts_as_dropped():
    df = twfe_panel()
    cov = df.drop(columns="score").iloc[1:]
    with pytest.warns(UserWarning, match="dropped 1 of 150"):
        res = driver_regression(df[["code", "year", "score"]], cov, terms=["x1"],
                                wild_bootstrap=False, spec=Spec(indicators=(
                                    Indicator("d", "p", "benefit", "s"),)))
    assert res.nobs == 149


def test_index_component_warns():
    spec = Spec(indicators=(
        Indicator("rd", pillar="innovation", direction="benefit", numerator="rd_intensity_pct"),
        Indicator("env", pillar="governance", direction="benefit",
                  numerator="env_protection_spending_100m_yuan",
                  denominator="local_budget_expenditure_100m_yuan", scale=100.0),
    ))
    assert index_components(COVARIATES, spec) == {
        "rd_intensity": ["rd"], "env_spending_share": ["env"]}
    assert index_components(DEFAULT_DRIVERS, spec) == {}
    df = twfe_panel().rename(columns={"x1": "rd_intensity"})
    with pytest.warns(IndexComponentWarning, match="rd_intensity is an indicator"):
        res = driver_regression(df[["code", "year", "score"]], df.drop(columns="score"),
                                terms=["rd_intensity", "x2"], spec=spec,
                                wild_bootstrap=False)
    assert any("partly mechanical" in n for n in res.notes)
    assert any("not checked" in n and "x2" in n for n in res.notes)


def test_driver_errors():
    df = twfe_panel()
    with pytest.raises(ValueError, match="lack columns"):
        no_spec_driver(df, terms=["x1", "nope"], wild_bootstrap=False)
    df["fixed"] = df["code"].astype(int) * 1.0
    with pytest.raises(ValueError, match="absorbed by the province fixed effects"):
        no_spec_driver(df, terms=["x1", "fixed"], wild_bootstrap=False)
    df["trend"] = df["year"] * 1.0
    with pytest.raises(ValueError, match="collinear"):
        no_spec_driver(df, terms=["x1", "trend"], wild_bootstrap=False)
    with pytest.raises(ValueError, match="weights_type"):
        no_spec_driver(df, weights_type="gauss")
    dup = pd.concat([df, df.iloc[:1]])
    with pytest.raises(ValueError, match="duplicate"):
        no_spec_driver(dup, wild_bootstrap=False)


# ---------------------------------------------------------------- gradient


def region_panel(scheme="region4", noise=0.05, seed=0, gaps=None):
    reg = default_registry()
    regions = reg.regions(scheme)
    rng = np.random.default_rng(seed)
    gaps = gaps or {"east": 0.0, "central": -0.1, "west": -0.2, "northeast": -0.15}
    df = pd.DataFrame([(c, y) for c in reg.codes for y in YEARS], columns=["code", "year"])
    df["region"] = df["code"].map(regions)
    df["score"] = (
        0.5 + df["region"].map(gaps) + 0.02 * (df["year"] - 2016)
        + noise * rng.normal(size=len(df))
    )
    return df


def test_gradient_equals_region_mean_gaps_in_a_balanced_panel():
    df = region_panel()
    res = gradient_regression(df, wild_bootstrap=False)
    coef = res.coefficients.set_index("term")["coef"]
    means = df.groupby("region")["score"].mean()
    for r in ("central", "west", "northeast"):
        assert coef[r] == pytest.approx(means[r] - means["east"], abs=1e-12)
    assert res.terms == ["const", "central", "west", "northeast"]
    assert res.nobs == 155 and res.n_clusters == 31 and res.fixed_effects == ("year",)


def test_gradient_matches_statsmodels_formula():
    df = region_panel(scheme="region3")
    df["region"] = df["code"].map(default_registry().regions("region3"))
    res = gradient_regression(df, scheme="region3", wild_bootstrap=False)
    groups = pd.factorize(df["code"])[0]
    ref = smf.ols("score ~ C(region, Treatment('east')) + C(year)", df).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    for term in ("central", "west"):
        name = f"C(region, Treatment('east'))[T.{term}]"
        row = res.coefficients.set_index("term").loc[term]
        assert row["coef"] == pytest.approx(ref.params[name], rel=1e-10)
        assert row["se"] == pytest.approx(ref.bse[name], rel=1e-10)
        assert row["p"] == pytest.approx(ref.pvalues[name], rel=1e-8)
    assert res.r2 == pytest.approx(ref.rsquared)


def test_gradient_base_and_wild_bootstrap():
    df = region_panel()
    a = gradient_regression(df, base="west", reps=999, seed=3)
    b = gradient_regression(df, base="west", reps=999, seed=3)
    assert a.terms == ["const", "east", "central", "northeast"]
    assert a.extra_pvalues == b.extra_pvalues
    assert a.coefficients.set_index("term").loc["east", "coef"] == pytest.approx(0.2, abs=0.03)
    assert a.extra_pvalues["wild_bootstrap"]["east"] < 0.01
    # the NBS northeast has three provinces: flagged
    assert any(n.startswith("northeast: only 3 clusters") for n in a.notes)


def test_gradient_drops_tibet_cleanly_and_reports_missing_scores():
    df = region_panel()
    no_tibet = df[df["code"] != "54"]
    res = gradient_regression(no_tibet, wild_bootstrap=False)
    assert res.n_clusters == 30 and res.nobs == 150
    gap = no_tibet.copy()
    gap.loc[gap.index[0], "score"] = np.nan
    with pytest.warns(UserWarning, match="dropped 1 of 150"):
        res = gradient_regression(gap, wild_bootstrap=False)
    assert res.dropped["variable"].tolist() == ["score"]


def test_gradient_errors():
    df = region_panel()
    with pytest.raises(ValueError, match="base region 'north'"):
        gradient_regression(df, base="north", wild_bootstrap=False)
    with pytest.raises(ValueError, match="unknown region scheme"):
        gradient_regression(df, scheme="region9", wild_bootstrap=False)
    bad = pd.concat([df, pd.DataFrame({"code": ["99"], "year": [2016], "score": [0.1]})])
    with pytest.raises(ValueError, match=r"codes not in the registry: \['99'\]"):
        gradient_regression(bad, wild_bootstrap=False)
    with pytest.raises(ValueError, match="missing"):
        gradient_regression(df.rename(columns={"score": "s"}), wild_bootstrap=False)


# ---------------------------------------------------------------- covariates


def long_panel(rows):
    return pd.DataFrame(rows, columns=["code", "year", "indicator", "value"])


def test_covariates_from_panel_by_hand():
    panel = long_panel([
        ("11", 2016, "gdp_100m_yuan", 20000.0),
        ("11", 2016, "population_10k", 2000.0),
        ("11", 2016, "secondary_va_100m_yuan", 4000.0),
        ("11", 2016, "local_budget_expenditure_100m_yuan", 5000.0),
        ("11", 2016, "env_protection_spending_100m_yuan", 250.0),
        ("11", 2016, "rd_intensity_pct", 5.5),
        ("12", 2017, "gdp_100m_yuan", 10000.0),
        ("12", 2017, "unrelated", 1.0),
    ])
    cov = covariates_from_panel(panel).set_index(["code", "year"])
    row = cov.loc[("11", 2016)]
    assert row["log_gdp_pc"] == pytest.approx(np.log(100_000.0))
    assert row["secondary_share"] == pytest.approx(20.0)
    assert row["gov_size"] == pytest.approx(25.0)
    assert row["log_population"] == pytest.approx(np.log(2e7))
    assert row["rd_intensity"] == 5.5
    assert row["env_spending_share"] == pytest.approx(5.0)
    assert cov.loc[("12", 2017)].drop("gov_size").isna().sum() == 5  # nothing filled
    assert list(cov.columns) == list(COVARIATES)
    assert covariates_from_panel(panel, years=[2017])["code"].tolist() == ["12"]


def test_covariates_from_panel_errors():
    with pytest.raises(ValueError, match="must be positive"):
        covariates_from_panel(long_panel([("11", 2016, "gdp_100m_yuan", 0.0)]))
    dup = long_panel([("11", 2016, "gdp_100m_yuan", 1.0), ("11", 2016, "gdp_100m_yuan", 2.0)])
    with pytest.raises(ValueError, match="duplicate"):
        covariates_from_panel(dup)
    with pytest.raises(ValueError, match="long columns"):
        covariates_from_panel(pd.DataFrame({"code": ["11"]}))


def test_default_drivers_avoid_default_index_components():
    from gmindex.datasets import default_spec_path, load_default_spec

    if not default_spec_path().exists():
        pytest.skip("default spec not in this tree yet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spec = load_default_spec()
    assert index_components(DEFAULT_DRIVERS, spec) == {}


# --- the vectorised wild cluster bootstrap against wildboottest itself ---------------------


@pytest.mark.parametrize("weights_type", ["rademacher", "webb", "mammen", "normal"])
def test_wild_pvalue_equals_wildboottest_with_shared_draws(weights_type):
    import statsmodels.api as sm
    from wildboottest.wildboottest import wildboottest

    rng = np.random.default_rng(11)
    g = np.repeat(np.arange(25), 4)
    X = np.column_stack([np.ones(100), rng.normal(size=100), rng.normal(size=100)])
    y = 1 + 0.15 * X[:, 1] + rng.normal(size=100) + rng.normal(size=25)[g]
    t, p = wild_cluster_pvalue(X, y, g, 1, reps=1999, seed=5, weights_type=weights_type)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = wildboottest(sm.OLS(y, X), B=1999, cluster=g, param="x1",
                           weights_type="norm" if weights_type == "normal" else weights_type,
                           impose_null=True, bootstrap_type="11", seed=5, parallel=False,
                           show=False)
    assert t == pytest.approx(float(ref["statistic"].iloc[0]), rel=1e-10)
    # Same draws, same statistics up to rounding: at most a replication whose |t*| ties |t|
    # to the last bits may fall on the other side (seen once with Mammen weights).
    assert abs(p - float(ref["p-value"].iloc[0])) <= 1 / 1999 + 1e-12


def test_wild_pvalue_full_enumeration_with_few_clusters():
    import statsmodels.api as sm
    from wildboottest.wildboottest import wildboottest

    rng = np.random.default_rng(2)
    g = np.repeat(np.arange(6), 5)  # 2^6 = 64 < 999: every sign pattern
    X = np.column_stack([np.ones(30), rng.normal(size=30)])
    y = X[:, 1] * 0.3 + rng.normal(size=30)
    _, p = wild_cluster_pvalue(X, y, g, 1, reps=999, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = wildboottest(sm.OLS(y, X), B=999, cluster=g, param="x1", seed=1, show=False,
                           parallel=False)
    # The all-ones and all-minus-ones patterns give |t*| = |t| exactly in theory; rounding
    # decides on which side of the strict "<" they fall, here and in wildboottest.
    assert abs(p - float(ref["p-value"].iloc[0])) <= 2 / 64 + 1e-12
    assert p * 64 == pytest.approx(round(p * 64))  # a multiple of 1/64


def test_driver_wild_pvalues_equal_pyfixest_wildboottest():
    import pyfixest as pf

    df = twfe_panel(seed=4)
    res = no_spec_driver(df, terms=["x1", "x2"], reps=999, seed=8)
    frame = df.assign(unit=df["code"].astype("category").cat.codes)
    fit = pf.feols("score ~ x1 + x2 | unit + year", data=frame, vcov={"CRV1": "unit"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for term in ("x1", "x2"):
            ref = fit.wildboottest(reps=999, param=term, cluster="unit", seed=8)
            assert res.extra_pvalues["wild_bootstrap"][term] == float(ref["Pr(>|t|)"])


def test_gradient_wild_pvalues_equal_wildboottest():
    import statsmodels.api as sm
    from wildboottest.wildboottest import wildboottest

    df = region_panel("region3", noise=0.3, seed=2)
    res = gradient_regression(df, scheme="region3", reps=999, seed=4)
    reg = default_registry()
    data = df.assign(region=df["code"].map(reg.regions("region3")))
    X = pd.DataFrame({"const": 1.0}, index=data.index)
    for r in ("central", "west"):
        X[r] = (data["region"] == r).astype(float)
    for y in sorted(data["year"].unique())[1:]:
        X[f"year_{y}"] = (data["year"] == y).astype(float)
    cluster = pd.factorize(data["code"], sort=True)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for r in ("central", "west"):
            ref = wildboottest(sm.OLS(data["score"].to_numpy(), X), B=999, cluster=cluster,
                               param=r, seed=4, show=False, parallel=False)
            assert res.extra_pvalues["wild_bootstrap"][r] == float(ref["p-value"].iloc[0])


def test_driver_regression_leaves_logging_as_it_was():
    """pyfixest sets the root logger to INFO when imported; the package puts it back (else
    fontTools prints dozens of lines for every PDF figure saved after a regression)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = ("import logging; from gmindex.regress import _feols; _feols(); "
            "root = logging.getLogger(); print(root.level, len(root.handlers))")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    assert out.stdout.split() == ["30", "0"]  # WARNING, no handler: Python's defaults
