import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from gmindex.paper.coupling import (coupling_coordination, coupling_levels, coupling_pillars,
                                    coupling_with, per_capita_system)


def test_hand_case_two_systems():
    # U = (0.8, 0.2): C = sqrt(0.16)/0.5 = 0.8, T = 0.5, D = sqrt(0.4)
    c, t, d = coupling_coordination(np.array([[0.8, 0.2]]))
    assert c[0] == pytest.approx(0.8) and t[0] == pytest.approx(0.5)
    assert d[0] == pytest.approx(np.sqrt(0.4))


def test_product_formula_and_three_system_trap():
    u = np.array([[0.3, 0.6, 0.9]])
    c, _, _ = coupling_coordination(u)
    n = 3
    ref = (u.prod() / (u.sum() / n) ** n) ** (1 / n)
    assert c[0] == pytest.approx(ref)
    equal = np.array([[0.4, 0.4, 0.4]])
    assert coupling_coordination(equal)[0][0] == pytest.approx(1.0)
    trap = (0.4 ** 3 / ((0.8) ** 3)) ** (1 / 3)  # the copied form peaks at 0.5
    assert trap == pytest.approx(0.5)


@settings(max_examples=60, deadline=None)
@given(arrays(float, (5, 4), elements=st.floats(0, 1)))
def test_bounds(u):
    c, t, d = coupling_coordination(u)
    assert ((c >= -1e-12) & (c <= 1 + 1e-12)).all()
    assert ((d >= 0) & (d <= 1 + 1e-12)).all()


def test_levels_edges():
    lv = coupling_levels([0.0, 0.0999, 0.1, 0.5, 0.8999, 0.9, 1.0])
    assert lv.tolist() == ["extreme imbalance", "extreme imbalance", "serious imbalance",
                           "barely coordinated", "good coordination",
                           "high-quality coordination", "high-quality coordination"]


def test_bad_input():
    with pytest.raises(ValueError, match="two systems"):
        coupling_coordination(np.array([[0.5]]))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        coupling_coordination(np.array([[0.5, 2.0]]))
    with pytest.raises(ValueError, match="alpha"):
        coupling_coordination(np.array([[0.5, 0.5]]), alpha=[0.9, 0.9])


def test_default_index(default_result, default_panel):
    cp = coupling_pillars(default_result)
    assert len(cp.table) == len(default_result.scores)
    econ = per_capita_system(default_panel, years=default_result.options["years"],
                             codes=default_result.scores["code"].unique())
    cw = coupling_with(default_result, econ)
    row = cw.table.iloc[0]
    u1, u2 = row["index"], row["economy"]
    assert row["D"] == pytest.approx(np.sqrt(2 * np.sqrt(u1 * u2) / (u1 + u2) * (u1 + u2) / 2))
    reg = cw.by_region()
    assert set(reg["region"]) == {"east", "central", "west", "northeast"}
