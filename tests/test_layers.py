"""Layer kinds beyond the hypothesis draws, each against its torch module
(output shape and parameter count) or against arithmetic written here."""

import warnings

import pytest

from cnncalc.errors import ShapeError
from cnncalc.stacks.grammar import parse_inline
from cnncalc.stacks.layers import Context
from cnncalc.stacks.summary import summarize

torch = pytest.importorskip("torch")
nn = torch.nn


def ours(text, **ctx):
    spec = parse_inline(text)
    s = summarize(spec.input, spec.layers, Context(**ctx))
    return s.rows[-1].output.dims(), s.trainable_params, s  # torch.parameters(): trainable only


def theirs(module, *chw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = module(torch.zeros(1, *chw))
    dims = tuple(y.shape[1:])
    hwc = dims if len(dims) == 1 else (*dims[1:], dims[0])
    trainable = sum(p.numel() for p in module.parameters())
    return hwc, trainable


CASES = [
    ("20x4 -> conv 6 5 stride 2 pad 1", lambda: nn.Conv1d(4, 6, 5, 2, 1), (4, 20)),
    ("9x10x11x2 -> conv 4 3x3x3 stride 2", lambda: nn.Conv3d(2, 4, 3, 2), (2, 9, 10, 11)),
    ("7x7x8 -> convtranspose 4 3x3 stride 2 pad 1 outpad 1", lambda: nn.ConvTranspose2d(8, 4, 3, 2, 1, 1), (8, 7, 7)),
    ("7x7x8 -> convtranspose 4 3x3 stride 2 groups 2 dilation 2 nobias",
     lambda: nn.ConvTranspose2d(8, 4, 3, 2, groups=2, dilation=2, bias=False), (8, 7, 7)),
    ("12x12x8 -> depthwise 3x3 multiplier 2 pad 1", lambda: nn.Conv2d(8, 16, 3, padding=1, groups=8), (8, 12, 12)),
    ("12x12x8 -> conv 4 3x3 dilation 2 groups 4", lambda: nn.Conv2d(8, 4, 3, dilation=2, groups=4), (8, 12, 12)),
    ("10x9x3 -> conv 5 3x2 stride 2x1 pad 1,0", lambda: nn.Conv2d(3, 5, (3, 2), (2, 1), (1, 0)), (3, 10, 9)),
    ("5x6x2 -> zeropad 1,0,2,3", lambda: nn.ZeroPad2d((2, 3, 1, 0)), (2, 5, 6)),  # torch: left, right, top, bottom
    ("7x7x8 -> conv 3 2x2 same", lambda: nn.Conv2d(8, 3, 2, padding="same"), (8, 7, 7)),
    ("9x9x4 -> avgpool 3 stride 2 pad 1 ceil", lambda: nn.AvgPool2d(3, 2, 1, ceil_mode=True), (4, 9, 9)),
    ("13x11x5 -> adaptiveavgpool 3x2", lambda: nn.AdaptiveAvgPool2d((3, 2)), (5, 13, 11)),
    ("6x6x16 -> bn", lambda: nn.BatchNorm2d(16), (16, 6, 6)),
    ("6x6x16 -> lrn", lambda: nn.LocalResponseNorm(5), (16, 6, 6)),
    ("6x6x16 -> flatten -> dense 7", lambda: nn.Sequential(nn.Flatten(), nn.Linear(576, 7)), (16, 6, 6)),
]


@pytest.mark.parametrize("text, module, chw", CASES, ids=[c[0] for c in CASES])
def test_layer_matches_torch(text, module, chw):
    dims, params, _ = ours(text)
    assert (dims, params) == theirs(module(), *chw)


def test_global_pooling_gives_one_value_per_channel():
    dims, params, s = ours("7x7x512 -> globalavgpool -> dense 10")
    assert s.rows[0].output.dims() == (512,) and params == 10 * 513
    assert s.rows[0].rf[0][0] == 7  # sees the whole 7x7 map


def test_full_padding_grows_the_map():
    assert ours("5x5x1 -> conv 1 3x3 full")[0] == (5 + 2 * 2 - 3 + 1, 7, 1)


def test_keras_same_with_even_kernel_and_stride_pads_bottom_right():
    # TensorFlow: out = ceil(7/2) = 4; total padding (4 - 1)*2 + 2 - 7 = 1, all of it after
    dims, _, s = ours("7x7x1 -> conv 1 2x2 stride 2 same", convention="keras")
    assert dims == (4, 4, 1)
    assert "0 + 1" in dict(s.rows[0].formulas)["output"]


def test_conv_groups_must_divide_channels():
    with pytest.raises(ShapeError, match="groups"):
        ours("8x8x6 -> conv 4 3x3 groups 4")


def test_dropout_rate_must_be_a_probability():
    with pytest.raises(ShapeError, match="probability"):
        ours("8x8x6 -> dropout 1.5")


def test_macs_of_dense_and_depthwise():
    s = ours("4x4x8 -> depthwise 3x3 pad 1 -> flatten -> dense 10")[2]
    assert s.rows[0].macs == 4 * 4 * 8 * 3 * 3 * 1
    assert s.rows[2].macs == 128 * 10


def test_fully_connected_equivalent_follows_no_bias():
    s = ours("227x227x3 -> conv 96 11x11 stride 4", bias=False)[2]
    assert s.rows[0].fc_equivalent == 290_400 * 154_587
