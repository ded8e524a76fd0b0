"""Tests for the study figures (gmindex.plots) on the real default index.

Each test would have caught one of the defects a referee found in the first
figure set: overlapping names, clipped text, a colour bar counting something
else than the numbers, Type 3 fonts, text turned into paths, and no warning
on groups of three provinces.
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from gmindex import figstyle, plots  # noqa: E402
from gmindex.convergence import sigma_convergence  # noqa: E402
from gmindex.density import kde_by_group  # noqa: E402
from gmindex.plots.checks import visible_texts  # noqa: E402
from gmindex.regional import add_region, growth  # noqa: E402

pytestmark = pytest.mark.slow(20)  # many figures drawn: run the module early


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def scores(default_result):
    return default_result.scores  # the session's default index (tests/conftest.py)


@pytest.fixture(scope="module")
def lisa_2020(scores):
    from gmindex.spatial import contiguity_weights, lisa_clusters, morans_i_by_year

    w = contiguity_weights(sorted(scores["code"].unique()))
    moran = morans_i_by_year(scores, w=w, permutations=199, seed=12345).set_index("year")
    lisa = lisa_clusters(scores, year=2020, w=w, permutations=199, seed=12345)
    return lisa, float(moran.loc[2020, "I"]), float(moran.loc[2020, "p_sim"])


def _note(ax):
    return [t for t in ax.texts if t.get_gid() == "small-group-note"]


# ------------------------------------------------------------------ Moran scatter


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_moran_scatter_names_do_not_overlap_and_state_p(lisa_2020, lang):
    lisa, moran_i, p = lisa_2020
    ax = plots.moran_scatter(lisa, moran_i=moran_i, p_value=p, permutations=199, lang=lang)
    names = [t for t in ax.texts if t.get_gid() is None]
    assert len(names) >= 2  # the significant clusters are named
    assert plots.overlapping_texts(names) == []
    # The names also stay clear of the legend.
    renderer = ax.figure.canvas.get_renderer()
    legend_box = ax.get_legend().get_window_extent(renderer)
    assert not any(t.get_window_extent(renderer).overlaps(legend_box) for t in names)
    title = ax.get_legend().get_title().get_text()
    assert f"{moran_i:.3f}" in title and f"p = {p:.3f}" in title
    assert plots.texts_outside_figure(ax.figure) == []


@pytest.mark.parametrize("width", ["single", "double"])
def test_moran_scatter_names_cover_no_marker(lisa_2020, width):
    """Names stay clear of every marker, the unnamed provinces' too (a name across a
    grey point hid it), at both printed widths."""
    lisa, moran_i, p = lisa_2020
    ax = plots.moran_scatter(lisa, moran_i=moran_i, p_value=p, permutations=199, width=width)
    assert ax.figure.get_figwidth() * 25.4 == pytest.approx(figstyle.WIDTHS_MM[width], abs=2)
    renderer = ax.figure.canvas.get_renderer()
    points = ax.transData.transform(lisa[["z", "lag"]].to_numpy(float))
    for name in (t for t in ax.texts if t.get_gid() is None):
        box = name.get_window_extent(renderer)
        anchor = ax.transData.transform(name.xy)
        covered = [tuple(q) for q in points
                   if box.contains(*q) and np.hypot(*(q - anchor)) > 1.0]
        assert covered == [], name.get_text()


def test_overlap_check_catches_the_old_layout():
    # The old notebook wrote every name at the same offset: two close points clash.
    fig, ax = plt.subplots(figsize=(3.4, 3))
    ax.scatter([0.0, 0.02], [0.0, 0.01])
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    ts = [ax.annotate(n, (x, y), xytext=(4, 2), textcoords="offset points")
          for n, x, y in (("Jilin", 0.0, 0.0), ("Liaoning", 0.02, 0.01))]
    assert plots.overlapping_texts(ts) != []


# ------------------------------------------------------------------ clipped text


def test_clipping_check_catches_a_cut_title():
    fig, ax = plt.subplots(figsize=(3.4, 2))
    ax.set_title("What moves the east - west gap of mean scores " * 2)
    assert plots.texts_outside_figure(fig)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", ["single", "double"])
def test_study_figures_keep_all_text_inside(scores, lang, width):
    figs = [
        plots.kde_plot(kde_by_group(scores, grid=100), lang=lang, width=width).figure,
        plots.sigma_plot(sigma_convergence(scores, scheme="region4").by_year, lang=lang,
                         width=width).figure,
        plots.change_box_plot(add_region(growth(scores, start=2016, end=2020),
                                         scheme="region4"), lang=lang, width=width).figure,
    ]
    for fig in figs:
        assert [t.get_text() for t in plots.texts_outside_figure(fig)] == []
        assert round(fig.get_figwidth() * 25.4) == figstyle.WIDTHS_MM[width]
        assert not fig.axes[0].get_title()  # no titles inside the image


# ------------------------------------------------------------------ coverage heat map


def test_coverage_numbers_count_what_the_colour_counts():
    from gmindex.coverage import coverage_table
    from gmindex.datasets import load_default_panel

    present = coverage_table(load_default_panel(), years=range(2016, 2021)).drop(
        columns="missing_units")
    ax = plots.coverage_heatmap(present, total=31)
    mesh = next(c for c in ax.collections if c.get_gid() == "coverage-cells")
    drawn = np.asarray(mesh.get_array()).reshape(present.shape)
    expected = 31 - present.to_numpy()
    np.testing.assert_array_equal(drawn, expected)
    numbers = [t for t in ax.texts if t.get_gid() == "coverage-number"]
    # Every number sits on its cell and equals the colour's value; complete cells stay blank.
    assert len(numbers) == int((expected > 0).sum())
    for t in numbers:
        x, y = t.get_position()
        assert int(t.get_text()) == expected[int(y), int(x)]
    cbar_label = ax.figure.axes[-1].get_ylabel()
    assert "missing" in cbar_label
    complete = mesh.to_rgba(np.array([0]))[0]
    assert to_hex(complete) == "#ffffff"


# ------------------------------------------------------------------ small groups


def test_small_group_warning_on_density_sigma_and_box(scores):
    kde = kde_by_group(scores, by=("region", "year"), grid=100)
    fig = plots.kde_by_region_plot(kde)
    northeast = [ax for ax in fig.axes if any(t.get_gid() == "panel-northeast" for t in ax.texts)]
    assert len(northeast) == 1 and _note(northeast[0])
    east = [ax for ax in fig.axes if any(t.get_gid() == "panel-east" for t in ax.texts)]
    assert not _note(east[0])
    ax = plots.sigma_plot(sigma_convergence(scores, scheme="region4").by_year)
    assert "Northeast" in _note(ax)[0].get_text()
    ax = plots.change_box_plot(add_region(growth(scores, start=2016, end=2020), scheme="region4"),
                               lang="zh")
    assert "东北" in _note(ax)[0].get_text()
    # Three belts: every group has at least 5 provinces, so no warning.
    ax = plots.sigma_plot(sigma_convergence(scores, scheme="region3").by_year)
    assert not _note(ax)


# ------------------------------------------------------------------ densities


def test_density_curves_reach_zero_and_cut_curves_warn(scores):
    ax = plots.kde_plot(kde_by_group(scores, grid=200))
    for line in ax.get_lines():
        y = line.get_ydata()
        assert max(y[0], y[-1]) < 0.02 * y.max()
    # clipped at the data's own range, the curves stop well above zero: the plot says so
    lo, hi = float(scores["score"].min()), float(scores["score"].max())
    with pytest.warns(UserWarning, match="cut"):
        plots.kde_plot(kde_by_group(scores, grid=200, clip=(lo, hi)))


# ------------------------------------------------------------------ colours and names


def test_region_colours_match_maps(scores):
    from gmindex import maps

    ax = plots.sigma_plot(sigma_convergence(scores, scheme="region4").by_year)
    line = next(li for li in ax.get_lines() if li.get_gid() == "sigma-northeast")
    fig = maps.region_map()
    r4 = next(a for a in fig.axes if a.get_label() == "region4")
    (liaoning,) = [p for p in r4.patches if p.get_gid() == "unit-21"]
    assert to_hex(line.get_color()) == to_hex(liaoning.get_facecolor()) == "#d55e00"


def test_orderings_lines_are_distinguishable():
    years = [2016, 2017, 2018]
    rows = [("region3", o, y, 1.0) for o in ("east > central > west", "central > west")
            for y in years]  # identical shares: the old figure drew one over the other
    frame = pd.DataFrame(rows, columns=["scheme", "ordering", "year", "share"])
    ax = plots.orderings_plot(frame, scheme="region3")
    a, b = [li for li in ax.get_lines() if (li.get_gid() or "").startswith("ordering-")]
    assert not np.allclose(a.get_xdata(), b.get_xdata())
    assert a.get_marker() != b.get_marker() and a.get_linestyle() != b.get_linestyle()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "East > Central > West", "Central > West"]


# ------------------------------------------------------------------ files


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_saved_files_type42_and_svg_text(tmp_path, scores, lang):
    ax = plots.sigma_plot(sigma_convergence(scores, scheme="region4").by_year, lang=lang)
    paths = figstyle.save_figure(ax.figure, tmp_path / "fig_sigma", formats=("pdf", "svg"),
                                 lang=lang)
    pdf, svg = paths
    assert "Type3" not in figstyle.pdf_font_subtypes(pdf.read_bytes())
    body = svg.read_text(encoding="utf-8")
    words = re.findall(r"<text[^>]*>([^<]*)</text>", body)
    assert figstyle.region_name("northeast", lang) in words


def test_contact_sheet(tmp_path):
    for name in ("fig_a", "map_b"):
        fig, ax = plt.subplots(figsize=(2, 1.5))
        ax.plot([0, 1])
        fig.savefig(tmp_path / f"{name}.png")
        plt.close(fig)
    first = plots.contact_sheet(tmp_path, tmp_path / "contact_sheet")
    data = [p.read_bytes() for p in first]
    again = plots.contact_sheet(tmp_path, tmp_path / "contact_sheet")
    assert [p.read_bytes() for p in again] == data
    assert [p.name for p in first] == ["contact_sheet.pdf", "contact_sheet.png"]
    import shutil
    import subprocess

    if shutil.which("pdftotext"):  # the file names are printed under the thumbnails
        out = subprocess.run(["pdftotext", str(first[0]), "-"], capture_output=True, text=True)
        assert "fig_a.png" in out.stdout and "map_b.png" in out.stdout


# ------------------------------------------------------------------ figures moved out of notebooks


@pytest.fixture(scope="module")
def result(default_result):
    return default_result


def _has_cjk(s):
    return any("\u4e00" <= ch <= "\u9fff" for ch in s)


def _study_axes(result, lang):
    """One axes per figure moved out of the notebooks, by figure stem."""
    from gmindex.regional import regional_means

    spec = result.spec if hasattr(result, "spec") else None
    if spec is None:
        from gmindex.datasets import load_default_spec

        spec = load_default_spec()
    scores = result.scores
    weights = result.weights
    last = int(scores["year"].max())
    first = int(scores["year"].min())
    both = scores[scores["year"] == last][["code", "score"]].assign(
        other=lambda d: d["score"].rank() ** 0.5)  # a second ordering to compare with
    cmp = pd.DataFrame({"default": weights.set_index("indicator")["weight"],
                        "equal": 1.0 / len(weights)})
    ps = add_region(result.pillar_scores, scheme="region4")
    mean = ps.groupby(["region", "pillar", "year"])["contribution"].mean()
    change = (mean.xs(last, level="year") - mean.xs(first, level="year")).unstack("pillar")
    wide = scores.pivot(index="code", columns="year", values="score")
    ranks = wide.rank(ascending=False)
    from gmindex.provinces import default_registry

    reg = default_registry()
    intervals = pd.DataFrame({
        "code": ranks.index, "name": [reg.label(c, lang) for c in ranks.index],
        "region": [reg.regions("region4")[c] for c in ranks.index],
        "median": ranks.median(axis=1).to_numpy(), "lo": ranks.min(axis=1).to_numpy(),
        "hi": ranks.max(axis=1).to_numpy(), "baseline": ranks[last].to_numpy()})
    sens = pd.DataFrame({"factor": ["weighting", "normalization", "aggregation",
                                    "not explained by one factor"],
                         "output": "rank", "first_order": [0.4, 0.2, 0.1, 0.3]})
    return {
        "fig_weights_bar": plots.weights_bar_plot(weights, spec, lang=lang),
        "fig_scores_first_last": plots.scores_first_last_plot(scores, lang=lang),
        "fig_pillar_contributions": plots.pillar_contributions_plot(
            result.pillar_scores, spec, year=last, lang=lang),
        "fig_rank_sum_vs_topsis": plots.rank_comparison_plot(both, "score", "other", lang=lang),
        "fig_weights_remedies": plots.weights_remedies_plot(cmp, spec, lang=lang),
        "fig_regional_means": plots.regional_means_plot(
            regional_means(scores, scheme="region4"), scheme="region4", lang=lang),
        "fig_score_change_by_pillar": plots.pillar_change_plot(change, spec, first=first,
                                                              last=last, lang=lang),
        "fig_rank_intervals": plots.rank_intervals_plot(intervals, lang=lang),
        "fig_sensitivity_first_order": plots.sensitivity_plot(sens, output="rank", lang=lang),
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_moved_figures_return_axes_without_titles_and_keep_text_inside(result, lang):
    from matplotlib.axes import Axes

    for stem, ax in _study_axes(result, lang).items():
        assert isinstance(ax, Axes), stem
        assert not ax.get_title() and not ax.figure.texts, stem  # captions go beside the image
        outside = [t.get_text() for t in plots.texts_outside_figure(ax.figure)]
        assert outside == [], (stem, outside)
        names = [t for t in ax.get_yticklabels() if t.get_text()]
        left = [t for t in ax.texts if t.get_gid() == "rank-name" and t.get_ha() == "right"]
        for group in (names, left):
            assert plots.overlapping_texts(group) == [], stem
        texts = [t.get_text() for t in visible_texts(ax.figure)]
        # Names, not snake_case ids, reach the figure.
        assert not [t for t in texts if re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", t)], (stem, texts)
        if lang == "zh":
            # Axis labels (or, without an axis label, the names drawn) are Chinese.
            labels = [ax.get_xlabel(), ax.get_ylabel()] if ax.get_xlabel() or ax.get_ylabel() \
                else [t.get_text() for t in ax.get_xticklabels()]
            assert any(_has_cjk(t) for t in labels), (stem, labels)
            assert sum(_has_cjk(t) for t in texts) >= 3, (stem, texts)
        else:  # (English indicator names may hold a unit such as 亿元)
            leg = ax.get_legend()
            words = [ax.get_xlabel(), ax.get_ylabel()] + (
                [t.get_text() for t in leg.get_texts()] if leg else [])
            assert not any(_has_cjk(t) for t in words), (stem, words)
        plt.close(ax.figure)


def test_moved_figures_have_captions_in_both_languages():
    from gmindex.captions import default_caption

    for stem in ("fig_weights_bar", "fig_scores_first_last", "fig_pillar_contributions_2020",
                 "fig_rank_sum_vs_topsis_2020", "fig_weights_remedies", "fig_regional_means",
                 "fig_score_change_by_pillar_region4", "fig_rank_intervals_2020",
                 "fig_sensitivity_first_order"):
        en, zh = default_caption(stem, "en"), default_caption(stem, "zh")
        assert en and zh and _has_cjk(zh) and not _has_cjk(en), stem
        assert not re.search(r"\d+\.\d", en), stem  # no numbers from the results


def test_zh_figures_name_provinces_pillars_and_regions_in_chinese(result):
    from gmindex.datasets import load_default_spec

    spec = load_default_spec()
    ax = plots.scores_first_last_plot(result.scores, lang="zh")
    assert "北京" in [t.get_text() for t in ax.get_yticklabels()]
    assert "2020, 东部" in [t.get_text() for t in ax.get_legend().get_texts()]
    ax = plots.pillar_contributions_plot(result.pillar_scores, spec, year=2020, lang="zh")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(
        figstyle.pillar_names(spec, "zh").values())
    ax = plots.weights_bar_plot(result.weights, spec, lang="en")
    names = {i.name_en for i in spec.indicators}
    assert {t.get_text().replace("\n", " ") for t in ax.get_yticklabels()} <= names
