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


_WORDS = {
    "en": {"bivariate": "Bivariate LISA, {year}\nScore × neighbours'\n{covariate}"},
    "zh": {"bivariate": "双变量 LISA，{year}年\n得分 × 邻域{covariate}"},
}


def paper_figures(result, paper: PaperResult, outdir: str | Path, *,
                  langs: Sequence[str] = ("en", "zh"), formats: Sequence[str] = ("png", "pdf", "svg"),
                  scheme: str = "region4", widths: Sequence[str] = ("double", "single"),
                  only: Sequence[str] | None = None, dpi: int = 300) -> list[Path]:
    """Draw and save the paper figures in every language and printed width.

    Each figure is drawn anew for each width (180 mm double, 88 mm single
    column; panels side by side at double width are stacked at single width)
    and language, and saved by :func:`gmindex.figstyle.save_variants`:
    ``<stem>`` (double, English), ``<stem>_zh``, ``<stem>_single`` and
    ``<stem>_single_zh``, each with its caption (``<stem>.caption.md``, from
    :mod:`gmindex.captions`).

    Parameters
    ----------
    result : IndexResult
    paper : PaperResult
        From :func:`paper_tables` on ``result``.
    outdir : path
    langs, widths : sequences
        Languages (``"en"``, ``"zh"``) and widths (``"double"``, ``"single"``).
    formats : sequence of {"png", "pdf", "svg"}
    scheme : str
        Region scheme of the Dagum lines and the 3-D densities.
    only : sequence of str, optional
        Draw only these stems (as written, e.g. ``"fig_paper_radar"``,
        ``"fig_paper_kde3d_east"``); default all.
    dpi : int
        PNG resolution.

    Returns
    -------
    list of Path
    """
    from gmindex.figstyle import save_variants

    jobs = _figure_jobs(result, paper, scheme=scheme)
    if only is not None:
        unknown = sorted(set(only) - set(jobs))
        if unknown:
            raise ValueError(f"only: no paper figure {unknown}; figures: {sorted(jobs)}")
        jobs = {stem: draw for stem, draw in jobs.items() if stem in set(only)}
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for stem, draw in jobs.items():
        paths += save_variants(draw, outdir / stem, langs=langs, widths=widths, keep=None,
                               formats=tuple(formats), dpi=dpi)
    return paths


def _figure_jobs(result, paper: PaperResult, *, scheme: str = "region4") -> dict[str, Any]:
    """Stem -> ``draw(lang, width)`` returning the figure, for every paper figure.

    The inputs (Moran's I, LISA clusters, obstacle degrees) are computed once
    here; the drawing functions only lay them out for a width and language.
    """
    from gmindex.paper.obstacle import obstacles
    from gmindex.spatial import contiguity_weights, lisa_clusters, morans_i_by_year

    reg = result.registry
    scores = result.scores
    years = sorted(int(y) for y in scores["year"].unique())
    first, last = years[0], years[-1]
    perms, seed = paper.params["permutations"], paper.params["seed"]
    w = contiguity_weights(sorted(scores["code"].unique()))
    moran = morans_i_by_year(scores, w=w, permutations=perms, seed=seed)
    lisas = {y: lisa_clusters(scores, year=y, w=w, permutations=perms, seed=seed)
             for y in (first, last)}
    dagum = paper.tables[f"paper_dagum_{scheme}"]
    radar_all = paper.tables["paper_radar_values"]
    pillars = [p.id for p in result.spec.pillars]

    def radar_values(year: int) -> pd.DataFrame:
        v = radar_all[radar_all["year"] == year].pivot(index="region", columns="pillar",
                                                       values="score")
        return v.reindex(index=[r for r in reg.region_order(scheme) if r in v.index],
                         columns=pillars)

    radars = {y: radar_values(y) for y in (first, last)}
    nat = obstacles(result).national(year=last)
    bivariate = paper.tables["paper_lisa_bivariate"]
    bivariate = bivariate[bivariate["year"] == last]
    covariate = str(paper.params.get("covariate", ""))
    # Stated in the LISA legends; the weights are in the captions.
    lisa_note = {"alpha": 0.05, "permutations": int(perms)}
    centres = paper.tables["paper_centre_of_gravity"]
    spec = result.spec

    jobs: dict[str, Any] = {}
    for kind in ("within", "between", "shares"):
        jobs[f"fig_paper_dagum_{kind}"] = lambda lang, width, kind=kind: _dagum_figure(
            dagum, kind, lang, width)
    jobs["fig_paper_moran_by_year"] = lambda lang, width: _moran_figure(moran, lang, width)
    jobs["fig_paper_moran_pillars"] = lambda lang, width: _moran_pillars_figure(
        paper.tables["paper_moran_pillars"], spec, lang, width)
    jobs["fig_paper_radar"] = lambda lang, width: _radar_figure(radars, spec, lang, width)
    jobs[f"fig_paper_obstacles_{last}"] = lambda lang, width: _obstacle_figure(
        nat, spec, lang, width)
    for g in [None, *reg.region_order(scheme)]:
        jobs[f"fig_paper_kde3d_{g or 'national'}"] = lambda lang, width, g=g: _kde_figure(
            scores, g, scheme, reg, lang, width)
    jobs["fig_paper_lisa_first_last"] = lambda lang, width: _lisa_pair_figure(
        lisas, lisa_note, lang, width)
    jobs[f"fig_paper_lisa_bivariate_{last}"] = lambda lang, width: _bivariate_figure(
        bivariate, last, covariate, lisa_note, lang, width)
    jobs["fig_paper_centre_trajectory"] = lambda lang, width: _centre_figure(
        scores[scores["year"] == last], centres, lang, width)
    return jobs


def _outside_legend(fig, ax, width: str, ncols_single: int, ncols_double: int) -> None:
    """The axes' legend below the plot area (single width) or right of it (double):
    the lines keep the whole plot area."""
    handles, labels = ax.get_legend_handles_labels()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    if width == "single":
        fig.legend(handles, labels, loc="outside lower center", ncols=ncols_single,
                   frameon=False, columnspacing=1.0, handlelength=1.8)
    else:
        fig.legend(handles, labels, loc="outside right center", ncols=ncols_double,
                   frameon=False, handlelength=1.8)


def _dagum_figure(dagum: pd.DataFrame, kind: str, lang: str, width: str):
    from gmindex.figstyle import new_figure
    from gmindex.paper import figures as F

    fig, ax = new_figure(width, lang=lang, aspect=0.75 if width == "single" else 0.38)
    F.dagum_lines(dagum, kind=kind, ax=ax, lang=lang, legend=False)
    _outside_legend(fig, ax, width, ncols_single=2 if kind != "shares" else 3, ncols_double=1)
    return fig


def _moran_figure(moran: pd.DataFrame, lang: str, width: str):
    from gmindex.figstyle import new_figure
    from gmindex.paper import figures as F

    fig, ax = new_figure(width, lang=lang, aspect=0.62 if width == "single" else 0.36)
    F.moran_by_year(moran, ax=ax, lang=lang)
    ax.margins(x=0.07, y=0.15)  # room for the p-values above and beside the points
    return fig


def _moran_pillars_figure(pm: pd.DataFrame, spec, lang: str, width: str):
    from gmindex.figstyle import new_figure, pillar_colors, pillar_names
    from gmindex.paper import figures as F

    fig, ax = new_figure(width, lang=lang, aspect=0.85 if width == "single" else 0.4)
    colours = pillar_colors(spec)
    names = pillar_names(spec, lang)
    for pillar, part in pm.groupby("pillar", sort=False):
        F.moran_by_year(part, ax=ax, lang=lang, label=names[pillar], color=colours[pillar],
                        annotate=False)
    _outside_legend(fig, ax, width, ncols_single=1 if lang == "en" else 2, ncols_double=1)
    return fig


def _radar_figure(radars: Mapping[int, pd.DataFrame], spec, lang: str, width: str):
    """Radars of the first and the last year: side by side (double) or stacked (single)."""
    import matplotlib.pyplot as plt

    from gmindex.figstyle import FONT_SIZES, new_figure
    from gmindex.paper import figures as F

    double = width == "double"
    fig, axes = new_figure(width, lang=lang, aspect=0.45 if double else 1.6,
                           nrows=1 if double else 2, ncols=2 if double else 1,
                           subplot_kw={"projection": "polar"})
    rmax = max(float(np.nanmax(v.to_numpy())) for v in radars.values())
    at = F.quiet_spokes(list(radars.values()))  # one place for the scale in both panels
    for ax, (year, values) in zip(np.ravel(axes), sorted(radars.items())):
        F.radar(values, ax=ax, lang=lang, spec=spec, legend=False, rmax=rmax,
                wrap=16, rlabel_at=at)
        ax.text(0.0, 1.0, str(year), transform=ax.transAxes, ha="left", va="bottom",
                fontsize=FONT_SIZES[width]["label"], gid="panel-year")
    handles, labels = np.ravel(axes)[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False)
    fig.get_layout_engine().set(h_pad=0.06, hspace=0.08, w_pad=0.06, wspace=0.1)
    plt.setp([a.get_xticklabels() for a in np.ravel(axes)], fontsize=FONT_SIZES[width]["small"])
    return fig


def _obstacle_figure(nat: pd.DataFrame, spec, lang: str, width: str):
    from gmindex.figstyle import FONT_SIZES, new_figure
    from gmindex.paper import figures as F

    wrap = 40 if width == "single" else 80
    lines = F.obstacle_lines(nat, spec=spec, lang=lang, wrap=wrap)
    # One text line of the names takes about 1.15 font sizes; plus the x axis.
    line_mm = 1.15 * FONT_SIZES[width]["base"] * 0.83 * 25.4 / 72
    height = max(len(nat) * 3.2, lines * line_mm + len(nat) * 0.8) + 14
    fig, ax = new_figure(width, lang=lang, height_mm=height)
    F.obstacle_bars(nat, ax=ax, lang=lang, spec=spec, wrap=wrap)
    return fig


def _kde_figure(scores: pd.DataFrame, group, scheme: str, reg, lang: str, width: str):
    from gmindex.figstyle import new_figure
    from gmindex.paper import figures as F

    double = width == "double"
    fig, ax = new_figure(width, lang=lang, aspect=0.5 if double else 0.85,
                         subplot_kw={"projection": "3d"})
    # A wide figure gets a wide box (the score axis long), not white space beside a cube.
    ax.set_box_aspect((2.0, 1.1, 0.75) if double else (1.0, 1.0, 0.75),
                      zoom=1.25 if double else 0.95)
    F.kde_surface(scores, region=group, scheme=scheme, registry=reg, ax=ax, lang=lang)
    return fig


def _lisa_pair_figure(lisas: Mapping[int, pd.DataFrame], note: Mapping[str, Any], lang: str,
                      width: str):
    """LISA maps of the first and the last year: side by side (double) or stacked (single);
    each panel is one column wide, so it is drawn with the single-column map style."""
    from gmindex import maps

    double = width == "double"
    fig, axes = maps.map_panels(width, nrows=1 if double else 2, ncols=2 if double else 1)
    for ax, year in zip(axes, sorted(lisas)):
        maps.lisa_map(lisas[year], ax=ax, lang=lang, size="single",
                      credit=year == max(lisas), **note)
    return fig


def _bivariate_figure(bivariate: pd.DataFrame, year: int, covariate: str,
                      note: Mapping[str, Any], lang: str, width: str):
    from gmindex import maps
    from gmindex.maps.lisa import _method_note
    from gmindex.regress import COVARIATES

    cov = COVARIATES.get(covariate)
    name = covariate if cov is None else (cov.label_zh or cov.label) if lang == "zh" else \
        cov.label[:1].lower() + cov.label[1:]
    title = _WORDS[lang]["bivariate"].format(year=year, covariate=name)
    title += "\n" + _method_note(note["alpha"], None, note["permutations"], lang)
    return maps.lisa_map(bivariate, lang=lang, size=width, legend_title=title).figure


def _centre_figure(last: pd.DataFrame, centres: pd.DataFrame, lang: str, width: str):
    from gmindex import maps
    from gmindex.paper import figures as F

    ax = maps.choropleth(last, "score", lang=lang, size=width,
                         legend_title="Score" if lang == "en" else "得分")
    F.centre_trajectory(centres, ax=ax, lang=lang)
    return ax.figure
