"""Command-line interface: thin wrappers around the public functions.

``gmindex build``     data + spec -> index tables in a results folder
``gmindex validate``  check data files and list every problem
``gmindex convert``   yearbook table (provinces x years or x series) -> long CSV
``gmindex info``      coverage table: indicators x years x provinces
``gmindex analyse``   regional means, gradient, Dagum, Theil, convergence, Moran, regressions
``gmindex map``       the standard map set (PNG, PDF, SVG)
``gmindex robustness`` Monte Carlo over method choices, rank intervals, sensitivity
``gmindex notebooks`` execute the notebook suite with papermill
``gmindex manifest``  sizes and SHA-256 of every output file, with the folder's provenance

Three rules hold for every command:

* one way in: data files, spec, registry and conflict rule are read by
  :func:`gmindex.datasets.read_inputs` (as in the notebooks and the API), and
  the method options (:data:`METHOD_OPTIONS`) are declared once and shared by
  ``build``, ``analyse``, ``map``, ``robustness`` and ``notebooks``; left
  unset, the spec's ``[index]`` table decides;
* one way out: a user error (data, spec, option, output path) is one red line,
  what to do, and exit code 1 (data and spec) or 2 (options and output paths),
  never a traceback (:func:`_fail`);
* outputs never damage anything: a command writes only under its output
  folder(s), into a temporary sibling swapped in when complete
  (:func:`gmindex.io.outputs.staged_folders`), and never over an input file;
  files the same command wrote last time and no longer writes are removed,
  other commands' and the user's files stay.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, List, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gmindex.replications import REPLICATIONS, SEED

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Green manufacturing index for China's provinces: build, check, analyse, map.",
)
console = Console()


class OptionError(ValueError):
    """A command-line option that cannot be used as given (exit code 2)."""


def _version(value: bool) -> None:
    if value:
        import gmindex

        console.print(f"gmindex {gmindex.__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Green manufacturing index for China's provinces: build, check, analyse, map."""
    from gmindex.errors import use_interface

    # Messages name command-line options (--header-rows 2), not Python arguments.
    ctx.with_resource(use_interface("cli"))


# --------------------------------------------------------------------------- errors

_HINTS = {  # exception class name -> what to do
    "DataError": "run `gmindex validate FILE` to list every problem with its row and column",
    "SpecError": "fix the spec TOML named above (data/spec.toml is a worked example)",
    "MissingDataError": "choose a missing-data rule with --missing (drop_unit, drop_indicator, impute)",
    "FileNotFoundError": "check the path (relative paths start from the current folder)",
    "PapermillExecutionError": "open the executed notebook named above to see the failing cell",
    "UnknownUnitError": "check the codes or names against the registry (gmindex info lists them)",
}


def _fail(exc: BaseException) -> None:
    """The single exit for user errors: a red line, what to do, exit code 1 or 2."""
    from gmindex.io.outputs import OutputError

    code = 2 if isinstance(exc, (OptionError, OutputError)) else 1
    text = (str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)).strip()
    first, *rest = (text or type(exc).__name__).splitlines()
    console.print(f"[bold red]error:[/bold red] {escape(first)}", highlight=False)
    for line in rest:  # data errors list every problem, one per line
        console.print(f"  {escape(line)}", highlight=False)
    hint = next((h for cls, h in _HINTS.items()
                 if any(c.__name__ == cls for c in type(exc).__mro__)), None)
    if hint:
        console.print(f"[yellow]what to do:[/yellow] {escape(hint)}", highlight=False)
    raise typer.Exit(code=code)


def _is_user_error(exc: BaseException) -> bool:
    from gmindex.provinces import UnknownUnitError

    if type(exc).__name__ == "PapermillExecutionError":
        return True
    # ValueError covers DataError, SpecError, MissingDataError, OutputError and option checks;
    # OSError covers missing, unreadable and unwritable paths.
    return isinstance(exc, (ValueError, OSError, UnknownUnitError))


def command(name: Optional[str] = None, *, methods: bool = False):
    """Register a command whose user errors go through :func:`_fail`.

    With ``methods=True`` the options of :data:`METHOD_OPTIONS` are added to
    the command's signature and handed to it as one ``methods`` dict (the
    keyword arguments of :func:`gmindex.index.build_index`, unset ones left out).
    """

    def register(func):
        sig = inspect.signature(func)
        params = [p for p in sig.parameters.values() if p.name != "methods"]
        if methods:
            params += [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=o, annotation=t)
                       for n, (t, o) in METHOD_OPTIONS.items()]

        @functools.wraps(func)
        def run(**kwargs):
            try:
                if methods:
                    given = {n: kwargs.pop(n) for n in METHOD_OPTIONS}
                    kwargs["methods"] = _method_kwargs(given)
                return func(**kwargs)
            except typer.Exit:
                raise
            except Exception as exc:
                # GMINDEX_TRACEBACK=1 shows the full traceback (for bug reports).
                if _is_user_error(exc) and not os.environ.get("GMINDEX_TRACEBACK"):
                    _fail(exc)
                raise

        run.__signature__ = sig.replace(parameters=params)
        return app.command(name=name)(run)

    return register


# --------------------------------------------------------------------------- shared options

SpecOpt = typer.Option(None, "--spec", "-s", help="Indicator spec TOML (default: embedded data/spec.toml).")
RegistryOpt = typer.Option(None, "--registry", help="Unit registry CSV for non-province data (code, name, regions).")
OutOpt = typer.Option(Path("results"), "--out", "-o", help="Folder for tables (created; must not be a file).")
DataListOpt = typer.Option(
    None, "--data", "-d",
    help="Long panel CSV/XLSX (default: embedded data/panel.csv). Give --data several times to "
    "combine files (e.g. earlier years and a new year).")
OnConflictOpt = typer.Option(
    "error", "--on-conflict",
    help="When two --data files give different values for one cell: error (default), first or "
    "last (in the order of the --data options); every choice is recorded in the provenance.")

#: Method options shared by build, analyse, map, robustness and notebooks:
#: name -> (type, typer option).  Default None everywhere: the spec's ``[index]`` decides.
METHOD_OPTIONS: dict[str, tuple[Any, Any]] = {
    "normalization": (Optional[str], typer.Option(None, help="pooled | per_year | fixed")),
    "weighting": (Optional[str], typer.Option(
        None, help="entropy | entropy_per_year | equal | critic | user (with --weights)")),
    "weights": (Optional[Path], typer.Option(
        None, "--weights", help="Indicator weights: CSV with columns indicator,weight, or TOML "
        "with indicator = weight lines (implies --weighting user).")),
    "hierarchy": (Optional[str], typer.Option(None, help="flat | pillar")),
    "pillar_weighting": (Optional[str], typer.Option(
        None, help="With --hierarchy pillar: how pillars are weighted (e.g. equal | entropy).")),
    "pillar_floor": (Optional[float], typer.Option(
        None, help="With --hierarchy pillar: smallest weight a pillar may get (e.g. 0.1).")),
    "aggregation": (Optional[str], typer.Option(None, help="sum | topsis")),
    "shift": (Optional[float], typer.Option(None, help="Shift added before entropy shares (e.g. 0.0001).")),
    "max_weight": (Optional[float], typer.Option(
        None, help="Cap on any indicator's weight share (e.g. 0.25).")),
    "reference_years": (Optional[str], typer.Option(
        None, help="With --normalization fixed: years whose bounds and entropy weights are kept "
                   "(e.g. 2016,2017,2018,2019,2020), so appended years leave earlier scores unchanged.")),
    "goalposts": (Optional[Path], typer.Option(
        None, help="With --normalization fixed: a goalposts table (indicator, lower, upper), "
                   "e.g. index_goalposts.csv of an earlier build.")),
    "missing": (Optional[str], typer.Option(
        None, help="drop_unit | drop_indicator | fail | impute (default: the spec's)")),
    "impute": (Optional[str], typer.Option(None, help="linear | unit_mean | year_mean (with --missing impute)")),
}


def read_weights_file(path: Path) -> dict[str, float]:
    """Indicator weights from a CSV (``indicator,weight``) or TOML (``indicator = weight``) file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "w.csv"
    >>> _ = f.write_text("indicator,weight\\na,0.25\\nb,0.75\\n")
    >>> read_weights_file(f)
    {'a': 0.25, 'b': 0.75}
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"--weights {path}: no such file")
    if path.suffix.lower() == ".toml":
        import tomllib

        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise OptionError(f"--weights {path}: not valid TOML ({exc})") from exc
        raw = raw.get("weights", raw)  # a [weights] table or top-level lines
        pairs = list(raw.items())
        where = lambda i: f"key {pairs[i][0]!r}"  # noqa: E731
    else:
        table = pd.read_csv(path, dtype={"indicator": str})
        if list(table.columns[:2]) != ["indicator", "weight"]:
            raise OptionError(f"--weights {path}: the columns must be indicator,weight; "
                              f"found {list(table.columns)}")
        pairs = list(zip(table["indicator"], table["weight"]))
        where = lambda i: f"row {i + 2}"  # noqa: E731
    out: dict[str, float] = {}
    for i, (ind, w) in enumerate(pairs):
        try:
            value = float(w)
        except (TypeError, ValueError):
            raise OptionError(f"--weights {path}, {where(i)}: weight {w!r} of {ind!r} "
                              "is not a number") from None
        if not value >= 0:
            raise OptionError(f"--weights {path}, {where(i)}: weight of {ind!r} must be a "
                              f"non-negative number, got {w!r}")
        if ind in out:
            raise OptionError(f"--weights {path}, {where(i)}: indicator {ind!r} given twice")
        out[str(ind)] = value
    if not out:
        raise OptionError(f"--weights {path}: no weights in the file")
    total = sum(out.values())
    if abs(total - 1.0) > 1e-6:  # never rescale silently: a typo in one weight would vanish
        raise OptionError(f"--weights {path}: the weights sum to {total:.6g}, not 1; nothing is "
                          "rescaled silently: correct them or divide each by their sum")
    return out


def _method_kwargs(given: dict[str, Any]) -> dict[str, Any]:
    """Command-line method options -> build_index keyword arguments (unset ones left out)."""
    import pandas as pd

    out = {k: v for k, v in given.items() if v is not None}
    if "reference_years" in out:
        try:
            out["reference_years"] = [int(y) for y in str(out["reference_years"]).split(",")]
        except ValueError:
            raise OptionError(f"--reference-years {given['reference_years']!r}: give years "
                              "separated by commas, e.g. 2016,2017,2018") from None
    if "goalposts" in out:
        if not Path(out["goalposts"]).is_file():
            raise FileNotFoundError(f"--goalposts {out['goalposts']}: no such file")
        out["goalposts"] = pd.read_csv(out["goalposts"])
    if "weights" in out:
        out["weights"] = read_weights_file(out["weights"])
        if out.setdefault("weighting", "user") != "user":
            raise OptionError(f"--weights needs --weighting user, not {out['weighting']!r}")
        # A weights file gives the final weight of each indicator: flat unless --hierarchy says
        # otherwise (with --hierarchy pillar they are rescaled within each pillar).
        out.setdefault("hierarchy", "flat")
    return out


def _formats(text: str, allowed) -> tuple[str, ...]:
    from gmindex.io.writers import parse_formats

    try:
        return parse_formats(text, allowed)
    except ValueError as exc:
        raise OptionError(f"--formats {text!r}: unknown format(s) {exc.args[0]}; use some of "
                          f"{', '.join(allowed)}") from None


@contextmanager
def _step(text: str):
    """Spinner with elapsed time for steps that may take more than a second."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        progress.add_task(text, total=None)
        yield
    console.print(f"[green]done[/green] {text}")


def _build(data, spec, registry, on_conflict="error", methods=None):
    from gmindex.datasets import read_inputs
    from gmindex.index import build_index

    panel, spec_obj, reg = read_inputs(data, spec, registry, on_conflict=on_conflict)
    return build_index(panel, spec_obj, registry=reg, **(methods or {}))


def _inputs(data, spec, registry, *extra) -> list[Path]:
    return [Path(p) for p in [*(data or []), spec, registry, *extra] if p]


# --------------------------------------------------------------------------- commands


@command(methods=True)
def build(
    data: Optional[List[Path]] = DataListOpt,
    spec: Optional[Path] = SpecOpt,
    registry: Optional[Path] = RegistryOpt,
    out: Path = OutOpt,
    on_conflict: str = OnConflictOpt,
    formats: str = typer.Option("csv,xlsx,dta", help="Table formats, comma-separated: csv,xlsx,dta,tex,md"),
    accept: Optional[List[str]] = typer.Option(
        None, "--accept", help="Keep a value flagged as implausible, knowingly: CODE,YEAR,SERIES "
        "(e.g. 15,2019,energy_consumption_10k_tce) as in the message; repeatable; recorded in "
        "the provenance."),
    methods: dict = None,
) -> None:
    """Build the index and write scores, pillar scores, weights and provenance."""
    from gmindex.io.outputs import check_output_folder, staged_folders
    from gmindex.io.writers import TABLE_FORMATS

    fmts = _formats(formats, TABLE_FORMATS)
    check_output_folder(out)  # before the work, not after it
    with _step("building the index"):
        res = _build(data, spec, registry, on_conflict,
                     {**methods, **({"accept": accept} if accept else {})})
    with staged_folders({"--out": out}, inputs=_inputs(data, spec, registry),
                        command="build") as where:
        with _step(f"writing tables to {out}/"):
            paths = res.export(where["--out"], formats=fmts)
    _print_summary(res)
    console.print(f"{len(paths)} files written to [bold]{escape(str(out))}/[/bold]")


def _weights_frame(res):
    """Effective weight of every indicator and pillar, or the flat weights table."""
    try:
        return res.effective_weights, True
    except (AttributeError, ValueError):  # per-year weights, or an index without pillars
        w = res.weights
        if "year" in w.columns:
            w = w.groupby(["indicator", "pillar", "direction"], sort=False,
                          as_index=False)[["entropy", "weight"]].mean()
        return w, False


def _print_summary(res) -> None:
    prov = res.provenance
    console.print(repr(res))
    for line in res.panel.attrs.get("read_summary", ()):
        console.print(line, markup=False, highlight=False)
    c = prov["cells"]
    console.print(f"cells for the spec: {c['read_for_spec']} = {c['used']} used + "
                  f"{c['dropped_with_unit']} dropped with their unit + "
                  f"{c['dropped_with_indicator']} dropped with their indicator "
                  f"({c['outside_spec']} rows outside the spec's series and years)",
                  highlight=False)
    cells = res.missing.missing
    for code, why in prov["units_dropped"].items():
        lacking = sorted(cells.loc[cells["code"] == code, "indicator"].unique())
        why = f"no value for {', '.join(lacking)}" if lacking else why
        console.print(f"[yellow]unit {code} ({res.registry.label(code)}) dropped[/yellow] "
                      f"by rule {res.missing.rule}: {escape(str(why))}")
    for note in res.panel.attrs.get("check_notes", ()):
        console.print(f"note: {note}", markup=False, highlight=False)
    dropped = prov["indicators_dropped"]
    if dropped:
        console.print(f"[yellow]{len(dropped)} of {len(res.spec.indicators)} indicators dropped"
                      f"[/yellow] by rule {res.missing.rule}: {', '.join(dropped)}")
    for ind, why in prov["indicators_dropped"].items():
        console.print(f"[yellow]indicator {ind} dropped[/yellow]: {escape(str(why))}")
    w, effective = _weights_frame(res)
    if effective:
        table = Table(title="Effective weights (pillar weight x weight within pillar)")
        cols = ("pillar", "indicator", "weight_within_pillar", "pillar_weight", "effective_weight")
        for col, title in zip(cols, ("pillar", "indicator", "within pillar", "pillar weight",
                                     "effective")):
            table.add_column(title, justify="left" if col in ("pillar", "indicator") else "right")
        for row in w.itertuples():
            total = row.indicator == "(pillar total)"
            cells_ = [str(row.pillar), str(row.indicator)] + [
                f"{getattr(row, col):.4f}" for col in cols[2:]]
            table.add_row(*[f"[bold]{escape(x)}[/bold]" if total else escape(x) for x in cells_])
    else:
        table = Table(title="Weights", show_lines=False)
        for col in ("indicator", "pillar", "direction", "entropy", "weight"):
            table.add_column(col, justify="right" if col in ("entropy", "weight") else "left")
        for row in w.itertuples():
            flag = " [red]![/red]" if getattr(row, "flagged", False) else ""
            table.add_row(row.indicator, row.pillar, row.direction,
                          f"{row.entropy:.4f}" if row.entropy == row.entropy else "-",
                          f"{row.weight:.4f}{flag}")
    console.print(table)
    from gmindex.regional import regional_means

    for scheme in res.registry.schemes():  # a custom registry brings its own schemes
        means = regional_means(res.scores, scheme=scheme, registry=res.registry)
        wide = means.pivot(index="region", columns="year", values="mean").reindex(
            list(res.registry.region_order(scheme)) + ["national"])
        t = Table(title=f"Mean score by region ({scheme})")
        t.add_column("region")
        for y in wide.columns:
            t.add_column(str(y), justify="right")
        for region, row in wide.iterrows():
            t.add_row(str(region), *[f"{v:.4f}" for v in row])
        console.print(t)


@command()
def validate(
    files: List[Path] = typer.Argument(..., help="Data file(s) to check (CSV or XLSX); several "
                                       "files are checked together (cross-file duplicates)."),
    spec: Optional[Path] = SpecOpt,
    registry: Optional[Path] = RegistryOpt,
    layout: str = typer.Option("long", help="long | years | indicators (yearbook layouts)"),
    indicator: Optional[str] = typer.Option(None, help="Series id, for --layout years."),
    year: Optional[int] = typer.Option(None, help="Year, for --layout indicators."),
    sheet: Optional[str] = typer.Option(None, help="XLSX sheet name."),
    header_rows: Optional[int] = typer.Option(None, help="Rows above the data, title rows "
                                              "included (default: detected)."),
    accept: Optional[List[str]] = typer.Option(
        None, "--accept", help="Keep a value flagged as implausible: FILE:ROW or "
        "CODE,YEAR,SERIES as in the message (repeatable)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List every problem, repair "
                                 "and note (default: counts and the first few of each kind)."),
) -> None:
    """Check data files and print every problem at once (exit 1 on errors)."""
    from gmindex.data_paths import default_spec_path
    from gmindex.provinces import Registry, default_registry
    from gmindex.spec import read_spec
    from gmindex.validation import validate_file, validation_text

    kwargs = {k: v for k, v in {"indicator": indicator, "year": year, "sheet": sheet,
                                "header_rows": header_rows}.items() if v is not None}
    reg = Registry.from_csv(registry) if registry else default_registry()
    spec_obj = read_spec(spec or default_spec_path())
    report = validate_file(files if len(files) > 1 else files[0], spec=spec_obj, registry=reg,
                           layout=layout, accept=accept or (), **kwargs)
    console.print(validation_text(report, verbose=verbose), markup=False, highlight=False)
    if not report.ok:
        raise typer.Exit(code=1)


@command()
def convert(
    file: Path = typer.Argument(..., help="Yearbook table to read (CSV or XLSX)."),
    layout: str = typer.Option(..., help="years: provinces x years, one series (needs "
                               "--indicator) | indicators: provinces x series, one year (needs --year)"),
    out: Path = typer.Option(..., "--out", "-o", help="Long table to write (.csv or .xlsx); "
                             "never the input file."),
    indicator: Optional[str] = typer.Option(None, help="Series id, for --layout years."),
    year: Optional[int] = typer.Option(None, help="Year, for --layout indicators."),
    unit: Optional[str] = typer.Option(None, help="Unit of every value (adds a unit column, "
                                       "checked against the spec by validate and build)."),
    sheet: Optional[str] = typer.Option(None, help="XLSX sheet name (default: the first sheet)."),
    header_rows: Optional[int] = typer.Option(None, help="Rows above the data, title rows "
                                              "included (default: detected)."),
    registry: Optional[Path] = RegistryOpt,
) -> None:
    """Read a yearbook-style table and write it as a long table (code, year, indicator, value)."""
    import warnings

    from gmindex.errors import render
    from gmindex.io.readers import DataWarning, read_wide_with_report
    from gmindex.io.outputs import OutputError, check_output_folder
    from gmindex.io.writers import write_table
    from gmindex.provinces import Registry, default_registry

    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise OptionError(f"--out {out}: give a file name ending in .csv or .xlsx")
    target = out.expanduser().resolve()
    for given in (file, registry):
        if given and Path(given).exists() and Path(given).resolve() == target:
            raise OutputError(f"--out {out} is the input file {given}: converting onto it would "
                              "overwrite your data; choose another --out file name")
    if target.is_dir():
        raise OutputError(f"--out {out}: this is a folder; give a file name ending in "
                          f"{out.suffix.lower()}")
    check_output_folder(target.parent, option="--out's folder")
    reg = Registry.from_csv(registry) if registry else default_registry()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # the report below says it all
        panel, report = read_wide_with_report(
            file, layout=layout, indicator=indicator, year=year, unit=unit, registry=reg,
            sheet=sheet, header_rows=header_rows)
    console.print(report.summary(), markup=False, highlight=False)
    for p in report.problem_list():
        console.print(f"  [yellow]{p.severity}[/yellow]: {render(p, markup=True)}")
    if panel.empty:
        raise ValueError(f"{file}: no numbers read, nothing written")
    path = write_table(panel, target.with_suffix(""), formats=(out.suffix.lower()[1:],),
                       float_format=None)[0]
    console.print(f"{len(panel)} values ({panel['indicator'].nunique()} series, "
                  f"{panel['code'].nunique()} units, years "
                  f"{', '.join(map(str, sorted(panel['year'].unique())))}) written to "
                  f"[bold]{escape(str(path))}[/bold]")


@command()
def info(
    data: Optional[List[Path]] = DataListOpt,
    spec: Optional[Path] = SpecOpt,
    registry: Optional[Path] = RegistryOpt,
    on_conflict: str = OnConflictOpt,
) -> None:
    """Coverage of the data: provinces with a value, per series and year."""
    from gmindex.coverage import coverage_table
    from gmindex.datasets import read_inputs

    panel, spec_obj, reg = read_inputs(data, spec, registry, on_conflict=on_conflict)
    cov = coverage_table(panel, spec_obj, registry=reg)
    table = Table(title=f"Coverage: units with data (of {len(reg)}); spec years {spec_obj.years[0]}-{spec_obj.years[-1]}")
    table.add_column("series", no_wrap=True)
    years = [c for c in cov.columns if isinstance(c, int)]
    for y in years:
        table.add_column(str(y), justify="right")
    for series, row in cov.iterrows():
        table.add_row(series, *[f"[{'green' if row[y] == len(reg) else 'yellow'}]{row[y]}[/]" for y in years])
    console.print(table)
    for series, row in cov.iterrows():
        if row["missing_units"]:
            console.print(f"[yellow]{series}[/yellow] lacks: {escape(str(row['missing_units']))}")


@command(methods=True)
def analyse(
    data: Optional[List[Path]] = DataListOpt,
    spec: Optional[Path] = SpecOpt,
    registry: Optional[Path] = RegistryOpt,
    out: Path = OutOpt,
    on_conflict: str = OnConflictOpt,
    schemes: str = typer.Option("region4,region3", help="Region schemes (registry columns), comma-separated."),
    start: Optional[int] = typer.Option(None, help="First year of the growth/convergence window."),
    end: Optional[int] = typer.Option(None, help="Last year of the window."),
    reps: int = typer.Option(REPLICATIONS["wild_bootstrap"], help="Wild cluster bootstrap replications."),
    permutations: int = typer.Option(REPLICATIONS["moran_permutations"], help="Moran's I permutations."),
    seed: int = typer.Option(SEED, help="Seed of every random draw."),
    formats: str = typer.Option(
        "csv", help="Table formats, comma-separated: csv,xlsx,dta,tex,md (xlsx adds about "
        "0.1 s per table; the publication tables are always written as .tex, .md and .csv)."),
    paper: bool = typer.Option(
        False, "--paper", help="Also the paper toolkit's tables (obstacle degrees, coupling "
        "coordination, Markov chains, spatial beta, centres of gravity, geodetector, bivariate "
        "Moran; province panels only; about 10 s more)."),
    evidence: bool = typer.Option(
        False, "--evidence", help="Also the evidence tables behind the README's findings "
        "(orderings across indicator systems, roll-out share, external validity; embedded data "
        "and spec only; about 15 s more)."),
    figures: Optional[Path] = typer.Option(
        None, "--figures", help="Also draw the paper figures (Dagum lines, 3-D densities, "
        "Moran by year and pillar, LISA, obstacles, radar, centre of gravity) into this folder, "
        "in English and Chinese at double and single column width; implies --paper."),
    methods: dict = None,
) -> None:
    """Regional gradient, disparity, convergence, spatial and regression tables."""
    from gmindex.analysis import analysis_tables, write_analysis
    from gmindex.io.outputs import check_output_folder, staged_folders
    from gmindex.io.writers import TABLE_FORMATS

    fmts = _formats(formats, TABLE_FORMATS)
    # The evidence behind the README's findings (orderings across indicator systems, the
    # roll-out share, external validity) compares the embedded default with the embedded
    # alternative specs, so it exists for the embedded data and spec only.
    if evidence and not (data is None and spec is None and registry is None and not methods):
        raise OptionError("--evidence compares the embedded data and spec with the embedded "
                          "alternatives; drop --evidence, or drop --data/--spec/--registry and "
                          "the method options")
    check_output_folder(out)  # before the work, not after it
    if figures is not None:
        check_output_folder(figures, option="--figures")
    with _step("building the index"):
        res = _build(data, spec, registry, on_conflict, methods)
    with _step("running the analysis (bootstrap, permutations)"):
        analysis = analysis_tables(res, schemes=tuple(schemes.split(",")), start=start, end=end,
                                   reps=reps, permutations=permutations, seed=seed,
                                   paper=paper or figures is not None)
    tables_of_evidence = None
    if evidence:
        from gmindex.findings import findings_tables, write_findings

        with _step("evidence tables (indicator systems, roll-out, external validity)"):
            tables_of_evidence = findings_tables(res)
    outs = {"--out": out, **({"--figures": figures} if figures is not None else {})}
    with staged_folders(outs, inputs=_inputs(data, spec, registry), command="analyse") as where:
        with _step(f"writing tables to {out}/"):
            paths = write_analysis(analysis, where["--out"], formats=fmts,
                                   provenance=res.provenance)
            if tables_of_evidence is not None:
                paths += write_findings(tables_of_evidence, where["--out"])
        if figures is not None and analysis.paper is None:
            console.print("[yellow]--figures: the paper figures need the province boundaries; "
                          "none drawn[/yellow]")
        elif figures is not None:
            from gmindex.paper.report import paper_figures

            with _step(f"drawing the paper figures into {figures}/"):
                paths += paper_figures(res, analysis.paper, where["--figures"])
    for line in analysis.findings:
        console.print(line, markup=False)
    if "morans_i" in analysis.tables:
        console.print(analysis.tables["morans_i"][["year", "I", "p_sim"]].to_string(index=False))
    console.print(analysis.publication["regressions"].to_markdown(), markup=False)
    console.print(f"{len(paths)} files written to [bold]{escape(str(out))}/[/bold]")


@command(name="map", methods=True)
def map_(
    data: Optional[List[Path]] = DataListOpt,
    spec: Optional[Path] = SpecOpt,
    registry: Optional[Path] = RegistryOpt,
    on_conflict: str = OnConflictOpt,
    out: Path = typer.Option(Path("figures"), "--out", "-o", help="Folder for figures."),
    lang: str = typer.Option("en", help="Label language: en | zh"),
    permutations: int = typer.Option(REPLICATIONS["lisa_permutations"], help="Permutations for the LISA map."),
    seed: int = typer.Option(SEED, help="Seed of the LISA permutations."),
    formats: str = typer.Option(
        "png,pdf", help="Figure formats, comma-separated: png, pdf, svg (add svg for labels "
        "editable in a vector editor; it adds about a third to the drawing time)."),
    methods: dict = None,
) -> None:
    """Write the standard map set for the index (Albers, South China Sea inset, GS(2024)0650)."""
    from gmindex.io.outputs import check_output_folder, staged_folders
    from gmindex.io.writers import FIGURE_FORMATS, write_json
    from gmindex.maps import save_standard_maps
    from gmindex.spatial import contiguity_weights, lisa_clusters

    fmts = _formats(formats, FIGURE_FORMATS)
    if lang not in ("en", "zh"):
        raise OptionError(f"--lang {lang!r}: use en or zh")
    check_output_folder(out)
    with _step("building the index"):
        res = _build(data, spec, registry, on_conflict, methods)
    with _step("LISA clusters for the last year"):
        last = int(res.scores["year"].max())
        w = contiguity_weights(sorted(res.scores["code"].unique()))
        lisa = lisa_clusters(res.scores, year=last, w=w, permutations=permutations, seed=seed)
    # Keyed by language: the English and Chinese sets live side by side in one folder.
    with staged_folders({"--out": out}, inputs=_inputs(data, spec, registry),
                        command=f"map --lang {lang}") as where:
        with _step(f"drawing maps into {out}/"):
            paths = save_standard_maps(res, where["--out"], lisa=lisa, lang=lang, formats=fmts)
            # The index the maps show, for `gmindex manifest`.
            write_json({**res.provenance, "maps": {"lisa_permutations": permutations,
                                                   "seed": seed, "lang": lang}},
                       where["--out"] / "index_provenance.json")
    for p in paths:
        console.print(f"  {escape(str(out / Path(p).name))}")


@command(methods=True)
def robustness(
    data: Optional[List[Path]] = DataListOpt,
    spec: Optional[Path] = SpecOpt,
    registry: Optional[Path] = RegistryOpt,
    out: Path = OutOpt,
    on_conflict: str = OnConflictOpt,
    draws: int = typer.Option(REPLICATIONS["monte_carlo_draws"], help="Monte Carlo draws."),
    seed: int = typer.Option(SEED, help="Seed."),
    sobol: int = typer.Option(0, help="Also Sobol indices with this base sample size (e.g. 512; 0 = skip)."),
    formats: str = typer.Option("csv,xlsx", help="Table formats, comma-separated."),
    methods: dict = None,
) -> None:
    """Monte Carlo over method choices: rank intervals, ordering frequencies, sensitivity."""
    from gmindex.io.outputs import check_output_folder, staged_folders
    from gmindex.io.writers import TABLE_FORMATS, write_json, write_table
    from gmindex.robustness import monte_carlo

    fmts = _formats(formats, TABLE_FORMATS)
    check_output_folder(out)
    with _step("building the baseline index"):
        res = _build(data, spec, registry, on_conflict, methods)
    mc = monte_carlo(res, draws=draws, seed=seed, progress=True)
    sob = None
    if sobol:
        from gmindex.sensitivity import sobol_indices

        with _step(f"Sobol indices (n={sobol})"):
            sob = sobol_indices(res, n=sobol, seed=seed)
    with staged_folders({"--out": out}, inputs=_inputs(data, spec, registry),
                        command="robustness") as where:
        folder = where["--out"]
        paths = [p for stem, table in mc.tables().items()
                 for p in write_table(table, folder / stem, formats=fmts, provenance=res.provenance)]
        paths.append(write_json(mc.metadata(), folder / "robustness.json"))
        if sob is not None:
            paths += write_table(sob.indices, folder / "robustness_sobol", formats=fmts)
            paths += write_table(sob.summary_frame(), folder / "robustness_sobol_summary", formats=fmts)
    console.print(mc.summary(), markup=False)
    console.print(f"{len(paths)} files written to [bold]{escape(str(out))}/[/bold]")


def _spec_with_methods(spec: Optional[Path], methods: dict, folder: Path) -> Optional[Path]:
    """A copy of the spec whose ``[index]`` table carries the method options (for notebooks).

    The notebooks build the index from the spec, so method options reach them
    as spec-level defaults (recorded in the provenance with origin "spec").
    """
    import tomllib

    from gmindex.data_paths import default_spec_path
    from gmindex.spec import read_spec

    if not methods:
        return spec
    unsupported = sorted(set(methods) - {"normalization", "weighting", "hierarchy", "pillar_weighting",
                                         "pillar_floor", "aggregation", "shift", "max_weight",
                                         "reference_years"})
    if unsupported:
        raise OptionError(f"gmindex notebooks cannot pass {', '.join('--' + u.replace('_', '-') for u in unsupported)} "
                          "to the notebooks; set them in the spec, or use gmindex build")
    source = Path(spec or default_spec_path())
    lines = source.read_text(encoding="utf-8").splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "[index]")
    except StopIteration:
        raise OptionError(f"{source}: no [index] table to carry the method options") from None
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")),
               len(lines))
    keep = [line for line in lines[start + 1:end]
            if line.split("=", 1)[0].strip() not in methods]
    added = [f"{k} = {json.dumps(v)}" for k, v in methods.items()]
    text = "\n".join(lines[:start + 1] + added + keep + lines[end:]) + "\n"
    target = folder / f"spec_{source.stem}_with_options.toml"
    from gmindex.io.writers import write_text

    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # a multi-line value we could not replace safely
        raise OptionError(f"{source}: cannot add the method options to this spec for the "
                          f"notebooks ({exc}); set them in its [index] table instead") from exc
    write_text(text, target)
    got = read_spec(target).method  # a SpecError names an impossible combination of options
    if any(got.get(k) != v for k, v in methods.items()):
        raise OptionError(f"{source}: the method options did not survive the copy; set them "
                          "in its [index] table instead")
    return target


@command(methods=True)
def notebooks(
    out: Path = typer.Option(Path("results/notebooks"), "--out", "-o",
                             help="Folder for everything the notebooks write: executed notebooks, "
                             "and (unless given below) tables in OUT/results and figures in OUT/figures."),
    data: Optional[List[Path]] = DataListOpt,
    spec: Optional[Path] = SpecOpt,
    results_dir: Optional[Path] = typer.Option(None, help="Tables folder (default: OUT/results)."),
    figures_dir: Optional[Path] = typer.Option(None, help="Figures folder (default: OUT/figures)."),
    quick: bool = typer.Option(False, help="Fewer draws and replications (for a fast check)."),
    years: Optional[str] = typer.Option(None, help="Years to score, comma-separated (default: the spec's)."),
    scheme: str = typer.Option("region4", help="Region scheme the notebooks lead with: region4 | region3."),
    only: Optional[str] = typer.Option(None, help="Run only notebooks whose names start with these prefixes (comma-separated)."),
    jobs: int = typer.Option(
        min(2, os.cpu_count() or 1), "--jobs", "-j", min=1,
        help="Notebooks executed at once (they are independent; default: 2, or 1 on one core)."),
    methods: dict = None,
) -> None:
    """Execute every notebook (papermill); a cell error stops with exit code 1."""
    from gmindex.io.outputs import staged_folders
    from gmindex.notebooks import notebook_paths, previous_durations, run_notebooks

    names = only.split(",") if only else None
    if names and not [p for p in notebook_paths() if any(p.name.startswith(n) for n in names)]:
        raise OptionError(f"--only {only}: no notebook name starts with that")
    try:
        year_list = [int(y) for y in years.split(",")] if years else None
    except ValueError:
        raise OptionError(f"--years {years!r}: give years separated by commas") from None
    outs = {"--out": out, "--results-dir": results_dir or out / "results",
            "--figures-dir": figures_dir or out / "figures"}
    if results_dir is None or figures_dir is None:  # OUT/results needs OUT first
        from gmindex.io.outputs import check_output_folder

        check_output_folder(out)
        out.mkdir(exist_ok=True)
    # --only reruns some notebooks: it must not remove what the others wrote.
    key = "notebooks" + (f" --only {','.join(sorted(set(names)))}" if names else "")
    durations = previous_durations(out)  # read before the run replaces them
    with staged_folders(outs, inputs=_inputs(data, spec, None), command=key) as where:
        spec_used = _spec_with_methods(spec, methods, where["--out"])
        params = {
            "data_path": [str(Path(p).resolve()) for p in data] if data else None,
            "spec_path": str(Path(spec_used).resolve()) if spec_used else None,
            "results_dir": str(where["--results-dir"]),
            "figures_dir": str(where["--figures-dir"]),
            "quick": quick,
            "years": year_list,
            "scheme": scheme,
        }
        if params["data_path"] and len(params["data_path"]) == 1:
            params["data_path"] = params["data_path"][0]  # what older notebooks expect
        done = run_notebooks(where["--out"], params, names=names, progress=True, jobs=jobs,
                             durations=durations)
    for p in done:
        console.print(f"  executed {escape(str(out / p.name))}")


def _folder_provenance(folder: Path) -> dict:
    """The provenance stamped on a folder's outputs, read from the folder itself."""
    path = folder / "index_provenance.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"{folder}: no index_provenance.json, so nothing says what produced these files; "
            f"write the folder with gmindex build, analyse or map first")
    try:
        prov = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc}); rewrite the folder") from exc
    keys = ("package", "version", "spec_id", "spec_sha256", "data_sha256", "data_source",
            "options", "option_sources")
    return {k: prov[k] for k in keys if k in prov}


@command()
def manifest(
    folders: List[Path] = typer.Argument(..., help="Output folders (e.g. figures results)."),
) -> None:
    """Write MANIFEST.json into each folder: every file's size and SHA-256 plus the provenance
    of the index that produced the folder (its index_provenance.json, not a rebuild)."""
    from gmindex.io.outputs import check_output_folder
    from gmindex.io.writers import write_manifest

    stamps = {}
    for folder in folders:
        if not Path(folder).is_dir():
            raise FileNotFoundError(f"{folder}: no such folder")
        check_output_folder(folder, option="folder")
        stamps[folder] = _folder_provenance(Path(folder))
    for folder, stamp in stamps.items():
        console.print(f"  {escape(str(write_manifest(folder, stamp=stamp)))}")


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # python -m gmindex.cli
    main()
