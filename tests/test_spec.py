"""Tests for gmindex.spec."""

import pytest

from gmindex.datasets import default_spec_path
from gmindex.spec import SpecError, read_spec


def test_default_spec_reads_and_is_consistent():
    spec = read_spec(default_spec_path())
    assert spec.years == (2016, 2017, 2018, 2019, 2020)
    assert set(spec.series_ids) <= {s.id for s in spec.series}
    assert all(ind.pillar in spec.pillar_ids for ind in spec.indicators)
    assert len(spec.sha256) == 64
    assert spec.missing == "drop_unit"


def write(tmp_path, text):
    p = tmp_path / "spec.toml"
    p.write_text(text, encoding="utf-8")
    return p


BASE = """
[index]
years = [2016]
[[pillar]]
id = "p"
[[series]]
id = "s"
unit = "t"
[[indicator]]
id = "x"
pillar = "p"
direction = "benefit"
numerator = "s"
"""


def test_errors_name_file_and_entry(tmp_path):
    p = write(tmp_path, BASE.replace('"benefit"', '"good"'))
    with pytest.raises(SpecError, match=r"spec.toml: indicator 'x' has direction 'good'"):
        read_spec(p)
    p = write(tmp_path, BASE + 'colour = "red"\n')
    with pytest.raises(SpecError, match=r"\[\[indicator\]\] #1 'x' has unknown key 'colour'"):
        read_spec(p)
    p = write(tmp_path, BASE + "[[indicator]]" + BASE.split("[[indicator]]")[1])
    with pytest.raises(SpecError, match="defined twice"):
        read_spec(p)
    p = write(tmp_path, BASE.replace("[index]", '[index]\nmissing = "impute"'))
    with pytest.raises(SpecError, match="explicit impute method"):
        read_spec(p)
    p = write(tmp_path, "[index\n")
    with pytest.raises(SpecError, match="spec.toml, line 1: not valid UTF-8 TOML"):
        read_spec(p)
    with pytest.raises(SpecError, match="not found"):
        read_spec(tmp_path / "nope.toml")


def test_replace_and_without():
    spec = read_spec(default_spec_path())
    assert spec.replace(years=[2016.0]).years == (2016,)
    first = spec.indicator_ids[0]
    assert first not in spec.without(first).indicator_ids
    with pytest.raises(KeyError, match="not in spec"):
        spec.without("nope")


def test_method_keys_are_carried_on_the_spec(tmp_path):
    p = write(tmp_path, BASE.replace("[index]", '[index]\nhierarchy = "pillar"\npillar_weighting = "entropy_floor"\npillar_floor = 0.1'))
    spec = read_spec(p)
    assert spec.method == {"hierarchy": "pillar", "pillar_weighting": "entropy_floor", "pillar_floor": 0.1}
    assert read_spec(default_spec_path()).method == {} or "hierarchy" in read_spec(default_spec_path()).method


def test_optional_and_alternative_are_read(tmp_path):
    text = BASE + 'optional = true\n' + """
[[alternative]]
id = "x2"
pillar = "p"
direction = "benefit"
numerator = "s"
scale = 2
replaces = "x"
"""
    spec = read_spec(write(tmp_path, text))
    assert spec.indicator("x").optional is True
    assert spec.alternatives[0].replaces == "x"
    swapped = spec.swap("x2")
    assert swapped.indicator_ids == ["x2"] and swapped.indicator("x2").scale == 2.0
