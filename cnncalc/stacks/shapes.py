"""Tensor shapes of one example (no batch axis), and how to write numbers.

A :class:`Shape` is either an image-like volume -- spatial sizes plus a number
of channels -- or a flat vector of features.  Sizes are ints, or sympy
expressions where a size is a symbol.

>>> s = Shape((55, 55), 96)
>>> s.text(), s.text("chw"), s.units
('55x55x96', '96x55x55', 290400)
>>> s.as_json()
{'height': 55, 'width': 55, 'channels': 96}
>>> Shape((), 4096).as_json()
{'features': 4096}
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from ..canonical import power, scaled
from ..cells import json_value
from ..formula_text import formula_text, term
from ..geometry import AXIS_NAMES, Size


def is_int(*values: object) -> bool:
    """True when every value is a plain int (the fast, exact path)."""
    return all(type(v) is int for v in values)


def product(values: Iterable[Size]) -> Size:
    """Product of sizes (ints, or sympy expressions).

    >>> product((55, 55, 96))
    290400
    """
    values = tuple(values)
    if is_int(*values):
        return math.prod(values)
    import sympy

    # one sympy product of the symbolic factors, the whole ones as its coefficient:
    # multiplying in turn would build (and simplify) each partial product
    count = math.prod(v for v in values if is_int(v))
    symbolic = [sympy.sympify(v) for v in values if not is_int(v)]
    if all(v == symbolic[0] for v in symbolic[1:]):  # a square's H x W: the power sympy's product would give
        return times(count, symbolic[0] if len(symbolic) == 1 else power(symbolic[0], len(symbolic)))
    return times(count, sympy.Mul(*symbolic))


def times(count: Size, size: Size) -> Size:
    """count x size, exactly: ints multiply; a whole count times a symbolic
    product takes sympy's form directly (:func:`cnncalc.canonical.scaled`), as
    units, MACs and memory are such products at every layer.

    >>> times(96, 55 * 55)
    290400
    >>> import sympy
    >>> N = sympy.Symbol("N", integer=True, positive=True)
    >>> times(8, 3 * (sympy.floor(N / 2) + 1) ** 2)
    24*(floor(N/2) + 1)**2
    """
    if is_int(count, size):
        return count * size
    if is_int(count) and count >= 0 and not isinstance(size, int):
        return scaled(count, size)
    return count * size


def fmt(value: Size | Fraction) -> str:
    """A result for people: ints with thousands separators, symbols as formulas.

    >>> fmt(290400), fmt(Fraction(1, 2))
    ('290,400', '1/2')
    """
    if is_int(value):
        return f"{value:,}"
    if isinstance(value, Fraction):
        return str(value) if value.denominator != 1 else f"{value.numerator:,}"
    return formula_text(value)


def human(value: Size) -> str:
    """Two significant digits, as the course writes memory: 3.2M, 150K (display only).

    >>> human(224 * 224 * 64), human(224 * 224 * 3), human(112 * 112 * 64), human(4096)
    ('3.2M', '150K', '800K', '4.1K')
    """
    if not is_int(value):
        return str(value)
    digits = len(str(abs(value)))
    if digits <= 3:
        return str(value)
    rounded = round(value, 2 - digits)
    for size, suffix in ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "K")):
        if abs(rounded) >= size:
            q = Fraction(rounded, size)
            text = str(q.numerator) if q.denominator == 1 else f"{float(q):.1f}"
            return text + suffix
    return str(value)


@dataclass(frozen=True)
class Shape:
    """One example's tensor: ``spatial`` sizes (empty when flat) and ``channels``
    (the number of features when flat)."""

    spatial: tuple[Size, ...]
    channels: Size

    @property
    def flat(self) -> bool:
        return not self.spatial

    @property
    def ndim(self) -> int:
        return len(self.spatial)

    @cached_property
    def units(self) -> Size:
        """Number of values: H x W x C (the course's "number of units");
        computed once per shape (a symbolic product is a sympy operation)."""
        return product((*self.spatial, self.channels))

    def dims(self, layout: str = "hwc") -> tuple:
        """The sizes in display order."""
        if self.flat:
            return (self.channels,)
        if layout == "chw":
            return (self.channels, *self.spatial)
        return (*self.spatial, self.channels)

    def text(self, layout: str = "hwc") -> str:
        dims = self.dims(layout)
        if is_int(*dims):
            return "x".join(map(str, dims))
        return " x ".join(term(v) for v in dims)

    def names(self) -> tuple:
        if self.flat:
            return ("features",)
        return (*AXIS_NAMES.get(self.ndim, tuple(f"axis{i}" for i in range(self.ndim))), "channels")

    def as_json(self) -> dict:
        values = (*self.spatial, self.channels)
        return {name: json_value(v) for name, v in zip(self.names(), values)}
