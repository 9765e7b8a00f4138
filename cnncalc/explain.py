"""Derivations: the steps a student writes for each output cell.

A step lists the window, the products (or the values pooled) and the value
from the result itself: explaining is a way of reading a result, never a
second computation of it.

>>> from cnncalc.conv import conv
>>> r = conv("0 80 40; 20 40 0; 0 0 40", "0 0.25; 0.5 1", flip=True)
>>> step = conv_steps(r, [(0, 0)])[0]
>>> [(str(t.weight), t.value) for t in step.terms]
[('1', 0), ('1/2', 80), ('1/4', 20), ('0', 40)]
>>> step.value
45
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .conv import ConvResult
from .errors import ShapeError
from .expr import Value
from .limits import MAX_EXPLAINED_TERMS, check_count
from .pool import PoolResult


@dataclass(frozen=True)
class Term:
    """One product weight x value of a window; ``padding`` marks a padded zero."""

    weight: Value
    value: Value
    index: tuple  # canonical index into the padded input (n, c, *spatial)
    padding: bool


@dataclass(frozen=True)
class ConvStep:
    cell: tuple  # index into the result's output (0-based)
    origin: tuple  # top-left corner of the window in the padded input (spatial, 0-based)
    filter: int
    terms: tuple
    bias: Value | None
    value: Value


@dataclass(frozen=True)
class PoolStep:
    cell: tuple
    origin: tuple  # window start in the unpadded input (may be negative: padding)
    op: str
    values: tuple  # (index, value) of the input cells inside the window, padding left out
    divisor: int | None
    value: Value


def all_cells(shape: Sequence[int]) -> list[tuple]:
    return list(np.ndindex(*shape))


def parse_cell(text: str, shape: Sequence[int]) -> tuple:
    """A 1-based cell such as "1,2" (row 1, column 2) -> a 0-based index.

    >>> parse_cell("1,2", (2, 2))
    (0, 1)
    """
    try:
        parts = [int(p) for p in str(text).replace(" ", "").split(",") if p]
    except ValueError:
        raise ShapeError(f"cell '{text}' is not a list of whole numbers; write ROW,COLUMN counted from 1, e.g. 1,2") from None
    if len(parts) != len(shape):
        raise ShapeError(
            f"cell '{text}' has {len(parts)} number{'s' * (len(parts) != 1)} but the output has {len(shape)} "
            f"axes ({'x'.join(map(str, shape))}); give one index per axis, counted from 1"
        )
    for p, n in zip(parts, shape):
        if not 1 <= p <= n:
            raise ShapeError(f"cell '{text}' is outside the {'x'.join(map(str, shape))} output; "
                             "indices run from 1 to the size of each axis")
    return tuple(p - 1 for p in parts)


def terms_per_cell(result: ConvResult | PoolResult) -> int:
    """Products (convolution) or values (pooling) one step lists, at most."""
    window = math.prod(result.spec.kernel)
    return result.kernel.shape[1] * window if isinstance(result, ConvResult) else window


def explainable_cells(result: ConvResult | PoolResult) -> tuple[list, int]:
    """The first output cells whose steps fit MAX_EXPLAINED_TERMS, and how many cells are left out."""
    count = max(1, MAX_EXPLAINED_TERMS // terms_per_cell(result))
    cells = all_cells(result.output.shape)
    return cells[:count], max(0, len(cells) - count)


def _all_cells_checked(result: ConvResult | PoolResult) -> list:
    cells = math.prod(result.output.shape)
    check_count(cells * terms_per_cell(result), MAX_EXPLAINED_TERMS,
                f"explaining all {cells:,} cells", "explain single cells with --cell ROW,COL", unit="terms")
    return all_cells(result.output.shape)


def conv_steps(result: ConvResult, cells: Iterable[tuple] | None = None) -> list[ConvStep]:
    """The derivation of the given output cells (all by default, within MAX_EXPLAINED_TERMS)."""
    cells = _all_cells_checked(result) if cells is None else list(cells)
    padded, kernel, spec = result.padded, result.kernel, result.spec
    pads = [p.before for p in spec.padding]
    spatial = padded.shape[2:]
    f_per_group = kernel.shape[0] // result.groups
    c_per_group = kernel.shape[1]
    steps = []
    for cell in cells:
        n, f, *o = result.canonical_index(cell)
        origin = tuple(oi * s for oi, s in zip(o, spec.stride))
        g = f // f_per_group
        terms = []
        for c in range(c_per_group):
            for k in np.ndindex(*spec.kernel):
                position = tuple(org + ki * d for org, ki, d in zip(origin, k, spec.dilation))
                index = (n, g * c_per_group + c) + position
                is_pad = any(p < before or p >= size - after
                             for p, before, size, after in zip(position, pads, spatial,
                                                               [q.after for q in spec.padding]))
                terms.append(Term(kernel[(f, c) + k], padded[index], index, is_pad))
        bias = result.bias[f] if result.bias is not None else None
        steps.append(ConvStep(tuple(cell), origin, f, tuple(terms), bias, result.output[tuple(cell)]))
    return steps


def pool_steps(result: PoolResult, cells: Iterable[tuple] | None = None) -> list[PoolStep]:
    """The derivation of the given pooled cells (all by default, within MAX_EXPLAINED_TERMS)."""
    cells = _all_cells_checked(result) if cells is None else list(cells)
    steps = []
    for cell in cells:
        index = result.canonical_index(cell)
        origin = tuple(oi * s - p.before for oi, s, p in zip(index[2:], result.spec.stride, result.spec.padding))
        values = tuple((i, result.input[i]) for i in result.window_cells(index))
        divisor = int(result.divisors[tuple(index[2:])]) if result.divisors is not None else None
        steps.append(PoolStep(tuple(cell), origin, result.op, values, divisor, result.output[tuple(cell)]))
    return steps
