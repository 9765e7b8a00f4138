"""Canonical layouts: every array the engine slides windows over is
(batch, channels, *spatial), every kernel (filters, channels, *kernel).

People type less: an image (H, W), a stack of channels (C, H, W), a single
filter (C, kh, kw).  :func:`to_canonical` adds the missing leading axes and
remembers which, so results come back in the layout they were given.

>>> from cnncalc.values import Exact
>>> x, lead = to_canonical(Exact.from_nested([[1, 2], [3, 4]]), 2, "input", "channels")
>>> x.shape, lead
((1, 1, 2, 2), Lead(batch=False, second=False))
>>> user_index((0, 0, 1, 0), lead), canonical_index((1, 0), lead)
((1, 0), (0, 0, 1, 0))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, NamedTuple, get_args

from .errors import ShapeError

if TYPE_CHECKING:
    from .values import Exact

Layout = Literal["hwc", "chw"]
#: Orders of an image's sizes: the course's height x width x channels (Keras), or channels first (torch).
LAYOUTS: tuple[Layout, ...] = get_args(Layout)


class Lead(NamedTuple):
    """Which leading axes the user's array had: batch, and channels (or filters)."""

    batch: bool
    second: bool


def to_canonical(array: Exact, dims: int, name: str, second: str,
                 operation: str = "convolution") -> tuple[Exact, Lead]:
    """(array with both leading axes, which of them the user gave)."""
    extra = array.ndim - dims
    if extra not in (0, 1, 2):
        first = "batch" if second == "channels" else "filters"
        raise ShapeError(
            f"{name} of shape {'x'.join(map(str, array.shape)) or '() (a single value)'} does not fit a {dims}-D "
            f"{operation}; give "
            f"({dims} spatial axes), ({second}, ...) or ({first}, {second}, ...), or set --dims"
        )
    return array.reshape(*(1,) * (2 - extra), *array.shape), Lead(extra == 2, extra >= 1)


def user_index(index: tuple, lead: Lead) -> tuple:
    """(n, c, *o) -> the index into the result in the user's layout."""
    n, c, *o = index
    return (n,) * lead.batch + (c,) * lead.second + tuple(o)


def canonical_index(index: tuple, lead: Lead) -> tuple:
    """An index into the user's result -> (n, c, *o)."""
    rest = list(index)
    n = rest.pop(0) if lead.batch else 0
    c = rest.pop(0) if lead.second else 0
    return (n, c, *rest)


def to_user(array: Exact, lead: Lead, dims: int) -> Exact:
    """Drop the leading axes the user did not give (a (N, C, *S) result)."""
    shape = array.shape
    if not lead.batch:
        shape = shape[1:]
    if not lead.second:
        shape = shape[:-dims - 1] + shape[-dims:]
    return array.reshape(*shape)
