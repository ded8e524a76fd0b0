"""Coupling coordination degree (耦合协调度) of several subsystems.

For n subsystems with development scores U_1 … U_n in [0, 1]:

    C = [Π U_i / ((Σ U_i) / n)^n]^(1/n)   (geometric over arithmetic mean, in [0, 1])
    T = Σ α_i U_i                         (comprehensive development, Σ α_i = 1)
    D = sqrt(C · T)                       (coupling coordination degree)

C = 1 when all subsystems are equal and falls towards 0 as they diverge; C = 0
as soon as one subsystem is 0.  This is the corrected general form (王淑佳 et
al. 2021); the widely copied three-system form
C = {U1U2U3 / [(U1+U2)(U1+U3)(U2+U3)]}^(1/3) peaks at 0.5, not 1, when all U_i
are equal, so the 0–1 classes below would be meaningless with it.

Classes (廖重斌 1999, ten equal steps of D; the most common scheme):

== ============ ======== ===================================
k  D            中文      English
== ============ ======== ===================================
1  [0.0, 0.1)   极度失调  extreme imbalance
2  [0.1, 0.2)   严重失调  serious imbalance
3  [0.2, 0.3)   中度失调  moderate imbalance
4  [0.3, 0.4)   轻度失调  mild imbalance
5  [0.4, 0.5)   濒临失调  on the verge of imbalance
6  [0.5, 0.6)   勉强协调  barely coordinated
7  [0.6, 0.7)   初级协调  primary coordination
8  [0.7, 0.8)   中级协调  intermediate coordination
9  [0.8, 0.9)   良好协调  good coordination
10 [0.9, 1.0]   优质协调  high-quality coordination
== ============ ======== ===================================

References
----------
廖重斌 (1999). 环境与经济协调发展的定量评判及其分类体系——以珠江三角洲城市群为例.
热带地理 19(2): 171–177.
王淑佳, 孔伟, 任亮, 仲东东, 刘超 (2021). 国内耦合协调度模型的误区及修正.
自然资源学报 36(3): 793–810.

Examples
--------
>>> import numpy as np
>>> c, t, d = coupling_coordination(np.array([[0.5, 0.5], [0.8, 0.2]]))
>>> np.round(c, 4).tolist(), np.round(d, 4).tolist()
([1.0, 0.8], [0.7071, 0.6325])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["COUPLING_LEVELS", "CouplingResult", "coupling_coordination", "coupling_levels",
           "coupling_pillars", "coupling_with", "per_capita_system"]

#: (upper bound, English, Chinese) of the ten classes of D (廖重斌 1999).
COUPLING_LEVELS = (
    (0.1, "extreme imbalance", "极度失调"),
    (0.2, "serious imbalance", "严重失调"),
    (0.3, "moderate imbalance", "中度失调"),
    (0.4, "mild imbalance", "轻度失调"),
    (0.5, "on the verge of imbalance", "濒临失调"),
    (0.6, "barely coordinated", "勉强协调"),
    (0.7, "primary coordination", "初级协调"),
    (0.8, "intermediate coordination", "中级协调"),
    (0.9, "good coordination", "良好协调"),
    (1.0, "high-quality coordination", "优质协调"),
)


def coupling_coordination(u: np.ndarray, *, alpha: Sequence[float] | None = None
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coupling degree C, development T and coordination D of each row.

    Parameters
    ----------
    u : ndarray, shape (n_units, n_systems)
        Subsystem scores in [0, 1]; at least two systems.
    alpha : sequence of float, optional
        Contribution weights α_i (sum to 1); default equal.

    Returns
    -------
    (C, T, D) : three ndarrays of shape (n_units,)

    Raises
    ------
    ValueError
        Fewer than two systems, scores outside [0, 1], or α not summing to 1.

    Examples
    --------
    >>> c, t, d = coupling_coordination(np.array([[0.3, 0.3, 0.3]]))
    >>> float(c[0]), round(float(d[0]), 4)
    (1.0, 0.5477)
    """
    u = np.asarray(u, dtype=float)
    if u.ndim != 2 or u.shape[1] < 2:
        raise ValueError(f"u must be (units, systems) with at least two systems; got {u.shape}")
    if np.nanmin(u) < -1e-12 or np.nanmax(u) > 1 + 1e-12:
        raise ValueError("subsystem scores must lie in [0, 1]; normalise them first")
    n = u.shape[1]
    a = np.full(n, 1.0 / n) if alpha is None else np.asarray(alpha, dtype=float)
    if a.shape != (n,) or not np.isclose(a.sum(), 1.0) or (a < 0).any():
        raise ValueError(f"alpha must be {n} non-negative weights summing to 1; got {alpha}")
    mean = u.mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        # geometric / arithmetic mean == [Π U / (ΣU/n)^n]^(1/n); written this way
        # it cannot underflow for many systems.
        geo = np.exp(np.log(u).mean(axis=1))
        c = np.where(mean > 0, geo / np.where(mean > 0, mean, 1.0), 0.0)
    t = u @ a
    return c, t, np.sqrt(c * t)


def coupling_levels(d: Any, *, lang: str = "en") -> np.ndarray:
    """Class names of coordination degrees ``d`` (ten equal steps; see the module).

    Examples
    --------
    >>> coupling_levels([0.05, 0.55, 1.0]).tolist()
    ['extreme imbalance', 'barely coordinated', 'high-quality coordination']
    >>> coupling_levels([0.55], lang="zh").tolist()
    ['勉强协调']
    """
    d = np.asarray(d, dtype=float)
    col = 1 if lang == "en" else 2
    idx = np.clip(np.floor(d * 10).astype(int), 0, 9)
    names = np.array([lvl[col] for lvl in COUPLING_LEVELS], dtype=object)
    return np.where(np.isnan(d), None, names[idx])


@dataclass(frozen=True)
class CouplingResult:
    """Coupling coordination per unit-year.

    Attributes
    ----------
    table : pandas.DataFrame
        ``code, year``, the subsystem scores, ``C, T, D, level, level_zh``.
    systems : tuple of str
    alpha : tuple of float
    notes : tuple of str
    """

    table: pd.DataFrame
    systems: tuple[str, ...]
    alpha: tuple[float, ...]
    notes: tuple[str, ...] = ()

    def by_region(self, *, scheme: str = "region4", registry=None) -> pd.DataFrame:
        """Mean C, T, D by region and year, with the class of the mean D."""
        from gmindex.provinces import default_registry

        reg = registry or default_registry()
        t = self.table.assign(region=self.table["code"].map(reg.regions(scheme)))
        out = t.groupby(["region", "year"], sort=False)[["C", "T", "D"]].mean().reset_index()
        order = {r: i for i, r in enumerate(reg.region_order(scheme))}
        out = out.sort_values(["region", "year"], key=lambda s: s.map(order) if s.name == "region"
                              else s, ignore_index=True)
        out["level"] = coupling_levels(out["D"])
        out["level_zh"] = coupling_levels(out["D"], lang="zh")
        return out


def _frame(wide: pd.DataFrame, systems: Sequence[str], alpha, notes) -> CouplingResult:
    u = wide[list(systems)].to_numpy(dtype=float)
    c, t, d = coupling_coordination(u, alpha=alpha)
    out = wide[["code", "year", *systems]].copy()
    out["C"], out["T"], out["D"] = c, t, d
    out["level"] = coupling_levels(d)
    out["level_zh"] = coupling_levels(d, lang="zh")
    zeros = int((u == 0).any(axis=1).sum())
    if zeros:
        notes = (*notes, f"{zeros} unit-years have a subsystem at exactly 0, so C = 0 there "
                 "(the geometric mean is 0): D is then 0 whatever the other systems.")
    a = tuple(float(x) for x in (alpha if alpha is not None else [1 / len(systems)] * len(systems)))
    return CouplingResult(out.reset_index(drop=True), tuple(systems), a, tuple(notes))


def coupling_pillars(result, *, alpha: Sequence[float] | None = None) -> CouplingResult:
    """Coupling coordination between the pillars of an index result.

    Parameters
    ----------
    result : IndexResult
        Its ``pillar_scores`` (each in [0, 1]) are the subsystems.
    alpha : sequence of float, optional
        Pillar contribution weights; default equal.

    Examples
    --------
    >>> from gmindex.datasets import load_inputs
    >>> from gmindex.index import build_index
    >>> cp = coupling_pillars(build_index(*load_inputs()))
    >>> cp.systems[:2], cp.table.shape[0]
    (('energy', 'pollution'), 150)
    """
    wide = result.pillar_scores.pivot(index=["code", "year"], columns="pillar",
                                      values="score").reset_index()
    pillars = [p.id for p in result.spec.pillars if p.id in wide.columns]
    return _frame(wide, pillars, alpha, ("subsystems: pillar scores of the index",))


def per_capita_system(panel: pd.DataFrame, *, numerator: str = "gdp_100m_yuan",
                      denominator: str = "population_10k", years: Sequence[int] | None = None,
                      codes: Sequence[str] | None = None) -> pd.DataFrame:
    """A second system from two raw series: numerator/denominator, min-max scaled (pooled).

    The default is GDP per capita (亿元 / 万人 = 10,000 yuan per person), the
    usual stand-in for economic development.  Min-max over all unit-years
    maps the ratio to [0, 1] as the coupling model needs; no cell is filled.

    Returns
    -------
    pandas.DataFrame
        ``code, year, raw, value``.

    Raises
    ------
    ValueError
        A series is absent or a unit-year lacks a value.

    Examples
    --------
    >>> from gmindex.datasets import load_default_panel
    >>> econ = per_capita_system(load_default_panel(), years=[2020])
    >>> float(econ["value"].max()), float(econ["value"].min())
    (1.0, 0.0)
    """
    from gmindex.normalize import minmax

    wide = panel[panel["indicator"].isin([numerator, denominator])].pivot_table(
        index=["code", "year"], columns="indicator", values="value", aggfunc="first")
    for s in (numerator, denominator):
        if s not in wide.columns:
            raise ValueError(f"series {s!r} is not in the panel; pass numerator/denominator "
                             "naming raw series that are")
    wide = wide.reset_index()
    if years is not None:
        wide = wide[wide["year"].isin(list(years))]
    if codes is not None:
        wide = wide[wide["code"].isin(list(codes))]
    bad = wide[wide[[numerator, denominator]].isna().any(axis=1)]
    if len(bad):
        first = bad.iloc[0]
        raise ValueError(f"{len(bad)} unit-years lack {numerator} or {denominator} "
                         f"(first: code {first['code']}, year {first['year']}); "
                         "restrict codes/years or add the values")
    raw = (wide[numerator] / wide[denominator]).to_numpy(dtype=float)
    value = minmax(raw[:, None], directions=["benefit"]).values[:, 0]
    return pd.DataFrame({"code": wide["code"].to_numpy(), "year": wide["year"].to_numpy(),
                         "raw": raw, "value": value}).reset_index(drop=True)


def coupling_with(result, second: pd.DataFrame, *, name: str = "economy",
                  alpha: Sequence[float] | None = None) -> CouplingResult:
    """Coupling coordination between the index score and a second system.

    Parameters
    ----------
    result : IndexResult
    second : pandas.DataFrame
        ``code, year, value`` with values in [0, 1] (e.g. :func:`per_capita_system`).
    name : str
        Name of the second system.
    alpha : sequence of two floats, optional
        Weights of (index, second system); default (0.5, 0.5).

    Raises
    ------
    ValueError
        A scored unit-year has no value of the second system.
    """
    s = result.scores[["code", "year", "score"]].rename(columns={"score": "index"})
    wide = s.merge(second[["code", "year", "value"]].rename(columns={"value": name}),
                   on=["code", "year"], how="left")
    gaps = wide[wide[name].isna()]
    if len(gaps):
        raise ValueError(f"the second system {name!r} has no value for {len(gaps)} scored "
                         f"unit-years (first: code {gaps.iloc[0]['code']}, year "
                         f"{gaps.iloc[0]['year']})")
    return _frame(wide, ["index", name], alpha, (f"subsystems: index score and {name}",))
