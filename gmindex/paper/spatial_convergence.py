"""Spatial β convergence: growth on the initial log level with spatial terms (spreg).

Cross-section over the whole period (n provinces):

    g_i = (ln y_i,end − ln y_i,start) / T = a + β ln y_i,start [+ region dummies] + spatial term + e_i

with the spatial term ρ W g (lag, SAR), λ W u (error, SEM) or ρ W g + θ W ln y_start
(Durbin, SDM), estimated by maximum likelihood (``spreg.ML_Lag``,
``spreg.ML_Error``, ``spreg.ML_Lag(slx_lags=1)``).  Panel, annual:

    Δln y_it = β ln y_i,t−1 + μ_i [+ τ_t] + ρ W Δln y_t  (or λ W u_t)

by ``spreg.Panel_FE_Lag`` / ``Panel_FE_Error`` (unit fixed effects by
within-demeaning; year effects by removing each year's cross-section mean
first, which for a balanced panel and row-standardised W is the two-way
within transformation).  With T = 4 annual changes the panel β carries
Nickell bias (of order −(1 + β)/(T − 1)): it overstates convergence; the
cross-section does not have that problem but has 30 observations.

Speed and half-life use :func:`gmindex.convergence.convergence_speed` with the
growth span (T years for the cross-section, 1 for the panel).  In the lag and
Durbin models β is the coefficient, not the total effect; the total effect of
ln y_start in the lag model is β / (1 − ρ) and is reported as well.

Examples
--------
>>> from gmindex.datasets import load_inputs
>>> from gmindex.index import build_index
>>> res = spatial_beta_convergence(build_index(*load_inputs()).scores)
>>> res.table["model"].tolist()[:4]
['ols', 'lag', 'error', 'durbin']
"""

from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

__all__ = ["SpatialBetaResult", "spatial_beta_convergence"]

_COLUMNS = ["design", "controls", "model", "beta", "std_error", "z", "p_value", "spatial",
            "spatial_coef", "spatial_p", "theta_w_ln_y0", "total_effect", "log_likelihood",
            "n_obs", "span", "speed", "half_life", "note"]


@dataclass(frozen=True)
class SpatialBetaResult:
    """β from non-spatial and spatial models, one row each.

    Attributes
    ----------
    table : pandas.DataFrame
        ``design`` (cross_section / panel_fe), ``controls``, ``model``
        (ols, lag, error, durbin, twfe), ``beta, std_error, z, p_value``,
        ``spatial`` (rho / lambda), ``spatial_coef, spatial_p``, ``total_effect``,
        ``log_likelihood, n_obs, span, speed, half_life, note``.
    params : dict
        Years, weights rule, estimators.
    """

    table: pd.DataFrame
    params: Mapping[str, Any] = field(default_factory=dict)


def _row(design, controls, model, fit, names, span, spatial=None, note=""):
    from gmindex.convergence import convergence_speed

    betas = np.ravel(fit.betas)
    se = np.ravel(fit.std_err)
    zs = getattr(fit, "z_stat", None) or getattr(fit, "t_stat")
    i = list(fit.name_x).index(names)
    beta = float(betas[i])
    row = {"design": design, "controls": controls, "model": model, "beta": beta,
           "std_error": float(se[i]), "z": float(zs[i][0]), "p_value": float(zs[i][1]),
           "spatial": spatial or "", "spatial_coef": np.nan, "spatial_p": np.nan,
           "theta_w_ln_y0": np.nan, "total_effect": np.nan,
           "log_likelihood": float(getattr(fit, "logll", np.nan)), "n_obs": int(fit.n),
           "span": span}
    if spatial:
        j = len(betas) - 1  # spreg puts rho / lambda last
        row["spatial_coef"], row["spatial_p"] = float(betas[j]), float(zs[j][1])
        if spatial == "rho":
            row["total_effect"] = beta / (1 - float(betas[j]))
    if f"W_{names}" in fit.name_x:
        row["theta_w_ln_y0"] = float(betas[list(fit.name_x).index(f"W_{names}")])
    speed, half, why = convergence_speed(beta, span)
    row.update(speed=speed, half_life=half, note="; ".join(x for x in (note, why) if x))
    return row


def spatial_beta_convergence(scores: pd.DataFrame, *, value: str = "score",
                             start: int | None = None, end: int | None = None,
                             scheme: str | None = "region4", registry=None, w: Any = None,
                             time_effects: bool = True) -> SpatialBetaResult:
    """Absolute and conditional β with spatial lag, error and Durbin terms.

    Parameters
    ----------
    scores : pandas.DataFrame
        ``code, year`` and ``value`` (> 0: logs are taken), balanced.
    value : str
    start, end : int, optional
        Window (default first and last year).
    scheme : str or None
        Region dummies of the conditional cross-section (first region the
        base); None skips it.
    registry : Registry, optional
    w : SpatialWeights, optional
        Default :func:`gmindex.spatial.contiguity_weights` (row-standardised).
    time_effects : bool
        Year effects in the panel models (see the module notes).

    Returns
    -------
    SpatialBetaResult

    Raises
    ------
    ValueError
        A score is ≤ 0 (no logarithm) or the panel is unbalanced.
    """
    import spreg

    from gmindex.provinces import default_registry
    from gmindex.spatial import contiguity_weights

    wide = scores.pivot(index="code", columns="year", values=value).sort_index()
    years = [y for y in wide.columns if (start is None or y >= start) and (end is None or y <= end)]
    wide = wide[years]
    if wide.isna().any().any():
        raise ValueError(f"spatial β needs a balanced panel; units with gaps: "
                         f"{wide[wide.isna().any(axis=1)].index.tolist()}")
    if (wide <= 0).any().any():
        cells = wide.stack()[lambda s: s <= 0].index.tolist()
        raise ValueError(f"{value} must be > 0 for logs; non-positive cells (code, year): {cells}")
    sw = w if w is not None else contiguity_weights(list(wide.index))
    wobj = sw.w
    wobj.transform = "r"
    wide = wide.loc[list(sw.codes)]
    ly = np.log(wide.to_numpy(dtype=float))
    span = float(years[-1] - years[0])
    g = ((ly[:, -1] - ly[:, 0]) / span)[:, None]
    x0 = ly[:, [0]]
    rows = []
    designs = [("absolute", x0, ["ln_y0"])]
    if scheme is not None:
        reg = registry or default_registry()
        region = reg.regions(scheme).reindex(list(sw.codes))
        dummies = pd.get_dummies(region, dtype=float)[list(reg.region_order(scheme))[1:]]
        dummies = dummies.loc[:, dummies.sum() > 0]
        designs.append((f"regions ({scheme})", np.hstack([x0, dummies.to_numpy()]),
                        ["ln_y0", *[f"region_{c}" for c in dummies.columns]]))
    # spreg's ML estimators print their names and its optimiser warns; keep both
    # out of notebooks and the CLI (the estimates are in the table).
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        for controls, x, names in designs:
            slx = [True] + [False] * (len(names) - 1)
            rows.append(_row("cross_section", controls, "ols", spreg.OLS(g, x, name_x=names),
                             "ln_y0", span))
            rows.append(_row("cross_section", controls, "lag",
                             spreg.ML_Lag(g, x, w=wobj, name_x=names), "ln_y0", span, "rho"))
            rows.append(_row("cross_section", controls, "error",
                             spreg.ML_Error(g, x, w=wobj, name_x=names), "ln_y0", span, "lambda"))
            rows.append(_row("cross_section", controls, "durbin",
                             spreg.ML_Lag(g, x, w=wobj, name_x=names, slx_lags=1, slx_vars=slx),
                             "ln_y0", span, "rho", "Durbin: W ln y0 added"))
        dy = np.diff(ly, axis=1)
        lx = ly[:, :-1]
        fe = "unit FE"
        if time_effects:
            dy, lx, fe = dy - dy.mean(axis=0), lx - lx.mean(axis=0), "unit and year FE"
        nickell = "Nickell bias: T = %d" % dy.shape[1]
        rows.append(_row("panel_fe", fe, "lag", spreg.Panel_FE_Lag(dy, lx, wobj, name_x=["ln_y_lag"]),
                         "ln_y_lag", 1.0, "rho", nickell))
        rows.append(_row("panel_fe", fe, "error",
                         spreg.Panel_FE_Error(dy, lx, wobj, name_x=["ln_y_lag"]),
                         "ln_y_lag", 1.0, "lambda", nickell))
    table = pd.DataFrame(rows)[_COLUMNS]
    params = {"years": [int(years[0]), int(years[-1])], "span": span,
              "weights": f"queen contiguity, hainan={getattr(sw, 'hainan', 'given')}, row-standardised",
              "time_effects": bool(time_effects),
              "estimators": "spreg.OLS, ML_Lag, ML_Error, ML_Lag(slx_lags=1), "
                            "Panel_FE_Lag, Panel_FE_Error"}
    return SpatialBetaResult(table, params)
