"""Unit registry: GB/T 2260 province codes, names, aliases and region schemes.

The default registry holds China's 31 mainland provinces (``data/provinces.csv``)
with the NBS four-region scheme (``region4``: east, central, west, northeast)
and the traditional three belts (``region3``: east, central, west).  Nothing in
the engine assumes provinces: a user can load a registry of cities or countries
from any CSV with at least ``code`` and one name column (see :meth:`Registry.from_csv`).

Examples
--------
>>> reg = default_registry()
>>> reg.to_code("内蒙古自治区"), reg.to_code("Nei Mongol"), reg.to_code(" 陕西 ")
('15', '15', '61')
>>> reg.to_code("Shanxi"), reg.to_code("Shaanxi")
('14', '61')
>>> reg.region("21"), reg.region("21", scheme="region3")
('northeast', 'east')

Names and codes as people write them: six-digit GB/T 2260 codes, short
forms, traditional characters.

>>> reg.to_code("110000"), reg.to_code("内蒙"), reg.to_code("廣東省"), reg.to_code("广西壮族")
('11', '15', '44', '45')
>>> outside_mainland("臺灣"), outside_mainland("Hong Kong SAR"), outside_mainland("广东")
('Taiwan', 'Hong Kong', None)
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from gmindex.errors import DataError, Problem

__all__ = [
    "OUTSIDE_MAINLAND",
    "REGION_ORDER",
    "Registry",
    "UnknownUnitError",
    "default_registry",
    "normalize_name",
    "outside_mainland",
]

#: Display order of the regions in each scheme (also the gradient being tested).
REGION_ORDER: dict[str, tuple[str, ...]] = {
    "region4": ("east", "central", "west", "northeast"),
    "region3": ("east", "central", "west"),
}

# Longest first, so that 壮族自治区 is stripped before 自治区.
_ZH_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "省",
    "市",
)
_EN_SUFFIXES = re.compile(
    r"\b(province|municipality|autonomous region|special administrative region|"
    r"sar|shi|sheng|zizhiqu)\b"
)


# Traditional characters of province names and their suffixes, to simplified
# ones.  A full converter (OpenCC) is not a dependency; names of provinces use
# only these characters, and test_provinces checks every traditional name.
_TRADITIONAL = str.maketrans({
    "廣": "广", "東": "东", "臺": "台", "灣": "湾", "門": "门", "遼": "辽", "寧": "宁",
    "龍": "龙", "內": "内", "陝": "陕", "肅": "肃", "貴": "贵", "雲": "云", "蘇": "苏",
    "慶": "庆", "區": "区", "維": "维", "爾": "尔", "壯": "壮", "別": "别",
    "黃": "黄", "國": "国", "華": "华", "濱": "滨", "縣": "县", "島": "岛",
})
# Ethnic names left after the 自治区 suffix (广西壮族, 新疆维吾尔, 宁夏回族).
_ZH_ETHNIC = ("维吾尔", "壮族", "回族")
# Short forms people write that are not a registry name after normalising.
_SHORT_FORMS = {"内蒙": "内蒙古", "新疆维吾尔族": "新疆"}

#: China's units outside the 31 mainland provinces: normalised name or code -> English name.
#: Yearbooks list them at the bottom of provincial tables; readers set them aside with a note.
OUTSIDE_MAINLAND = {
    **dict.fromkeys(("香港", "hong kong", "hongkong", "hk", "81", "810000"), "Hong Kong"),
    **dict.fromkeys(("澳门", "macau", "macao", "mo", "82", "820000"), "Macau"),
    **dict.fromkeys(("台湾", "taiwan", "tw", "71", "710000", "中国台湾"), "Taiwan"),
}


def outside_mainland(name: object) -> str | None:
    """English name of Hong Kong, Macau or Taiwan when ``name`` is one of them, else None."""
    return OUTSIDE_MAINLAND.get(normalize_name(name))


_SIX_DIGITS = re.compile(r"\d{2}0000")


class UnknownUnitError(KeyError):
    """A name or code that the registry does not know."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


def normalize_name(name: object) -> str:
    """Canonical lookup key for a unit name.

    Folds full-width characters (NFKC), case and white space, and strips
    administrative suffixes in Chinese (省, 市, 自治区, 壮族自治区, ...) and English
    (Province, Municipality, Autonomous Region, ...), plus footnote marks such as
    ``*`` or ``①``.

    Examples
    --------
    >>> normalize_name("广西壮族自治区")
    '广西'
    >>> normalize_name("ＨＥＢＥＩ  Province*")
    'hebei'
    """
    # Footnote marks go before NFKC, which would turn ① into a plain 1.
    text = re.sub(r"[\*#†‡§①-⑳]", "", str(name))
    text = unicodedata.normalize("NFKC", text).translate(_TRADITIONAL).strip()
    text = re.sub(r"[\s\u3000]+", " ", text)
    # Yearbooks pad two-character names to the width of three: 北　京.
    text = re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", text)
    text = re.sub(r"[()\[\]]+$", "", text).strip()
    for suffix in _ZH_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    for ethnic in _ZH_ETHNIC:
        if text.endswith(ethnic) and len(text) > len(ethnic) + 1:
            text = text[: -len(ethnic)]
            break
    text = _SHORT_FORMS.get(text, text)
    text = text.lower().replace("-", " ").replace("'", "")
    text = _EN_SUFFIXES.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Registry:
    """A table of units (provinces by default) and their names and regions.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per unit; ``code`` (string) is required, plus any of
        ``name_zh``, ``short_zh``, ``name_en``, ``aliases`` (``;``-separated)
        and region columns (any other column).
    source : str
        Where the table came from, recorded in provenance.
    """

    table: pd.DataFrame
    source: str = "<memory>"
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table = self.table.copy()
        if "code" not in table.columns:
            raise DataError(Problem(
                "error", f"a unit registry needs a 'code' column; found {list(table.columns)}",
                "name the column of unit codes 'code'", file=self.source, row=1))
        table["code"] = table["code"].astype(str).str.strip()
        dupes = table["code"].duplicated(keep=False)
        if dupes.any():
            # Row numbers as in a spreadsheet: the header is row 1.
            rows = [int(i) + 2 for i in range(len(table)) if dupes.iloc[i]]
            codes = list(dict.fromkeys(table.loc[dupes, "code"]))
            raise DataError(Problem(
                "error", f"duplicate codes in the registry: {codes} (rows {rows})",
                "give every unit its own code (one row per unit)", file=self.source,
                row=rows[0], column="code"))
        table = table.set_index("code", drop=False).sort_index()
        object.__setattr__(self, "table", table)
        lookup: dict[str, str] = {}
        for row in table.itertuples(index=False):
            row = row._asdict()
            names = [row["code"]] + [
                row.get(col) for col in ("name_zh", "short_zh", "name_en")
            ]
            aliases = row.get("aliases")
            if isinstance(aliases, str) and aliases:
                names += aliases.split(";")
            for name in names:
                if isinstance(name, str) and name.strip():
                    key = normalize_name(name)
                    other = lookup.setdefault(key, row["code"])
                    if other != row["code"]:
                        raise DataError(Problem(
                            "error", f"name {name!r} is ambiguous "
                            f"(codes {other} and {row['code']})",
                            "give each unit names of its own", file=self.source))
        object.__setattr__(self, "_lookup", lookup)

    @classmethod
    def from_csv(cls, path: str | Path) -> Registry:
        """Read a registry from CSV (UTF-8, ``code`` column read as text)."""
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        return cls(table, source=str(path))

    @property
    def codes(self) -> list[str]:
        """All unit codes, sorted."""
        return list(self.table.index)

    def __len__(self) -> int:
        return len(self.table)

    def __contains__(self, code: object) -> bool:
        return str(code) in self.table.index

    def _key(self, name: object) -> str:
        """Lookup key: the normalised name; a six-digit GB/T 2260 code ``110000``
        becomes its two-digit province code when the registry has that code."""
        key = normalize_name(name)
        if key not in self._lookup and _SIX_DIGITS.fullmatch(key) and key[:2] in self._lookup:
            return key[:2]
        return key

    def knows(self, name: object) -> bool:
        """Whether a name or code is known (cheap: no suggestions computed)."""
        return self._key(name) in self._lookup

    def to_code(self, name: object) -> str:
        """Code of a unit given any known spelling of its name or its code.

        Raises
        ------
        UnknownUnitError
            With the closest known names as suggestions.
        """
        key = self._key(name)
        try:
            return self._lookup[key]
        except KeyError:
            close = difflib.get_close_matches(key, list(self._lookup), n=6, cutoff=0.5)
            codes = list(dict.fromkeys(self._lookup[c] for c in close))[:3]
            hint = (
                "closest known: " + ", ".join(f"{self.label(c)} ({c})" for c in codes)
                if codes
                else f"known units are listed in {self.source}"
            )
            raise UnknownUnitError(f"unknown unit name {name!r}; {hint}") from None

    def label(self, code: str, lang: str = "en") -> str:
        """Display name of a unit: ``lang='en'`` (default) or ``'zh'`` (short name)."""
        row = self.table.loc[str(code)]
        for col in (("name_en",) if lang == "en" else ("short_zh", "name_zh")) + (
            "name_en",
            "name_zh",
            "name",
        ):
            value = row.get(col)
            if isinstance(value, str) and value:
                return value
        return str(code)

    def labels(self, lang: str = "en") -> pd.Series:
        """Series code -> display name."""
        return pd.Series({c: self.label(c, lang) for c in self.codes}, name="name")

    def schemes(self) -> list[str]:
        """Region schemes available (columns other than names and aliases)."""
        names = {"code", "name_zh", "short_zh", "name_en", "name", "aliases"}
        return [c for c in self.table.columns if c not in names]

    def regions(self, scheme: str = "region4") -> pd.Series:
        """Series code -> region for one scheme."""
        if scheme not in self.table.columns:
            raise ValueError(
                f"unknown region scheme {scheme!r}; available: {self.schemes()}"
            )
        return self.table[scheme].rename("region")

    def region(self, code: str, scheme: str = "region4") -> str:
        """Region of one unit."""
        return str(self.regions(scheme)[str(code)])

    def region_order(self, scheme: str = "region4") -> tuple[str, ...]:
        """Regions of a scheme in display order (standard order for the defaults)."""
        present = list(dict.fromkeys(self.regions(scheme)))
        order = [r for r in REGION_ORDER.get(scheme, ()) if r in present]
        return tuple(order + sorted(r for r in present if r not in order))


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The 31 mainland provinces shipped in ``data/provinces.csv``."""
    from gmindex.data_paths import default_registry_path

    return Registry.from_csv(default_registry_path())
