"""Tests for the command-line interface (typer's test runner, real default data)."""

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from gmindex.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


def test_build_writes_tables_and_provenance(tmp_path):
    out = tmp_path / "r"
    result = runner.invoke(app, ["build", "--out", str(out), "--formats", "csv,dta"])
    assert result.exit_code == 0, result.output
    assert "unit 54 (Tibet) dropped" in result.output
    scores = pd.read_csv(out / "index_scores.csv", dtype={"code": str})
    assert scores.groupby("year")["code"].nunique().tolist() == [30] * 5
    assert (out / "index_scores.dta").exists()
    prov = json.loads((out / "index_provenance.json").read_text())
    assert prov["units_dropped"].keys() == {"54"}


def test_build_twice_gives_byte_identical_tables(tmp_path):
    for name in ("a", "b"):
        assert runner.invoke(app, ["build", "--out", str(tmp_path / name),
                                   "--formats", "csv,xlsx,dta,tex,md"]).exit_code == 0
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_info_prints_coverage():
    result = runner.invoke(app, ["info"])
    assert result.exit_code == 0, result.output
    assert "energy_consumption_10k_tce" in result.output and "54 Tibet" in result.output


def test_validate_reports_problems_and_exits_1(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,year,indicator,value\nShanxii,2016,gdp_100m_yuan,12\n"
                   "11,2016,gdp_100m_yuan,abc\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1
    assert "Shanxi" in result.output
    assert "Traceback" not in result.output


def test_bad_option_is_a_clear_error_not_a_traceback():
    result = runner.invoke(app, ["build", "--weighting", "magic"])
    assert result.exit_code == 1
    assert "'magic' is not known" in result.output


def test_missing_file_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["build", "--data", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1
    assert "nope.csv" in result.output


def test_method_options_are_shared_by_every_index_command():
    import typer.main

    from gmindex.cli import METHOD_OPTIONS

    group = typer.main.get_command(app)
    for name in ("build", "analyse", "map", "robustness", "notebooks"):
        params = {p.name for p in group.commands[name].params}
        assert set(METHOD_OPTIONS) <= params, (name, set(METHOD_OPTIONS) - params)
        defaults = {p.name: p.default for p in group.commands[name].params}
        assert all(defaults[k] is None for k in METHOD_OPTIONS), name  # the spec decides


@pytest.mark.slow(15)
def test_analyse_draws_the_paper_figures_when_asked(tmp_path, monkeypatch):
    # The wiring of --figures, on three figures at one width; every figure in every
    # variant is drawn and checked in tests/paper/test_figures.py.
    import functools

    import gmindex.paper.report as report

    stems = ("fig_paper_radar", "fig_paper_moran_by_year", "fig_paper_dagum_shares")
    monkeypatch.setattr(report, "paper_figures", functools.partial(
        report.paper_figures, only=stems, widths=("double",), dpi=100))
    result = runner.invoke(app, ["analyse", "--reps", "99", "--permutations", "99",
                                 "--data", str(ROOT / "data" / "panel.csv"),
                                 "--out", str(tmp_path / "r"), "--figures", str(tmp_path / "f")])
    assert result.exit_code == 0, result.output
    drawn = {p.name for p in (tmp_path / "f").iterdir()}
    for stem in stems:
        assert {f"{stem}.png", f"{stem}_zh.png", f"{stem}.pdf"} <= drawn, stem
    assert (tmp_path / "r" / "paper_obstacle_top_2020.csv").is_file()


def test_analyse_uses_the_method_options(tmp_path, monkeypatch):
    import gmindex.analysis

    seen = {}

    def fake_tables(res, **kw):
        seen["options"] = res.provenance["options"]
        raise ValueError("stop here")

    monkeypatch.setattr(gmindex.analysis, "analysis_tables", fake_tables)
    result = runner.invoke(app, ["analyse", "--weighting", "equal", "--hierarchy", "pillar",
                                 "--out", str(tmp_path / "r")])
    assert result.exit_code == 1 and "stop here" in result.output
    assert seen["options"]["weighting"] == "equal" and seen["options"]["hierarchy"] == "pillar"
    assert not (tmp_path / "r").exists()


def test_analyse_adds_paper_and_evidence_tables_only_when_asked(tmp_path):
    result = runner.invoke(app, ["analyse", "--reps", "99", "--permutations", "99",
                                 "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    written = {p.name for p in (tmp_path / "r").iterdir()}
    assert "regional_means_region4.csv" in written
    assert not any(n.startswith("paper_") for n in written)
    assert "gradient_by_system.csv" not in written


def test_evidence_needs_the_embedded_data(tmp_path):
    result = runner.invoke(app, ["analyse", "--evidence", "--data", str(ROOT / "data" / "panel.csv"),
                                 "--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert "--evidence" in result.output and "--data" in result.output
    assert not (tmp_path / "r").exists()
