"""Speed of the exact convolution against torch.nn.functional.conv2d in float64.

Both sides get ready-made arrays (cnncalc: Exact arrays or numpy integers;
torch: float64 tensors) and are timed in the same run, interleaved, best of
several repeats.  Every case also checks that cnncalc's result is exact.

Run: python bench/bench_conv.py   (add --quick for fewer repeats)
"""

from __future__ import annotations

import argparse
from fractions import Fraction

import numpy as np
import torch
import torch.nn.functional as F
from timing import versus

from cnncalc.conv import conv
from cnncalc.values import Exact


def compare(name, ours, reference, repeats, target=None):
    t_ours, t_ref = versus(ours, reference, repeats, rounds=3)  # interleaved: both see the same machine
    ratio = t_ours / t_ref
    verdict = "" if target is None else ("  ok" if ratio <= target else f"  ABOVE TARGET {target}x")
    print(f"{name:58s} cnncalc {t_ours * 1e3:8.2f} ms   torch f64 {t_ref * 1e3:8.2f} ms   "
          f"ratio {ratio:5.2f}x{'' if target is None else f' (target <= {target}x)'}{verdict}")
    return ratio


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats = 5 if args.quick else 20
    torch.set_num_threads(torch.get_num_threads())
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, numpy {np.__version__}")
    rng = np.random.default_rng(0)

    # 1. AlexNet CONV1: 3x227x227 integers 0..255, 96 filters 3x11x11 in [-10, 10], stride 4
    x = rng.integers(0, 256, (1, 3, 227, 227))
    w = rng.integers(-10, 11, (96, 3, 11, 11))
    xt, wt = torch.tensor(x, dtype=torch.float64), torch.tensor(w, dtype=torch.float64)
    ours = conv(x, w, stride=4)
    assert np.array_equal(ours.output.numerators, F.conv2d(xt, wt, stride=4).numpy()), "not exact"
    compare(f"AlexNet CONV1, integers ({ours.method})", lambda: conv(x, w, stride=4),
            lambda: F.conv2d(xt, wt, stride=4), repeats, 1.0)

    # 2. the same with a rational kernel: each filter in ninths or sevenths
    denominators = np.where(np.arange(96) % 2 == 0, 9, 7).reshape(96, 1, 1, 1)
    kernel = Exact(w * (63 // denominators), 63)  # w/9 or w/7, over the common 63
    xe = Exact(x)
    kt = torch.tensor(w / denominators, dtype=torch.float64)
    ours = conv(xe, kernel, stride=4)
    reference = F.conv2d(xt, wt, stride=4).numpy().astype(np.int64)  # exact integer sums of x*w
    # ours is N/D over one denominator D; filter f must equal reference/d_f: N*d_f == reference*D
    got = ours.output
    assert np.array_equal(got.numerators * denominators.reshape(1, 96, 1, 1), reference * got.denominator), "not exact"
    assert got[0, 6, 0, 0] == Fraction(int(reference[0, 6, 0, 0]), 9)
    compare(f"AlexNet CONV1, kernel in ninths and sevenths ({ours.method})", lambda: conv(xe, kernel, stride=4),
            lambda: F.conv2d(xt, kt, stride=4), repeats, 1.5)

    # 2b. a rational kernel whose magnitudes need float64 (bound past 2^24)
    w_big = rng.integers(-1000, 1001, (96, 3, 11, 11))
    kernel_big = Exact(w_big * (63 // denominators), 63)
    kt_big = torch.tensor(w_big / denominators, dtype=torch.float64)
    ours = conv(xe, kernel_big, stride=4)
    reference = F.conv2d(xt, torch.tensor(w_big, dtype=torch.float64), stride=4).numpy().astype(np.int64)
    assert np.array_equal(ours.output.numerators * denominators.reshape(1, 96, 1, 1),
                          reference * ours.output.denominator), "not exact"
    compare(f"AlexNet CONV1, larger ninths/sevenths ({ours.method})", lambda: conv(xe, kernel_big, stride=4),
            lambda: F.conv2d(xt, kt_big, stride=4), repeats, 1.5)

    # 3. a batch of 64 MNIST-sized inputs, 10 filters 5x5
    x = rng.integers(0, 256, (64, 1, 28, 28))
    w = rng.integers(-10, 11, (10, 1, 5, 5))
    xt, wt = torch.tensor(x, dtype=torch.float64), torch.tensor(w, dtype=torch.float64)
    ours = conv(x, w)
    assert np.array_equal(ours.output.numerators, F.conv2d(xt, wt).numpy()), "not exact"
    compare(f"MNIST batch 64x1x28x28, 10 filters 5x5 ({ours.method})", lambda: conv(x, w),
            lambda: F.conv2d(xt, wt), repeats, 2.0)

    # 4. magnitudes past 2^53: inputs up to 2^40, weights up to 2^20 (sums near 2^67)
    x = rng.integers(-2**40, 2**40, (1, 3, 32, 32))
    w = rng.integers(-2**20, 2**20, (8, 3, 3, 3))
    xt, wt = torch.tensor(x, dtype=torch.float64), torch.tensor(w, dtype=torch.float64)
    ours = conv(x, w)
    # exact check against Python integers on every cell of one filter
    xo, wo = x.astype(object), w.astype(object)
    for i in range(30):
        for j in range(30):
            assert ours.output.numerators[0, 2, i, j] == (xo[0, :, i:i + 3, j:j + 3] * wo[2]).sum()
    t_ratio = compare(f"past 2^53: 3x32x32 up to 2^40, 8 filters up to 2^20 ({ours.method})",
                      lambda: conv(x, w), lambda: F.conv2d(xt, wt), max(3, repeats // 4))
    rounded = F.conv2d(xt, wt).numpy()
    wrong = int(np.sum(rounded.astype(object) != ours.output.numerators))
    print(f"    (exact; torch float64 rounds {wrong} of {rounded.size} cells of that case; ratio {t_ratio:.1f}x)")


if __name__ == "__main__":
    main()
