"""``cnncalc act``, ``cnncalc dense``, ``cnncalc flatten``: the rest of a small network, exactly."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from ..activations import FUNCTIONS, activate, dense, flatten
from ..layout import LAYOUTS, Layout
from . import main
from .options import Form, emit, form_options

if TYPE_CHECKING:  # annotations only: the command starts without importing these
    import numpy as np
    from rich.console import Group, RenderableType

    from ..textgrid import Limits
    from ..values import Exact


def _show(title: str, output: Exact, form: Form | None, digits: int | None, full: bool, out: str | None,
          formula: str | None = None, steps: list[str] | None = None, definitions: Sequence[str] = (),
          cells: np.ndarray | None = None, decimals: np.ndarray | None = None, beside: bool = False) -> None:
    """Print one result.  ``cells`` are the texts the terminal shows (named
    sums, decimals); ``decimals`` the JSON's "decimal" field; ``beside``: the
    terminal shows the decimals too, under the exact cells (where any differs)."""
    from .. import render

    def json_data() -> dict:
        data = {"operation": title, "output": render.nested(output), "shape": list(output.shape)}
        if formula:
            data["formula"] = formula
        if decimals is not None:
            data["decimal"] = decimals.tolist()
        if steps is not None:
            data["steps"] = steps
        return data

    def markdown() -> str:
        lines = [f"**{title}**", ""] + ([f"`{formula}`", ""] if formula else [])
        lines += [f"- {s}" for s in steps or []] + ([""] if steps else [])
        return "\n".join(lines) + render.markdown_matrix(output) + "\n"

    def latex() -> str:
        return f"% {title}\n\\[\n" + render.latex_matrix(output) + "\n\\]\n"

    def terminal(width: int | None, limits: Limits | None) -> Group:
        from rich.console import Group
        from rich.text import Text

        from ..terminal import array_group

        parts: list[RenderableType] = [Text(title, style="bold")]
        if formula:
            parts.append(Text(formula))
        parts += [Text(line) for line in definitions]
        parts += [Text(s) for s in steps or []]
        if beside and decimals is not None and cells is not None and (cells != decimals).any():
            parts.append(array_group(cells if cells is not None else output, width, limits=limits))
            parts.append(Text(f"≈ to {digits} significant digits:"))
            parts.append(array_group(decimals, width, limits=limits))
        else:
            parts.append(array_group(cells if cells is not None else output, width, limits=limits, digits=digits))
        return Group(*parts)

    emit(form, json_data, markdown, latex, terminal, full=full, out=out)


@main.command("act", context_settings={"ignore_unknown_options": True})
@click.argument("function", type=click.Choice(FUNCTIONS + ("leaky_relu", "log_softmax"), case_sensitive=False))
@click.argument("input")
@click.option("--slope", default="0.01", show_default=True, help="Negative slope of leaky-relu.")
@click.option("--explain", is_flag=True, help="Show the rule applied to every value.")
@form_options
def act_command(function: str, input: str, slope: str, explain: bool, digits: int | None, form: Form | None,
                full: bool, out: str | None) -> None:
    """Apply an activation exactly: relu, leaky-relu, sigmoid, tanh, softmax, log-softmax.

    Softmax and log-softmax work along the last axis (each row).  A long sum
    of exponentials is written once, S = exp(1) + ..., and each value as
    exp(x_i)/S; --json writes every value in full.

    \b
    Examples:
      cnncalc act relu "-3 0 2.5; 1 -1 4"
      cnncalc act softmax "1 2 3" --digits 6
      cnncalc act sigmoid "0 1" --json --digits 10
    """
    from ..render import activation_cells, format_value

    result = activate(function, input, slope)
    definitions, cells = activation_cells(result)
    decimals = activation_cells(result, digits)[1] if digits else None
    steps = None
    if explain:
        ins = result.input.values().flat
        steps = [f"{result.op}({format_value(i)}) = {text}" + (f" ≈ {decimal}" if digits else "")
                 for i, text, decimal in zip(ins, cells.flat, (decimals if decimals is not None else cells).flat)]
    # the exact forms, and with --digits their decimals under them (as the README promises)
    _show(result.op, result.output, form, digits, full, out, result.formula, steps, definitions, cells, decimals,
          beside=True)


@main.command("dense", context_settings={"ignore_unknown_options": True})
@click.argument("input")
@click.argument("weights")
@click.option("--bias", default=None, help="One value per output: \"0.5, -1\".")
@click.option("--explain", is_flag=True, help="Show each output's sum of products.")
@form_options
def dense_command(input: str, weights: str, bias: str | None, explain: bool, digits: int | None,
                  form: Form | None, full: bool, out: str | None) -> None:
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
        out_values = result.output.values()
        steps = []
        for r in range(w.shape[0]):
            terms = " + ".join(f"{format_value(w[r, j])} × {format_value(x[j])}" for j in range(w.shape[1]))
            if b is not None:
                terms += f" + {format_value(b[r])}"
            steps.append(f"y{r + 1} = {terms} = {format_value(out_values[r])}")
    _show("dense layer y = W x + b", result.output, form, digits, full, out, None, steps,
          decimals=_decimals(result.output, digits))


@main.command("flatten", context_settings={"ignore_unknown_options": True})
@click.argument("input")
@click.option("--order", type=click.Choice(LAYOUTS), default="chw", show_default=True,
              help="chw: channel by channel (torch); hwc: pixel by pixel (Keras).")
@form_options
def flatten_command(input: str, order: Layout, digits: int | None, form: Form | None, full: bool,
                    out: str | None) -> None:
    """Flatten a (C, H, W) array into a vector.

    \b
    Examples:
      cnncalc flatten "1 2; 3 4 | 5 6; 7 8" --order hwc
    """
    output = flatten(input, order)
    _show(f"flatten ({order})", output, form, digits, full, out, decimals=_decimals(output, digits))


def _decimals(output: Exact, digits: int | None) -> np.ndarray | None:
    """The JSON's "decimal" texts of exact values (None without --digits)."""
    if not digits:
        return None
    from ..cells import cell_texts

    return cell_texts(output, digits)
