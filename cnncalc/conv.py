"""Convolution, exactly: cross-correlation (what torch and Keras compute) and
true convolution (the kernel flipped first), in 1, 2 or 3 dimensions.

Cross-correlation of an input x with a kernel k (the lecture 003 formula)::

    y[i, j] = sum_n sum_m  x[i*s + n*d, j*s + m*d] * k[n, m]   (+ bias)

and true convolution is the same sum with k flipped in every spatial axis.

The lecture 001 example, true convolution of a 3x3 image with a 2x2 kernel:

>>> r = conv("0 80 40; 20 40 0; 0 0 40", "0 0.25; 0.5 1", flip=True)
>>> r.output.tolist()
[[45, 110], [40, 40]]

The 003 mean filter gives exact ninths, not 11.444:

>>> r = conv("113 122 130; 115 112 110; 105 106 105", "1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9")
>>> r.output.tolist()
[[Fraction(1018, 9)]]

Layouts: an input is (H, W), (C, H, W) or (N, C, H, W); a kernel is (kh, kw),
(C, kh, kw) for one filter, or (F, C/groups, kh, kw).  The output drops the
batch axis when the input had none and the filter axis when the kernel had
none, so a 2-D input and a 2-D kernel give a 2-D result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .display import NotebookDisplay
from .errors import ShapeError
from .exact_blas import choose_method, correlate_integers, filter_l1, limb_pairs
from .geometry import AXIS_NAMES, AxisPadding, Padding, PerAxis, WindowSpec, check_window, per_axis, resolve_padding
from .layout import Lead, canonical_index, to_canonical, to_user, user_index
from .limits import MAX_SYMBOLIC_TERMS, MAX_VALUES, MAX_WINDOW_MATRIX, MAX_WORK, check_count
from .readers import MatrixSource, read_matrix, read_vector
from .values import Exact, add_bias, max_abs, pad_integers


@dataclass(frozen=True)
class ConvResult(NotebookDisplay):
    """A convolution's value together with everything its derivation needs.

    ``padded`` and ``kernel`` are in canonical layout, (N, C, *S) and
    (F, C/groups, *K), and ``kernel`` is the one actually slid over the input
    (already flipped for true convolution).  ``output`` has the user's layout;
    ``canonical`` the (N, F, *out) one.
    """

    output: Exact
    canonical: Exact
    input: Exact
    padded: Exact
    original_kernel: Exact
    kernel: Exact
    bias: Exact | None
    spec: WindowSpec
    groups: int
    flip: bool
    squeeze_batch: bool
    squeeze_filters: bool
    method: str
    input_shape: tuple  # as the user gave them
    kernel_shape: tuple

    @property
    def operation(self) -> str:
        return "convolution" if self.flip else "cross-correlation"

    @property
    def lead(self) -> Lead:
        """Which leading axes the output keeps: batch (from the input), filters (from the kernel)."""
        return Lead(not self.squeeze_batch, not self.squeeze_filters)

    def user_index(self, index: tuple) -> tuple:
        """(n, f, *o) -> the index into ``output``."""
        return user_index(index, self.lead)

    def canonical_index(self, index: tuple) -> tuple:
        """Index into ``output`` -> (n, f, *o)."""
        return canonical_index(index, self.lead)


def _spatial_dims(x: Exact, w: Exact, dims: int | None) -> int:
    if dims is not None:
        if dims not in (1, 2, 3):
            raise ShapeError(f"dims {dims} is not supported; use 1, 2 or 3 spatial dimensions")
        return dims
    # a matrix input is an image (a 1-D kernel then is one row); a 1-D input a signal
    return 1 if x.ndim == 1 else 2


def _canonical_kernel(w: Exact, dims: int) -> tuple[Exact, Lead]:
    if w.ndim < dims:  # a row kernel "1 0 -1" on an image is 1x3
        w = w.reshape(*(1,) * (dims - w.ndim), *w.shape)
    return to_canonical(w, dims, "kernel", "channels")


def _pad(x: Exact, padding: tuple) -> Exact:
    if all(p.before == 0 and p.after == 0 for p in padding):
        return x
    widths = [(0, 0), (0, 0)] + [(int(p.before), int(p.after)) for p in padding]
    if x.is_symbolic:
        import sympy

        return Exact(symbols=np.pad(x.symbols, widths, constant_values=sympy.Integer(0)))
    return x.transform(lambda a: pad_integers(a, widths))


def flip_kernel(w: Exact, dims: int) -> Exact:
    """The kernel reversed in every spatial axis (true convolution = cross-correlation with it).

    >>> flip_kernel(Exact.from_nested([[0, 1], [2, 3]]), 2).tolist()
    [[3, 2], [1, 0]]
    """
    index = (slice(None),) * (w.ndim - dims) + (slice(None, None, -1),) * dims
    return w.transform(lambda a: np.ascontiguousarray(a[index]))


def conv(
    input: MatrixSource,
    kernel: MatrixSource,
    *,
    bias: MatrixSource | None = None,
    stride: PerAxis = 1,
    padding: Padding = 0,
    dilation: PerAxis = 1,
    groups: int = 1,
    flip: bool = False,
    dims: int | None = None,
) -> ConvResult:
    """Exact convolution (``flip=True``) or cross-correlation (default).

    ``input`` and ``kernel`` may be :class:`Exact` arrays, nested lists,
    numpy arrays, literals such as "1 2; 3 4" or file paths.  ``stride``,
    ``dilation`` take one value or one per axis; ``padding`` takes a number,
    one per axis, two per axis (before/after: top, bottom, left, right) or
    'valid', 'same' (Keras rule for strides above 1) or 'full'.
    """
    x = read_matrix(input, "input")
    w = read_matrix(kernel, "kernel")
    nd = _spatial_dims(x, w, dims)
    x4, x_lead = to_canonical(x, nd, "input", "channels")
    w4, w_lead = _canonical_kernel(w, nd)
    squeeze_batch, squeeze_filters = not x_lead.batch, not w_lead.batch
    if squeeze_filters and w.ndim <= nd and x4.shape[1] != 1:
        # a plain 2-D kernel on a multi-channel input: one filter across channels
        raise ShapeError(
            f"kernel {'x'.join(map(str, w4.shape[2:]))} has no channel axis but the input has {x4.shape[1]} channels; "
            f"give a kernel of shape {x4.shape[1]}x{'x'.join(map(str, w4.shape[2:]))} (one slice per channel)"
        )
    spec, groups = _window_spec(x4, w4, nd, stride, padding, dilation, groups)
    applied = flip_kernel(w4, nd) if flip else w4
    b = None
    if bias is not None:
        b = read_vector(bias, "bias")
        if b.shape[0] != w4.shape[0]:
            raise ShapeError(
                f"bias has {b.shape[0]} value{'s' * (b.shape[0] != 1)} but there "
                f"{'is 1 filter' if w4.shape[0] == 1 else f'are {w4.shape[0]} filters'}; give one bias per filter"
            )
    _check_size(x4, w4, spec, groups)
    padded = _pad(x4, spec.padding)
    canonical, method = correlate(padded, applied, spec, groups, b)
    output = to_user(canonical, Lead(x_lead.batch, w_lead.batch), nd)
    return ConvResult(output, canonical, x4, padded, w4, applied, b, spec, groups, flip,
                      squeeze_batch, squeeze_filters, method, x.shape, w.shape)


def _window_spec(x4: Exact, w4: Exact, nd: int, stride: PerAxis, padding: Padding, dilation: PerAxis,
                 groups: int) -> tuple[WindowSpec, int]:
    kernel_sizes = w4.shape[2:]
    input_sizes = x4.shape[2:]
    strides = per_axis(stride, nd, "stride")
    dilations = per_axis(dilation, nd, "dilation")
    for value, name in ((groups, "groups"),):
        if not isinstance(value, int) or value < 1:
            raise ShapeError(f"{name} {value} must be a whole number of at least 1; use 1 for an ordinary convolution")
    channels, filters = x4.shape[1], w4.shape[0]
    if channels % groups or filters % groups:
        raise ShapeError(
            f"groups {groups} must divide both the {channels} input channels and the {filters} filters; "
            f"use a common divisor such as 1"
        )
    if w4.shape[1] * groups != channels:
        raise ShapeError(
            f"the kernel has {w4.shape[1]} channel{'s' * (w4.shape[1] != 1)} per filter but the input has {channels}"
            + (f" (with groups {groups}: {channels // groups} per group)" if groups > 1 else "")
            + f"; give the kernel {channels // groups} channel{'s' * (channels // groups != 1)}"
        )
    for values, name in ((strides, "stride"), (dilations, "dilation")):
        for v in values:
            if not isinstance(v, int) or v < 1:
                raise ShapeError(f"{name} {v} must be a whole number of at least 1; use 1 to move one cell at a time")
    pads = resolve_padding(padding, input_sizes, kernel_sizes, strides, dilations)
    names = AXIS_NAMES[nd]
    for n, k, s, p, d, axis in zip(input_sizes, kernel_sizes, strides, pads, dilations, names):
        check_window(n, k, s, p, d, axis_name=f"input {axis}")
    return WindowSpec(tuple(kernel_sizes), strides, pads, dilations), groups


def _check_size(x4: Exact, w4: Exact, spec: WindowSpec, groups: int) -> None:
    """Refuse, from the sizes alone, a convolution past the limits of docs/limits.md."""
    n, c = x4.shape[:2]
    padded = tuple(size + p.before + p.after for size, p in zip(x4.shape[2:], spec.padding))
    check_count(n * c * math.prod(padded), MAX_VALUES, f"the padded input ({'x'.join(map(str, padded))})",
                "use less padding or a smaller input")
    positions = n * math.prod(spec.output_sizes(x4.shape[2:]))
    check_count(positions * w4.shape[0], MAX_VALUES, "the result", "use a stride above 1 or a smaller input")
    window = (c // groups) * math.prod(w4.shape[2:])
    macs = positions * w4.shape[0] * window
    if x4.is_symbolic or w4.is_symbolic:
        check_count(macs, MAX_SYMBOLIC_TERMS, "the symbolic convolution", "give numbers for the symbols, "
                    "or a smaller input", unit="products")
        return
    check_count(macs, MAX_WORK, "the convolution", "use a smaller input or kernel", unit="multiply-adds")
    # im2col: one column of the window matrix per output position (docs/limits.md)
    check_count(c * math.prod(w4.shape[2:]) * positions, MAX_WINDOW_MATRIX,
                "the convolution's window matrix", "use a smaller input or kernel")


def correlate(padded: Exact, kernel: Exact, spec: WindowSpec, groups: int = 1,
              bias: Exact | None = None) -> tuple[Exact, str]:
    """Cross-correlate a padded canonical input with a canonical kernel.

    Returns ``(Exact (N, F, *out), method)`` where method names the exact
    strategy: 'float32' / 'float64' BLAS, 'limbs' past 2^53, or 'sympy'.
    """
    if padded.is_symbolic or kernel.is_symbolic or (bias is not None and bias.is_symbolic):
        return _correlate_symbolic(padded, kernel, spec, groups, bias), "sympy"
    largest = max_abs(padded.numerators)
    method = choose_method(largest, filter_l1(kernel.numerators))
    if method == "limbs":  # one float64 correlation per pair of limbs: bound their total work
        macs = padded.shape[0] * kernel.size * math.prod(spec.output_sizes(padded.shape[2:]))
        pairs = limb_pairs(largest, max_abs(kernel.numerators), kernel.size // max(kernel.shape[0], 1))
        check_count(macs * pairs, MAX_WORK, f"the convolution of numbers past 2^53 ({pairs:,} limb products)",
                    "use smaller numbers or a smaller input", unit="multiply-adds")
    products = correlate_integers(padded.numerators, kernel.numerators, spec.stride, spec.dilation, groups, method)
    denominator = padded.denominator * kernel.denominator
    # below 2^53 by choose_method's bound, no scan needed; past it (limbs) the values are checked
    out = Exact(products, denominator) if method == "limbs" else Exact.bounded(products, denominator)
    return (out if bias is None else add_bias(out, bias, (1, -1) + (1,) * spec.ndim)), method


def _correlate_symbolic(padded: Exact, kernel: Exact, spec: WindowSpec, groups: int, bias: Exact | None) -> Exact:
    import sympy

    from .exact_blas import windows

    xs, ws = padded.as_symbolic().symbols, kernel.as_symbolic().symbols
    view = windows(xs, spec.kernel, spec.stride, spec.dilation)  # (N, C, *out, *K)
    n, c = view.shape[:2]
    out_sizes = view.shape[2:2 + spec.ndim]
    f = ws.shape[0]
    per_group_c, per_group_f = c // groups, f // groups
    out = np.empty((n, f) + out_sizes, dtype=object)
    for index in np.ndindex(*((n, f) + out_sizes)):
        b, filt, *o = index
        g = filt // per_group_f
        cells = view[(b, slice(g * per_group_c, (g + 1) * per_group_c), *o)]
        out[index] = sympy.Add(*[xv * wv for xv, wv in zip(cells.flat, ws[filt].flat)])
    result = Exact(symbols=out)
    return result if bias is None else add_bias(result, bias, (1, -1) + (1,) * spec.ndim)


def conv1d(input: MatrixSource, kernel: MatrixSource, **options: Any) -> ConvResult:
    """1-D convolution: the input is (L), (C, L) or (N, C, L)."""
    return conv(input, kernel, dims=1, **options)


def conv2d(input: MatrixSource, kernel: MatrixSource, **options: Any) -> ConvResult:
    """2-D convolution: the input is (H, W), (C, H, W) or (N, C, H, W)."""
    return conv(input, kernel, dims=2, **options)


def conv3d(input: MatrixSource, kernel: MatrixSource, **options: Any) -> ConvResult:
    """3-D convolution: the input is (D, H, W), (C, D, H, W) or (N, C, D, H, W)."""
    return conv(input, kernel, dims=3, **options)


__all__ = ["conv", "conv1d", "conv2d", "conv3d", "ConvResult", "WindowSpec", "flip_kernel", "correlate",
           "AxisPadding"]
