"""Tests for gmindex.analysis: the standard table set on the default index."""

import pytest

from gmindex.analysis import analysis_tables, write_analysis
from gmindex.replications import SEED

pytestmark = pytest.mark.slow(30)  # the module fixture: run the module early


@pytest.fixture(scope="module")
def analysis(default_result):
    return analysis_tables(default_result, reps=99, permutations=99, paper=True)


def test_every_table_is_there_and_non_empty(analysis):
    expected = {"regional_means_region4", "regional_means_region3", "gradient_check_region4",
                "dagum_region4", "theil_region3", "sigma_convergence_region4", "beta_convergence",
                "panel_beta_convergence", "morans_i", "lisa", "rank_table", "province_growth",
                "regression_gradient_region4", "regression_drivers"}
    assert expected <= set(analysis.tables)
    assert all(len(t) for t in analysis.tables.values())


def test_findings_state_the_gradient_per_year(analysis):
    text = "\n".join(analysis.findings)
    for year in range(2016, 2021):
        assert f"In {year} the ordering east > central > west" in text


def test_write_analysis_is_deterministic(analysis, tmp_path):
    a = write_analysis(analysis, tmp_path / "a", formats=("csv",))
    b = write_analysis(analysis, tmp_path / "b", formats=("csv",))
    assert [p.name for p in a] == [p.name for p in b]
    for pa, pb in zip(a, b):
        assert pa.read_bytes() == pb.read_bytes(), pa.name
    assert (tmp_path / "a" / "table_regressions.tex").read_text().count("\\toprule") == 1
    assert (tmp_path / "a" / "table_paper_score_rank.docx").exists()


def test_paper_tables_are_added(analysis):
    names = {"paper_dagum_region4", "paper_obstacle_top_2020", "paper_coupling_economy_region4",
             "paper_markov_upward", "paper_spatial_beta", "paper_geodetector",
             "paper_centre_of_gravity", "paper_moran_bivariate", "paper_score_rank",
             "paper_geodetector_vs_twfe"}
    assert names <= set(analysis.tables)
    assert any(line.startswith("[paper] Spatial Markov") for line in analysis.findings)
    opts = analysis.tables["paper_options"].set_index("option")["value"]
    assert opts["permutations"] == "99" and opts["seed"] == str(SEED)


def test_stars_follow_the_wild_bootstrap_and_say_so(analysis, tmp_path):
    import json

    import pandas as pd

    md = analysis.publication["regressions"].to_markdown()
    assert "(wild cluster bootstrap p-values)" in md
    drivers = analysis.tables["regression_drivers"]
    assert set(drivers["p_stars_from"]) == {"wild_bootstrap"}
    gradient = analysis.tables["regression_gradient_region4"].set_index("term")
    assert gradient.loc["const", "p_stars_from"] == "none"  # the constant is not bootstrapped
    assert (gradient.drop(index="const")["p_stars_from"] == "wild_bootstrap").all()
    write_analysis(analysis, tmp_path, formats=("csv",), provenance={"spec_id": "x"})
    prov = json.loads((tmp_path / "regression_drivers.provenance.json").read_text())
    reg = prov["regression"]
    assert (reg["reps"], reg["weights_type"], reg["seed"]) == (99, "rademacher", SEED)
    assert prov["spec_id"] == "x"
    back = pd.read_csv(tmp_path / "regression_drivers.csv")
    assert list(back["p_stars_from"]) == list(drivers["p_stars_from"])
