"""The choice space of the robustness Monte Carlo: factors, their values and probabilities."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from gmindex.index import IndexResult
from gmindex.pipeline import AGGREGATIONS, NORMALIZATIONS, WEIGHTINGS

FACTORS = ("normalization", "weighting", "aggregation", "shift", "leave_out", "missing")
NORMALIZATION_CHOICES = ("pooled", "per_year", "fixed")
WEIGHTING_CHOICES = ("entropy", "entropy_per_year", "equal", "critic", "perturbed_entropy")
AGGREGATION_CHOICES = ("sum", "topsis")
MISSING_CHOICES = (
    "drop_unit", "drop_indicator", "impute:linear", "impute:unit_mean", "impute:year_mean",
)
DEFAULT_SHIFTS = (0.0, 0.0001, 0.01)
DEFAULT_CONCENTRATION = 100.0


# --------------------------------------------------------------------------- choices


def default_choices(spec, *, hierarchy: str = "flat") -> dict[str, dict[Any, float]]:
    """The documented choice space: factor -> {value: probability}.

    With ``hierarchy="pillar"`` the per-year weightings are left out (pillar
    weights need one pooled weight vector within each pillar).

    Examples
    --------
    >>> from gmindex.datasets import load_default_spec
    >>> ch = default_choices(load_default_spec())
    >>> ch["weighting"]["critic"], ch["leave_out"]["none"]
    (0.2, 0.5)
    >>> [v for v in ch["leave_out"] if v.startswith("pillar:")]
    ['pillar:pollution', 'pillar:green_system', 'pillar:innovation', 'pillar:structure']
    """
    pillar_of = spec.pillar_of()
    sizes = pd.Series(pillar_of).value_counts()
    drops = [f"indicator:{i}" for i in spec.indicator_ids] + [
        f"pillar:{p}" for p in spec.pillar_ids if sizes.get(p, 0) >= 2
    ]
    missing = spec.missing if spec.missing != "impute" else f"impute:{spec.impute}"
    weightings = [w for w in WEIGHTING_CHOICES
                  if hierarchy == "flat" or not (w in WEIGHTINGS and WEIGHTINGS[w].per_year)]
    return {
        "normalization": _uniform(NORMALIZATION_CHOICES),
        "weighting": _uniform(weightings),
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
    >>> from gmindex.index import build_index
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


def _resolve_choices(choices, spec, *, hierarchy: str = "flat") -> _Space:
    space = default_choices(spec, hierarchy=hierarchy)
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
    # Any method of the stage tables may be drawn (a method added there needs no change here);
    # user weights are not a method choice (they need weights for every draw's indicators).
    allowed = {
        "normalization": tuple(NORMALIZATIONS),
        "weighting": tuple(w for w in WEIGHTINGS if w != "user") + ("perturbed_entropy",),
        "aggregation": tuple(AGGREGATIONS),
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

