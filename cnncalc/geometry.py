"""Sliding-window geometry: how a kernel of size k, stride s, dilation d and
padding (before, after) moves over an axis of length n.

The same arithmetic serves the value engine (convolution, pooling) and layer
stacks (output shapes); it works on ``int`` and, where a size is a symbol, on
sympy expressions (sympy is imported only then).

The output-size formula of the course (001, "floor function")::

    O = floor((n + p_before + p_after - d*(k - 1) - 1) / s) + 1

which for d = 1 and symmetric padding p is the familiar ``floor((n + 2p - k)/s) + 1``.

>>> output_size(227, 11, stride=4)              # AlexNet CONV1
55
>>> output_size(7, 3, stride=2), output_size(7, 3, stride=3)
(3, 2)
>>> fits(7, 3, stride=3)                        # the course's "doesn't fit!"
False
>>> output_size(32, 5, padding=(2, 2))          # 32x32x3, 5x5 filters, pad 2
32

Every text of the formula, with numbers or with the course's letters, comes
from :func:`output_size_text`:

>>> output_size_text(227, 11, stride=4), output_size_text("N", "F", "S", "P", rounded=False)
('(227 - 11 + 2*0)/4 + 1', '(N - F + 2*P)/S + 1')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Literal, NamedTuple, TypeAlias, get_args

from .canonical import divided, plus_one, rounded
from .errors import ShapeError
from .formula_text import term

if TYPE_CHECKING:
    import sympy

#: A size: an int, or a sympy expression where symbols appear (``H - 2``); a string at run
#: time, so that naming the type imports no sympy
Size: TypeAlias = "int | sympy.Expr"
#: One size for every axis, or one per axis: ``2``, ``(2, 1)``
PerAxis: TypeAlias = "Size | Sequence[Size]"
#: A padding as written: a number, one per axis, two per axis (before, after), or a mode ('same')
Padding: TypeAlias = "Size | Sequence[Size] | str"

PaddingMode = Literal["valid", "same", "full"]
#: Padding by name: none, the size kept (Keras's rule with strides), every overlap.
PADDING_MODES: tuple[PaddingMode, ...] = get_args(PaddingMode)


class AxisPadding(NamedTuple):
    """Zeros added before (top/left) and after (bottom/right) one axis."""

    before: Size
    after: Size


def _is_int(*values: object) -> bool:
    return all(isinstance(v, int) for v in values)


def floor_div(a: Size, b: Size) -> Size:
    """floor(a / b) for ints, or sympy's ``floor`` where a symbol appears.

    A floor inside is absorbed: for an integer c and a positive integer b,
    floor((floor(y) + c) / b) = floor((y + c) / b), so a stack of stride-2
    layers gives floor((N - 1)/4) rather than floor(floor((N - 1)/2)/2), and
    each layer's formula stays as short as the first one's.

    >>> import sympy
    >>> N = sympy.Symbol("N", integer=True, positive=True)
    >>> floor_div(floor_div(N - 1, 2) + 1 - 1, 2)
    floor(N/4 - 1/4)
    """
    if _is_int(a, b):
        return a // b
    import sympy

    return _round_symbolic(_over(_absorb_inner(sympy.sympify(a), b, sympy.floor), b), sympy.floor)


def ceil_div(a: Size, b: Size) -> Size:
    """ceil(a / b) for ints, or sympy's ``ceiling`` where a symbol appears
    (an inner ceiling is absorbed as in :func:`floor_div`).

    >>> import sympy
    >>> N = sympy.Symbol("N", integer=True, positive=True)
    >>> ceil_div(ceil_div(N, 2) + 3, 3)
    ceiling(N/6) + 1
    """
    if _is_int(a, b):
        return -((-a) // b)
    import sympy

    return _round_symbolic(_over(_absorb_inner(sympy.sympify(a), b, sympy.ceiling), b), sympy.ceiling)


def _over(a: sympy.Expr, b: Size) -> sympy.Expr:
    """a / b, through :func:`cnncalc.canonical.divided` for a whole positive stride."""
    return divided(a, b) if isinstance(b, int) and b > 0 else a / b


def _round_symbolic(x: sympy.Expr, rounding: type[sympy.Function]) -> sympy.Expr:
    """floor(x) or ceiling(x), with the whole terms of x taken out:
    floor(y + c) = floor(y) + c for an integer c.  This is what sympy's own
    evaluation of floor does first; the rest of that evaluation (sign and
    derivative queries on the argument) costs milliseconds per layer and
    finds nothing more for window sizes."""
    import sympy

    if x.is_Rational:
        return rounding(x)
    terms = x.args if x.is_Add else (x,)
    whole = [t for t in terms if surely_integer(t)]
    rest = [t for t in terms if not surely_integer(t)]
    if not rest:
        return x
    if not whole:  # nothing to take out: x itself is the argument (summing its terms again costs a sympy pass)
        return rounded(rounding, x)
    return sympy.Add(*whole, rounded(rounding, sympy.Add(*rest)))


def _absorb_inner(a: sympy.Expr, b: Size, rounding: type[sympy.Function]) -> sympy.Expr:
    """a = rounding(y) + c with c an integer and b a positive integer: return y + c,
    whose ``rounding(. / b)`` equals rounding(a / b) (the nested-floor identity
    floor(floor(y)/b) = floor(y/b)); otherwise a unchanged."""
    if not (isinstance(b, int) and b > 0) and not (getattr(b, "is_integer", False) and getattr(b, "is_positive", False)):
        return a
    terms = a.args if a.is_Add else (a,)
    inner = [t for t in terms if isinstance(t, rounding)]
    if len(inner) != 1:
        return a
    rest = [t for t in terms if t is not inner[0]]
    if not all(surely_integer(t) for t in rest):
        return a
    whole = sum(rest)
    return inner[0].args[0] + whole if whole != 0 else inner[0].args[0]


def surely_integer(x: sympy.Expr) -> bool:
    """Whether a sympy term is an integer by its form alone: integers, integer
    symbols, floor/ceiling, and sums, products and non-negative powers of
    them.  False means "not shown", never "not an integer", so a caller that
    moves only such terms out of a floor stays exact; and no assumption query
    runs (those cost a millisecond each on a layer's size).

    >>> import sympy
    >>> N = sympy.Symbol("N", integer=True, positive=True)
    >>> surely_integer(3 * N - 2), surely_integer(N / 2), surely_integer(sympy.floor(N / 2))
    (True, False, True)
    """
    import sympy

    if x.is_Integer or isinstance(x, (sympy.floor, sympy.ceiling)):
        return True
    if x.is_Symbol:
        return bool(x.is_integer)
    if x.is_Add or x.is_Mul:
        return all(surely_integer(t) for t in x.args)
    if x.is_Pow:
        return x.exp.is_Integer and x.exp >= 0 and surely_integer(x.base)
    return False


def effective_kernel(kernel: Size, dilation: Size = 1) -> Size:
    """Span of a dilated kernel: d*(k - 1) + 1.

    >>> effective_kernel(3, 2)
    5
    """
    return dilation * (kernel - 1) + 1


def same_padding(n: Size, kernel: Size, stride: Size = 1, dilation: Size = 1) -> AxisPadding:
    """'same' padding as TensorFlow/Keras compute it: the output has ceil(n/s)
    cells and any odd extra zero goes after (bottom/right).

    With stride 1 this is torch's ``padding='same'`` as well (torch refuses
    'same' for strides above 1).

    >>> same_padding(28, 2)            # even kernel: the extra zero goes after
    AxisPadding(before=0, after=1)
    >>> same_padding(7, 3, stride=2)   # Keras: out = ceil(7/2) = 4, total 2
    AxisPadding(before=1, after=1)
    """
    out = ceil_div(n, stride)
    total = (out - 1) * stride + effective_kernel(kernel, dilation) - n
    if _is_int(total):
        total = max(total, 0)
    else:
        import sympy

        total = sympy.Max(total, 0)
    before = floor_div(total, 2)
    return AxisPadding(before, total - before)


def full_padding(kernel: Size, dilation: Size = 1) -> AxisPadding:
    """'full' padding: every cell of the input meets every kernel cell.

    >>> full_padding(3)
    AxisPadding(before=2, after=2)
    """
    p = effective_kernel(kernel, dilation) - 1
    return AxisPadding(p, p)


def output_size(
    n: Size,
    kernel: Size,
    stride: Size = 1,
    padding: Size | tuple = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
) -> Size:
    """Number of window positions along one axis.

    ``padding`` is one number (both sides) or ``(before, after)``.  With
    ``ceil_mode`` (pooling) the last, partial window counts too, unless it would
    start in the padding after the input (torch's rule).

    >>> output_size(55, 3, stride=2)               # AlexNet POOL1
    27
    >>> output_size(6, 4, stride=4, ceil_mode=True)
    2
    """
    before, after = (padding, padding) if not isinstance(padding, tuple) else padding
    span = _shifted(n, before + after - effective_kernel(kernel, dilation))
    if not ceil_mode:
        return plus_one(floor_div(span, stride))
    out = plus_one(ceil_div(span, stride))
    if _is_int(out, n, before) and (out - 1) * stride >= n + before:
        out -= 1
    return out


def _shifted(n: Size, whole: Size) -> Size:
    """n + whole, the numbers added first: a symbolic size that ends in a whole
    number (floor(N/2 - 1/2) + 1) takes it without a sympy sum where they cancel,
    as they do for every 3x3 pad-1 layer."""
    if isinstance(n, int) or not isinstance(whole, int) or not n.is_Add:
        return n + whole
    constant, rest = n.as_coeff_Add()
    return rest if constant + whole == 0 else n + whole


def unfloored_output_size(
    n: Size, kernel: Size, stride: Size = 1, padding: Size | tuple = 0, dilation: Size = 1
) -> Size | Fraction:
    """The output-size formula before its floor: (n - k_eff + p_before + p_after)/s + 1,
    a fraction where the windows do not tile the axis (the course's 2.33).

    >>> unfloored_output_size(7, 3, stride=3), unfloored_output_size(227, 11, stride=4)
    (Fraction(7, 3), Fraction(55, 1))
    """
    before, after = (padding, padding) if not isinstance(padding, tuple) else padding
    span = n + before + after - effective_kernel(kernel, dilation)
    if all(isinstance(v, (int, Fraction)) and not isinstance(v, bool) for v in (span, stride)):
        return Fraction(span) / stride + 1
    import sympy

    return sympy.sympify(span) / stride + 1


def output_size_text(
    n: Size | str,
    kernel: Size | str,
    stride: Size | str = 1,
    padding: Size | str | tuple = 0,
    dilation: Size | str = 1,
    ceil_mode: bool = False,
    rounded: bool | None = None,
) -> str:
    """The output-size formula with its operands, as the course writes it:
    ``(n - k + 2*p)/s + 1`` (lecture 004's (N - F + 2P)/S + 1), the dilated
    kernel as ``(d*(k - 1) + 1)`` and unequal padding as ``p_before + p_after``.

    ``rounded``: True writes the floor (ceil with ``ceil_mode``) around the
    division, False never does, None (the default) does where the division is
    not shown to be whole.  Operands may be numbers, sympy sizes or letters.

    >>> output_size_text(7, 3, stride=3)                     # the course's "doesn't fit"
    'floor((7 - 3 + 2*0)/3) + 1'
    >>> output_size_text(7, 3, stride=3, rounded=False), output_size_text(5, 3, 1, (1, 0), 2)
    ('(7 - 3 + 2*0)/3 + 1', '(5 - (2*(3 - 1) + 1) + 1 + 0)/1 + 1')
    """
    before, after = padding if isinstance(padding, tuple) else (padding, padding)
    kernel_text = term(kernel) if dilation == 1 else f"({term(dilation)}*({term(kernel)} - 1) + 1)"
    padding_text = f"2*{term(before)}" if str(before) == str(after) else f"{term(before)} + {term(after)}"
    division = f"({term(n)} - {kernel_text} + {padding_text})/{term(stride)}"
    if rounded is None:
        whole = stride == 1 or _is_int(n, kernel, stride, before, after, dilation) and fits(
            n, kernel, stride, (before, after), dilation)
        rounded = not whole
    if rounded:
        division = f"{'ceil' if ceil_mode else 'floor'}({division})"
    return f"{division} + 1"


def fits(n: Size, kernel: Size, stride: Size = 1, padding: Size | tuple = 0, dilation: Size = 1) -> bool:
    """Whether the windows tile the padded axis exactly ((n + 2p - k)/s is whole).

    >>> fits(7, 3, stride=2), fits(7, 3, stride=3)
    (True, False)
    """
    before, after = (padding, padding) if not isinstance(padding, tuple) else padding
    span = n + before + after - effective_kernel(kernel, dilation)
    if _is_int(span, stride):
        return span % stride == 0
    import sympy

    return sympy.simplify(sympy.Mod(span, stride)) == 0


def per_axis(value: PerAxis, ndim: int, name: str) -> tuple[Size, ...]:
    """Expand one value, or one per axis, to a tuple of ``ndim`` values.

    >>> per_axis(2, 2, "stride"), per_axis((2, 1), 2, "stride")
    ((2, 2), (2, 1))
    """
    if isinstance(value, (list, tuple)):
        if len(value) == 1:
            return tuple(value) * ndim
        if len(value) != ndim:
            raise ShapeError(
                f"{name} {','.join(map(str, value))} has {len(value)} values for {ndim} axes; "
                f"give one value or {ndim} (e.g. {name} {','.join(['1'] * ndim)})"
            )
        return tuple(value)
    return (value,) * ndim


def resolve_padding(
    padding: Padding,
    input_sizes: Sequence[Size],
    kernel_sizes: Sequence[Size],
    strides: Sequence[Size],
    dilations: Sequence[Size],
) -> tuple[AxisPadding, ...]:
    """Turn any padding spec into one (before, after) pair per axis.

    Accepted: a number; one number per axis; two per axis in the order
    before/after of each axis (top, bottom, left, right in 2-D); or one of
    'valid' (none), 'same' (Keras rule, see :func:`same_padding`) and 'full'.

    >>> resolve_padding("same", (7, 7), (3, 3), (1, 1), (1, 1))
    (AxisPadding(before=1, after=1), AxisPadding(before=1, after=1))
    >>> resolve_padding((1, 0, 2, 0), (5, 5), (3, 3), (1, 1), (1, 1))
    (AxisPadding(before=1, after=0), AxisPadding(before=2, after=0))
    """
    ndim = len(kernel_sizes)
    if isinstance(padding, str):
        return _mode_padding(padding, input_sizes, kernel_sizes, strides, dilations)
    if isinstance(padding, (list, tuple)):
        values = tuple(padding)
        if len(values) == 2 * ndim and ndim > 1 or (len(values) == 2 and ndim == 1):
            pairs = tuple(AxisPadding(values[2 * i], values[2 * i + 1]) for i in range(ndim))
        else:
            pairs = tuple(AxisPadding(p, p) for p in per_axis(values, ndim, "padding"))
    else:
        pairs = tuple(AxisPadding(padding, padding) for _ in range(ndim))
    for p in (p for pair in pairs for p in pair):
        if _is_int(p) and p < 0:
            raise ShapeError(f"padding {p} is negative; padding counts zeros added, use 0 or more")
        if not _is_int(p) and not hasattr(p, "free_symbols"):  # a size is an int or a formula
            raise ShapeError(f"padding {p!r} is not a whole number; use e.g. 1, one per axis, or valid/same/full")
    return pairs


def _mode_padding(mode: str, input_sizes: Sequence[Size], kernel_sizes: Sequence[Size], strides: Sequence[Size],
                  dilations: Sequence[Size]) -> tuple[AxisPadding, ...]:
    """The pairs of a padding mode: 'valid' none, 'same' Keras's rule, 'full' every overlap."""
    name = mode.lower()
    if name == "valid":
        return tuple(AxisPadding(0, 0) for _ in kernel_sizes)
    if name == "same":
        return tuple(same_padding(n, k, s, d) for n, k, s, d in zip(input_sizes, kernel_sizes, strides, dilations))
    if name == "full":
        return tuple(full_padding(k, d) for k, d in zip(kernel_sizes, dilations))
    raise ShapeError(f"padding '{mode}' is not a padding mode; use a number, {', '.join(map(repr, PADDING_MODES))}")


def check_window(
    n: Size, kernel: Size, stride: Size, pad: AxisPadding, dilation: Size, axis_name: str = "input"
) -> None:
    """Raise :class:`ShapeError` when the (dilated) kernel is larger than the
    padded axis or a stride/dilation/kernel is not positive."""
    for value, name in ((kernel, "kernel size"), (stride, "stride"), (dilation, "dilation")):
        if _is_int(value) and value < 1:
            raise ShapeError(f"{name} {value} must be at least 1; use 1 for the plain case")
    if not _is_int(n, kernel, dilation, pad.before, pad.after):
        return
    padded = n + pad.before + pad.after
    span = effective_kernel(kernel, dilation)
    if span > padded:
        dil = f" (dilation {dilation} spans {span})" if dilation != 1 else ""
        raise ShapeError(
            f"kernel {kernel}{dil} is larger than the {axis_name} of size {n} padded to {padded}; "
            f"use a kernel of at most {padded}, or pad by {span - n} in total"
        )


def transposed_output_size(
    n: Size,
    kernel: Size,
    stride: Size = 1,
    padding: Size | tuple = 0,
    dilation: Size = 1,
    output_padding: Size = 0,
) -> Size:
    """Output length of a transposed convolution (torch's ``ConvTranspose``)::

        O = (n - 1)*s - p_before - p_after + d*(k - 1) + output_padding + 1

    >>> transposed_output_size(13, 3, stride=2)          # 13 -> 27, back to AlexNet's POOL1 input size
    27
    >>> transposed_output_size(7, 3, stride=2, padding=1, output_padding=1)
    14
    """
    before, after = (padding, padding) if not isinstance(padding, tuple) else padding
    return (n - 1) * stride - before - after + effective_kernel(kernel, dilation) + output_padding


def transposed_output_size_text(
    n: Size, kernel: Size, stride: Size = 1, padding: Size | tuple = 0, dilation: Size = 1, output_padding: Size = 0
) -> str:
    """The transposed output-size formula with its operands.

    >>> transposed_output_size_text(7, 3, stride=2, padding=1, output_padding=1)
    '(7 - 1)*2 - 1 - 1 + 1*(3 - 1) + 1 + 1'
    """
    before, after = (padding, padding) if not isinstance(padding, tuple) else padding
    return (f"({term(n)} - 1)*{term(stride)} - {term(before)} - {term(after)} + {term(dilation)}*({term(kernel)} - 1)"
            f" + {term(output_padding)} + 1")


#: Names of the spatial axes, by their number (1-D, 2-D, 3-D inputs).
AXIS_NAMES = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}


@dataclass(frozen=True)
class WindowSpec:
    """How windows move: per spatial axis kernel size, stride, padding, dilation."""

    kernel: tuple[Size, ...]
    stride: tuple[Size, ...]
    padding: tuple[AxisPadding, ...]
    dilation: tuple[Size, ...]

    @property
    def ndim(self) -> int:
        return len(self.kernel)

    def output_sizes(self, input_sizes: Sequence[Size], ceil_mode: bool = False) -> tuple[Size, ...]:
        """Window positions per axis (``ceil_mode``: pooling's rounding up, torch's rule)."""
        return tuple(
            output_size(n, k, s, (p.before, p.after), d, ceil_mode)
            for n, k, s, p, d in zip(input_sizes, self.kernel, self.stride, self.padding, self.dilation)
        )
