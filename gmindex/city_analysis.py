"""The study's analysis for cities: the package's functions run with the city registry.

:func:`city_analysis` takes a city :class:`~gmindex.index.IndexResult` and returns
named tables: means by NBS region and by province, the east > central > west
check per year, the Dagum decomposition with cities grouped by the NBS region
of their province, kernel densities, σ and β convergence, Moran's I and LISA
with city contiguity (:func:`gmindex.cities.city_weights`), and the gradient
regression with standard errors clustered by province.  :func:`aggregation_check`
compares provincial sums of city series with the provincial panel.

Examples
--------
>>> from gmindex.cities import city_index
>>> out = city_analysis(city_index(), permutations=99, reps=99)
>>> sorted(out.tables)[:4]
['beta_convergence', 'dagum_region4', 'dagum_shares', 'density']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from gmindex.analysis import AnalysisResult
from gmindex.cities import CityRegistry, city_registry, city_weights

__all__ = ["aggregation_check", "city_analysis", "dagum_between_share", "write_city_outputs"]


def dagum_between_share(dagum: pd.DataFrame) -> pd.DataFrame:
    """Per year: total Gini, and the within, net-between and transvariation shares.

    Examples
    --------
    >>> d = pd.DataFrame({"year": [2019] * 4, "level": "overall",
    ...                   "measure": ["total", "within_share", "between_net_share",
    ...                               "transvariation_share"], "value": [0.3, 0.2, 0.6, 0.2]})
    >>> dagum_between_share(d).to_dict("records")
    [{'year': 2019, 'gini': 0.3, 'within_share': 0.2, 'between_net_share': 0.6, 'transvariation_share': 0.2}]
    """
    rows = dagum[dagum["level"] == "overall"]
    wide = rows.pivot(index="year", columns="measure", values="value")
    wide = wide.rename(columns={"total": "gini"})
    cols = ["gini", "within_share", "between_net_share", "transvariation_share"]
    return wide[cols].reset_index().rename_axis(columns=None)


def city_analysis(
    result: Any,
    *,
    registry: CityRegistry | None = None,
    permutations: int = 999,
    seed: int = 12345,
    reps: int = 999,
    weights_rule: str = "queen+knn",
    k: int = 1,
) -> AnalysisResult:
    """Regional, disparity, density, convergence, spatial and gradient tables for cities.

    Parameters
    ----------
    result : IndexResult
        A city index (e.g. :func:`gmindex.cities.city_index`).
    registry : CityRegistry, optional
        Default: the result's registry.
    permutations, seed : int
        Moran's I and LISA permutations; draws for year ``t`` come from
        ``numpy.random.default_rng([seed, t])``.
    reps : int
        Wild cluster bootstrap replications of the gradient regression (0 skips).
    weights_rule, k
        See :func:`gmindex.cities.city_weights`.

    Returns
    -------
    AnalysisResult
        ``tables`` and plain-language ``findings``.
    """
    from gmindex.convergence import beta_convergence, sigma_convergence
    from gmindex.density import kde_by_group
    from gmindex.disparity.dagum import dagum_by_year
    from gmindex.regional import gradient_check, regional_means
    from gmindex.regress import gradient_regression
    from gmindex.spatial import lisa_clusters, morans_i_by_year

    reg = registry or getattr(result, "registry", None) or city_registry()
    scores = result.scores
    years = sorted(int(y) for y in scores["year"].unique())
    t: dict[str, pd.DataFrame] = {}
    findings: list[str] = []

    means = {s: regional_means(scores, scheme=s, registry=reg) for s in ("region4", "region3")}
    t["regional_means_region4"] = means["region4"]
    t["regional_means_region3"] = means["region3"]
    prov = regional_means(scores, scheme="province", registry=reg)
    names = reg.table.drop_duplicates("province").set_index("province")
    prov.insert(2, "province_en", prov["region"].map(names["province_en"]))
    t["regional_means_province"] = prov
    check = gradient_check(pd.concat(means.values(), ignore_index=True))
    t["gradient_check"] = check.table
    findings += check.text.splitlines()

    dagum = dagum_by_year(scores, scheme="region4", registry=reg)
    t["dagum_region4"] = dagum
    shares = dagum_between_share(dagum)
    t["dagum_shares"] = shares
    for row in shares.itertuples():
        findings.append(
            f"Dagum Gini {row.year}: {row.gini:.3f}; between-region (net) share "
            f"{row.between_net_share:.1%}, within {row.within_share:.1%}, "
            f"transvariation {row.transvariation_share:.1%}")

    t["density"] = kde_by_group(scores, by=("region", "year"), scheme="region4", registry=reg)
    sigma = sigma_convergence(scores, registry=reg, scheme="region4")
    t["sigma_convergence"] = sigma.by_year
    if len(years) >= 2:
        beta = beta_convergence(scores, start=years[0], end=years[-1], registry=reg,
                                scheme="region4")
        a = beta.absolute
        t["beta_convergence"] = pd.DataFrame([{
            "model": "absolute", "start": years[0], "end": years[-1], "beta": a.beta,
            "std_error": a.std_error, "p_value": a.p_value, "n_obs": a.n_obs,
            "cov_type": a.cov_type}])

    cw = city_weights(scores["code"].unique(), rule=weights_rule, k=k)
    moran = morans_i_by_year(scores, w=cw.w, permutations=permutations, seed=seed)
    moran["weights"] = cw.describe()
    t["morans_i"] = moran
    for row in moran.itertuples():
        findings.append(f"Moran's I {row.year}: {row.I:.3f} (n={row.n}, pseudo p={row.p_sim:.3f}, "
                        f"{permutations} permutations, seed {seed}; {cw.describe()})")
    t["lisa"] = lisa_clusters(scores, year=years[-1], w=cw.w, permutations=permutations,
                              seed=seed)

    fit = gradient_regression(scores, scheme="region4", registry=reg, cluster="province",
                              wild_bootstrap=reps > 0, reps=max(reps, 1), seed=seed)
    coefs = fit.coefficients.copy()
    for key, pvalues in fit.extra_pvalues.items():  # wild cluster bootstrap p-values
        coefs[key] = coefs["term"].map(pvalues)
    coefs.insert(0, "n_clusters", fit.n_clusters)
    coefs.insert(0, "nobs", fit.nobs)
    t["gradient_regression"] = coefs
    findings.append(f"Gradient regression: {fit.nobs} city-years, standard errors clustered "
                    f"by province ({fit.n_clusters} clusters); " + "; ".join(fit.notes[-1:]))
    return AnalysisResult(tables=t, findings=tuple(findings))


def aggregation_check(
    city_panel: pd.DataFrame,
    province_panel: pd.DataFrame,
    pairs: tuple[tuple[str, str, float], ...] = (
        ("gdp_100m_yuan", "gdp_100m_yuan", 1.0),
        ("so2_industrial_t", "so2_industrial_10k_t", 1e4),
        ("patents_granted", "patents_granted", 1.0),
    ),
) -> pd.DataFrame:
    """Provincial sums of summable city series against the provincial panel.

    Parameters
    ----------
    city_panel, province_panel : pandas.DataFrame
        Long panels (``code, year, indicator, value``); city codes have six
        digits, whose first two are the province.
    pairs : tuple of (city series, provincial series, factor)
        The provincial value is multiplied by ``factor`` to reach the city unit
        (SO2: 万吨 to 吨).

    Returns
    -------
    pandas.DataFrame
        ``city_series, province, year, n_cities, city_sum, province_value, ratio``.

    Examples
    --------
    >>> city = pd.DataFrame({"code": ["320100", "320200"], "year": 2019,
    ...                      "indicator": "gdp_100m_yuan", "value": [100.0, 50.0]})
    >>> prov = pd.DataFrame({"code": ["32"], "year": [2019],
    ...                      "indicator": ["gdp_100m_yuan"], "value": [200.0]})
    >>> aggregation_check(city, prov, pairs=(("gdp_100m_yuan", "gdp_100m_yuan", 1.0),))
         city_series province  year  n_cities  city_sum  province_value  ratio
    0  gdp_100m_yuan       32  2019         2     150.0           200.0   0.75
    """
    from gmindex.cities import province_totals

    out = []
    for city_series, prov_series, factor in pairs:
        sums = province_totals(city_panel, [city_series])
        prov = province_panel[province_panel["indicator"] == prov_series]
        prov = prov.assign(province=prov["code"].astype(str), province_value=prov["value"] * factor)
        merged = sums.merge(prov[["province", "year", "province_value"]],
                            on=["province", "year"], how="left")
        merged = merged.rename(columns={"value": "city_sum", "indicator": "city_series"})
        merged["ratio"] = merged["city_sum"] / merged["province_value"]
        out.append(merged[["city_series", "province", "year", "n_cities", "city_sum",
                           "province_value", "ratio"]])
    return pd.concat(out, ignore_index=True)


def write_city_outputs(
    out: str | Path,
    figures: str | Path | None = None,
    *,
    langs: Sequence[str] = ("en", "zh"),
    permutations: int = 999,
    reps: int = 9999,
    seed: int = 12345,
    formats: Sequence[str] = ("csv", "xlsx"),
    figure_formats: Sequence[str] = ("png", "pdf", "svg"),
) -> list[Path]:
    """Build the default city index and write its tables, analysis and maps.

    Index tables (scores, pillar scores, weights, provenance) and the analysis
    tables go to ``out``; the maps (every year's score and the last year's
    LISA clusters, in each language of ``langs`` at both printed widths, with
    captions) to ``figures`` (default ``out``).  The
    provenance of every analysis table records the seed, the permutations,
    the bootstrap replications and the spatial weights.
    """
    from gmindex.analysis import write_analysis
    from gmindex.cities import city_index, load_city_panel
    from gmindex.city_maps import save_city_maps
    from gmindex.datasets import load_default_panel
    from gmindex.io.writers import write_table

    out = Path(out)
    res = city_index()
    paths = list(res.export(out, formats=tuple(formats)))
    analysis = city_analysis(res, permutations=permutations, seed=seed, reps=reps)
    stamp = {**res.provenance, "city_analysis": {
        "seed": seed, "permutations": permutations, "bootstrap_reps": reps,
        "spatial_weights": str(analysis.tables["morans_i"]["weights"].iloc[0])}}
    paths += write_analysis(analysis, out / "analysis", formats=formats, provenance=stamp)
    paths += write_table(aggregation_check(load_city_panel(), load_default_panel()),
                         out / "aggregation_check", formats=formats)
    paths += save_city_maps(res, Path(figures or out), lisa=analysis.tables["lisa"], langs=langs,
                            formats=figure_formats, permutations=permutations)
    return paths


def _figure_formats(text: str) -> tuple[str, ...]:
    import argparse

    from gmindex.io.writers import FIGURE_FORMATS, parse_formats

    try:
        return parse_formats(text, FIGURE_FORMATS)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: choose from {','.join(FIGURE_FORMATS)} (comma-separated)") from None


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m gmindex.city_analysis --out results/city``: index, tables and maps."""
    import argparse

    p = argparse.ArgumentParser(description="Build the default city index, its analysis "
                                            "tables and its maps.")
    p.add_argument("--out", type=Path, default=Path("results/city"))
    p.add_argument("--figures", type=Path, default=None, help="default: --out")
    p.add_argument("--lang", default="en,zh")
    p.add_argument("--permutations", type=int, default=999)
    p.add_argument("--reps", type=int, default=9999)
    p.add_argument("--seed", type=int, default=12345)
    # PNG and PDF unless SVG is asked for, as `gmindex map`: SVG is a third of the drawing time.
    p.add_argument("--formats", type=_figure_formats, default=("png", "pdf"),
                   help="map formats, comma-separated: png,pdf,svg (default: png,pdf)")
    args = p.parse_args(argv)
    paths = write_city_outputs(args.out, args.figures, langs=tuple(args.lang.split(",")),
                               permutations=args.permutations, reps=args.reps, seed=args.seed,
                               figure_formats=args.formats)
    print(f"{len(paths)} files written to {args.out}/" +
          (f" and {args.figures}/" if args.figures else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
