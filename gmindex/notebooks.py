"""Execute the notebook suite with papermill (parameters: data, spec, years, scheme, output folder).

The notebooks live in the checkout's ``notebooks/`` folder as ``NN_name.ipynb``
(outputs stripped, paired with ``NN_name.py`` through jupytext).  Executed
copies are written to the output folder, so the committed notebooks stay clean.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

__all__ = ["notebook_dir", "notebook_paths", "run_notebook", "run_notebooks"]


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


def run_notebooks(outdir: Path, parameters: Mapping[str, Any] | None = None, *,
                  names: Sequence[str] | None = None, progress: bool = False) -> list[Path]:
    """Execute every numbered notebook (or those whose names start with ``names``) in order."""
    paths = notebook_paths()
    if names:
        paths = [p for p in paths if any(p.name.startswith(n) for n in names)]
    done = []
    if progress:
        from rich.progress import track

        paths_iter = track(paths, description="running notebooks")
    else:
        paths_iter = paths
    for path in paths_iter:
        done.append(run_notebook(path, outdir, parameters))
    return done
