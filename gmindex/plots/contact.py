"""Contact sheet: every figure of a study as a thumbnail with its file name.

Examples
--------
>>> import matplotlib, tempfile
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> from pathlib import Path
>>> with tempfile.TemporaryDirectory() as d:
...     fig, ax = plt.subplots(figsize=(2, 1.5))
...     fig.savefig(Path(d) / "fig_demo.png")
...     plt.close(fig)
...     paths = contact_sheet(Path(d), Path(d) / "contact_sheet")
...     sorted(p.name for p in paths)
['contact_sheet.pdf', 'contact_sheet.png']
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

__all__ = ["contact_sheet"]


def contact_sheet(figures: Path | Sequence[Path], out_stem: Path | str, *, ncols: int = 4,
                  pattern: str = "*.png", exclude: Sequence[str] = ("contact_sheet",),
                  dpi: int = 150) -> list[Path]:
    """Write one PDF and one PNG with every figure as a thumbnail and its file name.

    Parameters
    ----------
    figures : folder or sequence of PNG paths
        A folder (every file matching ``pattern``, sorted by name) or the files.
    out_stem : path
        Output path without extension.
    ncols : int
        Thumbnails per row (A4 portrait-ish page, 180 mm wide).
    exclude : sequence of str
        Stems containing any of these are left out (the sheet itself).
    dpi : int
        Resolution of the PNG sheet.

    Returns
    -------
    list of Path
        ``[<stem>.pdf, <stem>.png]`` (byte-identical on rerun).
    """
    import matplotlib.pyplot as plt
    import numpy as np
    from PIL import Image

    from gmindex.figstyle import figure_size, save_figure

    if isinstance(figures, (str, Path)):
        paths = sorted(Path(figures).glob(pattern))
    else:
        paths = [Path(p) for p in figures]
    paths = [p for p in paths if not any(x in p.stem for x in exclude)]
    if not paths:
        raise ValueError(f"no figures to put on the contact sheet (looked for {pattern!r})")
    nrows = -(-len(paths) // ncols)
    w, _ = figure_size("double")
    cell = w / ncols
    # A fixed grid (no layout engine): every cell is the same, and constrained layout spent
    # seconds placing 160 identical thumbnails.
    height = cell * 0.95 * nrows
    side_margin, top_margin = 0.03, 0.12  # inches; the top one holds the first row's names
    fig, axes = plt.subplots(nrows, ncols, figsize=(w, height), squeeze=False,
                             gridspec_kw={"left": side_margin / w, "right": 1 - side_margin / w,
                                          "bottom": side_margin / height,
                                          "top": 1 - top_margin / height,
                                          "wspace": 0.06, "hspace": 0.25})
    for ax in axes.ravel():
        ax.set_axis_off()
    # Thumbnails at twice the sheet's resolution, made by Pillow before drawing: the
    # full 300 dpi figures made the sheet take a minute (decoding, resampling and
    # compressing ~150 images of 2,000 pixels square into the PDF) for no visible gain.
    side = int(round(2 * cell * dpi))
    for ax, path in zip(axes.ravel(), paths):
        with Image.open(path) as image:
            image.thumbnail((side, side), Image.Resampling.LANCZOS, reducing_gap=3.0)
            ax.imshow(np.asarray(image.convert("RGBA")), interpolation="antialiased")
        ax.set_title(path.name, fontsize=4.5, pad=2, fontfamily="DejaVu Sans")
    try:
        return save_figure(fig, Path(out_stem), formats=("pdf", "png"), dpi=dpi)
    finally:
        plt.close(fig)
