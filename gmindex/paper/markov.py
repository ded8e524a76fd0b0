"""Classic and spatial Markov chains of score classes (giddy).

Scores of n units over T years are put into k classes (pooled quartiles by
default, i.e. the same cut-offs in every year, or user cut-offs); the classic
chain counts moves between classes from one year to the next, and the spatial
chain (Rey 2001) counts them separately for each class of the spatial lag
(the neighbours' mean score, contiguity weights of :mod:`gmindex.spatial`).
Both come from :mod:`giddy.markov`; this module aligns the data, records the
options and turns the arrays into tidy tables with counts beside the
probabilities (with 30 provinces and 4 transitions the k×k×k spatial counts
are sparse: a probability from 2 moves is not a probability from 40).

``values="relative"`` (default) divides each score by the mean of its year
before classifying.  With a rising index and fixed cut-offs on levels almost
every move is upward and the top class is absorbing, so the steady state is
trivially "everyone at the top"; relative scores ask the question the
gradient literature asks (does a province move up *relative to the nation*).
``values="level"`` classifies the scores themselves.

References
----------
Rey, S. J. (2001). Spatial empirics for economic growth and convergence.
Geographical Analysis 33(3): 195–214.

Examples
--------
>>> from gmindex.datasets import load_inputs
>>> from gmindex.index import build_index
>>> res = markov_chains(build_index(*load_inputs()).scores)
>>> res.classic.shape, res.k, res.n_transitions
((4, 4), 4, 120)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["MarkovResult", "markov_chains"]

_VALUES = ("relative", "level")


@dataclass(frozen=True)
class MarkovResult:
    """Classic and spatial Markov chains with counts and homogeneity tests.

    Attributes
    ----------
    classic : pandas.DataFrame
        k×k transition probabilities (rows: class at t, columns: class at t+1).
    classic_counts : pandas.DataFrame
        k×k transition counts.
    steady_state : pandas.Series
        Ergodic distribution of the classic chain (NaN if not unique).
    spatial : pandas.DataFrame
        Long: ``lag_class, from_class, to_class, count, probability``.
    spatial_steady_state : pandas.DataFrame
        One row per lag class.
    tests : dict
        ``Q, Q_p_value, LR, LR_p_value, dof`` of the spatial homogeneity test.
    cutoffs, lag_cutoffs : tuple of float
    params : dict
        ``values, k, m, cutoffs rule, weights rule, years``.
    """

    classic: pd.DataFrame
    classic_counts: pd.DataFrame
    steady_state: pd.Series
    spatial: pd.DataFrame
    spatial_steady_state: pd.DataFrame
    tests: Mapping[str, float]
    cutoffs: tuple[float, ...]
    lag_cutoffs: tuple[float, ...]
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def k(self) -> int:
        return len(self.classic)

    @property
    def n_transitions(self) -> int:
        return int(self.classic_counts.to_numpy().sum())

    def classic_table(self) -> pd.DataFrame:
        """Classic matrix as a paper table: ``from_class, n, P(->1) ...`` with counts."""
        out = self.classic.round(4).astype(str) + " (" + self.classic_counts.astype(int).astype(str) + ")"
        out.insert(0, "n", self.classic_counts.sum(axis=1).astype(int))
        return out.reset_index()

    def upward(self) -> pd.DataFrame:
        """Probability of moving up one class or more, by own class and neighbours' class.

        ``lag_class = "all"`` is the classic chain; the top class cannot move up and is left out.
        """
        rows = []
        c = self.classic_counts.to_numpy()
        for i in range(self.k - 1):
            n = c[i].sum()
            rows.append({"lag_class": "all", "from_class": i + 1, "n": int(n),
                         "up": int(c[i, i + 1:].sum()),
                         "p_up": c[i, i + 1:].sum() / n if n else np.nan})
        sp = self.spatial
        for (lag, frm), part in sp.groupby(["lag_class", "from_class"], sort=True):
            if frm == self.k:
                continue
            n = part["count"].sum()
            up = part.loc[part["to_class"] > frm, "count"].sum()
            rows.append({"lag_class": int(lag), "from_class": int(frm), "n": int(n),
                         "up": int(up), "p_up": up / n if n else np.nan})
        return pd.DataFrame(rows)

    def tests_frame(self) -> pd.DataFrame:
        return pd.DataFrame([dict(self.tests)])


def _prepare(scores: pd.DataFrame, value: str, values: str) -> pd.DataFrame:
    wide = scores.pivot(index="code", columns="year", values=value).sort_index()
    if wide.isna().any().any():
        bad = wide[wide.isna().any(axis=1)].index.tolist()
        raise ValueError(f"Markov chains need a balanced panel; units {bad} lack a {value} in "
                         "some year (drop them or restrict the years)")
    if values == "relative":
        wide = wide / wide.mean(axis=0)
    return wide


def markov_chains(scores: pd.DataFrame, *, value: str = "score", values: str = "relative",
                  k: int = 4, cutoffs: Sequence[float] | None = None,
                  lag_cutoffs: Sequence[float] | None = None, w: Any = None) -> MarkovResult:
    """Classic and spatial Markov transition matrices of score classes.

    Parameters
    ----------
    scores : pandas.DataFrame
        ``code, year`` and ``value``; a balanced panel.
    value : str
        Column to classify.
    values : {"relative", "level"}
        Classify score / yearly mean (default) or the score itself.
    k : int
        Number of classes (pooled quantiles) when ``cutoffs`` is not given.
    cutoffs, lag_cutoffs : sequence of float, optional
        User class boundaries (k − 1 inner cut-offs) for the values and for
        the spatial lag; default pooled quantiles of each.
    w : SpatialWeights, optional
        Default :func:`gmindex.spatial.contiguity_weights` over the codes.

    Returns
    -------
    MarkovResult

    Notes
    -----
    p_ij = n_ij / Σ_j n_ij over all pairs of consecutive years.  Spatial
    Markov conditions on the class of the lag W·y in year t.  Homogeneity
    (Bickenbach & Bode 2003): Q = Σ_l Σ_i Σ_j n_l,i (p_l,ij − p_ij)² / p_ij
    and LR = 2 Σ n_l,ij ln(p_l,ij / p_ij), both χ² under H0 that the lag class
    does not matter (``giddy.markov.Spatial_Markov``).
    """
    from gmindex import _mapclassify

    _mapclassify.load()  # before giddy imports it: see gmindex._mapclassify
    from giddy.markov import Markov, Spatial_Markov

    from gmindex.spatial import contiguity_weights

    if values not in _VALUES:
        raise ValueError(f"values must be one of {_VALUES}, got {values!r}")
    wide = _prepare(scores, value, values)
    sw = w if w is not None else contiguity_weights(list(wide.index))
    codes = list(sw.codes)
    if sorted(codes) != list(wide.index):
        raise ValueError("the weights' units differ from the scores' units")
    y = wide.loc[codes].to_numpy(dtype=float)
    kk = k if cutoffs is None else len(cutoffs) + 1
    # fixed=True: one set of pooled cut-offs for every year (giddy's default).
    sm = Spatial_Markov(y, sw.w, k=kk, m=kk, fixed=True, cutoffs=None if cutoffs is None
                        else np.asarray(cutoffs, dtype=float),
                        lag_cutoffs=None if lag_cutoffs is None
                        else np.asarray(lag_cutoffs, dtype=float), fill_empty_classes=True)
    classic = Markov(sm.class_ids, classes=np.arange(kk), summary=False)
    labels = list(range(1, kk + 1))
    p = pd.DataFrame(np.asarray(classic.p, dtype=float), index=pd.Index(labels, name="from_class"),
                     columns=pd.Index(labels, name="to_class"))
    counts = pd.DataFrame(np.asarray(classic.transitions, dtype=float), index=p.index,
                          columns=p.columns)
    ss = np.asarray(classic.steady_state, dtype=float)
    steady = pd.Series(ss.ravel() if ss.size == kk else np.full(kk, np.nan), index=labels,
                       name="steady_state")
    rows = []
    for lag in range(kk):
        for i in range(kk):
            for j in range(kk):
                rows.append({"lag_class": lag + 1, "from_class": i + 1, "to_class": j + 1,
                             "count": int(sm.T[lag, i, j]),
                             "probability": float(sm.P[lag, i, j])})
    sss = []
    for lag in range(kk):
        s = np.asarray(sm.S[lag], dtype=float).ravel()
        sss.append(dict(lag_class=lag + 1, **{f"class_{c}": (s[c - 1] if s.size == kk else np.nan)
                                              for c in labels}))
    tests = {"Q": float(sm.Q), "Q_p_value": float(sm.Q_p_value), "LR": float(sm.LR),
             "LR_p_value": float(sm.LR_p_value), "dof": int(sm.dof_hom)}
    params = {"values": values, "k": kk, "cutoffs": "user" if cutoffs is not None else
              "pooled quantiles", "lag_cutoffs": "user" if lag_cutoffs is not None else
              "pooled quantiles of the spatial lag", "weights": getattr(sw, "hainan", "given"),
              "years": [int(c) for c in wide.columns], "n_units": len(codes),
              "implementation": "giddy.markov.Spatial_Markov(fixed=True)"}
    return MarkovResult(p, counts, steady, pd.DataFrame(rows), pd.DataFrame(sss), tests,
                        tuple(float(c) for c in np.ravel(sm.cutoffs)),
                        tuple(float(c) for c in np.ravel(sm.lag_cutoffs)), params)
