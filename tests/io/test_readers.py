"""Tests for gmindex.io.readers: parsing rules, header detection, read reports."""

from __future__ import annotations

import codecs
import datetime as dt
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmindex.io import (
    DataWarning,
    read_long,
    read_long_with_report,
    read_wide,
    read_wide_with_report,
    to_wide,
    write_table,
)
from gmindex.io.cells import parse_number as _parse_number, parse_year as _parse_year
from gmindex.provinces import Registry, default_registry
from gmindex.validation import DataError

REG = default_registry()
IND = "energy_consumption_10k_tce"


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------------- cells


@pytest.mark.parametrize(
    "cell, value, repairs",
    [
        ("1234.5", 1234.5, ()),
        (" 12 ", 12.0, ()),
        ("1,234.5", 1234.5, ("thousands",)),
        ("12,345,678", 12345678.0, ("thousands",)),
        ("123.4*", 123.4, ("footnote",)),
        ("123.4①", 123.4, ("footnote",)),  # circled digit must not become a digit
        ("12.5%", 12.5, ("percent",)),
        ("１２３．５", 123.5, ("fullwidth",)),
        ("\u22123.5", -3.5, ("minus_sign",)),
        ("1e3", 1000.0, ()),
        (7, 7.0, ()),
        (7.25, 7.25, ()),
        ("1,234*", 1234.0, ("footnote", "thousands")),
    ],
)
def test_parse_number_repairs(cell, value, repairs):
    parsed = _parse_number(cell)
    assert parsed.status == "number"
    assert parsed.value == value
    assert tuple(kind for kind, _ in parsed.repairs) == repairs


@pytest.mark.parametrize("cell", ["", "  ", None, float("nan"), "—", "——", "–", "-", "...",
                                  "…", "……", "··", "NA", "n/a", "#N/A", "－"])
def test_parse_number_missing_marks(cell):
    assert _parse_number(cell).status == "missing"


@pytest.mark.parametrize(
    "cell, fragment",
    [
        ("abc", "not a number: 'abc'"),
        ("1,23", "misplaced comma"),
        ("12万", "not a number: '12万'"),
        ("nan%", "not a number"),
        ("inf", "not a number: 'inf'"),
        ("#DIV/0!", "Excel error value '#DIV/0!'"),
        (dt.datetime(2019, 1, 1), "Excel date cell (2019-01-01)"),
        (True, "not a number: True"),
        (float("inf"), "not a finite number"),
    ],
)
def test_parse_number_invalid(cell, fragment):
    parsed = _parse_number(cell)
    assert parsed.status == "invalid"
    assert fragment in parsed.problem
    assert parsed.suggestion


def test_comma_is_refused_in_semicolon_files():
    assert _parse_number("1,234", comma_is_ambiguous=True).status == "invalid"
    assert _parse_number("1,234").value == 1234.0


@pytest.mark.parametrize(
    "cell, year",
    [(2019, 2019), ("2019", 2019), ("2019年", 2019), (" 2019 ", 2019), (2019.0, 2019),
     ("2019.0", 2019), ("２０１９", 2019), ("2019*", 2019)],
)
def test_parse_year_accepts(cell, year):
    assert _parse_year(cell).year == year


@pytest.mark.parametrize(
    "cell, fragment",
    [("2019.5", "is not a whole number"), (2019.5, "is not a whole number"),
     (dt.date(2019, 1, 1), "Excel date cell"), ("", "year is blank"), ("abc", "not a year"),
     (1899, "outside 1949-2100"), ("20199", "outside 1949-2100")],
)
def test_parse_year_refuses(cell, fragment):
    parsed = _parse_year(cell)
    assert parsed.year is None
    assert fragment in parsed.problem


# --------------------------------------------------------------------------- long tables


def test_read_long_names_codes_and_order(tmp_path):
    path = write(tmp_path, "a.csv",
                 "province,year,indicator,value,unit\n"
                 "陕西省,2020,b,2.0,亿元\nShanxi,2019,b,1.5,亿元\n11,2019,a,3,亿元\n")
    df = read_long(path)
    assert df[["code", "year", "indicator", "value"]].values.tolist() == [
        ["11", 2019, "a", 3.0], ["14", 2019, "b", 1.5], ["61", 2020, "b", 2.0]]
    assert pd.api.types.is_string_dtype(df["code"])
    assert df["year"].dtype == np.int64
    assert df["value"].dtype == np.float64
    assert df["unit"].tolist() == ["亿元"] * 3


def test_read_long_default_panel_round_numbers():
    from gmindex.datasets import default_panel_path

    df, report = read_long_with_report(default_panel_path())
    raw = pd.read_csv(default_panel_path(), dtype={"code": str})
    assert len(df) == len(raw) == report.cells_used == report.cells_read
    merged = df.merge(raw, on=["code", "year", "indicator"], suffixes=("", "_raw"))
    assert len(merged) == len(raw)
    np.testing.assert_array_equal(merged["value"], merged["value_raw"])


def test_read_long_title_rows_and_header_rows(tmp_path):
    text = "Energy consumption by province\n\ncode,year,indicator,value\n11,2019,x,1\n"
    path = write(tmp_path, "t.csv", text)
    df, report = read_long_with_report(path)
    assert report.header_row == 3
    assert df["value"].tolist() == [1.0]
    df2, report2 = read_long_with_report(path, header_rows=3)
    assert report2.header_row == 3
    pd.testing.assert_frame_equal(df, df2)


def test_read_long_code_and_name_columns_must_agree(tmp_path):
    path = write(tmp_path, "t.csv",
                 "code,province,year,indicator,value\n14,山西,2019,x,1\n14,陕西,2019,y,2\n")
    with pytest.raises(DataError, match=r"row 3.*province columns disagree"):
        read_long(path)


def test_read_long_row_numbers_count_blank_lines(tmp_path):
    path = write(tmp_path, "t.csv", "code,year,indicator,value\n\n11,2019,x,1\n\n11,2020,x,abc\n")
    with pytest.raises(DataError, match=r"row 5, column 'value'.*not a number: 'abc'"):
        read_long(path)


def test_read_long_lists_every_problem(tmp_path):
    path = write(tmp_path, "t.csv",
                 "code,year,indicator,value\n11,2019,x,abc\nFoo,2019,x,1\n12,19.5,x,1\n13,2019,,1\n")
    with pytest.raises(DataError) as info:
        read_long(path)
    assert len(info.value.problems) == 4
    rows = sorted(p.row for p in info.value.problems)
    assert rows == [2, 3, 4, 5]
    frame = info.value.to_frame()
    assert list(frame.columns)[:3] == ["severity", "file", "row"]


def test_duplicate_in_long_file_names_both_rows(tmp_path):
    path = write(tmp_path, "t.csv", "code,year,indicator,value\n11,2019,x,1\n北京,2019,x,2\n")
    with pytest.raises(DataError) as info:
        read_long(path)
    message = str(info.value)
    assert "row 2 ('11', value 1.0) and row 3 ('北京', value 2.0)" in message
    assert "conflicting values" in message


def test_keep_source_columns(tmp_path):
    path = write(tmp_path, "t.csv", "地区,2019\n北京,1\n")
    df = read_wide(path, indicator="x", keep_source=True)
    assert df.loc[0, "source_row"] == 2
    assert df.loc[0, "source_column"] == "2019"
    assert df.loc[0, "source_label"] == "北京"
    assert df.loc[0, "source_file"] == str(path)


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        read_long(tmp_path / "nope.csv")


def test_binary_garbage_is_a_data_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(bytes([0x81, 0xFF, 0xFE, 0x00]) * 10)
    with pytest.raises(DataError):
        read_long(path)


def test_xlsx_named_csv_and_csv_named_xlsx(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["code", "year", "indicator", "value"])
    book.active.append(["11", 2019, "x", 1.5])
    book.save(tmp_path / "really_xlsx.csv")
    df, report = read_long_with_report(tmp_path / "really_xlsx.csv")
    assert df["value"].tolist() == [1.5]
    assert any("Excel workbook" in n for n in report.notes)
    write(tmp_path, "text.xlsx", "code,year\n")
    with pytest.raises(DataError, match="named .xlsx but not an Excel workbook"):
        read_long(tmp_path / "text.xlsx")


def test_sheet_selection(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "notes"
    book.active.append(["this sheet has no table"])
    data = book.create_sheet("data")
    data.append(["地区", 2019])
    data.append(["北京", 1])
    book.save(tmp_path / "b.xlsx")
    assert read_wide(tmp_path / "b.xlsx", indicator="x", sheet="data")["value"].tolist() == [1.0]
    assert read_wide(tmp_path / "b.xlsx", indicator="x", sheet=1)["value"].tolist() == [1.0]
    with pytest.raises(DataError, match=r"no sheet named 'dat'; the workbook has \['notes', 'data'\]"):
        read_wide(tmp_path / "b.xlsx", indicator="x", sheet="dat")
    with pytest.raises(DataError, match="no sheet number 5"):
        read_wide(tmp_path / "b.xlsx", indicator="x", sheet=5)
    with pytest.raises(DataError, match="found no province names"):
        read_wide(tmp_path / "b.xlsx", indicator="x")


# --------------------------------------------------------------------------- wide tables


def test_years_layout_with_title_unit_and_codes_column(tmp_path):
    text = ("表 8-12 各地区能源消费总量\n,,,单位：万吨标准煤\n代码,地区,2018年,2019年\n"
            "11,北京市,\"7,270\",7360\n14,山西省,20199,20859\n")
    df, report = read_wide_with_report(write(tmp_path, "x.csv", text), indicator=IND,
                                       unit="万吨标准煤")
    assert report.header_row == 3
    assert df[["code", "year", "value"]].values.tolist() == [
        ["11", 2018, 7270.0], ["11", 2019, 7360.0], ["14", 2018, 20199.0], ["14", 2019, 20859.0]]
    assert set(df["unit"]) == {"万吨标准煤"}


def test_years_layout_header_not_confused_by_a_misspelt_first_row(tmp_path):
    path = write(tmp_path, "x.csv", "地区,2018,2019\nBeijng,1,2\n天津,3,4\n")
    with pytest.raises(DataError, match=r"row 2, province 'Beijng': unknown province name"):
        read_wide(path, indicator=IND)


def test_indicators_layout_units_per_indicator(tmp_path):
    path = write(tmp_path, "x.csv", "地区,gdp,rd\n北京,37767,6.30\n西藏,1750.3,—\n")
    df, report = read_wide_with_report(path, layout="indicators", year=2019,
                                       unit={"gdp": "亿元", "rd": "%"}, source_id="s1")
    assert df[["code", "indicator", "value", "unit", "source_id"]].values.tolist() == [
        ["11", "gdp", 37767.0, "亿元", "s1"], ["54", "gdp", 1750.3, "亿元", "s1"],
        ["11", "rd", 6.30, "%", "s1"]]
    assert report.missing[["code", "indicator", "mark"]].values.tolist() == [["54", "rd", "—"]]


def test_layout_arguments_are_checked(tmp_path):
    path = write(tmp_path, "x.csv", "地区,2019\n北京,1\n")
    with pytest.raises(ValueError, match="needs indicator="):
        read_wide(path)
    with pytest.raises(ValueError, match="needs year="):
        read_wide(path, layout="indicators")
    with pytest.raises(ValueError, match="2019.5"):
        read_wide(path, layout="indicators", year=2019.5)
    with pytest.raises(ValueError, match="layout must be"):
        read_wide(path, layout="long", indicator="x")


def test_duplicate_year_headers(tmp_path):
    path = write(tmp_path, "x.csv", "地区,2019,2019年\n北京,1,2\n")
    with pytest.raises(DataError, match=r"column header '2019年' appears twice"):
        read_wide(path, indicator=IND)


def test_values_without_header_are_an_error_text_without_header_a_warning(tmp_path):
    path = write(tmp_path, "x.csv", "地区,2019,\n北京,1,5\n")
    with pytest.raises(DataError, match="has 1 values but no header"):
        read_wide(path, indicator=IND)
    path = write(tmp_path, "y.csv", "地区,2019,\n北京,1,see note\n")
    with pytest.warns(DataWarning, match="no header and no numbers"):
        assert len(read_wide(path, indicator=IND)) == 1


def test_row_with_values_but_no_name(tmp_path):
    path = write(tmp_path, "x.csv", "地区,2019\n北京,1\n,2\n")
    with pytest.raises(DataError, match="row 3: this row has values but no province name"):
        read_wide(path, indicator=IND)


def test_unknown_label_without_values_is_a_warning(tmp_path):
    path = write(tmp_path, "x.csv", "地区,2019\n北京,1\n（续表）,\n")
    with pytest.warns(DataWarning, match="is not a province and has no values"):
        read_wide(path, indicator=IND)


def test_report_reconciles_and_lists_marks(tmp_path):
    text = "地区,2018,2019\n全国,10,20\n北京,1,—\n天津,…,\n注：测试\n"
    df, report = read_wide_with_report(write(tmp_path, "x.csv", text), indicator=IND)
    assert len(df) == 1
    assert (report.cells_read, report.cells_used, report.cells_missing, report.cells_dropped) == (
        8, 1, 3, 4)
    assert report.reconciles
    assert report.missing["mark"].tolist() == ["—", "…", ""]
    assert report.dropped[["row", "reason", "cells"]].values.tolist() == [
        [2, "national total", 2], [5, "note line", 2]]
    assert "8 cells read = 1 numbers + 3 missing + 4 in dropped rows" in report.summary()


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030"),
    ("utf-16", "utf-16"),
])
def test_encodings(tmp_path, encoding, expected):
    text = "地区,2019\n内蒙古自治区,25346\n黑龙江省,11614\n"
    path = write(tmp_path, "x.csv", text, encoding)
    df, report = read_wide_with_report(path, indicator=IND)
    assert report.encoding == expected
    assert df["code"].tolist() == ["15", "23"]


def test_bom_is_not_part_of_the_first_header(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(codecs.BOM_UTF8 + "code,year,indicator,value\n11,2019,x,1\n".encode())
    assert read_long(path)["code"].tolist() == ["11"]


def test_custom_registry(tmp_path):
    table = pd.DataFrame({"code": ["A", "B"], "name_en": ["Alpha", "Beta"]})
    reg = Registry(table, source="cities")
    path = write(tmp_path, "x.csv", "unit,2019\nalpha,1\nBETA,2\n")
    df = read_wide(path, indicator="x", registry=reg)
    assert df["code"].tolist() == ["A", "B"]


def test_warning_is_issued_when_report_is_not_asked(tmp_path):
    path = write(tmp_path, "x.csv", "地区,2019,备注\n北京,1,x\n")
    with pytest.warns(DataWarning, match="'备注' is not a year"):
        read_wide(path, indicator=IND)


# --------------------------------------------------------------------------- properties

CODES = REG.codes
finite = st.floats(allow_nan=False, allow_infinity=False)


# Excel keeps about 15 significant digits (openpyxl writes 16), so the XLSX round
# trip uses numbers with 12.
excel_floats = st.floats(min_value=-1e12, max_value=1e12).map(lambda v: float(f"{v:.12g}"))


@st.composite
def long_panels(draw, values=finite):
    codes = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=8, unique=True))
    years = draw(st.lists(st.integers(1990, 2030), min_size=1, max_size=5, unique=True))
    cells = [(c, y) for c in codes for y in years]
    keep = draw(st.lists(st.booleans(), min_size=len(cells), max_size=len(cells)))
    kept = [cell for cell, k in zip(cells, keep) if k] or cells[:1]
    values = draw(st.lists(values, min_size=len(kept), max_size=len(kept)))
    return pd.DataFrame({"code": [c for c, _ in kept], "year": [y for _, y in kept],
                         "indicator": "x", "value": values})


def _sorted(df):
    out = df.sort_values(["indicator", "code", "year"]).reset_index(drop=True)
    out["code"] = out["code"].astype("str")
    out["indicator"] = out["indicator"].astype("str")
    out["year"] = out["year"].astype("int64")
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(panel=long_panels(), labels=st.sampled_from(["code", "en", "zh"]))
def test_round_trip_long_wide_long_is_lossless(tmp_path, panel, labels):
    wide = to_wide(panel, labels=labels)
    (path,) = write_table(wide, tmp_path / "wide", formats=("csv",), float_format=None)
    back = read_wide(path, indicator="x")
    pd.testing.assert_frame_equal(back, _sorted(panel))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(panel=long_panels(values=excel_floats))
def test_round_trip_through_xlsx(tmp_path, panel):
    wide = to_wide(panel, labels="zh")
    (path,) = write_table(wide, tmp_path / "wide", formats=("xlsx",))
    pd.testing.assert_frame_equal(read_wide(path, indicator="x"), _sorted(panel))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(panel=long_panels(), seed=st.integers(0, 2**32 - 1))
def test_reader_output_does_not_depend_on_row_order(tmp_path, panel, seed):
    rng = np.random.default_rng(seed)
    shuffled = panel.iloc[rng.permutation(len(panel))]
    first = tmp_path / "a.csv"
    second = tmp_path / "b.csv"
    panel.to_csv(first, index=False)
    shuffled.to_csv(second, index=False)
    pd.testing.assert_frame_equal(read_long(first), read_long(second))
    wide = to_wide(panel, labels="en")
    wide_shuffled = wide.iloc[rng.permutation(len(wide)), [0, *(1 + rng.permutation(wide.shape[1] - 1))]]
    wide.to_csv(first, index=False)
    wide_shuffled.to_csv(second, index=False)
    pd.testing.assert_frame_equal(read_wide(first, indicator="x"), read_wide(second, indicator="x"))


@settings(max_examples=60, deadline=None)
@given(value=st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_thousands_formatting_parses_back(value):
    text = f"{value:,.2f}"
    assert _parse_number(text).value == pytest.approx(round(value, 2), rel=1e-12, abs=1e-9)


def test_no_warning_for_clean_files(tmp_path):
    path = write(tmp_path, "x.csv", "地区,2019\n北京,1\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_wide(path, indicator=IND)


def test_all_missing_table_warns(tmp_path):
    path = write(tmp_path, "x.csv", "地区,2019,2020\n西藏,—,…\n")
    with pytest.warns(DataWarning, match="no numbers read: all 2 value cells are missing"):
        assert read_wide(path, indicator=IND).empty


def test_unknown_label_without_values_counts_as_dropped(tmp_path):
    path = write(tmp_path, "x.csv", "地区,2019\n北京,1\n（续表）,\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df, report = read_wide_with_report(path, indicator=IND)
    assert report.cells_invalid == 0 and report.cells_dropped == 1 and report.reconciles


# --------------------------------------------------------------------------- column-wise reading
# Long CSV tables without quotes are split and checked column by column; the
# row-by-row rules stay the reference.  These tests pit the two against each
# other.


def test_blank_leads_cover_every_white_space_character():
    import sys

    from gmindex.io.grid import BLANK_LEADS as _BLANK_LEADS

    leads = {chr(c).encode("utf-8")[0] for c in range(sys.maxunicode + 1)
             if not 0xD800 <= c <= 0xDFFF and chr(c).isspace()}
    assert leads <= set(_BLANK_LEADS)


def test_object_to_float_cast_is_python_float():
    # The bulk number path relies on numpy casting str objects with float().
    cells = [" 7 ", "1e5", "+3", ".5", "5.", "١٢", "１２３", "1e500", "-0", "\u3000 5",
             "0.1000000000000000055511151231257827", "2.2250738585072011e-308", "4.9e-324"]
    cast = np.array(cells, dtype=object).astype(np.float64)
    expected = np.array([float(c) for c in cells])
    np.testing.assert_array_equal(cast, expected)
    assert list(np.signbit(cast)) == list(np.signbit(expected))


_NUMBER_ALPHABET = "0123456789+-.eE nNiIfa_,%*—１٣\u2212\u3000"


@settings(max_examples=300, deadline=None)
@given(cell=st.text(alphabet=_NUMBER_ALPHABET, max_size=8))
def test_bulk_numbers_agree_with_parse_number(cell):
    from gmindex.io.long import plain_numbers as _plain_numbers

    calls = []

    def parse(c):
        calls.append(c)
        return _parse_number(c)

    ok, values = _plain_numbers(np.array([cell, cell], dtype=object), parse)
    parsed = _parse_number(cell)
    plain = parsed.status == "number" and not parsed.repairs
    assert list(ok) == [plain, plain]
    if plain:
        assert values[0] == parsed.value or (np.isnan(values[0]) and np.isnan(parsed.value))
    if not calls:  # taken in bulk: only cells that _parse_number takes as they are
        assert plain


def _csv_records(text, delimiter):
    import csv
    import io

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out, previous = [], 0
    for record in reader:
        start, previous = previous + 1, reader.line_num
        if record and not all(not c.strip() for c in record):
            out.append((start, record))
    return out


_CELLS = st.sampled_from(["", " ", "\u3000", "11", "北京", "x y", "1.5", "\t"])


@settings(max_examples=200, deadline=None)
@given(
    table=st.lists(st.lists(_CELLS, min_size=3, max_size=3), min_size=1, max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    eol=st.sampled_from(["\n", "\r\n"]),
    final=st.booleans(),
)
def test_split_plain_matches_the_csv_module(table, delimiter, eol, final):
    from gmindex.io.grid import split_plain as _split_plain

    text = eol.join(delimiter.join(cells) for cells in table) + (eol if final else "")
    expected = _csv_records(text, delimiter)
    split = _split_plain(text, delimiter)
    if split is None:  # left to the csv module: only when a cell holds the delimiter
        assert any(delimiter in c for cells in table for c in cells)
        return
    numbers, columns = split
    assert [int(n) for n in numbers] == [n for n, _ in expected]
    assert [list(r) for r in zip(*columns)] == [r for _, r in expected]


@pytest.mark.parametrize("text", [
    'code,year\n"11",2019\n',     # quotes
    "code,year\r11,2019\n",       # lone carriage return
    "code,year\n11,2019,5\n",     # ragged
    "code,year\n\n11,2019\n",     # blank line
    "code\n11\n",                  # one column
])
def test_split_plain_leaves_other_tables_to_the_csv_module(text):
    from gmindex.io.grid import split_plain as _split_plain

    assert _split_plain(text, ",") is None


_MESSY_LONG = [
    ["省份", "年份", "指标", "数值", "单位"],
    ["北京", "2019", "gdp", "35371.3", "亿元"],
    ["", "", "", "", ""],
    ["Shanxi", "2019年", "gdp", "17,026.7", "亿元"],
    ["山西省①", "2020", "gdp", "17651.9", ""],
    [" ", " ", "", "\u3000", ""],
    ["全国", "2019", "gdp", "990865", "亿元"],
    ["Shanxii", "2019", "gdp", "1", "亿元"],
    ["陕西", "2019.5", "gdp", "25793.2", "亿元"],
    ["陕西", "2019", "", "25793.2", "亿元"],
    ["陕西", "2019", "gdp", "—", "亿元"],
    ["天津", "2020", "gdp", "14,083.7", "亿元"],
    ["天津", "2019", "gdp", " 14104.3 ", "亿元"],
    ["河北", "2019", "gdp", "inf", "亿元"],
    ["河北", "2020", "gdp", "12.5%", "亿元"],
    ["上海", "2019", "gdp", "38155.3", "亿元"],
    ["上海", "2019", "gdp", "38155.3", "亿元"],
    ["注：数据来源", "", "", "", ""],
]


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_column_wise_and_csv_module_paths_agree(tmp_path, eol):
    from gmindex.io.readers import read_with_problems

    # Tab-delimited, so that thousands separators need no quotes.
    plain = eol.join("\t".join(r) for r in _MESSY_LONG) + eol
    quoted = eol.join("\t".join(f'"{c}"' for c in r) for r in _MESSY_LONG) + eol
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write(tmp_path / "a", "t.csv", plain)
    second = write(tmp_path / "b", "t.csv", quoted)
    frame_a, report_a = read_with_problems(first)
    frame_b, report_b = read_with_problems(second)
    frame_b["source_file"] = frame_b["source_file"].str.replace(str(second), str(first))
    pd.testing.assert_frame_equal(frame_a, frame_b)
    assert report_a.cells_read == report_b.cells_read == 15
    assert (report_a.cells_used, report_a.cells_missing, report_a.cells_dropped,
            report_a.cells_invalid) == (report_b.cells_used, report_b.cells_missing,
                                        report_b.cells_dropped, report_b.cells_invalid)
    assert report_a.notes == report_b.notes
    for name in ("missing", "dropped", "repairs"):
        pd.testing.assert_frame_equal(getattr(report_a, name), getattr(report_b, name))
    problems_b = report_b.problems.assign(file=report_b.problems["file"].str.replace(
        str(second), str(first)))
    pd.testing.assert_frame_equal(report_a.problems, problems_b)
    # Hand-checked: the used rows, in file order, with their source lines.
    assert frame_a["source_row"].tolist() == [2, 4, 5, 12, 13, 15, 16, 17]
    assert frame_a["value"].tolist() == [35371.3, 17026.7, 17651.9, 14083.7, 14104.3, 12.5,
                                         38155.3, 38155.3]
    assert (report_a.cells_used, report_a.cells_missing, report_a.cells_dropped,
            report_a.cells_invalid) == (8, 1, 2, 4)
    assert report_a.repair_counts() == {"delimiter": 1, "footnote": 1, "percent": 1, "thousands": 2,
                                        "year_suffix": 1}
