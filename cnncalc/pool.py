"""Pooling, exactly: max, average, min and sum over sliding windows, and
global pooling.

The lecture 001 example (2x2 windows, stride 2):

>>> x = "10 15 10 20; 10 5 0 30; 5 15 20 25; 15 10 25 20"
>>> pool(x, op="max").output.tolist()
[[15, 30], [15, 25]]
>>> pool(x, op="avg").output.tolist()
[[10, 15], [Fraction(45, 4), Fraction(45, 2)]]

(The slide prints 10 for the first max and 13.75 for the third mean: the
window 10 15 / 10 5 has maximum 15, and (5 + 15 + 15 + 10)/4 = 11.25.)

Rules follow torch so answers match ``max_pool2d``/``avg_pool2d``: the
stride defaults to the window; padding may be at most half the window; with
``ceil_mode`` a last partial window counts unless it would start in the
padding; padded cells never win a max or min; an average divides by the
window's cells inside input + padding (``count_include_pad=True``, torch's
default) or inside the input only.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np

from .display import NotebookDisplay
from .errors import ShapeError
from .exact_blas import windows
from .geometry import (
    AXIS_NAMES,
    Padding,
    PerAxis,
    Size,
    WindowSpec,
    effective_kernel,
    output_size,
    per_axis,
    resolve_padding,
)
from .layout import Lead, canonical_index, to_canonical, to_user, user_index
from .limits import MAX_BIG_WORK, MAX_SYMBOLIC_TERMS, MAX_VALUES, MAX_WORK, check_count
from .readers import MatrixSource, read_matrix
from .values import INT64_SAFE, Exact, max_abs, pad_integers

Operation = Literal["max", "avg", "min", "sum"]
#: What a window's values become: their largest, mean, smallest or sum.
OPERATIONS: tuple[Operation, ...] = get_args(Operation)
_ALIASES = {"mean": "avg", "average": "avg", "maximum": "max", "minimum": "min"}


@dataclass(frozen=True)
class PoolResult(NotebookDisplay):
    """A pooling's value and what its derivation needs (canonical (N, C, *S) layout)."""

    output: Exact
    canonical: Exact
    input: Exact
    op: str
    spec: WindowSpec
    ceil_mode: bool
    count_include_pad: bool
    divisors: np.ndarray | None  # avg: the divisor of every output cell (spatial shape)
    squeeze_batch: bool
    squeeze_channels: bool
    input_shape: tuple = ()  # as the user gave it

    @property
    def lead(self) -> Lead:
        return Lead(not self.squeeze_batch, not self.squeeze_channels)

    def user_index(self, index: tuple) -> tuple:
        """(n, c, *o) -> the index into ``output``."""
        return user_index(index, self.lead)

    def canonical_index(self, index: tuple) -> tuple:
        """Index into ``output`` -> (n, c, *o)."""
        return canonical_index(index, self.lead)

    def window_cells(self, canonical_index: tuple) -> list[tuple]:
        """Input indices (canonical, unpadded) inside the window of one output cell."""
        return window_cells(self.spec, self.input.shape[2:], canonical_index)


def window_cells(spec: WindowSpec, sizes: tuple, index: tuple) -> list[tuple]:
    """The input cells (n, c, *position) a window of ``spec`` reads for output
    cell ``index`` = (n, c, *o), padding left out, in row-major order."""
    n, c, *o = index
    axes = []
    for oi, k, s, p, d, size in zip(o, spec.kernel, spec.stride, spec.padding, spec.dilation, sizes):
        axes.append(real_positions(oi * s - p.before, k, d, size))
    return [(n, c, *cell) for cell in itertools.product(*axes)]


def real_positions(start: int, kernel: int, dilation: int, size: int) -> range:
    """The positions start + j*d (0 <= j < kernel) inside an axis of ``size`` cells,
    computed without visiting the window (a window may be far longer than the input).

    >>> list(real_positions(-1, 3, 1, 4)), list(real_positions(-3, 3, 2, 4)), list(real_positions(2, 10**21, 1, 4))
    ([0, 1], [1], [2, 3])
    """
    first = max(0, -(start // dilation))  # smallest j with start + j*d >= 0
    last = min(kernel - 1, (size - 1 - start) // dilation)  # largest j with start + j*d < size
    return range(start + first * dilation, start + last * dilation + 1, dilation) if first <= last else range(0)


def pool(
    input: MatrixSource,
    *,
    op: str = "max",
    window: PerAxis = 2,
    stride: PerAxis | None = None,
    padding: Padding = 0,
    dilation: PerAxis = 1,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    global_pool: bool = False,
    dims: int | None = None,
) -> PoolResult:
    """Exact pooling of an input (H, W), (C, H, W) or (N, C, H, W).

    ``op`` is 'max', 'avg', 'min' or 'sum'; ``stride`` defaults to the window;
    ``global_pool`` makes the window the whole input.
    """
    op = _ALIASES.get(str(op).lower(), str(op).lower())
    if op not in OPERATIONS:
        raise ShapeError(f"pooling operation '{op}' is unknown; use one of {', '.join(OPERATIONS)}")
    x = read_matrix(input, "input")
    nd = dims if dims is not None else (1 if x.ndim == 1 else 2)
    x4, lead = to_canonical(x, nd, "input", "channels", "pooling")
    sizes = x4.shape[2:]
    if global_pool:
        window, stride, padding, dilation = sizes, 1, 0, 1
    spec = _spec(sizes, nd, op, window, stride, padding, dilation, ceil_mode)
    if x4.is_symbolic:
        canonical = _pool_symbolic(x4, spec, op, ceil_mode, count_include_pad)
        divisors = _divisors(sizes, spec, count_include_pad, ceil_mode) if op == "avg" else None
    else:
        canonical, divisors = _pool_rational(x4, spec, op, ceil_mode, count_include_pad)
    return PoolResult(to_user(canonical, lead, nd), canonical, x4, op, spec, ceil_mode, count_include_pad,
                      divisors, not lead.batch, not lead.second, x.shape)


def _spec(sizes: Sequence[int], nd: int, op: str, window: PerAxis, stride: PerAxis | None, padding: Padding,
          dilation: PerAxis, ceil_mode: bool) -> WindowSpec:
    """The windows of a pooling, each rule checked: whole positive sizes, at most half a window of
    padding (torch's rule), at least one window, no window of padding only."""
    kernel = per_axis(window, nd, "window")
    strides = per_axis(kernel if stride is None else stride, nd, "stride")
    dilations = per_axis(dilation, nd, "dilation")
    for values, name in ((kernel, "window"), (strides, "stride"), (dilations, "dilation")):
        for v in values:
            if not isinstance(v, int) or v < 1:
                raise ShapeError(f"{name} {v} must be a whole number of at least 1; use 1 or more")
    if op in ("avg", "sum") and any(d != 1 for d in dilations):
        raise ShapeError(f"{op} pooling has no dilation (torch and Keras have none); use dilation 1 or max pooling")
    pads = resolve_padding(padding, sizes, kernel, strides, dilations)
    for k, p, axis in zip(kernel, pads, AXIS_NAMES[nd]):
        if max(p.before, p.after) > k // 2:
            raise ShapeError(
                f"padding {max(p.before, p.after)} on the {axis} is more than half the window {k}; "
                f"pooling pads at most {k // 2} (window // 2), as torch does"
            )
    spec = WindowSpec(kernel, strides, pads, dilations)
    _check_windows(sizes, spec, op, ceil_mode, AXIS_NAMES[nd])
    return spec


def _check_windows(sizes: Sequence[int], spec: WindowSpec, op: str, ceil_mode: bool, axes: tuple[str, ...]) -> None:
    """At least one window per axis, the padded input within the limits, and no window that
    covers padding only (dilation can skip every real cell)."""
    for n, k, s, p, d, axis in zip(sizes, spec.kernel, spec.stride, spec.padding, spec.dilation, axes):
        if output_size(n, k, s, (p.before, p.after), d, ceil_mode) < 1:
            raise ShapeError(
                f"window {k}{f' (dilation {d})' if d > 1 else ''} is larger than the input {axis} {n}"
                f"{f' padded to {n + p.before + p.after}' if p.before or p.after else ''}; "
                f"use a window of at most {n + p.before + p.after}{' or --ceil' if not ceil_mode else ''}"
            )
    out_sizes = spec.output_sizes(sizes, ceil_mode)
    extents = [n + p.before + p.after + e for n, p, e in zip(sizes, spec.padding, _extra_after(sizes, spec, out_sizes))]
    check_count(math.prod(extents), MAX_VALUES, f"the padded input ({'x'.join(map(str, extents))})",
                "use a smaller window or less padding")
    for n, k, s, p, d, axis, o in zip(sizes, spec.kernel, spec.stride, spec.padding, spec.dilation, axes, out_sizes):
        # only a window that starts in the padding before the input can miss every real cell
        # (torch drops a last window that would start after it)
        starts_in_padding = min(o, -(-p.before // s))
        empty = [i for i in range(starts_in_padding) if not real_positions(i * s - p.before, k, d, n)]
        if empty:
            raise ShapeError(
                f"window {empty[0] + 1} along the {axis} covers only padding (dilation {d} skips the {n} real "
                f"cell{'s' * (n != 1)}), so it has no {op}; torch returns -inf there. Use less padding or dilation 1"
            )


def _extra_after(sizes: Sequence[int], spec: WindowSpec, out_sizes: Sequence[Size]) -> list[int]:
    """Cells needed after the padding so that ceil-mode windows stay in the array."""
    extra = []
    for n, k, s, p, d, o in zip(sizes, spec.kernel, spec.stride, spec.padding, spec.dilation, out_sizes):
        end = (o - 1) * s + effective_kernel(k, d)
        extra.append(max(0, end - (n + p.before + p.after)))
    return extra


def _divisors(sizes: Sequence[int], spec: WindowSpec, count_include_pad: bool, ceil_mode: bool) -> np.ndarray:
    """Divisor of every output cell of average pooling (torch's rule)."""
    per_axis_counts = []
    for n, k, s, p, o in zip(sizes, spec.kernel, spec.stride, spec.padding,
                             spec.output_sizes(sizes, ceil_mode)):
        start = np.arange(o, dtype=np.int64) * s - p.before
        if count_include_pad:
            counts = np.minimum(start + k, n + p.after) - start
        else:
            counts = np.minimum(start + k, n) - np.maximum(start, 0)
        per_axis_counts.append(counts)
    result = per_axis_counts[0]
    for counts in per_axis_counts[1:]:
        result = np.multiply.outer(result, counts)
    return result


def _pool_rational(x4: Exact, spec: WindowSpec, op: str, ceil_mode: bool,
                   count_include_pad: bool) -> tuple[Exact, np.ndarray | None]:
    sizes = x4.shape[2:]
    out_sizes = spec.output_sizes(sizes, ceil_mode)
    extra = _extra_after(sizes, spec, out_sizes)
    nums = x4.numerators
    cells = math.prod(spec.kernel)
    big = nums.dtype == object or op in ("avg", "sum") and max_abs(nums) * cells >= INT64_SAFE
    check_count(math.prod(x4.shape[:2] + out_sizes) * cells, MAX_BIG_WORK if big else MAX_WORK,
                "the pooling", "use a smaller input or window", unit="window reads")
    if big:  # a window sum could pass int64: sum Python ints instead
        nums = nums.astype(object)
    if op in ("max", "min"):
        # padded cells take the array's own extreme so they can never win a window
        fill = int(nums.min()) if op == "max" else int(nums.max())
    else:
        fill = 0
    widths = [(0, 0), (0, 0)] + [(p.before, p.after + e) for p, e in zip(spec.padding, extra)]
    padded = pad_integers(nums, widths, fill) if any(sum(w) for w in widths) else nums
    view = windows(padded, spec.kernel, spec.stride, spec.dilation)
    index = (slice(None), slice(None)) + tuple(slice(0, o) for o in out_sizes)
    view = view[index]
    axes = tuple(range(-spec.ndim, 0))
    if op == "max":
        return Exact(view.max(axis=axes), x4.denominator), None
    if op == "min":
        return Exact(view.min(axis=axes), x4.denominator), None
    sums = view.sum(axis=axes) if nums.dtype != object else _object_sum(view, axes)
    if op == "sum":
        return Exact(sums, x4.denominator), None
    divisors = _divisors(sizes, spec, count_include_pad, ceil_mode)
    common = math.lcm(*map(int, np.unique(divisors)))
    # every cell is brought to the one denominator lcm(divisors): sum * (lcm / divisor)
    multipliers = (common // divisors).astype(np.int64)
    return Exact(_times(sums, multipliers), x4.denominator * common), divisors


def _times(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a * b element-wise, exactly: int64 while it fits, Python ints beyond."""
    if a.dtype != object and max_abs(a) * max_abs(b) < INT64_SAFE:
        return a * b
    return a.astype(object) * b.astype(object)


def _object_sum(view: np.ndarray, axes: Sequence[int]) -> np.ndarray:
    out = view
    for axis in sorted(axes):
        out = np.add.reduce(out, axis=axis if axis >= 0 else out.ndim + axis)
    return out


def _pool_symbolic(x4: Exact, spec: WindowSpec, op: str, ceil_mode: bool, count_include_pad: bool) -> Exact:
    import sympy

    sizes = x4.shape[2:]
    out_sizes = spec.output_sizes(sizes, ceil_mode)
    divisors = _divisors(sizes, spec, count_include_pad, ceil_mode) if op == "avg" else None
    out = np.empty(x4.shape[:2] + out_sizes, dtype=object)
    xs = x4.symbols
    check_count(out.size * math.prod(spec.kernel), MAX_SYMBOLIC_TERMS, "the symbolic pooling",
                "give numbers for the symbols, or a smaller input", unit="terms")
    for index in np.ndindex(*out.shape):
        cells = [xs[c] for c in window_cells(spec, sizes, index)]
        value = sympy.Add(*cells) if op in ("sum", "avg") else extreme(op, cells)
        if divisors is not None:  # average pooling
            value = value / int(divisors[index[2:]])
        out[index] = value
    return Exact(symbols=out)


def extreme(op: str, values: list[Any]) -> Any:  # sympy objects in, one sympy object out
    """max or min of exact values, as sympy's Max/Min without their pairwise search.

    sympy.Max compares every pair of arguments (asking whether a - b is
    positive), which takes seconds for a 3x3 window of sums of products and
    longer per layer.  The numbers are reduced here, repeated terms dropped,
    and the rest kept unevaluated: max(w11 + 2, 3, 5, w11 + 2) is Max(5, w11 + 2).

    >>> import sympy
    >>> a = sympy.Symbol("a")
    >>> extreme("max", [a + 2, sympy.Integer(3), sympy.Integer(5), a + 2]), extreme("min", [sympy.Integer(3), sympy.Integer(5)])
    (Max(5, a + 2), 3)
    """
    import sympy

    numbers = [v for v in values if v.is_number and v.is_comparable]
    others = list(dict.fromkeys(v for v in values if not (v.is_number and v.is_comparable)))
    pick = max if op == "max" else min
    args = ([pick(numbers)] if numbers else []) + others
    if len(args) == 1:
        return args[0]
    return (sympy.Max if op == "max" else sympy.Min)(*args, evaluate=False)


def global_pool(input: MatrixSource, op: str = "avg", **options: Any) -> PoolResult:
    """Global pooling: one value per channel over the whole input."""
    return pool(input, op=op, global_pool=True, **options)
