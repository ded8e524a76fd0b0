"""Tests for gmindex.maps: facts about the drawn maps, not pixels.

All scores here are synthetic test values, not data.
"""

from __future__ import annotations

import itertools
import re
import warnings
from io import BytesIO

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from gmindex import maps  # noqa: E402
from gmindex.maps._common import _FONT_SIZES  # noqa: E402
from gmindex.boundaries import MAP_REVIEW_NUMBER, boundary_lines  # noqa: E402
from gmindex.provinces import default_registry  # noqa: E402

pytestmark = pytest.mark.slow(15)  # many figures drawn: run the module early

CODES = default_registry().codes
WITHOUT_TIBET = [c for c in CODES if c != "54"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _cross_section(codes=WITHOUT_TIBET, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"code": codes, "score": rng.uniform(0.1, 0.9, len(codes))})


def _unit(ax, code, *, inset=False):
    gid = f"{'inset-' if inset else ''}unit-{code}"
    (patch,) = [p for p in ax.patches if p.get_gid() == gid]
    return patch


def _face(patch):
    return to_hex(patch.get_facecolor())


def _inset(ax):
    (inset,) = [a for a in ax.child_axes if a.get_label() == "south_china_sea_inset"]
    return inset


def _legend_texts(legend):
    return [t.get_text() for t in legend.get_texts()]


# ---------------------------------------------------------------- classify


def test_classify_hand_case_equal_interval():
    mc = maps.classify([0, 1, 2, 3, 4], scheme="equal_interval", k=4)
    assert mc.edges == (0.0, 1.0, 2.0, 3.0, 4.0)
    # Upper bounds are inclusive; the minimum goes into the first class.
    assert mc.assign([0, 1, 1.5, 2, 4]).tolist() == [0, 0, 1, 1, 3]
    assert mc.labels == ("0.0–1.0", "1.0–2.0", "2.0–3.0", "3.0–4.0")
    assert len(set(mc.colors)) == 4


def test_classify_quantiles_hand_case():
    mc = maps.classify(np.arange(1.0, 11.0), scheme="quantiles", k=2)
    assert mc.edges == (1.0, 5.5, 10.0)
    assert mc.assign([5, 6]).tolist() == [0, 1]


def test_fisher_jenks_separates_obvious_groups():
    values = [1.0, 1.1, 1.2, 5.0, 5.1, 9.0, 9.2]
    mc = maps.classify(values, scheme="natural_breaks", k=3)
    assert mc.edges == (1.0, 1.2, 5.1, 9.2)


def test_classify_hand_cases_from_mapclassify():
    # Quantiles of 1..10 at k=5 (linear interpolation): 2.8, 4.6, 6.4, 8.2, 10.
    mc = maps.classify(np.arange(1.0, 11.0), scheme="quantiles", k=5)
    np.testing.assert_allclose(mc.edges, [1, 2.8, 4.6, 6.4, 8.2, 10])
    mc = maps.classify(np.linspace(0, 10, 11), scheme="equal_interval", k=5)
    np.testing.assert_allclose(mc.edges, [0, 2, 4, 6, 8, 10])


def test_classify_ties_warn_and_reduce_classes():
    with pytest.warns(UserWarning, match="distinct classes"):
        mc = maps.classify([1, 1, 1, 1, 2, 2], scheme="quantiles", k=5)
    assert mc.k == 2


def test_classify_errors():
    with pytest.raises(ValueError, match="unknown scheme"):
        maps.classify([1, 2], scheme="jenks")
    with pytest.raises(ValueError, match="cover the data"):
        maps.classify([1, 2, 3], scheme="user", bins=[1, 2])
    with pytest.raises(ValueError, match="needs bins"):
        maps.classify([1, 2, 3], scheme="user")
    with pytest.raises(ValueError, match="every value is missing"):
        maps.classify([np.nan, np.nan])
    mc = maps.classify([1, 2, 3], scheme="user", bins=[2, 3])
    with pytest.raises(ValueError, match="outside"):
        mc.assign([5])


# ---------------------------------------------------------------- choropleth


def test_no_data_separate_from_not_in_sample():
    data = _cross_section()
    data.loc[data["code"] == "44", "score"] = np.nan  # a missing value
    ax = maps.choropleth(data, "score")
    nodata = _unit(ax, "54")  # Tibet: in the sample, dropped for missing data
    outside = _unit(ax, "71")  # Taiwan: outside the sample
    for code in ("54", "44"):
        patch = _unit(ax, code)
        assert patch.get_hatch() == "////", code
        assert _face(patch) == _face(nodata)
    for code in ("71", "81", "82"):
        patch = _unit(ax, code)
        assert not patch.get_hatch(), code
        assert _face(patch) == _face(outside)
    assert _face(outside) != _face(nodata)
    assert not _unit(_inset(ax), "71", inset=True).get_hatch()
    for code in ("11", "65", "46"):
        patch = _unit(ax, code)
        assert not patch.get_hatch()
        assert _face(patch) not in (_face(nodata), _face(outside))
    texts = _legend_texts(ax.get_legend())
    assert texts[-2:] == ["No data", "Not in sample"]
    assert len(texts) == 7  # five classes + no data + not in sample
    # Without a missing province the legend has no "No data" entry.
    full = pd.DataFrame({"code": CODES, "score": np.linspace(0.1, 0.9, len(CODES))})
    texts = _legend_texts(maps.choropleth(full, "score").get_legend())
    assert "No data" not in texts and texts[-1] == "Not in sample"


def test_all_34_units_drawn_once():
    ax = maps.choropleth(_cross_section(), "score")
    gids = [p.get_gid() for p in ax.patches if (p.get_gid() or "").startswith("unit-")]
    assert sorted(gids) == sorted(f"unit-{c}" for c in CODES + ["71", "81", "82"])


def test_colours_follow_classes():
    data = pd.DataFrame({"code": ["11", "12", "13"], "x": [1.0, 2.0, 3.0]})
    ax = maps.choropleth(data, "x", scheme="user", bins=[1.5, 3.0])
    mc = maps.classify(data["x"], scheme="user", bins=[1.5, 3.0])
    assert _face(_unit(ax, "11")) == mc.colors[0]
    assert _face(_unit(ax, "12")) == _face(_unit(ax, "13")) == mc.colors[1]
    assert _legend_texts(ax.get_legend())[:2] == ["1.0–1.5", "1.5–3.0"]


def test_inset_present_with_whole_dash_line():
    ax = maps.choropleth(_cross_section(), "score")
    inset = _inset(ax)
    x0, y0, x1, y1 = boundary_lines().query("kind == 'south_china_sea_dashline'").total_bounds
    ix0, ix1 = inset.get_xlim()
    iy0, iy1 = inset.get_ylim()
    assert ix0 < x0 and x1 < ix1 and iy0 < y0 and y1 < iy1
    # The main map stops north of the sea: James Shoal (about 4°N) is only in the inset.
    assert ax.get_ylim()[0] > y0 + 1e6
    # Drawn inside the main map's lower-right corner, at a smaller scale.
    fig = ax.figure
    fig.canvas.draw()
    main_box = ax.get_window_extent()
    box = inset.get_window_extent()
    assert box.x1 <= main_box.x1 + 1 and box.y0 >= main_box.y0 - 1
    assert box.x0 > main_box.x0 + 0.6 * main_box.width
    scale_main = main_box.width / np.diff(ax.get_xlim())[0]
    scale_inset = box.width / (ix1 - ix0)
    assert scale_inset == pytest.approx(box.height / (iy1 - iy0), rel=0.02)  # not stretched
    assert 0.3 < scale_inset / scale_main < 1
    dash = [a for a in inset.lines if a.get_gid() == "dashline"]
    assert len(dash) == 10


@pytest.mark.parametrize("lang, expected", [("en", "Boundaries: Tianditu 2024"), ("zh", "审图号")])
def test_credit_line_with_review_number(lang, expected):
    ax = maps.choropleth(_cross_section(), "score", lang=lang)
    (credit,) = [t for t in ax.texts if t.get_gid() == "credit"]
    assert MAP_REVIEW_NUMBER in credit.get_text()
    assert expected in credit.get_text()


def test_chinese_map_renders_without_missing_glyphs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = maps.choropleth(_cross_section(), "score", lang="zh", labels=True,
                             legend_title="得分", unit="指数")
        ax.figure.canvas.draw()
        ax.figure.savefig(BytesIO(), format="pdf")
        fig = maps.region_map(lang="zh", labels=True)
        fig.canvas.draw()
    assert "无数据" in _legend_texts(ax.get_legend())
    (label,) = [t for t in ax.texts if t.get_gid() == "label-44"]
    assert label.get_text() == "广东"
    assert label.get_fontfamily()[0] == "Noto Sans CJK SC"


def test_use_cjk_font_registers_family():
    from matplotlib import font_manager

    family = maps.use_cjk_font()
    path = font_manager.findfont(font_manager.FontProperties(family=family),
                                 fallback_to_default=False)
    assert path.endswith("NotoSansCJKsc-Regular.otf")


@pytest.mark.parametrize("size", ["single", "double"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_labels_do_not_overlap(size, lang):
    data = _cross_section()
    # The study's legend: natural breaks of pooled years, stated in a three-line title.
    classes = maps.classify(data["score"], scheme="natural_breaks", basis="2016–2020")
    ax = maps.choropleth(data, "score", labels=True, size=size, lang=lang, classes=classes)
    from gmindex.plots import texts_outside_figure

    assert texts_outside_figure(ax.figure) == []
    fig = ax.figure
    assert fig.get_figwidth() == maps.FIGURE_WIDTHS[size]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t for t in ax.texts if (t.get_gid() or "").startswith("label-")]
    assert len(labels) == 34
    boxes = {t.get_gid(): Text.get_window_extent(t, renderer) for t in labels}
    inset = _inset(ax)
    (title,) = [t for t in inset.texts if t.get_gid() == "inset-title"]
    furniture = {
        "inset": inset.get_window_extent(renderer),
        "inset-title": title.get_window_extent(renderer),
        "legend": ax.get_legend().get_window_extent(renderer),
    }
    furniture.update({f"{t.get_gid()}-{i}": t.get_window_extent(renderer)
                      for i, t in enumerate(ax.texts) if t.get_gid() in ("credit", "scalebar")})
    clashes = [(a, b) for (a, ba), (b, bb) in itertools.combinations(boxes.items(), 2)
               if ba.overlaps(bb)]
    clashes += [(a, b) for a, ba in boxes.items() for b, bb in furniture.items()
                if ba.overlaps(bb)]
    # Leader lines of the small units do not run through other names.
    for t in labels:
        arrow = getattr(t, "arrow_patch", None)
        if arrow is not None:
            path = arrow.get_path().transformed(arrow.get_transform())
            clashes += [(t.get_gid(), g) for g, b in boxes.items()
                        if g != t.get_gid() and path.intersects_bbox(b, filled=False)]
    assert clashes == []
    page = fig.bbox
    for name, b in {**boxes, **furniture}.items():
        assert page.x0 <= b.x0 and b.x1 <= page.x1 and page.y0 <= b.y0 and b.y1 <= page.y1, name
    leaders = {t.get_gid() for t in labels if getattr(t, "arrow_patch", None) is not None}
    assert {"label-11", "label-12", "label-31", "label-81", "label-82"} <= leaders


def test_greyscale_uses_grey_shades():
    ax = maps.choropleth(_cross_section(), "score", greyscale=True)
    for patch in ax.patches:
        if (patch.get_gid() or "").startswith("unit-"):
            r, g, b, _ = patch.get_facecolor()
            assert r == pytest.approx(g, abs=1e-6) and g == pytest.approx(b, abs=1e-6)


def test_draws_into_given_axes_and_sizes_fonts_from_its_figure():
    fig, ax = plt.subplots(figsize=(3.5, 2.8))
    out = maps.choropleth(_cross_section(), "score", ax=ax, labels=True)
    assert out is ax
    (label,) = [t for t in ax.texts if t.get_gid() == "label-65"]
    assert label.get_fontsize() == _FONT_SIZES["single"]["label"]


def test_bad_input_is_explained():
    data = _cross_section()
    with pytest.raises(ValueError, match="one value per province"):
        maps.choropleth(pd.concat([data, data]), "score")
    with pytest.raises(ValueError, match="unknown province codes"):
        maps.choropleth(pd.DataFrame({"code": ["99"], "score": [1.0]}), "score")
    with pytest.raises(ValueError, match="lacks column"):
        maps.choropleth(data, "value")
    with pytest.raises(ValueError, match="lang"):
        maps.choropleth(data, "score", lang="fr")


# ---------------------------------------------------------------- small multiples


def _panel():
    """Synthetic scores rising over time: 2020 values well above 2016 ones."""
    rows = []
    for year in range(2016, 2021):
        for i, code in enumerate(WITHOUT_TIBET):
            rows.append((code, year, 0.1 + 0.01 * i + 0.03 * (year - 2016)))
    return pd.DataFrame(rows, columns=["code", "year", "score"])


def test_small_multiples_share_one_scale():
    panel = _panel()
    fig = maps.small_multiples(panel)
    axes = {a.get_label(): a for a in fig.axes}
    assert [f"year-{y}" for y in range(2016, 2021)] == sorted(
        k for k in axes if k.startswith("year-"))
    # Equal values in different years get the same colour: 0.1 + 0.01*i + 0.03*t.
    a = panel.query("year == 2016").set_index("code")["score"]
    b = panel.query("year == 2020").set_index("code")["score"]
    pairs = [(c16, c20) for c16 in a.index for c20 in b.index if np.isclose(a[c16], b[c20])]
    assert pairs
    for c16, c20 in pairs:
        assert _face(_unit(axes["year-2016"], c16)) == _face(_unit(axes["year-2020"], c20))
    # One classification on the pooled values, hence one legend for the figure.
    classes = fig.gmindex_classes
    assert classes.edges[0] == pytest.approx(panel["score"].min())
    assert classes.edges[-1] == pytest.approx(panel["score"].max())
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    assert len(legends) == 1
    assert _legend_texts(legends[0])[:-2] == list(classes.labels)
    assert _legend_texts(legends[0])[-2:] == ["No data", "Not in sample"]
    assert "2016–2020" in legends[0].get_title().get_text()
    # The lowest 2016 province is in the lowest class, the highest 2020 one in the top class.
    low, high = a.idxmin(), b.idxmax()
    assert _face(_unit(axes["year-2016"], low)) == classes.colors[0]
    assert _face(_unit(axes["year-2020"], high)) == classes.colors[-1]
    # Per-panel classes would give the 2016 maximum the top colour; pooled ones do not.
    assert classes.assign([a.max()])[0] < classes.k - 1
    assert _face(_unit(axes["year-2016"], a.idxmax())) != classes.colors[-1]
    for ax in (axes[f"year-{y}"] for y in range(2016, 2021)):
        assert _unit(ax, "54").get_hatch() == "////"
        assert _inset(ax) is not None


def test_small_multiples_year_errors():
    with pytest.raises(ValueError, match="not in scores"):
        maps.small_multiples(_panel(), years=[2015])


# ---------------------------------------------------------------- change map


def _numbers(label):
    return [float(x.replace("\u2212", "-")) for x in re.findall(r"\u2212?\d+\.\d+", label)]


def test_change_map_zero_is_an_edge_and_no_class_is_empty():
    panel = _panel()
    # Make two provinces fall so both signs appear.
    panel.loc[(panel["code"] == "11") & (panel["year"] == 2020), "score"] = 0.0
    panel.loc[(panel["code"] == "12") & (panel["year"] == 2020), "score"] = 0.05
    ax = maps.change_map(panel, k=6)
    texts = _legend_texts(ax.get_legend())
    assert texts[-2:] == ["No data", "Not in sample"]
    edges = [_numbers(t) for t in texts[:-2]]
    bounds = [e[0] for e in edges] + [edges[-1][1]]
    assert 0.0 in bounds
    fall, rise = _face(_unit(ax, "11")), _face(_unit(ax, "13"))
    assert fall != rise
    assert _unit(ax, "54").get_hatch() == "////"
    assert "2016–2020" in ax.get_legend().get_title().get_text()
    # Every legend class colours at least one province.
    faces = {_face(_unit(ax, c)) for c in WITHOUT_TIBET}
    for handle in ax.get_legend().legend_handles[:-2]:
        assert to_hex(handle.get_facecolor()) in faces


def test_change_map_all_rises_has_no_empty_fall_classes():
    change = pd.DataFrame({"code": WITHOUT_TIBET,
                           "change": np.linspace(0.023, 0.247, len(WITHOUT_TIBET))})
    classes = maps.change_classes(change["change"], k=6)
    assert classes.edges[0] == 0.0
    assert min(classes.counts(change["change"])) > 0
    # Old symmetric classes would have left three of six classes empty.
    with_gap = np.r_[0.01, 0.02, 0.24]
    assert min(maps.change_classes(with_gap, k=6).counts(with_gap)) > 0


# ---------------------------------------------------------------- LISA and regions


def test_lisa_map_categorical_colours():
    frame = pd.DataFrame({"code": CODES, "cluster": "ns"})
    frame.loc[frame["code"].isin(["31", "32", "33"]), "cluster"] = "HH"
    frame.loc[frame["code"].isin(["62", "63"]), "cluster"] = "LL"
    frame.loc[frame["code"] == "51", "cluster"] = "HL"
    ax = maps.lisa_map(frame)
    assert _face(_unit(ax, "31")) == _face(_unit(ax, "32")) != _face(_unit(ax, "62"))
    assert len({_face(_unit(ax, c)) for c in ("31", "62", "51", "11")}) == 4
    assert not _unit(ax, "71").get_hatch()  # not in sample, not "no data"
    texts = _legend_texts(ax.get_legend())
    assert texts == ["High–high (3)", "Low–low (2)", "High–low (1)", "Low–high (0)",
                     "Not significant (25)", "Not in sample"]
    with pytest.raises(ValueError, match="unknown cluster labels"):
        maps.lisa_map(frame.assign(cluster="hot"))


def test_region_map_two_schemes():
    fig = maps.region_map()
    axes = {a.get_label(): a for a in fig.axes}
    r4, r3 = axes["region4"], axes["region3"]
    # Liaoning: northeast in the four regions, east in the three belts.
    assert _face(_unit(r4, "21")) != _face(_unit(r4, "11"))
    assert _face(_unit(r3, "21")) == _face(_unit(r3, "11"))
    # Jilin: northeast vs central.
    assert _face(_unit(r3, "22")) == _face(_unit(r3, "42"))
    assert _legend_texts(r4.get_legend()) == [
        "East", "Central", "West", "Northeast", "Not in sample"]
    assert r4.get_legend().get_title().get_text() == "NBS four regions"
    assert _legend_texts(r3.get_legend()) == ["East", "Central", "West", "Not in sample"]
    assert not _unit(r4, "81").get_hatch()
    (credit,) = [t for t in fig.texts if t.get_gid() == "credit"]
    assert MAP_REVIEW_NUMBER in credit.get_text()


# ---------------------------------------------------------------- saving


def test_save_standard_maps(tmp_path):
    frame = pd.DataFrame({"code": CODES, "cluster": "ns"})
    paths = maps.save_standard_maps(_panel(), tmp_path, lisa=frame, formats=("svg",), dpi=72)
    names = sorted(p.name for p in paths)
    stems = ["map_score_2020", "map_score_years", "map_score_change_2016_2020",
             "map_regions", "map_lisa"]
    assert names == sorted([f"{s}.svg" for s in stems] + [f"{s}.caption.md" for s in stems])
    assert all(p.parent == tmp_path for p in paths)
    svgs = [p for p in paths if p.suffix == ".svg"]
    # Province ids survive into the SVG (users restyle them), and figures are closed.
    assert all(b'id="unit-71"' in p.read_bytes() for p in svgs)
    # Province names stay editable text (no halo path effect on the name itself).
    body = (tmp_path / "map_score_2020.svg").read_text(encoding="utf-8")
    assert re.search(r"<text[^>]*>Guangdong</text>", body)
    caption = (tmp_path / "map_score_2020.caption.md").read_text(encoding="utf-8")
    assert "Natural breaks" in caption and MAP_REVIEW_NUMBER in caption
    assert plt.get_fignums() == []


# ---------------------------------------------------------------- generic unit layer


def test_unit_map_draws_any_layer_with_the_map_conventions():
    from gmindex.boundaries import province_boundaries

    units = province_boundaries(crs=None)
    units = units[units["code"].isin(CODES)].copy()  # a "layer" of 31 units
    units["x"] = np.linspace(0.0, 1.0, len(units))
    units.loc[units["code"] == "54", "x"] = np.nan
    ax = maps.unit_map(units, "x", k=4)
    layer = {p.get_gid(): p for p in ax.patches if (p.get_gid() or "").startswith("layer-")}
    assert len(layer) == 31
    assert layer["layer-54"].get_hatch() == "////"
    assert not layer["layer-11"].get_hatch()
    texts = _legend_texts(ax.get_legend())
    assert texts[-2:] == ["No data", "Not in sample"]
    assert "Quantiles" in ax.get_legend().get_title().get_text()
    assert any(t.get_gid() == "credit" for t in ax.texts)
    assert any(p.get_gid() == "north-arrow" for p in ax.patches)
    with pytest.raises(ValueError, match="lacks column"):
        maps.unit_map(units, "nope")


def test_unit_map_draws_the_units_on_the_south_china_sea_inset_too():
    """Hainan (with the Xisha, Zhongsha and Nansha islands of Sansha) is drawn in the
    inset in its class colour, not as the pale base; units that do not reach the inset
    are not drawn there; the islands south of the cut are left off the main map."""
    from pyproj import Transformer

    from gmindex.boundaries import ALBERS_CHINA, province_boundaries

    units = province_boundaries(crs=None)
    units = units[units["code"].isin(["11", "44", "46"])].assign(x=[1.0, 2.0, 3.0])
    ax = maps.unit_map(units, "x", scheme="user", bins=[1.5, 2.5, 3.0])
    inset = _inset(ax)
    drawn = {p.get_gid(): p for p in inset.patches if "layer-" in (p.get_gid() or "")}
    assert set(drawn) == {"inset-layer-44", "inset-layer-46"}
    colours = ax.gmindex_classes.colors
    assert _face(drawn["inset-layer-46"]) == to_hex(colours[2])
    assert _face(drawn["inset-layer-44"]) == to_hex(colours[1])
    # Main map: Hainan Island only, its southernmost vertex north of the cut (17.5 N).
    main = next(p for p in ax.patches if p.get_gid() == "layer-46")
    lon_lat = Transformer.from_crs(ALBERS_CHINA, "EPSG:4490", always_xy=True).transform(
        *main.get_path().vertices.T)
    assert min(lon_lat[1]) > 17.5
    plt.close("all")


@pytest.mark.parametrize("size", ["single", "double"])
def test_map_figures_keep_all_text_inside(size):
    from gmindex.plots import texts_outside_figure

    panel = _panel()
    classes = maps.classify(panel["score"], scheme="natural_breaks", basis="2016–2020")
    figs = [
        maps.small_multiples(panel, classes=classes, size=size, ncols=3 if size == "double" else 2),
        maps.region_map(size=size),
        maps.change_map(panel, size=size, labels=True).figure,
        maps.lisa_map(pd.DataFrame({"code": CODES, "cluster": "ns"}), size=size, alpha=0.05,
                      weights="queen contiguity", permutations=999).figure,
    ]
    for fig in figs:
        assert [t.get_text() for t in texts_outside_figure(fig)] == []
        assert round(fig.get_figwidth() * 25.4) == {"single": 88, "double": 180}[size]
