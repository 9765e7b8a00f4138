"""``cnncalc conv``: exact convolution with every step."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..conv import conv
from ..errors import InputError
from ..explain import conv_steps, parse_cell
from . import main
from .drawing import RESULT_FORMATS, draw_option, draw_result
from .options import Form, emit, given, output_options, parse_ints, parse_padding, with_decimals

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ..textgrid import Limits


@main.command("conv", context_settings={"ignore_unknown_options": True})
@click.argument("input")
@click.argument("kernel")
@click.option("--stride", default="1", show_default=True, help="One value, or one per axis: 2,1.")
@click.option("--padding", default="0", show_default=True,
              help="A number, one per axis (1,2), per side (top,bottom,left,right), or valid/same/full.")
@click.option("--dilation", default="1", show_default=True, help="Gap between kernel cells: 2 spreads a 3x3 kernel over 5x5.")
@click.option("--groups", default=1, show_default=True, type=int, help="Split channels and filters into groups.")
@click.option("--bias", default=None, help="One value per filter: \"1\" or \"1, -2, 0.5\".")
@click.option("--flip", is_flag=True, help="True convolution: flip the kernel first "
              "(default: cross-correlation, as torch and Keras compute).")
@click.option("--dims", type=click.IntRange(1, 3), default=None, help="Spatial dimensions (default: 1 for 1-D kernels, else 2).")
@click.option("--as-matrix", is_flag=True, help="Also show the convolution as a sparse matrix times the flattened input.")
@click.option("--transposed", is_flag=True,
              help="Transposed convolution (torch's conv_transpose): each input cell scatters value x kernel; "
                   "the kernel is (C_in, C_out/groups, kh, kw) as torch stores it.")
@click.option("--output-padding", default="0", show_default=True, help="With --transposed: extra cells at the end (< stride).")
@draw_option(RESULT_FORMATS, "Values are the exact ones printed.")
@output_options
def conv_command(input: str, kernel: str, stride: str, padding: str, dilation: str, groups: int, bias: str | None,
                 flip: bool, dims: int | None, as_matrix: bool, transposed: bool, output_padding: str,
                 draw_path: str | None, explain: bool, cells: tuple[str, ...], digits: int | None, form: Form | None,
                 full: bool, out: str | None) -> None:
    """Convolve INPUT with KERNEL exactly (cross-correlation unless --flip).

    INPUT and KERNEL are typed matrices ("1 2; 3 4", rows split by ';';
    "|" between channels; nested lists "[[1, 2], [3, 4]]") or files
    (.txt, .csv, .json, .yaml, .npy).  Values may be integers, decimals (0.25
    is exactly 1/4), fractions (1/9) or names (w11); floats in a .npy file are
    the exact binary fractions stored.  Shapes: input (H,W), (C,H,W) or
    (N,C,H,W); kernel (kh,kw), (C,kh,kw) or (F,C,kh,kw).

    Every value of the result is shown in the terminal, wrapped to its width;
    long runs of rows, columns or channels are left out with a note that says
    which (--full shows them, --json and --out FILE give everything).

    \b
    Examples:
      cnncalc conv "0 80 40; 20 40 0; 0 0 40" "0 0.25; 0.5 1" --flip --explain
      cnncalc conv image.txt "1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9" --cell 1,1
      cnncalc conv "1 2 3 4 5" "1 0 -1" --padding 1 --json
      cnncalc conv "0 80 40; 20 40 0; 0 0 40" "0 0.25; 0.5 1" --flip --draw flip.gif
      cnncalc conv "1 2; 3 4" "1 1; 1 1" --transposed --stride 2 --explain
    """
    if transposed:
        _transposed(input, kernel, stride, padding, dilation, groups, bias, flip, dims, as_matrix, output_padding,
                    explain, cells, form, draw_path)
        return
    if given(click.get_current_context(), "output_padding"):
        raise InputError("--output-padding belongs to a transposed convolution; add --transposed or drop it")
    result = conv(input, kernel, bias=bias, stride=parse_ints(stride, "stride"),
                  padding=parse_padding(padding), dilation=parse_ints(dilation, "dilation"),
                  groups=groups, flip=flip, dims=dims)
    steps = None
    chosen = [parse_cell(c, result.output.shape) for c in cells]
    if cells:
        steps = conv_steps(result, chosen)
    elif explain:
        steps = conv_steps(result)
    if draw_path:
        draw_result(result, draw_path, chosen)
    from .. import render

    matrix = None
    if as_matrix:
        from ..conv_matrix import conv_as_matrix

        matrix = conv_as_matrix(result)

    def terminal(width: int | None, limits: Limits | None) -> RenderableType:
        from rich.console import Group

        from ..terminal import array_group, conv_renderable

        parts: list[RenderableType] = [conv_renderable(result, steps, show_windows=bool(cells), digits=digits, width=width, limits=limits)]
        if matrix is not None:
            from rich.text import Text

            parts += [Text(matrix.describe(), style="bold"), array_group(matrix.matrix, width, limits=limits)]
        return Group(*parts)

    def json_data():
        data = with_decimals(render.conv_json(result, steps), result.output, digits)
        if matrix is not None:
            data["matrix"] = render.nested(matrix.matrix)
            data["matrix_agrees"] = matrix.agrees
        return data

    def markdown():
        text = render.conv_markdown(result, steps)
        if matrix is not None:
            text += f"\n{matrix.describe()}\n\n" + render.markdown_matrix(matrix.matrix) + "\n"
        return text

    emit(form, json_data, markdown, lambda: render.conv_latex(result, steps), terminal, full=full, out=out)


def _transposed(input, kernel, stride, padding, dilation, groups, bias, flip, dims, as_matrix, output_padding,
                explain, cells, form, draw_path=None):
    from ..render_reports import transposed_json, transposed_markdown, transposed_text
    from ..transposed import conv_transpose

    if flip or as_matrix:
        raise InputError(f"--{'flip' if flip else 'as-matrix'} does not apply to --transposed; drop it")
    pad = parse_padding(padding)
    if isinstance(pad, str):
        raise InputError(f"--padding {pad} does not apply to --transposed; give a number of cells to crop, e.g. 1")
    result = conv_transpose(input, kernel, bias=bias, stride=parse_ints(stride, "stride"), padding=pad,
                            output_padding=parse_ints(output_padding, "output-padding", minimum=0),
                            dilation=parse_ints(dilation, "dilation"), groups=groups, dims=dims)
    chosen = [parse_cell(c, result.output.shape) for c in cells]
    if draw_path:
        draw_result(result, draw_path, chosen or None)
    if form == "json":
        import json

        click.echo(json.dumps(transposed_json(result, explain, chosen), ensure_ascii=False))
    elif form == "markdown":
        click.echo(transposed_markdown(result, explain, chosen), nl=False)
    elif form == "latex":
        raise InputError("--latex is not available with --transposed yet; use --markdown or --json")
    else:
        click.echo(transposed_text(result, explain, chosen), nl=False)
