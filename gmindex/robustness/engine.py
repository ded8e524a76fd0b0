"""The robustness engine: the stages of :func:`gmindex.index.run_stages`, cached and vectorised.

Every configuration (system, normalisation, weighting, aggregation, shift,
leave-out, missing-data rule) runs the same stage functions as
:func:`gmindex.index.build_index`; the engine only caches what
configurations share (derived matrices per indicator system, matrices after
the missing-data rule, normalised matrices) and vectorises the Dirichlet
weight draws (one matrix product for all draws of a configuration).
"""

from __future__ import annotations

import math
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd
from scipy.special import gammaincinv
from scipy.stats import rankdata

from gmindex import weights as wmod
from gmindex.derive import derive_indicators
from gmindex.index import IndexResult, build_index, normalize_matrix, run_stages
from gmindex.missing import apply_missing_rule
from gmindex.options import IndexOptions
from gmindex.pipeline import AGGREGATIONS, aggregation_groups, lookup
from gmindex.pipeline import WEIGHTINGS as WEIGHTINGS_TABLE
from gmindex.robustness.choices import FACTORS, _check_supported, _resolve_choices, _Space

# Draws per block when ranking (bounds the temporaries of rankdata).
_BLOCK = 4096
DEFAULT_SYSTEM = "default"


@dataclass
class _Data:
    matrix: pd.DataFrame
    rows: np.ndarray  # positions in the engine grid
    years: np.ndarray


class _Engine:
    """Caches derived matrices per indicator system and normalised matrices per configuration."""

    def __init__(self, baseline: IndexResult, *, base_year: int, concentration: float,
                 systems: Mapping[str, Any] | None = None):
        self.baseline = baseline
        self.spec = baseline.spec
        self.registry = baseline.registry
        self.years = list(baseline.options["years"])
        self.base_year = int(base_year)
        if self.base_year not in self.years:
            raise ValueError(f"base_year {base_year} is not one of the index years {self.years}")
        if not concentration > 0:
            raise ValueError("concentration must be > 0 (use math.inf for no perturbation)")
        self.concentration = float(concentration)
        derived = derive_indicators(
            baseline.panel, self.spec, codes=self.registry.codes, years=self.years
        )
        self.raw = derived.matrix
        self.grid = self.raw.index
        self.grid_years = self.grid.get_level_values("year").to_numpy()
        self.ids = list(self.raw.columns)
        self.systems = {DEFAULT_SYSTEM: self.spec, **dict(systems or {})}
        self.all_ids = list(dict.fromkeys(
            self.ids + [i for s in self.systems.values() for i in s.indicator_ids]))
        self.notes: dict[str, None] = {}
        self._raw = {DEFAULT_SYSTEM: self.raw}
        self._data: dict = {}
        self._norm: dict = {}

    def note(self, text: str) -> None:
        self.notes.setdefault(text, None)

    def system_raw(self, system: str) -> pd.DataFrame:
        """Derived indicator matrix of an indicator system, on the baseline's units and years."""
        if system not in self._raw:
            spec = self.systems[system]
            years = [y for y in (spec.years or self.years) if y in self.years]
            if not years:
                raise ValueError(f"indicator system {system!r} shares no year with the baseline "
                                 f"{self.years}")
            try:
                derived = derive_indicators(self.baseline.panel, spec, codes=self.registry.codes,
                                            years=years)
            except (KeyError, ValueError) as exc:
                raise ValueError(f"indicator system {system!r} ({spec.source}) cannot be derived "
                                 f"from the baseline panel: {exc}") from exc
            if len(years) < len(self.years):
                self.note(f"system {system}: years {years} only (the others are absent from its draws)")
            self._raw[system] = derived.matrix
        return self._raw[system]

    def _kept(self, system: str, leave_out: str) -> list[str]:
        ids = list(self.system_raw(system).columns)
        if leave_out == "none":
            return ids
        kind, _, name = leave_out.partition(":")
        if kind == "indicator":
            return [i for i in ids if i != name]
        pillar_of = self.systems[system].pillar_of()
        return [i for i in ids if pillar_of[i] != name]

    def data(self, system: str, leave_out: str, missing: str) -> _Data:
        key = (system, leave_out, missing)
        if key not in self._data:
            cols = self._kept(system, leave_out)
            if not cols:
                raise ValueError(f"leave_out={leave_out!r} leaves no indicator")
            rule, _, impute = missing.partition(":")
            try:
                out = apply_missing_rule(self.system_raw(system)[cols], rule=rule,
                                         impute=impute or "none")
            except ValueError as exc:
                raise ValueError(
                    f"missing-data choice {missing!r} cannot be applied (leave_out={leave_out!r}): "
                    f"{exc}"
                ) from exc
            if out.matrix.shape[1] == 0 or out.matrix.empty:
                raise ValueError(f"no data left with missing={missing!r}, leave_out={leave_out!r}")
            if len(out.imputed):
                self.note(f"missing={missing}: {len(out.imputed)} cell(s) imputed in unit(s) "
                          f"{sorted(out.imputed['code'].unique().tolist())}")
            if out.dropped_indicators:
                self.note(f"missing={missing}: indicator(s) {sorted(out.dropped_indicators)} dropped")
            rows = self.grid.get_indexer(out.matrix.index)
            matrix = out.matrix[rows >= 0] if (rows < 0).any() else out.matrix
            self._data[key] = _Data(matrix, rows[rows >= 0],
                                    matrix.index.get_level_values("year").to_numpy())
        return self._data[key]

    def options(self, config: Mapping[str, Any], ids: list[str], system: str) -> IndexOptions:
        """The build options of a configuration: the baseline's, with the drawn values."""
        base = dict(self.baseline.options)
        kind = config["weighting"]
        changes = {
            "normalization": config["normalization"],
            "weighting": "entropy" if kind == "perturbed_entropy" else kind,
            "aggregation": config["aggregation"],
            "shift": float(config["shift"]),
            "goalposts": None,
            "reference_years": [self.base_year] if config["normalization"] == "fixed" else None,
        }
        if lookup(WEIGHTINGS_TABLE, changes["weighting"], "weighting").per_year and base["max_weight"]:
            self.note("max_weight is not applied to per-year weights")
            changes["max_weight"] = None
        if base["hierarchy"] == "pillar" and base["pillar_weighting"] == "fixed":
            pillar_of = self.systems[system].pillar_of()
            present = list(dict.fromkeys(pillar_of[i] for i in ids))
            given = base["pillar_weights"]
            if set(present) != set(given):
                total = sum(given[p] for p in present)
                changes["pillar_weights"] = {p: given[p] / total for p in present}
                self.note("fixed pillar weights rescaled to sum 1 over the pillars left in a draw "
                          f"(pillars {sorted(set(given) - set(present))} left out)")
        return IndexOptions(**{**base, **changes, "years": tuple(base["years"])})

    def normalized(self, system: str, normalization: str, leave_out: str, missing: str,
                   opts: IndexOptions):
        key = (system, normalization, leave_out, missing)
        if key not in self._norm:
            data = self.data(system, leave_out, missing)
            norm = normalize_matrix(data.matrix, self.systems[system], opts)
            ids = list(data.matrix.columns)
            if normalization == "fixed":
                dead = [ids[j] for j in np.flatnonzero(norm.constant[0])]
                if dead:
                    self.note(f"normalization=fixed: {dead} constant in the base year "
                              f"{self.base_year}, so normalised to 0 in every year")
                if norm.clipped and leave_out == "none" and system == DEFAULT_SYSTEM:
                    self.note(f"normalization=fixed: {norm.clipped} cell(s) beyond the "
                              f"{self.base_year} bounds clipped to [0, 1] (all indicators)")
            self._norm[key] = norm
        return self._norm[key]

    @contextmanager
    def _constant_notes(self, where: str):
        """Turn constant-indicator warnings into notes of the result."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", wmod.ConstantIndicatorWarning)
            yield
        for c in caught:
            if issubclass(c.category, wmod.ConstantIndicatorWarning):
                self.note(f"{where}: {c.message}")
            else:
                warnings.warn_explicit(c.message, c.category, c.filename, c.lineno)

    def scores(self, config: Mapping[str, Any], uniforms: np.ndarray):
        """Scores of one configuration: (rows in the grid, array rows x draws or rows x 1)."""
        system = config.get("system", DEFAULT_SYSTEM)
        data = self.data(system, config["leave_out"], config["missing"])
        ids = list(data.matrix.columns)
        opts = self.options(config, ids, system)
        norm = self.normalized(system, config["normalization"], config["leave_out"],
                               config["missing"], opts)
        where = f"normalization={config['normalization']}, weighting={config['weighting']}"
        with self._constant_notes(where):
            stages = run_stages(data.matrix, self.systems[system], opts, norm=norm, log=False,
                                years=data.years)
        for text in stages.weights.notes:
            if "constant" in text:
                self.note(f"system {system}, {where}: {text}")
        perturbed = config["weighting"] == "perturbed_entropy" and math.isfinite(self.concentration)
        if not perturbed:
            return data.rows, stages.score[:, None]
        cols = [self.all_ids.index(i) for i in ids]
        wdraws = dirichlet_from_uniforms(stages.weights.vector, self.concentration, uniforms[:, cols])
        groups = aggregation_groups(opts.normalization, opts.weighting, stages.years)
        many = VECTORISED.get(opts.aggregation)
        if many is not None:
            s = many(stages.z, wdraws, groups=groups)
        else:
            # An aggregation without a vectorised form: the stage function draw by draw.
            func = lookup(AGGREGATIONS, opts.aggregation, "aggregation")
            s = np.column_stack([func(stages.z, w, groups=groups) for w in wdraws])
        return data.rows, np.clip(s, 0.0, 1.0)


def dirichlet_from_uniforms(center, concentration: float, uniforms) -> np.ndarray:
    """Dirichlet(concentration * center) draws from uniforms, by gamma quantiles.

    ``g_j = F^-1_Gamma(c w_j)(u_j)``, ``w = g / sum(g)``: a deterministic map
    from the unit cube, so the same draws serve the Monte Carlo and a Sobol
    design.  Zero centre weights stay zero.

    Parameters
    ----------
    center : array_like, shape (m,)
        Weights summing to 1.
    concentration : float
        ``c > 0``; ``inf`` returns ``center`` for every draw.
    uniforms : array_like, shape (draws, m)
        Points in [0, 1).

    Returns
    -------
    ndarray, shape (draws, m)

    Examples
    --------
    >>> import numpy as np
    >>> u = np.random.default_rng(0).random((20000, 3))
    >>> w = dirichlet_from_uniforms(np.array([0.5, 0.3, 0.2]), 50.0, u)
    >>> w.mean(axis=0).round(2), np.allclose(w.sum(axis=1), 1)
    (array([0.5, 0.3, 0.2]), True)
    """
    center = np.asarray(center, dtype=float)
    u = np.clip(np.asarray(uniforms, dtype=float), 1e-300, np.nextafter(1.0, 0.0))
    if not math.isfinite(concentration):
        return np.tile(center, (len(u), 1))
    alpha = concentration * center
    live = alpha > 0
    g = np.zeros(u.shape)
    g[:, live] = gammaincinv(alpha[live], u[:, live])
    total = g.sum(axis=1, keepdims=True)
    ok = total > 0
    return np.where(ok, g / np.where(ok, total, 1.0), center)


def topsis_many(z, weights, *, groups=None) -> np.ndarray:
    """TOPSIS closeness for many weight vectors at once.

    With non-negative weights the weighted ideal is ``w_j max_i z_ij``, so
    ``D+^2 = ((z - max z)^2) @ (w^2)``: one matrix product per group.  Equal
    to :func:`gmindex.topsis.topsis_closeness` applied draw by draw.

    Parameters
    ----------
    z : array_like, shape (n_obs, m)
    weights : array_like, shape (draws, m)
        Non-negative.
    groups : sequence, optional
        Group label (year) per row for per-group ideals.

    Returns
    -------
    ndarray, shape (n_obs, draws)

    Examples
    --------
    >>> import numpy as np
    >>> z = np.array([[1.0, 1.0], [0.0, 0.0], [1.0, 0.0]])
    >>> topsis_many(z, np.array([[0.5, 0.5], [0.9, 0.1]])).round(3)
    array([[1. , 1. ],
           [0. , 0. ],
           [0.5, 0.9]])
    """
    z = np.asarray(z, dtype=float)
    w2 = np.asarray(weights, dtype=float).T ** 2
    labels = np.zeros(len(z)) if groups is None else np.asarray(groups)
    out = np.empty((len(z), w2.shape[1]))
    for g in dict.fromkeys(labels.tolist()):
        rows = labels == g
        block = z[rows]
        d_plus = np.sqrt(((block - block.max(axis=0)) ** 2) @ w2)
        d_minus = np.sqrt(((block - block.min(axis=0)) ** 2) @ w2)
        total = d_plus + d_minus
        out[rows] = np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 0.5)
    return out


def _ranks_within_years(scores: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Rank 1 = highest score within each year and draw (ties: minimum rank); NaN stays NaN."""
    ranks = np.full(scores.shape, np.nan)
    for year in np.unique(years):
        rows = np.flatnonzero(years == year)
        block = scores[rows]
        present = ~np.isnan(block)
        # Absent units sort last, so they never push a present unit down.
        r = rankdata(np.where(present, -block, np.inf), method="min", axis=0)
        ranks[rows] = np.where(present, r, np.nan)
    return ranks


@dataclass
class _Evaluation:
    engine: _Engine
    space: _Space
    categories: np.ndarray  # draws x factors
    config_id: np.ndarray
    scores: np.ndarray  # grid rows x draws
    ranks: np.ndarray
    systems: np.ndarray  # indicator system of each draw


def _sum_many(z, weights, *, groups=None) -> np.ndarray:
    """Weighted sums for many weight vectors: ``z @ W.T`` (rows x draws)."""
    return np.asarray(z, dtype=float) @ np.asarray(weights, dtype=float).T


VECTORISED = {"sum": _sum_many, "topsis": topsis_many}
"""Aggregation name -> ``func(z, W, *, groups)`` for a matrix of weight draws (draws x m);
an aggregation missing here runs draw by draw."""


def _prepare(source, *, choices, concentration, base_year, systems=None):
    if isinstance(source, IndexResult):
        baseline = source
    elif isinstance(source, tuple) and len(source) in (2, 3):
        panel, spec, *rest = source
        baseline = build_index(panel, spec, registry=rest[0] if rest else None)
    else:
        raise TypeError(
            "monte_carlo needs an IndexResult or a tuple (panel, spec[, registry]); "
            f"got {type(source).__name__}"
        )
    _check_supported(baseline)
    opts = baseline.options
    if base_year is None:
        base_year = opts["reference_years"][0] if opts["normalization"] == "fixed" else opts["years"][0]
    engine = _Engine(baseline, base_year=base_year, concentration=concentration, systems=systems)
    space = _resolve_choices(choices, baseline.spec, hierarchy=opts["hierarchy"])
    return engine, space


def _evaluate(engine: _Engine, space: _Space, unit: np.ndarray, weight_unit: np.ndarray,
              *, progress: bool = False, systems: np.ndarray | None = None) -> _Evaluation:
    """Scores and ranks for every draw given points of the unit cube.

    ``systems`` (optional): the indicator system of each draw (names of
    ``engine.systems``); default: the baseline's system for every draw.
    """
    cats = space.categories(unit)
    names = list(engine.systems)
    sys_idx = (np.zeros(len(cats), dtype=np.int64) if systems is None
               else np.array([names.index(s) for s in systems], dtype=np.int64))
    configs, config_id = np.unique(np.column_stack([cats, sys_idx]), axis=0, return_inverse=True)
    config_id = config_id.ravel()
    n_draws = len(cats)
    scores = np.full((len(engine.grid), n_draws), np.nan)
    order = np.argsort(config_id, kind="stable")
    bounds = np.searchsorted(config_id[order], np.arange(len(configs) + 1))
    bar = _progress(progress, len(configs))
    try:
        for c, row in enumerate(configs):
            draws = order[bounds[c]:bounds[c + 1]]
            config = {f: space.values[f][row[k]] for k, f in enumerate(FACTORS)}
            config["system"] = names[row[-1]]
            try:
                rows, s = engine.scores(config, weight_unit[draws])
            except ValueError as exc:
                raise ValueError(f"configuration {config} failed: {exc}") from exc
            scores[np.ix_(rows, draws)] = s
            if bar is not None:
                bar[0].advance(bar[1])
    finally:
        if bar is not None:
            bar[0].stop()
    ranks = np.empty_like(scores)
    for start in range(0, n_draws, _BLOCK):
        part = slice(start, start + _BLOCK)
        ranks[:, part] = _ranks_within_years(scores[:, part], engine.grid_years)
    return _Evaluation(engine, space, cats, config_id, scores, ranks,
                       np.asarray(names, dtype=object)[sys_idx])


def _progress(enabled: bool, total: int):
    if not enabled:
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("configurations"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), transient=True)
    task = bar.add_task("configurations", total=total)
    bar.start()
    return bar, task

