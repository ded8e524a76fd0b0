"""Locate and load the embedded default dataset.

The paths (:func:`data_dir`, ``default_*_path``) live in
:mod:`gmindex.data_paths` and are re-exported here; the files are in the
repository's top-level ``data/`` folder (``gmindex/_data`` in a wheel).
Nothing is computed at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

# The paths have their own bottom-layer home (the registry needs one without importing the
# loaders below); re-exported here, where users have always found them.
from gmindex.data_paths import (
    data_dir,
    default_panel_path,
    default_registry_path,
    default_spec_path,
)

__all__ = [
    "data_dir",
    "default_panel_path",
    "default_spec_path",
    "default_registry_path",
    "load_default_panel",
    "load_default_spec",
    "load_inputs",
    "read_inputs",
    "Inputs",
]


def load_default_panel():
    """Load the curated default panel as a validated long DataFrame.

    Returns
    -------
    pandas.DataFrame
        Columns ``code, year, indicator, value, unit, source_id``.
    """
    from gmindex.io.readers import read_long

    return read_long(default_panel_path())


def load_default_spec():
    """Load the default indicator spec.

    Returns
    -------
    gmindex.spec.Spec
    """
    from gmindex.spec import read_spec

    return read_spec(default_spec_path())


class Inputs(NamedTuple):
    """What :func:`read_inputs` returns: the long panel, the spec and the unit registry."""

    panel: Any
    spec: Any
    registry: Any


def _read_line(report) -> str:
    """One line of a reader's cell accounting."""
    return (f"read {report.file}: {report.cells_read} cells = {report.cells_used} numbers + "
            f"{report.cells_missing} missing + {report.cells_dropped} in dropped rows + "
            f"{report.cells_invalid} invalid")


def _as_paths(data) -> list:
    if data is None:
        return []
    if isinstance(data, (str, Path)):
        return [Path(data)]
    return [Path(p) for p in data]


def read_inputs(data=None, spec=None, registry=None, *, on_conflict="error") -> Inputs:
    """Read data file(s), spec and registry: the one door for the CLI, notebooks and API.

    Parameters
    ----------
    data : str, Path, list of them, or None
        Long panel file(s) (CSV or XLSX); several files are stacked with
        :func:`gmindex.combine.combine_panels`, every overlapping cell checked.
        None or an empty list: the embedded ``data/panel.csv``.
    spec : str or Path, optional
        Indicator spec (TOML); default ``data/spec.toml``.
    registry : str or Path, optional
        Unit registry CSV; default: the province registry.
    on_conflict : str
        With several files: what to do when two give different values for a
        cell (``error``, ``first``, ``last``); recorded in the provenance.

    Returns
    -------
    Inputs
        ``panel`` carries ``attrs["source"]`` (the files and conflict
        choices, or ``embedded data/panel.csv``: written into the index's
        provenance as ``data_source``) and ``attrs["read_summary"]`` (the cell
        accounting lines).

    Examples
    --------
    >>> inputs = read_inputs()
    >>> inputs.panel.attrs["source"], inputs.spec.id, len(inputs.registry)
    ('embedded data/panel.csv', 'gmi_default', 31)
    """
    from gmindex.combine import CONFLICT_RULES, combine_panels
    from gmindex.io.readers import read_long_with_report
    from gmindex.provinces import Registry, default_registry
    from gmindex.spec import read_spec

    if on_conflict not in CONFLICT_RULES:
        raise ValueError(f"on_conflict={on_conflict!r} is not known; use one of {CONFLICT_RULES}")
    reg = Registry.from_csv(registry) if registry else default_registry()
    files = _as_paths(data)
    if len(files) > 1:
        combined = combine_panels(files, on_conflict=on_conflict, registry=reg)
        panel = combined.panel
        panel.attrs["read_summary"] = (
            [_read_line(r) for r in combined.read_reports] + combined.report.splitlines()
        )
    else:
        panel, report = read_long_with_report(files[0] if files else default_panel_path(),
                                              registry=reg)
        # The default is named without this machine's path, so provenance files do not vary.
        panel.attrs["source"] = str(files[0]) if files else "embedded data/panel.csv"
        panel.attrs["read_summary"] = [_read_line(report)]
    return Inputs(panel, read_spec(spec or default_spec_path()), reg)


def load_inputs(data_path=None, spec_path=None, *, registry_path=None, on_conflict="error"):
    """Panel and spec from the user's files, or the embedded defaults where a path is None.

    The same reader as the command line (:func:`read_inputs`), so the index's
    provenance names the same data source whichever way the data came in.

    Parameters
    ----------
    data_path : str, Path or list of them, optional
        Long panel file(s) (CSV or XLSX); default ``data/panel.csv``.
    spec_path : str or Path, optional
        Indicator spec (TOML); default ``data/spec.toml``.
    registry_path : str or Path, optional
        Unit registry CSV (checks the codes); default: the provinces.
    on_conflict : str
        As in :func:`read_inputs`.

    Returns
    -------
    (pandas.DataFrame, gmindex.spec.Spec)

    Examples
    --------
    >>> panel, spec = load_inputs()
    >>> spec.id, len(panel) > 0, panel.attrs["source"]
    ('gmi_default', True, 'embedded data/panel.csv')
    """
    panel, spec, _ = read_inputs(data_path, spec_path, registry_path, on_conflict=on_conflict)
    return panel, spec
