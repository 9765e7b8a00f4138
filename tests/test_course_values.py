"""Every worked convolution and pooling of the course documents (../shared/seeds),
checked against torch float64 or hand arithmetic written here."""

from fractions import Fraction

import numpy as np
import torch
import torch.nn.functional as F

from cnncalc.activations import dense, relu, softmax
from cnncalc.conv import conv
from cnncalc.explain import conv_steps, pool_steps
from cnncalc.pool import pool

from .helpers import t64, torch_conv2d

# 000 Q1: the 6x6 image and the ring kernel
IMAGE_6x6 = [[20, 35, 35, 35, 35, 20], [29, 46, 44, 42, 42, 27], [16, 25, 21, 19, 19, 12],
             [66, 120, 116, 154, 114, 62], [74, 216, 174, 252, 172, 112], [70, 210, 170, 250, 170, 110]]
RING = [[1, 1, 1], [1, 0, 1], [1, 1, 1]]
PUBLISHED_C = [[225, 258, 250, 209], [458, 566, 552, 472], [708, 981, 887, 802], [1000, 1488, 1320, 1224]]

# 003: the 10x10 image the mean filter slides over
IMAGE_10x10 = [
    [113, 122, 130, 128, 126, 125, 121, 121, 115, 127],
    [115, 112, 110, 111, 114, 119, 122, 117, 120, 117],
    [105, 106, 105, 106, 108, 111, 113, 117, 118, 114],
    [94, 98, 101, 103, 105, 108, 110, 114, 114, 111],
    [106, 109, 111, 112, 113, 114, 115, 113, 112, 111],
    [114, 113, 111, 110, 109, 0, 0, 0, 111, 113],
    [110, 106, 106, 108, 111, 0, 0, 0, 107, 110],
    [109, 106, 108, 116, 124, 0, 0, 0, 106, 109],
    [102, 97, 100, 109, 116, 117, 114, 118, 111, 114],
    [100, 108, 97, 100, 107, 90, 93, 97, 102, 110],
]
# the slide's blurred 8x8 image (values rounded to whole numbers)
PUBLISHED_BLUR = [
    [113, 114, 115, 116, 118, 118, 118, 118], [105, 106, 107, 109, 112, 115, 116, 116],
    [104, 106, 107, 109, 111, 113, 114, 114], [106, 108, 108, 97, 86, 75, 88, 100],
    [110, 110, 110, 86, 62, 38, 62, 86], [109, 109, 111, 75, 38, 0, 36, 73],
    [105, 106, 111, 89, 65, 39, 62, 86], [103, 105, 109, 98, 85, 70, 82, 96],
]
POOL_4x4 = "10 15 10 20; 10 5 0 30; 5 15 20 25; 15 10 25 20"
PAD_INPUT = [[0, 80, 40], [20, 40, 0], [0, 0, 40]]
PAD_KERNEL = "0 0.25 0; 0.25 0.5 1; 0 0 0.25"
PAD_KERNEL_F = [[0, 0.25, 0], [0.25, 0.5, 1], [0, 0, 0.25]]


def test_ring_kernel_matches_torch_and_the_sheet():
    result = conv(IMAGE_6x6, RING).output.tolist()
    assert result == torch_conv2d(IMAGE_6x6, RING).astype(int).tolist()
    assert result == PUBLISHED_C


def test_max_pooling_of_the_ring_result():
    pooled = pool(conv(IMAGE_6x6, RING).output, op="max", window=2, stride=2).output.tolist()
    expected = F.max_pool2d(t64(PUBLISHED_C)[None, None], 2, 2)[0, 0].numpy().astype(int).tolist()
    assert pooled == expected == [[566, 552], [1488, 1320]]


def test_first_cell_51_of_lecture_004():
    image = "2 4 9 1 4; 2 1 4 4 6; 1 1 2 9 2; 7 3 5 1 3; 2 3 4 8 5"
    kernel = "1 2 3; -4 7 4; 2 -5 1"
    result = conv(image, kernel)
    # by hand: 2*1 + 4*2 + 9*3 + 2*(-4) + 1*7 + 4*4 + 1*2 + 1*(-5) + 2*1
    assert result.output[0, 0] == 2 + 8 + 27 - 8 + 7 + 16 + 2 - 5 + 2 == 51
    x = [[int(v) for v in row.split()] for row in image.split(";")]
    k = [[int(v) for v in row.split()] for row in kernel.split(";")]
    assert result.output.tolist() == torch_conv2d(x, k).astype(int).tolist()
    step = conv_steps(result, [(0, 0)])[0]
    assert [(t.weight, t.value) for t in step.terms][:3] == [(1, 2), (2, 4), (3, 9)]


def test_max_pool_example_of_lecture_004():
    x = [[2, 2, 7, 3], [9, 4, 6, 1], [8, 5, 2, 4], [3, 1, 2, 6]]
    assert pool(x).output.tolist() == [[9, 7], [8, 6]]
    assert pool(x).output.tolist() == F.max_pool2d(t64(x)[None], 2)[0].numpy().astype(int).tolist()


def test_mean_filter_gives_exact_ninths():
    nine = [["1/9"] * 3 for _ in range(3)]
    result = conv(IMAGE_10x10, nine)
    values = result.output.tolist()
    # the first window by hand: (113 + 122 + 130 + 115 + 112 + 110 + 105 + 106 + 105) / 9
    assert values[0][0] == Fraction(1018, 9)
    # every cell: nine times the value is torch's sum with a kernel of ones
    sums = torch_conv2d(IMAGE_10x10, [[1] * 3] * 3)
    assert all(values[i][j] * 9 == sums[i, j] for i in range(8) for j in range(8))
    assert all(isinstance(v, (int, Fraction)) for row in values for v in row)


def test_mean_filter_rounds_to_the_slide_blur():
    values = conv(IMAGE_10x10, [["1/9"] * 3] * 3).output.tolist()
    rounded = [[int(v + Fraction(1, 2)) for v in row] for row in values]  # half up, all positive
    mismatches = [(i, j) for i in range(8) for j in range(8) if rounded[i][j] != PUBLISHED_BLUR[i][j]]
    assert mismatches == []


def test_mean_filter_window_of_the_slide():
    """The slide multiplies the window 103 105 108 / 112 113 114 / 110 109 0 by 1/9."""
    result = conv(IMAGE_10x10, [["1/9"] * 3] * 3)
    step = conv_steps(result, [(3, 3)])[0]
    assert [t.value for t in step.terms] == [103, 105, 108, 112, 113, 114, 110, 109, 0]
    assert all(t.weight == Fraction(1, 9) for t in step.terms)
    assert step.value == Fraction(103 + 105 + 108 + 112 + 113 + 114 + 110 + 109 + 0, 9) == Fraction(874, 9)


def test_true_convolution_of_lecture_001():
    result = conv(PAD_INPUT, "0 0.25; 0.5 1", flip=True)
    assert result.output.tolist() == [[45, 110], [40, 40]]
    # torch cross-correlates: feed it the kernel turned by 180 degrees
    flipped = [[1, 0.5], [0.25, 0]]
    assert result.output.tolist() == torch_conv2d(PAD_INPUT, flipped).tolist()
    step = conv_steps(result, [(0, 0)])[0]
    assert [(t.weight, t.value) for t in step.terms] == [
        (1, 0), (Fraction(1, 2), 80), (Fraction(1, 4), 20), (0, 40)]


def test_zero_padding_example_fills_the_question_marks():
    result = conv(PAD_INPUT, PAD_KERNEL, padding=1)
    expected = torch_conv2d(PAD_INPUT, PAD_KERNEL_F, padding=1)
    assert result.output.tolist() == expected.tolist()
    # the slide's known cells, then the '?' ones
    assert result.output.tolist()[0] == [90, 80, 40]
    assert result.output.tolist()[1][:2] == [50, 55]
    assert result.output.tolist()[1][2] == 20 and result.output.tolist()[2] == [5, 50, 20]


def test_zero_padding_with_stride_2():
    result = conv(PAD_INPUT, PAD_KERNEL, padding=1, stride=2)
    assert result.output.tolist() == torch_conv2d(PAD_INPUT, PAD_KERNEL_F, padding=1, stride=2).tolist()
    assert result.output.tolist() == [[90, 40], [5, 20]]


def test_pooling_examples_of_lecture_001_and_its_errata():
    x = [[10, 15, 10, 20], [10, 5, 0, 30], [5, 15, 20, 25], [15, 10, 25, 20]]
    maximum = pool(x, op="max").output.tolist()
    average = pool(x, op="avg").output.tolist()
    assert maximum == F.max_pool2d(t64(x)[None], 2)[0].numpy().tolist()
    assert average == F.avg_pool2d(t64(x)[None], 2)[0].numpy().tolist()
    # the slide prints 10 and 13.75; by hand max(10, 15, 10, 5) = 15 and (5+15+15+10)/4 = 11.25
    assert maximum == [[15, 30], [15, 25]]
    assert average == [[10, 15], [Fraction(45, 4), Fraction(45, 2)]]
    step = pool_steps(pool(x, op="avg"), [(1, 0)])[0]
    assert [v for _, v in step.values] == [5, 15, 15, 10] and step.divisor == 4


def test_32x32x3_with_ten_5x5_filters_pad_2():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 256, (3, 32, 32))
    w = rng.integers(-3, 4, (10, 3, 5, 5))
    b = rng.integers(-5, 6, 10)
    result = conv(x, w, bias=b, padding=2)
    assert result.output.shape == (10, 32, 32)
    expected = F.conv2d(t64(x)[None], t64(w), t64(b), padding=2)[0].numpy()
    assert np.array_equal(result.output.numerators, expected)


def test_alexnet_conv1_output_volume():
    rng = np.random.default_rng(4)
    x = rng.integers(0, 256, (3, 227, 227))
    w = rng.integers(-10, 11, (96, 3, 11, 11))
    result = conv(x, w, stride=4)
    assert result.output.shape == (96, 55, 55)
    assert np.array_equal(result.output.numerators, F.conv2d(t64(x)[None], t64(w), stride=4)[0].numpy())


def test_sparse_matrix_of_lecture_003():
    from cnncalc.conv_matrix import conv_as_matrix

    signal = [3, 1, 4, 1, 5, 9, 2, 6]
    m = conv_as_matrix(conv(signal, [-1, 0, 1]))
    # the lecture's columns: -1, 0, 1 shifted down one row each
    assert m.matrix.tolist()[0] == [-1, 0, 1, 0, 0, 0, 0, 0]
    assert m.matrix.tolist()[1] == [0, -1, 0, 1, 0, 0, 0, 0]
    assert m.parameters == 3 and m.agrees
    direct = (np.array(m.matrix.tolist()) @ np.array(signal)).tolist()
    assert direct == [signal[i + 2] - signal[i] for i in range(6)]


def test_activations_and_dense_layer():
    assert relu("-3 0 2.5").output.tolist() == [0, 0, Fraction(5, 2)]
    probabilities = softmax("1 2 3").output.to_float()
    assert np.allclose(probabilities, torch.softmax(t64([1, 2, 3]), 0).numpy(), rtol=0, atol=1e-15)
    out = dense("1 2 3", "1 0 -1; 0.5 0.5 0.5", bias="0 1/3").output.tolist()
    assert out == [1 - 3, Fraction(1, 2) * 6 + Fraction(1, 3)]
