"""gmindex: an entropy-weighted green manufacturing index for China's provinces.

The main functions can be used from the top level; each is imported from its
module on first use, so ``import gmindex`` stays fast (no pandas, plotting or
regression libraries) and has no side effects.

Examples
--------
>>> import gmindex
>>> panel, spec = gmindex.load_inputs()
>>> result = gmindex.build_index(panel, spec)
>>> gmindex.build_index is gmindex.index.build_index
True
>>> means = gmindex.regional_means(result.scores, scheme="region3")
>>> print(gmindex.gradient_check(means).text.splitlines()[0])  # doctest: +ELLIPSIS
In 2016 the ordering east > central > west holds (region3): ...
"""

from __future__ import annotations

from importlib import import_module

# Not imported from typing, which alone would double the import time;
# type checkers treat any constant of this name the same way.
TYPE_CHECKING = False

# Public name -> module that defines it.  Grouped in the order of a study:
# inputs, the index, analysis, robustness, output.
_API = {
    "gmindex.datasets": ("load_default_panel", "load_default_spec", "load_inputs"),
    "gmindex.io.readers": ("read_long", "read_wide"),
    "gmindex.spec": ("Spec", "read_spec"),
    "gmindex.provinces": ("Registry", "default_registry"),
    "gmindex.validation": ("check_panel", "validate_file"),
    "gmindex.combine": ("combine_panels",),
    "gmindex.index": ("IndexResult", "build_index"),
    "gmindex.regional": ("gradient_check", "growth", "rank_table", "regional_means"),
    "gmindex.disparity": ("dagum_by_year", "dagum_gini", "theil_by_year", "theil_decomposition"),
    "gmindex.convergence": ("beta_convergence", "panel_beta_convergence", "sigma_convergence"),
    "gmindex.spatial": ("contiguity_weights", "lisa_clusters", "morans_i_by_year"),
    "gmindex.regress": ("covariates_from_panel", "driver_regression", "gradient_regression"),
    "gmindex.analysis": ("analysis_tables",),
    "gmindex.paper.report": ("paper_figures", "paper_tables"),
    "gmindex.robustness": ("monte_carlo",),
    "gmindex.io.writers": ("write_json", "write_table"),
}
_HOME = {name: module for module, names in _API.items() for name in names}

__all__ = ["__version__", *sorted(_HOME)]


def __getattr__(name: str) -> object:
    if name == "__version__":
        # importlib.metadata alone costs more than the rest of this module.
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("gmindex")
        except PackageNotFoundError:  # running from a source tree without installing
            value = "0+unknown"
    elif name in _HOME:
        value = getattr(import_module(_HOME[name]), name)
    else:
        raise AttributeError(f"module 'gmindex' has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # let type checkers and IDEs see the lazy names
    from gmindex.analysis import analysis_tables
    from gmindex.combine import combine_panels
    from gmindex.convergence import beta_convergence, panel_beta_convergence, sigma_convergence
    from gmindex.datasets import load_default_panel, load_default_spec, load_inputs
    from gmindex.disparity import dagum_by_year, dagum_gini, theil_by_year, theil_decomposition
    from gmindex.index import IndexResult, build_index
    from gmindex.io.readers import read_long, read_wide
    from gmindex.io.writers import write_json, write_table
    from gmindex.paper.report import paper_figures, paper_tables
    from gmindex.provinces import Registry, default_registry
    from gmindex.regional import gradient_check, growth, rank_table, regional_means
    from gmindex.regress import covariates_from_panel, driver_regression, gradient_regression
    from gmindex.robustness import monte_carlo
    from gmindex.spatial import contiguity_weights, lisa_clusters, morans_i_by_year
    from gmindex.spec import Spec, read_spec
    from gmindex.validation import check_panel, validate_file
