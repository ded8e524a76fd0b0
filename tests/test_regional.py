"""Tests for gmindex.regional."""

import numpy as np
import pandas as pd
import pytest

from gmindex.provinces import Registry, default_registry
from gmindex.regional import add_region, gradient_check, growth, rank_table, regional_means


@pytest.fixture
def scores():
    """Six provinces, three years: east 11/44, central 14/42, west 51, northeast 21."""
    codes = ["11", "44", "14", "42", "51", "21"]
    base = {"11": 0.8, "44": 0.6, "14": 0.3, "42": 0.5, "51": 0.2, "21": 0.35}
    rows = []
    for year in (2016, 2017, 2018):
        for code in codes:
            rows.append((code, year, base[code] + 0.05 * (year - 2016)))
    return pd.DataFrame(rows, columns=["code", "year", "score"])


def test_regional_means_hand_values(scores):
    m = regional_means(scores, scheme="region4")
    assert list(m.columns) == ["scheme", "region", "year", "n", "mean", "std", "min", "max"]
    assert list(dict.fromkeys(m["region"])) == [
        "east", "central", "west", "northeast", "national",
    ]
    row = m[(m["region"] == "east") & (m["year"] == 2016)].iloc[0]
    assert row["n"] == 2 and row["mean"] == pytest.approx(0.7)
    assert row["std"] == pytest.approx(np.std([0.8, 0.6], ddof=1))
    nat = m[(m["region"] == "national") & (m["year"] == 2018)].iloc[0]
    assert nat["n"] == 6
    assert nat["mean"] == pytest.approx(np.mean([0.8, 0.6, 0.3, 0.5, 0.2, 0.35]) + 0.1)
    # years sorted inside each region
    assert m[m["region"] == "west"]["year"].tolist() == [2016, 2017, 2018]


def test_region3_moves_liaoning_to_east(scores):
    m = regional_means(scores, scheme="region3")
    assert "northeast" not in set(m["region"])
    east = m[(m["region"] == "east") & (m["year"] == 2016)].iloc[0]
    assert east["n"] == 3 and east["mean"] == pytest.approx((0.8 + 0.6 + 0.35) / 3)
    assert set(m["scheme"]) == {"region3"}


def test_weighted_mean(scores):
    w = scores[["code", "year"]].assign(weight=1.0)
    w.loc[w["code"] == "11", "weight"] = 3.0
    m = regional_means(scores, weights=w)
    east = m[(m["region"] == "east") & (m["year"] == 2016)].iloc[0]
    assert east["weighted_mean"] == pytest.approx((3 * 0.8 + 0.6) / 4)
    central = m[(m["region"] == "central") & (m["year"] == 2016)].iloc[0]
    assert central["weighted_mean"] == pytest.approx(central["mean"])


def test_weights_must_cover_every_cell(scores):
    w = scores[["code", "year"]].assign(weight=1.0).iloc[1:]
    with pytest.raises(ValueError, match="no weight for 1"):
        regional_means(scores, weights=w)
    with pytest.raises(ValueError, match="non-negative"):
        regional_means(scores, weights=scores[["code", "year"]].assign(weight=-1.0))


def test_bad_score_frames_raise(scores):
    with pytest.raises(ValueError, match="not in the unit registry"):
        regional_means(pd.concat([scores, pd.DataFrame([["99", 2016, 0.1]],
                                                        columns=scores.columns)]))
    with pytest.raises(ValueError, match="duplicate"):
        regional_means(pd.concat([scores, scores.iloc[:1]]))
    with pytest.raises(ValueError, match="lacks column"):
        regional_means(scores, value="pillar")
    with pytest.raises(ValueError, match="unknown region scheme"):
        regional_means(scores, scheme="region7")


def test_add_region_and_custom_registry():
    reg = Registry(
        pd.DataFrame({"code": ["a1", "b1"], "name_en": ["A", "B"], "zone": ["n", "s"]})
    )
    out = add_region(pd.DataFrame({"code": ["b1", "a1"]}), scheme="zone", registry=reg)
    assert out["region"].tolist() == ["s", "n"]


def test_growth_provinces_and_regions(scores):
    g = growth(scores, start=2016, end=2018)
    assert list(g.columns) == [
        "code", "start", "end", "value_start", "value_end", "change", "pct_change",
        "annual_growth_pct",
    ]
    beijing = g.set_index("code").loc["11"]
    assert beijing["change"] == pytest.approx(0.1)
    assert beijing["pct_change"] == pytest.approx(100 * 0.1 / 0.8)
    assert beijing["annual_growth_pct"] == pytest.approx(100 * (np.sqrt(0.9 / 0.8) - 1))
    both = pd.concat([regional_means(scores), regional_means(scores, scheme="region3")])
    with pytest.raises(ValueError, match="scheme"):
        growth(both, by="region", value="mean", start=2016, end=2018)
    rg = growth(both, by=("scheme", "region"), value="mean", start=2016, end=2018)
    assert len(rg) == 5 + 4
    assert np.allclose(rg["change"], 0.1)


def test_growth_missing_year_and_zero_start(scores):
    with pytest.raises(ValueError, match="no 'score' value in 2016 or 2019"):
        growth(scores, start=2016, end=2019)
    zero = scores.copy()
    zero.loc[(zero["code"] == "51") & (zero["year"] == 2016), "score"] = 0.0
    with pytest.warns(UserWarning, match="start value is 0"):
        g = growth(zero, start=2016, end=2018)
    assert np.isnan(g.set_index("code").loc["51", "pct_change"])


def test_rank_table(scores):
    swapped = scores.copy()
    # Hubei (42) overtakes Guangdong (44) in 2018
    swapped.loc[(swapped["code"] == "42") & (swapped["year"] == 2018), "score"] = 0.95
    t = rank_table(swapped, start=2016, end=2018)
    assert t["code"].tolist()[:2] == ["42", "11"]
    row = t.set_index("code").loc["42"]
    assert (row["rank_2016"], row["rank_2018"], row["rank_change"]) == (3, 1, 2)
    assert row["name"] == "Hubei" and row["region4"] == "central"
    assert t["rank_2017"].sort_values().tolist() == [1, 2, 3, 4, 5, 6]
    with pytest.raises(ValueError, match="every year"):
        rank_table(scores.iloc[1:], start=2016, end=2018)


def test_gradient_check_messages_and_gaps():
    m = pd.DataFrame(
        {
            "scheme": "region4",
            "year": [2016] * 3 + [2018] * 3,
            "region": ["east", "central", "west"] * 2,
            "mean": [0.40, 0.30, 0.20, 0.40, 0.21, 0.23],
        }
    )
    chk = gradient_check(m, digits=2)
    table = chk.to_frame()
    assert table["holds"].tolist() == [True, False]
    assert table["gap_central_west"].tolist() == pytest.approx([0.1, -0.02])
    assert chk.text.splitlines()[1] == (
        "In 2018 the ordering east > central > west does not hold (region4): "
        "central 0.21 < west 0.23"
    )
    assert not chk.holds_everywhere
    tie = m.assign(mean=[0.4, 0.3, 0.3, 0.5, 0.4, 0.3])
    first = gradient_check(tie).table.iloc[0]
    assert not first["holds"] and "central 0.300 = west 0.300" in first["message"]


def test_gradient_check_missing_region_raises(scores):
    m = regional_means(scores, scheme="region3")
    with pytest.raises(ValueError, match="northeast"):
        gradient_check(m, order=("east", "northeast"))


def test_gradient_check_on_both_schemes(scores):
    both = pd.concat([regional_means(scores), regional_means(scores, scheme="region3")])
    chk = gradient_check(both)
    assert chk.table["scheme"].tolist() == ["region4"] * 3 + ["region3"] * 3
    assert chk.holds_everywhere
    assert default_registry().region_order("region3") == ("east", "central", "west")


# --- the embedded default index ----------------------------------------------


@pytest.fixture(scope="module")
def default_scores(default_panel, default_result):
    panel = default_panel
    iva = panel.loc[panel["indicator"] == "industrial_va_100m_yuan", ["code", "year", "value"]]
    return default_result.scores, iva.rename(columns={"value": "weight"})


def test_default_index_regional_tables(default_scores):
    scores, iva = default_scores
    for scheme, regions in (("region4", 4), ("region3", 3)):
        m = regional_means(scores, scheme=scheme, weights=iva)
        assert m["region"].nunique() == regions + 1
        nat = m[m["region"] == "national"]
        assert nat["n"].tolist() == [30] * 5
        # national mean is the size-weighted mean of the regional means
        regional = m[m["region"] != "national"]
        pooled = (regional["mean"] * regional["n"]).groupby(regional["year"]).sum() / 30
        assert pooled.to_numpy() == pytest.approx(nat["mean"].to_numpy())
        chk = gradient_check(m)
        assert len(chk.table) == 5 and chk.text.count("\n") == 4
    ranks = rank_table(scores, start=2016, end=2020)
    assert len(ranks) == 30 and ranks["rank_change"].sum() == 0
    g = growth(scores)
    assert len(g) == 30 and g["pct_change"].notna().all()
