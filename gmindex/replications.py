"""Seed and replication counts of every random statistic: one value per statistic.

The command line, the notebooks and the analysis tables use these, so a
p-value reported in a table, in a notebook and in the README comes from the
same number of draws with the same seed (tests compare the notebooks' values
with this table).  Quick runs (tests, ``--quick``) use fewer draws and say so
in their provenance.

Examples
--------
>>> REPLICATIONS["wild_bootstrap"], SEED
(9999, 20160101)
"""

from __future__ import annotations

__all__ = ["QUICK", "REPLICATIONS", "SEED"]

#: Seed of every random draw (the first day of the 13th Five-Year Plan period).
SEED = 20160101

#: Statistic -> replications of a full run.
REPLICATIONS = {
    "wild_bootstrap": 9999,  # wild cluster bootstrap p-values (regressions)
    "moran_permutations": 9999,  # Moran's I pseudo p-values
    "lisa_permutations": 9999,  # local Moran (LISA) cluster maps
    "monte_carlo_draws": 10000,  # robustness Monte Carlo over method choices
}

#: Statistic -> replications of a quick run (tests, ``gmindex notebooks --quick``).
QUICK = {
    "wild_bootstrap": 999,
    "moran_permutations": 199,
    "lisa_permutations": 199,
    "monte_carlo_draws": 200,
}
