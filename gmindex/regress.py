"""Regional gradient and driver regressions for index scores.

Two models, both with standard errors clustered by province:

* :func:`gradient_regression` — pooled OLS of the score on region dummies
  (one base region left out) with year fixed effects (statsmodels).  The
  region coefficients are the average score gaps to the base region, the
  east by default, so the east > central > west gradient reads off the signs.
* :func:`driver_regression` — two-way fixed effects (province and year) of
  the score on covariates (pyfixest ``feols``).

With about 30 clusters, and only 3 provinces in the NBS northeast, cluster-
robust t tests can over-reject; both models therefore also report wild
cluster bootstrap p-values (the ``wildboottest`` package: restricted "WCR-C11"
bootstrap, null imposed, Rademacher weights by default, explicit seed).

:func:`covariates_from_panel` derives the usual provincial covariates (log
GDP per capita, secondary-industry share, government size, R&D intensity,
environmental spending share, log population) from the raw long panel.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from gmindex.provinces import default_registry
>>> codes = default_registry().codes
>>> rng = np.random.default_rng(0)
>>> scores = pd.DataFrame(
...     [(c, y) for c in codes for y in (2016, 2017, 2018)], columns=["code", "year"]
... )
>>> region = scores["code"].map(default_registry().regions("region3"))
>>> gap = region.map({"east": 0.0, "central": -0.1, "west": -0.2})
>>> scores["score"] = 0.5 + gap + rng.normal(scale=0.01, size=len(scores))
>>> res = gradient_regression(scores, scheme="region3", wild_bootstrap=False)
>>> res.coefficients.set_index("term")["coef"].round(2).to_dict()
{'const': 0.5, 'central': -0.1, 'west': -0.2}
>>> res.nobs, res.n_clusters, res.fixed_effects
(93, 31, ('year',))
"""

from __future__ import annotations

import math
import warnings
from contextlib import contextmanager
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gmindex._frames import check_scores

__all__ = [
    "COVARIATES",
    "DEFAULT_DRIVERS",
    "WILD_WEIGHTS",
    "Covariate",
    "IndexComponentWarning",
    "RegressionResult",
    "covariates_from_panel",
    "driver_regression",
    "gradient_regression",
    "index_components",
    "term_labels",
    "wild_cluster_pvalue",
]

#: Bootstrap weight distributions accepted by ``wildboottest``.
WILD_WEIGHTS = ("rademacher", "webb", "mammen", "normal")
_WILD_KEY = "wild_bootstrap"


class IndexComponentWarning(UserWarning):
    """A covariate is itself an indicator of the index being explained."""


@dataclass(frozen=True)
class RegressionResult:
    """Estimates of one regression, ready for :func:`gmindex.tables.regression_table`.

    Attributes
    ----------
    model : str
        ``"gradient_ols"`` or ``"twfe"``.
    dependent : str
        Name of the dependent variable (the score column).
    coefficients : pandas.DataFrame
        Columns ``term, coef, se, t, p, ci_low, ci_high``; ``p`` and the 95 %
        interval use a t distribution with ``n_clusters - 1`` degrees of
        freedom.  Fixed effects are not listed.
    nobs : int
        Observations used.
    r2 : float
        R squared of the full model (fixed effects included).
    r2_within : float or None
        Within R squared (two-way fixed-effects model only).
    fixed_effects : tuple of str
        ``("year",)`` or ``("province", "year")``.
    cluster : str
        Cluster variable of the standard errors (``"province"``).
    n_clusters : int
    extra_pvalues : Mapping
        Further p-values by method, e.g. ``{"wild_bootstrap": {term: p}}``.
    dropped : pandas.DataFrame
        Cells removed by listwise deletion: ``code, year, variable`` (one row
        per missing variable of a dropped observation); empty if none.
    params : Mapping
        Every option the model was run with (scheme, base, reps, seed, ...).
    notes : tuple of str
        Choices and caveats to report with the table.
    """

    model: str
    dependent: str
    coefficients: pd.DataFrame
    nobs: int
    r2: float
    fixed_effects: tuple[str, ...]
    cluster: str
    n_clusters: int
    r2_within: float | None = None
    extra_pvalues: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    dropped: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["code", "year", "variable"])
    )
    params: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def terms(self) -> list[str]:
        """Reported terms in table order."""
        return self.coefficients["term"].tolist()

    def p_stars_from(self, term: str) -> str:
        """Which p-value a term's significance stars follow in the publication tables.

        The wild cluster bootstrap wherever the model reports it (few clusters:
        the cluster-robust t test over-rejects); the cluster-robust t test when
        the model has no bootstrap; ``"none"`` for a term left out of the bootstrap
        (e.g. the constant) of a model that has one.
        """
        wild = self.extra_pvalues.get(_WILD_KEY, {})
        if not wild:
            return "cluster"
        return _WILD_KEY if term in wild else "none"

    @property
    def provenance(self) -> dict[str, Any]:
        """Model, options (bootstrap seed, replications, weight type) and the stars' p-value."""
        return {"model": self.model, "dependent": self.dependent, "nobs": self.nobs,
                "n_clusters": self.n_clusters, **dict(self.params),
                "p_stars_from": {t: self.p_stars_from(t) for t in self.terms}}

    def to_frame(self) -> pd.DataFrame:
        """Coefficient table, one ``p_<method>`` column per extra p-value set, and
        ``p_stars_from`` (see :meth:`p_stars_from`).  ``attrs["provenance"]`` holds
        :attr:`provenance`, which the writers record beside the table.

        Examples
        --------
        >>> res = RegressionResult(
        ...     model="twfe", dependent="score",
        ...     coefficients=pd.DataFrame({"term": ["x"], "coef": [1.0], "se": [0.5],
        ...         "t": [2.0], "p": [0.06], "ci_low": [-0.1], "ci_high": [2.1]}),
        ...     nobs=10, r2=0.5, fixed_effects=("province", "year"),
        ...     cluster="province", n_clusters=5,
        ...     extra_pvalues={"wild_bootstrap": {"x": 0.08}})
        >>> res.to_frame().columns.tolist()
        ['term', 'coef', 'se', 't', 'p', 'ci_low', 'ci_high', 'p_wild_bootstrap', 'p_stars_from']
        >>> res.to_frame()["p_stars_from"].tolist()
        ['wild_bootstrap']
        """
        frame = self.coefficients.copy()
        for method, pvalues in self.extra_pvalues.items():
            frame[f"p_{method}"] = frame["term"].map(dict(pvalues)).astype(float)
        frame["p_stars_from"] = [self.p_stars_from(t) for t in frame["term"]]
        frame.attrs["provenance"] = {"regression": self.provenance}
        return frame

    def __repr__(self) -> str:
        return (
            f"RegressionResult(model={self.model!r}, dependent={self.dependent!r}, "
            f"terms={self.terms}, nobs={self.nobs}, n_clusters={self.n_clusters})"
        )


# --------------------------------------------------------------------------
# Covariates
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Covariate:
    """A covariate derived from raw panel series.

    ``series`` lists the raw series it reads; two covariates (or a covariate
    and an index indicator) built from the same series set measure the same
    ratio.
    """

    id: str
    label: str
    unit: str
    series: tuple[str, ...]
    formula: str


#: Covariates :func:`covariates_from_panel` derives, in column order.
COVARIATES: dict[str, Covariate] = {
    c.id: c
    for c in (
        Covariate(
            "log_gdp_pc",
            "Log GDP per capita",
            "ln(yuan per person), nominal",
            ("gdp_100m_yuan", "population_10k"),
            "ln(gdp_100m_yuan * 1e8 / (population_10k * 1e4))",
        ),
        Covariate(
            "secondary_share",
            "Secondary industry share of GDP",
            "%",
            ("secondary_va_100m_yuan", "gdp_100m_yuan"),
            "secondary_va_100m_yuan / gdp_100m_yuan * 100",
        ),
        Covariate(
            "gov_size",
            "Local budget expenditure share of GDP",
            "%",
            ("local_budget_expenditure_100m_yuan", "gdp_100m_yuan"),
            "local_budget_expenditure_100m_yuan / gdp_100m_yuan * 100",
        ),
        Covariate(
            "log_population",
            "Log population",
            "ln(persons)",
            ("population_10k",),
            "ln(population_10k * 1e4)",
        ),
        Covariate(
            "rd_intensity",
            "R&D intensity",
            "% of GDP",
            ("rd_intensity_pct",),
            "rd_intensity_pct",
        ),
        Covariate(
            "env_spending_share",
            "Environmental spending share of budget",
            "%",
            ("env_protection_spending_100m_yuan", "local_budget_expenditure_100m_yuan"),
            "env_protection_spending_100m_yuan / local_budget_expenditure_100m_yuan * 100",
        ),
    )
}

#: Default driver set: none of these is an indicator of the default index
#: (R&D intensity and the environmental spending share are, so regressing the
#: score on them would be partly mechanical).
DEFAULT_DRIVERS: tuple[str, ...] = ("log_gdp_pc", "secondary_share", "gov_size")


def term_labels() -> dict[str, str]:
    """Display labels of the terms this module produces (for tables).

    Examples
    --------
    >>> term_labels()["log_gdp_pc"], term_labels()["const"]
    ('Log GDP per capita', 'Constant')
    """
    from gmindex.provinces import REGION_ORDER

    labels = {"const": "Constant"}
    for regions in REGION_ORDER.values():
        labels.update({r: r.capitalize() for r in regions})
    labels.update({c.id: c.label for c in COVARIATES.values()})
    return labels


def _wide_series(panel: pd.DataFrame, series: Iterable[str]) -> pd.DataFrame:
    missing_cols = {"code", "year", "indicator", "value"} - set(panel.columns)
    if missing_cols:
        raise ValueError(
            f"the panel needs long columns code, year, indicator, value; "
            f"missing {sorted(missing_cols)}"
        )
    series = list(series)
    long = panel.loc[panel["indicator"].isin(series), ["code", "year", "indicator", "value"]]
    long = long.assign(code=long["code"].astype(str), year=long["year"].astype(int))
    dupes = long[long.duplicated(["code", "year", "indicator"], keep=False)]
    if not dupes.empty:
        raise ValueError(
            "the panel has duplicate (code, year, indicator) rows, e.g. "
            f"{dupes.head(3)[['code', 'year', 'indicator']].to_dict('records')}; "
            "keep one value per cell"
        )
    wide = long.pivot(index=["code", "year"], columns="indicator", values="value")
    return wide.reindex(columns=series).astype(float)


def covariates_from_panel(
    panel: pd.DataFrame, *, years: Iterable[int] | None = None
) -> pd.DataFrame:
    """Derive provincial covariates from the raw long panel.

    Parameters
    ----------
    panel : pandas.DataFrame
        Long table with columns ``code, year, indicator, value``.
    years : iterable of int, optional
        Keep only these years (default: every year in the panel).

    Returns
    -------
    pandas.DataFrame
        Columns ``code, year`` and one column per entry of :data:`COVARIATES`
        (``log_gdp_pc, secondary_share, gov_size, log_population,
        rd_intensity, env_spending_share``), one row per (code, year) that has
        at least one of the raw series.  A covariate is NaN where one of its
        series is missing; nothing is filled.  Money ratios are nominal (no
        provincial deflator in the panel).

    Raises
    ------
    ValueError
        If columns are missing, cells are duplicated, or a series entering a
        logarithm or a denominator is not positive.

    Notes
    -----
    * log GDP per capita = ln(gdp_100m_yuan · 1e8 / (population_10k · 1e4))
    * secondary share = secondary_va_100m_yuan / gdp_100m_yuan · 100
    * government size = local_budget_expenditure_100m_yuan / gdp_100m_yuan · 100
    * log population = ln(population_10k · 1e4)
    * R&D intensity = rd_intensity_pct (revised series; never mix with the
      bulletin series)
    * environmental spending share = env_protection_spending_100m_yuan /
      local_budget_expenditure_100m_yuan · 100

    Examples
    --------
    >>> panel = pd.DataFrame({
    ...     "code": ["11"] * 3, "year": [2016] * 3,
    ...     "indicator": ["gdp_100m_yuan", "population_10k", "secondary_va_100m_yuan"],
    ...     "value": [25000.0, 2000.0, 5000.0]})
    >>> cov = covariates_from_panel(panel)
    >>> round(float(cov.loc[0, "log_gdp_pc"]), 4), float(cov.loc[0, "secondary_share"])
    (11.7361, 20.0)
    >>> bool(cov.loc[0, ["rd_intensity", "gov_size"]].isna().all())
    True
    """
    needed = list(dict.fromkeys(s for c in COVARIATES.values() for s in c.series))
    wide = _wide_series(panel, needed)
    if years is not None:
        years = [int(y) for y in years]
        wide = wide[wide.index.get_level_values("year").isin(years)]
    for name in ("gdp_100m_yuan", "population_10k", "local_budget_expenditure_100m_yuan"):
        bad = wide[name] <= 0
        if bad.any():
            cells = [f"{c}/{y}" for c, y in wide.index[bad.to_numpy()][:5]]
            raise ValueError(
                f"{name} must be positive (it enters a logarithm or a denominator); "
                f"non-positive in {cells}: fix the panel"
            )
    s = wide
    out = pd.DataFrame(index=wide.index)
    out["log_gdp_pc"] = np.log(s["gdp_100m_yuan"] * 1e8 / (s["population_10k"] * 1e4))
    out["secondary_share"] = s["secondary_va_100m_yuan"] / s["gdp_100m_yuan"] * 100
    out["gov_size"] = s["local_budget_expenditure_100m_yuan"] / s["gdp_100m_yuan"] * 100
    out["log_population"] = np.log(s["population_10k"] * 1e4)
    out["rd_intensity"] = s["rd_intensity_pct"]
    out["env_spending_share"] = (
        s["env_protection_spending_100m_yuan"] / s["local_budget_expenditure_100m_yuan"] * 100
    )
    assert list(out.columns) == list(COVARIATES)
    return out.reset_index().sort_values(["code", "year"], ignore_index=True)


def index_components(terms: Iterable[str], spec: Any) -> dict[str, list[str]]:
    """Index indicators that each covariate reproduces.

    A covariate counts as a component when it reads exactly the same raw
    series as an indicator of ``spec`` (same ratio, possibly rescaled).

    Parameters
    ----------
    terms : iterable of str
        Covariate ids (keys of :data:`COVARIATES`; other names are skipped).
    spec : gmindex.spec.Spec
        The spec the scores were built from.

    Returns
    -------
    dict
        ``{covariate: [indicator ids]}`` for the covariates that are components.

    Examples
    --------
    >>> from gmindex.spec import Indicator, Spec
    >>> spec = Spec(indicators=(
    ...     Indicator("rd", pillar="innovation", direction="benefit",
    ...               numerator="rd_intensity_pct"),))
    >>> index_components(["rd_intensity", "log_gdp_pc"], spec)
    {'rd_intensity': ['rd']}
    """
    found: dict[str, list[str]] = {}
    for term in terms:
        cov = COVARIATES.get(term)
        if cov is None:
            continue
        hits = [ind.id for ind in spec.indicators if set(ind.series) == set(cov.series)]
        if hits:
            found[term] = hits
    return found


# --------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------


def _regression_scores(scores: pd.DataFrame, value: str) -> pd.DataFrame:
    """``code, year, value`` sorted, keys unique; missing scores kept (the models drop them
    listwise and report them in ``dropped``), infinite ones refused."""
    out = check_scores(scores, value=value, missing="keep", what="the regression")
    return out[["code", "year", value]].sort_values(["code", "year"], ignore_index=True)


def _listwise(
    data: pd.DataFrame, variables: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop rows with any missing variable; return (kept, dropped cells)."""
    isna = data[list(variables)].isna()
    cells = isna.stack()
    cells = cells[cells]
    dropped = pd.DataFrame(
        {
            "code": data.loc[cells.index.get_level_values(0), "code"].to_numpy(),
            "year": data.loc[cells.index.get_level_values(0), "year"].to_numpy(),
            "variable": cells.index.get_level_values(1).astype(str).to_numpy(),
        }
    )
    kept = data[~isna.any(axis=1)].reset_index(drop=True)
    return kept, dropped.astype({"code": str, "year": int, "variable": str})


def _dropped_note(dropped: pd.DataFrame, n_rows: int) -> str:
    obs = dropped[["code", "year"]].drop_duplicates()
    by_var = dropped.groupby("variable", sort=True).size()
    detail = ", ".join(f"{v}: {n}" for v, n in by_var.items())
    return (
        f"listwise deletion dropped {len(obs)} of {n_rows} observations "
        f"(missing cells by variable: {detail})"
    )


def _wild_options(weights_type: str, reps: int, seed: int) -> dict[str, Any]:
    """Checked wild bootstrap options, as recorded in ``RegressionResult.params``."""
    if weights_type not in WILD_WEIGHTS:
        raise ValueError(f"weights_type must be one of {WILD_WEIGHTS}, got {weights_type!r}")
    if int(reps) < 99:
        raise ValueError(f"reps must be at least 99 for a bootstrap p-value, got {reps}")
    return {
        "reps": int(reps),
        "seed": int(seed),
        "weights_type": weights_type,
        "bootstrap": "WCR-C11, null imposed",
    }


def _few_cluster_notes(counts: Mapping[str, int], threshold: int = 6) -> list[str]:
    return [
        f"{term}: only {n} clusters identify this coefficient; cluster-robust and "
        "wild bootstrap inference are both unreliable with so few treated clusters "
        "(MacKinnon and Webb 2017)"
        for term, n in counts.items()
        if n < threshold
    ]


# --------------------------------------------------------------------------
# Gradient model
# --------------------------------------------------------------------------


def gradient_regression(
    scores: pd.DataFrame,
    *,
    scheme: str = "region4",
    base: str = "east",
    value: str = "score",
    registry: Any = None,
    wild_bootstrap: bool = True,
    reps: int = 9999,
    seed: int = 12345,
    weights_type: str = "rademacher",
    cluster: str = "code",
) -> RegressionResult:
    """Regional gradient: pooled OLS of the score on region dummies and year effects.

    Parameters
    ----------
    scores : pandas.DataFrame
        Columns ``code, year`` and ``value`` (e.g. ``IndexResult.scores``).
    scheme : {"region4", "region3"}
        Region scheme of the registry.
    base : str
        Region left out; the other coefficients are gaps to it.
    value : str
        Score column.
    registry : gmindex.provinces.Registry, optional
        Default: the 31 mainland provinces.
    wild_bootstrap : bool
        Add wild cluster bootstrap p-values for the region dummies.
    reps : int
        Bootstrap replications.
    seed : int
        Seed of the bootstrap weights (``numpy.random.default_rng``); the same
        seed is used for every coefficient.
    weights_type : {"rademacher", "webb", "mammen", "normal"}
        Bootstrap weight distribution.
    cluster : str
        ``"code"`` (default): cluster by unit; or a registry column, e.g.
        ``"province"`` for cities (see :func:`gmindex.cities.city_registry`).

    Returns
    -------
    RegressionResult
        ``model="gradient_ols"``; terms ``const`` (base region, first year) and
        one dummy per other region present, in the scheme's display order.

    Raises
    ------
    ValueError
        Unknown scheme or base, codes missing from the registry, or fewer than
        two regions in the data.

    Notes
    -----
    S(i,t) = a + Σ_r b_r·1[region(i) = r] + Σ_t g_t + e(i,t), r ≠ base.
    Standard errors are clustered by province with Stata's ``vce(cluster)``
    small-sample factor G/(G−1)·(N−1)/(N−K); p-values and 95 % intervals use
    t(G−1).  Missing scores are dropped listwise and reported.
    """
    import statsmodels.api as sm

    from gmindex.provinces import default_registry

    registry = registry if registry is not None else default_registry()
    data = _regression_scores(scores, value)
    regions = registry.regions(scheme)
    unknown = sorted(set(data["code"]) - set(regions.index))
    if unknown:
        raise ValueError(
            f"codes not in the registry: {unknown}; pass registry= with these units"
        )
    order = registry.region_order(scheme)
    if base not in order:
        raise ValueError(f"base region {base!r} is not in scheme {scheme!r}: {order}")
    data["region"] = data["code"].map(regions).astype(str)
    n_rows = len(data)
    data, dropped = _listwise(data, [value])
    present = [r for r in order if r in set(data["region"])]
    if base not in present:
        raise ValueError(f"no province of the base region {base!r} has a score")
    others = [r for r in present if r != base]
    if not others:
        raise ValueError("the scores cover only the base region: nothing to compare")
    years = sorted(data["year"].unique())

    X = pd.DataFrame({"const": 1.0}, index=data.index)
    for r in others:
        X[r] = (data["region"] == r).astype(float)
    for y in years[1:]:
        X[f"year_{y}"] = (data["year"] == y).astype(float)
    if cluster == "code":
        groups = data["code"]
    elif cluster in registry.table.columns:
        groups = data["code"].map(registry.table[cluster])
    else:
        raise ValueError(f"cluster must be 'code' or a registry column, got {cluster!r}")
    cluster_label = "province" if cluster == "code" else cluster
    cluster, provinces = pd.factorize(groups, sort=True)
    n_clusters = len(provinces)
    fit = sm.OLS(data[value].to_numpy(), X).fit(
        cov_type="cluster", cov_kwds={"groups": cluster}, use_t=True
    )
    terms = ["const"] + others
    coefs = _coef_frame(
        terms,
        fit.params[terms],
        fit.bse[terms],
        fit.tvalues[terms],
        fit.pvalues[terms],
        fit.conf_int().loc[terms],
    )

    notes = [
        f"base region: {base} ({scheme}); coefficients are score gaps to it",
        f"year fixed effects included; standard errors clustered by {cluster_label} "
        "(small-sample factor G/(G-1)*(N-1)/(N-K), t(G-1) inference)",
    ]
    if not dropped.empty:
        notes.append(_dropped_note(dropped, n_rows))
        warnings.warn(notes[-1], stacklevel=2)
    absent = [r for r in order if r not in present]
    if absent:
        notes.append(f"regions without scored provinces: {absent}")
    region_counts = data.groupby("region")["code"].nunique()
    notes += _few_cluster_notes({r: int(region_counts[r]) for r in others})

    extra: dict[str, dict[str, float]] = {}
    params: dict[str, Any] = {
        "scheme": scheme,
        "base": base,
        "value": value,
        "registry": getattr(registry, "source", "<memory>"),
        "wild_bootstrap": wild_bootstrap,
    }
    if wild_bootstrap:
        params.update(_wild_options(weights_type, reps, seed))
        exog, columns = X.to_numpy(dtype=float), list(X.columns)
        extra[_WILD_KEY] = {
            r: wild_cluster_pvalue(exog, data[value].to_numpy(), cluster, columns.index(r),
                                   reps=reps, seed=seed, weights_type=weights_type)[1]
            for r in others
        }
        notes.append(_wild_note(weights_type, reps, seed, n_clusters))

    return RegressionResult(
        model="gradient_ols",
        dependent=value,
        coefficients=coefs,
        nobs=int(fit.nobs),
        r2=float(fit.rsquared),
        fixed_effects=("year",),
        cluster=cluster_label,
        n_clusters=n_clusters,
        extra_pvalues=extra,
        dropped=dropped,
        params=params,
        notes=tuple(notes),
    )


def _coef_frame(terms, coef, se, t, p, ci) -> pd.DataFrame:
    ci = np.asarray(ci, dtype=float)
    return pd.DataFrame(
        {
            "term": [str(x) for x in terms],
            "coef": np.asarray(coef, dtype=float),
            "se": np.asarray(se, dtype=float),
            "t": np.asarray(t, dtype=float),
            "p": np.asarray(p, dtype=float),
            "ci_low": ci[:, 0],
            "ci_high": ci[:, 1],
        }
    )


def _wild_note(weights_type: str, reps: int, seed: int, n_clusters: int) -> str:
    note = (
        f"wild cluster bootstrap p-values: restricted (null imposed) WCR-C11, "
        f"{weights_type} weights, {reps} replications, seed {seed}"
    )
    if weights_type == "rademacher" and 2**n_clusters < reps:
        note += f" (2^{n_clusters} < {reps}: every sign pattern enumerated instead)"
    return note


@contextmanager
def _third_party_quiet():
    """Silence pandas deprecation chatter raised inside pyfixest (not our code)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning, module="pyfixest")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyfixest")
        warnings.filterwarnings("ignore", message=".*inplace keyword.*")
        # pyfixest names the internal x0, x1, ...; we raise our own error instead.
        warnings.filterwarnings("ignore", message=r"\s*\d+ variables? dropped due to multicollinearity")
        yield


def _feols():
    """pyfixest's ``feols``, imported without changing the caller's logging.

    pyfixest (0.60) loads its estimation modules on first use, and one of them
    calls ``logging.basicConfig(level=INFO)`` (``estimation/models/
    feols_compressed_.py``): from then on every library's INFO messages reach
    stderr, fontTools' font subsetting alone dozens of lines per PDF figure saved
    (notebook 08 printed 1,100 of them).  The root logger is put back as it was.
    """
    import logging

    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    from pyfixest import feols

    root.setLevel(level)
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
    return feols


def wild_cluster_pvalue(
    X: np.ndarray,
    y: np.ndarray,
    cluster: np.ndarray,
    param: int,
    *,
    reps: int = 9999,
    seed: int = 12345,
    weights_type: str = "rademacher",
) -> tuple[float, float]:
    """Restricted wild cluster bootstrap (WCR-C11) p-value of one OLS coefficient.

    The algorithm and the random draws are those of ``wildboottest``'s
    ``WildboottestCL`` (null imposed, CRV1 small-sample factor
    ``(N-1)/(N-k) * G/(G-1)``, two-tailed p-value ``mean(|t| < |t*|)``,
    every sign pattern enumerated when ``2**G < reps`` with Rademacher
    weights); the bootstrap t statistics are computed here as matrix products
    instead of a numba kernel that ``wildboottest`` compiles afresh on every
    call (about 1 s each, so 20 s for the analysis tables).  The tests check
    the p-values against ``wildboottest`` itself.

    Parameters
    ----------
    X : numpy.ndarray
        Regressors, ``N x k`` (fixed effects as dummy columns).
    y : numpy.ndarray
        Outcome, length ``N``.
    cluster : numpy.ndarray
        Cluster id of each row.
    param : int
        Column of ``X`` tested (null: coefficient 0).
    reps : int
        Bootstrap replications.
    seed : int
        Seed of ``numpy.random.default_rng``.
    weights_type : str
        One of :data:`WILD_WEIGHTS`.

    Returns
    -------
    (float, float)
        The t statistic (CRV1) and the bootstrap p-value.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> g = np.repeat(np.arange(12), 5)
    >>> X = np.column_stack([np.ones(60), rng.normal(size=60)])
    >>> y = 1 + 0.5 * X[:, 1] + rng.normal(size=60)
    >>> t, p = wild_cluster_pvalue(X, y, g, 1, reps=999, seed=3)
    >>> round(t, 2) > 2, p < 0.05
    (True, True)
    """
    from wildboottest.weights import draw_weights

    if weights_type not in WILD_WEIGHTS:
        raise ValueError(f"weights_type must be one of {WILD_WEIGHTS}, got {weights_type!r}")
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, k = X.shape
    _, g_index = np.unique(np.asarray(cluster), return_inverse=True)
    G = int(g_index.max()) + 1
    member = np.zeros((G, n))
    member[g_index, np.arange(n)] = 1.0
    ssc = (n - 1) / (n - k) * G / (G - 1)

    xtx_inv = np.linalg.inv(X.T @ X)
    beta = xtx_inv @ (X.T @ y)
    a = xtx_inv[param]  # row of (X'X)^-1 for the tested coefficient
    # Restricted estimate (coefficient `param` set to 0) and its cluster scores.
    beta_r = beta - xtx_inv[:, param] * beta[param] / xtx_inv[param, param]
    scores_r = member @ (X * (y - X @ beta_r)[:, None])  # G x k
    c = scores_r @ a  # each cluster's contribution to the bootstrap numerator
    # h[g, j]: cluster g's share of the score of the bootstrap residual of cluster j.
    w = X @ a
    xg_w = member @ (X * w[:, None])  # G x k: X_g' X_g a
    h = xg_w @ xtx_inv @ scores_r.T  # G x G

    full = weights_type == "rademacher" and 2**G < reps
    draws, _ = draw_weights(
        t="norm" if weights_type == "normal" else weights_type,
        full_enumeration=full, N_G_bootcluster=G, boot_iter=int(reps),
        rng=np.random.default_rng(seed=int(seed)),
    )
    numer = c @ draws
    z = c[:, None] * draws - h @ draws
    t_boot = numer / np.sqrt(ssc * np.einsum("gb,gb->b", z, z))

    resid = y - X @ beta
    meat_a = member @ (w * resid)  # a' X_g' u_g
    t_stat = beta[param] / math.sqrt(ssc * float(meat_a @ meat_a))
    return float(t_stat), float(np.mean(abs(t_stat) < np.abs(t_boot)))


# --------------------------------------------------------------------------
# Driver model
# --------------------------------------------------------------------------


def driver_regression(
    scores: pd.DataFrame,
    covariates: pd.DataFrame,
    *,
    terms: Sequence[str] | None = None,
    value: str = "score",
    spec: Any = None,
    wild_bootstrap: bool = True,
    reps: int = 9999,
    seed: int = 12345,
    weights_type: str = "rademacher",
) -> RegressionResult:
    """Drivers: two-way fixed effects (province and year) of the score on covariates.

    Parameters
    ----------
    scores : pandas.DataFrame
        Columns ``code, year`` and ``value``.
    covariates : pandas.DataFrame
        Wide frame with ``code, year`` and the covariate columns, e.g. from
        :func:`covariates_from_panel`, possibly with columns of your own.
    terms : sequence of str, optional
        Covariate columns to use; default :data:`DEFAULT_DRIVERS`.
    value : str
        Score column.
    spec : gmindex.spec.Spec, optional
        Spec of the index, to flag covariates that are index indicators.
        Default: the embedded default spec when it can be loaded.
    wild_bootstrap : bool
        Add wild cluster bootstrap p-values (one per term).
    reps, seed, weights_type
        As in :func:`gradient_regression`.

    Returns
    -------
    RegressionResult
        ``model="twfe"``, ``fixed_effects=("province", "year")``.

    Raises
    ------
    ValueError
        Unknown terms, no observations left, or a term absorbed by the fixed
        effects (no within-province variation).

    Warns
    -----
    IndexComponentWarning
        When a term reproduces an indicator of the index (the regression is
        then partly mechanical).
    UserWarning
        When observations are dropped for missing covariates (also recorded in
        ``dropped`` and ``notes``).

    Notes
    -----
    Estimated with pyfixest ``feols(score ~ terms | code + year)``, standard
    errors clustered by province (CRV1, the fixest / Stata ``reghdfe``
    small-sample factor in which province effects nested in the clusters are
    not counted), t(G−1) inference.  Wild cluster bootstrap: pyfixest's
    interface to ``wildboottest``, restricted WCR-C11 with the fixed effects as
    dummies; Rademacher weights by default (2^30 distinct draws with 30
    clusters; choose ``"webb"`` with fewer than about 12 clusters, Webb 2023).

    Examples
    --------
    >>> from gmindex.datasets import load_inputs
    >>> from gmindex.index import build_index
    >>> panel, spec = load_inputs()
    >>> scores = build_index(panel, spec).scores
    >>> cov = covariates_from_panel(panel, years=range(2016, 2021))
    >>> res = driver_regression(scores, cov, spec=spec, wild_bootstrap=False)
    >>> res.terms, res.nobs, res.n_clusters
    (['log_gdp_pc', 'secondary_share', 'gov_size'], 150, 30)
    """
    feols = _feols()

    data = _regression_scores(scores, value)
    terms = list(DEFAULT_DRIVERS if terms is None else terms)
    if not terms:
        raise ValueError("terms is empty: name at least one covariate")
    if len(set(terms)) != len(terms):
        raise ValueError(f"terms repeat a name: {terms}")
    if value in terms:
        raise ValueError(f"the score column {value!r} cannot also be a covariate")
    if not {"code", "year"} <= set(covariates.columns):
        raise ValueError("covariates need columns code and year (wide layout)")
    unknown = [t for t in terms if t not in covariates.columns]
    if unknown:
        available = [c for c in covariates.columns if c not in ("code", "year")]
        raise ValueError(f"covariates lack columns {unknown}; available: {available}")
    cov = covariates[["code", "year", *terms]].copy()
    cov["code"] = cov["code"].astype(str)
    cov["year"] = cov["year"].astype(int)
    if cov.duplicated(["code", "year"]).any():
        raise ValueError("covariates have duplicate (code, year) rows")

    notes: list[str] = []
    params: dict[str, Any] = {"terms": tuple(terms), "value": value}
    if spec is None:
        spec, spec_note = _default_spec_or_none()
        if spec_note:
            notes.append(spec_note)
    if spec is not None:
        params["spec"] = getattr(spec, "source", "<memory>")
        for term, inds in index_components(terms, spec).items():
            msg = (
                f"{term} is an indicator of the index ({', '.join(inds)}): regressing "
                "the score on it is partly mechanical"
            )
            notes.append(msg)
            warnings.warn(msg, IndexComponentWarning, stacklevel=2)
        unchecked = [t for t in terms if t not in COVARIATES]
        if unchecked:
            notes.append(f"not checked against the index indicators: {unchecked}")

    merged = data.merge(cov, on=["code", "year"], how="left")
    n_rows = len(merged)
    merged, dropped = _listwise(merged, [value, *terms])
    if not dropped.empty:
        notes.append(_dropped_note(dropped, n_rows))
        warnings.warn(notes[-1], stacklevel=2)
    if merged.empty:
        raise ValueError("no observation has the score and every covariate")

    # Plain internal names keep the formula valid whatever the column names are.
    safe = {t: f"x{i}" for i, t in enumerate(terms)}
    frame = merged.rename(columns={**safe, value: "y"})
    frame["unit"] = pd.factorize(frame["code"], sort=True)[0].astype(np.int64)
    within = frame.groupby("unit")[list(safe.values())].std(ddof=0).max()
    absorbed = [t for t in terms if not within[safe[t]] > 0]
    if absorbed:
        raise ValueError(
            f"{absorbed} do not vary within provinces and are absorbed by the "
            "province fixed effects; drop them"
        )
    formula = f"y ~ {' + '.join(safe.values())} | unit + year"
    with _third_party_quiet():
        fit = feols(formula, frame, vcov={"CRV1": "unit"}, fixef_rm="none")
    kept = [str(c) for c in fit._coefnames]
    collinear = [t for t in terms if safe[t] not in kept]
    if collinear:
        raise ValueError(f"{collinear} are collinear with the other regressors or the fixed effects")
    tidy = fit.tidy().loc[[safe[t] for t in terms]]
    coefs = _coef_frame(
        terms,
        tidy["Estimate"],
        tidy["Std. Error"],
        tidy["t value"],
        tidy["Pr(>|t|)"],
        tidy[["2.5%", "97.5%"]],
    )
    n_clusters = int(frame["unit"].nunique())
    notes.insert(
        0,
        "province and year fixed effects; standard errors clustered by province "
        "(CRV1, nested fixed effects not counted, t(G-1) inference)",
    )

    extra: dict[str, dict[str, float]] = {}
    params["wild_bootstrap"] = wild_bootstrap
    if wild_bootstrap:
        params.update(_wild_options(weights_type, reps, seed))
        # The model matrix pyfixest itself hands to wildboottest (fixed effects as dummies).
        y_fe, x_fe, x_names = fit._model_matrix_one_hot()
        unit = fit._data["unit"].to_numpy()
        pvals = {
            t: wild_cluster_pvalue(np.asarray(x_fe, dtype=float), np.asarray(y_fe).ravel(), unit,
                                   list(x_names).index(safe[t]), reps=reps, seed=seed,
                                   weights_type=weights_type)[1]
            for t in terms
        }
        extra[_WILD_KEY] = pvals
        notes.append(_wild_note(weights_type, reps, seed, n_clusters))

    r2_within = float(fit._r2_within)
    return RegressionResult(
        model="twfe",
        dependent=value,
        coefficients=coefs,
        nobs=int(fit._N),
        r2=float(fit._r2),
        r2_within=r2_within if math.isfinite(r2_within) else None,
        fixed_effects=("province", "year"),
        cluster="province",
        n_clusters=n_clusters,
        extra_pvalues=extra,
        dropped=dropped,
        params=params,
        notes=tuple(notes),
    )


def _default_spec_or_none() -> tuple[Any, str]:
    try:
        from gmindex.datasets import load_default_spec

        return load_default_spec(), (
            "covariates checked against the default spec's indicators "
            "(pass spec= for a custom index)"
        )
    except Exception as exc:  # no default spec in this tree: say so, do not fail
        return None, f"covariates not checked against index indicators (no spec: {exc})"
