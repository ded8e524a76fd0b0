"""Figures of the paper toolkit; every function takes ``ax`` and returns it.

Colours and names come from :mod:`gmindex.figstyle` (one colour and one
English/Chinese name per region and pillar); no titles are drawn inside the
image.  Draw inside :func:`gmindex.figstyle.style_context` and save with
:func:`gmindex.figstyle.save_figure` (Type 42 PDF fonts, editable SVG text).

- :func:`dagum_lines` — within-region G_jj, between-region G_jh or the
  contribution shares (%) by year.
- :func:`kde_surface` — 3-D kernel density (score × year × density) for the
  nation or one region; the bandwidth rule is written on the axes and a
  warning is drawn when the group has fewer than 5 units.
- :func:`moran_by_year` — Moran's I by year with its permutation p-value.
- :func:`radar` — pillar scores by region on a polar axes.
- :func:`obstacle_bars` — national mean obstacle degree of each indicator or pillar
  (:func:`obstacle_lines` counts the lines of its wrapped names, for the height).
- :func:`centre_trajectory` — centres of gravity and ellipses on a map axes.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> from gmindex.datasets import load_inputs
>>> from gmindex.index import build_index
>>> from gmindex.disparity.dagum import dagum_by_year
>>> from gmindex.paper.tables import dagum_table
>>> t = dagum_table(dagum_by_year(build_index(*load_inputs()).scores))
>>> fig, ax = plt.subplots()
>>> dagum_lines(t, kind="within", ax=ax) is ax
True
>>> plt.close(fig)
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

__all__ = ["centre_trajectory", "dagum_lines", "kde_surface", "moran_by_year", "obstacle_bars",
           "obstacle_lines", "quiet_spokes", "radar"]

_WORDS = {
    "en": {"within": "Within-region Gini", "between": "Between-region Gini",
           "shares": "Contribution (%)", "G_w": "Within regions", "G_nb": "Between regions (net)",
           "G_t": "Transvariation", "moran": "Moran's I", "p": "p = {p:.3f}",
           "bw": "Bandwidth: {rule}", "obstacle": "Obstacle degree (%)",
           "national": "National", "perm": "{n} permutations"},
    "zh": {"within": "区域内基尼系数", "between": "区域间基尼系数", "shares": "贡献率 (%)",
           "G_w": "区域内差异", "G_nb": "区域间净差异", "G_t": "超变密度", "moran": "莫兰指数",
           "p": "p = {p:.3f}", "bw": "带宽：{rule}", "obstacle": "障碍度 (%)",
           "national": "全国", "perm": "{n} 次置换"},
}


def _w(key: str, lang: str, **fmt) -> str:
    return _WORDS[lang][key].format(**fmt)


def _ax(ax, **kw):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(**kw)
    return ax


def dagum_lines(table: pd.DataFrame, *, kind: str = "within", ax=None, lang: str = "en",
                scheme: str = "region4", registry=None, legend: bool = True):
    """Lines by year from :func:`gmindex.paper.tables.dagum_table`.

    Parameters
    ----------
    kind : {"within", "between", "shares"}
        G_jj per region, G_jh per pair, or the contribution shares (%).
    legend : bool
        Draw the legend inside the axes; ``False`` leaves it to the caller
        (e.g. a figure legend outside the plot area).
    """
    from gmindex.figstyle import PILLAR_PALETTE, region_colors, region_name, text

    ax = _ax(ax)
    years = table["year"].to_numpy()
    markers = "osD^vP*X"
    if kind == "within":
        regions = [c[2:] for c in table.columns if c.startswith("G_") and "-" not in c
                   and c not in ("G_w", "G_nb", "G_t") and not c.endswith("_pct")]
        colours = region_colors(regions=regions)
        for i, r in enumerate(regions):
            ax.plot(years, table[f"G_{r}"], marker=markers[i % 8], color=colours[r],
                    label=region_name(r, lang))
        ax.set_ylabel(_w("within", lang))
    elif kind == "between":
        pairs = [c for c in table.columns if c.startswith("G_") and "-" in c]
        for i, c in enumerate(pairs):
            a, b = c[2:].split("-")
            ax.plot(years, table[c], marker=markers[i % 8], color=PILLAR_PALETTE[i % 9],
                    label=f"{region_name(a, lang)}–{region_name(b, lang)}")
        ax.set_ylabel(_w("between", lang))
    elif kind == "shares":
        for i, c in enumerate(("G_w", "G_nb", "G_t")):
            ax.plot(years, table[f"{c}_pct"], marker=markers[i], color=PILLAR_PALETTE[i],
                    label=_w(c, lang))
        ax.set_ylabel(_w("shares", lang))
    else:
        raise ValueError(f"kind must be 'within', 'between' or 'shares', got {kind!r}")
    ax.set_xticks(years)
    ax.set_xlabel(text("year", lang))
    if legend:
        ax.legend(frameon=False, fontsize="small", ncols=2 if kind == "between" else 1)
    return ax


def kde_surface(scores: pd.DataFrame, *, region: str | None = None, scheme: str = "region4",
                registry=None, ax=None, lang: str = "en", bw_method: str = "scott",
                grid: int = 120, value: str = "score", min_n: int = 5):
    """3-D kernel density surface: score (x) × year (y) × density (z).

    Parameters
    ----------
    region : str, optional
        One region of ``scheme``; default the nation.
    ax : Axes3D, optional
        A 3-D axes (``projection="3d"``); created if absent.
    bw_method : {"scott", "silverman"} or float
        Gaussian kernel bandwidth rule (:func:`gmindex.density.kde_by_group`),
        written on the axes.
    min_n : int
        Fewer units than this in the group draws a warning on the axes.
    """
    from gmindex.density import kde_by_group
    from gmindex.figstyle import region_colors, region_name, text
    from gmindex.provinces import default_registry

    reg = registry or default_registry()
    s = scores.copy()
    if region is not None:
        s = s[s["code"].map(reg.regions(scheme)) == region]
        if s.empty:
            raise ValueError(f"no units of region {region!r} in scheme {scheme!r}")
    lo, hi = float(scores[value].min()), float(scores[value].max())
    pts = np.linspace(max(0.0, lo - 0.1 * (hi - lo)), min(1.0, hi + 0.1 * (hi - lo)), grid)
    dens = kde_by_group(s, by=("year",), value=value, grid=pts, bw_method=bw_method)
    wide = dens.pivot(index="year", columns="x", values="density")
    if ax is None:
        import matplotlib.pyplot as plt

        fig = plt.figure()
        ax = fig.add_subplot(projection="3d")
    X, Y = np.meshgrid(wide.columns.to_numpy(float), wide.index.to_numpy(float))
    colour = region_colors(regions=[region])[region] if region else "#4D4D4D"
    ax.plot_surface(X, Y, wide.to_numpy(float), color=colour, alpha=0.75, linewidth=0.2,
                    edgecolor="#333333", rstride=1, cstride=4, shade=True)
    ax.set_xlabel(text("score", lang), labelpad=-4)
    ax.set_ylabel(text("year", lang), labelpad=-2)
    ax.set_zlabel(text("density", lang), labelpad=-4)
    ys = wide.index.to_numpy()
    ax.set_yticks(ys[:: max(1, len(ys) // 3)])
    ax.tick_params(pad=-2, labelsize="small")
    ax.view_init(elev=28, azim=-58)
    n = int(s["code"].nunique())
    name = region_name(region, lang) if region else _w("national", lang)
    sep = "，" if lang == "zh" else ", "
    note = f"{name}{sep}{text('n_units', lang, n=n)}\n{_w('bw', lang, rule=bw_method)}"
    warn = text("small_group", lang, groups=name, min_n=min_n) if n < min_n else None
    # One block at the top left, on a white ground so the panes' grid does not cross it.
    ax.text2D(0.0, 1.0, note, transform=ax.transAxes, fontsize="small", va="top",
              gid="kde-note", bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
    if warn is not None:
        ax.text2D(0.0, 0.9, warn, transform=ax.transAxes, fontsize="small", va="top",
                  color="#B00000", gid="small-group-note",
                  bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
    return ax


def moran_by_year(morans: pd.DataFrame, *, ax=None, lang: str = "en", p_column: str = "p_sim",
                  label: str | None = None, color: str = "#4D4D4D", annotate: bool = True):
    """Moran's I by year (from :func:`gmindex.spatial.morans_i_by_year`) with p-values.

    Filled markers: p < 0.05; open markers otherwise.  The permutation count
    is written on the axes; ``annotate=False`` leaves out the p-value labels
    (several series on one axes).
    """
    from gmindex.figstyle import text

    ax = _ax(ax)
    m = morans.dropna(subset=["I"]).sort_values("year")
    ax.plot(m["year"], m["I"], color=color, label=label)
    sig = m[p_column] < 0.05
    ax.scatter(m.loc[sig, "year"], m.loc[sig, "I"], color=color, zorder=3)
    ax.scatter(m.loc[~sig, "year"], m.loc[~sig, "I"], facecolor="white", edgecolor=color, zorder=3)
    for y, i, p in zip(m["year"], m["I"], m[p_column]) if annotate else ():
        ax.annotate(_w("p", lang, p=p), (y, i), textcoords="offset points", xytext=(0, 6),
                    ha="center", fontsize="x-small")
    if "E_I" in m:
        ax.axhline(float(m["E_I"].iloc[0]), color="#999999", lw=0.6, ls="--")
    ax.set_xticks(sorted(m["year"].unique()))
    ax.set_xlabel(text("year", lang))
    ax.set_ylabel(_w("moran", lang))
    if "permutations" in m and not any(t.get_gid() == "permutations" for t in ax.texts):
        ax.text(1.0, 0.0, _w("perm", lang, n=int(m["permutations"].iloc[0])),
                transform=ax.transAxes, ha="right", va="bottom", fontsize="x-small", gid="permutations")
    return ax


def quiet_spokes(tables) -> float:
    """Angle (degrees clockwise from the first spoke) midway between the two
    neighbouring spokes with the smallest values over all ``tables``: where the
    radial scale of :func:`radar` crosses the fewest polygons.

    Examples
    --------
    >>> quiet_spokes([pd.DataFrame([[0.9, 0.1, 0.2, 0.8]])])
    135.0
    """
    v = np.vstack([np.nan_to_num(t.to_numpy(float)) for t in tables])
    k = v.shape[1]
    gap = int(np.argmin([max(v[:, i].max(), v[:, (i + 1) % k].max()) for i in range(k)]))
    return float(360.0 * gap / k + 180.0 / k)


def radar(values: pd.DataFrame, *, ax=None, lang: str = "en", spec=None, legend: bool = True,
          rmax: float | None = None, wrap: int = 16, rlabel_at: float | None = None):
    """Radar chart: one polygon per row (region), one spoke per column (pillar).

    The first pillar points up and the others follow clockwise; spoke names
    are wrapped and set clear of the circle (left of it on the left side,
    right of it on the right), the radial scale sits between the first two
    spokes.

    Parameters
    ----------
    values : pandas.DataFrame
        Index: region keys; columns: pillar ids; values in [0, 1].
    ax : PolarAxes, optional
    spec : Spec, optional
        For pillar display names (:func:`gmindex.figstyle.pillar_names`).
    legend : bool
        Draw the legend beside the axes; ``False`` leaves it to the caller.
    rmax : float, optional
        Outer radius (shared by several radars); default the largest value.
    wrap : int
        Characters per line of a spoke name (Chinese: half as many).
    rlabel_at : float, optional
        Angle of the radial scale (degrees clockwise from the first spoke);
        default :func:`quiet_spokes` of ``values`` (give the same angle to
        radars shown side by side).
    """
    import textwrap

    from gmindex.figstyle import font_family, pillar_names, region_colors, region_name

    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(subplot_kw={"projection": "polar"})
    cols = list(values.columns)
    names = pillar_names(spec if spec is not None else cols, lang)
    angles = np.linspace(0, 2 * np.pi, len(cols), endpoint=False)
    closed = np.r_[angles, angles[:1]]
    colours = region_colors(regions=list(values.index))
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    for r, row in values.iterrows():
        v = np.r_[row.to_numpy(float), row.to_numpy(float)[:1]]
        ax.plot(closed, v, color=colours[r], label=region_name(r, lang))
        ax.fill(closed, v, color=colours[r], alpha=0.12)
    ax.set_xticks(angles)
    width = max(4, wrap // 2) if lang == "zh" else wrap
    labels = ax.set_xticklabels(
        ["\n".join(textwrap.wrap(names[c], width)) if lang != "zh" else
         "\n".join(names[c][i:i + width] for i in range(0, len(names[c]), width))
         for c in cols], fontsize="small", fontfamily=font_family(lang))
    for label, angle in zip(labels, angles):
        side = np.sin(angle)  # clockwise from the top: > 0 on the right
        label.set_horizontalalignment("left" if side > 0.1 else "right" if side < -0.1
                                      else "center")
    top = rmax if rmax is not None else max(1e-9, float(np.nanmax(values.to_numpy())))
    ax.set_ylim(0, top * 1.05)
    ticks = [t for t in (0.2, 0.4, 0.6, 0.8, 1.0) if t <= top * 1.05]
    ax.set_yticks(ticks)
    ax.set_yticklabels([])
    # The radial scale written above the polygons, on a white ground (their edges cross
    # the scale wherever it is), along the quietest gap between two spokes.
    at = np.radians(quiet_spokes([values]) if rlabel_at is None else rlabel_at)
    for t in ticks:
        ax.text(at, t, f"{t:g}", fontsize="x-small", color="0.3", ha="center", va="center",
                zorder=5, gid="radar-scale",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.4, "alpha": 0.85})
    ax.tick_params(axis="x", pad=1.5)
    ax.grid(lw=0.4, color="0.8")
    ax.spines["polar"].set_linewidth(0.5)
    if legend:
        ax.legend(frameon=False, fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1.0))
    return ax


def obstacle_bars(national: pd.DataFrame, *, ax=None, lang: str = "en", spec=None,
                  level: str = "indicator", wrap: int = 30):
    """Horizontal bars of mean obstacle degrees (%), largest on top.

    ``national`` is :meth:`ObstacleResult.national` for one year.  Names are
    wrapped at ``wrap`` characters (Chinese: half as many); give the figure
    height for the lines (see :func:`obstacle_lines`).
    """
    ax = _ax(ax)
    key = "indicator" if level == "indicator" else "pillar"
    d = national.sort_values("obstacle")
    names = [_wrap_name(n, wrap, lang) for n in _obstacle_names(d[key], spec, lang, level)]
    import matplotlib.pyplot as plt

    from gmindex.figstyle import font_family

    ax.barh(range(len(d)), 100 * d["obstacle"], color="#4D4D4D", height=0.7)
    ax.set_yticks(range(len(d)))
    # The language's font stack: Chinese characters in an English name (亿元) fall back
    # to the CJK font, Latin letters stay in the Latin face.
    ax.set_yticklabels(names, fontfamily=font_family(lang), fontsize="x-small",
                       linespacing=1.0)
    ax.set_ylim(-0.6, len(d) - 0.4)
    ax.tick_params(axis="y", length=0, pad=2)
    ax.set_xlabel(_w("obstacle", lang))
    size = plt.rcParams["font.size"] * 0.83
    for y, v in enumerate(100 * d["obstacle"]):
        ax.text(v, y, f" {v:.1f}", va="center", fontsize=size)
    ax.set_xlim(0, float(100 * d["obstacle"].max()) * 1.12)  # room for the value labels
    return ax


def obstacle_lines(national: pd.DataFrame, *, spec=None, lang: str = "en",
                   level: str = "indicator", wrap: int = 30) -> int:
    """Number of text lines of the wrapped names of :func:`obstacle_bars` (for the height)."""
    key = "indicator" if level == "indicator" else "pillar"
    return sum(max(1, _wrap_name(n, wrap, lang).count("\n") + 1)
               for n in _obstacle_names(national[key], spec, lang, level))


def _obstacle_names(keys, spec, lang: str, level: str) -> list[str]:
    if spec is not None and level == "indicator":
        lab = {i.id: (i.name_en if lang == "en" else (i.name_zh or i.name_en))
               for i in spec.indicators}
    elif spec is not None:
        from gmindex.figstyle import pillar_names

        lab = pillar_names(spec, lang)
    else:
        lab = {}
    return [str(lab.get(k, k)) for k in keys]


def _wrap_name(name: str, width: int, lang: str) -> str:
    import textwrap

    if lang == "zh" and any("\u4e00" <= ch <= "\u9fff" for ch in name):
        # Chinese breaks anywhere, but not before a short tail, and before a bracket
        # rather than inside it.
        step = max(4, width // 2)
        lines = []
        while len(name) > step + 3:
            cut = step
            bracket = max(name.rfind("(", 0, step + 1), name.rfind("（", 0, step + 1))
            if bracket >= step - 6 and bracket > 0:
                cut = bracket
            lines.append(name[:cut])
            name = name[cut:]
        return "\n".join([*lines, name])
    return "\n".join(textwrap.wrap(name, width))


def centre_trajectory(centres: pd.DataFrame, *, ax, ellipses: bool = True,
                      color: str = "#B00000", lang: str = "en"):
    """Draw centres of gravity (and their ellipses) on a map axes in Albers metres.

    ``centres`` is :attr:`CentrographyResult.table`.  Draw a map first
    (e.g. :func:`gmindex.maps.choropleth` with ``ax=ax``), then this on top.
    """
    from matplotlib.patches import Ellipse

    t = centres.sort_values("year")
    ax.plot(t["x"], t["y"], color=color, lw=0.9, marker="o", ms=2.5, zorder=5, gid="trajectory")
    # The centres move a few kilometres only: the first year is named below left of
    # its point and the last above right, so the two names never overlap.
    for style, row, off, ha, va in (("--", t.iloc[0], (-3, -3), "right", "top"),
                                    ("-", t.iloc[-1], (3, 3), "left", "bottom")):
        ax.annotate(str(int(row["year"])), (row["x"], row["y"]), textcoords="offset points",
                    xytext=off, ha=ha, va=va, fontsize="x-small", color=color, zorder=6,
                    gid=f"year-{int(row['year'])}")
        if ellipses:
            # matplotlib's angle is counter-clockwise from the x axis; the azimuth
            # is clockwise from north, so the major axis lies at 90 - azimuth.
            ax.add_patch(Ellipse((row["x"], row["y"]), 2000 * row["sigma_major_km"],
                                 2000 * row["sigma_minor_km"], angle=90 - row["azimuth_deg"],
                                 fill=False, ec=color, lw=0.7,
                                 ls=style, zorder=5, gid=f"ellipse-{int(row['year'])}"))
    return ax
