"""Tests for gmindex.validation: every problem type, the report and DataError."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from gmindex.validation import (
    PROBLEM_COLUMNS,
    DataError,
    Problem,
    ValidationReport,
    check_panel,
    panel_schema,
    validate_file,
)

IND = "energy_consumption_10k_tce"


def spec(years=(2019, 2020)):
    series = [SimpleNamespace(id=IND, unit="万吨标准煤"),
              SimpleNamespace(id="net_exports", unit="亿元", allow_negative=True)]
    return SimpleNamespace(series=series, years=years, indicators=())


def panel(rows):
    return pd.DataFrame(rows, columns=["code", "year", "indicator", "value"])


def texts(report, severity="error"):
    frame = report.errors if severity == "error" else report.warnings
    return frame["problem"].tolist()


def test_clean_panel_is_ok():
    report = check_panel(panel([["11", 2019, "x", 1.0], ["12", 2019, "x", 0.0]]))
    assert report.ok
    assert report.problems.empty
    assert list(report.problems.columns) == list(PROBLEM_COLUMNS)
    assert report.raise_if_errors() is report
    assert report.summary() == "<data>: 0 errors, 0 warnings"


def test_all_problems_at_once():
    df = panel([
        ["11", 2019, IND, 1.0],
        ["11", 2019, IND, 2.0],        # duplicate
        ["99", 2019, IND, 1.0],        # unknown code
        ["12", 1800, IND, 1.0],        # year out of range
        ["13", 2019, IND, -5.0],       # negative
        ["14", 2019, IND, "abc"],      # not a number
        ["15", 2019.5, IND, 1.0],      # fractional year
        ["21", 2019, IND, np.nan],     # missing value
        ["22", 2019, IND, np.inf],     # infinite
    ])
    report = check_panel(df, source="p.csv")
    problems = texts(report)
    assert len(problems) == 8
    joined = "\n".join(problems)
    for fragment in [
        "duplicate province-year-indicator (conflicting values): index 0 (value 1.0) and "
        "index 1 (value 2.0)",
        "unknown province code '99' (1 row: index 2)",
        "year 1800 outside 1949-2100 (index 3)",
        "negative value -5.0 (index 4) where the series cannot be negative",
        "not a number: 'abc' (index 5)",
        "year 2019.5 is not a whole number (index 6)",
        "value is missing (NaN) (index 7)",
        "value is infinite (inf) (index 8)",
    ]:
        assert fragment in joined
    assert set(report.errors["file"]) == {"p.csv"}


def test_province_name_instead_of_code_gets_the_code_suggested():
    report = check_panel(panel([["Shanxi", 2019, "x", 1.0]]))
    (row,) = report.errors.to_dict("records")
    assert row["problem"] == "'Shanxi' is a province name, not a code (1 row: index 0)"
    assert row["suggestion"].startswith("use code '14' for Shanxi")


def test_integer_codes_are_accepted():
    report = check_panel(pd.DataFrame({"code": [11, 12], "year": [2019, 2019],
                                       "indicator": "x", "value": [1.0, 2.0]}))
    assert report.ok


def test_unknown_code_suggestion_and_grouping():
    report = check_panel(panel([["Shanxii", 2019, "x", 1.0], ["Shanxii", 2020, "x", 1.0]]))
    (row,) = report.errors.to_dict("records")
    assert row["problem"] == "unknown province code 'Shanxii' (2 rows: index 0, index 1)"
    assert "closest known: Shanxi" in row["suggestion"]


def test_missing_columns():
    report = check_panel(pd.DataFrame({"code": ["11"], "value": [1.0]}), source="f.csv")
    assert texts(report) == ["missing column(s) year, indicator; found code, value"]


def test_negative_allowed_by_option_or_spec():
    df = panel([["11", 2019, "net_exports", -1.0], ["11", 2019, "x", -1.0]])
    assert len(check_panel(df).errors) == 2
    assert texts(check_panel(df, allow_negative=["x"])) == [
        "negative value -1.0 (index 0) where the series cannot be negative"]
    report = check_panel(df, spec=spec())
    assert [e for e in texts(report) if "negative" in e] == [
        "negative value -1.0 (index 1) where the series cannot be negative"]


def test_unit_mismatch_and_unknown_indicator_and_coverage():
    df = panel([["11", 2019, IND, 1.0], ["11", 2020, IND, 1.0], ["12", 2019, IND, 1.0],
                ["11", 2019, "co2", 3.0]])
    df["unit"] = ["万吨标准煤", "万吨 标准煤", "吨标准煤", "Mt"]
    report = check_panel(df, spec=spec(), registry=_two_province_registry())
    assert texts(report) == [
        "unit '吨标准煤' does not match the spec unit '万吨标准煤' (1 row: index 2)"]
    warnings = texts(report, "warning")
    assert "indicator 'co2' is not a series of the spec (1 row: index 3); it is not used" in warnings
    assert f"coverage: no {IND} for Tianjin (12) in 2020" in warnings
    assert "series 'net_exports' of the spec has no data for 2019-2020" in warnings
    assert len(warnings) == 3
    # The build requires every series of the spec: then it is one error.
    built = check_panel(df, spec=spec(), registry=_two_province_registry(), require_series=True)
    assert "series 'net_exports' of the spec has no data" in texts(built)


def test_coverage_years_option_overrides_spec():
    df = panel([["11", 2019, IND, 1.0], ["12", 2019, IND, 1.0]])
    reg = _two_province_registry()
    assert check_panel(df, registry=reg, years=[2019]).problems.empty
    warnings = texts(check_panel(df, registry=reg, years=[2016, 2017, 2019]), "warning")
    # One warning per series and set of absent years, naming the units.
    assert warnings == [f"coverage: no {IND} for Beijing (11), Tianjin (12) in 2016-2017"]


def _two_province_registry():
    from gmindex.provinces import Registry

    table = pd.DataFrame({"code": ["11", "12"], "name_en": ["Beijing", "Tianjin"]})
    return Registry(table, source="two.csv")


def test_source_columns_give_file_rows_and_labels():
    df = panel([["14", 2019, IND, 1.0], ["14", 2019, IND, 2.0]])
    df["source_file"] = ["a.csv", "b.xlsx, sheet 'S'"]
    df["source_row"] = [5, 9]
    df["source_column"] = ["value", "2019 (C)"]
    df["source_label"] = ["山西", "Shanxi"]
    (row,) = check_panel(df).errors.to_dict("records")
    assert row["problem"] == (
        "duplicate province-year-indicator (conflicting values): a.csv row 5 ('山西', value 1.0)"
        " and b.xlsx, sheet 'S' row 9 ('Shanxi', value 2.0)")
    assert "Shaanxi (61, 陕西)" in row["suggestion"]
    assert row["file"] == "b.xlsx, sheet 'S'" and row["row"] == 9


def test_report_summary_and_raise():
    report = check_panel(panel([["99", 2019, "x", 1.0]]), source="f.csv")
    assert not report.ok
    summary = report.summary()
    assert summary.startswith("f.csv: 1 errors, 0 warnings\n  error: f.csv, column 'code', "
                              "province '99': unknown province code '99'")
    with pytest.raises(DataError, match="unknown province code '99'") as info:
        report.raise_if_errors()
    assert len(info.value.problems) == 1
    assert str(report) == summary
    frame = report.to_frame()
    frame.loc[0, "problem"] = "changed"
    assert report.problems.loc[0, "problem"] != "changed"


def test_report_is_frozen_and_sorted_errors_first():
    report = ValidationReport.from_problems([
        Problem("warning", "w", file="b", row=1),
        Problem("error", "e2", file="b", row=3),
        Problem("error", "e1", file="a", row=7),
    ])
    assert report.problems["problem"].tolist() == ["e1", "e2", "w"]
    with pytest.raises(AttributeError):
        report.source = "x"


def test_data_error_message_lists_and_caps():
    problems = [Problem("error", f"p{i}", "fix it", file="f.csv", row=i + 2) for i in range(12)]
    message = str(DataError(problems))
    assert message.splitlines()[0] == "12 problems (12 errors):"
    assert "  - f.csv, row 2: p0. Fix: fix it" in message
    assert "... and 2 more" in message
    assert isinstance(DataError("x"), ValueError)
    assert DataError("plain").problems[0].problem == "plain"
    with pytest.raises(ValueError):
        Problem("fatal", "x")


def test_panel_schema_is_a_pandera_schema():
    import pandera.errors

    schema = panel_schema(codes=["11"])
    schema.validate(panel([["11", 2019, "x", 1.0]]))
    with pytest.raises(pandera.errors.SchemaError):
        schema.validate(panel([["12", 2019, "x", 1.0]]))


def test_check_panel_needs_a_frame():
    with pytest.raises(TypeError, match="needs a pandas DataFrame"):
        check_panel([1, 2])


def test_validate_file_several_files_and_unreadable(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("code,year,indicator,value\n11,2019,x,1\n", encoding="utf-8")
    dup = tmp_path / "dup.csv"
    dup.write_text("code,year,indicator,value\n北京,2019,x,2\n", encoding="utf-8")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    report = validate_file([good, dup, empty])
    assert sorted(texts(report)) == [
        f"duplicate province-year-indicator (conflicting values): {good} row 2 "
        f"('11', value 1.0) and {dup} row 2 ('北京', value 2.0)",
        "the file is empty (no cells with data)",
    ]
    assert len(report.read_reports) == 2


def test_validate_file_with_the_default_spec_and_panel():
    from gmindex.datasets import default_panel_path, default_spec_path

    report = validate_file(default_panel_path(), spec=default_spec_path())
    assert report.ok, report.summary()
    coverage = [w for w in texts(report, "warning") if w.startswith("coverage")]
    assert any("Tibet (54)" in w for w in coverage)


def test_validate_file_reports_bad_reader_options(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("地区,2019\n北京,1\n", encoding="utf-8")
    report = validate_file(path, layout="years")
    assert texts(report) == ["layout='years' (years as columns) needs indicator='<series id>'"]


# --------------------------------------------------------------------------- vectorised checks
# check_panel works on whole columns and distinct values; each shortcut is
# checked here against the plain pandas operation it replaces.

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(st.sampled_from(["11", "12", "99", ""]),
                               st.sampled_from([2019, 1800, 2200, None]),
                               st.sampled_from([1.0, 0.0, -1.0, np.inf, -np.inf, -0.0])),
                     min_size=0, max_size=40))
def test_schema_on_suspect_rows_reports_as_on_the_whole_panel(rows):
    from gmindex.validation import _bad_number, _schema_failures, _year_out_of_range

    frame = pd.DataFrame(rows, columns=["code", "year", "value"])
    frame["code"] = frame["code"].astype(object)
    frame["year"] = frame["year"].astype("Int64")
    frame["value"] = frame["value"].astype(float)
    codes = ["11", "12"]
    suspect = (~frame["code"].isin(codes).to_numpy() | _year_out_of_range(frame["year"])
               | _bad_number(frame["value"]))
    whole = _schema_failures(frame, codes)
    pd.testing.assert_frame_equal(_schema_failures(frame[suspect], codes), whole)
    assert set(whole["index"]) <= set(frame.index[suspect])


@pytest.mark.parametrize("index", [None, [5, 3, 9, 0], ["a", "b", "c", "d"], [0.0, 1.0, 2.5, 3.0]])
def test_locator_cell_lookup_matches_frame_at(index):
    from gmindex.validation import _Locator

    frame = pd.DataFrame({
        "code": pd.array(["11", None, "12", "13"], dtype="str"),
        "year": pd.array([2019, None, 2020, 2021], dtype="Int64"),
        "value": [1.5, np.nan, -0.0, 3.0],
        "other": [1, "x", None, 2.5],
    })
    if index is not None:
        frame.index = index
    loc = _Locator(frame, "<data>", default_registry_for_tests())
    for idx in frame.index:
        for column in frame.columns:
            got, want = loc.at(idx, column), frame.at[idx, column]
            assert type(got) is type(want) and (got is want or got == want or
                                                (pd.isna(got) and pd.isna(want)))
    loc.set("value", frame["value"] * 2)
    assert loc.at(frame.index[0], "value") == 3.0


def default_registry_for_tests():
    from gmindex.provinces import default_registry

    return default_registry()


@settings(max_examples=60, deadline=None)
@given(keys=st.lists(st.tuples(st.integers(0, 3), st.sampled_from([2019, 2020, 10**12]),
                               st.integers(0, 2), st.booleans()), max_size=30))
def test_duplicated_rows_match_pandas(keys):
    from gmindex.validation import _duplicated_rows

    frame = pd.DataFrame(keys, columns=["code", "year", "indicator", "usable"])
    usable = frame["usable"].to_numpy(dtype=bool)
    got = _duplicated_rows(frame["code"].to_numpy(dtype=np.int64),
                           frame["year"].astype("Int64"),
                           frame["indicator"].to_numpy(dtype=np.int64), usable)
    want = np.zeros(len(frame), dtype=bool)
    sub = frame[usable]
    want[usable] = sub[["code", "year", "indicator"]].duplicated(keep=False).to_numpy()
    assert got.tolist() == want.tolist()


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.sampled_from([1.0, 2.0, 0.0, -0.0, np.nan, np.inf]), min_size=1,
                       max_size=6))
def test_count_values_matches_nunique(values):
    from gmindex.locate import Locator as _Locator, _count_values

    frame = pd.DataFrame({"value": values})
    loc = _Locator(frame, "<data>", default_registry_for_tests())
    idx = list(frame.index)
    assert _count_values(loc, idx, True) == frame.loc[idx, "value"].nunique(dropna=False)


@pytest.mark.parametrize("values", [
    pd.Series(["11", " 11 ", None, "12", np.nan]),
    pd.Series([11, 11.0, 12.5, np.nan, -0.0], dtype=object),
    pd.Series([11.0, -0.0, 0.0, np.nan]),
    pd.Series([True, 1, 1.0, "1"], dtype=object),
    pd.Series(pd.Categorical(["11", None, "12"])),
    pd.Series([], dtype=object),
])
def test_distinct_text_matches_a_plain_map(values):
    from gmindex.spec_checks import code_text as _code_text
    from gmindex.spec_checks import distinct_text as _distinct_text
    from gmindex.spec_checks import plain_text as _plain_text

    for func, kinds in ((_code_text, ("string", "empty", "integer", "floating",
                                       "mixed-integer-float")),
                        (_plain_text, ("string", "empty"))):
        texts = _distinct_text(values, func, kinds)
        column = texts.column(values.index)
        assert column.tolist() == values.map(func).tolist()


def test_duplicate_index_labels_are_checked_not_crashed():
    import pandas as pd

    from gmindex.validation import check_panel

    a = pd.DataFrame({"code": ["11"], "year": [2016], "indicator": ["gdp_100m_yuan"], "value": [-1.0]})
    b = pd.DataFrame({"code": ["Shanxii"], "year": [2016], "indicator": ["gdp_100m_yuan"], "value": [2.0]})
    report = check_panel(pd.concat([a, b]))  # both rows carry index label 0
    problems = " ".join(report.errors["problem"])
    assert "negative" in problems and "Shanxii" in problems
