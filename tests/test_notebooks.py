"""The notebook suite: every notebook runs top to bottom, and the pairs stay clean.

The execution tests (marked ``notebooks``) run each notebook with papermill in
quick mode, with results and figures going to a temporary folder; a cell error
fails the test.  The other tests are fast static checks: each ``.ipynb`` has
the same cells as its jupytext ``.py`` twin, is committed without outputs,
declares the shared parameters and defines no functions of its own.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from gmindex.notebooks import notebook_dir, notebook_paths, run_notebook

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = notebook_paths()
IDS = [p.stem for p in NOTEBOOKS]
PARAMETERS = {
    "data_path": None,
    "spec_path": None,
    "years": None,
    "scheme": "region4",
    "results_dir": "../results",
    "figures_dir": "../figures",
    "quick": False,
}


#: CPU seconds of each notebook's quick run (2-core machine): the longest start first.
SECONDS = {"01": 20, "02": 40, "03": 35, "04": 20, "05": 7, "06": 17, "07": 4, "08": 40,
           "09": 32}


def _seconds(path: Path) -> int:
    return SECONDS.get(path.name[:2], 30)


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def _tree_listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.exists() else set()


def test_suite_is_complete():
    names = [p.stem for p in NOTEBOOKS]
    assert [n[:2] for n in names] == [f"{i:02d}" for i in range(1, len(names) + 1)], names
    assert len(names) >= 7


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_paired_with_py(path):
    """The .ipynb holds exactly the cells of its percent-format .py twin."""
    jupytext = pytest.importorskip("jupytext")
    twin = path.with_suffix(".py")
    assert twin.is_file(), f"{path.name} has no jupytext twin {twin.name}"
    from_py = jupytext.read(twin)
    ipynb = _cells(path)
    assert [(c.cell_type, c.source) for c in from_py.cells] == [
        (c["cell_type"], _source(c)) for c in ipynb
    ], f"{path.name} and {twin.name} differ: run jupytext --to ipynb {twin.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_without_outputs(path):
    for cell in _cells(path):
        if cell["cell_type"] == "code":
            assert cell.get("outputs", []) == [], f"{path.name} has outputs"
            assert cell.get("execution_count") is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_parameters_cell(path):
    """One cell tagged ``parameters`` declaring the shared parameters, with their defaults."""
    tagged = [c for c in _cells(path) if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: expected one parameters cell"
    values = {}
    for node in ast.parse(_source(tagged[0])).body:
        assert isinstance(node, ast.Assign), "the parameters cell holds assignments only"
        values[node.targets[0].id] = ast.literal_eval(node.value)
    assert values == PARAMETERS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_helpers_defined(path):
    """Notebooks only call the package: no functions, lambdas or classes of their own."""
    for cell in _cells(path):
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse(_source(cell))):
            assert not isinstance(
                node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
            ), f"{path.name} defines a helper: move it into the package\n{_source(cell)[:200]}"


#: Notebooks another test already executes in quick mode, with the same checks (it runs
#: without a cell error, writes under its output folders only, leaves the checkout as it was).
RUN_ELSEWHERE = {
    "02": "run by tests/test_readme_commands.py: README step 8 executes it with two data "
          "files and a spec with an added indicator",
}


def _run_marks(path: Path) -> list:
    if path.name[:2] in RUN_ELSEWHERE:
        return [pytest.mark.skip(reason=RUN_ELSEWHERE[path.name[:2]])]
    return [pytest.mark.slow(_seconds(path))]


@pytest.mark.notebooks
@pytest.mark.parametrize("path", [pytest.param(p, marks=_run_marks(p)) for p in NOTEBOOKS],
                         ids=IDS)
def test_notebook_runs(path, tmp_path, monkeypatch):
    """Execute in quick mode; outputs only in tmp_path, nothing in the repository.

    Figures at draft resolution (every figure, language, width and format is still drawn and
    saved; the resolution of saved PNGs is checked in tests/io/test_writers.py and tests/paper).
    """
    from gmindex.io.writers import DRAFT_DPI

    monkeypatch.setenv(DRAFT_DPI, "100")  # the kernel inherits the environment
    results, figures = tmp_path / "results", tmp_path / "figures"
    before = {d: _tree_listing(REPO / d) for d in ("results", "figures")}
    out = run_notebook(
        path,
        tmp_path / "executed",
        {"results_dir": str(results), "figures_dir": str(figures), "quick": True},
    )
    assert out.is_file()
    errors = [
        o for c in _cells(out) if c["cell_type"] == "code"
        for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert not errors
    assert results.exists() or figures.exists(), "the notebook wrote no table or figure"
    for d, listing in before.items():
        assert _tree_listing(REPO / d) == listing, f"the notebook wrote into {d}/ of the repository"


def test_notebook_dir_is_the_checkout():
    assert notebook_dir() == REPO / "notebooks"


def _checkout_state() -> dict[str, tuple[int, int]]:
    """Size and modification time of every file of the checkout (not .git, not caches)."""
    skip = {".git", ".venv", ".pytest_cache", "__pycache__", ".hypothesis", ".ipynb_checkpoints"}
    return {str(p.relative_to(REPO)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in REPO.rglob("*")
            if p.is_file() and not skip & set(p.relative_to(REPO).parts)}


@pytest.mark.notebooks
@pytest.mark.slow(5)
def test_readme_step_9_writes_only_under_out(tmp_path):
    """`gmindex notebooks --data my_panel.csv --out my_results` (quick): executed notebook and
    tables under --out; nothing else changes.

    It runs 07_your_own_data, the notebook for one's own data and the quickest (seconds;
    test_notebook_runs runs every notebook).  07 draws no figures: that figures also go
    under --out is checked by tests/test_readme_commands.py, whose README walk-through runs
    02 through the same command.
    """
    import shutil

    from typer.testing import CliRunner

    from gmindex.cli import app

    (notebook,) = [p for p in NOTEBOOKS if p.name.startswith("07_")]
    data = tmp_path / "my_panel.csv"
    shutil.copy(REPO / "data" / "panel.csv", data)
    out = tmp_path / "my_results"
    before_repo, before_data = _checkout_state(), data.read_bytes()
    result = CliRunner().invoke(app, ["notebooks", "--data", str(data), "--out", str(out),
                                      "--quick", "--only", "07"])
    assert result.exit_code == 0, result.output
    assert _checkout_state() == before_repo
    assert data.read_bytes() == before_data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my_panel.csv", "my_results"]
    from gmindex.io.writers import WRITTEN_RECORD  # which command wrote what, kept beside

    assert sorted(p.name for p in out.iterdir()) == sorted(
        [notebook.name, "figures", "results", WRITTEN_RECORD])
    assert [p for p in (out / "results").rglob("*") if p.is_file()], "nothing under results/"
    executed = json.loads((out / notebook.name).read_text(encoding="utf-8"))
    params = next(_source(c) for c in executed["cells"]
                  if "injected-parameters" in c.get("metadata", {}).get("tags", []))
    assert str(data) in params


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_replication_counts_are_the_packages(path):
    """One seed and one replication count per statistic across CLI, notebooks and tables."""
    import re

    from gmindex.replications import QUICK, REPLICATIONS, SEED

    text = path.with_suffix(".py").read_text(encoding="utf-8")
    names = {"reps": "wild_bootstrap", "permutations": "moran_permutations",
             "draws": "monte_carlo_draws"}
    for var, stat in names.items():
        for quick, full in re.findall(rf"^{var} = ([\d_]+) if quick else ([\d_]+)", text, re.M):
            assert int(full) == REPLICATIONS[stat], (path.name, var)
            assert int(quick) == QUICK[stat], (path.name, var)
    for seed in re.findall(r"^seed = (\d+)", text, re.M):
        assert int(seed) == SEED, path.name


def test_parallel_run_keeps_reading_order_and_reports_the_first_failure(monkeypatch, tmp_path):
    import time

    import gmindex.notebooks as nbmod

    def fake(path, outdir, parameters=None):
        time.sleep(0.05 if path.name.startswith("01") else 0)  # the first finishes last
        if path.name.startswith(("03", "05")):
            raise RuntimeError(f"cell error in {path.name}")
        return Path(outdir) / path.name

    monkeypatch.setattr(nbmod, "run_notebook", fake)
    done = nbmod.run_notebooks(tmp_path, names=["01", "02", "04"], jobs=2)
    assert [p.name[:2] for p in done] == ["01", "02", "04"]
    with pytest.raises(RuntimeError, match="03_"):
        nbmod.run_notebooks(tmp_path, jobs=3)
    with pytest.raises(ValueError, match="jobs"):
        nbmod.run_notebooks(tmp_path, jobs=0)


def test_longest_notebooks_start_first_from_the_last_run(monkeypatch, tmp_path):
    import json

    import gmindex.notebooks as nbmod

    # the last run's executed copies carry papermill's durations
    for name, seconds in {"02_building_the_index.ipynb": 50.0, "08_paper_tables.ipynb": 70.0,
                          "05_regressions.ipynb": 5.0}.items():
        (tmp_path / name).write_text(json.dumps(
            {"cells": [], "metadata": {"papermill": {"duration": seconds}}}))
    (tmp_path / "06_robustness.ipynb").write_text("{not json")  # unreadable: unknown
    durations = nbmod.previous_durations(tmp_path)
    assert durations == {"02_building_the_index.ipynb": 50.0, "08_paper_tables.ipynb": 70.0,
                         "05_regressions.ipynb": 5.0}
    assert nbmod.previous_durations(tmp_path / "missing") == {}

    started = []

    def fake(path, outdir, parameters=None):
        started.append(path.name[:2])
        return Path(outdir) / path.name

    monkeypatch.setattr(nbmod, "run_notebook", fake)
    done = nbmod.run_notebooks(tmp_path / "out", names=["02", "05", "06", "08"], jobs=1,
                               durations=durations)
    assert started == ["06", "08", "02", "05"]  # unknown first, then longest known
    assert [p.name[:2] for p in done] == ["02", "05", "06", "08"]  # reading order


def test_notebooks_run_elsewhere_are_run_by_the_readme_walk_through():
    """The skip above stays true: README's notebooks command runs each of them."""
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^gmindex notebooks .*$", readme, flags=re.M)
    for prefix in RUN_ELSEWHERE:
        assert any(f"--only {prefix}" in c and "--quick" in c for c in commands), prefix
