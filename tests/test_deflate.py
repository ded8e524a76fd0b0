"""Implicit deflator (gmindex.deflate) and its use by the spec (derive, spec checks)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmindex.datasets import load_default_panel
from gmindex.deflate import chain_real, implicit_deflator, to_constant_prices
from gmindex.derive import derive_indicators
from gmindex.spec import Indicator, Series, Spec, SpecError


def _panel(nominal, index, code="11", start=2016):
    years = list(range(start, start + len(nominal)))
    return pd.DataFrame({
        "code": [code] * (2 * len(years)), "year": years * 2,
        "indicator": ["gdp"] * len(years) + ["gi"] * len(years),
        "value": list(nominal) + list(index)})


def test_hand_computed_chain():
    # nominal 200, 231, 264.6; real growth 5 %, 8 % -> real 200, 210, 226.8
    d = implicit_deflator(_panel([200.0, 231.0, 264.6], [109.0, 105.0, 108.0]),
                          nominal="gdp", growth_index="gi", base_year=2016)
    assert d.table["real"].tolist() == pytest.approx([200.0, 210.0, 226.8])
    assert d.table["deflator"].tolist() == pytest.approx([1.0, 1.1, 264.6 / 226.8])


def test_backward_chain_before_base():
    real = chain_real(100.0, pd.Series({2016: 110.0, 2017: 105.0}), 2017)
    assert real[2016] == pytest.approx(100.0 / 1.05)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=90.0, max_value=115.0), min_size=2, max_size=8),
       st.floats(min_value=1.0, max_value=1e5))
def test_real_growth_is_recovered_and_base_deflator_is_one(index, level):
    nominal = [level * (1 + k / 10) for k in range(len(index))]
    d = implicit_deflator(_panel(nominal, index), nominal="gdp", growth_index="gi", base_year=2016)
    t = d.table.set_index("year")
    assert t.loc[2016, "deflator"] == pytest.approx(1.0)
    ratios = (t["real"] / t["real"].shift(1)).dropna() * 100
    assert ratios.to_numpy() == pytest.approx(np.array(index[1:]))


def test_missing_growth_breaks_the_chain_and_is_reported():
    p = _panel([100.0, 110.0, 121.0], [107.0, 105.0, 110.0])
    p = p[~((p["indicator"] == "gi") & (p["year"] == 2017))]
    d = implicit_deflator(p, nominal="gdp", growth_index="gi", base_year=2016)
    assert math.isnan(d.table.set_index("year").loc[2018, "deflator"])
    assert d.notes and "2017" in d.notes[0]


def test_missing_series_is_named():
    with pytest.raises(KeyError, match="gi"):
        implicit_deflator(_panel([1.0], [100.0]).query("indicator == 'gdp'"),
                          nominal="gdp", growth_index="gi")


def test_default_panel_deflator_covers_30_provinces_plus_tibet():
    d = implicit_deflator(load_default_panel(), years=range(2016, 2021))
    assert d.notes == ()
    assert d.table["code"].nunique() == 31
    assert (d.table.loc[d.table["year"] == 2016, "deflator"] == 1.0).all()
    # Beijing 2017, hand-computed from the panel: nominal 2017 / (nominal 2016 x index 2017 / 100)
    p = load_default_panel().set_index(["indicator", "code", "year"])["value"]
    expected = p[("gdp_100m_yuan", "11", 2017)] / (
        p[("gdp_100m_yuan", "11", 2016)] * p[("gdp_index_prev_year_100", "11", 2017)] / 100)
    got = d.series()[("11", 2017)]
    assert got == pytest.approx(expected)
    idx = pd.MultiIndex.from_tuples([("11", 2017)], names=["code", "year"])
    assert to_constant_prices(pd.Series([got], index=idx), d).iloc[0] == pytest.approx(1.0)


def test_derive_deflates_denominator_and_transforms():
    p = pd.concat([_panel([100.0, 121.0], [100.0, 110.0]),
                   pd.DataFrame({"code": ["11", "11"], "year": [2016, 2017],
                                 "indicator": ["e", "e"], "value": [10.0, 11.0]})])
    spec = Spec(indicators=(Indicator("ei", "p", "cost", "e", "gdp", deflate="denominator"),
                            Indicator("lg", "p", "benefit", "e", "gdp", transform="log1p")),
                deflator={"nominal": "gdp", "growth_index": "gi", "base_year": 2016})
    m = derive_indicators(p, spec, codes=["11"], years=[2016, 2017]).matrix
    # real GDP 2017 = 100 x 1.10 = 110, so 11 / 110
    assert m.loc[("11", 2017), "ei"] == pytest.approx(0.1)
    assert m.loc[("11", 2017), "lg"] == pytest.approx(math.log1p(11.0 / 121.0))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"transform": "sqrt"}, "transform"),
    ({"deflate": "all"}, "deflate"),
    ({"deflate": "denominator"}, r"\[deflator\]"),
])
def test_spec_rejects_bad_transform_and_deflate(kwargs, message):
    with pytest.raises(SpecError, match=message):
        Spec(indicators=(Indicator("a", "p", "cost", "x", "y", **kwargs),))


def test_spec_deflator_needs_its_keys():
    with pytest.raises(SpecError, match="growth_index"):
        Spec(indicators=(Indicator("a", "p", "cost", "x"),), deflator={"nominal": "gdp"})
    spec = Spec(indicators=(Indicator("a", "p", "cost", "x", "gdp", deflate="denominator"),),
                series=(Series("x"),),
                deflator={"nominal": "gdp", "growth_index": "gi", "base_year": 2016})
    assert spec.series_ids == ["x", "gdp", "gi"]
