"""Build the composite index: derive, resolve missing data, normalise, weight, aggregate.

:func:`build_index` is the one entry point; every option is recorded in the
result's log and provenance, so that a result can be replayed with one
option changed (:meth:`IndexResult.replay`), which the robustness analysis
builds on.

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
from gmindex import weights as wmod
from gmindex.derive import derive_indicators
from gmindex.missing import MissingOutcome, apply_missing_rule
from gmindex.normalize import REFERENCES, minmax
from gmindex.provinces import Registry, default_registry
from gmindex.spec import Spec
from gmindex.topsis import topsis_closeness

__all__ = [
    "AGGREGATIONS",
    "HIERARCHIES",
    "WEIGHTINGS",
    "IndexResult",
    "Step",
    "build_index",
    "panel_sha256",
]

WEIGHTINGS = ("entropy", "entropy_per_year", "equal", "critic", "user")
AGGREGATIONS = ("sum", "topsis")
HIERARCHIES = ("flat", "pillar")


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

    def __repr__(self) -> str:
        years = sorted(self.scores["year"].unique())
        return (
            f"IndexResult({self.spec.id}: {self.scores['code'].nunique()} units x "
            f"{len(years)} years {years[0]}-{years[-1]}, "
            f"{len(self.normalized['indicator'].unique())} indicators, "
            f"weighting={self.options['weighting']}, "
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
        options = {**self.options, **changes}
        return build_index(self.panel, spec, registry=self.registry, **options)

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


def _check_options(options: dict, spec: Spec) -> None:
    allowed = {
        "normalization": REFERENCES,
        "weighting": WEIGHTINGS,
        "aggregation": AGGREGATIONS,
        "hierarchy": HIERARCHIES,
    }
    for key, values in allowed.items():
        if options[key] not in values:
            raise ValueError(f"{key}={options[key]!r} is not known; use one of {values}")
    if options["weighting"] == "user" and not options["weights"]:
        raise ValueError("weighting='user' needs weights={indicator: weight, ...}")
    if options["normalization"] == "fixed" and not (
        options["goalposts"] is not None or options["reference_years"]
    ):
        raise ValueError(
            "normalization='fixed' needs goalposts (indicator -> (lower, upper), e.g. "
            "result.goalposts of an earlier build) or reference_years=[...]"
        )
    if options["hierarchy"] == "pillar" and options["weighting"] in ("entropy_per_year", "user"):
        raise ValueError("hierarchy='pillar' works with entropy, critic or equal weighting")
    if options["max_weight"] is not None and options["hierarchy"] == "pillar":
        raise ValueError("max_weight caps flat weights; it cannot be combined with hierarchy='pillar'")
    if options["shift"] < 0:
        raise ValueError("shift must be >= 0")


def _check_panel(panel: pd.DataFrame, registry: Registry, spec: Spec, accept=()) -> pd.DataFrame:
    from gmindex.validation import prepare_panel

    return prepare_panel(panel, spec=spec, registry=registry, accept=accept)


def _goalposts(options, matrix, years):
    ids = list(matrix.columns)
    gp = options["goalposts"]
    if gp is None:
        ref = matrix[years.isin(options["reference_years"])]
        if ref.empty:
            raise ValueError(
                f"reference_years {options['reference_years']} are not in the data"
            )
        return np.vstack([ref.min().to_numpy(), ref.max().to_numpy()])
    if isinstance(gp, pd.DataFrame):
        gp = {r.indicator: (r.lower, r.upper) for r in gp.itertuples()}
    missing = [i for i in ids if i not in gp]
    if missing:
        raise ValueError(f"goalposts lack indicator(s) {missing}")
    return np.array([[gp[i][0] for i in ids], [gp[i][1] for i in ids]], dtype=float)


def _flat_weights(z, ids, options, years, notes):
    """Weights table rows and the (n_obs, m) weight matrix for flat weighting."""
    m = z.shape[1]
    kind = options["weighting"]
    nan = np.full(m, np.nan)
    ref_rows = np.ones(len(z), dtype=bool)
    if options["normalization"] == "fixed" and options["reference_years"]:
        ref_rows = np.isin(years, options["reference_years"])
    if kind == "entropy_per_year":
        tables, wmat = [], np.empty_like(z)
        for year in sorted(set(years.tolist())):
            rows = years == year
            ew = wmod.entropy_weights(z[rows], shift=options["shift"], labels=ids)
            wmat[rows] = ew.weights
            tables.append(
                pd.DataFrame(
                    {"year": year, "indicator": ids, "entropy": ew.entropy,
                     "divergence": ew.divergence, "weight": ew.weights}
                )
            )
        return pd.concat(tables, ignore_index=True), wmat
    if kind == "entropy":
        ew = wmod.entropy_weights(z[ref_rows], shift=options["shift"], labels=ids)
        table = {"entropy": ew.entropy, "divergence": ew.divergence, "weight": ew.weights}
    elif kind == "critic":
        table = {"entropy": nan, "divergence": nan, "weight": wmod.critic_weights(z[ref_rows], labels=ids)}
    elif kind == "equal":
        table = {"entropy": nan, "divergence": nan, "weight": wmod.equal_weights(m)}
    else:
        table = {"entropy": nan, "divergence": nan, "weight": wmod.user_weights(options["weights"], ids)}
    if options["max_weight"] is not None:
        before = table["weight"]
        table["weight"] = wmod.cap_weights(before, max_share=options["max_weight"])
        capped = [i for i, b, a in zip(ids, before, table["weight"]) if b > a + 1e-15]
        notes.append(f"weights capped at {options['max_weight']}: {capped}")
    frame = pd.DataFrame({"indicator": ids, **table})
    return frame, np.tile(frame["weight"].to_numpy(), (len(z), 1))


def _pillar_weights(z, ids, pillar_of, pillars, options, notes):
    """Hierarchical weights: within each pillar, then across pillar sub-scores."""
    within = np.zeros(len(ids))
    entropy = np.full(len(ids), np.nan)
    divergence = np.full(len(ids), np.nan)
    sub = np.empty((len(z), len(pillars)))
    for k, p in enumerate(pillars):
        cols = [j for j, i in enumerate(ids) if pillar_of[i] == p]
        block = z[:, cols]
        if len(cols) == 1:
            w = np.ones(1)
        elif options["weighting"] == "entropy":
            ew = wmod.entropy_weights(block, shift=options["shift"], labels=[ids[j] for j in cols])
            w, entropy[cols], divergence[cols] = ew.weights, ew.entropy, ew.divergence
        elif options["weighting"] == "critic":
            w = wmod.critic_weights(block, labels=[ids[j] for j in cols])
        else:
            w = wmod.equal_weights(len(cols))
        within[cols] = w
        sub[:, k] = block @ w
    if options["weighting"] == "entropy":
        pw = wmod.entropy_weights(sub, shift=options["shift"], labels=pillars).weights
    elif options["weighting"] == "critic":
        pw = wmod.critic_weights(sub, labels=pillars)
    else:
        pw = wmod.equal_weights(len(pillars))
    pillar_w = dict(zip(pillars, pw))
    final = np.array([within[j] * pillar_w[pillar_of[i]] for j, i in enumerate(ids)])
    notes.append("hierarchical weights: " + ", ".join(f"{p}={w:.4f}" for p, w in pillar_w.items()))
    frame = pd.DataFrame(
        {"indicator": ids, "entropy": entropy, "divergence": divergence,
         "weight_within_pillar": within, "pillar_weight": [pillar_w[pillar_of[i]] for i in ids],
         "weight": final}
    )
    return frame, np.tile(final, (len(z), 1))


def build_index(
    panel: pd.DataFrame,
    spec: Spec,
    *,
    registry: Registry | None = None,
    years: Sequence[int] | None = None,
    normalization: str = "pooled",
    goalposts: Mapping[str, tuple[float, float]] | pd.DataFrame | None = None,
    reference_years: Sequence[int] | None = None,
    clip: bool = True,
    weighting: str = "entropy",
    weights: Mapping[str, float] | None = None,
    shift: float = 0.0,
    hierarchy: str = "flat",
    max_weight: float | None = None,
    aggregation: str = "sum",
    missing: str | None = None,
    impute: str | None = None,
    accept: Sequence[str] = (),
) -> IndexResult:
    """Build the composite index from a long raw panel and an indicator spec.

    Parameters
    ----------
    panel : DataFrame
        Long raw panel ``code, year, indicator, value`` (``indicator`` = raw
        series id).  Validated first: problems raise with every issue listed.
    spec : Spec
        Indicator definitions, years and the default missing-data rule.
    registry : Registry, optional
        Units and regions; default the 31 provinces.  Pass your own for cities.
    years : sequence of int, optional
        Override the spec's years.
    normalization : {"pooled", "per_year", "fixed"}
        Reference set of min-max normalisation (METHODS.md section 2).
    goalposts : mapping or DataFrame, optional
        Fixed bounds per indicator (``indicator -> (lower, upper)`` or a frame
        like ``IndexResult.goalposts``).
    reference_years : sequence of int, optional
        With ``normalization="fixed"`` and no goalposts: take the bounds (and
        the entropy reference set) from these years only, so that appending
        later years leaves earlier scores unchanged.
    clip : bool
        Clip values beyond fixed goalposts to [0, 1] (counted in the log).
    weighting : {"entropy", "entropy_per_year", "equal", "critic", "user"}
    weights : mapping, optional
        Indicator -> weight for ``weighting="user"``.
    shift : float
        Added to normalised values before entropy shares (replication of papers
        that use 0.0001 or 0.01); scores use the unshifted values.
    hierarchy : {"flat", "pillar"}
        Flat weights over all indicators (default), or weights within pillars
        and pillar weights from the pillar sub-scores.
    max_weight : float, optional
        Cap any indicator's weight at this share (remedy for entropy's taste for
        sparse indicators); the excess goes to the others proportionally.
    aggregation : {"sum", "topsis"}
        Weighted sum (default) or entropy-TOPSIS closeness.
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
    >>> res = build_index(panel, spec, weighting="equal")
    >>> res.scores.columns.tolist(), res.weights["weight"].round(4).unique().tolist()
    (['code', 'year', 'score', 'rank'], [0.125])
    >>> [step.name for step in res.log]
    ['derive', 'missing', 'normalize', 'weights', 'aggregate']
    """
    registry = registry or default_registry()
    options = {
        "years": [int(y) for y in (years or spec.years or sorted(panel["year"].unique()))],
        "normalization": normalization,
        "goalposts": goalposts,
        "reference_years": [int(y) for y in reference_years] if reference_years else None,
        "clip": clip,
        "weighting": weighting,
        "weights": dict(weights) if weights else None,
        "shift": float(shift),
        "hierarchy": hierarchy,
        "max_weight": max_weight,
        "aggregation": aggregation,
        "missing": missing or spec.missing,
        "impute": impute or spec.impute,
        "accept": sorted(str(a) for a in accept),
    }
    _check_options(options, spec)
    panel = _check_panel(panel, registry, spec, options["accept"])
    log: list[Step] = []

    derived = derive_indicators(panel, spec, codes=registry.codes, years=options["years"])
    log.append(Step("derive", "gmindex.derive.derive_indicators",
                    {"years": options["years"], "units": len(registry)}, derived.notes))

    outcome = apply_missing_rule(derived.matrix, rule=options["missing"], impute=options["impute"])
    miss_notes = tuple(
        [f"unit {c} dropped: {r}" for c, r in outcome.dropped_units.items()]
        + [f"indicator {i} dropped: {r}" for i, r in outcome.dropped_indicators.items()]
        + ([f"{len(outcome.imputed)} cell(s) imputed by {outcome.impute}"] if len(outcome.imputed) else [])
    )
    log.append(Step("missing", "gmindex.missing.apply_missing_rule",
                    {"rule": outcome.rule, "impute": outcome.impute}, miss_notes))
    matrix = outcome.matrix
    if matrix.empty or matrix.shape[1] == 0:
        raise ValueError(
            f"no data left after the missing-data rule {outcome.rule!r}: " + "; ".join(miss_notes)
        )
    ids = list(matrix.columns)
    directions = [spec.indicator(i).direction for i in ids]
    years_arr = matrix.index.get_level_values("year").to_numpy()

    gp = None
    if options["normalization"] == "fixed":
        gp = _goalposts(options, matrix, matrix.index.get_level_values("year"))
    norm = minmax(matrix.to_numpy(), directions=directions, reference=options["normalization"],
                  groups=years_arr, goalposts=gp, clip=options["clip"])
    norm_notes = []
    if options["normalization"] == "pooled":
        # Users appending a year are surprised when old scores move: say why, and the remedy.
        norm_notes.append(
            f"pooled min-max: bounds come from all years {years_arr.min()}-{years_arr.max()}; "
            "adding or changing a year rescales every score (use normalization='fixed' to keep "
            "earlier scores)"
        )
    if norm.constant.any():
        for g, row in zip(norm.groups, norm.constant):
            for j in np.flatnonzero(row):
                norm_notes.append(f"{ids[j]} constant in reference set {g}: normalised to 0")
    if norm.clipped:
        norm_notes.append(f"{norm.clipped} cell(s) beyond the fixed goalposts clipped to [0, 1]")
    log.append(Step("normalize", "gmindex.normalize.minmax",
                    {"reference": options["normalization"], "clip": options["clip"],
                     "reference_years": options["reference_years"]}, tuple(norm_notes)))
    z = norm.values

    weight_notes: list[str] = []
    pillar_of = spec.pillar_of()
    pillars = [p for p in spec.pillar_ids if any(pillar_of[i] == p for i in ids)]
    if options["hierarchy"] == "pillar":
        wtable, wmat = _pillar_weights(z, ids, pillar_of, pillars, options, weight_notes)
    else:
        wtable, wmat = _flat_weights(z, ids, options, years_arr, weight_notes)
    wtable.insert(wtable.columns.get_loc("indicator") + 1, "pillar", wtable["indicator"].map(pillar_of))
    wtable["direction"] = wtable["indicator"].map(spec.directions())
    wtable["flagged"] = wtable["weight"] > spec.flag_weight_share
    for row in wtable[wtable["flagged"]].itertuples():
        weight_notes.append(
            f"{row.indicator} takes {row.weight:.1%} of the weight"
            + (f" in {row.year}" if "year" in wtable.columns else "")
            + f" (above {spec.flag_weight_share:.0%}): entropy rewards dispersion, check it"
        )
    log.append(Step("weights", f"gmindex.weights.{options['weighting']}",
                    {"weighting": options["weighting"], "hierarchy": options["hierarchy"],
                     "shift": options["shift"], "max_weight": options["max_weight"],
                     "user_weights": options["weights"]}, tuple(weight_notes)))

    if options["aggregation"] == "sum":
        score = (z * wmat).sum(axis=1)
    else:
        score = topsis_closeness(
            z, wmat[0] if options["weighting"] != "entropy_per_year" else wmat,
            groups=years_arr if options["normalization"] == "per_year"
            or options["weighting"] == "entropy_per_year" else None,
        )
    log.append(Step("aggregate", f"gmindex.index.{options['aggregation']}",
                    {"aggregation": options["aggregation"]}))

    keys = matrix.index.to_frame(index=False)
    scores = keys.assign(score=np.clip(score, 0.0, 1.0))
    scores["rank"] = (
        scores.groupby("year")["score"].rank(ascending=False, method="min").astype(int)
    )
    pillar_frames = []
    for p in pillars:
        cols = [j for j, i in enumerate(ids) if pillar_of[i] == p]
        wp = wmat[:, cols]
        contrib = (z[:, cols] * wp).sum(axis=1)
        total = wp.sum(axis=1)
        mean_z = z[:, cols].mean(axis=1)
        sub = np.where(total > 0, contrib / np.where(total > 0, total, 1.0), mean_z)
        pillar_frames.append(keys.assign(pillar=p, score=sub, contribution=contrib))
    pillar_scores = pd.concat(pillar_frames, ignore_index=True).sort_values(
        ["pillar", "code", "year"], kind="stable", key=lambda s: s.map({p: k for k, p in enumerate(pillars)}) if s.name == "pillar" else s
    ).reset_index(drop=True)

    normalized = _long(pd.DataFrame(z, index=matrix.index, columns=ids))
    indicators = _long(matrix)
    goalposts_frame = pd.DataFrame(
        {"indicator": ids, "lower": norm.lower.min(axis=0), "upper": norm.upper.max(axis=0)}
    )
    provenance = _provenance(panel, spec, options, outcome, derived, log, ids)
    return IndexResult(
        scores=scores.sort_values(["code", "year"], kind="stable").reset_index(drop=True),
        pillar_scores=pillar_scores,
        weights=wtable,
        indicators=indicators,
        normalized=normalized,
        goalposts=goalposts_frame,
        missing=outcome,
        spec=spec,
        options=options,
        log=tuple(log),
        provenance=provenance,
        panel=panel,
        registry=registry,
    )


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


def _provenance(panel, spec, options, outcome, derived, log, ids) -> dict:
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
