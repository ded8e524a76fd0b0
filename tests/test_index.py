"""Tests for gmindex.index.build_index on hand-made panels and on the embedded data."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmindex.datasets import load_default_panel, load_default_spec
from gmindex.index import build_index, panel_sha256
from gmindex.spec import Indicator, Pillar, Series, Spec
from gmindex.weights import ConstantIndicatorWarning, entropy_weights

CODES = ["11", "12", "13", "14"]
YEARS = [2016, 2017]


def tiny_spec(**kw):
    return Spec(
        indicators=(
            Indicator("a", "p1", "benefit", "sa"),
            Indicator("b", "p1", "cost", "sb", "sden", 10.0),
            Indicator("c", "p2", "benefit", "sc"),
        ),
        pillars=(Pillar("p1"), Pillar("p2")),
        series=(Series("sa"), Series("sb"), Series("sden"), Series("sc")),
        years=tuple(YEARS),
        **kw,
    )


def tiny_panel(values=None, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for code in CODES:
        for year in YEARS:
            for s in ("sa", "sb", "sden", "sc"):
                v = rng.uniform(1, 10) if values is None else values[(code, year, s)]
                rows.append((code, year, s, float(v)))
    return pd.DataFrame(rows, columns=["code", "year", "indicator", "value"])


def restrict_registry():
    from gmindex.provinces import Registry, default_registry

    return Registry(default_registry().table.loc[CODES].reset_index(drop=True), source="test")


@pytest.fixture
def reg():
    return restrict_registry()


def test_hand_computed_weighted_sum(reg):
    panel = tiny_panel()
    res = build_index(panel, tiny_spec(), registry=reg)
    wide = panel.pivot(index=["code", "year"], columns="indicator", values="value")
    x = np.column_stack([wide["sa"], 10 * wide["sb"] / wide["sden"], wide["sc"]])
    z = (x - x.min(0)) / (x.max(0) - x.min(0))
    z[:, 1] = 1 - z[:, 1]
    w = entropy_weights(z).weights
    np.testing.assert_allclose(res.weights["weight"], w, rtol=1e-12)
    np.testing.assert_allclose(res.scores["score"], z @ w, rtol=1e-12)
    # Pillar contributions add up to the score.
    total = res.pillar_scores.groupby(["code", "year"])["contribution"].sum().to_numpy()
    np.testing.assert_allclose(total, res.scores["score"], rtol=1e-12)


def test_ranks_are_within_year(reg):
    res = build_index(tiny_panel(), tiny_spec(), registry=reg)
    for _, g in res.scores.groupby("year"):
        assert sorted(g["rank"]) == [1, 2, 3, 4]
        assert g.loc[g["rank"] == 1, "score"].item() == g["score"].max()


def test_missing_cell_drop_unit_recorded(reg):
    panel = tiny_panel()
    panel = panel[~((panel.code == "13") & (panel.year == 2017) & (panel.indicator == "sc"))]
    res = build_index(panel, tiny_spec(), registry=reg)
    assert "13" not in set(res.scores["code"])
    assert res.provenance["units_dropped"] == {"13": "missing in 1 cell(s): c 2017"}
    cells = res.provenance["cells"]
    assert cells["read_for_spec"] == cells["used"] + cells["dropped_with_unit"] + cells["dropped_with_indicator"]
    assert cells["dropped_with_unit"] == 7


def test_missing_cell_rules_indicator_and_impute(reg):
    panel = tiny_panel()
    panel = panel[~((panel.code == "13") & (panel.year == 2017) & (panel.indicator == "sc"))]
    res = build_index(panel, tiny_spec(), registry=reg, missing="drop_indicator")
    assert set(res.weights["indicator"]) == {"a", "b"}
    assert "c" in res.provenance["indicators_dropped"]
    res = build_index(panel, tiny_spec(), registry=reg, missing="impute", impute="unit_mean")
    imp = res.provenance["imputed_cells"]
    assert len(imp) == 1 and imp[0]["code"] == "13" and imp[0]["method"] == "unit_mean"
    value_2016 = panel[(panel.code == "13") & (panel.year == 2016) & (panel.indicator == "sc")].value.item()
    assert imp[0]["value"] == pytest.approx(value_2016)
    from gmindex.missing import MissingDataError

    with pytest.raises(MissingDataError, match="13 2017 c"):
        build_index(panel, tiny_spec(), registry=reg, missing="fail")


def test_unknown_option_lists_choices(reg):
    with pytest.raises(ValueError, match="normalization 'yearly' is not known; use one of: fixed, per_year, pooled"):
        build_index(tiny_panel(), tiny_spec(), registry=reg, normalization="yearly")
    with pytest.raises(ValueError, match="needs goalposts"):
        build_index(tiny_panel(), tiny_spec(), registry=reg, normalization="fixed")


def test_options_run_and_scores_in_unit_interval(reg):
    panel = tiny_panel(seed=3)
    variants = [
        {"normalization": "per_year"},
        {"weighting": "entropy_per_year"},
        {"weighting": "critic"},
        {"weighting": "equal"},
        {"weighting": "user", "weights": {"a": 1, "b": 2, "c": 1}},
        {"aggregation": "topsis"},
        {"hierarchy": "pillar"},
        {"max_weight": 0.4},
        {"shift": 0.01},
        {"normalization": "fixed", "reference_years": [2016]},
    ]
    for options in variants:
        res = build_index(panel, tiny_spec(), registry=reg, **options)
        s = res.scores["score"]
        assert s.between(0, 1).all() and s.notna().all(), options
        w = res.weights
        sums = w.groupby("year")["weight"].sum() if "year" in w else [w["weight"].sum()]
        np.testing.assert_allclose(sums, 1.0, atol=1e-12)


def test_fixed_goalposts_keep_earlier_scores_when_a_year_is_appended(reg):
    panel = tiny_panel(seed=5)
    spec = tiny_spec()
    first = build_index(panel[panel.year == 2016], spec.replace(years=[2016]), registry=reg,
                        normalization="fixed", reference_years=[2016])
    both = build_index(panel, spec, registry=reg, normalization="fixed", reference_years=[2016])
    old = both.scores[both.scores.year == 2016].reset_index(drop=True)
    pd.testing.assert_frame_equal(old[["code", "year", "score"]], first.scores[["code", "year", "score"]])
    # Reusing the goalposts of the first build gives the same.
    again = build_index(panel, spec, registry=reg, normalization="fixed", goalposts=first.goalposts,
                        weighting="user", weights=dict(zip(first.weights.indicator, first.weights.weight)))
    np.testing.assert_allclose(again.scores[again.scores.year == 2016]["score"], first.scores["score"])


def test_constant_indicator_weight_zero_with_warning(reg):
    values = {}
    rng = np.random.default_rng(1)
    for code in CODES:
        for year in YEARS:
            for s in ("sa", "sb", "sden", "sc"):
                values[(code, year, s)] = 5.0 if s == "sc" else rng.uniform(1, 10)
    with pytest.warns(ConstantIndicatorWarning):
        res = build_index(tiny_panel(values), tiny_spec(), registry=reg)
    assert res.weights.set_index("indicator").loc["c", "weight"] == 0
    assert any("constant" in n for s in res.log for n in s.notes)


@settings(max_examples=30, deadline=None)
@given(st.permutations(range(len(CODES) * len(YEARS) * 4)), st.integers(0, 50))
def test_property_row_order_of_panel_does_not_matter(perm, seed):
    reg = restrict_registry()
    panel = tiny_panel(seed=seed)
    a = build_index(panel, tiny_spec(), registry=reg)
    b = build_index(panel.iloc[list(perm)].reset_index(drop=True), tiny_spec(), registry=reg)
    pd.testing.assert_frame_equal(a.scores, b.scores)
    assert a.provenance["data_sha256"] == b.provenance["data_sha256"]


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 1000))
def test_property_direction_flip_reverses_contribution(seed):
    reg = restrict_registry()
    panel = tiny_panel(seed=seed)
    spec = tiny_spec()
    flipped = spec.replace(indicators=tuple(
        Indicator(**{**i.__dict__, "direction": "cost"}) if i.id == "a" else i for i in spec.indicators))
    za = build_index(panel, spec, registry=reg).normalized.query("indicator == 'a'")["value"].to_numpy()
    zf = build_index(panel, flipped, registry=reg).normalized.query("indicator == 'a'")["value"].to_numpy()
    np.testing.assert_allclose(za + zf, 1.0, atol=1e-12)


# --- the embedded default data -------------------------------------------------

def test_default_index_covers_30_provinces_2016_2020(default_result):
    res = default_result
    assert sorted(res.scores.year.unique()) == [2016, 2017, 2018, 2019, 2020]
    assert res.scores.groupby("year").code.nunique().tolist() == [30] * 5
    assert list(res.provenance["units_dropped"]) == ["54"]
    assert res.scores["score"].between(0, 1).all()
    assert abs(res.weights["weight"].sum() - 1) < 1e-12


def test_default_entropy_weights_match_scikit_criteria(default_result):
    skc = pytest.importorskip("skcriteria.preprocessing.weighters")
    z = default_result.normalized.pivot(index=["code", "year"], columns="indicator", values="value")
    z = z[default_result.weights["indicator"]].to_numpy()
    np.testing.assert_allclose(default_result.weights["weight"], skc.entropy_weights(z), atol=1e-10)


def test_default_build_is_deterministic(default_result):
    again = build_index(load_default_panel(), load_default_spec())
    pd.testing.assert_frame_equal(default_result.to_frame(), again.to_frame())
    assert default_result.provenance == again.provenance


def test_provenance_records_hashes_and_options(default_result):
    prov = default_result.provenance
    assert prov["spec_sha256"] and len(prov["data_sha256"]) == 64
    assert prov["options"]["weighting"] == "entropy"
    assert prov["data_sha256"] == panel_sha256(load_default_panel())
    cells = prov["cells"]
    assert cells["panel_rows"] == cells["outside_spec"] + cells["read_for_spec"]


def test_replay_changes_one_option(default_result):
    eq = default_result.replay(weighting="equal")
    assert eq.options["normalization"] == default_result.options["normalization"]
    np.testing.assert_allclose(eq.weights["weight"], 1 / len(eq.weights))
