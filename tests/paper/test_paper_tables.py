import zipfile

import numpy as np
import pandas as pd
import pytest

from gmindex.disparity.dagum import dagum_by_year
from gmindex.paper.tables import dagum_table, score_rank_table, to_table, write_docx


def test_dagum_table(default_result):
    d = dagum_by_year(default_result.scores, scheme="region4")
    t = dagum_table(d)
    np.testing.assert_allclose(t["G_w"] + t["G_nb"] + t["G_t"], t["G"], atol=1e-12)
    np.testing.assert_allclose(t["G_w_pct"] + t["G_nb_pct"] + t["G_t_pct"], 100, atol=1e-9)
    assert {"G_east", "G_northeast", "G_east-central", "G_west-northeast"} <= set(t.columns)
    assert len(t) == 5


def test_score_rank_table(default_result):
    t = score_rank_table(default_result.scores)
    prov = t[t["code"] != ""]
    assert len(prov) == 30
    s20 = default_result.scores.query("year == 2020").set_index("code")
    row = prov.set_index("code").loc["11"]
    assert row["score_2020"] == pytest.approx(s20.loc["11", "score"])
    assert row["rank_2020"] == s20.loc["11", "rank"]
    means = t[(t["code"] == "") & (t["region"] != "national")]
    east = prov[prov["region"] == "east"]["score_2020"].mean()
    assert means.set_index("region").loc["east", "score_2020"] == pytest.approx(east)
    assert sorted(means["rank_2020"].tolist()) == [1, 2, 3, 4]
    zh = score_rank_table(default_result.scores, lang="zh")
    assert "北京" in set(zh["name"]) and "东部 均值" in set(zh["name"])


def test_docx_three_line_and_deterministic(tmp_path, default_result):
    t = to_table(score_rank_table(default_result.scores, years=[2020]), notes=["Note."])
    a = write_docx(t, tmp_path / "a.docx").read_bytes()
    b = write_docx(t, tmp_path / "b.docx").read_bytes()
    assert a == b
    import docx
    doc = docx.Document(tmp_path / "a.docx")
    table = doc.tables[0]
    assert len(table.rows) == len(t.body) + 1
    xml = zipfile.ZipFile(tmp_path / "a.docx").read("word/document.xml").decode()
    assert 'w:insideV w:val="nil"' in xml.replace("/>", " ").replace("  ", " ") or "insideV" in xml
    assert table.cell(1, 1).text == t.body[0][1]
