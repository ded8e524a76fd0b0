"""Tests for gmindex.robustness: determinism, identity with build_index, the Dirichlet
perturbation, vectorised TOPSIS, leave-one-out and the summary frames."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gmindex.index import build_index
from gmindex.robustness import (
    FACTORS,
    RobustnessResult,
    baseline_choices,
    default_choices,
    dirichlet_from_uniforms,
    first_order_shares,
    monte_carlo,
    plot_rank_uncertainty,
    plot_sensitivity,
    topsis_many,
)
from gmindex.topsis import topsis_closeness


# Short names for the session-wide default inputs and index (tests/conftest.py).
@pytest.fixture(scope="module")
def panel(default_panel):
    return default_panel


@pytest.fixture(scope="module")
def spec(default_spec):
    return default_spec


@pytest.fixture(scope="module")
def base(panel, spec):
    # Flat pooled entropy, whatever the default spec's [index] method says: the hand checks
    # below (equal weights = column means, entropy weights) are of the flat index.
    return build_index(panel, spec, hierarchy="flat")


@pytest.fixture(scope="module")
def mc(base):
    return monte_carlo(base, draws=200, seed=7)


def fixed(**kw):
    """Choices fixing every factor at one value (defaults: the default index)."""
    values = {"normalization": "pooled", "weighting": "entropy", "aggregation": "sum",
              "shift": 0.0, "leave_out": "none", "missing": "drop_unit"}
    values.update(kw)
    return values


def aligned(result, mc_result):
    """Baseline-style scores frame reindexed to the rows of a Monte Carlo result."""
    keys = pd.MultiIndex.from_frame(mc_result.keys)
    return result.scores.set_index(["code", "year"]).reindex(keys)


def test_same_seed_identical_frames(base, mc):
    again = monte_carlo(base, draws=200, seed=7)
    for name in ("draws", "rank_intervals", "orderings", "gaps", "sensitivity", "effects"):
        pd.testing.assert_frame_equal(getattr(mc, name), getattr(again, name))
    np.testing.assert_array_equal(mc.ranks, again.ranks)
    np.testing.assert_array_equal(mc.scores, again.scores)
    other = monte_carlo(base, draws=200, seed=8)
    assert not mc.draws[list(FACTORS)].equals(other.draws[list(FACTORS)])


def test_baseline_choices_reproduce_build_index_exactly(base):
    res = monte_carlo(base, draws=25, seed=1, choices=baseline_choices(base))
    ref = aligned(base, res)
    assert len(res.keys) == 150 and "54" not in set(res.keys["code"])
    for d in range(25):
        np.testing.assert_array_equal(res.ranks[:, d], ref["rank"].to_numpy())
        np.testing.assert_array_equal(res.scores[:, d], ref["score"].to_numpy())
    assert (res.rank_intervals["q05"] == res.rank_intervals["baseline_rank"]).all()
    assert (res.rank_intervals["mean_abs_shift"] == 0).all()
    # One configuration: the ordering either always or never holds, as in the baseline.
    assert set(res.orderings["share"]) <= {0.0, 1.0}
    assert (res.orderings["share"] == res.orderings["baseline_holds"].astype(float)).all()
    assert res.sensitivity.empty


@pytest.mark.parametrize("hierarchy", ["flat", "pillar"])
def test_engine_equals_build_index_for_every_configuration(panel, spec, hierarchy):
    """The engine runs the stage functions of build_index: each configuration, bit for bit."""
    extra = ({"hierarchy": "flat"} if hierarchy == "flat" else
             {"hierarchy": "pillar", "pillar_weighting": "entropy_floor", "pillar_floor": 0.1})
    weightings = ["entropy", "equal", "critic"] + (["entropy_per_year"] if hierarchy == "flat" else [])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = build_index(panel, spec, **extra)
        space = {"normalization": ["pooled", "per_year", "fixed"], "weighting": weightings,
                 "aggregation": ["sum", "topsis"], "shift": [0.0, 0.01], "leave_out": "none",
                 "missing": "drop_unit"}
        res = monte_carlo(start, draws=400, seed=0, choices=space)
        factors = ["normalization", "weighting", "aggregation", "shift"]
        firsts = res.draws.drop_duplicates(subset=factors)
        assert len(firsts) == 3 * len(weightings) * 2 * 2
        for row in firsts.itertuples():
            fixed_years = {"reference_years": [2016]} if row.normalization == "fixed" else {}
            ref = build_index(panel, spec, normalization=row.normalization, weighting=row.weighting,
                              aggregation=row.aggregation, shift=row.shift, **fixed_years, **extra)
            got = aligned(ref, res)
            np.testing.assert_array_equal(res.scores[:, row.draw], got["score"].to_numpy())
            np.testing.assert_array_equal(res.ranks[:, row.draw], got["rank"].to_numpy())


def test_leave_one_indicator_out_drops_it(base, panel, spec):
    drop = "invention_patents_per_capita"
    res = monte_carlo(base, draws=2, seed=0,
                      choices=fixed(weighting="equal", leave_out=f"indicator:{drop}"))
    # Independent check: equal weights over the other seven pooled min-max columns.
    z = base.normalized.pivot(index=["code", "year"], columns="indicator", values="value")
    expected = z.drop(columns=drop).mean(axis=1).reindex(pd.MultiIndex.from_frame(res.keys))
    np.testing.assert_allclose(res.scores[:, 0], expected.to_numpy(), rtol=1e-12)
    # And the same as rebuilding with the indicator removed from the spec.
    ref = build_index(panel, spec.without(drop), weighting="equal", hierarchy="flat")
    np.testing.assert_array_equal(res.ranks[:, 0], aligned(ref, res)["rank"].to_numpy())


def test_leave_one_pillar_out_drops_all_its_indicators(base, panel, spec):
    res = monte_carlo(base, draws=2, seed=0, choices=fixed(leave_out="pillar:innovation"))
    innovation = [i.id for i in spec.indicators if i.pillar == "innovation"]
    assert len(innovation) == 3
    ref = build_index(panel, spec.without(*innovation), hierarchy="flat")
    np.testing.assert_array_equal(res.scores[:, 0], aligned(ref, res)["score"].to_numpy())


def test_infinite_concentration_gives_entropy_weights(base):
    choice = fixed(weighting="perturbed_entropy", aggregation="topsis")
    exact = monte_carlo(base, draws=5, seed=3, choices=choice, concentration=math.inf)
    ref = monte_carlo(base, draws=1, seed=3, choices=fixed(aggregation="topsis"))
    for d in range(5):
        np.testing.assert_array_equal(exact.scores[:, d], ref.scores[:, 0])
    near = monte_carlo(base, draws=5, seed=3, choices=choice, concentration=1e12)
    np.testing.assert_allclose(near.scores, np.repeat(ref.scores, 5, axis=1), atol=1e-5)
    loose = monte_carlo(base, draws=5, seed=3, choices=choice, concentration=20.0)
    assert np.abs(loose.scores - ref.scores).max() > 1e-3


def test_dirichlet_from_uniforms_has_dirichlet_moments():
    center = np.array([0.5, 0.3, 0.2, 0.0])
    c = 40.0
    u = np.random.default_rng(11).random((40000, 4))
    w = dirichlet_from_uniforms(center, c, u)
    np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=1e-12)
    assert (w[:, 3] == 0).all()
    np.testing.assert_allclose(w.mean(axis=0), center, atol=3e-3)
    var = center * (1 - center) / (c + 1)
    np.testing.assert_allclose(w.var(axis=0), var, rtol=0.05, atol=1e-12)
    # Independent sampler, same distribution: compare with numpy's Dirichlet.
    ref = np.random.default_rng(12).dirichlet(c * center[:3], size=40000)
    np.testing.assert_allclose(np.quantile(w[:, 0], [0.1, 0.5, 0.9]),
                               np.quantile(ref[:, 0], [0.1, 0.5, 0.9]), atol=6e-3)


@settings(max_examples=40, deadline=None)
@given(
    z=arrays(float, (9, 3), elements=st.floats(0, 1)),
    w=arrays(float, (4, 3), elements=st.floats(0, 1)),
    per_group=st.booleans(),
)
def test_topsis_many_equals_topsis_closeness(z, w, per_group):
    groups = np.repeat([1, 2, 3], 3) if per_group else None
    got = topsis_many(z, w, groups=groups)
    for d in range(len(w)):
        np.testing.assert_allclose(got[:, d], topsis_closeness(z, w[d], groups=groups),
                                   rtol=1e-9, atol=1e-9)


def test_shares_and_intervals_are_well_formed(mc):
    assert mc.orderings["share"].between(0, 1).all()
    assert mc.gaps["share_positive"].between(0, 1).all()
    fo = mc.sensitivity["first_order"].dropna()
    assert len(fo) and fo.between(0, 1).all()
    ri = mc.rank_intervals
    assert ((ri["q05"] <= ri["median"]) & (ri["median"] <= ri["q95"])).all()
    assert ((ri["min"] >= 1) & (ri["max"] <= 30)).all()
    assert (ri["n_draws"] == 200).all()
    # The pairwise ordering share is the share of positive gaps.
    pairs = mc.orderings[mc.orderings["ordering"].str.count(">") == 1]
    gap = mc.gaps.assign(ordering=mc.gaps["gap"].str.replace(" - ", " > "))
    merged = pairs.merge(gap, on=["scheme", "year", "ordering"])
    np.testing.assert_allclose(merged["share"], merged["share_positive"])
    # The chain holds no more often than any of its links.
    chain = mc.orderings[mc.orderings["ordering"] == "east > central > west"]
    link = mc.orderings[mc.orderings["ordering"] == "central > west"]
    assert (chain["share"].to_numpy() <= link["share"].to_numpy() + 1e-12).all()
    assert set(mc.orderings["scheme"]) == {"region3", "region4"}


def test_draws_follow_the_choice_space(mc, spec):
    space = default_choices(spec)
    assert set(mc.draws["weighting"]) == set(space["weighting"])
    assert mc.draws["missing"].eq("drop_unit").all()
    share_none = (mc.draws["leave_out"] == "none").mean()
    assert 0.4 < share_none < 0.6
    assert mc.draws["shift"].isin([0.0, 0.0001, 0.01]).all()
    assert any("green_factories_density" in n for n in mc.notes)
    assert any("54" in n for n in mc.notes)


def test_figure_frames_and_plots(mc):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frame = mc.rank_uncertainty_frame()
    assert frame.columns.tolist() == ["code", "name", "region", "median", "lo", "hi", "baseline"]
    assert len(frame) == 30 and frame["median"].is_monotonic_increasing
    sens = mc.sensitivity_frame()
    totals = sens.groupby("output")["first_order"].sum()
    np.testing.assert_allclose(totals, 1.0, atol=1e-9)
    ax = plot_rank_uncertainty(mc)
    assert len(ax.get_yticks()) == 30
    ax2 = plot_sensitivity(mc, output="mean_rank_shift")
    assert len(ax2.patches) == len(sens[sens["output"] == "mean_rank_shift"])
    plt.close("all")
    assert "east > central > west" in mc.summary()


def test_first_order_shares_hand_cases():
    x = np.repeat([0, 1, 2], 40)
    y = np.column_stack([
        x * 3.0,                          # fully explained
        np.tile([0.0, 1.0], 60),          # independent of x
        x + np.tile([0.0, 1.0], 60),      # between variance 2/3 over total 2/3 + 1/4
        np.where(x == 0, np.nan, x),      # absent in some draws: use the rest
        np.ones(120),                     # constant: undefined
    ])
    s = first_order_shares(x, y)
    assert s[0] == pytest.approx(1.0)
    assert s[1] == 0.0
    assert s[2] == pytest.approx((2 / 3) / (2 / 3 + 1 / 4), abs=0.02)
    assert s[3] == pytest.approx(1.0)
    assert np.isnan(s[4])


def test_missing_choice_can_bring_a_unit_back(base):
    res = monte_carlo(base, draws=60, seed=2,
                      choices=fixed(missing={"drop_unit": 0.5, "impute:year_mean": 0.5}))
    tibet = res.rank_intervals[res.rank_intervals["code"] == "54"]
    assert len(tibet) == 5 and tibet["baseline_rank"].isna().all()
    imputed = (res.draws["missing"] == "impute:year_mean").sum()
    assert (tibet["n_draws"] == imputed).all() and 0 < imputed < 60
    assert res.rank_intervals["max"].max() <= 31
    with pytest.raises(ValueError, match="cannot fill"):
        monte_carlo(base, draws=3, seed=2, choices=fixed(missing="impute:linear"))


def test_bad_input_is_named(base, panel, spec):
    with pytest.raises(ValueError, match="unknown choice factor"):
        monte_carlo(base, draws=3, choices={"weights": ["equal"]})
    with pytest.raises(ValueError, match="unknown value"):
        monte_carlo(base, draws=3, choices={"weighting": ["entropy", "pca"]})
    with pytest.raises(ValueError, match="sum to 1"):
        monte_carlo(base, draws=3, choices={"aggregation": {"sum": 0.5, "topsis": 0.2}})
    with pytest.raises(ValueError, match="leave_out"):
        monte_carlo(base, draws=3, choices={"leave_out": ["indicator:nope"]})
    with pytest.raises(ValueError, match="weighting='user'"):
        monte_carlo(build_index(panel, spec, weighting="user",
                                weights=dict.fromkeys(spec.indicator_ids, 1 / 8)), draws=3)
    with pytest.raises(TypeError, match="IndexResult"):
        monte_carlo(panel, draws=3)


def test_tuple_source_and_repr(panel, spec):
    res = monte_carlo((panel, spec), draws=10, seed=0)
    assert isinstance(res, RobustnessResult)
    assert "10 draws" in repr(res)
    assert len(res.ranks_long()) == 10 * 150


def test_tables_metadata_and_progress(base):
    import json

    res = monte_carlo(base, draws=8, seed=4, progress=True)
    tables = res.tables()
    assert set(tables) >= {"robustness_draws", "robustness_rank_intervals", "robustness_orderings",
                           "robustness_gaps", "robustness_sensitivity", "robustness_effects"}
    meta = json.loads(json.dumps(res.metadata()))
    assert meta["draws"] == 8 and meta["seed"] == 4 and meta["base_year"] == 2016
    assert meta["choices"]["shift"] == {"0.0": pytest.approx(1 / 3), "0.0001": pytest.approx(1 / 3),
                                        "0.01": pytest.approx(1 / 3)}


# --- indicator systems ------------------------------------------------------------


def test_indicator_systems_of_the_default_spec(spec):
    from gmindex.robustness import indicator_systems

    systems = indicator_systems(spec)
    assert list(systems)[0] == "default" and systems["default"] is spec
    innovation = [i.id for i in spec.indicators if i.pillar == "innovation"]
    kept = systems["without_pillar:innovation"].indicator_ids
    assert not set(innovation) & set(kept) and len(kept) == len(spec.indicators) - len(innovation)
    assert len(systems) == 1 + len(spec.pillar_ids) + sum(i.optional for i in spec.indicators) \
        + len(spec.alternatives) + (sum(i.optional for i in spec.indicators) > 1)


def test_orderings_by_system_designs(base, mc):
    from gmindex.datasets import data_dir
    from gmindex.spec import read_spec

    alt = read_spec(data_dir() / "spec_alternative.toml")
    res = monte_carlo(base, draws=200, seed=7, systems={"alternative": alt})
    # The main draws do not depend on the systems option.
    pd.testing.assert_frame_equal(res.draws, mc.draws)
    np.testing.assert_array_equal(res.ranks, mc.ranks)
    table = res.orderings_by_system
    assert table.columns.tolist() == ["year", "ordering", "varied", "share", "n_draws"]
    assert set(table["varied"]) == {"systems", "methods", "both"}
    assert table["share"].between(0, 1).all()
    n_systems = len(res.systems)
    assert "spec:alternative" in res.systems and res.systems["spec:alternative"] == "gmi_alternative"
    per = table.set_index(["year", "ordering", "varied"])["n_draws"]
    # The alternative spec ends in 2019: it is absent from the 2020 rows.
    assert per[(2019, "east > west", "systems")] == n_systems
    assert per[(2020, "east > west", "systems")] == n_systems - 1
    assert per[(2016, "east > west", "methods")] == 200
    # "methods" is the main Monte Carlo: the same share as its region4 pair.
    east_west = mc.orderings.query("scheme == 'region4' and ordering == 'east > west'").set_index("year")
    for year, share in east_west["share"].items():
        assert table.query("year == @year and ordering == 'east > west' and varied == 'methods'")[
            "share"].item() == pytest.approx(share)
    meta = res.metadata()
    assert meta["system_draws"] == 200 and meta["systems"]["default"] == "gmi_default"
    assert "robustness_orderings_by_system" in res.tables()
    assert len(res.system_draws) == 200 and set(res.system_draws["system"]) <= set(res.systems)


def test_systems_design_equals_build_index_per_system(base, panel, spec):
    """varied="systems": each system once, built with the baseline methods, as build_index does."""
    from gmindex.robustness import indicator_systems
    from gmindex.robustness.systems import ORDERINGS, ordering_holds

    res = monte_carlo(base, draws=3, seed=2, systems=True)
    order = ("east", "central", "west", "northeast")
    holds = []
    for system in indicator_systems(spec).values():
        means = build_index(panel, system, hierarchy="flat").to_frame().groupby(["year", "region4"])["score"].mean()
        holds.append(ordering_holds(means.unstack()[list(order)].to_numpy()[None], order))
    got = res.orderings_by_system.query("varied == 'systems'")
    for t, year in enumerate(spec.years):
        for name in ORDERINGS:
            expect = np.mean([h[name][0, t] for h in holds])
            assert got.query("year == @year and ordering == @name")["share"].item() == expect


def test_optional_indicators_and_alternatives_become_systems(base, panel, spec):
    import dataclasses

    from gmindex.datasets import data_dir
    from gmindex.robustness import indicator_systems
    from gmindex.spec import Alternative, read_spec

    extended = read_spec(data_dir() / "spec_alternative.toml")
    elec = extended.indicator("electricity_intensity")
    alt = Alternative(**{f.name: getattr(elec, f.name) for f in dataclasses.fields(elec)},
                      replaces="energy_intensity")
    optional = {"hightech_nps_gdp", "env_spending_share"}
    spec2 = spec.replace(
        indicators=tuple(dataclasses.replace(i, optional=i.id in optional) for i in spec.indicators),
        alternatives=(alt,),
        series=spec.series + tuple(s for s in extended.series if s.id == elec.numerator),
    )
    systems = indicator_systems(spec2)
    assert [n for n in systems if not n.startswith("without_pillar:")] == [
        "default", "without_optional:hightech_nps_gdp", "without_optional:env_spending_share",
        "without_optional:all", "alternative:electricity_intensity"]
    assert "electricity_intensity" in systems["alternative:electricity_intensity"].indicator_ids
    assert "energy_intensity" not in systems["alternative:electricity_intensity"].indicator_ids
    assert not optional & set(systems["without_optional:all"].indicator_ids)
    res = monte_carlo(build_index(panel, spec2, hierarchy="flat"), draws=50, seed=3, systems=True)
    assert set(res.systems) == set(systems)
    swapped = build_index(panel, systems["alternative:electricity_intensity"])
    # Shandong (37) has no electricity in 2020: drop_unit removes it from that system only.
    assert "37" in swapped.provenance["units_dropped"]
    assert res.orderings_by_system.query("varied == 'systems'")["n_draws"].eq(len(systems)).all()
