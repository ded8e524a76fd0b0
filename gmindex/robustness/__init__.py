"""Robustness of the index to method choices and indicator systems: a seeded Monte Carlo (METHODS.md section 6).

Every draw picks one option for each *factor* below, builds the index with
those options and ranks the units within each year.  The result gives rank intervals, how often the
east > central > west ordering holds, the distribution of regional gaps and
which factor moves the results most.

Choice space (``default_choices``; each factor drawn independently, uniform
over its values unless stated):

``normalization``
    ``"pooled"``, ``"per_year"``, ``"fixed"`` (bounds and entropy reference
    set from the base year, ``base_year=`` (default: the first year, 2016)).
``weighting``
    ``"entropy"`` (over the normalisation's reference set), ``"entropy_per_year"``,
    ``"equal"``, ``"critic"``, ``"perturbed_entropy"``: Dirichlet weights
    centred on the entropy weights, ``w ~ Dirichlet(c * w_entropy)`` with
    concentration ``c`` (``concentration=``, default 100: ``sd(w_j) =
    sqrt(w_j (1 - w_j) / (c + 1))``, about 0.03 for a weight of 1/8).
    ``c = inf`` gives the entropy weights exactly.  With a hierarchical
    baseline (``hierarchy="pillar"``) these are the weightings within
    pillars, the pillar rule stays the baseline's, ``entropy_per_year`` is
    left out and the Dirichlet draws perturb the effective weights.
``aggregation``
    ``"sum"`` (weighted sum), ``"topsis"``.
``shift``
    ``0``, ``0.0001``, ``0.01`` added before the entropy shares (acts on the
    entropy-based weightings only).
``leave_out``
    ``"none"`` with probability 1/2; otherwise one of ``"indicator:<id>"``
    (each indicator) or ``"pillar:<id>"`` (each pillar with two or more
    indicators; dropping a one-indicator pillar is the same as dropping its
    indicator), with equal probability.
``missing``
    The spec's rule only (``"drop_unit"`` by default).  On the default data
    the 30 provinces are complete in 2016-2020 and every missing cell belongs
    to Tibet (54), which has no energy, industrial value added or SO2 data in
    any year: ``"impute:linear"`` and ``"impute:unit_mean"`` cannot fill it,
    ``"impute:year_mean"`` would invent five of its eight indicators from
    other provinces' means, and ``"drop_indicator"`` would drop those five
    indicators for everyone.  Pass them in ``choices`` to include them anyway.

``systems`` (optional, :mod:`gmindex.robustness.systems`)
    The indicator system: the spec itself, each pillar left out, optional
    indicators out, each ``[[alternative]]`` swapped in, whole specs from the
    caller; ``result.orderings_by_system`` says how often the regional
    orderings hold across systems, across methods and jointly.

Every configuration runs the stage functions of :func:`gmindex.index.run_stages`
(the same code as :func:`gmindex.index.build_index`).  Draws are grouped by their discrete configuration; each configuration's
normalised matrix and weights are computed once, and the scores of all its
draws are one matrix product (Dirichlet draws) or one column (fixed weights).
TOPSIS is vectorised over draws through ``max_i(w_j z_ij) = w_j max_i z_ij``
for non-negative weights.

Examples
--------
>>> from gmindex.datasets import load_default_panel, load_default_spec
>>> from gmindex.index import build_index
>>> base = build_index(load_default_panel(), load_default_spec())
>>> mc = monte_carlo(base, draws=200, seed=1)
>>> mc.rank_intervals.columns[:6].tolist()
['code', 'name', 'year', 'baseline_rank', 'median', 'q05']
>>> same = monte_carlo(base, draws=20, seed=1, choices=baseline_choices(base))
>>> bool((same.rank_intervals["median"] == same.rank_intervals["baseline_rank"]).all())
True
"""

from __future__ import annotations

from gmindex.robustness.choices import (
    AGGREGATION_CHOICES,
    DEFAULT_CONCENTRATION,
    DEFAULT_SHIFTS,
    FACTORS,
    MISSING_CHOICES,
    NORMALIZATION_CHOICES,
    WEIGHTING_CHOICES,
    baseline_choices,
    default_choices,
)
from gmindex.robustness.engine import (
    _Engine,
    _evaluate,
    _prepare,
    dirichlet_from_uniforms,
    topsis_many,
)
from gmindex.robustness.plots import plot_rank_uncertainty, plot_sensitivity
from gmindex.robustness.summary import RobustnessResult, _outputs, first_order_shares, monte_carlo
from gmindex.robustness.systems import ORDERINGS, indicator_systems, ordering_shares

__all__ = [
    "AGGREGATION_CHOICES",
    "FACTORS",
    "MISSING_CHOICES",
    "NORMALIZATION_CHOICES",
    "ORDERINGS",
    "WEIGHTING_CHOICES",
    "RobustnessResult",
    "baseline_choices",
    "default_choices",
    "dirichlet_from_uniforms",
    "first_order_shares",
    "indicator_systems",
    "monte_carlo",
    "ordering_shares",
    "plot_rank_uncertainty",
    "plot_sensitivity",
    "topsis_many",
]
