"""README sections rendered from result tables of a fresh build (gmindex.findings).

Rebuilds the default index, the standard analysis and the findings tables into a
temporary folder (about a minute: wild bootstrap with 9,999 replications) and
checks that the generated README blocks are exactly what that build gives.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gmindex.findings import (build_findings, generated_block, render_design, render_findings,
                              update_readme)

README = Path(__file__).resolve().parents[1] / "README.md"
pytestmark = pytest.mark.slow(25)  # the module fixture: run the module early


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("findings")
    build_findings(out)
    return out


def test_readme_findings_match_a_fresh_build(results):
    text = README.read_text(encoding="utf-8")
    assert generated_block(text, "findings") == render_findings(results), (
        "README 'What the default data show' differs from a fresh build; run "
        "`python -m gmindex.findings --build results README.md`")
    assert generated_block(text, "design") == render_design(results)


def test_design_requirements(results):
    w = pd.read_csv(results / "design_weights.csv")
    pillars = w[w["indicator"] == "(pillar total)"].set_index("pillar")["weight_default"]
    assert pillars[["energy", "pollution"]].sum() >= 1 / 3 - 1e-12
    assert w.loc[w["indicator"] != "(pillar total)", "weight_default"].max() <= 0.2
    assert w.loc[w["indicator"] != "(pillar total)", "weight_default"].sum() == pytest.approx(1.0)
    assert len(pillars) == 6


def test_findings_numbers_come_from_tables(results):
    rise = pd.read_csv(results / "rise_decomposition.csv")
    a = rise[rise["region"] == "all"].set_index("measure")
    text = render_findings(results)
    assert f"{100 * a.loc['pillar_part', 'share_of_default_rise']:.0f} %" in text
    steps = pd.read_csv(results / "gradient_steps.csv")
    for p in steps["p_wild_bootstrap"]:
        if steps.loc[steps["p_wild_bootstrap"] == p, "step"].iloc[0] == "central_gt_west":
            assert f"p = {p:.3f}" in text
    moran = pd.read_csv(results / "morans_i.csv").set_index("year")
    assert f"{int(moran.loc[2020, 'permutations'])} permutations" in text
    assert f"p = {moran.loc[2020, 'p_sim']:.3f}" in text


def test_update_readme_is_idempotent(results, tmp_path):
    copy = tmp_path / "README.md"
    copy.write_text(README.read_text(encoding="utf-8"), encoding="utf-8")
    update_readme(copy, results)
    assert not update_readme(copy, results)
    with pytest.raises(ValueError, match="markers"):
        generated_block("no markers here", "findings")
