"""Strict spec checking: every bad spec in tests/bad_inputs/spec_*.toml fails before any
data are read, with a message naming the file, the table and what to do."""

import re
from pathlib import Path

import pytest

from gmindex.datasets import data_dir, default_spec_path
from gmindex.spec import Indicator, Series, SpecError, read_spec

HERE = Path(__file__).resolve().parent / "bad_inputs"

# File stem (after "spec_") -> expected message (a regular expression after the file name).
EXPECTED = {
    "unknown_index_key": r": \[index\] has unknown key 'weigting'; did you mean 'weighting'\?",
    "unknown_indicator_key": r": \[\[indicator\]\] #2 'so2_intensity' has unknown key 'numerater'; "
                             r"did you mean 'numerator'\?",
    "unknown_pillar_key": r": \[\[pillar\]\] #1 'energy' has unknown key 'wieght'; did you mean 'weight'\?",
    "unknown_series_key": r": \[\[series\]\] #3 'so2_industrial_10k_t' has unknown key 'units'; "
                          r"did you mean 'unit'\?",
    "unknown_alternative_key": r": \[\[alternative\]\] #1 'co2_intensity' has unknown key 'replace'; "
                               r"did you mean 'replaces'\?",
    "unknown_wanted_key": r": \[\[wanted\]\] #1 has unknown key 'reasons'; did you mean 'reason'\?",
    "unknown_table": r": unknown top-level key or table 'indicators'; did you mean 'indicator'\?",
    "undeclared_pillar": r": \[\[indicator\]\] #2 'so2_intensity' is in pillar 'environment', which no "
                         r"\[\[pillar\]\] declares; declared: \['energy', 'innovation'\]",
    "undeclared_series": r": \[\[indicator\]\] #2 'so2_intensity' reads series \['so2_industrial_10k_t'\] "
                         r"that no \[\[series\]\] declares",
    "alternative_unknown_target": r": \[\[alternative\]\] #1 'co2_intensity' replaces 'co2_per_gdp', "
                                  r"which is not an \[\[indicator\]\]",
    "alternative_chain": r": \[\[alternative\]\] #2 'co2_intensity_alt' replaces 'co2_intensity', which is "
                         r"another \[\[alternative\]\]; alternatives replace indicators only",
    "alternative_other_pillar": r": \[\[alternative\]\] #1 'co2_intensity' is in pillar 'energy' but replaces "
                                r"'rd_intensity' of pillar 'innovation'",
    "pillar_weights_sum": r": \[\[pillar\]\] weights sum to 0.9, not 1 \(tolerance 1e-9\); nothing is "
                          r"rescaled silently",
    "pillar_weight_missing": r": \[\[pillar\]\] \['innovation'\] have no 'weight'",
    "user_weights_sum": r": \[\[indicator\]\] weights over all indicators sum to 1.1, not 1 "
                        r"\(tolerance 1e-9\); nothing is rescaled silently",
    "unknown_weighting": r": \[index\] weighting 'entropi' is not known; use one of: critic, entropy, "
                         r"entropy_per_year, equal, gini, std, user",
    "floor_without_rule": r": \[index\] pillar_floor = 0.1 is used only with pillar_weighting = "
                          r"\"entropy_floor\"",
    "pillar_per_year": r": \[index\] hierarchy='pillar' cannot use weighting='entropy_per_year'",
    "invalid_toml": r", line 51: not valid UTF-8 TOML \(Expected '\]\]'",
}


def test_every_bad_spec_file_has_an_expected_message():
    stems = {p.stem.removeprefix("spec_") for p in HERE.glob("spec_*.toml")}
    assert stems == set(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_spec_is_named(case):
    path = HERE / f"spec_{case}.toml"
    with pytest.raises(SpecError) as info:
        read_spec(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    assert re.match(re.escape(str(path)) + EXPECTED[case], message), message


def test_shipped_specs_pass():
    for path in (default_spec_path(), data_dir() / "spec_alternative.toml"):
        read_spec(path)


def test_new_dataclass_fields_are_accepted_without_editing_the_checker(tmp_path, monkeypatch):
    """Allowed keys come from the dataclass fields: a field added to Indicator is a valid key."""
    import dataclasses

    from gmindex import spec as spec_mod

    @dataclasses.dataclass(frozen=True)
    class Extended(Indicator):
        display_group: str = ""

    monkeypatch.setattr(spec_mod, "Indicator", Extended)
    text = (HERE / "spec_unknown_index_key.toml").read_text(encoding="utf-8")
    text = text.replace('weigting = "entropy"', "").replace(
        'numerator = "rd_intensity_pct"', 'numerator = "rd_intensity_pct"\ndisplay_group = "core"')
    p = tmp_path / "spec.toml"
    p.write_text(text, encoding="utf-8")
    assert spec_mod.read_spec(p).indicator("rd_intensity").display_group == "core"
    assert "unit" in spec_mod._keys(Series)


def test_sums_within_tolerance_pass_and_method_is_carried(tmp_path):
    text = (HERE / "spec_pillar_weights_sum.toml").read_text(encoding="utf-8")
    p = tmp_path / "spec.toml"
    p.write_text(text.replace("weight = 0.4", "weight = 0.5000000000001"), encoding="utf-8")
    spec = read_spec(p)
    assert spec.method == {"hierarchy": "pillar", "pillar_weighting": "fixed"}
    assert spec.pillar_weights() == {"energy": 0.5, "innovation": 0.5000000000001}
    p.write_text(text.replace("weight = 0.4", "weight = 0.50000001"), encoding="utf-8")
    with pytest.raises(SpecError, match="sum to 1.00000001, not 1"):
        read_spec(p)


def test_value_types_are_checked(tmp_path):
    text = (HERE / "spec_unknown_index_key.toml").read_text(encoding="utf-8").replace('weigting = "entropy"', "")
    p = tmp_path / "spec.toml"
    p.write_text(text.replace('numerator = "rd_intensity_pct"', 'numerator = "rd_intensity_pct"\noptional = "yes"'),
                 encoding="utf-8")
    with pytest.raises(SpecError, match=r"\[\[indicator\]\] #3 'rd_intensity' has optional = 'yes'; use true or false"):
        read_spec(p)
    p.write_text(text.replace('id = "energy"\n', 'id = "energy"\nweight = "half"\n', 1), encoding="utf-8")
    with pytest.raises(SpecError, match=r"\[\[pillar\]\] #1 'energy' has weight = 'half'; use a number"):
        read_spec(p)
