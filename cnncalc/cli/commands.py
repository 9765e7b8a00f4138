"""Registers every command module with the ``cnncalc`` group."""

from . import conv, pool  # noqa: F401
