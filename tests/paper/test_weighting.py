import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from gmindex.paper import weighting as W

pymcdm = pytest.importorskip("pymcdm")


def _raw(default_result):
    raw = default_result.indicators.pivot(index=["code", "year"], columns="indicator", values="value")
    spec = {i.id: i.direction for i in default_result.spec.indicators}
    return raw.to_numpy(), np.array([spec[c] for c in raw.columns])


def _z(default_result):
    return default_result.normalized.pivot(index=["code", "year"], columns="indicator",
                                           values="value").to_numpy()


def test_against_pymcdm_on_default_data(default_result):
    from pymcdm import weights as pw

    raw, d = _raw(default_result)
    z = _z(default_result)
    with pytest.raises(ValueError, match="MEREC needs positive"):  # MIIT lists: true zeros in 2016
        W.merec_weights(raw, d)
    keep = (raw > 0).all(axis=0)
    # only the MIIT list counts hold zeros (structural zero before the first list of 2017)
    series = {i.id: i.numerator for i in default_result.spec.indicators}
    columns = sorted(default_result.indicators["indicator"].unique())
    zero_columns = {c for c, k in zip(columns, keep) if not k}
    assert zero_columns and all(series[c].startswith("green_") for c in zero_columns)
    raw, d = raw[:, keep], d[keep]
    types = np.where(d == "benefit", 1, -1)
    np.testing.assert_allclose(W.std_weights(z), pw.standard_deviation_weights(z), rtol=1e-10)
    np.testing.assert_allclose(W.gini_weights(z), pw.gini_weights(z), rtol=1e-10)
    np.testing.assert_allclose(W.merec_weights(raw, d), pw.merec_weights(raw, types), rtol=1e-10)


def test_cv_hand_case():
    # column 1: mean 2, sd 1 -> CV 0.5; column 2: mean 10, sd sqrt(2)*... use values 9, 11
    x = np.array([[1.0, 9.0], [3.0, 11.0]])
    cv = np.array([np.sqrt(2) / 2, np.sqrt(2) / 10])
    np.testing.assert_allclose(W.cv_weights(x, ["benefit", "benefit"]), cv / cv.sum())


def test_raw_methods_refuse_min_max_scores():
    z = np.array([[0.0, 1.0], [1.0, 0.5]])
    with pytest.raises(ValueError, match="MEREC needs positive"):
        W.merec_weights(z, ["benefit", "cost"])
    with pytest.raises(ValueError, match="CV needs non-negative"):
        W.cv_weights(np.array([[-1.0, 1.0], [1.0, 0.5]]), ["benefit", "benefit"])
    with pytest.raises(ValueError, match="CV needs"):
        W.cv_weights(np.array([[0.0, 1.0], [0.0, 0.5]]), ["benefit", "benefit"])
    assert W.cv_weights(z, ["benefit", "benefit"]).sum() == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(arrays(float, (6, 3), elements=st.floats(0.1, 10)))
def test_weights_sum_to_one_and_permutation(x):
    for fn in (W.std_weights, W.gini_weights):
        if np.ptp(x, axis=0).max() < 1e-6:
            return
        w = fn(x)
        assert w.sum() == pytest.approx(1.0) and (w >= 0).all()
        np.testing.assert_allclose(fn(x[::-1]), w, rtol=1e-9)
    d = ["benefit", "cost", "benefit"]
    assert W.merec_weights(x, d).sum() == pytest.approx(1.0)


def test_ahp_against_pymcdm():
    from pymcdm.weights.subjective import AHP

    a = np.array([[1, 3, 5, 7], [1 / 3, 1, 3, 5], [1 / 5, 1 / 3, 1, 3], [1 / 7, 1 / 5, 1 / 3, 1]])
    res = W.ahp_weights(a)
    ref = AHP(matrix=a)
    np.testing.assert_allclose(res.weights, ref(), rtol=1e-6)
    # same CI, different RI tables (pymcdm: Tummala & Ling 1998; here Saaty)
    assert res.cr * res.ri == pytest.approx(ref.get_cr() * AHP.RI_M[3], rel=1e-6)
    assert res.consistent
    bad = np.array([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    assert not W.ahp_weights(bad).consistent
    with pytest.raises(ValueError, match="reciprocal"):
        W.ahp_weights([[1, 2], [2, 1]])


def test_combine_rules():
    s, o = np.array([0.6, 0.3, 0.1]), np.array([0.2, 0.2, 0.6])
    np.testing.assert_allclose(W.combine_weights(s, o, alpha=0.3), 0.3 * s + 0.7 * o)
    m = s * o
    np.testing.assert_allclose(W.combine_weights(s, o, rule="multiplicative"), m / m.sum())
    g = W.combine_weights(s, o, rule="game")
    assert g.sum() == pytest.approx(1.0)
    # identical inputs: every rule returns them
    for rule in W.COMBINE_RULES:
        np.testing.assert_allclose(W.combine_weights(s, s, rule=rule), s if rule != "multiplicative"
                                   else s * s / (s * s).sum())
    with pytest.raises(ValueError, match="rule"):
        W.combine_weights(s, o, rule="mean")


def test_pipeline_adapters_build_an_index(default_panel, default_spec):
    pipeline = pytest.importorskip("gmindex.pipeline")
    from gmindex.index import build_index

    for name, fn in W.PIPELINE_WEIGHTINGS.items():
        assert pipeline.WEIGHTINGS[name].func is fn  # registered by name in the index engine
        res = build_index(default_panel, default_spec, weighting=name, hierarchy="flat")
        z = res.normalized.pivot(index=["code", "year"], columns="indicator", values="value")
        expected = getattr(W, f"{name}_weights" if name != "std" else "std_weights")(z.to_numpy())
        got = res.weights.set_index("indicator")["weight"].reindex(z.columns)
        np.testing.assert_allclose(got, expected, rtol=1e-9)


def test_error_names_the_indicator():
    with pytest.raises(ValueError, match="green"):
        W.merec_weights(np.array([[1.0, 0.0], [2.0, 1.0]]), ["benefit", "benefit"],
                        labels=["energy", "green"])
