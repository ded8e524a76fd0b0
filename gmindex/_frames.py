"""Checks and region ordering of score frames, shared by the analysis modules.

A *score frame* has one row per unit and year: ``code`` (GB/T 2260 code as
text), ``year`` (int) and a numeric value column.  :mod:`gmindex.regional`,
:mod:`gmindex.convergence`, :mod:`gmindex.density` and
:mod:`gmindex.disparity` check their input and order their regional output
here, so that every table refuses the same bad input with the same message and
lists regions in the same order.  Region lookup itself is
:func:`gmindex.regional.add_region`.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"region": ["west", "national", "east"], "year": 2016})
>>> sort_by_region(frame, ("east", "central", "west"))["region"].tolist()
['east', 'west', 'national']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["MISSING_POLICIES", "NATIONAL", "check_scores", "region_rank", "sort_by_region"]

#: Label of the all-units row in regional tables.
NATIONAL = "national"


#: What :func:`check_scores` does with a missing score: ``"raise"`` (list the cells and stop:
#: tables that would silently run on fewer units), ``"keep"`` (leave NaN for the caller to
#: handle visibly, e.g. regressions drop listwise and report it, maps draw "no data").
MISSING_POLICIES = ("raise", "keep")


def check_scores(
    frame: pd.DataFrame,
    *,
    value: str,
    keys: Sequence[str] = ("code", "year"),
    missing: str = "raise",
    what: str = "this analysis",
) -> pd.DataFrame:
    """Validated copy of a score frame: keys present and unique, values numeric.

    The one check of score frames for every analysis, regression, map and
    density module, so that all refuse the same bad input with the same
    message.  Infinite values are always refused; missing values follow
    ``missing``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Score frame with the ``keys`` columns and ``value``.
    value : str
        The value column.
    keys : sequence of str
        Columns identifying a row (unique together).
    missing : {"raise", "keep"}
        Missing-value policy (:data:`MISSING_POLICIES`).
    what : str
        Named in the message about missing values (e.g. ``"Moran's I"``).

    Returns
    -------
    pandas.DataFrame
        A copy with ``code`` cast to stripped text, ``year`` to int and
        ``value`` to float.

    Raises
    ------
    TypeError
        If ``frame`` is not a DataFrame or ``value`` is not numeric.
    ValueError
        Missing columns or years, duplicate keys, infinite values, missing
        values under ``missing="raise"`` (the cells are listed, never dropped).

    Examples
    --------
    >>> import pandas as pd
    >>> out = check_scores(pd.DataFrame({"code": [" 11", "14"], "year": ["2016", "2016"],
    ...                                  "score": [1, 0]}), value="score")
    >>> out["code"].tolist(), out["year"].tolist(), out["score"].tolist()
    (['11', '14'], [2016, 2016], [1.0, 0.0])
    >>> gap = pd.DataFrame({"code": ["11", "12"], "year": 2016, "score": [0.5, None]})
    >>> check_scores(gap, value="score", missing="keep")["score"].isna().sum()
    np.int64(1)
    >>> check_scores(gap, value="score", what="Moran's I")
    Traceback (most recent call last):
    ...
    ValueError: 1 missing or infinite 'score' value(s), e.g. [{'code': '12', 'year': 2016}]: Moran's I would silently run on fewer units; drop those units or impute them explicitly first
    """
    if missing not in MISSING_POLICIES:
        raise ValueError(f"missing={missing!r}; use one of {MISSING_POLICIES}")
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a DataFrame of scores, got {type(frame).__name__}")
    keys = list(keys)
    absent = [c for c in [*keys, value] if c not in frame.columns]
    if absent:
        raise ValueError(
            f"score frame lacks column(s) {absent} (missing from {list(frame.columns)}). "
            f"Pass value=<column> to choose the value column."
        )
    out = frame.copy()
    if "code" in keys:
        out["code"] = out["code"].astype(str).str.strip()
    if "year" in keys:
        if out["year"].isna().any():
            raise ValueError("score frame has missing years; fill or drop those rows")
        out["year"] = out["year"].astype(int)
    if not pd.api.types.is_numeric_dtype(out[value]):
        raise TypeError(f"column {value!r} must be numeric, got dtype {out[value].dtype}")
    out[value] = out[value].astype(float)
    if keys:
        dupes = out.duplicated(keys, keep=False)
        if dupes.any():
            cells = out.loc[dupes, keys].drop_duplicates().head(10).to_dict("records")
            raise ValueError(f"duplicate {keys} rows in the score frame, e.g. {cells}")
    values = out[value].to_numpy()
    bad = ~np.isfinite(values) if missing == "raise" else np.isinf(values)
    if bad.any():
        cells = out.loc[bad, keys].head(10).to_dict("records")
        raise ValueError(
            f"{int(bad.sum())} missing or infinite {value!r} value(s), e.g. {cells}: {what} "
            "would silently run on fewer units; drop those units or impute them explicitly first"
        )
    return out


def region_rank(regions: pd.Series, order: Sequence[str]) -> pd.Series:
    """Sort key placing regions in display order and the national row last.

    Parameters
    ----------
    regions : pandas.Series
        Region labels.
    order : sequence of str
        Display order, e.g. ``registry.region_order("region4")``.

    Returns
    -------
    pandas.Series
        Position of each label; NaN for a label neither in ``order`` nor
        :data:`NATIONAL`.

    Examples
    --------
    >>> import pandas as pd
    >>> region_rank(pd.Series(["national", "west", "east"]), ["east", "west"]).tolist()
    [2, 1, 0]
    """
    position = {r: i for i, r in enumerate(order)}
    position[NATIONAL] = len(order)
    return regions.map(position)


def sort_by_region(frame: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Rows sorted by region (display order, national last), then year.

    Parameters
    ----------
    frame : pandas.DataFrame
        Has ``region`` and ``year`` columns.
    order : sequence of str
        Region display order.

    Returns
    -------
    pandas.DataFrame
        Sorted (stable) copy with a fresh index.
    """
    return frame.sort_values(
        ["region", "year"],
        key=lambda s: region_rank(s, order) if s.name == "region" else s,
        kind="stable",
    ).reset_index(drop=True)
