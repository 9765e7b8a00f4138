"""A small, safe parser for exact scalar expressions.

Reads what a person writes for one number: ``45``, ``-3``, ``0.25`` (exactly
1/4), ``1/9``, ``1e-3``, ``2^3``, ``(227 - 11)/4 + 1``, or a formula with
symbols such as ``w11`` or ``2*a + b``.  It is our own recursive-descent parser
over a whitelist of tokens: nothing is ever passed to ``eval``, ``exec`` or
``sympify``, so it is safe on untrusted text (student answers, YAML files).
Limits on length, nesting and exponent size keep hostile input cheap.

Numbers come back as ``int`` or ``fractions.Fraction``; only an expression
with a symbol builds a sympy object (and imports sympy).

>>> parse_scalar("0.25"), parse_scalar("1/9"), parse_scalar("(227 - 11)/4 + 1")
(Fraction(1, 4), Fraction(1, 9), 55)
>>> parse_scalar("2*a + b")
2*a + b
"""

from __future__ import annotations

import re
from fractions import Fraction

from .errors import InputError

MAX_LENGTH = 2000
MAX_DEPTH = 50
MAX_EXPONENT = 1000
MAX_DIGITS = 400  # magnitude of a literal or a power's result, in decimal digits

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op>\*\*|[-+*/^×·()])"
    r")"
)


def normalize(value):
    """An exact number in its simplest type: a whole Fraction becomes an int.

    >>> normalize(Fraction(6, 3)), normalize(Fraction(1, 4))
    (2, Fraction(1, 4))
    """
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value.numerator)
    if not isinstance(value, (int, Fraction)):
        # sympy: a number-valued expression becomes int/Fraction again
        if getattr(value, "is_Rational", False):
            return normalize(Fraction(int(value.p), int(value.q)))
    return value


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, pos, text = [], 0, text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            bad = text[pos:].strip()[:1]
            raise InputError(
                f"'{text}' has the character '{bad}' that is not part of a number or formula; "
                "use digits, '.', '/', '+', '-', '*', '^', parentheses and names such as w11"
            )
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    """Recursive descent: sum := term (('+'|'-') term)*; term := unary (('*'|'/') unary)*;
    unary := ('-'|'+') unary | power; power := atom ('^' unary)?; atom := number | name | '(' sum ')'."""

    def __init__(self, text: str, allow_symbols: bool, names=None):
        self.text = text
        self.tokens = _tokens(text)
        self.pos = 0
        self.depth = 0
        self.allow_symbols = allow_symbols
        self.names = names

    def fail(self, why: str):
        raise InputError(f"'{self.text}' is not a valid number or formula: {why}")

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self):
        token = self.peek()
        self.pos += 1
        return token

    def parse(self):
        if not self.tokens:
            self.fail("it is empty; write a number such as 3 or 1/9")
        value = self.sum()
        if self.pos != len(self.tokens):
            self.fail(f"unexpected '{self.peek()[1]}'; check the operators between numbers")
        return normalize(value)

    def sum(self):
        value = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            right = self.term()
            value = value + right if op == "+" else value - right
        return value

    def term(self):
        value = self.unary()
        while self.peek()[1] in ("*", "/", "×", "·"):
            op = self.take()[1]
            right = self.unary()
            if op == "/":
                if right == 0:
                    self.fail("division by zero")
                value = _divide(value, right)
            else:
                value = value * right
        return value

    def unary(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(f"nested more than {MAX_DEPTH} deep")
        try:
            op = self.peek()[1]
            if op in ("-", "+"):
                self.take()
                value = self.unary()
                return -value if op == "-" else value
            return self.power()
        finally:
            self.depth -= 1

    def power(self):
        base = self.atom()
        if self.peek()[1] in ("^", "**"):
            self.take()
            exponent = self.unary()
            return _power(base, exponent, self.fail)
        return base

    def atom(self):
        kind, text = self.take()
        if kind == "number":
            if len(text) > MAX_DIGITS:
                self.fail(f"a number longer than {MAX_DIGITS} digits")
            value = Fraction(text)
            if value.denominator != 1 and len(str(value.denominator)) > MAX_DIGITS:
                self.fail("a number too small to represent exactly")
            return value
        if kind == "name":
            if self.names is not None:  # a name that stands for a number is that number: no sympy
                known = self.names(text)
                if isinstance(known, (int, Fraction)):
                    return known
            if not self.allow_symbols:
                self.fail(f"'{text}' is a name, and only numbers are allowed here")
            import sympy

            return sympy.Symbol(text)
        if text == "(":
            value = self.sum()
            if self.take()[1] != ")":
                self.fail("a '(' is never closed; add ')'")
            return value
        if text is None:
            self.fail("it ends too early; something is missing after the last operator")
        self.fail(f"unexpected '{text}'")


def _divide(a, b):
    if isinstance(a, (int, Fraction)) and isinstance(b, (int, Fraction)):
        return Fraction(a) / Fraction(b)
    import sympy

    return sympy.sympify(_to_sympy(a)) / _to_sympy(b)


def _to_sympy(value):
    if isinstance(value, Fraction):
        import sympy

        return sympy.Rational(value.numerator, value.denominator)
    return value


def _power(base, exponent, fail):
    exponent = normalize(exponent)
    if not isinstance(exponent, int):
        fail("only whole-number exponents are allowed")
    if abs(exponent) > MAX_EXPONENT:
        fail(f"the exponent {exponent} is larger than {MAX_EXPONENT}")
    if isinstance(base, (int, Fraction)):
        if base == 0 and exponent < 0:
            fail("division by zero")
        size = max(len(str(abs(Fraction(base).numerator))), len(str(Fraction(base).denominator)))
        if size * abs(exponent) > MAX_DIGITS:
            fail(f"the power has more than {MAX_DIGITS} digits")
        return Fraction(base) ** exponent
    return _to_sympy(base) ** exponent


def parse_scalar(text, allow_symbols: bool = True, names=None):
    """Parse one exact value from text (or pass a number through).

    ``names``, if given, maps a name to the number it stands for (or None):
    such a name is read as its number, and no sympy object is built.

    >>> parse_scalar("units / 2", names={"units": 290400}.get)
    145200
    >>> parse_scalar("-3"), parse_scalar("13.75"), parse_scalar("2^3")
    (-3, Fraction(55, 4), 8)
    >>> parse_scalar("__import__('os')")
    Traceback (most recent call last):
    ...
    cnncalc.errors.InputError: '__import__('os')' has the character ''' that is not part of a number or formula; use digits, '.', '/', '+', '-', '*', '^', parentheses and names such as w11
    """
    if isinstance(text, bool):
        raise InputError(f"'{text}' is a yes/no value, not a number; write a number such as 1")
    if isinstance(text, (int, Fraction)):
        return normalize(text)
    if isinstance(text, float):
        # A float from a file or YAML means its shortest decimal: 0.1 is 1/10.
        if text != text or text in (float("inf"), float("-inf")):
            raise InputError(f"'{text}' is not a finite number; use a number such as 0 or 1")
        return normalize(Fraction(repr(text)))
    if not isinstance(text, str):
        if hasattr(text, "free_symbols"):  # already a sympy expression
            return normalize(text)
        if hasattr(text, "item"):  # a numpy scalar
            return parse_scalar(text.item(), allow_symbols)
        raise InputError(f"'{text!r}' is not a number; write a number such as 3 or 1/9")
    if len(text) > MAX_LENGTH:
        raise InputError(
            f"a value of {len(text)} characters is longer than {MAX_LENGTH}; write one number per cell"
        )
    return _Parser(text, allow_symbols, names).parse()
