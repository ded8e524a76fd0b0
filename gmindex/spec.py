"""Indicator spec: which indicators make the index and how each is derived.

The spec is a human-editable TOML file (``data/spec.toml`` for the default
index).  Each ``[[indicator]]`` names its pillar, direction (``benefit`` or
``cost``) and how it is computed from raw series: ``scale * numerator /
denominator`` (or the numerator alone).  ``[[series]]`` lists the raw series
with the unit the data must carry; ``[index]`` holds the years, the
missing-data rule and the default construction method (``hierarchy``,
``weighting``, ``pillar_weighting``, ``pillar_floor``, ``normalization``,
``aggregation``; see :mod:`gmindex.options`), which explicit arguments of
:func:`gmindex.index.build_index` override.  ``[[alternative]]`` entries are
other series for the concept of an indicator (``replaces = "<id>"``), used
only by robustness draws.  See the default spec for a commented example.

Specs are checked strictly, before any data are read: an unknown key in any
table is an error naming the file, the table and the nearest valid key; so
are indicators in undeclared pillars, series not declared in ``[[series]]``,
alternatives replacing unknown indicators and fixed pillar weights or user
weights that do not sum to 1 (nothing is rescaled silently).

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

import difflib
import hashlib
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

# SpecError's home is the bottom layer (options raises it too); re-exported here for users.
from gmindex.errors import SpecError

__all__ = [
    "DIRECTIONS",
    "IMPUTE_METHODS",
    "MISSING_RULES",
    "Alternative",
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


@dataclass(frozen=True)
class Pillar:
    """A group of indicators (e.g. energy efficiency) with display names."""

    id: str
    name_en: str = ""
    name_zh: str = ""
    weight: float | None = None


@dataclass(frozen=True)
class Series:
    """A raw series read by the indicators, with the unit the data must carry."""

    id: str
    unit: str | None = None
    source: str = ""
    allow_negative: bool = False  # growth rates; every other series must be >= 0


@dataclass(frozen=True, kw_only=True)
class _Choices:
    """Keys of an indicator that steer weighting and robustness draws, not its derivation.

    Kept apart from the derivation fields of :class:`Indicator` (keyword-only,
    so they never shift positional arguments).  ``optional``: robustness
    draws may leave the indicator out.  ``weight``: its weight when
    ``weighting = "user"`` (within its pillar when ``hierarchy = "pillar"``).
    """

    optional: bool = False
    weight: float | None = None


@dataclass(frozen=True)
class Indicator(_Choices):
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
class Alternative(Indicator):
    """Another series for the concept of an indicator, swapped in by robustness draws only.

    Same keys as :class:`Indicator` plus ``replaces``, the id of the
    ``[[indicator]]`` it stands in for.  It may not replace another
    alternative, so references cannot form a cycle.
    """

    replaces: str = ""


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
    method : dict
        Construction options given in ``[index]`` (only those present), e.g.
        ``{"hierarchy": "pillar", "pillar_weighting": "equal"}``; defaults of
        :func:`gmindex.index.build_index`, overridden by its arguments.
    alternatives : tuple of Alternative
        ``[[alternative]]`` entries for robustness draws.
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
    method: Mapping[str, Any] = field(default_factory=dict)
    alternatives: tuple[Alternative, ...] = ()
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
            ids += [self.deflator["nominal"], self.deflator["growth_index"]]
        return list(dict.fromkeys(ids))

    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(
            f"indicator {indicator_id!r} is not in spec {self.source}; "
            f"known: {self.indicator_ids}"
        )

    def pillar_weights(self) -> dict[str, float]:
        """Fixed pillar weights given in ``[[pillar]] weight`` (pillars without one left out)."""
        return {p.id: float(p.weight) for p in self.pillars if p.weight is not None}

    def user_weights(self) -> dict[str, float]:
        """User weights given in ``[[indicator]] weight`` (indicators without one left out)."""
        return {i.id: float(i.weight) for i in self.indicators if i.weight is not None}

    def alternative(self, alternative_id: str) -> Alternative:
        for alt in self.alternatives:
            if alt.id == alternative_id:
                return alt
        raise KeyError(
            f"alternative {alternative_id!r} is not in spec {self.source}; "
            f"known: {[a.id for a in self.alternatives]}"
        )

    def swap(self, alternative_id: str) -> Spec:
        """A copy with an ``[[alternative]]`` in place of the indicator it replaces.

        Examples
        --------
        >>> ind = Indicator("a", "p", "cost", "x")
        >>> alt = Alternative("b", "p", "cost", "y", replaces="a")
        >>> Spec(indicators=(ind,), alternatives=(alt,)).swap("b").indicator_ids
        ['b']
        """
        alt = self.alternative(alternative_id)
        as_indicator = Indicator(**{f.name: getattr(alt, f.name) for f in fields(Indicator)})
        keep = tuple(as_indicator if i.id == alt.replaces else i for i in self.indicators)
        return replace(self, indicators=keep)

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
                "spec has no [deflator] table (nominal, growth_index, base_year)"
            )
    if spec.deflator:
        lacking = [k for k in ("nominal", "growth_index", "base_year") if k not in spec.deflator]
        unknown = sorted(set(spec.deflator) - {"nominal", "growth_index", "base_year", "note"})
        if lacking or unknown:
            raise SpecError(
                f"{where}: [deflator] needs keys nominal, growth_index, base_year"
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


def _keys(cls) -> tuple[str, ...]:
    """Keys a TOML table may carry: the dataclass fields, so new fields are accepted at once."""
    return tuple(f.name for f in fields(cls) if not f.name.startswith("_"))


# Keys of [index] that are not construction options (those come from gmindex.options).
_INDEX_KEYS = ("id", "title_en", "title_zh", "years", "missing", "impute", "flag_weight_share", "notes")
_WANTED_KEYS = ("id", "name_en", "name_zh", "reason", "source", "notes")
_TABLES = ("index", "pillar", "indicator", "series", "alternative", "wanted", "deflator")
_TOML_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")


def _nearest(key: str, allowed) -> str:
    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.5)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"{hint}valid keys: {', '.join(sorted(allowed))}"


def _check_keys(path, table: str, entry: dict, allowed) -> None:
    for key in entry:
        if key not in allowed:
            raise SpecError(f"{path}: {table} has unknown key {key!r}; {_nearest(key, allowed)}")


def _entry_name(kind: str, n: int, entry: dict) -> str:
    return f"[[{kind}]] #{n}" + (f" {entry['id']!r}" if "id" in entry else "")


def _load_toml(path: Path) -> tuple[bytes, dict]:
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        raise SpecError(f"spec file not found: {path}") from None
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(f"{path}: not valid UTF-8 TOML (byte {exc.start} is not UTF-8; "
                        "save the file as UTF-8)") from None
    try:
        return blob, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = _TOML_LINE.search(str(exc))
        line = f", line {where.group(1)}" if where else ""
        raise SpecError(f"{path}{line}: not valid UTF-8 TOML ({exc})") from None


def _entries(path, raw: dict, kind: str, cls) -> list:
    value = raw.get(kind, [])
    if not isinstance(value, list):
        raise SpecError(f"{path}: [{kind}] must be an array of tables, written [[{kind}]]")
    out, allowed = [], _keys(cls)
    for n, entry in enumerate(value, start=1):
        name = _entry_name(kind, n, entry)
        _check_keys(path, name, entry, allowed)
        if "id" not in entry:
            raise SpecError(f"{path}: {name} has no 'id'")
        if "scale" in entry:
            entry = {**entry, "scale": float(entry["scale"])}
        try:
            out.append(cls(**entry))
        except TypeError as exc:
            raise SpecError(f"{path}: {name}: {exc}") from None
    return out


def _check_references(path, spec: Spec) -> None:
    """Cross-references between tables; each broken one is an error naming its entry."""
    pillars = {p.id for p in spec.pillars}
    series = {s.id for s in spec.series}
    ids = {i.id for i in spec.indicators}
    for kind, entries in (("indicator", spec.indicators), ("alternative", spec.alternatives)):
        for n, ind in enumerate(entries, start=1):
            name = f"[[{kind}]] #{n} {ind.id!r}"
            if ind.pillar not in pillars:
                raise SpecError(
                    f"{path}: {name} is in pillar {ind.pillar!r}, which no [[pillar]] declares; "
                    f"declared: {sorted(pillars)}"
                )
            if not isinstance(ind.optional, bool):
                raise SpecError(f"{path}: {name} has optional = {ind.optional!r}; use true or false")
            if ind.weight is not None and (isinstance(ind.weight, bool)
                                           or not isinstance(ind.weight, (int, float))):
                raise SpecError(f"{path}: {name} has weight = {ind.weight!r}; use a number")
            undeclared = [s for s in ind.series if s not in series]
            if undeclared:
                raise SpecError(
                    f"{path}: {name} reads series {undeclared} that no [[series]] declares "
                    "(declare each with its id and unit)"
                )
    if spec.deflator:
        undeclared = [spec.deflator[k] for k in ("nominal", "growth_index")
                      if spec.deflator.get(k) not in series]
        if undeclared:
            raise SpecError(
                f"{path}: [deflator] reads series {undeclared} that no [[series]] declares "
                "(declare each with its id and unit)"
            )
    for n, pillar in enumerate(spec.pillars, start=1):
        if pillar.weight is not None and (isinstance(pillar.weight, bool)
                                          or not isinstance(pillar.weight, (int, float))):
            raise SpecError(f"{path}: [[pillar]] #{n} {pillar.id!r} has weight = {pillar.weight!r}; "
                            "use a number")
    seen = set(ids)
    for n, alt in enumerate(spec.alternatives, start=1):
        name = f"[[alternative]] #{n} {alt.id!r}"
        if alt.id in seen:
            raise SpecError(f"{path}: {name}: id {alt.id!r} is already used")
        seen.add(alt.id)
        if not alt.replaces:
            raise SpecError(f"{path}: {name} needs 'replaces' (the [[indicator]] id it stands in for)")
        if alt.replaces not in ids:
            # Only [[indicator]] ids are valid targets, so alternatives cannot chain or cycle.
            what = ("another [[alternative]]; alternatives replace indicators only"
                    if alt.replaces in {a.id for a in spec.alternatives} else "not an [[indicator]]")
            raise SpecError(
                f"{path}: {name} replaces {alt.replaces!r}, which is {what}; "
                f"indicators: {sorted(ids)}"
            )
        target = spec.indicator(alt.replaces)
        if alt.pillar != target.pillar:
            raise SpecError(
                f"{path}: {name} is in pillar {alt.pillar!r} but replaces {alt.replaces!r} of pillar "
                f"{target.pillar!r}; an alternative measures the same concept, in the same pillar"
            )
        if alt.direction not in DIRECTIONS:
            raise SpecError(f"{path}: {name} has direction {alt.direction!r}; use one of {DIRECTIONS}")


def read_spec(path: str | Path) -> Spec:
    """Read an indicator spec from TOML, strictly.

    Parameters
    ----------
    path : str or Path
        A TOML file with ``[index]``, ``[[pillar]]``, ``[[indicator]]``,
        ``[[series]]`` and optional ``[[alternative]]`` and ``[[wanted]]`` tables.

    Returns
    -------
    Spec

    Raises
    ------
    SpecError
        Naming the file and the entry at fault (and the line, for invalid
        TOML); unknown keys name the nearest valid key.

    Examples
    --------
    >>> from gmindex.datasets import default_spec_path
    >>> spec = read_spec(default_spec_path())
    >>> spec.id, len(spec.indicators), spec.missing
    ('gmi_default', 15, 'drop_unit')
    """
    from gmindex.options import METHOD_KEYS, check_method

    path = Path(path)
    blob, raw = _load_toml(path)
    for key in raw:
        if key not in _TABLES:
            raise SpecError(f"{path}: unknown top-level key or table {key!r}; {_nearest(key, _TABLES)}")
    index = raw.get("index", {})
    if not isinstance(index, dict):
        raise SpecError(f"{path}: 'index' must be a table, written [index]")
    _check_keys(path, "[index]", index, _INDEX_KEYS + METHOD_KEYS)
    for n, entry in enumerate(raw.get("wanted", []), start=1):
        _check_keys(path, _entry_name("wanted", n, entry), entry, _WANTED_KEYS)
    indicators = _entries(path, raw, "indicator", Indicator)
    alternatives = _entries(path, raw, "alternative", Alternative)
    pillars = _entries(path, raw, "pillar", Pillar)
    series = _entries(path, raw, "series", Series)
    spec = Spec(
        indicators=tuple(indicators),
        pillars=tuple(pillars),
        series=tuple(series),
        years=tuple(int(y) for y in index.get("years", ())),
        id=str(index.get("id", path.stem)),
        title_en=str(index.get("title_en", "")),
        title_zh=str(index.get("title_zh", "")),
        missing=str(index.get("missing", "drop_unit")),
        impute=str(index.get("impute", "none")),
        flag_weight_share=float(index.get("flag_weight_share", 0.25)),
        wanted=tuple(raw.get("wanted", [])),
        method={k: index[k] for k in METHOD_KEYS if k in index},
        alternatives=tuple(alternatives),
        notes=str(index.get("notes", "")),
        deflator=dict(raw.get("deflator", {})),
        source=str(path),
        sha256=hashlib.sha256(blob).hexdigest(),
        _raw=raw,
    )
    _check_references(path, spec)
    check_method(spec)
    return spec
