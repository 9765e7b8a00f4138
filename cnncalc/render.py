"""Turning results and their steps into text: Markdown, LaTeX and JSON
(the terminal's rich renderables are in ``terminal.py``, the text of single
values and whole arrays in ``cells.py``).  Formatters return values; only the
CLI prints.

>>> format_value(Fraction(55, 4)), format_value(Fraction(103, 9)), json_value(Fraction(1, 4))
('13.75', '103/9', '1/4')
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from .activations import ActivationResult, decimal_values
from .cells import cell_texts, format_latex_value, format_value, json_nested, json_value
from .conv import ConvResult
from .explain import ConvStep, PoolStep
from .pool import PoolResult
from .textgrid import labelled_slices
from .values import Exact

#: How one exact value is written (format_value, format_latex_value, json_value, ...)
Formatter = Callable[[Any], Any]

NAMED_SUM_LENGTH = 40  # a softmax sum written longer than this is named once (S = ...) and not in every cell


def nested(array: Exact, fmt: Formatter = json_value) -> Any:  # nested lists (a value for a 0-d array)
    """Nested lists of formatted values (the JSON ``output``)."""
    if fmt is json_value:
        return json_nested(array)
    values = array.values()
    if not values.size:
        return []
    # a ufunc reports floating-point flags that sympy's printing raises on values such as
    # exp(999998) as numpy warnings; nothing here is computed in floats
    with np.errstate(all="ignore"):
        return np.frompyfunc(fmt, 1, 1)(values).tolist()


def dumps(data: dict) -> str:
    """One JSON document (non-ASCII kept: '×' stays a character)."""
    return json.dumps(data, ensure_ascii=False)


# --- activations -----------------------------------------------------------------

def activation_cells(result: ActivationResult, digits: int | None = None) -> tuple[list[str], np.ndarray]:
    """What a person reads for an activation: (definitions, cell texts).

    With ``digits`` the cells are decimals.  A softmax or log-softmax row
    whose sum S = sum_j exp(x_j) is long gets the sum named once ("S = E +
    exp(2) + ...", "S2 = ..." for the second row) and each cell written with
    the name, exp(x_i)/S or x_i - log(S): exact, and a row of n values is
    O(n) text instead of n copies of the sum.  JSON keeps every value whole.

    >>> from cnncalc.activations import softmax
    >>> definitions, cells = activation_cells(softmax("1 2 3"))
    >>> definitions, cells.tolist()
    ([], ['1/(1 + e + exp(2))', 'e/(1 + e + exp(2))', 'exp(2)/(1 + e + exp(2))'])
    >>> definitions, cells = activation_cells(softmax(list(range(1, 13))))
    >>> definitions[0][:40], cells.tolist()[:2]
    ('S = 1 + e + exp(2) + exp(3) + exp(4) + e', ['1/S', 'e/S'])
    """
    values = result.output.values()
    if digits is not None:
        decimals = decimal_values(result, digits)
        return [], np.frompyfunc(lambda v: format_value(v, digits), 1, 1)(decimals).astype(object)
    texts = np.empty(values.shape, dtype=object)
    if not result.sums:
        for index, value in np.ndenumerate(values):
            texts[index] = format_value(value)
        return [], texts
    import sympy

    from .formula_text import formula_text

    inputs = result.input.values()
    long = [len(formula_text(total)) > NAMED_SUM_LENGTH for total in result.sums]
    definitions = []
    for row, (total, lead) in enumerate(zip(result.sums, np.ndindex(*values.shape[:-1]))):
        name = ("S" if len(result.sums) == 1 else f"S{row + 1}") if long[row] else None
        if name:
            definitions.append(f"{name} = {formula_text(total)}")
        row_inputs = list(inputs[lead])
        # softmax's rows are exp(x_i - min x) / S where the row is rational (activations.softmax)
        shift = min(row_inputs) if result.op == "softmax" and all(
            isinstance(v, (int, Fraction)) for v in row_inputs) else 0
        for i, (x, value) in enumerate(zip(row_inputs, values[lead])):
            text = None
            if name and not isinstance(value, (int, Fraction)):
                if result.op == "softmax" and value == sympy.exp(x - shift) * (1 / total):
                    text = f"{format_value(sympy.exp(x - shift))}/{name}"
                elif result.op == "log-softmax" and value == x - sympy.log(total):
                    x_text = format_value(x)
                    text = f"{x_text if not x_text.startswith('-') else f'({x_text})'} - log({name})"
            texts[lead + (i,)] = text if text is not None else format_value(value)
    return definitions, texts


# --- descriptions -------------------------------------------------------------

def _shape(shape: Sequence[int]) -> str:
    return "x".join(map(str, shape))


def _axis_values(values: tuple) -> str:
    return ",".join(map(str, values)) if len(set(values)) > 1 else str(values[0])


def describe_conv(result: ConvResult) -> str:
    spec = result.spec
    pads = [(p.before, p.after) for p in spec.padding]
    if all(a == b for a, b in pads):
        padding = _axis_values(tuple(a for a, _ in pads))
    else:
        padding = ",".join(f"{a},{b}" for a, b in pads)
    parts = [
        f"{result.operation} of a {_shape(result.input_shape)} input with a "
        f"{_shape(result.kernel_shape)} kernel",
        f"stride {_axis_values(spec.stride)}",
        f"padding {padding}",
    ]
    if any(d != 1 for d in spec.dilation):
        parts.append(f"dilation {_axis_values(spec.dilation)}")
    if result.groups != 1:
        parts.append(f"groups {result.groups}")
    if result.bias is not None:
        parts.append("bias")
    return ", ".join(parts) + f" -> {_shape(result.output.shape)}"


def describe_pool(result: PoolResult) -> str:
    spec = result.spec
    shape = result.input_shape
    name = {"max": "max", "avg": "average", "min": "min", "sum": "sum"}[result.op]
    parts = [f"{name} pooling of a {_shape(shape)} input, window {_shape(spec.kernel)}",
             f"stride {_axis_values(spec.stride)}"]
    if any(p.before or p.after for p in spec.padding):
        parts.append("padding " + ",".join(f"{p.before},{p.after}" for p in spec.padding))
        if result.op == "avg":
            parts.append("padded cells counted" if result.count_include_pad else "padded cells not counted")
    if result.ceil_mode:
        parts.append("ceil mode")
    return ", ".join(parts) + f" -> {_shape(result.output.shape)}"


# --- step lines ---------------------------------------------------------------

def conv_step_text(step: ConvStep, fmt: Formatter = format_value, times: str = " × ") -> str:
    products = " + ".join(f"{_wrap(fmt(t.weight))}{times}{_wrap(fmt(t.value))}" for t in step.terms)
    if step.bias is not None:
        products += f" + {_wrap(fmt(step.bias))}"
    return f"{products} = {fmt(step.value)}"


def pool_step_text(step: PoolStep, fmt: Formatter = format_value) -> str:
    values = [fmt(v) for _, v in step.values]
    if step.op in ("max", "min"):
        return f"{step.op}({', '.join(values)}) = {fmt(step.value)}"
    total = " + ".join(_wrap(v) for v in values)
    if step.op == "sum":
        return f"{total} = {fmt(step.value)}"
    return f"({total}) / {step.divisor} = {fmt(step.value)}"


def _wrap(text: str) -> str:
    """Parenthesise negatives and sums so 'a × -3' reads '(-3)'."""
    return f"({text})" if text.startswith("-") or " " in text else text


def cell_label(cell: tuple) -> str:
    """1-based label, as a student counts: (1, 2)."""
    return "(" + ", ".join(str(i + 1) for i in cell) + ")"


# --- JSON ---------------------------------------------------------------------

def conv_json(result: ConvResult, steps: list[ConvStep] | None = None) -> dict:
    spec = result.spec
    data = {
        "operation": result.operation,
        "output": nested(result.output),
        "shape": list(result.output.shape),
        "input_shape": list(result.input_shape),
        "kernel_shape": list(result.kernel_shape),
        "stride": list(spec.stride),
        "padding": [[p.before, p.after] for p in spec.padding],
        "dilation": list(spec.dilation),
        "groups": result.groups,
        "method": result.method,
    }
    if result.flip:
        data["flipped_kernel"] = nested(result.kernel.reshape(result.kernel_shape))
    if steps is not None:
        data["steps"] = [
            {
                "cell": list(step.cell),
                "window": list(step.origin),
                "filter": step.filter,
                "terms": [[json_value(t.weight), json_value(t.value)] for t in step.terms],
                **({"bias": json_value(step.bias)} if step.bias is not None else {}),
                "value": json_value(step.value),
                "text": conv_step_text(step, times=" x "),
            }
            for step in steps
        ]
    return data


def pool_json(result: PoolResult, steps: list[PoolStep] | None = None) -> dict:
    spec = result.spec
    data = {
        "operation": f"{result.op} pooling",
        "output": nested(result.output),
        "shape": list(result.output.shape),
        "window": list(spec.kernel),
        "stride": list(spec.stride),
        "padding": [[p.before, p.after] for p in spec.padding],
        "ceil_mode": result.ceil_mode,
    }
    if result.op == "avg":
        data["count_include_pad"] = result.count_include_pad
    if steps is not None:
        data["steps"] = [
            {
                "cell": list(step.cell),
                "window": list(step.origin),
                "values": [json_value(v) for _, v in step.values],
                **({"divisor": step.divisor} if step.divisor is not None else {}),
                "value": json_value(step.value),
                "text": pool_step_text(step),
            }
            for step in steps
        ]
    return data


# --- Markdown and LaTeX ---------------------------------------------------------

def matrix_slices(array: Exact, axis_names: Sequence[str] | None = None) -> list[tuple[str, Exact]]:
    """Every 2-D (or 1-D) slice with its title ("sample 1 of 2, channel 3 of 10"),
    for formatters that show everything (:func:`textgrid.labelled_slices`)."""
    return list(labelled_slices(array, axis_names))


def _rows(part: Exact, fmt: Formatter | None) -> list[list[str]]:
    if fmt is None:
        texts = cell_texts(part)
    else:
        texts = np.frompyfunc(fmt, 1, 1)(part.values()) if part.size else part.values()
    if texts.ndim == 0:
        return [[texts.item()]]
    if texts.ndim == 1:
        return [texts.tolist()]
    return texts.tolist()


def markdown_matrix(array: Exact, axis_names: Sequence[str] | None = None) -> str:
    """Every value, as Markdown tables: one per 2-D slice, each under its title."""
    blocks = []
    for title, part in labelled_slices(array.reduced(), axis_names):
        rows = _rows(part, None)
        width = len(rows[0]) if rows else 0
        lines = ([f"**{title}**", ""] if title else [])
        lines.append("| " + " | ".join(" " for _ in range(width)) + " |")
        lines.append("|" + "---:|" * width)
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def latex_matrix(array: Exact, axis_names: Sequence[str] | None = None) -> str:
    """Every value, as LaTeX bmatrix environments, one per 2-D slice."""
    blocks = []
    for title, part in labelled_slices(array.reduced(), axis_names):
        body = " \\\\\n".join(" & ".join(row) for row in _rows(part, format_latex_value))
        prefix = f"\\text{{{title}}}\\;" if title else ""
        blocks.append(f"{prefix}\\begin{{bmatrix}}\n{body}\n\\end{{bmatrix}}")
    return "\n".join(blocks)


def conv_markdown(result: ConvResult, steps: list[ConvStep] | None = None) -> str:
    out = [f"**{describe_conv(result)}**", ""]
    if result.flip and steps is not None:
        out += ["Flipped kernel (true convolution slides the kernel turned by 180°):", "",
                markdown_matrix(result.kernel.reshape(result.kernel_shape)), ""]
    if steps is not None and any(p.before or p.after for p in result.spec.padding):
        out += ["Padded input:", "", markdown_matrix(padded_input(result)), ""]
    if steps is not None:
        out += ["Steps:", ""]
        out += [f"- {cell_label(s.cell)}: {conv_step_text(s)}" for s in steps]
        out.append("")
    out += ["Output:", "", markdown_matrix(result.output)]
    return "\n".join(out) + "\n"


def pool_markdown(result: PoolResult, steps: list[PoolStep] | None = None) -> str:
    out = [f"**{describe_pool(result)}**", ""]
    if steps is not None:
        out += ["Steps:", ""] + [f"- {cell_label(s.cell)}: {pool_step_text(s)}" for s in steps] + [""]
    out += ["Output:", "", markdown_matrix(result.output)]
    return "\n".join(out) + "\n"


def _latex_document(description: str, output: Exact, step_lines: list[str] | None) -> str:
    """A comment line, the steps as an align* block, then the result matrix."""
    out = [f"% {description}"]
    if step_lines is not None:
        out.append("\\begin{align*}")
        out += step_lines
        out.append("\\end{align*}")
    out.append("\\[\n" + latex_matrix(output) + "\n\\]")
    return "\n".join(out) + "\n"


def _latex_step(cell: tuple, text: str) -> str:
    left, right = text.rsplit(" = ", 1)
    return f"y_{{{','.join(str(i + 1) for i in cell)}}} &= {left} = {right} \\\\"


def conv_latex(result: ConvResult, steps: list[ConvStep] | None = None) -> str:
    lines = None if steps is None else [
        _latex_step(s.cell, conv_step_text(s, fmt=format_latex_value, times=" \\cdot ")) for s in steps]
    return _latex_document(describe_conv(result), result.output, lines)


def pool_latex(result: PoolResult, steps: list[PoolStep] | None = None) -> str:
    lines = None if steps is None else [
        _latex_step(s.cell, pool_step_text(s, fmt=format_latex_value).replace("max(", "\\max(").replace("min(", "\\min("))
        for s in steps]
    return _latex_document(describe_pool(result), result.output, lines)


def padded_input(result: ConvResult) -> Exact:
    """The padded input in the user's layout (batch/channel axes as given)."""
    padded = result.padded
    lead = len(result.input_shape) - result.spec.ndim
    return padded.reshape(padded.shape[2 - lead:])
