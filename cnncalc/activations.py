"""Activations and the rest of a small network, exactly.

ReLU and leaky ReLU stay rational; sigmoid, tanh, softmax and log-softmax
are exact sympy expressions (``1/(1 + exp(-x))``), shown as decimals only on
request.  Dense layers multiply exactly; flatten follows torch's (C, H, W)
order, or Keras' (H, W, C) order.

>>> relu("-3 0 2.5").output.tolist()
[0, 0, Fraction(5, 2)]
>>> leaky_relu("-3 2", slope="0.1").output.tolist()
[Fraction(-3, 10), 2]
>>> sigmoid("0").output.tolist()
[Fraction(1, 2)]
>>> softmax("0 0 0 0").output.tolist()
[Fraction(1, 4), Fraction(1, 4), Fraction(1, 4), Fraction(1, 4)]
>>> dense("1 2", "1 0; 0 1; 1 1", bias="0 0 1/2").output.tolist()
[1, 2, Fraction(7, 2)]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal, get_args

import numpy as np

from .display import NotebookDisplay
from .errors import ShapeError
from .expr import Value, parse_scalar
from .layout import LAYOUTS, Layout
from .limits import MAX_SOFTMAX_TERMS, check_count
from .readers import MatrixSource, read_matrix, read_vector
from .values import INT64_SAFE, Exact, add_bias, max_abs, scale

Function = Literal["relu", "leaky-relu", "sigmoid", "tanh", "softmax", "log-softmax"]
#: The activations :func:`activate` applies, by name (``cnncalc act FUNCTION``).
FUNCTIONS: tuple[Function, ...] = get_args(Function)


@dataclass(frozen=True)
class ActivationResult(NotebookDisplay):
    op: str
    input: Exact
    output: Exact
    formula: str  # the rule applied, e.g. "sigmoid(x) = 1/(1 + exp(-x))"
    # softmax and log-softmax: per row (in np.ndindex order of the leading axes)
    # the shared sum S = sum_j exp(x_j); empty for element-wise activations
    sums: tuple = ()


def _read(input: MatrixSource) -> Exact:
    """The input as an array of at least one axis (a single value is a vector of one)."""
    x = read_matrix(input, "input")
    return x.reshape(1) if x.ndim == 0 else x


def relu(input: MatrixSource) -> ActivationResult:
    """max(0, x), element-wise."""
    x = _read(input)
    if x.is_symbolic:
        import sympy

        out = Exact(symbols=np.frompyfunc(lambda v: sympy.Max(0, v), 1, 1)(x.symbols))
    else:
        out = Exact(np.where(x.numerators > 0, x.numerators, 0), x.denominator)
    return ActivationResult("relu", x, out, "relu(x) = max(0, x)")


def leaky_relu(input: MatrixSource, slope: str | int | Fraction = "0.01") -> ActivationResult:
    """x for x > 0, slope * x otherwise (torch's default slope 0.01 = 1/100)."""
    x = _read(input)
    a = parse_scalar(slope)
    if x.is_symbolic or not isinstance(a, (int, Fraction)):
        import sympy

        fn = lambda v: sympy.Piecewise((v, v > 0), (a * v, True))  # noqa: E731
        out = Exact(symbols=np.frompyfunc(fn, 1, 1)(x.as_symbolic().symbols))
    else:
        a = Fraction(a)
        positive = scale(x.numerators, a.denominator)
        negative = scale(x.numerators, a.numerator)
        out = Exact(np.where(x.numerators > 0, positive, negative), x.denominator * a.denominator)
    return ActivationResult("leaky-relu", x, out, f"leaky_relu(x) = x if x > 0 else {a} * x")


def _elementwise(name: str, input: MatrixSource, fn: Callable[[Any], Any], formula: str) -> ActivationResult:
    x = _read(input)
    out = Exact(symbols=np.frompyfunc(fn, 1, 1)(x.as_symbolic().symbols))
    return ActivationResult(name, x, out, formula)


def sigmoid(input: MatrixSource) -> ActivationResult:
    """1 / (1 + exp(-x)), exactly."""
    import sympy

    return _elementwise("sigmoid", input, lambda v: 1 / (1 + sympy.exp(-v)), "sigmoid(x) = 1/(1 + exp(-x))")


def tanh(input: MatrixSource) -> ActivationResult:
    """tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x)), exactly."""
    import sympy

    return _elementwise("tanh", input, sympy.tanh, "tanh(x) = (exp(x) - exp(-x))/(exp(x) + exp(-x))")


def _along_last_axis(input: MatrixSource) -> Exact:
    x = read_matrix(input, "input").as_symbolic()
    if x.ndim == 0:
        x = x.reshape(1)
    # every value's expression names the whole row: n values print n^2 terms
    check_count(x.size * x.shape[-1], MAX_SOFTMAX_TERMS, f"softmax over rows of {x.shape[-1]:,} values",
                "use shorter rows", unit="terms")
    return x


def softmax(input: MatrixSource) -> ActivationResult:
    """exp(x_i) / sum_j exp(x_j) along the last axis, as exact expressions.

    Each row's sum S and its inverse are built once and every value is
    exp(x_i) * (1/S): linear in the row length.  sympy still cancels what
    cancels by itself (equal values give 1/n); nothing calls ``simplify``,
    whose cost grows faster than the row.

    >>> [str(v) for v in softmax("1 2 3").output.tolist()]
    ['1/(1 + E + exp(2))', 'E/(1 + E + exp(2))', 'exp(2)/(1 + E + exp(2))']
    """
    import sympy

    x = _along_last_axis(input)
    out = np.empty_like(x.symbols)
    sums = []
    shifts = set()
    for lead in np.ndindex(*x.shape[:-1]):
        row = list(x.symbols[lead])
        if all(v.is_Rational for v in row):
            # exp(x_i - m) / sum_j exp(x_j - m) is the same number for any m; with m = min x it is
            # already in lowest terms (1/(1 + E + exp(2)) for 1 2 3), where sympy.simplify would
            # search for seconds, or for ever on exp(1000000)
            low = min(row)
            row = [v - low for v in row]
            shifts.add(low)
        exps = [sympy.exp(v) for v in row]
        total = sympy.Add(*exps)
        inverse = 1 / total  # one shared sum per row: linear in the row's length
        out[lead] = [e * inverse for e in exps]
        sums.append(total)
    return ActivationResult("softmax", x, Exact(symbols=out), _softmax_formula(shifts), tuple(sums))


def _softmax_formula(shifts: set) -> str:
    """The definition, and the form the values are written in where each row was shifted by its
    minimum (a student who writes e/(e + e^2 + e^3) for 1 2 3 sees why 1/(1 + e + exp(2)) is the same).

    >>> _softmax_formula({1})
    'softmax(x)_i = exp(x_i) / sum_j exp(x_j) = exp(x_i - 1) / sum_j exp(x_j - 1) (divided by exp(min x))'
    """
    definition = "softmax(x)_i = exp(x_i) / sum_j exp(x_j)"
    if not shifts or shifts == {0}:
        return definition
    if len(shifts) == 1:
        from .cells import format_value

        m = next(iter(shifts))
        sign, size = ("-", m) if m > 0 else ("+", -m)
        shift = f" {sign} {format_value(size)}"
        return f"{definition} = exp(x_i{shift}) / sum_j exp(x_j{shift}) (divided by exp(min x))"
    return f"{definition} = exp(x_i - m) / sum_j exp(x_j - m), m = the row's minimum (divided by exp(m))"


def log_softmax(input: MatrixSource) -> ActivationResult:
    """x_i - log(sum_j exp(x_j)) along the last axis."""
    import sympy

    x = _along_last_axis(input)
    out = np.empty_like(x.symbols)
    sums = []
    for lead in np.ndindex(*x.shape[:-1]):
        total = sympy.Add(*[sympy.exp(v) for v in x.symbols[lead]])
        log_total = sympy.log(total)
        out[lead] = [v - log_total for v in x.symbols[lead]]
        sums.append(total)
    return ActivationResult("log-softmax", x, Exact(symbols=out),
                            "log_softmax(x)_i = x_i - log(sum_j exp(x_j))", tuple(sums))


def activate(name: str, input: MatrixSource, slope: str | int | Fraction = "0.01") -> ActivationResult:
    """Apply one of :data:`FUNCTIONS` by name."""
    key = name.lower().replace("_", "-")
    key = "leaky-relu" if key == "leakyrelu" else key
    if key not in FUNCTIONS:
        raise ShapeError(f"activation '{name}' is unknown; use one of {', '.join(FUNCTIONS)}")
    if key == "leaky-relu":
        return leaky_relu(input, slope)
    return {"relu": relu, "sigmoid": sigmoid, "tanh": tanh, "softmax": softmax, "log-softmax": log_softmax}[key](input)


def decimal_values(result: ActivationResult, digits: int) -> np.ndarray:
    """The values with every exact expression replaced by a decimal (a sympy
    ``Float`` of ``digits`` significant digits); ints and fractions stay exact
    (the formatter writes their decimals).

    softmax and log-softmax evaluate each row's sum once, at ``digits`` plus
    guard digits, instead of once per value: sympy's ``evalf`` of each value
    re-evaluates the whole sum, O(n^2) for a row of n.  The terms of a sum of
    exponentials are all positive, so no digits cancel there; a log-softmax
    value close to 0 (x_i near log S) loses digits to cancellation and is then
    evaluated by sympy's own adaptive ``evalf``.

    >>> [str(v) for v in decimal_values(softmax("1 2 3"), 6)]
    ['0.0900306', '0.244728', '0.665241']
    >>> decimal_values(relu("-1 2.5"), 3).tolist()
    [0, Fraction(5, 2)]
    """
    values = result.output.values()
    out = np.empty(values.shape, dtype=object)
    if not result.sums or any(getattr(s, "free_symbols", None) for s in result.sums):
        for index, value in np.ndenumerate(values):
            out[index] = _decimal(value, digits)
        return out
    import sympy

    work = digits + 15
    inputs = result.input.values()
    for total, lead in zip(result.sums, np.ndindex(*values.shape[:-1])):
        total_value = sympy.N(total, work)
        log_total = sympy.log(total_value)
        row = list(inputs[lead])
        # softmax's sum is of exp(x_j - min x) where the row is rational (see softmax)
        shift = min(row) if result.op == "softmax" and all(isinstance(v, (int, Fraction)) for v in row) else 0
        for i, (x, exact) in enumerate(zip(row, values[lead])):
            index = lead + (i,)
            if isinstance(exact, (int, Fraction)):  # what cancelled to a number (1/4) stays exact
                out[index] = exact
            elif result.op == "softmax":
                out[index] = sympy.Float(sympy.N(sympy.exp(x - shift), work) / total_value, digits)
            else:
                approx = sympy.N(x, work) - log_total
                cancelled = approx == 0 or abs(approx) * 10**12 < abs(log_total)  # 12 or more digits lost
                out[index] = _decimal(exact, digits) if cancelled else sympy.Float(approx, digits)
    return out


def _decimal(value: Value, digits: int) -> Value:
    """One value: ints and fractions as they are, an expression evaluated by sympy."""
    if isinstance(value, (int, Fraction)):
        return value
    return value.evalf(digits)


@dataclass(frozen=True)
class DenseResult(NotebookDisplay):
    input: Exact
    weights: Exact
    bias: Exact | None
    output: Exact


def dense(input: MatrixSource, weights: MatrixSource, bias: MatrixSource | None = None) -> DenseResult:
    """y = W x + b with W of shape (outputs, inputs) (torch's Linear layout).

    The input is flattened first, so a (C, H, W) feature map works directly.
    """
    x = read_matrix(input, "input")
    w = read_matrix(weights, "weights")
    if w.ndim != 2:
        raise ShapeError(f"weights of shape {'x'.join(map(str, w.shape))} are not a matrix; give (outputs x inputs)")
    flat = x.reshape(-1)
    if w.shape[1] != flat.size:
        raise ShapeError(
            f"weights have {w.shape[1]} columns but the input has {flat.size} values; "
            f"give a weight matrix of {w.shape[0]}x{flat.size} (one column per input)"
        )
    b = read_vector(bias, "bias") if bias is not None else None
    if b is not None and b.size != w.shape[0]:
        raise ShapeError(f"bias has {b.size} values but the layer has {w.shape[0]} outputs; give one bias per output")
    if flat.is_symbolic or w.is_symbolic or (b is not None and b.is_symbolic):
        ws, xs = w.as_symbolic().symbols, flat.as_symbolic().symbols
        import sympy

        values = [sympy.Add(*(ws[r, j] * xs[j] for j in range(ws.shape[1]))) for r in range(ws.shape[0])]
        products = np.empty(len(values), dtype=object)
        products[:] = values
        out = Exact(symbols=products)
    else:
        big = max_abs(w.numerators) * max_abs(flat.numerators) * max(1, flat.size) >= INT64_SAFE
        wn = w.numerators.astype(object) if big else w.numerators
        xn = flat.numerators.astype(object) if big else flat.numerators
        out = Exact(np.asarray(wn @ xn), w.denominator * flat.denominator)
    return DenseResult(x, w, b, out if b is None else add_bias(out, b, (-1,)))


def flatten(input: MatrixSource, order: Layout = "chw") -> Exact:
    """Flatten a (C, H, W) array: torch's order 'chw', or Keras' 'hwc'.

    >>> flatten("1 2; 3 4 | 5 6; 7 8", order="hwc").tolist()
    [1, 5, 2, 6, 3, 7, 4, 8]
    """
    x = read_matrix(input, "input")
    if order not in LAYOUTS:
        raise ShapeError(f"order '{order}' is unknown; use chw (torch) or hwc (Keras)")
    if order == "hwc" and x.ndim >= 3:
        x = x.transform(lambda a: np.moveaxis(a, -3, -1))
    return x.reshape(-1)
