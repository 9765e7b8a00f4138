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

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import cached_property
from typing import Any, TypeAlias

from ..canonical import total
from ..display import NotebookDisplay
from ..errors import ShapeError
from ..geometry import Size
from .grammar import unparse
from .layers import GLOBAL, Concat, Context, Conv, ConvTranspose, Dense, Effect, Formulas, Layer, Residual
from .shapes import Shape, fmt, is_int, term, times

#: The receptive field of one unit, per spatial axis: (size, jump, start), exact (a jump is a Fraction
#: after a transposed layer, which adds the table of its phases); None for flat features
ReceptiveField: TypeAlias = "tuple[tuple[Any, ...], ...] | None"

# Limits of a stack walk (docs/limits.md)
MAX_LAYERS = 10_000  # rows of a summary, blocks included (resnet152 has 515)
MAX_FORMULA_OPS = 200  # operations in one symbolic size (floor(floor(N/2)/2) has 4; the built-in networks at most 15)


def check_growth(shape: Shape, where: str) -> None:
    """Refuse a symbolic size that has grown past MAX_FORMULA_OPS operations: every
    later layer would nest it again, and sympy's work on it grows much faster."""
    sizes = {id(size): size for size in (*shape.spatial, shape.channels)}  # a square's width is its height
    for size in sizes.values():
        if is_int(size) or isinstance(size, Fraction) or _nodes_within(size, MAX_FORMULA_OPS):
            continue  # an expression has at least as many nodes as operations: sympy's count is not needed
        import sympy

        ops = sympy.count_ops(size)
        if ops > MAX_FORMULA_OPS:
            names = ", ".join(sorted(str(s) for s in sympy.sympify(size).free_symbols))
            raise ShapeError(f"{where}: the formula of a size has {ops:,} operations, more than {MAX_FORMULA_OPS} "
                             f"(docs/limits.md); give {names} a value, e.g. --set {names.split(', ')[0]}=224")


def _nodes_within(expr: Any, budget: int) -> bool:
    """Whether a sympy expression has at most ``budget`` nodes (counted until the budget is spent)."""
    stack = [expr]
    while stack:
        budget -= 1
        if budget < 0:
            return False
        stack.extend(stack.pop().args)
    return True


def _total(values: Sequence[Size]) -> Size:
    """The sum of a column: ints and fractions in Python, a symbolic column as one
    sum (adding term by term would rebuild and re-sort the sum each time, O(n^2))."""
    if all(isinstance(v, (int, Fraction)) for v in values):
        return sum(values)
    return total(values)


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
    units: Size
    weights: Size
    biases: Size
    non_trainable: Size
    macs: Size
    memory_bytes: Size
    rf: ReceptiveField
    dense_bias: int | None  # conv and dense rows: 1 if a dense layer in their place has biases, else 0; None: no such layer
    formulas: Formulas
    warnings: tuple[str, ...]
    in_place: bool = False
    counts_non_trainable: bool = False  # the keras convention: params include running statistics
    spec: Layer | None = None  # the layer itself (Conv, Pool, ...), for questions about how it was computed

    @cached_property
    def fc_equivalent(self) -> Size | None:
        """Parameters of a dense layer with the same input and output (the course's
        "fully-connected instead"), or None; computed when asked, as it is a sympy
        product per layer where sizes are symbolic."""
        if self.dense_bias is None:
            return None
        return self.output.units * (self.input.units + self.dense_bias)

    @property
    def trainable(self) -> Size:
        return self.weights + self.biases

    @property
    def params(self) -> Size:
        """Parameters as the convention counts them, the same rule as the stack's total:
        torch counts what ``parameters()`` holds (trainable); keras adds the non-trainable."""
        return self.trainable + self.non_trainable if self.counts_non_trainable else self.trainable


@dataclass(frozen=True)
class StackSummary(NotebookDisplay):
    """The rows of a stack and its totals (``layers``: the specs walked, for a diagram's branches)."""

    name: str
    input: Shape
    output: Shape
    rows: tuple[Row, ...]
    context: Context
    layers: tuple[Layer, ...] = ()

    def _sum(self, attr: str, rows: Iterable[Row] | None = None) -> Size:
        return _total([getattr(row, attr) for row in (rows if rows is not None else self.rows)])

    @cached_property
    def total_weights(self) -> Size:
        return self._sum("weights")

    @cached_property
    def total_biases(self) -> Size:
        return self._sum("biases")

    @property
    def trainable_params(self) -> Size:
        return self.total_weights + self.total_biases

    @cached_property
    def non_trainable_params(self) -> Size:
        return self._sum("non_trainable")

    @property
    def total_params(self) -> Size:
        """Parameters as the convention counts them.  torch: what
        ``parameters()`` holds (batch-norm running statistics are buffers,
        reported apart as non-trainable); keras: trainable + non-trainable,
        as Keras' summary totals them."""
        if self.context.convention == "keras":
            return self.trainable_params + self.non_trainable_params
        return self.trainable_params

    @cached_property
    def total_macs(self) -> Size:
        return self._sum("macs")

    @cached_property
    def total_units(self) -> Size:
        """Values stored by the layers; activation, dropout and flatten rows
        reuse their input and are not counted again."""
        return self._sum("units", [r for r in self.rows if not r.in_place])

    @cached_property
    def total_memory_values(self) -> Size:
        """The input plus every stored layer output (the VGG16 table's sum)."""
        return _total([self.input.units, *(r.units for r in self.rows if not r.in_place)])

    @property
    def warnings(self) -> tuple:
        return tuple(w for r in self.rows for w in r.warnings)

    def subs(self, values: dict) -> StackSummary:
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


def _rational(value: object) -> bool:
    return is_int(value) or isinstance(value, Fraction)


def _ceil(value: Fraction) -> int:
    return -((-value.numerator) // value.denominator)


def _whole(value: Size | Fraction, up: bool) -> Size:
    """A receptive-field size (rounded up) or start (rounded down) in whole input pixels."""
    if isinstance(value, Fraction):
        return _ceil(value) if up else value.numerator // value.denominator
    if is_int(value):
        return value
    import sympy

    return (sympy.ceiling if up else sympy.floor)(value)


def _norm(value):
    if isinstance(value, Fraction) and value.denominator == 1:
        return value.numerator
    return value


def same_size(a: Size, b: Size) -> bool:
    if is_int(a, b):
        return a == b
    import sympy

    return sympy.simplify(sympy.sympify(a) - b) == 0


def _same_shape(a: Shape, b: Shape) -> bool:
    if a.flat != b.flat or len(a.spatial) != len(b.spatial):
        return False
    return all(same_size(x, y) for x, y in zip((*a.spatial, a.channels), (*b.spatial, b.channels)))


def _advance_rf(rf: ReceptiveField, extent: tuple[Size, ...], effect: Effect,
                out_shape: Shape) -> tuple[ReceptiveField, tuple[Size, ...]]:
    """Receptive field after one layer; ``extent`` is the spatial size the
    field refers to (kept through flatten for a following dense layer)."""
    if rf is None:
        return None, extent
    window = effect.window
    if window is None:
        new = rf
    elif window == GLOBAL:
        new = tuple(_whole_extent(axis, n) for axis, n in zip(rf, extent))
        return new, (1,) * len(new)  # every later layer sees the whole input already
    else:
        axes: list[tuple[Any, ...]] = []
        for axis, k, s, before, div in zip(
            rf, window.kernel, window.stride, window.before,
            effect.jump_divisor if isinstance(effect.jump_divisor, tuple) else (effect.jump_divisor,) * len(rf),
        ):
            r, j, start = axis[:3]
            if (div != 1 or len(axis) > 3) and is_int(k, s, before, div, r, start) and _rational(j):
                axes.append(_phase_step(axis, k, s, before, div))  # exact, position by position
                continue
            if div != 1:  # symbolic sizes: the bound ceil(k/div) units
                units = k / div
                axes.append((_whole(r + (units - 1) * j, up=True), j / div, _whole(start, up=False)))
                continue
            axes.append((_norm(r + (k - 1) * j), _norm(j * s), _norm(start - before * j)))
        new = tuple(axes)
    return new, (out_shape.spatial if not out_shape.flat else extent)


def _phases(axis: tuple[Any, ...]) -> tuple[Any, ...]:
    """(period P, ((first, last) input pixel of unit u) for u in range(P)) of one axis.

    While every jump is a whole number all units see fields of one size, and
    (size, jump, start) says everything.  After a transposed layer (jump 1/s)
    the field differs from one output position to the next, repeating every P
    positions; the table holds one period, unit u + P seeing P * jump pixels further."""
    if len(axis) > 3:
        return axis[3]
    r, _, start = axis[:3]
    return 1, ((start, start + r - 1),)


def _pixel(table: Sequence[Any], period: int, jump: Fraction, u: int, end: int) -> Fraction:
    q, m = divmod(u, period)
    entry = table[m]
    return entry[end] + q * period * jump


def _phase_step(axis: tuple[Any, ...], k: int, s: int, before: int, div: int) -> tuple[Any, ...]:
    """One layer on an axis with a phase table: a window k (effective), stride s and
    ``before`` zeros (div = 1), or a transposed layer of stride div: output o sees the
    input units ceil((o + before - k + 1)/div) .. floor((o + before)/div)."""
    _, j, _ = axis[:3]
    period, table = _phases(axis)
    j = Fraction(j)
    if div == 1:
        new_period = period // math.gcd(period, s)
        spans = [(u * s - before, u * s - before + k - 1) for u in range(new_period)]
        new_jump = j * s
    else:
        new_period = period * div
        spans = [(-((k - 1 - before - o) // div), (o + before) // div) for o in range(new_period)]
        new_jump = j / div
    entries: list[tuple[Any, Any] | None] = []
    for lo, hi in spans:
        if lo > hi:  # a stride wider than the kernel leaves positions that no input reaches
            entries.append(None)
            continue
        # the units lo..hi, less those that see nothing (their fields grow with u)
        seeing = [u for u in range(lo, hi + 1) if table[u % period] is not None]
        if not seeing:
            entries.append(None)
            continue
        first, last = _pixel(table, period, j, seeing[0], 0), _pixel(table, period, j, seeing[-1], 1)
        entries.append((_norm(Fraction(first)), _norm(Fraction(last))))
    seen = [e for e in entries if e is not None]
    size = max(b - a + 1 for a, b in seen) if seen else 0
    start = entries[0][0] if entries[0] is not None else min(a for a, _ in seen) if seen else 0
    new_jump = _norm(new_jump)
    if new_period == 1 and is_int(new_jump):
        return (size, new_jump, start)
    return (size, new_jump, start, (new_period, tuple(entries)))


def _whole_extent(axis, n):
    """The field of a layer that sees all n positions of its input (dense after flatten, global pooling)."""
    r, j, start = axis[:3]
    if len(axis) > 3 and is_int(n):
        period, table = _phases(axis)
        seeing = [u for u in range(n) if table[u % period] is not None]
        if not seeing:
            return (0, j * n, start)
        first, last = _pixel(table, period, Fraction(j), seeing[0], 0), _pixel(table, period, Fraction(j), seeing[-1], 1)
        return (_norm(Fraction(last - first + 1)), _norm(Fraction(j) * n), _norm(Fraction(first)))
    return (r + (n - 1) * j, j * n, start)


def _merge_axis(a, b):
    if (len(a) > 3 or len(b) > 3) and _rational(a[1]) and a[1] == b[1] and is_int(a[0], a[2], b[0], b[2]):
        (pa, ta), (pb, tb) = _phases(a), _phases(b)
        period = pa * pb // math.gcd(pa, pb)
        entries = []
        for u in range(period):
            ea, eb = ta[u % pa], tb[u % pb]
            if ea is None or eb is None:
                entries.append(ea or eb)
                continue
            shift_a, shift_b = (u // pa) * pa * Fraction(a[1]), (u // pb) * pb * Fraction(b[1])
            entries.append((_norm(min(ea[0] + shift_a, eb[0] + shift_b)),
                            _norm(max(ea[1] + shift_a, eb[1] + shift_b))))
        # entries hold absolute pixels for u < period: shift back to the table's convention
        seen = [e for e in entries if e is not None]
        size = max(e[1] - e[0] + 1 for e in seen)
        return (size, a[1], entries[0][0] if entries[0] else seen[0][0], (period, tuple(entries)))
    return (_norm(_max(a[2] + a[0], b[2] + b[0]) - _min(a[2], b[2])), _max(a[1], b[1]), _min(a[2], b[2]))


def _merge_rf(fields):
    fields = [f for f in fields if f is not None]
    if not fields:
        return None
    merged = fields[0]
    for other in fields[1:]:
        # the combined field runs from the first branch's start to the last branch's end, so
        # branches that are not centred (a stride on one only) still give the true extent
        merged = tuple(_merge_axis(a, b) for a, b in zip(merged, other))
    return merged


class _Walker:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.counts: dict[str, int] = {}
        self.rows: list[Row] = []

    def name_for(self, layer: Layer, prefix: str) -> str:
        if layer.name:
            return prefix + layer.name
        kind = layer.kind
        base = getattr(layer, "function", None) or BASE_NAMES.get(kind, kind)
        count = self.counts[base] = self.counts.get(base, 0) + 1
        return f"{prefix}{base}{count}"

    def run(self, layers: Iterable[Layer], shape: Shape, rf: ReceptiveField, extent: tuple[Size, ...], prefix: str,
            depth: int) -> tuple[Shape, ReceptiveField, tuple[Size, ...]]:
        for layer in layers:
            if isinstance(layer, (Residual, Concat)):
                shape, rf, extent = self.block(layer, shape, rf, extent, prefix, depth)
                continue
            name = self.name_for(layer, prefix)
            if len(self.rows) >= MAX_LAYERS:
                raise ShapeError(f"layer {name}: the stack has more than {MAX_LAYERS:,} layers (docs/limits.md)")
            effect = layer.apply(shape, self.ctx, f"layer {name}")
            out = effect.shape
            check_growth(out, f"layer {name}")
            new_rf, new_extent = _advance_rf(rf, extent, effect, out)
            dense_bias = int(self.ctx.bias and layer.bias) if isinstance(layer, (Conv, ConvTranspose, Dense)) else None
            units = out.units
            self.rows.append(
                Row(
                    name, layer.type_name(shape), unparse(layer, name=False), depth, shape, out, units,
                    effect.weights, effect.biases, effect.non_trainable, effect.macs,
                    times(self.ctx.dtype_bytes, units), new_rf, dense_bias, effect.formulas, effect.warnings,
                    effect.in_place, self.ctx.convention == "keras", layer,
                )
            )
            shape, rf, extent = out, new_rf, new_extent
        return shape, rf, extent

    def block(self, block: Residual | Concat, shape: Shape, rf: ReceptiveField, extent: tuple[Size, ...], prefix: str,
              depth: int) -> tuple[Shape, ReceptiveField, tuple[Size, ...]]:
        name = self.name_for(block, prefix)
        if isinstance(block, Residual):
            out, new_rf, formulas = self.residual(block, name, shape, rf, extent, depth)
            type_name = "add"
        else:
            out, new_rf, formulas = self.concat(block, name, shape, rf, extent, depth)
            type_name = "concat"
        self.rows.append(
            Row(name, type_name, _block_label(block), depth, shape, out, out.units, 0, 0, 0, 0,
                times(self.ctx.dtype_bytes, out.units), new_rf, None, formulas, ())
        )
        return out, new_rf, out.spatial if not out.flat else extent

    def residual(self, block: Residual, name: str, shape: Shape, rf: tuple | None, extent: tuple,
                 depth: int) -> tuple[Shape, tuple | None, Formulas]:
        """The body and the shortcut (identity when empty), added: their shapes must be equal."""
        inner = f"{name}."
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
        formulas = Formulas(("output", f"{body[0].text()} + {short[0].text()} = {out.text()}"), ("params", "0 (addition)"))
        return out, _merge_rf([body[1], short[1]]), formulas

    def concat(self, block: Concat, name: str, shape: Shape, rf: tuple | None, extent: tuple,
               depth: int) -> tuple[Shape, tuple | None, Formulas]:
        """The branches side by side along channels: their spatial sizes must be equal."""
        results = [self.run(branch, shape, rf, extent, f"{name}.b{i}.", depth + 1)
                   for i, branch in enumerate(block.branches, 1)]
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
        formulas = Formulas(
            ("output", "channels " + " + ".join(term(r[0].channels) for r in results) + f" = {fmt(channels)}"),
            ("params", "0 (concatenation)"),
        )
        return Shape(first.spatial, channels), _merge_rf([r[1] for r in results]), formulas


def _block_label(block: Residual | Concat) -> str:
    """A block's merge row: 'residual' or 'concat of 4 branches' (the layers inside have rows of their own)."""
    return "residual" if isinstance(block, Residual) else f"concat of {len(block.branches)} branches"


def summarize(input_shape: Shape, layers: Iterable[Layer], context: Context | None = None, name: str = "stack") -> StackSummary:
    """Apply ``layers`` to ``input_shape`` and collect every row."""
    ctx = context or Context()
    layers = tuple(layers)
    _check_input(input_shape)
    rf = None if input_shape.flat else tuple((1, 1, 0) for _ in input_shape.spatial)
    walker = _Walker(ctx)
    out, _, _ = walker.run(layers, input_shape, rf, input_shape.spatial, "", 0)
    return StackSummary(name, input_shape, out, tuple(walker.rows), ctx, layers)


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


def _subs_shape(shape: Shape, mapping: dict[Any, int]) -> Shape:
    return Shape(tuple(_subs_value(v, mapping) for v in shape.spatial), _subs_value(shape.channels, mapping))


def _subs_rf(rf, mapping):
    if rf is None:
        return None
    return tuple(tuple(_subs_value(v, mapping) for v in axis[:3]) + tuple(axis[3:]) for axis in rf)


def substitute_summary(summary: StackSummary, values: dict) -> StackSummary:
    import sympy

    mapping = {sympy.Symbol(k, integer=True, positive=True): v for k, v in values.items()}
    rows = tuple(
        replace(
            row,
            input=_subs_shape(row.input, mapping),
            output=_subs_shape(row.output, mapping),
            **{f: _subs_value(getattr(row, f), mapping) for f in
               ("units", "weights", "biases", "non_trainable", "macs", "memory_bytes")},
            rf=_subs_rf(row.rf, mapping),
        )
        for row in summary.rows
    )
    return replace(summary, input=_subs_shape(summary.input, mapping), output=_subs_shape(summary.output, mapping), rows=rows)


MAX_VALID_FROM = 2**40  # the largest size searched for where a symbolic stack starts to be valid


def valid_from(summary: StackSummary) -> tuple[str, int] | None:
    """(symbol, smallest size) from which every layer of a stack with one symbolic size has at least one
    output cell: 'floor(N/6 - 17/6) + 1' is a size only from N = 17 on (below, the numeric stack refuses
    the sizes).  None for stacks with numbers only, several symbols, a stack valid from 1 on, or none up to
    2^40.  Sizes grow with the input, so the first valid size is found by doubling, then bisection.

    >>> from cnncalc.stacks import load_stack
    >>> spec = load_stack("N x N x 3 -> conv 4 7x7 stride 3 pad 1 -> conv 4 5x5 stride 2")
    >>> valid_from(summarize(spec.input, spec.layers))
    ('N', 17)
    """
    sizes: set[Any] = {s for row in summary.rows for s in row.output.spatial if getattr(s, "free_symbols", None)}
    symbols = set().union(*(s.free_symbols for s in sizes)) if sizes else set()
    if len(symbols) != 1:
        return None
    (symbol,) = symbols

    def valid(n: int) -> bool:
        return all(exact_value(s, symbol, n) >= 1 for s in sizes)

    if valid(1):
        return None  # every size from 1 on: nothing to say
    low, high = 1, 2
    while not valid(high):
        low, high = high, high * 2
        if high > MAX_VALID_FROM:
            return None
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if valid(middle) else (middle, high)
    return str(symbol), high


def exact_value(expr: Any, symbol: Any, n: int) -> Fraction:
    """A size formula at symbol = n, exactly (Fractions, not sympy's substitution: thousands of
    evaluations stay fast).

    >>> import sympy
    >>> N = sympy.Symbol("N")
    >>> exact_value(sympy.floor(N / 6 - sympy.Rational(17, 6)) + 1, N, 17)
    Fraction(1, 1)
    """
    import sympy

    if expr == symbol:
        return Fraction(n)
    if expr.is_Rational:
        return Fraction(int(expr.p), int(expr.q))
    args = [exact_value(a, symbol, n) for a in expr.args]
    if expr.is_Add:
        return sum(args, Fraction(0))
    if expr.is_Mul:
        return math.prod(args, start=Fraction(1))
    if expr.is_Pow and args[1].denominator == 1:
        return args[0] ** int(args[1])
    if isinstance(expr, sympy.floor):
        return Fraction(math.floor(args[0]))
    if isinstance(expr, sympy.ceiling):
        return Fraction(math.ceil(args[0]))
    if isinstance(expr, (sympy.Max, sympy.Min)):
        return max(args) if isinstance(expr, sympy.Max) else min(args)
    return Fraction(str(sympy.nsimplify(expr.subs(symbol, n))))  # anything else: sympy's own value
