"""HarfBuzz font subsets: same pages, same text, same fonts as Matplotlib's own; faster."""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from gmindex import figstyle  # noqa: E402
from gmindex.io import fontsubset, writers  # noqa: E402
from gmindex.io.writers import save_figure  # noqa: E402

POPPLER = all(shutil.which(tool) for tool in ("pdftoppm", "pdftotext", "pdffonts"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")


def _figure(lang: str, width: str):
    with figstyle.style_context(lang, width):
        fig, ax = figstyle.new_figure(width, lang=lang)
        ax.plot([2016, 2020], [0.31, 0.42], color=figstyle.region_colors()["east"])
        ax.set_xlabel("年份" if lang == "zh" else "Year")
        ax.set_ylabel("绿色制造指数（东部）" if lang == "zh" else "Green manufacturing index")
        # Chinese text in an English figure too, as in the maps' credit line
        ax.text(0.02, 0.02, "审图号 GS(2024)0650 号 — ΔG ≥ 0.1", transform=ax.transAxes)
    return fig


def _written(tmp_path, name: str, lang: str, width: str = "double", *, fast: bool = True):
    # A new figure each time: constrained layout moves things a little on every draw,
    # so only figures drawn the same number of times can be compared.
    fig = _figure(lang, width)
    try:
        with contextlib.ExitStack() as stack:
            if not fast:
                stack.enter_context(pytest.MonkeyPatch.context()).setattr(
                    writers, "fast_subsets", contextlib.nullcontext)
            (path,) = save_figure(fig, tmp_path / name, formats=("pdf",))
    finally:
        plt.close(fig)
    return path


def _run(*args) -> bytes:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True).stdout


def _fonts(path) -> list[tuple[str, ...]]:
    """pdffonts rows without the random-looking subset tag: name, type, emb, sub, uni."""
    rows = _run("pdffonts", path).decode().splitlines()[2:]
    out = []
    for row in rows:
        name, *rest = row.split()
        out.append((name.split("+", 1)[-1], *rest[:-5], *rest[-5:-2]))
    return sorted(out)


@needs_poppler
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pages_text_and_fonts_match_matplotlibs_own_subsets(tmp_path, lang):
    fast = _written(tmp_path, "fast", lang)
    plain = _written(tmp_path, "plain", lang, fast=False)
    # the same pixels when poppler draws the page
    for path in (fast, plain):
        _run("pdftoppm", "-r", "150", "-png", path, path.with_suffix(""))
    assert (tmp_path / "fast-1.png").read_bytes() == (tmp_path / "plain-1.png").read_bytes()
    # the same text when a reader copies it
    assert _run("pdftotext", fast, "-") == _run("pdftotext", plain, "-")
    # the same fonts, embedded as subsets, none of them Type 3
    fonts = _fonts(fast)
    assert fonts == _fonts(plain)
    assert all(row[-3:] == ("yes", "yes", "yes") for row in fonts), fonts
    assert not any("Type" in row and "3" in row for row in fonts)
    assert "/Type3" not in fast.read_bytes().decode("latin-1")


def test_rerun_writes_the_same_bytes_and_remembers(tmp_path):
    before = fontsubset.subset_cache_info()
    first = _written(tmp_path, "a", "zh").read_bytes()
    second = _written(tmp_path, "b", "zh").read_bytes()
    after = fontsubset.subset_cache_info()
    assert first == second
    assert after["hits"] > before["hits"]
    # Matplotlib's own function is back after the block
    from matplotlib.backends import _backend_pdf_ps

    assert not getattr(_backend_pdf_ps.get_glyphs_subset, "_gmindex_subsetting", False)


def test_without_harfbuzz_the_bytes_are_matplotlibs(tmp_path, monkeypatch):
    plain = _written(tmp_path, "plain", "zh", "single", fast=False).read_bytes()
    monkeypatch.setattr(fontsubset, "harfbuzz_subset", lambda fontfile, glyphs: None)
    monkeypatch.setattr(fontsubset, "_cache", type(fontsubset._cache)())
    assert _written(tmp_path, "fallback", "zh", "single").read_bytes() == plain


def test_a_changed_font_file_is_a_new_entry(tmp_path):
    from matplotlib import font_manager

    copy = tmp_path / "DejaVuSans.ttf"
    shutil.copy(font_manager.findfont("DejaVu Sans"), copy)
    first = fontsubset._file_key(copy)
    copy.write_bytes(copy.read_bytes() + b"\0\0\0\0")
    assert fontsubset._file_key(copy) != first


def test_harfbuzz_keeps_the_glyphs_asked_for():
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont("DejaVu Sans")
    font = FT2Font(path)
    glyphs = {font.get_char_index(ord(c)) for c in "Green 2016"}
    data, index_map = fontsubset.harfbuzz_subset(path, glyphs)
    subset = TTFont(io.BytesIO(data))
    original = TTFont(path)
    names = original.getGlyphOrder()
    kept = subset.getGlyphOrder()
    for glyph in glyphs:
        # same glyph, same advance width, under its new index
        assert kept[index_map[glyph]] == names[glyph]
        assert subset["hmtx"][kept[index_map[glyph]]] == original["hmtx"][names[glyph]]
