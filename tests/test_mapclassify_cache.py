"""mapclassify is imported with its numba kernel cached, and numba is left as it was."""

import subprocess
import sys

CHECK = """
import numba
eager = numba.njit
from gmindex import _mapclassify
mc = _mapclassify.load()
assert numba.njit is eager, "numba.njit not restored"
kernel = mc.classifiers._fisher_jenks_means
assert type(kernel._cache).__name__ != "NullCache", type(kernel._cache)
assert mc.FisherJenks([1.0, 2.0, 3.0, 10.0, 11.0, 12.0], k=2).bins.tolist() == [3.0, 12.0]
assert _mapclassify.load() is mc
import giddy.markov  # giddy reuses the module already imported
assert sys.modules["mapclassify"] is mc
"""


def test_load_caches_the_kernel_and_restores_numba():
    done = subprocess.run([sys.executable, "-c", "import sys\n" + CHECK],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
