"""The engine against torch, layer by layer.

For a stack, :func:`verify` builds the torch module (:mod:`.build`), runs one
forward pass and compares with the engine's summary, row by row:

* the output shape;
* the trainable parameters (torch's ``parameters()`` of that layer) and the
  non-trainable values (floating buffers: batch norm's running mean and
  variance);
* for convolution and pooling layers, the *values*: a random small-integer
  input of the layer's input shape and random integer weights and biases go
  through the engine's exact :func:`~cnncalc.conv.conv` /
  :func:`~cnncalc.pool.pool` and through the layer's torch module in float64.
  Integer results must be equal; a rational result (average pooling) must be
  the float64 nearest to it within one unit in the last place.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import nn

from ..errors import ShapeError
from ..geometry import per_axis
from ..stacks.layers import Context, Conv, Pool
from ..stacks.summary import summarize
from .build import Block, Leaf, build_module, input_tensor_shape, torch_shape

if TYPE_CHECKING:
    from ..stacks.grammar import StackSpec


@dataclass
class Check:
    name: str
    type: str
    engine_shape: str
    torch_shape: str
    engine_params: int
    torch_params: int
    engine_buffers: int
    torch_buffers: int
    values: str = "-"  # '-', 'exact (n values)', 'within 1 ulp (n values)' or a difference
    values_ok: bool = True

    @property
    def ok(self) -> bool:
        return (self.engine_shape == self.torch_shape and self.engine_params == self.torch_params
                and self.engine_buffers == self.torch_buffers and self.values_ok)


@dataclass
class Report:
    name: str
    checks: list = field(default_factory=list)
    engine_total: int = 0  # trainable parameters of the whole stack
    torch_total: int = 0

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks) and self.engine_total == self.torch_total

    @property
    def differences(self) -> list:
        return [c for c in self.checks if not c.ok]


def _own_counts(module: nn.Module) -> tuple[int, int]:
    if isinstance(module, Block):  # the merge itself holds nothing; its parts have their own rows
        return 0, 0
    params = sum(p.numel() for p in module.parameters())
    buffers = sum(b.numel() for b in module.buffers() if b.is_floating_point())
    return params, buffers


def _find(module: nn.Module, types: type | tuple[type, ...]) -> Any:  # the first submodule of those types
    for m in module.modules():
        if isinstance(m, types):
            return m
    return None


def compare_values(leaf: Leaf, rng: np.random.Generator, batch: int = 1) -> tuple[str, bool]:
    """Engine exact values against the leaf's torch module in float64."""
    from ..conv import ConvResult, conv
    from ..pool import PoolResult, pool

    layer, x_shape = leaf.spec, leaf.input_shape
    nd = x_shape.ndim
    x = rng.integers(-4, 5, size=input_tensor_shape(x_shape, batch))
    module = copy.deepcopy(leaf.inner).double().eval()
    if isinstance(layer, Conv):
        torch_conv = _find(module, nn.modules.conv._ConvNd)
        w = rng.integers(-3, 4, size=tuple(torch_conv.weight.shape))
        b = rng.integers(-3, 4, size=tuple(torch_conv.bias.shape)) if torch_conv.bias is not None else None
        with torch.no_grad():
            torch_conv.weight.copy_(torch.from_numpy(w.astype(np.float64)))
            if b is not None:
                torch_conv.bias.copy_(torch.from_numpy(b.astype(np.float64)))
        result: ConvResult | PoolResult = conv(x, w, bias=b, stride=layer.stride, padding=layer.padding, dilation=layer.dilation,
                      groups=int(torch_conv.groups), dims=nd)
    elif isinstance(layer, Pool):
        keras_same = isinstance(layer.padding, str) and layer.padding.lower() == "same"
        result = pool(x, op=layer.op, window=per_axis(layer.kernel, nd, "kernel"), stride=layer.stride,
                      padding=layer.padding, dilation=layer.dilation, ceil_mode=layer.ceil_mode,
                      count_include_pad=not keras_same, dims=nd)
    else:
        return "-", True
    with torch.no_grad():
        got = module(torch.from_numpy(x.astype(np.float64))).numpy()
    exact = result.canonical
    num = np.asarray(exact.numerators)
    den = int(exact.denominator)
    if num.shape != got.shape:
        return f"shape {num.shape} vs torch {got.shape}", False
    if den == 1:
        wrong = int(np.count_nonzero(num.astype(np.float64) != got))
        if wrong:
            return f"{wrong} of {num.size} values differ (max |diff| {np.abs(num - got).max():g})", False
        return f"exact ({num.size} values)", True
    want = num.astype(np.float64) / den
    ulp = np.spacing(np.abs(want))
    wrong = int(np.count_nonzero(np.abs(got - want) > ulp))
    if wrong:
        return f"{wrong} of {num.size} values differ by more than 1 ulp", False
    if np.array_equal(got, want) and np.array_equal(want * den, num.astype(np.float64)):
        return f"exact ({num.size} values, /{den})", True  # every value a binary fraction
    return f"within 1 ulp ({num.size} values, /{den})", True


def verify(stack: StackSpec, ctx: Context | None = None, seed: int = 0, values: bool = True) -> Report:
    """Compare the engine's summary of ``stack`` with torch, row by row."""
    ctx = ctx or Context(convention=stack.convention or "torch")
    summary = summarize(stack.input, stack.layers, ctx, stack.name)
    model = build_module(stack.input, stack.layers, ctx).eval()
    torch.manual_seed(seed)
    trace: list = []
    try:
        with torch.no_grad():
            model(torch.randn(input_tensor_shape(stack.input)), trace)
    except RuntimeError as error:
        message = " ".join(str(error).split())
        raise ShapeError(f"torch could not run the stack that the engine accepts: {message[:300]}") from None
    if len(trace) != len(summary.rows):
        raise ShapeError(f"torch ran {len(trace)} layers, the engine lists {len(summary.rows)}; report this as a bug")
    rng = np.random.default_rng(seed)
    report = Report(stack.name, engine_total=int(summary.trainable_params),
                    torch_total=sum(p.numel() for p in model.parameters()))
    for row, (module, y) in zip(summary.rows, trace):
        params, buffers = _own_counts(module)
        check = Check(row.name, row.type, row.output.text(), torch_shape(y).text(), int(row.trainable), params,
                      int(row.non_trainable), buffers)
        if values and isinstance(module, Leaf) and isinstance(module.spec, (Conv, Pool)):
            check.values, check.values_ok = compare_values(module, rng)
        report.checks.append(check)
    return report
