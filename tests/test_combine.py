"""Tests for gmindex.combine: overlaps kept once, conflicts refused or chosen and recorded."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmindex.combine import CombinedPanel, combine_panels
from gmindex.validation import DataError

GDP = "gdp_100m_yuan"


def frame(rows, **extra):
    df = pd.DataFrame(rows, columns=["code", "year", "indicator", "value"])
    for col, value in extra.items():
        df[col] = value
    return df


def write(path, rows, header="code,year,indicator,value"):
    path.write_text(header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def test_disjoint_sources_stack_and_report_reconciles():
    a = frame([["11", 2019, GDP, 1.0], ["12", 2019, GDP, 2.0]])
    b = frame([["11", 2020, GDP, 3.0]])
    res = combine_panels({"a.csv": a, "b.csv": b})
    assert isinstance(res, CombinedPanel)
    assert res.panel[["code", "year", "value", "source_file"]].values.tolist() == [
        ["11", 2019, 1.0, "a.csv"], ["11", 2020, 3.0, "b.csv"], ["12", 2019, 2.0, "a.csv"]]
    assert res.conflicts.empty and res.overlaps.empty
    assert res.sources.to_dict("records") == [
        {"source": "a.csv", "rows": 2, "kept": 2}, {"source": "b.csv", "rows": 1, "kept": 1}]
    assert "rows given 3 = kept 3 + same-value duplicates 0 + values not chosen 0" in res.report
    assert res.panel.attrs["source"] == "a.csv + b.csv"


def test_same_value_in_two_sources_is_kept_once_and_listed():
    a = frame([["11", 2019, GDP, 35371.3]])
    b = frame([[11, 2019, GDP, 35371.3], ["12", 2019, GDP, 14104.3]])  # integer code
    res = combine_panels({"a.csv": a, "b.csv": b})
    assert len(res.panel) == 2
    assert res.overlaps.to_dict("records") == [
        {"code": "11", "year": 2019, "indicator": GDP, "value": 35371.3,
         "sources": "a.csv; b.csv", "kept_source": "a.csv"}]
    assert "1 cell(s) in several sources with the same value" in res.report
    assert res.conflicts.empty


def test_conflict_raises_naming_every_cell_both_files_and_values(tmp_path):
    a = write(tmp_path / "a.csv", [[11, 2019, GDP, 35371.3], [12, 2019, GDP, 14104.3],
                                   [13, 2019, GDP, 35104.5]])
    b = write(tmp_path / "b.csv", [[11, 2019, GDP, 35445.1], [12, 2019, GDP, 14055.5],
                                   [13, 2019, GDP, 35104.5]])
    with pytest.raises(DataError) as info:
        combine_panels([a, b])
    problems = info.value.problems
    assert len(problems) == 2  # Hebei agrees
    text = str(info.value)
    assert f"{a} row 2 = 35371.3, {b} row 2 = 35445.1" in text
    assert f"{a} row 3 = 14104.3, {b} row 3 = 14055.5" in text
    assert "Beijing (11)" in text and "Tianjin (12)" in text
    assert "on_conflict='first', 'last'" in text and "--on-conflict" not in text
    # The command line gets its own wording of the same advice.
    assert all("--on-conflict first or --on-conflict last" in p.format("cli") for p in problems)
    assert {p.year for p in problems} == {2019} and {p.indicator for p in problems} == {GDP}


def test_every_conflict_is_listed_even_past_ten():
    a = frame([[c, 2019, GDP, 1.0] for c in ("11", "12", "13", "14", "15", "21", "22", "23",
                                             "31", "32", "33", "34")])
    b = a.assign(value=2.0)
    with pytest.raises(DataError) as info:
        combine_panels([a, b])
    assert len(info.value.problems) == 12
    assert "... and" not in str(info.value)  # all twelve spelled out


@pytest.mark.parametrize("rule, chosen, value", [("first", "a.csv", 1.0), ("last", "b.csv", 2.0)])
def test_first_and_last_choose_and_record(rule, chosen, value):
    a = frame([["11", 2019, GDP, 1.0], ["12", 2019, GDP, 5.0]], unit="亿元")
    b = frame([["11", 2019, GDP, 2.0]], unit="亿元 (revised)")
    res = combine_panels({"a.csv": a, "b.csv": b}, on_conflict=rule)
    row = res.panel[res.panel["code"] == "11"].iloc[0]
    assert row["value"] == value and row["source_file"] == chosen
    # The whole row of the chosen source is kept (its unit too).
    assert row["unit"] == ("亿元" if chosen == "a.csv" else "亿元 (revised)")
    assert res.conflicts.to_dict("records") == [
        {"code": "11", "year": 2019, "indicator": GDP, "a.csv": 1.0, "b.csv": 2.0,
         "chosen_source": chosen, "chosen_value": value,
         "rule": f"{rule} source listed"}]
    assert f"a.csv=1.0, b.csv=2.0 -> {chosen}" in res.panel.attrs["source"]
    assert f"on_conflict='{rule}'" in res.panel.attrs["source"]
    assert "values not chosen 1" in res.report
    record = res.panel.attrs["combine"]
    json.dumps(record)  # ready for the provenance file
    assert record["conflicts"][0]["values"] == {"a.csv": 1.0, "b.csv": 2.0}


def test_priority_mapping_by_file_name(tmp_path):
    a = write(tmp_path / "official.csv", [[11, 2019, GDP, 1.0]])
    b = write(tmp_path / "own.csv", [[11, 2019, GDP, 2.0]])
    res = combine_panels([b, a], on_conflict={"official.csv": 2, "own.csv": 1})
    assert res.panel["value"].tolist() == [1.0]
    assert res.conflicts["rule"].tolist() == [f"priority {a}=2 over {b}=1"]
    with pytest.raises(ValueError, match="'other.csv' matches no source"):
        combine_panels([a, b], on_conflict={"other.csv": 1})
    with pytest.raises(ValueError, match="no priority for"):
        combine_panels([a, b], on_conflict={"official.csv": 1})
    with pytest.raises(ValueError, match="same priority 1"):
        combine_panels([a, b], on_conflict={"official.csv": 1, "own.csv": 1})


def test_three_sources_two_agree_one_differs():
    a = frame([["11", 2019, GDP, 1.0]])
    b = frame([["11", 2019, GDP, 1.0]])
    c = frame([["11", 2019, GDP, 3.0]])
    srcs = {"a": a, "b": b, "c": c}
    with pytest.raises(DataError, match="3 sources: a = 1.0, b = 1.0, c = 3.0"):
        combine_panels(srcs)
    res = combine_panels(srcs, on_conflict="last")
    assert res.panel["value"].tolist() == [3.0]
    assert res.conflicts[["a", "b", "c", "chosen_source"]].values.tolist() == [[1.0, 1.0, 3.0, "c"]]
    assert "rows given 3 = kept 1 + same-value duplicates 0 + values not chosen 2" in res.report


def test_recombining_keeps_per_row_sources():
    a = frame([["11", 2019, GDP, 1.0]])
    b = frame([["11", 2020, GDP, 2.0]])
    first = combine_panels({"a.csv": a, "b.csv": b})
    c = frame([["11", 2020, GDP, 9.0]])
    with pytest.raises(DataError, match="b.csv = 2.0, c.csv = 9.0"):
        combine_panels({"ab": first.panel, "c.csv": c})
    res = combine_panels({"ab": first.panel, "c.csv": c}, on_conflict="first")
    assert res.panel["source_file"].tolist() == ["a.csv", "b.csv"]


def test_frames_are_named_by_attrs_or_position():
    a = frame([["11", 2019, GDP, 1.0]])
    a.attrs["source"] = "gdp_2019.xlsx"
    b = frame([["11", 2019, GDP, 2.0]])
    with pytest.raises(DataError, match=r"gdp_2019.xlsx = 1.0, <frame 2> = 2.0"):
        combine_panels([a, b])


@pytest.mark.parametrize("bad, match", [
    (frame([["11", 2019, GDP, 1.0], ["11", 2019, GDP, 2.0]]), "duplicate province-year-indicator"),
    (frame([["11", 2019, GDP, "abc"]]), "value 'abc' is not a number"),
    (frame([["11", 2019.5, GDP, 1.0]]), "year 2019.5 is not a whole number"),
    (frame([["11", 2019, GDP, np.nan]]), "is not a number"),
    (pd.DataFrame({"code": ["11"], "year": [2019], "value": [1.0]}), "missing column"),
])
def test_bad_frames_raise_data_errors(bad, match):
    with pytest.raises(DataError, match=match):
        combine_panels({"bad.csv": bad, "ok.csv": frame([["12", 2019, GDP, 1.0]])})


def test_bad_files_are_all_reported(tmp_path):
    missing = tmp_path / "nope.csv"
    broken = write(tmp_path / "broken.csv", [["Shanxii", 2019, GDP, 1.0]])
    with pytest.raises(DataError) as info:
        combine_panels([missing, broken])
    text = str(info.value)
    assert "nope.csv" in text and "file not found" in text
    assert "broken.csv" in text and "Shanxii" in text


def test_bad_arguments():
    a = frame([["11", 2019, GDP, 1.0]])
    with pytest.raises(ValueError, match="on_conflict='newest' is not known"):
        combine_panels([a], on_conflict="newest")
    with pytest.raises(TypeError, match="pass a list"):
        combine_panels(a)
    with pytest.raises(ValueError, match="more than once"):
        combine_panels(["x.csv", "x.csv"])
    with pytest.raises(TypeError, match="got int at position 2"):
        combine_panels([a, 3])
    with pytest.raises(ValueError, match="at least one"):
        combine_panels([])


def test_build_index_provenance_names_sources_and_choices():
    from gmindex.datasets import load_default_panel, load_default_spec
    from gmindex.index import build_index

    panel = load_default_panel()
    old = panel[panel["year"] <= 2019]
    new = panel[panel["year"] >= 2019].copy()
    hit = (new["code"] == "11") & (new["year"] == 2019) & (new["indicator"] == GDP)
    new.loc[hit, "value"] = new.loc[hit, "value"] + 100.0
    res = combine_panels({"old.csv": old, "new.csv": new}, on_conflict="last")
    assert len(res.conflicts) == 1 and len(res.panel) == len(panel)
    built = build_index(res.panel, load_default_spec())
    source = built.provenance["data_source"]
    assert source.startswith("old.csv + new.csv; on_conflict='last' chose 1 conflicting cell(s)")
    assert f"11 2019 {GDP}" in source and "-> new.csv (last source listed)" in source


# ---------------------------------------------------------------------------
# Properties

cells = st.lists(
    st.tuples(st.sampled_from(["11", "12", "13", "14"]), st.integers(2016, 2020),
              st.sampled_from(["x", "y"])),
    min_size=1, max_size=30, unique=True,
)


@settings(max_examples=25, deadline=None)
@given(cells=cells, data=st.data())
def test_overlapping_pieces_of_one_panel_combine_to_it(cells, data):
    values = data.draw(st.lists(st.floats(0, 1e9, allow_nan=False), min_size=len(cells),
                                max_size=len(cells)))
    whole = frame([[*c, v] for c, v in zip(cells, values)])
    # Random, overlapping pieces that together cover every cell.
    n = data.draw(st.integers(2, 4))
    owners = [data.draw(st.sets(st.integers(0, n - 1), min_size=1)) for _ in cells]
    pieces = {f"p{k}": whole[[k in o for o in owners]] for k in range(n)}
    res = combine_panels(pieces)
    got = res.panel.drop(columns="source_file").sort_values(["code", "year", "indicator"])
    want = whole.sort_values(["code", "year", "indicator"])
    assert got[["code", "year", "indicator", "value"]].values.tolist() == want.values.tolist()
    given_rows = sum(len(p) for p in pieces.values())
    assert given_rows == len(res.panel) + sum(len(o) - 1 for o in owners)
    assert res.conflicts.empty


@settings(max_examples=20, deadline=None)
@given(cells=cells, data=st.data())
def test_first_is_last_of_the_reversed_order(cells, data):
    a = frame([[*c, float(data.draw(st.integers(0, 3)))] for c in cells])
    b = frame([[*c, float(data.draw(st.integers(0, 3)))] for c in cells])
    first = combine_panels({"a": a, "b": b}, on_conflict="first")
    last = combine_panels({"b": b, "a": a}, on_conflict="last")
    assert first.panel.equals(last.panel)
    assert first.panel["value"].tolist() == a.sort_values(
        ["indicator", "code", "year"])["value"].tolist()
    differ = (a["value"] != b["value"]).sum()
    assert len(first.conflicts) == differ == len(last.conflicts)
    assert len(first.overlaps) == len(cells) - differ


def test_float_rounding_is_not_a_conflict_but_a_revision_is():
    import pandas as pd

    from gmindex.combine import combine_panels
    from gmindex.validation import DataError

    a = pd.DataFrame({"code": ["11"], "year": [2019], "indicator": ["co2_mt"], "value": [0.1 + 0.2]})
    b = a.assign(value=0.3)  # 0.30000000000000004 vs 0.3: the same number through Excel
    combined = combine_panels({"a.csv": a, "b.csv": b})
    assert len(combined.panel) == 1 and combined.conflicts.empty
    with pytest.raises(DataError, match="different values"):
        combine_panels({"a.csv": a, "b.csv": a.assign(value=0.3001)})
