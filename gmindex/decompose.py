"""Where a score and its rise come from: indicator shares and the MIIT roll-out.

With the weighted-sum aggregation a score is ``S_it = sum_j w_j z_ijt`` with
weights fixed across years (pooled normalisation), so both a score and a
change of the mean score split exactly into indicator (and pillar) parts.

- :func:`score_shares`: the share of each indicator in each province-year
  score (``w_j z_ijt / S_it``), e.g. how much of Qinghai's 2020 score is
  green-factory density.
- :func:`rise_decomposition`: the rise of the mean score between two years,
  its exact pillar parts, and two rebuilds that show the MIIT list roll-out
  (lists start from a structural zero in 2016): the index without the
  green-manufacturing-system pillar, and the rise counted from the first list
  year (2017).
- :func:`transform_effect`: shares and ranks of chosen provinces with and
  without an indicator transform (e.g. ``log1p`` on the list densities).

Examples
--------
>>> import numpy as np, pandas as pd
>>> from types import SimpleNamespace
>>> res = SimpleNamespace(
...     normalized=pd.DataFrame({"code": ["11", "11"], "year": [2016, 2016],
...                              "indicator": ["a", "b"], "value": [1.0, 0.5]}),
...     weights=pd.DataFrame({"indicator": ["a", "b"], "pillar": ["p", "q"], "weight": [0.25, 0.75]}))
>>> score_shares(res)[["indicator", "contribution", "share"]].round(4).to_dict("list")
{'indicator': ['a', 'b'], 'contribution': [0.25, 0.375], 'share': [0.4, 0.6]}
"""

from __future__ import annotations

from typing import Sequence

import pandas as pd

__all__ = ["pillar_rise", "rise_decomposition", "score_shares", "transform_effect"]


def _flat_weights(result) -> pd.Series:
    w = result.weights
    if "year" in w.columns:
        raise ValueError("score_shares needs one weight per indicator (not per-year entropy weights)")
    return w.set_index("indicator")["weight"]


def score_shares(result) -> pd.DataFrame:
    """Contribution and share of each indicator in each province-year score.

    Parameters
    ----------
    result : IndexResult
        Built with ``aggregation="sum"`` (TOPSIS scores do not split).

    Returns
    -------
    DataFrame
        ``code, year, indicator, pillar, contribution, share`` where
        ``contribution = w_j z_ijt`` and ``share = contribution / score``
        (NaN when the score is 0).
    """
    w = _flat_weights(result)
    pillar = result.weights.set_index("indicator")["pillar"]
    z = result.normalized
    out = z[["code", "year", "indicator"]].copy()
    out["pillar"] = out["indicator"].map(pillar)
    out["contribution"] = z["value"].to_numpy() * out["indicator"].map(w).to_numpy()
    total = out.groupby(["code", "year"])["contribution"].transform("sum")
    out["share"] = out["contribution"] / total.where(total > 0)
    return out.reset_index(drop=True)


def pillar_rise(result, start: int, end: int, *, codes: Sequence[str] | None = None) -> pd.DataFrame:
    """Exact pillar parts of the rise of the mean score from ``start`` to ``end``.

    Returns
    -------
    DataFrame
        ``pillar, contribution_start, contribution_end, rise, share_of_rise``
        (mean over the units; the rises add up to the rise of the mean score).
    """
    sh = score_shares(result)
    if codes is not None:
        sh = sh[sh["code"].isin(list(codes))]
    by = (sh[sh["year"].isin([start, end])]
          .groupby(["pillar", "year"], sort=False)["contribution"].sum()
          .unstack("year"))
    n = sh["code"].nunique()
    order = list(dict.fromkeys(result.weights["pillar"]))
    by = by.reindex(order) / n
    out = pd.DataFrame({"pillar": order, "contribution_start": by[start].to_numpy(),
                        "contribution_end": by[end].to_numpy()})
    out["rise"] = out["contribution_end"] - out["contribution_start"]
    out["share_of_rise"] = out["rise"] / out["rise"].sum()
    return out


def _mean_rise(result, start: int, end: int, codes) -> tuple[float, float]:
    s = result.scores
    if codes is not None:
        s = s[s["code"].isin(list(codes))]
    m = s.groupby("year")["score"].mean()
    return float(m[start]), float(m[end])


def rise_decomposition(
    result,
    *,
    pillar: str = "green_system",
    start: int | None = None,
    end: int | None = None,
    first_list_year: int = 2017,
    scheme: str = "region4",
) -> pd.DataFrame:
    """How much of the rise of the index is the roll-out of the MIIT lists.

    Parameters
    ----------
    result : IndexResult
        The index (weighted sum).
    pillar : str
        The pillar holding the list counts (structural zero before the first list).
    start, end : int, optional
        Years compared (default: first and last year of the result).
    first_list_year : int
        First year with a published list; the rise is also counted from it.
    scheme : str
        Region scheme for the regional rows (a column of ``result.to_frame()``).

    Returns
    -------
    DataFrame
        One row per region (``all`` first) and measure: ``region, measure,
        start, end, mean_start, mean_end, rise, share_of_default_rise``.
        Measures: ``default`` (the index), ``pillar_part`` (the exact part of
        the rise carried by ``pillar``), ``without_pillar`` (index rebuilt
        without the pillar's indicators, same options) and
        ``from_first_list`` (the index from ``first_list_year``).
    """
    years = sorted(result.scores["year"].unique())
    start = years[0] if start is None else start
    end = years[-1] if end is None else end
    frame = result.to_frame()
    drop = [i for i, p in result.spec.pillar_of().items() if p == pillar]
    if not drop:
        raise KeyError(f"pillar {pillar!r} has no indicator in the spec; pillars: {result.spec.pillar_ids}")
    without = result.replay(spec=result.spec.without(*drop))
    groups = [("all", None)] + [
        (g, frame.loc[frame[scheme] == g, "code"].unique()) for g in sorted(frame[scheme].unique())
    ]
    rows = []
    for region, codes in groups:
        s0, s1 = _mean_rise(result, start, end, codes)
        base = s1 - s0
        part = pillar_rise(result, start, end, codes=codes)
        part = part.loc[part["pillar"] == pillar].iloc[0]
        w0, w1 = _mean_rise(without, start, end, codes)
        f0, f1 = _mean_rise(result, first_list_year, end, codes)
        for measure, y0, a, b in (
            ("default", start, s0, s1),
            ("pillar_part", start, part["contribution_start"], part["contribution_end"]),
            ("without_pillar", start, w0, w1),
            ("from_first_list", first_list_year, f0, f1),
        ):
            rows.append({"region": region, "measure": measure, "start": y0, "end": end,
                         "mean_start": a, "mean_end": b, "rise": b - a,
                         "share_of_default_rise": (b - a) / base if base else float("nan")})
    return pd.DataFrame(rows)


def transform_effect(
    result,
    indicator: str,
    codes: Sequence[str],
    *,
    year: int | None = None,
    transformed: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Share of one indicator in the score and the rank, with and without transforms.

    Parameters
    ----------
    result : IndexResult
        Built with the transforms of its spec.
    indicator : str
        Indicator whose share is reported (e.g. ``green_factories_density``).
    codes : sequence of str
        Provinces reported.
    year : int, optional
        Default: the last year.
    transformed : sequence of str, optional
        Indicators whose transform is switched off in the comparison (default:
        every indicator with a transform).

    Returns
    -------
    DataFrame
        ``code, year, variant, share, rank`` with variants ``with_transform``
        and ``without_transform``.
    """
    from dataclasses import replace

    year = int(result.scores["year"].max()) if year is None else int(year)
    spec = result.spec
    names = list(transformed) if transformed is not None else [
        i.id for i in spec.indicators if i.transform != "none"]
    plain = spec.replace(indicators=tuple(
        replace(i, transform="none") if i.id in names else i for i in spec.indicators))
    rows = []
    for variant, res in (("with_transform", result), ("without_transform", result.replay(spec=plain))):
        sh = score_shares(res)
        sh = sh[(sh["indicator"] == indicator) & (sh["year"] == year)].set_index("code")["share"]
        rk = res.scores[res.scores["year"] == year].set_index("code")["rank"]
        for c in codes:
            rows.append({"code": c, "year": year, "variant": variant,
                         "share": float(sh.get(c, float("nan"))), "rank": int(rk[c])})
    return pd.DataFrame(rows)
