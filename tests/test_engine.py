"""Engine features beyond the course examples, each against torch float64 or
arithmetic written here."""

from fractions import Fraction

import numpy as np
import pytest
import sympy
import torch
import torch.nn.functional as F

from cnncalc.activations import leaky_relu, log_softmax, sigmoid, softmax, tanh
from cnncalc.conv import conv, conv3d
from cnncalc.errors import ShapeError
from cnncalc.pool import global_pool, pool
from cnncalc.values import Exact

RNG = np.random.default_rng(11)


def t(a):
    return torch.tensor(np.asarray(a), dtype=torch.float64)


def test_conv3d_matches_torch():
    x = RNG.integers(-9, 10, (2, 5, 6, 7))
    w = RNG.integers(-9, 10, (3, 2, 2, 3, 2))
    result = conv3d(x, w, stride=(1, 2, 1), padding=(1, 0, 1), dilation=(1, 1, 2))
    expected = F.conv3d(t(x)[None], t(w), stride=(1, 2, 1), padding=(1, 0, 1), dilation=(1, 1, 2))[0]
    assert np.array_equal(result.output.numerators, expected.numpy())


def test_per_side_padding_matches_explicit_pad():
    x = RNG.integers(-9, 10, (5, 6))
    w = RNG.integers(-9, 10, (3, 3))
    result = conv(x, w, padding=(2, 0, 1, 3))  # top, bottom, left, right
    padded = F.pad(t(x)[None, None], (1, 3, 2, 0))  # torch: left, right, top, bottom
    assert np.array_equal(result.output.numerators, F.conv2d(padded, t(w)[None, None])[0, 0].numpy())


def test_same_padding_with_stride_follows_keras():
    # TensorFlow: out = ceil(7 / 2) = 4; total pad = (4 - 1) * 2 + 3 - 7 = 2 -> 1 before, 1 after
    x = RNG.integers(-9, 10, (7, 7))
    w = RNG.integers(-9, 10, (3, 3))
    result = conv(x, w, padding="same", stride=2)
    assert result.output.shape == (4, 4)
    expected = F.conv2d(F.pad(t(x)[None, None], (1, 1, 1, 1)), t(w)[None, None], stride=2)[0, 0]
    assert np.array_equal(result.output.numerators, expected.numpy())
    # an even kernel: total pad (4-1)*2 + 2 - 8 = 0 for n=8; for n=7: (4-1)*2 + 2 - 7 = 1 -> after only
    r = conv(RNG.integers(0, 5, (7, 7)), np.ones((2, 2), dtype=int), padding="same", stride=2)
    assert [(p.before, p.after) for p in r.spec.padding] == [(0, 1), (0, 1)]


def test_full_padding():
    x, w = [1, 2, 3], [1, 1]
    assert conv(x, w, padding="full").output.tolist() == [1, 3, 5, 3]


def test_min_sum_and_global_pooling():
    x = RNG.integers(-50, 51, (3, 6, 6))
    tx = t(x)
    assert np.array_equal(pool(x, op="min", window=3, stride=2).output.numerators,
                          (-F.max_pool2d(-tx, 3, 2)).numpy())
    summed = F.avg_pool2d(tx, 2, divisor_override=1).numpy()
    assert np.array_equal(pool(x, op="sum").output.numerators, summed)
    means = global_pool(x, op="avg").output.tolist()
    assert [[[m]] for m in [Fraction(int(c.sum()), 36) for c in x]] == means
    assert global_pool(x, op="max").output.numerators.reshape(-1).tolist() == x.reshape(3, -1).max(1).tolist()


def test_symbolic_convolution_and_substitution():
    a, b, c, d = sympy.symbols("a b c d")
    result = conv("a b; c d", "1 2; 3 4")
    assert result.output.tolist() == [[a + 2 * b + 3 * c + 4 * d]]
    numeric = conv("5 6; 7 8", "1 2; 3 4").output.tolist()[0][0]
    assert result.output.tolist()[0][0].subs({a: 5, b: 6, c: 7, d: 8}) == numeric == 70


def test_rational_inputs_stay_exact():
    result = conv("0.1 0.2; 0.3 0.4", "1/3 1/3; 1/3 1/3")
    assert result.output.tolist() == [[Fraction(1, 3)]]


def test_past_float64_range_is_exact():
    x = np.array([[2**60, 3], [5, -2**61]], dtype=object)
    result = conv(x, "3 1; 1 7")
    assert result.method == "limbs"
    assert result.output.tolist() == [[3 * 2**60 + 3 + 5 - 7 * 2**61]]


def test_activations_against_torch():
    x = [-2, Fraction(-1, 2), 0, 1, 3]
    tx = t([float(v) for v in x])
    assert leaky_relu([str(v) for v in x], slope="0.01").output.to_float().tolist() == \
        F.leaky_relu(tx, 0.01).numpy().tolist()
    for exact, reference in ((sigmoid, torch.sigmoid), (tanh, torch.tanh)):
        got = np.array([float(v) for v in exact([str(v) for v in x]).output.tolist()])
        assert np.allclose(got, reference(tx).numpy(), rtol=1e-15, atol=0)
    got = np.array([float(v) for v in log_softmax("1 2 3").output.tolist()])
    assert np.allclose(got, F.log_softmax(t([1, 2, 3]), 0).numpy(), rtol=1e-15)
    assert sum(softmax("1 2 3").output.tolist()).equals(1)


def test_values_parse_exactly():
    assert Exact.from_nested(["0.25", "1/9", "-3", "2^3", "1e-3"]).tolist() == [
        Fraction(1, 4), Fraction(1, 9), -3, 8, Fraction(1, 1000)]


def test_kernel_channels_must_match():
    with pytest.raises(ShapeError, match="channel"):
        conv(RNG.integers(0, 5, (3, 4, 4)), RNG.integers(0, 5, (2, 2, 2, 2)))
