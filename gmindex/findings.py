"""What the default data show: the evidence tables and the README section built from them.

:func:`findings_tables` computes the tables behind the study's headline
claims, each from one index result:

- ``design_weights``: effective weight of each indicator and pillar under the
  spec's design and under flat pooled entropy (the old practice);
- ``design_regional_means``: regional means by year under both designs;
- ``gradient_by_system``: per indicator system (default, flat pooled entropy,
  the old 8-indicator spec, the 2016-2019 alternative) and year, whether
  east > central, central > west, east > west and the Northeast last hold;
- ``rise_decomposition``: the rise of the index and the part due to the MIIT
  list roll-out (:func:`gmindex.decompose.rise_decomposition`);
- ``transform_effect``: Qinghai, Xinjiang and Ningxia with and without the
  log1p transform of the list densities;
- ``external_validity`` and ``external_validity_provinces``: our 2016 ranks
  against the NBS 2016 green development index (:mod:`gmindex.validity`).

:func:`render_findings` writes the README section "What the default data
show" from those tables and the standard analysis tables
(:func:`gmindex.analysis.analysis_tables`) in a results folder, so that every
number in it comes from a file; ``tests/test_findings.py`` rebuilds
everything and compares the README with the rendering.

Examples
--------
>>> _pct(0.5376)
'54 %'
>>> _fmt(0.16245, 3)
'0.162'
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

import pandas as pd

__all__ = ["SYSTEMS", "build_findings", "findings_tables", "gradient_steps", "render_design", "render_findings",
           "write_findings"]

#: Indicator systems compared in ``gradient_by_system``: label -> (spec file in
#: the data folder or None for the result's own spec, build_index options).
SYSTEMS: dict[str, tuple[str | None, dict]] = {
    "default": (None, {}),
    "default_flat_entropy": (None, {"hierarchy": "flat"}),
    "flat8": ("spec_flat8.toml", {}),
    "alternative_2016_2019": ("spec_alternative.toml", {}),
}

#: Wild cluster bootstrap of the gradient steps: the settings of notebook 05.
STEP_REPS, STEP_SEED = 9999, 20160101

#: Monte Carlo over indicator systems and methods (gmindex.robustness): draws and seed.
MC_DRAWS, MC_SEED = 2000, 12345

#: Readable names of the systems (README text).
SYSTEM_NAMES = {
    "default": "default",
    "default_flat_entropy": "default indicators with flat pooled entropy",
    "flat8": "old 8-indicator spec",
    "alternative_2016_2019": "14-indicator alternative (2016–2019)",
}

#: Provinces shown in ``transform_effect`` (small industrial bases with many listed units).
SMALL_BASES = ("63", "65", "64")

_COMPARISONS = {
    "east_gt_central": ("east", "central"),
    "central_gt_west": ("central", "west"),
    "east_gt_west": ("east", "west"),
}


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def _fmt(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}f}"


def _means(result, scheme: str) -> pd.DataFrame:
    from gmindex.regional import regional_means

    m = regional_means(result.scores, scheme=scheme, registry=result.registry)
    col = "mean" if "mean" in m.columns else "value"
    return m.pivot(index="year", columns="region", values=col)


def _orderings(result, label: str) -> pd.DataFrame:
    wide = _means(result, "region4")
    rows = []
    for year, row in wide.iterrows():
        rec = {"system": label, "year": int(year)}
        for name, (a, b) in _COMPARISONS.items():
            rec[name] = bool(row[a] > row[b])
        rec["northeast_last"] = bool(row["northeast"] < row.drop("northeast").min())
        rec["northeast_below_central"] = bool(row["northeast"] < row["central"])
        rows.append(rec)
    return pd.DataFrame(rows)


def gradient_steps(result, *, reps: int = STEP_REPS, seed: int = STEP_SEED) -> pd.DataFrame:
    """The two steps of the gradient, each tested with its own base region.

    East > central is the ``central`` term with the east as base; central >
    west is the ``west`` term with the central region as base (gap = minus
    the coefficient).  Year effects, province-clustered errors and a wild
    cluster bootstrap (:func:`gmindex.regress.gradient_regression`).

    Returns
    -------
    DataFrame
        ``scheme, step, gap, p, p_wild_bootstrap, reps, seed``.
    """
    import warnings

    from gmindex.regress import gradient_regression

    rows = []
    for scheme in ("region4", "region3"):
        for step, base, term in (("east_gt_central", "east", "central"),
                                 ("central_gt_west", "central", "west")):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                g = gradient_regression(result.scores, scheme=scheme, base=base, reps=reps,
                                        seed=seed, registry=result.registry)
            row = g.to_frame().set_index("term").loc[term]
            rows.append({"scheme": scheme, "step": step, "gap": -float(row["coef"]),
                         "p": float(row["p"]), "p_wild_bootstrap": float(row["p_wild_bootstrap"]),
                         "reps": reps, "seed": seed})
    return pd.DataFrame(rows)


def findings_tables(result, *, data_dir: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Every evidence table of the README section, from one default result.

    Parameters
    ----------
    result : IndexResult
        The default index (``build_index(load_default_panel(), load_default_spec())``).
    data_dir : path, optional
        Folder holding the other specs of :data:`SYSTEMS` (default: the
        package data folder).

    Returns
    -------
    dict of str to DataFrame
    """
    from gmindex.decompose import rise_decomposition, transform_effect
    from gmindex.index import build_index
    from gmindex.spec import read_spec
    from gmindex.validity import agreement_table, external_validity

    if data_dir is None:
        from gmindex.data_paths import data_dir as _dd

        data_dir = _dd()
    flat = result.replay(hierarchy="flat")
    w = result.weights[["indicator", "pillar", "weight"]].rename(columns={"weight": "weight_default"})
    w["weight_flat_entropy"] = w["indicator"].map(flat.weights.set_index("indicator")["weight"])
    pillars = (w.groupby("pillar", sort=False)[["weight_default", "weight_flat_entropy"]].sum()
               .reset_index().assign(indicator="(pillar total)"))
    design_weights = pd.concat([w, pillars[w.columns]], ignore_index=True)

    means = []
    for label, res in (("default", result), ("flat_entropy", flat)):
        for scheme in ("region4", "region3"):
            m = _means(res, scheme).stack().rename("mean").reset_index()
            means.append(m.assign(design=label, scheme=scheme))
    design_means = pd.concat(means, ignore_index=True)[["design", "scheme", "region", "year", "mean"]]

    orders = []
    for label, (spec_file, options) in SYSTEMS.items():
        if spec_file is None:
            res = result.replay(**options) if options else result
        else:
            # a fresh build: that spec's own years and method, same panel and registry
            res = build_index(result.panel, read_spec(Path(data_dir) / spec_file),
                              registry=result.registry, **options)
        orders.append(_orderings(res, label))
    from gmindex.robustness import monte_carlo

    mc = monte_carlo(result, draws=MC_DRAWS, seed=MC_SEED, systems=True)
    by_system = mc.orderings_by_system.assign(draws=MC_DRAWS, seed=MC_SEED,
                                              n_systems=len(mc.systems))
    return {
        "robustness_orderings_by_system": by_system,
        "gradient_steps": gradient_steps(result),
        "design_weights": design_weights,
        "design_regional_means": design_means,
        "gradient_by_system": pd.concat(orders, ignore_index=True),
        "rise_decomposition": rise_decomposition(result),
        "transform_effect": transform_effect(result, "green_factories_density", SMALL_BASES),
        "external_validity": external_validity(result),
        "external_validity_provinces": agreement_table(result),
    }


def write_findings(tables: Mapping[str, pd.DataFrame], outdir: str | Path, *,
                   provenance: Mapping | None = None) -> list[Path]:
    """Write the tables as CSV (byte-identical on rerun) into ``outdir``."""
    from gmindex.io.writers import write_table

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for name, table in tables.items():
        paths += write_table(table, outdir / name, formats=("csv",), provenance=provenance)
    return paths


def _read(results: Path, name: str) -> pd.DataFrame:
    path = results / f"{name}.csv"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found: run `gmindex analyse` and gmindex.findings.write_findings first"
        )
    return pd.read_csv(path, dtype={"code": str})


def render_findings(results_dir: str | Path) -> str:
    """The README section "What the default data show", from the tables in ``results_dir``.

    Reads ``regional_means_region4/3``, ``regression_gradient_region4/3``,
    ``morans_i`` (from :func:`gmindex.analysis.write_analysis`) and the
    tables of :func:`findings_tables`.

    Returns
    -------
    str
        Markdown, starting with the ``## What the default data show`` heading.
    """
    r = Path(results_dir)
    m4 = _read(r, "regional_means_region4").pivot(index="year", columns="region", values="mean")
    m3 = _read(r, "regional_means_region3").pivot(index="year", columns="region", values="mean")
    y0, y1 = int(m4.index.min()), int(m4.index.max())
    orders = _read(r, "gradient_by_system")
    rise = _read(r, "rise_decomposition")
    ev = _read(r, "external_validity")
    evp = _read(r, "external_validity_provinces")
    weights = _read(r, "design_weights")
    moran = _read(r, "morans_i").set_index("year")
    steps = _read(r, "gradient_steps").set_index(["scheme", "step"])

    def held(system: str, col: str) -> list[int]:
        o = orders[orders["system"] == system]
        return [int(y) for y, ok in zip(o["year"], o[col]) if ok]

    def years_text(ys: list[int], of: list[int]) -> str:
        if ys == of:
            return "every year"
        if not ys:
            return "no year"
        return "only " + ", ".join(str(y) for y in ys)

    all_years = list(range(y0, y1 + 1))
    lines = ["## What the default data show", ""]
    lines.append(
        f"Default index: 30 provinces, {y0}–{y1}, 15 indicators in six pillars, entropy within "
        "pillars and equal pillar weights (numbers below are read from the result files written by "
        "`gmindex analyse --evidence` (`gmindex.findings.write_findings`); `tests/test_findings.py` "
        "rebuilds "
        "them and checks this section)."
    )
    lines.append("")
    lines.append(
        f"- **Levels and the gradient.** Regional means (NBS four regions) {y0} → {y1}: east "
        f"{_fmt(m4.loc[y0, 'east'])} → {_fmt(m4.loc[y1, 'east'])}, central "
        f"{_fmt(m4.loc[y0, 'central'])} → {_fmt(m4.loc[y1, 'central'])}, west "
        f"{_fmt(m4.loc[y0, 'west'])} → {_fmt(m4.loc[y1, 'west'])}, northeast "
        f"{_fmt(m4.loc[y0, 'northeast'])} → {_fmt(m4.loc[y1, 'northeast'])} (three regions: "
        f"east {_fmt(m3.loc[y1, 'east'])}, central {_fmt(m3.loc[y1, 'central'])}, west "
        f"{_fmt(m3.loc[y1, 'west'])} in {y1}). With the default index east > central holds in "
        f"{years_text(held('default', 'east_gt_central'), all_years)} and central > west in "
        f"{years_text(held('default', 'central_gt_west'), all_years)}; every region rose."
        if (m4.loc[y1] > m4.loc[y0]).all() else
        f"{_fmt(m3.loc[y1, 'west'])} in {y1}). With the default index east > central holds in "
        f"{years_text(held('default', 'east_gt_central'), all_years)} and central > west in "
        f"{years_text(held('default', 'central_gt_west'), all_years)}."
    )
    lines.append(
        "- **How robust the ordering is to the indicator system.** East > central and east > west "
        "hold in every year under every system compared (default, flat pooled entropy, the old "
        "8-indicator spec, the 14-indicator 2016–2019 alternative)"
        if orders[["east_gt_central", "east_gt_west"]].all().all() else
        "- **How robust the ordering is to the indicator system.** East > central or east > west "
        "fails under some system (see `gradient_by_system.csv`)"
    )
    cw_all = bool(orders["central_gt_west"].all())
    lines[-1] += (
        "; central > west holds in "
        + "; ".join(
            f"{SYSTEM_NAMES[label]}: {years_text(held(label, 'central_gt_west'), [int(y) for y in orders.loc[orders['system'] == label, 'year']])}"
            for label in SYSTEMS)
        + (". The full east > central > west gradient holds under every system compared."
           if cw_all else
           ". So the east's lead is robust; the central–west step depends on the indicator "
           "system and should not be stated as a strict gradient.")
    )
    mcs = _read(r, "robustness_orderings_by_system")
    both = mcs[mcs["varied"] == "both"].pivot(index="year", columns="ordering", values="share")

    def share_range(col: str) -> str:
        lo, hi = both[col].min(), both[col].max()
        return _pct(lo) if _pct(lo) == _pct(hi) else f"{_pct(lo)}–{_pct(hi)}"

    lines.append(
        f"- **Within the default design.** Across {int(mcs['n_systems'].iloc[0])} variants of the "
        "default indicator system (each pillar left out, optional indicators out, each "
        "alternative series swapped in: nominal energy intensity, electricity, grade-C CO2, coal "
        "share, green patents) drawn jointly with method choices "
        f"({int(mcs['draws'].iloc[0])} draws, seed {int(mcs['seed'].iloc[0])}; "
        "`robustness_orderings_by_system.csv`), central > west holds in "
        f"{share_range('central > west')} of draws per year, east > central in "
        f"{share_range('east > central')}, and the Northeast is last in "
        f"{share_range('northeast last')}."
    )
    c4, c3 = steps.loc[("region4", "central_gt_west")], steps.loc[("region3", "central_gt_west")]
    e4 = steps.loc[("region4", "east_gt_central")]
    lines.append(
        f"- **Are the steps significant?** Gradient regressions with year effects, "
        f"province-clustered errors and a wild cluster bootstrap ({int(c4['reps'])} replications, "
        f"seed {int(c4['seed'])}; `gradient_steps.csv`): east above central by {_fmt(e4['gap'])} "
        f"(wild bootstrap p = {_fmt(e4['p_wild_bootstrap'])}); central above west by "
        f"{_fmt(c4['gap'])} (p = {_fmt(c4['p_wild_bootstrap'])}) with four regions and by "
        f"{_fmt(c3['gap'])} (p = {_fmt(c3['p_wild_bootstrap'])}) with three."
    )
    ne_last = held("default", "northeast_last")
    ne_below = held("default", "northeast_below_central")
    rises = m4.loc[y1] - m4.loc[y0]
    lines.append(
        f"- **The Northeast.** Below the central region in {years_text(ne_below, all_years)}; "
        f"last of the four regions in {years_text(ne_last, all_years)} with the default index "
        f"(under flat pooled entropy: {years_text(held('default_flat_entropy', 'northeast_last'), all_years)}); "
        f"its rise {y0}–{y1} ({_fmt(rises['northeast'])}) is "
        + ("the smallest of the four regions." if rises.idxmin() == "northeast"
           else f"not the smallest (the {rises.idxmin()}: {_fmt(rises.min())}).")
    )
    a = rise[rise["region"] == "all"].set_index("measure")
    lines.append(
        f"- **The roll-out artefact.** The mean score rose by {_fmt(a.loc['default', 'rise'])} "
        f"{y0}–{y1}; {_pct(a.loc['pillar_part', 'share_of_default_rise'])} of that rise is the "
        "green-manufacturing-system pillar, whose MIIT lists start from a structural zero in 2016. "
        f"Rebuilt without that pillar the index rises by {_fmt(a.loc['without_pillar', 'rise'])}; "
        f"counted from the first list year ({int(a.loc['from_first_list', 'start'])}) it rises by "
        f"{_fmt(a.loc['from_first_list', 'rise'])} (`rise_decomposition.csv`)."
    )
    pw = weights[weights["indicator"] == "(pillar total)"].set_index("pillar")
    ew = pw.loc[["energy", "pollution"], "weight_default"].sum()
    ew_flat = pw.loc[["energy", "pollution"], "weight_flat_entropy"].sum()
    ind = weights[weights["indicator"] != "(pillar total)"]
    top_flat = ind.loc[ind["weight_flat_entropy"].idxmax()]
    lines.append(
        f"- **Weights.** Energy and pollution carry {_pct(ew)} of the effective weight (flat "
        f"pooled entropy on the same 15 indicators: {_pct(ew_flat)}, with "
        f"{top_flat['indicator'].replace('_', ' ')} alone at {_pct(top_flat['weight_flat_entropy'])}); "
        f"no indicator exceeds {_pct(ind['weight_default'].max())}."
    )
    rho = ev[(ev["ours"] == "index") & (ev["nbs"] == "green_development_index")].iloc[0]
    auc = ev[ev["nbs"] == "green_development_index_top15"].iloc[0]
    gq = ev[(ev["ours"] == "index") & (ev["nbs"] == "growth_quality")].iloc[0]
    eq = ev[(ev["ours"] == "index") & (ev["nbs"] == "environmental_quality")].iloc[0]
    worst = evp.loc[evp["difference"].abs().idxmax()]
    lines.append(
        f"- **External validity.** Against the NBS 2016 green development index (a broad green "
        f"development measure, not manufacturing; only its top {int(rho['n'])} provinces could be "
        f"retrieved), Spearman's rho of our 2016 ranks is {_fmt(rho['estimate'], 2)} (95 % CI "
        f"{_fmt(rho['ci_low'], 2)} to {_fmt(rho['ci_high'], 2)}, Fisher z with Bonett–Wright SE, "
        f"n = {int(rho['n'])}); a listed province outranks an unlisted one in our index with "
        f"probability {_fmt(auc['estimate'], 2)}. Agreement is strong with the NBS growth-quality "
        f"sub-index (rho {_fmt(gq['estimate'], 2)}) and negative with environmental quality "
        f"(rho {_fmt(eq['estimate'], 2)}): our index tracks industrial modernisation more than "
        f"ecology. Largest disagreement: {worst['name']} (NBS {int(worst['nbs_rank'])}, ours "
        f"{int(worst['our_rank_among_listed'])} among the listed provinces)."
    )
    lines.append(
        f"- **Spatial clustering.** Moran's I {_fmt(moran.loc[y0, 'I'])} in {y0} and "
        f"{_fmt(moran.loc[y1, 'I'])} in {y1} (permutation p = {_fmt(moran.loc[y1, 'p_sim'])} with "
        f"{int(moran.loc[y1, 'permutations'])} permutations)."
    )
    return "\n".join(lines) + "\n"


def render_design(results_dir: str | Path) -> str:
    """Markdown tables for the README section "The default index": weights and regional
    means of the default design next to flat pooled entropy on the same indicators."""
    r = Path(results_dir)
    w = _read(r, "design_weights")
    means = _read(r, "design_regional_means")
    lines = ["| pillar | indicator | default (equal pillars, entropy within) | flat pooled entropy |",
             "|---|---|---:|---:|"]
    for row in w.itertuples():
        name = "**pillar total**" if row.indicator == "(pillar total)" else f"`{row.indicator}`"
        lines.append(f"| {row.pillar} | {name} | {_pct1(row.weight_default)} | "
                     f"{_pct1(row.weight_flat_entropy)} |")
    m = means[means["scheme"] == "region4"]
    years = sorted(m["year"].unique())
    y0, y1 = years[0], years[-1]
    lines += ["", f"| region (NBS four) | default {y0} | default {y1} | flat entropy {y0} | "
              f"flat entropy {y1} |", "|---|---:|---:|---:|---:|"]
    piv = m.pivot_table(index="region", columns=["design", "year"], values="mean")
    for region in ("east", "central", "west", "northeast"):
        lines.append(f"| {region} | " + " | ".join(
            _fmt(piv.loc[region, (d, y)]) for d in ("default", "flat_entropy") for y in (y0, y1))
            + " |")
    return "\n".join(lines) + "\n"


def _pct1(x: float) -> str:
    return f"{100 * x:.1f} %"


#: Markers around the generated parts of the README.
MARKERS = {
    "design": ("<!-- design:start (gmindex.findings.render_design) -->", "<!-- design:end -->"),
    "findings": ("<!-- findings:start (gmindex.findings.render_findings) -->",
                 "<!-- findings:end -->"),
}


def generated_block(text: str, name: str) -> str:
    """The text between the README markers of ``name`` (without the markers)."""
    start, end = MARKERS[name]
    a, b = text.find(start), text.find(end)
    if a < 0 or b < a:
        raise ValueError(f"README markers for {name!r} not found: add {start} ... {end}")
    return text[a + len(start):b].strip("\n") + "\n"


def update_readme(readme: str | Path, results_dir: str | Path) -> bool:
    """Rewrite the generated README blocks from ``results_dir``; True if the file changed."""
    path = Path(readme)
    text = path.read_text(encoding="utf-8")
    new = text
    for name, render in (("design", render_design), ("findings", render_findings)):
        start, end = MARKERS[name]
        a, b = new.find(start), new.find(end)
        if a < 0 or b < a:
            raise ValueError(f"{path}: markers for {name!r} not found: add {start} ... {end}")
        new = new[:a + len(start)] + "\n" + render(results_dir) + new[b:]
    if new != text:
        path.write_text(new, encoding="utf-8", newline="\n")
        return True
    return False


def build_findings(outdir: str | Path, *, panel=None, spec=None) -> list[Path]:
    """Build the default index and write the analysis and findings tables (CSV) to ``outdir``.

    The analysis uses :func:`gmindex.analysis.analysis_tables` with its default
    replications, permutations and seed; the gradient steps use
    :data:`STEP_REPS` and :data:`STEP_SEED` (those of notebook 05).
    """
    from gmindex.analysis import analysis_tables, write_analysis
    from gmindex.datasets import load_default_panel, load_default_spec
    from gmindex.index import build_index

    panel = load_default_panel() if panel is None else panel
    spec = load_default_spec() if spec is None else spec
    result = build_index(panel, spec)
    paths = write_analysis(analysis_tables(result), outdir, formats=("csv",))
    return paths + write_findings(findings_tables(result), outdir)


if __name__ == "__main__":  # python -m gmindex.findings [--build] RESULTS_DIR [README.md]
    import sys

    args = [a for a in sys.argv[1:] if a != "--build"]
    if not args:
        raise SystemExit("usage: python -m gmindex.findings [--build] RESULTS_DIR [README.md]")
    if "--build" in sys.argv[1:]:
        build_findings(args[0])
    changed = update_readme(args[1] if len(args) > 1 else "README.md", args[0])
    print("README updated" if changed else "README unchanged")
