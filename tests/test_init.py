"""Tests for gmindex/__init__.py: a light, side-effect-free import and a working top-level API."""

import subprocess
import sys

import pytest

import gmindex

HEAVY = ("pandas", "numpy", "geopandas", "matplotlib", "pyfixest", "numba", "statsmodels", "scipy")


def test_import_loads_no_heavy_library():
    code = (
        "import sys, gmindex; "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("name", [n for n in gmindex.__all__ if n != "__version__"])
def test_every_top_level_name_is_the_module_object(name):
    obj = getattr(gmindex, name)
    module = gmindex._HOME[name]
    assert obj is getattr(sys.modules[module], name)
    assert name in dir(gmindex)


def test_version_and_unknown_name():
    assert isinstance(gmindex.__version__, str) and gmindex.__version__
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        gmindex.nonexistent  # noqa: B018
