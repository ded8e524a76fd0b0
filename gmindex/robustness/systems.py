"""Robustness over indicator systems: which indicators make the index, not how they are combined.

An *indicator system* is a spec.  :func:`indicator_systems` lists the
systems of one spec -- the spec itself (``"default"``), each pillar left
out (``"without_pillar:<id>"``), each optional indicator left out
(``"without_optional:<id>"``, and ``"without_optional:all"`` when there are
several), each ``[[alternative]]`` swapped in (``"alternative:<id>"``) --
plus whole specs given by the caller (``"spec:<name>"``).

:func:`ordering_shares` reports, for every year, how often four statements
about simple regional mean scores (``region4``) hold: ``east > central``,
``central > west``, ``east > west`` and ``northeast last`` (below each of
the other three).

Examples
--------
>>> from gmindex.datasets import load_default_spec
>>> names = list(indicator_systems(load_default_spec()))
>>> names[:3]
['default', 'without_pillar:energy', 'without_pillar:pollution']
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from gmindex.spec import Spec

__all__ = ["ORDERINGS", "indicator_systems", "ordering_holds", "ordering_shares"]

ORDERINGS = ("east > central", "central > west", "east > west", "northeast last")
_SCHEME = "region4"


def indicator_systems(spec: Spec, extra: Mapping[str, Spec] | None = None) -> dict[str, Spec]:
    """Indicator systems derived from a spec, plus whole specs from the caller.

    Parameters
    ----------
    spec : Spec
        The baseline spec (its ``[[indicator]] optional`` flags and
        ``[[alternative]]`` entries are used).
    extra : mapping of str to Spec, optional
        Whole alternative specs, e.g. ``{"alternative": read_spec("data/spec_alternative.toml")}``;
        named ``"spec:<name>"``.

    Returns
    -------
    dict of str to Spec
        In the order listed in the module docstring.
    """
    out = {"default": spec}
    pillar_of = spec.pillar_of()
    pillars = spec.pillar_ids
    if len(pillars) > 1:
        for p in pillars:
            out[f"without_pillar:{p}"] = spec.without(*[i for i in spec.indicator_ids if pillar_of[i] == p])
    optional = [i.id for i in spec.indicators if i.optional]
    if len(optional) < len(spec.indicators):
        for i in optional:
            out[f"without_optional:{i}"] = spec.without(i)
        if len(optional) > 1:
            out["without_optional:all"] = spec.without(*optional)
    for alt in spec.alternatives:
        out[f"alternative:{alt.id}"] = spec.swap(alt.id)
    for name, other in (extra or {}).items():
        if not isinstance(other, Spec):
            raise TypeError(f"systems[{name!r}] must be a Spec (gmindex.spec.read_spec), "
                            f"got {type(other).__name__}")
        out[f"spec:{name}"] = other
    return out


def ordering_holds(means: np.ndarray, order) -> dict[str, np.ndarray]:
    """Per draw and year, whether each ordering holds (NaN where a region mean is missing).

    Parameters
    ----------
    means : ndarray, shape (draws, years, regions)
        Regional mean scores in the region order ``order``.
    order : sequence of str
        Must hold ``east, central, west, northeast``.

    Returns
    -------
    dict of str to ndarray (draws, years), float with NaN

    Examples
    --------
    >>> import numpy as np
    >>> m = np.array([[[0.6, 0.5, 0.4, 0.3]], [[0.5, 0.6, 0.4, 0.45]]])
    >>> h = ordering_holds(m, ("east", "central", "west", "northeast"))
    >>> h["east > central"].ravel().tolist(), h["northeast last"].ravel().tolist()
    ([1.0, 0.0], [1.0, 0.0])
    """
    e, c, w, ne = (order.index(r) for r in ("east", "central", "west", "northeast"))
    ok = ~np.isnan(means).any(axis=2)
    tests = {
        "east > central": means[:, :, e] > means[:, :, c],
        "central > west": means[:, :, c] > means[:, :, w],
        "east > west": means[:, :, e] > means[:, :, w],
        "northeast last": (means[:, :, ne] < means[:, :, e]) & (means[:, :, ne] < means[:, :, c])
        & (means[:, :, ne] < means[:, :, w]),
    }
    return {k: np.where(ok, v.astype(float), np.nan) for k, v in tests.items()}


def ordering_shares(designs: Mapping[str, tuple[np.ndarray, list[int]]], order) -> pd.DataFrame:
    """Share of draws in which each ordering holds, per year and design.

    Parameters
    ----------
    designs : mapping of str to (means, years)
        ``varied`` label (``"systems"``, ``"methods"``, ``"both"``) -> the
        regional means (draws, years, regions) and their years.
    order : sequence of str
        Region order of the last axis.

    Returns
    -------
    DataFrame
        ``year, ordering, varied, share, n_draws`` (draws in which every
        region has a mean that year).

    Examples
    --------
    >>> import numpy as np
    >>> m = np.array([[[0.6, 0.5, 0.4, 0.3]], [[0.5, 0.6, 0.4, 0.45]]])
    >>> t = ordering_shares({"methods": (m, [2020])}, ("east", "central", "west", "northeast"))
    >>> t[["ordering", "share", "n_draws"]].to_numpy().tolist()
    [['east > central', 0.5, 2], ['central > west', 1.0, 2], ['east > west', 1.0, 2], ['northeast last', 0.5, 2]]
    """
    rows = []
    for varied, (means, years) in designs.items():
        holds = ordering_holds(means, tuple(order))
        for t, year in enumerate(years):
            for name in ORDERINGS:
                h = holds[name][:, t]
                n = int((~np.isnan(h)).sum())
                rows.append((int(year), name, varied, float(np.nanmean(h)) if n else np.nan, n))
    frame = pd.DataFrame(rows, columns=["year", "ordering", "varied", "share", "n_draws"])
    rank = {v: k for k, v in enumerate(("systems", "methods", "both"))}
    return frame.sort_values(["year", "ordering", "varied"], kind="stable",
                             key=lambda s: s.map(rank) if s.name == "varied" else
                             (s.map({o: k for k, o in enumerate(ORDERINGS)}) if s.name == "ordering" else s)
                             ).reset_index(drop=True)
