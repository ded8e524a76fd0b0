"""Inequality measures and their decompositions, one module per measure.

- :mod:`gmindex.disparity.dagum`: Dagum (1997) Gini decomposition by subgroup.
- :mod:`gmindex.disparity.theil`: Theil T index with between/within decomposition.
"""

from gmindex.disparity.dagum import DagumResult, dagum_by_year, dagum_gini
from gmindex.disparity.theil import TheilResult, theil, theil_by_year, theil_decomposition

__all__ = [
    "DagumResult",
    "TheilResult",
    "dagum_by_year",
    "dagum_gini",
    "theil",
    "theil_by_year",
    "theil_decomposition",
]
