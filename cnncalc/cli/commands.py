"""Registers every command module with the ``cnncalc`` group."""

from . import main  # noqa: F401
from . import shape  # noqa: F401
