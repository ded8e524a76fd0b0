"""External validity against the NBS 2016 green development ranks (gmindex.validity)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from gmindex.datasets import data_dir, load_default_panel, load_default_spec
from gmindex.index import build_index
from gmindex.validity import (NBS_MEASURES, agreement_table, external_validity, load_nbs_ranks,
                              rank_auc, spearman_ci)


@pytest.fixture(scope="module")
def nbs():
    return load_nbs_ranks()


def test_transcribed_table_is_consistent(nbs):
    # the retrieved copy holds ranks 1-15 of the index, one row per province
    assert nbs["green_development_index"].tolist() == list(range(1, 16))
    assert nbs["code"].is_unique and "54" not in set(nbs["code"])
    for col in NBS_MEASURES:
        ranks = nbs[col].dropna()
        assert ranks.between(1, 31).all() and ranks.is_unique, col


def test_table_agrees_with_second_copy_top5(nbs):
    top5 = pd.read_csv(data_dir() / "raw" / "nbs_gdi_2016_top5.csv", dtype={"code": str})
    table = nbs.set_index("code")
    for measure, block in top5.groupby("measure"):
        listed = dict(zip(block["code"], block["rank"]))
        # every province of the table ranked 1-5 appears at that place in the Xinhua list
        for code, rank in table[measure].dropna().items():
            if rank <= 5:
                assert listed.get(code) == rank, (measure, code)
        # and every Xinhua top-5 province that is in the table has that rank there
        for code, rank in listed.items():
            if code in table.index and not pd.isna(table.loc[code, measure]):
                assert table.loc[code, measure] == rank, (measure, code)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(-100, 100), st.floats(-100, 100)), min_size=5, max_size=30,
                unique_by=(lambda t: t[0], lambda t: t[1])))
def test_spearman_matches_scipy_and_ci_brackets(pairs):
    x, y = zip(*pairs)
    r = spearman_ci(x, y)
    assert r["rho"] == pytest.approx(stats.spearmanr(x, y).statistic)
    if not np.isnan(r["ci_low"]):
        assert r["ci_low"] <= r["rho"] <= r["ci_high"]


def test_fisher_z_hand_computed():
    # n = 12: z = atanh(rho), se = sqrt((1 + rho^2 / 2) / (n - 3)), 95 % bounds tanh(z -/+ 1.96 se)
    x = list(range(12))
    y = [2, 0, 1, 5, 3, 4, 8, 6, 7, 11, 10, 9]
    r = spearman_ci(x, y)
    se = np.sqrt((1 + r["rho"] ** 2 / 2) / 9)
    z = np.arctanh(r["rho"])
    assert r["ci_low"] == pytest.approx(np.tanh(z - 1.959964 * se), abs=1e-6)
    assert r["ci_high"] == pytest.approx(np.tanh(z + 1.959964 * se), abs=1e-6)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 30), min_size=1, max_size=15),
       st.lists(st.integers(1, 30), min_size=1, max_size=15))
def test_auc_is_mann_whitney_u_over_pairs(a, b):
    u = stats.mannwhitneyu(b, a).statistic  # pairs where b > a (a better), ties one half
    assert rank_auc(a, b) == pytest.approx(u / (len(a) * len(b)))


def test_default_index_against_nbs(nbs):
    res = build_index(load_default_panel(), load_default_spec())
    ev = external_validity(res, nbs=nbs)
    main = ev[(ev["ours"] == "index") & (ev["nbs"] == "green_development_index")].iloc[0]
    assert main["n"] == 15
    assert -1 <= main["ci_low"] < main["estimate"] < main["ci_high"] <= 1
    auc = ev[ev["nbs"] == "green_development_index_top15"].iloc[0]
    assert auc["n"] == 30 and 0 <= auc["estimate"] <= 1
    table = agreement_table(res, nbs=nbs)
    assert table["our_rank_among_listed"].sort_values().tolist() == list(range(1, 16))
    # recomputed by hand: Spearman over the 15 listed provinces
    assert main["estimate"] == pytest.approx(
        stats.spearmanr(table["nbs_rank"], table["our_rank"]).statistic)
