"""Score shares and the roll-out decomposition of the rise (gmindex.decompose)."""

from __future__ import annotations

import pytest

from gmindex.datasets import data_dir, load_default_panel
from gmindex.decompose import pillar_rise, rise_decomposition, score_shares, transform_effect
from gmindex.index import build_index
from gmindex.spec import read_spec


@pytest.fixture(scope="module")
def default(default_result):
    return default_result  # the session's default index (tests/conftest.py)


@pytest.fixture(scope="module")
def flat8():
    return build_index(load_default_panel(), read_spec(data_dir() / "spec_flat8.toml"))


def test_shares_add_up_to_one_and_contributions_to_score(default):
    sh = score_shares(default)
    total = sh.groupby(["code", "year"])["share"].sum()
    assert total.to_numpy() == pytest.approx(1.0)
    contrib = sh.groupby(["code", "year"])["contribution"].sum()
    scores = default.scores.set_index(["code", "year"])["score"]
    assert contrib.to_numpy() == pytest.approx(scores.loc[contrib.index].to_numpy())


def test_pillar_parts_add_up_to_the_rise(default):
    parts = pillar_rise(default, 2016, 2020)
    m = default.scores.groupby("year")["score"].mean()
    assert parts["rise"].sum() == pytest.approx(m[2020] - m[2016])
    assert parts["share_of_rise"].sum() == pytest.approx(1.0)
    # the MIIT lists are zero in 2016 in every province: no 2016 contribution
    assert parts.set_index("pillar").loc["green_system", "contribution_start"] == 0.0


def test_old_default_roll_out_share(flat8):
    # measured on the old 8-indicator flat default before this change: 73 % of the rise
    rd = rise_decomposition(flat8, pillar="green_system")
    a = rd[rd["region"] == "all"].set_index("measure")
    assert a.loc["pillar_part", "share_of_default_rise"] == pytest.approx(0.726, abs=0.001)
    assert set(rd["region"]) == {"all", "east", "central", "west", "northeast"}


def test_old_default_small_bases_dominated(flat8):
    te = transform_effect(flat8, "green_factories_density", ["63", "65"], transformed=[])
    w = te[te["variant"] == "with_transform"].set_index("code")
    # Qinghai 78 %, Xinjiang 89 % of the 2020 score from green-factory density (brief numbers)
    assert w.loc["63", "share"] == pytest.approx(0.78, abs=0.005)
    assert w.loc["65", "share"] == pytest.approx(0.89, abs=0.005)
    assert w.loc["63", "rank"] == 8


def test_new_default_no_province_dominated_by_one_indicator(default, flat8):
    sh = score_shares(default)
    old = score_shares(flat8)
    old_gf = old[old["indicator"] == "green_factories_density"]
    assert (old_gf["share"] > 0.5).sum() >= 16  # the old default: 16 province-years
    # new default: the list densities never carry half a score, not even together; the
    # largest single share is energy intensity in a low 2016 score (Jiangxi, 51 %)
    gs = sh[sh["pillar"] == "green_system"].groupby(["code", "year"])["share"].sum()
    assert gs.max() < 0.5
    assert (sh["share"] > 0.5).sum() <= 1 and sh["share"].max() < 0.52
    te = transform_effect(default, "green_factories_density", ["63", "65", "64"])
    assert set(te["variant"]) == {"with_transform", "without_transform"}
    w = te[te["variant"] == "with_transform"]
    assert (w["share"] < 0.1).all()
