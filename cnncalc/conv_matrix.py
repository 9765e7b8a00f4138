"""Convolution as a matrix: a sparse matrix with shared weights.

Lecture 003 writes ``x * (-1, 0, 1)`` as the flattened input times a matrix
whose columns repeat the kernel, shifted by one cell each: a convolution is a
fully-connected layer whose weight matrix is mostly zeros (sparse
interactions) and whose non-zeros are the same few kernel values (parameter
sharing).  Here ``y = M x + b`` with one row of M per output value and one
column per input value (the lecture's ``x · Mᵀ``).

>>> from cnncalc.conv import conv
>>> m = conv_as_matrix(conv("1 2 3 4 5", "-1 0 1"))
>>> m.matrix.tolist()
[[-1, 0, 1, 0, 0], [0, -1, 0, 1, 0], [0, 0, -1, 0, 1]]
>>> m.agrees, m.parameters, m.dense_parameters
(True, 3, 15)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .conv import ConvResult
from .errors import ShapeError
from .values import Exact, add_bias

MAX_ENTRIES = 4_000_000


@dataclass(frozen=True)
class ConvMatrix:
    matrix: Exact  # (outputs, inputs) for one sample
    agrees: bool  # M x + b equals the direct convolution for every sample
    parameters: int  # distinct weights: the kernel's size
    dense_parameters: int  # a fully-connected layer between the same sizes

    def describe(self) -> str:
        rows, cols = self.matrix.shape
        nonzero = int(np.count_nonzero(self.matrix.data != 0))
        check = "equals" if self.agrees else "DIFFERS FROM"
        return (f"As a matrix: y = M x with M of {rows}x{cols} ({nonzero} non-zero entries, "
                f"{self.parameters} shared parameters against {self.dense_parameters} for a dense layer); "
                f"M x {check} the direct convolution")


def conv_as_matrix(result: ConvResult) -> ConvMatrix:
    """Build M from a convolution's kernel and geometry, and check M x + b."""
    x = result.input  # canonical (N, C, *S), unpadded
    kernel, spec = result.kernel, result.spec
    n, c, *sizes = x.shape
    f = kernel.shape[0]
    out_sizes = result.canonical.shape[2:]
    rows, cols = f * math.prod(out_sizes), c * math.prod(sizes)
    if rows * cols > MAX_ENTRIES:
        raise ShapeError(
            f"the matrix would have {rows}x{cols} = {rows * cols:,} entries, more than {MAX_ENTRIES:,}; "
            "use --as-matrix on a smaller input"
        )
    symbolic = kernel.is_symbolic
    weights = kernel.symbols if symbolic else kernel.numerators
    matrix = np.zeros((rows, cols), dtype=object if symbolic or weights.dtype == object else np.int64)
    if symbolic:
        import sympy

        matrix[:] = sympy.Integer(0)
    c_per_group, f_per_group = kernel.shape[1], f // result.groups
    pads = [p.before for p in spec.padding]
    for out_row, (filt, *o) in enumerate(np.ndindex(f, *out_sizes)):
        g = filt // f_per_group
        for ch in range(c_per_group):
            for k in np.ndindex(*spec.kernel):
                position = [oi * s + ki * d - p for oi, s, ki, d, p in zip(o, spec.stride, k, spec.dilation, pads)]
                if all(0 <= p < size for p, size in zip(position, sizes)):
                    column = np.ravel_multi_index((g * c_per_group + ch, *position), (c, *sizes))
                    matrix[out_row, column] += weights[(filt, ch, *k)]
    m = Exact(symbols=matrix) if symbolic else Exact(matrix, kernel.denominator)
    return ConvMatrix(m, _agrees(m, result), int(kernel.size), rows * cols)


def _agrees(m: Exact, result: ConvResult) -> bool:
    x = result.input
    n = x.shape[0]
    expected = result.canonical.reshape(n, -1)
    flat = x.reshape(n, -1)
    if m.is_symbolic or flat.is_symbolic or expected.is_symbolic:
        import sympy

        mm, xs = m.as_symbolic().symbols, flat.as_symbolic().symbols
        product = np.array([[sympy.expand(sum(mm[r, j] * xs[s, j] for j in range(mm.shape[1])))
                             for r in range(mm.shape[0])] for s in range(n)], dtype=object)
        value = Exact(symbols=product)
    else:
        product = flat.numerators.astype(object) @ m.numerators.T.astype(object)
        value = Exact(np.array(product, dtype=object), flat.denominator * m.denominator)
    if result.bias is not None:  # M x + b: the rows of M go filter by filter, one bias each
        filters = result.bias.size
        value = add_bias(value.reshape(n, filters, -1), result.bias, (1, -1, 1)).reshape(n, -1)
    if value.is_symbolic or expected.is_symbolic:
        return value.equals(expected.as_symbolic())
    return value.equals(expected)
