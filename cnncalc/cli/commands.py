"""Registers every command module with the ``cnncalc`` group."""

from . import conv, exercises, network, pool, shape  # noqa: F401
