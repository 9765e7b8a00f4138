"""``cnncalc act``, ``cnncalc dense``, ``cnncalc flatten``: the rest of a small network, exactly."""

from __future__ import annotations

import click

from ..activations import FUNCTIONS, activate, dense, flatten
from . import main
from .options import emit


def _decimal(value, digits: int) -> str:
    from ..render import format_value

    if isinstance(value, int):
        return str(value)
    try:
        return str(value.evalf(digits)) if hasattr(value, "evalf") else format_value(value, digits)
    except (TypeError, ValueError):
        return str(value)


def _show(title: str, output, form, digits, formula: str | None = None, steps=None):
    from .. import render

    def json_data():
        data = {"operation": title, "output": render.nested(output), "shape": list(output.shape)}
        if formula:
            data["formula"] = formula
        if digits:
            import numpy as np

            with np.errstate(all="ignore"):  # sympy's evalf of exp(999998) raises float flags, not errors
                data["decimal"] = np.frompyfunc(lambda v: _decimal(v, digits), 1, 1)(output.values()).tolist()
        if steps is not None:
            data["steps"] = steps
        return data

    def markdown():
        lines = [f"**{title}**", ""] + ([f"`{formula}`", ""] if formula else [])
        lines += [f"- {s}" for s in steps or []] + ([""] if steps else [])
        return "\n".join(lines) + render.markdown_matrix(output) + "\n"

    def latex():
        return f"% {title}\n\\[\n" + render.latex_matrix(output) + "\n\\]\n"

    def terminal():
        from rich.console import Group
        from rich.text import Text

        from ..terminal import array_group

        parts = [Text(title, style="bold")] + ([Text(formula)] if formula else [])
        parts += [Text(s) for s in steps or []]
        parts.append(array_group(output, digits))
        return Group(*parts)

    emit(form, json_data, markdown, latex, terminal)


def _forms(function):
    function = click.option("--latex", "form", flag_value="latex", help="LaTeX output.")(function)
    function = click.option("--markdown", "form", flag_value="markdown", help="Markdown output.")(function)
    function = click.option("--json", "form", flag_value="json", help="One JSON object with output and shape.")(function)
    function = click.option("--digits", type=click.IntRange(1, 50), default=None,
                            help="Also show decimals with this many significant digits.")(function)
    return function


@main.command("act", context_settings={"ignore_unknown_options": True})
@click.argument("function", type=click.Choice(FUNCTIONS + ("leaky_relu", "log_softmax"), case_sensitive=False))
@click.argument("input")
@click.option("--slope", default="0.01", show_default=True, help="Negative slope of leaky-relu.")
@click.option("--explain", is_flag=True, help="Show the rule applied to every value.")
@_forms
def act_command(function, input, slope, explain, digits, form):
    """Apply an activation exactly: relu, leaky-relu, sigmoid, tanh, softmax, log-softmax.

    Softmax and log-softmax work along the last axis (each row).

    \b
    Examples:
      cnncalc act relu "-3 0 2.5; 1 -1 4"
      cnncalc act softmax "1 2 3" --digits 6
      cnncalc act sigmoid "0 1" --json --digits 10
    """
    result = activate(function, input, slope)
    steps = None
    if explain:
        from ..render import format_value

        ins, outs = result.input.values().flat, result.output.values().flat
        steps = [f"{result.op}({format_value(i)}) = {format_value(o)}"
                 + (f" ≈ {_decimal(o, digits)}" if digits else "") for i, o in zip(ins, outs)]
    _show(result.op, result.output, form, digits, result.formula, steps)


@main.command("dense", context_settings={"ignore_unknown_options": True})
@click.argument("input")
@click.argument("weights")
@click.option("--bias", default=None, help="One value per output: \"0.5, -1\".")
@click.option("--explain", is_flag=True, help="Show each output's sum of products.")
@_forms
def dense_command(input, weights, bias, explain, digits, form):
    """A fully-connected layer exactly: y = W x + b, W of shape (outputs x inputs).

    \b
    Examples:
      cnncalc dense "1 2 3" "1 0 -1; 0.5 0.5 0.5" --bias "0 1/3" --explain
    """
    result = dense(input, weights, bias)
    steps = None
    if explain:
        from ..render import format_value

        x = result.input.reshape(-1).values()
        w = result.weights.values()
        b = result.bias.values() if result.bias is not None else None
        out = result.output.values()
        steps = []
        for r in range(w.shape[0]):
            terms = " + ".join(f"{format_value(w[r, j])} × {format_value(x[j])}" for j in range(w.shape[1]))
            if b is not None:
                terms += f" + {format_value(b[r])}"
            steps.append(f"y{r + 1} = {terms} = {format_value(out[r])}")
    _show("dense layer y = W x + b", result.output, form, digits, None, steps)


@main.command("flatten", context_settings={"ignore_unknown_options": True})
@click.argument("input")
@click.option("--order", type=click.Choice(["chw", "hwc"]), default="chw", show_default=True,
              help="chw: channel by channel (torch); hwc: pixel by pixel (Keras).")
@_forms
def flatten_command(input, order, digits, form):
    """Flatten a (C, H, W) array into a vector.

    \b
    Examples:
      cnncalc flatten "1 2; 3 4 | 5 6; 7 8" --order hwc
    """
    _show(f"flatten ({order})", flatten(input, order), form, digits)
