"""``cnncalc shape``: a layer stack from a built-in name, a YAML file or an
inline description, to a table of shapes, units, parameters, MACs, memory and
receptive fields."""

from __future__ import annotations

import sys

import click

from ..layout import LAYOUTS, Layout
from ..stacks.layers import CONVENTIONS, DTYPES, Convention, Dtype
from ..stacks.macs import MACS_CONVENTIONS
from . import main
from .options import Form, form_flag

HELP = """Shapes, units, parameters, MACs, memory and receptive fields of a layer stack.

SPEC is a built-in network (see --list), a YAML file, or an inline description
(quote it: '->' would redirect in the shell).

\b
Examples:
  cnncalc shape alexnet --explain
  cnncalc shape vgg16 --no-bias --markdown
  cnncalc shape "227x227x3 -> conv 96 11x11 stride 4"
  cnncalc shape "7x7x1 -> conv 1 3x3 stride 3"          # the course's "doesn't fit"
  cnncalc shape "N x N x 3 -> conv 10 5x5 pad 2 -> maxpool 2" --set N=32
  cnncalc shape net.yaml --json
  cnncalc shape --solve "7 -> 3"                        # kernel/stride/dilation/padding
  cnncalc shape inception3a --compare inception3a-naive  # what the 1x1 reductions save
  cnncalc shape mnist-cnn --macs-convention torchinfo    # 487,600 as torchinfo prints it
  cnncalc shape mnist-cnn --train --optimizer adam --batch 64   # training memory
  cnncalc shape --list
  cnncalc shape resnet50 --draw resnet50.html           # diagram, bars and table

\b
Inline grammar (layers separated by '->'):
  input     227x227x3 (height x width x channels; with --layout chw: 3x227x227),
            784 (flat), 100x16 (1-D: length x channels), 16x16x16x1 (3-D);
            any size may be a symbol: N x N x 3
  conv F KxK [stride S] [pad P|same|valid|full|t,b,l,r] [dilation D] [groups G] [nobias]
  depthwise KxK [multiplier M]     convtranspose F KxK [stride S] [pad P] [outpad Q]
  maxpool K [stride S] [pad P] [ceil]   avgpool K ...   (stride defaults to K)
  globalavgpool | globalmaxpool    adaptiveavgpool 6x6    zeropad P    flatten
  dense N [nobias]    dropout 0.5    batchnorm (bn)    lrn (norm)
  relu, tanh, sigmoid, softmax, logsoftmax, ... (activations)
  residual(BODY | SHORTCUT)  residual(BODY): identity shortcut, outputs added
  concat(BRANCH | BRANCH | ...): channels concatenated (inception)
  any layer or block: name NAME

\b
Conventions:
  MACs: one multiply-accumulate per weight use per output value; biases are not
  counted; pooling, activations, dropout and additions count zero; batch norm
  counts one per value (its scale).
  Batch norm: scale and shift are trainable; running mean and variance are
  non-trainable buffers, reported apart. Params (total and per layer) are the
  trainable ones under --convention torch, trainable + non-trainable under keras.
  --macs-convention counts as torchvision, torchinfo, fvcore, thop or ptflops do.
  Memory: output values of each layer x bytes of --dtype; activation, dropout
  and flatten reuse their input. --no-bias counts weights only (the course's
  VGG16 table). A window that does not fit exactly is floored, with a warning
  (an error with --strict). Receptive field: size / jump (stride in input
  pixels); start in --explain and JSON.
"""


def _solve(spec_text: str, bounds: dict) -> str:
    from ..errors import InputError
    from ..stacks.grammar import parse_input
    from ..stacks.render import format_solutions
    from ..stacks.solve import keep_size_formula, keep_size_padding, solve_window

    parts = spec_text.split("->")
    if len(parts) != 2:
        raise InputError(f"--solve needs 'INPUT -> OUTPUT' sizes, got '{spec_text}'; write e.g. --solve \"7 -> 3\"")
    n_in, n_out = (parse_input(p).dims()[0] for p in parts)
    if not isinstance(n_in, int) or not isinstance(n_out, int):
        from ..geometry import output_size_text

        return (f"symbolic sizes: output = {output_size_text('N', 'F', 'S', 'P', 'd', rounded=True)}\n"
                f"padding that keeps the size with stride 1: {keep_size_formula()}  ((F - 1)/2 for d = 1)\n")
    found = solve_window(n_in, n_out, **bounds)  # checks the bounds first
    keep = {k: keep_size_padding(k) for k in range(1, bounds["max_kernel"] + 1, 2)}
    return format_solutions(n_in, n_out, found, bounds, keep)


@main.command("shape", help=HELP, context_settings={"ignore_unknown_options": True})
@click.argument("spec", nargs=-1)
@click.option("--list", "list_", is_flag=True, help="List the built-in networks with their input and totals.")
@click.option("--explain", is_flag=True, help="Show every formula with its numbers, layer by layer.")
@form_flag("json", "JSON: input, output, layers, totals.", "fmt_")
@form_flag("markdown", "A Markdown table.", "fmt_")
@form_flag("csv", "CSV, one row per layer.", "fmt_")
@click.option("--convention", type=click.Choice(CONVENTIONS), default=None,
              help="'same' padding rules (default torch; a built-in net may carry its own).")
@click.option("--layout", type=click.Choice(LAYOUTS), default="hwc", show_default=True,
              help="Order of sizes in the display and in an inline/YAML input.")
@click.option("--no-bias", is_flag=True, help="Count weights only (the course's VGG16 table).")
@click.option("--dtype", type=click.Choice(sorted(DTYPES)),
              default="float32", show_default=True, help="Bytes per stored value for memory.")
@click.option("--strict", is_flag=True, help="A window that does not fit exactly is an error, not a warning.")
@click.option("--set", "assignments", multiple=True, metavar="NAME=NUMBER", help="Give a symbol a value, e.g. --set N=32.")
@click.option("--solve", is_flag=True, help='SPEC is "INPUT -> OUTPUT" sizes: list kernel/stride/dilation/padding that do it.')
@click.option("--macs-convention", type=click.Choice(MACS_CONVENTIONS),
              default=None, help="Count multiply-accumulates as this tool does (bias adds, batch norm, pooling); "
                                 "prints each layer's count, the total and FLOPs = 2 x MACs.")
@click.option("--train", "train_memory", is_flag=True,
              help="Memory of a training step: weights, gradients, optimizer state, activations kept for backward.")
@click.option("--optimizer", default="sgd", show_default=True,
              help="With --train: sgd, momentum, adam, adamw, adadelta, rmsprop, adagrad.")
@click.option("--batch", default="B", show_default=True, help="With --train: the batch size, a number or a symbol.")
@click.option("--compare", "compare_with", default=None, metavar="SPEC2",
              help="Print SPEC and SPEC2 side by side: channels, parameters, MACs, units and their ratio.")
@click.option("--max-kernel", default=7, show_default=True, help="Bound for --solve.")
@click.option("--max-stride", default=4, show_default=True, help="Bound for --solve.")
@click.option("--max-dilation", default=2, show_default=True, help="Bound for --solve.")
@click.option("--max-padding", default=3, show_default=True, help="Bound for --solve.")
@click.option("--draw", "draw_path", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Also draw the network into FILE.svg or FILE.html: a block per layer (branches side by side) "
                   "and per-layer bars of parameters, MACs and memory.")
def shape(spec: tuple[str, ...], list_: bool, explain: bool, fmt_: Form | None, convention: Convention | None,
          layout: Layout, no_bias: bool, dtype: Dtype, strict: bool, assignments: tuple[str, ...], solve: bool,
          macs_convention: str | None, train_memory: bool, optimizer: str, batch: str, compare_with: str | None,
          max_kernel: int, max_stride: int, max_dilation: int, max_padding: int, draw_path: str | None) -> None:
    from ..errors import InputError

    if list_:
        from ..stacks.render import format_catalogue
        from ..stacks.zoo import catalogue

        click.echo(format_catalogue(catalogue()), nl=False)
        return
    if not spec:
        raise InputError("give a network: a built-in name (cnncalc shape --list), a YAML file or an inline "
                         "description; see cnncalc shape --help")
    text = " ".join(spec)
    if solve:
        click.echo(_solve(text, dict(max_kernel=max_kernel, max_stride=max_stride, max_dilation=max_dilation,
                                     max_padding=max_padding)), nl=False)
        return
    from ..stacks import load_stack
    from ..stacks.grammar import parse_assignments, substitute
    from ..stacks.layers import DTYPE_BYTES, Context
    from ..stacks.summary import summarize

    stack = substitute(load_stack(text, layout), parse_assignments(assignments))
    ctx = Context(convention=convention or stack.convention or "torch", bias=not no_bias, strict=strict,
                  dtype_bytes=DTYPE_BYTES[dtype])
    summary = summarize(stack.input, stack.layers, ctx, stack.name)
    if draw_path:
        from ..figures.network import draw_network

        click.echo(draw_network(summary, draw_path, layout), err=True)
    if compare_with:
        from ..stacks.render import format_comparison

        other = substitute(load_stack(compare_with, layout), parse_assignments(assignments))
        ctx2 = Context(convention=convention or other.convention or "torch", bias=not no_bias, strict=strict,
                       dtype_bytes=DTYPE_BYTES[dtype])
        click.echo(format_comparison(summary, summarize(other.input, other.layers, ctx2, other.name), layout), nl=False)
        return
    if train_memory:
        _train(summary, stack, optimizer, batch, fmt_)
        return
    if macs_convention:
        from ..stacks import render

        if fmt_ == "json":
            import json

            data = render.summary_json(summary, dtype)
            data["macs_convention"] = render.macs_convention_json(summary, macs_convention)
            click.echo(json.dumps(data))
        else:
            click.echo(render.format_macs_convention(summary, macs_convention), nl=False)
        _warn(summary)
        return
    _print(summary, fmt_, explain, layout, dtype)


def _train(summary, stack, optimizer, batch_text, fmt_):
    from ..errors import InputError
    from ..stacks import render
    from ..stacks.training import training_memory

    text = str(batch_text).strip()
    if text.isdigit() and int(text) > 0:
        batch = int(text)
    elif text.isidentifier():
        import sympy

        batch = sympy.Symbol(text, integer=True, positive=True)
    else:
        raise InputError(f"--batch '{batch_text}' is not a batch size; give a whole number such as 64 or a symbol such as B")
    memory = training_memory(summary, stack.layers, optimizer)
    if fmt_ == "json":
        import json

        click.echo(json.dumps(render.training_json(memory, batch)))
    else:
        click.echo(render.format_training(memory, batch, summary.name), nl=False)
    _warn(summary)


def _print(summary, fmt_, explain, layout, dtype):
    from ..stacks import render

    if fmt_ == "json":
        click.echo(render.format_json(summary, dtype))
        _warn(summary)
        return
    if fmt_ == "csv":
        click.echo(render.format_csv(summary, layout), nl=False)
        _warn(summary)
        return
    if fmt_ == "markdown":
        click.echo(render.format_markdown(summary, layout, dtype), nl=False)
        return
    if explain:
        click.echo(render.format_explain(summary, layout, dtype), nl=False)
        _warn(summary)
        return
    from rich.console import Console

    # the terminal's own width; 150 columns when written to a file or a pipe
    Console(soft_wrap=False, width=None if sys.stdout.isatty() else 150).print(
        render.rich_table(summary, layout, dtype)
    )
    _warn(summary)


MAX_WARNINGS = 3


def _warn(summary):
    """The first few "does not fit" warnings in full, then a count: a ResNet has eight."""
    warnings = summary.warnings
    for warning in warnings[:MAX_WARNINGS]:
        click.echo(f"warning: {warning}", err=True)
    if len(warnings) > MAX_WARNINGS:
        rest = warnings[MAX_WARNINGS:]
        ceil = sum(1 for w in rest if "ceil mode rounds up" in w)
        how = ("rounded up by their layers' ceil mode" if ceil == len(rest) else
               "floored as torch does" if not ceil else f"floored as torch does ({ceil} rounded up by ceil mode)")
        more = f"{len(rest)} more window{'s do' if len(rest) != 1 else ' does'} not fit exactly"
        click.echo(f"warning: {more}: {how}; --json lists every warning", err=True)
