"""`cnncalc verify`: the builder and the comparisons, on drawn stacks.

Drawn stacks are built twice: by cnncalc's builder (inside ``verify``) and
here, directly from the drawn numbers with plain torch modules.  The report
must agree with the engine everywhere, and its torch shapes must be those of
the independent module; when the engine refuses a stack, torch must refuse it
too.
"""

import pytest

torch = pytest.importorskip("torch")
from click.testing import CliRunner  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from torch import nn  # noqa: E402

from cnncalc.cli import main  # noqa: E402
from cnncalc.errors import ShapeError  # noqa: E402
from cnncalc.stacks.grammar import StackSpec  # noqa: E402
from cnncalc.stacks.layers import Activation, BatchNorm, Context, Conv, Dense, Flatten, Pool, ZeroPad  # noqa
from cnncalc.stacks.shapes import Shape  # noqa: E402
from cnncalc.torch import build  # noqa: E402
from cnncalc.torch.verify import verify  # noqa: E402

from .helpers import examples  # noqa: E402


@st.composite
def conv_layer(draw, keras):
    k = draw(st.integers(1, 4))
    s = draw(st.integers(1, 3))
    d = draw(st.integers(1, 2))
    pad = draw(st.sampled_from(["same", "valid", 0, 1]) if keras else st.sampled_from([0, 1, 2, (0, 1, 1, 0)]))
    if keras:
        d = 1 if s > 1 else d  # Keras: strides > 1 and dilation > 1 are exclusive
    groups = draw(st.sampled_from([1, 2]))
    return Conv(2 * draw(st.integers(1, 3)), k, stride=s, padding=pad, dilation=d, groups=groups,
                bias=draw(st.booleans()))


@st.composite
def pool_layer(draw, keras):
    k = draw(st.integers(1, 3))
    s = draw(st.integers(1, 3))
    op = draw(st.sampled_from(["max", "avg"]))
    if keras:
        return Pool(op, k, stride=s, padding=draw(st.sampled_from(["same", "valid"])))
    return Pool(op, k, stride=s, padding=draw(st.integers(0, k // 2)), ceil_mode=draw(st.booleans()))


@st.composite
def stacks(draw):
    keras = draw(st.booleans())
    layers = []
    for _ in range(draw(st.integers(1, 4))):
        layers.append(draw(st.one_of(conv_layer(keras), pool_layer(keras),
                                     st.sampled_from([Activation("relu"), BatchNorm(), ZeroPad(1)]))))
    if draw(st.booleans()):
        layers += [Flatten(), Dense(draw(st.integers(1, 5)))]
    size = draw(st.integers(3, 12))
    return StackSpec(Shape((size, draw(st.integers(3, 12))), 2), tuple(layers), "drawn",
                     "keras" if keras else "torch")


def plain_torch(layer, cin):
    """The torch module for a drawn layer, written from its numbers (torch convention)."""
    if isinstance(layer, Conv):
        pad = layer.padding
        if isinstance(pad, tuple):  # top, bottom, left, right
            return nn.Sequential(nn.ZeroPad2d((pad[2], pad[3], pad[0], pad[1])),
                                 nn.Conv2d(cin, layer.filters, layer.kernel, layer.stride, 0, layer.dilation,
                                           layer.groups, layer.bias)), layer.filters
        return nn.Conv2d(cin, layer.filters, layer.kernel, layer.stride, pad, layer.dilation, layer.groups,
                         layer.bias), layer.filters
    if isinstance(layer, Pool):
        cls = nn.MaxPool2d if layer.op == "max" else nn.AvgPool2d
        return cls(layer.kernel, layer.stride, layer.padding, ceil_mode=layer.ceil_mode), cin
    if isinstance(layer, Activation):
        return nn.ReLU(), cin
    if isinstance(layer, BatchNorm):
        return nn.BatchNorm2d(cin), cin
    if isinstance(layer, ZeroPad):
        return nn.ZeroPad2d(1), cin
    if isinstance(layer, Flatten):
        return nn.Flatten(), None
    return nn.LazyLinear(layer.units), layer.units


def plain_shapes(spec):
    """Output shapes of the independent torch module, or None when torch refuses."""
    x = torch.zeros(1, spec.input.channels, *spec.input.spatial)
    cin, shapes = spec.input.channels, []
    try:
        for layer in spec.layers:
            module, cout = plain_torch(layer, cin)
            x = module.eval()(x)
            cin = cout if cout is not None else x.shape[1]
            shapes.append(build.torch_shape(x).text())
    except (RuntimeError, ValueError):
        return None
    return shapes


@examples(60)
@given(stacks())
def test_verify_agrees_on_drawn_stacks(spec):
    ctx = Context(convention=spec.convention)
    try:
        report = verify(spec, ctx, seed=1)
    except ShapeError:
        if spec.convention == "torch":  # the engine refuses: torch must refuse too
            assert plain_shapes(spec) is None
        return
    assert report.ok, [c for c in report.checks if not c.ok]
    assert len(report.checks) == len(spec.layers)
    assert all(c.values.startswith(("exact", "within 1 ulp")) for c in report.checks
               if c.type.startswith(("conv", "maxpool", "avgpool")))
    if spec.convention == "torch":
        assert [c.torch_shape for c in report.checks] == plain_shapes(spec)


@examples(25)
@given(st.integers(1, 5), st.integers(1, 3), st.integers(4, 9))
def test_keras_same_padding_keeps_ceil_n_over_s(k, s, n):
    spec = StackSpec(Shape((n, n), 1), (Conv(3, k, stride=s, padding="same"),), "same", "keras")
    report = verify(spec, Context(convention="keras"))
    assert report.ok
    assert report.checks[0].torch_shape == f"{-(-n // s)}x{-(-n // s)}x3"  # Keras: ceil(n / s)


def test_verify_detects_a_wrong_module(monkeypatch):
    """A builder that pads one cell too many must be caught on shape and values."""
    original = build.layer_module

    def wrong(layer, x, ctx, where):
        module = original(layer, x, ctx, where)
        if isinstance(module, nn.Conv2d):
            module.padding = (module.padding[0] + 1, module.padding[1])
        return module

    monkeypatch.setattr(build, "layer_module", wrong)
    result = CliRunner().invoke(main, ["verify", "8x8x1 -> conv 2 3x3 -> relu"])
    assert result.exit_code == 1
    assert "✗" in result.output and "2 layer(s) differ" in result.output  # conv and the relu after it


def test_verify_detects_wrong_values(monkeypatch):
    """Right shape, wrong arithmetic (a flipped kernel): caught by the value comparison."""
    original = build.layer_module

    class Flipped(nn.Module):
        def __init__(self, conv):
            super().__init__()
            self.conv = conv

        def forward(self, x):
            return nn.functional.conv2d(x, self.conv.weight.flip(-1, -2), self.conv.bias)

    def wrong(layer, x, ctx, where):
        module = original(layer, x, ctx, where)
        return Flipped(module) if isinstance(module, nn.Conv2d) else module

    monkeypatch.setattr(build, "layer_module", wrong)
    report = verify(StackSpec(Shape((6, 6), 2), (Conv(3, 3),), "flip"))
    assert not report.ok and "differ" in report.checks[0].values
    assert report.checks[0].engine_shape == report.checks[0].torch_shape


@pytest.mark.parametrize("name", ["mnist-cnn", "mnist-mlp", "keras-task", "lenet5", "resnet18"])
def test_built_in_networks_agree(name):
    result = CliRunner().invoke(main, ["verify", name] + (["--no-values"] if name == "resnet18" else []))
    assert result.exit_code == 0, result.output
    assert "all agree" in result.output


def test_verify_cli_errors_are_one_line():
    runner = CliRunner()
    result = runner.invoke(main, ["verify", "N x N x 3 -> conv 4 3x3"])
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "--set" in result.output
    result = runner.invoke(main, ["verify", "5x5x1 -> conv 1 7x7"])
    assert result.exit_code == 2 and result.output.startswith("error:") and result.output.count("\n") == 1
    result = runner.invoke(main, ["verify", "N x N x 3 -> conv 4 3x3 -> avgpool 2", "--set", "N=8"])
    assert result.exit_code == 0 and "all agree" in result.output
    assert "cnncalc verify mnist-cnn" in runner.invoke(main, ["verify", "--help"]).output


def test_module_parameters_match_engine_for_the_course_nets():
    from cnncalc.stacks.summary import summarize
    from cnncalc.stacks.zoo import get

    for name, expected in (("mnist-cnn", 21840), ("mnist-mlp", 242762), ("keras-task", 1191338)):
        spec = get(name)
        model = build.build_module(spec.input, spec.layers, Context(convention=spec.convention or "torch"))
        assert sum(p.numel() for p in model.parameters()) == expected
        assert summarize(spec.input, spec.layers, Context(convention=spec.convention or "torch")).trainable_params == expected
