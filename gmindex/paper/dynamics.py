"""Spatial dependence over time: Moran's I by pillar, bivariate Moran and LISA.

Univariate global Moran's I by year and LISA come from :mod:`gmindex.spatial`
(one permutation count and seed for every year); this module runs them per
pillar and adds the bivariate statistics of esda:

- global bivariate Moran I_xy = (n / S0) zxᵀ W zy / zxᵀ zx (``esda.Moran_BV``), the
  association between a unit's index score (x) and its neighbours' covariate (y);
- local bivariate Moran I_i = zx_i Σ_j w_ij zy_j (``esda.Moran_Local_BV``), with
  clusters HH, LH, LL, HL (x of the unit, lag of y of the neighbours).

Permutations are drawn here from ``numpy.random.default_rng([seed, year])``,
as in :mod:`gmindex.spatial`: the random stream is explicit and esda's numba
kernels are not compiled.  Global: y is permuted over units; local:
conditional randomisation (unit i's x fixed, its neighbours' y drawn from the
other n − 1 units).

Examples
--------
>>> from gmindex.datasets import load_inputs
>>> from gmindex.index import build_index
>>> res = build_index(*load_inputs())
>>> mi = morans_i_by_pillar(res, permutations=99)
>>> sorted(mi["pillar"].unique())[:2]
['energy', 'governance']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["bivariate_lisa", "bivariate_moran_by_year", "morans_i_by_pillar"]

_QUADRANT = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}


def morans_i_by_pillar(result, *, w: Any = None, permutations: int = 999,
                       seed: int = 12345) -> pd.DataFrame:
    """Global Moran's I of every pillar score in every year.

    Returns
    -------
    pandas.DataFrame
        ``pillar``, the columns of :func:`gmindex.spatial.morans_i_by_year`
        and ``note`` (a year in which the pillar is constant has NaN
        statistics and the note "pillar constant: I undefined").
    """
    from gmindex.spatial import contiguity_weights, morans_i_by_year

    ps = result.pillar_scores
    w = w if w is not None else contiguity_weights(sorted(ps["code"].unique()))
    out = []
    for pillar in [p.id for p in result.spec.pillars]:
        part = ps[ps["pillar"] == pillar]
        if part.empty:
            continue
        # A pillar constant in some year (green factories before the first list)
        # has no Moran's I there: that year gets a row with a note, not a number.
        keep = part.groupby("year")["score"].transform("nunique") > 1
        constant = sorted(int(y) for y in part.loc[~keep, "year"].unique())
        table = morans_i_by_year(part[keep], w=w, permutations=permutations, seed=seed)
        table = table.assign(pillar=pillar, note="")
        if constant:
            table = pd.concat([table, pd.DataFrame({"year": constant, "pillar": pillar,
                                                    "permutations": int(permutations),
                                                    "note": "pillar constant: I undefined"})],
                              ignore_index=True).sort_values("year", ignore_index=True)
        out.append(table)
    frame = pd.concat(out, ignore_index=True)
    return frame[["pillar", *[c for c in frame.columns if c != "pillar"]]]


def _aligned_pair(scores: pd.DataFrame, covariate: pd.DataFrame, column: str, year: int,
                  codes) -> tuple[np.ndarray, np.ndarray]:
    s = scores[scores["year"] == year].set_index("code")["score"]
    c = covariate[covariate["year"] == year].set_index("code")[column]
    missing = [k for k in codes if k not in s.index or k not in c.index or pd.isna(c.get(k))]
    if missing:
        raise ValueError(f"year {year}: no score or {column} for units {missing}")
    return s.reindex(codes).to_numpy(float), c.reindex(codes).to_numpy(float)


def bivariate_moran_by_year(scores: pd.DataFrame, covariate: pd.DataFrame, column: str, *,
                            w: Any = None, permutations: int = 999, seed: int = 12345
                            ) -> pd.DataFrame:
    """Global bivariate Moran's I of (index score, neighbours' covariate) by year.

    Parameters
    ----------
    scores : pandas.DataFrame
        ``code, year, score``.
    covariate : pandas.DataFrame
        ``code, year`` and ``column``.
    column : str
    w : SpatialWeights, optional
    permutations, seed : int

    Returns
    -------
    pandas.DataFrame
        ``year, covariate, n, I_bv, p_sim, z_sim, permutations``.
    """
    import esda

    from gmindex.spatial import contiguity_weights, moran_pvalue_sim

    sw = w if w is not None else contiguity_weights(sorted(scores["code"].unique()))
    codes = list(sw.codes)
    wobj = sw.w
    dense = wobj.full()[0]
    rows = []
    for year in sorted(scores["year"].unique()):
        x, y = _aligned_pair(scores, covariate, column, int(year), codes)
        mbv = esda.Moran_BV(x, y, wobj, transformation="r", permutations=0)
        zx = (x - x.mean()) / x.std()
        zy = (y - y.mean()) / y.std()
        raw = zx @ dense @ zy
        scale = mbv.I / raw if raw != 0 else 0.0  # esda's normalisation, whatever it is
        rng = np.random.default_rng([int(seed), int(year)])
        idx = np.argsort(rng.random((permutations, len(y))), axis=1)
        sims = scale * np.einsum("i,ij,pj->p", zx, dense, zy[idx])
        rows.append({"year": int(year), "covariate": column, "n": len(x), "I_bv": float(mbv.I),
                     "p_sim": moran_pvalue_sim(mbv.I, sims) if permutations else np.nan,
                     "z_sim": float((mbv.I - sims.mean()) / sims.std()) if permutations else np.nan,
                     "permutations": int(permutations)})
    return pd.DataFrame(rows)


def bivariate_lisa(scores: pd.DataFrame, covariate: pd.DataFrame, column: str, *, year: int,
                   w: Any = None, permutations: int = 999, seed: int = 12345,
                   alpha: float = 0.05) -> pd.DataFrame:
    """Local bivariate Moran (index score of the unit, covariate of its neighbours).

    Returns
    -------
    pandas.DataFrame
        ``code, year, x, lag_y, Ii, p_sim, quadrant, cluster`` — the frame
        :func:`gmindex.maps.lisa_map` draws.
    """
    import esda

    from gmindex.spatial import contiguity_weights, moran_pvalue_sim

    if int(permutations) < 1:
        raise ValueError("bivariate LISA needs permutations >= 1 for its pseudo p-values")
    sw = w if w is not None else contiguity_weights(sorted(scores["code"].unique()))
    codes = list(sw.codes)
    wobj = sw.w
    x, y = _aligned_pair(scores, covariate, column, int(year), codes)
    lm = esda.Moran_Local_BV(x, y, wobj, transformation="r", permutations=0)
    zx = (x - x.mean()) / x.std()
    zy = (y - y.mean()) / y.std()
    sparse = wobj.sparse.tocsr()
    lag = sparse @ zy
    n = len(x)
    rng = np.random.default_rng([int(seed), int(year)])
    p = np.empty(n)
    for i in range(n):
        start, stop = sparse.indptr[i], sparse.indptr[i + 1]
        weights = sparse.data[start:stop]
        base = zx[i] * lag[i]
        scale = lm.Is[i] / base if base != 0 else 0.0
        others = np.delete(np.arange(n), i)
        draws = np.argsort(rng.random((permutations, n - 1)), axis=1)[:, : weights.size]
        sims = scale * zx[i] * (zy[others[draws]] @ weights)
        p[i] = moran_pvalue_sim(lm.Is[i], sims)
    quadrant = pd.Series(lm.q).map(_QUADRANT).to_numpy()
    return pd.DataFrame({"code": codes, "year": int(year), "x": x, "lag_y": lag,
                         "Ii": np.asarray(lm.Is, float), "p_sim": p, "quadrant": quadrant,
                         "cluster": np.where(p < alpha, quadrant, "ns"), "covariate": column})
