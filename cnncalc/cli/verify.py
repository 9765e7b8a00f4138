"""``cnncalc verify``: the engine against torch, layer by layer."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from ..layout import LAYOUTS, Layout
from ..stacks.layers import CONVENTIONS, Convention
from . import main

if TYPE_CHECKING:
    from ..stacks.grammar import StackSpec
    from ..stacks.layers import Context

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
@click.option("--convention", type=click.Choice(CONVENTIONS), default=None,
              help="'same' padding rules (default torch; a built-in net may carry its own).")
@click.option("--layout", type=click.Choice(LAYOUTS), default="hwc", show_default=True,
              help="Order of sizes in an inline/YAML input.")
@click.option("--set", "assignments", multiple=True, metavar="NAME=NUMBER", help="Give a symbol a value, e.g. --set N=32.")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(0, 2**32 - 1),
              help="Seed of the random inputs and weights (0 to 2^32 - 1).")
@click.option("--no-values", is_flag=True, help="Compare shapes and parameter counts only (faster on big nets).")
def verify_command(spec: tuple[str, ...], convention: Convention | None, layout: Layout,
                   assignments: tuple[str, ...], seed: int, no_values: bool) -> None:
    from ..errors import InputError
    from ..torch import require

    if not spec:
        raise InputError("give a network: a built-in name (cnncalc shape --list), a YAML file or an inline "
                         "description; see cnncalc verify --help")
    from ..stacks import load_stack
    from ..stacks.grammar import parse_assignments, substitute
    from ..stacks.layers import Context
    from ..torch import check_installed

    check_installed("cnncalc verify")

    # the input is checked before torch is imported (seconds): a bad description fails at once
    stack = substitute(load_stack(" ".join(spec), layout), parse_assignments(assignments))
    ctx = Context(convention=convention or stack.convention or "torch")
    _check_buildable(stack, ctx)
    require("cnncalc verify")  # imported only now: the stack was checked first
    from ..torch.verify import verify

    report = verify(stack, ctx, seed=seed, values=not no_values)
    _print(report)
    if not report.ok:
        click.echo(f"verify: {len(report.differences)} layer(s) differ between the engine and torch "
                   f"(marked ✗ above)", err=True)
        sys.exit(1)


MAX_PARAMETERS = 200_000_000  # float64 weights torch allocates (1.6 GB; vgg19 has 144 million)
MAX_LAYER_VALUES = 50_000_000  # float64 values of one layer's output (400 MB)


def _check_buildable(stack: StackSpec, ctx: Context) -> None:
    """Refuse, from the engine's summary, a stack torch cannot build or hold in memory."""
    from ..errors import InputError
    from ..stacks.summary import summarize

    summary = summarize(stack.input, stack.layers, ctx, stack.name)
    for row in summary.rows:
        sizes = (*row.output.spatial, row.output.channels, row.params)
        if not all(isinstance(v, int) for v in sizes):
            symbols = sorted({str(s) for v in sizes if not isinstance(v, int) for s in getattr(v, "free_symbols", ())})
            raise InputError(f"layer {row.name}: torch needs numbers, and its sizes use {', '.join(symbols)}; "
                             f"give values with --set {symbols[0] if symbols else 'N'}=32")
        if row.units > MAX_LAYER_VALUES:
            raise InputError(f"layer {row.name}: its output has {row.units:,} values, more than {MAX_LAYER_VALUES:,} "
                             "that verify builds in float64 (docs/limits.md); use smaller layers or a smaller input")
    total = summary.total_params
    if total > MAX_PARAMETERS:
        raise InputError(f"the stack has {total:,} parameters, more than {MAX_PARAMETERS:,} that verify builds in "
                         "float64 (docs/limits.md); use smaller layers")


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
                  f"{len(report.checks)} layer{'s' * (len(report.checks) != 1)} compared, {valued} with values; "
                  + ("all agree" if report.ok else f"{len(report.differences)} differ"))
