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

MAX_HIDDEN_LAYERS = 16
MAX_SIZE = 10**12  # inputs and outputs (docs/limits.md)
MAX_TARGET = 10**15  # parameters


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
    if not 1 <= layers <= MAX_HIDDEN_LAYERS:
        raise ShapeError(f"layers {layers} must be from 1 to {MAX_HIDDEN_LAYERS}; "
                         "an MLP with no hidden layer has a fixed size")
    for value, what in ((inputs, "inputs"), (outputs, "outputs")):
        if not 1 <= value <= MAX_SIZE:
            raise ShapeError(f"{what} {value} must be from 1 to {MAX_SIZE:,} (docs/limits.md)")
    if target > MAX_TARGET:
        raise ShapeError(f"target {target:,} is larger than {MAX_TARGET:,} parameters (docs/limits.md)")
    if target < mlp_parameters(inputs, (1,) * layers, outputs):
        raise ShapeError(f"target {target:,} is below the smallest {layers}-hidden-layer MLP "
                         f"({mlp_parameters(inputs, (1,) * layers, outputs):,}); lower the number of layers")

    def count(first: int) -> int:
        return mlp_parameters(inputs, _taper(first, layers), outputs)

    # the count grows strictly with the first width: find the first width past the target by
    # bisection (a target of 10^12 would take 10^9 steps one by one); the best is it or the one before
    low, high = 1, 2
    while count(high) <= target:
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if count(middle) <= target else (low, middle)
    best = min((abs(count(f) - target), count(f), f) for f in (low, high))
    return MatchedMLP(_taper(best[2], layers), best[1], target)
