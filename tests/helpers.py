"""Shared test helpers: independent references (torch float64, plain Fractions)
and small MNIST folders written by the tests.  torch is imported only by the
helpers that use it, so tests without torch can import this module."""

import gzip
import os
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from cnncalc.idx import idx_bytes

# The real MNIST copy beside the checkout (../shared/data/mnist), or $CNNCALC_TEST_MNIST.
REAL = Path(os.environ.get("CNNCALC_TEST_MNIST")
            or Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mnist")
needs_real = pytest.mark.skipif(not (REAL / "train-images-idx3-ubyte.gz").is_file(),
                                reason=f"real MNIST not present in {REAL} (set CNNCALC_TEST_MNIST)")


def write_fake_mnist(root: Path, n_train=20, n_test=10, gz=True, seed=0):
    """A folder with the four files, small and random (checksums will not match)."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, n_train).astype(np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test).astype(np.uint8),
    }
    for name, array in arrays.items():
        data = idx_bytes(array)
        (root / (name + ".gz" if gz else name)).write_bytes(gzip.compress(data) if gz else data)
    return arrays


def t64(values):
    import torch

    return torch.tensor(np.asarray(values, dtype=np.float64))


def torch_conv2d(x, w, **kw) -> list:
    """x (H,W) and w (kh,kw) as nested lists of ints -> torch float64 result as ints."""
    import torch.nn.functional as F

    x4 = t64(x)[None, None]
    w4 = t64(w)[None, None]
    return F.conv2d(x4, w4, **kw)[0, 0].numpy()


def as_fractions(nested) -> np.ndarray:
    arr = np.array(nested, dtype=object)
    return np.frompyfunc(Fraction, 1, 1)(arr)


def examples(ci: int) -> settings:
    """Hypothesis settings for a test that needs fewer examples than the profile in CI
    (a slow property): ``ci`` examples in the default profile, the profile's own
    number under HYPOTHESIS_PROFILE=thorough, so a thorough run reaches every test, and
    at most the quick loop's number there (tests/conftest.py)."""
    loaded = settings().max_examples  # the profile conftest loaded: quick 30, ci 120, thorough 1000
    ci_examples = settings.get_profile("ci").max_examples
    count = ci if loaded == ci_examples else min(ci, loaded) if loaded < ci_examples else loaded
    return settings(max_examples=count, deadline=None, suppress_health_check=[HealthCheck.too_slow])
