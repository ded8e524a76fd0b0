"""The paper toolkit: the tables and figures a regional green-development study reports.

One concept per module, each a set of plain functions on arrays or tidy frames
with a thin result object that records its options (seeds, permutations,
discretisation):

========================  ===================================================
module                    what
========================  ===================================================
``obstacle``              obstacle degree (障碍度) of indicators and pillars
``coupling``              coupling coordination degree (耦合协调度)
``markov``                classic and spatial Markov chains (giddy)
``spatial_convergence``   spatial β convergence (spreg lag / error / Durbin)
``centrography``          score-weighted centre of gravity and deviational ellipse
``geodetector``           factor detector q statistic with its F test
``weighting``             CV, SD, MEREC, Gini and AHP weights; combination rules
``aggregation``           geometric, Mazziotta–Pareto and grey relational TOPSIS
``dynamics``              Moran's I by pillar, bivariate Moran and LISA
``figures``               Dagum lines, 3-D kernel density, Moran by year, radar ...
``tables``                Dagum paper table, score-and-rank table (LaTeX/XLSX/Word)
``report``                :func:`paper_tables`: everything above on one index result
========================  ===================================================

Modules are imported on use, so ``import gmindex.paper`` loads no heavy library.
"""
