"""cnncalc: an exact, explaining calculator for convolutional-network exercises.

``import cnncalc`` is light: it never imports torch, and sympy only where
symbols appear.
"""

__version__ = "0.1.0"

from .errors import CnnCalcError, InputError, ShapeError, SpecError  # noqa: F401
from .figures.notebook import register_display

# results display themselves in Jupyter and Colab; the renderers sit above the engine, so the
# package's top joins them (cnncalc.display), and nothing heavy is imported here
register_display()
del register_display
