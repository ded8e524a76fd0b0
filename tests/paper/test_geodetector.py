import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from hypothesis import given, settings, strategies as st

from gmindex.paper.geodetector import discretise, factor_detector, q_statistic


def test_hand_case():
    # strata {1,2,3}, {4,5,6}: within var 2/3 each; total var 35/12
    q, f, p = q_statistic(np.arange(1.0, 7.0), np.array([0, 0, 0, 1, 1, 1]))
    assert q == pytest.approx(1 - (3 * 2 / 3 + 3 * 2 / 3) / (6 * 35 / 12))
    assert f == pytest.approx((6 - 2) / (2 - 1) * q / (1 - q))
    # lambda = (2^2 + 5^2 - (sqrt3*2 + sqrt3*5)^2 / 6) / (35/12) = 4.5 / (35/12), as in the
    # CRAN geodetector package (population variance in the denominator)
    from scipy import stats
    assert p == pytest.approx(stats.ncf.sf(f, 1, 4, 4.5 / (35 / 12)))
    assert p == pytest.approx(0.0794, abs=1e-4)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-100, 100, allow_nan=False), min_size=8, max_size=30),
       st.integers(2, 4), st.integers(0, 10_000))
def test_q_is_anova_r2(values, k, seed):
    y = np.array(values)
    if y.var() < 1e-6:
        return
    strata = np.random.default_rng(seed).integers(0, k, len(y))
    if len(np.unique(strata)) < 2:
        return
    q, _, p = q_statistic(y, strata)
    r2 = smf.ols("y ~ C(s)", data=pd.DataFrame({"y": y, "s": strata})).fit().rsquared
    assert q == pytest.approx(r2, abs=1e-9)
    assert np.isnan(p) or 0 <= p <= 1


def test_default_drivers(default_result):
    from gmindex.regress import covariates_from_panel

    cov = covariates_from_panel(default_result.panel)
    gd = factor_detector(default_result.scores, cov, spec=default_result.spec, ks=(4, 5),
                         methods=("quantiles", "natural_breaks"))
    t = gd.table
    assert len(t) == 4 * (cov.shape[1] - 2)
    assert t["q"].between(0, 1).all()
    assert "rd_intensity" in set(t.loc[t["index_component"] != "", "factor"])


def test_bad_method():
    with pytest.raises(ValueError, match="discretisation"):
        discretise(np.arange(5.0), method="jenks")


def test_natural_breaks_are_fisher_jenks_and_repeatable():
    # k-means natural breaks (mapclassify.NaturalBreaks) start from random centres and
    # changed the strata, q and p from one run to the next.
    import mapclassify

    x = np.random.default_rng(7).lognormal(size=150)
    first = discretise(x, method="natural_breaks", k=5)
    assert all((discretise(x, method="natural_breaks", k=5) == first).all() for _ in range(3))
    assert first.tolist() == mapclassify.FisherJenks(x, k=5).yb.tolist()
