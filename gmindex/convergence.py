"""Sigma and beta convergence of index scores across provinces.

- **Sigma convergence**: dispersion (coefficient of variation, standard deviation
  of logs) falls over time.  :func:`sigma_convergence` reports it by year,
  nationally and per region, with the OLS slope of each measure on year.
- **Beta convergence** (cross-section): provinces that start lower grow faster.
  :func:`beta_convergence` regresses the average annual log growth
  ``(ln y_end - ln y_start) / T`` on ``ln y_start`` (absolute), optionally
  adding region dummies and controls (conditional); heteroskedasticity-robust
  (HC1) standard errors.
- **Panel beta convergence**: :func:`panel_beta_convergence` regresses annual
  log growth on the lagged log level with province and year fixed effects
  (``linearmodels.PanelOLS``), standard errors clustered by province.

Speed of convergence and half-life: with ``T`` years per growth interval,
``lambda = -ln(1 + T beta) / T`` and ``half_life = ln 2 / lambda``.  Both are
NaN, with a note, when ``beta >= 0`` (no convergence) or ``1 + T beta <= 0``.

Zeros.  A score of exactly 0 has no logarithm.  It can occur with pooled
min-max scores (a unit at the minimum of every indicator in some year).  By
default such cells raise an error that lists them; ``zeros="drop"`` drops the
affected observations and records them in ``notes``.  Nothing is shifted or
dropped silently.

References
----------
Barro, R. J. and Sala-i-Martin, X. (1992). Convergence. *Journal of Political
Economy* 100(2), 223-251. [barro1992]

Examples
--------
>>> import pandas as pd
>>> s = pd.DataFrame({"code": ["11", "12", "13", "14"] * 2,
...                   "year": [2016] * 4 + [2020] * 4,
...                   "score": [0.8, 0.4, 0.2, 0.1, 0.9, 0.6, 0.4, 0.3]})
>>> sigma = sigma_convergence(s)
>>> sigma.by_year[["region", "year", "cv"]].round(3)
     region  year     cv
0  national  2016  0.715
1  national  2020  0.417
>>> beta = beta_convergence(s, start=2016, end=2020)
>>> beta.absolute.beta < 0
True
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# The OLS class itself: statsmodels.api would also import the time-series and
# graphics modules (about 0.3 s per process).
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from gmindex._frames import NATIONAL, check_scores, sort_by_region
from gmindex.provinces import default_registry
from gmindex.regional import add_region

__all__ = [
    "BetaEstimate",
    "BetaResult",
    "PanelBetaResult",
    "SigmaResult",
    "beta_convergence",
    "convergence_speed",
    "panel_beta_convergence",
    "sigma_convergence",
]

_ZERO_POLICIES = ("raise", "drop")


def convergence_speed(beta: float, span: float) -> tuple[float, float, str]:
    """Implied speed of convergence and half-life from a beta coefficient.

    Parameters
    ----------
    beta : float
        Coefficient of the initial log level in a regression of average annual
        log growth over intervals of ``span`` years.
    span : float
        Length ``T`` of the growth interval in years (1 for annual panels).

    Returns
    -------
    (speed, half_life, note)
        ``speed = -ln(1 + T beta) / T`` (per year), ``half_life = ln 2 / speed``
        (years); NaN and an explanatory note when they are undefined.

    Examples
    --------
    >>> speed, half, note = convergence_speed(-0.05, 4)
    >>> round(speed, 4), round(half, 2), note
    (0.0558, 12.43, '')
    >>> convergence_speed(0.01, 4)[2]
    'beta >= 0: no convergence, speed and half-life undefined'
    """
    if not np.isfinite(beta):
        return np.nan, np.nan, "beta is not finite"
    if beta >= 0:
        return np.nan, np.nan, "beta >= 0: no convergence, speed and half-life undefined"
    if 1 + span * beta <= 0:
        return (
            np.nan,
            np.nan,
            f"1 + T*beta = {1 + span * beta:.3g} <= 0: overshooting, speed undefined",
        )
    speed = -np.log1p(span * beta) / span
    return float(speed), float(np.log(2) / speed), ""


# --------------------------------------------------------------------- sigma


@dataclass(frozen=True)
class SigmaResult:
    """Dispersion of scores by year and its trend.

    Attributes
    ----------
    by_year : pandas.DataFrame
        ``scheme, region, year, n, mean, std, cv, std_log``; region
        ``"national"`` covers all units.  ``std`` uses ``ddof``; ``cv = std /
        mean``; ``std_log`` is the standard deviation of ``ln(value)`` (NaN
        where a value is 0, see ``notes``).
    trend : pandas.DataFrame
        ``scheme, region, measure, slope, std_error, p_value, n_years,
        converging`` from the OLS regression of each measure (``cv``,
        ``std_log``) on year; ``converging`` is True when the slope is negative
        and its p-value below ``alpha``.
    ddof : int
        Delta degrees of freedom of the standard deviations.
    alpha : float
        Significance level used for ``converging``.
    notes : tuple of str
    """

    by_year: pd.DataFrame
    trend: pd.DataFrame
    ddof: int
    alpha: float
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The by-year table (a copy)."""
        return self.by_year.copy()


def _scored(scores, value, scheme, registry):
    """Checked score frame, with regions and their display order when a scheme is given."""
    frame = check_scores(scores, value=value)
    if scheme is not None:
        registry = registry or default_registry()
        frame = add_region(frame, scheme=scheme, registry=registry)
        order = registry.region_order(scheme)
    else:
        order = ()
    return frame, order


def sigma_convergence(
    scores: pd.DataFrame,
    *,
    value: str = "score",
    scheme: str | None = None,
    registry=None,
    ddof: int = 0,
    alpha: float = 0.05,
) -> SigmaResult:
    """Coefficient of variation and standard deviation of logs by year.

    Parameters
    ----------
    scores : pandas.DataFrame
        Columns ``code, year`` and ``value``.
    value : str
        Column to analyse.
    scheme : str, optional
        Also compute the measures within each region of this scheme
        (``"region4"`` or ``"region3"``); national only by default.
    registry : Registry, optional
        Defaults to the 31 provinces.
    ddof : int
        0 (default, population standard deviation, as in most of the regional
        literature) or 1 (sample).
    alpha : float
        Level for the ``converging`` flag of the trend table.

    Returns
    -------
    SigmaResult

    Notes
    -----
    The trend slope comes from ``measure = a + b * year`` by OLS (classical
    standard errors).  With 5 years the test has 3 degrees of freedom; read it
    as descriptive.  Values of exactly 0 leave ``std_log`` undefined for that
    group and year (NaN, listed in ``notes``, with a warning); ``cv`` is
    unaffected.  A zero mean leaves ``cv`` undefined (NaN).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"code": ["11", "14"] * 3, "year": [2016] * 2 + [2018] * 2
    ...                   + [2020] * 2, "score": [0.6, 0.2, 0.6, 0.3, 0.6, 0.4]})
    >>> r = sigma_convergence(s)
    >>> r.by_year["cv"].round(3).tolist()
    [0.5, 0.333, 0.2]
    >>> row = r.trend[r.trend["measure"] == "cv"].iloc[0]
    >>> round(float(row["slope"]), 4), bool(row["converging"])
    (-0.075, True)
    """
    frame, order = _scored(scores, value, scheme, registry)
    if ddof not in (0, 1):
        raise ValueError(f"ddof must be 0 or 1, got {ddof!r}")
    blocks = [frame.assign(region=NATIONAL)]
    if scheme is not None:
        blocks.insert(0, frame)
    both = pd.concat(blocks, ignore_index=True)
    notes: list[str] = []
    rows = []
    zero_cells = []
    for (region, year), block in both.groupby(["region", "year"], sort=False):
        v = block[value].to_numpy()
        if (v < 0).any():
            raise ValueError(f"negative {value!r} values in {region} {year}: CV undefined")
        mean = v.mean()
        std = v.std(ddof=ddof) if v.size > ddof else np.nan
        if (v == 0).any():
            std_log = np.nan
            if region == NATIONAL:
                zero_cells += block.loc[block[value] == 0, ["code", "year"]].to_dict("records")
        else:
            logs = np.log(v)
            std_log = logs.std(ddof=ddof) if v.size > ddof else np.nan
        rows.append(
            {
                "region": region,
                "year": int(year),
                "n": v.size,
                "mean": mean,
                "std": std,
                "cv": std / mean if mean > 0 else np.nan,
                "std_log": std_log,
            }
        )
    if zero_cells:
        note = f"std_log is NaN where a value is exactly 0 (log undefined): {zero_cells}"
        notes.append(note)
        warnings.warn(note, stacklevel=2)
    by_year = pd.DataFrame(rows)
    by_year.insert(0, "scheme", scheme if scheme is not None else NATIONAL)
    by_year = sort_by_region(by_year, order)

    trend_rows = []
    for region, block in by_year.groupby("region", sort=False):
        for measure in ("cv", "std_log"):
            ok = block[measure].notna()
            trend_rows.append(
                {"region": region, "measure": measure, **_trend(block[ok], measure)}
            )
    trend = pd.DataFrame(trend_rows)
    trend["converging"] = (trend["slope"] < 0) & (trend["p_value"] < alpha)
    trend.insert(0, "scheme", by_year["scheme"].iloc[0])
    return SigmaResult(by_year=by_year, trend=trend, ddof=ddof, alpha=alpha, notes=tuple(notes))


def _trend(block: pd.DataFrame, measure: str) -> dict:
    n = len(block)
    out = {"slope": np.nan, "std_error": np.nan, "p_value": np.nan, "n_years": n}
    if n < 2:
        return out
    fit = OLS(block[measure].to_numpy(), add_constant(block["year"].to_numpy(float))).fit()
    out["slope"] = float(fit.params[1])
    if n > 2:
        out["std_error"] = float(fit.bse[1])
        out["p_value"] = float(fit.pvalues[1])
    return out


# ---------------------------------------------------------------------- beta


@dataclass(frozen=True)
class BetaEstimate:
    """One beta-convergence regression.

    Attributes
    ----------
    model : str
        ``"absolute"``, ``"conditional"`` or ``"panel_twfe"``.
    beta, std_error, t_stat, p_value, ci_low, ci_high : float
        Coefficient of the initial (or lagged) log level, its standard error
        (``cov_type``), statistic, p-value and 95% confidence interval.
    r_squared : float
        R-squared; for the panel model, that of the regression on the
        two-way demeaned data.
    n_obs : int
        Observations used.
    span : float
        Years per growth interval (``T``; 1 for the panel model).
    speed, half_life : float
        ``-ln(1 + T beta) / T`` and ``ln 2 / speed``; NaN when undefined.
    regressors : tuple of str
        Right-hand-side variables besides the constant and fixed effects.
    cov_type : str
        Covariance estimator.
    note : str
        Why speed and half-life are NaN, if they are.
    params : pandas.DataFrame
        Full coefficient table: ``term, estimate, std_error, p_value``.
    """

    model: str
    beta: float
    std_error: float
    t_stat: float
    p_value: float
    ci_low: float
    ci_high: float
    r_squared: float
    n_obs: int
    span: float
    speed: float
    half_life: float
    regressors: tuple[str, ...]
    cov_type: str
    note: str = ""
    params: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def as_row(self) -> dict:
        """The scalar fields as a dict (one table row)."""
        keys = [
            "model", "beta", "std_error", "t_stat", "p_value", "ci_low", "ci_high",
            "r_squared", "n_obs", "span", "speed", "half_life", "cov_type", "note",
        ]
        row = {k: getattr(self, k) for k in keys}
        row["regressors"] = ", ".join(self.regressors)
        return row


@dataclass(frozen=True)
class BetaResult:
    """Cross-section beta convergence between two years.

    Attributes
    ----------
    start, end : int
        Initial and final year; ``span = end - start``.
    absolute : BetaEstimate
        Growth on the initial log level only.
    conditional : BetaEstimate or None
        With region dummies and/or controls, when asked for.
    data : pandas.DataFrame
        The regression sample: ``code``, ``value_start``, ``value_end``,
        ``ln_start``, ``growth`` (average annual log growth), plus ``region``
        and the controls when used.
    notes : tuple of str
    """

    start: int
    end: int
    absolute: BetaEstimate
    conditional: BetaEstimate | None
    data: pd.DataFrame
    notes: tuple[str, ...] = ()

    @property
    def span(self) -> int:
        """Years between start and end (``T``)."""
        return self.end - self.start

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(index=False, float_format="{:.4f}".format)

    def to_frame(self) -> pd.DataFrame:
        """One row per model with the scalar results."""
        models = [m for m in (self.absolute, self.conditional) if m is not None]
        out = pd.DataFrame([m.as_row() for m in models])
        out.insert(1, "start", self.start)
        out.insert(2, "end", self.end)
        return out


def _zero_guard(frame: pd.DataFrame, value: str, zeros: str, where: str) -> tuple:
    if zeros not in _ZERO_POLICIES:
        raise ValueError(f"zeros must be one of {_ZERO_POLICIES}, got {zeros!r}")
    neg = frame[value] < 0
    if neg.any():
        cells = frame.loc[neg, ["code", "year"]].to_dict("records")
        raise ValueError(f"negative {value!r} values have no logarithm: {cells}")
    zero = frame[value] == 0
    cells = frame.loc[zero, ["code", "year"]].to_dict("records")
    if cells and zeros == "raise":
        raise ValueError(
            f"{value!r} is exactly 0 in {cells}; its logarithm is undefined. Pass "
            f"zeros='drop' to drop the affected {where} (recorded in notes), or "
            "rebuild the index with a shift"
        )
    return zero, cells


def _fit_ols(y: pd.Series, X: pd.DataFrame, model: str, span: float) -> BetaEstimate:
    fit = OLS(y, add_constant(X, has_constant="add")).fit(cov_type="HC1")
    return _beta_estimate(
        model=model,
        term="ln_start",
        params=fit.params,
        std_errors=fit.bse,
        t_stats=fit.tvalues,
        p_values=fit.pvalues,
        conf_int=fit.conf_int(),
        r_squared=fit.rsquared,
        n_obs=fit.nobs,
        span=span,
        regressors=X.columns,
        cov_type="HC1",
    )


def _beta_estimate(
    *,
    model: str,
    term: str,
    params: pd.Series,
    std_errors: pd.Series,
    t_stats: pd.Series,
    p_values: pd.Series,
    conf_int: pd.DataFrame,
    r_squared: float,
    n_obs: int,
    span: float,
    regressors,
    cov_type: str,
) -> BetaEstimate:
    """One estimate from a fit's coefficient tables (statsmodels or linearmodels).

    ``term`` is the initial or lagged log level whose coefficient is beta.
    """
    beta = float(params[term])
    speed, half, note = convergence_speed(beta, span)
    ci = conf_int.loc[term]
    return BetaEstimate(
        model=model,
        beta=beta,
        std_error=float(std_errors[term]),
        t_stat=float(t_stats[term]),
        p_value=float(p_values[term]),
        ci_low=float(ci.iloc[0]),
        ci_high=float(ci.iloc[1]),
        r_squared=float(r_squared),
        n_obs=int(n_obs),
        span=float(span),
        speed=speed,
        half_life=half,
        regressors=tuple(regressors),
        cov_type=cov_type,
        note=note,
        params=pd.DataFrame(
            {
                "term": params.index,
                "estimate": params.to_numpy(),
                "std_error": std_errors.to_numpy(),
                "p_value": p_values.to_numpy(),
            }
        ),
    )


def _controls_at(controls: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """Controls with one row per code (taken at ``year`` if they have a year column)."""
    if "code" not in controls.columns:
        raise ValueError("controls need a 'code' column")
    c = controls.copy()
    c["code"] = c["code"].astype(str).str.strip()
    if "year" in c.columns:
        if year is None:
            raise ValueError("internal: year needed for yearly controls")
        c = c[c["year"].astype(int) == year].drop(columns="year")
    if c["code"].duplicated().any():
        raise ValueError("controls have several rows per code; give one per code (and year)")
    names = [col for col in c.columns if col != "code"]
    if not names:
        raise ValueError("controls have no columns besides code (and year)")
    for col in names:
        if not pd.api.types.is_numeric_dtype(c[col]):
            raise TypeError(f"control {col!r} must be numeric")
    return c


def beta_convergence(
    scores: pd.DataFrame,
    *,
    start: int = 2016,
    end: int = 2020,
    value: str = "score",
    controls: pd.DataFrame | None = None,
    scheme: str | None = None,
    registry=None,
    zeros: str = "raise",
) -> BetaResult:
    """Absolute and conditional cross-section beta convergence.

    Parameters
    ----------
    scores : pandas.DataFrame
        Columns ``code, year`` and ``value``; every unit needs a value in
        ``start`` and ``end``.
    start, end : int
        Initial and final year.
    value : str
        Column to analyse.
    controls : pandas.DataFrame, optional
        Column ``code`` plus numeric control columns, one row per code; if it has
        a ``year`` column the rows of ``start`` are used (initial conditions).
        Every unit of the sample needs all controls.
    scheme : str, optional
        Add region dummies of this scheme to the conditional model (base
        category: the first region in display order, ``east``).
    registry : Registry, optional
        Defaults to the 31 provinces.
    zeros : {"raise", "drop"}
        What to do with units whose value is 0 in ``start`` or ``end``.

    Returns
    -------
    BetaResult
        ``conditional`` is None unless ``controls`` or ``scheme`` is given.

    Raises
    ------
    ValueError
        Missing years, zeros (with ``zeros="raise"``), missing controls.

    Notes
    -----
    Model: ``(ln y_i,end - ln y_i,start) / T = a + beta ln y_i,start [+ region
    dummies + controls] + e_i`` with ``T = end - start``, by OLS with HC1
    standard errors.  ``beta < 0`` indicates convergence; the implied speed is
    ``-ln(1 + T beta) / T`` per year.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"code": ["11", "12", "14", "15", "51", "21"] * 2,
    ...                   "year": [2016] * 6 + [2020] * 6,
    ...                   "score": [0.8, 0.5, 0.3, 0.2, 0.25, 0.4,
    ...                             0.9, 0.7, 0.45, 0.35, 0.38, 0.5]})
    >>> r = beta_convergence(s, start=2016, end=2020, scheme="region3")
    >>> r.to_frame()[["model", "n_obs", "regressors"]]
             model  n_obs                             regressors
    0     absolute      6                               ln_start
    1  conditional      6  ln_start, region_central, region_west
    >>> bool(r.absolute.beta < 0), bool(r.absolute.half_life > 0)
    (True, True)
    """
    if start >= end:
        raise ValueError(f"start ({start}) must be before end ({end})")
    frame, order = _scored(scores, value, scheme, registry)
    span = end - start
    window = frame[frame["year"].isin([start, end])]
    notes: list[str] = []
    zero, cells = _zero_guard(window, value, zeros, "provinces")
    if cells:
        dropped = sorted(set(window.loc[zero, "code"]))
        notes.append(f"dropped {dropped}: value 0 in {cells}")
        window = window[~window["code"].isin(dropped)]
    wide = window.pivot(index="code", columns="year", values=value)
    for year in (start, end):
        if year not in wide.columns:
            raise ValueError(f"no {value!r} values in {year}")
    lacking = wide[[start, end]].isna().any(axis=1)
    if lacking.any():
        raise ValueError(
            f"units {list(wide.index[lacking])} lack a value in {start} or {end}; "
            "drop them explicitly to use a smaller sample"
        )
    data = pd.DataFrame(
        {"value_start": wide[start], "value_end": wide[end]}, index=wide.index
    ).reset_index()
    data["ln_start"] = np.log(data["value_start"])
    data["growth"] = (np.log(data["value_end"]) - data["ln_start"]) / span
    if len(data) < 3:
        raise ValueError(f"beta convergence needs at least 3 units, got {len(data)}")

    absolute = _fit_ols(data["growth"], data[["ln_start"]], "absolute", span)
    conditional = None
    if scheme is not None or controls is not None:
        X = data[["ln_start"]].copy()
        if scheme is not None:
            regions = frame.drop_duplicates("code").set_index("code")["region"]
            data["region"] = data["code"].map(regions).to_numpy()
            present = [r for r in order if r in set(data["region"])]
            for r in present[1:]:
                X[f"region_{r}"] = (data["region"] == r).astype(float)
            notes.append(f"region dummies of {scheme}; base category {present[0]!r}")
        if controls is not None:
            c = _controls_at(controls, start)
            merged = data[["code"]].merge(c, on="code", how="left")
            names = [col for col in c.columns if col != "code"]
            gaps = merged[names].isna().any(axis=1)
            if gaps.any():
                raise ValueError(
                    f"controls missing for {merged.loc[gaps, 'code'].tolist()} "
                    f"(year {start} when controls have a year column)"
                )
            for col in names:
                X[col] = merged[col].to_numpy(float)
                data[col] = X[col].to_numpy()
        if X.shape[1] >= len(data) - 1:
            raise ValueError(
                f"{X.shape[1] + 1} parameters for {len(data)} units: too few units "
                "for the conditional model"
            )
        conditional = _fit_ols(data["growth"], X, "conditional", span)
    return BetaResult(
        start=start,
        end=end,
        absolute=absolute,
        conditional=conditional,
        data=data,
        notes=tuple(notes),
    )


# --------------------------------------------------------------------- panel


@dataclass(frozen=True)
class PanelBetaResult:
    """Panel beta convergence with two-way fixed effects.

    Attributes
    ----------
    estimate : BetaEstimate
        Coefficient of the lagged log level (``model="panel_twfe"``, span 1).
    n_entities, n_periods : int
        Provinces and growth years in the sample.
    data : pandas.DataFrame
        ``code, year, ln_lag, growth`` (growth from ``year - 1`` to ``year``)
        plus controls.
    notes : tuple of str
    """

    estimate: BetaEstimate
    n_entities: int
    n_periods: int
    data: pd.DataFrame
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row with the scalar results."""
        row = self.estimate.as_row()
        row.update(n_entities=self.n_entities, n_periods=self.n_periods)
        return pd.DataFrame([row])


def panel_beta_convergence(
    scores: pd.DataFrame,
    *,
    value: str = "score",
    controls: pd.DataFrame | None = None,
    zeros: str = "raise",
) -> PanelBetaResult:
    """Annual growth on the lagged log level with province and year fixed effects.

    Parameters
    ----------
    scores : pandas.DataFrame
        Columns ``code, year`` and ``value``; consecutive years.
    value : str
        Column to analyse.
    controls : pandas.DataFrame, optional
        Columns ``code, year`` and numeric controls.  Each growth observation
        from ``t - 1`` to ``t`` takes the controls of ``t - 1`` (initial
        conditions, as in the cross-section model).
    zeros : {"raise", "drop"}
        With ``"drop"``, growth observations whose start or end value is 0 are
        dropped and listed in ``notes``.

    Returns
    -------
    PanelBetaResult

    Notes
    -----
    Model: ``ln y_it - ln y_i,t-1 = beta ln y_i,t-1 [+ controls] + a_i + g_t +
    e_it``, estimated by ``linearmodels.PanelOLS`` with entity and time effects
    and standard errors clustered by province.  With unit fixed effects and few
    years the within estimator of ``beta`` is biased downwards (Nickell bias,
    about ``-(1 + beta) / (T - 1)``), so the implied speed overstates
    convergence; report it next to the cross-section estimate.  With 31
    clusters the clustered standard errors are approximate.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> codes = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32"]
    >>> level = dict(zip(codes, rng.uniform(0.1, 0.8, size=10)))
    >>> rows = []
    >>> for year in range(2016, 2021):
    ...     for c in codes:
    ...         rows.append((c, year, level[c]))
    ...         level[c] = level[c] ** 0.8 * np.exp(rng.normal(0, 0.02))
    >>> r = panel_beta_convergence(pd.DataFrame(rows, columns=["code", "year", "score"]))
    >>> r.n_entities, r.n_periods, bool(r.estimate.beta < 0)
    (10, 4, True)
    """
    from linearmodels import PanelOLS

    frame, _ = _scored(scores, value, None, None)
    frame = frame.sort_values(["code", "year"])
    notes: list[str] = []
    _, cells = _zero_guard(frame, value, zeros, "growth observations")
    prev = frame[["code", "year", value]].assign(year=frame["year"] + 1)
    data = frame[["code", "year", value]].merge(
        prev, on=["code", "year"], how="inner", suffixes=("", "_lag")
    )
    if cells:
        bad = (data[value] == 0) | (data[f"{value}_lag"] == 0)
        notes.append(
            f"dropped {int(bad.sum())} growth observation(s) touching a value of 0: {cells}"
        )
        data = data[~bad]
    gaps = _year_gaps(frame)
    if gaps:
        notes.append(f"no growth observation across missing years: {gaps}")
    data = data.assign(
        ln_lag=np.log(data[f"{value}_lag"]),
        growth=np.log(data[value]) - np.log(data[f"{value}_lag"]),
    )[["code", "year", "ln_lag", "growth"]]
    names: list[str] = []
    if controls is not None:
        if "year" not in controls.columns:
            raise ValueError("panel controls need 'code' and 'year' columns")
        c = controls.copy()
        c["code"] = c["code"].astype(str).str.strip()
        c["year"] = c["year"].astype(int) + 1  # controls of t-1 go with growth to t
        names = [col for col in c.columns if col not in ("code", "year")]
        merged = data.merge(c, on=["code", "year"], how="left", validate="one_to_one")
        lacking = merged[names].isna().any(axis=1)
        if lacking.any():
            miss = merged.loc[lacking, ["code", "year"]].assign(year=lambda f: f["year"] - 1)
            raise ValueError(f"controls missing for (code, year) {miss.to_dict('records')}")
        data = merged
    n_entities, n_periods = data["code"].nunique(), data["year"].nunique()
    if n_periods < 2 or n_entities < 3:
        raise ValueError(
            f"two-way fixed effects need at least 2 growth years and 3 units; got "
            f"{n_periods} and {n_entities}"
        )
    panel = data.set_index(["code", "year"])
    exog = panel[["ln_lag", *names]]
    fit = PanelOLS(panel["growth"], exog, entity_effects=True, time_effects=True).fit(
        cov_type="clustered", cluster_entity=True
    )
    estimate = _beta_estimate(
        model="panel_twfe",
        term="ln_lag",
        params=fit.params,
        std_errors=fit.std_errors,
        t_stats=fit.tstats,
        p_values=fit.pvalues,
        conf_int=fit.conf_int(),
        # R-squared of the regression on two-way demeaned data (linearmodels'
        # "within" R-squared ignores the time effects and can be negative).
        r_squared=fit.rsquared,
        n_obs=fit.nobs,
        span=1.0,
        regressors=exog.columns,
        cov_type="clustered by entity",
    )
    return PanelBetaResult(
        estimate=estimate,
        n_entities=int(n_entities),
        n_periods=int(n_periods),
        data=data.reset_index(drop=True),
        notes=tuple(notes),
    )


def _year_gaps(frame: pd.DataFrame) -> list[dict]:
    gaps = []
    for code, years in frame.groupby("code")["year"]:
        ys = sorted(years)
        for a, b in zip(ys, ys[1:]):
            if b - a > 1:
                gaps.append({"code": code, "from": int(a), "to": int(b)})
    return gaps
