"""Speed of what surrounds the arithmetic: terminal and JSON output, softmax,
symbolic stacks, float .npy input, repeated convolutions, start-up.

Every ratio is measured in this one run, each side best of several repeats
(interleaved, so both see the same machine state):

1. MNIST batch (64x1x28x28, 10 filters 5x5): terminal output / its --json      target <= 3x
2. --json of a 3x224x224 conv / a plain numpy script writing the same JSON:
   integer kernel                                                             target <= 1.5x
   ninths kernel                                                              target <= 3x
3. softmax through the library: 1,000 values                                   target < 1 s
   time(1000) / time(100)                                                     target <= 15
4. 150-layer symbolic stride-2 stack / the same stack with numbers             target <= 3x
5. normalised MNIST batch from a float32 .npy, read exactly + conv / torch f64  target <= 5x
6. the MNIST-batch conv called 20 times in one process / torch float32, worst   target <= 2x
7. `cnncalc --help`: seconds, and whether numpy, sympy or torch were imported

The MNIST images come from ../shared/data/mnist when present (else random
pixels).  Nothing is asserted except that both sides computed the same values.

Run: python bench/bench_output.py   (--quick for fewer repeats)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("COLUMNS", "100")  # the terminal the output is laid out for

from timing import best, run_times, versus  # noqa: E402

from cnncalc.cli import main as cli  # noqa: E402

RESULTS: list[tuple[str, float, str, bool]] = []  # (what, value, target text, met)


def record(what: str, value: float, target: float, unit: str = "x") -> None:
    met = value <= target
    RESULTS.append((what, value, f"<= {target:g}{unit}", met))
    print(f"  {what}: {value:.3g}{unit} (target <= {target:g}{unit}){'' if met else '  ABOVE TARGET'}")


def run_cli(args: list[str]) -> str:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        cli(args, standalone_mode=False)
    return buffer.getvalue()


def mnist_batch() -> tuple[np.ndarray, str]:
    try:
        from cnncalc.mnist import load_split

        images = load_split("train", ROOT.parent / "shared" / "data" / "mnist", check=False).images[:64]
        return images.reshape(64, 1, 28, 28).astype(np.int64), "MNIST training images 1-64"
    except Exception:  # no data here: random pixels of the same shape
        return np.random.default_rng(0).integers(0, 256, (64, 1, 28, 28)), "random pixels (no MNIST folder)"


# --- 1. terminal against JSON --------------------------------------------------------

def terminal_vs_json(folder: Path, batch: np.ndarray, repeats: int) -> None:
    print("1. MNIST batch conv (64x1x28x28, 10 filters 5x5): terminal output against --json")
    np.save(folder / "batch.npy", batch)
    np.save(folder / "filters.npy", np.random.default_rng(1).integers(-3, 4, (10, 1, 5, 5)))
    args = ["conv", str(folder / "batch.npy"), str(folder / "filters.npy")]
    terminal, as_json = versus(lambda: run_cli(args), lambda: run_cli(args + ["--json"]), repeats)
    print(f"  terminal {terminal * 1e3:.1f} ms ({len(run_cli(args)):,} characters), "
          f"--json {as_json * 1e3:.1f} ms ({len(run_cli(args + ['--json'])):,} characters)")
    record("terminal / --json", terminal / as_json, 3)


# --- 2. JSON against a plain numpy script ----------------------------------------------

def numpy_script(image_path: str, kernel: np.ndarray, denominator: int, out_path: str) -> None:
    """What a person writes with numpy: windows, a tensor product, and the
    values as JSON (integers as numbers, the rest as exact "p/q" strings)."""
    from numpy.lib.stride_tricks import sliding_window_view

    x = np.load(image_path)
    windows = sliding_window_view(x, kernel.shape, axis=(0, 1, 2))[0]  # (H', W', C, kh, kw)
    numerators = np.rint(np.tensordot(windows.astype(np.float64), kernel.astype(np.float64), axes=3)).astype(np.int64)
    if denominator == 1:
        output = numerators.tolist()
    else:
        common = np.gcd(numerators, denominator)
        p, q = numerators // common, denominator // common
        cells = p.astype(object)
        broken = q != 1
        cells[broken] = [f"{a}/{b}" for a, b in zip(p[broken].tolist(), q[broken].tolist())]
        output = cells.tolist()
    with open(out_path, "w", encoding="utf-8") as handle:
        handle.write(json.dumps({"output": output, "shape": list(numerators.shape)}))


def json_vs_numpy(folder: Path, repeats: int) -> None:
    print("2. --json of a 3x224x224 convolution against a plain numpy script writing the same JSON")
    rng = np.random.default_rng(2)
    image = folder / "image224.npy"
    np.save(image, rng.integers(0, 256, (3, 224, 224)))
    integer_kernel = rng.integers(-3, 4, (3, 3, 3))
    np.save(folder / "kernel.npy", integer_kernel)
    ninths = " | ".join(["1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9"] * 3)
    for name, kernel_arg, numerators, denominator, target in (
            ("integer kernel", str(folder / "kernel.npy"), integer_kernel, 1, 1.5),
            ("ninths kernel", ninths, np.ones((3, 3, 3), dtype=np.int64), 9, 3)):
        ours_path, reference_path = str(folder / "ours.json"), str(folder / "numpy.json")
        ours, reference = versus(
            lambda: run_cli(["conv", str(image), kernel_arg, "--json", "--out", ours_path]),
            lambda: numpy_script(str(image), numerators, denominator, reference_path), repeats)
        with open(ours_path, encoding="utf-8") as a, open(reference_path, encoding="utf-8") as b:
            assert json.load(a)["output"] == json.load(b)["output"], f"{name}: different values"
        size = os.path.getsize(ours_path)
        print(f"  {name}: cnncalc {ours * 1e3:.1f} ms, numpy script {reference * 1e3:.1f} ms, {size:,} bytes, same values")
        record(f"--json 3x224x224, {name} / numpy script", ours / reference, target)


# --- 3. softmax ------------------------------------------------------------------------

def softmax_scaling(repeats: int) -> None:
    print("3. softmax through the library (exact forms, and 6-digit decimals), cold sympy cache")
    from sympy.core.cache import clear_cache

    from cnncalc.activations import decimal_values, softmax
    from cnncalc.formula_text import forget

    rng = np.random.default_rng(3)
    times = {}
    for n in (100, 1000):
        values = [f"{v}/10" for v in rng.integers(-500, 500, n)]

        def once():
            clear_cache()
            forget()
            result = softmax(values)
            decimal_values(result, 6)

        times[n] = best(once, max(2, repeats // 3))
        print(f"  {n:5d} values: {times[n] * 1e3:.1f} ms")
    record("softmax of 1,000 values", times[1000], 1, " s")
    record("softmax time(1000) / time(100)", times[1000] / times[100], 15)


# --- 4. symbolic stacks ----------------------------------------------------------------

def symbolic_stack(repeats: int) -> None:
    print("4. stride-2 stacks: N x N x 3 against 224x224x3 (summary and totals, cold caches)")
    from sympy.core.cache import clear_cache

    from cnncalc.formula_text import forget
    from cnncalc.stacks import load_stack
    from cnncalc.stacks.summary import summarize

    def timed(spec: str) -> float:
        def once():
            clear_cache()
            forget()
            stack = load_stack(spec)
            summary = summarize(stack.input, stack.layers)
            _ = summary.total_macs, summary.total_memory_values, summary.total_params  # the totals are timed
        return best(once, max(15, 2 * repeats))  # tens of ms each: the best of many runs, both sides alike

    layer = "conv 8 3x3 stride 2 pad 1"
    for depth in (50, 100, 150):
        symbolic = timed("N x N x 3 -> " + " -> ".join([layer] * depth))
        numeric = timed("224x224x3 -> " + " -> ".join([layer] * depth))
        print(f"  {depth:3d} layers: symbolic {symbolic * 1e3:.1f} ms, numbers {numeric * 1e3:.1f} ms")
    record("150-layer symbolic stack / with numbers", symbolic / numeric, 3)


# --- 5. float .npy input ----------------------------------------------------------------

def float_input(folder: Path, batch: np.ndarray, repeats: int) -> None:
    print("5. normalised MNIST batch from a float .npy, read as exact binary fractions, conv with 10 filters 5x5")
    import torch

    from cnncalc.conv import conv

    filters = np.random.default_rng(1).integers(-3, 4, (10, 1, 5, 5))
    for dtype, target in ((np.float32, 5), (np.float64, None)):
        normalised = ((batch.astype(dtype) / dtype(255) - dtype(0.1307)) / dtype(0.3081)).astype(dtype)
        path = str(folder / f"normalised_{np.dtype(dtype).name}.npy")
        np.save(path, normalised)

        def reference():
            x = torch.from_numpy(np.load(path)).double()
            return torch.nn.functional.conv2d(x, torch.from_numpy(filters).double())

        ours, theirs = versus(lambda: conv(path, filters), reference, repeats)
        result = conv(path, filters)
        # exactness: the float64 reference rounds; the exact values round to it within float64 error
        assert np.allclose(result.output.to_float(), reference().numpy(), rtol=1e-12, atol=1e-9)
        print(f"  {np.dtype(dtype).name}: cnncalc {ours * 1e3:.1f} ms ({result.method}, denominator "
              f"2^{result.output.denominator.bit_length() - 1}), torch float64 {theirs * 1e3:.1f} ms")
        if target is not None:
            record("float32 .npy batch, read + conv / torch float64", ours / theirs, target)
        else:
            print(f"  float64 ratio {ours / theirs:.3g}x (not a target: 60-bit numerators leave int64, see README)")


# --- 6. repeated convolutions -----------------------------------------------------------

def repeated_calls(batch: np.ndarray) -> None:
    print("6. the MNIST-batch conv, 20 calls in one process, against torch float32 (each call timed)")
    import torch

    from cnncalc.conv import conv
    from cnncalc.values import Exact

    filters = np.random.default_rng(1).integers(-3, 4, (10, 1, 5, 5))
    x, w = Exact(batch), Exact(filters)
    xt, wt = torch.from_numpy(batch).float(), torch.from_numpy(filters).float()

    def ours() -> None:
        conv(x, w)

    def theirs() -> None:
        torch.nn.functional.conv2d(xt, wt)

    def timed(fn) -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    for _ in range(50):  # a long-running process: plans made, threads awake, clocks up
        ours()
        theirs()
    # Twice: each library's 20 calls back to back (call i against call i), and 20 pairs of calls made one
    # right after the other (the same moment of this shared machine for both).  cnncalc runs on one
    # thread (OpenBLAS keeps products this small on the calling thread), so pairing sets no two thread
    # pools against each other; torch uses both cores.
    back_ours = [timed(ours) for _ in range(20)]
    back_theirs = [timed(theirs) for _ in range(20)]
    pairs = [(timed(ours), timed(theirs)) for _ in range(20)]
    for name, a, b in (("back to back", back_ours, back_theirs),
                       ("in pairs", [p[0] for p in pairs], [p[1] for p in pairs])):
        ratios = [u / v for u, v in zip(a, b)]
        print(f"  {name}:")
        print("    cnncalc ms: " + " ".join(f"{t * 1e3:.2f}" for t in a))
        print("    torch ms:   " + " ".join(f"{t * 1e3:.2f}" for t in b))
        print("    ratio:      " + " ".join(f"{r:.2f}" for r in ratios))
        print(f"    median {np.median(ratios):.2f}x; cnncalc's slowest call / its median "
              f"{max(a) / np.median(a):.2f} (the swing between calls)")
        record(f"repeated MNIST conv / torch float32, worst of 20 {name}", max(ratios), 2)
    torch_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    for _ in range(20):
        theirs()
    one_thread = float(np.median(run_times(theirs, 20)))
    torch.set_num_threads(torch_threads)
    print(f"  medians: cnncalc {np.median(back_ours) * 1e3:.2f} ms on one thread; torch "
          f"{np.median(back_theirs) * 1e3:.2f} ms on {torch_threads}, {one_thread * 1e3:.2f} ms on one")


# --- 7. start-up ------------------------------------------------------------------------

def startup() -> None:
    print("7. cnncalc --help")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    probe = ("import sys, time; t = time.perf_counter(); from cnncalc.cli import main\n"
             "try:\n    main(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
             "print(time.perf_counter() - t, [m for m in ('numpy', 'sympy', 'torch') if m in sys.modules], file=sys.stderr)")
    times = []
    for _ in range(5):
        done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
        seconds, imported = done.stderr.strip().split(" ", 1)
        times.append(float(seconds))
    print(f"  {min(times) * 1e3:.0f} ms in process after interpreter start; imported: {imported}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats = 3 if args.quick else 7
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} cpus")
    batch, source = mnist_batch()
    print(f"batch: {source}")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        terminal_vs_json(folder, batch, repeats)
        json_vs_numpy(folder, repeats)
        softmax_scaling(repeats)
        symbolic_stack(repeats)
        float_input(folder, batch, repeats)
        repeated_calls(batch)
        startup()
    print("\nsummary")
    for what, value, target, met in RESULTS:
        print(f"  {'ok   ' if met else 'ABOVE'} {what}: {value:.3g} ({target})")


if __name__ == "__main__":
    main()
