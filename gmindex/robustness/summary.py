"""Outputs of the robustness Monte Carlo: rank intervals, orderings, gaps, sensitivity."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from gmindex.index import IndexResult
from gmindex.missing import apply_missing_rule
from gmindex.robustness.choices import (
    DEFAULT_CONCENTRATION,
    FACTORS,
    MISSING_CHOICES,
    _resolve_choices,
    _Space,
    baseline_choices,
)
from gmindex.robustness.engine import _Engine, _evaluate, _Evaluation, _prepare
from gmindex.robustness.systems import indicator_systems, ordering_shares



def _region_pairs(registry, scheme: str) -> list[tuple[str, str]]:
    order = registry.region_order(scheme)
    return [(a, b) for i, a in enumerate(order) for b in order[i + 1:]]


def _regional_means(ev: _Evaluation, scheme: str) -> tuple[np.ndarray, tuple, list]:
    """Simple mean score per draw, year and region: array (draws, years, regions)."""
    eng = ev.engine
    region = eng.grid.get_level_values("code").map(eng.registry.regions(scheme)).to_numpy()
    order = eng.registry.region_order(scheme)
    years = sorted(set(eng.grid_years.tolist()))
    out = np.full((ev.scores.shape[1], len(years), len(order)), np.nan)
    for t, year in enumerate(years):
        for r, name in enumerate(order):
            rows = (eng.grid_years == year) & (region == name)
            block = ev.scores[rows]
            count = (~np.isnan(block)).sum(axis=0)
            total = np.nansum(block, axis=0)
            out[:, t, r] = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return out, order, years


def _baseline_regional(baseline: IndexResult, scheme: str, order, years) -> np.ndarray:
    s = baseline.scores.assign(region=baseline.scores["code"].map(baseline.registry.regions(scheme)))
    means = s.groupby(["year", "region"])["score"].mean()
    return np.array([[means.get((y, r), np.nan) for r in order] for y in years])


def _chain(order: Sequence[str]) -> tuple[str, ...]:
    ecw = ("east", "central", "west")
    return ecw if all(r in order for r in ecw) else tuple(order)


def _outputs(ev: _Evaluation, baseline_rank: np.ndarray):
    """Per-draw outputs for sensitivity: matrix (draws x outputs) and its description."""
    eng = ev.engine
    meta, cols = [], []
    shift = np.abs(ev.ranks - baseline_rank[:, None])
    counted = ~np.isnan(shift)
    mean_shift = np.where(counted.any(axis=0), np.nansum(shift, axis=0) / np.maximum(counted.sum(axis=0), 1), np.nan)
    meta.append(("mean_rank_shift", "", pd.NA))
    cols.append(mean_shift)
    for scheme in eng.registry.schemes():
        means, order, years = _regional_means(ev, scheme)
        for a, b in _region_pairs(eng.registry, scheme):
            ia, ib = order.index(a), order.index(b)
            for t, year in enumerate(years):
                meta.append(("gap", f"{a} - {b} ({scheme})", year))
                cols.append(means[:, t, ia] - means[:, t, ib])
    codes = eng.grid.get_level_values("code")
    keep = ~np.isnan(ev.ranks).all(axis=1)
    for i in np.flatnonzero(keep):
        meta.append(("rank", codes[i], int(eng.grid_years[i])))
        cols.append(ev.ranks[i])
    frame = pd.DataFrame(meta, columns=["output", "target", "year"])
    frame["year"] = frame["year"].astype("Int64")
    return frame, np.column_stack(cols)


def first_order_shares(categories, outputs) -> np.ndarray:
    """First-order variance shares of discrete factors, estimated from a random sample.

    For a factor ``X`` with categories ``c`` and an output ``Y``:
    ``S = Var(E[Y | X]) / Var(Y)``, estimated by the between-category sum of
    squares over the total, with the small-sample correction
    ``(SSB - (k - 1) * SSW / (n - k)) / SST`` (epsilon squared, Kelley 1935),
    clipped to [0, 1].  For independent factors this is the first-order Sobol
    index of ``X``.  NaN outputs (a unit absent from a draw) are left out.

    Parameters
    ----------
    categories : array_like of int, shape (n,)
        Category of the factor in each draw.
    outputs : array_like, shape (n, q)

    Returns
    -------
    ndarray, shape (q,)
        NaN where the output does not vary.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.repeat([0, 1], 50)
    >>> y = np.column_stack([x * 2.0, np.tile([0.0, 1.0], 50)])
    >>> first_order_shares(x, y).round(3)
    array([1., 0.])
    """
    cat = np.asarray(categories).ravel()
    y = np.asarray(outputs, dtype=float)
    if y.ndim == 1:
        y = y[:, None]
    present = ~np.isnan(y)
    y0 = np.where(present, y, 0.0)
    levels, idx = np.unique(cat, return_inverse=True)
    idx = idx.ravel()
    # Masked sums per category, not a one-hot matrix product: a large BLAS call can
    # stall on a busy machine while its threads wait for cores.
    n_c = np.array([present[idx == c].sum(axis=0) for c in range(len(levels))], dtype=float)
    sum_c = np.array([y0[idx == c].sum(axis=0) for c in range(len(levels))])
    n = present.sum(axis=0)
    mean = y0.sum(axis=0) / np.maximum(n, 1)
    mean_c = sum_c / np.maximum(n_c, 1)
    ssb = (n_c * (mean_c - mean) ** 2).sum(axis=0)
    sst = (np.where(present, y - mean, 0.0) ** 2).sum(axis=0)
    k = (n_c > 0).sum(axis=0)
    ssw = sst - ssb
    with np.errstate(divide="ignore", invalid="ignore"):
        adj = (ssb - (k - 1) * ssw / np.maximum(n - k, 1)) / sst
        share = np.where(sst > 1e-12 * np.maximum(1.0, (y0 ** 2).sum(axis=0)), np.clip(adj, 0, 1), np.nan)
    return share


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class RobustnessResult:
    """Monte Carlo over method choices.

    Attributes
    ----------
    draws : DataFrame
        ``draw`` and the sampled value of each factor (``normalization,
        weighting, aggregation, shift, leave_out, missing``), plus ``config``
        (id of the discrete configuration) and ``mean_rank_shift`` (mean
        absolute change of rank against the baseline over all unit-years).
    rank_intervals : DataFrame
        ``code, name, year, baseline_rank, median, q05, q95, min, max,
        mean_abs_shift, n_draws``; quantiles are observed ranks (inverted CDF).
    orderings : DataFrame
        ``scheme, year, ordering, share, baseline_holds, n_draws``: share of
        draws in which the ordering of simple regional mean scores holds
        (``"east > central > west"`` and every pair of regions).
    gaps : DataFrame
        ``scheme, year, gap, baseline, mean, median, q05, q95, share_positive``
        of differences of regional mean scores.
    sensitivity : DataFrame
        ``output, target, year, factor, first_order``: first-order variance
        share of each varying factor (:func:`first_order_shares`) for the mean
        rank shift, every regional gap and every unit's rank.
    effects : DataFrame
        ``factor, value, draws, mean_rank_shift, share_east_central_west``
        (region3 chain, all years pooled): what each option does on average.
    choices : dict
        The choice space used: factor -> {value: probability}.
    baseline : IndexResult
    keys : DataFrame
        ``code, year`` of the rows of ``scores`` and ``ranks``.
    scores, ranks : ndarray, shape (rows, draws)
        NaN where a unit is absent under a draw's missing-data rule.
    seed : int
    concentration : float
    base_year : int
    notes : tuple of str
        What the choices did to the data (dead indicators, clipping, imputation).
    orderings_by_system : DataFrame
        ``year, ordering, varied, share, n_draws``: how often ``east >
        central``, ``central > west``, ``east > west`` and ``northeast last``
        (region4 means) hold across indicator systems with methods at the
        baseline (``varied="systems"``), across methods with the baseline
        system (``"methods"``) and jointly (``"both"``).  Empty unless
        ``monte_carlo(..., systems=...)``.
    systems : dict
        Indicator system name -> spec id (empty without ``systems=``).
    system_draws : DataFrame
        ``draw, system`` and the factors of the joint draws (``varied="both"``).
    """

    draws: pd.DataFrame
    rank_intervals: pd.DataFrame
    orderings: pd.DataFrame
    gaps: pd.DataFrame
    sensitivity: pd.DataFrame
    effects: pd.DataFrame
    choices: Mapping[str, Mapping[Any, float]]
    baseline: IndexResult = field(repr=False)
    keys: pd.DataFrame = field(repr=False)
    scores: np.ndarray = field(repr=False)
    ranks: np.ndarray = field(repr=False)
    seed: int = 12345
    concentration: float = DEFAULT_CONCENTRATION
    base_year: int = 2016
    notes: tuple[str, ...] = ()
    orderings_by_system: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    systems: Mapping[str, str] = field(default_factory=dict)
    system_draws: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def __repr__(self) -> str:
        return (
            f"RobustnessResult({len(self.draws)} draws, seed={self.seed}, "
            f"{self.keys['code'].nunique()} units, factors varied: "
            f"{[f for f in FACTORS if len(self.choices[f]) > 1]})"
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        """The result tables by file stem, for writers (``gmindex.io.writers.write_table``).

        Examples
        --------
        >>> from gmindex.datasets import load_default_panel, load_default_spec
        >>> from gmindex.index import build_index
        >>> base = build_index(load_default_panel(), load_default_spec())
        >>> sorted(monte_carlo(base, draws=10, seed=0).tables())[:3]
        ['robustness_draws', 'robustness_effects', 'robustness_gaps']
        """
        return {
            "robustness_draws": self.draws,
            "robustness_rank_intervals": self.rank_intervals,
            "robustness_orderings": self.orderings,
            "robustness_gaps": self.gaps,
            "robustness_sensitivity": self.sensitivity,
            "robustness_sensitivity_summary": self.sensitivity_frame(),
            "robustness_effects": self.effects,
            **({"robustness_orderings_by_system": self.orderings_by_system}
               if len(self.orderings_by_system) else {}),
        }

    def metadata(self) -> dict[str, Any]:
        """JSON-ready record: draws, seed, choice space, concentration, base year, notes."""
        return {
            "draws": int(len(self.draws)),
            "seed": int(self.seed),
            "choices": {f: {str(v): p for v, p in vals.items()} for f, vals in self.choices.items()},
            "concentration": self.concentration if math.isfinite(self.concentration) else "inf",
            "base_year": int(self.base_year),
            "baseline_options": {k: v for k, v in self.baseline.provenance["options"].items()},
            "baseline_data_sha256": self.baseline.provenance["data_sha256"],
            "baseline_spec_sha256": self.baseline.provenance["spec_sha256"],
            "notes": list(self.notes),
            **({"systems": dict(self.systems), "system_draws": int(len(self.system_draws)),
                "system_seed": int(self.seed),
                "system_design": "systems: one evaluation per system with the baseline methods; "
                                 "methods: the main draws; both: system_draws draws, system "
                                 "uniform, methods from the choice space"}
               if self.systems else {}),
        }

    def ranks_long(self) -> pd.DataFrame:
        """Long table ``draw, code, year, score, rank`` (units absent from a draw left out)."""
        n_rows, n_draws = self.ranks.shape
        out = pd.DataFrame({
            "draw": np.tile(np.arange(n_draws), n_rows),
            "code": np.repeat(self.keys["code"].to_numpy(), n_draws),
            "year": np.repeat(self.keys["year"].to_numpy(), n_draws),
            "score": self.scores.ravel(),
            "rank": self.ranks.ravel(),
        })
        out = out[out["rank"].notna()].reset_index(drop=True)
        out["rank"] = out["rank"].astype(int)
        return out

    def rank_uncertainty_frame(self, *, year: int | None = None, lang: str = "en") -> pd.DataFrame:
        """Data of the rank-uncertainty figure for one year (default: the last).

        Columns ``code, name, region, median, lo, hi, baseline`` (lo/hi = 5% and
        95% quantiles), sorted by median rank then baseline rank.
        """
        ri = self.rank_intervals
        year = int(ri["year"].max()) if year is None else int(year)
        if year not in set(ri["year"]):
            raise ValueError(f"year {year} is not in the results ({sorted(set(ri['year']))})")
        sel = ri[ri["year"] == year]
        reg = self.baseline.registry
        scheme = "region4" if "region4" in reg.schemes() else (reg.schemes() or [None])[0]
        out = pd.DataFrame({
            "code": sel["code"].to_numpy(),
            "name": sel["code"].map(reg.labels(lang)).to_numpy(),
            "region": sel["code"].map(reg.regions(scheme)).to_numpy() if scheme else pd.NA,
            "median": sel["median"].to_numpy(),
            "lo": sel["q05"].to_numpy(),
            "hi": sel["q95"].to_numpy(),
            "baseline": sel["baseline_rank"].to_numpy(),
        })
        return out.sort_values(["median", "baseline"], kind="stable").reset_index(drop=True)

    def sensitivity_frame(self) -> pd.DataFrame:
        """Data of the sensitivity bar chart: mean first-order share per factor and output.

        Columns ``factor, output, first_order``.  Outputs: ``"rank"`` (mean over
        units and years), ``"mean_rank_shift"``, ``"gap east - west"`` (region3 if
        present, mean over years).  The factor ``"not explained by one factor"``
        holds 1 minus the sum: interactions plus the Dirichlet weight noise.
        """
        s = self.sensitivity
        groups = {
            "rank": s["output"] == "rank",
            "mean_rank_shift": s["output"] == "mean_rank_shift",
        }
        ew = s["target"].isin(["east - west (region3)"]) if (s["target"] == "east - west (region3)").any() \
            else s["target"].str.startswith("east - west")
        groups["gap east - west"] = (s["output"] == "gap") & ew
        rows = []
        for name, mask in groups.items():
            wide = s[mask].pivot_table(index=["target", "year"], columns="factor",
                                       values="first_order", dropna=False, sort=False)
            # Outputs that do not vary (NaN shares) are left out of the averages.
            wide = wide.dropna()
            if wide.empty:
                continue
            for factor in [f for f in FACTORS if f in wide.columns]:
                rows.append((factor, name, float(wide[factor].mean())))
            # Interactions plus the Dirichlet weight noise: the bars of one output add up to 1.
            rows.append(("not explained by one factor", name, float((1 - wide.sum(axis=1)).mean())))
        return pd.DataFrame(rows, columns=["factor", "output", "first_order"])

    def summary(self) -> str:
        """A few lines in plain words: most influential factor, ordering shares, widest ranks."""
        lines = [repr(self)]
        sf = self.sensitivity_frame()
        for output in ("rank", "gap east - west"):
            part = sf[(sf["output"] == output) & (sf["factor"] != "not explained by one factor")]
            if len(part) and part["first_order"].notna().any():
                top = part.loc[part["first_order"].idxmax()]
                lines.append(f"largest first-order share for {output}: {top['factor']} ({top['first_order']:.2f})")
        chain = self.orderings[self.orderings["ordering"].str.count(">") >= 2]
        for row in chain.itertuples():
            lines.append(f"{row.scheme} {row.year}: {row.ordering} in {row.share:.1%} of draws "
                         f"(baseline {'holds' if row.baseline_holds else 'does not hold'})")
        width = (self.rank_intervals["q95"] - self.rank_intervals["q05"])
        wide = self.rank_intervals.loc[width.nlargest(3).index]
        for row in wide.itertuples():
            lines.append(f"widest 90% rank interval: {row.name} {row.year} {int(row.q05)}-{int(row.q95)}"
                         f" (baseline {row.baseline_rank})")
        obs = self.orderings_by_system
        if len(obs):
            last = int(obs["year"].max())
            for name, part in obs[obs["year"] == last].groupby("ordering", sort=False):
                shares = ", ".join(f"{r.varied} {r.share:.1%}" for r in part.itertuples())
                lines.append(f"{last} {name} (region4), share of draws: {shares}")
        return "\n".join(lines + [f"note: {n}" for n in self.notes])


def monte_carlo(
    source,
    *,
    draws: int = 1000,
    seed: int = 12345,
    choices: Mapping[str, Any] | None = None,
    concentration: float = DEFAULT_CONCENTRATION,
    base_year: int | None = None,
    progress: bool = False,
    systems: bool | Mapping[str, Any] = False,
) -> RobustnessResult:
    """Monte Carlo over method choices: rank intervals, regional orderings, sensitivity.

    Parameters
    ----------
    source : IndexResult or tuple (panel, spec[, registry])
        The baseline: its panel, spec, registry and years are used, and its
        ranks are the reference.  Its other options (hierarchy, pillar
        weighting and floor, weight cap) stay fixed in every draw; user
        weights and fixed goalposts other than one base year are not supported.
    draws : int
        Number of draws.
    seed : int
        Seed of the numpy Generator; the only source of randomness.
    choices : mapping, optional
        Override factors of :func:`default_choices`: ``factor -> value``,
        ``-> [values]`` (uniform) or ``-> {value: probability}``.
        :func:`baseline_choices` fixes every factor at the baseline.
    concentration : float
        Dirichlet concentration of ``weighting="perturbed_entropy"``; ``inf``
        gives the entropy weights.
    base_year : int, optional
        Base year of ``normalization="fixed"`` (default: the first year).
    progress : bool
        Show a progress bar over configurations.
    systems : bool or mapping of str to Spec
        Also vary the indicator system (:func:`indicator_systems`): ``True``
        for the systems of the baseline spec (each pillar left out, optional
        indicators out, each ``[[alternative]]`` swapped in), a mapping to add
        whole specs, e.g. ``{"alternative": read_spec("data/spec_alternative.toml")}``.
        Fills ``orderings_by_system`` and ``system_draws``; the joint design
        takes ``draws`` more draws from the same generator, after the main ones.

    Returns
    -------
    RobustnessResult

    Notes
    -----
    Draw ``d`` takes a point ``u_d`` of the unit cube (one coordinate per
    factor, from ``numpy.random.default_rng(seed)``), mapped to categories by
    the cumulative probabilities, and ``m`` more uniforms for the Dirichlet
    weights.  Rank 1 is the highest score within a year (ties share the
    smaller rank), as in :func:`gmindex.index.build_index`.  Scores of
    different aggregations are on different scales (TOPSIS closeness versus a
    weighted sum), so gap levels move with the aggregation; orderings and ranks
    do not depend on the scale.

    References
    ----------
    Saisana, Saltelli & Tarantola (2005), uncertainty and sensitivity analysis
    of composite indicators; OECD/JRC Handbook on Constructing Composite
    Indicators (2008), step 7.
    """
    if int(draws) < 1:
        raise ValueError("draws must be a positive integer")
    draws = int(draws)
    extra = systems if isinstance(systems, Mapping) else None
    named = None
    if systems is not False and systems is not None:
        base_spec = source.spec if isinstance(source, IndexResult) else source[1]
        named = indicator_systems(base_spec, extra)
    engine, space = _prepare(source, choices=choices, concentration=concentration,
                             base_year=base_year, systems=named)
    rng = np.random.default_rng(seed)
    unit = rng.random((draws, len(FACTORS)))
    weight_unit = rng.random((draws, len(engine.ids)))
    ev = _evaluate(engine, space, unit, weight_unit, progress=progress)
    result = _summarise(ev, seed=seed)
    if named is None:
        return result
    return _with_systems(result, engine, space, ev, rng, draws)


def _with_systems(result, engine: _Engine, space: _Space, ev: _Evaluation, rng, draws: int):
    """Add the indicator-system designs (systems alone, jointly with methods) to a result."""
    import dataclasses

    names = list(engine.systems)
    # Drawn after the main draws, so that the main results do not depend on `systems`.
    pick = rng.integers(len(names), size=draws)
    unit = rng.random((draws, len(FACTORS)))
    weight_unit = rng.random((draws, len(engine.all_ids)))
    both = _evaluate(engine, space, unit, weight_unit, systems=np.asarray(names, dtype=object)[pick])
    fixed = _resolve_choices(baseline_choices(engine.baseline), engine.spec,
                             hierarchy=engine.baseline.options["hierarchy"])
    alone = _evaluate(engine, fixed, np.zeros((len(names), len(FACTORS))),
                      np.full((len(names), len(engine.all_ids)), 0.5), systems=np.asarray(names, dtype=object))
    if "region4" not in engine.registry.schemes():
        table = pd.DataFrame(columns=["year", "ordering", "varied", "share", "n_draws"])
    else:
        designs = {}
        for label, e in (("systems", alone), ("methods", ev), ("both", both)):
            means, order, years = _regional_means(e, "region4")
            designs[label] = (means, years)
        table = ordering_shares(designs, order)
    sdraws = pd.DataFrame({"draw": np.arange(draws), "system": both.systems.astype(str)})
    for k, f in enumerate(FACTORS):
        col = np.asarray(space.values[f], dtype=object)[both.categories[:, k]]
        sdraws[f] = col.astype(float) if f == "shift" else col.astype(str)
    notes = tuple(dict.fromkeys(list(result.notes) + list(engine.notes)))
    return dataclasses.replace(
        result, orderings_by_system=table, system_draws=sdraws, notes=notes,
        systems={n: s.id for n, s in engine.systems.items()},
    )


def _summarise(ev: _Evaluation, *, seed: int) -> RobustnessResult:
    eng, space = ev.engine, ev.space
    baseline = eng.baseline
    grid_keys = eng.grid.to_frame(index=False)
    base = baseline.scores.set_index(["code", "year"])
    baseline_rank = base["rank"].reindex(eng.grid).to_numpy(dtype=float)

    meta, outputs = _outputs(ev, baseline_rank)
    draws_frame = pd.DataFrame({"draw": np.arange(ev.categories.shape[0])})
    for k, f in enumerate(FACTORS):
        draws_frame[f] = np.asarray(space.values[f], dtype=object)[ev.categories[:, k]]
        if f == "shift":
            draws_frame[f] = draws_frame[f].astype(float)
        else:
            draws_frame[f] = draws_frame[f].astype("str")
    draws_frame["config"] = ev.config_id
    draws_frame["mean_rank_shift"] = outputs[:, 0]

    keep = ~np.isnan(ev.ranks).all(axis=1)
    ranks, scores = ev.ranks[keep], ev.scores[keep]
    keys = grid_keys[keep].reset_index(drop=True)
    q = np.nanquantile(ranks, [0.5, 0.05, 0.95], axis=1, method="inverted_cdf")
    shift = np.abs(ranks - baseline_rank[keep][:, None])
    counted = ~np.isnan(shift)
    labels = eng.registry.labels("en")
    rank_intervals = pd.DataFrame({
        "code": keys["code"],
        "name": keys["code"].map(labels).to_numpy(),
        "year": keys["year"].astype(int),
        "baseline_rank": pd.array(np.where(np.isnan(baseline_rank[keep]), pd.NA, baseline_rank[keep]),
                                  dtype="Int64"),
        "median": q[0], "q05": q[1], "q95": q[2],
        "min": np.nanmin(ranks, axis=1), "max": np.nanmax(ranks, axis=1),
        "mean_abs_shift": np.where(counted.any(axis=1), np.nansum(shift, axis=1) / np.maximum(counted.sum(axis=1), 1), np.nan),
        "n_draws": (~np.isnan(ranks)).sum(axis=1),
    })

    order_rows, gap_rows = [], []
    for scheme in eng.registry.schemes():
        means, order, years = _regional_means(ev, scheme)
        base_means = _baseline_regional(baseline, scheme, order, years)
        chain = _chain(order)
        idx = [order.index(r) for r in chain]
        for t, year in enumerate(years):
            holds = np.ones(means.shape[0], dtype=bool)
            base_holds = True
            for a, b in zip(idx, idx[1:]):
                holds &= means[:, t, a] > means[:, t, b]
                base_holds &= bool(base_means[t, a] > base_means[t, b])
            order_rows.append((scheme, year, " > ".join(chain), holds.mean(), base_holds, len(holds)))
            for a, b in _region_pairs(eng.registry, scheme):
                ia, ib = order.index(a), order.index(b)
                gap = means[:, t, ia] - means[:, t, ib]
                ok = ~np.isnan(gap)
                g = gap[ok]
                order_rows.append((scheme, year, f"{a} > {b}", float((g > 0).mean()),
                                   bool(base_means[t, ia] > base_means[t, ib]), int(ok.sum())))
                gap_rows.append((scheme, year, f"{a} - {b}", base_means[t, ia] - base_means[t, ib],
                                 g.mean(), np.median(g), np.quantile(g, 0.05), np.quantile(g, 0.95),
                                 float((g > 0).mean())))
    orderings = pd.DataFrame(order_rows, columns=["scheme", "year", "ordering", "share",
                                                  "baseline_holds", "n_draws"])
    gaps = pd.DataFrame(gap_rows, columns=["scheme", "year", "gap", "baseline", "mean", "median",
                                           "q05", "q95", "share_positive"])

    sens = []
    for k, f in enumerate(FACTORS):
        if len(np.unique(ev.categories[:, k])) < 2:
            continue
        shares = first_order_shares(ev.categories[:, k], outputs)
        sens.append(meta.assign(factor=f, first_order=shares))
    sensitivity = (pd.concat(sens, ignore_index=True) if sens else
                   meta.iloc[:0].assign(factor=pd.Series(dtype="str"), first_order=pd.Series(dtype=float)))

    chain_share = np.zeros(len(draws_frame))
    if "region3" in eng.registry.schemes():
        means, order, _ = _regional_means(ev, "region3")
        idx = [order.index(r) for r in _chain(order)]
        ok = np.ones(means.shape[:2], dtype=bool)
        for a, b in zip(idx, idx[1:]):
            ok &= means[:, :, a] > means[:, :, b]
        chain_share = ok.mean(axis=1)
    eff = draws_frame.assign(_chain=chain_share)
    effect_rows = []
    for f in FACTORS:
        if eff[f].nunique() < 2:
            continue
        g = eff.groupby(f, sort=False)
        part = pd.DataFrame({
            "factor": f,
            "value": [str(v) for v in g.size().index],
            "draws": g.size().to_numpy(),
            "mean_rank_shift": g["mean_rank_shift"].mean().to_numpy(),
            "share_east_central_west": g["_chain"].mean().to_numpy()
            if "region3" in eng.registry.schemes() else np.nan,
        })
        effect_rows.append(part)
    effects = (pd.concat(effect_rows, ignore_index=True) if effect_rows else
               pd.DataFrame(columns=["factor", "value", "draws", "mean_rank_shift", "share_east_central_west"]))

    notes = list(eng.notes) + _missing_notes(eng, space)
    return RobustnessResult(
        draws=draws_frame,
        rank_intervals=rank_intervals,
        orderings=orderings,
        gaps=gaps,
        sensitivity=sensitivity,
        effects=effects,
        choices=space.as_dict(),
        baseline=baseline,
        keys=keys,
        scores=scores,
        ranks=ranks,
        seed=seed,
        concentration=eng.concentration,
        base_year=eng.base_year,
        notes=tuple(dict.fromkeys(notes)),
    )


def _missing_notes(eng: _Engine, space: _Space) -> list[str]:
    """Say what the missing-data factor can and cannot vary on these data."""
    cells = eng.raw.isna()
    if not cells.any().any():
        return ["no indicator cell is missing: the missing-data factor has no effect"]
    per_unit = cells.groupby(level="code").sum().sum(axis=1)
    units = per_unit[per_unit > 0]
    text = (f"{int(cells.to_numpy().sum())} indicator cell(s) missing, in unit(s) "
            + ", ".join(f"{c} ({n})" for c, n in units.items())
            + f"; the other {int((per_unit == 0).sum())} units are complete")
    notes = [text]
    if len(space.values["missing"]) == 1:
        notes.append(f"missing-data rule fixed at {space.values['missing'][0]!r}; other rules "
                     "change only whether the units above are kept (pass choices={'missing': [...]})")
    for rule in MISSING_CHOICES:
        r, _, imp = rule.partition(":")
        try:
            apply_missing_rule(eng.raw, rule=r, impute=imp or "none")
        except ValueError as exc:
            notes.append(f"missing={rule} cannot be applied to these data: {str(exc)[:120]}...")
    return notes

