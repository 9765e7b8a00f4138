"""Property tests: the exact engine against torch float64 on drawn configurations.

Integer operands keep torch exact (every partial sum is far below 2^53), so
results must agree cell for cell.  Rational operands x = X/dx, w = W/dw are
checked as (torch's exact X ⊛ W) / (dx·dw) + bias, and a configuration must be
accepted by both or rejected by both.
"""

from fractions import Fraction

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given
from hypothesis import strategies as st

from cnncalc.conv import conv
from cnncalc.conv_matrix import conv_as_matrix
from cnncalc.errors import CnnCalcError
from cnncalc.pool import pool

DENOMINATORS = [1, 1, 2, 3, 4, 7, 9]


def _fractions(numerators: np.ndarray, denominator: int) -> list:
    return np.frompyfunc(lambda v: Fraction(int(v), denominator), 1, 1)(numerators).tolist()


@st.composite
def conv_configs(draw):
    dims = draw(st.sampled_from([1, 2]))
    groups = draw(st.integers(1, 3))
    channels = groups * draw(st.integers(1, 2))
    filters = groups * draw(st.integers(1, 2))
    batch = draw(st.integers(1, 2))
    sizes = tuple(draw(st.integers(1, 8)) for _ in range(dims))
    kernel = tuple(draw(st.integers(1, 4)) for _ in range(dims))
    stride = tuple(draw(st.integers(0, 3)) for _ in range(dims))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(dims))
    padding = draw(st.one_of(
        st.tuples(*[st.integers(0, 3)] * dims),
        st.just("valid"),
        st.just("same") if all(s == 1 for s in stride) else st.just("valid"),
    ))
    # sometimes a kernel whose channels do not match: both must refuse it
    kernel_channels = channels // groups + draw(st.sampled_from([0, 0, 0, 0, 1]))
    seed = draw(st.integers(0, 2**32 - 1))
    dx, dw, db = (draw(st.sampled_from(DENOMINATORS)) for _ in range(3))
    with_bias = draw(st.booleans())
    return dict(dims=dims, groups=groups, channels=channels, filters=filters, batch=batch, sizes=sizes,
                kernel=kernel, stride=stride, dilation=dilation, padding=padding,
                kernel_channels=kernel_channels, seed=seed, dx=dx, dw=dw, db=db, with_bias=with_bias)


def _torch_conv(X, W, B, cfg):
    fn = F.conv1d if cfg["dims"] == 1 else F.conv2d
    return fn(torch.tensor(X, dtype=torch.float64), torch.tensor(W, dtype=torch.float64),
              None if B is None else torch.tensor(B, dtype=torch.float64),
              stride=cfg["stride"], padding=cfg["padding"], dilation=cfg["dilation"], groups=cfg["groups"])


@given(conv_configs())
def test_convolution_equals_torch(cfg):
    rng = np.random.default_rng(cfg["seed"])
    X = rng.integers(-30, 31, (cfg["batch"], cfg["channels"]) + cfg["sizes"])
    W = rng.integers(-9, 10, (cfg["filters"], cfg["kernel_channels"]) + cfg["kernel"])
    B = rng.integers(-20, 21, cfg["filters"]) if cfg["with_bias"] else None
    try:
        # torch gets the integers; the bias is added exactly afterwards
        expected = _torch_conv(X, W, None, cfg).numpy()
        torch_error = None
    except RuntimeError as error:
        torch_error = error
    x = _fractions(X, cfg["dx"])
    w = _fractions(W, cfg["dw"])
    b = _fractions(B, cfg["db"]) if B is not None else None
    try:
        result = conv(x, w, bias=b, stride=cfg["stride"], padding=cfg["padding"],
                      dilation=cfg["dilation"], groups=cfg["groups"], dims=cfg["dims"])
    except CnnCalcError as error:
        assert torch_error is not None, f"cnncalc refused what torch accepts: {error}"
        return
    assert torch_error is None, f"cnncalc accepted what torch refuses: {torch_error}"
    got = np.array(result.output.tolist(), dtype=object)
    assert got.shape == expected.shape
    want = np.frompyfunc(lambda v: Fraction(int(v), cfg["dx"] * cfg["dw"]), 1, 1)(expected)
    if B is not None:
        shape = (1, -1) + (1,) * cfg["dims"]
        want = want + np.array(b, dtype=object).reshape(shape)
    assert (got == want).all()


@given(conv_configs())
def test_integer_convolution_equals_torch_cell_for_cell(cfg):
    assume(all(s >= 1 for s in cfg["stride"]) and cfg["kernel_channels"] * cfg["groups"] == cfg["channels"])
    rng = np.random.default_rng(cfg["seed"])
    X = rng.integers(-100, 101, (cfg["batch"], cfg["channels"]) + cfg["sizes"])
    W = rng.integers(-9, 10, (cfg["filters"], cfg["kernel_channels"]) + cfg["kernel"])
    B = rng.integers(-20, 21, cfg["filters"])
    try:
        expected = _torch_conv(X, W, B, cfg).numpy()
    except RuntimeError:
        with pytest.raises(CnnCalcError):
            conv(X, W, bias=B, stride=cfg["stride"], padding=cfg["padding"], dilation=cfg["dilation"],
                 groups=cfg["groups"], dims=cfg["dims"])
        return
    result = conv(X, W, bias=B, stride=cfg["stride"], padding=cfg["padding"], dilation=cfg["dilation"],
                  groups=cfg["groups"], dims=cfg["dims"])
    assert result.output.denominator == 1
    assert np.array_equal(result.output.numerators, expected)


@st.composite
def pool_configs(draw):
    dims = draw(st.sampled_from([1, 2]))
    op = draw(st.sampled_from(["max", "avg"]))
    sizes = tuple(draw(st.integers(1, 9)) for _ in range(dims))
    window = tuple(draw(st.integers(1, 4)) for _ in range(dims))
    stride = draw(st.one_of(st.none(), st.tuples(*[st.integers(1, 4)] * dims)))
    padding = tuple(draw(st.integers(0, 3)) for _ in range(dims))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(dims)) if op == "max" else (1,) * dims
    return dict(dims=dims, op=op, sizes=sizes, window=window, stride=stride, padding=padding,
                dilation=dilation, ceil=draw(st.booleans()), include=draw(st.booleans()),
                channels=draw(st.integers(1, 2)), seed=draw(st.integers(0, 2**32 - 1)))


def _torch_pool(X, cfg):
    x = torch.tensor(X, dtype=torch.float64)
    if cfg["op"] == "max":
        fn = F.max_pool1d if cfg["dims"] == 1 else F.max_pool2d
        return fn(x, cfg["window"], cfg["stride"], cfg["padding"], cfg["dilation"], ceil_mode=cfg["ceil"])
    fn = F.avg_pool1d if cfg["dims"] == 1 else F.avg_pool2d
    return fn(x, cfg["window"], cfg["stride"], cfg["padding"], ceil_mode=cfg["ceil"],
              count_include_pad=cfg["include"])


@given(pool_configs())
def test_pooling_equals_torch(cfg):
    rng = np.random.default_rng(cfg["seed"])
    X = rng.integers(-50, 51, (cfg["channels"],) + cfg["sizes"])
    try:
        expected = _torch_pool(X, cfg).numpy()
        torch_error = None
    except RuntimeError as error:
        torch_error = error
    try:
        result = pool(X, op=cfg["op"], window=cfg["window"], stride=cfg["stride"], padding=cfg["padding"],
                      dilation=cfg["dilation"], ceil_mode=cfg["ceil"], count_include_pad=cfg["include"],
                      dims=cfg["dims"])
    except CnnCalcError as error:
        if "covers only padding" in str(error):
            # the one documented difference: a dilated window over padding alone has no
            # maximum; torch answers -inf, an exact calculator refuses
            assert torch_error is None and np.isneginf(expected).any()
            return
        assert torch_error is not None, f"cnncalc refused what torch accepts: {error}"
        return
    assert torch_error is None, f"cnncalc accepted what torch refuses: {torch_error}"
    got = np.array(result.output.tolist(), dtype=object)
    assert got.shape == expected.shape
    if cfg["op"] == "max":
        assert (got == expected).all()
    else:
        # torch divides an exact integer sum once: the correctly rounded value of our fraction
        assert (np.frompyfunc(float, 1, 1)(got) == expected).all()


@given(st.integers(0, 2**32 - 1), st.integers(2, 7), st.integers(1, 3), st.integers(0, 2))
def test_convolution_is_correlation_with_the_flipped_kernel(seed, size, k, pad):
    rng = np.random.default_rng(seed)
    x = rng.integers(-9, 10, (size + 2, size))
    w = rng.integers(-9, 10, (k, k + 1))
    assume(k + 1 <= size + 2 * pad)
    flipped = conv(x, w, flip=True, padding=pad).output
    assert flipped.equals(conv(x, w[::-1, ::-1].copy(), padding=pad).output)
    expected = F.conv2d(torch.tensor(x, dtype=torch.float64)[None, None],
                        torch.tensor(w[::-1, ::-1].copy(), dtype=torch.float64)[None, None], padding=pad)
    assert np.array_equal(flipped.numerators, expected[0, 0].numpy())


@given(st.integers(0, 2**32 - 1), st.integers(1, 2), st.integers(3, 6), st.integers(1, 3),
       st.integers(1, 2), st.integers(0, 1), st.booleans())
def test_matrix_form_equals_direct_form(seed, channels, size, k, stride, pad, with_bias):
    rng = np.random.default_rng(seed)
    x = rng.integers(-9, 10, (channels, size, size))
    w = rng.integers(-9, 10, (2, channels, k, k))
    b = rng.integers(-9, 10, 2) if with_bias else None
    result = conv(x, w, bias=b, stride=stride, padding=pad)
    m = conv_as_matrix(result)
    assert m.agrees
    # independently: the dense product with numpy integers
    direct = np.array(m.matrix.tolist(), dtype=np.int64) @ x.reshape(-1)
    if b is not None:
        direct = direct + np.repeat(b, direct.size // 2)
    assert np.array_equal(direct, result.output.numerators.reshape(-1))


@given(st.integers(0, 2**32 - 1), st.integers(0, 3), st.integers(0, 3), st.integers(1, 3))
def test_translation_equivariance_on_interior_cells(seed, dy, dx, k):
    rng = np.random.default_rng(seed)
    patch = rng.integers(-9, 10, (5, 5))
    w = rng.integers(-9, 10, (k, k))
    canvas, shifted = np.zeros((10, 10), dtype=np.int64), np.zeros((10, 10), dtype=np.int64)
    canvas[:5, :5] = patch
    shifted[dy:dy + 5, dx:dx + 5] = patch
    y, ys = conv(canvas, w).output.numerators, conv(shifted, w).output.numerators
    out = y.shape[0]
    assert np.array_equal(ys[dy:, dx:], y[:out - dy, :out - dx])
