"""The text of exact values, one at a time or a whole array at once.

Values are shown as a student writes them: 45, 13.75 (a terminating decimal
is exact), 103/9, a*w1 + b*w2.  JSON keeps integers as numbers and every
other value as an exact string ("1018/9", "a + 2*b").

>>> format_value(Fraction(55, 4)), format_value(Fraction(103, 9)), json_value(Fraction(1, 4))
('13.75', '103/9', '1/4')
>>> format_value(Fraction(1, 3), digits=6), format_value(Fraction(2, 3), digits=30)
('0.333333', '0.666666666666666666666666666667')

Arrays are formatted without a Python object per cell where the values allow
it: an :class:`~cnncalc.values.Exact` array holds integer numerators over one
denominator, so each cell's reduced fraction is two vectorised integer
operations (a gcd and a division) away.  numpy is imported by those array
functions only: ``cnncalc shape`` writes its values with this module and
starts without numpy.

>>> from cnncalc.values import Exact
>>> json_nested(Exact.from_nested([["1/9", 2], ["0.5", "-4/3"]]))
[['1/9', 2], ['1/2', '-4/3']]
>>> cell_texts(Exact.from_nested([["1/9", 2], ["0.5", "-4/3"]])).tolist()
[['1/9', '2'], ['0.5', '-4/3']]
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .formula_text import formula_text
from .rationals import is_terminating, round_half_away

if TYPE_CHECKING:
    import numpy as np

    from .expr import Value
    from .values import Exact

MAX_DECIMAL_DENOMINATOR = 6  # digits: 1/4 -> 0.25 and 1/64 -> 0.015625 are decimals, 1/1024 stays p/q


def format_value(value: Any, digits: int | None = None) -> str:
    """Exact text: ints, terminating decimals, p/q, or a sympy formula.

    With ``digits`` a non-integer is shown as a decimal rounded to that many
    significant digits (exactly, from the fraction: no float in between).
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Fraction):
        if digits is not None:
            return rounded_decimal(value, digits)
        if is_terminating(value.denominator) and len(str(value.denominator)) <= MAX_DECIMAL_DENOMINATOR:
            return decimal_text(value)
        return f"{value.numerator}/{value.denominator}"
    if digits is not None:
        try:
            return str(value.evalf(digits))
        except AttributeError:
            pass
    if hasattr(value, "free_symbols"):
        return formula_text(value)
    return str(value)


def inline_text(values: Any) -> str:
    """An array on one line as it is typed (cnncalc.readers reads it back): values
    split by spaces, rows by ';', channels by ' | ', examples of a batch by ' || '.

    >>> import numpy as np
    >>> inline_text(np.array([[1, 2], [3, 4]])), inline_text(np.array([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]))
    ('1 2; 3 4', '1 2; 3 4 | 5 6; 7 8')
    """
    return " ".join(inline_values(values))


def inline_values(values: Any) -> list[str]:
    """The values of :func:`inline_text` in order, each with the separator that
    follows it, so a line cut short keeps whole values (a value may hold spaces).

    >>> import numpy as np
    >>> inline_values(np.array([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]))
    ['1', '2;', '3', '4 |', '5', '6;', '7', '8']
    """
    if values.ndim <= 1:
        return [format_value(v) for v in values.reshape(-1)]
    if values.ndim > 4:
        return inline_values(values.reshape(-1, values.shape[-1]))  # no notation for five axes: its rows
    separator = {2: ";", 3: " |", 4: " ||"}[values.ndim]
    pieces: list[str] = []
    for i, part in enumerate(values):
        part_pieces = inline_values(part)
        if i < len(values) - 1 and part_pieces:
            part_pieces[-1] += separator
        pieces += part_pieces
    return pieces


def decimal_text(value: Fraction) -> str:
    """The finite decimal expansion of a fraction whose denominator is 2^a 5^b.

    >>> decimal_text(Fraction(-55, 4))
    '-13.75'
    """
    sign = "-" if value < 0 else ""
    value = abs(value)
    whole, rest = divmod(value.numerator, value.denominator)
    places = []
    while rest:
        rest *= 10
        digit, rest = divmod(rest, value.denominator)
        places.append(str(digit))
    return f"{sign}{whole}." + "".join(places) if places else f"{sign}{whole}"


def rounded_decimal(value: Fraction, digits: int) -> str:
    """``value`` to ``digits`` significant digits, written as printf's %g writes it
    (trailing zeros dropped, an exponent below 1e-4 or from 10^digits on), but
    rounded as the course and a student round: half away from zero, from the
    exact fraction (printf rounds the binary float, half to even).

    >>> rounded_decimal(Fraction(5, 2), 6), rounded_decimal(Fraction(1, 10**7), 3), rounded_decimal(Fraction(123456789), 3)
    ('2.5', '1e-07', '1.23e+08')
    >>> rounded_decimal(Fraction(-1, 8), 2), rounded_decimal(Fraction(999, 1000), 2), rounded_decimal(Fraction(5, 2), 1)
    ('-0.13', '1', '3')
    """
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    value = abs(value)
    exponent = len(str(value.numerator)) - len(str(value.denominator))  # within one of floor(log10)
    if value < Fraction(10) ** exponent:
        exponent -= 1
    shifted = value * Fraction(10) ** (digits - 1 - exponent)
    scaled = int(round_half_away(shifted, 1))  # 2.5 -> 3, as by hand
    if scaled == 10**digits:
        scaled //= 10
        exponent += 1
    mantissa = str(scaled)
    if -4 <= exponent < digits:
        point = exponent + 1
        text = mantissa[:point] + "." + mantissa[point:] if point > 0 else "0." + "0" * -point + mantissa
        text = text.rstrip("0").rstrip(".") if "." in text else text
        return sign + text
    text = (mantissa[0] + "." + mantissa[1:]).rstrip("0").rstrip(".")
    return f"{sign}{text}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def json_value(value: Any) -> Any:
    """JSON: an integer stays a number; any other value is its exact string.

    >>> json_value(290400), json_value(Fraction(4, 1)), json_value(Fraction(1018, 9))
    (290400, 4, '1018/9')
    >>> import sympy
    >>> json_value(sympy.Integer(4)), json_value(sympy.Symbol("N") / 2)
    (4, 'N/2')
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    if getattr(value, "is_Integer", False):  # a sympy integer is a number too
        return int(value)
    if hasattr(value, "free_symbols"):
        return formula_text(value)
    return str(value)


def format_latex_value(value: Value) -> str:
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Fraction):
        sign = "-" if value < 0 else ""
        return f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"
    import sympy

    return sympy.latex(value)


# --- whole arrays ----------------------------------------------------------------

def reduced_parts(array: Exact) -> tuple[np.ndarray, np.ndarray | None]:
    """Each cell's fraction in lowest terms: (numerators, denominators), or
    (numerators, None) when every cell is whole.  Vectorised for int64."""
    import numpy as np

    n, d = array.numerators, array.denominator
    if d == 1:
        return n, None
    if n.dtype != object and d < 2**62:
        common = np.gcd(n, np.int64(d))  # gcd(0, d) = d: a zero becomes 0/1
        p, q = n // common, np.int64(d) // common
    else:
        common = np.frompyfunc(math.gcd, 2, 1)(n, d)
        p, q = n // common, d // common
    if not (q != 1).any():
        return p, None
    return p, q


def json_nested(array: Exact) -> list:
    """Nested lists for JSON: ints as numbers, every other value as its exact
    string; one vectorised pass for rational arrays."""
    import numpy as np

    if array.is_symbolic:
        if not array.size:
            return []
        with np.errstate(all="ignore"):  # sympy's own float work inside the loop trips numpy's warnings
            return np.frompyfunc(json_value, 1, 1)(array.values()).tolist()
    p, q = reduced_parts(array)
    if q is None:
        return p.tolist()
    cells = p.astype(object)
    broken = q != 1
    cells[broken] = [f"{a}/{b}" for a, b in zip(p[broken].tolist(), q[broken].tolist())]
    return cells.tolist()


def cell_texts(array: Exact, digits: int | None = None) -> np.ndarray:
    """An object array of display texts (:func:`format_value` of every cell)."""
    import numpy as np

    out = np.empty(array.shape, dtype=object)
    if array.size == 0:
        return out
    if array.is_symbolic:
        for index, value in np.ndenumerate(array.values()):
            out[index] = format_value(value, digits)
        return out
    p, q = reduced_parts(array)
    if q is None:
        out[...] = p.astype(str) if p.dtype != object else np.frompyfunc(str, 1, 1)(p)
        return out
    whole = q == 1
    out[whole] = p[whole].astype(str) if p.dtype != object else [str(v) for v in p[whole]]
    broken = ~whole
    out[broken] = [format_value(Fraction(int(a), int(b)), digits)
                   for a, b in zip(p[broken].tolist(), q[broken].tolist())]
    return out
