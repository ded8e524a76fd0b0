"""Shared fixtures: the embedded default panel, spec and index, read and built once.

Several test modules analyse the default index; building it once per session
(once per worker under pytest-xdist) instead of once per module saves a second
or so each.  The fixtures are shared, so a test must not modify them in place:
teardown checks that none did.

The suite runs in parallel: ``python3 tasks.py test`` passes ``-n auto --dist
loadscope``.  Every test writes under its own ``tmp_path``; one worker runs
all the tests of a module, so a module fixture is computed once, except in the
modules of :data:`EACH_TEST_ALONE`, whose tests are long and share nothing; and
tests marked ``slow(seconds)`` are collected first, longest first, so that no
long test starts last and runs alone.
"""

import os

import pandas as pd
import pytest
from hypothesis import settings

from gmindex.datasets import load_default_panel, load_default_spec
from gmindex.index import build_index

# Property tests draw the same examples on every run (and keep no example database in the
# checkout): a failure in CI is one anyone can rerun.
settings.register_profile("gmindex", derandomize=True, database=None)
settings.load_profile("gmindex")

#: Modules whose tests are handed to the workers one by one (each runs a notebook, or
#: checks a notebook file), not as one unit.
EACH_TEST_ALONE = ("tests/test_notebooks.py",)


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, absent without it
def pytest_xdist_make_scheduler(config, log):
    # --dist loadscope, but by module (not by class) and with the modules above split up;
    # in collection order (slowest first, see below), not by the number of tests.  (Not
    # --dist loadgroup: with pytest 9.2 it no longer groups, pytest-xdist issue 1386.)
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByModule(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            module = nodeid.split("::", 1)[0]
            return nodeid if module in EACH_TEST_ALONE else module

    config.option.loadscopereorder = False
    return ByModule(config, log)


def pytest_collection_modifyitems(config, items):
    # Longest first (a stable sort: the rest keep their order).  xdist hands tests out in
    # collection order, a few at a time, so this is "longest processing time first".
    def seconds(item):
        mark = item.get_closest_marker("slow")
        return mark.args[0] if mark and mark.args else 0

    items.sort(key=lambda item: -seconds(item))


def pytest_configure(config):
    # pytest-xdist workers start with COLUMNS=80, which rich (the CLI's output) reads once,
    # when gmindex.cli is imported, and wraps at: a worker's temporary paths
    # (.../popen-gw0/...) are then cut in the middle of a name a test looks for.  A wide
    # console in the workers only (they print nothing to the terminal); one process runs
    # as before, without COLUMNS.
    if "PYTEST_XDIST_WORKER" in os.environ:
        os.environ["COLUMNS"] = "200"


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
