"""``cnncalc kernel``: what a kernel detects, computed by probing it."""

from __future__ import annotations

import click

from . import main
from .options import Form, emit, form_flag


@main.command("kernel", context_settings={"ignore_unknown_options": True})
@click.argument("kernel")
@form_flag("json", "One JSON object: name, accepted phrases, responses.")
@form_flag("markdown", "Markdown output.")
def kernel_command(kernel: str, form: Form | None) -> None:
    """Name the feature KERNEL detects, with the evidence.

    KERNEL is one 2-D kernel typed as a matrix ("1 0 -1; 2 0 -2; 1 0 -1") or a
    file.  It is probed with patterns of its own size (lines, edges, diagonals,
    a point, a frame, a flat patch, gradients); the table gives each response
    (the layer's output on the probe) and its match with the kernel.  Classical
    kernels (mean, Gaussian, Sobel, Prewitt, Scharr, Laplacian) are recognised
    exactly.

    \b
    Examples:
      cnncalc kernel "-10 -10 -10; 5 5 5; -10 -10 -10"      # exercise sheet F1
      cnncalc kernel "2 2 2; 2 -12 2; 2 2 2"                # F2
      cnncalc kernel "1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9" --json
    """
    from ..kernel import describe_kernel
    from ..render_reports import kernel_json, kernel_markdown, kernel_text

    report = describe_kernel(kernel)
    if form is None:
        click.echo(kernel_text(report), nl=False)
        return
    emit(form, lambda: kernel_json(report), lambda: kernel_markdown(report), None, None)
