"""Combine long panels from several files into one, never overwriting silently.

A new yearbook often comes as a separate file: the years you already have in
one table, the new year in another, sometimes with revised figures for the
year before.  :func:`combine_panels` stacks such panels and compares every
province-year-indicator that appears in more than one of them:

* the same value in two sources is an *agreeing overlap*: the cell is kept
  once and listed in :attr:`CombinedPanel.overlaps`;
* different values are a *conflict*.  By default (``on_conflict="error"``)
  this raises :class:`gmindex.errors.DataError` naming every conflicting
  cell with each source and its value.  With an explicit rule (``"first"``,
  ``"last"`` or a priority per source) the value is chosen and every choice is
  recorded in :attr:`CombinedPanel.conflicts` and in the panel's ``attrs``, so
  that :func:`gmindex.index.build_index` writes it into the provenance.

Examples
--------
>>> import pandas as pd
>>> old = pd.DataFrame({"code": ["11", "11"], "year": [2018, 2019],
...                     "indicator": "gdp_100m_yuan", "value": [33106.0, 35371.3]})
>>> new = pd.DataFrame({"code": ["11", "11"], "year": [2019, 2020],
...                     "indicator": "gdp_100m_yuan", "value": [35445.1, 36102.6]})
>>> combine_panels({"old.csv": old, "new.csv": new})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
gmindex.errors.DataError: province Beijing (11), year 2019, indicator 'gdp_100m_yuan': different values in 2 sources: old.csv = 35371.3, new.csv = 35445.1. Fix: ...
>>> combined = combine_panels({"old.csv": old, "new.csv": new}, on_conflict="last")
>>> combined.panel[["year", "value", "source_file"]]
   year    value source_file
0  2018  33106.0     old.csv
1  2019  35445.1     new.csv
2  2020  36102.6     new.csv
>>> combined.conflicts[["year", "old.csv", "new.csv", "chosen_source", "rule"]]
   year  old.csv  new.csv chosen_source                rule
0  2019  35371.3  35445.1       new.csv  last source listed
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from gmindex.provinces import Registry, default_registry
from gmindex.errors import DataError, Problem
from gmindex.io.readers import read_long_with_report
from gmindex.locate import duplicate_problems

__all__ = ["CONFLICT_RULES", "CombinedPanel", "combine_panels"]

#: Named rules for ``on_conflict`` (a mapping source -> priority is the other form).
CONFLICT_RULES = ("error", "first", "last")

_KEYS = ["code", "year", "indicator"]
_REQUIRED = ("code", "year", "indicator", "value")
_RULE_TEXT = {"first": "first source listed", "last": "last source listed"}
_FIX = ("choose with on_conflict='first', 'last' or {source: priority}, or correct one of "
        "the files")
_FIX_CLI = ("choose with --on-conflict first or --on-conflict last (in the order of the "
            "--data options), or correct one of the files")


@dataclass(frozen=True)
class CombinedPanel:
    """The result of :func:`combine_panels`.

    Attributes
    ----------
    panel : pandas.DataFrame
        Long panel ``code, year, indicator, value`` (+ ``unit``,
        ``source_id`` when a source has them) and ``source_file``: the source
        each kept value came from.  Sorted by indicator, code, year.
        ``panel.attrs["source"]`` names the sources and every conflict choice
        (``build_index`` records it as ``provenance["data_source"]``);
        ``panel.attrs["combine"]`` holds the same as a JSON-ready dict.
    conflicts : pandas.DataFrame
        One row per cell with different values in different sources:
        ``code, year, indicator``, one column per source (its value, NaN if the
        source lacks the cell), ``chosen_source, chosen_value, rule``.  Empty
        when there was no conflict.
    overlaps : pandas.DataFrame
        Cells found with the same value in several sources, kept once:
        ``code, year, indicator, value, sources, kept_source``.
    sources : pandas.DataFrame
        ``source, rows, kept``: rows given and rows kept per source.
    report : str
        Plain-text summary; the row counts reconcile (rows given = rows kept
        + duplicates of agreeing cells + values not chosen).
    read_reports : tuple of ReadReport
        The reader's report of each file read (empty for DataFrames).
    """

    panel: pd.DataFrame
    conflicts: pd.DataFrame
    overlaps: pd.DataFrame
    sources: pd.DataFrame
    report: str
    read_reports: tuple = field(default=(), repr=False)

    def __str__(self) -> str:
        return self.report


def _code_text(value: object) -> str:
    """Codes as text: 11 and 11.0 become '11'."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()


def _plain(value: object) -> object:
    """A cell as the user typed it (no numpy reprs in messages)."""
    return value.item() if isinstance(value, np.generic) else value


def _prepare(frame: pd.DataFrame, name: str, registry: Registry) -> pd.DataFrame:
    """A copy with clean key types and a ``source_file`` column; bad input raises."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"combine_panels takes DataFrames or file paths, got {type(frame).__name__} for {name}"
        )
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        raise DataError(Problem(
            "error", f"missing column(s) {', '.join(missing)}; found "
            f"{', '.join(map(str, frame.columns))}",
            "a long panel needs code, year, indicator, value (read yearbook tables with "
            "gmindex.io.read_wide or `gmindex convert` first)", file=name))
    out = frame.copy()
    out["code"] = out["code"].map(_code_text).astype("str")
    out["indicator"] = out["indicator"].astype("str")
    year = pd.to_numeric(out["year"], errors="coerce")
    value = pd.to_numeric(out["value"], errors="coerce")
    problems = []
    for idx in out.index[year.isna() | (year % 1 != 0)]:
        problems.append(Problem("error", f"year {_plain(out.at[idx, 'year'])!r} is not a whole number "
                                f"(index {idx})", "write the year as 2019", file=name,
                                column="year"))
    for idx in out.index[value.isna()]:
        problems.append(Problem("error", f"value {_plain(out.at[idx, 'value'])!r} is not a number "
                                f"(index {idx})", "a long panel has no rows for missing "
                                "values; drop them or type the number", file=name,
                                column="value"))
    if problems:
        raise DataError(problems)
    out["year"] = year.astype("int64")
    out["value"] = value.astype("float64")
    if "source_file" in out.columns:  # an earlier combination: keep its per-row sources
        known = out["source_file"].notna()
        out["source_file"] = out["source_file"].astype("str").where(known, name)
    else:
        out["source_file"] = name
    for src, part in out.groupby("source_file", sort=False):
        dupes = duplicate_problems(part, source=str(src), registry=registry)
        if dupes:
            raise DataError(dupes)
    return out


def _read(path: Path, registry: Registry):

    frame, report = read_long_with_report(path, registry=registry, keep_source=True)
    return frame.drop(columns=["source_column", "source_label"]), report


def _inputs(frames_or_paths) -> list[tuple[str, object]]:
    """(name, frame or path) pairs with unique names."""
    if isinstance(frames_or_paths, (pd.DataFrame, str, Path)):
        raise TypeError("combine_panels takes a list (or a mapping name -> data) of several "
                        "panels; pass a list even for one")
    if isinstance(frames_or_paths, Mapping):
        items = [(str(k), v) for k, v in frames_or_paths.items()]
    else:
        items = []
        for i, item in enumerate(frames_or_paths):
            if isinstance(item, (str, Path)):
                name = str(item)
            elif isinstance(item, pd.DataFrame):
                name = str(item.attrs.get("source") or f"<frame {i + 1}>")
            else:
                raise TypeError(
                    f"combine_panels takes DataFrames or file paths, got {type(item).__name__} "
                    f"at position {i + 1}"
                )
            items.append((name, item))
    if not items:
        raise ValueError("combine_panels needs at least one panel")
    names = [n for n, _ in items]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"the same source is given more than once: {twice}; give each file once")
    return items


def _match_priorities(rule: Mapping, names: list[str], paths: Mapping[str, str]) -> dict[str, float]:
    """Map the user's keys (full name, path or file name) to source names."""
    out: dict[str, float] = {}
    for key, priority in rule.items():
        key = str(key)
        hits = [n for n in names if key in (n, paths.get(n), Path(n).name)]
        if len(hits) != 1:
            what = "matches no source" if not hits else f"matches several sources {hits}"
            raise ValueError(
                f"on_conflict key {key!r} {what}; sources are {names} (use the full name)"
            )
        try:
            out[hits[0]] = float(priority)
        except (TypeError, ValueError):
            raise ValueError(f"on_conflict priority of {key!r} must be a number, "
                             f"got {priority!r}") from None
    return out


def _fmt(value: float) -> str:
    return repr(float(value))


def combine_panels(
    frames_or_paths: Sequence[pd.DataFrame | str | Path] | Mapping[str, pd.DataFrame | str | Path],
    *,
    on_conflict: str | Mapping[str, float] = "error",
    registry: Registry | None = None,
    rtol: float = 1e-12,
) -> CombinedPanel:
    """Stack long panels from several sources, checking every overlapping cell.

    Parameters
    ----------
    frames_or_paths : sequence or mapping
        Long panels (DataFrames) or long CSV/XLSX files (read with
        :func:`gmindex.io.read_long`); a mapping ``name -> frame or path``
        names the sources.  Sources are named by their path, by
        ``frame.attrs["source"]``, or ``<frame N>``; a frame that already has
        a ``source_file`` column (an earlier combination) keeps its per-row
        sources.  Yearbook layouts: read them with
        :func:`gmindex.io.read_wide` (or ``gmindex convert``) first.
    on_conflict : {"error", "first", "last"} or mapping
        What to do when a cell has different values in different sources.
        ``"error"`` (default) raises; ``"first"``/``"last"`` take the value of
        the source listed first/last; a mapping ``source -> priority`` takes
        the source with the highest priority (keys may be the full source name
        or the file name; every source in a conflict needs a priority, and
        the highest must be unique).  Every choice is recorded.
    registry : Registry, optional
        Units known when reading files and naming provinces in messages.
    rtol : float
        Relative tolerance under which two values count as the same (default
        1e-12: float rounding through Excel, not a revision).

    Returns
    -------
    CombinedPanel

    Raises
    ------
    DataError
        Conflicting values under ``on_conflict="error"`` (one problem per
        cell, naming each source and value), duplicates within one source,
        unreadable files, missing columns.
    ValueError
        An unknown rule, a priority key that matches no source, a tie in
        priority, a source given twice.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"code": ["11"], "year": [2019], "indicator": "x", "value": [1.0]})
    >>> b = pd.DataFrame({"code": ["11", "12"], "year": [2019, 2019], "indicator": "x",
    ...                   "value": [1.0, 2.0]})
    >>> combined = combine_panels({"a.csv": a, "b.csv": b})
    >>> print(combined.report)
    combined 2 sources: 2 cells kept of 3 rows given
      a.csv: 1 rows given, 1 kept
      b.csv: 2 rows given, 1 kept
      1 cell(s) in several sources with the same value: kept once (see .overlaps)
      rows given 3 = kept 2 + same-value duplicates 1 + values not chosen 0
    """
    if not isinstance(on_conflict, Mapping) and on_conflict not in CONFLICT_RULES:
        raise ValueError(
            f"on_conflict={on_conflict!r} is not known; use one of {CONFLICT_RULES} or a "
            "mapping source -> priority"
        )
    registry = registry or default_registry()
    items = _inputs(frames_or_paths)
    frames, reports, paths = [], [], {}
    problems: list[Problem] = []
    for name, item in items:
        try:
            if isinstance(item, (str, Path)):
                frame, report = _read(Path(item), registry)
                reports.append(report)
                paths[name] = str(item)
                frame["source_file"] = name
            else:
                frame = item
            frames.append(_prepare(frame, name, registry))
        except DataError as exc:  # report every unreadable source, not just the first
            problems.extend(exc.problems)
    if problems:
        raise DataError(problems)

    stacked = pd.concat(frames, ignore_index=True)
    names = list(dict.fromkeys(stacked["source_file"]))
    order = {n: k for k, n in enumerate(names)}
    stacked["_order"] = stacked["source_file"].map(order)
    if isinstance(on_conflict, Mapping):
        priority = _match_priorities(on_conflict, names, paths)
        rule_name = "priority"
    else:
        priority = {}
        rule_name = on_conflict

    multi = stacked.duplicated(_KEYS, keep=False)
    groups = stacked[multi].groupby(_KEYS, sort=True)
    # Values that went through Excel or another float format can differ in the
    # last bits: equal to rtol counts as the same value.
    vmax, vmin = groups["value"].transform("max"), groups["value"].transform("min")
    same = (vmax - vmin) <= rtol * np.maximum(vmax.abs(), vmin.abs())
    clash = stacked[multi][~same]
    agree = stacked[multi][same]

    # Preference of each row: lower is preferred.
    if rule_name == "last":
        pref = -stacked["_order"].astype(float)
    elif rule_name == "priority":
        pref = -stacked["source_file"].map(priority).astype(float)
    else:  # "first", and "error" for agreeing overlaps
        pref = stacked["_order"].astype(float)
    stacked["_pref"] = pref

    if len(clash):
        conflict_problems = []
        for (code, year, indicator), group in clash.groupby(_KEYS, sort=True):
            conflict_problems.append(_conflict_problem(group, code, year, indicator, registry))
        if rule_name == "error":
            raise DataError(conflict_problems, max_listed=50)
        if rule_name == "priority":
            _check_priorities(clash, priority, conflict_problems)

    ranked = stacked.sort_values(_KEYS + ["_pref", "_order"], kind="stable", na_position="last")
    kept = ranked.drop_duplicates(_KEYS, keep="first")
    conflicts = _conflict_table(clash, kept, names, rule_name, priority)
    overlaps = _overlap_table(agree, kept)

    extra = [c for c in ("unit", "source_id") if c in stacked.columns]
    panel = (
        kept[[*_REQUIRED, *extra, "source_file"]]
        .sort_values(["indicator", "code", "year"], kind="stable")
        .reset_index(drop=True)
    )
    given = stacked["source_file"].value_counts().reindex(names).astype(int)
    kept_n = panel["source_file"].value_counts().reindex(names, fill_value=0).astype(int)
    sources = pd.DataFrame({"source": names, "rows": given.to_numpy(), "kept": kept_n.to_numpy()})
    dup_same = len(agree) - agree.groupby(_KEYS).ngroups if len(agree) else 0
    not_chosen = len(clash) - len(conflicts)
    assert len(stacked) == len(panel) + dup_same + not_chosen
    report = _report_text(sources, len(stacked), len(panel), len(overlaps), dup_same,
                          conflicts, not_chosen, on_conflict)
    panel.attrs["source"] = _source_text(names, conflicts, on_conflict)
    panel.attrs["combine"] = {
        "sources": sources.to_dict("records"),
        "on_conflict": on_conflict if isinstance(on_conflict, str) else dict(priority),
        "agreeing_overlaps": int(len(overlaps)),
        "conflicts": [
            {"code": r["code"], "year": int(r["year"]), "indicator": r["indicator"],
             "values": {n: float(r[n]) for n in names if n in r and not pd.isna(r[n])},
             "chosen_source": r["chosen_source"], "rule": r["rule"]}
            for r in conflicts.to_dict("records")
        ],
    }
    return CombinedPanel(panel=panel, conflicts=conflicts, overlaps=overlaps, sources=sources,
                         report=report, read_reports=tuple(reports))


def _conflict_problem(group: pd.DataFrame, code, year, indicator, registry: Registry) -> Problem:
    where = []
    for row in group.itertuples():
        at = row.source_file
        if "source_row" in group.columns and not pd.isna(row.source_row):
            at += f" row {int(row.source_row)}"
        where.append(f"{at} = {_fmt(row.value)}")
    province = f"{registry.label(code)} ({code})" if code in registry else repr(code)
    return Problem(
        "error",
        f"different values in {len(group)} sources: " + ", ".join(where),
        _FIX,
        advice={"cli": _FIX_CLI},
        code=str(code),
        province=province,
        year=int(year),
        indicator=str(indicator),
    )


def _check_priorities(clash: pd.DataFrame, priority: dict, problems: list[Problem]) -> None:
    lacking = sorted(set(clash["source_file"]) - set(priority))
    if lacking:
        raise ValueError(
            f"on_conflict gives no priority for {lacking}, which take part in "
            f"{len(problems)} conflict(s), e.g. {problems[0].problem}; add them to the mapping"
        )
    for (_, group), problem in zip(clash.groupby(_KEYS, sort=True), problems):
        ranks = group["source_file"].map(priority)
        top = ranks.max()
        if (ranks == top).sum() > 1:
            tied = sorted(set(group.loc[ranks == top, "source_file"]))
            raise ValueError(f"on_conflict gives the same priority {top:g} to {tied}, which "
                             f"disagree: {problem.problem}; give them different priorities")


def _rule_text(rule_name: str, chosen: str, others: list[str], priority: dict) -> str:
    if rule_name != "priority":
        return _RULE_TEXT[rule_name]
    return f"priority {chosen}={priority[chosen]:g} over " + ", ".join(
        f"{o}={priority[o]:g}" for o in others
    )


def _conflict_table(clash, kept, names, rule_name, priority) -> pd.DataFrame:
    involved = [n for n in names if n in set(clash["source_file"])]
    cols = _KEYS + involved + ["chosen_source", "chosen_value", "rule"]
    if clash.empty:
        return pd.DataFrame({c: pd.Series([], dtype="float64" if c in involved or c == "chosen_value"
                                          else "int64" if c == "year" else "str") for c in cols})
    wide = clash.pivot(index=_KEYS, columns="source_file", values="value")
    wide = wide.reindex(columns=involved).reset_index()
    wide.columns.name = None
    chosen = kept.set_index(_KEYS).loc[pd.MultiIndex.from_frame(wide[_KEYS])]
    wide["chosen_source"] = chosen["source_file"].to_numpy()
    wide["chosen_value"] = chosen["value"].to_numpy()
    present = clash.groupby(_KEYS, sort=True)["source_file"].agg(list)
    wide["rule"] = [
        _rule_text(rule_name, c, [s for s in present.loc[tuple(k)] if s != c], priority)
        for c, k in zip(wide["chosen_source"], wide[_KEYS].itertuples(index=False))
    ]
    wide["year"] = wide["year"].astype("int64")
    return wide[cols]


def _overlap_table(agree: pd.DataFrame, kept: pd.DataFrame) -> pd.DataFrame:
    cols = _KEYS + ["value", "sources", "kept_source"]
    if agree.empty:
        return pd.DataFrame({c: pd.Series([], dtype="float64" if c == "value" else
                                          "int64" if c == "year" else "str") for c in cols})
    grouped = agree.sort_values("_order", kind="stable").groupby(_KEYS, sort=True)
    out = grouped.agg(value=("value", "first"),
                      sources=("source_file", lambda s: "; ".join(s))).reset_index()
    chosen = kept.set_index(_KEYS)["source_file"]
    out["kept_source"] = chosen.loc[pd.MultiIndex.from_frame(out[_KEYS])].to_numpy()
    return out[cols]


def _report_text(sources, given, kept, n_overlap, dup_same, conflicts, not_chosen,
                 on_conflict) -> str:
    lines = [f"combined {len(sources)} sources: {kept} cells kept of {given} rows given"]
    lines += [f"  {r.source}: {r.rows} rows given, {r.kept} kept" for r in sources.itertuples()]
    if n_overlap:
        lines.append(f"  {n_overlap} cell(s) in several sources with the same value: kept once "
                     "(see .overlaps)")
    if len(conflicts):
        rule = on_conflict if isinstance(on_conflict, str) else dict(on_conflict)
        lines.append(f"  {len(conflicts)} cell(s) with different values, chosen by "
                     f"on_conflict={rule!r}, each choice recorded in the provenance:")
        for r in conflicts.head(10).itertuples(index=False):
            rec = r._asdict() if hasattr(r, "_asdict") else dict(zip(conflicts.columns, r))
            lines.append(f"    {rec['code']} {rec['year']} {rec['indicator']}: "
                         f"{_fmt(rec['chosen_value'])} from {rec['chosen_source']} ({rec['rule']})")
        if len(conflicts) > 10:
            lines.append(f"    ... and {len(conflicts) - 10} more")
    lines.append(f"  rows given {given} = kept {kept} + same-value duplicates {dup_same} + "
                 f"values not chosen {not_chosen}")
    return "\n".join(lines)


def _source_text(names, conflicts, on_conflict) -> str:
    """What build_index records as the data source: the files and every choice."""
    text = " + ".join(names)
    if len(conflicts):
        rule = on_conflict if isinstance(on_conflict, str) else dict(on_conflict)
        choices = []
        for rec in conflicts.to_dict("records"):
            values = ", ".join(f"{n}={_fmt(rec[n])}" for n in names
                               if n in rec and not pd.isna(rec[n]))
            choices.append(f"{rec['code']} {rec['year']} {rec['indicator']}: {values} -> "
                           f"{rec['chosen_source']} ({rec['rule']})")
        text += (f"; on_conflict={rule!r} chose {len(choices)} conflicting cell(s): "
                 + "; ".join(choices))
    return text
