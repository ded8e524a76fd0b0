"""Tests for gmindex.missing: every rule, and that every decision is recorded."""

import numpy as np
import pandas as pd
import pytest

from gmindex.missing import MissingDataError, apply_missing_rule


def matrix():
    idx = pd.MultiIndex.from_product([["11", "12", "54"], [2016, 2017, 2018]], names=["code", "year"])
    m = pd.DataFrame({"a": np.arange(9.0), "b": np.arange(9.0) * 2}, index=idx)
    m.loc[("12", 2017), "a"] = np.nan  # interior gap
    m.loc[("54", slice(None)), :] = np.nan  # no data at all
    return m


def test_complete_matrix_passes_through():
    m = matrix().dropna()
    m = m.drop(index="12", level="code")
    out = apply_missing_rule(m, rule="fail")
    assert out.missing.empty and out.matrix.equals(m)


def test_unit_without_any_data_is_always_dropped_and_said():
    out = apply_missing_rule(matrix(), rule="impute", impute="linear")
    assert out.dropped_units == {"54": "no data for any indicator"}
    assert out.imputed.to_dict("records") == [
        {"code": "12", "year": 2017, "indicator": "a", "value": 4.0, "method": "linear"}
    ]
    assert not out.matrix.isna().any().any()


def test_drop_rules():
    out = apply_missing_rule(matrix(), rule="drop_unit")
    assert sorted(out.dropped_units) == ["12", "54"]
    out = apply_missing_rule(matrix(), rule="drop_indicator")
    assert list(out.matrix.columns) == ["b"] and "a" in out.dropped_indicators
    assert len(out.missing) == 7


def test_fail_and_impossible_imputation_list_cells():
    with pytest.raises(MissingDataError, match="12 2017 a"):
        apply_missing_rule(matrix(), rule="fail")
    m = matrix()
    m.loc[("11", 2018), "b"] = np.nan  # edge gap: linear never extrapolates
    with pytest.raises(MissingDataError, match="11 2018 b"):
        apply_missing_rule(m, rule="impute", impute="linear")
    out = apply_missing_rule(m, rule="impute", impute="year_mean")
    assert out.imputed.set_index(["code", "year", "indicator"]).loc[("11", 2018, "b"), "value"] == 10.0  # only 12 has b in 2018


def test_unknown_rule():
    with pytest.raises(ValueError, match="unknown missing-data rule"):
        apply_missing_rule(matrix(), rule="guess")
