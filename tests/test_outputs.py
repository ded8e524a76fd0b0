"""Outputs that never damage anything: bad --out paths, inputs never overwritten, interrupted
runs leave the previous complete set, method options reach every command, manifest reads the
folder's provenance (real default data throughout)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from gmindex.cli import app, OptionError, read_weights_file
from gmindex.io import outputs, writers

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def snapshot(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``folder``."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def one_line_error(result, code=2):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert [line for line in result.output.splitlines() if line.startswith("error:")], result.output
    assert result.output.count("error:") == 1, result.output
    return " ".join(result.output.split())  # rich wraps long lines at the terminal width


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A complete build folder (csv only, fast) and the hashes of its files."""
    out = tmp_path_factory.mktemp("built") / "r"
    assert runner.invoke(app, ["build", "--out", str(out), "--formats", "csv"]).exit_code == 0
    return out, snapshot(out)


# --- bad --out paths ------------------------------------------------------------------------


def test_out_at_an_existing_file(tmp_path):
    target = tmp_path / "scores.csv"
    target.write_text("keep me\n")
    out = one_line_error(runner.invoke(app, ["build", "--out", str(target)]))
    assert "this is a file, not a folder" in out
    assert target.read_text() == "keep me\n"


def test_out_with_a_missing_parent(tmp_path):
    out = one_line_error(runner.invoke(app, ["build", "--out", str(tmp_path / "no" / "such")]))
    assert "does not exist" in out and not (tmp_path / "no").exists()


def test_out_in_a_folder_that_cannot_be_written(tmp_path, monkeypatch):
    # Root ignores file modes, so simulate the refusal the operating system gives others.
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(outputs.os, "access", lambda *a: False)
    out = one_line_error(runner.invoke(app, ["build", "--out", str(tmp_path / "r")]))
    assert "is not writable" in out
    monkeypatch.undo()
    (tmp_path / "r").mkdir()
    monkeypatch.setattr(outputs.shutil, "copytree", refuse)
    out = one_line_error(runner.invoke(app, ["build", "--out", str(tmp_path / "r")]))
    assert "Permission denied" in out


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_out_in_a_read_only_folder(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        out = one_line_error(runner.invoke(app, ["build", "--out", str(ro / "r")]))
        assert "not writable" in out
    finally:
        ro.chmod(0o755)


def test_convert_onto_its_own_input_is_refused(tmp_path):
    src = tmp_path / "book.csv"
    src.write_text("地区,2019,2020\n北京,1,2\n天津,3,4\n", encoding="utf-8")
    before = src.read_bytes()
    out = one_line_error(runner.invoke(app, ["convert", str(src), "--layout", "years",
                                             "--indicator", "gdp_100m_yuan", "--out", str(src)]))
    assert "is the input file" in out and str(src) in out
    assert src.read_bytes() == before


def test_an_output_named_like_an_input_in_the_out_folder_is_refused(tmp_path):
    out = tmp_path / "r"
    out.mkdir()
    data = out / "index_scores.csv"  # the name build writes
    shutil.copy(ROOT / "data" / "panel.csv", data)
    before = data.read_bytes()
    msg = one_line_error(runner.invoke(app, ["build", "--data", str(data), "--out", str(out),
                                             "--formats", "csv"]))
    assert "would overwrite the input" in msg
    assert data.read_bytes() == before and sorted(p.name for p in out.iterdir()) == ["index_scores.csv"]


# --- interrupted runs -------------------------------------------------------------------------


@pytest.mark.parametrize("error", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_exception_mid_write_leaves_the_previous_set(built, tmp_path, monkeypatch, error):
    out = tmp_path / "r"
    shutil.copytree(built[0], out)
    real = writers.write_table
    calls = []

    def failing(table, path, **kw):
        calls.append(path)
        if len(calls) == 3:  # two tables written, then the failure
            raise error
        return real(table, path, **kw)

    monkeypatch.setattr(writers, "write_table", failing)
    runner.invoke(app, ["build", "--out", str(out), "--formats", "csv", "--normalization",
                        "per_year"])
    assert len(calls) >= 3
    assert snapshot(out) == built[1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]  # no partial folder left


KILLER = """
import sys, time
from gmindex.io import outputs, writers
real = writers.write_table
def slow(table, path, **kw):
    out = real(table, path, **kw)
    print("WROTE", flush=True)
    time.sleep(60)
    return out
writers.write_table = slow
from gmindex.cli import app
app(["build", "--out", sys.argv[1], "--formats", "csv", "--weighting", "equal"])
"""


def test_killed_run_leaves_the_previous_set_and_the_next_run_tidies(built, tmp_path):
    out = tmp_path / "r"
    shutil.copytree(built[0], out)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", KILLER, str(out)], stdout=subprocess.PIPE,
                            text=True, env=env)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            line = proc.stdout.readline()
            if "WROTE" in line or not line:
                break
        assert "WROTE" in line, "the build never reached its first table"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
    assert snapshot(out) == built[1]  # old provenance and old scores, together
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".r.partial-")]
    result = runner.invoke(app, ["build", "--out", str(out), "--formats", "csv",
                                 "--weighting", "equal"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]
    prov = json.loads((out / "index_provenance.json").read_text())
    assert prov["options"]["weighting"] == "equal"


# --- shared folders: a rerun forgets what the same command no longer writes -------------------


def test_build_rerun_with_fewer_formats_leaves_no_stale_tables(built, tmp_path):
    out = tmp_path / "r"
    assert runner.invoke(app, ["build", "--out", str(out), "--formats", "csv,md"]).exit_code == 0
    assert (out / "index_scores.md").is_file()
    (out / "my_notes.txt").write_text("mine")
    # Another command's file in the same folder (as analyse writes into results/).
    record = json.loads((out / writers.WRITTEN_RECORD).read_text())
    (out / "gini.csv").write_text("g\n")
    record["analyse"] = ["gini.csv"]
    (out / writers.WRITTEN_RECORD).write_text(json.dumps(record))
    result = runner.invoke(app, ["build", "--out", str(out), "--formats", "csv"])
    assert result.exit_code == 0, result.output
    assert not list(out.glob("*.md"))
    assert (out / "my_notes.txt").read_text() == "mine" and (out / "gini.csv").is_file()
    # The same files, byte for byte, as a fresh csv-only build, plus the two kept.
    rest = {k: v for k, v in snapshot(out).items() if k not in ("my_notes.txt", "gini.csv")}
    fresh = {k: v for k, v in built[1].items() if k != writers.WRITTEN_RECORD}
    assert {k: v for k, v in rest.items() if k != writers.WRITTEN_RECORD} == fresh
    assert json.loads((out / writers.WRITTEN_RECORD).read_text()) == {
        "analyse": ["gini.csv"], "build": sorted(fresh)}


def test_map_and_notebooks_record_their_variants_apart(tmp_path, monkeypatch):
    seen = []

    def stop(outs, *, inputs=(), command=None):
        seen.append(command)
        raise ValueError("stop here")

    monkeypatch.setattr(outputs, "staged_folders", stop)
    for args in (["map", "--lang", "zh", "--permutations", "9"],
                 ["notebooks", "--only", "03,01,03"], ["notebooks"]):
        result = runner.invoke(app, [*args, "--out", str(tmp_path / "o")])
        assert "stop here" in result.output, result.output
    assert seen == ["map --lang zh", "notebooks --only 01,03", "notebooks"]


# --- method options everywhere, --weights, manifest ------------------------------------------


def test_weights_file_csv_and_toml(tmp_path):
    csv = tmp_path / "w.csv"
    csv.write_text("indicator,weight\nenergy_intensity,0.25\nso2_intensity,0.75\n")
    toml = tmp_path / "w.toml"
    toml.write_text("[weights]\nenergy_intensity = 0.25\nso2_intensity = 0.75\n")
    assert read_weights_file(csv) == read_weights_file(toml) == {
        "energy_intensity": 0.25, "so2_intensity": 0.75}
    scaled = tmp_path / "scaled.toml"
    scaled.write_text("[weights]\nenergy_intensity = 1\nso2_intensity = 3\n")
    with pytest.raises(OptionError, match="sum to 4, not 1"):
        read_weights_file(scaled)
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,weight\nenergy_intensity,abc\n")
    out = one_line_error(runner.invoke(app, ["build", "--weights", str(bad),
                                             "--out", str(tmp_path / "r")]))
    assert "row 2" in out and "'abc'" in out


def test_weights_file_reaches_the_index(tmp_path):
    from gmindex.datasets import load_default_spec

    ids = load_default_spec().indicator_ids
    w = tmp_path / "w.csv"
    total = len(ids) * (len(ids) + 1) / 2
    pd.DataFrame({"indicator": ids, "weight": [i / total for i in range(1, len(ids) + 1)]}
                 ).to_csv(w, index=False)
    result = runner.invoke(app, ["build", "--weights", str(w), "--out", str(tmp_path / "r"),
                                 "--formats", "csv"])
    assert result.exit_code == 0, result.output
    weights = pd.read_csv(tmp_path / "r" / "index_weights.csv").set_index("indicator")["weight"]
    for i, ind in enumerate(ids, start=1):
        assert weights[ind] == pytest.approx(i / total, abs=1e-6)


def test_weights_file_not_summing_to_one_is_refused(tmp_path):
    from gmindex.datasets import load_default_spec

    ids = load_default_spec().indicator_ids
    w = tmp_path / "w.csv"
    pd.DataFrame({"indicator": ids, "weight": 2.0 / len(ids)}).to_csv(w, index=False)
    result = runner.invoke(app, ["build", "--weights", str(w), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert "sum to 2, not 1" in result.output and "nothing is" in result.output
    assert not (tmp_path / "r").exists()


def test_robustness_uses_the_method_options(tmp_path):
    out = tmp_path / "r"
    result = runner.invoke(app, ["robustness", "--draws", "50", "--weighting", "equal",
                                 "--out", str(out), "--formats", "csv"])
    assert result.exit_code == 0, result.output
    stamp = (out / "robustness_rank_intervals.provenance.json")
    files = sorted(out.glob("*.provenance.json"))
    assert files, sorted(p.name for p in out.iterdir())
    prov = json.loads((stamp if stamp.exists() else files[0]).read_text())
    assert prov["options"]["weighting"] == "equal"


def test_manifest_reads_the_folders_provenance(tmp_path):
    out = tmp_path / "r"
    assert runner.invoke(app, ["build", "--out", str(out), "--formats", "csv",
                               "--weighting", "critic"]).exit_code == 0
    result = runner.invoke(app, ["manifest", str(out)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "MANIFEST.json").read_text())
    assert manifest["provenance"]["options"]["weighting"] == "critic"
    assert {f["file"] for f in manifest["files"]} >= {"index_scores.csv", "index_provenance.json"}
    empty = tmp_path / "empty"
    empty.mkdir()
    msg = one_line_error(runner.invoke(app, ["manifest", str(empty)]), code=1)
    assert "no index_provenance.json" in msg


def test_data_error_is_one_red_line_and_what_to_do(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,year,indicator,value\n99,2016,gdp_100m_yuan,1\n", encoding="utf-8")
    result = runner.invoke(app, ["build", "--data", str(bad), "--out", str(tmp_path / "r")])
    one_line_error(result, code=1)
    assert not (tmp_path / "r").exists()


def test_unknown_format_is_an_option_error(tmp_path):
    out = one_line_error(runner.invoke(app, ["build", "--formats", "csv,docx",
                                             "--out", str(tmp_path / "r")]))
    assert "docx" in out


def test_notebooks_get_method_options_through_a_spec_copy(tmp_path):
    from gmindex.cli import OptionError, _spec_with_methods
    from gmindex.spec import read_spec

    wanted = {"hierarchy": "flat", "weighting": "critic", "max_weight": 0.3, "shift": 0.0001}
    path = _spec_with_methods(None, wanted, tmp_path)
    method = dict(read_spec(path).method)
    assert {k: method[k] for k in wanted} == wanted
    assert path.parent == tmp_path  # written under --out, the embedded spec untouched
    assert _spec_with_methods(None, {}, tmp_path) is None
    with pytest.raises(OptionError, match="--goalposts"):
        _spec_with_methods(None, {"goalposts": "x.csv"}, tmp_path)
    with pytest.raises(ValueError, match="max_weight"):  # the spec's own check, unchanged
        _spec_with_methods(None, {"hierarchy": "pillar", "max_weight": 0.3}, tmp_path)


def test_load_inputs_takes_several_files_and_names_them(tmp_path):
    from gmindex.datasets import load_inputs, read_inputs

    panel = pd.read_csv(ROOT / "data" / "panel.csv", dtype={"code": str})
    early, late = tmp_path / "early.csv", tmp_path / "late.csv"
    panel[panel["year"] < 2019].to_csv(early, index=False)
    panel[panel["year"] >= 2019].to_csv(late, index=False)
    both, spec = load_inputs([early, late])
    assert "early.csv" in both.attrs["source"] and "late.csv" in both.attrs["source"]
    one = read_inputs().panel
    key = ["code", "year", "indicator"]
    a = both.sort_values(key).reset_index(drop=True)[key + ["value"]]
    b = one.sort_values(key).reset_index(drop=True)[key + ["value"]]
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    # The same source whichever door: the CLI's provenance names both files too.
    result = runner.invoke(app, ["build", "--data", str(early), "--data", str(late),
                                 "--out", str(tmp_path / "r"), "--formats", "csv"])
    assert result.exit_code == 0, result.output
    prov = json.loads((tmp_path / "r" / "index_provenance.json").read_text())
    assert prov["data_source"] == both.attrs["source"]
