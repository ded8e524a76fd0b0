"""Input checks shared by the maps: codes, one value per unit, score panels."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from gmindex._frames import check_scores

from gmindex.boundaries import NON_MAINLAND_CODES


# ---------------------------------------------------------------------------
# input checks


def _known_codes() -> list[str]:
    from gmindex.provinces import default_registry

    return list(default_registry().codes) + list(NON_MAINLAND_CODES)


def _values_by_code(data: pd.DataFrame, column: str, *, what: str = "data") -> pd.Series:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{what} must be a DataFrame with columns 'code' and {column!r}")
    missing = [c for c in ("code", column) if c not in data.columns]
    if missing:
        raise ValueError(
            f"{what} lacks column(s) {missing}; it needs 'code' (two-digit GB/T 2260) "
            f"and {column!r}; columns present: {list(data.columns)}"
        )
    codes = data["code"].astype(str).str.strip()
    unknown = sorted(set(codes) - set(_known_codes()))
    if unknown:
        raise ValueError(
            f"{what}: unknown province codes {unknown}; use two-digit GB/T 2260 codes "
            "('11' ... '65'; convert names with gmindex.provinces.default_registry().to_code)"
        )
    dupes = sorted(set(codes[codes.duplicated()]))
    if dupes:
        raise ValueError(
            f"{what}: more than one row for codes {dupes}; a map needs one value per "
            "province (select one year first, e.g. data[data['year'] == 2020])"
        )
    if not pd.api.types.is_numeric_dtype(data[column]):
        raise TypeError(f"{what}[{column!r}] must be numeric, got {data[column].dtype}")
    return pd.Series(data[column].to_numpy(dtype=float), index=codes.to_numpy(), name=column)


def _panel(scores: Any, column: str, years: Iterable[int] | None) -> pd.DataFrame:
    frame = getattr(scores, "scores", scores)  # an IndexResult or its scores
    if not isinstance(frame, pd.DataFrame):
        raise TypeError("scores must be a DataFrame (code, year, score) or an IndexResult")
    frame = check_scores(frame, value=column, missing="keep", what="the map")  # NaN: no data
    available = sorted(int(y) for y in frame["year"].unique())
    if years is not None:
        wanted = [int(y) for y in years]
        absent = [y for y in wanted if y not in available]
        if absent:
            raise ValueError(f"years {absent} not in scores (available: {available})")
        frame = frame[frame["year"].isin(wanted)]
    return frame


