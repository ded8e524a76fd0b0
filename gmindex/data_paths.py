"""Where the embedded default dataset lives: paths only, nothing read.

A bottom-layer module (it imports nothing from ``gmindex``), so the registry,
the readers and the loaders in :mod:`gmindex.datasets` can all find the
bundled files without importing each other.  :mod:`gmindex.datasets`
re-exports these functions for users.

The files live in the repository's top-level ``data/`` folder.  A wheel ships
the same folder as ``gmindex/_data`` (see ``pyproject.toml``); an editable or
source checkout reads ``data/`` directly.

Examples
--------
>>> default_registry_path().name, default_spec_path().parent == data_dir()
('provinces.csv', True)
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["data_dir", "default_panel_path", "default_registry_path", "default_spec_path"]


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
