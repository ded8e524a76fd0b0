"""Execute the notebook suite with papermill (parameters: data, spec, years, scheme, output folder).

The notebooks live in the checkout's ``notebooks/`` folder as ``NN_name.ipynb``
(outputs stripped, paired with ``NN_name.py`` through jupytext).  Executed
copies are written to the output folder, so the committed notebooks stay clean.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

__all__ = ["notebook_dir", "notebook_paths", "previous_durations", "run_notebook", "run_notebooks"]


def notebook_dir() -> Path:
    """The checkout's ``notebooks/`` folder."""
    path = Path(__file__).resolve().parents[1] / "notebooks"
    if not path.is_dir():
        raise FileNotFoundError(
            f"no notebooks folder at {path}: the notebooks ship with the source checkout, "
            "not with the installed package"
        )
    return path


def notebook_paths(folder: Path | None = None) -> list[Path]:
    """Numbered notebooks in reading order."""
    folder = folder or notebook_dir()
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def run_notebook(path: Path, outdir: Path, parameters: Mapping[str, Any] | None = None,
                 *, timeout: int = 600) -> Path:
    """Execute one notebook into ``outdir``; a cell error raises ``PapermillExecutionError``."""
    import papermill as pm

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / Path(path).name
    pm.execute_notebook(
        str(path), str(target), parameters=dict(parameters or {}),
        cwd=str(Path(path).parent), kernel_name="python3", progress_bar=False,
        execution_timeout=timeout,
    )
    return target


def previous_durations(folder: Path) -> dict[str, float]:
    """Seconds each executed notebook in ``folder`` took (papermill records it), by file name.

    Notebooks without a readable record are left out.
    """
    import json

    durations = {}
    for path in notebook_paths(Path(folder)) if Path(folder).is_dir() else []:
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]["papermill"]
            durations[path.name] = float(meta["duration"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return durations


def _longest_first(paths: list[Path], durations: Mapping[str, float]) -> list[Path]:
    # Notebooks of unknown length first (in reading order), then the longest known:
    # a long notebook started last would run alone on one core at the end.
    return sorted(paths, key=lambda p: (p.name in durations, -durations.get(p.name, 0.0)))


def run_notebooks(outdir: Path, parameters: Mapping[str, Any] | None = None, *,
                  names: Sequence[str] | None = None, progress: bool = False,
                  jobs: int = 1, durations: Mapping[str, float] | None = None) -> list[Path]:
    """Execute every numbered notebook (or those whose names start with ``names``).

    The notebooks do not read each other's outputs, so ``jobs > 1`` runs that
    many kernels at once; each writes its own files, so the outputs are the
    same as in a run one after another.  With ``durations`` (seconds by file
    name, e.g. :func:`previous_durations` of the last run) the longest start
    first.  Paths are returned in reading order; a failing notebook raises
    after the others have finished (the first failure in reading order).
    """
    from concurrent.futures import ThreadPoolExecutor

    paths = notebook_paths()
    if names:
        paths = [p for p in paths if any(p.name.startswith(n) for n in names)]
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    report = None
    if progress:
        from rich.console import Console

        report = Console(stderr=True)

    def one(path: Path) -> Path:
        target = run_notebook(path, outdir, parameters)
        if report is not None:
            report.print(f"  ran {path.name}")
        return target

    # Threads only wait for the kernels, which are separate processes.
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {p: pool.submit(one, p) for p in _longest_first(paths, durations or {})}
    return [futures[p].result() for p in paths]  # re-raises the first failure in reading order
