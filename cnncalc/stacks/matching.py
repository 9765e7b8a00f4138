"""Choosing layer sizes to match a parameter budget.

The exercise sheet (000, Q3.4) asks for an MLP with about as many learnable
parameters as the CNN (21,840).  A dense network with inputs n, hidden sizes
h_1..h_L and outputs m has

    (n + 1) h_1 + (h_1 + 1) h_2 + ... + (h_L + 1) m

parameters.  With one hidden layer that is (n + m + 1) h + m, so the best h
is the nearest whole number to (target - m) / (n + m + 1); with more layers
each is half the one before (a common taper) and h_1 is searched.

>>> mlp_parameters(784, (256, 128, 64), 10)
242762
>>> match_mlp(784, 10, 21840)
MatchedMLP(hidden=(27,), parameters=21475, target=21840)
"""

from __future__ import annotations

from typing import NamedTuple

from ..errors import ShapeError


class MatchedMLP(NamedTuple):
    hidden: tuple
    parameters: int
    target: int


def mlp_parameters(inputs: int, hidden: tuple, outputs: int) -> int:
    sizes = (inputs, *hidden, outputs)
    return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))


def _taper(first: int, layers: int) -> tuple:
    return tuple(max(1, first >> i) for i in range(layers))


def match_mlp(inputs: int, outputs: int, target: int, layers: int = 1) -> MatchedMLP:
    """Hidden sizes whose parameter count is closest to ``target`` (ties: fewer units)."""
    if layers < 1:
        raise ShapeError(f"layers {layers} must be at least 1; an MLP with no hidden layer has a fixed size")
    if target < mlp_parameters(inputs, (1,) * layers, outputs):
        raise ShapeError(f"target {target:,} is below the smallest {layers}-hidden-layer MLP "
                         f"({mlp_parameters(inputs, (1,) * layers, outputs):,}); lower the number of layers")
    best = None
    first = 1
    while True:
        hidden = _taper(first, layers)
        count = mlp_parameters(inputs, hidden, outputs)
        candidate = (abs(count - target), count, hidden)
        if best is None or candidate[:2] < best[:2]:
            best = candidate
        if count > target:
            break
        first += 1
    return MatchedMLP(best[2], best[1], target)
