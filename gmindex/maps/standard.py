"""The standard map set of a study, written in one call."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from gmindex.maps._common import _TEXT
from gmindex.maps._inputs import _panel
from gmindex.maps.choropleth import change_map, choropleth, small_multiples
from gmindex.maps.lisa import _lisa_clusters, lisa_map
from gmindex.maps.regions import region_map


# ---------------------------------------------------------------------------
# saving


def save_standard_maps(
    result_or_scores: Any,
    outdir: str | Path = "figures",
    *,
    lisa: pd.DataFrame | None = None,
    lang: str = "en",
    column: str = "score",
    formats: Sequence[str] = ("png", "pdf", "svg"),
    dpi: int = 300,
) -> list[Path]:
    """Write the standard map set as PNG (300 dpi), PDF and SVG.

    Maps: the latest year's choropleth with labels (``map_score_<year>``), the
    small multiples of all years (``map_score_years``), the change from the
    first to the last year (``map_score_change_<start>_<end>``), the region
    schemes (``map_regions``) and, if ``lisa`` is given, the LISA clusters
    (``map_lisa_<year>`` when the frame has one ``year``, else ``map_lisa``).
    With ``lang="zh"`` every stem ends in ``_zh``.

    Parameters
    ----------
    result_or_scores : IndexResult or DataFrame
        An index result or its ``scores`` frame (``code, year, score``).
    outdir : path
        Output folder (created if needed).
    lisa : DataFrame, optional
        ``code, cluster`` as for :func:`lisa_map`.
    lang : {"en", "zh"}
    column : str
        Score column to map.
    formats : sequence of str
    dpi : int

    Returns
    -------
    list of Path
        The files written.
    """
    import matplotlib.pyplot as plt

    from gmindex.io.writers import save_figure

    # Check every input before the first file is written.
    if lang not in _TEXT:
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    frame = _panel(result_or_scores, column, None)
    years = sorted(int(y) for y in frame["year"].unique())
    if len(years) < 2:
        raise ValueError(
            f"the standard maps need at least two years (for the change map); scores has "
            f"{years}; draw a single year with choropleth()"
        )
    if lisa is not None:
        _lisa_clusters(lisa)
    start, end = years[0], years[-1]
    suffix = "_zh" if lang == "zh" else ""
    outdir = Path(outdir)
    legend_title = None if column != "score" else ("Score" if lang == "en" else "得分")
    jobs: list[tuple[str, Any]] = [
        (f"map_score_{end}", lambda: choropleth(
            frame[frame["year"] == end], column, lang=lang, labels=True,
            legend_title=legend_title, size="double", title=None).figure),
        ("map_score_years", lambda: small_multiples(
            frame, column, lang=lang, legend_title=legend_title)),
        (f"map_score_change_{start}_{end}", lambda: change_map(
            frame, column=column, start=start, end=end, lang=lang, labels=True, size="double").figure),
        ("map_regions", lambda: region_map(lang=lang)),
    ]
    if lisa is not None:
        lisa_years = lisa["year"].unique() if "year" in lisa.columns else []
        lisa_stem = f"map_lisa_{int(lisa_years[0])}" if len(lisa_years) == 1 else "map_lisa"
        jobs.append((lisa_stem, lambda: lisa_map(lisa, lang=lang, labels=True, size="double").figure))
    written: list[Path] = []
    for stem, make in jobs:
        fig = make()
        try:
            written += save_figure(fig, outdir / f"{stem}{suffix}", formats=tuple(formats), dpi=dpi)
        finally:
            plt.close(fig)
    return written
