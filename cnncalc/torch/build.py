"""From a layer stack (what ``cnncalc shape`` accepts) to a torch ``nn.Module``.

Every layer becomes one :class:`Leaf` whose ``inner`` module is what torch
runs; blocks (residual, concat) become :class:`Block` modules.  A forward pass
can record each layer's output in the order the engine lists its rows (a
block's merge row after the rows inside it), so :mod:`cnncalc.torch.verify`
compares row by row.

Padding is resolved per axis into (before, after) pairs by the engine's
:func:`~cnncalc.geometry.resolve_padding`; symmetric pairs become the layer's
own ``padding``, asymmetric ones (Keras 'same' with an even kernel or a
stride: the extra row and column go to the bottom and right) an explicit pad
in front: zeros for convolutions, -inf for max pooling, and for Keras average
pooling a divisor that counts only real cells.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import SpecError
from ..geometry import AxisPadding, per_axis, resolve_padding
from ..stacks.grammar import unparse
from ..stacks.layers import (
    LRN,
    Activation,
    AdaptivePool,
    BatchNorm,
    Concat,
    Context,
    Conv,
    ConvTranspose,
    Dense,
    Dropout,
    Flatten,
    GlobalPool,
    Layer,
    Pool,
    Residual,
    ZeroPad,
)
from ..stacks.shapes import Shape, is_int

#: (module, output) of each layer a forward pass records, in order
Trace = list[tuple[nn.Module, torch.Tensor]]


def _concrete(shape: Shape, where: str) -> None:
    if not is_int(*shape.spatial, shape.channels):
        raise SpecError(f"{where}: input {shape.text()} has symbols; torch needs numbers: give them with --set, e.g. --set N=32")


def _nd(cls_name: str, ndim: int) -> type[nn.Module]:
    if ndim not in (1, 2, 3):
        raise SpecError(f"torch has no {cls_name}{ndim}d; use 1, 2 or 3 spatial axes")
    return getattr(nn, f"{cls_name}{ndim}d")


def _flat_pad(pairs: Sequence[AxisPadding]) -> tuple[int, ...]:
    """(before, after) per axis, first axis first -> F.pad's order (last axis first)."""
    out = []
    for pair in reversed(pairs):
        out += [int(pair.before), int(pair.after)]
    return tuple(out)


class Pad(nn.Module):
    """Constant padding, possibly asymmetric (F.pad)."""

    def __init__(self, pairs: Sequence[AxisPadding], value: float = 0.0) -> None:
        super().__init__()
        self.pad, self.value = _flat_pad(pairs), value

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.pad(x, self.pad, value=self.value)

    def extra_repr(self) -> str:
        return f"pad={self.pad}, value={self.value}"


class KerasAvgPool(nn.Module):
    """Average pooling whose divisor counts only input cells (Keras 'same')."""

    def __init__(self, ndim: int, pairs: Sequence[AxisPadding], kernel: tuple[int, ...], stride: tuple[int, ...],
                 dilation: tuple[int, ...]) -> None:
        super().__init__()
        self.pad = _flat_pad(pairs)
        self.ndim, self.kernel, self.stride = ndim, kernel, stride
        if any(d != 1 for d in dilation):
            raise SpecError("average pooling with dilation is not expressible in torch; use dilation 1")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # windows never overlap the pad inside the pool, so each average is
        # sum / window size; dividing by the average of ones leaves sum / real cells
        pool = getattr(F, f"avg_pool{self.ndim}d")
        ones = torch.ones_like(x[:1, :1])
        return pool(F.pad(x, self.pad), self.kernel, self.stride) / pool(F.pad(ones, self.pad), self.kernel, self.stride)


class Leaf(nn.Module):
    """One layer of the stack: ``inner`` is what runs; ``spec`` and ``input``
    say what the engine sees."""

    def __init__(self, inner: nn.Module, spec: Layer, input_shape: Shape) -> None:
        super().__init__()
        self.inner = inner
        self.spec = spec
        self.input_shape = input_shape

    def forward(self, x: torch.Tensor, trace: Trace | None = None) -> torch.Tensor:
        y = self.inner(x)
        if trace is not None:
            trace.append((self, y))
        return y


class Seq(nn.Module):
    """Layers in order; ``forward(x, trace)`` records outputs when ``trace`` is a list."""

    def __init__(self, nodes: Sequence[nn.Module]) -> None:
        super().__init__()
        self.nodes = nn.ModuleList(nodes)

    def forward(self, x: torch.Tensor, trace: Trace | None = None) -> torch.Tensor:
        for node in self.nodes:
            x = node(x, trace)
        return x


class Block(nn.Module):
    """A residual (body + shortcut) or concat (branches along channels) block."""

    def __init__(self, kind: str, parts: Sequence[nn.Module], spec: Residual | Concat, input_shape: Shape) -> None:
        super().__init__()
        self.kind, self.parts, self.spec, self.input_shape = kind, nn.ModuleList(parts), spec, input_shape

    def forward(self, x: torch.Tensor, trace: Trace | None = None) -> torch.Tensor:
        outs = [part(x, trace) for part in self.parts]
        y = outs[0] + outs[1] if self.kind == "residual" else torch.cat(outs, dim=1)
        if trace is not None:
            trace.append((self, y))
        return y


class StackModule(nn.Module):
    """The whole stack; ``forward(x)`` takes (N, C, *spatial) like any torch model."""

    def __init__(self, body: Seq, input_shape: Shape, output_shape: Shape) -> None:
        super().__init__()
        self.body, self.input_shape, self.output_shape = body, input_shape, output_shape

    def forward(self, x: torch.Tensor, trace: Trace | None = None) -> torch.Tensor:
        return self.body(x, trace)


ACTIVATION_MODULES: dict[str, Callable[[], nn.Module]] = {
    "relu": nn.ReLU, "relu6": nn.ReLU6, "leakyrelu": nn.LeakyReLU, "prelu": nn.PReLU, "elu": nn.ELU,
    "selu": nn.SELU, "gelu": nn.GELU, "silu": nn.SiLU, "swish": nn.SiLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh,
    "softplus": nn.Softplus, "hardswish": nn.Hardswish, "mish": nn.Mish, "identity": nn.Identity,
    "softmax": lambda: nn.Softmax(dim=1), "logsoftmax": lambda: nn.LogSoftmax(dim=1),
}


def _conv(layer: Conv, x: Shape, ctx: Context, where: str) -> nn.Module:
    nd, cin = x.ndim, int(x.channels)
    filters, groups = (cin * layer.multiplier, cin) if layer.depthwise else (layer.filters, layer.groups)
    ks, ss, ds = (per_axis(v, nd, n) for v, n in ((layer.kernel, "kernel"), (layer.stride, "stride"),
                                                  (layer.dilation, "dilation")))
    pairs = resolve_padding(layer.padding, x.spatial, ks, ss, ds)
    symmetric = all(p.before == p.after for p in pairs)
    conv = _nd("Conv", nd)(cin, int(filters), ks, ss, tuple(int(p.before) for p in pairs) if symmetric else 0,
                           ds, int(groups), bias=layer.bias and ctx.bias)
    return conv if symmetric else nn.Sequential(Pad(pairs), conv)


def _conv_transpose(layer: ConvTranspose, x: Shape, ctx: Context, where: str) -> nn.Module:
    nd = x.ndim
    ks, ss, ds, ops = (per_axis(v, nd, n) for v, n in ((layer.kernel, "kernel"), (layer.stride, "stride"),
                                                       (layer.dilation, "dilation"), (layer.output_padding, "output padding")))
    pairs = resolve_padding(layer.padding, x.spatial, ks, ss, ds)
    if any(p.before != p.after for p in pairs):
        raise SpecError(f"{where}: torch's transposed convolution pads both sides alike; use symmetric padding")
    return _nd("ConvTranspose", nd)(int(x.channels), int(layer.filters), ks, ss, tuple(p.before for p in pairs),
                                    ops, int(layer.groups), layer.bias and ctx.bias, ds)


def _pool(layer: Pool, x: Shape, ctx: Context, where: str) -> nn.Module:
    nd = x.ndim
    ks = per_axis(layer.kernel, nd, "kernel")
    ss = per_axis(layer.kernel if layer.stride is None else layer.stride, nd, "stride")
    ds = per_axis(layer.dilation, nd, "dilation")
    pairs = resolve_padding(layer.padding, x.spatial, ks, ss, ds)
    if layer.op == "max":
        return _max_pool(layer, nd, pairs, ks, ss, ds)
    if layer.op != "avg":
        raise SpecError(f"{where}: torch has no {layer.op} pooling module; use max or avg")
    return _avg_pool(layer, nd, pairs, ks, ss, ds, where)


def _max_pool(layer: Pool, nd: int, pairs: tuple[AxisPadding, ...], ks: tuple, ss: tuple, ds: tuple) -> nn.Module:
    """torch's MaxPool where it can pad (symmetric, at most half the window), else -inf padding in front."""
    if all(p.before == p.after for p in pairs) and all(2 * p.before <= k for p, k in zip(pairs, ks)):
        return _nd("MaxPool", nd)(ks, ss, tuple(p.before for p in pairs), ds, ceil_mode=layer.ceil_mode)
    return nn.Sequential(Pad(pairs, float("-inf")), _nd("MaxPool", nd)(ks, ss, 0, ds, ceil_mode=layer.ceil_mode))


def _avg_pool(layer: Pool, nd: int, pairs: tuple[AxisPadding, ...], ks: tuple, ss: tuple, ds: tuple,
              where: str) -> nn.Module:
    """torch's AvgPool; Keras 'same' padding divides by the real cells only."""
    symmetric = all(p.before == p.after for p in pairs)
    if any(d != 1 for d in ds):
        raise SpecError(f"{where}: torch's average pooling has no dilation; use dilation 1")
    keras = isinstance(layer.padding, str) and layer.padding.lower() == "same"
    if keras and any(p.before or p.after for p in pairs):
        if layer.ceil_mode:
            raise SpecError(f"{where}: ceil mode with 'same' padding is not expressible in torch")
        return KerasAvgPool(nd, pairs, ks, ss, ds)
    if symmetric:
        return _nd("AvgPool", nd)(ks, ss, tuple(p.before for p in pairs), ceil_mode=layer.ceil_mode)
    return nn.Sequential(Pad(pairs), _nd("AvgPool", nd)(ks, ss, 0, ceil_mode=layer.ceil_mode))


def _activation(layer: Activation, x: Shape, ctx: Context, where: str) -> nn.Module:
    if layer.function not in ACTIVATION_MODULES:
        raise SpecError(f"{where}: no torch module for activation '{layer.function}'")
    return ACTIVATION_MODULES[layer.function]()


def _batchnorm(layer: BatchNorm, x: Shape, ctx: Context, where: str) -> nn.Module:
    eps = float(layer.eps) if layer.eps is not None else 1e-5
    return _nd("BatchNorm", max(x.ndim, 1))(int(x.channels), eps=eps, affine=layer.affine)


#: layer class -> its torch module for an input shape (blocks are built by :func:`build_module`)
MODULES: dict[type, Callable[[Any, Shape, Context, str], nn.Module]] = {
    Conv: _conv,
    ConvTranspose: _conv_transpose,
    Pool: _pool,
    AdaptivePool: lambda layer, x, ctx, where: _nd(f"Adaptive{layer.op.capitalize()}Pool", x.ndim)(
        per_axis(layer.output, x.ndim, "output")),
    GlobalPool: lambda layer, x, ctx, where: nn.Sequential(_nd(f"Adaptive{layer.op.capitalize()}Pool", x.ndim)(1),
                                                           nn.Flatten()),
    ZeroPad: lambda layer, x, ctx, where: Pad(resolve_padding(layer.padding, x.spatial, (1,) * x.ndim, (1,) * x.ndim,
                                                              (1,) * x.ndim)),
    Flatten: lambda layer, x, ctx, where: nn.Flatten(),
    Dense: lambda layer, x, ctx, where: nn.Linear(int(x.channels), int(layer.units), bias=layer.bias and ctx.bias),
    Dropout: lambda layer, x, ctx, where: nn.Dropout(float(layer.rate)),
    Activation: _activation,
    BatchNorm: _batchnorm,
    LRN: lambda layer, x, ctx, where: nn.LocalResponseNorm(int(layer.size)),
}


def layer_module(layer: Layer, x: Shape, ctx: Context, where: str) -> nn.Module:
    """The torch module for one (non-block) layer applied to input shape ``x``."""
    build = MODULES.get(type(layer))
    if build is None:
        raise SpecError(f"{where}: torch cannot express layer {unparse(layer)}")
    return build(layer, x, ctx, where)


def _build(layers: Sequence[Layer], x: Shape, ctx: Context, where: str) -> tuple[Seq, Shape]:
    nodes: list[nn.Module] = []
    for i, layer in enumerate(layers, 1):
        here = f"{where} layer {i} ({unparse(layer, name=False)})"
        _concrete(x, here)
        if isinstance(layer, Residual):
            body, body_out = _build(layer.body, x, ctx, here)
            short, _ = _build(layer.shortcut, x, ctx, here) if layer.shortcut else (Seq([]), x)
            nodes.append(Block("residual", [body, short], layer, x))
            x = body_out
        elif isinstance(layer, Concat):
            parts, outs = zip(*(_build(branch, x, ctx, here) for branch in layer.branches))
            nodes.append(Block("concat", parts, layer, x))
            x = Shape(outs[0].spatial, sum(o.channels for o in outs))
        else:
            out = layer.apply(x, ctx, here).shape
            nodes.append(Leaf(layer_module(layer, x, ctx, here), layer, x))
            x = out
    return Seq(nodes), x


def build_module(input_shape: Shape, layers: Sequence[Layer], ctx: Context | None = None) -> StackModule:
    """An ``nn.Module`` computing the stack; input (N, C, *spatial).

    >>> from cnncalc.stacks.zoo import get
    >>> spec = get("mnist-cnn")
    >>> model = build_module(spec.input, spec.layers)
    >>> model(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    >>> sum(p.numel() for p in model.parameters())
    21840
    """
    ctx = ctx or Context()
    _concrete(input_shape, "input")
    body, out = _build(layers, input_shape, ctx, "")
    return StackModule(body, input_shape, out)


def torch_shape(y: torch.Tensor) -> Shape:
    """A torch output (N, C, *spatial) or (N, F) as an engine :class:`Shape`."""
    if y.dim() == 2:
        return Shape((), int(y.shape[1]))
    return Shape(tuple(int(s) for s in y.shape[2:]), int(y.shape[1]))


def input_tensor_shape(shape: Shape, batch: int = 1) -> tuple:
    return (batch, int(shape.channels), *(int(s) for s in shape.spatial)) if not shape.flat else (batch, int(shape.channels))
