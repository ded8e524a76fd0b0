"""Map classification: class bounds (mapclassify), colours and legend labels."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Classification schemes accepted by :func:`classify` (natural breaks = Fisher-Jenks).
SCHEMES = ("quantiles", "natural_breaks", "equal_interval", "user")

_METHOD_TEXT = {
    "en": {
        "quantiles": "Quantiles",
        "natural_breaks": "Natural breaks (Fisher–Jenks)",
        "equal_interval": "Equal intervals",
        "user": "User-defined classes",
        "change_steps": "Equal steps from 0",
    },
    "zh": {
        "quantiles": "分位数分级",
        "natural_breaks": "自然断点法（Fisher–Jenks）",
        "equal_interval": "等间距分级",
        "user": "自定义分级",
        "change_steps": "以 0 为界等距分级",
    },
}


# ---------------------------------------------------------------------------
# classification


@dataclass(frozen=True)
class MapClasses:
    """A classification of values into coloured classes, shared by map panels.

    Attributes
    ----------
    edges : tuple of float
        ``k + 1`` class edges; class ``i`` holds ``edges[i] < v <= edges[i+1]``
        (the first class also holds ``edges[0]``).
    colors : tuple of str
        ``k`` hex colours, lowest class first.
    labels : tuple of str
        ``k`` legend texts ("0.21–0.35").
    scheme : str
        Scheme the edges came from (``"change_steps"`` for change maps).
    basis : str
        What the bounds were computed on, e.g. ``"2016–2020"`` when the
        values of all years were pooled; shown in the legend.
    """

    edges: tuple[float, ...]
    colors: tuple[str, ...]
    labels: tuple[str, ...]
    scheme: str
    basis: str = ""

    def describe(self, lang: str = "en") -> str:
        """The classification method in words, for the legend.

        Examples
        --------
        >>> mc = classify([1, 2, 3, 4, 5, 6], scheme="natural_breaks", k=2, basis="2016–2020")
        >>> mc.describe()
        'Natural breaks (Fisher–Jenks), 2016–2020 pooled'
        >>> mc.describe("zh")
        '自然断点法（Fisher–Jenks），2016–2020年合并'
        """
        words = _METHOD_TEXT[lang][self.scheme]
        if not self.basis:
            return words
        return f"{words}, {self.basis} pooled" if lang == "en" else f"{words}，{self.basis}年合并"

    def counts(self, values: Any) -> list[int]:
        """Number of values in each class (empty classes show as 0)."""
        idx = self.assign(values)
        return [int((idx == i).sum()) for i in range(self.k)]

    @property
    def k(self) -> int:
        """Number of classes."""
        return len(self.colors)

    def assign(self, values: Any) -> np.ndarray:
        """Class index of each value (``-1`` for missing values).

        Raises
        ------
        ValueError
            If a value lies outside ``[edges[0], edges[-1]]``.

        Examples
        --------
        >>> mc = classify([1, 2, 3, 4], scheme="user", bins=[2, 4])
        >>> mc.assign([1, 2, 2.5, 4, float("nan")]).tolist()
        [0, 0, 1, 1, -1]
        """
        v = np.asarray(values, dtype=float)
        out = np.full(v.shape, -1, dtype=int)
        ok = ~np.isnan(v)
        lo, hi = self.edges[0], self.edges[-1]
        tol = 1e-12 * max(1.0, abs(lo), abs(hi))
        outside = ok & ((v < lo - tol) | (v > hi + tol))
        if outside.any():
            raise ValueError(
                f"values {v[outside][:5].tolist()} lie outside the classification range "
                f"[{lo}, {hi}]; classify the pooled values of every panel (or widen bins)"
            )
        idx = np.searchsorted(np.asarray(self.edges[1:-1]), v[ok], side="left")
        out[ok] = idx
        return out

    def color_of(self, values: Any) -> list[str | None]:
        """Colour of each value; ``None`` for missing values."""
        return [self.colors[i] if i >= 0 else None for i in self.assign(values)]


def _decimals(edges: Sequence[float]) -> int:
    e = np.asarray(edges, dtype=float)
    span = float(np.ptp(e)) or max(abs(float(e[0])), 1.0)
    d = max(0, 1 - int(np.floor(np.log10(span))))
    while d < 8 and len(np.unique(np.round(e, d))) < len(np.unique(e)):
        d += 1
    return d


def _fmt(x: float, d: int) -> str:
    s = f"{x:.{d}f}"
    if s.startswith("-"):
        s = "\u2212" + s[1:]  # true minus sign
    return "0" if s in ("\u22120", "\u22120." + "0" * d) and d == 0 else s


def _class_labels(edges: Sequence[float]) -> tuple[str, ...]:
    d = _decimals(edges)
    # "0.10–0.35"; spaced dash once negative numbers appear ("−0.10 – 0.00").
    sep = " – " if min(edges) < 0 else "–"
    return tuple(f"{_fmt(a, d)}{sep}{_fmt(b, d)}" for a, b in zip(edges[:-1], edges[1:]))


def _colors(k: int, cmap: Any, *, greyscale: bool, diverging: bool) -> tuple[str, ...]:
    from matplotlib import colormaps
    from matplotlib.colors import Colormap, to_hex

    if greyscale:
        cm = colormaps["Greys"]
        pos = np.linspace(0.08, 0.75, k)
    else:
        cm = cmap if isinstance(cmap, Colormap) else colormaps[cmap]
        pos = np.linspace(0.05, 0.95, k) if diverging else np.linspace(0.12, 1.0, k)
    return tuple(to_hex(cm(p)) for p in pos)


_MAPCLASSIFY = {
    "quantiles": "Quantiles",
    "natural_breaks": "FisherJenks",
    "equal_interval": "EqualInterval",
}


def _breaks(y: np.ndarray, k: int, scheme: str) -> np.ndarray:
    """Upper class bounds from mapclassify (imported here: its import is slow)."""
    from gmindex import _mapclassify

    mapclassify = _mapclassify.load()

    return np.asarray(getattr(mapclassify, _MAPCLASSIFY[scheme])(y, k=k).bins, dtype=float)


def classify(
    values: Any,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    lower: float | None = None,
    cmap: Any = None,
    greyscale: bool = False,
    diverging: bool = False,
    basis: str = "",
) -> MapClasses:
    """Classify values for a map (one classification for all panels).

    Parameters
    ----------
    values : array-like
        All values the classes must cover (pool every panel); NaN is ignored.
    scheme : {"quantiles", "natural_breaks", "equal_interval", "user"}
        ``natural_breaks`` is Fisher-Jenks (exact optimum, deterministic);
        ``user`` takes the upper class bounds from ``bins``.
    k : int
        Number of classes (fewer if the data have fewer distinct values).
    bins : sequence of float, optional
        Upper bounds of the classes for ``scheme="user"``; the last must be at
        least the largest value.
    lower : float, optional
        Lower edge of the first class (default: the smallest value).
    cmap : str or Colormap, optional
        Default ``"YlGn"`` (sequential) or ``"BrBG"`` (diverging); both
        ColorBrewer palettes are safe for colour-blind readers.
    greyscale : bool
        Grey shades instead of ``cmap``.
    diverging : bool
        Sample the palette symmetrically (for values centred at zero).
    basis : str
        What the values are (e.g. ``"2016–2020"`` for pooled years), stated
        in the legend by :meth:`MapClasses.describe`.

    Returns
    -------
    MapClasses

    Raises
    ------
    ValueError
        On an unknown scheme, no finite values, or user bins that do not
        cover the data.

    Notes
    -----
    The bounds are mapclassify's ``Quantiles``, ``FisherJenks`` and
    ``EqualInterval`` (Rey et al.); importing mapclassify takes a few seconds
    the first time in a process.  Ties can leave fewer than ``k`` distinct
    classes; a warning says so.

    Examples
    --------
    >>> mc = classify([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], scheme="equal_interval", k=2)
    >>> mc.edges, mc.labels
    ((0.1, 0.35, 0.6), ('0.10–0.35', '0.35–0.60'))
    """
    y = np.asarray(values, dtype=float).ravel()
    y = y[~np.isnan(y)]
    if y.size == 0:
        raise ValueError("no values to classify: every value is missing")
    if not np.isfinite(y).all():
        raise ValueError("cannot classify infinite values; check divisions by zero")
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; choose one of {SCHEMES}")
    if scheme == "user":
        if bins is None or len(bins) == 0:
            raise ValueError("scheme='user' needs bins= (upper bounds of the classes)")
        upper = np.asarray(bins, dtype=float)
        if np.any(np.diff(upper) <= 0):
            raise ValueError(f"bins must be strictly increasing, got {list(bins)}")
        if y.max() > upper[-1]:
            raise ValueError(
                f"bins must cover the data: largest value {y.max():g} is above the "
                f"last bin {upper[-1]:g}; add an upper bound"
            )
    else:
        if bins is not None:
            raise ValueError(f"bins= is only used with scheme='user' (got scheme={scheme!r})")
        if int(k) < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        k_eff = int(min(k, np.unique(y).size))
        upper = np.unique(_breaks(np.sort(y), k_eff, scheme))
        if upper.size < k:
            warnings.warn(
                f"{scheme}: only {upper.size} distinct classes from {np.unique(y).size} "
                f"distinct values (asked for k={k})",
                UserWarning,
                stacklevel=2,
            )
    lo = float(y.min()) if lower is None else float(lower)
    if lo > y.min():
        raise ValueError(f"lower={lo:g} is above the smallest value {y.min():g}")
    lo = min(lo, float(upper[0]))
    edges = tuple(float(e) for e in np.concatenate([[lo], upper]))
    if cmap is None:
        cmap = "BrBG" if diverging else "YlGn"
    colors = _colors(len(edges) - 1, cmap, greyscale=greyscale, diverging=diverging)
    return MapClasses(edges=edges, colors=colors, labels=_class_labels(edges), scheme=scheme,
                      basis=basis)


def _nice_step(x: float) -> float:
    """Smallest step of the form 1, 2, 2.5 or 5 times a power of ten that is >= x."""
    if x <= 0:
        return 1.0
    exp = np.floor(np.log10(x))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * 10**exp >= x:
            return float(m * 10**exp)
    return float(10 ** (exp + 1))


def change_classes(
    values: Any,
    *,
    k: int = 6,
    cmap: Any = None,
    greyscale: bool = False,
) -> MapClasses:
    """Classes for a change map: round equal steps from zero, no empty class.

    Zero is always a class edge, so falls and rises never share a class.
    Falls take the brown half of the diverging palette and rises the green
    half, the lightest shade next to zero.  When changes of both signs
    occur, each side gets ``k // 2`` steps of the size set by the largest
    absolute change; when all changes have one sign, that side gets all ``k``
    steps.  Classes holding no value are then removed, so every legend entry
    is on the map.

    Parameters
    ----------
    values : array-like
        The changes (NaN ignored).
    k : int
        Number of steps before empty classes are removed (at least 2).
    cmap : str or Colormap, optional
        Diverging palette, default ``"BrBG"``.
    greyscale : bool
        Grey shades (darker = further from zero).

    Returns
    -------
    MapClasses
        ``scheme="change_steps"``.

    Examples
    --------
    >>> mc = change_classes([0.03, 0.247, 0.12, 0.06], k=6)
    >>> mc.labels
    ('0.00–0.05', '0.05–0.10', '0.10–0.15', '0.15–0.25')
    >>> mc.counts([0.03, 0.247, 0.12, 0.06])
    [1, 1, 1, 1]
    >>> change_classes([-0.05, 0.03, 0.247], k=6).labels
    ('−0.10 – 0.00', '0.00 – 0.10', '0.10 – 0.30')
    """
    from matplotlib import colormaps
    from matplotlib.colors import Colormap, to_hex

    v = np.asarray(values, dtype=float).ravel()
    v = v[~np.isnan(v)]
    if v.size == 0:
        raise ValueError("no values to classify: every change is missing")
    if not np.isfinite(v).all():
        raise ValueError("cannot classify infinite changes; check divisions by zero")
    if int(k) < 2:
        raise ValueError(f"k must be at least 2 for a change map, got {k}")
    neg, pos = bool((v < 0).any()), bool((v > 0).any())
    per_side = int(k) // 2 if (neg and pos) else int(k)
    largest = float(np.max(np.abs(v)))
    step = _nice_step(largest / per_side) if largest > 0 else 1.0
    n_neg = int(np.ceil(-v.min() / step - 1e-9)) if neg else 0
    n_pos = int(np.ceil(v.max() / step - 1e-9)) if pos else 0
    if not (neg or pos):  # every change is exactly zero
        n_pos = 1
    edges = np.round(step * np.arange(-n_neg, n_pos + 1), 12) + 0.0  # + 0.0: no -0.0
    # Side and distance from zero of every class, to pick its shade.
    sides = [(-1, n_neg - i) for i in range(n_neg)] + [(1, i + 1) for i in range(n_pos)]
    span = max(n_neg, n_pos, 1)
    if greyscale:
        cm = colormaps["Greys"]
        shade = {s: to_hex(cm(0.1 + 0.65 * d / span)) for s in sides for d in [s[1]]}
    else:
        cmap = cmap if cmap is not None else "BrBG"
        cm = cmap if isinstance(cmap, Colormap) else colormaps[cmap]
        # 0.5 is the neutral middle; the first class on each side is one step out.
        shade = {(sg, d): to_hex(cm(0.5 + sg * (0.08 + 0.42 * d / span))) for sg, d in sides}
    edges_l = [float(e) for e in edges]
    colors = [shade[s] for s in sides]
    # Merge each empty class into its neighbour further from zero (the
    # outermost classes hold the extremes, so they are never empty); zero
    # stays an edge.
    while True:
        idx = np.searchsorted(np.asarray(edges_l[1:-1]), v, side="left")
        counts = np.bincount(idx, minlength=len(colors))
        empty = [i for i, n in enumerate(counts) if n == 0]
        if not empty:
            break
        i = empty[0]
        outer = i if edges_l[i + 1] <= 0 else i + 1  # index of the edge away from zero
        del edges_l[outer]
        del colors[i]
    return MapClasses(edges=tuple(edges_l), colors=tuple(colors),
                      labels=_class_labels(edges_l), scheme="change_steps")
