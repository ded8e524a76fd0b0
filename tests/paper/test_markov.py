import numpy as np
import pandas as pd
import pytest

from gmindex.paper.markov import markov_chains


def _hand_counts(classes):
    k = classes.max() + 1
    c = np.zeros((k, k))
    for row in classes:
        for a, b in zip(row[:-1], row[1:]):
            c[a, b] += 1
    return c


def test_default_counts_by_hand(default_result):
    res = markov_chains(default_result.scores)
    wide = default_result.scores.pivot(index="code", columns="year", values="score")
    rel = (wide / wide.mean()).to_numpy()
    cuts = np.quantile(rel.ravel(), [0.25, 0.5, 0.75])
    np.testing.assert_allclose(res.cutoffs, cuts)
    classes = np.searchsorted(cuts, rel, side="left")  # mapclassify: x <= cut goes below
    np.testing.assert_array_equal(res.classic_counts.to_numpy(), _hand_counts(classes))
    p = res.classic.to_numpy()
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    # spatial counts add up to the classic counts
    sp = res.spatial.groupby(["from_class", "to_class"])["count"].sum().unstack().to_numpy()
    np.testing.assert_array_equal(sp, res.classic_counts.to_numpy())
    assert 0 <= res.tests["Q_p_value"] <= 1 and res.tests["dof"] > 0
    up = res.upward()
    assert set(up["lag_class"]) >= {"all", 1}


def test_user_cutoffs_and_levels(default_result):
    res = markov_chains(default_result.scores, values="level", cutoffs=[0.1, 0.2])
    assert res.k == 3 and res.cutoffs == (0.1, 0.2)
    assert res.params["cutoffs"] == "user"


def test_unbalanced_panel_is_an_error(default_result):
    s = default_result.scores.iloc[1:]
    with pytest.raises(ValueError, match="balanced"):
        markov_chains(s)
    with pytest.raises(ValueError, match="values"):
        markov_chains(default_result.scores, values="share")
