"""Exact rational numbers: rounding, terminating decimals, and sympy's form.

One home for the few rules every part of the engine applies to a ``Fraction``:
how to round it half away from zero (the course's and a student's rounding,
not Python's half-to-even ``round``), whether its decimal expansion ends, and
the sympy number it becomes where a formula needs one (sympy is imported only
then).

>>> round_half_away(Fraction(5, 2)), round_half_away(Fraction(-5, 2)), round(Fraction(5, 2))
(Fraction(3, 1), Fraction(-3, 1), 2)
>>> round_half_away(Fraction(45, 4), Fraction(1, 10))          # lecture 001's 11.25 to one decimal: 11.3
Fraction(113, 10)
>>> is_terminating(4), is_terminating(9)                        # 1/4 = 0.25; 1/9 = 0.111...
(True, False)
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any


def round_half_away(value: int | Fraction, unit: int | Fraction = 1) -> Fraction:
    """``value`` rounded to a whole multiple of ``unit``, halves away from zero, exactly.

    >>> round_half_away(Fraction(103, 9), Fraction(1, 10))          # 11.444... -> 11.4
    Fraction(57, 5)
    >>> round_half_away(62378344, 10**6)                             # AlexNet's parameters, in millions
    Fraction(62000000, 1)
    """
    quotient = abs(Fraction(value)) / unit
    whole = int(quotient) + (1 if quotient - int(quotient) >= Fraction(1, 2) else 0)
    return (1 if value >= 0 else -1) * whole * Fraction(unit)


def round_significant(value: int | Fraction, digits: int) -> Fraction:
    """Round half away from zero to ``digits`` significant figures, exactly.

    >>> round_significant(Fraction(7, 3), 3), round_significant(Fraction(62378344), 2)
    (Fraction(233, 100), Fraction(62000000, 1))
    """
    value = Fraction(value)
    if value == 0:
        return Fraction(0)
    size = abs(value)
    exponent = len(str(int(size))) - 1 if size >= 1 else -len(str(int(1 / size)))
    while Fraction(10) ** exponent > size:
        exponent -= 1
    while Fraction(10) ** (exponent + 1) <= size:
        exponent += 1
    return round_half_away(value, Fraction(10) ** (exponent - digits + 1))


def is_terminating(denominator: int) -> bool:
    """Whether p/q with this q has a finite decimal expansion (q has no prime factor but 2 and 5).

    >>> is_terminating(8), is_terminating(3 * 10**6)
    (True, False)
    """
    q = denominator
    for p in (2, 5):
        while q % p == 0:
            q //= p
    return q == 1


def to_sympy(value: Any) -> Any:
    """An int or a ``Fraction`` as the sympy number it is; any other value (a sympy
    formula already) unchanged.

    >>> to_sympy(Fraction(1, 9)), type(to_sympy(3)).__name__
    (1/9, 'Integer')
    """
    if isinstance(value, bool) or not isinstance(value, (int, Fraction)):
        return value
    import sympy

    if isinstance(value, int):
        return sympy.Integer(value)
    return sympy.Rational(value.numerator, value.denominator)
