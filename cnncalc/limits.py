"""How large a calculation may be: the engine's bounds on arrays and work.

Every bound is checked from the sizes alone, before memory is allocated or a
loop starts, so an input past it costs a one-line error instead of minutes or
gigabytes.  docs/limits.md lists these with the limits of single values
(:mod:`cnncalc.expr`), files (:mod:`cnncalc.readers`) and layer stacks.

>>> check_count(4 * 4, MAX_VALUES, "the padded input")
>>> check_count(40002 * 40002, MAX_VALUES, "the padded input", "use less padding")
Traceback (most recent call last):
...
cnncalc.errors.ShapeError: the padded input has 1,600,160,004 values, more than the limit of 10,000,000 (docs/limits.md); use less padding
"""

from __future__ import annotations

from .errors import ShapeError

#: values in one array: an input, a padded input, a result (10,000,000 int64 values are 80 MB)
MAX_VALUES = 10_000_000
#: multiply-adds or window reads of one convolution or pooling on int64 or float BLAS
MAX_WORK = 4_000_000_000
#: cells of a convolution's window matrix (im2col: window cells x output positions; 800 MB as float32)
MAX_WINDOW_MATRIX = 200_000_000
#: the same where values pass 2^62 and the engine computes with Python integers (~100x slower)
MAX_BIG_WORK = 40_000_000
#: products or values written out by an explanation of every cell (--explain, an exercise's steps)
MAX_EXPLAINED_TERMS = 200_000
#: values of an array held as sympy objects: one with symbols, or the input of sigmoid/tanh/softmax
MAX_SYMBOLIC_VALUES = 20_000
#: terms of one result built with sympy (a convolution, pooling or dense layer over symbols)
MAX_SYMBOLIC_TERMS = 200_000
#: softmax and log-softmax: values x row length (each value's JSON names its whole row; the terminal names
#: the row's sum once); a row of 1,000 values is 1,000,000
MAX_SOFTMAX_TERMS = 2_000_000


def check_count(count: int, limit: int, what: str, fix: str = "", unit: str = "values") -> None:
    """Raise a one-line :class:`ShapeError` when ``count`` is past ``limit``."""
    if count > limit:
        raise ShapeError(f"{what} has {count:,} {unit}, more than the limit of {limit:,} (docs/limits.md)"
                         + (f"; {fix}" if fix else ""))

MAX_SEED = 2**63 - 1  # a variant's seed: 0 to this (generate --seed, export --seed, grade --template --seed)
