"""Paper tables: the Dagum table, the score-and-rank table, Word export.

- :func:`dagum_table` — years × (overall G, within-region G_jj, between-region
  G_jh, contributions G_w, G_nb, G_t with their shares in %), from
  :func:`gmindex.disparity.dagum.dagum_by_year`.
- :func:`score_rank_table` — provinces × years with the score and the rank in
  each year, grouped by region, with region means (and their rank among the
  regions) and the national mean.
- :func:`to_table` turns either frame into a :class:`gmindex.tables.Table`
  (LaTeX booktabs / Markdown / CSV); :func:`write_docx` writes a Table as a
  Word three-line table (python-docx); XLSX goes through
  :func:`gmindex.io.writers.write_table`.

Examples
--------
>>> from gmindex.datasets import load_inputs
>>> from gmindex.index import build_index
>>> res = build_index(*load_inputs())
>>> t = score_rank_table(res.scores, years=[2016, 2020])
>>> t.columns.tolist()
['code', 'name', 'region', 'score_2016', 'rank_2016', 'score_2020', 'rank_2020']
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

__all__ = ["dagum_table", "score_rank_table", "to_table", "write_docx"]


def dagum_table(dagum: pd.DataFrame, *, scheme: str = "region4", registry=None,
                lang: str = "en") -> pd.DataFrame:
    """The Dagum decomposition as papers print it: one row per year.

    Parameters
    ----------
    dagum : pandas.DataFrame
        Output of :func:`gmindex.disparity.dagum.dagum_by_year`.
    scheme : str
        Which scheme's rows to use.

    Returns
    -------
    pandas.DataFrame
        ``year, G``, one ``G_<region>`` per region (within), one
        ``G_<a>-<b>`` per pair (between), ``G_w, G_nb, G_t`` and
        ``G_w_pct, G_nb_pct, G_t_pct`` (shares of G in %).

    Examples
    --------
    >>> from gmindex.datasets import load_inputs
    >>> from gmindex.index import build_index
    >>> from gmindex.disparity.dagum import dagum_by_year
    >>> d = dagum_by_year(build_index(*load_inputs()).scores, scheme="region4")
    >>> t = dagum_table(d)
    >>> bool(((t["G_w"] + t["G_nb"] + t["G_t"] - t["G"]).abs() < 1e-12).all())
    True
    """
    from gmindex.provinces import default_registry

    reg = registry or default_registry()
    d = dagum[dagum["scheme"] == scheme] if "scheme" in dagum.columns else dagum
    if d.empty:
        raise ValueError(f"no Dagum rows for scheme {scheme!r}")
    order = [r for r in reg.region_order(scheme) if r in set(d["group_a"].dropna())]
    rows = []
    for year, part in d.groupby("year", sort=True):
        ov = part[part["level"] == "overall"].set_index("measure")["value"]
        row = {"year": int(year), "G": ov["total"]}
        grp = part[(part["level"] == "group") & (part["measure"] == "gini")]
        gmap = dict(zip(grp["group_a"], grp["value"]))
        for r in order:
            row[f"G_{r}"] = gmap.get(r, np.nan)
        pairs = part[(part["level"] == "pair") & (part["measure"] == "gini")]
        pmap = {(a, b): v for a, b, v in zip(pairs["group_a"], pairs["group_b"], pairs["value"])}
        for i, a in enumerate(order):
            for b in order[i + 1:]:
                row[f"G_{a}-{b}"] = pmap.get((a, b), pmap.get((b, a), np.nan))
        row.update(G_w=ov["within"], G_nb=ov["between_net"], G_t=ov["transvariation"],
                   G_w_pct=100 * ov["within_share"], G_nb_pct=100 * ov["between_net_share"],
                   G_t_pct=100 * ov["transvariation_share"])
        rows.append(row)
    return pd.DataFrame(rows)


def score_rank_table(scores: pd.DataFrame, *, value: str = "score", scheme: str = "region4",
                     years: Sequence[int] | None = None, registry=None, lang: str = "en",
                     means: bool = True) -> pd.DataFrame:
    """Provinces × years: score and rank in each year, grouped by region, with region means.

    Parameters
    ----------
    scores : pandas.DataFrame
        ``code, year`` and ``value``.
    scheme : str
        Region scheme that groups the rows.
    years : sequence of int, optional
        Columns (default every year).
    means : bool
        Append one row per region (``code`` = "", ``name`` = "<Region> mean"),
        ranked among the regions, and a national mean row.

    Returns
    -------
    pandas.DataFrame
        ``code, name, region`` and ``score_<y>, rank_<y>`` per year; ranks are
        1 = highest among the provinces (ties share the best rank).
    """
    from gmindex.figstyle import region_name, text
    from gmindex.provinces import default_registry

    reg = registry or default_registry()
    ys = sorted(scores["year"].unique()) if years is None else list(years)
    wide = scores[scores["year"].isin(ys)].pivot(index="code", columns="year", values=value)
    region = reg.regions(scheme).reindex(wide.index)
    out = pd.DataFrame({"code": wide.index, "name": [reg.label(c, lang) for c in wide.index],
                        "region": region.to_numpy()})
    for y in ys:
        out[f"score_{y}"] = wide[y].to_numpy()
        out[f"rank_{y}"] = wide[y].rank(ascending=False, method="min").astype("Int64").to_numpy()
    order = {r: i for i, r in enumerate(reg.region_order(scheme))}
    out = out.sort_values(["region", f"score_{ys[-1]}"], key=lambda s: s.map(order)
                          if s.name == "region" else -s, ignore_index=True)
    if not means:
        return out
    mean_word = "mean" if lang == "en" else "均值"
    blocks = []
    mrows = []
    for r, part in out.groupby("region", sort=False):
        blocks.append(part)
        row = {"code": "", "name": f"{region_name(r, lang)} {mean_word}".strip(), "region": r}
        for y in ys:
            row[f"score_{y}"] = part[f"score_{y}"].mean()
        mrows.append(row)
    m = pd.DataFrame(mrows)
    for y in ys:
        m[f"rank_{y}"] = m[f"score_{y}"].rank(ascending=False, method="min").astype("Int64")
    national = {"code": "", "name": "National mean" if lang == "en" else "全国均值",
                "region": "national"}
    for y in ys:
        national[f"score_{y}"] = out[f"score_{y}"].mean()
        national[f"rank_{y}"] = pd.NA
    pieces = []
    for (_, block), (_, mean_row) in zip(out.groupby("region", sort=False), m.iterrows()):
        pieces += [block, mean_row.to_frame().T]
    pieces.append(pd.DataFrame([national]))
    full = pd.concat(pieces, ignore_index=True)
    for y in ys:
        full[f"score_{y}"] = full[f"score_{y}"].astype(float)
        full[f"rank_{y}"] = full[f"rank_{y}"].astype("Int64")
    return full


def to_table(frame: pd.DataFrame, *, digits: int = 3, notes: Sequence[str] = (),
             header: Sequence[str] | None = None):
    """A :class:`gmindex.tables.Table` of a frame (floats to ``digits`` decimals, NA blank).

    Examples
    --------
    >>> t = to_table(pd.DataFrame({"a": ["x"], "b": [0.12345]}))
    >>> t.body
    (('x', '0.123'),)
    """
    from gmindex.tables import Table

    def cell(v) -> str:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return ""
        if isinstance(v, (float, np.floating)):
            return f"{v:.{digits}f}"
        return str(v)

    head = tuple(header) if header is not None else tuple(str(c) for c in frame.columns)
    body = tuple(tuple(cell(v) for v in row) for row in frame.itertuples(index=False))
    return Table(header=(head,), body=body, notes=tuple(notes),
                 align="l" * 1 + "c" * (len(head) - 1))


def _border(cell, **edges) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    borders = tc_pr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        tc_pr.append(borders)
    for edge, size in edges.items():
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if size else "nil")
        if size:
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:color"), "000000")
        borders.append(el)


def write_docx(table, path: str | Path, *, caption: str | None = None,
               font_size: float = 9.0) -> Path:
    """Write a :class:`gmindex.tables.Table` as a Word three-line table (三线表).

    Rules: a thick top rule (1.5 pt) above the header, a thin rule (0.75 pt)
    under it and a thick bottom rule; no vertical lines.  The file is
    written atomically with fixed core properties, so reruns give identical
    bytes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> t = to_table(pd.DataFrame({"province": ["Beijing"], "score": [0.5]}))
    >>> p = write_docx(t, pathlib.Path(tempfile.mkdtemp()) / "t.docx")
    >>> p.suffix
    '.docx'
    """
    import datetime as dt
    import io

    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from gmindex.io.writers import _atomic_bytes, _normalise_zip, fixed_timestamp

    doc = docx.Document()
    props = doc.core_properties
    stamp = dt.datetime(2000, 1, 1)
    props.created = props.modified = props.last_printed = stamp
    props.author = props.last_modified_by = "gmindex"
    props.revision = 1
    if caption:
        doc.add_paragraph(caption)
    rows = [*table.header, *table.body, *table.footer]
    ncol = table.n_columns
    t = doc.add_table(rows=len(rows), cols=ncol)
    nh = len(table.header)
    # Cells row by row: ``Table.cell(i, j)`` rebuilds the whole cell grid on every call,
    # which made a 150-row table take seconds.
    for i, (row, cells) in enumerate(zip(rows, (r.cells for r in t.rows))):
        for j, (text, cell) in enumerate(zip(row, cells)):
            cell.text = text
            para = cell.paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.LEFT if j == 0 else WD_ALIGN_PARAGRAPH.CENTER
            for run in para.runs:
                run.font.size = Pt(font_size)
                run.bold = i < nh
            edges = {"left": 0, "right": 0, "insideV": 0}
            edges["top"] = 12 if i == 0 else 0
            edges["bottom"] = 6 if i == nh - 1 else (12 if i == len(rows) - 1 else 0)
            _border(cell, **edges)
    for note in table.notes:
        p = doc.add_paragraph(note)
        for run in p.runs:
            run.font.size = Pt(font_size - 1)
    buf = io.BytesIO()
    doc.save(buf)
    return _atomic_bytes(Path(path), _normalise_zip(buf.getvalue(), fixed_timestamp()))
