"""Memory of one training step, per layer and in total, as formulas in the batch size B.

Training keeps four things (bytes per value from ``--dtype``):

* **weights**: every parameter, and the batch-norm running statistics (buffers);
* **gradients**: one value per trainable parameter;
* **optimizer state**: per trainable parameter SGD keeps 0 values, SGD with
  momentum 1 (the velocity), Adam and Adadelta 2 (two running averages); Adam
  and Adadelta also keep one step counter per parameter tensor (a float32
  scalar in torch);
* **activations saved for the backward pass**, B times the values of one
  example: what torch's autograd keeps.  Convolution and dense layers keep their
  input; ReLU, sigmoid, tanh, softmax and log-softmax their output; other
  activations their input; max pooling its input and the argmax indices (int64,
  8 bytes each); average pooling and batch norm their input (average pooling to a
  single cell, a mean, nothing) (batch norm also a
  mean and an inverse deviation per channel, independent of B); dropout a mask of
  one value per input value (torch's CPU dropout keeps a float mask; the fused
  GPU kernel a bool one, 1 byte); flatten (a view), padding, additions and concatenations
  nothing.  A tensor kept by two layers (a ReLU's output is the next
  convolution's input) is counted once, at the first layer that keeps it.
  A convolution whose padding is not symmetric keeps the padded input.  Layers
  without parameters before the first layer with parameters keep nothing (the
  input needs no gradient, so autograd records nothing there).

The course CNN (exercise sheet 000) with Adam, 64 examples per batch:

>>> from cnncalc.stacks.zoo import get
>>> from cnncalc.stacks.summary import summarize
>>> spec = get("mnist-cnn")
>>> m = training_memory(summarize(spec.input, spec.layers), spec.layers, "adam")
>>> m.per_example_bytes, m.fixed_bytes
(57776, 349472)
>>> m.total(64)
4047136
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import CnnCalcError, InputError, did_you_mean
from ..geometry import Size, per_axis, resolve_padding
from .layers import Activation, AdaptivePool, Concat, Conv, Dropout, Layer, Leaf, Pool, Residual

if TYPE_CHECKING:
    from .summary import Row, StackSummary

#: optimizer -> (values of state per trainable parameter, keeps a step counter per parameter tensor)
OPTIMIZERS = {"sgd": (0, False), "momentum": (1, False), "adam": (2, True), "adamw": (2, True),
              "adadelta": (2, True), "rmsprop": (1, True), "adagrad": (1, True)}
SAVE_OUTPUT = ("relu", "relu6", "sigmoid", "tanh", "softmax", "logsoftmax")
INDEX_BYTES = 8  # torch's max-pooling indices are int64
STEP_BYTES = 4  # Adam's step counter: a float32 scalar tensor per parameter


def check_optimizer(name: str) -> str:
    key = str(name).lower()
    if key not in OPTIMIZERS:
        raise InputError(f"optimizer '{name}' is unknown{did_you_mean(key, OPTIMIZERS)}; use one of "
                         f"{', '.join(OPTIMIZERS)}")
    return key


@dataclass(frozen=True)
class Saved:
    """One tensor kept for the backward pass: what it is, values per example, bytes per value."""

    what: str
    values: Size
    bytes_per_value: int
    per_example: bool = True

    @property
    def bytes(self) -> Size:
        return self.values * self.bytes_per_value


@dataclass(frozen=True)
class LayerMemory:
    name: str
    type: str
    saved: tuple[Saved, ...]  # counted here (first keeper)
    params: Size  # trainable parameters
    buffers: Size  # non-trainable values (running statistics)
    tensors: int  # parameter tensors (weight, bias)

    @property
    def per_example_bytes(self) -> Size:
        return sum((s.bytes for s in self.saved if s.per_example), 0)

    @property
    def fixed_bytes(self) -> Size:
        return sum((s.bytes for s in self.saved if not s.per_example), 0)


@dataclass(frozen=True)
class TrainingMemory:
    optimizer: str
    dtype_bytes: int
    layers: tuple[LayerMemory, ...]
    params: Size
    buffers: Size
    tensors: int

    @property
    def weights_bytes(self) -> Size:
        return (self.params + self.buffers) * self.dtype_bytes

    @property
    def gradients_bytes(self) -> Size:
        return self.params * self.dtype_bytes

    @property
    def optimizer_bytes(self) -> Size:
        factor, steps = OPTIMIZERS[self.optimizer]
        return factor * self.params * self.dtype_bytes + (STEP_BYTES * self.tensors if steps else 0)

    @property
    def per_example_bytes(self) -> Size:
        return sum((layer.per_example_bytes for layer in self.layers), 0)

    @property
    def activations_fixed_bytes(self) -> Size:
        return sum((layer.fixed_bytes for layer in self.layers), 0)

    @property
    def fixed_bytes(self) -> Size:
        """Everything that does not grow with the batch."""
        return self.weights_bytes + self.gradients_bytes + self.optimizer_bytes + self.activations_fixed_bytes

    def total(self, batch: Size) -> Size:
        """fixed + B x per-example bytes (B a number or a symbol)."""
        return self.fixed_bytes + batch * self.per_example_bytes


class _Tensor:
    """A value flowing between layers; ``kept`` once some layer saves it."""

    def __init__(self, values: Size, grad: bool = True) -> None:
        self.values = values
        self.kept = False
        self.grad = grad  # False: no parameter before it, so autograd records nothing about it


def training_memory(summary: StackSummary, layers: Sequence[Layer], optimizer: str = "sgd") -> TrainingMemory:
    """Walk the summary's rows with the layer tree and collect what a training step keeps."""
    optimizer = check_optimizer(optimizer)
    walk = _TrainingWalk(summary)
    walk.run(layers, _Tensor(summary.input.units, grad=False))
    out = walk.out
    params = sum((m.params for m in out), 0)
    buffers = sum((m.buffers for m in out), 0)
    tensors = sum(m.tensors for m in out)
    return TrainingMemory(optimizer, walk.dtype, tuple(out), params, buffers, tensors)


class _TrainingWalk:
    """The rows of a summary in the order of its layer tree; each leaf says what
    autograd keeps for the backward pass (torch's rules, layer by layer)."""

    def __init__(self, summary: StackSummary) -> None:
        self.rows = iter(summary.rows)
        self.dtype = summary.context.dtype_bytes
        self.out: list[LayerMemory] = []

    def run(self, items: Sequence[Layer], current: _Tensor) -> _Tensor:
        for layer in items:
            current = self.block(layer, current) if isinstance(layer, (Residual, Concat)) else self.leaf(layer, current)
        return current

    def block(self, layer: Residual | Concat, current: _Tensor) -> _Tensor:
        branches = [layer.body, layer.shortcut] if isinstance(layer, Residual) else list(layer.branches)
        ends = [self.run(branch, current) if branch else current for branch in branches]
        row = next(self.rows)
        self.out.append(LayerMemory(row.name, row.type, (), 0, 0, 0))
        return _Tensor(row.output.units, any(t.grad for t in ends))

    def leaf(self, layer: Leaf, current: _Tensor) -> _Tensor:
        row = next(self.rows)
        saved: list[Saved] = []
        result = _Tensor(row.output.units)
        if not current.grad and not row.trainable:
            # before the first parameter torch records no graph: nothing is kept
            result.grad = False
            if layer.kind == "flatten" or (isinstance(layer, Activation) and layer.function == "identity"):
                result = current
        else:
            result = self.kept(layer, row, current, result, saved)
        tensors = int(bool(row.weights)) + int(bool(row.biases))
        self.out.append(LayerMemory(row.name, row.type, tuple(saved), row.trainable, row.non_trainable, tensors))
        return result

    def keep(self, tensor: _Tensor, what: str, saved: list) -> None:
        """Save a tensor once, however many layers keep it."""
        if not tensor.kept:
            tensor.kept = True
            saved.append(Saved(what, tensor.values, self.dtype))

    def kept(self, layer: Leaf, row: Row, current: _Tensor, result: _Tensor, saved: list[Saved]) -> _Tensor:
        """What one leaf keeps (appended to ``saved``); returns its output tensor."""
        rule = _KEPT.get(layer.kind)
        return result if rule is None else rule(self, layer, row, current, result, saved) or result

    def window(self, layer: Leaf, row: Row, current: _Tensor, result: _Tensor, saved: list[Saved]) -> None:
        """A convolution or pooling keeps its input, or the padded copy where torch pads explicitly;
        max pooling its argmax indices too."""
        padded = _asymmetric_padding(layer, row)
        if padded is not None:
            saved.append(Saved("padded input", padded, self.dtype))
        else:
            self.keep(current, "input", saved)
        if isinstance(layer, Pool) and layer.op == "max":
            saved.append(Saved("argmax indices (int64)", row.output.units, INDEX_BYTES))

    def input(self, layer: Leaf, row: Row, current: _Tensor, result: _Tensor, saved: list[Saved]) -> None:
        self.keep(current, "input", saved)

    def batchnorm(self, layer: Leaf, row: Row, current: _Tensor, result: _Tensor, saved: list[Saved]) -> None:
        self.keep(current, "input", saved)
        saved.append(Saved("batch mean and inverse deviation", 2 * row.input.channels, 4, per_example=False))

    def activation(self, layer: Activation, row: Row, current: _Tensor, result: _Tensor,
                   saved: list[Saved]) -> _Tensor | None:
        if layer.function == "identity":
            return current
        if layer.function in SAVE_OUTPUT:
            self.keep(result, "output", saved)
        else:
            self.keep(current, "input", saved)
        return None

    def adaptive(self, layer: AdaptivePool, row: Row, current: _Tensor, result: _Tensor, saved: list[Saved]) -> None:
        if layer.op == "max":
            self.keep(current, "input", saved)
            saved.append(Saved("argmax indices (int64)", row.output.units, INDEX_BYTES))
        elif not all(size == 1 for size in row.output.spatial):
            self.keep(current, "input", saved)  # to a single cell torch takes a mean, which keeps nothing

    def dropout(self, layer: Dropout, row: Row, current: _Tensor, result: _Tensor, saved: list[Saved]) -> None:
        if layer.rate:
            saved.append(Saved("dropout mask", row.input.units, self.dtype))

    def lrn(self, layer: Leaf, row: Row, current: _Tensor, result: _Tensor, saved: list[Saved]) -> None:
        # torch builds LRN from several operations; modelled as keeping its input and output
        self.keep(current, "input", saved)
        self.keep(result, "output", saved)

    def flatten(self, layer: Leaf, row: Row, current: _Tensor, result: _Tensor, saved: list[Saved]) -> _Tensor:
        return current  # a view of the same values


#: layer kind -> what it keeps (zero padding keeps nothing)
# each rule takes the layer class it is registered for
_KEPT: dict[str, Callable[..., _Tensor | None]] = {
    "conv": _TrainingWalk.window, "convtranspose": _TrainingWalk.window, "pool": _TrainingWalk.window,
    "dense": _TrainingWalk.input, "batchnorm": _TrainingWalk.batchnorm, "activation": _TrainingWalk.activation,
    "adaptivepool": _TrainingWalk.adaptive, "globalpool": _TrainingWalk.adaptive, "dropout": _TrainingWalk.dropout,
    "lrn": _TrainingWalk.lrn, "flatten": _TrainingWalk.flatten,
}


def _asymmetric_padding(layer: Leaf, row: Row) -> Size | None:
    """Values of the padded input when torch must pad explicitly (before != after), else None."""
    if isinstance(layer, Conv) or isinstance(layer, Pool):
        x = row.input
        nd = x.ndim
        kernel = per_axis(layer.kernel, nd, "kernel")
        stride = per_axis(layer.kernel if getattr(layer, "stride", 1) is None else layer.stride, nd, "stride")
        dilation = per_axis(layer.dilation, nd, "dilation")
        try:
            pads = resolve_padding(layer.padding, x.spatial, kernel, stride, dilation)
        except (CnnCalcError, TypeError):  # the summary accepted the layer; 'same' on symbolic sizes lands here
            return None
        if all(p.before == p.after for p in pads):
            return None
        if isinstance(layer, Pool) and layer.op == "max" and all(2 * p.before <= k for p, k in zip(pads, kernel)) \
                and all(p.before == p.after for p in pads):
            return None
        values = x.channels
        for n, p in zip(x.spatial, pads):
            values = values * (n + p.before + p.after)
        return values
    return None


__all__ = ["training_memory", "TrainingMemory", "LayerMemory", "Saved", "OPTIMIZERS", "check_optimizer"]
