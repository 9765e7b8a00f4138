"""sympy's own canonical forms, built directly for the few operations a
symbolic stack walk repeats at every layer.

sympy evaluates each sum and product through a general simplification pass
(collect like terms, sort, query assumptions): tens of microseconds each,
most of a symbolic layer's cost.  Where the form of the result is known in
advance -- a count times a product, a sum divided by a whole number, a floor
plus one, a column of distinct terms -- these functions write the very
expression sympy would give, without the pass.  Every result must equal
sympy's own (``==`` compares structure): tests/test_symbolic_depth.py rebuilds
each one through sympy and compares.

>>> import sympy
>>> N = sympy.Symbol("N", integer=True, positive=True)
>>> h = plus_one(rounded(sympy.floor, N / 2 - sympy.Rational(1, 2)))
>>> h, scaled(8, power(h, 2)), divided(N - 1, 4)
(floor(N/2 - 1/2) + 1, 8*(floor(N/2 - 1/2) + 1)**2, N/4 - 1/4)
>>> total([scaled(8, h ** 2), scaled(3, N ** 2), scaled(4, h ** 2)]) == 3 * N ** 2 + 12 * h ** 2
True
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable
from typing import Any


def _plain(factor: Any) -> bool:
    """A factor no number merges into: not a number, not a power of a number (2**N), not a sum."""
    return not (factor.is_Number or factor.is_Add or (factor.is_Pow and factor.base.is_Number))


def scaled(count: int, expr: Any) -> Any:
    """count * expr for a whole count and a symbolic expr, as sympy's product gives it.

    A product keeps its number first: the count joins it (or becomes it).
    """
    import sympy

    if count == 1:
        return expr
    if count == 0:
        return sympy.S.Zero
    factors = list(expr.args) if expr.is_Mul else [expr]
    symbolic = factors[1:] if factors[0].is_Number else factors
    if not symbolic or not all(_plain(f) for f in symbolic) or (len(symbolic) == 1 and not expr.is_Mul
                                                                and symbolic[0].is_Add):
        return count * expr  # a number, a sum or a power of a number: sympy's own pass
    number = factors[0] * count if factors[0].is_Number else sympy.Integer(count)
    return sympy.Mul._from_args([number, *symbolic] if number != 1 else symbolic)


def power(base: Any, exponent: int) -> Any:
    """base ** exponent for a whole exponent of at least 2, as sympy gives it.
    A sum with a symbol in it (a layer's size, floor(N/2 - 1/2) + 1) is never
    changed by sympy's evaluation of a whole power (no expansion; no sign taken
    out, which sympy does for numbers only), so the power is written as it is."""
    import sympy

    if (exponent >= 2 and base.is_Add and not base.is_number
            and not any(term.is_infinite for term in base.args)):
        return sympy.Pow(base, exponent, evaluate=False)
    return sympy.Pow(base, exponent)


def divided(expr: Any, divisor: int) -> Any:
    """expr / divisor for a positive whole divisor, as sympy gives it: a sum has the
    fraction multiplied into each term (sympy distributes a number over a sum), the
    terms in sympy's order, the number first."""
    import sympy
    from sympy.core.add import _addsort
    from sympy.core.mul import _keep_coeff

    if not expr.is_Add or divisor <= 0:
        return expr / divisor
    fraction = sympy.Rational(1, divisor)
    number, rest = expr.as_coeff_Add()
    terms = [_keep_coeff(fraction, term) for term in sympy.Add.make_args(rest)]
    if any(t.is_Add or t.is_Number for t in terms):
        return expr / divisor  # not a plain sum of products: sympy's own pass
    _addsort(terms)
    if number != 0:
        terms.insert(0, number * fraction)
    return sympy.Add._from_args(terms)


def plus_one(expr: Any) -> Any:
    """expr + 1 for a lone floor or ceiling: sympy's sum of a number and one term is
    (number, term).  A number is added by Python (sympy is not imported for it)."""
    if not getattr(expr, "is_Function", False):
        return expr + 1
    import sympy

    if isinstance(expr, (sympy.floor, sympy.ceiling)):
        return sympy.Add._from_args((sympy.S.One, expr))
    return expr + 1


def rounded(rounding: type, argument: Any) -> Any:
    """floor(argument) or ceiling(argument) left as it is (sympy's
    ``evaluate=False``), known to be an integer (:func:`known_integer`).

    What sympy's constructor does for an unevaluated function -- the object
    with its arguments, and the set of argument counts it accepts -- done
    directly: sympy's path builds that set anew and looks the call up in its
    cache, a quarter of a symbolic layer's time.
    """
    import sympy
    from sympy.core.basic import Basic

    if rounding not in (sympy.floor, sympy.ceiling):
        return known_integer(rounding(argument, evaluate=False))
    result = Basic.__new__(rounding, sympy.sympify(argument))
    result.nargs = _one_argument()
    return known_integer(result)


@functools.cache
def _one_argument() -> Any:
    """sympy's FiniteSet(1): the argument counts floor and ceiling accept."""
    import sympy

    return sympy.FiniteSet(1)


def known_integer(value: Any) -> Any:
    """A floor or ceiling of a real size, told that it is an integer (so finite and
    real).  Asked later whether it is infinite, as every power and product of it
    does, sympy would otherwise derive that from the sign of the argument:
    milliseconds per layer, for a fact true of every such term.  Only what holds
    for any real argument is set, never a sign."""
    kind = type(value)
    if kind not in _INTEGER_FACTS:
        facts = value.default_assumptions.copy()
        facts.deduce_all_facts({"integer": True})
        _INTEGER_FACTS[kind] = facts
    # a copy of the facts deduced once per class (deducing them again costs 25 us a layer), put in
    # the instance's fact cache, where sympy keeps what it derives later
    value._assumptions = copy.copy(_INTEGER_FACTS[kind])
    return value


_INTEGER_FACTS: dict[type, Any] = {}  # floor, ceiling -> the facts that follow from "integer"


def total(values: Iterable[Any]) -> Any:
    """The sum of symbolic values as sympy's sum gives it.  Like terms are collected
    as sympy collects them (coefficient of each term); each rebuilt product takes
    :func:`scaled`'s direct form, and the terms sympy's order, the number first.
    Anything unusual (infinities, non-commutative terms) goes through sympy."""
    import sympy
    from sympy.core.add import _addsort

    values = [sympy.sympify(v) for v in values]
    number = sympy.S.Zero
    coefficients: dict[Any, Any] = {}
    for value in values:
        for term in sympy.Add.make_args(value):
            if term.is_Number:
                if not term.is_finite:
                    return sympy.Add(*values)
                number += term
                continue
            if not term.is_commutative:
                return sympy.Add(*values)
            coefficient, rest = term.as_coeff_Mul()
            if rest.is_Add:
                return sympy.Add(*values)
            coefficients[rest] = coefficients.get(rest, sympy.S.Zero) + coefficient
    terms = []
    for rest, coefficient in coefficients.items():
        if coefficient == 0:
            continue
        if coefficient == 1:
            terms.append(rest)
        elif rest.is_Mul:
            terms.append(rest._new_rawargs(coefficient, *rest.args))  # sympy's own fast way
        elif coefficient.is_Integer and _plain(rest):
            terms.append(sympy.Mul._from_args((coefficient, rest)))
        else:
            terms.append(sympy.Mul(coefficient, rest))
    if not terms:
        return number
    _addsort(terms)
    if number != 0:
        terms.insert(0, number)
    return terms[0] if len(terms) == 1 else sympy.Add._from_args(terms)
