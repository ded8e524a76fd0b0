"""Publication tables: regression tables and descriptive statistics.

:func:`regression_table` lays out several :class:`gmindex.regress.RegressionResult`
side by side, one column per model, the way journals print them:
coefficients with significance stars, standard errors beneath, wild
bootstrap p-values beneath those, fixed-effects rows, N, R² and a notes
line.  :func:`summary_table` gives the "Table 1" descriptives (N, mean, SD,
min, max by variable).  Both return a :class:`Table` that renders to LaTeX
(booktabs), Markdown, CSV or a DataFrame.  Numbers are formatted once with a
fixed number of decimals, so every rendering shows the same digits.

Examples
--------
>>> import pandas as pd
>>> t = summary_table(pd.DataFrame({"gdp_pc": [1.0, 2.0, 3.0]}), labels={"gdp_pc": "GDP pc"})
>>> print(t.to_markdown(), end="")
| Variable | N | Mean | SD | Min | Max |
| :--- | ---: | ---: | ---: | ---: | ---: |
| GDP pc | 3 | 2.000 | 1.000 | 1.000 | 3.000 |
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "Table",
    "format_number",
    "latex_escape",
    "regression_table",
    "star_marks",
    "summary_table",
]

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"$<$",
    ">": r"$>$",
    "²": r"$^2$",
}
_LATEX_RE = re.compile("|".join(re.escape(k) for k in _LATEX_SPECIAL))
# A formatted number, optionally wrapped in () [] {} and followed by stars.
_NUMBER_RE = re.compile(r"^([(\[{]?)(-?)(\d[\d,]*(?:\.\d+)?)([)\]}]?)(\**)$")


def latex_escape(text: str) -> str:
    r"""Escape LaTeX special characters in plain text.

    Examples
    --------
    >>> print(latex_escape("R&D share, % of GDP (rd_intensity) p<0.1 R²"))
    R\&D share, \% of GDP (rd\_intensity) p$<$0.1 R$^2$
    """
    return _LATEX_RE.sub(lambda m: _LATEX_SPECIAL[m.group(0)], str(text))


def format_number(value: float, digits: int = 3) -> str:
    """Fixed-decimal text of a number; NaN gives "".

    A small negative value keeps its sign (``-0.000``, as Stata's esttab
    prints it); only round-off noise (below 1e-12 in absolute value) prints
    as ``0.000``.

    Examples
    --------
    >>> format_number(-0.0004), format_number(-1e-17), format_number(1.23456, 2)
    ('-0.000', '0.000', '1.23')
    >>> format_number(float("nan"))
    ''
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    value = float(value)
    if abs(value) < 1e-12:
        value = 0.0
    return f"{value:.{int(digits)}f}"


def star_marks(p: float, stars: Sequence[float] = (0.1, 0.05, 0.01)) -> str:
    """One star per threshold that ``p`` is strictly below.

    Examples
    --------
    >>> [star_marks(p) for p in (0.2, 0.1, 0.099, 0.05, 0.049, 0.01, 0.0099)]
    ['', '', '*', '*', '**', '**', '***']
    """
    if p is None or not math.isfinite(float(p)):
        return ""
    return "*" * sum(float(p) < t for t in stars)


@dataclass(frozen=True)
class Table:
    """A formatted table: every cell is already text.

    Attributes
    ----------
    header : tuple of tuple of str
        Header rows; the first one names the columns.
    body : tuple of tuple of str
        Main block (coefficients, or one row per variable).
    footer : tuple of tuple of str
        Statistics block after a rule (fixed effects, N, R², ...); may be empty.
    notes : tuple of str
        Lines printed under the table.
    align : str
        LaTeX column alignment, e.g. ``"lcc"``.
    """

    header: tuple[tuple[str, ...], ...]
    body: tuple[tuple[str, ...], ...]
    footer: tuple[tuple[str, ...], ...] = ()
    notes: tuple[str, ...] = ()
    align: str = ""

    @property
    def n_columns(self) -> int:
        return len(self.header[0])

    def to_frame(self) -> pd.DataFrame:
        """All rows as text, columns named by the first header row.

        An empty stub header becomes ``"variable"``: CSV, Excel and Stata
        need a column name.
        """
        rows = [*self.header[1:], *self.body, *self.footer]
        columns = list(self.header[0])
        columns[0] = columns[0] or "variable"
        return pd.DataFrame(rows, columns=columns, dtype=str)

    def to_latex(self, *, table_env: bool = False, caption: str | None = None,
                 label: str | None = None) -> str:
        r"""Booktabs ``tabular`` (``\usepackage{booktabs}``), notes under the rule.

        ``table_env=True`` wraps it in a centred ``table`` float with the
        optional caption and label.
        """
        align = self.align or "l" + "c" * (self.n_columns - 1)
        lines = [f"\\begin{{tabular}}{{{align}}}", r"\toprule"]
        lines += [_latex_row(r) for r in self.header]
        lines.append(r"\midrule")
        lines += [_latex_row(r) for r in self.body]
        if self.footer:
            lines.append(r"\midrule")
            lines += [_latex_row(r) for r in self.footer]
        lines.append(r"\bottomrule")
        lines += [
            f"\\multicolumn{{{self.n_columns}}}{{l}}{{\\footnotesize {latex_escape(n)}}} \\\\"
            for n in self.notes
        ]
        lines.append(r"\end{tabular}")
        if table_env:
            head = [r"\begin{table}[htbp]", r"\centering"]
            if caption:
                head.append(f"\\caption{{{latex_escape(caption)}}}")
            if label:
                head.append(f"\\label{{{label}}}")
            lines = head + lines + [r"\end{table}"]
        return "\n".join(lines) + "\n"

    def to_markdown(self) -> str:
        """Pipe table (first column left, numbers right); notes as lines below."""
        align = self.align or "l" + "c" * (self.n_columns - 1)
        marks = {"l": ":---", "c": ":---:", "r": "---:"}
        lines = ["| " + " | ".join(_md_cell(c) for c in self.header[0]) + " |"]
        lines.append("| " + " | ".join(marks.get(a, "---") for a in align) + " |")
        for row in (*self.header[1:], *self.body, *self.footer):
            lines.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
        if self.notes:
            lines.append("")
            lines += [_md_text(n) for n in self.notes]
        return "\n".join(lines) + "\n"

    def write(self, stem: str | Path, *, formats: Sequence[str] = ("tex", "md", "csv")) -> list[Path]:
        """Write the table as ``<stem>.tex``, ``.md`` and/or ``.csv``, each atomically."""
        from gmindex.io.writers import write_text

        stem = Path(stem)
        paths = []
        for fmt in formats:
            if fmt == "tex":
                paths.append(write_text(self.to_latex(), stem.with_suffix(".tex")))
            elif fmt == "md":
                paths.append(write_text(self.to_markdown(), stem.with_suffix(".md")))
            elif fmt == "csv":
                paths.append(self.to_csv(stem.with_suffix(".csv")))
            else:
                raise ValueError(f"unknown table format {fmt!r}; use tex, md or csv")
        return paths

    def to_csv(self, path: str | Path) -> Path:
        """Write :meth:`to_frame` as UTF-8 CSV (atomically); returns the path."""
        from gmindex.io.writers import write_table

        path = Path(path)
        if path.suffix.lower() != ".csv":
            raise ValueError(f"to_csv needs a path ending in .csv, got {path}")
        return write_table(self.to_frame(), path.with_suffix(""), formats=("csv",))[0]

    def __str__(self) -> str:
        return self.to_markdown()


def _latex_cell(cell: str) -> str:
    match = _NUMBER_RE.match(cell)
    if not match:
        return latex_escape(cell)
    left, minus, digits, right, stars = match.groups()
    text = left.replace("{", r"\{") + ("$-$" if minus else "") + digits
    text += right.replace("}", r"\}")
    return text + (f"$^{{{stars}}}$" if stars else "")


def _latex_row(row: Sequence[str]) -> str:
    return " & ".join(_latex_cell(c) for c in row) + r" \\"


def _md_text(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")


def _md_cell(text: str) -> str:
    return _md_text(text).replace("|", "\\|").replace("\n", " ")


# --------------------------------------------------------------------------
# Regression table
# --------------------------------------------------------------------------

_SE_WRAP = {"parentheses": ("(", ")"), "brackets": ("[", "]")}
_WILD_MODES = ("below", "rows", "none")
_WILD_KEY = "wild_bootstrap"


def regression_table(
    results: Sequence[Any],
    *,
    stars: Sequence[float] = (0.1, 0.05, 0.01),
    se_in: str = "parentheses",
    labels: Mapping[str, str] | None = None,
    fe_rows: bool = True,
    extra_rows: Mapping[str, Sequence[str]] | None = None,
    titles: Sequence[str] | None = None,
    digits: int = 3,
    wild_p: str = "below",
    star_p: str = "cluster",
    drop: Sequence[str] = (),
) -> Table:
    """Side-by-side regression table, one column per model.

    Parameters
    ----------
    results : sequence of RegressionResult
    stars : sequence of float
        Significance thresholds; a coefficient gets one star per threshold
        its p-value is strictly below (default * 0.1, ** 0.05, *** 0.01).
    se_in : {"parentheses", "brackets"}
        How standard errors are wrapped.
    labels : mapping, optional
        Term -> display label, on top of :func:`gmindex.regress.term_labels`.
    fe_rows : bool
        Add "Province FE" / "Year FE" rows with Yes/No.
    extra_rows : mapping, optional
        Label -> one text per model, added after the fixed-effects rows.
    titles : sequence of str, optional
        Second header row (e.g. the dependent variable or model name).
    digits : int
        Decimals of coefficients, standard errors, p-values and R².
    wild_p : {"below", "rows", "none"}
        Wild bootstrap p-values (when a result has them): beneath the
        standard error in square brackets (braces if ``se_in="brackets"``),
        as rows in the statistics block, or not shown.
    star_p : {"cluster", "wild"}
        p-values the stars follow: the cluster-robust t test (default) or the
        wild cluster bootstrap (terms without a bootstrap p-value get none).
    drop : sequence of str
        Terms not to show (e.g. ``("const",)``).

    Returns
    -------
    Table

    Examples
    --------
    >>> from gmindex.regress import RegressionResult
    >>> coefs = pd.DataFrame({"term": ["west"], "coef": [-0.1234], "se": [0.0456],
    ...     "t": [-2.7], "p": [0.011], "ci_low": [-0.2], "ci_high": [-0.03]})
    >>> res = RegressionResult(model="gradient_ols", dependent="score",
    ...     coefficients=coefs, nobs=150, r2=0.41, fixed_effects=("year",),
    ...     cluster="province", n_clusters=30)
    >>> print(regression_table([res]).to_markdown(), end="")
    |  | (1) |
    | :--- | :---: |
    | West | -0.123\\*\\* |
    |  | (0.046) |
    | Province FE | No |
    | Year FE | Yes |
    | Observations | 150 |
    | R² | 0.410 |
    | Clusters | 30 |
    <BLANKLINE>
    Standard errors clustered by province in parentheses. \\* p<0.1, \\*\\* p<0.05, \\*\\*\\* p<0.01.
    """
    from gmindex.regress import term_labels

    results = list(results)
    if not results:
        raise ValueError("regression_table needs at least one result")
    if se_in not in _SE_WRAP:
        raise ValueError(f"se_in must be one of {tuple(_SE_WRAP)}, got {se_in!r}")
    if wild_p not in _WILD_MODES:
        raise ValueError(f"wild_p must be one of {_WILD_MODES}, got {wild_p!r}")
    if star_p not in ("cluster", "wild"):
        raise ValueError(f"star_p must be 'cluster' or 'wild', got {star_p!r}")
    thresholds = sorted((float(s) for s in stars), reverse=True)
    if any(not 0 < s < 1 for s in thresholds) or len(set(thresholds)) != len(thresholds):
        raise ValueError(f"stars must be distinct thresholds in (0, 1), got {stars}")
    if titles is not None and len(titles) != len(results):
        raise ValueError(f"titles has {len(titles)} entries for {len(results)} models")
    names = {**term_labels(), **dict(labels or {})}
    k = len(results)
    open_se, close_se = _SE_WRAP[se_in]
    open_w, close_w = ("[", "]") if se_in == "parentheses" else ("{", "}")

    terms: list[str] = []
    for res in results:
        terms += [t for t in res.coefficients["term"] if t not in terms and t not in drop]
    if "const" in terms:  # constant last, as journals print it
        terms = [t for t in terms if t != "const"] + ["const"]
    wild = [dict(res.extra_pvalues.get(_WILD_KEY, {})) for res in results]
    any_wild = any(wild) and wild_p != "none"

    body: list[tuple[str, ...]] = []
    for term in terms:
        coef_row, se_row, wild_row = [names.get(term, term)], [""], [""]
        for res, boot in zip(results, wild):
            table = res.coefficients.set_index("term")
            if term not in table.index:
                coef_row.append("")
                se_row.append("")
                wild_row.append("")
                continue
            row = table.loc[term]
            p_star = row["p"] if star_p == "cluster" else boot.get(term, float("nan"))
            coef_row.append(format_number(row["coef"], digits) + star_marks(p_star, thresholds))
            se_row.append(f"{open_se}{format_number(row['se'], digits)}{close_se}")
            wild_row.append(
                f"{open_w}{format_number(boot[term], digits)}{close_w}" if term in boot else ""
            )
        body += [tuple(coef_row), tuple(se_row)]
        if any_wild and wild_p == "below" and any(wild_row[1:]):
            body.append(tuple(wild_row))

    footer: list[tuple[str, ...]] = []
    if fe_rows:
        fes = []
        for res in results:
            fes += [f for f in res.fixed_effects if f not in fes]
        for fe in sorted(fes, key=lambda f: (f != "province", f != "year", f)):
            footer.append(
                (f"{fe.capitalize()} FE",)
                + tuple("Yes" if fe in res.fixed_effects else "No" for res in results)
            )
        if "province" not in fes:
            footer.insert(0, ("Province FE",) + ("No",) * k)
    for label, values in (extra_rows or {}).items():
        values = [str(v) for v in values]
        if len(values) != k:
            raise ValueError(f"extra row {label!r} has {len(values)} values for {k} models")
        footer.append((str(label), *values))
    if any_wild and wild_p == "rows":
        for term in terms:
            if any(term in b for b in wild):
                footer.append(
                    (f"Wild bootstrap p: {names.get(term, term)}",)
                    + tuple(format_number(b[term], digits) if term in b else "" for b in wild)
                )
    footer.append(("Observations",) + tuple(str(int(r.nobs)) for r in results))
    footer.append(("R²",) + tuple(format_number(r.r2, digits) for r in results))
    if any(r.r2_within is not None for r in results):
        footer.append(
            ("Within R²",)
            + tuple(format_number(r.r2_within, digits) if r.r2_within is not None else ""
                    for r in results)
        )
    footer.append(("Clusters",) + tuple(str(int(r.n_clusters)) for r in results))

    header = [("",) + tuple(f"({i})" for i in range(1, k + 1))]
    if titles is not None:
        header.append(("",) + tuple(str(t) for t in titles))
    return Table(
        header=tuple(header),
        body=tuple(body),
        footer=tuple(footer),
        notes=tuple(_regression_notes(results, se_in, thresholds, any_wild, wild_p,
                                      (open_w, close_w), star_p)),
        align="l" + "c" * k,
    )


def _regression_notes(results, se_in, thresholds, any_wild, wild_p, wrap, star_p) -> list[str]:
    clusters = sorted({r.cluster for r in results})
    by = " and ".join(clusters)
    star_text = ", ".join(
        f"{'*' * (i + 1)} p<{_threshold_text(t)}" for i, t in enumerate(thresholds)
    )
    first = f"Standard errors clustered by {by} in {se_in}. {star_text}."
    if star_p == "wild":
        first = first[:-1] + " (wild cluster bootstrap p-values)."
    notes = [first]
    if any_wild:
        settings = {
            (r.params.get("weights_type"), r.params.get("reps"))
            for r in results
            if r.extra_pvalues.get(_WILD_KEY)
        }
        where = (
            f"in {'square brackets' if wrap[0] == '[' else 'braces'}"
            if wild_p == "below"
            else "in the rows so labelled"
        )
        text = f"Wild cluster bootstrap p-values {where}"
        if len(settings) == 1:
            weights, reps = next(iter(settings))
            if weights and reps:
                text += f" ({str(weights).capitalize()} weights, {int(reps)} replications)"
        notes.append(text + ".")
    return notes


def _threshold_text(t: float) -> str:
    return np.format_float_positional(t, trim="-")


# --------------------------------------------------------------------------
# Descriptive statistics
# --------------------------------------------------------------------------


def summary_table(
    df: pd.DataFrame,
    *,
    variables: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    digits: int | Mapping[str, int] = 3,
    notes: Sequence[str] = (),
) -> Table:
    """Descriptive statistics (N, mean, SD, min, max), one row per variable.

    Parameters
    ----------
    df : pandas.DataFrame
        Wide (one numeric column per variable; ``code`` and ``year`` are
        ignored) or long with ``indicator`` and ``value`` columns (one
        variable per indicator).
    variables : sequence of str, optional
        Variables to show, in this order (default: all, in column order or
        order of first appearance).
    labels : mapping, optional
        Variable -> display label.
    digits : int or mapping
        Decimals of mean, SD, min and max; a mapping gives them per variable
        (default 3).
    notes : sequence of str
        Lines under the table (e.g. units, years covered).

    Returns
    -------
    Table

    Notes
    -----
    N counts non-missing values; SD is the sample standard deviation
    (n − 1 denominator, as Stata's ``summarize``).
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"summary_table needs a DataFrame, got {type(df).__name__}")
    if {"indicator", "value"} <= set(df.columns):
        ids = [str(v) for v in df["indicator"]]
        columns = {
            name: pd.to_numeric(df.loc[df["indicator"].astype(str) == name, "value"])
            for name in dict.fromkeys(ids)
        }
    else:
        columns = {
            str(c): df[c]
            for c in df.columns
            if c not in ("code", "year") and pd.api.types.is_numeric_dtype(df[c])
            and not pd.api.types.is_bool_dtype(df[c])
        }
    if variables is not None:
        unknown = [v for v in variables if v not in columns]
        if unknown:
            raise ValueError(f"variables not found (or not numeric): {unknown}; "
                             f"available: {list(columns)}")
        columns = {v: columns[v] for v in variables}
    if not columns:
        raise ValueError("no numeric variables to summarise")
    labels = dict(labels or {})
    body = []
    for name, values in columns.items():
        d = digits.get(name, 3) if isinstance(digits, Mapping) else digits
        x = pd.to_numeric(values, errors="raise").astype(float).dropna()
        stats = (
            (x.mean(), x.std(ddof=1), x.min(), x.max()) if len(x) else (np.nan,) * 4
        )
        body.append(
            (labels.get(name, name), str(len(x)))
            + tuple(format_number(v, d) for v in stats)
        )
    return Table(
        header=(("Variable", "N", "Mean", "SD", "Min", "Max"),),
        body=tuple(body),
        notes=tuple(str(n) for n in notes),
        align="lrrrrr",
    )
