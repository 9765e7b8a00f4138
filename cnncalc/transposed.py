"""Transposed convolution, exactly (torch's ``conv_transpose1d/2d/3d``).

Where a convolution gathers a window of inputs into one output, the
transposed convolution **scatters**: every input cell x[i] adds x[i] times
the whole kernel to the output, placed at i*s (stride s, kernel cells d
apart), and padding p then crops p cells from each side::

    full[i*s + k*d] += x[i] * w[k]         out = full[p : p + O]
    O = (n - 1)*s - 2p + d*(k - 1) + output_padding + 1

With stride 2 and a 2x2 kernel of ones each input cell becomes a 2x2 block:

>>> conv_transpose("1 2; 3 4", "1 1; 1 1", stride=2).output.tolist()
[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]

Overlapping blocks add up (stride 1):

>>> conv_transpose("1 2", "1 1 1").output.tolist()
[1, 3, 3, 2]

Layouts follow torch: the input is (L), (H, W), (C, H, W) or (N, C, H, W); the
kernel is (kh, kw), (C_in, kh, kw) (one output channel) or torch's
(C_in, C_out/groups, kh, kw).  The result keeps, per input cell, the block
it scatters (:meth:`TransposedResult.contributions`), which is what a figure
of the operation draws.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from .errors import ShapeError
from .exact_blas import filter_l1
from .expr import Value
from .geometry import AXIS_NAMES, PerAxis, per_axis, transposed_output_size
from .layout import Lead, canonical_index, to_canonical, to_user, user_index
from .readers import MatrixSource, read_matrix, read_vector
from .values import INT64_SAFE, Exact, add_bias, max_abs, scale


@dataclass(frozen=True)
class Contribution:
    """What one input cell scatters: ``value`` times the kernel slice of its
    channel, a block of shape (C_out/groups, *K) whose cell k lands on output
    position ``origin + k * dilation`` (``origin`` may be negative: cells that
    fall in the cropped padding are dropped)."""

    batch: int
    channel: int
    index: tuple  # the input cell's spatial index
    value: Value
    origin: tuple  # output position of kernel cell 0, after cropping the padding
    filters: tuple  # the output channels it adds to
    block: Exact  # value * kernel[channel], (C_out/groups, *K)


@dataclass(frozen=True)
class OutputTerm:
    """One product that adds to an output cell: x[input] * w[kernel index]."""

    input_index: tuple  # (n, c, *i)
    kernel_index: tuple  # (c, f_in_group, *k)
    x: Value
    w: Value


@dataclass(frozen=True)
class TransposedResult:
    """A transposed convolution's value with everything its derivation and its figure need.

    ``input`` is canonical (N, C_in, *S), ``kernel`` torch's (C_in, C_out/g, *K);
    ``full`` the output before the padding is cropped; ``output`` the user's
    layout, ``canonical`` (N, C_out, *O).
    """

    output: Exact
    canonical: Exact
    full: Exact
    input: Exact
    kernel: Exact
    bias: Exact | None
    stride: tuple
    padding: tuple
    output_padding: tuple
    dilation: tuple
    groups: int
    lead: Lead

    @property
    def ndim(self) -> int:
        return len(self.stride)

    def user_index(self, index: tuple) -> tuple:
        return user_index(index, self.lead)

    def canonical_index(self, index: tuple) -> tuple:
        return canonical_index(index, self.lead)

    def contributions(self) -> Iterator[Contribution]:
        """Every input cell's scattered block, in input order (see :class:`Contribution`)."""
        c_per_group = self.input.shape[1] // self.groups
        f_per_group = self.kernel.shape[1]
        for index in np.ndindex(*self.input.shape):
            n, c, *i = index
            g = c // c_per_group
            value = self.input[index]
            w = self.kernel[c]
            block = _times(w, value)
            origin = tuple(ii * s - p for ii, s, p in zip(i, self.stride, self.padding))
            filters = tuple(range(g * f_per_group, (g + 1) * f_per_group))
            yield Contribution(n, c, tuple(i), value, origin, filters, block)

    def terms(self, cell: tuple) -> list[OutputTerm]:
        """The products that add to the output cell ``cell`` (user layout, from 0)."""
        n, f, *o = self.canonical_index(tuple(cell))
        c_per_group = self.input.shape[1] // self.groups
        f_per_group = self.kernel.shape[1]
        g, f_in = divmod(f, f_per_group)
        out = []
        for c in range(g * c_per_group, (g + 1) * c_per_group):
            for k in np.ndindex(*self.kernel.shape[2:]):
                i = []
                for oo, kk, s, p, d, size in zip(o, k, self.stride, self.padding, self.dilation, self.input.shape[2:]):
                    q = oo + p - kk * d
                    if q % s or not 0 <= q // s < size:
                        break
                    i.append(q // s)
                else:
                    x = self.input[(n, c, *i)]
                    w = self.kernel[(c, f_in, *k)]
                    out.append(OutputTerm((n, c, *i), (c, f_in, *k), x, w))
        return sorted(out, key=lambda t: t.input_index)


def _times(w: Exact, value: Value) -> Exact:
    """An exact array times one exact scalar."""
    if w.is_symbolic or not isinstance(value, (int,)) and not hasattr(value, "denominator"):
        return Exact(symbols=np.frompyfunc(lambda v: v * value, 1, 1)(w.as_symbolic().symbols))
    from fractions import Fraction

    value = Fraction(value)
    return Exact(scale(w.numerators, value.numerator), w.denominator * value.denominator).reduced()


def _kernel_layout(w: Exact, nd: int) -> tuple[Exact, bool]:
    """torch's (C_in, C_out/g, *K), and whether the user gave the output-channel axis."""
    if w.ndim == nd + 2:
        return w, True
    if w.ndim < nd:
        w = w.reshape(*(1,) * (nd - w.ndim), *w.shape)
    w4, _ = to_canonical(w, nd, "kernel", "channels", "transposed convolution")  # (1, C, *K)
    return w4.transform(lambda a: np.ascontiguousarray(np.swapaxes(a, 0, 1))), False


def conv_transpose(input: MatrixSource, kernel: MatrixSource, *, bias: MatrixSource | None = None,
                   stride: PerAxis = 1, padding: PerAxis = 0, output_padding: PerAxis = 0, dilation: PerAxis = 1,
                   groups: int = 1, dims: int | None = None) -> TransposedResult:
    """Exact transposed convolution; options as torch's ``conv_transpose2d``
    (``padding`` is one number or one per axis: torch crops it from both sides)."""
    x = read_matrix(input, "input")
    w = read_matrix(kernel, "kernel")
    nd = dims if dims is not None else (1 if x.ndim == 1 else 2)
    if nd not in (1, 2, 3):
        raise ShapeError(f"dims {nd} is not supported; use 1, 2 or 3 spatial dimensions")
    x4, x_lead = to_canonical(x, nd, "input", "channels", "transposed convolution")
    w4, kernel_has_filters = _kernel_layout(w, nd)
    if not isinstance(groups, int) or groups < 1:
        raise ShapeError(f"groups {groups} must be a whole number of at least 1; use 1 for an ordinary layer")
    c_in = x4.shape[1]
    if w4.shape[0] != c_in:
        raise ShapeError(f"the kernel has {w4.shape[0]} input channel{'s' * (w4.shape[0] != 1)} but the input has "
                         f"{c_in}; a transposed kernel is (C_in, C_out/groups, *K), as torch stores it")
    if c_in % groups:
        raise ShapeError(f"groups {groups} must divide the {c_in} input channels; use a divisor such as 1")
    strides = per_axis(stride, nd, "stride")
    dilations = per_axis(dilation, nd, "dilation")
    pads = per_axis(padding, nd, "padding")
    extras = per_axis(output_padding, nd, "output padding")
    sizes = x4.shape[2:]
    kernel_sizes = w4.shape[2:]
    out_sizes = []
    for n, k, s, p, d, op, axis in zip(sizes, kernel_sizes, strides, pads, dilations, extras, AXIS_NAMES[nd]):
        for value, name in ((s, "stride"), (d, "dilation")):
            if not isinstance(value, int) or value < 1:
                raise ShapeError(f"{name} {value} must be a whole number of at least 1; use 1 for no gaps")
        if not isinstance(p, int) or p < 0:
            raise ShapeError(f"padding {p} must be a whole number of at least 0 (it crops the output)")
        if not isinstance(op, int) or not 0 <= op < max(s, d):
            raise ShapeError(f"output padding {op} must be smaller than the stride {s} or the dilation {d} "
                             f"(torch's rule); use 0..{max(s, d) - 1}")
        o = transposed_output_size(n, k, s, p, d, op)
        if o < 1:
            raise ShapeError(f"input {axis} {n} with kernel {k}, stride {s} and padding {p} gives {o} cells; "
                             f"use padding of at most {((n - 1) * s + d * (k - 1)) // 2}")
        out_sizes.append(o)
    b = None
    c_out = w4.shape[1] * groups
    if bias is not None:
        b = read_vector(bias, "bias")
        if b.shape[0] != c_out:
            raise ShapeError(f"bias has {b.shape[0]} values but the layer has {c_out} output channels; "
                             f"give one bias per output channel")
    full = _scatter(x4, w4, strides, dilations, groups, extras, pads)
    crop = (slice(None), slice(None)) + tuple(slice(p, p + o) for p, o in zip(pads, out_sizes))
    canonical = full.transform(lambda a: np.ascontiguousarray(a[crop]))
    if b is not None:
        canonical = add_bias(canonical, b, (1, -1) + (1,) * nd)
    lead = Lead(x_lead.batch, kernel_has_filters or x_lead.second)
    output = to_user(canonical, lead, nd)
    return TransposedResult(output, canonical, full, x4, w4, b, strides, pads, extras, dilations, groups, lead)


def _scatter(x4: Exact, w4: Exact, strides: Sequence[int], dilations: Sequence[int], groups: int,
             extras: Sequence[int], pads: Sequence[int]) -> Exact:
    """full[n, f, i*s + k*d] += x[n, c, i] * w[c, f, k], one kernel offset at a time."""
    symbolic = x4.is_symbolic or w4.is_symbolic
    xs = x4.as_symbolic().symbols if symbolic else x4.numerators
    ws = w4.as_symbolic().symbols if symbolic else w4.numerators
    if not symbolic and max_abs(xs) * filter_l1(ws.swapaxes(0, 1)) >= INT64_SAFE:
        xs, ws = xs.astype(object), ws.astype(object)  # Python integers: exact at any size
    n, c_in = xs.shape[:2]
    f_per_group = ws.shape[1]
    sizes, kernel = xs.shape[2:], ws.shape[2:]
    spans = [(m - 1) * s + d * (k - 1) + 1 for m, k, s, d in zip(sizes, kernel, strides, dilations)]
    # output padding may reach past the last contribution: those cells stay 0
    spans = [span + max(0, op - p) for span, op, p in zip(spans, extras, pads)]
    dtype = object if symbolic or xs.dtype == object else np.int64
    full = np.zeros((n, f_per_group * groups, *spans), dtype=dtype)
    if symbolic:
        import sympy

        full[...] = sympy.Integer(0)
    c_per_group = c_in // groups
    for g in range(groups):
        xg = xs[:, g * c_per_group:(g + 1) * c_per_group]
        for k in np.ndindex(*kernel):
            wk = ws[(slice(g * c_per_group, (g + 1) * c_per_group), slice(None)) + k]  # (C_g, F_g)
            part = np.moveaxis(np.tensordot(xg, wk, axes=([1], [0])), -1, 1)  # (N, F_g, *S)
            target = (slice(None), slice(g * f_per_group, (g + 1) * f_per_group)) + tuple(
                slice(kk * d, kk * d + (m - 1) * s + 1, s) for kk, d, m, s in zip(k, dilations, sizes, strides))
            full[target] = full[target] + part
    if symbolic:
        return Exact(symbols=full)
    return Exact(full, x4.denominator * w4.denominator)


__all__ = ["conv_transpose", "TransposedResult", "Contribution", "OutputTerm"]
