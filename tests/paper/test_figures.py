import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from gmindex.disparity.dagum import dagum_by_year
from gmindex.paper import figures as F
from gmindex.paper.tables import dagum_table


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_dagum_lines_draw_the_table(default_result):
    t = dagum_table(dagum_by_year(default_result.scores, scheme="region4"))
    for kind, n in (("within", 4), ("between", 6), ("shares", 3)):
        fig, ax = plt.subplots()
        assert F.dagum_lines(t, kind=kind, ax=ax) is ax
        assert len(ax.lines) == n
    np.testing.assert_allclose(ax.lines[0].get_ydata(), t["G_w_pct"])
    with pytest.raises(ValueError):
        F.dagum_lines(t, kind="pairs")


def test_kde_surface_warns_small_region(default_result):
    fig = plt.figure()
    ax = fig.add_subplot(projection="3d")
    F.kde_surface(default_result.scores, region="northeast", ax=ax, lang="zh")
    gids = [t.get_gid() for t in ax.texts]
    assert "small-group-note" in gids and "kde-note" in gids
    ax2 = plt.figure().add_subplot(projection="3d")
    F.kde_surface(default_result.scores, ax=ax2)
    assert "small-group-note" not in [t.get_gid() for t in ax2.texts]
    assert "scott" in ax2.texts[0].get_text()


def test_moran_radar_obstacle(default_result):
    from gmindex.paper.obstacle import obstacles
    from gmindex.spatial import morans_i_by_year

    m = morans_i_by_year(default_result.scores, permutations=99)
    fig, ax = plt.subplots()
    F.moran_by_year(m, ax=ax)
    assert "99" in ax.texts[-1].get_text()
    ps = default_result.pillar_scores.copy()
    ps["region"] = ps["code"].map(default_result.registry.regions("region4"))
    vals = ps[ps["year"] == 2020].pivot_table(index="region", columns="pillar", values="score")
    fig, ax = plt.subplots(subplot_kw={"projection": "polar"})
    F.radar(vals, ax=ax, spec=default_result.spec)
    assert len(ax.lines) == len(vals)
    nat = obstacles(default_result).national(year=2020)
    fig, ax = plt.subplots()
    F.obstacle_bars(nat, ax=ax, spec=default_result.spec)
    assert len(ax.patches) == len(nat)


def test_centre_trajectory_on_map(default_result):
    from gmindex import maps
    from gmindex.paper.centrography import gravity_centres

    cg = gravity_centres(default_result.scores).table
    fig, ax = plt.subplots()
    maps.choropleth(default_result.scores.query("year == 2020"), "score", ax=ax)
    F.centre_trajectory(cg, ax=ax)
    line = [l for l in ax.lines if l.get_gid() == "trajectory"][0]
    np.testing.assert_allclose(line.get_xdata(), cg["x"])
    styles = {p.get_gid(): p.get_linestyle() for p in ax.patches if str(p.get_gid()).startswith("ellipse")}
    assert styles == {"ellipse-2016": "--", "ellipse-2020": "-"}


def test_moran_series_without_labels(default_result):
    from gmindex.paper.dynamics import morans_i_by_pillar

    pm = morans_i_by_pillar(default_result, permutations=9)
    fig, ax = plt.subplots()
    for pillar, part in pm.groupby("pillar"):
        F.moran_by_year(part, ax=ax, label=pillar, annotate=False)
    assert [t.get_gid() for t in ax.texts] == ["permutations"]
    assert len(ax.lines) >= len(pm["pillar"].unique())


# ---------------------------------------------------------------- the paper figure set

WIDTH_MM = {"single": 88.0, "double": 180.0}


@pytest.fixture(scope="module")
def paper(default_result):
    from gmindex.paper.report import paper_tables

    return paper_tables(default_result, permutations=9)


@pytest.fixture(scope="module")
def jobs(default_result, paper):
    from gmindex.paper.report import _figure_jobs

    return _figure_jobs(default_result, paper)


def test_every_paper_figure_goes_through_the_variants(default_result, paper, tmp_path,
                                                      monkeypatch):
    """paper_figures hands every figure to save_variants with both languages and widths."""
    import gmindex.figstyle
    from gmindex.captions import default_caption
    from gmindex.paper.report import paper_figures

    seen = {}

    def record(draw, stem, *, langs, widths, **kw):
        seen[stem.name] = (tuple(langs), tuple(widths), kw["formats"])
        return []

    monkeypatch.setattr(gmindex.figstyle, "save_variants", record)
    paper_figures(default_result, paper, tmp_path)
    groups = ["national", *default_result.registry.region_order("region4")]
    assert set(seen) == {
        *(f"fig_paper_dagum_{k}" for k in ("within", "between", "shares")),
        "fig_paper_moran_by_year", "fig_paper_moran_pillars", "fig_paper_radar",
        "fig_paper_obstacles_2020", *(f"fig_paper_kde3d_{g}" for g in groups),
        "fig_paper_lisa_first_last", "fig_paper_lisa_bivariate_2020",
        "fig_paper_centre_trajectory"}
    assert set(seen.values()) == {(("en", "zh"), ("double", "single"), ("png", "pdf", "svg"))}
    for stem in seen:  # a caption in each language, for every width
        for variant, lang in ((stem, "en"), (f"{stem}_single_zh", "zh")):
            assert default_caption(variant, lang), variant
        assert default_caption(stem, "en") != default_caption(stem, "zh")
    with pytest.raises(ValueError, match="fig_paper_nope"):
        paper_figures(default_result, paper, tmp_path, only=["fig_paper_nope"])


@pytest.mark.parametrize("width,lang", [("single", "zh"), ("double", "en")])
def test_paper_figures_are_drawn_at_the_printed_width(jobs, width, lang):
    """Every paper figure is 88 or 180 mm wide (within 2 mm), fits a page, and no text
    leaves the canvas."""
    from gmindex.figstyle import style_context
    from gmindex.plots import texts_outside_figure

    for stem, draw in jobs.items():
        with style_context(lang, width):
            fig = draw(lang, width)
        w, h = (25.4 * v for v in fig.get_size_inches())
        assert abs(w - WIDTH_MM[width]) <= 2, (stem, w)
        assert 40 <= h <= 240, (stem, h)
        fig.set_dpi(30)  # the check scales with the figure; a low resolution is faster
        assert [t.get_text() for t in texts_outside_figure(fig)] == [], stem
        plt.close(fig)


def test_paper_figure_files(default_result, paper, tmp_path):
    """Files of each variant: PNG of the printed width, SVG with its text kept as <text>,
    captions in both languages; a Chinese PDF without Type 3 fonts."""
    import re

    from PIL import Image

    from gmindex.figstyle import pdf_font_subtypes
    from gmindex.paper.report import paper_figures

    stem = "fig_paper_moran_by_year"
    paths = paper_figures(default_result, paper, tmp_path, only=[stem], formats=("png", "svg"),
                          dpi=40)
    names = {p.name for p in paths}
    for variant in (stem, f"{stem}_zh", f"{stem}_single", f"{stem}_single_zh"):
        assert {f"{variant}.png", f"{variant}.svg", f"{variant}.caption.md"} <= names
        png = Image.open(tmp_path / f"{variant}.png")
        width = WIDTH_MM["single" if "_single" in variant else "double"]
        assert abs(png.size[0] / png.info["dpi"][0] * 25.4 - width) <= 2, variant
        words = re.findall(r"<text[^>]*>([^<]*)</text>",
                           (tmp_path / f"{variant}.svg").read_text(encoding="utf-8"))
        assert ("年份" if variant.endswith("_zh") else "Year") in words, variant
    assert "年度变化" in (tmp_path / f"{stem}_single_zh.caption.md").read_text("utf-8")
    assert "by year" in (tmp_path / f"{stem}.caption.md").read_text("utf-8")
    (pdf,) = [p for p in paper_figures(default_result, paper, tmp_path, only=["fig_paper_radar"],
                                       formats=("pdf",), langs=("zh",), widths=("single",))
              if p.suffix == ".pdf"]
    assert pdf.name == "fig_paper_radar_single_zh.pdf"
    subtypes = pdf_font_subtypes(pdf.read_bytes())
    assert subtypes and "Type3" not in subtypes
