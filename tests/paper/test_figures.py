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
