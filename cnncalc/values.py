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
import re
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from typing import Any, overload

import numpy as np

from .errors import InputError
from .expr import Value, normalize, parse_scalar
from .limits import MAX_SYMBOLIC_VALUES, MAX_VALUES, check_count
from .rationals import to_sympy

INT64_SAFE = 2**62  # numerators at or above this move to Python ints (object dtype)
# Inputs have at most expr.MAX_DIGITS digits; results of a few operations on them may have more, but
# never past what Python prints (4,300 digits): a longer value is refused rather than unprintable.
MAX_DIGITS_RESULT = 4000
_RESULT_TOO_BIG = 10**MAX_DIGITS_RESULT
MAX_NESTING = 8  # levels of nested lists in a matrix (arrays have at most 5 axes)
_SYMBOLS_FIX = "use numbers, or a smaller array: sympy needs milliseconds per value"


def _is_symbolic(value: Value) -> bool:
    return not isinstance(value, (int, Fraction))


def max_abs(numerators: np.ndarray) -> int:
    """Largest magnitude in an integer array, as a Python int (0 when empty)."""
    if numerators.size == 0:
        return 0
    # two reductions (Python ints compared in numpy's loop), no |x| temporary; and not np.abs:
    # the absolute value of int64's -2^63 overflows back to -2^63
    return max(int(numerators.max()), -int(numerators.min()))


def fit_integers(numerators: np.ndarray) -> np.ndarray:
    """Store exact integers as int64 when they fit comfortably, else as Python ints.

    Every int64 array the engine keeps has magnitudes below 2^62, whatever its
    source (a .npy file may hold -2^63): the overflow bounds of sums and
    products below count on it.

    >>> fit_integers(np.array([-2**63, 0])).dtype, fit_integers(np.array([1, 2], dtype=object)).dtype
    (dtype('O'), dtype('int64'))
    """
    if numerators.dtype == object:
        biggest = max_abs(numerators)
        if biggest < INT64_SAFE:
            return numerators.astype(np.int64)
        if biggest >= _RESULT_TOO_BIG:
            raise InputError(f"a value grows past {MAX_DIGITS_RESULT:,} digits; the engine keeps values "
                             f"below {MAX_DIGITS_RESULT:,} digits (docs/limits.md): use smaller numbers")
        return numerators
    if numerators.dtype.kind in "iu":
        if numerators.size and (int(numerators.max()) >= INT64_SAFE
                                or numerators.dtype.kind == "i" and int(numerators.min()) <= -INT64_SAFE):
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


def add_bias(values: Exact, bias: Exact, shape: tuple[int, ...]) -> Exact:
    """``values`` plus ``bias`` reshaped to ``shape`` (one value per filter or per output),
    exactly: P/dp + B/db = (P*db + B*dp)/(dp*db), integers throughout.

    >>> x = Exact.from_nested([[1, 2], [3, 4]])
    >>> add_bias(x, Exact.from_nested(["1/2", -1]), (-1, 1)).tolist()      # one bias per row
    [[Fraction(3, 2), Fraction(5, 2)], [2, 3]]
    """
    if values.is_symbolic or bias.is_symbolic:
        return Exact(symbols=values.as_symbolic().symbols + bias.as_symbolic().symbols.reshape(shape))
    total = scale(values.numerators, bias.denominator) + scale(bias.numerators, values.denominator).reshape(shape)
    return Exact(total, values.denominator * bias.denominator)


def pad_integers(numerators: np.ndarray, widths: Sequence[tuple[int, int]], fill: int = 0) -> np.ndarray:
    """np.pad with a constant, keeping Python ints Python ints.

    (np.pad fills an object array with numpy int64 scalars, and an int64 plus
    a Python int past 2^63 then overflows silently.)

    >>> [type(v).__name__ for v in pad_integers(np.array([2**70], dtype=object), [(1, 0)]).flat]
    ['int', 'int']
    """
    if numerators.dtype != object:
        return np.pad(numerators, widths, constant_values=fill)
    shape = tuple(n + before + after for n, (before, after) in zip(numerators.shape, widths))
    out = np.empty(shape, dtype=object)
    out.fill(int(fill))
    out[tuple(slice(before, before + n) for n, (before, _) in zip(numerators.shape, widths))] = numerators
    return out


class Exact:
    """An n-dimensional array of exact values (see the module docstring)."""

    __slots__ = ("numerators", "denominator", "symbols")
    # One of the two arrays holds the values, the other is None: is_symbolic says which, and the
    # engine reads numerators only where it is False (typed as set: a check guards every use).
    numerators: np.ndarray  # integers over ``denominator``
    denominator: int
    symbols: np.ndarray  # sympy objects

    def __init__(self, numerators: Any = None, denominator: int = 1, symbols: np.ndarray | None = None) -> None:
        if symbols is not None:
            self.numerators, self.denominator, self.symbols = None, 1, symbols  # type: ignore[assignment]  # symbolic: see the fields
            return
        if denominator <= 0:
            raise ValueError("the shared denominator must be positive")
        if denominator >= _RESULT_TOO_BIG:
            raise InputError(f"a denominator grows past {MAX_DIGITS_RESULT:,} digits; the engine keeps values "
                             f"below {MAX_DIGITS_RESULT:,} digits (docs/limits.md): use simpler fractions")
        self.numerators = fit_integers(np.asarray(numerators))
        self.denominator = int(denominator)
        self.symbols = None  # type: ignore[assignment]  # numeric: see the class's fields

    # construction ---------------------------------------------------------------

    @classmethod
    def bounded(cls, numerators: np.ndarray, denominator: int = 1) -> Exact:
        """An int64 array whose magnitudes a bound proved below 2^53 before it was
        computed (the exact BLAS path checks max|x| * sum|w| first): kept as it is,
        without the scan of every value that :func:`fit_integers` makes.

        >>> Exact.bounded(np.array([380, -280]), 2).tolist()
        [190, -140]
        """
        if numerators.dtype != np.int64:
            return cls(numerators, denominator)
        exact = cls(np.zeros(0, dtype=np.int64), denominator)  # the denominator's checks
        exact.numerators = numerators
        return exact

    @classmethod
    def from_nested(cls, values: Any, allow_symbols: bool = True) -> Exact:
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
            check_count(values.size, MAX_VALUES, f"the {'x'.join(map(str, values.shape))} array")
            if values.dtype.kind in "iub":
                return cls(values.astype(np.int64) if values.dtype.kind == "b" else values)
            if values.dtype.kind == "f":
                return cls.from_binary_floats(values)
            values = values.tolist()
        shape = _nested_shape(values)
        check_count(math.prod(shape), MAX_VALUES, f"the {'x'.join(map(str, shape))} array")
        written = list(_flatten(values, len(shape)))
        plain = _plain_integers(written)
        if plain is not None:
            return cls(plain.reshape(shape))
        flat, symbolic = [], 0
        for v in written:
            value = parse_scalar(v, allow_symbols)
            if not isinstance(value, (int, Fraction)):
                symbolic += 1  # stop early: a million symbols would take minutes to read
                check_count(symbolic, MAX_SYMBOLIC_VALUES, "an array with symbols", _SYMBOLS_FIX,
                            unit="symbolic values")
            flat.append(value)
        return cls.from_flat(flat, shape)

    @classmethod
    def from_binary_floats(cls, array: np.ndarray) -> Exact:
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
    def from_flat(cls, flat: list, shape: tuple) -> Exact:
        """Build from a flat list of exact scalars (int, Fraction, sympy) and a shape."""
        flat = [normalize(v) for v in flat]
        if any(_is_symbolic(v) for v in flat):
            check_count(len(flat), MAX_SYMBOLIC_VALUES, "an array with symbols", _SYMBOLS_FIX)
            objects = np.empty(len(flat), dtype=object)
            objects[:] = [to_sympy(v) for v in flat]
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

    def _with(self, data: np.ndarray) -> Exact:
        if self.is_symbolic:
            return Exact(symbols=data)
        out = Exact.__new__(Exact)
        out.numerators, out.denominator, out.symbols = data, self.denominator, None  # type: ignore[assignment]  # see the fields
        return out

    @overload
    def reshape(self, shape: Sequence[int], /) -> Exact: ...
    @overload
    def reshape(self, *shape: int) -> Exact: ...
    def reshape(self, *shape: Any) -> Exact:
        """numpy's reshape: the sizes as arguments, or as one tuple."""
        return self._with(self.data.reshape(*shape))

    def transform(self, fn: Callable[[np.ndarray], np.ndarray]) -> Exact:
        """Apply a pure re-indexing (slice, flip, transpose) to the underlying array."""
        return self._with(fn(self.data))

    def __getitem__(self, index: Any) -> Any:  # an Exact part, or one Value
        part = self.data[index]
        if isinstance(part, np.ndarray):
            return self._with(part)
        return self._scalar(part)

    def _scalar(self, value: Any) -> Value:
        if self.is_symbolic:
            return normalize(value)
        return normalize(Fraction(int(value), self.denominator))

    # conversions ----------------------------------------------------------------

    def as_symbolic(self) -> Exact:
        """The same values as sympy objects (for mixing with symbols)."""
        if self.is_symbolic:
            return self
        # sigmoid, tanh, softmax and mixing with symbols build one sympy object per value
        check_count(self.size, MAX_SYMBOLIC_VALUES, "exact expressions (sympy) for the array", _SYMBOLS_FIX)
        import sympy

        d = self.denominator
        objects = np.empty(self.size, dtype=object)
        objects[:] = [sympy.Rational(int(n), d) for n in self.numerators.flat]
        return Exact(symbols=objects.reshape(self.shape))

    def reduced(self) -> Exact:
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

    def tolist(self) -> Any:  # nested lists of values (one value for a 0-d array)
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

    def equals(self, other: Exact) -> bool:
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


_PLAIN_INTEGERS = re.compile(r"(?:[+-]?[0-9]{1,18}\n)*[+-]?[0-9]{1,18}")


def _plain_integers(written: list) -> np.ndarray | None:
    """Typed cells that are all plain integers of up to 18 digits, read by numpy in one go
    (a million cells in a tenth of the time of one parse each); None otherwise."""
    if not written or not all(type(v) is str for v in written):
        return None
    if not _PLAIN_INTEGERS.fullmatch("\n".join(written)):
        return None
    return np.array(written, dtype=np.int64)


def _int_array(flat: list) -> np.ndarray:
    big = any(abs(v) >= INT64_SAFE for v in flat)
    return np.array(flat, dtype=object if big else np.int64)


def _nested_shape(values: Any, depth: int = 0) -> tuple[int, ...]:
    """Shape of nested lists, with a clear error for ragged or too deeply nested ones."""
    if not isinstance(values, (list, tuple)):
        return ()
    if depth >= MAX_NESTING:
        raise InputError(f"the array is nested more than {MAX_NESTING} levels deep; "
                         "arrays have at most 5 axes (batch, channels, depth, height, width)")
    if len(values) == 0:
        raise InputError("the matrix is empty; give at least one value")
    shapes = [_nested_shape(v, depth + 1) for v in values]
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


def _flatten(values: Any, depth: int) -> Iterator[Any]:
    if depth == 0:
        yield values
        return
    for v in values:
        yield from _flatten(v, depth - 1)

