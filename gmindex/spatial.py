"""Spatial dependence of index scores: contiguity weights, Moran's I and LISA.

Weights are Queen contiguity (shared boundary or vertex) between the province
polygons of :func:`gmindex.boundaries.province_boundaries`, restricted to the
provinces in the data and row-standardised.  Hainan (46) shares no land
boundary with any province; by default it is linked to Guangdong (44) across
the Qiongzhou Strait, the usual fix in the Chinese regional literature.  The
rule is recorded in the returned :class:`SpatialWeights`.

Global Moran's I per year uses esda for the statistic and its analytical
moments, and a permutation test drawn from a NumPy ``Generator`` seeded with
``(seed, year)``, so results do not depend on global random state or on which
other years are in the data.  Local Moran (LISA) takes the statistic from
esda and draws the conditional permutations here, from a Generator seeded
with ``(seed, year)`` in the same way.

Examples
--------
>>> sw = contiguity_weights()
>>> sw.n, sw.hainan, dict(sw.islands_fixed), sw.islands, sw.n_components
(31, 'guangdong', {'46': ('44',)}, (), 1)
>>> sorted(sw.neighbors["46"]), "46" in sw.neighbors["44"]
(['44'], True)
>>> contiguity_weights([c for c in sw.codes if c != "54"]).islands
()
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gmindex._frames import check_scores

if TYPE_CHECKING:  # libpysal is imported on first use
    from libpysal.weights import W

__all__ = [
    "HAINAN_RULES",
    "LISA_LABELS",
    "SpatialWeights",
    "contiguity_from_boundaries",
    "contiguity_weights",
    "lisa_clusters",
    "moran_pvalue_sim",
    "morans_i_by_year",
]

#: Ways to give an island (a unit without land neighbours) neighbours.
HAINAN_RULES = ("guangdong", "knn", "none")
#: esda quadrant numbers (PySAL scheme) -> labels.
LISA_LABELS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
_HAINAN, _GUANGDONG = "46", "44"


@dataclass(frozen=True)
class SpatialWeights:
    """Row-standardised contiguity weights with the rule used for islands.

    Attributes
    ----------
    codes : tuple of str
        Unit codes in matrix order.
    neighbors : Mapping
        ``code -> tuple of neighbour codes`` (symmetric), after the island fix.
    hainan : str
        Island rule: ``"guangdong"``, ``"knn"`` or ``"none"``.
    k : int or None
        Neighbours per island under ``"knn"``.
    islands_fixed : Mapping
        ``island -> neighbours added`` by the rule.
    islands : tuple of str
        Units still without neighbours (only possible with ``"none"``).
    n_components : int
        Connected components of the final graph.
    contiguity : str
        ``"queen"``.
    transform : str
        ``"r"`` (row-standardised).
    source : str
        Boundary layer the contiguity comes from.
    """

    codes: tuple[str, ...]
    neighbors: Mapping[str, tuple[str, ...]]
    hainan: str
    k: int | None
    islands_fixed: Mapping[str, tuple[str, ...]]
    islands: tuple[str, ...]
    n_components: int
    contiguity: str = "queen"
    transform: str = "r"
    source: str = ""

    @property
    def n(self) -> int:
        return len(self.codes)

    @property
    def w(self) -> W:
        """A fresh row-standardised :class:`libpysal.weights.W` (safe to modify)."""
        return _to_w(self.codes, self.neighbors)

    def to_frame(self) -> pd.DataFrame:
        """Links as a long table ``code, neighbor, weight`` (row-standardised).

        Examples
        --------
        >>> links = contiguity_weights().to_frame()
        >>> links[links["code"] == "46"].to_dict("records")
        [{'code': '46', 'neighbor': '44', 'weight': 1.0}]
        >>> bool(links.groupby("code")["weight"].sum().round(12).eq(1).all())
        True
        """
        rows = [
            (c, nb, 1.0 / len(self.neighbors[c]))
            for c in self.codes
            for nb in self.neighbors[c]
        ]
        return pd.DataFrame(rows, columns=["code", "neighbor", "weight"])

    def describe(self) -> dict[str, Any]:
        """Settings for provenance (JSON-friendly)."""
        return {
            "contiguity": self.contiguity,
            "transform": self.transform,
            "n": self.n,
            "hainan": self.hainan,
            "k": self.k,
            "islands_fixed": {k: list(v) for k, v in self.islands_fixed.items()},
            "islands": list(self.islands),
            "n_links": sum(len(v) for v in self.neighbors.values()),
            "n_components": self.n_components,
            "source": self.source,
        }

    def __repr__(self) -> str:
        return (
            f"SpatialWeights(n={self.n}, contiguity={self.contiguity!r}, "
            f"hainan={self.hainan!r}, islands_fixed={dict(self.islands_fixed)}, "
            f"islands={list(self.islands)})"
        )


def _to_w(codes: Sequence[str], neighbors: Mapping[str, Sequence[str]]) -> W:
    from libpysal.weights import W

    w = W({c: list(neighbors[c]) for c in codes}, id_order=list(codes),
          silence_warnings=True)
    w.transform = "r"
    return w


#: Queen contiguity and main-polygon centroids of every unit of the boundary layer,
#: derived once from it (:func:`contiguity_from_boundaries`; a test checks the file
#: against a fresh derivation).  Reading it instead of the polygons saves every
#: ``gmindex analyse`` and ``gmindex map`` about half a second.
CONTIGUITY_FILE = "province_contiguity.csv"


def contiguity_from_boundaries() -> pd.DataFrame:
    """Queen neighbours and centroids of every boundary unit, from the polygons.

    Returns
    -------
    pandas.DataFrame
        ``code, x_albers_m, y_albers_m, queen_neighbours`` (space-separated
        codes), one row per unit, sorted by code.  The centroid is that of the
        unit's largest polygon, so Hainan's scattered South China Sea islands
        do not pull its point south of the main island.

    Notes
    -----
    The embedded copy is ``data/province_contiguity.csv``; rewrite it after a
    change of boundary layer with
    ``contiguity_from_boundaries().to_csv(path, index=False, float_format="%.1f")``.
    """
    import warnings

    from libpysal.weights import Queen

    from gmindex.boundaries import province_boundaries

    gdf = province_boundaries(crs="albers").sort_values("code").reset_index(drop=True)
    codes = gdf["code"].tolist()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands are reported by contiguity_weights
        queen = Queen.from_dataframe(gdf, ids=codes, use_index=False)
    rows = []
    for code, geom in zip(codes, gdf.geometry):
        main = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area).centroid
        rows.append((code, main.x, main.y, " ".join(sorted(queen.neighbors[code]))))
    return pd.DataFrame(rows, columns=["code", "x_albers_m", "y_albers_m", "queen_neighbours"])


@lru_cache(maxsize=1)
def _contiguity_table() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[float, float]]]:
    from gmindex.data_paths import data_dir

    table = pd.read_csv(data_dir() / CONTIGUITY_FILE, dtype={"code": str},
                        keep_default_na=False)
    neighbors = {c: tuple(n.split()) for c, n in zip(table["code"], table["queen_neighbours"])}
    centroids = {c: (float(x), float(y))
                 for c, x, y in zip(table["code"], table["x_albers_m"], table["y_albers_m"])}
    return neighbors, centroids


def _queen(codes: tuple[str, ...]) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[float, float]]]:
    """Queen neighbours among ``codes`` and main-polygon centroids (Albers metres)."""
    neighbors, centroids = _contiguity_table()
    unknown = sorted(set(codes) - set(neighbors))
    if unknown:
        raise ValueError(
            f"codes without a boundary polygon: {unknown}; the layer has {sorted(neighbors)}"
        )
    # Contiguity is a property of pairs, so the graph among a subset of units is the
    # full graph restricted to it.
    inside = set(codes)
    return ({c: tuple(n for n in neighbors[c] if n in inside) for c in codes},
            {c: centroids[c] for c in codes})


def _components(codes: Sequence[str], neighbors: Mapping[str, Sequence[str]]) -> int:
    seen: set[str] = set()
    count = 0
    for start in codes:
        if start in seen:
            continue
        count += 1
        stack = [start]
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(nb for nb in neighbors[node] if nb not in seen)
    return count


def contiguity_weights(
    codes: Iterable[str] | None = None, *, hainan: str = "guangdong", k: int = 1
) -> SpatialWeights:
    """Queen contiguity weights between provinces, with a rule for islands.

    Parameters
    ----------
    codes : iterable of str, optional
        Units to include (two-digit codes), e.g. the provinces that have a
        score.  Default: the 31 mainland provinces of the registry.
    hainan : {"guangdong", "knn", "none"}
        ``"guangdong"`` (default) links Hainan to Guangdong both ways, the
        Qiongzhou Strait crossing; any other unit left without neighbours
        raises.  ``"knn"`` links every island to its ``k`` nearest units by
        distance between main-polygon centroids (Albers equal-area), both
        ways; for Hainan with ``k=1`` that is Guangxi.  ``"none"`` keeps
        islands (their spatial lag is zero, which biases Moran's I towards 0).
    k : int
        Neighbours per island under ``"knn"``.

    Returns
    -------
    SpatialWeights
        Row-standardised (``transform="r"``); ``.w`` gives a libpysal ``W``.

    Raises
    ------
    ValueError
        Unknown rule or codes, Guangdong missing under the default rule, or an
        island other than Hainan under the default rule.

    Examples
    --------
    >>> sw = contiguity_weights(hainan="knn", k=1)
    >>> dict(sw.islands_fixed)
    {'46': ('45',)}
    """
    from gmindex.boundaries import BOUNDARY_SOURCE
    from gmindex.provinces import default_registry

    if hainan not in HAINAN_RULES:
        raise ValueError(f"hainan must be one of {HAINAN_RULES}, got {hainan!r}")
    codes = tuple(default_registry().codes if codes is None else (str(c) for c in codes))
    if len(set(codes)) != len(codes):
        raise ValueError(f"codes repeat: {sorted(c for c in set(codes) if codes.count(c) > 1)}")
    if len(codes) < 3:
        raise ValueError("spatial weights need at least 3 units")
    if hainan == "knn" and not (isinstance(k, (int, np.integer)) and 1 <= k < len(codes)):
        raise ValueError(f"k must be an integer between 1 and {len(codes) - 1}, got {k!r}")

    queen, centroids = _queen(tuple(sorted(codes)))
    neighbors = {c: set(queen[c]) for c in codes}
    islands = [c for c in codes if not neighbors[c]]
    fixed: dict[str, tuple[str, ...]] = {}

    if hainan == "guangdong" and islands:
        others = [c for c in islands if c != _HAINAN]
        if others:
            raise ValueError(
                f"units without land neighbours besides Hainan: {others}; use "
                "hainan='knn' to link every island to its nearest units, or "
                "hainan='none' to keep them"
            )
        if _GUANGDONG not in codes:
            raise ValueError(
                "hainan='guangdong' links Hainan (46) to Guangdong (44), but 44 is "
                "not among the codes; include it or use hainan='knn'"
            )
        fixed[_HAINAN] = (_GUANGDONG,)
    elif hainan == "knn":
        for island in islands:
            x0, y0 = centroids[island]
            dist = sorted(
                (float(np.hypot(centroids[c][0] - x0, centroids[c][1] - y0)), c)
                for c in codes
                if c != island
            )
            fixed[island] = tuple(c for _, c in dist[: int(k)])
    for island, added in fixed.items():
        for other in added:
            neighbors[island].add(other)
            neighbors[other].add(island)

    final = {c: tuple(sorted(neighbors[c])) for c in codes}
    left = tuple(c for c in codes if not final[c])
    if left:
        import warnings

        warnings.warn(
            f"units without neighbours kept (hainan='none'): {list(left)}; their "
            "spatial lag is zero",
            stacklevel=2,
        )
    return SpatialWeights(
        codes=codes,
        neighbors=final,
        hainan=hainan,
        k=int(k) if hainan == "knn" else None,
        islands_fixed=fixed,
        islands=left,
        n_components=_components(codes, final),
        source=BOUNDARY_SOURCE,
    )


# --------------------------------------------------------------------------
# Moran's I
# --------------------------------------------------------------------------


def _as_weights(w: Any, codes: Sequence[str]) -> tuple[tuple[str, ...], Any]:
    """(codes in matrix order, fresh libpysal W) from SpatialWeights, W or None."""
    if w is None:
        sw = contiguity_weights(sorted(codes))
        return sw.codes, sw.w
    if isinstance(w, SpatialWeights):
        return w.codes, w.w
    if hasattr(w, "neighbors") and hasattr(w, "id_order"):
        ids = tuple(str(i) for i in w.id_order)
        return ids, _to_w(ids, {str(i): [str(j) for j in w.neighbors[i]] for i in w.id_order})
    raise TypeError(f"w must be SpatialWeights, a libpysal W or None, got {type(w).__name__}")


def _aligned(values: pd.Series, w_codes: Sequence[str], year: int) -> np.ndarray:
    have, want = set(values.index), set(w_codes)
    if have != want:
        raise ValueError(
            f"year {year}: scores and weights cover different units (only in the "
            f"scores: {sorted(have - want)}, only in the weights: "
            f"{sorted(want - have)}); build the weights with contiguity_weights(codes)"
        )
    y = values.reindex(list(w_codes)).to_numpy(dtype=float)
    if not np.isfinite(y).all():
        raise ValueError(f"year {year}: scores must be finite")
    return y


def _scores_by_year(scores: pd.DataFrame, value: str) -> pd.DataFrame:
    data = check_scores(scores, value=value, what="Moran's I")[["code", "year", value]]
    if data.empty:
        raise ValueError("no scores to analyse")
    return data


def moran_pvalue_sim(observed: float, simulated: np.ndarray) -> float:
    """Pseudo p-value of a permutation test, esda's folded one-sided rule.

    ``p = (min(#{sim >= obs}, P - #{sim >= obs}) + 1) / (P + 1)``, with
    simulated values equal to the observed one up to rounding counted as ties.

    Examples
    --------
    >>> moran_pvalue_sim(0.5, np.array([0.1, 0.2, 0.6, -0.3]))
    0.4
    """
    simulated = np.asarray(simulated, dtype=float)
    perms = simulated.size
    # A permutation that reproduces the observed arrangement must count as a
    # tie even when summation order changes the last bits.
    ties = np.isclose(simulated, observed, rtol=1e-9, atol=1e-12)
    larger = int(((simulated >= observed) | ties).sum())
    larger = min(larger, perms - larger)
    return (larger + 1.0) / (perms + 1.0)


def _moran_sims(y: np.ndarray, dense_w: np.ndarray, permutations: int,
                rng: np.random.Generator) -> np.ndarray:
    z = y - y.mean()
    s0 = dense_w.sum()
    n = len(y)
    idx = np.argsort(rng.random((permutations, n)), axis=1)
    zp = z[idx]
    return n / s0 * np.einsum("pi,ij,pj->p", zp, dense_w, zp) / (z @ z)


def _local_moran_sims(z: np.ndarray, w: Any, permutations: int,
                      rng: np.random.Generator) -> np.ndarray:
    """Local Moran under conditional randomisation: (permutations, n) array.

    For each unit i its own value stays fixed and its k_i neighbour values are
    drawn without replacement from the other n - 1 units (Anselin 1995).
    """
    n = len(z)
    den = z @ z
    sparse = w.sparse.tocsr()
    out = np.empty((permutations, n))
    for i in range(n):
        start, stop = sparse.indptr[i], sparse.indptr[i + 1]
        weights = sparse.data[start:stop]
        others = np.delete(np.arange(n), i)
        if weights.size == 0:  # an island: its lag is zero in every draw
            out[:, i] = 0.0
            continue
        draws = np.argsort(rng.random((permutations, n - 1)), axis=1)[:, : weights.size]
        lag = z[others[draws]] @ weights
        out[:, i] = (n - 1) * z[i] * lag / den
    return out


def morans_i_by_year(
    scores: pd.DataFrame,
    *,
    value: str = "score",
    w: Any = None,
    permutations: int = 999,
    seed: int = 12345,
) -> pd.DataFrame:
    """Global Moran's I of the score in each year.

    Parameters
    ----------
    scores : pandas.DataFrame
        Columns ``code, year`` and ``value``.
    value : str
        Column to test.
    w : SpatialWeights or libpysal W, optional
        Default: :func:`contiguity_weights` over the codes in the scores.
    permutations : int
        Random permutations for ``p_sim`` (0 to skip).
    seed : int
        Permutations for year ``t`` come from
        ``numpy.random.default_rng([seed, t])``.

    Returns
    -------
    pandas.DataFrame
        One row per year: ``year, n, I, E_I, z_norm, p_norm, z_sim, p_sim,
        permutations``.  ``z_norm``/``p_norm``: normal approximation (two-sided);
        ``p_sim``: folded one-sided permutation p-value (esda's convention).

    Notes
    -----
    I = (n / S0) · zᵀWz / zᵀz with z = y − ȳ, E[I] = −1/(n−1).  The analytical
    moments come from ``esda.Moran``; permutations are drawn here so that the
    random stream is explicit.

    Examples
    --------
    >>> from gmindex.provinces import default_registry
    >>> codes = default_registry().codes
    >>> lon = {c: float(i % 7) for i, c in enumerate(codes)}
    >>> scores = pd.DataFrame({"code": codes, "year": 2016,
    ...                        "score": [lon[c] for c in codes]})
    >>> out = morans_i_by_year(scores, permutations=99)
    >>> out[["year", "n", "permutations"]].to_dict("records")
    [{'year': 2016, 'n': 31, 'permutations': 99}]
    >>> round(float(out.loc[0, "E_I"]), 4)
    -0.0333
    """
    import esda

    if int(permutations) < 0:
        raise ValueError("permutations must be >= 0")
    data = _scores_by_year(scores, value)
    rows = []
    weights_cache: dict[tuple[str, ...], tuple[tuple[str, ...], Any]] = {}
    for year, part in data.groupby("year", sort=True):
        values = part.set_index("code")[value]
        key = tuple(sorted(values.index))
        if key not in weights_cache:
            weights_cache[key] = _as_weights(w, key)
        w_codes, wobj = weights_cache[key]
        y = _aligned(values, w_codes, int(year))
        if np.ptp(y) == 0:
            raise ValueError(f"year {year}: the {value} is constant; Moran's I is undefined")
        mi = esda.Moran(y, wobj, transformation="r", permutations=0)
        row = {
            "year": int(year),
            "n": int(len(y)),
            "I": float(mi.I),
            "E_I": float(mi.EI),
            "z_norm": float(mi.z_norm),
            "p_norm": float(mi.p_norm),
            "z_sim": np.nan,
            "p_sim": np.nan,
            "permutations": int(permutations),
        }
        if permutations:
            rng = np.random.default_rng([int(seed), int(year)])
            sims = _moran_sims(y, wobj.full()[0], int(permutations), rng)
            row["p_sim"] = moran_pvalue_sim(mi.I, sims)
            row["z_sim"] = float((mi.I - sims.mean()) / sims.std())
        rows.append(row)
    return pd.DataFrame(rows)


def lisa_clusters(
    scores: pd.DataFrame,
    *,
    year: int,
    value: str = "score",
    w: Any = None,
    permutations: int = 999,
    seed: int = 12345,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Local Moran (LISA) statistics and cluster labels for one year.

    Parameters
    ----------
    scores : pandas.DataFrame
        Columns ``code, year`` and ``value``.
    year : int
    value, w, permutations
        As in :func:`morans_i_by_year`.
    seed : int
        Conditional permutations come from ``numpy.random.default_rng([seed, year])``.
    alpha : float
        A unit is a cluster when its pseudo p-value is below ``alpha``.

    Returns
    -------
    pandas.DataFrame
        ``code, year, value, z, lag, Ii, p_sim, quadrant, cluster``: ``z`` the
        standardised value, ``lag`` its spatial lag (the Moran scatterplot
        coordinates), ``quadrant`` in {"HH", "LH", "LL", "HL"} whatever the
        significance, ``cluster`` the quadrant if ``p_sim < alpha`` else "ns".

    Examples
    --------
    >>> from gmindex.provinces import default_registry
    >>> codes = default_registry().codes
    >>> scores = pd.DataFrame({"code": codes, "year": 2020,
    ...                        "score": [float(c[0]) for c in codes]})
    >>> out = lisa_clusters(scores, year=2020, permutations=99)
    >>> out.columns.tolist()
    ['code', 'year', 'value', 'z', 'lag', 'Ii', 'p_sim', 'quadrant', 'cluster']
    >>> set(out["cluster"]) <= {"HH", "LL", "LH", "HL", "ns"}
    True
    """
    import esda

    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    if int(permutations) < 1:
        raise ValueError("LISA needs permutations >= 1 for its pseudo p-values")
    data = _scores_by_year(scores, value)
    part = data[data["year"] == int(year)]
    if part.empty:
        raise ValueError(f"no scores for year {year}; years present: {sorted(data['year'].unique())}")
    values = part.set_index("code")[value]
    w_codes, wobj = _as_weights(w, tuple(sorted(values.index)))
    y = _aligned(values, w_codes, int(year))
    if np.ptp(y) == 0:
        raise ValueError(f"year {year}: the {value} is constant; LISA is undefined")
    # esda gives the statistic and quadrants; the conditional permutations are
    # drawn here (esda's numba kernel takes ~45 s to compile in every new process).
    lm = esda.Moran_Local(y, wobj, transformation="r", permutations=0)
    rng = np.random.default_rng([int(seed), int(year)])
    sims = _local_moran_sims(np.asarray(lm.z, dtype=float), wobj, int(permutations), rng)
    p_sim = np.array([moran_pvalue_sim(lm.Is[i], sims[:, i]) for i in range(len(y))])
    quadrant = pd.Series(lm.q).map(LISA_LABELS).to_numpy()
    significant = p_sim < alpha
    lag = wobj.sparse @ lm.z
    return pd.DataFrame(
        {
            "code": list(w_codes),
            "year": int(year),
            "value": y,
            "z": np.asarray(lm.z, dtype=float),
            "lag": np.asarray(lag, dtype=float),
            "Ii": np.asarray(lm.Is, dtype=float),
            "p_sim": p_sim,
            "quadrant": quadrant,
            "cluster": np.where(significant, quadrant, "ns"),
        }
    )
