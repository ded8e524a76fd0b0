"""Locate and load the embedded default dataset.

The files live in the repository's top-level ``data/`` folder.  A wheel ships
the same folder as ``gmindex/_data`` (see ``pyproject.toml``); an editable or
source checkout reads ``data/`` directly.  Nothing is computed at import time.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = [
    "data_dir",
    "default_panel_path",
    "default_spec_path",
    "default_registry_path",
    "load_default_panel",
    "load_default_spec",
    "load_inputs",
]


def data_dir() -> Path:
    """Folder holding the embedded default dataset.

    Returns
    -------
    pathlib.Path
        ``gmindex/_data`` inside an installed wheel, otherwise the checkout's
        ``data/`` folder.
    """
    packaged = Path(str(resources.files("gmindex"))) / "_data"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[1] / "data"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        "gmindex cannot find its embedded data folder (looked in "
        f"{packaged} and {checkout}); reinstall the package from a full checkout"
    )


def default_panel_path() -> Path:
    """Path of the curated default panel (long table of raw series)."""
    return data_dir() / "panel.csv"


def default_spec_path() -> Path:
    """Path of the default indicator spec (TOML)."""
    return data_dir() / "spec.toml"


def default_registry_path() -> Path:
    """Path of the province registry (GB/T 2260 codes, names, regions)."""
    return data_dir() / "provinces.csv"


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


def load_inputs(data_path=None, spec_path=None):
    """Panel and spec from the user's files, or the embedded defaults where a path is None.

    Parameters
    ----------
    data_path : str or Path, optional
        Long panel (CSV or XLSX); default ``data/panel.csv``.
    spec_path : str or Path, optional
        Indicator spec (TOML); default ``data/spec.toml``.

    Returns
    -------
    (pandas.DataFrame, gmindex.spec.Spec)

    Examples
    --------
    >>> panel, spec = load_inputs()
    >>> spec.id, len(panel) > 0
    ('gmi_default', True)
    """
    from gmindex.io.readers import read_long
    from gmindex.spec import read_spec

    panel = read_long(data_path) if data_path else load_default_panel()
    spec = read_spec(spec_path) if spec_path else load_default_spec()
    return panel, spec
