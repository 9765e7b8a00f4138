"""Exact arrays: the value type every operation of the engine takes and returns.

An :class:`Exact` array is either

* **rational**: integer numerators (a numpy ``int64`` array, or ``object`` of
  Python ints once magnitudes pass 2^62) over **one** shared positive
  denominator.  1/9, 0.25 and 103/9 are all exact, and arithmetic stays in
  vectorised integer form: building a ``Fraction`` per element would cost far
  more than the convolution itself, so values are reduced only when shown;
* **symbolic**: a numpy ``object`` array of sympy expressions, used as soon as
  a symbol (``a``, ``w11``) appears.

>>> x = Exact.from_nested([[0, 80], [20, 40]])
>>> k = Exact.from_nested([["1/9", "0.25"], [1, 0]])
>>> k.denominator, k.numerators.tolist()
(36, [[4, 9], [36, 0]])
>>> k.tolist()
[[Fraction(1, 9), Fraction(1, 4)], [1, 0]]
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Iterable

import numpy as np

from .errors import InputError
from .expr import normalize, parse_scalar

INT64_SAFE = 2**62  # numerators at or above this move to Python ints (object dtype)


def _is_symbolic(value) -> bool:
    return not isinstance(value, (int, Fraction))


def max_abs(numerators: np.ndarray) -> int:
    """Largest magnitude in an integer array, as a Python int (0 when empty)."""
    if numerators.size == 0:
        return 0
    if numerators.dtype == object:  # Python ints: compare them in numpy's loop, no abs() per element
        return max(int(numerators.max()), -int(numerators.min()))
    return max(int(numerators.max()), -int(numerators.min()))  # two reductions, no |x| temporary


def fit_integers(numerators: np.ndarray) -> np.ndarray:
    """Store exact integers as int64 when they fit comfortably, else as Python ints."""
    if numerators.dtype == object:
        return numerators.astype(np.int64) if max_abs(numerators) < INT64_SAFE else numerators
    if numerators.dtype.kind in "iu":
        if numerators.dtype == np.uint64 and numerators.size and int(numerators.max()) >= INT64_SAFE:
            return numerators.astype(object)
        return numerators.astype(np.int64, copy=False)
    raise TypeError(f"expected an integer array, got {numerators.dtype}")


def scale(numerators: np.ndarray, factor: int) -> np.ndarray:
    """numerators * factor, exactly: int64 while it fits, Python ints beyond."""
    if factor == 1:
        return numerators
    if numerators.dtype != object and max_abs(numerators) * abs(factor) < INT64_SAFE:
        return numerators * np.int64(factor)
    return numerators.astype(object) * factor


class Exact:
    """An n-dimensional array of exact values (see the module docstring)."""

    __slots__ = ("numerators", "denominator", "symbols")

    def __init__(self, numerators=None, denominator: int = 1, symbols=None):
        if symbols is not None:
            self.numerators, self.denominator, self.symbols = None, 1, symbols
            return
        if denominator <= 0:
            raise ValueError("the shared denominator must be positive")
        self.numerators = fit_integers(np.asarray(numerators))
        self.denominator = int(denominator)
        self.symbols = None

    # construction ---------------------------------------------------------------

    @classmethod
    def from_nested(cls, values: Any, allow_symbols: bool = True) -> "Exact":
        """Build from nested lists of numbers, fractions, strings such as "1/9" or
        names such as "w11", or from a numpy array.

        >>> Exact.from_nested([[1, 2], [3]])
        Traceback (most recent call last):
        ...
        cnncalc.errors.InputError: the matrix is ragged: row 2 has 1 value where row 1 has 2; give every row the same number of values
        """
        if isinstance(values, Exact):
            return values
        if isinstance(values, np.ndarray):
            if values.dtype.kind in "iub":
                return cls(values.astype(np.int64) if values.dtype.kind == "b" else values)
            if values.dtype.kind == "f":
                return cls.from_binary_floats(values)
            values = values.tolist()
        shape = _nested_shape(values)
        flat = [parse_scalar(v, allow_symbols) for v in _flatten(values, len(shape))]
        return cls.from_flat(flat, shape)

    @classmethod
    def from_binary_floats(cls, array: np.ndarray) -> "Exact":
        """A float array (a .npy file, numpy data) read exactly: every float is
        m * 2^e with an integer m, so the array is integers over one power of two.

        A typed 0.1 means 1/10; a stored float 0.1 is the binary fraction
        3602879701896397/36028797018963968 that the machine holds, and that is
        the value torch computes with.  No decimal string is ever made.

        >>> Exact.from_binary_floats(np.array([0.25, -3.0, 0.375])).tolist()
        [Fraction(1, 4), -3, Fraction(3, 8)]
        >>> Exact.from_binary_floats(np.array([0.1])).tolist()
        [Fraction(3602879701896397, 36028797018963968)]
        """
        wide = np.asarray(array, dtype=np.float64)  # float16/32 widen exactly
        if not np.isfinite(wide).all():
            bad = wide[~np.isfinite(wide)].flat[0]
            raise InputError(f"the array holds {bad}, which is not a finite number; replace it with a number")
        fraction, exponent = np.frexp(wide)  # x = fraction * 2^exponent, 1/2 <= |fraction| < 1
        mantissa = (fraction * 2.0**53).astype(np.int64)  # exact: 53 bits
        exponent = exponent.astype(np.int64) - 53
        nonzero = mantissa != 0
        if not nonzero.any():
            return cls(np.zeros(wide.shape, dtype=np.int64))
        # drop trailing zero bits (float32 data has 29 of them): the common
        # denominator is then only as large as the data needs
        lowest_bit = np.where(nonzero, mantissa & -mantissa, 1)
        zeros = np.frexp(lowest_bit.astype(np.float64))[1].astype(np.int64) - 1
        mantissa >>= zeros
        exponent += zeros
        low = int(exponent[nonzero].min())
        shift = np.where(nonzero, exponent - min(low, 0), 0)
        bits = int((np.frexp(np.abs(mantissa).astype(np.float64))[1] + shift).max())
        if bits < 62:
            numerators = mantissa << shift
        else:  # magnitudes past 2^62 (or tiny values next to large ones): Python ints
            numerators = mantissa.astype(object) << shift.astype(object)
        return cls(numerators, 1 << max(-low, 0))

    @classmethod
    def from_flat(cls, flat: list, shape: tuple) -> "Exact":
        """Build from a flat list of exact scalars (int, Fraction, sympy) and a shape."""
        flat = [normalize(v) for v in flat]
        if any(_is_symbolic(v) for v in flat):
            import sympy

            objects = np.empty(len(flat), dtype=object)
            objects[:] = [sympy.Rational(v.numerator, v.denominator) if isinstance(v, Fraction)
                          else sympy.Integer(v) if isinstance(v, int) else v for v in flat]
            return cls(symbols=objects.reshape(shape))
        denominator = 1
        for v in flat:
            if isinstance(v, Fraction):
                denominator = math.lcm(denominator, v.denominator)
        if denominator == 1:
            numerators = _int_array(flat)
        else:
            numerators = _int_array([int(v * denominator) for v in flat])
        return cls(numerators.reshape(shape), denominator)

    # properties -----------------------------------------------------------------

    @property
    def is_symbolic(self) -> bool:
        return self.symbols is not None

    @property
    def data(self) -> np.ndarray:
        """The underlying array: numerators, or sympy objects."""
        return self.symbols if self.is_symbolic else self.numerators

    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    def __repr__(self) -> str:
        return f"Exact(shape={self.shape}, values={self.tolist()})"

    # reshaping keeps the denominator --------------------------------------------

    def _with(self, data: np.ndarray) -> "Exact":
        if self.is_symbolic:
            return Exact(symbols=data)
        out = Exact.__new__(Exact)
        out.numerators, out.denominator, out.symbols = data, self.denominator, None
        return out

    def reshape(self, *shape) -> "Exact":
        return self._with(self.data.reshape(*shape))

    def transform(self, fn) -> "Exact":
        """Apply a pure re-indexing (slice, flip, transpose) to the underlying array."""
        return self._with(fn(self.data))

    def __getitem__(self, index):
        part = self.data[index]
        if isinstance(part, np.ndarray):
            return self._with(part)
        return self._scalar(part)

    def _scalar(self, value):
        if self.is_symbolic:
            return normalize(value)
        return normalize(Fraction(int(value), self.denominator))

    # conversions ----------------------------------------------------------------

    def as_symbolic(self) -> "Exact":
        """The same values as sympy objects (for mixing with symbols)."""
        if self.is_symbolic:
            return self
        import sympy

        d = self.denominator
        objects = np.empty(self.size, dtype=object)
        objects[:] = [sympy.Rational(int(n), d) for n in self.numerators.flat]
        return Exact(symbols=objects.reshape(self.shape))

    def reduced(self) -> "Exact":
        """Divide numerators and denominator by their common factor (one pass)."""
        if self.is_symbolic or self.denominator == 1:
            return self
        if self.numerators.dtype == object:
            g = math.gcd(self.denominator, *map(int, self.numerators.flat))
        else:
            g = math.gcd(self.denominator, int(np.gcd.reduce(self.numerators, axis=None)))
        if g <= 1:
            return self
        return Exact(self.numerators // g, self.denominator // g)

    def values(self) -> np.ndarray:
        """An object array of exact scalars: int, Fraction or sympy expressions."""
        if self.is_symbolic:
            out = np.empty(self.size, dtype=object)
            out[:] = [normalize(v) for v in self.symbols.flat]
            return out.reshape(self.shape)
        d = self.denominator
        out = np.empty(self.size, dtype=object)
        if d == 1:
            out[:] = [int(v) for v in self.numerators.flat]
        else:
            out[:] = [normalize(Fraction(int(v), d)) for v in self.numerators.flat]
        return out.reshape(self.shape)

    def tolist(self):
        """Nested lists of exact scalars (int, Fraction, sympy)."""
        return self.values().tolist()

    def to_float(self) -> np.ndarray:
        """A float64 view for plotting or comparison (never used for results)."""
        if self.is_symbolic:
            return np.array([float(v) for v in self.symbols.flat]).reshape(self.shape)
        if self.numerators.dtype == object:
            return np.array([Fraction(int(n), self.denominator) for n in self.numerators.flat],
                            dtype=float).reshape(self.shape)
        return self.numerators / self.denominator

    def equals(self, other: "Exact") -> bool:
        """Exact, element-wise equality of two arrays of the same shape."""
        if self.shape != other.shape:
            return False
        if not self.is_symbolic and not other.is_symbolic:
            left = scale(self.numerators, other.denominator)
            right = scale(other.numerators, self.denominator)
            return bool(np.all(left == right))
        import sympy

        a, b = self.as_symbolic().symbols.flat, other.as_symbolic().symbols.flat
        return all(sympy.simplify(x - y) == 0 for x, y in zip(a, b))


def _int_array(flat: list) -> np.ndarray:
    big = any(abs(v) >= INT64_SAFE for v in flat)
    return np.array(flat, dtype=object if big else np.int64)


def _nested_shape(values) -> tuple:
    """Shape of nested lists, with a clear error for ragged ones."""
    if not isinstance(values, (list, tuple)):
        return ()
    if len(values) == 0:
        raise InputError("the matrix is empty; give at least one value")
    shapes = [_nested_shape(v) for v in values]
    first = shapes[0]
    for row, shape in enumerate(shapes[1:], start=2):
        if shape != first:
            if len(first) == 1 and len(shape) == 1:
                raise InputError(
                    f"the matrix is ragged: row {row} has {shape[0]} value{'s' * (shape[0] != 1)} "
                    f"where row 1 has {first[0]}; give every row the same number of values"
                )
            raise InputError(
                f"the array is ragged: part {row} has shape {'x'.join(map(str, shape)) or 'scalar'} "
                f"where part 1 has {'x'.join(map(str, first)) or 'scalar'}; give all parts the same shape"
            )
    return (len(values),) + first


def _flatten(values, depth: int) -> Iterable:
    if depth == 0:
        yield values
        return
    for v in values:
        yield from _flatten(v, depth - 1)

