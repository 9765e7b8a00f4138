"""How the benches time things: every figure is the best of several runs (the least
disturbed by the rest of the machine), and cnncalc and its reference are timed in
interleaved rounds, so that both see the same machine state.  Each bench script
imports this from its own folder (``python bench/NAME.py`` puts bench/ on the path)."""

from __future__ import annotations

import time
from collections.abc import Callable


def run_times(fn: Callable[[], object], repeats: int) -> list[float]:
    """The seconds of each of ``repeats`` calls of fn."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def best(fn: Callable[[], object], repeats: int) -> float:
    """The fastest of ``repeats`` calls of fn, in seconds."""
    return min(run_times(fn, repeats))


def versus(ours: Callable[[], object], reference: Callable[[], object], repeats: int, rounds: int = 3,
           warm_up: bool = True) -> tuple[float, float]:
    """(ours, reference): the best of ``repeats`` calls each, over ``rounds`` interleaved rounds."""
    if warm_up:
        ours(), reference()
    t_ours = t_reference = float("inf")
    for _ in range(rounds):
        t_ours = min(t_ours, best(ours, repeats))
        t_reference = min(t_reference, best(reference, repeats))
    return t_ours, t_reference
