"""cnncalc: an exact, explaining calculator for convolutional-network exercises.

``import cnncalc`` is light: it never imports torch, and sympy only where
symbols appear.
"""

__version__ = "0.1.0"

from .errors import CnnCalcError, InputError, ShapeError, SpecError  # noqa: F401
