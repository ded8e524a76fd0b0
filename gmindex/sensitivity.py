"""Variance-based sensitivity of the index to method choices: Sobol indices with SALib.

The factors are those of :mod:`gmindex.robustness` (normalisation, weighting,
aggregation, shift, leave-one-out, missing-data rule).  SALib samples the unit
cube with Saltelli's scheme on a scrambled Sobol sequence; each coordinate of
a discrete factor is binned into its categories by the cumulative choice
probabilities (so a factor with values ``{a: 0.5, b: 0.5}`` is ``a`` on
``[0, 0.5)``), and the Dirichlet weight perturbation takes one coordinate per
indicator, grouped into one factor ``weight_perturbation``.  First-order
(``S1``) and total (``ST``) indices follow Saltelli et al. (2010) as
implemented in ``SALib.analyze.sobol``; with discrete factors they keep their
meaning as shares of the output variance.

Outputs: the mean absolute rank shift against the baseline, every regional
gap of simple mean scores (per scheme and year) and each unit's rank in
``rank_years`` (default: the last year).  Outputs that do not vary, or in
which a unit is absent from some evaluations, are reported as NaN.

:func:`gmindex.robustness.first_order_shares` gives cheaper first-order
shares from an ordinary Monte Carlo sample; both estimate the same ``S1``.

Examples
--------
>>> from gmindex.datasets import load_default_panel, load_default_spec
>>> from gmindex.index import build_index
>>> base = build_index(load_default_panel(), load_default_spec())
>>> sob = sobol_indices(base, n=64, seed=3, num_resamples=20)
>>> sob.indices.columns.tolist()
['output', 'target', 'year', 'factor', 'S1', 'S1_conf', 'ST', 'ST_conf']
>>> sob.n_evaluations
512
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from gmindex import robustness as rob

__all__ = ["SobolResult", "sobol_indices"]


@dataclass(frozen=True)
class SobolResult:
    """Sobol indices of the method factors.

    Attributes
    ----------
    indices : DataFrame
        ``output, target, year, factor, S1, S1_conf, ST, ST_conf`` (``*_conf``:
        half-width of the bootstrap confidence interval at ``conf_level``).
    problem : dict
        The SALib problem (names, bounds, groups).
    choices : dict
        Choice space: factor -> {value: probability}.
    n_base : int
        Base sample size ``N`` (a power of 2).
    n_evaluations : int
        ``N * (groups + 2)`` index builds evaluated.
    seed : int
    conf_level : float
    notes : tuple of str
    """

    indices: pd.DataFrame
    problem: Mapping[str, Any] = field(repr=False)
    choices: Mapping[str, Mapping[Any, float]] = field(repr=False)
    n_base: int = 0
    n_evaluations: int = 0
    seed: int = 12345
    conf_level: float = 0.95
    notes: tuple[str, ...] = ()

    def summary_frame(self) -> pd.DataFrame:
        """Mean ``S1`` and ``ST`` per factor for the rank, rank-shift and east-west gap outputs.

        Columns ``factor, output, S1, ST`` (the frame
        :func:`gmindex.robustness.plot_sensitivity` draws).
        """
        s = self.indices
        ew = s["target"] == "east - west (region3)"
        if not ew.any():
            ew = s["target"].str.startswith("east - west")
        groups = {
            "rank": s["output"] == "rank",
            "mean_rank_shift": s["output"] == "mean_rank_shift",
            "gap east - west": (s["output"] == "gap") & ew,
        }
        parts = []
        for name, mask in groups.items():
            part = s[mask]
            if part.empty:
                continue
            means = part.groupby("factor", sort=False)[["S1", "ST"]].mean().reset_index()
            parts.append(means.assign(output=name))
        if not parts:
            return pd.DataFrame(columns=["factor", "output", "S1", "ST"])
        return pd.concat(parts, ignore_index=True)[["factor", "output", "S1", "ST"]]


def sobol_indices(
    source,
    *,
    n: int = 512,
    seed: int = 12345,
    choices: Mapping[str, Any] | None = None,
    concentration: float = rob.DEFAULT_CONCENTRATION,
    base_year: int | None = None,
    rank_years: Sequence[int] | None = None,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    progress: bool = False,
) -> SobolResult:
    """Sobol first-order and total indices of the method factors (SALib).

    Parameters
    ----------
    source : IndexResult or tuple (panel, spec[, registry])
        Baseline, as in :func:`gmindex.robustness.monte_carlo`.
    n : int
        Base sample size, a power of 2; ``n * (groups + 2)`` evaluations.
    seed : int
        Seed of the scrambled Sobol sequence and of the bootstrap.
    choices, concentration, base_year
        As in :func:`gmindex.robustness.monte_carlo`.  Factors with one
        value are left out of the design.
    rank_years : sequence of int, optional
        Years whose unit ranks are outputs (default: the last year).
    num_resamples : int
        Bootstrap resamples for the confidence intervals.
    conf_level : float
    progress : bool

    Returns
    -------
    SobolResult

    Raises
    ------
    ValueError
        If ``n`` is not a power of 2 or fewer than two factors vary.

    References
    ----------
    Saltelli et al. (2010), Variance based sensitivity analysis of model
    output; Herman & Usher (2017), SALib.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    if n < 2 or n & (n - 1):
        raise ValueError(f"n must be a power of 2 (Sobol sequence balance), got {n}")
    engine, space = rob._prepare(source, choices=choices, concentration=concentration,
                                 base_year=base_year)
    varying = [f for f in rob.FACTORS if len(space.values[f]) > 1]
    names, groups = list(varying), list(varying)
    perturb = "perturbed_entropy" in space.values["weighting"] and math.isfinite(engine.concentration)
    if perturb:
        names += [f"weight_{i}" for i in engine.ids]
        groups += ["weight_perturbation"] * len(engine.ids)
    if len(set(groups)) < 2:
        # One factor explains everything (S1 = ST = 1); SALib's sampler also
        # ignores a single group while its analyser counts it, so stop here.
        raise ValueError(
            f"Sobol indices need at least two varying factors, got {sorted(set(groups))}: "
            "give two or more factors two or more values in choices"
        )
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names),
               "groups": groups}
    x = sobol_sample.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    unit = np.full((len(x), len(rob.FACTORS)), 0.5)
    for k, f in enumerate(rob.FACTORS):
        if f in varying:
            unit[:, k] = x[:, names.index(f)]
    weight_unit = np.full((len(x), len(engine.ids)), 0.5)
    if perturb:
        weight_unit = x[:, len(varying):]
    ev = rob._evaluate(engine, space, unit, weight_unit, progress=progress)

    base = engine.baseline.scores.set_index(["code", "year"])
    baseline_rank = base["rank"].reindex(engine.grid).to_numpy(dtype=float)
    meta, outputs = rob._outputs(ev, baseline_rank)
    years = sorted(set(engine.years))
    wanted_years = set(rank_years) if rank_years is not None else {years[-1]}
    keep = ((meta["output"] != "rank") | meta["year"].isin(wanted_years)).to_numpy(dtype=bool)
    meta, outputs = meta[keep].reset_index(drop=True), outputs[:, keep]

    factors = list(dict.fromkeys(groups))
    rows = []
    skipped = 0
    for j in range(outputs.shape[1]):
        y = outputs[:, j]
        if np.isnan(y).any() or np.ptp(y) <= 1e-12 * max(1.0, np.abs(y).max()):
            skipped += 1
            res = {key: np.full(len(factors), np.nan) for key in ("S1", "S1_conf", "ST", "ST_conf")}
        else:
            res = sobol_analyze.analyze(problem, y, calc_second_order=False,
                                        num_resamples=num_resamples, conf_level=conf_level,
                                        seed=seed)
        for k, f in enumerate(factors):
            rows.append((j, f, res["S1"][k], res["S1_conf"][k], res["ST"][k], res["ST_conf"][k]))
    idx = pd.DataFrame(rows, columns=["j", "factor", "S1", "S1_conf", "ST", "ST_conf"])
    indices = meta.iloc[idx["j"]].reset_index(drop=True).join(idx.drop(columns="j"))
    notes = list(engine.notes)
    if skipped:
        notes.append(f"{skipped} output(s) constant or with absent units: indices NaN")
    return SobolResult(
        indices=indices,
        problem=problem,
        choices=space.as_dict(),
        n_base=n,
        n_evaluations=len(x),
        seed=seed,
        conf_level=conf_level,
        notes=tuple(notes),
    )
