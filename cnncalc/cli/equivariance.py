"""``cnncalc equivariance``: conv(shift x) = shift(conv x), and what pooling keeps."""

from __future__ import annotations

import click

from . import main
from .options import Form, emit, form_flag


@main.command("equivariance", context_settings={"ignore_unknown_options": True})
@click.argument("image")
@click.argument("kernel")
@click.option("--shift", default="0,1", show_default=True, help="Rows down, columns right (negative: up, left).")
@click.option("--pool", "pool_window", type=click.IntRange(1, 64), default=None,
              help="Also max-pool both maps with this window and count the unchanged values.")
@form_flag("json", "One JSON object.")
def equivariance_command(image: str, kernel: str, shift: str, pool_window: int | None, form: Form | None) -> None:
    """Shift IMAGE, convolve with KERNEL, and compare with the shifted convolution.

    Answers exercise sheet 000, Q3.5 ("what property of CNNs ..."): convolution
    is equivariant to translation, and pooling makes it invariant to small shifts.

    \b
    Examples:
      cnncalc equivariance "0 0 0 0 0; 0 1 2 0 0; 0 0 3 0 0; 0 0 0 0 0" "1 1; 1 1" --shift 0,1 --pool 2
      cnncalc equivariance "0 0 0 0; 0 5 5 0; 0 5 5 0; 0 0 0 0" "1 0 -1; 2 0 -2; 1 0 -1" --shift 1,0 --json
    """
    from ..equivariance import shift_check
    from ..errors import InputError
    from ..render_reports import shift_json, shift_text

    parts = [p.strip() for p in shift.split(",")]
    try:
        moves = tuple(int(p) for p in parts)
    except ValueError:
        moves = ()
    if len(moves) != 2:
        raise InputError(f"--shift '{shift}' is not two whole numbers; write rows,columns such as 0,1 or -1,0")
    report = shift_check(image, kernel, moves, pool_window)
    if form is None:
        click.echo(shift_text(report), nl=False)
        return
    emit(form, lambda: shift_json(report), None, None, None)
