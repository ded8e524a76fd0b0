"""Tests for gmindex.figstyle: fonts in files, widths, names and colours."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from gmindex import figstyle  # noqa: E402
from gmindex.datasets import load_default_spec  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _demo(lang):
    fig, ax = figstyle.new_figure("single", lang=lang)
    ax.plot([2016, 2020], [0.2, 0.3])
    ax.set_xlabel(figstyle.text("year", lang))
    ax.set_ylabel(figstyle.text("score", lang))
    return fig


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdf_has_no_type3_fonts(tmp_path, lang):
    paths = figstyle.save_figure(_demo(lang), tmp_path / "demo", formats=("pdf",), lang=lang)
    data = paths[0].read_bytes()
    subtypes = figstyle.pdf_font_subtypes(data)
    assert subtypes, "no font found in the PDF"
    assert "Type3" not in subtypes
    assert b"/Type3" not in data


def test_pdf_type3_detector_would_fail_on_type3(tmp_path):
    fig = _demo("en")
    with matplotlib.rc_context({"pdf.fonttype": 3}):
        fig.savefig(tmp_path / "t3.pdf")
    assert "Type3" in figstyle.pdf_font_subtypes((tmp_path / "t3.pdf").read_bytes())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_svg_keeps_text_as_text(tmp_path, lang):
    (svg,) = figstyle.save_figure(_demo(lang), tmp_path / "demo", formats=("svg",), lang=lang)
    body = svg.read_text(encoding="utf-8")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", body)
    assert figstyle.text("year", lang) in texts
    assert "<path" not in "".join(texts)


def test_save_is_byte_identical_and_names_zh(tmp_path):
    first = figstyle.save_figure(_demo("zh"), tmp_path / "a", formats=("png", "pdf", "svg"),
                                 lang="zh", caption={"en": "A.", "zh": "甲。"})
    again = figstyle.save_figure(_demo("zh"), tmp_path / "a", formats=("png", "pdf", "svg"),
                                 lang="zh", caption={"en": "A.", "zh": "甲。"})
    assert [p.name for p in first] == ["a_zh.png", "a_zh.pdf", "a_zh.svg", "a_zh.caption.md"]
    b1 = [p.read_bytes() for p in first]
    assert b1 == [p.read_bytes() for p in again]
    assert first[-1].read_text(encoding="utf-8") == "甲。\n"


def test_widths_are_journal_columns():
    for width, mm in (("single", 88), ("double", 180)):
        fig, _ = figstyle.new_figure(width)
        assert round(fig.get_figwidth() * 25.4) == mm
    with pytest.raises(ValueError, match="single"):
        figstyle.figure_size("wide")


def test_region_colours_fixed_and_distinct():
    reg4 = figstyle.region_colors("region4")
    reg3 = figstyle.region_colors("region3")
    assert reg4["northeast"] == figstyle.REGION_COLOURS["northeast"]
    assert all(reg3[k] == reg4[k] for k in reg3)
    assert len(set(reg4.values())) == len(reg4)


def test_pillar_names_and_colours_come_from_the_spec():
    spec = load_default_spec()
    en = figstyle.pillar_names(spec, "en")
    zh = figstyle.pillar_names(spec, "zh")
    assert list(en) == list(spec.pillar_ids)
    declared = {p.id: p for p in spec.pillars}
    for pid in spec.pillar_ids:
        if pid in declared and declared[pid].name_en:
            assert en[pid] == declared[pid].name_en
        assert "_" not in en[pid] and "_" not in zh[pid]
    colours = figstyle.pillar_colors(spec)
    assert list(colours) == list(spec.pillar_ids)
    assert len(set(colours.values())) == len(colours)


def test_small_group_note_only_for_small_groups():
    fig, ax = plt.subplots()
    assert figstyle.small_group_note(ax, {"east": 10, "west": 12}) is None
    note = figstyle.small_group_note(ax, {"east": 10, "northeast": 3}, "zh")
    assert "东北" in note.get_text()


def test_study_figures_have_captions_in_both_languages(tmp_path):
    from pathlib import Path

    from gmindex.captions import default_caption

    figures = Path(__file__).resolve().parents[1] / "figures"
    stems = sorted(p.stem for p in figures.glob("fig_*.png"))
    assert stems
    for stem in stems:
        for lang in ("en", "zh"):
            assert default_caption(stem, lang), (stem, lang)
    paths = figstyle.save_figure(_demo("zh"), tmp_path / "fig_kde_by_year", formats=("png",),
                                 lang="zh")
    assert paths[-1].name == "fig_kde_by_year_zh.caption.md"
    assert "核密度" in paths[-1].read_text(encoding="utf-8")


def test_save_variants_writes_every_language_and_width(tmp_path):
    seen = []

    def draw(lang, width):
        # the drawing runs in the style of its language and width
        seen.append((lang, width, matplotlib.rcParams["font.size"]))
        fig, ax = figstyle.new_figure(width, lang=lang)
        ax.plot([0, 1], [0, 1])
        return ax

    paths = figstyle.save_variants(draw, tmp_path / "fig_demo", formats=("png",),
                                   caption={"en": "Demo.", "zh": "示例。"})
    names = sorted(p.name for p in paths)
    assert names == sorted([
        "fig_demo.png", "fig_demo.caption.md", "fig_demo_zh.png", "fig_demo_zh.caption.md",
        "fig_demo_single.png", "fig_demo_single.caption.md",
        "fig_demo_single_zh.png", "fig_demo_single_zh.caption.md"])
    assert seen == [("en", "double", 7.5), ("zh", "double", 7.5),
                    ("en", "single", 6.0), ("zh", "single", 6.0)]
    from PIL import Image

    single = Image.open(tmp_path / "fig_demo_single.png").size[0]
    double = Image.open(tmp_path / "fig_demo.png").size[0]
    assert abs(single / double - 88 / 180) < 0.01
    # double-width figures stay open for display, single-width ones are closed
    open_widths = [round(plt.figure(n).get_figwidth() * 25.4) for n in plt.get_fignums()]
    assert 88 not in open_widths
    plt.close("all")


def test_save_variants_rejects_a_non_figure(tmp_path):
    with pytest.raises(TypeError, match="Figure or Axes"):
        figstyle.save_variants(lambda lang, width: None, tmp_path / "x", formats=("png",))
