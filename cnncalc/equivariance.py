"""Translation equivariance of convolution, and where pooling makes it invariance.

Shifting an image and then convolving gives the convolution of the original,
shifted by the same amount: conv(shift(x)) = shift(conv(x)).  This holds on
every cell whose window stays inside the image on both sides; at the border
the shift brings in zeros (as torchvision's ``RandomAffine(translate=...)``
fills with zeros), and there the two may differ.  Pooling then keeps only the
largest (or the mean) of each window, so a shift smaller than the window often
leaves the pooled value unchanged: invariance, for small shifts and in part.
This is the property that lets the course's CNN keep 97% on shifted digits
(exercise sheet 000, Q3.5).

>>> r = shift_check("1 2 0 0; 0 3 0 0; 0 0 0 0; 0 0 0 0", "1 1; 1 1", shift=(0, 1))
>>> r.conv.tolist(), r.shifted_conv.tolist()
([[6, 5, 0], [3, 3, 0], [0, 0, 0]], [[1, 6, 5], [0, 3, 3], [0, 0, 0]])
>>> r.equal_cells, r.cells, r.differing     # only where the shift brought zeros in
(8, 9, ((0, 0),))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .conv import conv
from .errors import InputError
from .pool import pool
from .readers import MatrixSource, read_matrix
from .values import Exact


def shift_image(x: Exact, dy: int, dx: int) -> Exact:
    """Move every value dy rows down and dx columns right; cells moved in are 0.

    >>> shift_image(Exact.from_nested([[1, 2], [3, 4]]), 0, 1).tolist()
    [[0, 1], [0, 3]]
    """
    h, w = x.shape[-2:]

    def move(a: np.ndarray) -> np.ndarray:
        out = np.zeros_like(a)
        if abs(dy) < h and abs(dx) < w:
            src = a[..., max(0, -dy):h - max(0, dy), max(0, -dx):w - max(0, dx)]
            out[..., max(0, dy):max(0, dy) + src.shape[-2], max(0, dx):max(0, dx) + src.shape[-1]] = src
        return out

    if x.is_symbolic:
        import sympy

        moved = move(x.symbols)
        moved[moved == 0] = sympy.Integer(0)
        return Exact(symbols=moved)
    return Exact(move(x.numerators), x.denominator)


@dataclass(frozen=True)
class ShiftReport:
    """conv(x), conv(shift x), shift(conv x), which cells agree, and pooling before/after."""

    image: Exact
    shift: tuple
    conv: Exact
    shifted_conv: Exact  # conv(shift(x))
    conv_shifted: Exact  # shift(conv(x))
    differing: tuple  # cells (row, col) from 0 where the two differ: the border
    pooled: Exact | None
    pooled_shifted: Exact | None
    pool_window: int | None

    @property
    def cells(self) -> int:
        return self.conv.size

    @property
    def equal_cells(self) -> int:
        return self.cells - len(self.differing)

    @property
    def pooled_unchanged(self) -> int | None:
        if self.pooled is None or self.pooled_shifted is None:
            return None
        a, b = self.pooled.values(), self.pooled_shifted.values()
        return int(sum(1 for u, v in zip(a.flat, b.flat) if u == v))


def shift_check(image: MatrixSource, kernel: MatrixSource, shift: tuple[int, int] = (0, 1), pool_window: int | None = None,
                pool_op: str = "max") -> ShiftReport:
    """Compare conv(shift(x)) with shift(conv(x)) and, with ``pool_window``,
    the pooled maps of x and of shift(x)."""
    x = read_matrix(image, "image")
    if x.ndim != 2:
        raise InputError(f"image of shape {'x'.join(map(str, x.shape))}: give one 2-D image (rows x columns)")
    try:
        dy, dx = (int(v) for v in shift)
    except (TypeError, ValueError):
        raise InputError(f"shift {shift!r} must be two whole numbers: rows down, columns right (e.g. 0,1)") from None
    moved = shift_image(x, dy, dx)
    a = conv(x, kernel).output
    b = conv(moved, kernel).output
    c = shift_image(a, dy, dx)
    left, right = b.values(), c.values()
    differing = tuple(tuple(int(i) for i in index) for index in np.ndindex(*left.shape)
                      if left[index] != right[index])
    pooled = pooled_shifted = None
    if pool_window:
        pooled = pool(a, op=pool_op, window=pool_window).output
        pooled_shifted = pool(b, op=pool_op, window=pool_window).output
    return ShiftReport(x, (dy, dx), a, b, c, differing, pooled, pooled_shifted, pool_window)


__all__ = ["shift_check", "shift_image", "ShiftReport"]
