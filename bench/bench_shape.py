"""Benchmark of ``cnncalc shape`` (run: ``python bench/bench_shape.py``).

1. ``cnncalc shape resnet152 --json`` as a whole process against what a
   torchinfo-style tool does: build the torch model and run one input through
   it to read the shapes (bench/torch_resnet152.py, also a whole process; its
   build+forward time without ``import torch`` is printed too).
2. Summarising stacks of 1,000 and 10,000 layers in-process: the time should
   grow linearly (10x the layers, about 10x the time) and stay under a second.

Ratios come from one run on this machine; nothing here is asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from timing import run_times  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def best_of(n, fn):
    """(fastest, median) of n calls."""
    times = sorted(run_times(fn, n))
    return times[0], times[len(times) // 2]


def run_cnncalc():
    out = subprocess.run([sys.executable, "-m", "cnncalc", "shape", "resnet152", "--json"], env=ENV,
                         capture_output=True, text=True, check=True).stdout
    assert '"trainable_params": 60192808' in out


TORCH_INNER = []


def run_torch():
    err = subprocess.run([sys.executable, str(ROOT / "bench" / "torch_resnet152.py")], env=ENV,
                         capture_output=True, text=True, check=True).stderr
    TORCH_INNER.append(float(err.split("build+forward ")[1].split(" s")[0]))


def stack_of(n_layers):
    from cnncalc.stacks.layers import Activation, BatchNorm, Conv
    from cnncalc.stacks.shapes import Shape

    kinds = (Conv(8, 3, padding=1), BatchNorm(), Activation("relu"))
    return Shape((32, 32), 8), [kinds[i % 3] for i in range(n_layers)]


def main():
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus")
    ours_min, ours_med = best_of(7, run_cnncalc)
    torch_min, torch_med = best_of(3, run_torch)
    inner = min(TORCH_INNER)
    print(f"cnncalc shape resnet152 --json (process): best {ours_min:.3f} s, median {ours_med:.3f} s")
    print(f"torch build + forward (process):          best {torch_min:.3f} s, median {torch_med:.3f} s"
          f"  (build+forward alone, import excluded: {inner:.3f} s)")
    print(f"ratio, process vs process (best):          {torch_min / ours_min:.1f}x")
    print(f"ratio, torch build+forward alone vs our whole process: {inner / ours_min:.1f}x")

    from cnncalc.stacks.summary import summarize

    results = {}
    for n in (1_000, 10_000):
        shape, layers = stack_of(n)
        best, _ = best_of(5, lambda: summarize(shape, layers))
        results[n] = best
        print(f"summarise {n:>6,} layers: {best:.3f} s ({best / n * 1e6:.1f} us per layer)")
    print(f"10k / 1k time ratio: {results[10_000] / results[1_000]:.1f} (linear growth is 10)")

    from cnncalc.stacks.grammar import parse_inline

    text = "32x32x8 -> " + " -> ".join(["conv 8 3x3 pad 1", "bn", "relu"] * 3333)  # 9,999: the limit is 10,000 layers
    best, _ = best_of(3, lambda: summarize(*(lambda s: (s.input, s.layers))(parse_inline(text))))
    print(f"parse + summarise an inline description of {3 * 3333:,} layers: {best:.3f} s")


if __name__ == "__main__":
    main()
