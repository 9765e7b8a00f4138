"""The text of a sympy formula, with every sub-formula printed once.

sympy's printer orders the terms of every sum it meets; a layer stack prints
each layer's sizes inside several formulas, and a softmax row prints its sum
of exponentials once per value.  A sub-formula's text does not depend on where
it appears (the parent adds the brackets), so it is remembered: each new
formula then costs only its own outer operations, and a row of n softmax
values costs O(n) printing work instead of O(n^2).

>>> import sympy
>>> N = sympy.Symbol("N", integer=True, positive=True)
>>> formula_text(8 * (sympy.floor(N / 2 - sympy.Rational(1, 2)) + 1) ** 2)
'8*(floor(N/2 - 1/2) + 1)**2'
>>> formula_text(sympy.E / (sympy.E + sympy.exp(2)))
'e/(e + exp(2))'
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

MAX_REMEMBERED = 100_000

_printer = None


def formula_text(value: Any) -> str:
    """``str(value)`` for ints and sympy expressions, the same text, faster; a
    text (a letter of a rule such as "N") as it is, without loading sympy."""
    if isinstance(value, (int, str)):
        return str(value)
    global _printer
    if _printer is None:
        _printer = _remembering_printer()
    return _printer.doprint(value)


def term(value: Any) -> str:
    """An operand inside a formula: plain digits, a compound formula in brackets.

    >>> import sympy
    >>> N = sympy.Symbol("N", integer=True, positive=True)
    >>> term(11), term(N), term(N - 2), term(sympy.floor(N / 2))
    ('11', 'N', '(N - 2)', 'floor(N/2)')
    """
    if type(value) is int or isinstance(value, Fraction):
        return str(value)
    text = formula_text(value)
    depth = 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and ch in "+-*/ ":
            return f"({text})"
    return text


def _remembering_printer() -> Any:  # a sympy StrPrinter, made on first use
    from sympy.printing.str import StrPrinter

    class RememberingPrinter(StrPrinter):
        """sympy's str printer that keeps the text of each sub-formula."""

        texts: dict = {}

        def _print_Exp1(self, expr: Any, **kwargs: Any) -> str:
            return "e"  # Euler's number as the course writes it (sympy's str printer says E)

        def _print(self, expr: Any, **kwargs: Any) -> str:
            if kwargs:
                return super()._print(expr, **kwargs)
            try:
                return self.texts[expr]
            except KeyError:
                pass
            except TypeError:  # unhashable: print it every time
                return super()._print(expr)
            text = super()._print(expr)
            if len(self.texts) >= MAX_REMEMBERED:
                self.texts.clear()
            self.texts[expr] = text
            return text

    return RememberingPrinter()


def forget() -> None:
    """Drop the remembered texts (benchmarks measure a cold start with it)."""
    if _printer is not None:
        _printer.texts.clear()
