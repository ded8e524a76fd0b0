"""Every paper table and figure of :mod:`gmindex.paper` on one index result.

:func:`paper_tables` runs obstacle degrees, coupling coordination, Markov
chains, spatial β convergence, centres of gravity, geodetector, Moran's I by
pillar, bivariate Moran/LISA, the other weights and aggregations and the
paper tables with one set of options, and returns named tables, publication
tables and plain-language findings (the numbers a paper quotes).
:func:`gmindex.analysis.analysis_tables` adds them to the standard table set,
so ``gmindex analyse`` writes them.  :func:`paper_figures` draws the figures
in English and Chinese.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["PaperResult", "paper_figures", "paper_tables"]


@dataclass(frozen=True)
class PaperResult:
    """Named tables, publication tables, findings and the options used.

    Attributes
    ----------
    tables : dict of str to DataFrame
        Names start with ``paper_``.
    publication : dict of str to gmindex.tables.Table
    findings : tuple of str
    params : dict
        Every option, seed and permutation count.
    """

    tables: dict[str, pd.DataFrame]
    publication: dict
    findings: tuple[str, ...]
    params: Mapping[str, Any] = field(default_factory=dict)


def _fmt(x: float, d: int = 3) -> str:
    return "NaN" if x is None or not np.isfinite(x) else f"{x:.{d}f}"


def _weights_compare(result) -> tuple[pd.DataFrame, list[str]]:
    from gmindex.paper.weighting import OBJECTIVE_WEIGHTS

    notes = []
    w = result.weights.set_index("indicator")["weight"]
    z = result.normalized.pivot(index=["code", "year"], columns="indicator", values="value")
    raw = result.indicators.pivot(index=["code", "year"], columns="indicator", values="value")
    raw = raw[z.columns]
    directions = np.array([{i.id: i.direction for i in result.spec.indicators}[c] for c in z.columns])
    out = pd.DataFrame({"indicator": z.columns, "entropy": w.reindex(z.columns).to_numpy()})
    for name, (fn, kind) in OBJECTIVE_WEIGHTS.items():
        try:
            out[name] = fn(z.to_numpy(), labels=list(z.columns)) if kind == "z" else \
                fn(raw.to_numpy(), directions, labels=list(z.columns))
        except ValueError as err:  # e.g. MEREC on a series with true zeros
            out[name] = np.nan
            notes.append(f"{name} weights not computed: {err}")
    return out, notes


def _aggregation_compare(result, year: int) -> pd.DataFrame:
    from gmindex.paper.aggregation import geometric_mean, grey_topsis, mazziotta_pareto

    z = result.normalized.pivot(index=["code", "year"], columns="indicator", values="value")
    raw = result.indicators.pivot(index=["code", "year"], columns="indicator", values="value")[z.columns]
    w = result.weights.set_index("indicator")["weight"].reindex(z.columns).to_numpy()
    w = w / w.sum()
    directions = [{i.id: i.direction for i in result.spec.indicators}[c] for c in z.columns]
    frame = pd.DataFrame(index=z.index)
    frame["weighted_sum"] = z.to_numpy() @ w
    frame["geometric"] = geometric_mean(z.to_numpy(), w)
    frame["grey_topsis"] = grey_topsis(z.to_numpy(), w)
    frame["mazziotta_pareto"] = mazziotta_pareto(raw.to_numpy(), directions)
    frame = frame.reset_index()
    last = frame[frame["year"] == year].copy()
    for c in ("weighted_sum", "geometric", "grey_topsis", "mazziotta_pareto"):
        last[f"rank_{c}"] = last[c].rank(ascending=False, method="min").astype(int)
    return last.reset_index(drop=True)


def paper_tables(result, *, scheme: str = "region4", covariate: str = "log_gdp_pc",
                 second: tuple[str, str] = ("gdp_100m_yuan", "population_10k"),
                 permutations: int = 999, seed: int = 12345, markov_values: str = "relative",
                 markov_k: int = 4, geodetector_ks: Sequence[int] = (4, 5),
                 geodetector_methods: Sequence[str] = ("quantiles", "natural_breaks"),
                 top_k: int = 3, drivers: pd.DataFrame | None = None,
                 ahp_matrix=None, ahp_alpha: float = 0.5) -> PaperResult:
    """Run the paper toolkit on an index result.

    Parameters
    ----------
    result : IndexResult
        Flat, pooled weights (one weight per indicator) for obstacle degrees.
    scheme : str
        Region scheme of the Dagum table, coupling and radar summaries.
    covariate : str
        Column of :func:`gmindex.regress.covariates_from_panel` for the
        bivariate Moran/LISA.
    second : (numerator, denominator)
        Raw series whose ratio is the second coupling system (GDP per capita).
    permutations, seed : int
        Every permutation test (Moran by pillar, bivariate Moran and LISA).
    markov_values, markov_k
        See :func:`gmindex.paper.markov.markov_chains`.
    geodetector_ks, geodetector_methods
        Discretisations of the geodetector (all reported).
    top_k : int
        Obstacles per province in the top-obstacles table.
    drivers : pandas.DataFrame, optional
        ``driver_regression(...).to_frame()`` (two-way FE); when given, the
        table ``paper_geodetector_vs_twfe`` puts each factor's q beside its
        coefficient.
    ahp_matrix : array-like (k, k), optional
        Saaty pairwise comparisons of the spec's pillars (in spec order).
        When given, ``paper_ahp_combined`` holds the AHP pillar weights, the
        entropy pillar weights (sums of the indicator weights) and their
        combinations (linear with ``ahp_alpha``, multiplicative, game
        theory), and the findings state the consistency ratio.

    Returns
    -------
    PaperResult
    """
    from gmindex.disparity.dagum import dagum_by_year
    from gmindex.paper import tables as ptab
    from gmindex.paper.centrography import gravity_centres
    from gmindex.paper.coupling import coupling_pillars, coupling_with, per_capita_system
    from gmindex.paper.dynamics import bivariate_lisa, bivariate_moran_by_year, morans_i_by_pillar
    from gmindex.paper.geodetector import factor_detector
    from gmindex.paper.markov import markov_chains
    from gmindex.paper.obstacle import obstacles, top_obstacles
    from gmindex.paper.spatial_convergence import spatial_beta_convergence
    from gmindex.regress import covariates_from_panel
    from gmindex.spatial import contiguity_weights

    scores, reg = result.scores, result.registry
    years = sorted(int(y) for y in scores["year"].unique())
    first, last = years[0], years[-1]
    codes = sorted(scores["code"].unique())
    t: dict[str, pd.DataFrame] = {}
    pub: dict = {}
    findings: list[str] = []
    notes: list[str] = []

    dagum = ptab.dagum_table(dagum_by_year(scores, scheme=scheme, registry=reg), scheme=scheme,
                             registry=reg)
    t[f"paper_dagum_{scheme}"] = dagum
    pub[f"paper_dagum_{scheme}"] = ptab.to_table(dagum, digits=4)

    ranks = ptab.score_rank_table(scores, scheme=scheme, registry=reg)
    t["paper_score_rank"] = ranks
    pub["paper_score_rank"] = ptab.to_table(ranks.drop(columns=["region"]), digits=4)

    obs = obstacles(result)
    t["paper_obstacle_indicators"] = obs.indicators
    t["paper_obstacle_pillars"] = obs.pillars
    nat = obs.national()
    t["paper_obstacle_national"] = nat
    top = top_obstacles(obs, year=last, k=top_k, registry=reg)
    t[f"paper_obstacle_top_{last}"] = top
    pub[f"paper_obstacle_top_{last}"] = ptab.to_table(top, digits=2)
    n_last = nat[nat["year"] == last].head(3)
    findings.append(f"Obstacle degree {last}, national mean, largest three: " + "; ".join(
        f"{r.indicator} {100 * r.obstacle:.1f}%" for r in n_last.itertuples()))

    cp = coupling_pillars(result)
    t["paper_coupling_pillars"] = cp.table
    t[f"paper_coupling_pillars_{scheme}"] = cp.by_region(scheme=scheme, registry=reg)
    notes += [n for n in cp.notes if "C = 0" in n]
    econ = per_capita_system(result.panel, numerator=second[0], denominator=second[1],
                             years=years, codes=codes)
    cw = coupling_with(result, econ, name="economy")
    t["paper_coupling_economy"] = cw.table
    by_region = cw.by_region(scheme=scheme, registry=reg)
    t[f"paper_coupling_economy_{scheme}"] = by_region
    pub[f"paper_coupling_economy_{scheme}"] = ptab.to_table(
        by_region[by_region["year"].isin([first, last])], digits=3)
    rl = by_region[by_region["year"] == last]
    findings.append(f"Coupling coordination D of index and economy ({second[0]}/{second[1]}, "
                    f"min-max) in {last}: " + "; ".join(
                        f"{r.region} {r.D:.3f} ({r.level})" for r in rl.itertuples()))
    pl = cp.by_region(scheme=scheme, registry=reg)
    pl = pl[pl["year"] == last]
    findings.append(f"Coupling coordination D between the pillars in {last}: " + "; ".join(
        f"{r.region} {r.D:.3f} ({r.level})" for r in pl.itertuples()))

    mk = markov_chains(scores, values=markov_values, k=markov_k)
    t["paper_markov_classic"] = mk.classic_table()
    t["paper_markov_spatial"] = mk.spatial
    t["paper_markov_upward"] = mk.upward()
    t["paper_markov_tests"] = mk.tests_frame()
    classic_ss = pd.DataFrame([{"lag_class": "all", **{f"class_{c}": v for c, v in
                                                       mk.steady_state.items()}}])
    t["paper_markov_steady_state"] = pd.concat(
        [classic_ss, mk.spatial_steady_state.astype({"lag_class": str})], ignore_index=True)
    pub["paper_markov_classic"] = ptab.to_table(mk.classic_table())
    up = mk.upward()
    allp = up[up["lag_class"] == "all"]
    low = up[(up["lag_class"] == 1)]
    high = up[(up["lag_class"] == mk.k)]
    findings.append(
        f"Spatial Markov ({markov_values} scores, {mk.k} pooled-quantile classes, "
        f"{mk.n_transitions} transitions): homogeneity Q = {mk.tests['Q']:.2f} "
        f"(p = {mk.tests['Q_p_value']:.3f}), LR = {mk.tests['LR']:.2f} "
        f"(p = {mk.tests['LR_p_value']:.3f}), dof {mk.tests['dof']}. P(up) all: "
        + ", ".join(f"class {int(r.from_class)} {_fmt(r.p_up, 2)} (n={r.n})" for r in allp.itertuples())
        + "; with neighbours in the lowest class: "
        + ", ".join(f"{int(r.from_class)}: {_fmt(r.p_up, 2)} (n={r.n})" for r in low.itertuples())
        + "; with neighbours in the highest class: "
        + ", ".join(f"{int(r.from_class)}: {_fmt(r.p_up, 2)} (n={r.n})" for r in high.itertuples()))

    sb = spatial_beta_convergence(scores, registry=reg, scheme=scheme)
    t["paper_spatial_beta"] = sb.table
    pub["paper_spatial_beta"] = ptab.to_table(
        sb.table[["design", "controls", "model", "beta", "std_error", "p_value", "spatial",
                  "spatial_coef", "spatial_p", "speed", "half_life"]], digits=4)
    ab = sb.table[sb.table["controls"].isin(["absolute", "unit and year FE", "unit FE"])]
    findings.append("Beta convergence: " + "; ".join(
        f"{r.design}/{r.model} beta {r.beta:.4f} (p {r.p_value:.3f}"
        + (f", {r.spatial} {r.spatial_coef:.3f} p {r.spatial_p:.3f}" if r.spatial else "")
        + f", half-life {_fmt(r.half_life, 1)} y)" for r in ab.itertuples()))

    cg = gravity_centres(scores)
    t["paper_centre_of_gravity"] = cg.table

    cov = covariates_from_panel(result.panel, years=years)
    gd = factor_detector(scores, cov, spec=result.spec, ks=geodetector_ks,
                         methods=geodetector_methods)
    t["paper_geodetector"] = gd.table
    pub["paper_geodetector"] = ptab.to_table(gd.table, digits=3, notes=[
        "Pooled province-years; each factor discretised as stated. Index components "
        "explain the score by construction and are not drivers."])

    if drivers is not None:
        gq = gd.table.pivot_table(index="factor", columns=["method", "k"], values="q")
        gq.columns = [f"q_{m}_{k}" for m, k in gq.columns]
        side = gq.reset_index().merge(
            drivers.rename(columns={"term": "factor"}), on="factor", how="left")
        side["index_component"] = side["factor"].map(
            gd.table.drop_duplicates("factor").set_index("factor")["index_component"])
        t["paper_geodetector_vs_twfe"] = side

    if ahp_matrix is not None:
        from gmindex.paper.weighting import ahp_weights, combine_weights

        pillars = [p.id for p in result.spec.pillars]
        ahp = ahp_weights(ahp_matrix)
        if len(ahp.weights) != len(pillars):
            raise ValueError(f"ahp_matrix is {len(ahp.weights)}x{len(ahp.weights)}; the spec has "
                             f"{len(pillars)} pillars ({pillars})")
        ent = result.weights.groupby("pillar")["weight"].sum().reindex(pillars).to_numpy()
        ent = ent / ent.sum()
        t["paper_ahp_combined"] = pd.DataFrame({
            "pillar": pillars, "ahp": ahp.weights, "entropy": ent,
            f"linear_{ahp_alpha:g}": combine_weights(ahp.weights, ent, rule="linear",
                                                     alpha=ahp_alpha),
            "multiplicative": combine_weights(ahp.weights, ent, rule="multiplicative"),
            "game": combine_weights(ahp.weights, ent, rule="game")})
        findings.append(f"AHP pillar weights: lambda_max {ahp.lambda_max:.4f}, CI {ahp.ci:.4f}, "
                        f"RI {ahp.ri:.2f}, CR {ahp.cr:.4f} "
                        f"({'accepted' if ahp.consistent else 'rejected'}, CR < 0.1 rule)")

    w = contiguity_weights(codes)
    t["paper_moran_pillars"] = morans_i_by_pillar(result, w=w, permutations=permutations, seed=seed)
    t["paper_moran_bivariate"] = bivariate_moran_by_year(scores, cov, covariate, w=w,
                                                         permutations=permutations, seed=seed)
    t["paper_lisa_bivariate"] = pd.concat(
        [bivariate_lisa(scores, cov, covariate, year=y, w=w, permutations=permutations, seed=seed)
         for y in (first, last)], ignore_index=True)

    wc, wnotes = _weights_compare(result)
    t["paper_weights_compare"] = wc
    notes += wnotes
    t[f"paper_aggregation_compare_{last}"] = _aggregation_compare(result, last)

    ps = result.pillar_scores.assign(region=lambda d: d["code"].map(reg.regions(scheme)))
    t["paper_radar_values"] = ps.groupby(["year", "region", "pillar"], sort=True)["score"] \
        .mean().reset_index()
    findings += notes
    params = {"scheme": scheme, "covariate": covariate, "second_system": list(second),
              "permutations": int(permutations), "seed": int(seed),
              "markov": dict(mk.params), "spatial_beta": dict(sb.params),
              "geodetector": dict(gd.params), "centrography": dict(cg.params)}
    # Options as a table too, so every written table set carries its seeds and counts.
    t["paper_options"] = pd.DataFrame(
        [{"option": k, "value": json.dumps(v, sort_keys=True, default=str)}
         for k, v in params.items()])
    return PaperResult(t, pub, tuple(findings), params)


def paper_figures(result, paper: PaperResult, outdir: str | Path, *,
                  langs: Sequence[str] = ("en", "zh"), formats: Sequence[str] = ("png", "pdf", "svg"),
                  scheme: str = "region4") -> list[Path]:
    """Draw and save the paper figures (one file set per language).

    Returns
    -------
    list of Path
    """
    import matplotlib.pyplot as plt

    from gmindex import maps
    from gmindex.figstyle import (new_figure, pillar_colors, pillar_names, save_figure,
                                  style_context)
    from gmindex.paper import figures as F
    from gmindex.spatial import contiguity_weights, lisa_clusters, morans_i_by_year

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    reg = result.registry
    scores = result.scores
    years = sorted(int(y) for y in scores["year"].unique())
    perms, seed = paper.params["permutations"], paper.params["seed"]
    w = contiguity_weights(sorted(scores["code"].unique()))
    moran = morans_i_by_year(scores, w=w, permutations=perms, seed=seed)
    lisas = {y: lisa_clusters(scores, year=y, w=w, permutations=perms, seed=seed)
             for y in (years[0], years[-1])}
    dagum = paper.tables[f"paper_dagum_{scheme}"]
    radar_vals = paper.tables["paper_radar_values"]
    radar_vals = radar_vals[radar_vals["year"] == years[-1]].pivot(
        index="region", columns="pillar", values="score")
    radar_vals = radar_vals.reindex(index=[r for r in reg.region_order(scheme) if r in radar_vals.index],
                                    columns=[p.id for p in result.spec.pillars])
    from gmindex.paper.obstacle import obstacles

    nat = obstacles(result).national(year=years[-1])
    paths: list[Path] = []
    for lang in langs:
        with style_context(lang, "single"):
            for kind in ("within", "between", "shares"):
                fig, ax = new_figure("single", lang=lang)
                F.dagum_lines(dagum, kind=kind, ax=ax, lang=lang)
                paths += save_figure(fig, outdir / f"fig_paper_dagum_{kind}", formats=formats,
                                     lang=lang)
                plt.close(fig)
            fig, ax = new_figure("single", lang=lang)
            F.moran_by_year(moran, ax=ax, lang=lang)
            paths += save_figure(fig, outdir / "fig_paper_moran_by_year", formats=formats, lang=lang)
            plt.close(fig)
            fig, ax = new_figure("single", lang=lang)
            pm = paper.tables["paper_moran_pillars"]
            colours = pillar_colors(result.spec)
            names = pillar_names(result.spec, lang)
            for pillar, part in pm.groupby("pillar", sort=False):
                F.moran_by_year(part, ax=ax, lang=lang, label=names[pillar],
                                color=colours[pillar], annotate=False)
            ax.legend(frameon=False, fontsize="x-small", ncols=2)
            paths += save_figure(fig, outdir / "fig_paper_moran_pillars", formats=formats, lang=lang)
            plt.close(fig)
            fig, ax = new_figure("single", lang=lang, aspect=0.9,
                                 subplot_kw={"projection": "polar"})
            F.radar(radar_vals, ax=ax, lang=lang, spec=result.spec)
            paths += save_figure(fig, outdir / "fig_paper_radar", formats=formats, lang=lang)
            plt.close(fig)
            fig, ax = new_figure("single", lang=lang)
            F.obstacle_bars(nat, ax=ax, lang=lang, spec=result.spec)
            paths += save_figure(fig, outdir / f"fig_paper_obstacles_{years[-1]}", formats=formats,
                                 lang=lang)
            plt.close(fig)
        with style_context(lang, "double"):
            for g in [None, *reg.region_order(scheme)]:
                fig, ax = new_figure("single", lang=lang, aspect=0.85,
                                     subplot_kw={"projection": "3d"})
                F.kde_surface(scores, region=g, scheme=scheme, registry=reg, ax=ax, lang=lang)
                paths += save_figure(fig, outdir / f"fig_paper_kde3d_{g or 'national'}",
                                     formats=formats, lang=lang)
                plt.close(fig)
            fig, axes = new_figure("double", lang=lang, ncols=2, aspect=0.45)
            for ax, y in zip(axes, sorted(lisas)):
                maps.lisa_map(lisas[y], ax=ax, lang=lang)
            paths += save_figure(fig, outdir / "fig_paper_lisa_first_last", formats=formats,
                                 lang=lang)
            plt.close(fig)
            fig, ax = new_figure("double", lang=lang, aspect=0.75)
            bv = paper.tables["paper_lisa_bivariate"]
            maps.lisa_map(bv[bv["year"] == years[-1]], ax=ax, lang=lang)
            paths += save_figure(fig, outdir / f"fig_paper_lisa_bivariate_{years[-1]}",
                                 formats=formats, lang=lang)
            plt.close(fig)
            fig, ax = new_figure("double", lang=lang, aspect=0.75)
            last = scores[scores["year"] == years[-1]]
            maps.choropleth(last, "score", ax=ax, lang=lang)
            F.centre_trajectory(paper.tables["paper_centre_of_gravity"], ax=ax, lang=lang)
            paths += save_figure(fig, outdir / "fig_paper_centre_trajectory", formats=formats,
                                 lang=lang)
            plt.close(fig)
    return paths
