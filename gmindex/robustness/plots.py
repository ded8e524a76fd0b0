"""Figures of the robustness Monte Carlo: rank uncertainty and sensitivity bars."""

from __future__ import annotations

import numpy as np

from gmindex.robustness.summary import RobustnessResult



def plot_rank_uncertainty(data, ax=None, *, year: int | None = None, lang: str = "en"):
    """Median rank with the 5-95% interval per unit, baseline rank marked.

    Parameters
    ----------
    data : RobustnessResult or DataFrame
        A result or its :meth:`RobustnessResult.rank_uncertainty_frame`.
    ax : matplotlib Axes, optional
    year : int, optional
        Year shown (default: the last).
    lang : {"en", "zh"}
        Unit labels (Chinese needs a CJK font).

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    frame = data.rank_uncertainty_frame(year=year, lang=lang) if isinstance(data, RobustnessResult) else data
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.22 * len(frame) + 1))
    y = np.arange(len(frame))
    ax.hlines(y, frame["lo"], frame["hi"], color="0.55", lw=2, label="5-95% of draws")
    ax.plot(frame["median"], y, "o", color="C0", ms=4, label="median")
    ax.plot(frame["baseline"].astype(float), y, "x", color="C3", ms=5, label="baseline")
    ax.set_yticks(y, frame["name"])
    ax.invert_yaxis()
    ax.set_xlabel("rank (1 = best)")
    # Above the plot: inside, it would cover the units ranked last.
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3, fontsize="small",
              frameon=False)
    return ax


def plot_sensitivity(data, ax=None, *, output: str = "rank"):
    """Bar chart of first-order variance shares per factor for one output.

    Parameters
    ----------
    data : RobustnessResult or DataFrame
        A result or its :meth:`RobustnessResult.sensitivity_frame` (or any frame
        with ``factor, output, first_order``; a Sobol frame with ``S1`` also works).
    ax : matplotlib Axes, optional
    output : str
        ``"rank"``, ``"mean_rank_shift"`` or ``"gap east - west"``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    frame = data.sensitivity_frame() if isinstance(data, RobustnessResult) else data
    value = "first_order" if "first_order" in frame.columns else "S1"
    part = frame[frame["output"] == output] if "output" in frame.columns else frame
    if part.empty:
        raise ValueError(f"no sensitivity rows for output {output!r}; have {sorted(set(frame['output']))}")
    part = part.sort_values(value, kind="stable")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 0.35 * len(part) + 1))
    ax.barh(part["factor"], part[value], color="C0")
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of output variance (first order)")
    ax.set_title(output)
    return ax

