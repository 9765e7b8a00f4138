"""``--draw FILE`` of conv, pool and shape: the figure goes to a file, the usual output still prints.

The message "wrote FILE" goes to standard error, so ``--json --draw q1.svg`` still
writes pure JSON to standard output.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import click


def _check_format(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Refuse an unknown extension before anything is computed."""
    if value is not None:
        from ..figures.files import figure_format

        figure_format(value)
    return value


def draw_option(formats: str, meaning: str) -> Callable:
    """The ``--draw FILE`` option; ``formats`` and ``meaning`` go into its help."""
    return click.option("--draw", "draw_path", type=click.Path(dir_okay=False), default=None, metavar="FILE",
                        callback=_check_format,
                        help=f"Also draw it into FILE; the extension picks the format: {formats}. {meaning}")


RESULT_FORMATS = (".svg (one figure, the window of --cell), .gif/.png (one frame per output cell), "
                  ".html (a page with step/play controls)")


def draw_result(result: object, path: str, cells: Sequence[tuple] | None) -> None:
    """Draw a conv or pool result (``cells``: 0-based output indices from --cell) and say so on stderr."""
    from ..figures.files import draw

    click.echo(draw(result, path, cells or None).describe(), err=True)
