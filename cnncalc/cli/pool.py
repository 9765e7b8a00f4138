"""``cnncalc pool``: exact pooling with every step."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..errors import InputError
from ..explain import parse_cell, pool_steps
from ..pool import OPERATIONS, pool
from . import main
from .drawing import RESULT_FORMATS, draw_option, draw_result
from .options import Form, emit, given, output_options, parse_ints, parse_padding, with_decimals

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ..textgrid import Limits


@main.command("pool", context_settings={"ignore_unknown_options": True})
@click.argument("input")
@click.option("--op", type=click.Choice(OPERATIONS + ("mean",), case_sensitive=False), default="max",
              show_default=True, help="What each window gives.")
@click.option("--window", default="2", show_default=True, help="Window size, or one per axis: 3,2.")
@click.option("--stride", default=None, help="Default: the window (non-overlapping windows).")
@click.option("--padding", default="0", show_default=True, help="At most half the window, as in torch; per axis 1,0 or per side.")
@click.option("--dilation", default="1", show_default=True, help="Gap between window cells (max/min only).")
@click.option("--ceil", "ceil_mode", is_flag=True, help="Round the output size up: a last partial window counts.")
@click.option("--exclude-pad", is_flag=True, help="Average only over real cells (torch's count_include_pad=False).")
@click.option("--global", "global_pool", is_flag=True, help="One window over the whole input (global pooling).")
@click.option("--dims", type=click.IntRange(1, 3), default=None, help="Spatial dimensions (default: 1 for a 1-D input, else 2).")
@draw_option(RESULT_FORMATS, "Values are the exact ones printed.")
@output_options
def pool_command(input: str, op: str, window: str, stride: str | None, padding: str, dilation: str, ceil_mode: bool,
                 exclude_pad: bool, global_pool: bool, dims: int | None, draw_path: str | None, explain: bool,
                 cells: tuple[str, ...], digits: int | None, form: Form | None, full: bool, out: str | None) -> None:
    """Pool INPUT exactly: max, avg, min or sum over windows.

    INPUT is a typed matrix ("1 2; 3 4", '|' between channels) or a file
    (.txt, .csv, .json, .yaml, .npy); each channel is pooled on its own.

    \b
    Examples:
      cnncalc pool "10 15 10 20; 10 5 0 30; 5 15 20 25; 15 10 25 20" --explain
      cnncalc pool "10 15 10 20; 10 5 0 30; 5 15 20 25; 15 10 25 20" --op avg --json
      cnncalc pool "1 2 3; 4 5 6; 7 8 9" --window 2 --ceil --op avg
      cnncalc pool "10 15 10 20; 10 5 0 30; 5 15 20 25; 15 10 25 20" --op avg --draw avg.html
    """
    if global_pool:
        context = click.get_current_context()
        extra = [f"--{name.replace('_', '-')}" for name in ("window", "stride", "padding", "dilation", "ceil_mode")
                 if given(context, name)]
        if extra:
            raise InputError(f"--global pools the whole input in one window: {', '.join(extra)} "
                             f"{'does' if len(extra) == 1 else 'do'} not apply; drop {'it' if len(extra) == 1 else 'them'}")
    result = pool(input, op=op, window=parse_ints(window, "window"), stride=parse_ints(stride, "stride"),
                  padding=parse_padding(padding), dilation=parse_ints(dilation, "dilation"),
                  ceil_mode=ceil_mode, count_include_pad=not exclude_pad, global_pool=global_pool, dims=dims)
    steps = None
    chosen = [parse_cell(c, result.output.shape) for c in cells]
    if cells:
        steps = pool_steps(result, chosen)
    elif explain:
        steps = pool_steps(result)
    if draw_path:
        draw_result(result, draw_path, chosen)
    from .. import render

    def terminal(width: int | None, limits: Limits | None) -> RenderableType:
        from ..terminal import pool_renderable

        return pool_renderable(result, steps, show_windows=bool(cells), digits=digits, width=width, limits=limits)

    emit(form, lambda: with_decimals(render.pool_json(result, steps), result.output, digits),
         lambda: render.pool_markdown(result, steps),
         lambda: render.pool_latex(result, steps), terminal, full=full, out=out)
