"""Every shape, unit and parameter question of the course documents, with the
expected values computed by hand in the test (not copied from the engine)."""

import pytest

from cnncalc.errors import ShapeError
from cnncalc.stacks.grammar import parse_inline
from cnncalc.stacks.layers import Context
from cnncalc.stacks.summary import summarize
from cnncalc.stacks.zoo import get


def run(text, **ctx):
    spec = parse_inline(text)
    return summarize(spec.input, spec.layers, Context(**ctx))


def zoo(name, **ctx):
    spec = get(name)
    return summarize(spec.input, spec.layers, Context(convention=spec.convention, **ctx), name)


# --- lecture 004: the 7x7 input, 3x3 filter ---------------------------------


@pytest.mark.parametrize("stride, size", [(1, (7 - 3) // 1 + 1), (2, (7 - 3) // 2 + 1)])
def test_7x7_input_strides_1_and_2_fit(stride, size):
    s = run(f"7x7x1 -> conv 1 3x3 stride {stride}")
    assert s.output.spatial == (size, size)  # 5, 3
    assert s.warnings == ()


def test_7x7_input_stride_3_does_not_fit():
    s = run("7x7x1 -> conv 1 3x3 stride 3")
    assert s.output.spatial == (2, 2)  # floor(4/3) + 1, as torch floors
    (warning,) = s.warnings
    assert "conv1" in warning and "(7 - 3 + 2*0)/3 + 1 = 2.33" in warning
    assert "use stride 1 or 2, or pad by 1" in warning
    with pytest.raises(ShapeError, match="does not fit"):
        run("7x7x1 -> conv 1 3x3 stride 3", strict=True)


def test_zero_padding_one_pixel_keeps_7x7():
    s = run("7x7x1 -> conv 1 3x3 stride 1 pad 1")
    assert s.output.spatial == (7 - 3 + 2 * 1 + 1,) * 2 == (7, 7)
    s = run("7x7x1 -> zeropad 1")
    assert s.output.spatial == (9, 9)


@pytest.mark.parametrize("f", [3, 5, 7])
def test_padding_f_minus_1_over_2_preserves_size(f):
    p = (f - 1) // 2  # 1, 2, 3 as on the slide
    assert run(f"32x32x3 -> conv 8 {f}x{f} pad {p}").output.spatial == (32, 32)
    from cnncalc.stacks.solve import keep_size_padding

    assert keep_size_padding(f) == p


def test_32x32x3_with_ten_5x5_filters_pad_2():
    s = run("32x32x3 -> conv 10 5x5 stride 1 pad 2")
    assert s.output.dims() == (32, 32, 10)
    assert s.total_params == (5 * 5 * 3 + 1) * 10 == 760


# --- exercise sheet 000, Q2: AlexNet CONV1 ----------------------------------


def test_alexnet_conv1_width_units_params_and_fc_comparison():
    s = run("227x227x3 -> conv 96 11x11 stride 4 pad 0")
    row = s.rows[0]
    assert row.output.dims() == ((227 - 11 + 2 * 0) // 4 + 1, 55, 96)
    assert row.units == 55 * 55 * 96 == 290_400
    assert row.params == 96 * (11 * 11 * 3 + 1) == 34_944
    assert dict(row.formulas)["output"] == "(227 - 11 + 2*0)/4 + 1 = 55"
    assert dict(row.formulas)["units"] == "55 x 55 x 96 = 290,400"
    assert dict(row.formulas)["params"] == "96 x (11 x 11 x 3 + 1) = 34,944"
    # "How many parameters would we have if we had used a FF layer with 256 units?"
    ff = run("227x227x3 -> flatten -> dense 256")
    assert ff.total_params == 256 * (227 * 227 * 3 + 1) == 39_574_528
    # a fully-connected layer with the conv layer's own inputs and outputs
    assert row.fc_equivalent == 290_400 * (227 * 227 * 3 + 1)


def test_alexnet_conv1_without_bias_is_35k():
    assert run("227x227x3 -> conv 96 11x11 stride 4", bias=False).total_params == 11 * 11 * 3 * 96  # 34,848 "35K"


def test_alexnet_layer_by_layer():
    s = zoo("alexnet")
    shapes = {r.name: r.output.dims() for r in s.rows}
    expected = {
        "conv1": (55, 55, 96), "pool1": (27, 27, 96), "norm1": (27, 27, 96), "conv2": (27, 27, 256),
        "pool2": (13, 13, 256), "norm2": (13, 13, 256), "conv3": (13, 13, 384), "conv4": (13, 13, 384),
        "conv5": (13, 13, 256), "pool3": (6, 6, 256), "fc6": (4096,), "fc7": (4096,), "fc8": (1000,),
    }
    for name, dims in expected.items():
        assert shapes[name] == dims, name
    params = {r.name: r.params for r in s.rows}
    assert params["pool1"] == 0 and params["norm1"] == 0
    assert params["conv2"] == 256 * (5 * 5 * 96 + 1)
    assert params["fc6"] == 4096 * (6 * 6 * 256 + 1)
    assert s.total_params == (
        96 * (11 * 11 * 3 + 1) + 256 * (5 * 5 * 96 + 1) + 384 * (9 * 256 + 1) + 384 * (9 * 384 + 1)
        + 256 * (9 * 384 + 1) + 4096 * (9216 + 1) + 4096 * (4096 + 1) + 1000 * (4096 + 1)
    ) == 62_378_344


# --- lecture 004: the VGG16 table, weights only ------------------------------

VGG16_TABLE = [  # (output, memory, params) as in the table, params without biases
    ((224, 224, 64), 224 * 224 * 64, (3 * 3 * 3) * 64),
    ((224, 224, 64), 224 * 224 * 64, (3 * 3 * 64) * 64),
    ((112, 112, 64), 112 * 112 * 64, 0),
    ((112, 112, 128), 112 * 112 * 128, (3 * 3 * 64) * 128),
    ((112, 112, 128), 112 * 112 * 128, (3 * 3 * 128) * 128),
    ((56, 56, 128), 56 * 56 * 128, 0),
    ((56, 56, 256), 56 * 56 * 256, (3 * 3 * 128) * 256),
    ((56, 56, 256), 56 * 56 * 256, (3 * 3 * 256) * 256),
    ((56, 56, 256), 56 * 56 * 256, (3 * 3 * 256) * 256),
    ((28, 28, 256), 28 * 28 * 256, 0),
    ((28, 28, 512), 28 * 28 * 512, (3 * 3 * 256) * 512),
    ((28, 28, 512), 28 * 28 * 512, (3 * 3 * 512) * 512),
    ((28, 28, 512), 28 * 28 * 512, (3 * 3 * 512) * 512),
    ((14, 14, 512), 14 * 14 * 512, 0),
    ((14, 14, 512), 14 * 14 * 512, (3 * 3 * 512) * 512),
    ((14, 14, 512), 14 * 14 * 512, (3 * 3 * 512) * 512),
    ((14, 14, 512), 14 * 14 * 512, (3 * 3 * 512) * 512),
    ((7, 7, 512), 7 * 7 * 512, 0),
    ((4096,), 4096, 7 * 7 * 512 * 4096),
    ((4096,), 4096, 4096 * 4096),
    ((1000,), 1000, 4096 * 1000),
]


def test_vgg16_table_row_by_row_weights_only():
    s = zoo("vgg16", bias=False)
    rows = [r for r in s.rows if r.type in ("conv2d", "maxpool2d", "dense")]
    assert len(rows) == len(VGG16_TABLE)
    for row, (dims, memory, params) in zip(rows, VGG16_TABLE):
        assert (row.output.dims(), row.units, row.params) == (dims, memory, params), row.name
    assert s.input.units == 224 * 224 * 3  # "memory: 224*224*3=150K"
    assert s.total_params == sum(p for _, _, p in VGG16_TABLE) == 138_344_128
    assert zoo("vgg16").total_params == 138_344_128 + 64 * 2 + 128 * 2 + 256 * 3 + 512 * 6 + 4096 * 2 + 1000


def test_vgg16_memory_bytes_float32():
    s = zoo("vgg16")
    conv1 = s.rows[0]
    assert conv1.memory_bytes == 224 * 224 * 64 * 4


# --- exercise sheet 000, Q3 and the programming task of lecture 004 ---------


def test_mnist_cnn_and_mlp_counts():
    cnn = zoo("mnist-cnn")
    assert [r.output.dims() for r in cnn.rows if r.type in ("conv2d", "maxpool2d")] == [
        (24, 24, 10), (12, 12, 10), (8, 8, 20), (4, 4, 20)]
    assert cnn.total_params == 10 * (25 + 1) + 20 * (25 * 10 + 1) + 50 * (320 + 1) + 10 * (50 + 1) == 21_840
    mlp = zoo("mnist-mlp")
    assert mlp.total_params == 256 * 785 + 128 * 257 + 64 * 129 + 10 * 65 == 242_762


def test_programming_task_network_keras_same():
    s = zoo("keras-task")
    dims = [r.output.dims() for r in s.rows if r.type in ("conv2d", "maxpool2d", "flatten", "dense")]
    assert dims == [(13, 13, 64), (13, 13, 32), (12, 12, 32), (4608,), (256,), (10,)]
    assert s.total_params == 64 * (9 + 1) + 32 * (4 * 64 + 1) + 256 * (4608 + 1) + 10 * (256 + 1) == 1_191_338


def test_lenet5_total():
    assert zoo("lenet5").total_params == 6 * 26 + 16 * (25 * 6 + 1) + 120 * (25 * 16 + 1) + 84 * 121 + 10 * 85 == 61_706


# --- receptive fields (lecture 003) ------------------------------------------


def test_receptive_field_of_two_3x3_convs_is_5_and_pool_doubles_jump():
    s = run("32x32x3 -> conv 8 3x3 pad 1 -> conv 8 3x3 pad 1 -> maxpool 2 -> conv 8 3x3 pad 1")
    assert [r.rf[0][:2] for r in s.rows] == [(3, 1), (5, 1), (6, 2), (6 + 2 * 2, 2)]
    assert s.rows[0].rf[0][2] == -1  # first output's window starts one pixel into the padding


def test_receptive_field_of_a_residual_block_is_the_larger_branch():
    s = run("8x8x4 -> residual(conv 4 3x3 pad 1 -> conv 4 3x3 pad 1)")
    assert s.rows[-1].type == "add" and s.rows[-1].rf[0][0] == 5


def test_batchnorm_counts_running_statistics_apart():
    # 16 channels: scale and shift are trained (2 x 16); running mean and variance are not (2 x 16)
    s = run("8x8x16 -> bn")
    assert (s.trainable_params, s.non_trainable_params) == (32, 32)
    assert s.total_params == 32  # torch: running statistics are buffers, not parameters
    assert run("8x8x16 -> bn", convention="keras").total_params == 64  # Keras totals both


def test_macs_convention():
    s = run("227x227x3 -> conv 96 11x11 stride 4 -> maxpool 3 stride 2 -> relu")
    assert s.rows[0].macs == 55 * 55 * 96 * 11 * 11 * 3
    assert s.rows[1].macs == 0 and s.rows[2].macs == 0


def test_same_padding_with_stride_2_needs_keras_convention():
    with pytest.raises(ShapeError, match="--convention keras"):
        run("7x7x1 -> conv 1 3x3 stride 2 same")
    assert run("7x7x1 -> conv 1 3x3 stride 2 same", convention="keras").output.spatial == (4, 4)  # ceil(7/2)
    # even kernel, stride 2, Keras: out ceil(8/2) = 4, total padding (4-1)*2 + 2 - 8 = 0
    assert run("8x8x1 -> conv 1 2x2 stride 2 same", convention="keras").output.spatial == (4, 4)
