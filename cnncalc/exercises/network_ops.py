"""Questions about a layer stack: one value of one layer, a total, or the table.

``compute: {network: {of: alexnet, layer: conv1, value: params}}``

``of``      a network given, a built-in name or an inline description
``layer``   a layer name (conv1, pool2, fc6) or its position counted from 1;
            without it the value is the network's total (or final output)
``value``   output, units, weights, biases, params, trainable, non_trainable,
            macs, memory, receptive_field, jump, fc_params, table
``no_bias`` count weights only (the course's VGG16 table)
``no_padding``  as if every padding were left out (the mistake diagnosis uses it)
``convention``  torch (default) or keras

>>> from cnncalc.exercises.scope import Scope
>>> a = network_fact({"of": "227x227x3 -> conv 96 11x11 stride 4", "layer": "conv1", "value": "params"},
...                  Scope({}), "q")
>>> a.value, a.steps[-1]
(34944, 'params: 96 x (11 x 11 x 3 + 1) = 34,944')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import SpecError
from ..stacks.layers import CONVENTIONS, Context
from ..stacks.shapes import Shape, fmt
from ..stacks.summary import Row, StackSummary, summarize
from .answers import Answer
from .scope import Scope, check_keys

if TYPE_CHECKING:
    from ..geometry import Size
    from ..stacks.grammar import StackSpec

VALUES = ("output", "channels", "units", "weights", "biases", "params", "trainable", "non_trainable", "macs", "memory",
          "receptive_field", "jump", "fc_params", "table")
OPTIONS = ("of", "layer", "value", "no_bias", "convention", "no_padding")
FORMULA_KEY = {"output": "output", "units": "units", "weights": "params", "biases": "params", "params": "params",
               "trainable": "params", "macs": "macs", "memory": "units"}


def _summary(params: dict, scope: Scope, path: str) -> StackSummary:
    stack, context = _stack(params, scope, path)
    return summarize(stack.input, stack.layers, context, stack.name)


def _stack(params: dict, scope: Scope, path: str) -> tuple[StackSpec, Context]:
    """The network a question is about, and how to count it (convention, biases, padding)."""
    from ..stacks import load_stack

    raw = params.get("of")
    if raw is None:
        raise SpecError(f"{scope.where(path)}: missing 'of': the network (a given, a built-in name or 'A -> B')")
    found = scope.lookup(raw)
    if found is not None:
        if found.kind != "network":
            raise SpecError(f"{scope.where(path + '.of')}: '{raw}' is a {found.kind}, not a network")
        stack = found.value
    else:
        stack = load_stack(raw, files=False)
    convention = params.get("convention") or stack.convention or "torch"
    if convention not in CONVENTIONS:
        raise SpecError(f"{scope.where(path + '.convention')}: convention '{convention}' is not "
                        f"{' or '.join(CONVENTIONS)}")
    context = Context(convention=convention, bias=not params.get("no_bias", False))
    if params.get("no_padding"):
        from ..stacks.grammar import without_padding

        stack = without_padding(stack)
    return stack, context


CHAINED = ("output", "units", "memory", "params", "weights", "biases", "trainable", "macs")


def layer_order(params: dict, scope: Scope, path: str = "") -> list[str]:
    """The names of a network's top-level layers, in order (conv1, pool1, ...)."""
    return [row.name for row in _summary(params, scope, path).rows if row.depth == 0]


def fact_after(params: dict, scope: Scope, path: str, start_layer: str, start_output: Sequence[Size]) -> Answer:
    """A layer question computed from an earlier layer's output as a student gave it
    (``start_output``, a shape such as (26, 26, 96)): the layers after ``start_layer``
    up to the question's layer, applied to it.  Errors carried forward along a network
    use it: POOL1 from a student's own CONV1 output.

    >>> from cnncalc.exercises.scope import Scope
    >>> a = fact_after({"of": "alexnet", "layer": "pool1", "value": "output"}, Scope({}), "q", "conv1", (54, 54, 96))
    >>> a.value
    (26, 26, 96)
    """
    from dataclasses import replace

    from ..stacks.shapes import Shape

    check_keys(params, OPTIONS, scope, path, "network")
    stack, context = _stack(params, scope, path)
    names = [row.name for row in summarize(stack.input, stack.layers, context, stack.name).rows if row.depth == 0]
    layer = str(params.get("layer"))
    if start_layer not in names or layer not in names or names.index(layer) <= names.index(start_layer):
        raise SpecError(f"{scope.where(path)}: {layer} does not follow {start_layer} in {stack.name}")
    sizes = tuple(start_output)
    shape = Shape((), sizes[0]) if len(sizes) == 1 else Shape(tuple(sizes[:-1]), sizes[-1])
    first, last = names.index(start_layer) + 1, names.index(layer) + 1
    rest = summarize(shape, stack.layers[first:last], context, stack.name)
    top = [row for row in rest.rows if row.depth == 0]
    return _layer_fact(rest, replace(top[-1], name=layer), params.get("value", "params"))


def _row(summary: StackSummary, layer: object, scope: Scope, path: str) -> Row:
    rows = summary.rows
    if isinstance(layer, int):
        if not 1 <= layer <= len(rows):
            raise SpecError(f"{scope.where(path + '.layer')}: layer {layer} is outside 1..{len(rows)}")
        return rows[layer - 1]
    for row in rows:
        if row.name == str(layer):
            return row
    names = ", ".join(r.name for r in rows[:12]) + (", ..." if len(rows) > 12 else "")
    raise SpecError(f"{scope.where(path + '.layer')}: no layer named '{layer}'; layers: {names}")


def _shape(shape: Shape) -> tuple:
    return tuple(shape.dims("hwc"))


def network_fact(params: dict, scope: Scope, path: str) -> Answer:
    check_keys(params, OPTIONS, scope, path, "network")
    value = params.get("value", "params")
    if value not in VALUES:
        raise SpecError(f"{scope.where(path + '.value')}: value '{value}' is unknown; known: {', '.join(VALUES)}")
    summary = _summary(params, scope, path)
    if value == "table":
        from ..stacks.render import format_markdown

        layers = len(summary.rows)
        return Answer("table", format_markdown(summary), (f"{summary.name}: {layers} layer{'s' * (layers != 1)}",),
                      summary)
    try:
        if "layer" in params:
            return _layer_fact(summary, _row(summary, params["layer"], scope, path), value)
        return _total_fact(summary, value)
    except SpecError as error:
        message = str(error)
        if message.startswith(scope.where(path).split(":")[0]):
            raise
        raise SpecError(f"{scope.where(path + '.value')}: {message}") from None


def _layer_fact(summary: StackSummary, row: Row, value: str) -> Answer:
    steps = [f"{row.name} ({row.type}): {row.input.text()} -> {row.output.text()}"]
    key = FORMULA_KEY.get(value)
    steps += [f"{name}: {text}" for name, text in row.formulas.items() if name == key]
    if value == "output":
        return Answer("shape", _shape(row.output), tuple(steps), row)
    if value == "channels":
        return Answer("number", row.output.channels, tuple(steps), row)
    if value in ("receptive_field", "jump"):
        if row.rf is None:
            raise SpecError(f"layer {row.name} has no spatial receptive field (its output is flat); ask for the "
                            "receptive field of a convolution or pooling layer before flatten")
        size, jump, _ = row.rf[0]
        number = size if value == "receptive_field" else jump
        steps.append(f"receptive field {size}, jump {jump} (input pixels between neighbouring outputs)")
        return Answer("number", number, tuple(steps), row)
    if value == "fc_params":
        steps.append(f"a dense layer from {fmt(row.input.units)} inputs to {fmt(row.output.units)} outputs: "
                     f"{fmt(row.output.units)} x ({fmt(row.input.units)}{' + 1' if row.dense_bias else ''}) = "
                     f"{fmt(row.fc_equivalent)}")
        return Answer("number", row.fc_equivalent, tuple(steps), row)
    number = {"units": row.units, "weights": row.weights, "biases": row.biases, "params": row.params,
              "trainable": row.trainable, "non_trainable": row.non_trainable, "macs": row.macs,
              "memory": row.units}[value]
    if len(steps) == 1:
        steps.append(f"{value}: {fmt(number)}")
    return Answer("number", number, tuple(steps), row)


def _total_fact(summary: StackSummary, value: str) -> Answer:
    rows = summary.rows
    if value == "output":
        return Answer("shape", _shape(summary.output), (f"{summary.input.text()} -> {summary.output.text()}",), summary)
    if value == "channels":
        return Answer("number", summary.output.channels,
                      (f"{summary.input.text()} -> {summary.output.text()}: {fmt(summary.output.channels)} channels",),
                      summary)
    if value in ("receptive_field", "jump"):
        spatial = [r for r in rows if r.rf is not None]
        if not spatial:
            raise SpecError(f"{summary.name} has no spatial layer, so no receptive field: its input is flat; "
                            "ask for the receptive field of a network with convolutions or pooling")
        return _layer_fact(summary, rows[-1] if rows[-1].rf is not None else spatial[-1], value)
    totals = {"units": summary.total_units, "weights": summary.total_weights, "biases": summary.total_biases,
              "params": summary.total_params, "trainable": summary.trainable_params,
              "non_trainable": summary.non_trainable_params, "macs": summary.total_macs,
              "memory": summary.total_memory_values, "fc_params": None}
    if value == "fc_params":
        raise SpecError("fc_params is a per-layer value; name the layer")
    attribute = {"params": "trainable" if summary.context.convention == "torch" else "params",
                 "memory": "units"}.get(value, value)
    parts = [(r.name, getattr(r, attribute)) for r in rows if getattr(r, attribute) != 0 and
             not (value in ("units", "memory") and r.in_place)]
    steps = [f"{name} {fmt(v)}" for name, v in parts]
    if value == "memory":
        steps.insert(0, f"input {fmt(summary.input.units)}")
    total = totals[value]
    shown = " + ".join(steps) if len(steps) <= 24 else " + ".join(steps[:12]) + f" + ... ({len(steps)} terms)"
    return Answer("number", total, (f"{value} of {summary.name}: {shown} = {fmt(total)}",), summary)
