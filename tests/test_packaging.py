"""The set-up files agree with each other: pyproject, environment.yml, README and CI."""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _names(reqs):
    return {re.split(r"[<>=!~ \[]", r.strip(), maxsplit=1)[0].lower() for r in reqs}


def test_environment_yml_lists_the_same_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = _names(project["dependencies"]) | _names(project["optional-dependencies"]["test"])
    env = (ROOT / "environment.yml").read_text()
    listed = set()
    for line in env.splitlines():
        m = re.match(r"^\s*-\s+([A-Za-z0-9_.\-]+)\s*(>=|$)", line)
        if m:
            listed.add(m.group(1).lower())
    assert wanted - listed == set(), f"missing from environment.yml: {sorted(wanted - listed)}"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 tasks.py test" in readme
    assert "python3 tasks.py reproduce" in readme
    assert re.search(r"^python3 tasks.py test\s*$", ci, flags=re.M)


def test_lower_bounds_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for req in project["dependencies"]:
        assert ">=" in req, f"{req} has no lower bound"


def test_tasks_test_runs_in_parallel_unless_told_otherwise():
    import importlib.util

    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    assert tasks.pytest_args(["-x"]) == ["-n", "auto", "--dist", "loadscope", "-x"]
    for chosen in (["-n", "0"], ["-n2"], ["-p", "no:xdist"], ["--dist", "load", "-n", "3"]):
        assert tasks.pytest_args(chosen) == chosen


def _tasks_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    return tasks


def test_reproduce_runs_a_command_alongside_and_reports_it(capfd):
    import subprocess
    import sys

    tasks = _tasks_module()
    with tasks.alongside(sys.executable, "-c", "print('drawn meanwhile')"):
        print("in front")
    out = capfd.readouterr().out
    assert out.index("in front") < out.index("drawn meanwhile\n")  # its output after it ends
    with pytest.raises(subprocess.CalledProcessError):
        with tasks.alongside(sys.executable, "-c", "raise SystemExit(3)"):
            pass
    # a failing block stops the background command instead of waiting for it
    with pytest.raises(RuntimeError):
        with tasks.alongside(sys.executable, "-c", "import time; time.sleep(60)"):
            raise RuntimeError("front failed")
