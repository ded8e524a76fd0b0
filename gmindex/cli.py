"""Command-line interface: thin wrappers around the public functions.

``gmindex build``     data + spec -> index tables in a results folder
``gmindex validate``  check data files and list every problem
``gmindex convert``   yearbook table (provinces x years or x series) -> long CSV
``gmindex info``      coverage table: indicators x years x provinces
``gmindex analyse``   regional means, gradient, Dagum, Theil, convergence, Moran, regressions
``gmindex map``       the standard map set (PNG, PDF, SVG)
``gmindex robustness`` Monte Carlo over method choices, rank intervals, sensitivity
``gmindex notebooks`` execute the notebook suite with papermill
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Green manufacturing index for China's provinces: build, check, analyse, map.",
)
console = Console()


def _version(value: bool) -> None:
    if value:
        import gmindex

        console.print(f"gmindex {gmindex.__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Green manufacturing index for China's provinces: build, check, analyse, map."""

DataOpt = typer.Option(None, "--data", "-d", help="Long panel CSV/XLSX (default: embedded data/panel.csv).")
SpecOpt = typer.Option(None, "--spec", "-s", help="Indicator spec TOML (default: embedded data/spec.toml).")
RegistryOpt = typer.Option(None, "--registry", help="Unit registry CSV for non-province data (code, name, regions).")
OutOpt = typer.Option(Path("results"), "--out", "-o", help="Folder for tables.")
DataListOpt = typer.Option(
    None, "--data", "-d",
    help="Long panel CSV/XLSX (default: embedded data/panel.csv). Give --data several times to "
    "combine files (e.g. earlier years and a new year).")
OnConflictOpt = typer.Option(
    "error", "--on-conflict",
    help="When two --data files give different values for one cell: error (default), first or "
    "last (in the order of the --data options); every choice is recorded in the provenance.")


@contextmanager
def _step(text: str):
    """Spinner with elapsed time for steps that may take more than a second."""
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        progress.add_task(text, total=None)
        yield
    console.print(f"[green]done[/green] {text}")


def _read_line(report) -> str:
    """One line of a reader's cell accounting."""
    return (f"read {report.file}: {report.cells_read} cells = {report.cells_used} numbers + "
            f"{report.cells_missing} missing + {report.cells_dropped} in dropped rows + "
            f"{report.cells_invalid} invalid")


def _load(data: Optional[List[Path]], spec: Optional[Path], registry: Optional[Path],
          on_conflict: str = "error"):
    """Read the data (one file, several combined, or the default), the spec and the registry.

    ``panel.attrs["source"]`` names the files (and conflict choices) for the
    provenance; ``panel.attrs["read_summary"]`` holds the cell accounting lines.
    """
    from gmindex.combine import CONFLICT_RULES, combine_panels
    from gmindex.datasets import default_panel_path, default_spec_path
    from gmindex.io.readers import read_long_with_report
    from gmindex.provinces import Registry, default_registry
    from gmindex.spec import read_spec

    if on_conflict not in CONFLICT_RULES:
        raise ValueError(f"--on-conflict {on_conflict!r} is not known; use one of {CONFLICT_RULES}")
    reg = Registry.from_csv(registry) if registry else default_registry()
    files = list(data or []) or [default_panel_path()]
    if len(files) == 1:
        panel, report = read_long_with_report(files[0], registry=reg)
        # The default is named without this machine's path, so provenance files do not vary.
        panel.attrs["source"] = str(files[0]) if data else "embedded data/panel.csv"
        panel.attrs["read_summary"] = [_read_line(report)]
    else:
        combined = combine_panels(files, on_conflict=on_conflict, registry=reg)
        panel = combined.panel
        panel.attrs["read_summary"] = (
            [_read_line(r) for r in combined.read_reports] + combined.report.splitlines()
        )
    return panel, read_spec(spec or default_spec_path()), reg


def _fail(exc: Exception) -> None:
    console.print(f"[bold red]error:[/bold red] {exc}")
    raise typer.Exit(code=1)


def _data_errors():
    from gmindex.missing import MissingDataError
    from gmindex.spec import SpecError
    from gmindex.validation import DataError

    return (DataError, SpecError, MissingDataError, FileNotFoundError, ValueError)


def _build(data, spec, registry, on_conflict="error", **options):
    panel, spec_obj, reg = _load(data, spec, registry, on_conflict)
    from gmindex.index import build_index

    return build_index(panel, spec_obj, registry=reg, **options)


@app.command()
def build(
    data: Optional[List[Path]] = DataListOpt,
    spec: Optional[Path] = SpecOpt,
    registry: Optional[Path] = RegistryOpt,
    out: Path = OutOpt,
    on_conflict: str = OnConflictOpt,
    normalization: str = typer.Option("pooled", help="pooled | per_year | fixed"),
    weighting: str = typer.Option("entropy", help="entropy | entropy_per_year | equal | critic"),
    aggregation: str = typer.Option("sum", help="sum | topsis"),
    hierarchy: str = typer.Option("flat", help="flat | pillar"),
    missing: Optional[str] = typer.Option(None, help="drop_unit | drop_indicator | fail | impute (default: the spec's)"),
    impute: Optional[str] = typer.Option(None, help="linear | unit_mean | year_mean (with --missing impute)"),
    shift: float = typer.Option(0.0, help="Shift added before entropy shares (e.g. 0.0001)."),
    reference_years: Optional[str] = typer.Option(
        None, help="With --normalization fixed: years whose bounds and entropy weights are kept "
                   "(e.g. 2016,2017,2018,2019,2020), so appended years leave earlier scores unchanged."),
    goalposts: Optional[Path] = typer.Option(
        None, help="With --normalization fixed: a goalposts table (indicator, lower, upper), "
                   "e.g. index_goalposts.csv of an earlier build."),
    formats: str = typer.Option("csv,xlsx,dta", help="Table formats, comma-separated: csv,xlsx,dta,tex,md"),
) -> None:
    """Build the index and write scores, pillar scores, weights and provenance."""
    import pandas as pd

    try:
        gp = pd.read_csv(goalposts) if goalposts else None
        ref = [int(y) for y in reference_years.split(",")] if reference_years else None
        with _step("building the index"):
            res = _build(data, spec, registry, on_conflict, normalization=normalization,
                         weighting=weighting,
                         aggregation=aggregation, hierarchy=hierarchy, missing=missing,
                         impute=impute, shift=shift, reference_years=ref, goalposts=gp)
        with _step(f"writing tables to {out}/"):
            paths = res.export(out, formats=tuple(f.strip() for f in formats.split(",")))
    except _data_errors() as exc:
        _fail(exc)
    _print_summary(res)
    console.print(f"{len(paths)} files written to [bold]{out}/[/bold]")


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
                      f"by rule {res.missing.rule}: {why}")
    for ind, why in prov["indicators_dropped"].items():
        console.print(f"[yellow]indicator {ind} dropped[/yellow]: {why}")
    table = Table(title="Weights", show_lines=False)
    for col in ("indicator", "pillar", "direction", "entropy", "weight"):
        table.add_column(col, justify="right" if col in ("entropy", "weight") else "left")
    w = res.weights if "year" not in res.weights.columns else res.weights.groupby(
        ["indicator", "pillar", "direction"], sort=False, as_index=False)[["entropy", "weight"]].mean()
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


@app.command()
def validate(
    files: List[Path] = typer.Argument(..., help="Data file(s) to check (CSV or XLSX); several "
                                       "files are checked together (cross-file duplicates)."),
    spec: Optional[Path] = SpecOpt,
    registry: Optional[Path] = RegistryOpt,
    layout: str = typer.Option("long", help="long | years | indicators (yearbook layouts)"),
    indicator: Optional[str] = typer.Option(None, help="Series id, for --layout years."),
    year: Optional[int] = typer.Option(None, help="Year, for --layout indicators."),
    sheet: Optional[str] = typer.Option(None, help="XLSX sheet name."),
) -> None:
    """Check data files and print every problem at once (exit 1 on errors)."""
    from gmindex.datasets import default_spec_path
    from gmindex.provinces import Registry, default_registry
    from gmindex.spec import read_spec
    from gmindex.validation import validate_file

    reg = Registry.from_csv(registry) if registry else default_registry()
    kwargs = {k: v for k, v in {"indicator": indicator, "year": year, "sheet": sheet}.items() if v is not None}
    try:
        spec_obj = read_spec(spec or default_spec_path())
    except _data_errors() as exc:
        _fail(exc)
    report = validate_file(files if len(files) > 1 else files[0], spec=spec_obj, registry=reg,
                           layout=layout, **kwargs)
    problems = report.to_frame()
    if len(problems):
        table = Table(title=f"{len(problems)} problem(s) in {', '.join(map(str, files))}")
        shown = (("file",) if len(files) > 1 else ()) + (
            "row", "province", "column", "year", "indicator", "problem", "suggestion")
        for col in ("severity",) + shown:
            table.add_column(col, overflow="fold")
        for row in problems.itertuples():
            style = "red" if row.severity == "error" else "yellow"
            table.add_row(*[f"[{style}]{row.severity}[/{style}]"] + [
                "" if getattr(row, c) is None or str(getattr(row, c)) in ("nan", "<NA>", "None") else str(getattr(row, c))
                for c in shown])
        console.print(table)
    console.print(report.summary().splitlines()[0] if len(problems) else report.summary())
    if not report.ok:
        raise typer.Exit(code=1)


@app.command()
def convert(
    file: Path = typer.Argument(..., help="Yearbook table to read (CSV or XLSX)."),
    layout: str = typer.Option(..., help="years: provinces x years, one series (needs "
                               "--indicator) | indicators: provinces x series, one year (needs --year)"),
    out: Path = typer.Option(..., "--out", "-o", help="Long table to write (.csv or .xlsx)."),
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

    from gmindex.io.readers import DataWarning, read_wide_with_report
    from gmindex.io.writers import write_table
    from gmindex.provinces import Registry, default_registry

    if out.suffix.lower() not in (".csv", ".xlsx"):
        _fail(ValueError(f"--out {out}: give a file name ending in .csv or .xlsx"))
    try:
        reg = Registry.from_csv(registry) if registry else default_registry()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)  # the report below says it all
            panel, report = read_wide_with_report(
                file, layout=layout, indicator=indicator, year=year, unit=unit, registry=reg,
                sheet=sheet, header_rows=header_rows)
    except _data_errors() as exc:
        _fail(exc)
    console.print(report.summary(), markup=False, highlight=False)
    for p in report.problem_list():
        console.print(f"  [yellow]{p.severity}[/yellow]: {p.format()}")
    if panel.empty:
        _fail(ValueError(f"{file}: no numbers read, nothing written"))
    out.parent.mkdir(parents=True, exist_ok=True)
    path = write_table(panel, out.with_suffix(""), formats=(out.suffix.lower()[1:],),
                       float_format=None)[0]
    console.print(f"{len(panel)} values ({panel['indicator'].nunique()} series, "
                  f"{panel['code'].nunique()} units, years "
                  f"{', '.join(map(str, sorted(panel['year'].unique())))}) written to "
                  f"[bold]{path}[/bold]")


@app.command()
def info(
    data: Optional[List[Path]] = DataListOpt,
    spec: Optional[Path] = SpecOpt,
    registry: Optional[Path] = RegistryOpt,
    on_conflict: str = OnConflictOpt,
) -> None:
    """Coverage of the data: provinces with a value, per series and year."""
    from gmindex.coverage import coverage_table

    try:
        panel, spec_obj, reg = _load(data, spec, registry, on_conflict)
    except _data_errors() as exc:
        _fail(exc)
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
            console.print(f"[yellow]{series}[/yellow] lacks: {row['missing_units']}")


@app.command()
def analyse(
    data: Optional[List[Path]] = DataListOpt,
    spec: Optional[Path] = SpecOpt,
    registry: Optional[Path] = RegistryOpt,
    out: Path = OutOpt,
    on_conflict: str = OnConflictOpt,
    schemes: str = typer.Option("region4,region3", help="Region schemes (registry columns), comma-separated."),
    start: Optional[int] = typer.Option(None, help="First year of the growth/convergence window."),
    end: Optional[int] = typer.Option(None, help="Last year of the window."),
    reps: int = typer.Option(9999, help="Wild cluster bootstrap replications."),
    permutations: int = typer.Option(999, help="Moran's I permutations."),
    seed: int = typer.Option(12345, help="Seed of every random draw."),
    formats: str = typer.Option("csv,xlsx", help="Table formats, comma-separated."),
) -> None:
    """Regional gradient, disparity, convergence, spatial and regression tables."""
    from gmindex.analysis import analysis_tables, write_analysis

    try:
        with _step("building the index"):
            res = _build(data, spec, registry, on_conflict)
        with _step("running the analysis (bootstrap, permutations)"):
            analysis = analysis_tables(res, schemes=tuple(schemes.split(",")), start=start, end=end,
                                       reps=reps, permutations=permutations, seed=seed)
        with _step(f"writing tables to {out}/"):
            paths = write_analysis(analysis, out, formats=tuple(formats.split(",")),
                                   provenance=res.provenance)
    except _data_errors() as exc:
        _fail(exc)
    for line in analysis.findings:
        console.print(line)
    if "morans_i" in analysis.tables:
        console.print(analysis.tables["morans_i"][["year", "I", "p_sim"]].to_string(index=False))
    console.print(analysis.publication["regressions"].to_markdown())
    console.print(f"{len(paths)} files written to [bold]{out}/[/bold]")


@app.command(name="map")
def map_(
    data: Optional[List[Path]] = DataListOpt,
    spec: Optional[Path] = SpecOpt,
    on_conflict: str = OnConflictOpt,
    out: Path = typer.Option(Path("figures"), "--out", "-o", help="Folder for figures."),
    lang: str = typer.Option("en", help="Label language: en | zh"),
    permutations: int = typer.Option(999, help="Permutations for the LISA map."),
    seed: int = typer.Option(12345, help="Seed of the LISA permutations."),
    formats: str = typer.Option("png,pdf,svg", help="Figure formats, comma-separated."),
) -> None:
    """Write the standard map set for the index (Albers, South China Sea inset, GS(2024)0650)."""
    from gmindex.maps import save_standard_maps
    from gmindex.spatial import contiguity_weights, lisa_clusters

    try:
        with _step("building the index"):
            res = _build(data, spec, None, on_conflict)
        with _step("LISA clusters for the last year"):
            last = int(res.scores["year"].max())
            w = contiguity_weights(sorted(res.scores["code"].unique()))
            lisa = lisa_clusters(res.scores, year=last, w=w, permutations=permutations, seed=seed)
        with _step(f"drawing maps into {out}/"):
            paths = save_standard_maps(res, out, lisa=lisa, lang=lang,
                                       formats=tuple(formats.split(",")))
    except _data_errors() as exc:
        _fail(exc)
    for p in paths:
        console.print(f"  {p}")


@app.command()
def robustness(
    data: Optional[List[Path]] = DataListOpt,
    spec: Optional[Path] = SpecOpt,
    registry: Optional[Path] = RegistryOpt,
    out: Path = OutOpt,
    on_conflict: str = OnConflictOpt,
    draws: int = typer.Option(10000, help="Monte Carlo draws."),
    seed: int = typer.Option(12345, help="Seed."),
    sobol: int = typer.Option(0, help="Also Sobol indices with this base sample size (e.g. 512; 0 = skip)."),
    formats: str = typer.Option("csv,xlsx", help="Table formats, comma-separated."),
) -> None:
    """Monte Carlo over method choices: rank intervals, ordering frequencies, sensitivity."""
    from gmindex.io.writers import write_json, write_table
    from gmindex.robustness import monte_carlo

    try:
        with _step("building the baseline index"):
            res = _build(data, spec, registry, on_conflict)
        mc = monte_carlo(res, draws=draws, seed=seed, progress=True)
        out.mkdir(parents=True, exist_ok=True)
        fmts = tuple(formats.split(","))
        paths = [p for stem, table in mc.tables().items()
                 for p in write_table(table, out / stem, formats=fmts, provenance=res.provenance)]
        paths.append(write_json(mc.metadata(), out / "robustness.json"))
        if sobol:
            from gmindex.sensitivity import sobol_indices

            with _step(f"Sobol indices (n={sobol})"):
                sob = sobol_indices(res, n=sobol, seed=seed)
            paths += write_table(sob.indices, out / "robustness_sobol", formats=fmts)
            paths += write_table(sob.summary_frame(), out / "robustness_sobol_summary", formats=fmts)
    except _data_errors() as exc:
        _fail(exc)
    console.print(mc.summary())
    console.print(f"{len(paths)} files written to [bold]{out}/[/bold]")


@app.command()
def notebooks(
    out: Path = typer.Option(Path("results/notebooks"), "--out", "-o", help="Folder for executed notebooks."),
    data: Optional[Path] = DataOpt,
    spec: Optional[Path] = SpecOpt,
    results_dir: Optional[Path] = typer.Option(None, help="Tables folder passed to the notebooks (default: results/)."),
    figures_dir: Optional[Path] = typer.Option(None, help="Figures folder passed to the notebooks (default: figures/)."),
    quick: bool = typer.Option(False, help="Fewer draws and replications (for a fast check)."),
    years: Optional[str] = typer.Option(None, help="Years to score, comma-separated (default: the spec's)."),
    scheme: str = typer.Option("region4", help="Region scheme the notebooks lead with: region4 | region3."),
    only: Optional[str] = typer.Option(None, help="Run only notebooks whose names start with these prefixes (comma-separated)."),
) -> None:
    """Execute every notebook in order (papermill); a cell error stops with exit code 1."""
    from gmindex.notebooks import notebook_dir, run_notebooks

    root = notebook_dir().parent
    params = {
        "data_path": str(data.resolve()) if data else None,
        "spec_path": str(spec.resolve()) if spec else None,
        "results_dir": str((results_dir or root / "results").resolve()),
        "figures_dir": str((figures_dir or root / "figures").resolve()),
        "quick": quick,
        "years": [int(y) for y in years.split(",")] if years else None,
        "scheme": scheme,
    }
    try:
        done = run_notebooks(out.resolve(), params, names=only.split(",") if only else None,
                             progress=True)
    except Exception as exc:  # papermill reports the failing cell
        _fail(exc)
    for p in done:
        console.print(f"  executed {p}")


@app.command()
def manifest(
    folders: List[Path] = typer.Argument(..., help="Output folders (e.g. figures results)."),
    data: Optional[List[Path]] = DataListOpt,
    spec: Optional[Path] = SpecOpt,
) -> None:
    """Write MANIFEST.json into each folder: every file's size and SHA-256 plus the index's provenance."""
    from gmindex.io.writers import write_manifest

    try:
        res = _build(data, spec, None)
    except _data_errors() as exc:
        _fail(exc)
    keys = ("package", "version", "spec_id", "spec_sha256", "data_sha256", "options")
    stamp = {k: res.provenance[k] for k in keys}
    for folder in folders:
        path = write_manifest(folder, stamp=stamp)
        console.print(f"  {path}")


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # python -m gmindex.cli
    main()
