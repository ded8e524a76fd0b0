"""External validity: our provincial ranks against the NBS 2016 green development index.

The reference is table 1 of the official 《2016年生态文明建设年度评价结果公报》
(NBS, NDRC, MEP and the Organisation Department, 2017-12-26): ranks of the 31
provinces on the green development index (绿色发展指数) and its six
sub-indices.  Only a press reprint could be retrieved, and only its first
15 rows (Beijing to Jiangxi, i.e. the provinces ranked 1-15); see
``data/raw/sources.csv`` (``nbs_gdi_2016``).  Two consequences, stated in
every output:

- the Spearman correlation is computed on the 15 listed provinces only,
  a range-restricted sample (correlations within the top half of a ranking
  are attenuated);
- with all 30 provinces of our index, only membership of the NBS top 15 is
  known for the others; :func:`external_validity` reports the probability
  that a listed province outranks an unlisted one in our index (AUC, the
  Mann-Whitney statistic over n1 n2).

The NBS index measures green development broadly (resources, environment,
ecology, growth quality, green living), not green manufacturing: agreement
is expected to be partial.

Confidence interval of Spearman's rho: Fisher z with the Bonett-Wright
(2000) standard error ``sqrt((1 + rho**2 / 2) / (n - 3))``, the usual
correction for rank correlations.

Examples
--------
Hand-computed: one swapped pair in five ranks gives sum d^2 = 2 and
rho = 1 - 6 * 2 / (5 * 24) = 0.9; ranks 1, 2, 5 against 3, 4, 6 are better in
7 of 9 pairs:

>>> r = spearman_ci([1, 2, 3, 4, 5], [2, 1, 3, 4, 5])
>>> round(r["rho"], 3), r["n"]
(0.9, 5)
>>> round(rank_auc([1, 2, 5], [3, 4, 6]), 4)
0.7778
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "NBS_MEASURES",
    "agreement_table",
    "external_validity",
    "load_nbs_ranks",
    "rank_auc",
    "spearman_ci",
]

#: Columns of the NBS table, in table order (green development index first).
NBS_MEASURES = (
    "green_development_index", "resource_use", "environmental_governance",
    "environmental_quality", "ecological_protection", "growth_quality", "green_living",
    "public_satisfaction",
)

#: Which of our pillars answers which NBS sub-index (closest concept).
PILLAR_PAIRS = (
    ("energy", "resource_use"),
    ("pollution", "environmental_governance"),
    ("pollution", "environmental_quality"),
    ("innovation", "growth_quality"),
    ("structure", "growth_quality"),
)


def load_nbs_ranks(path: str | Path | None = None) -> pd.DataFrame:
    """Read the transcribed NBS 2016 rank table (``data/raw/nbs_gdi_2016_ranks.csv``).

    Returns
    -------
    DataFrame
        ``code`` (str) and one nullable integer column per NBS measure.
    """
    if path is None:
        from gmindex.data_paths import data_dir

        path = data_dir() / "raw" / "nbs_gdi_2016_ranks.csv"
    table = pd.read_csv(path, dtype={"code": str})
    missing = [c for c in ("code",) + NBS_MEASURES if c not in table.columns]
    if missing:
        raise ValueError(f"{path}: columns {missing} are missing; expected code and {NBS_MEASURES}")
    for c in NBS_MEASURES:
        table[c] = table[c].astype("Int64")
    return table


def spearman_ci(x: Sequence[float], y: Sequence[float], *, level: float = 0.95) -> dict:
    """Spearman's rho with a Fisher-z (Bonett-Wright) confidence interval.

    Returns
    -------
    dict
        ``n, rho, ci_low, ci_high, p_value`` (p from :func:`scipy.stats.spearmanr`).
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    n = int(len(x))
    res = stats.spearmanr(x, y)
    rho = float(res.statistic)
    low = high = float("nan")
    if n > 3 and abs(rho) < 1:
        z = math.atanh(rho)
        se = math.sqrt((1 + rho ** 2 / 2) / (n - 3))
        q = stats.norm.ppf(0.5 + level / 2)
        low, high = math.tanh(z - q * se), math.tanh(z + q * se)
    return {"n": n, "rho": rho, "ci_low": low, "ci_high": high, "p_value": float(res.pvalue)}


def rank_auc(listed: Sequence[float], others: Sequence[float]) -> float:
    """Probability that a listed unit has a better (smaller) rank than an unlisted one.

    Ties count one half (the Mann-Whitney U over n1 n2).
    """
    a, b = np.asarray(listed, float)[:, None], np.asarray(others, float)[None, :]
    return float(((a < b).sum() + 0.5 * (a == b).sum()) / (a.size * b.size))


def external_validity(result, *, year: int = 2016, nbs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Our ranks in ``year`` against the NBS 2016 green development ranks.

    Parameters
    ----------
    result : IndexResult
    year : int
        Year of our index compared (the NBS table is for 2016).
    nbs : DataFrame, optional
        The NBS table (default: :func:`load_nbs_ranks`).

    Returns
    -------
    DataFrame
        One row per comparison: ``ours, nbs, n, estimate, ci_low, ci_high,
        p_value, method, note`` (estimate: Spearman's rho, or the AUC).  ``ours`` is ``index`` or a pillar;
        the ``auc_top15`` row uses every province of our index.
    """
    nbs = load_nbs_ranks() if nbs is None else nbs
    frame = result.to_frame()
    frame = frame[frame["year"] == year].set_index("code")
    ours = {"index": frame["rank"]}
    for col in frame.columns:
        if col.startswith("pillar_"):
            ours[col[len("pillar_"):]] = frame[col].rank(ascending=False, method="min")
    # ranks among the listed provinces only: both sides re-ranked on the common set
    common = [c for c in nbs["code"] if c in frame.index]
    nb = nbs.set_index("code").loc[common]
    method = "Spearman, Fisher z with Bonett-Wright SE, 95 %"
    note = (f"{len(common)} provinces listed in the retrieved copy (NBS ranks 1-15 only): "
            "range-restricted; NBS measures green development broadly, not manufacturing")
    rows = []
    pairs = [("index", m) for m in NBS_MEASURES] + [p for p in PILLAR_PAIRS if p[0] in ours]
    for mine, theirs in pairs:
        r = spearman_ci(ours[mine].loc[common].to_numpy(float),
                        nb[theirs].astype("float").to_numpy())
        r["estimate"] = r.pop("rho")
        rows.append({"ours": mine, "nbs": theirs, **r, "method": method, "note": note})
    listed = frame.loc[common, "rank"].to_numpy(float)
    others = frame.loc[[c for c in frame.index if c not in common], "rank"].to_numpy(float)
    auc = rank_auc(listed, others)
    u = stats.mannwhitneyu(-listed, -others, alternative="greater")
    rows.append({
        "ours": "index", "nbs": "green_development_index_top15", "n": int(len(frame)),
        "estimate": auc, "ci_low": float("nan"), "ci_high": float("nan"), "p_value": float(u.pvalue),
        "method": "AUC = P(listed province outranks an unlisted one); Mann-Whitney one-sided p",
        "note": f"{len(listed)} listed vs {len(others)} unlisted provinces of our index",
    })
    return pd.DataFrame(rows)


def agreement_table(result, *, year: int = 2016, nbs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Province by province: NBS rank, our rank among the listed provinces and overall.

    Returns
    -------
    DataFrame
        ``code, name, nbs_rank, our_rank, our_rank_among_listed, difference``
        (difference = ours among listed minus NBS), sorted by NBS rank.
    """
    nbs = load_nbs_ranks() if nbs is None else nbs
    frame = result.to_frame()
    frame = frame[frame["year"] == year].set_index("code")
    common = [c for c in nbs["code"] if c in frame.index]
    out = pd.DataFrame({"code": common})
    out["name"] = frame.loc[common, "name"].to_numpy()
    out["nbs_rank"] = nbs.set_index("code").loc[common, "green_development_index"].to_numpy()
    out["our_rank"] = frame.loc[common, "rank"].to_numpy()
    out["our_rank_among_listed"] = out["our_rank"].rank(method="min").astype(int)
    out["difference"] = out["our_rank_among_listed"] - out["nbs_rank"]
    return out.sort_values("nbs_rank").reset_index(drop=True)
