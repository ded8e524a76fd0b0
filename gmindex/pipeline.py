"""The stages of the index, each chosen by name from a table (METHODS.md sections 2-5).

:func:`gmindex.index.build_index` and the robustness engine
(:mod:`gmindex.robustness`) call the same stage functions:

1. :func:`normalize_stage` -- min-max against a reference set, from
   :data:`NORMALIZATIONS` (``pooled``, ``per_year``, ``fixed``);
2. :func:`weight_stage` -- indicator weights from :data:`WEIGHTINGS`
   (flat, or within pillars), an optional cap, and with
   ``hierarchy="pillar"`` pillar weights from :data:`PILLAR_WEIGHTINGS`;
3. :func:`aggregate_stage` -- a composite score from :data:`AGGREGATIONS`.

Adding a method is one table entry.  Signatures:

``NORMALIZATIONS[name] = func``
    ``func(values, *, directions, years, goalposts, clip) -> Normalized``:
    raw values ``(n_obs, m)``, ``"benefit"``/``"cost"`` per column, the year
    of each row, fixed bounds ``(2, m)`` or None; returns benefit-oriented
    values with the bounds used (:class:`~gmindex.normalize.Normalized`).
``WEIGHTINGS[name] = Weighting(func, per_year=False)``
    ``func(z, *, labels, shift, user) -> ndarray | EntropyWeights``: ``z`` is
    the normalised benefit-oriented matrix of the reference set
    ``(n_obs, m)``, ``labels`` the ``m`` indicator ids, ``shift`` the entropy
    shift, ``user`` the user weights (mapping id -> weight) or None.  Returns
    ``m`` weights summing to 1 (an :class:`~gmindex.weights.EntropyWeights`
    also reports entropy and divergence).  ``per_year=True`` applies ``func``
    to each year's cross-section.
``PILLAR_WEIGHTINGS[name] = func``
    ``func(sub, *, labels, shift, fixed, floor) -> ndarray``: ``sub`` holds
    the pillar sub-scores ``(n_obs, k)``, ``fixed`` the fixed pillar weights
    (mapping) or None, ``floor`` the minimum pillar weight or None.
``AGGREGATIONS[name] = func``
    ``func(z, w, *, groups) -> ndarray (n_obs,)``: ``w`` is ``(m,)`` or
    ``(n_obs, m)``; ``groups`` the year of each row when ideals or
    benchmarks are taken within years, else None.

An unknown name raises a ``ValueError`` listing the known ones
(:func:`lookup`).

Examples
--------
>>> import numpy as np
>>> z = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])
>>> AGGREGATIONS["sum"](z, np.array([0.25, 0.75]), groups=None)
array([0.75, 0.25, 0.5 ])
>>> lookup(WEIGHTINGS, "entropi", "weighting")
Traceback (most recent call last):
...
ValueError: weighting 'entropi' is not known; use one of: critic, entropy, entropy_per_year, equal, gini, std, user
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from gmindex import weights as wmod
from gmindex.normalize import Normalized, minmax
from gmindex.topsis import topsis_closeness

__all__ = [
    "AGGREGATIONS",
    "NORMALIZATIONS",
    "PILLAR_WEIGHTINGS",
    "WEIGHTINGS",
    "WeightStage",
    "Weighting",
    "aggregate_stage",
    "aggregation_groups",
    "callable_name",
    "entropy_floor_weights",
    "lookup",
    "normalize_stage",
    "weight_stage",
    "weighted_sum",
]


def lookup(table: Mapping[str, Any], name: str, what: str):
    """The entry ``name`` of a method table, or a ValueError listing the known names."""
    try:
        return table[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"{what} {name!r} is not known; use one of: {', '.join(sorted(table))}"
        ) from None


def callable_name(func: Callable) -> str:
    """``module.qualname`` of a function (unwrapped), as written in the construction log.

    Examples
    --------
    >>> callable_name(WEIGHTINGS["entropy"].func)
    'gmindex.weights.entropy_weights'
    """
    while hasattr(func, "__wrapped__"):
        func = func.__wrapped__
    return f"{func.__module__}.{func.__qualname__}"


# --------------------------------------------------------------------------- normalisation

def _pooled(values, *, directions, years=None, goalposts=None, clip=True) -> Normalized:
    return minmax(values, directions=directions, reference="pooled")


def _per_year(values, *, directions, years=None, goalposts=None, clip=True) -> Normalized:
    return minmax(values, directions=directions, reference="per_year", groups=years)


def _fixed(values, *, directions, years=None, goalposts=None, clip=True) -> Normalized:
    return minmax(values, directions=directions, reference="fixed", goalposts=goalposts, clip=clip)


# The log names the function doing the work, not the adapter (callable_name unwraps).
_pooled.__wrapped__ = _per_year.__wrapped__ = _fixed.__wrapped__ = minmax

NORMALIZATIONS: dict[str, Callable[..., Normalized]] = {
    "pooled": _pooled,
    "per_year": _per_year,
    "fixed": _fixed,
}
"""Normalisation name -> ``func(values, *, directions, years, goalposts, clip)``."""


def normalize_stage(
    values: np.ndarray,
    *,
    directions: Sequence[str],
    normalization: str,
    years: np.ndarray,
    goalposts: np.ndarray | None = None,
    clip: bool = True,
) -> Normalized:
    """Normalise with the named method of :data:`NORMALIZATIONS`.

    Parameters
    ----------
    values : ndarray, shape (n_obs, m)
    directions : sequence of {"benefit", "cost"}
    normalization : str
        A key of :data:`NORMALIZATIONS`.
    years : ndarray, shape (n_obs,)
        Year of each row (the groups of ``per_year``).
    goalposts : ndarray, shape (2, m), optional
        Bounds for ``fixed`` (see :func:`resolve_goalposts`).
    clip : bool

    Returns
    -------
    Normalized

    Examples
    --------
    >>> import numpy as np
    >>> normalize_stage(np.array([[1.0], [3.0]]), directions=["cost"],
    ...                 normalization="pooled", years=np.array([2016, 2016])).values.ravel()
    array([1., 0.])
    """
    func = lookup(NORMALIZATIONS, normalization, "normalization")
    return func(values, directions=directions, years=years, goalposts=goalposts, clip=clip)


def resolve_goalposts(
    matrix: pd.DataFrame,
    goalposts: Mapping[str, tuple[float, float]] | pd.DataFrame | None,
    reference_years: Sequence[int] | None,
) -> np.ndarray:
    """Bounds ``(2, m)`` for fixed normalisation: given goalposts, or min/max of reference years.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"x": [1.0, 5.0, 9.0]},
    ...     index=pd.MultiIndex.from_tuples([("11", 2016), ("12", 2016), ("11", 2017)],
    ...                                     names=["code", "year"]))
    >>> resolve_goalposts(m, None, [2016])
    array([[1.],
           [5.]])
    """
    ids = list(matrix.columns)
    if goalposts is None:
        years = matrix.index.get_level_values("year")
        ref = matrix[years.isin(list(reference_years or []))]
        if ref.empty:
            raise ValueError(f"reference_years {list(reference_years or [])} are not in the data")
        return np.vstack([ref.min().to_numpy(), ref.max().to_numpy()])
    if isinstance(goalposts, pd.DataFrame):
        goalposts = {r.indicator: (r.lower, r.upper) for r in goalposts.itertuples()}
    missing = [i for i in ids if i not in goalposts]
    if missing:
        raise ValueError(f"goalposts lack indicator(s) {missing}")
    return np.array([[goalposts[i][0] for i in ids], [goalposts[i][1] for i in ids]], dtype=float)


# --------------------------------------------------------------------------- weights


@dataclass(frozen=True)
class Weighting:
    """A weighting method: ``func(z, *, labels, shift, user)``, per year or over the reference set."""

    func: Callable[..., Any]
    per_year: bool = False


def _entropy(z, *, labels, shift, user=None):
    return wmod.entropy_weights(z, shift=shift, labels=labels)


def _critic(z, *, labels, shift=0.0, user=None):
    return wmod.critic_weights(z, labels=labels)


def _equal(z, *, labels, shift=0.0, user=None):
    return wmod.equal_weights(len(labels))


def _user(z, *, labels, shift=0.0, user=None):
    if not user:
        raise ValueError("weighting='user' needs weights={indicator: weight, ...}")
    return wmod.user_weights({k: user[k] for k in user if k in labels}, labels)


# The log names the function doing the work, not the adapter (callable_name unwraps).
_entropy.__wrapped__ = wmod.entropy_weights
_critic.__wrapped__ = wmod.critic_weights
_equal.__wrapped__ = wmod.equal_weights
_user.__wrapped__ = wmod.user_weights

WEIGHTINGS: dict[str, Weighting] = {
    "entropy": Weighting(_entropy),
    "entropy_per_year": Weighting(_entropy, per_year=True),
    "critic": Weighting(_critic),
    "equal": Weighting(_equal),
    "user": Weighting(_user),
}
"""Weighting name -> :class:`Weighting` (see the module docstring for the signature)."""

ENTROPY_BASED = ("entropy", "entropy_per_year")
"""Weightings on which ``shift`` acts."""


def entropy_floor_weights(sub, *, labels=None, shift: float = 0.0, fixed=None,
                          floor: float | None = None) -> np.ndarray:
    """Entropy weights of the pillar sub-scores, with every pillar raised to at least ``floor``.

    Entropy weights ``w`` of the columns of ``sub``; then, repeatedly, any
    weight below ``floor`` is set to ``floor`` and the weights not yet fixed
    are rescaled proportionally so that all sum to 1, until no free weight is
    below the floor.

    Parameters
    ----------
    sub : array_like, shape (n_obs, k)
        Pillar sub-scores over the reference set.
    floor : float
        Minimum pillar weight, ``0 < floor <= 1/k``.

    Returns
    -------
    ndarray, shape (k,)

    Examples
    --------
    Entropy weights (0.70, 0.25, 0.05) with floor 0.10: the third pillar is
    raised to 0.10 and the other two share 0.90 in proportion 0.70 : 0.25,
    i.e. 0.90 * 0.70 / 0.95 = 0.663158 and 0.90 * 0.25 / 0.95 = 0.236842:

    >>> import numpy as np
    >>> _floor(np.array([0.70, 0.25, 0.05]), 0.10).round(6)
    array([0.663158, 0.236842, 0.1     ])

    A second round when the rescaling pushes another weight below the floor:
    (0.86, 0.11, 0.03) with floor 0.12 gives (0.76, 0.12, 0.12).

    >>> _floor(np.array([0.86, 0.11, 0.03]), 0.12).round(6)
    array([0.76, 0.12, 0.12])
    """
    if floor is None:
        raise ValueError("pillar_weighting='entropy_floor' needs pillar_floor")
    w = wmod.entropy_weights(sub, shift=shift, labels=labels).weights
    return _floor(w, float(floor))


def _floor(w: np.ndarray, floor: float) -> np.ndarray:
    w = np.asarray(w, dtype=float).copy()
    k = len(w)
    if not 0 < floor <= 1.0 / k + 1e-12:
        raise ValueError(f"pillar_floor must be in (0, 1/{k}] for {k} pillars, got {floor}")
    fixed = np.zeros(k, dtype=bool)
    while True:
        low = (w < floor - 1e-15) & ~fixed
        if not low.any():
            return w
        fixed |= low
        w[fixed] = floor
        free = ~fixed
        rest = 1.0 - floor * fixed.sum()
        if free.any():
            total = w[free].sum()
            w[free] = w[free] / total * rest if total > 0 else rest / free.sum()


def _pillar_equal(sub, *, labels=None, shift=0.0, fixed=None, floor=None):
    return wmod.equal_weights(sub.shape[1])


def _pillar_entropy(sub, *, labels=None, shift=0.0, fixed=None, floor=None):
    return wmod.entropy_weights(sub, shift=shift, labels=labels).weights


def _pillar_fixed(sub, *, labels=None, shift=0.0, fixed=None, floor=None):
    fixed = dict(fixed or {})
    missing = [p for p in labels if p not in fixed]
    if missing:
        raise ValueError(f"pillar_weighting='fixed' has no weight for pillar(s) {missing}")
    w = np.array([float(fixed[p]) for p in labels])
    if abs(w.sum() - 1.0) > 1e-9:
        raise ValueError(
            f"fixed pillar weights of {list(labels)} sum to {w.sum():.12g}, not 1; "
            "nothing is rescaled silently: give weights that sum to 1"
        )
    return w


_pillar_equal.__wrapped__ = wmod.equal_weights
_pillar_entropy.__wrapped__ = wmod.entropy_weights

PILLAR_WEIGHTINGS: dict[str, Callable[..., np.ndarray]] = {
    "equal": _pillar_equal,
    "fixed": _pillar_fixed,
    "entropy": _pillar_entropy,
    "entropy_floor": entropy_floor_weights,
}
"""Pillar weighting name -> ``func(sub, *, labels, shift, fixed, floor)``."""


@dataclass(frozen=True)
class WeightStage:
    """Output of :func:`weight_stage` (arrays; :attr:`table` builds the frame on demand).

    Attributes
    ----------
    ids : list of str
    weights, entropy, divergence : ndarray, shape (m,) or (n_years, m)
        Per-year weightings have one row per year of ``years``.
    years : tuple
        Years of the rows of per-year weights (empty otherwise).
    matrix : ndarray, shape (n_obs, m)
        The weight of each cell (rows differ only for per-year weights).
    within, pillar_weight : ndarray or None
        Within-pillar and pillar weight of each indicator (hierarchical only).
    pillar_weights : dict
        Pillar -> weight (hierarchical weighting only).
    funcs : tuple of str
        Callables that ran (``module.qualname``).
    notes : tuple of str
    """

    ids: list[str]
    weights: np.ndarray
    entropy: np.ndarray
    divergence: np.ndarray
    matrix: np.ndarray
    years: tuple = ()
    within: np.ndarray | None = None
    pillar_weight: np.ndarray | None = None
    pillar_weights: Mapping[str, float] = field(default_factory=dict)
    funcs: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def vector(self) -> np.ndarray | None:
        """The one weight vector, or None for per-year weights."""
        return None if self.years else self.weights

    @property
    def table(self) -> pd.DataFrame:
        """``indicator, entropy, divergence, weight`` (``year`` first for per-year
        weights; ``weight_within_pillar, pillar_weight`` before ``weight`` with pillars)."""
        if self.years:
            m = len(self.ids)
            return pd.DataFrame({
                "year": np.repeat(np.asarray(self.years), m), "indicator": self.ids * len(self.years),
                "entropy": self.entropy.ravel(), "divergence": self.divergence.ravel(),
                "weight": self.weights.ravel(),
            })
        cols = {"indicator": self.ids, "entropy": self.entropy, "divergence": self.divergence}
        if self.within is not None:
            cols.update(weight_within_pillar=self.within, pillar_weight=self.pillar_weight)
        return pd.DataFrame({**cols, "weight": self.weights})


def _weights_of(method: Weighting, z, labels, shift, user):
    out = method.func(z, labels=list(labels), shift=shift, user=user)
    if isinstance(out, wmod.EntropyWeights):
        return out.weights, out.entropy, out.divergence
    nan = np.full(len(labels), np.nan)
    return np.asarray(out, dtype=float), nan, nan


def weight_stage(
    z: np.ndarray,
    *,
    ids: Sequence[str],
    years: np.ndarray,
    ref_rows: np.ndarray | None = None,
    weighting: str = "entropy",
    shift: float = 0.0,
    user: Mapping[str, float] | None = None,
    max_weight: float | None = None,
    hierarchy: str = "flat",
    pillar_of: Mapping[str, str] | None = None,
    pillars: Sequence[str] = (),
    pillar_weighting: str = "equal",
    pillar_weights: Mapping[str, float] | None = None,
    pillar_floor: float | None = None,
) -> WeightStage:
    """Indicator weights, flat or hierarchical.

    Parameters
    ----------
    z : ndarray, shape (n_obs, m)
        Normalised, benefit-oriented values.
    ids : sequence of str
        Indicator ids (columns of ``z``).
    years : ndarray, shape (n_obs,)
    ref_rows : ndarray of bool, optional
        Rows of the weighting reference set (all rows by default; the
        reference years with fixed goalposts).
    weighting : str
        Key of :data:`WEIGHTINGS`; within pillars when ``hierarchy="pillar"``.
    shift, user, max_weight
        Entropy shift, user weights, cap on any flat weight.
    hierarchy : {"flat", "pillar"}
    pillar_of, pillars
        Pillar of each indicator and the pillars in order.
    pillar_weighting : str
        Key of :data:`PILLAR_WEIGHTINGS`.
    pillar_weights, pillar_floor
        Fixed pillar weights; minimum pillar weight of ``entropy_floor``.

    Returns
    -------
    WeightStage

    Examples
    --------
    >>> import numpy as np
    >>> z = np.array([[0.0, 0.2, 1.0], [0.5, 0.4, 0.0], [1.0, 0.9, 0.3]])
    >>> ws = weight_stage(z, ids=["a", "b", "c"], years=np.array([1, 1, 1]),
    ...                   weighting="equal", hierarchy="pillar",
    ...                   pillar_of={"a": "p", "b": "p", "c": "q"}, pillars=["p", "q"])
    >>> ws.table[["indicator", "weight_within_pillar", "pillar_weight", "weight"]].to_numpy().tolist()
    [['a', 0.5, 0.5, 0.25], ['b', 0.5, 0.5, 0.25], ['c', 1.0, 0.5, 0.5]]
    """
    ids = list(ids)
    method = lookup(WEIGHTINGS, weighting, "weighting")
    ref = np.ones(len(z), dtype=bool) if ref_rows is None else np.asarray(ref_rows)
    # Always a boolean-indexed (C-ordered) copy: column sums then round the same way whether
    # or not some rows are left out, so fixed goalposts reproduce a pooled build bit for bit.
    zr = z[ref]
    funcs = [callable_name(method.func)]
    notes: list[str] = []
    if hierarchy == "flat":
        if method.per_year:
            uniq = sorted(set(years.tolist()))
            ws, es, ds, wmat = [], [], [], np.empty_like(z)
            for year in uniq:
                rows = years == year
                w, e, d = _weights_of(method, z[rows], ids, shift, user)
                wmat[rows] = w
                ws.append(w), es.append(e), ds.append(d)
            return WeightStage(ids, np.array(ws), np.array(es), np.array(ds), wmat,
                               years=tuple(uniq), funcs=tuple(funcs))
        w, e, d = _weights_of(method, zr, ids, shift, user)
        if max_weight is not None:
            before = w
            w = wmod.cap_weights(before, max_share=max_weight)
            funcs.append(callable_name(wmod.cap_weights))
            capped = [i for i, b, a in zip(ids, before, w) if b > a + 1e-15]
            notes.append(f"weights capped at {max_weight}: {capped}")
        return WeightStage(ids, w, e, d, np.tile(w, (len(z), 1)), funcs=tuple(funcs),
                           notes=tuple(notes))
    if hierarchy != "pillar":
        raise ValueError(f"hierarchy {hierarchy!r} is not known; use one of: flat, pillar")
    if method.per_year:
        raise ValueError(f"hierarchy='pillar' cannot use a per-year weighting ({weighting!r})")
    rule = lookup(PILLAR_WEIGHTINGS, pillar_weighting, "pillar_weighting")
    within = np.zeros(len(ids))
    entropy = np.full(len(ids), np.nan)
    divergence = np.full(len(ids), np.nan)
    sub = np.empty((len(z), len(pillars)))
    members: dict[str, list[int]] = {p: [] for p in pillars}
    for j, i in enumerate(ids):
        members[pillar_of[i]].append(j)
    for k, p in enumerate(pillars):
        cols = members[p]
        labels = [ids[j] for j in cols]
        block = zr[:, cols]
        if len(cols) == 1:
            # One indicator is its pillar: weight 1 whatever the method (entropy of one column is moot).
            w = np.ones(1)
        elif not (block.max(axis=0) > block.min(axis=0)).any():
            # No information to weight by: equal weights, said in the notes (the pillar
            # sub-score is then constant too, and pillar entropy gives it weight 0).
            w = wmod.equal_weights(len(cols))
            notes.append(f"pillar {p}: every indicator constant over the reference set "
                         f"({', '.join(labels)}); equal weights within the pillar")
        else:
            w, entropy[cols], divergence[cols] = _weights_of(method, block, labels, shift, user)
        within[cols] = w
        sub[:, k] = z[:, cols] @ w
    pw = np.asarray(rule(sub[ref], labels=list(pillars), shift=shift, fixed=pillar_weights,
                         floor=pillar_floor), dtype=float)
    funcs.append(callable_name(rule))
    pillar_w = dict(zip(pillars, pw.tolist()))
    final = np.array([within[j] * pillar_w[pillar_of[i]] for j, i in enumerate(ids)])
    notes.append(f"pillar weights ({pillar_weighting}): "
                 + ", ".join(f"{p}={w:.4f}" for p, w in pillar_w.items()))
    return WeightStage(ids, final, entropy, divergence, np.tile(final, (len(z), 1)),
                       within=within, pillar_weight=np.array([pillar_w[pillar_of[i]] for i in ids]),
                       pillar_weights=pillar_w, funcs=tuple(funcs), notes=tuple(notes))


# --------------------------------------------------------------------------- aggregation


def weighted_sum(z, w, *, groups=None) -> np.ndarray:
    """Weighted sum of the normalised values, row by row.

    ``w`` may be one vector or one row per observation; a vector is tiled to
    a matrix first so that every caller rounds the row sums the same way.

    Examples
    --------
    >>> import numpy as np
    >>> weighted_sum(np.array([[1.0, 0.0], [0.5, 0.5]]), np.array([0.3, 0.7]))
    array([0.3, 0.5])
    """
    z = np.asarray(z, dtype=float)
    w = np.asarray(w, dtype=float)
    wmat = w if w.ndim == 2 else np.tile(w, (len(z), 1))
    return (z * wmat).sum(axis=1)


AGGREGATIONS: dict[str, Callable[..., np.ndarray]] = {
    "sum": weighted_sum,
    "topsis": topsis_closeness,
}
"""Aggregation name -> ``func(z, w, *, groups)``."""

# The paper toolkit's objective weights (SD, Gini) and aggregations (geometric,
# Mazziotta-Pareto, grey relational TOPSIS) live beside their references and
# cross-checks in gmindex.paper; registered here so build_index, the CLI and the
# robustness draws take them by name.  Those modules import nothing of gmindex.
from gmindex.paper.aggregation import AGGREGATIONS as _PAPER_AGGREGATIONS  # noqa: E402
from gmindex.paper.weighting import PIPELINE_WEIGHTINGS as _PAPER_WEIGHTINGS  # noqa: E402

WEIGHTINGS.update({name: Weighting(func) for name, func in _PAPER_WEIGHTINGS.items()})
AGGREGATIONS.update(_PAPER_AGGREGATIONS)


def aggregation_groups(normalization: str, weighting: str, years: np.ndarray):
    """Year groups for aggregation: within years when the normalisation or the weights are per year.

    TOPSIS then takes its ideal and anti-ideal within each year, which is
    what a per-year reference set means; pooled and fixed reference sets
    compare across years, so the ideals are pooled.

    Examples
    --------
    >>> import numpy as np
    >>> aggregation_groups("pooled", "entropy", np.array([2016, 2017])) is None
    True
    >>> aggregation_groups("per_year", "entropy", np.array([2016, 2017])).tolist()
    [2016, 2017]
    """
    per_year = normalization == "per_year" or lookup(WEIGHTINGS, weighting, "weighting").per_year
    return years if per_year else None


def aggregate_stage(z: np.ndarray, weights: WeightStage | np.ndarray, *, aggregation: str,
                    groups=None) -> np.ndarray:
    """Composite scores in [0, 1] by the named aggregation.

    Examples
    --------
    >>> import numpy as np
    >>> z = np.array([[1.0, 1.0], [0.0, 0.0], [1.0, 0.0]])
    >>> aggregate_stage(z, np.array([0.5, 0.5]), aggregation="topsis")
    array([1. , 0. , 0.5])
    """
    func = lookup(AGGREGATIONS, aggregation, "aggregation")
    if isinstance(weights, WeightStage):
        # The weighted sum takes the cell matrix (the tiled vector), as it always has.
        w = weights.matrix if func is weighted_sum or weights.vector is None else weights.vector
    else:
        w = weights
    return np.clip(func(z, w, groups=groups), 0.0, 1.0)
