"""Layout checks and label placement for figures: no overlapping or clipped text.

These are used by the study figures (label placement) and by the tests (a
figure whose text leaves the canvas or whose labels overlap fails).

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> fig, ax = plt.subplots(figsize=(3, 2), layout="constrained")
>>> _ = ax.text(0.5, 0.5, "inside", transform=ax.transAxes)
>>> _ = ax.text(1.6, 0.5, "far outside", transform=ax.transAxes)
>>> [t.get_text() for t in texts_outside_figure(fig)]
['far outside']
>>> plt.close(fig)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["overlapping_texts", "place_labels", "texts_outside_figure", "visible_texts"]


def _axes_texts(ax: Any) -> list[Any]:
    out = [*ax.texts, ax.title, ax._left_title, ax._right_title,
           ax.xaxis.label, ax.yaxis.label]
    for axis in (ax.xaxis, ax.yaxis):
        lo, hi = sorted(axis.get_view_interval())
        tol = 1e-9 * max(1.0, abs(lo), abs(hi))
        for tick in axis.get_major_ticks() + axis.get_minor_ticks():
            if tick.get_visible() and lo - tol <= tick.get_loc() <= hi + tol:
                out += [t for t in (tick.label1, tick.label2) if t.get_visible()]
    leg = ax.get_legend()
    if leg is not None:
        out += [*leg.get_texts(), leg.get_title()]
    for child in ax.child_axes:
        out += _axes_texts(child)
    return out


def visible_texts(fig: Any) -> list[Any]:
    """Every drawn, non-empty text of a figure: axes texts, titles, axis and tick labels
    in view, legends, inset axes, figure texts and figure legends."""
    texts = list(fig.texts)
    for leg in fig.legends:
        texts += [*leg.get_texts(), leg.get_title()]
    for ax in fig.axes:
        if ax.get_visible() and ax.axison:
            texts += _axes_texts(ax)
        elif ax.get_visible():
            texts += [*ax.texts, ax.title]
            leg = ax.get_legend()
            if leg is not None:
                texts += [*leg.get_texts(), leg.get_title()]
    seen: set[int] = set()
    out = []
    for t in texts:
        if id(t) not in seen and t.get_visible() and t.get_text().strip():
            seen.add(id(t))
            out.append(t)
    return out


def texts_outside_figure(fig: Any, *, tol: float = 0.5) -> list[Any]:
    """Text artists whose box reaches outside the figure (clipped when saved).

    The figure is drawn as saved with ``bbox_inches=None``; ``tol`` is in
    pixels.
    """
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    bad = []
    for t in visible_texts(fig):
        b = t.get_window_extent(renderer)
        if (b.x0 < box.x0 - tol or b.y0 < box.y0 - tol or b.x1 > box.x1 + tol
                or b.y1 > box.y1 + tol):
            bad.append(t)
    return bad


def overlapping_texts(texts: Sequence[Any], renderer: Any = None) -> list[tuple[str, str]]:
    """Pairs of texts (by their string) whose boxes overlap."""
    if not texts:
        return []
    fig = texts[0].figure
    if renderer is None:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    return [(a, b) for i, (a, ba) in enumerate(boxes) for b, bb in boxes[i + 1:]
            if ba.overlaps(bb)]


# Offsets (points) tried in order: right, left, above, below, the diagonals,
# then the same directions further out (with a leader line).
_DIRECTIONS = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1),
               (1, 0.5), (-1, 0.5), (1, -0.5), (-1, -0.5)]
_OFFSETS = [(r * dx, r * dy) for r in (4, 9, 15, 22, 30, 40, 52, 66) for dx, dy in _DIRECTIONS]


def place_labels(ax: Any, x: Sequence[float], y: Sequence[float], labels: Sequence[str], *,
                 avoid_points: bool = True, avoid: Sequence[Any] = (),
                 **text_kw: Any) -> list[Any]:
    """Write point labels so that no two overlap and none covers a marker.

    Greedy: each label takes the first offset (right, left, above, below,
    diagonals, then further out with a leader line) whose box overlaps no
    placed label, no point, no artist of ``avoid`` (a legend, a note) and
    stays inside the axes.  Deterministic.  Place labels after everything
    else is drawn and the layout has settled.

    Returns
    -------
    list of Text (annotations), in the order of ``labels``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(3, 2))
    >>> _ = ax.scatter([0, 0.01, 0.02], [0, 0, 0])
    >>> ts = place_labels(ax, [0, 0.01, 0.02], [0, 0, 0], ["Jilin", "Liaoning", "Yunnan"])
    >>> overlapping_texts(ts)
    []
    >>> plt.close(fig)
    """
    from matplotlib.transforms import Bbox

    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    pts = ax.transData.transform(np.column_stack([np.asarray(x, float), np.asarray(y, float)]))
    r = 3.0 * fig.dpi / 72  # half a marker, in pixels
    obstacles = [Bbox.from_extents(px - r, py - r, px + r, py + r) for px, py in pts] \
        if avoid_points else []
    frame = ax.get_window_extent(renderer)
    placed: list[Any] = [a.get_window_extent(renderer) for a in avoid if a is not None]
    out = []
    for (px, py), (xi, yi), text in zip(pts, zip(x, y), labels):
        chosen = None
        for dx, dy in _OFFSETS:
            ha = "left" if dx > 0 else "right" if dx < 0 else "center"
            va = "bottom" if dy > 0 else "top" if dy < 0 else "center"
            far = abs(dx) > 4 or abs(dy) > 4
            t = ax.annotate(text, (xi, yi), xytext=(dx, dy), textcoords="offset points",
                            ha=ha, va=va,
                            arrowprops={"arrowstyle": "-", "lw": 0.4, "color": "0.4",
                                        "shrinkA": 0, "shrinkB": 2} if far else None,
                            **text_kw)
            b = t.get_window_extent(renderer)
            # Points (nearly) on top of this one cannot be avoided: ignore them.
            clash = any(b.overlaps(o) for o in placed) or any(
                b.overlaps(o) for o, (qx, qy) in zip(obstacles, pts)
                if np.hypot(qx - px, qy - py) > 2 * r)
            inside = (b.x0 >= frame.x0 and b.x1 <= frame.x1 and b.y0 >= frame.y0
                      and b.y1 <= frame.y1)
            if not clash and inside:
                chosen = t
                placed.append(b)
                break
            t.remove()
        if chosen is None:  # nowhere free: keep the first choice, and say so
            import warnings

            warnings.warn(f"no free place for the label {text!r}; it may overlap another "
                          "(label fewer points or enlarge the figure)", UserWarning,
                          stacklevel=2)
            chosen = ax.annotate(text, (xi, yi), xytext=_OFFSETS[0], textcoords="offset points",
                                 ha="left", va="center", **text_kw)
            placed.append(chosen.get_window_extent(renderer))
        out.append(chosen)
    return out
