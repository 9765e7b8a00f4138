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

from dataclasses import dataclass
from fractions import Fraction

from ..errors import ShapeError
from ..geometry import (
    AxisPadding,
    check_window,
    effective_kernel,
    floor_div,
    output_size,
    per_axis,
    resolve_padding,
    transposed_output_size,
)
from ..formula_text import formula_text
from .shapes import Shape, fmt, is_int, product, term

ACTIVATIONS = (
    "relu", "relu6", "leakyrelu", "prelu", "elu", "selu", "gelu", "silu", "swish",
    "sigmoid", "tanh", "softmax", "logsoftmax", "softplus", "hardswish", "mish", "identity",
)


@dataclass(frozen=True)
class Context:
    """How to count: ``convention`` 'torch' or 'keras', whether biases count,
    whether an inexact window is an error, and bytes per stored value."""

    convention: str = "torch"
    bias: bool = True
    strict: bool = False
    dtype_bytes: int = 4


@dataclass(frozen=True)
class Window:
    """The window a layer slides, per spatial axis, for receptive fields:
    effective (dilated) kernel, stride and zeros added before."""

    kernel: tuple
    stride: tuple
    before: tuple


GLOBAL = "global"  # the layer sees every position (global pooling, dense after flatten)


@dataclass(frozen=True)
class Effect:
    """What a layer does to its input."""

    shape: Shape
    weights: object = 0
    biases: object = 0
    non_trainable: object = 0
    macs: object = 0
    window: object = None  # None: position-wise; Window; or GLOBAL
    formulas: tuple = ()
    warnings: tuple = ()
    in_place: bool = False  # activation, dropout, flatten: no new stored values
    jump_divisor: object = 1  # transposed convolution: output cells are 1/s apart


# --------------------------------------------------------------------------- helpers


def _dims(values) -> str:
    return "x".join(term(v) for v in values)


def _one(values) -> str:
    """'3' for (3, 3), '3x1' otherwise."""
    return term(values[0]) if len(set(map(str, values))) == 1 else _dims(values)


def _mul(values) -> str:
    return " x ".join(term(v) for v in values)


def _decimal(fraction: Fraction) -> str:
    return f"{float(fraction):.2f}".rstrip("0").rstrip(".")


def _axis_names(x: Shape) -> tuple:
    return x.names()[:-1]


def _same_padding_check(padding, strides, ctx: Context, where: str) -> None:
    if isinstance(padding, str) and padding.lower() == "same" and ctx.convention == "torch":
        bad = [s for s in strides if not is_int(s) or s > 1]
        if bad:
            raise ShapeError(
                f"{where}: padding 'same' with stride {_one(strides)} is refused by torch; "
                f"use --convention keras (TensorFlow's rule: output ceil(n/stride), the odd zero "
                f"goes bottom/right) or give the padding as a number"
            )


def _axis_formula(n, k, s, pad: AxisPadding, d, out, ceil_mode: bool) -> str:
    kern = f"{term(k)}" if d == 1 else f"({term(d)}*({term(k)} - 1) + 1)"
    if str(pad.before) == str(pad.after):
        padding = f"2*{term(pad.before)}"
    else:
        padding = f"{term(pad.before)} + {term(pad.after)}"
    inner = f"({term(n)} - {kern} + {padding})/{term(s)}"
    span = n + pad.before + pad.after - effective_kernel(k, d)
    exact = s == 1 or is_int(span, s) and span % s == 0
    if not exact:
        inner = f"{'ceil' if ceil_mode else 'floor'}({inner})"
    return f"{inner} + 1 = {formula_text(out)}"


def _join_axes(names, formulas) -> str:
    if len(set(formulas)) == 1:
        return formulas[0]
    return "; ".join(f"{name}: {text}" for name, text in zip(names, formulas))


def _fit_warning(where, what, size, n, k, s, pad: AxisPadding, d, out, ceil_mode) -> str | None:
    """The course's "doesn't fit!": (N + 2P - F)/S is not whole."""
    span = n + pad.before + pad.after - effective_kernel(k, d)
    if not is_int(span, s) or span % s == 0:
        return None
    value = Fraction(span, s) + 1
    padding = f"2*{pad.before}" if pad.before == pad.after else f"{pad.before} + {pad.after}"
    strides = [t for t in range(1, s) if span % t == 0]
    extra = s - span % s
    fixes = []
    if strides:
        fixes.append("use stride " + " or ".join(map(str, strides[-2:])))
    fixes.append(f"pad by {extra // 2}" if extra % 2 == 0 else f"add {extra} zero{'s' if extra > 1 else ''} in total")
    rounding = "ceil mode rounds up" if ceil_mode else "torch and Keras floor"
    return (
        f"{where}: {what} with stride {s} does not fit a {size} input: "
        f"({n} - {effective_kernel(k, d)} + {padding}) / {s} + 1 = {_decimal(value)}; "
        f"{rounding} to {out}; {', or '.join(fixes)}"
    )


def _slide(x: Shape, kernel, stride, padding, dilation, ctx: Context, where: str, what: str,
           ceil_mode: bool = False, pool: bool = False):
    """Output sizes, paddings, formulas and warnings of a sliding window."""
    nd = x.ndim
    ks = per_axis(kernel, nd, "kernel")
    ss = per_axis(stride, nd, "stride")
    ds = per_axis(dilation, nd, "dilation")
    _same_padding_check(padding, ss, ctx, where)
    try:
        pads = resolve_padding(padding, x.spatial, ks, ss, ds)
        outs, formulas, warnings = [], [], []
        for n, k, s, pad, d, axis in zip(x.spatial, ks, ss, pads, ds, _axis_names(x)):
            if pool:  # torch pools whenever at least one window results (ceil mode may allow a partial one)
                check_window(1, k, s, AxisPadding(k * d, 0), d, axis_name=axis)
            else:
                check_window(n, k, s, pad, d, axis_name=axis)
            out = output_size(n, k, s, (pad.before, pad.after), d, ceil_mode)
            if pool and is_int(out) and out < 1:
                raise ShapeError(
                    f"window {_dims(ks)} on the {axis} of size {n} padded to {n + pad.before + pad.after} "
                    f"gives {out} outputs; use a window of at most {n + pad.before + pad.after}, or pad more"
                )
            if ceil_mode and not is_int(out):
                # torch drops a last window that would start in the padding after the input:
                # the last start is min(ceil(L/s), floor((n + p_before - 1)/s)), one decrement at
                # most, written without a Piecewise so nested layers stay cheap for sympy
                import sympy

                out = sympy.Min(out - 1, floor_div(n + pad.before - 1, s)) + 1
            outs.append(out)
            formulas.append(_axis_formula(n, k, s, pad, d, out, ceil_mode))
            warn = _fit_warning(where, f"{what} {_dims(ks)}", _dims(x.spatial), n, k, s, pad, d, out, ceil_mode)
            if warn and warn not in warnings:
                warnings.append(warn)
    except ShapeError as error:
        raise ShapeError(f"{where}: {error}") from None
    if warnings and ctx.strict:
        raise ShapeError(warnings[0] + " (--strict makes this an error)")
    window = Window(tuple(effective_kernel(k, d) for k, d in zip(ks, ds)), ss, tuple(p.before for p in pads))
    return tuple(outs), ks, ss, ds, pads, _join_axes(_axis_names(x), formulas), tuple(warnings), window


def _half(kernel):
    first = kernel[0] if isinstance(kernel, tuple) else kernel
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


def _positive(value, name: str, where: str) -> None:
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

    filters: object
    kernel: object
    stride: object = 1
    padding: object = 0
    dilation: object = 1
    groups: object = 1
    bias: bool = True
    name: str | None = None
    depthwise: bool = False  # groups = input channels, filters = multiplier x channels
    multiplier: object = 1
    kind = "conv"

    def describe(self) -> str:
        if self.depthwise:
            return f"depthwise {_dims(self.kernel) if isinstance(self.kernel, tuple) else term(self.kernel)}" + (f" multiplier {self.multiplier}" if self.multiplier != 1 else "")
        text = f"conv {term(self.filters)} {_dims(self.kernel) if isinstance(self.kernel, tuple) else term(self.kernel)}"
        for key, default in (("stride", 1), ("padding", 0), ("dilation", 1), ("groups", 1)):
            value = getattr(self, key)
            if value != default:
                text += f" {key} {_dims(value) if isinstance(value, tuple) else value}"
        return text + ("" if self.bias else " nobias")

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
        outs, ks, _, _, _, shape_formula, warnings, window = _slide(
            x, self.kernel, self.stride, self.padding, self.dilation, ctx, where, "kernel"
        )
        out = Shape(outs, self.filters)
        per_filter = product(ks) * (cin // g if is_int(cin, g) else cin / g)
        depth = [*ks, cin // g if is_int(cin, g) else cin / g]
        weights = self.filters * per_filter
        bias = self.bias and ctx.bias
        biases = self.filters if bias else 0
        inner = _mul(depth) + (" + 1" if bias else "")
        params = f"{term(self.filters)} x ({inner}) = {fmt(weights + biases)}"
        if g != 1:
            params += f"  ({term(cin)} channels / {term(g)} groups = {term(depth[-1])} per filter)"
        macs = out.units * per_filter
        formulas = (
            ("output", shape_formula),
            ("units", _units_formula(out)),
            ("params", params),
            ("macs", f"{_mul(out.dims())} x ({_mul(depth)}) = {fmt(macs)}"),
        )
        return Effect(out, weights, biases, 0, macs, window, formulas, warnings)


@dataclass(frozen=True)
class ConvTranspose:
    """Transposed convolution (torch's ConvTranspose): O = (n-1)s - 2p + d(k-1) + output_padding + 1.

    >>> ConvTranspose(64, 3, stride=2, padding=1, output_padding=1).apply(Shape((7, 7), 128), Context(), "up").shape.text()
    '14x14x64'
    """

    filters: object
    kernel: object
    stride: object = 1
    padding: object = 0
    output_padding: object = 0
    dilation: object = 1
    groups: object = 1
    bias: bool = True
    name: str | None = None
    kind = "convtranspose"

    def describe(self) -> str:
        return f"convtranspose {term(self.filters)} {term(self.kernel) if not isinstance(self.kernel, tuple) else _dims(self.kernel)} stride {self.stride}"

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
        outs, formulas = [], []
        for n, k, s, pad, d, op in zip(x.spatial, ks, ss, pads, ds, ops):
            for value, name in ((k, "kernel size"), (s, "stride"), (d, "dilation")):
                _positive(value, name, where)
            if is_int(op, s, d) and not 0 <= op < max(s, d):
                raise ShapeError(f"{where}: output padding {op} must be smaller than stride {s} or dilation {d}; use 0..{max(s, d) - 1}")
            o = transposed_output_size(n, k, s, (pad.before, pad.after), d, op)
            if is_int(o) and o < 1:
                raise ShapeError(f"{where}: transposed convolution of size {n} gives {o} cells; use less padding")
            outs.append(o)
            formulas.append(
                f"({term(n)} - 1)*{term(s)} - {term(pad.before)} - {term(pad.after)} + {term(d)}*({term(k)} - 1) + {term(op)} + 1 = {term(o)}"
            )
        out = Shape(tuple(outs), self.filters)
        per_in = product(ks) * (self.filters // g if is_int(self.filters, g) else self.filters / g)
        weights = cin * per_in
        biases = self.filters if self.bias and ctx.bias else 0
        macs = x.units * per_in
        window = Window(tuple(effective_kernel(k, d) for k, d in zip(ks, ds)), (1,) * nd, tuple(p.before for p in pads))
        formulas = (
            ("output", _join_axes(_axis_names(x), formulas)),
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

    op: str
    kernel: object
    stride: object = None
    padding: object = 0
    dilation: object = 1
    ceil_mode: bool = False
    name: str | None = None
    kind = "pool"

    def describe(self) -> str:
        text = f"{self.op}pool {term(self.kernel) if not isinstance(self.kernel, tuple) else _dims(self.kernel)}"
        if self.stride is not None:
            text += f" stride {self.stride if not isinstance(self.stride, tuple) else _dims(self.stride)}"
        if self.padding != 0:
            text += f" pad {self.padding}"
        return text + (" ceil" if self.ceil_mode else "")

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
        outs, _, _, _, _, shape_formula, warnings, window = _slide(
            x, self.kernel, stride, self.padding, self.dilation, ctx, where, "window", self.ceil_mode, pool=True
        )
        out = Shape(outs, x.channels)
        formulas = (("output", shape_formula), ("units", _units_formula(out)), ("params", "0 (pooling has no parameters)"))
        return Effect(out, window=window, formulas=formulas, warnings=warnings)


@dataclass(frozen=True)
class AdaptivePool:
    """torch's AdaptiveAvgPool/AdaptiveMaxPool: the output size is given."""

    op: str
    output: object
    name: str | None = None
    kind = "adaptivepool"

    def describe(self) -> str:
        return f"adaptive{self.op}pool {term(self.output) if not isinstance(self.output, tuple) else _dims(self.output)}"

    def type_name(self, x: Shape) -> str:
        return f"adaptive{self.op}pool{x.ndim}d"

    def apply(self, x: Shape, ctx: Context, where: str) -> Effect:
        _need_image(x, where, self.describe().split()[0])
        outs = per_axis(self.output, x.ndim, "output size")
        kernels, strides = [], []
        for n, o in zip(x.spatial, outs):
            _positive(o, "output size", where)
            if is_int(n, o):
                kernels.append(max(-((-(i + 1) * n) // o) - (i * n) // o for i in range(o)))
                strides.append(max(n // o, 1))
            else:
                kernels.append(n)
                strides.append(n)
        out = Shape(tuple(outs), x.channels)
        formulas = (("output", f"given: {_dims(outs)}"), ("units", _units_formula(out)), ("params", "0"))
        return Effect(out, window=Window(tuple(kernels), tuple(strides), (0,) * x.ndim), formulas=formulas)


@dataclass(frozen=True)
class GlobalPool:
    """Global average/max pooling: one value per channel (a flat vector, as Keras).

    >>> GlobalPool("avg").apply(Shape((7, 7), 512), Context(), "gap").shape.as_json()
    {'features': 512}
    """

    op: str
    name: str | None = None
    kind = "globalpool"

    def describe(self) -> str:
        return f"global{self.op}pool"

    def type_name(self, x: Shape) -> str:
        return f"global{self.op}pool"

    def apply(self, x: Shape, ctx: Context, where: str) -> Effect:
        _need_image(x, where, self.describe())
        out = Shape((), x.channels)
        return Effect(out, window=GLOBAL, formulas=(("output", f"one value per channel: {term(x.channels)}"), ("params", "0")))


@dataclass(frozen=True)
class ZeroPad:
    """Zero padding: a number, one per axis, or before/after pairs (top, bottom, left, right).

    >>> ZeroPad(1).apply(Shape((7, 7), 1), Context(), "pad").shape.text()    # the course's 7x7 padded with 1
    '9x9x1'
    """

    padding: object
    name: str | None = None
    kind = "zeropad"

    def describe(self) -> str:
        return f"zeropad {self.padding}"

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
        return Effect(out, window=window, formulas=(("output", _join_axes(_axis_names(x), formulas)), ("units", _units_formula(out)), ("params", "0")))


@dataclass(frozen=True)
class Flatten:
    """All values in one vector.

    >>> Flatten().apply(Shape((12, 12), 32), Context(), "flatten").shape.as_json()
    {'features': 4608}
    """

    name: str | None = None
    kind = "flatten"

    def describe(self) -> str:
        return "flatten"

    def type_name(self, x: Shape) -> str:
        return "flatten"

    def apply(self, x: Shape, ctx: Context, where: str) -> Effect:
        out = Shape((), x.units)
        return Effect(out, formulas=(("output", _units_formula(x)), ("params", "0")), in_place=True)


@dataclass(frozen=True)
class Dense:
    """Fully-connected layer on a flat input.

    >>> e = Dense(4096).apply(Shape((), 9216), Context(), "fc6")
    >>> e.weights + e.biases, dict(e.formulas)["params"]
    (37752832, '4096 x (9216 + 1) = 37,752,832')
    """

    units: object
    bias: bool = True
    name: str | None = None
    kind = "dense"

    def describe(self) -> str:
        return f"dense {term(self.units)}" + ("" if self.bias else " nobias")

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
        formulas = (("output", f"{term(self.units)} units"), ("params", params), ("macs", f"{term(n)} x {term(self.units)} = {fmt(weights)}"))
        return Effect(Shape((), self.units), weights, biases, 0, weights, GLOBAL, formulas)


@dataclass(frozen=True)
class Dropout:
    """Dropout: no parameters, same shape (``rate`` as written)."""

    rate: object = Fraction(1, 2)
    name: str | None = None
    kind = "dropout"

    def describe(self) -> str:
        return f"dropout {self.rate}"

    def type_name(self, x: Shape) -> str:
        return "dropout"

    def apply(self, x: Shape, ctx: Context, where: str) -> Effect:
        if not 0 <= self.rate <= 1:
            raise ShapeError(f"{where}: dropout rate {self.rate} is not a probability; use a rate from 0 to 1, e.g. 0.5")
        return Effect(x, formulas=(("params", "0"),), in_place=True)


@dataclass(frozen=True)
class Activation:
    """An element-wise (or softmax) activation: same shape, no parameters."""

    function: str
    name: str | None = None
    kind = "activation"

    def describe(self) -> str:
        return self.function

    def type_name(self, x: Shape) -> str:
        return self.function

    def apply(self, x: Shape, ctx: Context, where: str) -> Effect:
        return Effect(x, formulas=(("params", "0"),), in_place=True)


@dataclass(frozen=True)
class BatchNorm:
    """Batch normalisation: scale and shift per channel are trainable, the
    running mean and variance are not (counted apart).

    >>> e = BatchNorm().apply(Shape((112, 112), 64), Context(), "bn1")
    >>> (e.weights, e.biases, e.non_trainable)
    (64, 64, 128)
    """

    affine: bool = True
    eps: object = None
    name: str | None = None
    kind = "batchnorm"

    def describe(self) -> str:
        return "batchnorm"

    def type_name(self, x: Shape) -> str:
        return "batchnorm"

    def apply(self, x: Shape, ctx: Context, where: str) -> Effect:
        c = x.channels
        w = c if self.affine else 0
        params = f"2 x {term(c)} = {fmt(2 * c)} trainable (scale, shift) + 2 x {term(c)} running mean/variance" if self.affine else f"0 trainable + 2 x {term(c)} running mean/variance"
        macs = x.units if self.affine else 0
        return Effect(x, w, w, 2 * c, macs, None, (("params", params), ("macs", f"{fmt(macs)} (one scale per value)")))


@dataclass(frozen=True)
class LRN:
    """Local response normalisation ('norm' in the course's AlexNet): no parameters."""

    size: object = 5
    name: str | None = None
    kind = "lrn"

    def describe(self) -> str:
        return "lrn"

    def type_name(self, x: Shape) -> str:
        return "lrn"

    def apply(self, x: Shape, ctx: Context, where: str) -> Effect:
        return Effect(x, formulas=(("units", _units_formula(x)), ("params", "0 (normalisation has no parameters)")))


@dataclass(frozen=True)
class Residual:
    """A residual block: ``body`` added to ``shortcut`` (empty: identity)."""

    body: tuple
    shortcut: tuple = ()
    name: str | None = None
    kind = "residual"

    def describe(self) -> str:
        return "residual"


@dataclass(frozen=True)
class Concat:
    """Parallel branches concatenated along channels (an inception module)."""

    branches: tuple
    name: str | None = None
    kind = "concat"

    def describe(self) -> str:
        return f"concat of {len(self.branches)} branches"


BLOCKS = (Residual, Concat)
LEAVES = (Conv, ConvTranspose, Pool, AdaptivePool, GlobalPool, ZeroPad, Flatten, Dense, Dropout, Activation, BatchNorm, LRN)

__all__ = [cls.__name__ for cls in (*LEAVES, *BLOCKS)] + ["Context", "Effect", "Window", "ACTIVATIONS"]
