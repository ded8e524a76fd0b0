"""Timings of the daily command-line loop: ``python benchmarks/cli.py [--baseline DIR]``.

Each command runs in a fresh process, as a user types it: ``gmindex build``
with every table format, ``gmindex analyse`` and ``gmindex map`` on the
embedded data, into a temporary folder.  Reported per command: the median
wall-clock time and the median CPU time (user + system) of the process.  On
a shared machine the wall clock grows with the other users' load while the
CPU time does not, so both are written, with the load average at the start.

``--baseline DIR`` also times another checkout (e.g. the main branch before
a change) under the same load, so old and new are compared fairly.
``--full`` adds the two long jobs, once each: the test suite (as
``python3 tasks.py test`` runs it) and ``python3 tasks.py reproduce`` in a
fresh clone of the checkout's HEAD that reuses the installed environment.

Writes ``benchmarks/cli_results.csv`` and ``benchmarks/cli_results.md`` (a
table for the README's "Performance" section).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: Command -> (arguments after ``gmindex``, target wall-clock seconds on an idle 2-core machine).
COMMANDS = {
    "build (csv,xlsx,dta,tex,md)": (["build", "--formats", "csv,xlsx,dta,tex,md"], 2.0),
    "analyse": (["analyse"], 3.0),
    "map": (["map"], 8.0),
}

#: What ``gmindex analyse`` computed before the paper and evidence tables became options,
#: timed for this checkout only and compared with the baseline's plain ``analyse``.
FULL_ANALYSE = "analyse --paper --evidence"

#: Wall-clock times measured on main before this work (2-core machine, as a user runs them).
EARLIER = {
    "build (csv,xlsx,dta,tex,md)": 5.4,
    "analyse": 28.0,
    "map": 30.0,
    "test suite": 158.0,
    # 3 min 47 s including the install; the target is for an installed environment.
    "reproduce (installed)": 227.0,
}

# `python -m gmindex.cli` did not run the CLI before this work; this works in every version.
LAUNCH = "import sys; from gmindex.cli import app; sys.argv[0] = 'gmindex'; app()"


def run_once(checkout: Path, args: list[str], out: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one ``gmindex`` command run from ``checkout``."""
    env = {**os.environ, "PYTHONPATH": str(checkout), "MPLBACKEND": "Agg"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # Run from the checkout: with ``python -c`` the current folder comes first on sys.path,
    # so a run started elsewhere could time that folder's gmindex instead.
    subprocess.run([sys.executable, "-c", LAUNCH, *args, "--out", str(out)], env=env,
                   cwd=checkout, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


# The analysis itself, after the imports, in one process: what the wild bootstrap change is about
# (same permutations in both checkouts, so only the computation differs).
IN_PROCESS = """
import time, warnings
warnings.simplefilter("ignore")
from gmindex.datasets import load_inputs
from gmindex.index import build_index
import gmindex.analysis as analysis
import esda, libpysal, linearmodels, scipy.stats, statsmodels.api
res = build_index(*load_inputs())
cpu, wall = time.process_time(), time.perf_counter()
analysis.analysis_tables(res, reps=9999, permutations=999, seed=12345, paper=False)
print(time.perf_counter() - wall, time.process_time() - cpu)
"""
IN_PROCESS_NAME = "analysis_tables in process (after imports; without the paper tables)"


def measure_in_process(checkout: Path) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(checkout), "MPLBACKEND": "Agg"}
    out = subprocess.run([sys.executable, "-c", IN_PROCESS], env=env, cwd=checkout, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[-2]), float(out[-1])


# One wild cluster bootstrap p-value (default panel, region4 gradient model, 9999 replications,
# 30 clusters): wildboottest itself against gmindex.regress.wild_cluster_pvalue, same draws,
# alternating in one process (median of 5 calls each).
WILD = """
import statistics, time, warnings
import numpy as np, statsmodels.api as sm
from wildboottest.wildboottest import wildboottest
from gmindex.regress import wild_cluster_pvalue
warnings.simplefilter("ignore")
rng = np.random.default_rng(0)
g = np.repeat(np.arange(30), 5)
X = np.column_stack([np.ones(150), (g % 4 == 1), (g % 4 == 2), (g % 4 == 3)]).astype(float)
y = X @ [0.5, -0.01, -0.02, -0.015] + rng.normal(scale=0.05, size=150) + rng.normal(size=30)[g] * 0.02
old, new = [], []
for _ in range(5):
    t = time.process_time()
    p_old = wildboottest(sm.OLS(y, X), B=9999, cluster=g, param="x1", seed=1, show=False,
                         parallel=False)["p-value"].iloc[0]
    old.append(time.process_time() - t)
    t = time.process_time()
    p_new = wild_cluster_pvalue(X, y, g, 1, reps=9999, seed=1)[1]
    new.append(time.process_time() - t)
    assert abs(p_old - p_new) <= 1 / 9999 + 1e-12, (p_old, p_new)  # at most a rounding tie
print(statistics.median(old), statistics.median(new))
"""
WILD_NAME = "one wild bootstrap p-value, 9999 replications (CPU, wildboottest vs gmindex)"


def measure_wild() -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", WILD], env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[-2]), float(out[-1])


def _commit(checkout: Path) -> str:
    done = subprocess.run(["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def _timed(cmd: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


#: The long jobs timed by ``--full`` (no baseline: the earlier figures are in EARLIER).
LONG_JOBS = {"test suite": 180.0, "reproduce (installed)": 90.0}


def measure_long(checkout: Path) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds of the test suite and of the reproduce job (installed venv)."""
    venv = Path(sys.prefix)
    # tasks.py reinstalls when the environment's stamp does not match pyproject.toml; run from
    # the clone, that would point the environment's editable install at a folder deleted
    # afterwards.  So the environment must be current before anything is timed.
    digest = hashlib.sha256((checkout / "pyproject.toml").read_bytes()).hexdigest()
    for extras in ("base", "test"):
        stamp = venv / f".gmindex-{extras}"
        if not stamp.is_file() or stamp.read_text() != digest:
            sys.exit(f"{venv} is not up to date with {checkout / 'pyproject.toml'}: run "
                     "`python3 tasks.py install` and `python3 tasks.py reproduce` there first")
    env = {**os.environ, "GMINDEX_VENV": str(venv)}
    results = {"test suite": _timed([sys.executable, "tasks.py", "test", "-q"], checkout, env)}
    with tempfile.TemporaryDirectory(prefix="gmindex-bench-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(checkout), str(clone)], check=True)
        shared = checkout.parent / "shared"
        if shared.exists():  # the tests' optional comparisons with the source tables
            (Path(tmp) / "shared").symlink_to(shared)
        results["reproduce (installed)"] = _timed(
            [sys.executable, "tasks.py", "reproduce"], clone, env)
    for name, (wall, cpu) in results.items():
        print(f"{checkout.name}: {name}: {wall:.0f} s wall, {cpu:.0f} s CPU", flush=True)
    return results


def measure(checkout: Path, repeat: int) -> dict[str, tuple[float, float]]:
    results = {}
    commands = {name: args for name, (args, _) in COMMANDS.items()}
    if checkout == ROOT:
        commands[FULL_ANALYSE] = FULL_ANALYSE.split()
    for name, args in commands.items():
        walls, cpus = [], []
        for _ in range(repeat):
            with tempfile.TemporaryDirectory(prefix="gmindex-bench-") as tmp:
                wall, cpu = run_once(checkout, args, Path(tmp) / "out")
            walls.append(wall)
            cpus.append(cpu)
            print(f"{checkout.name}: {name}: {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
        results[name] = (statistics.median(walls), statistics.median(cpus))
    runs = [measure_in_process(checkout) for _ in range(repeat)]
    results[IN_PROCESS_NAME] = (statistics.median(r[0] for r in runs),
                                statistics.median(r[1] for r in runs))
    print(f"{checkout.name}: {IN_PROCESS_NAME}: {results[IN_PROCESS_NAME]}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another checkout to time the same way")
    parser.add_argument("--full", action="store_true",
                        help="also time the test suite and the reproduce job (several minutes)")
    opts = parser.parse_args()
    load = os.getloadavg()
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    new = measure(ROOT, opts.repeat)
    old = measure(opts.baseline.resolve(), opts.repeat) if opts.baseline else {}
    if opts.full:
        new.update(measure_long(ROOT))
    wild_old, wild_new = measure_wild()
    print(f"{WILD_NAME}: {wild_old:.3f} s -> {wild_new:.3f} s", flush=True)
    load_end = os.getloadavg()

    rows = []
    targets = {name: target for name, (_, target) in COMMANDS.items()}
    longs = {name: t for name, t in LONG_JOBS.items() if name in new}
    for name, target in {**targets, FULL_ANALYSE: None, IN_PROCESS_NAME: None, **longs}.items():
        wall, cpu = new[name]
        o_wall, o_cpu = old.get("analyse" if name == FULL_ANALYSE else name, (None, None))
        rows.append({"command": name,
                     "earlier_wall_s": EARLIER.get("analyse" if name == FULL_ANALYSE else name),
                     "baseline_wall_s": o_wall, "baseline_cpu_s": o_cpu,
                     "wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "target_s": target})
    with open(HERE / "cli_results.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else (round(v, 2) if isinstance(v, float) else v))
                             for k, v in row.items()})

    lines = [
        f"Measured {stamp} with `python benchmarks/cli.py"
        f"{' --baseline DIR' if opts.baseline else ''}"
        f"{f' --repeat {opts.repeat}' if opts.repeat != 3 else ''}{' --full' if opts.full else ''}` "
        f"{f'(DIR: commit {_commit(opts.baseline)}) ' if opts.baseline else ''}"
        f"(median of {opts.repeat} fresh processes per command; the long jobs once) on "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; load "
        f"average {load[0]:.1f} at the start and {load_end[0]:.1f} at the end. Wall-clock times "
        "grow with other load on the machine, CPU time (user + system, all processes) does not.",
        "",
        "| Command | Before (wall, idle machine) | Before, same load (wall / CPU) "
        "| Now (wall / CPU) | Target (wall, idle) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        before = (f"{row['baseline_wall_s']:.1f} s / {row['baseline_cpu_s']:.1f} s"
                  if row["baseline_wall_s"] is not None else "")
        label = (f"`gmindex {row['command']}`" if row["command"] in (*COMMANDS, FULL_ANALYSE)
                 else row["command"])
        earlier = f"{row['earlier_wall_s']:.1f} s" if row["earlier_wall_s"] else ""
        target = f"< {row['target_s']:.0f} s" if row["target_s"] else ""
        lines.append(f"| {label} | {earlier} | {before} "
                     f"| {row['wall_s']:.1f} s / {row['cpu_s']:.1f} s | {target} |")
    lines += ["", f"{WILD_NAME}: {wild_old:.3f} s before, {wild_new:.3f} s now "
              "(same draws; p-values equal up to a rounding tie)."]
    with open(HERE / "cli_results.csv", "a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            [WILD_NAME, "", "", f"{wild_old:.3f}", "", f"{wild_new:.3f}", ""])
    (HERE / "cli_results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
