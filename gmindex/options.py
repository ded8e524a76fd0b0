"""Construction options of the index: one frozen record, validated once, with its origins.

Each option comes from (in this order) an explicit argument of
:func:`gmindex.index.build_index` (``"caller"``), the ``[index]`` table of
the spec (``"spec"``, keys in :data:`METHOD_KEYS`) or the package default
(``"default"``, :data:`DEFAULTS`).  :attr:`IndexOptions.sources` records
which, and the provenance of every result carries it.

Examples
--------
>>> from gmindex.spec import Indicator, Spec
>>> spec = Spec(indicators=(Indicator("a", "p", "cost", "x"),),
...             method={"hierarchy": "pillar"})
>>> opts = resolve_options(spec, years=[2016], aggregation="topsis")
>>> opts.hierarchy, opts.sources["hierarchy"], opts.sources["aggregation"], opts.sources["weighting"]
('pillar', 'spec', 'caller', 'default')
>>> resolve_options(spec, years=[2016], weighting="entropi")
Traceback (most recent call last):
...
ValueError: weighting 'entropi' is not known; use one of: critic, entropy, entropy_per_year, equal, gini, std, user
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, Mapping

from gmindex.errors import SpecError
from gmindex.pipeline import NORMALIZATIONS, PILLAR_WEIGHTINGS, WEIGHTINGS, AGGREGATIONS, lookup

__all__ = ["DEFAULTS", "HIERARCHIES", "METHOD_KEYS", "IndexOptions", "check_method", "resolve_options"]

HIERARCHIES = ("flat", "pillar")

METHOD_KEYS = (
    "hierarchy", "weighting", "pillar_weighting", "pillar_floor", "normalization",
    "aggregation", "shift", "max_weight", "reference_years",
)
"""Keys of ``[index]`` that set construction options (defaults for build_index)."""

DEFAULTS: dict[str, Any] = {
    "normalization": "pooled",
    "goalposts": None,
    "reference_years": None,
    "clip": True,
    "weighting": "entropy",
    "weights": None,
    "shift": 0.0,
    "hierarchy": "flat",
    "pillar_weighting": "equal",
    "pillar_weights": None,
    "pillar_floor": None,
    "max_weight": None,
    "aggregation": "sum",
}
"""Package defaults of the construction options."""

_TABLES = {
    "normalization": NORMALIZATIONS,
    "weighting": WEIGHTINGS,
    "pillar_weighting": PILLAR_WEIGHTINGS,
    "aggregation": AGGREGATIONS,
    "hierarchy": dict.fromkeys(HIERARCHIES),
}


@dataclass(frozen=True, eq=False)
class IndexOptions:
    """Every option of an index build, checked together once on creation.

    See :func:`gmindex.index.build_index` for the meaning of each field.
    ``missing``/``impute`` come from the spec unless overridden.
    """

    years: tuple[int, ...]
    missing: str
    impute: str
    normalization: str = "pooled"
    goalposts: Any = None
    reference_years: tuple[int, ...] | None = None
    clip: bool = True
    weighting: str = "entropy"
    weights: Mapping[str, float] | None = None
    shift: float = 0.0
    hierarchy: str = "flat"
    pillar_weighting: str = "equal"
    pillar_weights: Mapping[str, float] | None = None
    pillar_floor: float | None = None
    max_weight: float | None = None
    aggregation: str = "sum"
    #: values flagged as implausible that the caller keeps knowingly ("FILE:ROW" or "CODE,YEAR,SERIES")
    accept: tuple[str, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check(self)

    def as_dict(self) -> dict[str, Any]:
        """The options as a plain dict (``IndexResult.options``), without their sources."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "sources"}
        out["years"] = list(self.years)
        out["reference_years"] = list(self.reference_years) if self.reference_years else None
        out["accept"] = list(self.accept)
        return out


def _check(o: IndexOptions) -> None:
    for key, table in _TABLES.items():
        lookup(table, getattr(o, key), key)

    def said(key: str) -> bool:
        # Inconsistent options are errors only when the caller gave them: a spec may set
        # pillar options that a caller's hierarchy="flat" then leaves unused.
        return o.sources.get(key) == "caller"

    problems = []
    if o.weighting == "user" and not o.weights:
        problems.append("weighting='user' needs weights={indicator: weight, ...} "
                        "(or 'weight' in each [[indicator]] of the spec)")
    if o.normalization == "fixed" and o.goalposts is None and not o.reference_years:
        problems.append(
            "normalization='fixed' needs goalposts (indicator -> (lower, upper), e.g. "
            "result.goalposts of an earlier build) or reference_years=[...]"
        )
    if o.hierarchy == "pillar":
        if WEIGHTINGS[o.weighting].per_year:
            problems.append(f"hierarchy='pillar' cannot use weighting={o.weighting!r} "
                            "(weights per year); use a pooled weighting within pillars")
        if o.max_weight is not None:
            problems.append("max_weight caps flat weights; it cannot be combined with "
                            "hierarchy='pillar' (use pillar_weighting='entropy_floor')")
        if o.pillar_weighting == "fixed" and not o.pillar_weights:
            problems.append("pillar_weighting='fixed' needs pillar_weights={pillar: weight} "
                            "(or 'weight' in each [[pillar]] of the spec)")
        if o.pillar_weighting == "entropy_floor" and o.pillar_floor is None:
            problems.append("pillar_weighting='entropy_floor' needs pillar_floor (e.g. 0.10)")
    elif said("pillar_weighting") or said("pillar_floor") or said("pillar_weights"):
        problems.append("pillar_weighting, pillar_weights and pillar_floor need hierarchy='pillar'")
    if o.pillar_floor is not None and not 0 < float(o.pillar_floor) < 1:
        problems.append(f"pillar_floor must be in (0, 1), got {o.pillar_floor}")
    if said("pillar_floor") and o.pillar_weighting != "entropy_floor":
        problems.append("pillar_floor needs pillar_weighting='entropy_floor'")
    if not (o.shift >= 0 and math.isfinite(o.shift)):
        problems.append(f"shift must be finite and >= 0, got {o.shift}")
    if o.max_weight is not None and not 0 < o.max_weight <= 1:
        problems.append(f"max_weight must be in (0, 1], got {o.max_weight}")
    if problems:
        raise ValueError("; ".join(problems))


def resolve_options(spec, *, years=None, missing=None, impute=None, accept=(),
                    **given: Any) -> IndexOptions:
    """Options from caller arguments (not None), the spec's ``[index]`` keys and the defaults.

    Parameters
    ----------
    spec : Spec
    years : sequence of int, optional
        Default: the spec's years.
    missing, impute : str, optional
        Default: the spec's rule.
    accept : sequence of str
        Flagged values kept knowingly (caller only; never from a spec).
    **given
        Any key of :data:`DEFAULTS`; None means "not given".

    Returns
    -------
    IndexOptions
    """
    unknown = [k for k in given if k not in DEFAULTS]
    if unknown:
        raise TypeError(f"unknown option(s) {unknown}; known: {sorted(DEFAULTS)}")
    values, sources = {}, {}
    method = dict(spec.method)
    implied = {}
    if spec.pillar_weights():
        implied["pillar_weights"] = spec.pillar_weights()
    if spec.user_weights():
        implied["weights"] = spec.user_weights()
    for key, default in DEFAULTS.items():
        if given.get(key) is not None:
            values[key], sources[key] = given[key], "caller"
        elif key in method:
            values[key], sources[key] = method[key], "spec"
        elif key in implied:
            values[key], sources[key] = implied[key], "spec"
        else:
            values[key], sources[key] = default, "default"
    for key in ("weights", "pillar_weights"):
        if values[key] is not None:
            values[key] = dict(values[key])
    if values["reference_years"]:
        values["reference_years"] = tuple(int(y) for y in values["reference_years"])
    values["shift"] = float(values["shift"])
    if values["pillar_floor"] is not None:
        values["pillar_floor"] = float(values["pillar_floor"])
    yrs = tuple(int(y) for y in (years or spec.years or ()))
    sources["years"] = "caller" if years else "spec"
    sources["missing"] = "caller" if missing else "spec"
    sources["impute"] = "caller" if impute else "spec"
    sources["accept"] = "caller" if accept else "default"
    return IndexOptions(years=yrs, missing=missing or spec.missing, impute=impute or spec.impute,
                        accept=tuple(sorted(str(a) for a in accept)), sources=sources, **values)


def check_method(spec) -> None:
    """Check the ``[index]`` method keys and the weights given in a spec (before any data).

    Raises :class:`gmindex.spec.SpecError` naming the file and key.
    """
    where = f"{spec.source}: [index]"
    m = spec.method
    for key, table in _TABLES.items():
        if key in m:
            try:
                lookup(table, m[key], key)
            except ValueError as exc:
                raise SpecError(f"{where} {exc}") from None
    for key in ("pillar_floor", "shift", "max_weight"):
        if key in m and (isinstance(m[key], bool) or not isinstance(m[key], (int, float))):
            raise SpecError(f"{where} {key} must be a number, got {m[key]!r}")
    if "pillar_floor" in m and m.get("pillar_weighting") != "entropy_floor":
        raise SpecError(f"{where} pillar_floor = {m['pillar_floor']} is used only with "
                        "pillar_weighting = \"entropy_floor\"; set that or remove pillar_floor")
    used = spec.pillar_ids
    given = spec.pillar_weights()
    if given or m.get("pillar_weighting") == "fixed":
        lacking = [p for p in used if p not in given]
        if lacking:
            raise SpecError(f"{spec.source}: [[pillar]] {lacking} have no 'weight'; fixed pillar "
                            "weights need one for every pillar")
        total = sum(given[p] for p in used)
        if abs(total - 1.0) > 1e-9:
            raise SpecError(
                f"{spec.source}: [[pillar]] weights sum to {total:.12g}, not 1 (tolerance 1e-9); "
                "nothing is rescaled silently: make them sum to 1"
            )
    user = spec.user_weights()
    if user or m.get("weighting") == "user":
        lacking = [i for i in spec.indicator_ids if i not in user]
        if lacking:
            raise SpecError(f"{spec.source}: [[indicator]] {lacking} have no 'weight'; user "
                            "weights need one for every indicator")
        pillar_of = spec.pillar_of()
        groups = ({p: [i for i in user if pillar_of[i] == p] for p in used}
                  if m.get("hierarchy") == "pillar" else {"all indicators": list(user)})
        for name, members in groups.items():
            total = sum(user[i] for i in members)
            if abs(total - 1.0) > 1e-9:
                scope = f"within pillar {name!r}" if name != "all indicators" else "over all indicators"
                raise SpecError(
                    f"{spec.source}: [[indicator]] weights {scope} sum to {total:.12g}, not 1 "
                    "(tolerance 1e-9); nothing is rescaled silently: make them sum to 1"
                )
    try:
        resolve_options(spec, years=spec.years or (0,))
    except ValueError as exc:
        raise SpecError(f"{where} {exc}") from None
