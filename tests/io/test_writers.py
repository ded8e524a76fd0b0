"""Tests for gmindex.io.writers: formats, determinism, atomicity."""

from __future__ import annotations

import json
import os
import zipfile

import matplotlib
import numpy as np
import openpyxl
import pandas as pd
import pyreadstat
import pytest

from gmindex.io import save_figure, to_wide, write_json, write_table
from gmindex.io.writers import _atomic_write, fixed_timestamp, stata_names

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture
def table():
    return pd.DataFrame({
        "code": ["11", "12", "54"],
        "province": ["北京", "天津", "西藏"],
        "score": [0.812345678912, 0.5, np.nan],
        "rank": [1, 2, 3],
        "R&D share (%)": [6.3, 3.29, 0.26],
        "flag": [True, False, True],
    })


PROV = {"gmindex": "0.1.0", "input_sha256": "ab" * 32, "options": {"weighting": "entropy"}}


def test_all_formats_written_and_rerun_is_byte_identical(tmp_path, table):
    first = write_table(table, tmp_path / "a" / "t", provenance=PROV)
    assert [p.name for p in first] == ["t.csv", "t.xlsx", "t.dta", "t.tex", "t.md",
                                       "t.provenance.json"]
    before = {p.name: p.read_bytes() for p in first}
    second = write_table(table, tmp_path / "a" / "t", provenance=PROV)
    assert {p.name: p.read_bytes() for p in second} == before
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith(".")]


def test_csv_format(tmp_path, table):
    (path,) = write_table(table, tmp_path / "t", formats=("csv",))
    text = path.read_bytes().decode("utf-8")
    assert "\r" not in text
    assert text.splitlines()[1] == "11,北京,0.8123456789,1,6.3,True"
    assert text.splitlines()[3].split(",")[2] == ""
    (path,) = write_table(table, tmp_path / "full", formats=("csv",), float_format=None)
    assert pd.read_csv(path)["score"].iloc[0] == 0.812345678912


def test_xlsx_has_data_and_provenance_and_fixed_times(tmp_path, table):
    path, sidecar = write_table(table, tmp_path / "t", formats=("xlsx",), provenance=PROV)
    assert json.loads(sidecar.read_text(encoding="utf-8")) == PROV
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["data", "provenance"]
    rows = list(book["data"].iter_rows(values_only=True))
    assert rows[0] == tuple(table.columns)
    assert rows[1][:4] == ("11", "北京", 0.812345678912, 1)
    assert rows[3][2] is None
    prov = dict(list(book["provenance"].iter_rows(values_only=True))[1:])
    assert prov["gmindex"] == "0.1.0"
    assert json.loads(prov["options"]) == {"weighting": "entropy"}
    assert book.properties.modified == fixed_timestamp()
    with zipfile.ZipFile(path) as z:
        assert {i.date_time for i in z.infolist()} == {fixed_timestamp().timetuple()[:6]}


def test_fixed_timestamp_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    assert fixed_timestamp().year == 2020
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert fixed_timestamp().isoformat() == "2000-01-01T00:00:00"


def test_dta_names_labels_and_values(tmp_path, table):
    path, _ = write_table(table, tmp_path / "t", formats=("dta",), provenance=PROV)
    df, meta = pyreadstat.read_dta(str(path))
    assert list(df.columns) == ["code", "province", "score", "rank", "R_D_share", "flag"]
    assert meta.column_labels == list(table.columns)
    assert meta.file_label.startswith("gmindex 0.1.0; input_sha256 abababababab")
    assert df["province"].tolist() == ["北京", "天津", "西藏"]
    assert df["score"].iloc[0] == 0.812345678912
    assert np.isnan(df["score"].iloc[2])
    assert df["flag"].tolist() == [1, 0, 1]
    assert fixed_timestamp().strftime("%d %b %Y %H:%M").encode() in path.read_bytes()[:400]


def test_stata_names_rules():
    names = stata_names(["a" * 40, "a" * 40, "in", "1x", "x y", "x-y", "中文"])
    assert all(len(n) <= 32 for n in names)
    assert len(set(names)) == len(names)
    assert names[2] == "in_"
    assert names[3] == "_1x"
    assert names[4] == "x_y" and names[5] == "x_y_2"
    assert names[6] == "var7"


def test_tex_is_booktabs_and_escaped(tmp_path, table):
    path, _ = write_table(table, tmp_path / "t", formats=("tex",), provenance=PROV)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("% gmindex 0.1.0; input_sha256 abababababab\n")
    assert "\\toprule" in text and "\\midrule" in text and "\\bottomrule" in text
    assert "R\\&D share (\\%)" in text
    assert "\\begin{tabular}{llrrrl}" in text


def test_markdown_table(tmp_path):
    df = pd.DataFrame({"name": ["a|b", "c"], "x": [1.5, np.nan]})
    (path,) = write_table(df, tmp_path / "t", formats=("md",))
    assert path.read_text(encoding="utf-8") == (
        "| name | x |\n| --- | ---: |\n| a\\|b | 1.5 |\n| c |  |\n"
    )


def test_index_option(tmp_path):
    df = pd.DataFrame({"x": [1.0]}, index=pd.Index(["11"], name="code"))
    (path,) = write_table(df, tmp_path / "t", formats=("csv",), index=True)
    assert path.read_text().splitlines() == ["code,x", "11,1"]


def test_unknown_format_and_type(tmp_path, table):
    with pytest.raises(ValueError, match="unknown table format"):
        write_table(table, tmp_path / "t", formats=("docx",))
    with pytest.raises(TypeError):
        write_table([1, 2], tmp_path / "t")


def test_write_json_sorted_utf8_and_numpy(tmp_path):
    path = write_json({"b": np.float64(1.5), "a": "北京", "c": np.arange(2), "d": {3, 1}},
                      tmp_path / "x.json")
    text = path.read_text(encoding="utf-8")
    assert text == '{\n  "a": "北京",\n  "b": 1.5,\n  "c": [\n    0,\n    1\n  ],\n  "d": [\n    1,\n    3\n  ]\n}\n'
    with pytest.raises(ValueError):
        write_json({"x": float("nan")}, tmp_path / "nan.json")


def test_atomic_write_keeps_old_file_on_failure(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("old")

    def broken(handle):
        handle.write(b"partial")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        _atomic_write(path, broken)
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["x.txt"]


def test_written_file_mode_follows_umask(tmp_path, table):
    (path,) = write_table(table, tmp_path / "t", formats=("csv",))
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask


def test_save_figure_is_deterministic(tmp_path):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2], [1, 3, 2], label="北京")
    ax.set_title("score")
    first = save_figure(fig, tmp_path / "f", dpi=50)
    before = [p.read_bytes() for p in first]
    second = save_figure(fig, tmp_path / "f", dpi=50)
    plt.close(fig)
    assert [p.name for p in second] == ["f.png", "f.pdf", "f.svg"]
    assert [p.read_bytes() for p in second] == before
    assert b"CreationDate" not in before[1]
    assert b"<dc:date>" not in before[2]
    with pytest.raises(ValueError, match="unknown figure format"):
        save_figure(fig, tmp_path / "f", formats=("gif",))


def test_draft_resolution_from_the_environment(tmp_path, monkeypatch):
    from PIL import Image

    from gmindex.io.writers import DRAFT_DPI

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [0, 1])
    try:
        (full,) = save_figure(fig, tmp_path / "full", formats=("png",), dpi=300)
        monkeypatch.setenv(DRAFT_DPI, "100")
        (draft,) = save_figure(fig, tmp_path / "draft", formats=("png",), dpi=300)
        monkeypatch.setenv(DRAFT_DPI, "fast")
        with pytest.raises(ValueError, match="GMINDEX_DRAFT_DPI='fast': give a resolution"):
            save_figure(fig, tmp_path / "bad", formats=("png",))
    finally:
        plt.close(fig)
    assert Image.open(full).size == (900, 600)
    assert Image.open(draft).size == (300, 200)


def test_to_wide_needs_a_single_indicator():
    long = pd.DataFrame({"code": ["11", "11"], "year": [2019, 2019], "indicator": ["a", "b"],
                         "value": [1.0, 2.0]})
    with pytest.raises(ValueError, match="holds one indicator"):
        to_wide(long)
    wide = to_wide(long, layout="indicators", labels="en")
    assert wide.columns.tolist() == ["province", "a", "b"]
    assert wide.values.tolist() == [["Beijing", 1.0, 2.0]]


def test_write_manifest_lists_files_with_hashes(tmp_path):
    import hashlib
    import json

    from gmindex.io.writers import write_manifest

    (tmp_path / "a.csv").write_text("x\n1\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "run.ipynb").write_text("{}")
    path = write_manifest(tmp_path, stamp={"version": "0.1.0"})
    manifest = json.loads(path.read_text())
    assert manifest["files"] == [{"file": "a.csv", "bytes": 4,
                                  "sha256": hashlib.sha256(b"x\n1\n").hexdigest()}]
    assert manifest["provenance"] == {"version": "0.1.0"}
    assert write_manifest(tmp_path, stamp={"version": "0.1.0"}).read_bytes() == path.read_bytes()


def test_save_figure_embeds_truetype_fonts_whatever_the_caller_set(tmp_path):
    # A notebook figure made without the package style still gets Type 42 fonts in PDF
    # and editable text in SVG (journal checks reject Type 3 fonts).
    import matplotlib
    import matplotlib.pyplot as plt

    from gmindex.figstyle import pdf_font_subtypes
    from gmindex.io.writers import save_figure

    with matplotlib.rc_context({"pdf.fonttype": 3, "svg.fonttype": "path"}):
        fig, ax = plt.subplots()
        ax.set_xlabel("score")
        pdf, svg = save_figure(fig, tmp_path / "f", formats=("pdf", "svg"))
        plt.close(fig)
    subtypes = pdf_font_subtypes(pdf.read_bytes())
    assert subtypes and "Type3" not in subtypes
    assert "<text" in svg.read_text(encoding="utf-8")
