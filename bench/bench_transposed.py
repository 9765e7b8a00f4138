"""Speed of the exact transposed convolution against torch's conv_transpose2d in float64,
and of the analysis commands (kernel probes, losses) against the same sums in torch.

Both sides get ready-made arrays and are timed in the same run, interleaved, best of several
repeats; every case checks that cnncalc's result is exact.

Run: python bench/bench_transposed.py   (add --quick for fewer repeats)
"""

from __future__ import annotations

import argparse

import numpy as np
import torch
import torch.nn.functional as F
from timing import versus

from cnncalc.kernel import describe_kernel
from cnncalc.loss import loss
from cnncalc.transposed import conv_transpose


def compare(name, ours, reference, repeats):
    t_ours, t_ref = versus(ours, reference, repeats, rounds=3)  # interleaved: both see the same machine
    print(f"{name:60s} cnncalc {t_ours * 1e3:9.3f} ms   torch {t_ref * 1e3:9.3f} ms   ratio {t_ours / t_ref:7.2f}x")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    repeats = 3 if parser.parse_args().quick else 10
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, numpy {np.__version__}")
    rng = np.random.default_rng(0)

    # 1. a decoder's upsampling layer: 64 channels 14x14 -> 32 channels 28x28 (stride 2, 4x4 kernel, pad 1)
    x = rng.integers(-50, 51, (1, 64, 14, 14))
    w = rng.integers(-5, 6, (64, 32, 4, 4))
    xt, wt = torch.tensor(x, dtype=torch.float64), torch.tensor(w, dtype=torch.float64)
    ours = conv_transpose(x, w, stride=2, padding=1)
    assert np.array_equal(ours.canonical.numerators, F.conv_transpose2d(xt, wt, stride=2, padding=1).numpy())
    compare("conv_transpose 64x14x14 -> 32x28x28, 4x4 stride 2 pad 1",
            lambda: conv_transpose(x, w, stride=2, padding=1),
            lambda: F.conv_transpose2d(xt, wt, stride=2, padding=1), repeats)

    # 2. the course's small example, where the fixed costs dominate
    compare("conv_transpose 2x2 -> 4x4 (the README example)",
            lambda: conv_transpose("1 2; 3 4", "1 1; 1 1", stride=2),
            lambda: F.conv_transpose2d(torch.tensor([[[[1., 2.], [3., 4.]]]], dtype=torch.float64),
                                       torch.ones(1, 1, 2, 2, dtype=torch.float64), stride=2), repeats)

    # 3. kernel probes of the sheet's 5x5 F3 (13 probes) against torch's 13 dot products
    f3 = "-20 -10 0 5 10; -10 0 5 10 5; 0 5 10 5 0; 5 10 5 0 -10; 10 5 0 -10 -20"
    k = torch.tensor([[-20., -10, 0, 5, 10], [-10, 0, 5, 10, 5], [0, 5, 10, 5, 0], [5, 10, 5, 0, -10],
                      [10, 5, 0, -10, -20]], dtype=torch.float64)
    probes = torch.rand(13, 5, 5, dtype=torch.float64)
    compare("kernel analysis of a 5x5 kernel (exact) vs 13 torch dot products",
            lambda: describe_kernel(f3), lambda: (probes * k).sum(dim=(1, 2)), repeats)

    # 4. cross-entropy of a batch of 8 examples of 10 logits, exact (sympy) and its decimal
    logits = rng.integers(-5, 6, (8, 10))
    targets = rng.integers(0, 10, 8)
    text = "; ".join(" ".join(map(str, row)) for row in logits)
    lt, tt = torch.tensor(logits, dtype=torch.float64), torch.tensor(targets)
    exact = loss("cross-entropy", text, " ".join(map(str, targets)))
    assert abs(float(exact.approx(20)) - F.cross_entropy(lt, tt).item()) < 1e-12
    compare("cross-entropy 8x10 exact + 10 digits vs torch float64",
            lambda: loss("cross-entropy", text, " ".join(map(str, targets))).approx(10),
            lambda: F.cross_entropy(lt, tt).item(), repeats)


if __name__ == "__main__":
    main()
