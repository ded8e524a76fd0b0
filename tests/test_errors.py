"""Problems, advice per interface, and what the command line prints for bad data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gmindex.cli import app
from gmindex.errors import (
    DataError,
    Problem,
    ValidationReport,
    cli_wording,
    current_interface,
    escape_markup,
    problem_kind,
    render,
    use_interface,
)

BAD = Path(__file__).resolve().parent / "bad_inputs"
runner = CliRunner()


def test_advice_is_rendered_for_the_interface_in_use():
    p = Problem("error", "no header row", "pass header_rows=2", file="a.xlsx")
    assert render(p, "python") == "a.xlsx: no header row. Fix: pass header_rows=2"
    assert render(p, "cli") == "a.xlsx: no header row. Fix: pass --header-rows 2"
    with use_interface("cli"):
        assert current_interface() == "cli"
        assert str(DataError(p)).endswith("--header-rows 2")
    assert current_interface() == "python"
    assert str(DataError(p)).endswith("header_rows=2")
    own = Problem("error", "x", "accept=['a.csv:3']", advice={"cli": "--accept a.csv:3 (own)"})
    assert own.advice_for("cli") == "--accept a.csv:3 (own)"


@pytest.mark.parametrize("python, cli", [
    ("pass sheet='2-1'", "pass --sheet 2-1"),
    ("choose with on_conflict='first', 'last' or {source: priority}",
     "choose with --on-conflict first or --on-conflict last"),
    ("use read_wide(path, layout='years', indicator='<series id>')",
     "use gmindex convert FILE --layout years --indicator SERIES_ID (or validate with these "
     "options)"),
    ("keep it with accept=['15,2019,gdp']", "keep it with --accept 15,2019,gdp"),
    ("nothing to change", "nothing to change"),
])
def test_cli_wording(python, cli):
    assert cli_wording(python) == cli


def test_markup_is_escaped_so_brackets_print():
    from rich.console import Console

    console = Console(record=True, width=200)
    console.print(escape_markup("check the spec's [[series]] ids [red]now"))
    assert "check the spec's [[series]] ids [red]now" in console.export_text()


def test_summary_groups_by_kind_and_lists_the_first_few():
    problems = [Problem("warning", f"coverage: no gdp for unit {i} in 2019") for i in range(7)]
    problems.append(Problem("error", "unknown province name 'Shanxii'"))
    report = ValidationReport.from_problems(problems, source="a.csv")
    text = report.summary(per_kind=2)
    assert text.splitlines()[:4] == [
        "a.csv: 1 errors, 7 warnings",
        "error: unknown province name (1)",
        "  unknown province name 'Shanxii'",
        "warning: coverage (7)",
    ]
    assert "  ... and 5 more like this" in text
    assert problem_kind(problems[0]) == "coverage"


def _invoke(*args):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_cli_build_refuses_1e308_and_accepts_it_knowingly(tmp_path):
    out = _invoke("build", "--data", str(BAD / "huge_value.csv"), "--spec",
                  str(BAD / "build_spec.toml"), "--out", str(tmp_path / "r1"))
    assert out.exit_code == 1
    flat = " ".join(out.output.split())
    assert "implausible value (across provinces): 1e+308" in flat
    assert "keep it with --accept 15,2019,energy_consumption_10k_tce" in flat
    assert "Traceback" not in out.output
    out = _invoke("build", "--data", str(BAD / "huge_value.csv"), "--spec",
                  str(BAD / "build_spec.toml"), "--out", str(tmp_path / "r2"),
                  "--accept", "15,2019,energy_consumption_10k_tce",
                  "--formats", "csv")  # Stata cannot store 1e308
    assert out.exit_code == 0, out.output
    assert "note: value accepted knowingly (15,2019,energy_consumption_10k_tce)" in out.output
    prov = json.loads((tmp_path / "r2" / "index_provenance.json").read_text(encoding="utf-8"))
    assert prov["options"]["accept"] == ["15,2019,energy_consumption_10k_tce"]


def test_cli_build_matches_case_and_stops_on_missing_denominator(tmp_path):
    out = _invoke("build", "--data", str(BAD / "case_changed_id.csv"), "--spec",
                  str(BAD / "build_spec.toml"), "--out", str(tmp_path / "r"))
    assert out.exit_code == 0, out.output
    assert "note: series id 'Energy_Consumption_10k_TCE' read as the spec's" in out.output
    out = _invoke("build", "--data", str(BAD / "missing_denominator.csv"), "--spec",
                  str(BAD / "build_spec_ratio.toml"), "--out", str(tmp_path / "r2"))
    assert out.exit_code == 1
    assert out.output.count("error:") == 1 and "dropped" not in out.output
    assert "series 'gdp_100m_yuan' of the spec has no data" in " ".join(out.output.split())


def test_cli_drop_indicator_says_how_many(tmp_path):
    out = _invoke("build", "--missing", "drop_indicator", "--out", str(tmp_path / "r"))
    assert out.exit_code == 0, out.output
    # Tibet lacks energy, industrial value added and SO2: every indicator built on them goes
    from gmindex.datasets import load_default_spec

    m = len(load_default_spec().indicators)
    assert f"10 of {m} indicators dropped by rule drop_indicator:" in out.output


def test_cli_validate_summarises_and_verbose_lists_all(tmp_path):
    path = tmp_path / "case.csv"
    shutil.copy(BAD / "case_changed_id.csv", path)
    short = _invoke("validate", str(path))
    full = _invoke("validate", str(path), "--verbose")
    assert short.exit_code == full.exit_code == 0
    assert "... and" in short.output and "(--verbose" not in full.output
    assert len(full.output.splitlines()) > len(short.output.splitlines())
    assert "did you mean 'energy_consumption_10k_tce'?" in " ".join(short.output.split())
    assert "[[series]]" in short.output


def test_cli_validate_names_cli_options_and_handles_a_bad_registry(tmp_path):
    out = _invoke("validate", str(BAD / "cover_sheet.xlsx"), "--layout", "years",
                  "--indicator", "energy_consumption_10k_tce")
    assert out.exit_code == 1
    assert "sheet '8-12' holds province names: pass --sheet 8-12" in " ".join(out.output.split())
    out = _invoke("validate", str(BAD / "six_digit_codes.csv"), "--registry",
                  str(BAD / "registry_duplicate_code.csv"))
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert "duplicate codes in the registry: ['11'] (rows [2, 4])" in out.output
