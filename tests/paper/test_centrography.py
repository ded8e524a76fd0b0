import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from gmindex.paper.centrography import deviational_ellipse, gravity_centres, weighted_centre

centrography = pytest.importorskip("pointpats.centrography")


@settings(max_examples=40, deadline=None)
@given(arrays(float, (8, 2), elements=st.floats(-1e6, 1e6)),
       arrays(float, 8, elements=st.floats(0.01, 1)))
def test_against_pointpats(xy, w):
    if np.linalg.matrix_rank(xy - xy.mean(0), tol=1e-3) < 2:
        return
    np.testing.assert_allclose(weighted_centre(xy, w), centrography.weighted_mean_center(xy, w),
                               rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(weighted_centre(xy, np.ones(8)), centrography.mean_center(xy),
                               rtol=1e-9, atol=1e-6)
    a, b, _ = deviational_ellipse(xy, w)
    ref = centrography.ellipse(xy, weights=w, method="yuill", crimestatCorr=False,
                               degfreedCorr=False)
    # Both axes come from one eigen-decomposition: the short axis of a very flat ellipse
    # carries the rounding error of the long one, so the tolerance scales with the long axis.
    np.testing.assert_allclose(sorted([a, b]), sorted(ref[:2]), rtol=1e-6,
                               atol=1e-6 + 1e-9 * max(ref[:2]))
    a0, b0, _ = deviational_ellipse(xy)
    ref0 = centrography.ellipse(xy, method="yuill", crimestatCorr=False, degfreedCorr=False)
    np.testing.assert_allclose(sorted([a0, b0]), sorted(ref0[:2]), rtol=1e-6,
                               atol=1e-6 + 1e-9 * max(ref0[:2]))


def test_azimuth_hand_case():
    # points on the north-east diagonal: major axis at 45 degrees from north
    xy = np.array([[-1.0, -1.0], [1.0, 1.0], [-0.1, 0.1], [0.1, -0.1]])
    _, _, rot = deviational_ellipse(xy)
    assert rot == pytest.approx(45.0)


def test_default_centres(default_result):
    t = gravity_centres(default_result.scores).table
    assert list(t["year"]) == sorted(default_result.scores["year"].unique())
    # the weighted centre lies east of the unweighted one (east scores higher)
    from gmindex.paper.centrography import centroids
    pts = centroids(default_result.scores["code"].unique())
    assert (t["x"] > pts["x"].mean()).all()
    assert np.isnan(t["shift_km"].iloc[0]) and (t["shift_km"].iloc[1:] >= 0).all()
