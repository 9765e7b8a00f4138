"""Turning results and their steps into text: terminal (rich), Markdown,
LaTeX and JSON.  Formatters return values; only the CLI prints.

Exact values are shown as a student writes them: 45, 13.75 (a terminating
decimal is exact), 103/9, a*w1 + b*w2.  JSON keeps integers as numbers and
every other value as an exact string ("1018/9", "a + 2*b").

>>> format_value(Fraction(55, 4)), format_value(Fraction(103, 9)), format_json_value(Fraction(1, 4))
('13.75', '103/9', '1/4')
"""

from __future__ import annotations

from fractions import Fraction
from typing import Sequence

import numpy as np

from .conv import ConvResult
from .explain import ConvStep, PoolStep
from .pool import PoolResult
from .values import Exact

TIMES = "×"


def _terminating(q: int) -> bool:
    for p in (2, 5):
        while q % p == 0:
            q //= p
    return q == 1


def format_value(value, digits: int | None = None) -> str:
    """Exact text: ints, terminating decimals, p/q, or a sympy formula.

    With ``digits`` a non-integer is shown as a rounded decimal instead.
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Fraction):
        if digits is not None:
            return approximate(value, digits)
        if _terminating(value.denominator) and len(str(value.denominator)) <= 6:
            return _decimal(value)
        return f"{value.numerator}/{value.denominator}"
    if digits is not None:
        try:
            return str(value.evalf(digits))
        except AttributeError:
            pass
    return str(value)


def approximate(value: Fraction, digits: int) -> str:
    """``digits`` significant digits of an exact number, as %g formats a float;
    past the range of a float (a 400-digit value) by decimal arithmetic.

    >>> approximate(Fraction(7, 3), 3), approximate(Fraction(10**400, 3), 3)
    ('2.33', '3.33e+399')
    """
    if value == 0 or 1e-300 < abs(value) < 1e300:
        return f"{float(value):.{digits}g}"
    from decimal import Context, Decimal

    quotient = Context(prec=digits).divide(Decimal(value.numerator), Decimal(value.denominator))
    return f"{quotient:.{digits}g}"


def _decimal(value: Fraction) -> str:
    sign = "-" if value < 0 else ""
    value = abs(value)
    whole, rest = divmod(value.numerator, value.denominator)
    places = []
    while rest:
        rest *= 10
        digit, rest = divmod(rest, value.denominator)
        places.append(str(digit))
    return f"{sign}{whole}." + "".join(places) if places else f"{sign}{whole}"


def format_json_value(value):
    """JSON: an integer stays a number; anything else is its exact string."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    return str(value)


def format_latex_value(value) -> str:
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Fraction):
        sign = "-" if value < 0 else ""
        return f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"
    import sympy

    return sympy.latex(value)


def nested(array: Exact, fmt=format_json_value):
    """Nested lists of formatted values (the JSON ``output``)."""
    values = array.reduced().values()
    if not values.size:
        return []
    # a ufunc reports floating-point flags that sympy's printing raises on values such as
    # exp(999998) as numpy warnings; nothing here is computed in floats
    with np.errstate(all="ignore"):
        return np.frompyfunc(fmt, 1, 1)(values).tolist()


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

def conv_step_text(step: ConvStep, fmt=format_value, times: str = " × ") -> str:
    products = " + ".join(f"{_wrap(fmt(t.weight))}{times}{_wrap(fmt(t.value))}" for t in step.terms)
    if step.bias is not None:
        products += f" + {_wrap(fmt(step.bias))}"
    return f"{products} = {fmt(step.value)}"


def pool_step_text(step: PoolStep, fmt=format_value) -> str:
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
                "terms": [[format_json_value(t.weight), format_json_value(t.value)] for t in step.terms],
                **({"bias": format_json_value(step.bias)} if step.bias is not None else {}),
                "value": format_json_value(step.value),
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
                "values": [format_json_value(v) for _, v in step.values],
                **({"divisor": step.divisor} if step.divisor is not None else {}),
                "value": format_json_value(step.value),
                "text": pool_step_text(step),
            }
            for step in steps
        ]
    return data


# --- Markdown and LaTeX ---------------------------------------------------------

def matrix_slices(array: Exact) -> list[tuple[str, Exact]]:
    """Split an n-D array into titled 2-D (or 1-D) slices for display."""
    if array.ndim <= 2:
        return [("", array)]
    out = []
    for lead in np.ndindex(*array.shape[:-2]):
        title = ", ".join(f"[{i + 1}]" for i in lead)
        out.append((title, array[lead]))
    return out


def markdown_matrix(array: Exact) -> str:
    blocks = []
    for title, part in matrix_slices(array.reduced()):
        rows = part.values()
        rows = rows.reshape(1, -1) if rows.ndim == 1 else rows.reshape(-1, rows.shape[-1]) if rows.ndim else rows.reshape(1, 1)
        width = rows.shape[1]
        lines = ([f"**{title}**", ""] if title else [])
        lines.append("| " + " | ".join(" " for _ in range(width)) + " |")
        lines.append("|" + "---:|" * width)
        for row in rows:
            lines.append("| " + " | ".join(format_value(v) for v in row) + " |")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def latex_matrix(array: Exact) -> str:
    blocks = []
    for title, part in matrix_slices(array.reduced()):
        rows = part.values()
        rows = rows.reshape(1, -1) if rows.ndim == 1 else rows.reshape(-1, rows.shape[-1]) if rows.ndim else rows.reshape(1, 1)
        body = " \\\\\n".join(" & ".join(format_latex_value(v) for v in row) for row in rows)
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
