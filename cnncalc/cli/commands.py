"""Registers every command module with the ``cnncalc`` group."""

from . import conv, network, pool  # noqa: F401
