"""The inverse question: which window maps an input size to an output size?

Lecture 003 asks "operation = ? size = ? stride = ? dilation = ? padding = ?"
for a drawn input and output.  :func:`solve_window` lists every kernel size,
stride, dilation and (symmetric) padding within small bounds for which
:func:`cnncalc.geometry.output_size` gives the output size, exact fits first.

>>> [c[:4] for c in solve_window(7, 3, max_kernel=3, max_stride=2, max_dilation=1, max_padding=0)]  # 3x3/2 fits, 2x2/2 floors
[(3, 2, 1, 0), (2, 2, 1, 0)]
>>> [c[:4] for c in solve_window(5, 3)][:2]  # with stride 2, the second animation's padding 1 is next
[(3, 1, 1, 0), (3, 2, 1, 1)]
>>> keep_size_padding(5)
2
"""

from __future__ import annotations

from typing import NamedTuple

from ..errors import ShapeError
from ..geometry import effective_kernel, fits, output_size

MAX_COMBINATIONS = 1_000_000  # kernel x stride x dilation x padding values --solve may list (docs/limits.md)


class Candidate(NamedTuple):
    kernel: int
    stride: int
    dilation: int
    padding: int
    exact: bool  # (n + 2p - k_eff) / s is whole: no row or column is left over
    pooling_ok: bool  # torch pooling allows padding <= kernel // 2


def solve_window(n_in: int, n_out: int, max_kernel: int = 7, max_stride: int = 4, max_dilation: int = 2,
                 max_padding: int = 3) -> list[Candidate]:
    """All (kernel, stride, dilation, padding) with output_size(n_in, ...) == n_out."""
    for value, what in ((n_in, "input size"), (n_out, "output size")):
        if value < 1:
            raise ShapeError(f"{what} {value} must be at least 1; sizes count pixels")
    for value, what, low in ((max_kernel, "kernel", 1), (max_stride, "stride", 1), (max_dilation, "dilation", 1),
                             (max_padding, "padding", 0)):
        if value < low:
            raise ShapeError(f"the bound on the {what} {value} must be at least {low}; e.g. --max-{what} {low + 2}")
    combinations = max_kernel * max_stride * max_dilation * (max_padding + 1)
    if combinations > MAX_COMBINATIONS:
        raise ShapeError(f"the bounds allow {combinations:,} windows, more than {MAX_COMBINATIONS:,} (docs/limits.md); "
                         "lower --max-kernel, --max-stride, --max-dilation or --max-padding")
    found = []
    m = n_out - 1  # floor(span / s) must equal m, where span = n_in + 2p - k_eff
    for k in range(1, max_kernel + 1):
        for d in range(1, max_dilation + 1):
            if k == 1 and d > 1:
                continue
            for p in range(0, max_padding + 1):
                span = n_in + 2 * p - effective_kernel(k, d)
                if span < 0:
                    continue
                # floor(span/s) = m  <=>  span/(m + 1) < s <= span/m: the strides, without trying each
                low, high = span // (m + 1) + 1, (span // m if m else max_stride)
                for s in range(max(low, 1), min(high, max_stride) + 1):
                    found.append(Candidate(k, s, d, p, fits(n_in, k, s, p, d), p <= k // 2))
    found.sort(key=simplicity)
    return found


def simplicity(c: Candidate) -> tuple:
    """The order of the candidates, simplest first: an exact fit, no dilation, windows that
    touch every input cell (stride <= kernel), no padding, an odd kernel (it has a centre,
    as the course's 3x3 and 5x5 filters), then the smaller kernel and stride.

    Lecture 003's first animation, 5 -> 2: the course's 3x3 window at stride 2 comes first
    (a 4x4 window at stride 1 fits too, but has no centre; 2x2 at stride 3 skips cells):

    >>> solve_window(5, 2)[0][:4]
    (3, 2, 1, 0)
    """
    return (not c.exact, c.dilation, c.stride > c.kernel, c.padding, c.kernel % 2 == 0, c.kernel, c.stride)


def keep_size_padding(kernel: int, dilation: int = 1) -> int | None:
    """Padding per side that keeps the size with stride 1: d(F - 1)/2 (None when odd)."""
    total = effective_kernel(kernel, dilation) - 1
    return total // 2 if total % 2 == 0 else None


def keep_size_formula() -> str:
    """Solve floor((N - (d*(F - 1) + 1) + 2*P)/1) + 1 = N for P with sympy.

    >>> keep_size_formula()
    'P = d*(F - 1)/2'
    """
    import sympy

    n, f, d, p = (sympy.Symbol(name, integer=True, positive=True) for name in ("N", "F", "d", "P"))
    (solution,) = sympy.solve(sympy.Eq(output_size(n, f, 1, p, d), n), p)
    return f"P = {sympy.factor(solution)}"
