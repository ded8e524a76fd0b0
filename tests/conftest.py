"""Shared fixtures: the embedded default panel, spec and index, read and built once.

Several test modules analyse the default index; building it once per session
instead of once per module saves a second or so each.  The fixtures are shared,
so a test must not modify them in place: teardown checks that none did.
"""

import pandas as pd
import pytest

from gmindex.datasets import load_default_panel, load_default_spec
from gmindex.index import build_index


@pytest.fixture(scope="session")
def default_panel():
    panel = load_default_panel()
    before = panel.copy()
    yield panel
    pd.testing.assert_frame_equal(panel, before, obj="the shared default panel")


@pytest.fixture(scope="session")
def default_spec():
    return load_default_spec()


@pytest.fixture(scope="session")
def default_result(default_panel, default_spec):
    result = build_index(default_panel, default_spec)
    stages = ("scores", "pillar_scores", "weights", "indicators", "normalized", "goalposts")
    before = {name: getattr(result, name).copy() for name in stages}
    yield result
    for name, frame in before.items():
        pd.testing.assert_frame_equal(
            getattr(result, name), frame, obj=f"the shared default result's {name}"
        )
