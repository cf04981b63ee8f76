"""The installed version of the package, read from its metadata."""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("aiocustomlabels")
except PackageNotFoundError:  # pragma: no cover -- a source tree that was never installed
    __version__ = "0+unknown"
