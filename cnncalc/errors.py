"""The project's error types.

Every error a user can cause is a :class:`CnnCalcError`; the CLI catches that one
type, prints its message on one line and exits non-zero.  Specific errors also
inherit the matching built-in so library callers can catch ``ValueError``.
A message names the value, the rule that it breaks and a way out.
"""

from collections.abc import Iterable


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


class InternalError(RuntimeError, CnnCalcError):
    """A defect of cnncalc met while computing one item (a question's reference,
    one answer's grade): reported for that item, so the rest of a batch goes on."""

    @classmethod
    def wrap(cls, error: BaseException, what: str) -> "InternalError":
        """One line naming what failed and the original exception."""
        detail = " ".join(str(error).split())[:200]
        return cls(f"{what} failed inside cnncalc ({type(error).__name__}: {detail}); "
                   "this is a defect of cnncalc, please report it")


def did_you_mean(word: object, options: Iterable[object]) -> str:
    """The "did you mean" part of a message: the nearest known option, or nothing.

    >>> did_you_mean("strde", ["stride", "padding"])
    " (did you mean 'stride'?)"
    >>> did_you_mean("zzz", ["stride"])
    ''
    """
    import difflib

    close = difflib.get_close_matches(str(word).lower(), [str(o) for o in options], n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
