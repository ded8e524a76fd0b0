"""Font subsets for PDF figures: made by HarfBuzz, remembered within a process.

Every PDF Matplotlib writes embeds each font it uses as a subset, made with
fontTools' subsetter, which parses the whole font file every time: about 0.1 s
for DejaVu Sans and 0.4-0.6 s for Noto Sans CJK SC (16 MB, 65,000 glyphs),
which every Chinese figure and every map credit line embeds.  Measured on the
study figures, fonts were a quarter of the time spent writing figures.

:func:`fast_subsets` replaces Matplotlib's subsetting step for the duration of
a ``savefig`` call with HarfBuzz's subsetter (``uharfbuzz``, the library the
browsers use; 1-10 ms per font), and remembers each subset made for a font
file and glyph set, since every figure is written at two widths with the same
labels.  The embedded fonts keep their names, outlines, metrics and hinting,
so the pages look the same: a test renders PDFs written both ways with poppler
and compares the pixels and the extracted text.  Without ``uharfbuzz`` the
subsets are made by Matplotlib as usual (and still remembered).  If
Matplotlib's private function is not where this module expects it, nothing is
replaced.
"""

from __future__ import annotations

import io
import os
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["fast_subsets", "harfbuzz_subset", "subset_cache_info"]

# Subset fonts are small (a few kB for DejaVu, tens of kB for a Chinese figure).
_MAX_ENTRIES = 512
_cache: OrderedDict[tuple, tuple[bytes, dict[int, int]]] = OrderedDict()
_faces: dict[tuple, Any] = {}
_stats = {"hits": 0, "misses": 0}


def subset_cache_info() -> dict[str, int]:
    """Hits, misses and entries of the subset memory of this process.

    Examples
    --------
    >>> sorted(subset_cache_info())
    ['entries', 'hits', 'misses']
    """
    return {**_stats, "entries": len(_cache)}


def _file_key(fontfile: Any) -> tuple:
    path = os.fspath(fontfile)
    stat = os.stat(path)
    # Size and modification time: a font replaced on disk is a new key.
    return (path, int(getattr(fontfile, "face_index", 0) or 0), stat.st_size, stat.st_mtime_ns)


def harfbuzz_subset(fontfile: Any, glyphs: Iterable[int]) -> tuple[bytes, dict[int, int]] | None:
    """Subset a font file to some glyphs with HarfBuzz.

    Parameters
    ----------
    fontfile : path (Matplotlib's ``FontPath`` carries the face index of a collection)
    glyphs : iterable of int
        Glyph indices of the original font.

    Returns
    -------
    (bytes, dict) or None
        The subset font file and the map from original to new glyph indices
        (glyphs the layout tables reach from those asked for are kept too, as
        fontTools does); ``None`` when ``uharfbuzz`` is not installed.

    Examples
    --------
    >>> from matplotlib import font_manager
    >>> from matplotlib.ft2font import FT2Font
    >>> path = font_manager.findfont("DejaVu Sans")
    >>> glyph = FT2Font(path).get_char_index(ord("G"))
    >>> data, index_map = harfbuzz_subset(path, [glyph])
    >>> index_map[0], index_map[glyph] > 0, len(data) < 20_000
    (0, True, True)
    """
    try:
        import uharfbuzz as hb
    except ImportError:
        return None
    key = _file_key(fontfile)
    face = _faces.get(key)
    if face is None:
        face = _faces[key] = hb.Face(hb.Blob.from_file_path(key[0]), key[1])
    wanted = hb.SubsetInput()
    for glyph in glyphs:
        wanted.glyph_set.add(int(glyph))
    # Keep the glyph names, as Matplotlib's own subsetting does.
    wanted.flags = hb.SubsetFlags.GLYPH_NAMES
    plan = hb.SubsetPlan(face, wanted)
    made = plan.execute()
    if made is None:  # HarfBuzz could not subset this font
        return None
    return bytes(made.blob.data), {int(o): int(n) for o, n in plan.old_to_new_glyph_mapping.items()}


def _subsetting(original: Any, module: Any) -> Any:
    from fontTools.ttLib import TTFont

    @contextmanager
    def get_glyphs_subset(fontfile: Any, glyphs: Iterable[int]) -> Iterator[Any]:
        glyphs = frozenset(int(g) for g in glyphs)
        key = (*_file_key(fontfile), glyphs)
        entry = _cache.get(key)
        if entry is None:
            _stats["misses"] += 1
            entry = harfbuzz_subset(fontfile, glyphs)
            if entry is None:
                with original(fontfile, glyphs) as made:
                    entry = (module.font_as_file(made.font).getvalue(),
                             dict(made.glyph_index_map))
            _cache[key] = entry
            if len(_cache) > _MAX_ENTRIES:
                _cache.popitem(last=False)
        else:
            _stats["hits"] += 1
            _cache.move_to_end(key)
        data, index_map = entry
        # Read back exactly as made: no new timestamp, no recomputed bounds.
        with TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False) as font:
            yield module.SubsetResults(font, dict(index_map))

    return get_glyphs_subset


@contextmanager
def fast_subsets() -> Iterator[None]:
    """Within the block, PDF font subsets come from HarfBuzz, once per font and glyph set.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_title("Score")
    >>> with fast_subsets():
    ...     pdf = io.BytesIO()
    ...     fig.savefig(pdf, format="pdf", metadata={"CreationDate": None})
    >>> subset_cache_info()["entries"] > 0
    True
    >>> plt.close(fig)
    """
    try:
        from matplotlib.backends import _backend_pdf_ps as module

        original = module.get_glyphs_subset
        module.SubsetResults, module.font_as_file  # noqa: B018 - both are used
    except (ImportError, AttributeError):  # another Matplotlib: leave it alone
        yield
        return
    if getattr(original, "_gmindex_subsetting", False):  # already inside a block
        yield
        return
    replaced = _subsetting(original, module)
    replaced._gmindex_subsetting = True  # type: ignore[attr-defined]
    module.get_glyphs_subset = replaced
    try:
        yield
    finally:
        module.get_glyphs_subset = original
