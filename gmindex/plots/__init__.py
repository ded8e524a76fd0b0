"""Study figures as package functions (axes in, axes out), in English and Chinese.

Modules: :mod:`~gmindex.plots.distribution` (kernel densities, dispersion,
changes by region), :mod:`~gmindex.plots.diagnostics` (coverage heat maps,
Moran scatterplot, robustness orderings), :mod:`~gmindex.plots.checks`
(label placement, overlap and clipping checks) and
:mod:`~gmindex.plots.contact` (contact sheet), :mod:`~gmindex.plots.weights`
(indicator weights by pillar colour, weighting remedies),
:mod:`~gmindex.plots.regional` (regional means, change by
pillar), :mod:`~gmindex.plots.robustness` (rank intervals, first-order
variance shares), :mod:`~gmindex.plots.scores` (weights, scores, pillar contributions, rank
comparison).  Style, names and colours come
from :mod:`gmindex.figstyle`; maps are in :mod:`gmindex.maps`.
"""

from __future__ import annotations

from gmindex.plots.checks import overlapping_texts, place_labels, texts_outside_figure
from gmindex.plots.contact import contact_sheet
from gmindex.plots.diagnostics import coverage_heatmap, moran_scatter, orderings_plot
from gmindex.plots.distribution import change_box_plot, kde_by_region_plot, kde_plot, sigma_plot
from gmindex.plots.regional import pillar_change_plot, regional_means_plot
from gmindex.plots.robustness import rank_intervals_plot, sensitivity_plot
from gmindex.plots.scores import (
    pillar_contributions_plot,
    rank_comparison_plot,
    scores_first_last_plot,
    weights_bar_plot,
)
from gmindex.plots.weights import indicator_names, weights_per_year_plot, weights_remedies_plot

__all__ = [
    "change_box_plot",
    "contact_sheet",
    "coverage_heatmap",
    "indicator_names",
    "kde_by_region_plot",
    "kde_plot",
    "moran_scatter",
    "orderings_plot",
    "overlapping_texts",
    "pillar_change_plot",
    "pillar_contributions_plot",
    "place_labels",
    "rank_comparison_plot",
    "rank_intervals_plot",
    "regional_means_plot",
    "scores_first_last_plot",
    "sensitivity_plot",
    "sigma_plot",
    "texts_outside_figure",
    "weights_bar_plot",
    "weights_per_year_plot",
    "weights_remedies_plot",
]
