"""gmindex: an entropy-weighted green manufacturing index for China's provinces."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gmindex")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

__all__ = ["__version__"]
