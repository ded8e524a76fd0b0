"""Performance benchmarks of gmindex: ``python benchmarks/run.py [--quick]``.

Writes ``benchmarks/results.csv`` (one row per measurement) and
``benchmarks/results.md`` (a ``## Performance`` section ready for the README).

Each benchmark runs in a fresh Python process so that its peak resident
memory (``resource.getrusage(...).ru_maxrss``) is its own.  Times are wall
clock (``time.perf_counter``) and CPU (``time.process_time``); the median of
several runs is reported.  The machine is shared, so the load average at the
start is recorded too.

Benchmarks
----------
* ``default_build``: read the embedded CSV files and build the default index,
  in process after imports (first call and median of the next runs).
* ``monte_carlo``: :func:`gmindex.robustness.monte_carlo` on the default panel.
* ``scale_matrix``: a synthetic city-level matrix (3,000 units x 20 years x 40
  indicators by default): pooled min-max, entropy weights, scores, with the
  engine functions.
* ``scale_build``: the same synthetic panel in long form through
  :func:`gmindex.index.build_index` with a synthetic registry (the full path:
  validation, derivation, missing-data rule, provenance hash).
* ``entropy_tools``: our entropy weights against scikit-criteria and pymcdm on
  the same matrices (time ratio, largest absolute difference), plus small
  matrices that show where the tools differ.
* cost growth with units, years and draws.

Synthetic panels are lognormal draws from a seeded numpy Generator: they
measure speed only and are not data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGETS = {  # (benchmark, case) -> (metric, limit, unit)
    ("default_build", "read CSV + spec + build_index"): ("wall_median", 1.0, "s"),
    ("monte_carlo", "10000 draws, default panel"): ("wall_median", 10.0, "s"),
    ("monte_carlo_rss", "10000 draws, default panel"): ("peak_rss", 1024.0, "MB"),
    ("scale_matrix", "minmax + entropy_weights + scores"): ("wall_median", 2.0, "s"),
    ("scale_matrix_rss", "minmax + entropy_weights + scores"): ("peak_rss", 2048.0, "MB"),
}


# --------------------------------------------------------------------------- helpers


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def timed(func, repeat: int):
    """Run ``func`` ``repeat`` times; return (walls, cpus, last result)."""
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        out = func()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return walls, cpus, out


def synthetic_matrix(units: int, years: int, indicators: int, seed: int = 0):
    """Seeded lognormal (units*years) x indicators matrix and its year labels."""
    import numpy as np

    rng = np.random.default_rng(seed)
    scale = rng.uniform(0.3, 1.5, indicators)
    x = rng.lognormal(0.0, scale, size=(units * years, indicators))
    year_of_row = np.tile(np.arange(2001, 2001 + years), units)
    return x, year_of_row


def synthetic_panel(units: int, years: int, indicators: int, seed: int = 0):
    """Long panel, spec and registry for a synthetic city-level index."""
    import numpy as np
    import pandas as pd

    from gmindex.provinces import Registry
    from gmindex.spec import Indicator, Pillar, Series, Spec

    x, _ = synthetic_matrix(units, years, indicators, seed)
    rng = np.random.default_rng(seed + 1)
    codes = [f"C{i:05d}" for i in range(units)]
    year_list = list(range(2001, 2001 + years))
    series = [f"s{j:02d}" for j in range(indicators)]
    registry = Registry(
        pd.DataFrame({"code": codes, "name_en": [f"Unit {i}" for i in range(units)],
                      "region3": rng.choice(["east", "central", "west"], units)}),
        source="synthetic",
    )
    spec = Spec(
        indicators=tuple(
            Indicator(f"x{j:02d}", f"p{j // 8}", "cost" if j % 4 == 0 else "benefit", series[j])
            for j in range(indicators)
        ),
        pillars=tuple(Pillar(f"p{k}") for k in range((indicators + 7) // 8)),
        series=tuple(Series(s) for s in series),
        years=tuple(year_list),
        id="synthetic",
    )
    keys = pd.MultiIndex.from_product([codes, year_list], names=["code", "year"]).to_frame(index=False)
    panel = pd.DataFrame({
        "code": np.repeat(keys["code"].to_numpy(), indicators),
        "year": np.repeat(keys["year"].to_numpy(), indicators),
        "indicator": np.tile(series, len(keys)),
        "value": x.ravel(),
    })
    return panel, spec, registry


# --------------------------------------------------------------------------- tasks (child side)


def task_default_build(repeat: int) -> dict:
    from gmindex.datasets import load_default_panel, load_default_spec
    from gmindex.index import build_index

    rss_imports = peak_rss_mb()

    def once():
        return build_index(load_default_panel(), load_default_spec())

    first_w, first_c, _ = timed(once, 1)
    walls, cpus, res = timed(once, repeat)
    read_w, _, _ = timed(lambda: (load_default_panel(), load_default_spec()), repeat)
    panel, spec = load_default_panel(), load_default_spec()
    build_w, _, _ = timed(lambda: build_index(panel, spec), repeat)
    return {"first_call": first_w[0], "first_call_cpu": first_c[0],
            "wall_median": statistics.median(walls), "cpu_median": statistics.median(cpus),
            "wall_min": min(walls), "read_median": statistics.median(read_w),
            "build_median": statistics.median(build_w), "runs": repeat,
            "rss_after_imports": rss_imports, "peak_rss": peak_rss_mb(),
            "units": int(res.scores["code"].nunique()), "years": int(res.scores["year"].nunique()),
            "indicators": len(res.weights)}


def task_monte_carlo(draws: int, repeat: int) -> dict:
    from gmindex.datasets import load_default_panel, load_default_spec
    from gmindex.index import build_index
    from gmindex.robustness import monte_carlo

    base = build_index(load_default_panel(), load_default_spec())
    rss_before = peak_rss_mb()
    walls, cpus, mc = timed(lambda: monte_carlo(base, draws=draws, seed=12345), repeat)
    return {"draws": draws, "wall_median": statistics.median(walls),
            "cpu_median": statistics.median(cpus), "runs": repeat,
            "rss_before": rss_before, "peak_rss": peak_rss_mb(),
            "configurations": int(mc.draws["config"].nunique()),
            "per_1000_draws": statistics.median(walls) / draws * 1000}


def task_scale_matrix(units: int, years: int, indicators: int, repeat: int) -> dict:
    import numpy as np

    from gmindex.normalize import minmax
    from gmindex.weights import entropy_weights

    x, year_of_row = synthetic_matrix(units, years, indicators)
    directions = ["cost" if j % 4 == 0 else "benefit" for j in range(indicators)]
    rss_data = peak_rss_mb()

    def pooled_entropy_index():
        z = minmax(x, directions=directions, reference="pooled").values
        w = entropy_weights(z).weights
        score = z @ w
        # Ordering within each year: the ranking step.
        order = np.lexsort((-score, year_of_row))
        return w, score, order

    walls, cpus, (w, score, _) = timed(pooled_entropy_index, repeat)
    return {"units": units, "years": years, "indicators": indicators, "cells": int(x.size),
            "wall_median": statistics.median(walls), "cpu_median": statistics.median(cpus),
            "runs": repeat, "rss_with_data": rss_data, "peak_rss": peak_rss_mb(),
            "weight_sum": float(w.sum())}


def task_scale_build(units: int, years: int, indicators: int) -> dict:
    from gmindex.index import build_index, panel_sha256
    from gmindex.validation import check_panel

    panel, spec, registry = synthetic_panel(units, years, indicators)
    rss_data = peak_rss_mb()
    check_w, _, _ = timed(lambda: check_panel(panel, spec=spec, registry=registry), 1)
    hash_w, _, _ = timed(lambda: panel_sha256(panel), 1)
    walls, cpus, res = timed(lambda: build_index(panel, spec, registry=registry), 1)
    return {"units": units, "years": years, "indicators": indicators, "rows": len(panel),
            "wall": walls[0], "cpu": cpus[0], "check_panel": check_w[0], "panel_sha256": hash_w[0],
            "rss_with_data": rss_data, "peak_rss": peak_rss_mb(),
            "scored_rows": len(res.scores)}


def task_entropy_tools(units: int, years: int, indicators: int, repeat: int) -> dict:
    import numpy as np
    from pymcdm.weights import entropy_weights as pymcdm_entropy
    from skcriteria.preprocessing.weighters import entropy_weights as skc_entropy

    from gmindex.datasets import load_default_panel, load_default_spec
    from gmindex.index import build_index
    from gmindex.normalize import minmax
    from gmindex.weights import entropy_weights

    base = build_index(load_default_panel(), load_default_spec())
    z_default = base.normalized.pivot(index=["code", "year"], columns="indicator",
                                      values="value")[list(base.weights["indicator"])].to_numpy()
    x, _ = synthetic_matrix(units, years, indicators)
    z_big = minmax(x, directions=["benefit"] * indicators).values
    shift = 1e-4
    out = {}
    for name, z in (("default_150x8", z_default), (f"synthetic_{z_big.shape[0]}x{indicators}", z_big)):
        reps = repeat if z.size < 1e5 else max(3, repeat // 3)
        ours_w, _, ours = timed(lambda: entropy_weights(z).weights, reps)
        skc_w, _, skc = timed(lambda: skc_entropy(z), reps)
        ours_s_w, _, ours_s = timed(lambda: entropy_weights(z, shift=shift).weights, reps)
        # pymcdm refuses zeros (its internal sum normalisation needs x > 0): give it z + shift.
        pym_w, _, pym = timed(lambda: pymcdm_entropy(z + shift), reps)
        try:
            pymcdm_entropy(z)
            pym_zero = "accepted"
        except ValueError as exc:
            pym_zero = f"ValueError: {exc}"
        out[name] = {
            "shape": list(z.shape),
            "ours": statistics.median(ours_w), "skcriteria": statistics.median(skc_w),
            "ours_shift": statistics.median(ours_s_w), "pymcdm_shift": statistics.median(pym_w),
            "maxdiff_skcriteria": float(np.abs(ours - skc).max()),
            "maxdiff_pymcdm_shift": float(np.abs(ours_s - pym).max()),
            "pymcdm_on_minmax": pym_zero,
        }
    return out


def task_tool_cases() -> dict:
    """Small matrices where the tools part ways; every number computed here."""
    import numpy as np
    import skcriteria as skc
    from pymcdm.weights import entropy_weights as pymcdm_entropy
    from skcriteria.preprocessing.invert_objectives import InvertMinimize, MinMaxInverter
    from skcriteria.preprocessing.weighters import EntropyWeighter
    from skcriteria.preprocessing.weighters import entropy_weights as skc_entropy

    from gmindex.datasets import load_default_panel, load_default_spec
    from gmindex.index import build_index
    from gmindex.weights import entropy_weights

    def run(f, m):
        values = None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                values = np.asarray(f(m), dtype=float)
                text = "[" + ", ".join("nan" if np.isnan(v) else f"{v:.6g}" for v in values) + "]"
            except ValueError as exc:
                text = f"ValueError ({str(exc).split(';')[0]})"
        warned = sorted({c.category.__name__ for c in caught})
        text += f" + {', '.join(warned)}" if warned else ""
        return {"text": text, "values": None if values is None else values.tolist()}

    cases = {
        "min-max column with a zero": [[0.0, 0.2], [0.5, 0.4], [1.0, 0.9]],
        "all-zero column": [[0.0, 0.2], [0.0, 0.4], [0.0, 0.9]],
        "constant column": [[0.3, 0.2], [0.3, 0.4], [0.3, 0.9], [0.3, 0.1], [0.3, 0.7]],
        "negative value": [[-1.0, 0.2], [0.5, 0.4], [1.0, 0.9]],
        "raw values": [[10.0, 1.0], [20.0, 2.0], [40.0, 3.0]],
        "raw values, column 1 + 100": [[110.0, 1.0], [120.0, 2.0], [140.0, 3.0]],
    }
    rows = []
    for name, m in cases.items():
        m = np.array(m)
        rows.append({"case": name, "matrix": m.tolist(),
                     "gmindex": run(lambda a: entropy_weights(a).weights, m),
                     "skcriteria": run(skc_entropy, m), "pymcdm": run(pymcdm_entropy, m)})

    # Cost criteria in a scikit-criteria pipeline, on the real default indicators.
    base = build_index(load_default_panel(), load_default_spec())
    ids = list(base.weights["indicator"])
    x = base.indicators.pivot(index=["code", "year"], columns="indicator", values="value")[ids]
    objectives = [min if d == "cost" else max for d in base.weights["direction"]]
    dm = skc.mkdm(x.to_numpy(), objectives, criteria=ids)
    pipelines = {
        "gmindex build_index (pooled min-max, cost reversed)": base.weights["weight"].to_numpy(),
        "skcriteria MinMaxInverter + EntropyWeighter": EntropyWeighter().transform(
            MinMaxInverter().transform(dm)).weights.to_numpy(),
        "skcriteria InvertMinimize (1/x) + EntropyWeighter": EntropyWeighter().transform(
            InvertMinimize().transform(dm)).weights.to_numpy(),
        "skcriteria EntropyWeighter on raw values": EntropyWeighter().transform(dm).weights.to_numpy(),
    }
    import inspect

    return {"cases": rows, "indicators": ids, "directions": list(base.weights["direction"]),
            "pipelines": {k: [float(v) for v in w] for k, w in pipelines.items()},
            "pymcdm_zero_branch": "np.any(col == 0)" in inspect.getsource(pymcdm_entropy)}


TASKS = {
    "default_build": task_default_build,
    "monte_carlo": task_monte_carlo,
    "scale_matrix": task_scale_matrix,
    "scale_build": task_scale_build,
    "entropy_tools": task_entropy_tools,
    "tool_cases": task_tool_cases,
}


# --------------------------------------------------------------------------- parent side


def child(task: str, **params) -> dict:
    """Run one task in a fresh interpreter and return its JSON result."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--task", task, "--params", json.dumps(params)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark task {task} {params} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def machine_facts() -> dict:
    import numpy as np
    import pandas as pd
    import scipy

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import importlib.metadata as md
        tools = {p: md.version(p) for p in ("scikit-criteria", "pymcdm", "SALib")}
    except Exception:  # pragma: no cover
        tools = {}
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scipy": scipy.__version__,
        "platform": platform.platform(),
        "load_average": [round(v, 2) for v in os.getloadavg()],
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "(not set)"),
        **tools,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and sizes (about a minute)")
    parser.add_argument("--task", help=argparse.SUPPRESS)
    parser.add_argument("--params", default="{}", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=HERE, help="folder for results.csv and results.md")
    args = parser.parse_args(argv)
    if args.task:
        print(json.dumps(TASKS[args.task](**json.loads(args.params))))
        return 0

    quick = args.quick
    rep = 3 if quick else 11
    facts = machine_facts()
    print(f"machine: {facts['cpu']}, {facts['cores']} cores, load {facts['load_average']}")
    rows: list[dict] = []

    def add(benchmark, case, metric, value, unit, **size):
        target = TARGETS.get((benchmark, case))
        ok = ""
        if target and target[0] == metric:
            ok = bool(value < target[1])
        rows.append({"benchmark": benchmark, "case": case, **{k: size.get(k, "") for k in
                     ("units", "years", "indicators", "draws")}, "metric": metric,
                     "value": value, "unit": unit,
                     "target": f"< {target[1]:g} {target[2]}" if target and target[0] == metric else "",
                     "meets_target": ok})

    print("default index build ...")
    d = child("default_build", repeat=rep)
    size = dict(units=d["units"], years=d["years"], indicators=d["indicators"])
    add("default_build", "read CSV + spec + build_index", "wall_median", d["wall_median"], "s", **size)
    add("default_build", "read CSV + spec + build_index", "cpu_median", d["cpu_median"], "s", **size)
    add("default_build", "first call (lazy imports included)", "wall", d["first_call"], "s", **size)
    add("default_build", "read CSV + spec only", "wall_median", d["read_median"], "s", **size)
    add("default_build", "build_index only", "wall_median", d["build_median"], "s", **size)
    add("default_build", "read CSV + spec + build_index", "peak_rss", d["peak_rss"], "MB", **size)

    mc_draws = 2000 if quick else 10000
    print(f"Monte Carlo {mc_draws} draws ...")
    m = child("monte_carlo", draws=mc_draws, repeat=1 if quick else 3)
    case = f"{mc_draws} draws, default panel"
    add("monte_carlo", case, "wall_median", m["wall_median"], "s", draws=mc_draws)
    add("monte_carlo", case, "cpu_median", m["cpu_median"], "s", draws=mc_draws)
    add("monte_carlo_rss", case, "peak_rss", m["peak_rss"], "MB", draws=mc_draws)
    add("monte_carlo", case, "configurations", m["configurations"], "", draws=mc_draws)

    print("synthetic 3000 x 20 x 40: matrix path ...")
    s = child("scale_matrix", units=3000, years=20, indicators=40, repeat=rep)
    size = dict(units=3000, years=20, indicators=40)
    add("scale_matrix", "minmax + entropy_weights + scores", "wall_median", s["wall_median"], "s", **size)
    add("scale_matrix", "minmax + entropy_weights + scores", "cpu_median", s["cpu_median"], "s", **size)
    add("scale_matrix_rss", "minmax + entropy_weights + scores", "peak_rss", s["peak_rss"], "MB", **size)

    build_units = [300] if quick else [300, 3000]
    builds = []
    for u in build_units:
        print(f"synthetic {u} x 20 x 40: build_index full path ...")
        b = child("scale_build", units=u, years=20, indicators=40)
        builds.append(b)
        size = dict(units=u, years=20, indicators=40)
        add("scale_build", "build_index (full path)", "wall", b["wall"], "s", **size)
        add("scale_build", "check_panel alone", "wall", b["check_panel"], "s", **size)
        add("scale_build", "panel_sha256 alone", "wall", b["panel_sha256"], "s", **size)
        add("scale_build", "build_index (full path)", "peak_rss", b["peak_rss"], "MB", **size)

    print("entropy weights: gmindex vs scikit-criteria vs pymcdm ...")
    e = child("entropy_tools", units=3000, years=20, indicators=40, repeat=rep * 3)
    for case, r in e.items():
        for tool in ("ours", "skcriteria", "ours_shift", "pymcdm_shift"):
            add("entropy_tools", f"{case} {tool}", "wall_median", r[tool], "s")
        add("entropy_tools", f"{case} skcriteria", "max_abs_diff", r["maxdiff_skcriteria"], "")
        add("entropy_tools", f"{case} pymcdm (shift 1e-4)", "max_abs_diff", r["maxdiff_pymcdm_shift"], "")
    cases = child("tool_cases")

    print("cost growth ...")
    growth_units = [30, 300, 3000] if quick else [30, 300, 3000, 30000]
    growth = []
    for u in growth_units:
        for t in (5, 20):
            g = child("scale_matrix", units=u, years=t, indicators=40, repeat=3)
            growth.append(g)
            add("growth_matrix", "minmax + entropy_weights + scores", "wall_median", g["wall_median"],
                "s", units=u, years=t, indicators=40)
            add("growth_matrix", "minmax + entropy_weights + scores", "peak_rss", g["peak_rss"],
                "MB", units=u, years=t, indicators=40)
    mc_growth = []
    for n in ([500, 2000] if quick else [1000, 3000, 10000, 30000]):
        g = child("monte_carlo", draws=n, repeat=1)
        mc_growth.append(g)
        add("growth_monte_carlo", "default panel", "wall_median", g["wall_median"], "s", draws=n)
        add("growth_monte_carlo", "default panel", "peak_rss", g["peak_rss"], "MB", draws=n)

    args.out.mkdir(parents=True, exist_ok=True)
    import pandas as pd

    table = pd.DataFrame(rows)
    table.to_csv(args.out / "results.csv", index=False, float_format="%.6g", lineterminator="\n")
    (args.out / "results.md").write_text(
        render_md(facts, quick, d, m, s, builds, e, cases, growth, mc_growth), encoding="utf-8")
    print(f"wrote {args.out / 'results.csv'} and {args.out / 'results.md'}")
    return 0


# --------------------------------------------------------------------------- report


def _ok(value: float, limit: float) -> str:
    return "yes" if value < limit else "**no**"


def render_md(facts, quick, d, m, s, builds, e, cases, growth, mc_growth) -> str:
    lines = ["## Performance", ""]
    lines.append(
        f"Measured {facts['date']} with `python benchmarks/run.py{' --quick' if quick else ''}` on "
        f"{facts['cpu']} ({facts['cores']} cores), Python {facts['python']}, numpy {facts['numpy']}, "
        f"pandas {facts['pandas']}, scipy {facts['scipy']}; load average at start "
        f"{', '.join(map(str, facts['load_average']))} (a shared machine: times vary between runs). "
        f"Each benchmark runs in a fresh process; times are wall-clock medians, memory is the "
        f"process's peak resident set. Raw numbers: `benchmarks/results.csv`."
    )
    lines += ["", "| Task | Measured | Target | Met |", "| --- | --- | --- | --- |"]
    lines.append(f"| Default index (read embedded CSV + spec, build; {d['units']} provinces x "
                 f"{d['years']} years x {d['indicators']} indicators), median of {d['runs']} | "
                 f"{d['wall_median']:.3f} s (read {d['read_median']:.3f} s, build "
                 f"{d['build_median']:.3f} s; fastest {d['wall_min']:.3f} s; first call {d['first_call']:.2f} s) | < 1 s | "
                 f"{_ok(d['wall_median'], 1.0)} |")
    lines.append(f"| Monte Carlo, {m['draws']:,} draws on the default panel "
                 f"({m['configurations']} discrete configurations) | {m['wall_median']:.2f} s, "
                 f"peak {m['peak_rss']:.0f} MB | < 10 s, < 1 GB | "
                 f"{_ok(m['wall_median'], 10.0) if m['draws'] == 10000 else 'n/a (quick)'} / "
                 f"{_ok(m['peak_rss'], 1024)} |")
    lines.append(f"| Synthetic city panel 3,000 x 20 x 40, pooled entropy index (min-max, "
                 f"entropy weights, scores) | {s['wall_median']:.3f} s, peak {s['peak_rss']:.0f} MB | "
                 f"< 2 s, < 2 GB | {_ok(s['wall_median'], 2.0)} / {_ok(s['peak_rss'], 2048)} |")
    for b in builds:
        lines.append(f"| Same panel with {b['units']:,} units through `build_index` (full path, "
                     f"{b['rows']:,} long rows) | {b['wall']:.1f} s, peak {b['peak_rss']:.0f} MB "
                     f"(timed alone: validation `check_panel` {b['check_panel']:.1f} s, data hash "
                     f"{b['panel_sha256']:.1f} s) | reported | |")
    lines += ["", "Cost growth of the pooled entropy index (40 indicators; matrix path):", "",
              "| Units | Years | Cells | Time (s) | Peak memory (MB) |", "| ---: | ---: | ---: | ---: | ---: |"]
    for g in growth:
        lines.append(f"| {g['units']:,} | {g['years']} | {g['cells']:,} | {g['wall_median']:.4f} | "
                     f"{g['peak_rss']:.0f} |")
    lines += ["", "Cost growth of the Monte Carlo with draws (default panel):", "",
              "| Draws | Time (s) | Per 1,000 draws (s) | Peak memory (MB) |",
              "| ---: | ---: | ---: | ---: |"]
    for g in mc_growth:
        lines.append(f"| {g['draws']:,} | {g['wall_median']:.2f} | {g['per_1000_draws']:.3f} | "
                     f"{g['peak_rss']:.0f} |")
    lines += ["", "### Entropy weights: gmindex, scikit-criteria, pymcdm", "",
              "Same normalised matrices (pooled min-max). pymcdm refuses zeros, so it gets "
              "`z + 0.0001` and is compared with gmindex's `shift=0.0001`. Ratio = the other "
              "tool's time / gmindex's time (above 1: gmindex is faster).", "",
              "| Matrix | gmindex (ms) | scikit-criteria (ms) | ratio | max abs diff | "
              "gmindex shift (ms) | pymcdm (ms) | ratio | max abs diff |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for case, r in e.items():
        lines.append(
            f"| {case} | {r['ours'] * 1e3:.3f} | {r['skcriteria'] * 1e3:.3f} | "
            f"{r['skcriteria'] / r['ours']:.1f}x | {r['maxdiff_skcriteria']:.1e} | "
            f"{r['ours_shift'] * 1e3:.3f} | {r['pymcdm_shift'] * 1e3:.3f} | "
            f"{r['pymcdm_shift'] / r['ours_shift']:.1f}x | {r['maxdiff_pymcdm_shift']:.1e} |")
    first = next(iter(e.values()))
    lines += ["", f"pymcdm on the min-max matrix itself: {first['pymcdm_on_minmax']}", "",
              "Small matrices where the tools part ways (weights per column):", "",
              "| Case | Matrix | gmindex | scikit-criteria | pymcdm |", "| --- | --- | --- | --- | --- |"]
    for c in cases["cases"]:
        lines.append(f"| {c['case']} | `{c['matrix']}` | {c['gmindex']['text']} | "
                     f"{c['skcriteria']['text']} | {c['pymcdm']['text']} |")
    lines += ["", "Cost criteria in a scikit-criteria pipeline, on the default indicators "
              "(weights, %):", "",
              "| Pipeline | " + " | ".join(cases["indicators"]) + " |",
              "| --- |" + " ---: |" * len(cases["indicators"])]
    lines.append("| direction | " + " | ".join(cases["directions"]) + " |")
    for name, w in cases["pipelines"].items():
        lines.append(f"| {name} | " + " | ".join(f"{100 * v:.1f}" for v in w) + " |")
    lines += ["", findings(cases), ""]
    return "\n".join(lines)


def findings(cases: dict) -> str:
    """Plain-words findings, with the numbers taken from this run."""
    by_case = {c["case"]: c for c in cases["cases"]}
    const = by_case["constant column"]["skcriteria"]["values"][0]
    raw = by_case["raw values"]["gmindex"]["values"][0]
    moved = by_case["raw values, column 1 + 100"]["gmindex"]["values"][0]
    ids = cases["indicators"]
    so2 = ids.index("so2_intensity") if "so2_intensity" in ids else 0
    pipes = cases["pipelines"]
    ours_so2 = pipes["gmindex build_index (pooled min-max, cost reversed)"][so2]
    inv_so2 = pipes["skcriteria InvertMinimize (1/x) + EntropyWeighter"][so2]
    mm = pipes["skcriteria MinMaxInverter + EntropyWeighter"]
    mm_diff = max(abs(a - b) for a, b in zip(mm, pipes["gmindex build_index (pooled min-max, cost reversed)"]))
    zero_branch = (
        " Its code still sets the entropy of a column containing a zero to 0 (which would give "
        "that column the largest weight); the sum normalisation now raises before that branch "
        "is reached." if cases["pymcdm_zero_branch"] else "")
    return f"""Findings:

- scikit-criteria `entropy_weights` agrees with gmindex to rounding on every matrix with
  non-negative values and some variation, zeros included (scipy's `entropy` uses
  0 ln 0 = 0). With `MinMaxInverter` before `EntropyWeighter` its pipeline reproduces the
  default index weights (largest difference {mm_diff:.1e}). Three differences: an all-zero
  column makes *every* weight NaN, silently; a negative value gives NaN for that column and
  only a RuntimeWarning; a constant column gets a tiny non-zero weight ({const:.1e})
  instead of an exact 0. gmindex gives 0 with a `ConstantIndicatorWarning`, and raises on
  negative values, asking for min-max first.
- pymcdm `entropy_weights` normalises each column by its sum inside the function
  (`sum_normalization`), which raises `ValueError` on any value <= 0. A min-max matrix
  always has a 0 (each column's minimum), so pymcdm cannot weight it without a shift. With
  the shift its weights match gmindex's `shift=` option to rounding.{zero_branch} For cost
  criteria pymcdm's `sum_normalization(cost=True)` uses 1/x.
- Neither function knows about directions or min-max: both take the entropy of whatever
  matrix they get, so on raw values a weight depends on the origin of the unit (adding 100
  to a column moves its weight from {raw:.0%} to {moved:.0%} in the table above). On the
  default indicators, turning the cost criteria round with scikit-criteria's
  `InvertMinimize` (1/x) gives SO2 intensity {inv_so2:.1%} of the weight instead of
  {ours_so2:.1%}: 1/x blows up for the provinces with the lowest emissions per unit of
  output (the 1/x trap of METHODS.md section 2).
- In absolute terms all three are fast (well under a millisecond on the default matrix);
  the timings show that gmindex's checks (finiteness, negatives, constant columns) cost
  little."""


if __name__ == "__main__":
    raise SystemExit(main())
