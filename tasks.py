#!/usr/bin/env python3
"""Set up a local virtual environment and run the project's jobs (standard library only).

    python3 tasks.py reproduce   # install, build the index, run every notebook, write figures and tables
    python3 tasks.py test        # install with test extras, run the whole test suite (on every core)
    python3 tasks.py lab         # install, open the notebooks in JupyterLab (jupytext pairing on)

Works on a fresh machine with Python >= 3.10 (no conda, no GPU): everything goes
into ./.venv, created on first use and updated when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import venv
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("GMINDEX_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*args: str | Path, **kw) -> None:
    print("+", " ".join(map(str, args)), flush=True)
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT, **kw)


def install(extras: str) -> None:
    """Create .venv and install the package with the given extras (skipped when up to date)."""
    stamp = VENV / f".gmindex-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest and PY.exists():
        return
    if not PY.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    target = f".[{extras}]" if extras else "."
    run(PY, "-m", "pip", "install", "--quiet", "-e", target)
    stamp.write_text(digest)


def gmindex(*args: str) -> None:
    run(BIN / "gmindex", *args)


@contextmanager
def alongside(*args: str | Path):
    """Run a command in the background while the block runs; its output is shown after it.

    Fails like ``run`` if the command fails; stops it if the block fails.
    """
    command = [str(a) for a in args]
    print("+", " ".join(command), "(alongside)", flush=True)
    with tempfile.TemporaryFile() as log:
        child = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield
        except BaseException:
            child.terminate()
            child.wait()
            raise
        code = child.wait()
        log.seek(0)
        sys.stdout.flush()
        sys.stdout.buffer.write(log.read())
        sys.stdout.flush()
    if code:
        raise subprocess.CalledProcessError(code, command)


def reproduce() -> None:
    install("")
    gmindex("info")
    # The maps go to figures/, the tables to results/: drawn on a second core meanwhile.
    with alongside(BIN / "gmindex", "map", "--out", "figures"):
        gmindex("build", "--out", "results", "--formats", "csv,xlsx,dta,tex,md")
        # The paper figures are drawn by notebook 08 (every width and language), so not here.
        gmindex("analyse", "--out", "results", "--formats", "csv,xlsx", "--paper", "--evidence")
    # results/ and figures/ are the notebooks' output folders here (each swapped in whole).
    gmindex("notebooks", "--out", "results/notebooks", "--results-dir", "results",
            "--figures-dir", "figures")
    # One page with every figure as a thumbnail, to look the set over (not committed:
    # figures/.gitignore); written before the manifest so the manifest lists it.
    run(PY, "-c", "from gmindex.plots import contact_sheet; "
        "contact_sheet('figures', 'figures/contact_sheet')")
    gmindex("manifest", "figures", "results")


def lab_command(python: str | Path = PY, *extra: str) -> list[str]:
    """JupyterLab on the notebooks folder; jupytext (a dependency) pairs .ipynb and .py."""
    # Containers often run as root, which JupyterLab refuses without being told.
    root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return [str(python), "-m", "jupyter", "lab", f"--ServerApp.root_dir={ROOT / 'notebooks'}",
            "--ServerApp.ip=127.0.0.1", *root, *extra]


def lab() -> None:
    install("")
    print("+", " ".join(lab_command(PY, *sys.argv[2:])), flush=True)
    try:
        subprocess.run(lab_command(PY, *sys.argv[2:]), cwd=ROOT / "notebooks")
    except KeyboardInterrupt:  # Ctrl-C is how a JupyterLab session ends
        pass


def pytest_args(args: list[str]) -> list[str]:
    """The arguments for pytest: in parallel on every core unless the caller chose otherwise.

    ``--dist loadscope`` runs the tests of one module on one worker, so that a module's
    fixtures are computed once (tests/conftest.py splits the notebook runs up);
    ``-n 0`` or ``-p no:xdist`` runs in one process.
    """
    chosen = any(a in ("-n", "--numprocesses", "no:xdist")
                 or a.startswith(("-n", "--numprocesses=", "--dist")) for a in args)
    return list(args) if chosen else ["-n", "auto", "--dist", "loadscope", *args]


def test() -> None:
    install("test")
    env = {**os.environ, "MPLBACKEND": "Agg"}
    result = subprocess.run([str(PY), "-m", "pytest", *pytest_args(sys.argv[2:])], cwd=ROOT,
                            env=env)
    # pytest exits 5 when nothing was collected: that is a broken suite, not a pass.
    if result.returncode == 5:
        print("no tests were collected: failing", flush=True)
        sys.exit(1)
    sys.exit(result.returncode)


JOBS = {"reproduce": reproduce, "test": test, "lab": lab, "install": lambda: install("test")}

if __name__ == "__main__":
    job = sys.argv[1] if len(sys.argv) > 1 else ""
    if job not in JOBS:
        sys.exit(f"usage: python3 tasks.py {{{' | '.join(JOBS)}}}")
    JOBS[job]()
