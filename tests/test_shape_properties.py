"""Property tests: drawn stacks of conv/pool/dense layers against torch on a
real forward pass (shapes, parameter counts, and the same stacks rejected),
and symbolic results that, substituted, equal the numeric ones."""

import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

torch = pytest.importorskip("torch")
nn = torch.nn

from cnncalc.errors import CnnCalcError  # noqa: E402
from cnncalc.stacks.grammar import symbol  # noqa: E402
from cnncalc.stacks.layers import Context, Conv, Dense, Flatten, Pool  # noqa: E402
from cnncalc.stacks.shapes import Shape  # noqa: E402
from cnncalc.stacks.summary import summarize  # noqa: E402

from .helpers import examples  # noqa: E402

SETTINGS = examples(60)


@st.composite
def conv_layers(draw):
    kernel = draw(st.tuples(st.integers(1, 5), st.integers(1, 5)))
    return Conv(
        filters=draw(st.integers(1, 6)),
        kernel=kernel,
        stride=draw(st.integers(1, 3)),
        padding=draw(st.one_of(st.integers(0, 2), st.sampled_from(["same", "valid"]))),
        dilation=draw(st.integers(1, 2)),
        groups=draw(st.sampled_from([1, 1, 2, 3])),
        bias=draw(st.booleans()),
    )


@st.composite
def pool_layers(draw):
    op = draw(st.sampled_from(["max", "avg"]))
    return Pool(
        op,
        kernel=draw(st.integers(1, 4)),
        stride=draw(st.one_of(st.none(), st.integers(1, 3))),
        padding=draw(st.integers(0, 2)),
        dilation=draw(st.integers(1, 2)) if op == "max" else 1,
        ceil_mode=draw(st.booleans()),
    )


@st.composite
def stacks(draw, dense=True):
    layers = draw(st.lists(st.one_of(conv_layers(), pool_layers()), min_size=1, max_size=4))
    if dense and draw(st.booleans()):
        layers += [Flatten(), Dense(draw(st.integers(1, 5)), bias=draw(st.booleans()))]
    return layers


def torch_module(layer, cin):
    """The torch twin of one engine layer; returns (module, channels after)."""
    if isinstance(layer, Conv):
        return nn.Conv2d(cin, layer.filters, layer.kernel, layer.stride, layer.padding, layer.dilation,
                         layer.groups, layer.bias, dtype=torch.float64), layer.filters
    if isinstance(layer, Pool):
        if layer.op == "max":
            return nn.MaxPool2d(layer.kernel, layer.stride, layer.padding, layer.dilation,
                                ceil_mode=layer.ceil_mode), cin
        return nn.AvgPool2d(layer.kernel, layer.stride, layer.padding, ceil_mode=layer.ceil_mode), cin
    if isinstance(layer, Flatten):
        return nn.Flatten(), None
    return nn.LazyLinear(layer.units, layer.bias, dtype=torch.float64), None


def torch_run(layers, h, w, c):
    """Per-layer output shapes (hwc) and parameter counts, or None when torch refuses."""
    try:
        x = torch.zeros(1, c, h, w, dtype=torch.float64)
        shapes, params, cin = [], [], c
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for layer in layers:
                module, cin = torch_module(layer, cin)
                x = module(x)
                dims = tuple(x.shape[1:])
                shapes.append(dims if len(dims) == 1 else (*dims[1:], dims[0]))
                params.append(sum(p.numel() for p in module.parameters()))
        return shapes, params
    except (RuntimeError, ValueError):
        return None


def engine_run(layers, h, w, c):
    try:
        summary = summarize(Shape((h, w), c), layers, Context())
    except CnnCalcError:
        return None
    return [r.output.dims() for r in summary.rows], [r.params for r in summary.rows]


@SETTINGS
@given(stacks(), st.integers(1, 16), st.integers(1, 16), st.integers(1, 6))
def test_engine_agrees_with_torch(layers, h, w, c):
    assert engine_run(layers, h, w, c) == torch_run(layers, h, w, c)


def _square(layer):
    """Symbolic runs use a square input; keep per-axis kernels square too."""
    if isinstance(layer, Conv):
        return Conv(layer.filters, layer.kernel[0], layer.stride, layer.padding, layer.dilation, 1, layer.bias)
    return layer


@SETTINGS
@given(stacks(), st.integers(1, 16), st.integers(1, 6))
def test_symbolic_results_substituted_equal_numeric(layers, n, c):
    layers = [_square(layer) for layer in layers]
    try:
        numeric = summarize(Shape((n, n), c), layers, Context())
    except CnnCalcError:
        return
    N = symbol("N")
    symbolic = summarize(Shape((N, N), c), layers, Context()).subs({"N": n})
    for a, b in zip(symbolic.rows, numeric.rows):
        assert (a.output, a.units, a.params, a.macs, a.rf) == (b.output, b.units, b.params, b.macs, b.rf)
    assert symbolic.total_params == numeric.total_params
