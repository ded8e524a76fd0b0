import numpy as np
import pytest

from gmindex.paper.report import paper_tables


def test_ahp_option_and_findings(default_result):
    k = len(default_result.spec.pillars)
    a = np.ones((k, k))
    a[0, 1:], a[1:, 0] = 3.0, 1 / 3  # the first pillar three times as important as each other
    p = paper_tables(default_result, permutations=9, ahp_matrix=a)
    t = p.tables["paper_ahp_combined"]
    assert t["ahp"].iloc[0] == pytest.approx(3 / (3 + k - 1))
    for col in t.columns[1:]:
        assert t[col].sum() == pytest.approx(1.0)
    np.testing.assert_allclose(t["linear_0.5"], (t["ahp"] + t["entropy"]) / 2)
    assert any(line.startswith("AHP pillar weights") and "accepted" in line for line in p.findings)
    assert p.params["permutations"] == 9
    with pytest.raises(ValueError, match="pillars"):
        paper_tables(default_result, permutations=9, ahp_matrix=np.ones((3, 3)))
