"""The study's standard analysis of an index result, as named tables.

:func:`analysis_tables` runs the regional, disparity, convergence, spatial and
regression functions on one :class:`~gmindex.index.IndexResult` with one set of
options and returns every table by name; :func:`write_analysis` writes them.
The CLI (``gmindex analyse``) and the reproduce job use it; the notebooks call
the same functions one by one with narrative in between.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from gmindex.index import IndexResult
from gmindex.replications import REPLICATIONS, SEED

__all__ = ["AnalysisResult", "analysis_tables", "value_added_weights", "write_analysis"]


@dataclass(frozen=True)
class AnalysisResult:
    """Named tables, plain-text findings and publication tables.

    Attributes
    ----------
    tables : dict of str to pandas.DataFrame
        Every analysis table by name, e.g. ``regional_means_region4``,
        ``dagum_region4``, ``beta_convergence``, ``morans_i``,
        ``regression_drivers``; the names become file stems.
    findings : tuple of str
        Plain-language lines (the gradient per year, skipped analyses).
    publication : dict of str to gmindex.tables.Table
        Formatted tables for papers (``regressions``).
    paper : gmindex.paper.report.PaperResult or None
        The paper toolkit's result (its figures are drawn from it by
        :func:`gmindex.paper.report.paper_figures`); None when skipped.
    """

    tables: dict[str, pd.DataFrame]
    findings: tuple[str, ...]
    publication: dict = field(default_factory=dict)
    paper: Any = None


def value_added_weights(panel: pd.DataFrame, series: str = "industrial_va_100m_yuan") -> pd.DataFrame:
    """Weights for :func:`gmindex.regional.regional_means` from one raw series.

    Parameters
    ----------
    panel : pandas.DataFrame
        Long raw panel (``code, year, indicator, value``).
    series : str
        Raw series id; industrial value added by default.

    Returns
    -------
    pandas.DataFrame
        ``code, year, weight``, one row per cell of the series.

    Examples
    --------
    >>> panel = pd.DataFrame({"code": ["11", "11"], "year": [2016, 2016],
    ...                       "indicator": ["industrial_va_100m_yuan", "gdp_100m_yuan"],
    ...                       "value": [4000.0, 25000.0]})
    >>> value_added_weights(panel)
      code  year  weight
    0   11  2016  4000.0
    """
    rows = panel[panel["indicator"] == series]
    return rows[["code", "year", "value"]].rename(columns={"value": "weight"}).reset_index(drop=True)


def analysis_tables(
    result: IndexResult,
    *,
    schemes: Sequence[str] = ("region4", "region3"),
    start: int | None = None,
    end: int | None = None,
    reps: int = REPLICATIONS["wild_bootstrap"],
    permutations: int = REPLICATIONS["moran_permutations"],
    seed: int = SEED,
    paper: bool = False,
) -> AnalysisResult:
    """Run the standard analysis on an index result.

    Parameters
    ----------
    result : IndexResult
    schemes : region schemes to report (registry columns)
    start, end : int, optional
        Window for growth and beta convergence (default: first and last year).
    reps : int
        Wild cluster bootstrap replications.
    permutations : int
        Moran's I permutations.
    seed : int
        Seed of every random draw (bootstrap, permutations).
    paper : bool
        Add the paper toolkit's tables (``paper_*``: obstacle degrees,
        coupling coordination, Markov chains, spatial β, centres of gravity,
        geodetector, bivariate Moran; :func:`gmindex.paper.report.paper_tables`)
        for province panels.  Off by default: they take several times as long
        as the rest (``gmindex analyse --paper``).

    Returns
    -------
    AnalysisResult
    """
    from gmindex.convergence import beta_convergence, panel_beta_convergence, sigma_convergence
    from gmindex.density import kde_by_group
    from gmindex.disparity.dagum import dagum_by_year
    from gmindex.disparity.theil import theil_by_year
    from gmindex.regional import gradient_check, growth, rank_table, regional_means
    from gmindex.regress import covariates_from_panel, driver_regression, gradient_regression
    from gmindex.spatial import contiguity_weights, lisa_clusters, morans_i_by_year
    from gmindex.provinces import default_registry
    from gmindex.tables import regression_table

    scores, reg = result.scores, result.registry
    years = sorted(scores["year"].unique())
    start = start or years[0]
    end = end or years[-1]
    tables: dict[str, pd.DataFrame] = {}
    findings: list[str] = []
    weights = value_added_weights(result.panel)
    weights = weights[weights["code"].isin(scores["code"]) & weights["year"].isin(years)]
    if len(weights) < len(scores):
        # Other panels (cities, a new indicator set) may lack the weighting series.
        findings.append("Weighted regional means skipped: industrial value added is not "
                        "available for every scored unit-year.")
        weights = None
    order = ("east", "central", "west")
    schemes = [s for s in schemes if s in reg.schemes()]
    for scheme in schemes:
        means = regional_means(scores, scheme=scheme, weights=weights, registry=reg)
        tables[f"regional_means_{scheme}"] = means
        present = set(reg.regions(scheme))
        chain = tuple(r for r in order if r in present)
        check = gradient_check(means, order=chain if len(chain) >= 2 else reg.region_order(scheme))
        tables[f"gradient_check_{scheme}"] = check.to_frame()
        findings.append(f"[{scheme}] " + check.text)
        tables[f"regional_growth_{scheme}"] = growth(
            means, start=start, end=end, by=("scheme", "region"), value="mean"
        )
        tables[f"dagum_{scheme}"] = dagum_by_year(scores, scheme=scheme, registry=reg)
        tables[f"theil_{scheme}"] = theil_by_year(scores, scheme=scheme, registry=reg)
        sigma = sigma_convergence(scores, scheme=scheme, registry=reg)
        tables[f"sigma_convergence_{scheme}"] = sigma.by_year
        tables[f"sigma_trend_{scheme}"] = sigma.trend
        tables[f"density_{scheme}"] = kde_by_group(
            scores, by=("region", "year"), scheme=scheme, registry=reg, clip=(0, 1)
        )
    tables["province_growth"] = growth(scores, start=start, end=end)
    tables["rank_table"] = rank_table(scores, start=start, end=end, registry=reg)
    beta = beta_convergence(scores, start=start, end=end, scheme=schemes[0], registry=reg)
    tables["beta_convergence"] = beta.to_frame()
    tables["panel_beta_convergence"] = panel_beta_convergence(scores).to_frame()

    codes = sorted(scores["code"].unique())
    if set(codes) <= set(default_registry().codes):
        w = contiguity_weights(codes)
        tables["morans_i"] = morans_i_by_year(scores, w=w, permutations=permutations, seed=seed)
        tables["lisa"] = pd.concat(
            [lisa_clusters(scores, year=y, w=w, permutations=permutations, seed=seed).assign(year=y)
             for y in years],
            ignore_index=True,
        )
    else:
        findings.append("Spatial statistics skipped: contiguity weights come from the province "
                        "boundaries, and these units are not provinces.")

    models = [
        gradient_regression(scores, scheme=s, registry=reg, reps=reps, seed=seed,
                            base=reg.region_order(s)[0])
        for s in schemes
    ]
    covariates = covariates_from_panel(result.panel, years=years)
    drivers = driver_regression(scores, covariates, spec=result.spec, reps=reps, seed=seed)
    models.append(drivers)
    for scheme, model in zip(schemes, models):
        tables[f"regression_gradient_{scheme}"] = model.to_frame()
    tables["regression_drivers"] = drivers.to_frame()
    # Stars follow the wild bootstrap p-values wherever they are reported (few clusters).
    publication = {"regressions": regression_table(
        models, titles=[f"Gradient ({s})" for s in schemes] + ["Drivers (TWFE)"],
        star_p="wild" if any(m.extra_pvalues for m in models) else "cluster")}
    extra = None
    if paper and set(codes) <= set(default_registry().codes):
        from gmindex.paper.report import paper_tables

        extra = paper_tables(result, scheme=schemes[0], permutations=permutations, seed=seed,
                             drivers=drivers.to_frame())
        tables.update(extra.tables)
        publication.update(extra.publication)
        findings += [f"[paper] {line}" for line in extra.findings]
    elif paper:
        findings.append("Paper tables skipped: they need province boundaries and neighbours.")
    return AnalysisResult(tables, tuple(findings), publication, extra)


def write_analysis(analysis: AnalysisResult, outdir: str | Path, *,
                   formats: Sequence[str] = ("csv", "xlsx"), provenance: dict | None = None) -> list[Path]:
    """Write every table (and the publication tables as .tex, .md and .csv) atomically.

    Parameters
    ----------
    analysis : AnalysisResult
        Output of :func:`analysis_tables`.
    outdir : str or Path
        Folder, created if needed.
    formats : sequence of str
        Formats of the named tables (see :func:`gmindex.io.writers.write_table`).
    provenance : dict, optional
        Stamp written with each table, e.g. ``IndexResult.provenance``.

    Returns
    -------
    list of Path
        Every file written: the tables, ``table_<name>.tex/.md/.csv/.docx``
        for the publication tables, and ``findings.txt``.
    """
    from gmindex.io.writers import write_table, write_text

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for name, table in analysis.tables.items():
        stamp = {**(provenance or {}), **table.attrs.get("provenance", {})} or None
        paths += write_table(table, outdir / name, formats=formats, provenance=stamp)
    from gmindex.paper.tables import write_docx

    for name, table in analysis.publication.items():
        paths += table.write(outdir / f"table_{name}")
        paths.append(write_docx(table, outdir / f"table_{name}.docx"))
    paths.append(write_text("\n".join(analysis.findings) + "\n", outdir / "findings.txt"))
    return paths
