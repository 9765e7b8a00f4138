"""A small, safe parser for exact scalar expressions.

Reads what a person writes for one number: ``45``, ``-3``, ``0.25`` (exactly
1/4), ``1/9``, ``1e-3``, ``2^3``, ``(227 - 11)/4 + 1``, or a formula with
symbols such as ``w11`` or ``2*a + b``.  It is our own recursive-descent parser
over a whitelist of tokens: nothing is ever passed to ``eval``, ``exec`` or
``sympify``, so it is safe on untrusted text (student answers, YAML files).

Every value is bounded before work grows (docs/limits.md): its length, its
nesting, the digits of every number it makes (``1e999999`` and
``1/7^300/7^300/...`` are refused before they are computed) and, for a
formula, the degree and number of terms it could expand to (``(H+1)^1000``).

Numbers come back as ``int`` or ``fractions.Fraction``; only an expression
with a symbol builds a sympy object (and imports sympy).

>>> parse_scalar("0.25"), parse_scalar("1/9"), parse_scalar("(227 - 11)/4 + 1")
(Fraction(1, 4), Fraction(1, 9), 55)
>>> parse_scalar("2*a + b")
2*a + b
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn, TypeAlias

from .errors import InputError
from .rationals import to_sympy

if TYPE_CHECKING:
    import sympy

#: One exact value: an int, a Fraction, or a sympy expression (a symbol, ``exp(2)``); a string at
#: run time, so that naming the type imports no sympy
Value: TypeAlias = "int | Fraction | sympy.Expr"
#: Says why a value is refused, and never returns (raises InputError)
Fail: TypeAlias = Callable[[str], NoReturn]

# The limits of one value (docs/limits.md); each is checked before the work it bounds.
MAX_LENGTH = 2000  # characters of one written value
MAX_DEPTH = 50  # nested parentheses and signs
MAX_DIGITS = 1000  # decimal digits of a number's numerator or denominator, however it was written
MAX_EXPONENT = 1000  # |n| in a power x^n
MAX_DEGREE = 64  # polynomial degree a formula may expand to
MAX_TERMS = 1000  # terms a formula may expand to

_TOO_BIG = 10**MAX_DIGITS  # the first number with MAX_DIGITS + 1 digits
_MAX_BITS = _TOO_BIG.bit_length()

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z_0-9]*)"
    r"|(?P<op>\*\*|[-+*/^×·()])"
    r")"
)
_NUMBER = re.compile(r"(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")
# the common cases, read without the parser (a million cells of a typed matrix)
_PLAIN_INTEGER = re.compile(r"\s*[+-]?\d{1,18}\s*")
_PLAIN_FRACTION = re.compile(r"\s*([+-]?\d{1,18})\s*/\s*([1-9]\d{0,17})\s*")
_PLAIN_DECIMAL = re.compile(r"\s*([+-]?)(\d{1,18})\.(\d{1,18})\s*")


def normalize(value: Value) -> Value:
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


def too_many_digits(value: int | Fraction) -> bool:
    """Whether an exact number's numerator or denominator has more than MAX_DIGITS digits.

    >>> too_many_digits(10**1000 - 1), too_many_digits(Fraction(1, 10**1000))
    (False, True)
    """
    if isinstance(value, Fraction):
        return abs(value.numerator) >= _TOO_BIG or value.denominator >= _TOO_BIG
    return abs(value) >= _TOO_BIG


def check_number(value: int | Fraction, what: str = "a number") -> int | Fraction:
    """Pass an exact number through, or refuse one past MAX_DIGITS digits."""
    if too_many_digits(value):
        raise InputError(
            f"{what} has more than {MAX_DIGITS:,} digits (numerator or denominator); "
            f"numbers are limited to {MAX_DIGITS:,} digits (docs/limits.md)"
        )
    return value


class Cost(NamedTuple):
    """What a value may grow to when it is expanded: an upper bound on the bits
    of its coefficients, its polynomial degree and its number of terms.

    Sympy builds ``(H + 1)^1000`` as one cheap node, but comparing or
    simplifying it expands 1001 terms with 300-digit coefficients; bounding
    these three numbers while parsing keeps every later step cheap.
    """

    bits: int
    degree: int
    terms: int


def _number_cost(value: Fraction) -> Cost:
    return Cost(max(value.numerator.bit_length(), value.denominator.bit_length()), 0, 1)


_SYMBOL_COST = Cost(1, 1, 1)


def _power_terms(terms: int, exponent: int) -> int:
    """Terms of (t_1 + ... + t_k)^n expanded: C(n + k - 1, k - 1), capped past MAX_TERMS.

    >>> _power_terms(2, 1000), _power_terms(4, 12)
    (1001, 455)
    """
    if terms == 1 or exponent == 0:
        return 1
    if terms > MAX_TERMS:
        return MAX_TERMS + 1
    return min(math.comb(exponent + terms - 1, terms - 1), MAX_TERMS + 1)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, pos, text = [], 0, text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            bad = text[pos:].strip()[:1]
            raise InputError(
                f"'{_clip(text)}' has the character '{bad}' that is not part of a number or formula; "
                "use digits, '.', '/', '+', '-', '*', '^', parentheses and names such as w11"
            )
        kind = match.lastgroup or ""  # a match of _TOKEN names its group
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    """Recursive descent: sum := term (('+'|'-') term)*; term := unary (('*'|'/') unary)*;
    unary := ('-'|'+') unary | power; power := atom ('^' unary)?; atom := number | name | '(' sum ')'.

    Every rule returns ``(value, Cost)``.  An exact number is checked against
    MAX_DIGITS after each operation; a formula's cost against MAX_DEGREE,
    MAX_TERMS and the bits of MAX_DIGITS.
    """

    def __init__(self, text: str, allow_symbols: bool, names: Callable[[str], Any] | None = None,
                 functions: bool = False) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.pos = 0
        self.depth = 0
        self.allow_symbols = allow_symbols
        self.names = names
        self.functions = functions

    def fail(self, why: str) -> NoReturn:
        raise InputError(f"'{_clip(self.text)}' is not a valid number or formula: {why}")

    def peek(self) -> tuple[str | None, str | None]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self) -> tuple[str | None, str | None]:
        token = self.peek()
        self.pos += 1
        return token

    def parse(self) -> Value:
        if not self.tokens:
            self.fail("it is empty; write a number such as 3 or 1/9")
        value, _ = self.sum()
        if self.pos != len(self.tokens):
            self.fail(f"unexpected '{self.peek()[1]}'; check the operators between numbers")
        return normalize(value)

    def bounded(self, value: Value, cost: Cost) -> tuple[Value, Cost]:
        """The value and its cost, if both stay within the limits."""
        if isinstance(value, (int, Fraction)):
            if too_many_digits(value):
                self.fail(f"a number of more than {MAX_DIGITS:,} digits results; "
                          f"numbers are limited to {MAX_DIGITS:,} digits (docs/limits.md)")
            return value, _number_cost(Fraction(value))
        if cost.degree > MAX_DEGREE:
            self.fail(f"the formula has degree {cost.degree:,}, more than {MAX_DEGREE} (docs/limits.md)")
        if cost.terms > MAX_TERMS:
            self.fail(f"the formula expands to more than {MAX_TERMS:,} terms (docs/limits.md)")
        if cost.bits > _MAX_BITS:
            self.fail(f"the formula's coefficients may grow past {MAX_DIGITS:,} digits (docs/limits.md)")
        return value, cost

    def sum(self) -> tuple[Value, Cost]:
        value, cost = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            right, right_cost = self.term()
            value = value + right if op == "+" else value - right
            cost = Cost(max(cost.bits, right_cost.bits) + 1, max(cost.degree, right_cost.degree),
                        cost.terms + right_cost.terms)
            value, cost = self.bounded(value, cost)
        return value, cost

    def term(self) -> tuple[Value, Cost]:
        value, cost = self.unary()
        while self.peek()[1] in ("*", "/", "×", "·") or self.functions and self.peek()[0] == "name":
            # with e and exp() a student writes 2e^-2 for 2*e^-2: a name right after a value multiplies
            op = self.take()[1] if self.peek()[0] != "name" else "*"
            right, right_cost = self.unary()
            bits = cost.bits + right_cost.bits
            if op == "/":
                if right == 0:
                    self.fail("division by zero")
                value = _divide(value, right)
                if right_cost.degree == 0:
                    cost = Cost(bits, cost.degree, cost.terms)
                else:  # a rational function: comparing it multiplies numerator and denominator out
                    cost = Cost(bits, cost.degree + right_cost.degree, cost.terms * right_cost.terms)
            else:
                value = value * right
                cost = Cost(bits, cost.degree + right_cost.degree, cost.terms * right_cost.terms)
            value, cost = self.bounded(value, cost)
        return value, cost

    def unary(self) -> tuple[Value, Cost]:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail(f"nested more than {MAX_DEPTH} deep")
        try:
            op = self.peek()[1]
            if op in ("-", "+"):
                self.take()
                value, cost = self.unary()
                return (-value if op == "-" else value), cost
            return self.power()
        finally:
            self.depth -= 1

    def power(self) -> tuple[Value, Cost]:
        base, cost = self.atom()
        if self.peek()[1] in ("^", "**"):
            self.take()
            exponent, _ = self.unary()
            return self.bounded(*_power(base, cost, exponent, self.fail))
        return base, cost

    def atom(self) -> tuple[Value, Cost]:
        kind, text = self.take()
        if text is None:
            self.fail("it ends too early; something is missing after the last operator")
        if kind == "number":
            number = _read_number_token(text, self.fail)
            return number, _number_cost(number)
        if kind == "name":
            if self.functions and text in _FUNCTIONS and self.peek()[1] == "(":
                return self.function(text)
            if self.functions and text in ("e", "E"):
                import sympy

                return sympy.E, Cost(1, 0, 1)
            if self.names is not None:  # a name that stands for a number is that number: no sympy
                known = self.names(text)
                if isinstance(known, (int, Fraction)):
                    return known, _number_cost(Fraction(known))
            if not self.allow_symbols:
                self.fail(f"'{_clip(text, 30)}' is a name, and only numbers are allowed here")
            if text.lower() in _NOT_NUMBERS:  # nan, inf, oo: a float's non-values, not a symbol to carry along
                self.fail(f"'{text}' is not a number; every value here is exact, so write a number "
                          "(or a name such as x for a symbol)")
            import sympy

            return sympy.Symbol(text), _SYMBOL_COST
        if text == "(":
            value, cost = self.sum()
            if self.take()[1] != ")":
                self.fail("a '(' is never closed; add ')'")
            return value, cost
        self.fail(f"unexpected '{text}'")


    def function(self, name: str) -> tuple[Value, Cost]:
        """exp(x), ln(x) or log(x) (natural), exactly: exp(2) stays exp(2)."""
        import sympy

        self.take()
        argument, cost = self.sum()
        if self.take()[1] != ")":
            self.fail("a '(' is never closed; add ')'")
        if getattr(argument, "free_symbols", None):
            self.fail(f"{name}() of a formula is not supported; give a number inside")
        if abs(float(argument)) > MAX_EXPONENT:
            self.fail(f"{name}() of a number larger than {MAX_EXPONENT} (docs/limits.md)")
        if name != "exp" and argument <= 0:
            self.fail(f"{name}() of {argument} is undefined; the logarithm needs a positive number")
        value = _FUNCTIONS[name](sympy)(to_sympy(argument))
        return value, Cost(cost.bits, 0, 1)


# the functions a student may write where the reference holds e (a softmax, a cross-entropy)
_NOT_NUMBERS = {"nan", "inf", "infinity", "oo", "zoo"}  # names of no number: refused as symbols
_FUNCTIONS = {"exp": lambda sympy: sympy.exp, "ln": lambda sympy: sympy.log, "log": lambda sympy: sympy.log}


def _read_number_token(text: str, fail: Fail) -> Fraction:
    """A decimal literal such as 0.25 or 1e-3, exactly.  Its size is checked
    before 10^exponent is formed, so 1e999999 costs nothing.

    >>> _read_number_token("0.25", None), _read_number_token("1e-3", None), _read_number_token("0e99999", None)
    (Fraction(1, 4), Fraction(1, 1000), Fraction(0, 1))
    """
    match = _NUMBER.fullmatch(text)
    assert match is not None, text  # the tokenizer read a number
    whole, fraction, exponent = match.groups()
    fraction = fraction or ""
    digits = (whole + fraction).lstrip("0")
    if not digits:
        return Fraction(0)
    if exponent is not None and len(exponent.lstrip("+-").lstrip("0")) > 6:
        shift = None  # an exponent of a million or more: far past any limit
    else:
        shift = int(exponent or 0) - len(fraction)  # the value is digits * 10^shift
    if shift is None or len(digits) + max(shift, 0) > MAX_DIGITS or -shift > MAX_DIGITS:
        fail(f"the number {_clip(text, 20)} has more than {MAX_DIGITS:,} digits; "
             f"numbers are limited to {MAX_DIGITS:,} digits (docs/limits.md)")
    if shift >= 0:
        return Fraction(int(digits) * 10**shift)
    return Fraction(int(digits), 10**-shift)


def _divide(a: Value, b: Value) -> Value:
    if isinstance(a, (int, Fraction)) and isinstance(b, (int, Fraction)):
        return Fraction(a) / Fraction(b)
    import sympy

    return sympy.sympify(to_sympy(a)) / to_sympy(b)


def _power(base: Value, cost: Cost, exponent: Value, fail: Fail) -> tuple[Value, Cost]:
    exponent = normalize(exponent)
    if not isinstance(exponent, int):
        fail("only whole-number exponents are allowed")
    if abs(exponent) > MAX_EXPONENT:
        fail(f"the exponent {exponent} is larger than {MAX_EXPONENT}")
    n = abs(exponent)
    if isinstance(base, (int, Fraction)):
        if base == 0 and exponent < 0:
            fail("division by zero")
        # checked before it is computed: 7^1000 has 846 digits, 99^1000 would have 1996
        if cost.bits > 1 and (cost.bits - 1) * n > _MAX_BITS:
            fail(f"the power has more than {MAX_DIGITS:,} digits (docs/limits.md)")
        value = Fraction(base) ** exponent
        return value, _number_cost(value)
    return to_sympy(base) ** exponent, Cost(cost.bits * max(n, 1), cost.degree * n, _power_terms(cost.terms, n))


def formula_cost(value: Value) -> Cost:
    """The :class:`Cost` of a sympy expression, bounded from its tree as the parser bounds text.

    >>> import sympy
    >>> H = sympy.Symbol("H")
    >>> formula_cost((H + 1) ** 4096).degree, formula_cost(3 * H + 2).terms
    (4096, 2)
    """
    if isinstance(value, (int, Fraction)):
        return _number_cost(Fraction(value))
    if value.is_Rational:
        return _number_cost(Fraction(int(value.p), int(value.q)))
    if value.is_Symbol or value.is_number:
        return _SYMBOL_COST if value.is_Symbol else Cost(1, 0, 1)
    parts = [formula_cost(arg) for arg in value.args]
    if value.is_Add:
        return Cost(max(p.bits for p in parts) + len(parts), max(p.degree for p in parts), sum(p.terms for p in parts))
    if value.is_Mul:
        return Cost(sum(p.bits for p in parts), sum(p.degree for p in parts), math.prod(min(p.terms, MAX_TERMS + 1)
                                                                                       for p in parts))
    if value.is_Pow and value.exp.is_Integer:
        n = abs(int(value.exp)) if abs(value.exp) <= 10**6 else 10**6
        base = parts[0]
        return Cost(base.bits * max(n, 1), base.degree * n, _power_terms(base.terms, n))
    # floor, ceiling, Min, Max, exp, a symbolic power: no expansion through them, but their arguments count
    return Cost(max(p.bits for p in parts), max(p.degree for p in parts), sum(p.terms for p in parts))


def check_value(value: Value, what: str = "the value") -> Value:
    """A computed exact value (a number or a formula) within the limits of one value, or an InputError."""
    if isinstance(value, (int, Fraction)):
        return check_number(value, what)
    cost = formula_cost(value)
    if cost.degree > MAX_DEGREE or cost.terms > MAX_TERMS or cost.bits > _MAX_BITS:
        raise InputError(f"{what} grows past the limits of a formula (degree {MAX_DEGREE}, {MAX_TERMS:,} terms, "
                         f"{MAX_DIGITS:,}-digit coefficients; docs/limits.md)")
    return value


def parse_scalar(text: object, allow_symbols: bool = True, names: Callable[[str], Any] | None = None,
                 functions: bool = False) -> Value:
    """Parse one exact value from text (or pass a number through).

    ``names``, if given, maps a name to the number it stands for (or None):
    such a name is read as its number, and no sympy object is built.
    ``functions`` reads ``e`` as Euler's number and allows exp(), ln() and log()
    (natural) of a number: a student's exact softmax or cross-entropy.

    >>> parse_scalar("e/(e + e^2 + e^3)", functions=True)
    E/(E + exp(2) + exp(3))

    >>> parse_scalar("units / 2", names={"units": 290400}.get)
    145200
    >>> parse_scalar("-3"), parse_scalar("13.75"), parse_scalar("2^3")
    (-3, Fraction(55, 4), 8)
    >>> parse_scalar("__import__('os')")
    Traceback (most recent call last):
    ...
    cnncalc.errors.InputError: '__import__('os')' has the character ''' that is not part of a number or formula;
    use digits, '.', '/', '+', '-', '*', '^', parentheses and names such as w11
    >>> parse_scalar("1e999999")
    Traceback (most recent call last):
    ...
    cnncalc.errors.InputError: '1e999999' is not a valid number or formula: the number 1e999999 has more than
    1,000 digits; numbers are limited to 1,000 digits (docs/limits.md)
    """
    if isinstance(text, bool):
        raise InputError(f"'{text}' is a yes/no value, not a number; write a number such as 1")
    if isinstance(text, (int, Fraction)):
        return normalize(check_number(text))
    if isinstance(text, float):
        # A float from a file or YAML means its shortest decimal: 0.1 is 1/10.
        if text != text or text in (float("inf"), float("-inf")):
            raise InputError(f"'{text}' is not a finite number; use a number such as 0 or 1")
        return normalize(Fraction(repr(text)))
    if not isinstance(text, str):
        if hasattr(text, "free_symbols"):  # already a sympy expression
            return normalize(text)
        if hasattr(text, "item") and hasattr(text, "dtype"):  # a numpy scalar
            plain = text.item()
            if isinstance(plain, (bool, int, float)):
                return parse_scalar(plain, allow_symbols)
            raise InputError(f"a value of type {text.dtype} is not supported; use integers or float64")
        raise InputError(f"'{_clip(repr(text))}' is not a number; write a number such as 3 or 1/9")
    if len(text) > MAX_LENGTH:
        raise InputError(
            f"a value of {len(text):,} characters is longer than {MAX_LENGTH:,}; write one number per cell"
        )
    if _PLAIN_INTEGER.fullmatch(text):
        return int(text)
    fraction = _PLAIN_FRACTION.fullmatch(text)
    if fraction:
        return normalize(Fraction(int(fraction.group(1)), int(fraction.group(2))))
    decimal = _PLAIN_DECIMAL.fullmatch(text)
    if decimal:
        sign, whole, places = decimal.groups()
        return normalize(Fraction(int(sign + whole + places), 10 ** len(places)))
    return _Parser(text, allow_symbols, names, functions).parse()


def _clip(text: str, width: int = 80) -> str:
    """Long text cut for a message, with a visible mark."""
    return text if len(text) <= width else text[:width - 3] + "..."
