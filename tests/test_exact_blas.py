"""The float route of exact convolution (cnncalc/exact_blas.py): plans, chunks, the two-pass im2col.

Every result is compared with torch's float64 convolution of the same integers
(exact there too: the products and sums stay far below 2^53).
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from cnncalc import exact_blas
from cnncalc.exact_blas import ProductPlan, Workspace, correlate_integers

TORCH_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


def torch_reference(x: np.ndarray, w: np.ndarray, stride, dilation, groups) -> np.ndarray:
    dims = w.ndim - 2
    out = TORCH_CONV[dims](torch.from_numpy(x).double(), torch.from_numpy(w).double(),
                           stride=stride, dilation=dilation, groups=groups)
    return out.numpy().astype(np.int64)


@st.composite
def geometries(draw):
    dims = draw(st.sampled_from([1, 2, 2, 3]))
    groups = draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(dims))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    sizes = tuple(d * (k - 1) + 1 + draw(st.integers(0, 5)) for k, d in zip(kernel, dilation))
    return dict(dims=dims, groups=groups, kernel=kernel, dilation=dilation, stride=stride, sizes=sizes,
                batch=draw(st.integers(1, 6)), channels=groups * draw(st.integers(1, 2)),
                filters=groups * draw(st.integers(1, 3)), chunk=draw(st.integers(1, 4)),
                method=draw(st.sampled_from(["float32", "float64"])), seed=draw(st.integers(0, 2**32 - 1)))


@given(geometries())
def test_chunked_plans_equal_torch(g):
    """Any geometry, cut into chunks of 1-4 examples (the last one shorter), equals torch."""
    rng = np.random.default_rng(g["seed"])
    x = rng.integers(-255, 256, (g["batch"], g["channels"]) + g["sizes"])
    w = rng.integers(-9, 10, (g["filters"], g["channels"] // g["groups"]) + g["kernel"])
    per_example = g["channels"] * int(np.prod(g["kernel"])) * 4
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(exact_blas, "WORKSPACE", Workspace())
        # a chunk of about g["chunk"] examples: CHUNK_BYTES counts the columns of one example
        patch.setattr(ProductPlan, "CHUNK_BYTES", per_example * g["chunk"] * max(1, _positions(g)))
        got = correlate_integers(x, w, g["stride"], g["dilation"], g["groups"], g["method"])
        again = correlate_integers(x, w, g["stride"], g["dilation"], g["groups"], g["method"])
    expected = torch_reference(x, w, g["stride"], g["dilation"], g["groups"])
    assert got.dtype == np.int64 and np.array_equal(got, expected)
    assert np.array_equal(again, expected)


def run(plan: ProductPlan, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    result = np.full((x.shape[0], w.shape[0]) + plan.out_sizes, -1, dtype=np.int64)
    plan.run(x, w, result)
    return result


def _positions(g) -> int:
    return int(np.prod([(n - d * (k - 1) - 1) // s + 1
                        for n, k, s, d in zip(g["sizes"], g["kernel"], g["stride"], g["dilation"])]))


def test_the_mnist_batch_runs_in_chunks_and_equals_torch():
    """64 examples of 28x28 with ten 5x5 filters: 4 chunks (18, 18, 18, 10), each through both passes."""
    rng = np.random.default_rng(7)
    x = rng.integers(0, 256, (64, 1, 28, 28))
    w = rng.integers(-3, 4, (10, 1, 5, 5))
    plan = ProductPlan(x.shape, w.shape, (1, 1), (1, 1), 1, np.float32)
    assert [m for _, m, *_ in plan.chunks] == [18, 18, 18, 10]
    assert plan.rows is not None  # the two-pass columns
    assert np.array_equal(run(plan, x, w), torch_reference(x, w, 1, 1, 1))


def test_a_result_is_never_a_scratch_array():
    """The plan's arrays are reused: a result must survive the next call."""
    rng = np.random.default_rng(3)
    x1, x2 = rng.integers(0, 256, (2, 8, 1, 6, 6))
    w = rng.integers(-2, 3, (3, 1, 3, 3))
    first = correlate_integers(x1, w, (1, 1), (1, 1), 1, "float32")
    kept = first.copy()
    correlate_integers(x2, w, (1, 1), (1, 1), 1, "float32")
    assert np.array_equal(first, kept)
    assert np.array_equal(first, torch_reference(x1, w, 1, 1, 1))


def test_plans_are_reused_and_bounded(monkeypatch):
    workspace = Workspace()
    first = workspace.plan((4, 1, 9, 9), (2, 1, 3, 3), (1, 1), (1, 1), 1, np.float32)
    assert workspace.plan((4, 1, 9, 9), (2, 1, 3, 3), (1, 1), (1, 1), 1, np.float32) is first
    other = workspace.plan((4, 1, 9, 9), (2, 1, 3, 3), (2, 2), (1, 1), 1, np.float32)
    assert other is not first and len(workspace.plans) == 2
    # room for about one plan: the least recently used goes
    monkeypatch.setattr(Workspace, "MAX_KEPT", first.nbytes + other.nbytes // 2)
    workspace.plan((4, 1, 9, 9), (2, 1, 3, 3), (1, 1), (1, 1), 1, np.float32)
    assert list(workspace.plans.values()) == [first]
    monkeypatch.setattr(Workspace, "MAX_KEPT", 0)
    workspace.plan((4, 1, 9, 9), (2, 1, 3, 3), (1, 1), (1, 1), 1, np.float32)
    assert workspace.plans == {}


@pytest.mark.parametrize("stride", [(1, 1), (2, 1), (1, 2), (2, 2)])
def test_one_pass_and_two_pass_columns_agree(stride):
    """A row stride of 1 takes two passes, any other one; both give torch's values."""
    rng = np.random.default_rng(11)
    x = rng.integers(-100, 101, (3, 2, 11, 10))
    w = rng.integers(-5, 6, (4, 2, 3, 2))
    plan = ProductPlan(x.shape, w.shape, stride, (2, 1), 1, np.float64)
    assert (plan.rows is not None) == (stride[0] == 1)
    assert np.array_equal(run(plan, x, w), torch_reference(x, w, stride, (2, 1), 1))

