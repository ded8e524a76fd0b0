"""Write the empty data templates in this folder (deterministic: rerun gives identical files).

Run from the repository root:

    python data/templates/make_templates.py

The templates list the 31 provinces of the default registry and the raw
series of the default spec (data/spec.toml); value cells are empty.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from gmindex.datasets import load_default_spec
from gmindex.io.writers import write_table
from gmindex.provinces import default_registry

HERE = Path(__file__).resolve().parent
#: Year of the one-year templates: the first year after the default spec.
YEAR = 2021


def templates(registry=None, spec=None, year: int = YEAR) -> dict[str, tuple[pd.DataFrame, tuple]]:
    """The template tables: stem -> (frame, formats)."""
    registry = registry or default_registry()
    spec = spec or load_default_spec()
    codes = registry.codes
    names = [registry.label(c, "zh") for c in codes]
    series = list(spec.series)
    empty = np.full(len(codes), np.nan)
    long = pd.DataFrame({
        "code": np.tile(codes, len(series)),
        "province": np.tile(names, len(series)),
        "year": year,
        "indicator": np.repeat([s.id for s in series], len(codes)),
        "value": np.nan,
        "unit": np.repeat([s.unit for s in series], len(codes)),
    })
    years = pd.DataFrame({"地区": names, **{str(y): empty for y in spec.years}})
    indicators = pd.DataFrame({"地区": names, **{s.id: empty for s in series}})
    return {
        "template_long": (long, ("csv", "xlsx")),
        "template_wide_years": (years, ("xlsx",)),
        "template_wide_indicators": (indicators, ("xlsx",)),
    }


def main(outdir: Path = HERE) -> list[Path]:
    paths = []
    for stem, (frame, formats) in templates().items():
        paths += write_table(frame, Path(outdir) / stem, formats=formats, float_format=None)
    return paths


if __name__ == "__main__":
    for path in main():
        print(path)
