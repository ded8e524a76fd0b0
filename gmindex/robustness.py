"""Robustness of the index to method choices: a seeded Monte Carlo (METHODS.md section 6).

Every draw picks one option for each *factor* below, builds the index with
those options from the engine's own functions (:func:`gmindex.derive.derive_indicators`,
:func:`gmindex.missing.apply_missing_rule`, :func:`gmindex.normalize.minmax`,
:mod:`gmindex.weights`, :func:`gmindex.topsis.topsis_closeness`) and ranks the
units within each year.  The result gives rank intervals, how often the
east > central > west ordering holds, the distribution of regional gaps and
which factor moves the results most.

Choice space (``default_choices``; each factor drawn independently, uniform
over its values unless stated):

``normalization``
    ``"pooled"``, ``"per_year"``, ``"fixed"`` (bounds and entropy reference
    set from the base year, ``base_year=`` (default: the first year, 2016)).
``weighting``
    ``"entropy"`` (over the normalisation's reference set), ``"entropy_per_year"``,
    ``"equal"``, ``"critic"``, ``"perturbed_entropy"``: Dirichlet weights
    centred on the entropy weights, ``w ~ Dirichlet(c * w_entropy)`` with
    concentration ``c`` (``concentration=``, default 100: ``sd(w_j) =
    sqrt(w_j (1 - w_j) / (c + 1))``, about 0.03 for a weight of 1/8).
    ``c = inf`` gives the entropy weights exactly.
``aggregation``
    ``"sum"`` (weighted sum), ``"topsis"``.
``shift``
    ``0``, ``0.0001``, ``0.01`` added before the entropy shares (acts on the
    entropy-based weightings only).
``leave_out``
    ``"none"`` with probability 1/2; otherwise one of ``"indicator:<id>"``
    (each indicator) or ``"pillar:<id>"`` (each pillar with two or more
    indicators; dropping a one-indicator pillar is the same as dropping its
    indicator), with equal probability.
``missing``
    The spec's rule only (``"drop_unit"`` by default).  On the default data
    the 30 provinces are complete in 2016-2020 and every missing cell belongs
    to Tibet (54), which has no energy, industrial value added or SO2 data in
    any year: ``"impute:linear"`` and ``"impute:unit_mean"`` cannot fill it,
    ``"impute:year_mean"`` would invent five of its eight indicators from
    other provinces' means, and ``"drop_indicator"`` would drop those five
    indicators for everyone.  Pass them in ``choices`` to include them anyway.

Draws are grouped by their discrete configuration; each configuration's
normalised matrix and weights are computed once, and the scores of all its
draws are one matrix product (Dirichlet draws) or one column (fixed weights).
TOPSIS is vectorised over draws through ``max_i(w_j z_ij) = w_j max_i z_ij``
for non-negative weights.

Examples
--------
>>> from gmindex.datasets import load_default_panel, load_default_spec
>>> from gmindex.index import build_index
>>> base = build_index(load_default_panel(), load_default_spec())
>>> mc = monte_carlo(base, draws=200, seed=1)
>>> mc.rank_intervals.columns[:6].tolist()
['code', 'name', 'year', 'baseline_rank', 'median', 'q05']
>>> same = monte_carlo(base, draws=20, seed=1, choices=baseline_choices(base))
>>> bool((same.rank_intervals["median"] == same.rank_intervals["baseline_rank"]).all())
True
"""

from __future__ import annotations

import math
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.special import gammaincinv
from scipy.stats import rankdata

from gmindex import weights as wmod
from gmindex.derive import derive_indicators
from gmindex.index import IndexResult, build_index
from gmindex.missing import apply_missing_rule
from gmindex.normalize import minmax
from gmindex.topsis import topsis_closeness

__all__ = [
    "AGGREGATION_CHOICES",
    "FACTORS",
    "MISSING_CHOICES",
    "NORMALIZATION_CHOICES",
    "WEIGHTING_CHOICES",
    "RobustnessResult",
    "baseline_choices",
    "default_choices",
    "first_order_shares",
    "monte_carlo",
    "plot_rank_uncertainty",
    "plot_sensitivity",
]

FACTORS = ("normalization", "weighting", "aggregation", "shift", "leave_out", "missing")
NORMALIZATION_CHOICES = ("pooled", "per_year", "fixed")
WEIGHTING_CHOICES = ("entropy", "entropy_per_year", "equal", "critic", "perturbed_entropy")
AGGREGATION_CHOICES = ("sum", "topsis")
MISSING_CHOICES = (
    "drop_unit", "drop_indicator", "impute:linear", "impute:unit_mean", "impute:year_mean",
)
DEFAULT_SHIFTS = (0.0, 0.0001, 0.01)
DEFAULT_CONCENTRATION = 100.0
_ENTROPY_KINDS = ("entropy", "entropy_per_year", "perturbed_entropy")
# Draws per block when ranking (bounds the temporaries of rankdata).
_BLOCK = 4096


# --------------------------------------------------------------------------- choices


def default_choices(spec) -> dict[str, dict[Any, float]]:
    """The documented choice space: factor -> {value: probability}.

    Examples
    --------
    >>> from gmindex.datasets import load_default_spec
    >>> ch = default_choices(load_default_spec())
    >>> ch["weighting"]["critic"], ch["leave_out"]["none"]
    (0.2, 0.5)
    >>> [v for v in ch["leave_out"] if v.startswith("pillar:")]
    ['pillar:innovation']
    """
    pillar_of = spec.pillar_of()
    sizes = pd.Series(pillar_of).value_counts()
    drops = [f"indicator:{i}" for i in spec.indicator_ids] + [
        f"pillar:{p}" for p in spec.pillar_ids if sizes.get(p, 0) >= 2
    ]
    missing = spec.missing if spec.missing != "impute" else f"impute:{spec.impute}"
    return {
        "normalization": _uniform(NORMALIZATION_CHOICES),
        "weighting": _uniform(WEIGHTING_CHOICES),
        "aggregation": _uniform(AGGREGATION_CHOICES),
        "shift": _uniform(DEFAULT_SHIFTS),
        "leave_out": {"none": 0.5, **{d: 0.5 / len(drops) for d in drops}},
        "missing": {missing: 1.0},
    }


def baseline_choices(result: IndexResult) -> dict[str, dict[Any, float]]:
    """Choices fixed at the options of ``result`` (every draw rebuilds it).

    Examples
    --------
    >>> from gmindex.datasets import load_default_panel, load_default_spec
    >>> base = build_index(load_default_panel(), load_default_spec())
    >>> baseline_choices(base)["weighting"]
    {'entropy': 1.0}
    """
    _check_supported(result)
    opts = result.options
    missing = opts["missing"] if opts["missing"] != "impute" else f"impute:{opts['impute']}"
    return {
        "normalization": {opts["normalization"]: 1.0},
        "weighting": {opts["weighting"]: 1.0},
        "aggregation": {opts["aggregation"]: 1.0},
        "shift": {float(opts["shift"]): 1.0},
        "leave_out": {"none": 1.0},
        "missing": {missing: 1.0},
    }


def _uniform(values: Sequence) -> dict[Any, float]:
    return {v: 1.0 / len(values) for v in values}


def _check_supported(result: IndexResult) -> None:
    opts = result.options
    problems = []
    if opts["hierarchy"] != "flat":
        problems.append(f"hierarchy={opts['hierarchy']!r} (only 'flat' is varied)")
    if opts["max_weight"] is not None:
        problems.append(f"max_weight={opts['max_weight']!r} (weight caps are not varied)")
    if opts["weighting"] == "user":
        problems.append("weighting='user'")
    if opts["normalization"] == "fixed" and (
        opts["goalposts"] is not None or len(opts["reference_years"] or []) != 1
    ):
        problems.append("normalization='fixed' with goalposts or several reference years "
                        "(only one base year is supported)")
    if problems:
        raise ValueError(
            "the Monte Carlo cannot start from this result: " + "; ".join(problems)
            + ". Build the baseline with build_index(panel, spec) and the options "
            "listed in gmindex.robustness (see default_choices)"
        )


@dataclass(frozen=True)
class _Space:
    """Resolved choice space: values and cumulative probabilities per factor."""

    values: dict[str, tuple]
    probs: dict[str, np.ndarray]

    def as_dict(self) -> dict[str, dict[Any, float]]:
        return {f: dict(zip(self.values[f], self.probs[f].tolist())) for f in FACTORS}

    def categories(self, unit: np.ndarray) -> np.ndarray:
        """Map points of the unit cube (draws x factors) to category indices."""
        out = np.empty(unit.shape, dtype=np.int64)
        for k, f in enumerate(FACTORS):
            cum = np.cumsum(self.probs[f])[:-1]
            out[:, k] = np.searchsorted(cum, unit[:, k], side="right")
        return out


def _resolve_choices(choices, spec) -> _Space:
    space = default_choices(spec)
    if choices is not None:
        unknown = [k for k in choices if k not in FACTORS]
        if unknown:
            raise ValueError(f"unknown choice factor(s) {unknown}; use some of {FACTORS}")
        for k, v in choices.items():
            if isinstance(v, Mapping):
                space[k] = dict(v)
            elif isinstance(v, (str, float, int)):
                space[k] = {v: 1.0}
            else:
                space[k] = _uniform(list(v))
    indicators, pillars = set(spec.indicator_ids), set(spec.pillar_ids)
    allowed = {
        "normalization": NORMALIZATION_CHOICES,
        "weighting": WEIGHTING_CHOICES,
        "aggregation": AGGREGATION_CHOICES,
        "missing": MISSING_CHOICES,
    }
    values, probs = {}, {}
    for f in FACTORS:
        table = space[f]
        if not table:
            raise ValueError(f"choices[{f!r}] is empty; give at least one value")
        vals = list(table)
        p = np.array([float(table[v]) for v in vals])
        if (p < 0).any() or not np.isfinite(p).all() or abs(p.sum() - 1.0) > 1e-9:
            raise ValueError(
                f"choices[{f!r}] probabilities must be non-negative and sum to 1, got "
                f"{dict(zip(vals, p.tolist()))}"
            )
        if f in allowed:
            bad = [v for v in vals if v not in allowed[f]]
            if bad:
                raise ValueError(f"choices[{f!r}]: unknown value(s) {bad}; use some of {allowed[f]}")
        elif f == "shift":
            vals = [float(v) for v in vals]
            if any(not (v >= 0 and math.isfinite(v)) for v in vals):
                raise ValueError(f"choices['shift'] values must be finite and >= 0, got {vals}")
        else:
            for v in vals:
                kind, _, name = str(v).partition(":")
                ok = v == "none" or (kind == "indicator" and name in indicators) or (
                    kind == "pillar" and name in pillars
                )
                if not ok:
                    raise ValueError(
                        f"choices['leave_out']: {v!r} is not 'none', 'indicator:<id>' or "
                        f"'pillar:<id>' of this spec (indicators {sorted(indicators)}, "
                        f"pillars {sorted(pillars)})"
                    )
        values[f], probs[f] = tuple(vals), p
    return _Space(values, probs)


# --------------------------------------------------------------------------- engine


@dataclass
class _Normalized:
    z: np.ndarray
    ids: list[str]
    rows: np.ndarray  # positions in the engine grid
    years: np.ndarray
    ref_rows: np.ndarray


class _Engine:
    """Caches the derived matrix, normalised matrices and weights per configuration."""

    def __init__(self, baseline: IndexResult, *, base_year: int, concentration: float):
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
        self.directions = self.spec.directions()
        self.pillar_of = self.spec.pillar_of()
        self.notes: dict[str, None] = {}
        self._data: dict = {}
        self._norm: dict = {}
        self._weights: dict = {}

    def note(self, text: str) -> None:
        self.notes.setdefault(text, None)

    def _kept(self, leave_out: str) -> list[str]:
        if leave_out == "none":
            return self.ids
        kind, _, name = leave_out.partition(":")
        if kind == "indicator":
            return [i for i in self.ids if i != name]
        return [i for i in self.ids if self.pillar_of[i] != name]

    def data(self, leave_out: str, missing: str):
        key = (leave_out, missing)
        if key not in self._data:
            cols = self._kept(leave_out)
            if not cols:
                raise ValueError(f"leave_out={leave_out!r} leaves no indicator")
            rule, _, impute = missing.partition(":")
            try:
                out = apply_missing_rule(self.raw[cols], rule=rule, impute=impute or "none")
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
            self._data[key] = out.matrix
        return self._data[key]

    def normalized(self, normalization: str, leave_out: str, missing: str) -> _Normalized:
        key = (normalization, leave_out, missing)
        if key not in self._norm:
            matrix = self.data(leave_out, missing)
            ids = list(matrix.columns)
            years = matrix.index.get_level_values("year").to_numpy()
            values = matrix.to_numpy()
            ref_rows = np.ones(len(values), dtype=bool)
            goalposts = None
            if normalization == "fixed":
                ref_rows = years == self.base_year
                # The same bounds as build_index(normalization="fixed", reference_years=[base]).
                ref = values[ref_rows]
                goalposts = np.vstack([ref.min(axis=0), ref.max(axis=0)])
            norm = minmax(values, directions=[self.directions[i] for i in ids],
                          reference=normalization, groups=years, goalposts=goalposts)
            if normalization == "fixed":
                dead = [ids[j] for j in np.flatnonzero(norm.constant[0])]
                if dead:
                    self.note(f"normalization=fixed: {dead} constant in the base year "
                              f"{self.base_year}, so normalised to 0 in every year")
                if norm.clipped and leave_out == "none":
                    self.note(f"normalization=fixed: {norm.clipped} cell(s) beyond the "
                              f"{self.base_year} bounds clipped to [0, 1] (all indicators)")
            rows = self.grid.get_indexer(matrix.index)
            self._norm[key] = _Normalized(norm.values, ids, rows, years, ref_rows)
        return self._norm[key]

    def weights(self, nz: _Normalized, key: tuple, kind: str, shift: float) -> np.ndarray:
        """Weight vector (or per-row matrix for per-year entropy), as build_index computes it."""
        wkey = key + (kind, shift if kind in _ENTROPY_KINDS else 0.0)
        if wkey not in self._weights:
            where = f"normalization={key[0]}, weighting={kind}"
            if kind == "entropy_per_year":
                w = np.empty_like(nz.z)
                for year in sorted(set(nz.years.tolist())):
                    rows = nz.years == year
                    with self._constant_notes(f"{where}, {year}"):
                        w[rows] = wmod.entropy_weights(nz.z[rows], shift=shift, labels=nz.ids).weights
            else:
                with self._constant_notes(where):
                    if kind in ("entropy", "perturbed_entropy"):
                        w = wmod.entropy_weights(nz.z[nz.ref_rows], shift=shift, labels=nz.ids).weights
                    elif kind == "critic":
                        w = wmod.critic_weights(nz.z[nz.ref_rows], labels=nz.ids)
                    else:
                        w = wmod.equal_weights(len(nz.ids))
            self._weights[wkey] = w
        return self._weights[wkey]

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
        key = (config["normalization"], config["leave_out"], config["missing"])
        nz = self.normalized(*key)
        kind, agg = config["weighting"], config["aggregation"]
        # build_index takes TOPSIS ideals within years in these two cases only.
        groups = nz.years if (key[0] == "per_year" or kind == "entropy_per_year") else None
        perturbed = kind == "perturbed_entropy" and math.isfinite(self.concentration)
        w = self.weights(nz, key, kind, float(config["shift"]))
        if not perturbed:
            # Same expressions as build_index (a tiled weight matrix for the sum:
            # numpy may round a broadcast product's row sums differently), so the
            # baseline is reproduced bit for bit.
            if agg == "sum":
                wmat = w if w.ndim == 2 else np.tile(w, (len(nz.z), 1))
                s = (nz.z * wmat).sum(axis=1)
            else:
                s = topsis_closeness(nz.z, w, groups=groups)
            return nz.rows, np.clip(s, 0.0, 1.0)[:, None]
        cols = [self.ids.index(i) for i in nz.ids]
        wdraws = dirichlet_from_uniforms(w, self.concentration, uniforms[:, cols])
        s = nz.z @ wdraws.T if agg == "sum" else topsis_many(nz.z, wdraws, groups=groups)
        return nz.rows, np.clip(s, 0.0, 1.0)


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


def _prepare(source, *, choices, concentration, base_year):
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
    engine = _Engine(baseline, base_year=base_year, concentration=concentration)
    space = _resolve_choices(choices, baseline.spec)
    return engine, space


def _evaluate(engine: _Engine, space: _Space, unit: np.ndarray, weight_unit: np.ndarray,
              *, progress: bool = False) -> _Evaluation:
    """Scores and ranks for every draw given points of the unit cube."""
    cats = space.categories(unit)
    configs, config_id = np.unique(cats, axis=0, return_inverse=True)
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
    return _Evaluation(engine, space, cats, config_id, scores, ranks)


def _progress(enabled: bool, total: int):
    if not enabled:
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("configurations"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), transient=True)
    task = bar.add_task("configurations", total=total)
    bar.start()
    return bar, task


# --------------------------------------------------------------------------- outputs


def _region_pairs(registry, scheme: str) -> list[tuple[str, str]]:
    order = registry.region_order(scheme)
    return [(a, b) for i, a in enumerate(order) for b in order[i + 1:]]


def _regional_means(ev: _Evaluation, scheme: str) -> tuple[np.ndarray, tuple, list]:
    """Simple mean score per draw, year and region: array (draws, years, regions)."""
    eng = ev.engine
    region = eng.grid.get_level_values("code").map(eng.registry.regions(scheme)).to_numpy()
    order = eng.registry.region_order(scheme)
    years = sorted(set(eng.grid_years.tolist()))
    out = np.full((ev.scores.shape[1], len(years), len(order)), np.nan)
    for t, year in enumerate(years):
        for r, name in enumerate(order):
            rows = (eng.grid_years == year) & (region == name)
            block = ev.scores[rows]
            count = (~np.isnan(block)).sum(axis=0)
            total = np.nansum(block, axis=0)
            out[:, t, r] = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return out, order, years


def _baseline_regional(baseline: IndexResult, scheme: str, order, years) -> np.ndarray:
    s = baseline.scores.assign(region=baseline.scores["code"].map(baseline.registry.regions(scheme)))
    means = s.groupby(["year", "region"])["score"].mean()
    return np.array([[means.get((y, r), np.nan) for r in order] for y in years])


def _chain(order: Sequence[str]) -> tuple[str, ...]:
    ecw = ("east", "central", "west")
    return ecw if all(r in order for r in ecw) else tuple(order)


def _outputs(ev: _Evaluation, baseline_rank: np.ndarray):
    """Per-draw outputs for sensitivity: matrix (draws x outputs) and its description."""
    eng = ev.engine
    meta, cols = [], []
    shift = np.abs(ev.ranks - baseline_rank[:, None])
    counted = ~np.isnan(shift)
    mean_shift = np.where(counted.any(axis=0), np.nansum(shift, axis=0) / np.maximum(counted.sum(axis=0), 1), np.nan)
    meta.append(("mean_rank_shift", "", pd.NA))
    cols.append(mean_shift)
    for scheme in eng.registry.schemes():
        means, order, years = _regional_means(ev, scheme)
        for a, b in _region_pairs(eng.registry, scheme):
            ia, ib = order.index(a), order.index(b)
            for t, year in enumerate(years):
                meta.append(("gap", f"{a} - {b} ({scheme})", year))
                cols.append(means[:, t, ia] - means[:, t, ib])
    codes = eng.grid.get_level_values("code")
    keep = ~np.isnan(ev.ranks).all(axis=1)
    for i in np.flatnonzero(keep):
        meta.append(("rank", codes[i], int(eng.grid_years[i])))
        cols.append(ev.ranks[i])
    frame = pd.DataFrame(meta, columns=["output", "target", "year"])
    frame["year"] = frame["year"].astype("Int64")
    return frame, np.column_stack(cols)


def first_order_shares(categories, outputs) -> np.ndarray:
    """First-order variance shares of discrete factors, estimated from a random sample.

    For a factor ``X`` with categories ``c`` and an output ``Y``:
    ``S = Var(E[Y | X]) / Var(Y)``, estimated by the between-category sum of
    squares over the total, with the small-sample correction
    ``(SSB - (k - 1) * SSW / (n - k)) / SST`` (epsilon squared, Kelley 1935),
    clipped to [0, 1].  For independent factors this is the first-order Sobol
    index of ``X``.  NaN outputs (a unit absent from a draw) are left out.

    Parameters
    ----------
    categories : array_like of int, shape (n,)
        Category of the factor in each draw.
    outputs : array_like, shape (n, q)

    Returns
    -------
    ndarray, shape (q,)
        NaN where the output does not vary.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.repeat([0, 1], 50)
    >>> y = np.column_stack([x * 2.0, np.tile([0.0, 1.0], 50)])
    >>> first_order_shares(x, y).round(3)
    array([1., 0.])
    """
    cat = np.asarray(categories).ravel()
    y = np.asarray(outputs, dtype=float)
    if y.ndim == 1:
        y = y[:, None]
    present = ~np.isnan(y)
    y0 = np.where(present, y, 0.0)
    levels, idx = np.unique(cat, return_inverse=True)
    idx = idx.ravel()
    # Masked sums per category, not a one-hot matrix product: a large BLAS call can
    # stall on a busy machine while its threads wait for cores.
    n_c = np.array([present[idx == c].sum(axis=0) for c in range(len(levels))], dtype=float)
    sum_c = np.array([y0[idx == c].sum(axis=0) for c in range(len(levels))])
    n = present.sum(axis=0)
    mean = y0.sum(axis=0) / np.maximum(n, 1)
    mean_c = sum_c / np.maximum(n_c, 1)
    ssb = (n_c * (mean_c - mean) ** 2).sum(axis=0)
    sst = (np.where(present, y - mean, 0.0) ** 2).sum(axis=0)
    k = (n_c > 0).sum(axis=0)
    ssw = sst - ssb
    with np.errstate(divide="ignore", invalid="ignore"):
        adj = (ssb - (k - 1) * ssw / np.maximum(n - k, 1)) / sst
        share = np.where(sst > 1e-12 * np.maximum(1.0, (y0 ** 2).sum(axis=0)), np.clip(adj, 0, 1), np.nan)
    return share


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class RobustnessResult:
    """Monte Carlo over method choices.

    Attributes
    ----------
    draws : DataFrame
        ``draw`` and the sampled value of each factor (``normalization,
        weighting, aggregation, shift, leave_out, missing``), plus ``config``
        (id of the discrete configuration) and ``mean_rank_shift`` (mean
        absolute change of rank against the baseline over all unit-years).
    rank_intervals : DataFrame
        ``code, name, year, baseline_rank, median, q05, q95, min, max,
        mean_abs_shift, n_draws``; quantiles are observed ranks (inverted CDF).
    orderings : DataFrame
        ``scheme, year, ordering, share, baseline_holds, n_draws``: share of
        draws in which the ordering of simple regional mean scores holds
        (``"east > central > west"`` and every pair of regions).
    gaps : DataFrame
        ``scheme, year, gap, baseline, mean, median, q05, q95, share_positive``
        of differences of regional mean scores.
    sensitivity : DataFrame
        ``output, target, year, factor, first_order``: first-order variance
        share of each varying factor (:func:`first_order_shares`) for the mean
        rank shift, every regional gap and every unit's rank.
    effects : DataFrame
        ``factor, value, draws, mean_rank_shift, share_east_central_west``
        (region3 chain, all years pooled): what each option does on average.
    choices : dict
        The choice space used: factor -> {value: probability}.
    baseline : IndexResult
    keys : DataFrame
        ``code, year`` of the rows of ``scores`` and ``ranks``.
    scores, ranks : ndarray, shape (rows, draws)
        NaN where a unit is absent under a draw's missing-data rule.
    seed : int
    concentration : float
    base_year : int
    notes : tuple of str
        What the choices did to the data (dead indicators, clipping, imputation).
    """

    draws: pd.DataFrame
    rank_intervals: pd.DataFrame
    orderings: pd.DataFrame
    gaps: pd.DataFrame
    sensitivity: pd.DataFrame
    effects: pd.DataFrame
    choices: Mapping[str, Mapping[Any, float]]
    baseline: IndexResult = field(repr=False)
    keys: pd.DataFrame = field(repr=False)
    scores: np.ndarray = field(repr=False)
    ranks: np.ndarray = field(repr=False)
    seed: int = 12345
    concentration: float = DEFAULT_CONCENTRATION
    base_year: int = 2016
    notes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return (
            f"RobustnessResult({len(self.draws)} draws, seed={self.seed}, "
            f"{self.keys['code'].nunique()} units, factors varied: "
            f"{[f for f in FACTORS if len(self.choices[f]) > 1]})"
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        """The result tables by file stem, for writers (``gmindex.io.writers.write_table``).

        Examples
        --------
        >>> from gmindex.datasets import load_default_panel, load_default_spec
        >>> base = build_index(load_default_panel(), load_default_spec())
        >>> sorted(monte_carlo(base, draws=10, seed=0).tables())[:3]
        ['robustness_draws', 'robustness_effects', 'robustness_gaps']
        """
        return {
            "robustness_draws": self.draws,
            "robustness_rank_intervals": self.rank_intervals,
            "robustness_orderings": self.orderings,
            "robustness_gaps": self.gaps,
            "robustness_sensitivity": self.sensitivity,
            "robustness_sensitivity_summary": self.sensitivity_frame(),
            "robustness_effects": self.effects,
        }

    def metadata(self) -> dict[str, Any]:
        """JSON-ready record: draws, seed, choice space, concentration, base year, notes."""
        return {
            "draws": int(len(self.draws)),
            "seed": int(self.seed),
            "choices": {f: {str(v): p for v, p in vals.items()} for f, vals in self.choices.items()},
            "concentration": self.concentration if math.isfinite(self.concentration) else "inf",
            "base_year": int(self.base_year),
            "baseline_options": {k: v for k, v in self.baseline.provenance["options"].items()},
            "baseline_data_sha256": self.baseline.provenance["data_sha256"],
            "baseline_spec_sha256": self.baseline.provenance["spec_sha256"],
            "notes": list(self.notes),
        }

    def ranks_long(self) -> pd.DataFrame:
        """Long table ``draw, code, year, score, rank`` (units absent from a draw left out)."""
        n_rows, n_draws = self.ranks.shape
        out = pd.DataFrame({
            "draw": np.tile(np.arange(n_draws), n_rows),
            "code": np.repeat(self.keys["code"].to_numpy(), n_draws),
            "year": np.repeat(self.keys["year"].to_numpy(), n_draws),
            "score": self.scores.ravel(),
            "rank": self.ranks.ravel(),
        })
        out = out[out["rank"].notna()].reset_index(drop=True)
        out["rank"] = out["rank"].astype(int)
        return out

    def rank_uncertainty_frame(self, *, year: int | None = None, lang: str = "en") -> pd.DataFrame:
        """Data of the rank-uncertainty figure for one year (default: the last).

        Columns ``code, name, region, median, lo, hi, baseline`` (lo/hi = 5% and
        95% quantiles), sorted by median rank then baseline rank.
        """
        ri = self.rank_intervals
        year = int(ri["year"].max()) if year is None else int(year)
        if year not in set(ri["year"]):
            raise ValueError(f"year {year} is not in the results ({sorted(set(ri['year']))})")
        sel = ri[ri["year"] == year]
        reg = self.baseline.registry
        scheme = "region4" if "region4" in reg.schemes() else (reg.schemes() or [None])[0]
        out = pd.DataFrame({
            "code": sel["code"].to_numpy(),
            "name": sel["code"].map(reg.labels(lang)).to_numpy(),
            "region": sel["code"].map(reg.regions(scheme)).to_numpy() if scheme else pd.NA,
            "median": sel["median"].to_numpy(),
            "lo": sel["q05"].to_numpy(),
            "hi": sel["q95"].to_numpy(),
            "baseline": sel["baseline_rank"].to_numpy(),
        })
        return out.sort_values(["median", "baseline"], kind="stable").reset_index(drop=True)

    def sensitivity_frame(self) -> pd.DataFrame:
        """Data of the sensitivity bar chart: mean first-order share per factor and output.

        Columns ``factor, output, first_order``.  Outputs: ``"rank"`` (mean over
        units and years), ``"mean_rank_shift"``, ``"gap east - west"`` (region3 if
        present, mean over years).  The factor ``"not explained by one factor"``
        holds 1 minus the sum: interactions plus the Dirichlet weight noise.
        """
        s = self.sensitivity
        groups = {
            "rank": s["output"] == "rank",
            "mean_rank_shift": s["output"] == "mean_rank_shift",
        }
        ew = s["target"].isin(["east - west (region3)"]) if (s["target"] == "east - west (region3)").any() \
            else s["target"].str.startswith("east - west")
        groups["gap east - west"] = (s["output"] == "gap") & ew
        rows = []
        for name, mask in groups.items():
            wide = s[mask].pivot_table(index=["target", "year"], columns="factor",
                                       values="first_order", dropna=False, sort=False)
            # Outputs that do not vary (NaN shares) are left out of the averages.
            wide = wide.dropna()
            if wide.empty:
                continue
            for factor in [f for f in FACTORS if f in wide.columns]:
                rows.append((factor, name, float(wide[factor].mean())))
            # Interactions plus the Dirichlet weight noise: the bars of one output add up to 1.
            rows.append(("not explained by one factor", name, float((1 - wide.sum(axis=1)).mean())))
        return pd.DataFrame(rows, columns=["factor", "output", "first_order"])

    def summary(self) -> str:
        """A few lines in plain words: most influential factor, ordering shares, widest ranks."""
        lines = [repr(self)]
        sf = self.sensitivity_frame()
        for output in ("rank", "gap east - west"):
            part = sf[(sf["output"] == output) & (sf["factor"] != "not explained by one factor")]
            if len(part) and part["first_order"].notna().any():
                top = part.loc[part["first_order"].idxmax()]
                lines.append(f"largest first-order share for {output}: {top['factor']} ({top['first_order']:.2f})")
        chain = self.orderings[self.orderings["ordering"].str.count(">") >= 2]
        for row in chain.itertuples():
            lines.append(f"{row.scheme} {row.year}: {row.ordering} in {row.share:.1%} of draws "
                         f"(baseline {'holds' if row.baseline_holds else 'does not hold'})")
        width = (self.rank_intervals["q95"] - self.rank_intervals["q05"])
        wide = self.rank_intervals.loc[width.nlargest(3).index]
        for row in wide.itertuples():
            lines.append(f"widest 90% rank interval: {row.name} {row.year} {int(row.q05)}-{int(row.q95)}"
                         f" (baseline {row.baseline_rank})")
        return "\n".join(lines + [f"note: {n}" for n in self.notes])


def monte_carlo(
    source,
    *,
    draws: int = 1000,
    seed: int = 12345,
    choices: Mapping[str, Any] | None = None,
    concentration: float = DEFAULT_CONCENTRATION,
    base_year: int | None = None,
    progress: bool = False,
) -> RobustnessResult:
    """Monte Carlo over method choices: rank intervals, regional orderings, sensitivity.

    Parameters
    ----------
    source : IndexResult or tuple (panel, spec[, registry])
        The baseline: its panel, spec, registry and years are used, and its
        ranks are the reference.  It must use flat weights without a cap.
    draws : int
        Number of draws.
    seed : int
        Seed of the numpy Generator; the only source of randomness.
    choices : mapping, optional
        Override factors of :func:`default_choices`: ``factor -> value``,
        ``-> [values]`` (uniform) or ``-> {value: probability}``.
        :func:`baseline_choices` fixes every factor at the baseline.
    concentration : float
        Dirichlet concentration of ``weighting="perturbed_entropy"``; ``inf``
        gives the entropy weights.
    base_year : int, optional
        Base year of ``normalization="fixed"`` (default: the first year).
    progress : bool
        Show a progress bar over configurations.

    Returns
    -------
    RobustnessResult

    Notes
    -----
    Draw ``d`` takes a point ``u_d`` of the unit cube (one coordinate per
    factor, from ``numpy.random.default_rng(seed)``), mapped to categories by
    the cumulative probabilities, and ``m`` more uniforms for the Dirichlet
    weights.  Rank 1 is the highest score within a year (ties share the
    smaller rank), as in :func:`gmindex.index.build_index`.  Scores of
    different aggregations are on different scales (TOPSIS closeness versus a
    weighted sum), so gap levels move with the aggregation; orderings and ranks
    do not depend on the scale.

    References
    ----------
    Saisana, Saltelli & Tarantola (2005), uncertainty and sensitivity analysis
    of composite indicators; OECD/JRC Handbook on Constructing Composite
    Indicators (2008), step 7.
    """
    if int(draws) < 1:
        raise ValueError("draws must be a positive integer")
    draws = int(draws)
    engine, space = _prepare(source, choices=choices, concentration=concentration, base_year=base_year)
    rng = np.random.default_rng(seed)
    unit = rng.random((draws, len(FACTORS)))
    weight_unit = rng.random((draws, len(engine.ids)))
    ev = _evaluate(engine, space, unit, weight_unit, progress=progress)
    return _summarise(ev, seed=seed)


def _summarise(ev: _Evaluation, *, seed: int) -> RobustnessResult:
    eng, space = ev.engine, ev.space
    baseline = eng.baseline
    grid_keys = eng.grid.to_frame(index=False)
    base = baseline.scores.set_index(["code", "year"])
    baseline_rank = base["rank"].reindex(eng.grid).to_numpy(dtype=float)

    meta, outputs = _outputs(ev, baseline_rank)
    draws_frame = pd.DataFrame({"draw": np.arange(ev.categories.shape[0])})
    for k, f in enumerate(FACTORS):
        draws_frame[f] = np.asarray(space.values[f], dtype=object)[ev.categories[:, k]]
        if f == "shift":
            draws_frame[f] = draws_frame[f].astype(float)
        else:
            draws_frame[f] = draws_frame[f].astype("str")
    draws_frame["config"] = ev.config_id
    draws_frame["mean_rank_shift"] = outputs[:, 0]

    keep = ~np.isnan(ev.ranks).all(axis=1)
    ranks, scores = ev.ranks[keep], ev.scores[keep]
    keys = grid_keys[keep].reset_index(drop=True)
    q = np.nanquantile(ranks, [0.5, 0.05, 0.95], axis=1, method="inverted_cdf")
    shift = np.abs(ranks - baseline_rank[keep][:, None])
    counted = ~np.isnan(shift)
    labels = eng.registry.labels("en")
    rank_intervals = pd.DataFrame({
        "code": keys["code"],
        "name": keys["code"].map(labels).to_numpy(),
        "year": keys["year"].astype(int),
        "baseline_rank": pd.array(np.where(np.isnan(baseline_rank[keep]), pd.NA, baseline_rank[keep]),
                                  dtype="Int64"),
        "median": q[0], "q05": q[1], "q95": q[2],
        "min": np.nanmin(ranks, axis=1), "max": np.nanmax(ranks, axis=1),
        "mean_abs_shift": np.where(counted.any(axis=1), np.nansum(shift, axis=1) / np.maximum(counted.sum(axis=1), 1), np.nan),
        "n_draws": (~np.isnan(ranks)).sum(axis=1),
    })

    order_rows, gap_rows = [], []
    for scheme in eng.registry.schemes():
        means, order, years = _regional_means(ev, scheme)
        base_means = _baseline_regional(baseline, scheme, order, years)
        chain = _chain(order)
        idx = [order.index(r) for r in chain]
        for t, year in enumerate(years):
            holds = np.ones(means.shape[0], dtype=bool)
            base_holds = True
            for a, b in zip(idx, idx[1:]):
                holds &= means[:, t, a] > means[:, t, b]
                base_holds &= bool(base_means[t, a] > base_means[t, b])
            order_rows.append((scheme, year, " > ".join(chain), holds.mean(), base_holds, len(holds)))
            for a, b in _region_pairs(eng.registry, scheme):
                ia, ib = order.index(a), order.index(b)
                gap = means[:, t, ia] - means[:, t, ib]
                ok = ~np.isnan(gap)
                g = gap[ok]
                order_rows.append((scheme, year, f"{a} > {b}", float((g > 0).mean()),
                                   bool(base_means[t, ia] > base_means[t, ib]), int(ok.sum())))
                gap_rows.append((scheme, year, f"{a} - {b}", base_means[t, ia] - base_means[t, ib],
                                 g.mean(), np.median(g), np.quantile(g, 0.05), np.quantile(g, 0.95),
                                 float((g > 0).mean())))
    orderings = pd.DataFrame(order_rows, columns=["scheme", "year", "ordering", "share",
                                                  "baseline_holds", "n_draws"])
    gaps = pd.DataFrame(gap_rows, columns=["scheme", "year", "gap", "baseline", "mean", "median",
                                           "q05", "q95", "share_positive"])

    sens = []
    for k, f in enumerate(FACTORS):
        if len(np.unique(ev.categories[:, k])) < 2:
            continue
        shares = first_order_shares(ev.categories[:, k], outputs)
        sens.append(meta.assign(factor=f, first_order=shares))
    sensitivity = (pd.concat(sens, ignore_index=True) if sens else
                   meta.iloc[:0].assign(factor=pd.Series(dtype="str"), first_order=pd.Series(dtype=float)))

    chain_share = np.zeros(len(draws_frame))
    if "region3" in eng.registry.schemes():
        means, order, _ = _regional_means(ev, "region3")
        idx = [order.index(r) for r in _chain(order)]
        ok = np.ones(means.shape[:2], dtype=bool)
        for a, b in zip(idx, idx[1:]):
            ok &= means[:, :, a] > means[:, :, b]
        chain_share = ok.mean(axis=1)
    eff = draws_frame.assign(_chain=chain_share)
    effect_rows = []
    for f in FACTORS:
        if eff[f].nunique() < 2:
            continue
        g = eff.groupby(f, sort=False)
        part = pd.DataFrame({
            "factor": f,
            "value": [str(v) for v in g.size().index],
            "draws": g.size().to_numpy(),
            "mean_rank_shift": g["mean_rank_shift"].mean().to_numpy(),
            "share_east_central_west": g["_chain"].mean().to_numpy()
            if "region3" in eng.registry.schemes() else np.nan,
        })
        effect_rows.append(part)
    effects = (pd.concat(effect_rows, ignore_index=True) if effect_rows else
               pd.DataFrame(columns=["factor", "value", "draws", "mean_rank_shift", "share_east_central_west"]))

    notes = list(eng.notes) + _missing_notes(eng, space)
    return RobustnessResult(
        draws=draws_frame,
        rank_intervals=rank_intervals,
        orderings=orderings,
        gaps=gaps,
        sensitivity=sensitivity,
        effects=effects,
        choices=space.as_dict(),
        baseline=baseline,
        keys=keys,
        scores=scores,
        ranks=ranks,
        seed=seed,
        concentration=eng.concentration,
        base_year=eng.base_year,
        notes=tuple(dict.fromkeys(notes)),
    )


def _missing_notes(eng: _Engine, space: _Space) -> list[str]:
    """Say what the missing-data factor can and cannot vary on these data."""
    cells = eng.raw.isna()
    if not cells.any().any():
        return ["no indicator cell is missing: the missing-data factor has no effect"]
    per_unit = cells.groupby(level="code").sum().sum(axis=1)
    units = per_unit[per_unit > 0]
    text = (f"{int(cells.to_numpy().sum())} indicator cell(s) missing, in unit(s) "
            + ", ".join(f"{c} ({n})" for c, n in units.items())
            + f"; the other {int((per_unit == 0).sum())} units are complete")
    notes = [text]
    if len(space.values["missing"]) == 1:
        notes.append(f"missing-data rule fixed at {space.values['missing'][0]!r}; other rules "
                     "change only whether the units above are kept (pass choices={'missing': [...]})")
    for rule in MISSING_CHOICES:
        r, _, imp = rule.partition(":")
        try:
            apply_missing_rule(eng.raw, rule=r, impute=imp or "none")
        except ValueError as exc:
            notes.append(f"missing={rule} cannot be applied to these data: {str(exc)[:120]}...")
    return notes


# --------------------------------------------------------------------------- plots


def plot_rank_uncertainty(data, ax=None, *, year: int | None = None, lang: str = "en"):
    """Median rank with the 5-95% interval per unit, baseline rank marked.

    Parameters
    ----------
    data : RobustnessResult or DataFrame
        A result or its :meth:`RobustnessResult.rank_uncertainty_frame`.
    ax : matplotlib Axes, optional
    year : int, optional
        Year shown (default: the last).
    lang : {"en", "zh"}
        Unit labels (Chinese needs a CJK font).

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    frame = data.rank_uncertainty_frame(year=year, lang=lang) if isinstance(data, RobustnessResult) else data
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.22 * len(frame) + 1))
    y = np.arange(len(frame))
    ax.hlines(y, frame["lo"], frame["hi"], color="0.55", lw=2, label="5-95% of draws")
    ax.plot(frame["median"], y, "o", color="C0", ms=4, label="median")
    ax.plot(frame["baseline"].astype(float), y, "x", color="C3", ms=5, label="baseline")
    ax.set_yticks(y, frame["name"])
    ax.invert_yaxis()
    ax.set_xlabel("rank (1 = best)")
    # Above the plot: inside, it would cover the units ranked last.
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3, fontsize="small",
              frameon=False)
    return ax


def plot_sensitivity(data, ax=None, *, output: str = "rank"):
    """Bar chart of first-order variance shares per factor for one output.

    Parameters
    ----------
    data : RobustnessResult or DataFrame
        A result or its :meth:`RobustnessResult.sensitivity_frame` (or any frame
        with ``factor, output, first_order``; a Sobol frame with ``S1`` also works).
    ax : matplotlib Axes, optional
    output : str
        ``"rank"``, ``"mean_rank_shift"`` or ``"gap east - west"``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    frame = data.sensitivity_frame() if isinstance(data, RobustnessResult) else data
    value = "first_order" if "first_order" in frame.columns else "S1"
    part = frame[frame["output"] == output] if "output" in frame.columns else frame
    if part.empty:
        raise ValueError(f"no sensitivity rows for output {output!r}; have {sorted(set(frame['output']))}")
    part = part.sort_values(value, kind="stable")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 0.35 * len(part) + 1))
    ax.barh(part["factor"], part[value], color="C0")
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of output variance (first order)")
    ax.set_title(output)
    return ax
