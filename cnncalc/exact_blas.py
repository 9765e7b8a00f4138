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
from numpy.lib.stride_tricks import as_strided
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
    return window_view(x, tuple(range(2, 2 + len(kernel))), kernel, stride, dilation)


def window_view(x: np.ndarray, axes: Sequence[int], kernel: Sequence[int], stride: Sequence[int],
                dilation: Sequence[int]) -> np.ndarray:
    """View of ``x`` with each axis of ``axes`` replaced by its output positions
    and one window axis per entry of ``axes`` appended at the end; no copy.

    Strides written directly, not through ``sliding_window_view``: its checks
    cost a convolution of an MNIST batch 5% of its time.

    >>> window_view(np.arange(5), (0,), (3,), (2,), (1,)).tolist()
    [[0, 1, 2], [2, 3, 4]]
    """
    shape, strides = list(x.shape), list(x.strides)
    for axis, k, s, d in zip(axes, kernel, stride, dilation):
        shape[axis] = (x.shape[axis] - d * (k - 1) - 1) // s + 1
        strides[axis] = x.strides[axis] * s
    shape += list(kernel)
    strides += [x.strides[axis] * d for axis, d in zip(axes, dilation)]
    return as_strided(x, tuple(shape), tuple(strides), writeable=False)


class ProductPlan:
    """A float convolution of one geometry, prepared once: its scratch arrays and the views that fill them.

    Like an FFTW plan, it is made on the first call with a given shape and
    reused.  Per call only the copies and the products run: working out
    strides and views cost the MNIST batch's convolution 0.08 ms a call.

    Steps, per chunk of examples (:meth:`run`):

    1. **shift**: copy the input's rows shifted by each kernel column,
       (n, C, kw, *S_front, out_w).  With a row stride of 1, the block one
       kernel cell needs is then one contiguous run (out_h x out_w values).
    2. **columns**: copy those runs into the column matrix (n, C, *kernel, *out),
       one row per kernel cell.  A single pass from the input moves runs only
       as long as an output row (24 values for MNIST) and pays numpy's cost per
       run 25 times per row; the two passes take a quarter less time.  Other
       row strides and 1-D inputs take the single pass.
    3. **product**: one matrix product per example, (F, C*K) x (C*K, out),
       batched over the chunk and the groups; it comes out (n, F, out), the
       result's own order, so no transposing copy follows.
    4. **integers**: float32 -> int32 -> int64 into the result.  Every value is
       an integer below 2^24: float32 -> int32 is a vector instruction and
       int32 -> int64 a widening copy, together twice as fast as numpy's direct
       float32 -> int64.

    Chunks hold at most :attr:`CHUNK_BYTES` of columns, so the product reads
    them from the core's own cache (an L2 of 0.5-2 MiB) rather than from the
    cache the cores share with other programs: the MNIST batch (64 examples
    of 58 KB columns) runs in 4 chunks, 0.05 ms faster a call than in one.
    """

    CHUNK_BYTES = 2**20

    def __init__(self, x_shape: tuple, w_shape: tuple, stride: Sequence[int], dilation: Sequence[int],
                 groups: int, dtype: DTypeLike) -> None:
        self.dtype = np.dtype(dtype)
        nd = len(w_shape) - 2
        n, c = x_shape[:2]
        f, kernel = w_shape[0], tuple(w_shape[2:])
        self.out_sizes = tuple((size - d * (k - 1) - 1) // s + 1
                               for size, k, s, d in zip(x_shape[2:], kernel, stride, dilation))
        positions = math.prod(self.out_sizes)
        self.per_group = (c // groups) * math.prod(kernel)
        self.shape = (groups, f // groups, self.per_group)  # the weights' shape in the product
        per_example = c * math.prod(kernel) * positions * self.dtype.itemsize
        chunk = max(1, min(n, self.CHUNK_BYTES // max(per_example, 1)))
        self.floats = np.empty(x_shape, self.dtype)
        self.columns = np.empty((chunk, c) + kernel + self.out_sizes, self.dtype)
        self.products = np.empty((chunk, groups, f // groups, positions), self.dtype)
        self.narrow = np.empty(self.products.shape, np.int32) if self.dtype == np.float32 else None
        two_pass = nd >= 2 and stride[-2] == 1
        self.rows = np.empty((chunk, c, kernel[-1]) + x_shape[2:-1] + self.out_sizes[-1:], self.dtype) \
            if two_pass else None
        self.chunks = []
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            copies = self._copies(self.floats[start:start + m], m, kernel, stride, dilation)
            matrix = self.columns[:m].reshape(m, groups, self.per_group, positions)
            narrow = None if self.narrow is None else self.narrow[:m]
            self.chunks.append((start, m, copies, matrix, self.products[:m], narrow))

    def _copies(self, floats: np.ndarray, m: int, kernel: tuple, stride: Sequence[int],
                dilation: Sequence[int]) -> list[tuple[np.ndarray, np.ndarray]]:
        """The (target, source) copies that fill the columns of ``m`` examples: steps 1 and 2."""
        nd = len(kernel)
        if self.rows is None:
            view = windows(floats, kernel, stride, dilation)  # (m, C, *out, *kernel)
            arranged = view.transpose((0, 1) + tuple(range(2 + nd, 2 + 2 * nd)) + tuple(range(2, 2 + nd)))
            return [(self.columns[:m], arranged)]
        last = floats.ndim - 1
        shifted = window_view(floats, (last,), kernel[-1:], stride[-1:], dilation[-1:])
        shifted = shifted.transpose((0, 1, last + 1) + tuple(range(2, last + 1)))  # (m, C, kw, *S_front, out_w)
        rows = self.rows[:m]
        view = window_view(rows, tuple(range(3, 2 + nd)), kernel[:-1], stride[:-1], dilation[:-1])
        # (m, C, kw, *out_front, out_w, *k_front) -> (m, C, *k_front, kw, *out_front, out_w)
        arranged = view.transpose((0, 1) + tuple(range(3 + nd, 2 + 2 * nd)) + (2,) + tuple(range(3, 3 + nd)))
        return [(rows, shifted), (self.columns[:m], arranged)]

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.floats, self.columns, self.products, self.narrow, self.rows)
                   if a is not None)

    def run(self, x: np.ndarray, w: np.ndarray, result: np.ndarray) -> None:
        """Write the exact integer cross-correlation of x with w into ``result`` (int64, (N, F, *out))."""
        np.copyto(self.floats, x, casting="unsafe")  # exact: every value is an integer below 2^24 (2^53)
        weights = w.astype(self.dtype).reshape(self.shape)
        flat = result.reshape(x.shape[0], *self.products.shape[1:])
        for start, m, copies, matrix, product, narrow in self.chunks:
            for target, source in copies:
                np.copyto(target, source)
            np.matmul(weights, matrix, out=product)
            if narrow is None:
                np.copyto(flat[start:start + m], product, casting="unsafe")
            else:
                np.copyto(narrow, product, casting="unsafe")
                np.copyto(flat[start:start + m], narrow)


class Workspace(threading.local):
    """Plans kept from one call to the next (one set per thread).

    A plan holds the convolution's scratch arrays: several MB for an MNIST
    batch.  Fresh arrays of that size come from the operating system page by
    page (mmap, then a fault per 4 KiB page), or from the heap, depending on
    what the process freed before: the same convolution then ran 4-6x slower
    or faster with the history of the process.  Kept plans make every call
    alike.  Together they hold at most ``MAX_KEPT`` bytes, the most recently
    used kept first; a plan above that is made for its one call.
    """

    MAX_KEPT = 64 * 2**20

    def __init__(self) -> None:
        self.plans: dict[tuple, ProductPlan] = {}

    def plan(self, x_shape: tuple, w_shape: tuple, stride: Sequence[int], dilation: Sequence[int], groups: int,
             dtype: DTypeLike) -> ProductPlan:
        key = (x_shape, w_shape, tuple(stride), tuple(dilation), groups, np.dtype(dtype).str)
        plan = self.plans.pop(key, None)
        if plan is None:
            plan = ProductPlan(x_shape, w_shape, stride, dilation, groups, dtype)
        if plan.nbytes <= self.MAX_KEPT:
            self.plans[key] = plan  # last in the dict: the most recently used
            while sum(p.nbytes for p in self.plans.values()) > self.MAX_KEPT:
                del self.plans[next(iter(self.plans))]
        return plan


WORKSPACE = Workspace()


def _correlate_float(x: np.ndarray, w: np.ndarray, stride: Sequence[int], dilation: Sequence[int], groups: int,
                     dtype: DTypeLike) -> np.ndarray:
    """im2col and one matrix product per example in ``dtype``, through this thread's plan for the geometry.

    On one thread.  Cutting a batch in halves, one computed on a helper
    thread, was tried three times.  With a ``ThreadPoolExecutor`` the hand-off
    alone took 0.07 ms on the course's 2-core machines.  With plain locks (a
    hand-off of 0.03-0.04 ms) the MNIST batch took 0.41 ms instead of 0.52 in a
    process of its own, but no less, with calls up to 6 ms, in a process where
    torch had run: its OpenMP threads wait spinning on the other core, and
    the helper competed with them.  cnncalc runs beside torch in the course's
    notebooks and in ``cnncalc verify``, so one thread it is.
    """
    plan = WORKSPACE.plan(x.shape, w.shape, stride, dilation, groups, dtype)
    result = np.empty((x.shape[0], w.shape[0]) + plan.out_sizes, dtype=np.int64)
    plan.run(x, w, result)
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
