"""Build the composite index: derive, resolve missing data, normalise, weight, aggregate.

:func:`build_index` is the one entry point.  It resolves its options once
(:func:`gmindex.options.resolve_options`: caller, then the spec's ``[index]``,
then the package defaults), derives the indicators, applies the missing-data
rule and then runs :func:`run_stages` -- normalise, weight, aggregate, each
stage chosen by name from the tables of :mod:`gmindex.pipeline`.  The
robustness engine runs the same :func:`run_stages`.  Every option and its
origin is recorded in the result's log and provenance, so that a result can
be replayed with one option changed (:meth:`IndexResult.replay`).

Examples
--------
>>> from gmindex.datasets import load_default_panel, load_default_spec
>>> res = build_index(load_default_panel(), load_default_spec())
>>> res.scores.groupby("year")["code"].count().tolist()
[30, 30, 30, 30, 30]
>>> round(float(res.weights["weight"].sum()), 12)
1.0
>>> sorted(res.provenance["units_dropped"])
['54']
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

import gmindex
from gmindex.derive import derive_indicators
from gmindex.missing import MissingOutcome, apply_missing_rule
from gmindex.normalize import Normalized
from gmindex.options import HIERARCHIES, IndexOptions, resolve_options
from gmindex.pipeline import (
    AGGREGATIONS,
    NORMALIZATIONS,
    WEIGHTINGS,
    WeightStage,
    aggregate_stage,
    aggregation_groups,
    callable_name,
    lookup,
    normalize_stage,
    resolve_goalposts,
    weight_stage,
)
from gmindex.provinces import Registry, default_registry
from gmindex.spec import Spec

__all__ = [
    "AGGREGATIONS",
    "HIERARCHIES",
    "WEIGHTINGS",
    "IndexResult",
    "Stages",
    "Step",
    "build_index",
    "effective_weights_table",
    "normalize_matrix",
    "panel_sha256",
    "run_stages",
]


@dataclass(frozen=True)
class Step:
    """One logged construction step: what ran, with which parameters, and what it noted."""

    name: str
    func: str
    params: Mapping[str, Any]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndexResult:
    """A built index with every stage, the log and the provenance record.

    Attributes
    ----------
    scores : DataFrame
        ``code, year, score, rank`` (score in [0, 1]; rank 1 = highest in its year).
    pillar_scores : DataFrame
        ``code, year, pillar, score, contribution``: ``score`` is the
        weighted mean of the pillar's normalised indicators (in [0, 1]);
        ``contribution`` is its part of the overall score (they add up to it
        for weighted-sum aggregation).
    weights : DataFrame
        ``indicator, pillar, entropy, divergence, weight`` (plus ``year`` for
        per-year weights); ``entropy``/``divergence`` are NaN for non-entropy
        weightings.  ``flagged`` marks weights above the spec's share.
    indicators : DataFrame
        Derived indicator values used (long: ``code, year, indicator, value``).
    normalized : DataFrame
        Normalised values (long), benefit-oriented.
    goalposts : DataFrame
        ``indicator, lower, upper`` bounds of the normalisation (pooled or
        fixed), reusable as fixed goalposts for appended years.
    missing : MissingOutcome
    spec : Spec
    options : dict
        Every option of :func:`build_index`, defaults included.
    log : tuple of Step
    provenance : dict
        Version, hashes of data and spec, options, dropped and imputed cells,
        cell accounting.
    """

    scores: pd.DataFrame
    pillar_scores: pd.DataFrame
    weights: pd.DataFrame
    indicators: pd.DataFrame
    normalized: pd.DataFrame
    goalposts: pd.DataFrame
    missing: MissingOutcome
    spec: Spec
    options: Mapping[str, Any]
    log: tuple[Step, ...]
    provenance: Mapping[str, Any]
    panel: pd.DataFrame = field(repr=False)
    registry: Registry = field(repr=False)
    option_sources: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def effective_weights(self) -> pd.DataFrame:
        """Pillar weight x within-pillar weight per indicator, with per-pillar totals.

        Columns ``pillar, indicator, weight_within_pillar, pillar_weight,
        effective_weight`` (see :func:`effective_weights_table`); for a flat
        build the pillar weight is the pillar's total weight.

        Examples
        --------
        >>> from gmindex.datasets import load_default_panel, load_default_spec
        >>> res = build_index(load_default_panel(), load_default_spec(), hierarchy="pillar",
        ...                   pillar_weighting="equal")
        >>> ew = res.effective_weights
        >>> totals = ew[ew["indicator"] == "(pillar total)"]
        >>> totals["effective_weight"].round(4).tolist()
        [0.1667, 0.1667, 0.1667, 0.1667, 0.1667, 0.1667]
        """
        w = self.weights
        if "year" in w.columns:
            raise ValueError("per-year weights have no single effective weight per indicator")
        if "weight_within_pillar" not in w.columns:
            total = w.groupby("pillar", sort=False)["weight"].transform("sum")
            w = w.assign(pillar_weight=total,
                         weight_within_pillar=np.where(total > 0, w["weight"] / total.where(total > 0, 1.0), 0.0))
        return effective_weights_table(w)

    def __repr__(self) -> str:
        years = sorted(self.scores["year"].unique())
        return (
            f"IndexResult({self.spec.id}: {self.scores['code'].nunique()} units x "
            f"{len(years)} years {years[0]}-{years[-1]}, "
            f"{len(self.normalized['indicator'].unique())} indicators, "
            f"hierarchy={self.options['hierarchy']}, weighting={self.options['weighting']}, "
            f"normalization={self.options['normalization']}, "
            f"aggregation={self.options['aggregation']})"
        )

    def to_frame(self, *, lang: str = "en") -> pd.DataFrame:
        """Wide table: one row per unit-year with names, regions, score, rank and pillars."""
        reg = self.registry
        pillars = self.pillar_scores.pivot(index=["code", "year"], columns="pillar", values="score")
        pillars.columns = [f"pillar_{p}" for p in pillars.columns]
        out = self.scores.merge(pillars.reset_index(), on=["code", "year"], how="left")
        out.insert(1, "name", out["code"].map(reg.labels(lang)))
        for i, scheme in enumerate(reg.schemes()):
            out.insert(2 + i, scheme, out["code"].map(reg.regions(scheme)))
        return out.sort_values(["year", "code"], kind="stable").reset_index(drop=True)

    def summary(self, *, width: int = 150) -> str:
        """The construction log (step, function, parameters, notes) and the provenance stamp.

        Examples
        --------
        >>> from gmindex.datasets import load_default_panel, load_default_spec
        >>> text = build_index(load_default_panel(), load_default_spec()).summary()
        >>> text.splitlines()[0].split()[:2]
        ['derive', 'gmindex.derive.derive_indicators']
        """
        lines = []
        for step in self.log:
            lines.append(f"{step.name:<10} {step.func}  {dict(step.params)}")
            lines += [f"{'':<10} note: {note[:width]}" for note in step.notes]
        prov = self.provenance
        stamp = {k: prov[k] for k in ("package", "version", "spec_id", "spec_sha256", "data_sha256")}
        lines.append(f"provenance {stamp}")
        return "\n".join(lines)

    def replay(self, **changes: Any) -> IndexResult:
        """Rebuild from the same inputs with some options changed.

        Examples
        --------
        >>> from gmindex.datasets import load_default_panel, load_default_spec
        >>> base = build_index(load_default_panel(), load_default_spec())
        >>> base.replay(weighting="equal").options["weighting"]
        'equal'
        """
        spec = changes.pop("spec", self.spec)
        # Options from the spec or the defaults are left to the (possibly new) spec again.
        kept = {k: v for k, v in self.options.items()
                if self.option_sources.get(k, "caller") == "caller"}
        return build_index(self.panel, spec, registry=self.registry, **{**kept, **changes})

    def export(self, outdir, *, formats: Sequence[str] = ("csv", "xlsx")) -> list:
        """Write scores, pillar scores, weights and the wide table, with provenance.

        Returns the paths written.  Files are written atomically; a rerun with
        the same inputs gives byte-identical tables.
        """
        from pathlib import Path

        from gmindex.io.writers import write_json, write_table

        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        paths = []
        tables = {
            "index_scores": self.to_frame(),
            "index_pillar_scores": self.pillar_scores,
            "index_weights": self.weights,
            **({"index_effective_weights": self.effective_weights}
               if "year" not in self.weights.columns else {}),
            "index_goalposts": self.goalposts,
            "index_normalized": self.normalized,
            "index_indicators": self.indicators,
        }
        for stem, table in tables.items():
            paths += write_table(table, outdir / stem, formats=formats, provenance=None)
        prov = outdir / "index_provenance.json"
        write_json(dict(self.provenance), prov)
        return paths + [prov]


def panel_sha256(panel: pd.DataFrame) -> str:
    """Content hash of a long panel, independent of row order and file format.

    The hash covers ``code, year, indicator, value`` only: the sorted distinct
    codes and indicator names (as JSON), then the rows sorted by code, year
    and indicator as little-endian integer positions, years and float64
    values.  Binary, so that it stays fast on city panels of millions of rows.

    Parameters
    ----------
    panel : DataFrame
        Long panel with at least ``code, year, indicator, value``; other
        columns (``unit``, ``source_id``) do not enter the hash.

    Returns
    -------
    str
        SHA-256 hex digest, as recorded in ``IndexResult.provenance``.

    Examples
    --------
    >>> p = pd.DataFrame({"code": ["11", "12"], "year": [2016, 2016],
    ...                   "indicator": ["x", "x"], "value": [1.0, 2.0]})
    >>> panel_sha256(p) == panel_sha256(p.iloc[::-1]), len(panel_sha256(p))
    (True, 64)
    >>> panel_sha256(p) == panel_sha256(p.assign(value=[1.0, 2.5]))
    False
    """
    code_i, codes = pd.factorize(panel["code"].astype(str), sort=True)
    ind_i, indicators = pd.factorize(panel["indicator"].astype(str), sort=True)
    years = panel["year"].to_numpy().astype("<i8")
    values = panel["value"].to_numpy(dtype="<f8")
    values = np.where(np.isnan(values), np.nan, values)  # one NaN bit pattern
    order = np.lexsort((ind_i, years, code_i))
    digest = hashlib.sha256()
    digest.update(json.dumps([list(codes), list(indicators)], ensure_ascii=False).encode("utf-8"))
    for column in (code_i, years, ind_i):
        digest.update(np.ascontiguousarray(column[order], dtype="<i8").tobytes())
    digest.update(np.ascontiguousarray(values[order], dtype="<f8").tobytes())
    return digest.hexdigest()


def _check_panel(panel: pd.DataFrame, registry: Registry, spec: Spec, accept=()) -> pd.DataFrame:
    from gmindex.validation import prepare_panel

    return prepare_panel(panel, spec=spec, registry=registry, accept=accept)


def build_index(
    panel: pd.DataFrame,
    spec: Spec,
    *,
    registry: Registry | None = None,
    years: Sequence[int] | None = None,
    normalization: str | None = None,
    goalposts: Mapping[str, tuple[float, float]] | pd.DataFrame | None = None,
    reference_years: Sequence[int] | None = None,
    clip: bool | None = None,
    weighting: str | None = None,
    weights: Mapping[str, float] | None = None,
    shift: float | None = None,
    hierarchy: str | None = None,
    pillar_weighting: str | None = None,
    pillar_weights: Mapping[str, float] | None = None,
    pillar_floor: float | None = None,
    max_weight: float | None = None,
    aggregation: str | None = None,
    missing: str | None = None,
    impute: str | None = None,
    accept: Sequence[str] = (),
) -> IndexResult:
    """Build the composite index from a long raw panel and an indicator spec.

    Every method option left at None takes the spec's ``[index]`` value, else
    the package default (:data:`gmindex.options.DEFAULTS`, shown below); the
    provenance records each option's value and origin (``option_sources``).

    Parameters
    ----------
    panel : DataFrame
        Long raw panel ``code, year, indicator, value`` (``indicator`` = raw
        series id).  Validated first: problems raise with every issue listed.
    spec : Spec
        Indicator definitions, years, the default missing-data rule and
        default construction method.
    registry : Registry, optional
        Units and regions; default the 31 provinces.  Pass your own for cities.
    years : sequence of int, optional
        Override the spec's years.
    normalization : {"pooled", "per_year", "fixed"}
        Reference set of min-max normalisation (METHODS.md section 2);
        default ``"pooled"``.
    goalposts : mapping or DataFrame, optional
        Fixed bounds per indicator (``indicator -> (lower, upper)`` or a frame
        like ``IndexResult.goalposts``).
    reference_years : sequence of int, optional
        With ``normalization="fixed"`` and no goalposts: take the bounds (and
        the weighting reference set) from these years only, so that appending
        later years leaves earlier scores unchanged.
    clip : bool
        Clip values beyond fixed goalposts to [0, 1] (counted in the log); default True.
    weighting : str
        A key of :data:`gmindex.pipeline.WEIGHTINGS` (``"entropy"`` (default),
        ``"entropy_per_year"``, ``"equal"``, ``"critic"``, ``"user"``); within
        pillars when ``hierarchy="pillar"``.
    weights : mapping, optional
        Indicator -> weight for ``weighting="user"`` (default: the spec's
        ``[[indicator]] weight``).
    shift : float
        Added to normalised values before entropy shares (replication of papers
        that use 0.0001 or 0.01); scores use the unshifted values.  Default 0.
    hierarchy : {"flat", "pillar"}
        Flat weights over all indicators (default), or weights within pillars
        times pillar weights (effective weights in ``result.effective_weights``).
    pillar_weighting : {"equal", "fixed", "entropy", "entropy_floor"}
        Pillar weights of the hierarchy (a key of
        :data:`gmindex.pipeline.PILLAR_WEIGHTINGS`); default ``"equal"``.
    pillar_weights : mapping, optional
        Pillar -> weight for ``pillar_weighting="fixed"`` (default: the spec's
        ``[[pillar]] weight``); must sum to 1.
    pillar_floor : float, optional
        Minimum pillar weight of ``"entropy_floor"``.
    max_weight : float, optional
        Cap any flat weight at this share (remedy for entropy's taste for
        sparse indicators); the excess goes to the others proportionally.
    aggregation : str
        A key of :data:`gmindex.pipeline.AGGREGATIONS`: weighted ``"sum"``
        (default) or entropy-TOPSIS closeness ``"topsis"``.
    missing, impute : str, optional
        Override the spec's missing-data rule (see :mod:`gmindex.missing`).
    accept : sequence of str
        Values flagged as implausible that are right and kept knowingly
        (``"FILE:ROW"`` or ``"CODE,YEAR,SERIES"``; see
        :func:`gmindex.validation.check_panel`); recorded in the provenance.

    Returns
    -------
    IndexResult

    Examples
    --------
    >>> from gmindex.datasets import load_default_panel, load_default_spec
    >>> panel, spec = load_default_panel(), load_default_spec()
    >>> res = build_index(panel, spec, weighting="equal", hierarchy="flat")
    >>> res.scores.columns.tolist(), res.weights["weight"].round(4).unique().tolist()
    (['code', 'year', 'score', 'rank'], [0.0667])
    >>> [(step.name, step.func) for step in res.log][2:]
    [('normalize', 'gmindex.normalize.minmax'), ('weights', 'gmindex.weights.equal_weights'), ('aggregate', 'gmindex.pipeline.weighted_sum')]
    >>> res.provenance["option_sources"]["weighting"], res.provenance["option_sources"]["clip"]
    ('caller', 'default')
    """
    registry = registry or default_registry()
    opts = resolve_options(
        spec, years=years or spec.years or sorted(panel["year"].unique()), missing=missing,
        impute=impute, normalization=normalization, goalposts=goalposts,
        reference_years=reference_years, clip=clip, weighting=weighting, weights=weights,
        shift=shift, hierarchy=hierarchy, pillar_weighting=pillar_weighting,
        pillar_weights=pillar_weights, pillar_floor=pillar_floor, max_weight=max_weight,
        aggregation=aggregation, accept=accept,
    )
    if years is None and not spec.years:
        opts = IndexOptions(**{**_fields(opts), "sources": {**opts.sources, "years": "data"}})
    panel = _check_panel(panel, registry, spec, opts.accept)
    log: list[Step] = []

    derived = derive_indicators(panel, spec, codes=registry.codes, years=list(opts.years))
    log.append(Step("derive", callable_name(derive_indicators),
                    {"years": list(opts.years), "units": len(registry)}, derived.notes))
    outcome = apply_missing_rule(derived.matrix, rule=opts.missing, impute=opts.impute)
    log.append(Step("missing", callable_name(apply_missing_rule),
                    {"rule": outcome.rule, "impute": outcome.impute}, missing_notes(outcome)))
    matrix = outcome.matrix
    if matrix.empty or matrix.shape[1] == 0:
        raise ValueError(f"no data left after the missing-data rule {outcome.rule!r}: "
                         + "; ".join(missing_notes(outcome)))

    stage = run_stages(matrix, spec, opts)
    log += stage.steps
    ids, z, keys = stage.ids, stage.z, matrix.index.to_frame(index=False)
    scores = keys.assign(score=stage.score)
    scores["rank"] = scores.groupby("year")["score"].rank(ascending=False, method="min").astype(int)
    pillar_scores = _pillar_scores(keys, z, stage.weights.matrix, ids, spec.pillar_of(), stage.pillars)
    wtable = _weights_table(stage.weights.table, spec)
    normalized = _long(pd.DataFrame(z, index=matrix.index, columns=ids))
    goalposts_frame = pd.DataFrame({"indicator": ids, "lower": stage.norm.lower.min(axis=0),
                                    "upper": stage.norm.upper.max(axis=0)})
    effective = effective_weights_table(wtable) if opts.hierarchy == "pillar" else None
    provenance = _provenance(panel, spec, opts, outcome, log, ids, effective)
    return IndexResult(
        scores=scores.sort_values(["code", "year"], kind="stable").reset_index(drop=True),
        pillar_scores=pillar_scores,
        weights=wtable,
        indicators=_long(matrix),
        normalized=normalized,
        goalposts=goalposts_frame,
        missing=outcome,
        spec=spec,
        options=opts.as_dict(),
        log=tuple(log),
        provenance=provenance,
        panel=panel,
        registry=registry,
        option_sources=dict(opts.sources),
    )


def _fields(opts: IndexOptions) -> dict:
    return {f: getattr(opts, f) for f in opts.__dataclass_fields__}


def missing_notes(outcome: MissingOutcome) -> tuple[str, ...]:
    """Log notes of the missing-data step: every dropped unit and indicator, imputed cells."""
    return tuple(
        [f"unit {c} dropped: {r}" for c, r in outcome.dropped_units.items()]
        + [f"indicator {i} dropped: {r}" for i, r in outcome.dropped_indicators.items()]
        + ([f"{len(outcome.imputed)} cell(s) imputed by {outcome.impute}"] if len(outcome.imputed) else [])
    )


@dataclass(frozen=True)
class Stages:
    """Output of :func:`run_stages`: normalised matrix, weights, scores and their log steps."""

    ids: list[str]
    pillars: list[str]
    years: np.ndarray
    norm: Normalized
    weights: WeightStage
    score: np.ndarray
    steps: tuple[Step, ...]

    @property
    def z(self) -> np.ndarray:
        return self.norm.values


def normalize_matrix(matrix: pd.DataFrame, spec: Spec, opts: IndexOptions) -> Normalized:
    """The normalisation stage of :func:`run_stages` on its own (goalposts resolved first)."""
    gp = None
    if opts.normalization == "fixed":
        gp = resolve_goalposts(matrix, opts.goalposts, opts.reference_years)
    return normalize_stage(matrix.to_numpy(), directions=[spec.indicator(i).direction for i in matrix.columns],
                           normalization=opts.normalization,
                           years=matrix.index.get_level_values("year").to_numpy(), goalposts=gp,
                           clip=opts.clip)


def run_stages(matrix: pd.DataFrame, spec: Spec, opts: IndexOptions, *,
               norm: Normalized | None = None, weights: WeightStage | None = None,
               log: bool = True, years: np.ndarray | None = None) -> Stages:
    """Normalise, weight and aggregate an indicator matrix (after the missing-data rule).

    The one sequence of stage calls shared by :func:`build_index` and the
    robustness engine (which passes a cached ``norm``).

    Parameters
    ----------
    matrix : DataFrame
        Indicator values, index ``(code, year)``, complete.
    spec : Spec
        Directions and pillars of the columns.
    opts : IndexOptions
    norm : Normalized, optional
        Reuse a normalisation computed with the same options (:func:`normalize_matrix`).
    weights : WeightStage, optional
        Reuse weights computed with the same options (aggregations share them).
    log : bool
        Write log notes (flagged weights); the robustness engine skips them.
    years : ndarray, optional
        The year of each row of ``matrix`` when already at hand (saves a lookup).

    Returns
    -------
    Stages

    Examples
    --------
    >>> from gmindex.options import resolve_options
    >>> from gmindex.spec import Indicator, Spec
    >>> spec = Spec(indicators=(Indicator("a", "p", "benefit", "x"), Indicator("b", "q", "cost", "y")))
    >>> m = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [5.0, 1.0, 3.0]},
    ...     index=pd.MultiIndex.from_tuples([("11", 2016), ("12", 2016), ("13", 2016)],
    ...                                     names=["code", "year"]))
    >>> st = run_stages(m, spec, resolve_options(spec, years=[2016], weighting="equal"))
    >>> st.score, [s.func for s in st.steps]
    (array([0.  , 0.75, 0.75]), ['gmindex.normalize.minmax', 'gmindex.weights.equal_weights', 'gmindex.pipeline.weighted_sum'])
    """
    ids = list(matrix.columns)
    if years is None:
        years = matrix.index.get_level_values("year").to_numpy()
    steps = []
    if norm is None:
        norm = normalize_matrix(matrix, spec, opts)
    if log:
        steps.append(Step("normalize", callable_name(lookup(NORMALIZATIONS, opts.normalization,
                                                            "normalization")),
                          {"reference": opts.normalization, "clip": opts.clip,
                           "reference_years": list(opts.reference_years) if opts.reference_years else None},
                          _normalize_notes(norm, ids, years, opts)))
    ref_rows = None
    if opts.normalization == "fixed" and opts.reference_years:
        ref_rows = np.isin(years, opts.reference_years)
    pillar_of = spec.pillar_of()
    pillars = [p for p in spec.pillar_ids if any(pillar_of[i] == p for i in ids)]
    ws = weights if weights is not None else weight_stage(
        norm.values, ids=ids, years=years, ref_rows=ref_rows, weighting=opts.weighting,
        shift=opts.shift, user=opts.weights, max_weight=opts.max_weight, hierarchy=opts.hierarchy,
        pillar_of=pillar_of, pillars=pillars, pillar_weighting=opts.pillar_weighting,
        pillar_weights=opts.pillar_weights, pillar_floor=opts.pillar_floor,
    )
    flags = tuple(_flag_notes(_weights_table(ws.table, spec), spec)) if log else ()
    steps.append(Step("weights", ws.funcs[0] if len(ws.funcs) == 1 else " then ".join(ws.funcs),
                      {"weighting": opts.weighting, "hierarchy": opts.hierarchy,
                       "pillar_weighting": opts.pillar_weighting if opts.hierarchy == "pillar" else None,
                       "pillar_floor": opts.pillar_floor if opts.hierarchy == "pillar" else None,
                       "shift": opts.shift, "max_weight": opts.max_weight,
                       "user_weights": opts.weights},
                      ws.notes + flags))
    groups = aggregation_groups(opts.normalization, opts.weighting, years)
    score = aggregate_stage(norm.values, ws, aggregation=opts.aggregation, groups=groups)
    steps.append(Step("aggregate", callable_name(lookup(AGGREGATIONS, opts.aggregation, "aggregation")),
                      {"aggregation": opts.aggregation, "within_years": groups is not None}))
    return Stages(ids, pillars, years, norm, ws, score, tuple(steps))


def _normalize_notes(norm: Normalized, ids, years, opts: IndexOptions) -> tuple[str, ...]:
    notes = []
    if opts.normalization == "pooled":
        # Users appending a year are surprised when old scores move: say why, and the remedy.
        notes.append(
            f"pooled min-max: bounds come from all years {years.min()}-{years.max()}; "
            "adding or changing a year rescales every score (use normalization='fixed' to keep "
            "earlier scores)"
        )
    if norm.constant.any():
        for g, row in zip(norm.groups, norm.constant):
            for j in np.flatnonzero(row):
                notes.append(f"{ids[j]} constant in reference set {g}: normalised to 0")
    if norm.clipped:
        notes.append(f"{norm.clipped} cell(s) beyond the fixed goalposts clipped to [0, 1]")
    return tuple(notes)


def _weights_table(table: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    wtable = table.copy()
    pillar_of = spec.pillar_of()
    wtable.insert(wtable.columns.get_loc("indicator") + 1, "pillar", wtable["indicator"].map(pillar_of))
    wtable["direction"] = wtable["indicator"].map(spec.directions())
    wtable["flagged"] = wtable["weight"] > spec.flag_weight_share
    return wtable


def _flag_notes(wtable: pd.DataFrame, spec: Spec) -> list[str]:
    return [
        f"{row.indicator} takes {row.weight:.1%} of the weight"
        + (f" in {row.year}" if "year" in wtable.columns else "")
        + f" (above {spec.flag_weight_share:.0%}): entropy rewards dispersion, check it"
        for row in wtable[wtable["flagged"]].itertuples()
    ]


def _pillar_scores(keys, z, wmat, ids, pillar_of, pillars) -> pd.DataFrame:
    frames = []
    for p in pillars:
        cols = [j for j, i in enumerate(ids) if pillar_of[i] == p]
        wp = wmat[:, cols]
        contrib = (z[:, cols] * wp).sum(axis=1)
        total = wp.sum(axis=1)
        mean_z = z[:, cols].mean(axis=1)
        sub = np.where(total > 0, contrib / np.where(total > 0, total, 1.0), mean_z)
        frames.append(keys.assign(pillar=p, score=sub, contribution=contrib))
    order = {p: k for k, p in enumerate(pillars)}
    return pd.concat(frames, ignore_index=True).sort_values(
        ["pillar", "code", "year"], kind="stable",
        key=lambda s: s.map(order) if s.name == "pillar" else s,
    ).reset_index(drop=True)


def effective_weights_table(weights: pd.DataFrame) -> pd.DataFrame:
    """Effective weights of a hierarchical build, with a total row per pillar.

    Columns ``pillar, indicator, weight_within_pillar, pillar_weight,
    effective_weight``; after each pillar's indicators a row with
    ``indicator = "(pillar total)"`` sums its effective weights.

    Examples
    --------
    >>> import pandas as pd
    >>> w = pd.DataFrame({"indicator": ["a", "b", "c"], "pillar": ["p", "p", "q"],
    ...                   "weight_within_pillar": [0.75, 0.25, 1.0], "pillar_weight": [0.4, 0.4, 0.6],
    ...                   "weight": [0.3, 0.1, 0.6]})
    >>> effective_weights_table(w)["effective_weight"].tolist()
    [0.3, 0.1, 0.4, 0.6, 0.6]
    """
    if "weight_within_pillar" not in weights.columns:
        raise ValueError("effective weights exist only for hierarchy='pillar' builds")
    rows = []
    for pillar, part in weights.groupby("pillar", sort=False):
        for r in part.itertuples():
            rows.append((pillar, r.indicator, r.weight_within_pillar, r.pillar_weight, r.weight))
        rows.append((pillar, "(pillar total)", float(part["weight_within_pillar"].sum()),
                     float(part["pillar_weight"].iloc[0]), float(part["weight"].sum())))
    return pd.DataFrame(rows, columns=["pillar", "indicator", "weight_within_pillar",
                                       "pillar_weight", "effective_weight"])


def _long(matrix: pd.DataFrame) -> pd.DataFrame:
    """Long table ordered by indicator (column order), code, year: the columns stacked."""
    if not matrix.index.is_monotonic_increasing:
        matrix = matrix.sort_index(kind="stable")
    n, k = matrix.shape
    keys = matrix.index
    return pd.DataFrame({
        "code": np.tile(keys.get_level_values(0).to_numpy(), k),
        "year": np.tile(keys.get_level_values(1).to_numpy(), k),
        "indicator": np.repeat(matrix.columns.to_numpy(), n),
        "value": matrix.to_numpy().ravel(order="F"),
    })


def _provenance(panel, spec, opts, outcome, log, ids, effective) -> dict:
    options = opts.as_dict()
    used_series = {s for i in ids for s in spec.indicator(i).series}
    in_spec = (
        panel["indicator"].isin(spec.series_ids) & panel["year"].isin(options["years"])
    )
    kept_units = set(outcome.matrix.index.get_level_values("code"))
    used = in_spec & panel["indicator"].isin(used_series) & panel["code"].isin(kept_units)
    dropped_unit = in_spec & ~panel["code"].isin(kept_units)
    dropped_ind = in_spec & panel["code"].isin(kept_units) & ~panel["indicator"].isin(used_series)
    cells = {
        "panel_rows": int(len(panel)),
        "outside_spec": int((~in_spec).sum()),
        "read_for_spec": int(in_spec.sum()),
        "used": int(used.sum()),
        "dropped_with_unit": int(dropped_unit.sum()),
        "dropped_with_indicator": int(dropped_ind.sum()),
        "indicator_cells_missing": int(len(outcome.missing)),
        "indicator_cells_imputed": int(len(outcome.imputed)),
    }
    assert cells["read_for_spec"] == cells["used"] + cells["dropped_with_unit"] + cells["dropped_with_indicator"]
    source = panel.attrs.get("source") if hasattr(panel, "attrs") else None
    gp = options["goalposts"]
    if isinstance(gp, pd.DataFrame):
        gp = {r.indicator: [r.lower, r.upper] for r in gp.itertuples()}
    return {
        "package": "gmindex",
        "version": gmindex.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "spec_id": spec.id,
        "spec_source": spec.source,
        "spec_sha256": spec.sha256,
        "data_source": str(source) if source else "<DataFrame>",
        "data_sha256": panel_sha256(panel),
        "options": {**options, "goalposts": gp},
        "option_sources": dict(opts.sources),
        "effective_weights": None if effective is None else effective.to_dict("records"),
        "indicators": ids,
        "units_used": sorted(outcome.matrix.index.get_level_values("code").unique().tolist()),
        "units_dropped": dict(outcome.dropped_units),
        "indicators_dropped": dict(outcome.dropped_indicators),
        "imputed_cells": outcome.imputed.to_dict("records") if len(outcome.imputed) else [],
        "cells": cells,
        "log": [
            {"name": s.name, "func": s.func, "params": dict(s.params), "notes": list(s.notes)}
            for s in log
        ],
    }
