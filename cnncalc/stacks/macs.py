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

from ..errors import InputError, did_you_mean

CONVENTIONS = ("cnncalc", "torchvision", "torchinfo", "fvcore", "thop", "ptflops")

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
    if name not in CONVENTIONS:
        raise InputError(f"MAC convention '{name}' is unknown{did_you_mean(name, CONVENTIONS)}; "
                         f"use one of {', '.join(CONVENTIONS)}")
    return name


def _kind(row) -> str:
    t = row.type
    for prefix in ("convtranspose", "conv", "maxpool", "avgpool", "adaptiveavgpool", "adaptivemaxpool", "zeropad"):
        if t.startswith(prefix) and t[len(prefix):].rstrip("d").isdigit():
            return prefix
    return t


def count(row, convention: str):
    """One layer's count under ``convention`` (see the module docstring)."""
    kind = _kind(row)
    x, y = row.input, row.output
    weights_macs = row.macs if kind in ("conv", "convtranspose", "dense") else 0
    bias_units = y.units if row.biases else 0  # one bias added per output value
    if convention == "cnncalc":
        return row.macs
    if convention == "torchvision":
        return weights_macs
    if kind == "batchnorm":
        affine = bool(row.weights)
        return {"torchinfo": row.weights + row.biases, "fvcore": (2 if affine else 4) * x.units,
                "thop": (4 if affine else 2) * x.units, "ptflops": (2 if affine else 1) * x.units}[convention]
    if kind in ("conv", "dense"):
        return weights_macs + (bias_units if convention in ("torchinfo", "ptflops") else 0)
    if kind == "convtranspose":
        if convention in ("thop", "torchinfo"):
            # both count as for a convolution: output values x C_in/groups x kernel cells
            per_output = row.weights // y.channels if isinstance(row.weights, int) else row.weights / y.channels
            return y.units * per_output + (bias_units if convention == "torchinfo" else 0)
        return weights_macs + (bias_units if convention == "ptflops" else 0)
    if kind in ("avgpool", "maxpool"):
        if convention == "ptflops":
            return x.units
        return y.units if convention == "thop" and kind == "avgpool" else 0
    if kind in ("adaptiveavgpool", "globalavgpool"):
        if convention == "thop":
            return _thop_adaptive_average(x, y)
        return {"torchinfo": 0, "fvcore": x.units, "ptflops": x.units}[convention]
    if kind in ("adaptivemaxpool", "globalmaxpool"):
        return x.units if convention == "ptflops" else 0
    if kind in _RELU_LIKE:
        return x.units if convention == "ptflops" or (convention == "thop" and kind == "prelu") else 0
    if kind == "softmax" and convention == "thop":
        c = x.channels
        return (3 * c - 1) * (x.units // c if isinstance(x.units, int) and isinstance(c, int) else x.units / c)
    return 0


def _thop_adaptive_average(x, y):
    """thop: (prod(in/out sizes) + 1) per output value, in floats and truncated, as thop does
    (19 -> 3 per axis gives 739 for 740 exact values: (361/9 + 1) x 18 = 739.99...)."""
    sizes = list(zip(x.spatial, y.spatial)) if y.spatial else [(n, 1) for n in x.spatial]
    if not all(isinstance(v, int) for pair in sizes for v in pair) or not isinstance(y.units, int):
        return x.units + y.units
    kernel = 1.0
    for n, o in sizes:
        kernel *= n / o
    return int((kernel + 1) * y.units)


def total(summary, convention: str):
    """The whole stack's count under ``convention``."""
    check_convention(convention)
    result = 0
    for row in summary.rows:
        result = result + count(row, convention)
    return result


__all__ = ["CONVENTIONS", "EXPLAIN", "count", "total", "check_convention"]
