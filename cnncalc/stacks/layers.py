"""Layer specifications and what one layer does to a shape.

Each layer is a frozen dataclass; :meth:`apply` maps an input :class:`Shape` to
an :class:`Effect`: the output shape, weights, biases, non-trainable values,
multiply-accumulates, the window it slides (for receptive fields) and the
formulas with their numbers.  All window arithmetic comes from
:mod:`cnncalc.geometry`.

Conventions (also in ``cnncalc shape --help``):

* MACs: one multiply-accumulate per weight use per output value; biases are
  not counted; pooling, activations, dropout and additions count zero.
* Batch norm: scale and shift are trainable (2 x C), running mean and variance
  are non-trainable (2 x C), reported apart.

AlexNet's CONV1 (exercise sheet, Q2):

>>> e = Conv(96, 11, stride=4).apply(Shape((227, 227), 3), Context(), "conv1")
>>> e.shape.text(), e.weights + e.biases
('55x55x96', 34944)
>>> dict(e.formulas)["output"]
'(227 - 11 + 2*0)/4 + 1 = 55'
>>> dict(e.formulas)["params"]
'96 x (11 x 11 x 3 + 1) = 34,944'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, TypeAlias, get_args

from ..errors import ShapeError
from ..formula_text import formula_text
from ..geometry import (
    AxisPadding,
    Padding,
    PerAxis,
    Size,
    check_window,
    effective_kernel,
    floor_div,
    output_size,
    output_size_text,
    per_axis,
    resolve_padding,
    transposed_output_size,
    transposed_output_size_text,
    unfloored_output_size,
)
from .shapes import Shape, fmt, is_int, product, term, times

ActivationName = Literal[
    "relu", "relu6", "leakyrelu", "prelu", "elu", "selu", "gelu", "silu", "swish",
    "sigmoid", "tanh", "softmax", "logsoftmax", "softplus", "hardswish", "mish", "identity",
]
#: The activation layers of the grammar, by their canonical names.
ACTIVATIONS: tuple[ActivationName, ...] = get_args(ActivationName)

Convention = Literal["torch", "keras"]
#: How 'same' padding and parameters are counted: torch's rules, or TensorFlow/Keras's.
CONVENTIONS: tuple[Convention, ...] = get_args(Convention)

Dtype = Literal["float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8"]
#: Bytes per stored value of each dtype (memory of activations and weights).
DTYPE_BYTES: dict[Dtype, int] = {
    "float64": 8, "float32": 4, "float16": 2, "bfloat16": 2, "int64": 8, "int32": 4, "int16": 2, "int8": 1, "uint8": 1,
}
DTYPES: tuple[Dtype, ...] = get_args(Dtype)

PoolOp = Literal["max", "avg"]
#: The pooling layers of a stack (the value engine's pool also has min and sum).
POOL_OPS: tuple[PoolOp, ...] = get_args(PoolOp)


@dataclass(frozen=True)
class Context:
    """How to count: ``convention`` 'torch' or 'keras', whether biases count,
    whether an inexact window is an error, and bytes per stored value."""

    convention: Convention = "torch"
    bias: bool = True
    strict: bool = False
    dtype_bytes: int = DTYPE_BYTES["float32"]

    def __post_init__(self) -> None:
        if self.convention not in CONVENTIONS:
            raise ShapeError(f"convention '{self.convention}' is not {' or '.join(CONVENTIONS)}; use one of them")


@dataclass(frozen=True)
class Window:
    """The window a layer slides, per spatial axis, for receptive fields:
    effective (dilated) kernel, stride and zeros added before."""

    kernel: tuple[Size, ...]
    stride: tuple[Size, ...]
    before: tuple[Size, ...]


GLOBAL: Literal["global"] = "global"  # the layer sees every position (global pooling, dense after flatten)


FormulaEntry: TypeAlias = "str | Callable[[], str]"


class Formulas(Mapping[str, str]):
    """A layer's formulas with their numbers, by what they give ("output",
    "units", "params", "macs"), in order; each is written out when first read.

    Writing a symbolic size costs sympy about a millisecond, and a table shows
    only the params formula: a 150-layer stack in N would spend most of its
    time on text nobody asked for.  An entry is a string, or a function that
    writes it.

    >>> f = Formulas(("output", lambda: "(227 - 11)/4 + 1 = 55"), ("params", "0"))
    >>> f["output"], list(f), dict(f) == {"output": "(227 - 11)/4 + 1 = 55", "params": "0"}
    ('(227 - 11)/4 + 1 = 55', ['output', 'params'], True)
    """

    __slots__ = ("_entries",)

    def __init__(self, *entries: tuple[str, FormulaEntry]) -> None:
        self._entries: dict[str, FormulaEntry] = dict(entries)

    def __getitem__(self, label: str) -> str:
        entry = self._entries[label]
        if not isinstance(entry, str):
            entry = self._entries[label] = entry()
        return entry

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __hash__(self) -> int:
        return hash(tuple(self.items()))

    def __repr__(self) -> str:
        return f"Formulas({tuple(self.items())!r})"


@dataclass(frozen=True)
class Effect:
    """What a layer does to its input."""

    shape: Shape
    weights: Size = 0
    biases: Size = 0
    non_trainable: Size = 0
    macs: Size = 0
    window: Window | Literal["global"] | None = None  # None: position-wise; Window; or GLOBAL
    formulas: Formulas = Formulas()  # ("output", "(55 - 3 + 2*0)/2 + 1 = 27"), ...
    warnings: tuple[str, ...] = ()
    in_place: bool = False  # activation, dropout, flatten: no new stored values
    jump_divisor: Size | tuple[Size, ...] = 1  # transposed convolution: output cells are 1/s apart



# --------------------------------------------------------------------------- helpers


def _dims(values: Sequence[Size]) -> str:
    return "x".join(term(v) for v in values)


def _one(values: Sequence[Size]) -> str:
    """'3' for (3, 3), '3x1' otherwise."""
    return term(values[0]) if len(set(map(str, values))) == 1 else _dims(values)


def _mul(values: Sequence[Size]) -> str:
    return " x ".join(term(v) for v in values)


def _decimal(value: Size | Fraction) -> str:
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def _axis_names(x: Shape) -> tuple:
    return x.names()[:-1]


def _same_padding_check(padding: Padding, strides: Sequence[Size], ctx: Context, where: str) -> None:
    if isinstance(padding, str) and padding.lower() == "same" and ctx.convention == "torch":
        bad = [s for s in strides if not is_int(s) or s > 1]
        if bad:
            raise ShapeError(
                f"{where}: padding 'same' with stride {_one(strides)} is refused by torch; "
                f"use --convention keras (TensorFlow's rule: output ceil(n/stride), the odd zero "
                f"goes bottom/right) or give the padding as a number"
            )


def _join_axes(names: Sequence[str], formulas: Sequence[str]) -> str:
    if len(set(formulas)) == 1:
        return formulas[0]
    return "; ".join(f"{name}: {text}" for name, text in zip(names, formulas))


def _fit_warning(where: str, what: str, spatial: Sequence[Size], n: Size, k: Size, s: Size, pad: AxisPadding, d: Size, out: Size,
                 ceil_mode: bool) -> str | None:
    """The course's "doesn't fit!": (N + 2P - F)/S is not whole."""
    if not is_int(n) and is_int(pad.before, pad.after, k, d):
        return None  # a symbolic size plus numbers: no whole span to test (and no sympy sum to build)
    span = n + (pad.before + pad.after - effective_kernel(k, d))
    if not is_int(span, s) or span % s == 0:
        return None
    size = _dims(spatial)  # written only for a warning: a symbolic size costs sympy a millisecond to print
    value = unfloored_output_size(n, k, s, pad, d)
    # the two largest strides below s that fit (searched only where that is quick)
    strides = [t for t in range(max(1, s - 10_000), s) if span % t == 0]
    extra = s - span % s
    fixes = []
    if strides:
        fixes.append("use stride " + " or ".join(map(str, strides[-2:])))
    fixes.append(f"pad by {extra // 2}" if extra % 2 == 0 else f"add {extra} zero{'s' if extra > 1 else ''} in total")
    rounding = "ceil mode rounds up" if ceil_mode else "torch and Keras floor"
    return (
        f"{where}: {what} with stride {s} does not fit a {size} input: "
        f"{output_size_text(n, k, s, pad, d, rounded=False)} = {_decimal(value)}; "
        f"{rounding} to {out}; {', or '.join(fixes)}"
    )


@dataclass(frozen=True)
class Slide:
    """What a sliding window (a convolution's or a pooling's) does, per spatial axis."""

    sizes: tuple[Size, ...]  # output size per axis
    kernel: tuple[Size, ...]
    stride: tuple[Size, ...]
    dilation: tuple[Size, ...]
    padding: tuple[AxisPadding, ...]
    formula: Callable[[], str]  # writes the output-size formula with its numbers ("height: ...; width: ..." where axes differ)
    warnings: tuple[str, ...]  # the windows that do not tile their axis
    window: Window  # for receptive fields


def _slide_axis(n: Size, k: Size, s: Size, pad: AxisPadding, d: Size, axis: str, ceil_mode: bool, pool: bool,
                kernel_text: str) -> tuple[Size, Callable[[], str]]:
    """One axis of :func:`_slide`: the output size, and what writes its formula."""
    if pool:  # torch pools whenever at least one window results (ceil mode may allow a partial one)
        check_window(1, k, s, AxisPadding(k * d, 0), d, axis_name=axis)
    else:
        check_window(n, k, s, pad, d, axis_name=axis)
    out = output_size(n, k, s, (pad.before, pad.after), d, ceil_mode)
    if pool and is_int(out) and out < 1:
        raise ShapeError(
            f"window {kernel_text} on the {axis} of size {n} padded to {n + pad.before + pad.after} "
            f"gives {out} outputs; use a window of at most {n + pad.before + pad.after}, or pad more"
        )
    if ceil_mode and not is_int(out) and not (is_int(s, pad.after) and is_int(effective_kernel(k, d))
                                                 and s + pad.after <= effective_kernel(k, d)):
        # torch drops a last window that would start in the padding after the input:
        # the last start is min(ceil(L/s), floor((n + p_before - 1)/s)), one decrement at
        # most, written without a Piecewise so nested layers stay cheap for sympy.
        # With s + p_after <= k_eff no window can start there (ceil(L/s)*s < L + s
        # <= n + p_before), and the Min, which names n twice and so doubles the
        # formula at every such layer, is left out.
        import sympy

        out = sympy.Min(out - 1, floor_div(n + pad.before - 1, s)) + 1
    return out, lambda: f"{output_size_text(n, k, s, pad, d, ceil_mode)} = {formula_text(out)}"


def _slide(x: Shape, kernel: Size | tuple, stride: Size | tuple, padding: Size | tuple | str,
           dilation: Size | tuple, ctx: Context, where: str, what: str, ceil_mode: bool = False,
           pool: bool = False) -> Slide:
    """Output sizes, paddings, formulas and warnings of a sliding window."""
    nd = x.ndim
    ks = per_axis(kernel, nd, "kernel")
    ss = per_axis(stride, nd, "stride")
    ds = per_axis(dilation, nd, "dilation")
    _same_padding_check(padding, ss, ctx, where)
    try:
        pads = resolve_padding(padding, x.spatial, ks, ss, ds)
        outs, formulas, warnings = [], [], []
        done: dict[tuple, tuple[Size, Callable[[], str]]] = {}
        for n, k, s, pad, d, axis in zip(x.spatial, ks, ss, pads, ds, _axis_names(x)):
            key = (n, k, s, pad, d)
            if key not in done:  # a square input's width repeats its height's arithmetic (sympy's, when symbolic)
                done[key] = _slide_axis(n, k, s, pad, d, axis, ceil_mode, pool, _dims(ks))
            out, formula = done[key]
            outs.append(out)
            formulas.append(formula)
            warn = _fit_warning(where, f"{what} {_dims(ks)}", x.spatial, n, k, s, pad, d, out, ceil_mode)
            if warn and warn not in warnings:
                warnings.append(warn)
    except ShapeError as error:
        raise ShapeError(f"{where}: {error}") from None
    if warnings and ctx.strict:
        raise ShapeError(warnings[0] + " (--strict makes this an error)")
    window = Window(tuple(effective_kernel(k, d) for k, d in zip(ks, ds)), ss, tuple(p.before for p in pads))
    names = _axis_names(x)
    return Slide(tuple(outs), ks, ss, ds, pads, lambda: _join_axes(names, [write() for write in formulas]),
                 tuple(warnings), window)


def _half(kernel: PerAxis) -> Size | str:
    first = kernel[0] if isinstance(kernel, Sequence) else kernel
    return first // 2 if is_int(first) else f"{first}/2"


def _need_image(x: Shape, where: str, what: str) -> None:
    if x.flat:
        raise ShapeError(
            f"{where}: {what} needs an image (height x width x channels) but gets {fmt(x.channels)} flat "
            f"features; move it before flatten, or give the input as HxWxC"
        )


def _units_formula(shape: Shape) -> str:
    dims = shape.dims()
    if len(dims) == 1:
        return f"{fmt(shape.units)}"
    return f"{_mul(dims)} = {fmt(shape.units)}"


def _positive(value: Size, name: str, where: str) -> None:
    if is_int(value) and value < 1:
        raise ShapeError(f"{where}: {name} {value} must be at least 1; use a positive size")


# --------------------------------------------------------------------------- layers


@dataclass(frozen=True)
class Conv:
    """Convolution over 1, 2 or 3 spatial axes (the input decides which).

    ``padding``: a number, one per axis, before/after pairs, or 'valid',
    'same', 'full'.  ``groups`` = input channels is a depthwise convolution.

    32x32x3 with ten 5x5 filters, pad 2 (lecture 004):

    >>> e = Conv(10, 5, padding=2).apply(Shape((32, 32), 3), Context(), "conv")
    >>> e.shape.text(), e.weights + e.biases, dict(e.formulas)["params"]
    ('32x32x10', 760, '10 x (5 x 5 x 3 + 1) = 760')
    """

    filters: Size
    kernel: PerAxis
    stride: PerAxis = 1
    padding: Padding = 0
    dilation: PerAxis = 1
    groups: Size = 1
    bias: bool = True
    name: str | None = None
    depthwise: bool = False  # groups = input channels, filters = multiplier x channels
    multiplier: Size = 1
    kind = "conv"

    def type_name(self, x: Shape) -> str:
        return f"conv{x.ndim}d"

    def apply(self, x: Shape, ctx: Context, where: str) -> Effect:
        _need_image(x, where, "conv")
        if self.depthwise:
            _positive(self.multiplier, "depth multiplier", where)
            plain = Conv(x.channels * self.multiplier, self.kernel, self.stride, self.padding, self.dilation, x.channels, self.bias)
            return plain.apply(x, ctx, where)
        _positive(self.filters, "filters", where)
        _positive(self.groups, "groups", where)
        cin, g = x.channels, self.groups
        if is_int(cin, g) and cin % g:
            raise ShapeError(f"{where}: {cin} input channels do not split into {g} groups; use groups that divide {cin}")
        if is_int(self.filters, g) and self.filters % g:
            raise ShapeError(f"{where}: {self.filters} filters do not split into {g} groups; use a multiple of {g} filters")
        slide = _slide(x, self.kernel, self.stride, self.padding, self.dilation, ctx, where, "kernel")
        out = Shape(slide.sizes, self.filters)
        per_filter = product(slide.kernel) * (cin // g if is_int(cin, g) else cin / g)
        depth = [*slide.kernel, cin // g if is_int(cin, g) else cin / g]
        weights = self.filters * per_filter
        bias = self.bias and ctx.bias
        biases = self.filters if bias else 0
        inner = _mul(depth) + (" + 1" if bias else "")
        params = f"{term(self.filters)} x ({inner}) = {fmt(weights + biases)}"
        if g != 1:
            params += f"  ({term(cin)} channels / {term(g)} groups = {term(depth[-1])} per filter)"
        macs = times(per_filter, out.units)
        formulas = Formulas(
            ("output", slide.formula),
            ("units", lambda: _units_formula(out)),
            ("params", params),
            ("macs", lambda: f"{_mul(out.dims())} x ({_mul(depth)}) = {fmt(macs)}"),
        )
        return Effect(out, weights, biases, 0, macs, slide.window, formulas, slide.warnings)


def _transposed_axis(n: Size, k: Size, s: Size, pad: AxisPadding, d: Size, op: Size, where: str) -> Size:
    """One axis of a transposed convolution: its output size, its operands checked."""
    for value, name in ((k, "kernel size"), (s, "stride"), (d, "dilation")):
        _positive(value, name, where)
    if is_int(op, s, d) and not 0 <= op < max(s, d):
        raise ShapeError(f"{where}: output padding {op} must be smaller than stride {s} or dilation {d}; use 0..{max(s, d) - 1}")
    out = transposed_output_size(n, k, s, (pad.before, pad.after), d, op)
    if is_int(out) and out < 1:
        raise ShapeError(f"{where}: transposed convolution of size {n} gives {out} cells; use less padding")
    return out


@dataclass(frozen=True)
class ConvTranspose:
    """Transposed convolution (torch's ConvTranspose): O = (n-1)s - 2p + d(k-1) + output_padding + 1.

    >>> ConvTranspose(64, 3, stride=2, padding=1, output_padding=1).apply(Shape((7, 7), 128), Context(), "up").shape.text()
    '14x14x64'
    """

    filters: Size
    kernel: PerAxis
    stride: PerAxis = 1
    padding: Padding = 0  # numbers only (a mode is refused)
    output_padding: PerAxis = 0
    dilation: PerAxis = 1
    groups: Size = 1
    bias: bool = True
    name: str | None = None
    kind = "convtranspose"

    def type_name(self, x: Shape) -> str:
        return f"convtranspose{x.ndim}d"

    def apply(self, x: Shape, ctx: Context, where: str) -> Effect:
        _need_image(x, where, "convtranspose")
        _positive(self.filters, "filters", where)
        nd = x.ndim
        ks, ss = per_axis(self.kernel, nd, "kernel"), per_axis(self.stride, nd, "stride")
        ds, ops = per_axis(self.dilation, nd, "dilation"), per_axis(self.output_padding, nd, "output padding")
        if isinstance(self.padding, str):
            raise ShapeError(f"{where}: convtranspose takes padding as numbers, not '{self.padding}'; use e.g. padding 1")
        pads = resolve_padding(self.padding, x.spatial, ks, ss, ds)
        cin, g = x.channels, self.groups
        if is_int(cin, g) and cin % g or is_int(self.filters, g) and self.filters % g:
            raise ShapeError(f"{where}: channels {cin} -> {self.filters} do not split into {g} groups; use groups dividing both")
        outs = [_transposed_axis(n, k, s, pad, d, op, where) for n, k, s, pad, d, op in zip(x.spatial, ks, ss, pads, ds, ops)]
        axis_formulas = [f"{transposed_output_size_text(n, k, s, pad, d, op)} = {term(o)}"
                         for n, k, s, pad, d, op, o in zip(x.spatial, ks, ss, pads, ds, ops, outs)]
        out = Shape(tuple(outs), self.filters)
        per_in = product(ks) * (self.filters // g if is_int(self.filters, g) else self.filters / g)
        weights = cin * per_in
        biases = self.filters if self.bias and ctx.bias else 0
        macs = x.units * per_in
        window = Window(tuple(effective_kernel(k, d) for k, d in zip(ks, ds)), (1,) * nd, tuple(p.before for p in pads))
        formulas = Formulas(
            ("output", _join_axes(_axis_names(x), axis_formulas)),
            ("units", _units_formula(out)),
            ("params", f"{term(cin)} x {_mul(ks)} x {term(self.filters)}/{term(g)}"
             + (f" + {term(self.filters)}" if biases else "") + f" = {fmt(weights + biases)}"),
            ("macs", f"{_mul(x.dims())} x {_mul(ks)} x {term(self.filters)}/{term(g)} = {fmt(macs)}"),
        )
        return Effect(out, weights, biases, 0, macs, window, formulas, jump_divisor=ss)


@dataclass(frozen=True)
class Pool:
    """Max or average pooling; the stride defaults to the window.

    AlexNet's POOL1, 3x3 at stride 2 on 55x55x96:

    >>> e = Pool("max", 3, stride=2).apply(Shape((55, 55), 96), Context(), "pool1")
    >>> e.shape.text(), dict(e.formulas)["output"], e.weights
    ('27x27x96', '(55 - 3 + 2*0)/2 + 1 = 27', 0)
    """

    op: PoolOp
    kernel: PerAxis
    stride: PerAxis | None = None  # None: the kernel
    padding: Padding = 0
    dilation: PerAxis = 1
    ceil_mode: bool = False
    name: str | None = None
    kind = "pool"

    def type_name(self, x: Shape) -> str:
        return f"{self.op}pool{x.ndim}d"

    def apply(self, x: Shape, ctx: Context, where: str) -> Effect:
        _need_image(x, where, f"{self.op}pool")
        stride = self.kernel if self.stride is None else self.stride
        if ctx.convention == "torch" and isinstance(self.padding, str) and self.padding.lower() in ("same", "full"):
            raise ShapeError(
                f"{where}: torch pooling takes its padding as a number, not '{self.padding}'; "
                f"give e.g. pad {_half(self.kernel)} (half the window), or use --convention keras"
            )
        if ctx.convention == "torch" and not isinstance(self.padding, str):
            try:
                ks = per_axis(self.kernel, x.ndim, "kernel")
                ps = per_axis(self.padding, x.ndim, "padding")
            except ShapeError as error:
                raise ShapeError(f"{where}: {error} (torch pooling pads both sides of an axis alike)") from None
            for k, p in zip(ks, ps):
                if is_int(k, p) and p > k // 2:
                    raise ShapeError(
                        f"{where}: pooling padding {p} is more than half the window {k} (torch's rule); "
                        f"use padding of at most {k // 2}"
                    )
        slide = _slide(x, self.kernel, stride, self.padding, self.dilation, ctx, where, "window", self.ceil_mode,
                       pool=True)
        out = Shape(slide.sizes, x.channels)
        formulas = Formulas(("output", slide.formula), ("units", lambda: _units_formula(out)),
                    ("params", "0 (pooling has no parameters)"))
        return Effect(out, window=slide.window, formulas=formulas, warnings=slide.warnings)


def adaptive_window(n: int, o: int) -> int:
    """The largest window of torch's adaptive pooling from n to o cells.

    Window i spans ceil((i + 1) n / o) - floor(i n / o) cells.  With n = q o + m
    and g = gcd(n, o) the remainders i*n mod o run through the multiples of g, so
    the largest window is q when m = 0, q + 2 when m > g, else q + 1 (no loop
    over o windows: o may be 10^12).

    >>> [adaptive_window(n, o) for n, o in ((13, 6), (5, 3), (7, 3), (2, 3), (12, 6))]
    [3, 3, 3, 2, 2]
    >>> all(adaptive_window(n, o) == max(-((-(i + 1) * n) // o) - (i * n) // o for i in range(o))
    ...     for n in range(1, 40) for o in range(1, 40))
    True
    """
    q, m = divmod(n, o)
    if m == 0:
        return q
    return q + 2 if m > math.gcd(n, o) else q + 1


@dataclass(frozen=True)
class AdaptivePool:
    """torch's AdaptiveAvgPool/AdaptiveMaxPool: the output size is given."""

    op: PoolOp
    output: PerAxis
    name: str | None = None
    kind = "adaptivepool"

    def type_name(self, x: Shape) -> str:
        return f"adaptive{self.op}pool{x.ndim}d"

    def apply(self, x: Shape, ctx: Context, where: str) -> Effect:
        _need_image(x, where, f"adaptive{self.op}pool")
        outs = per_axis(self.output, x.ndim, "output size")
        kernels, strides = [], []
        for n, o in zip(x.spatial, outs):
            _positive(o, "output size", where)
            if is_int(n, o):
                kernels.append(adaptive_window(n, o))
                strides.append(max(n // o, 1))
            else:
                kernels.append(n)
                strides.append(n)
        out = Shape(tuple(outs), x.channels)
        formulas = Formulas(("output", f"given: {_dims(outs)}"), ("units", _units_formula(out)), ("params", "0"))
        return Effect(out, window=Window(tuple(kernels), tuple(strides), (0,) * x.ndim), formulas=formulas)


@dataclass(frozen=True)
class GlobalPool:
    """Global average/max pooling: one value per channel (a flat vector, as Keras).

    >>> GlobalPool("avg").apply(Shape((7, 7), 512), Context(), "gap").shape.as_json()
    {'features': 512}
    """

    op: PoolOp
    name: str | None = None
    kind = "globalpool"

    def type_name(self, x: Shape) -> str:
        return f"global{self.op}pool"

    def apply(self, x: Shape, ctx: Context, where: str) -> Effect:
        _need_image(x, where, f"global{self.op}pool")
        out = Shape((), x.channels)
        return Effect(out, window=GLOBAL, formulas=Formulas(("output", f"one value per channel: {term(x.channels)}"), ("params", "0")))


@dataclass(frozen=True)
class ZeroPad:
    """Zero padding: a number, one per axis, or before/after pairs (top, bottom, left, right).

    >>> ZeroPad(1).apply(Shape((7, 7), 1), Context(), "pad").shape.text()    # the course's 7x7 padded with 1
    '9x9x1'
    """

    padding: Padding
    name: str | None = None
    kind = "zeropad"

    def type_name(self, x: Shape) -> str:
        return f"zeropad{x.ndim}d"

    def apply(self, x: Shape, ctx: Context, where: str) -> Effect:
        _need_image(x, where, "zeropad")
        if isinstance(self.padding, str):
            raise ShapeError(f"{where}: zeropad takes numbers, not '{self.padding}'; use e.g. zeropad 1")
        try:
            pads = resolve_padding(self.padding, x.spatial, (1,) * x.ndim, (1,) * x.ndim, (1,) * x.ndim)
        except ShapeError as error:
            raise ShapeError(f"{where}: {error}") from None
        outs = tuple(n + p.before + p.after for n, p in zip(x.spatial, pads))
        formulas = [f"{term(n)} + {term(p.before)} + {term(p.after)} = {term(o)}" for n, p, o in zip(x.spatial, pads, outs)]
        out = Shape(outs, x.channels)
        window = Window((1,) * x.ndim, (1,) * x.ndim, tuple(p.before for p in pads))
        return Effect(out, window=window, formulas=Formulas(("output", _join_axes(_axis_names(x), formulas)),
                                                    ("units", _units_formula(out)), ("params", "0")))


@dataclass(frozen=True)
class Flatten:
    """All values in one vector.

    >>> Flatten().apply(Shape((12, 12), 32), Context(), "flatten").shape.as_json()
    {'features': 4608}
    """

    name: str | None = None
    kind = "flatten"

    def type_name(self, x: Shape) -> str:
        return "flatten"

    def apply(self, x: Shape, ctx: Context, where: str) -> Effect:
        out = Shape((), x.units)
        return Effect(out, formulas=Formulas(("output", _units_formula(x)), ("params", "0")), in_place=True)


@dataclass(frozen=True)
class Dense:
    """Fully-connected layer on a flat input.

    >>> e = Dense(4096).apply(Shape((), 9216), Context(), "fc6")
    >>> e.weights + e.biases, dict(e.formulas)["params"]
    (37752832, '4096 x (9216 + 1) = 37,752,832')
    """

    units: Size
    bias: bool = True
    name: str | None = None
    kind = "dense"

    def type_name(self, x: Shape) -> str:
        return "dense"

    def apply(self, x: Shape, ctx: Context, where: str) -> Effect:
        _positive(self.units, "units", where)
        if not x.flat:
            raise ShapeError(
                f"{where}: dense needs a flat input but gets {x.text()}; add flatten before it "
                f"(or globalavgpool)"
            )
        n = x.channels
        bias = self.bias and ctx.bias
        weights = self.units * n
        biases = self.units if bias else 0
        params = f"{term(self.units)} x ({term(n)}{' + 1' if bias else ''}) = {fmt(weights + biases)}"
        formulas = Formulas(("output", f"{term(self.units)} units"), ("params", params),
                    ("macs", f"{term(n)} x {term(self.units)} = {fmt(weights)}"))
        return Effect(Shape((), self.units), weights, biases, 0, weights, GLOBAL, formulas)


@dataclass(frozen=True)
class Dropout:
    """Dropout: no parameters, same shape (``rate`` as written)."""

    rate: Fraction = Fraction(1, 2)
    name: str | None = None
    kind = "dropout"

    def type_name(self, x: Shape) -> str:
        return "dropout"

    def apply(self, x: Shape, ctx: Context, where: str) -> Effect:
        if not 0 <= self.rate <= 1:
            raise ShapeError(f"{where}: dropout rate {self.rate} is not a probability; use a rate from 0 to 1, e.g. 0.5")
        return Effect(x, formulas=Formulas(("params", "0")), in_place=True)


@dataclass(frozen=True)
class Activation:
    """An element-wise (or softmax) activation: same shape, no parameters."""

    function: ActivationName
    name: str | None = None
    kind = "activation"

    def type_name(self, x: Shape) -> str:
        return self.function

    def apply(self, x: Shape, ctx: Context, where: str) -> Effect:
        return Effect(x, formulas=Formulas(("params", "0")), in_place=True)


@dataclass(frozen=True)
class BatchNorm:
    """Batch normalisation: scale and shift per channel are trainable, the
    running mean and variance are not (counted apart).

    >>> e = BatchNorm().apply(Shape((112, 112), 64), Context(), "bn1")
    >>> (e.weights, e.biases, e.non_trainable)
    (64, 64, 128)
    """

    affine: bool = True
    eps: Fraction | None = None  # None: the framework's default
    name: str | None = None
    kind = "batchnorm"

    def type_name(self, x: Shape) -> str:
        return "batchnorm"

    def apply(self, x: Shape, ctx: Context, where: str) -> Effect:
        if self.eps is not None and not self.eps > 0:
            raise ShapeError(f"{where}: batchnorm eps {self.eps} must be positive (it keeps the division by "
                             "sqrt(variance + eps) finite); use e.g. eps=1e-5, torch's default")
        c = x.channels
        w = c if self.affine else 0
        running = f"2 x {term(c)} running mean/variance"
        params = f"2 x {term(c)} = {fmt(2 * c)} trainable (scale, shift) + {running}" if self.affine else f"0 trainable + {running}"
        macs = x.units if self.affine else 0
        return Effect(x, w, w, 2 * c, macs, None, Formulas(("params", params), ("macs", f"{fmt(macs)} (one scale per value)")))


@dataclass(frozen=True)
class LRN:
    """Local response normalisation ('norm' in the course's AlexNet): no parameters."""

    size: Size = 5
    name: str | None = None
    kind = "lrn"

    def type_name(self, x: Shape) -> str:
        return "lrn"

    def apply(self, x: Shape, ctx: Context, where: str) -> Effect:
        _positive(self.size, "lrn size (channels in each normalisation window)", where)
        return Effect(x, formulas=Formulas(("units", _units_formula(x)), ("params", "0 (normalisation has no parameters)")))


@dataclass(frozen=True)
class Residual:
    """A residual block: ``body`` added to ``shortcut`` (empty: identity)."""

    body: tuple[Layer, ...]
    shortcut: tuple[Layer, ...] = ()
    name: str | None = None
    kind = "residual"


@dataclass(frozen=True)
class Concat:
    """Parallel branches concatenated along channels (an inception module)."""

    branches: tuple[tuple[Layer, ...], ...]
    name: str | None = None
    kind = "concat"


#: A layer of a stack that is not a block, and any layer (blocks hold stacks of layers).
Leaf = (Conv | ConvTranspose | Pool | AdaptivePool | GlobalPool | ZeroPad | Flatten | Dense | Dropout | Activation
        | BatchNorm | LRN)
Layer = Leaf | Residual | Concat

BLOCKS = (Residual, Concat)
LEAVES = (Conv, ConvTranspose, Pool, AdaptivePool, GlobalPool, ZeroPad, Flatten, Dense, Dropout, Activation, BatchNorm, LRN)

__all__ = [cls.__name__ for cls in (*LEAVES, *BLOCKS)] + ["Context", "Effect", "Window", "ACTIVATIONS"]
