"""Write tables, JSON and figures: atomic, deterministic, ready for Stata/Excel/LaTeX.

Every file is written to a temporary file in the same folder and then moved
into place (``os.replace``), so a crash never leaves half a file.  Reruns on
the same data give byte-identical files: CSV with a fixed float format and
``\\n`` line ends; XLSX with fixed timestamps inside the workbook and the zip;
Stata ``.dta`` with a fixed time stamp; PNG/PDF/SVG without dates.  The fixed
time is ``SOURCE_DATE_EPOCH`` when set (the reproducible-builds convention),
otherwise 2000-01-01 00:00 UTC.

Examples
--------
>>> import tempfile, pathlib
>>> import pandas as pd
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> table = pd.DataFrame({"code": ["11", "12"], "score": [0.81234567, 0.5]})
>>> paths = write_table(table, out / "scores", formats=("csv", "md"),
...                     provenance={"gmindex": "0.1.0"})
>>> [p.name for p in paths]
['scores.csv', 'scores.md', 'scores.provenance.json']
>>> print((out / "scores.md").read_text(encoding="utf-8"))
| code | score |
| --- | ---: |
| 11 | 0.81234567 |
| 12 | 0.5 |
<BLANKLINE>
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import json
import math
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from gmindex.io.fontsubset import fast_subsets

__all__ = [
    "DRAFT_DPI",
    "parse_formats",
    "TABLE_FORMATS",
    "FIGURE_FORMATS",
    "WRITTEN_RECORD",
    "fixed_timestamp",
    "save_figure",
    "stata_names",
    "to_wide",
    "write_json",
    "write_manifest",
    "write_table",
    "write_text",
]

TABLE_FORMATS = ("csv", "xlsx", "dta", "tex", "md")
FIGURE_FORMATS = ("png", "pdf", "svg")
#: Hidden file in each output folder staged under a command name
#: (:func:`gmindex.io.outputs.staged_folders`): command -> the files it wrote there on its
#: last complete run, which the next run of that command removes first.  Here, not in
#: outputs, because the manifest written here leaves it out.
WRITTEN_RECORD = ".gmindex-written.json"
_DEFAULT_EPOCH = 946684800  # 2000-01-01T00:00:00Z
#: Environment variable: when set to a whole number, figures are saved at that resolution
#: whatever the caller asks.  For quick test runs of the notebooks, whose figures nobody
#: looks at (a 300 dpi PNG is a sixth of the time a figure takes); the package never sets it.
DRAFT_DPI = "GMINDEX_DRAFT_DPI"
_STATA_RESERVED = frozenset(
    "_all _b byte _coef _cons double float if in int long _n _N _pi _pred _rc _skip "
    "str# strL using with".split()
)


def parse_formats(text: str, allowed: Sequence[str]) -> tuple[str, ...]:
    """Formats from a comma-separated list, as the command lines take them.

    Raises ``ValueError`` whose argument lists the unknown formats (empty when
    the list itself is empty); each command line words its own message.

    Examples
    --------
    >>> parse_formats("PNG, pdf", FIGURE_FORMATS)
    ('png', 'pdf')
    >>> parse_formats("png,jpg", FIGURE_FORMATS)
    Traceback (most recent call last):
    ...
    ValueError: ['jpg']
    """
    chosen = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    unknown = [f for f in chosen if f not in allowed]
    if unknown or not chosen:
        raise ValueError(unknown)
    return chosen


def fixed_timestamp() -> _dt.datetime:
    """The time written into files: ``SOURCE_DATE_EPOCH`` or 2000-01-01 UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = int(epoch) if epoch and epoch.strip().isdigit() else _DEFAULT_EPOCH
    # Zip and Stata time stamps cannot go before 1980.
    seconds = max(seconds, 315532800)
    return _dt.datetime.fromtimestamp(seconds, tz=_dt.timezone.utc).replace(tzinfo=None)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _atomic_write(path: Path, write: Callable[[io.BufferedWriter], None]) -> Path:
    """Write through a temporary file in the same folder, then rename into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; use the usual mode
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _atomic_bytes(path: Path, data: bytes) -> Path:
    return _atomic_write(path, lambda handle: handle.write(data))


def _json_default(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (set, frozenset)):
        return sorted(obj, key=str)
    if isinstance(obj, (Path, _dt.date, _dt.datetime, pd.Timestamp)):
        return str(obj)
    if isinstance(obj, (pd.Series, pd.Index)):
        return obj.tolist()
    if hasattr(obj, "__dataclass_fields__"):
        return {k: getattr(obj, k) for k in obj.__dataclass_fields__}
    raise TypeError(f"cannot write {type(obj).__name__} to JSON")


def _json_text(obj) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, indent=2,
                      default=_json_default, allow_nan=False) + "\n"


def write_json(obj, path: str | Path) -> Path:
    """Write ``obj`` as JSON: sorted keys, UTF-8, non-ASCII kept, atomic.

    NumPy scalars and arrays, sets, paths and dates are converted; NaN is
    refused (JSON has none): replace it with ``None`` first.

    Returns
    -------
    pathlib.Path
    """
    return _atomic_bytes(Path(path), _json_text(obj).encode("utf-8"))


def write_text(text: str, path: str | Path) -> Path:
    """Write text (LaTeX, Markdown, notes) as UTF-8 with LF line ends, atomically."""
    return _atomic_bytes(Path(path), text.replace("\r\n", "\n").encode("utf-8"))


def write_manifest(folder: str | Path, *, stamp: Mapping | None = None,
                   name: str = "MANIFEST.json") -> Path:
    """List every file of an output folder with its size and SHA-256, plus a provenance stamp.

    A rerun with the same inputs must reproduce the manifest exactly, so a
    reader can check that a figure or table in a paper is the one the code
    makes.  Files directly in ``folder`` are listed (not sub-folders such as
    executed notebooks, which carry run times); the manifest itself and the
    record of which command wrote what (:data:`WRITTEN_RECORD`) are not.

    Parameters
    ----------
    folder : str or Path
    stamp : mapping, optional
        Provenance to record (package version, data and spec hashes, options).
    name : str
        File name of the manifest inside ``folder``.

    Returns
    -------
    pathlib.Path
    """
    folder = Path(folder)
    files = []
    for path in sorted(p for p in folder.glob("*")
                       if p.is_file() and p.name not in (name, WRITTEN_RECORD)):
        data = path.read_bytes()
        files.append({"file": path.relative_to(folder).as_posix(), "bytes": len(data),
                      "sha256": hashlib.sha256(data).hexdigest()})
    return write_json({"provenance": dict(stamp or {}), "files": files}, folder / name)


# ---------------------------------------------------------------------------
# Tables


def _format_float(value: float, float_format: str | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return float_format % value if float_format else repr(float(value))


def _cell_strings(df: pd.DataFrame, float_format: str | None) -> list[list[str]]:
    out = []
    for j in range(df.shape[1]):
        series = df.iloc[:, j]  # by position: column names may repeat
        if pd.api.types.is_float_dtype(series.dtype):
            out.append([_format_float(v, float_format) for v in series.astype(float)])
        else:
            out.append(["" if _isna(v) else str(v) for v in series])
    return [list(row) for row in zip(*out)] if out else [[] for _ in range(len(df))]


def _isna(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _write_csv(df: pd.DataFrame, path: Path, float_format: str | None) -> Path:
    text = df.to_csv(index=False, lineterminator="\n", float_format=float_format)
    return _atomic_bytes(path, text.encode("utf-8"))


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _is_number_column(series: pd.Series) -> bool:
    """Right-aligned in TeX and Markdown: numbers, but not booleans."""
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
        series.dtype
    )


def _write_md(df: pd.DataFrame, path: Path, float_format: str | None) -> Path:
    numeric = [_is_number_column(df.iloc[:, j]) for j in range(df.shape[1])]
    lines = ["| " + " | ".join(_md_escape(str(c)) for c in df.columns) + " |"]
    lines.append("| " + " | ".join("---:" if n else "---" for n in numeric) + " |")
    for row in _cell_strings(df, float_format):
        lines.append("| " + " | ".join(_md_escape(c) for c in row) + " |")
    return _atomic_bytes(path, ("\n".join(lines) + "\n").encode("utf-8"))


_LATEX_SPECIAL = re.compile(r"([\\~^]) |[&%$#_{}\\~^]")
_LATEX_TEXT = {"\\": "\\textbackslash ", "~": "\\textasciitilde ", "^": "\\textasciicircum "}


def _latex_escape(text: str) -> str:
    """LaTeX-safe text, character for character as pandas' ``Styler`` escapes it.

    Written here because ``Styler.to_latex`` (jinja2 templates) took 0.6 s of CPU
    for the seven tables of ``gmindex build`` (ten times the CSV writer); the
    tests compare both on awkward strings.
    """
    def swap(match: re.Match) -> str:
        if match.group(1):  # \, ~ and ^ gobble the following space: keep it with \space
            return _LATEX_TEXT[match.group(1)] + "\\space "
        char = match.group(0)
        return _LATEX_TEXT.get(char) or "\\" + char

    return _LATEX_SPECIAL.sub(swap, text)


def _write_tex(df: pd.DataFrame, path: Path, float_format: str | None,
               provenance: Mapping | None) -> Path:
    align = "".join("r" if _is_number_column(df.iloc[:, j]) else "l" for j in range(df.shape[1]))
    lines = [f"\\begin{{tabular}}{{{align}}}", "\\toprule",
             " & ".join(_latex_escape(str(c)) for c in df.columns) + " \\\\", "\\midrule"]
    lines += [" & ".join(_latex_escape(c) for c in row) + " \\\\"
              for row in _cell_strings(df, float_format)]
    lines += ["\\bottomrule", "\\end{tabular}"]
    head = ""
    if provenance:
        stamp = _short_stamp(provenance)
        head = f"% {stamp}\n" if stamp else ""
    return _atomic_bytes(path, (head + "\n".join(lines) + "\n").encode("utf-8"))


def _short_stamp(provenance: Mapping | None) -> str:
    """One line of provenance, e.g. 'gmindex 0.1.0; input sha256 1a2b3c4d'."""
    if not provenance:
        return ""
    parts = []
    for key in sorted(provenance):
        value = provenance[key]
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text = str(value)
            parts.append(f"{key} {text[:12] if len(text) > 40 else text}")
    return "; ".join(parts)


def _xlsx_bytes(df: pd.DataFrame, provenance: Mapping | None) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append([str(c) for c in df.columns])
    for row in df.itertuples(index=False):
        sheet.append([_xlsx_value(v) for v in row])
    if provenance:
        prov = book.create_sheet("provenance")
        prov.append(["key", "value"])
        for key in sorted(provenance):
            value = provenance[key]
            prov.append([str(key), value if isinstance(value, (str, int, float))
                         and not isinstance(value, bool) else _json_text(value).strip()])
    stamp = fixed_timestamp()
    book.properties.created = stamp
    book.properties.modified = stamp
    book.properties.creator = "gmindex"
    buffer = io.BytesIO()
    book.save(buffer)
    return _normalise_zip(buffer.getvalue(), stamp)


def _xlsx_value(value):
    if _isna(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _normalise_zip(data: bytes, stamp: _dt.datetime) -> bytes:
    """Rewrite a zip with fixed entry times and fixed document timestamps."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl sets 'modified' to now on save.
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + iso.encode() + rb"\g<2>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return out.getvalue()


def stata_names(columns: Sequence[object]) -> list[str]:
    """Column names made valid for Stata: ASCII letters, digits, _; ≤ 32 chars; unique.

    Examples
    --------
    >>> stata_names(["score", "2019", "R&D intensity (%)", "能源", "in", "score"])
    ['score', '_2019', 'R_D_intensity', 'var4', 'in_', 'score_2']
    """
    out: list[str] = []
    for i, col in enumerate(columns):
        text = unicodedata.normalize("NFKD", str(col)).encode("ascii", "ignore").decode()
        text = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_")
        if not text:
            text = f"var{i + 1}"
        if text[0].isdigit():
            text = "_" + text
        if text in _STATA_RESERVED:
            text += "_"
        text = text[:32]
        base, k = text, 2
        while text in out:
            suffix = f"_{k}"
            text = base[: 32 - len(suffix)] + suffix
            k += 1
        out.append(text)
    return out


def _write_dta(df: pd.DataFrame, path: Path, provenance: Mapping | None) -> Path:
    import pyreadstat

    names = stata_names(df.columns)
    out = pd.DataFrame(index=range(len(df)))
    for j, name in enumerate(names):
        series = df.iloc[:, j].reset_index(drop=True)
        if pd.api.types.is_bool_dtype(series.dtype):
            out[name] = series.astype("int8")
        elif pd.api.types.is_integer_dtype(series.dtype):
            out[name] = series.astype("float64") if series.isna().any() else series.astype("int64")
        elif pd.api.types.is_float_dtype(series.dtype):
            out[name] = series.astype("float64")
        else:
            # pyreadstat writes object columns of Python str; missing becomes "".
            out[name] = pd.Series(
                ["" if _isna(v) else str(v) for v in series], dtype=object
            )
    labels = [str(c)[:80] for c in df.columns]
    file_label = (_short_stamp(provenance) or "gmindex")[:80]
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / "table.dta"
        pyreadstat.write_dta(out, scratch, file_label=file_label, column_labels=labels,
                             version=14)
        data = scratch.read_bytes()
    return _atomic_bytes(path, _fix_dta_timestamp(data))


def _fix_dta_timestamp(data: bytes) -> bytes:
    """Replace the save time in a Stata 117+ header with the fixed time."""
    stamp = fixed_timestamp().strftime("%d %b %Y %H:%M").encode("ascii")
    start = data.find(b"<timestamp>", 0, 2000)
    end = data.find(b"</timestamp>", start)
    if start < 0 or end < 0:
        return data
    return data[: start + len(b"<timestamp>")] + bytes([len(stamp)]) + stamp + data[end:]


def write_table(
    df: pd.DataFrame,
    stem: str | Path,
    *,
    formats: Sequence[str] = TABLE_FORMATS,
    provenance: Mapping | None = None,
    index: bool = False,
    float_format: str | None = "%.10g",
) -> list[Path]:
    """Write one table in several formats (atomically, byte-identical on rerun).

    Parameters
    ----------
    df : pandas.DataFrame
    stem : str or Path
        Output path without extension; ``out/table1`` gives ``out/table1.csv``
        etc.  Missing folders are created.
    formats : sequence of {"csv", "xlsx", "dta", "tex", "md"}
        ``csv``: UTF-8, ``\\n``.  ``xlsx``: sheet "data" (+ sheet "provenance").
        ``dta``: Stata 14+ file, names made valid by :func:`stata_names`, the
        original names as variable labels, the provenance stamp as file
        label.  ``tex``: booktabs tabular with LaTeX escaping.  ``md``: pipe
        table, numbers right-aligned.
    provenance : mapping, optional
        Written to ``<stem>.provenance.json`` (sorted keys), to the XLSX
        sheet "provenance", and as a short stamp in the Stata file label and
        a LaTeX comment.
    index : bool
        Write the index as leading column(s).
    float_format : str or None
        printf-style format of floats in CSV, TeX and Markdown (``"%.10g"``:
        10 significant digits, hiding round-off noise); None writes the
        shortest exact representation.  Stata stores full precision; XLSX
        keeps 16 significant digits (Excel itself shows 15).

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of ``formats``, then the sidecar.
    """
    unknown = [f for f in formats if f not in TABLE_FORMATS]
    if unknown:
        raise ValueError(f"unknown table format(s) {unknown}; choose from {TABLE_FORMATS}")
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"write_table needs a DataFrame, got {type(df).__name__}")
    table = df.reset_index() if index else df
    stem = Path(stem)
    paths: list[Path] = []
    for fmt in formats:
        path = stem.with_name(f"{stem.name}.{fmt}")
        if fmt == "csv":
            paths.append(_write_csv(table, path, float_format))
        elif fmt == "md":
            paths.append(_write_md(table, path, float_format))
        elif fmt == "tex":
            paths.append(_write_tex(table, path, float_format, provenance))
        elif fmt == "xlsx":
            paths.append(_atomic_bytes(path, _xlsx_bytes(table, provenance)))
        elif fmt == "dta":
            paths.append(_write_dta(table, path, provenance))
    if provenance is not None:
        paths.append(write_json(dict(provenance), stem.with_name(f"{stem.name}.provenance.json")))
    return paths


def to_wide(
    df: pd.DataFrame,
    *,
    layout: str = "years",
    labels: str = "code",
    registry=None,
) -> pd.DataFrame:
    """Reshape a long panel to a yearbook layout (the inverse of ``read_wide``).

    Parameters
    ----------
    df : pandas.DataFrame
        Long panel ``code, year, indicator, value``.
    layout : {"years", "indicators"}
        ``"years"``: one row per province, one column per year; needs a single
        indicator.  ``"indicators"``: one column per indicator; needs a single
        year.
    labels : {"code", "en", "zh"}
        First column: codes, English or Chinese names.
    registry : Registry, optional

    Returns
    -------
    pandas.DataFrame
        First column ``code`` (or ``province``), then the value columns;
        missing cells are NaN.

    Examples
    --------
    >>> long = pd.DataFrame({"code": ["11", "11", "12"], "year": [2019, 2020, 2019],
    ...                      "indicator": "gdp", "value": [1.0, 2.0, 3.0]})
    >>> to_wide(long, labels="zh")
      province  2019  2020
    0       北京   1.0   2.0
    1       天津   3.0   NaN
    """
    if layout not in ("years", "indicators"):
        raise ValueError(f"layout must be 'years' or 'indicators', got {layout!r}")
    if labels not in ("code", "en", "zh"):
        raise ValueError(f"labels must be 'code', 'en' or 'zh', got {labels!r}")
    key, single = ("year", "indicator") if layout == "years" else ("indicator", "year")
    if df[single].nunique() > 1:
        raise ValueError(
            f"layout={layout!r} holds one {single}; the panel has "
            f"{df[single].nunique()} - select one first"
        )
    wide = df.pivot(index="code", columns=key, values="value").sort_index()
    wide.columns = [str(c) for c in wide.columns]
    wide = wide.reset_index()
    if labels != "code":
        from gmindex.provinces import default_registry

        reg = registry or default_registry()
        wide["code"] = [reg.label(c, labels) for c in wide["code"]]
        wide = wide.rename(columns={"code": "province"})
    wide.columns.name = None
    return wide


# ---------------------------------------------------------------------------
# Figures


def save_figure(
    fig,
    stem: str | Path,
    *,
    formats: Sequence[str] = FIGURE_FORMATS,
    dpi: int = 300,
    **savefig_kwargs,
) -> list[Path]:
    """Save a Matplotlib figure in several formats, byte-identical on rerun.

    PNG without the Software entry, PDF without creation date, SVG without
    date and with a fixed hash salt; each file written atomically.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    stem : str or Path
        Output path without extension.
    formats : sequence of {"png", "pdf", "svg"}
    dpi : int
        Resolution of the PNG (and of rasterised parts elsewhere); the environment
        variable ``GMINDEX_DRAFT_DPI`` (:data:`DRAFT_DPI`), when set, replaces it.
    **savefig_kwargs
        Passed to ``Figure.savefig`` (e.g. ``bbox_inches="tight"``).

    Returns
    -------
    list of pathlib.Path
    """
    import matplotlib

    draft = os.environ.get(DRAFT_DPI, "").strip()
    if draft:
        if not draft.isdigit() or int(draft) == 0:
            raise ValueError(f"{DRAFT_DPI}={draft!r}: give a resolution in dots per inch "
                             "(e.g. 100), or unset it")
        dpi = int(draft)

    unknown = [f for f in formats if f not in FIGURE_FORMATS]
    if unknown:
        raise ValueError(f"unknown figure format(s) {unknown}; choose from {FIGURE_FORMATS}")
    metadata = {
        "png": {"Software": None},
        "pdf": {"CreationDate": None, "ModDate": None, "Producer": None,
                "Creator": "gmindex"},
        "svg": {"Date": None, "Creator": "gmindex"},
    }
    stem = Path(stem)
    paths = []
    engine = fig.get_layout_engine()
    # TrueType (Type 42) fonts in PDF and text kept as text in SVG, whoever calls this:
    # journal checks reject Type 3 fonts, and editors need to edit labels.
    with matplotlib.rc_context({"svg.hashsalt": "gmindex", "pdf.compression": 6,
                                "pdf.fonttype": 42, "ps.fonttype": 42,
                                "svg.fonttype": "none"}), fast_subsets():
        try:
            for fmt in formats:
                buffer = io.BytesIO()
                fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata[fmt],
                            **savefig_kwargs)
                paths.append(_atomic_bytes(stem.with_name(f"{stem.name}.{fmt}"),
                                           buffer.getvalue()))
                # One layout for every format: the first save placed everything, the other
                # formats keep those positions (same picture in each; the layout pass was a
                # fifth of the time of a save).
                if engine is not None and fig.get_layout_engine() is engine:
                    fig.set_layout_engine("none")
        finally:
            if engine is not None and fig.get_layout_engine() is not engine:
                fig.set_layout_engine(engine)
    return paths
