"""Exact integer sliding-window products on floating-point BLAS.

Why floats give exact answers: a float32 holds every integer below 2^24 and a
float64 every integer below 2^53.  If every partial sum of |x|·|w| in a dot
product stays below that bound, then every product and every intermediate sum
that BLAS forms (in whatever order) is an integer the format represents, so no
rounding ever happens.  We check the bound with

    max|x| · max over filters of sum|w|

which bounds the magnitude of every partial sum.  Beyond 2^53 the operands are
split into signed base-2^b digits ("limbs") small enough that each limb
product sum is again exact in float64, and the pieces are recombined with
Python integers: still exact, still vectorised.

>>> import numpy as np
>>> x = np.array([[[[0, 80, 40], [20, 40, 0], [0, 0, 40]]]])
>>> w = np.array([[[[1, 2], [3, 4]]]])
>>> correlate_integers(x, w, (1, 1), (1, 1), 1).tolist()
[[[[380, 280], [100, 200]]]]
>>> choose_method(255, 10 * 363)
'float32'
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import DTypeLike

from .values import max_abs

FLOAT32_EXACT = 2**24
FLOAT64_EXACT = 2**53


def choose_method(max_input: int, max_filter_l1: int) -> str:
    """The cheapest float type in which every partial sum is exact."""
    bound = max_input * max_filter_l1
    if bound < FLOAT32_EXACT:
        return "float32"
    if bound < FLOAT64_EXACT:
        return "float64"
    return "limbs"


def windows(x: np.ndarray, kernel: Sequence[int], stride: Sequence[int], dilation: Sequence[int]) -> np.ndarray:
    """View of every window: (N, C, *out, *kernel), no copy."""
    nd = len(kernel)
    spans = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    view = sliding_window_view(x, spans, axis=tuple(range(2, 2 + nd)))
    index: tuple[slice, ...] = (slice(None), slice(None))
    index += tuple(slice(None, None, s) for s in stride)
    index += tuple(slice(None, None, d) for d in dilation)
    return view[index]


class Workspace(threading.local):
    """Scratch arrays kept from one call to the next (one set per thread).

    A convolution needs the input as floats, the column matrix and the
    product: several MB for an MNIST batch.  Fresh arrays of that size come
    from the operating system page by page (mmap, then a fault per 4 KiB page),
    or from the heap, depending on what the process freed before: the same
    convolution then ran 4-6x slower or faster with the history of the
    process.  Kept buffers make every call alike.  Arrays above ``MAX_KEPT``
    bytes are not kept: holding them would cost more memory than it saves time.
    """

    MAX_KEPT = 64 * 2**20

    def __init__(self) -> None:
        self.buffers: dict = {}

    def array(self, name: str, shape: tuple, dtype: DTypeLike) -> np.ndarray:
        """A scratch array of ``shape``, uninitialised, valid until the next
        request for ``name`` in this thread."""
        dtype = np.dtype(dtype)
        size = math.prod(shape)
        if size * dtype.itemsize > self.MAX_KEPT:
            return np.empty(shape, dtype)
        buffer = self.buffers.get((name, dtype))
        if buffer is None or buffer.size < size:
            buffer = np.empty(size, dtype)
            self.buffers[(name, dtype)] = buffer
        return buffer[:size].reshape(shape)


WORKSPACE = Workspace()


def _correlate_float(x: np.ndarray, w: np.ndarray, stride: Sequence[int], dilation: Sequence[int], groups: int,
                     dtype: DTypeLike) -> np.ndarray:
    """im2col and one matrix product per example (batched over examples and groups) in ``dtype``.

    The column matrix is laid out (N, C*K, out): one row per kernel cell, so the
    copy that builds it moves contiguous runs of the input, several times cheaper
    than the (out, C*K) layout for small kernels, and the product comes out as
    (N, F, out), the result's own order, so no transposing copy follows.  The
    float input, the columns and the product live in the :data:`WORKSPACE`; only
    the integer result is a new array.
    """
    nd = w.ndim - 2
    floats = WORKSPACE.array("input", x.shape, dtype)
    np.copyto(floats, x, casting="unsafe")  # exact: every value is an integer below 2^24 (2^53)
    view = windows(floats, w.shape[2:], stride, dilation)
    n, c = view.shape[:2]
    out_sizes = view.shape[2:2 + nd]
    f = w.shape[0]
    positions = math.prod(out_sizes)
    per_group = (c // groups) * math.prod(w.shape[2:])
    # (N, C, *kernel, *out): each column of an example's matrix is one window
    order = (0, 1) + tuple(range(2 + nd, 2 + 2 * nd)) + tuple(range(2, 2 + nd))
    arranged = view.transpose(order)
    columns = WORKSPACE.array("columns", arranged.shape, dtype)
    np.copyto(columns, arranged)
    columns = columns.reshape(n, groups, per_group, positions)
    weights = w.astype(dtype, copy=False).reshape(groups, f // groups, per_group)
    product = np.matmul(weights, columns, out=WORKSPACE.array("product", (n, groups, f // groups, positions), dtype))
    result = np.empty((n, f) + out_sizes, dtype=np.int64)
    if np.dtype(dtype) == np.float32:
        # every value is an integer below 2^24: float32 -> int32 is a vector instruction, and int32 -> int64
        # a widening copy; together twice as fast as numpy's float32 -> int64 conversion
        narrow = WORKSPACE.array("narrow", product.shape, np.int32)
        np.copyto(narrow, product, casting="unsafe")
        np.copyto(result.reshape(product.shape), narrow)
    else:
        np.copyto(result.reshape(product.shape), product, casting="unsafe")
    return result


def _limbs(a: np.ndarray, bits: int) -> list[np.ndarray]:
    """Signed base-2^bits digits: a = sum_i limb_i * 2^(bits*i), |limb_i| < 2^bits."""
    negative = a < 0
    magnitude = np.where(negative, -a, a)
    count = max(1, math.ceil(max_abs(a).bit_length() / bits))
    mask = (1 << bits) - 1
    out = []
    for i in range(count):
        digit = ((magnitude >> (bits * i)) & mask).astype(np.int64)
        out.append(np.where(negative, -digit, digit))
    return out


def limb_bits(terms: int) -> int:
    """Bits per limb so that a dot product of ``terms`` limb products stays below 2^53."""
    return (53 - math.ceil(math.log2(terms + 1))) // 2


def limb_pairs(max_input: int, max_weight: int, terms: int) -> int:
    """How many float64 correlations the limb method runs (one per pair of limbs).

    >>> limb_pairs(2**60, 2**60, 9)
    9
    """
    bits = limb_bits(terms)
    return max(1, math.ceil(max_input.bit_length() / bits)) * max(1, math.ceil(max_weight.bit_length() / bits))


def _correlate_limbs(x: np.ndarray, w: np.ndarray, stride: Sequence[int], dilation: Sequence[int],
                     groups: int) -> np.ndarray:
    terms = (w.shape[1]) * math.prod(w.shape[2:])
    bits = limb_bits(terms)
    x_limbs, w_limbs = _limbs(x, bits), _limbs(w, bits)
    # each part is below 2^53: up to 2^9 of them summed still fit int64; more are summed as Python ints
    wide = min(len(x_limbs), len(w_limbs)) > 2**9
    by_shift: dict[int, np.ndarray] = {}
    for i, xl in enumerate(x_limbs):
        for j, wl in enumerate(w_limbs):
            part = _correlate_float(xl, wl, stride, dilation, groups, np.float64)
            if wide:
                part = part.astype(object)
            by_shift[i + j] = by_shift[i + j] + part if i + j in by_shift else part
    total: np.ndarray | None = None
    for shift, part in by_shift.items():
        piece = part.astype(object) * (1 << (bits * shift))
        total = piece if total is None else total + piece
    assert total is not None  # x and w have at least one limb each
    return total


def correlate_integers(x: np.ndarray, w: np.ndarray, stride: Sequence[int], dilation: Sequence[int], groups: int,
                       method: str | None = None) -> np.ndarray:
    """Exact cross-correlation of integer arrays x (N, C, *S) and w (F, C/g, *K).

    Returns an integer array (N, F, *out): int64, or Python ints past 2^62.
    """
    if method is None:
        method = choose_method(max_abs(x), filter_l1(w))
    if method == "float32":
        return _correlate_float(x, w, stride, dilation, groups, np.float32)
    if method == "float64":
        return _correlate_float(x, w, stride, dilation, groups, np.float64)
    return _correlate_limbs(x, w, stride, dilation, groups)


def filter_l1(w: np.ndarray) -> int:
    """max over filters of sum |w|: with max|x|, the bound on any partial sum."""
    if w.size == 0:
        return 0
    per_filter = w.size // w.shape[0]
    if w.dtype == object or max_abs(w) * per_filter >= 2**62:
        return max(sum(abs(int(v)) for v in f.flat) for f in w)
    return int(np.abs(w).reshape(w.shape[0], -1).sum(axis=1).max())
