"""A stack of layers applied to an input shape: per-layer rows and totals.

:func:`summarize` walks the layers (descending into residual and branch
blocks), and for every layer records the output shape, units, weights,
biases, non-trainable values, MACs, activation memory, receptive field and
the parameters a fully-connected layer with the same inputs and outputs would
need.  Totals are sums over rows (a block's merge row holds no parameters, so
nothing is counted twice).

Receptive field per spatial axis, with r (size), j (jump: distance in input
pixels between neighbouring outputs) and start (input index of the first
pixel seen by output 0; negative inside padding)::

    r' = r + (k_eff - 1) * j      j' = j * s      start' = start - p_before * j

The first layers of AlexNet (lecture 004):

>>> from cnncalc.stacks.layers import Conv, Pool
>>> from cnncalc.stacks.shapes import Shape
>>> s = summarize(Shape((227, 227), 3), [Conv(96, 11, stride=4), Pool("max", 3, stride=2)])
>>> [(r.name, r.output.text(), r.units, r.params) for r in s.rows]
[('conv1', '55x55x96', 290400, 34944), ('pool1', '27x27x96', 69984, 0)]
>>> s.rows[1].rf
((19, 8, 0), (19, 8, 0))
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from ..display import NotebookDisplay
from ..errors import ShapeError
from .layers import GLOBAL, Concat, Context, Conv, ConvTranspose, Dense, Residual
from .shapes import Shape, fmt, is_int, term

BASE_NAMES = {
    "conv": "conv", "convtranspose": "deconv", "pool": "pool", "adaptivepool": "pool",
    "globalpool": "gpool", "zeropad": "pad", "flatten": "flatten", "dense": "fc", "dropout": "dropout",
    "batchnorm": "bn", "lrn": "norm", "residual": "res", "concat": "concat",
}


@dataclass(frozen=True)
class Row:
    """One layer's facts."""

    name: str
    type: str
    layer: str
    depth: int
    input: Shape
    output: Shape
    units: object
    weights: object
    biases: object
    non_trainable: object
    macs: object
    memory_bytes: object
    rf: tuple | None
    fc_equivalent: object
    formulas: tuple
    warnings: tuple
    in_place: bool = False
    spec: object = None  # the layer itself (Conv, Pool, ...), for questions about how it was computed

    @property
    def trainable(self):
        return self.weights + self.biases

    @property
    def params(self):
        return self.weights + self.biases + self.non_trainable


@dataclass(frozen=True)
class StackSummary(NotebookDisplay):
    """The rows of a stack and its totals (``layers``: the specs walked, for a diagram's branches)."""

    name: str
    input: Shape
    output: Shape
    rows: tuple
    context: Context
    input_rf: tuple | None = None
    layers: tuple = ()

    def _sum(self, attr, rows=None):
        total = 0
        for row in rows if rows is not None else self.rows:
            total = total + getattr(row, attr)
        return total

    @property
    def total_weights(self):
        return self._sum("weights")

    @property
    def total_biases(self):
        return self._sum("biases")

    @property
    def trainable_params(self):
        return self.total_weights + self.total_biases

    @property
    def non_trainable_params(self):
        return self._sum("non_trainable")

    @property
    def total_params(self):
        """Parameters as the convention counts them.  torch: what
        ``parameters()`` holds (batch-norm running statistics are buffers,
        reported apart as non-trainable); keras: trainable + non-trainable,
        as Keras' summary totals them."""
        if self.context.convention == "keras":
            return self.trainable_params + self.non_trainable_params
        return self.trainable_params

    @property
    def total_macs(self):
        return self._sum("macs")

    @property
    def total_units(self):
        """Values stored by the layers; activation, dropout and flatten rows
        reuse their input and are not counted again."""
        return self._sum("units", [r for r in self.rows if not r.in_place])

    @property
    def total_memory_values(self):
        """The input plus every stored layer output (the VGG16 table's sum)."""
        return self.input.units + self.total_units

    @property
    def warnings(self) -> tuple:
        return tuple(w for r in self.rows for w in r.warnings)

    def subs(self, values: dict) -> "StackSummary":
        """Every symbolic value with symbols replaced (e.g. ``{"N": 32}``);
        the formula texts stay as they were computed."""
        return substitute_summary(self, values)


# --------------------------------------------------------------------------- helpers


def _max(a, b):
    if is_int(a, b):
        return a if a >= b else b
    import sympy

    return sympy.Max(a, b)


def _min(a, b):
    if is_int(a, b):
        return a if a <= b else b
    import sympy

    return sympy.Min(a, b)


def _norm(value):
    if isinstance(value, Fraction) and value.denominator == 1:
        return value.numerator
    return value


def same_size(a, b) -> bool:
    if is_int(a, b):
        return a == b
    import sympy

    return sympy.simplify(sympy.sympify(a) - b) == 0


def _same_shape(a: Shape, b: Shape) -> bool:
    if a.flat != b.flat or len(a.spatial) != len(b.spatial):
        return False
    return all(same_size(x, y) for x, y in zip((*a.spatial, a.channels), (*b.spatial, b.channels)))


def _advance_rf(rf, extent, effect, out_shape):
    """Receptive field after one layer; ``extent`` is the spatial size the
    field refers to (kept through flatten for a following dense layer)."""
    if rf is None:
        return None, extent
    window = effect.window
    if window is None:
        new = rf
    elif window == GLOBAL:
        new = tuple((r + (n - 1) * j, j * n, start) for (r, j, start), n in zip(rf, extent))
        return new, (1,) * len(new)  # every later layer sees the whole input already
    else:
        new = []
        for (r, j, start), k, s, before, div in zip(
            rf, window.kernel, window.stride, window.before,
            effect.jump_divisor if isinstance(effect.jump_divisor, tuple) else (effect.jump_divisor,) * len(rf),
        ):
            if div != 1:
                j = _norm(Fraction(j, div)) if is_int(j, div) else j / div
            new.append((_norm(r + (k - 1) * j), _norm(j * s), _norm(start - before * j)))
        new = tuple(new)
    return new, (out_shape.spatial if not out_shape.flat else extent)


def _merge_rf(fields):
    fields = [f for f in fields if f is not None]
    if not fields:
        return None
    merged = fields[0]
    for other in fields[1:]:
        merged = tuple(
            (_max(a[0], b[0]), _max(a[1], b[1]), _min(a[2], b[2])) for a, b in zip(merged, other)
        )
    return merged


class _Walker:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.counts: dict[str, int] = {}
        self.rows: list[Row] = []

    def name_for(self, layer, prefix: str) -> str:
        if getattr(layer, "name", None):
            return prefix + layer.name
        kind = layer.kind
        base = getattr(layer, "function", None) or BASE_NAMES.get(kind, kind)
        count = self.counts[base] = self.counts.get(base, 0) + 1
        return f"{prefix}{base}{count}"

    def run(self, layers, shape: Shape, rf, extent, prefix: str, depth: int):
        for layer in layers:
            if isinstance(layer, (Residual, Concat)):
                shape, rf, extent = self.block(layer, shape, rf, extent, prefix, depth)
                continue
            name = self.name_for(layer, prefix)
            effect = layer.apply(shape, self.ctx, f"layer {name}")
            out = effect.shape
            new_rf, new_extent = _advance_rf(rf, extent, effect, out)
            fc_eq = None
            if isinstance(layer, (Conv, ConvTranspose, Dense)):
                fc_eq = out.units * (shape.units + (1 if self.ctx.bias and layer.bias else 0))
            units = out.units
            self.rows.append(
                Row(
                    name, layer.type_name(shape), layer.describe(), depth, shape, out, units,
                    effect.weights, effect.biases, effect.non_trainable, effect.macs,
                    units * self.ctx.dtype_bytes, new_rf, fc_eq, effect.formulas, effect.warnings,
                    effect.in_place, layer,
                )
            )
            shape, rf, extent = out, new_rf, new_extent
        return shape, rf, extent

    def block(self, block, shape: Shape, rf, extent, prefix: str, depth: int):
        name = self.name_for(block, prefix)
        inner = f"{name}."
        if isinstance(block, Residual):
            body = self.run(block.body, shape, rf, extent, inner, depth + 1)
            short = self.run(block.shortcut, shape, rf, extent, inner, depth + 1) if block.shortcut else (shape, rf, extent)
            if not _same_shape(body[0], short[0]):
                what = "projection shortcut" if block.shortcut else "identity shortcut"
                raise ShapeError(
                    f"layer {name}: residual body gives {body[0].text()} but the {what} gives {short[0].text()}; "
                    f"shapes must be equal to add: use a projection shortcut (conv with {term(body[0].channels)} "
                    f"filters 1x1 and the body's stride) or match the body's stride and filters"
                )
            out = body[0]
            new_rf = _merge_rf([body[1], short[1]])
            formulas = (("output", f"{body[0].text()} + {short[0].text()} = {out.text()}"), ("params", "0 (addition)"))
            type_name = "add"
        else:
            results = []
            for i, branch in enumerate(block.branches, 1):
                results.append(self.run(branch, shape, rf, extent, f"{inner}b{i}.", depth + 1))
            first = results[0][0]
            if first.flat:
                raise ShapeError(f"layer {name}: branches to concatenate must be images, not flat vectors; concatenate before flatten")
            for i, (branch_shape, _, _) in enumerate(results[1:], 2):
                if branch_shape.flat or len(branch_shape.spatial) != len(first.spatial) or not all(
                    same_size(a, b) for a, b in zip(branch_shape.spatial, first.spatial)
                ):
                    raise ShapeError(
                        f"layer {name}: branch {i} gives {branch_shape.text()} but branch 1 gives {first.text()}; "
                        f"concatenation needs equal spatial sizes: give the branches the same strides and 'same' padding"
                    )
            channels = 0
            for branch_shape, _, _ in results:
                channels = channels + branch_shape.channels
            out = Shape(first.spatial, channels)
            new_rf = _merge_rf([r[1] for r in results])
            formulas = (
                ("output", "channels " + " + ".join(term(r[0].channels) for r in results) + f" = {fmt(channels)}"),
                ("params", "0 (concatenation)"),
            )
            type_name = "concat"
        self.rows.append(
            Row(name, type_name, block.describe(), depth, shape, out, out.units, 0, 0, 0, 0,
                out.units * self.ctx.dtype_bytes, new_rf, None, formulas, ())
        )
        return out, new_rf, out.spatial if not out.flat else extent


def summarize(input_shape: Shape, layers, context: Context | None = None, name: str = "stack") -> StackSummary:
    """Apply ``layers`` to ``input_shape`` and collect every row."""
    ctx = context or Context()
    layers = tuple(layers)
    _check_input(input_shape)
    rf = None if input_shape.flat else tuple((1, 1, 0) for _ in input_shape.spatial)
    walker = _Walker(ctx)
    out, _, _ = walker.run(layers, input_shape, rf, input_shape.spatial, "", 0)
    return StackSummary(name, input_shape, out, tuple(walker.rows), ctx, rf, layers)


def _check_input(shape: Shape) -> None:
    for value in (*shape.spatial, shape.channels):
        if is_int(value) and value < 1:
            raise ShapeError(
                f"input size {value} in {shape.text()} must be at least 1; sizes count pixels and channels, e.g. 32x32x3"
            )


# --------------------------------------------------------------------------- substitution


def _subs_value(value, mapping):
    if is_int(value) or isinstance(value, Fraction) or value is None:
        return value
    result = value.subs(mapping)
    try:
        return int(result) if result.is_integer else result
    except TypeError:
        return result


def _subs_shape(shape: Shape, mapping) -> Shape:
    return Shape(tuple(_subs_value(v, mapping) for v in shape.spatial), _subs_value(shape.channels, mapping))


def _subs_rf(rf, mapping):
    if rf is None:
        return None
    return tuple(tuple(_subs_value(v, mapping) for v in axis) for axis in rf)


def substitute_summary(summary: StackSummary, values: dict) -> StackSummary:
    import sympy

    mapping = {sympy.Symbol(k, integer=True, positive=True): v for k, v in values.items()}
    rows = tuple(
        replace(
            row,
            input=_subs_shape(row.input, mapping),
            output=_subs_shape(row.output, mapping),
            **{f: _subs_value(getattr(row, f), mapping) for f in
               ("units", "weights", "biases", "non_trainable", "macs", "memory_bytes", "fc_equivalent")},
            rf=_subs_rf(row.rf, mapping),
        )
        for row in summary.rows
    )
    return replace(summary, input=_subs_shape(summary.input, mapping), output=_subs_shape(summary.output, mapping), rows=rows)
