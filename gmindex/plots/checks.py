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


def _annotate(ax: Any, text: str, x: float, y: float, dx: float, dy: float,
              text_kw: dict[str, Any]) -> Any:
    """A label at offset (dx, dy) points from (x, y), with a leader line when far."""
    ha = "left" if dx > 0 else "right" if dx < 0 else "center"
    va = "bottom" if dy > 0 else "top" if dy < 0 else "center"
    far = abs(dx) > 4 or abs(dy) > 4
    return ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                       arrowprops={"arrowstyle": "-", "lw": 0.4, "color": "0.4",
                                   "shrinkA": 0, "shrinkB": 2} if far else None, **text_kw)


def place_labels(ax: Any, x: Sequence[float], y: Sequence[float], labels: Sequence[str], *,
                 avoid_points: bool = True, avoid: Sequence[Any] = (),
                 others: tuple[Sequence[float], Sequence[float]] | None = None,
                 **text_kw: Any) -> list[Any]:
    """Write point labels so that no two overlap and none covers a marker.

    Greedy: each label takes the first offset (right, left, above, below,
    diagonals, then further out with a leader line) whose box overlaps no
    placed label, no point (the labelled ones and the unlabelled ``others``,
    given as ``(x, y)``), no artist of ``avoid`` (a legend, a note) and
    stays inside the axes; a name of two or more words is then tried on two
    lines; when there is still no such place, the one with the fewest clashes (a marker partly covered before another label or the
    frame), with a warning.  Deterministic.  Place labels after everything
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
    every = pts if others is None else np.vstack([pts, ax.transData.transform(
        np.column_stack([np.asarray(others[0], float), np.asarray(others[1], float)]))])
    obstacles = [Bbox.from_extents(qx - r, qy - r, qx + r, qy + r) for qx, qy in every] \
        if avoid_points else []
    frame = ax.get_window_extent(renderer)
    placed: list[Any] = [a.get_window_extent(renderer) for a in avoid if a is not None]
    out = []
    for (px, py), (xi, yi), text in zip(pts, zip(x, y), labels):
        chosen, best = None, None  # best: (cost, offset, text) of the least bad place
        # A name of two words may go on two lines where one line has no room.
        forms = [text, *([text.replace(" ", "\n", 1)] if " " in text else [])]
        for form, (dx, dy) in ((f, o) for f in forms for o in _OFFSETS):
            t = _annotate(ax, form, xi, yi, dx, dy, text_kw)
            b = t.get_window_extent(renderer)
            t.remove()
            # Points (nearly) on top of this one cannot be avoided: ignore them.
            on_labels = sum(b.overlaps(o) for o in placed)
            on_points = sum(b.overlaps(o) for o, (qx, qy) in zip(obstacles, every)
                            if np.hypot(qx - px, qy - py) > 2 * r)
            inside = (b.x0 >= frame.x0 and b.x1 <= frame.x1 and b.y0 >= frame.y0
                      and b.y1 <= frame.y1)
            if not on_labels and not on_points and inside:
                chosen = _annotate(ax, form, xi, yi, dx, dy, text_kw)
                break
            # A label or the frame weighs more than a marker partly covered.
            cost = 100 * on_labels + 100 * (not inside) + on_points
            if best is None or cost < best[0]:
                best = (cost, (dx, dy), form)
        if chosen is None:  # nowhere free: the place with the fewest clashes, and say so
            import warnings

            chosen = _annotate(ax, best[2], xi, yi, *best[1], text_kw)
            what = "another label or the frame" if best[0] >= 100 else "a marker"
            warnings.warn(f"no free place for the label {text!r}; it overlaps {what} "
                          "(label fewer points or enlarge the figure)", UserWarning,
                          stacklevel=2)
        placed.append(chosen.get_window_extent(renderer))
        out.append(chosen)
    return out
