"""``cnncalc verify``: the engine against torch, layer by layer."""

from __future__ import annotations

import sys

import click

from . import main

HELP = """Check the engine against torch on a layer stack, layer by layer.

SPEC is what `cnncalc shape` takes: a built-in network, a YAML file or an
inline description.  The stack is built as a torch nn.Module (Keras 'same'
padding as explicit asymmetric padding) and run once; each layer's output
shape, trainable parameters and non-trainable values (batch-norm running
statistics) are compared with the engine's, and for every convolution and
pooling layer the engine's exact values on a random small-integer input with
integer weights are compared with torch in float64.  Exit status 1 on any
difference.  Needs the extra: pip install -e ".[train]" in the cnncalc checkout.

\b
Examples:
  cnncalc verify mnist-cnn
  cnncalc verify keras-task
  cnncalc verify "32x32x3 -> conv 16 4x4 stride 2 same -> maxpool 3 stride 2 pad 1" --convention keras
  cnncalc verify "N x N x 3 -> conv 8 3x3 -> avgpool 2" --set N=12
  cnncalc verify resnet18 --no-values
"""


@main.command("verify", help=HELP)
@click.argument("spec", nargs=-1)
@click.option("--convention", type=click.Choice(["torch", "keras"]), default=None,
              help="'same' padding rules (default torch; a built-in net may carry its own).")
@click.option("--layout", type=click.Choice(["hwc", "chw"]), default="hwc", show_default=True,
              help="Order of sizes in an inline/YAML input.")
@click.option("--set", "assignments", multiple=True, metavar="NAME=NUMBER", help="Give a symbol a value, e.g. --set N=32.")
@click.option("--seed", default=0, show_default=True, help="Seed of the random inputs and weights.")
@click.option("--no-values", is_flag=True, help="Compare shapes and parameter counts only (faster on big nets).")
def verify_command(spec, convention, layout, assignments, seed, no_values):
    from ..errors import InputError
    from ..torch import require

    if not spec:
        raise InputError("give a network: a built-in name (cnncalc shape --list), a YAML file or an inline "
                         "description; see cnncalc verify --help")
    require("cnncalc verify")
    from ..stacks.layers import Context
    from ..stacks.grammar import parse_assignments, substitute
    from ..torch.verify import verify
    from ..stacks import load_stack

    stack = substitute(load_stack(" ".join(spec), layout), parse_assignments(assignments))
    ctx = Context(convention=convention or stack.convention or "torch")
    report = verify(stack, ctx, seed=seed, values=not no_values)
    _print(report)
    if not report.ok:
        click.echo(f"verify: {len(report.differences)} layer(s) differ between the engine and torch "
                   f"(marked ✗ above)", err=True)
        sys.exit(1)


def _print(report):
    from rich.console import Console
    from rich.table import Table

    buffers = any(c.engine_buffers or c.torch_buffers for c in report.checks)
    table = Table(title=f"{report.name}: engine vs torch", title_justify="left")
    for column in ("layer", "type", "engine shape", "torch shape", "engine params", "torch params"):
        table.add_column(column, justify="right" if "params" in column else "left")
    if buffers:
        table.add_column("engine buffers", justify="right")
        table.add_column("torch buffers", justify="right")
    table.add_column("values (exact engine vs torch float64)")
    table.add_column("agree")
    for c in report.checks:
        cells = [c.name, c.type, c.engine_shape, c.torch_shape, f"{c.engine_params:,}", f"{c.torch_params:,}"]
        if buffers:
            cells += [f"{c.engine_buffers:,}", f"{c.torch_buffers:,}"]
        table.add_row(*cells, c.values, "✓" if c.ok else "[red]✗[/red]")
    console = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 150)
    console.print(table)
    mark = "✓" if report.engine_total == report.torch_total else "✗"
    valued = sum(1 for c in report.checks if c.values != "-")
    console.print(f"trainable parameters: engine {report.engine_total:,}, torch {report.torch_total:,} {mark}; "
                  f"{len(report.checks)} layers compared, {valued} with values; "
                  + ("all agree" if report.ok else f"{len(report.differences)} differ"))
