"""Speed of reading typed values and of exact pooling past int64, against plain Python.

Reading bounds every value (digits, exponent, formula size) before it is
computed; this measures what that costs where it matters, on a million typed
cells, against the plainest reader: ``int(text)`` / ``Fraction(text)`` over
the split text (which checks nothing).  Pooling past 2^62 sums Python
integers; its reference is a plain Python loop over the windows.

Run: python bench/bench_reading.py   (add --quick for fewer repeats)
"""

from __future__ import annotations

import argparse
from fractions import Fraction

import numpy as np
from timing import versus

from cnncalc.pool import pool
from cnncalc.readers import parse_literal
from cnncalc.values import Exact


def compare(name: str, ours, reference, repeats: int) -> None:
    t_ours, t_ref = versus(ours, reference, repeats, rounds=2, warm_up=False)  # interleaved: both see the same machine
    print(f"{name:<58} cnncalc {t_ours * 1000:9.1f} ms   python {t_ref * 1000:9.1f} ms   ratio {t_ours / t_ref:5.2f}x")


def python_window_sums(rows: list, k: int) -> list:
    return [[sum(rows[i + a][j + b] for a in range(k) for b in range(k)) for j in range(len(rows[0]) - k + 1)]
            for i in range(len(rows) - k + 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    repeats = 1 if parser.parse_args().quick else 3
    rng = np.random.default_rng(0)

    integers = " ".join(str(v) for v in rng.integers(-1000, 1000, 1_000_000))
    compare("1,000,000 typed integers (parse_literal vs int())", lambda: parse_literal(integers),
            lambda: np.array([int(t) for t in integers.split()], dtype=np.int64), repeats)
    decimals = " ".join(f"{v / 100:.2f}" for v in rng.integers(-10000, 10000, 200_000))
    compare("200,000 typed decimals (parse_literal vs Fraction())", lambda: parse_literal(decimals),
            lambda: [Fraction(t) for t in decimals.split()], repeats)
    fractions = " ".join(f"{v}/9" for v in rng.integers(-1000, 1000, 200_000))
    compare("200,000 typed fractions n/9 (parse_literal vs Fraction())", lambda: parse_literal(fractions),
            lambda: [Fraction(t) for t in fractions.split()], repeats)

    big = [[int(v) * 2**61 for v in row] for row in rng.integers(-3, 4, (200, 200))]
    x = Exact.from_nested(big)
    expected = python_window_sums(big, 3)
    assert pool(x, op="sum", window=3, stride=1).output.tolist() == expected
    compare("sum pooling 3x3/1 of 200x200 values near 2^62 (exact)", lambda: pool(x, op="sum", window=3, stride=1),
            lambda: python_window_sums(big, 3), repeats)


if __name__ == "__main__":
    main()
