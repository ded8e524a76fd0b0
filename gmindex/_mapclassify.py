"""Import mapclassify with its numba kernel cached between processes.

mapclassify compiles its Fisher-Jenks kernel (``njit`` with an explicit
signature, so eagerly) every time it is imported: about 3 s of CPU in each
``gmindex map`` and ``gmindex analyse --paper`` and in every test process,
more than a third of the map command's time budget.  :func:`load` imports it
with numba's own on-disk cache switched on for that kernel (``cache=True``:
numba stores the compiled code beside the module's ``.pyc`` files, or in its
user cache folder when that is read-only, and recompiles when mapclassify or
the machine changes).  The kernel, and so every classification, is the same.

Everything in gmindex that needs mapclassify, directly or through giddy,
calls :func:`load` first.
"""

from __future__ import annotations

import sys
from types import ModuleType

__all__ = ["load"]


def load() -> ModuleType:
    """The ``mapclassify`` module, imported with its compiled kernel cached.

    Examples
    --------
    >>> mc = load()
    >>> mc.FisherJenks([1.0, 2.0, 3.0, 10.0, 11.0, 12.0], k=2).bins.tolist()
    [3.0, 12.0]
    """
    if "mapclassify" in sys.modules:
        return sys.modules["mapclassify"]
    try:
        import numba
    except ImportError:  # mapclassify then runs its pure-Python fallback
        import mapclassify

        return mapclassify
    eager = numba.njit

    def cached(*args, **kwargs):
        kwargs.setdefault("cache", True)
        return eager(*args, **kwargs)

    # mapclassify binds ``from numba import njit`` at import time; restore numba's own
    # decorator straight after, so no other package sees the change.
    numba.njit = cached
    try:
        import mapclassify
    finally:
        numba.njit = eager
    return mapclassify
