"""Build the embedded default panel of gmindex from the raw copies in data/raw/.

Run from a checkout::

    python data/build.py                      # rebuild data/panel.csv and friends
    python data/build.py --out /tmp/x         # build into another folder
    python data/build.py --from /path/to/shared/data   # re-copy the raw rows first

Inputs (never edited by this script, except by ``--from``):

- ``raw/panel_raw.csv``: rows copied byte for byte from the compiled provincial
  table (``code,year,indicator,value,unit,source_id``), one line per cell.
- ``raw/sources.csv``: one row per ``source_id`` (repository, commit, official
  table, licence, trust grade, notes).
- ``spec.toml`` and ``spec_alternative.toml``: checked against the panel.

Outputs (deterministic: a rerun gives byte-identical files, LF line endings):

- ``panel.csv``: years 2010-2023, sorted by indicator, code, year; values
  written as the shortest decimal that round-trips to the same float.
- ``coverage.csv``: series x year, number of provinces and the missing codes.
- ``flags.csv``: suspicious or special cells, kept unchanged in the panel.
- ``CHECKSUMS``: sha256 of outputs, raw copies and specs (``sha256sum -c``
  format), also written into the checksum block of ``PROVENANCE.md``.

Nothing is filled or interpolated.  The one kind of added row is the
documented true zero of the MIIT green manufacturing lists in 2016 (the
programme started in 2016 and its first list was published in 2017): every
province had zero listed units that year.  Those rows carry a
``structural_zero`` flag.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import math
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

DATA_DIR = Path(__file__).resolve().parent
REPO_ROOT = DATA_DIR.parent
if str(REPO_ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(REPO_ROOT))

from gmindex.provinces import default_registry  # noqa: E402

#: Years kept in data/panel.csv.
FIRST_YEAR, LAST_YEAR = 2010, 2023

#: Columns of the long panel, in file order.
COLUMNS = ("code", "year", "indicator", "value", "unit", "source_id")

#: Raw series copied into data/raw/panel_raw.csv (spec series, regression
#: covariates, alternatives for robustness checks).  Order is documentation only.
RAW_SERIES = (
    # energy and emissions
    "energy_consumption_10k_tce",
    "energy_consumption_10k_tce_alt",
    "electricity_consumption_100m_kwh",
    "co2_mt",
    "co2_mt_alt",
    "so2_industrial_10k_t",
    # output, population, public finance
    "gdp_100m_yuan",
    "industrial_va_100m_yuan",
    "secondary_va_100m_yuan",
    "population_10k",
    "env_protection_spending_100m_yuan",
    "local_budget_expenditure_100m_yuan",
    # innovation
    "rd_intensity_pct",
    "rd_expenditure_10k_yuan",
    "rd_expenditure_enterprise_funds_10k_yuan",
    "invention_patents_granted",
    "patents_granted",
    "hightech_new_product_sales_10k_yuan",
    "hightech_rd_expenditure_10k_yuan",
    "hightech_rd_fte_person_years",
    "hightech_revenue_100m_yuan",
    "tech_market_turnover_outflow_10k_yuan",
    # MIIT green manufacturing lists (cumulative counts)
    "green_factories_cum",
    "green_parks_cum",
    "green_supply_chain_firms_cum",
    "green_design_products_cum",
)

#: Candidate series found after the compiled table was made (shared data
#: folder ``candidates/``): each file is copied byte for byte into ``raw/``
#: under the same name and read like ``panel_raw.csv``.  Grade-C series
#: (green patents, coal share) are documented alternatives, never default.
CANDIDATE_FILES = ("wind_gdp_yoy.csv", "yml_green_patents.csv", "yml_coal_share.csv")

#: The one conversion of the build: real growth g (%, may be negative) is
#: stored as the official index form 地区生产总值指数 (上年=100) = 100 + g,
#: computed in decimal arithmetic (exact), so every panel value stays >= 0.
#: Panel series that come from CANDIDATE_FILES (after the conversion below).
CANDIDATE_SERIES = (
    "gdp_index_prev_year_100",
    "green_invention_patents_c",
    "green_utility_patents_c",
    "coal_share_final_consumption_c",
)
GROWTH_SERIES = "gdp_real_growth_pct"
GROWTH_INDEX_SERIES = "gdp_index_prev_year_100"
GROWTH_INDEX_UNIT = "上年=100 (地区生产总值指数, 100 + first-release real growth %)"

#: MIIT list counts: true zero in 2016 for every province (first list 2017).
GREEN_LIST_SERIES = (
    "green_factories_cum",
    "green_parks_cum",
    "green_supply_chain_firms_cum",
    "green_design_products_cum",
)
STRUCTURAL_ZERO_YEAR = 2016
STRUCTURAL_ZERO_SOURCE = "gcp_miit_lists"

#: Series whose values are rounded so coarsely (two decimals) that equal or
#: equally spaced consecutive values are common and mean nothing.
COARSE_SERIES = ("rd_intensity_pct", "gdp_index_prev_year_100")

#: Volatile by nature (technology contracts of small provinces); no jump flags.
VOLATILE_SERIES = (
    "tech_market_turnover_outflow_10k_yuan",
    "gdp_index_prev_year_100",  # a growth index: ratios of growth rates mean nothing
)

#: Year-on-year ratio outside [1/JUMP_FACTOR, JUMP_FACTOR] gives a yoy_jump flag.
JUMP_FACTOR = 2.0

#: Main and alternative energy series: relative gap above this gives a flag.
ENERGY_GAP = 0.05

ALL = "*"  # every province that has a row for that series and year

#: Known cells to flag, from the source notes (series, codes, years, flag, note).
KNOWN_FLAGS: tuple[tuple[str, tuple[str, ...], tuple[int, ...], str, str], ...] = (
    (
        "secondary_va_100m_yuan", ("65",), (2015, 2016), "repeated_value",
        "Xinjiang 2015 = 2016 = 3446.1 in the NBS database export itself; "
        "possibly an NBS database error",
    ),
    (
        "env_protection_spending_100m_yuan", ("12",), (2019,), "spike",
        "Tianjin 242.3 against 66.5 in 2018 and 60.7 in 2020; check before use",
    ),
    (
        "env_protection_spending_100m_yuan", ("12",), (2017,), "spike",
        "Tianjin 110.2 against 65.6 in 2016 and 66.5 in 2018 (same pattern as 2019)",
    ),
    (
        "env_protection_spending_100m_yuan", (ALL,), (2011,), "classification_change",
        "budget item is 环境保护 (environmental protection) to 2010 and "
        "节能环保 (energy saving and environmental protection) from 2011",
    ),
    (
        "energy_consumption_10k_tce", ("23",), (2017, 2018, 2019), "possible_fill",
        "Heilongjiang rises by exactly +178 a year 2017-2019 (11258, 11436, 11614); "
        "2018-2019 equal the carbondata series",
    ),
    (
        "energy_consumption_10k_tce", (ALL,), (2023,), "possibly_preliminary",
        "provincial sum 2023 is about 5% below the national total; "
        "values may be preliminary",
    ),
    (
        "so2_industrial_10k_t", (ALL,), (2016,), "series_break",
        "survey system change: industrial SO2 falls 50-85% in 2016-2017 in almost "
        "every province (national totals match); compare only within 2016 onward",
    ),
    (
        "hightech_revenue_100m_yuan", (ALL,), (2018,), "definition_change",
        "主营业务收入 (revenue from principal business) to 2016, 营业收入 "
        "(operating revenue) from 2018; 2017 absent",
    ),
    (
        "industrial_va_100m_yuan", ("11",), (2019, 2020, 2021, 2022, 2023), "vintage_mix",
        "Beijing 2019-2022 is 0.1-3% above the first release while 2023 equals "
        "the first release: mixed vintages within the series",
    ),
    (
        "industrial_va_100m_yuan", ("14", "15"), (2021,), "large_change_checked",
        "Shanxi +56%, Inner Mongolia +51% in 2021: fits the coal-price boom, "
        "looks genuine",
    ),
)

#: Order of flag types in flags.csv is alphabetical; these are the known ones.
FLAG_TYPES = (
    "classification_change",
    "definition_change",
    "large_change_checked",
    "linear_segment",
    "possible_fill",
    "possibly_preliminary",
    "repeated_value",
    "series_break",
    "sources_disagree",
    "spike",
    "structural_zero",
    "vintage_mix",
    "yoy_jump",
)

#: Flags that already explain a big year-on-year change.
_EXPLAINS_JUMP = {"series_break", "classification_change", "definition_change", "spike"}

SPEC_FILES = ("spec.toml", "spec_alternative.toml", "spec_flat8.toml")

CHECKSUM_START = "<!-- checksums:start (written by data/build.py) -->"
CHECKSUM_END = "<!-- checksums:end -->"


class BuildError(RuntimeError):
    """The raw data or a spec fails a check; the message says what to fix."""


class Row(NamedTuple):
    code: str
    year: int
    indicator: str
    value: str  # decimal text as copied
    unit: str
    source_id: str


# ---------------------------------------------------------------- refresh


def refresh_raw(shared_dir: Path, raw_dir: Path, *, series=RAW_SERIES,
                candidates=CANDIDATE_FILES) -> int:
    """Re-copy the rows of ``series`` from ``shared_dir/panel.csv``.

    Lines are copied byte for byte, in the order of the source file.

    Returns
    -------
    int
        Number of data rows written to ``raw_dir/panel_raw.csv``.
    """
    source = Path(shared_dir) / "panel.csv"
    if not source.is_file():
        raise BuildError(f"--from: {source} does not exist; give the folder holding panel.csv")
    lines = source.read_bytes().split(b"\n")
    header = lines[0]
    if header.decode("utf-8").split(",") != list(COLUMNS):
        raise BuildError(f"{source}: header is {header!r}, expected {','.join(COLUMNS)}")
    wanted = set(series)
    kept = [header]
    found: set[str] = set()
    for line in lines[1:]:
        if not line:
            continue
        fields = line.decode("utf-8").split(",")
        if len(fields) != len(COLUMNS):
            raise BuildError(f"{source}: line {line!r} does not have {len(COLUMNS)} fields")
        if fields[2] in wanted:
            kept.append(line)
            found.add(fields[2])
    absent = sorted(wanted - found)
    if absent:
        raise BuildError(f"{source} has no rows for {absent}; update RAW_SERIES in data/build.py")
    raw_dir = Path(raw_dir)
    raw_dir.mkdir(parents=True, exist_ok=True)
    (raw_dir / "panel_raw.csv").write_bytes(b"\n".join(kept) + b"\n")
    n = len(kept) - 1
    for name in candidates:
        cand = Path(shared_dir) / "candidates" / name
        if not cand.is_file():
            raise BuildError(f"--from: {cand} does not exist; update CANDIDATE_FILES in data/build.py")
        blob = cand.read_bytes()
        (raw_dir / name).write_bytes(blob)
        n += blob.count(b"\n") - 1
    return n


# ---------------------------------------------------------------- read and check


def read_raw_panel(path: Path) -> list[Row]:
    """Read ``panel_raw.csv`` keeping the value text exactly as copied."""
    path = Path(path)
    if not path.is_file():
        raise BuildError(
            f"{path} not found; restore it from git or rerun with --from /path/to/shared/data"
        )
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header != list(COLUMNS):
            raise BuildError(f"{path}: header is {header}, expected {list(COLUMNS)}")
        rows = []
        for n, rec in enumerate(reader, start=2):
            if len(rec) != len(COLUMNS):
                raise BuildError(f"{path}, line {n}: expected {len(COLUMNS)} fields, got {rec}")
            code, year, indicator, value, unit, source_id = rec
            try:
                year_int = int(year)
            except ValueError:
                raise BuildError(f"{path}, line {n}: year {year!r} is not an integer") from None
            rows.append(Row(code, year_int, indicator, value, unit, source_id))
    return rows


def read_sources(path: Path) -> dict[str, dict[str, str]]:
    """Read ``sources.csv`` as ``{source_id: record}``."""
    path = Path(path)
    if not path.is_file():
        raise BuildError(f"{path} not found; restore it from git")
    with path.open(encoding="utf-8", newline="") as fh:
        records = list(csv.DictReader(fh))
    out: dict[str, dict[str, str]] = {}
    for rec in records:
        sid = rec.get("source_id", "")
        if not sid:
            raise BuildError(f"{path}: a row has an empty source_id")
        if sid in out:
            raise BuildError(f"{path}: source_id {sid!r} appears twice")
        out[sid] = rec
    return out


def _examples(items, limit: int = 8) -> str:
    items = list(items)
    more = f" ... and {len(items) - limit} more" if len(items) > limit else ""
    return "; ".join(str(i) for i in items[:limit]) + more


def check_rows(rows: list[Row], *, codes, source_ids) -> None:
    """Raise :class:`BuildError` listing every problem found in ``rows``.

    Checks: codes known to the registry, no duplicate code-year-series, one
    unit per series, known source_id, finite non-negative values.
    """
    codes = set(codes)
    problems = []
    unknown = sorted({r.code for r in rows} - codes)
    if unknown:
        problems.append(f"codes not in the province registry: {unknown}")
    seen: dict[tuple[str, int, str], int] = defaultdict(int)
    for r in rows:
        seen[(r.code, r.year, r.indicator)] += 1
    dupes = [k for k, n in seen.items() if n > 1]
    if dupes:
        problems.append(f"duplicate code-year-series: {_examples(sorted(dupes))}")
    units: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        units[r.indicator].add(r.unit)
    mixed = {k: sorted(v) for k, v in units.items() if len(v) > 1}
    if mixed:
        problems.append(f"series with more than one unit: {mixed}")
    bad_src = sorted({r.source_id for r in rows} - set(source_ids))
    if bad_src:
        problems.append(f"source_id not in raw/sources.csv: {bad_src}")
    bad_values = []
    for r in rows:
        try:
            v = float(r.value)
        except ValueError:
            bad_values.append((r.code, r.year, r.indicator, r.value))
            continue
        if not math.isfinite(v) or v < 0:
            bad_values.append((r.code, r.year, r.indicator, r.value))
    if bad_values:
        problems.append(f"values not finite and >= 0: {_examples(bad_values)}")
    if problems:
        raise BuildError("raw panel fails checks:\n- " + "\n- ".join(problems))


def growth_as_index(row: Row) -> Row:
    """Real growth row (%) as the index previous year = 100; other rows unchanged.

    >>> growth_as_index(Row("21", 2016, "gdp_real_growth_pct", "-2.5", "%", "wind_gdp_yoy")).value
    '97.5'
    """
    if row.indicator != GROWTH_SERIES:
        return row
    value = str(Decimal(row.value) + 100)
    return row._replace(indicator=GROWTH_INDEX_SERIES, value=value, unit=GROWTH_INDEX_UNIT)


def format_value(text: str) -> str:
    """Shortest decimal text that reads back as the same float.

    >>> format_value("4144"), format_value("3935.3999"), format_value("1e3")
    ('4144.0', '3935.3999', '1000.0')
    """
    return repr(float(text))


# ---------------------------------------------------------------- transform


def select_years(rows: list[Row], first: int = FIRST_YEAR, last: int = LAST_YEAR) -> list[Row]:
    return [r for r in rows if first <= r.year <= last]


def add_structural_zeros(rows: list[Row], codes) -> list[Row]:
    """Add the 2016 zero of each MIIT list count for every province.

    Raises if the raw data already hold a 2016 value for one of those cells
    (the source changed: the rule must be re-decided, not overwritten).
    """
    have = {(r.code, r.year, r.indicator) for r in rows}
    unit_of = {r.indicator: r.unit for r in rows}
    added = []
    for series in GREEN_LIST_SERIES:
        if series not in unit_of:
            continue
        for code in codes:
            key = (code, STRUCTURAL_ZERO_YEAR, series)
            if key in have:
                raise BuildError(
                    f"raw data now hold {series} for {code} in {STRUCTURAL_ZERO_YEAR}; "
                    "review the structural-zero rule in data/build.py"
                )
            added.append(
                Row(code, STRUCTURAL_ZERO_YEAR, series, "0.0", unit_of[series],
                    STRUCTURAL_ZERO_SOURCE)
            )
    return rows + added


def sort_rows(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: (r.indicator, r.code, r.year))


# ---------------------------------------------------------------- outputs


def _csv_text(header, records) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(records)
    return buf.getvalue()


def panel_text(rows: list[Row]) -> str:
    return _csv_text(
        COLUMNS,
        ((r.code, r.year, r.indicator, format_value(r.value), r.unit, r.source_id)
         for r in sort_rows(rows)),
    )


def coverage_records(rows: list[Row], codes, years) -> list[tuple]:
    """Series x year: number of provinces with a row, and the missing codes."""
    present: dict[tuple[str, int], set[str]] = defaultdict(set)
    for r in rows:
        present[(r.indicator, r.year)].add(r.code)
    out = []
    for series in sorted({r.indicator for r in rows}):
        for year in years:
            have = present[(series, year)]
            missing = [c for c in codes if c not in have]
            out.append((series, year, len(have), ";".join(missing)))
    return out


def _series_values(rows: list[Row]) -> dict[tuple[str, str], dict[int, str]]:
    out: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
    for r in rows:
        out[(r.indicator, r.code)][r.year] = r.value
    return out


def flag_records(rows: list[Row]) -> list[tuple]:
    """Known and rule-found flags, one row per (code, year, series, flag).

    Rules (all computed on the years kept in the panel):

    - ``structural_zero``: the added 2016 zeros of the MIIT list counts.
    - ``repeated_value``: a value equal to the previous year's.
    - ``linear_segment``: a value exactly midway between its neighbours
      (equal steps, possibly interpolated).
    - ``sources_disagree``: main and alternative energy series differ by more
      than 5%.
    - ``yoy_jump``: value more than doubles or halves from the previous year,
      unless a break or spike flag already explains it.
    """
    flags: dict[tuple[str, int, str, str], str] = {}
    cells = {(r.code, r.year, r.indicator) for r in rows}
    by_series_year: dict[tuple[str, int], list[str]] = defaultdict(list)
    for r in rows:
        by_series_year[(r.indicator, r.year)].append(r.code)

    for series, codes, years, flag, note in KNOWN_FLAGS:
        for year in years:
            targets = by_series_year[(series, year)] if codes == (ALL,) else codes
            for code in targets:
                if (code, year, series) not in cells:
                    raise BuildError(
                        f"KNOWN_FLAGS names {series} {code} {year}, which is not in the "
                        "panel; fix the flag list in data/build.py"
                    )
                flags[(code, year, series, flag)] = note

    for r in rows:
        if r.source_id == STRUCTURAL_ZERO_SOURCE and r.year == STRUCTURAL_ZERO_YEAR \
                and r.indicator in GREEN_LIST_SERIES:
            flags[(r.code, r.year, r.indicator, "structural_zero")] = (
                "true zero added by data/build.py: the MIIT green manufacturing "
                "programme began in 2016 and its first list came out in 2017, so no "
                "unit was listed in 2016"
            )

    values = _series_values(rows)
    for (series, code), by_year in values.items():
        if series in GREEN_LIST_SERIES or series in COARSE_SERIES:
            continue
        for year, text in sorted(by_year.items()):
            prev = by_year.get(year - 1)
            nxt = by_year.get(year + 1)
            if prev is not None and Decimal(prev) == Decimal(text):
                flags.setdefault(
                    (code, year, series, "repeated_value"),
                    f"equal to {year - 1} ({text}); not verified against the yearbook",
                )
            if prev is not None and nxt is not None:
                step = Decimal(text) - Decimal(prev)
                if step != 0 and Decimal(nxt) - Decimal(text) == step:
                    if (code, year, series, "possible_fill") not in flags:
                        flags.setdefault(
                            (code, year, series, "linear_segment"),
                            f"exactly midway between {year - 1} ({prev}) and {year + 1} "
                            f"({nxt}): equal steps of {step}; may be interpolated "
                            "(population: the official back-cast has such segments)",
                        )

    explained = {(c, y, s) for (c, y, s, f) in flags if f in _EXPLAINS_JUMP}
    for (series, code), by_year in values.items():
        if series in GREEN_LIST_SERIES or series in VOLATILE_SERIES:
            continue
        for year, text in sorted(by_year.items()):
            prev = by_year.get(year - 1)
            if prev is None or (code, year, series) in explained:
                continue
            a, b = float(prev), float(text)
            if a <= 0 or b <= 0:
                continue
            ratio = b / a
            if ratio > JUMP_FACTOR or ratio < 1 / JUMP_FACTOR:
                flags[(code, year, series, "yoy_jump")] = (
                    f"{year - 1} {prev} -> {year} {text} (x{ratio:.2f}); "
                    "kept as published, not verified against the yearbook"
                )

    main, alt = "energy_consumption_10k_tce", "energy_consumption_10k_tce_alt"
    for (series, code), by_year in values.items():
        if series != main:
            continue
        other = values.get((alt, code), {})
        for year, text in sorted(by_year.items()):
            if year not in other:
                continue
            gap = float(text) / float(other[year]) - 1
            if abs(gap) > ENERGY_GAP:
                flags[(code, year, series, "sources_disagree")] = (
                    f"{text} vs {other[year]} in {alt} ({gap:+.1%}): this series follows "
                    "the figures revised after the 2018 economic census, the alternative "
                    "the original release"
                )

    unknown = sorted({f for (_, _, _, f) in flags} - set(FLAG_TYPES))
    if unknown:
        raise BuildError(f"flag types {unknown} are not in FLAG_TYPES; document them")
    return [
        (code, year, series, flag, note)
        for (code, year, series, flag), note in sorted(
            flags.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1], kv[0][3])
        )
    ]


# ---------------------------------------------------------------- specs


def check_specs(rows: list[Row], spec_dir: Path, codes) -> list[str]:
    """Check each spec's series against the panel; return coverage lines.

    Every ``[[series]]`` must be in the panel with the stated unit, and every
    series an indicator reads must be listed under ``[[series]]``.
    """
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        return ["spec checks skipped: tomllib needs Python 3.11 or later"]
    units: dict[str, str] = {r.indicator: r.unit for r in rows}
    values = {(r.indicator, r.code, r.year): float(r.value) for r in rows}
    report = []
    for name in SPEC_FILES:
        path = Path(spec_dir) / name
        if not path.is_file():
            report.append(f"{name}: not found, not checked")
            continue
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
        years = spec["index"]["years"]
        listed = {s["id"]: s.get("unit") for s in spec.get("series", [])}
        problems = []
        for sid, unit in listed.items():
            if sid not in units:
                problems.append(f"series {sid!r} is not in panel.csv")
            elif unit is not None and unit != units[sid]:
                problems.append(f"series {sid!r}: spec unit {unit!r}, panel unit {units[sid]!r}")
        for ind in spec.get("indicator", []):
            for key in ("numerator", "denominator"):
                sid = ind.get(key)
                if sid and sid not in listed:
                    problems.append(f"indicator {ind['id']!r} reads {sid!r}, not under [[series]]")
        if problems:
            raise BuildError(f"{path}:\n- " + "\n- ".join(problems))
        report.append(f"{name}: years {years[0]}-{years[-1]}")
        for ind in spec.get("indicator", []):
            needed = [ind["numerator"]] + ([ind["denominator"]] if ind.get("denominator") else [])
            complete = [
                c for c in codes
                if all((s, c, y) in values for s in needed for y in years)
                and all(values[(ind["denominator"], c, y)] > 0 for y in years
                        if ind.get("denominator"))
            ]
            lacking = [c for c in codes if c not in complete]
            report.append(
                f"  {ind['id']:<32} {len(complete)} provinces complete"
                + (f" (lacking {','.join(lacking)})" if lacking else "")
            )
    return report


# ---------------------------------------------------------------- checksums


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def checksum_text(data_dir: Path, names) -> str:
    lines = [
        f"{sha256_of(data_dir / name)}  {name}" for name in names if (data_dir / name).is_file()
    ]
    return "\n".join(lines) + "\n"


def update_provenance(path: Path, checksums: str) -> bool:
    """Rewrite the checksum block of PROVENANCE.md; return True if it changed."""
    if not path.is_file():
        return False
    text = path.read_text(encoding="utf-8")
    start, end = text.find(CHECKSUM_START), text.find(CHECKSUM_END)
    if start < 0 or end < start:
        raise BuildError(f"{path}: checksum markers not found; add {CHECKSUM_START} ... {CHECKSUM_END}")
    block = (
        CHECKSUM_START + "\n```\n" + checksums + "```\n"
    )
    new = text[:start] + block + text[end:]
    if new != text:
        path.write_text(new, encoding="utf-8", newline="\n")
        return True
    return False


# ---------------------------------------------------------------- driver


def _write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


def build(*, raw_dir: Path = DATA_DIR / "raw", out_dir: Path = DATA_DIR,
          spec_dir: Path = DATA_DIR, verbose: bool = True) -> dict[str, Path]:
    """Build panel.csv, coverage.csv, flags.csv and CHECKSUMS into ``out_dir``.

    Returns
    -------
    dict
        Output name -> path.
    """
    raw_dir, out_dir, spec_dir = Path(raw_dir), Path(out_dir), Path(spec_dir)
    codes = list(default_registry().codes)
    sources = read_sources(raw_dir / "sources.csv")
    raw = read_raw_panel(raw_dir / "panel_raw.csv")
    for name in CANDIDATE_FILES:
        raw += [growth_as_index(r) for r in read_raw_panel(raw_dir / name)]
    check_rows(raw, codes=codes, source_ids=sources)
    rows = add_structural_zeros(select_years(raw), codes)
    check_rows(rows, codes=codes, source_ids=sources)

    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = {
        "panel.csv": panel_text(rows),
        "coverage.csv": _csv_text(
            ("series", "year", "n_provinces", "missing_codes"),
            coverage_records(rows, codes, range(FIRST_YEAR, LAST_YEAR + 1)),
        ),
        "flags.csv": _csv_text(("code", "year", "series", "flag", "note"), flag_records(rows)),
    }
    paths = {}
    for name, text in outputs.items():
        paths[name] = out_dir / name
        _write(paths[name], text)

    report = check_specs(rows, spec_dir, codes)
    if out_dir.resolve() == DATA_DIR:
        names = ["panel.csv", "coverage.csv", "flags.csv", *SPEC_FILES,
                 "raw/panel_raw.csv", *(f"raw/{n}" for n in CANDIDATE_FILES),
                 "raw/nbs_gdi_2016_ranks.csv", "raw/nbs_gdi_2016_top5.csv", "raw/sources.csv"]
        checksums = checksum_text(DATA_DIR, names)
        _write(DATA_DIR / "CHECKSUMS", checksums)
        paths["CHECKSUMS"] = DATA_DIR / "CHECKSUMS"
        update_provenance(DATA_DIR / "PROVENANCE.md", checksums)
    if verbose:
        n_flags = outputs["flags.csv"].count("\n") - 1
        print(f"panel.csv: {len(rows)} rows, {len({r.indicator for r in rows})} series, "
              f"years {FIRST_YEAR}-{LAST_YEAR}; flags.csv: {n_flags} flags")
        for line in report:
            print(line)
        print(f"sha256 panel.csv {sha256_of(paths['panel.csv'])}")
    return paths


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="shared", type=Path, default=None,
                        help="folder with the compiled panel.csv: re-copy raw/panel_raw.csv first")
    parser.add_argument("--raw", type=Path, default=DATA_DIR / "raw",
                        help="folder with panel_raw.csv and sources.csv (default: data/raw)")
    parser.add_argument("--out", type=Path, default=DATA_DIR,
                        help="output folder (default: data/)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.shared is not None:
            n = refresh_raw(args.shared, args.raw)
            if not args.quiet:
                print(f"copied {n} rows from {args.shared / 'panel.csv'} to {args.raw}")
        build(raw_dir=args.raw, out_dir=args.out, verbose=not args.quiet)
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
