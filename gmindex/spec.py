"""Indicator spec: which indicators make the index and how each is derived.

The spec is a human-editable TOML file (``data/spec.toml`` for the default
index).  Each ``[[indicator]]`` names its pillar, direction (``benefit`` or
``cost``) and how it is computed from raw series: ``scale * numerator /
denominator`` (or the numerator alone).  ``[[series]]`` lists the raw series
with the unit the data must carry; ``[index]`` holds the years and the
missing-data rule.  See the default spec for a commented example.

Examples
--------
>>> from gmindex.datasets import load_default_spec
>>> spec = load_default_spec()
>>> spec.years[0], spec.years[-1]
(2016, 2020)
>>> spec.indicator("energy_intensity").direction
'cost'
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

__all__ = [
    "DIRECTIONS",
    "IMPUTE_METHODS",
    "MISSING_RULES",
    "Indicator",
    "Pillar",
    "Series",
    "Spec",
    "TRANSFORMS",
    "SpecError",
    "read_spec",
]

DIRECTIONS = ("benefit", "cost")
MISSING_RULES = ("drop_unit", "drop_indicator", "fail", "impute")
IMPUTE_METHODS = ("none", "linear", "unit_mean", "year_mean")
#: Indicator transforms applied after ``scale * numerator / denominator``
#: (implemented in :mod:`gmindex.derive`).
TRANSFORMS = ("none", "log1p")
#: Which money series of an indicator are put in constant prices by the
#: spec's ``[deflator]`` (see :mod:`gmindex.deflate`).
DEFLATE_TARGETS = ("none", "numerator", "denominator", "both")


class SpecError(ValueError):
    """An indicator spec that cannot be used, with the file and entry at fault."""


@dataclass(frozen=True)
class Pillar:
    """A group of indicators (e.g. energy efficiency) with display names."""

    id: str
    name_en: str = ""
    name_zh: str = ""


@dataclass(frozen=True)
class Series:
    """A raw series read by the indicators, with the unit the data must carry."""

    id: str
    unit: str | None = None
    source: str = ""
    allow_negative: bool = False  # growth rates; every other series must be >= 0


@dataclass(frozen=True)
class Indicator:
    """One index indicator: ``value = scale * numerator / denominator``."""

    id: str
    pillar: str
    direction: str
    numerator: str
    denominator: str | None = None
    scale: float = 1.0
    name_en: str = ""
    name_zh: str = ""
    unit: str = ""
    source: str = ""
    rationale: str = ""
    transform: str = "none"
    deflate: str = "none"

    @property
    def series(self) -> tuple[str, ...]:
        """Raw series this indicator reads."""
        return (self.numerator,) + ((self.denominator,) if self.denominator else ())


@dataclass(frozen=True)
class Spec:
    """A full index specification.

    Attributes
    ----------
    indicators : tuple of Indicator
    pillars : tuple of Pillar
    series : tuple of Series
    years : tuple of int
        Years the index covers.
    missing : str
        Rule for missing cells: one of ``MISSING_RULES``.
    impute : str
        Imputation method when ``missing == "impute"``: one of ``IMPUTE_METHODS``.
    flag_weight_share : float
        Indicators whose weight exceeds this share are flagged in the result.
    """

    indicators: tuple[Indicator, ...]
    pillars: tuple[Pillar, ...] = ()
    series: tuple[Series, ...] = ()
    years: tuple[int, ...] = ()
    id: str = "custom"
    title_en: str = ""
    title_zh: str = ""
    missing: str = "drop_unit"
    impute: str = "none"
    flag_weight_share: float = 0.25
    wanted: tuple[dict[str, Any], ...] = ()
    notes: str = ""
    deflator: dict[str, Any] = field(default_factory=dict)
    source: str = "<memory>"
    sha256: str = ""
    _raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_spec(self)

    @property
    def indicator_ids(self) -> list[str]:
        return [ind.id for ind in self.indicators]

    @property
    def pillar_ids(self) -> list[str]:
        """Pillars in spec order (declared pillars first, then any undeclared)."""
        declared = [p.id for p in self.pillars]
        used = [ind.pillar for ind in self.indicators]
        return [p for p in declared if p in used] + [
            p for p in dict.fromkeys(used) if p not in declared
        ]

    @property
    def series_ids(self) -> list[str]:
        """Every raw series the indicators read, in first-use order.

        The ``[deflator]`` series (nominal GDP and real growth) are included
        when an indicator asks for constant prices.
        """
        ids = [s for ind in self.indicators for s in ind.series]
        if any(ind.deflate != "none" for ind in self.indicators) and self.deflator:
            ids += [self.deflator["nominal"], self.deflator["growth"]]
        return list(dict.fromkeys(ids))

    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(
            f"indicator {indicator_id!r} is not in spec {self.source}; "
            f"known: {self.indicator_ids}"
        )

    def pillar_of(self) -> dict[str, str]:
        """Mapping indicator id -> pillar id."""
        return {ind.id: ind.pillar for ind in self.indicators}

    def directions(self) -> dict[str, str]:
        """Mapping indicator id -> direction."""
        return {ind.id: ind.direction for ind in self.indicators}

    def unit_of(self, series_id: str) -> str | None:
        for s in self.series:
            if s.id == series_id:
                return s.unit
        return None

    def replace(self, **changes: Any) -> Spec:
        """A copy with some fields changed (e.g. ``years=``, ``missing=``)."""
        if "years" in changes:
            changes["years"] = tuple(int(y) for y in changes["years"])
        return replace(self, **changes)

    def without(self, *indicator_ids: str) -> Spec:
        """A copy without the given indicators (for leave-one-out checks)."""
        for i in indicator_ids:
            self.indicator(i)
        keep = tuple(ind for ind in self.indicators if ind.id not in indicator_ids)
        return replace(self, indicators=keep)


def _check_spec(spec: Spec) -> None:
    where = spec.source
    if not spec.indicators:
        raise SpecError(f"{where}: the spec defines no [[indicator]]")
    seen: set[str] = set()
    for ind in spec.indicators:
        if ind.id in seen:
            raise SpecError(f"{where}: indicator id {ind.id!r} is defined twice")
        seen.add(ind.id)
        if ind.direction not in DIRECTIONS:
            raise SpecError(
                f"{where}: indicator {ind.id!r} has direction {ind.direction!r}; "
                f"use one of {DIRECTIONS}"
            )
        if not ind.numerator:
            raise SpecError(f"{where}: indicator {ind.id!r} needs a 'numerator' series")
        if not ind.pillar:
            raise SpecError(f"{where}: indicator {ind.id!r} needs a 'pillar'")
        if ind.transform not in TRANSFORMS:
            raise SpecError(
                f"{where}: indicator {ind.id!r} has transform {ind.transform!r}; "
                f"use one of {TRANSFORMS}"
            )
        if ind.deflate not in DEFLATE_TARGETS:
            raise SpecError(
                f"{where}: indicator {ind.id!r} has deflate {ind.deflate!r}; "
                f"use one of {DEFLATE_TARGETS}"
            )
        if ind.deflate != "none" and not spec.deflator:
            raise SpecError(
                f"{where}: indicator {ind.id!r} asks for deflate = {ind.deflate!r} but the "
                "spec has no [deflator] table (nominal, growth, base_year)"
            )
    if spec.deflator:
        lacking = [k for k in ("nominal", "growth", "base_year") if k not in spec.deflator]
        unknown = sorted(set(spec.deflator) - {"nominal", "growth", "base_year", "note"})
        if lacking or unknown:
            raise SpecError(
                f"{where}: [deflator] needs keys nominal, growth, base_year"
                + (f" (lacking {lacking})" if lacking else "")
                + (f"; unknown keys {unknown}" if unknown else "")
            )
    if spec.missing not in MISSING_RULES:
        raise SpecError(
            f"{where}: [index] missing = {spec.missing!r}; use one of {MISSING_RULES}"
        )
    if spec.impute not in IMPUTE_METHODS:
        raise SpecError(
            f"{where}: [index] impute = {spec.impute!r}; use one of {IMPUTE_METHODS}"
        )
    if spec.missing == "impute" and spec.impute == "none":
        raise SpecError(
            f"{where}: missing = 'impute' needs an explicit impute method "
            f"(one of {IMPUTE_METHODS[1:]})"
        )
    if not 0 < spec.flag_weight_share <= 1:
        raise SpecError(f"{where}: flag_weight_share must be in (0, 1]")


_INDICATOR_KEYS = {f for f in Indicator.__dataclass_fields__}


def read_spec(path: str | Path) -> Spec:
    """Read an indicator spec from TOML.

    Parameters
    ----------
    path : str or Path
        A TOML file with ``[index]``, ``[[pillar]]``, ``[[indicator]]``,
        ``[[series]]`` and optional ``[[wanted]]`` tables.

    Returns
    -------
    Spec

    Raises
    ------
    SpecError
        Naming the file and the entry at fault.

    Examples
    --------
    >>> from gmindex.datasets import default_spec_path
    >>> spec = read_spec(default_spec_path())
    >>> spec.id, len(spec.indicators), spec.missing
    ('gmi_default', 8, 'drop_unit')
    """
    path = Path(path)
    try:
        blob = path.read_bytes()
        raw = tomllib.loads(blob.decode("utf-8"))
    except FileNotFoundError:
        raise SpecError(f"spec file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: not valid UTF-8 TOML ({exc})") from None
    index = raw.get("index", {})
    indicators = []
    for n, entry in enumerate(raw.get("indicator", []), start=1):
        unknown = set(entry) - _INDICATOR_KEYS
        if unknown:
            raise SpecError(
                f"{path}: [[indicator]] #{n} ({entry.get('id', '?')}) has unknown keys "
                f"{sorted(unknown)}; allowed: {sorted(_INDICATOR_KEYS)}"
            )
        if "id" not in entry:
            raise SpecError(f"{path}: [[indicator]] #{n} has no 'id'")
        try:
            entry = {**entry, "scale": float(entry.get("scale", 1.0))}
            indicators.append(Indicator(**entry))
        except TypeError as exc:
            raise SpecError(f"{path}: [[indicator]] {entry['id']!r}: {exc}") from None
    pillars = tuple(
        Pillar(**{k: v for k, v in p.items() if k in ("id", "name_en", "name_zh")})
        for p in raw.get("pillar", [])
    )
    series = tuple(
        Series(**{k: v for k, v in s.items() if k in ("id", "unit", "source", "allow_negative")})
        for s in raw.get("series", [])
    )
    return Spec(
        indicators=tuple(indicators),
        pillars=pillars,
        series=series,
        years=tuple(int(y) for y in index.get("years", ())),
        id=str(index.get("id", path.stem)),
        title_en=str(index.get("title_en", "")),
        title_zh=str(index.get("title_zh", "")),
        missing=str(index.get("missing", "drop_unit")),
        impute=str(index.get("impute", "none")),
        flag_weight_share=float(index.get("flag_weight_share", 0.25)),
        wanted=tuple(raw.get("wanted", [])),
        notes=str(index.get("notes", "")),
        deflator=dict(raw.get("deflator", {})),
        source=str(path),
        sha256=hashlib.sha256(blob).hexdigest(),
        _raw=raw,
    )
