"""The project's error types.

Every error a user can cause is a :class:`CnnCalcError`; the CLI catches that one
type, prints its message on one line and exits non-zero.  Specific errors also
inherit the matching built-in so library callers can catch ``ValueError``.
A message names the value, the rule that it breaks and a way out.
"""


class CnnCalcError(Exception):
    """Base class of every error cnncalc raises on bad input."""


class InputError(ValueError, CnnCalcError):
    """A value could not be read: a malformed number, a ragged matrix, a bad file."""


class ShapeError(ValueError, CnnCalcError):
    """Sizes that do not fit: a kernel larger than its input, a stride of 0."""


class SpecError(ValueError, CnnCalcError):
    """A layer or exercise description that is not valid (unknown key, bad type)."""


class MissingExtraError(ImportError, CnnCalcError):
    """An optional dependency (torch, scikit-learn) is not installed."""
