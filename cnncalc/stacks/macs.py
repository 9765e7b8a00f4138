"""Multiply-accumulates as each tool counts them.

Every tool agrees on the core: a convolution or dense layer costs one
multiply-accumulate (MAC) per weight use per output value.  They differ on
everything else: bias additions, batch norm, pooling, activations, softmax.
:func:`count` gives one layer's count under a convention, from the layer's
row of the summary (its input and output shapes, weights and biases), so a
table says which tool's number a published figure is.

========== ========================================================================
cnncalc    weights' MACs; batch norm one per value (its scale); nothing else
torchvision weights' MACs of conv and dense layers only (the GFLOPS column of
           torchvision's model table, which are MACs)
torchinfo  weights' MACs, plus biases (one per output value of a conv, one per unit
           of a dense layer) and batch norm's 2C parameters once
fvcore     weights' MACs (no bias); batch norm 2 per value; adaptive/global average
           pooling 1 per input value
thop       weights' MACs (no bias); batch norm 4 per value; average pooling 1 per
           output value; adaptive average pooling 1 per input and output value;
           softmax 3C - 1 per C values; PReLU 1 per value
ptflops    weights' MACs plus 1 per output value for a bias; batch norm 2 per value;
           ReLU-like activations, max/average/adaptive pooling 1 per input value
           (module hooks only: count_functional=False)
========== ========================================================================

Additions of residual blocks and concatenations count 0 in every tool (they
are not modules).  FLOPs are 2 x MACs where a tool reports FLOPs.

The course CNN of exercise sheet 000 in torchinfo's convention (torchinfo
prints "Total mult-adds: 487,600"):

>>> from cnncalc.stacks.zoo import get
>>> from cnncalc.stacks.summary import summarize
>>> spec = get("mnist-cnn")
>>> total(summarize(spec.input, spec.layers), "torchinfo")
487600
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, get_args

from ..errors import InputError, did_you_mean
from ..geometry import Size

if TYPE_CHECKING:
    from .shapes import Shape
    from .summary import Row, StackSummary

MacsConvention = Literal["cnncalc", "torchvision", "torchinfo", "fvcore", "thop", "ptflops"]
#: The tools whose way of counting multiply-accumulates ``--macs-convention`` reproduces.
MACS_CONVENTIONS: tuple[MacsConvention, ...] = get_args(MacsConvention)

EXPLAIN = {
    "cnncalc": "MACs of conv and dense weights (one per weight use per output value) and 1 per value of batch norm; "
               "biases, pooling, activations and additions count 0",
    "torchvision": "MACs of conv and dense weights only: what torchvision's model table calls GFLOPS",
    "torchinfo": "torchinfo's Mult-Adds: weight MACs, plus 1 per output value for a conv bias and 1 per unit for a dense "
                 "bias, plus batch norm's 2C parameters once; pooling and activations count 0",
    "fvcore": "fvcore's FlopCountAnalysis (eval mode): weight MACs without biases, batch norm 2 per value, "
              "adaptive and global average pooling 1 per input value; the rest 0",
    "thop": "thop's profile: weight MACs without biases (a transposed conv: output values x C_in/groups x kernel), "
            "batch norm 4 per value, average pooling 1 per output value, adaptive average pooling 1 per input "
            "and output value, softmax 3C - 1 per C values, PReLU 1 per value",
    "ptflops": "ptflops (pytorch backend, count_functional=False): weight MACs plus 1 per output value for a bias, "
               "batch norm 2 per value, ReLU-like activations and max/average/adaptive pooling 1 per input value",
}

_RELU_LIKE = ("relu", "relu6", "leakyrelu", "prelu", "elu", "gelu")


def check_convention(name: str) -> str:
    if name not in MACS_CONVENTIONS:
        raise InputError(f"MAC convention '{name}' is unknown{did_you_mean(name, MACS_CONVENTIONS)}; "
                         f"use one of {', '.join(MACS_CONVENTIONS)}")
    return name


def _kind(row: Row) -> str:
    t = row.type
    for prefix in ("convtranspose", "conv", "maxpool", "avgpool", "adaptiveavgpool", "adaptivemaxpool", "zeropad"):
        if t.startswith(prefix) and t[len(prefix):].rstrip("d").isdigit():
            return prefix
    return t


def _bias_units(row: Row) -> Size:
    """One addition per output value where the layer has biases."""
    return row.output.units if row.biases else 0


def _batchnorm(row: Row, kind: str, convention: str) -> Size:
    affine, values = bool(row.weights), row.input.units
    return {"torchinfo": row.weights + row.biases, "fvcore": (2 if affine else 4) * values,
            "thop": (4 if affine else 2) * values, "ptflops": (2 if affine else 1) * values}[convention]


def _weighted(row: Row, kind: str, convention: str) -> Size:
    """conv and dense: the weights' MACs, and a bias per output value for torchinfo and ptflops."""
    return row.macs + (_bias_units(row) if convention in ("torchinfo", "ptflops") else 0)


def _transposed(row: Row, kind: str, convention: str) -> Size:
    y = row.output
    if convention in ("thop", "torchinfo"):
        # both count as for a convolution: output values x C_in/groups x kernel cells
        per_output = row.weights // y.channels if isinstance(row.weights, int) else row.weights / y.channels
        return y.units * per_output + (_bias_units(row) if convention == "torchinfo" else 0)
    return row.macs + (_bias_units(row) if convention == "ptflops" else 0)


def _window_pool(row: Row, kind: str, convention: str) -> Size:
    if convention == "ptflops":
        return row.input.units
    return row.output.units if convention == "thop" and kind == "avgpool" else 0


def _adaptive_average(row: Row, kind: str, convention: str) -> Size:
    if convention == "thop":
        return _thop_adaptive_average(row.input, row.output)
    return {"torchinfo": 0, "fvcore": row.input.units, "ptflops": row.input.units}[convention]


def _adaptive_max(row: Row, kind: str, convention: str) -> Size:
    return row.input.units if convention == "ptflops" else 0


def _relu_like(row: Row, kind: str, convention: str) -> Size:
    return row.input.units if convention == "ptflops" or (convention == "thop" and kind == "prelu") else 0


def _softmax(row: Row, kind: str, convention: str) -> Size:
    if convention != "thop":
        return 0
    x, c = row.input, row.input.channels
    return (3 * c - 1) * (x.units // c if isinstance(x.units, int) and isinstance(c, int) else x.units / c)


#: (kinds of layer, how the tools other than cnncalc and torchvision count them); the rest count 0
_RULES = (
    (("batchnorm",), _batchnorm),
    (("conv", "dense"), _weighted),
    (("convtranspose",), _transposed),
    (("avgpool", "maxpool"), _window_pool),
    (("adaptiveavgpool", "globalavgpool"), _adaptive_average),
    (("adaptivemaxpool", "globalmaxpool"), _adaptive_max),
    (_RELU_LIKE, _relu_like),
    (("softmax",), _softmax),
)


def count(row: Row, convention: str) -> Size:
    """One layer's count under ``convention`` (see the module docstring)."""
    kind = _kind(row)
    if convention == "cnncalc":
        return row.macs
    if convention == "torchvision":  # the weights' MACs only
        return row.macs if kind in ("conv", "convtranspose", "dense") else 0
    for kinds, rule in _RULES:
        if kind in kinds:
            return rule(row, kind, convention)
    return 0


def _thop_adaptive_average(x: Shape, y: Shape) -> Size:
    """thop: (prod(in/out sizes) + 1) per output value, in floats and truncated, as thop does
    (19 -> 3 per axis gives 739 for 740 exact values: (361/9 + 1) x 18 = 739.99...)."""
    sizes = list(zip(x.spatial, y.spatial)) if y.spatial else [(n, 1) for n in x.spatial]
    if not all(isinstance(v, int) for pair in sizes for v in pair) or not isinstance(y.units, int):
        return x.units + y.units
    kernel = 1.0
    for n, o in sizes:
        kernel *= n / o
    return int((kernel + 1) * y.units)


def total(summary: StackSummary, convention: str) -> Size:
    """The whole stack's count under ``convention``."""
    check_convention(convention)
    result = 0
    for row in summary.rows:
        result = result + count(row, convention)
    return result


__all__ = ["MACS_CONVENTIONS", "MacsConvention", "EXPLAIN", "count", "total", "check_convention"]
