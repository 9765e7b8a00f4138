"""Rich renderables for the terminal: matrices as grids, the current window
highlighted in the input, and the step lines below it."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from .conv import ConvResult
from .explain import ConvStep, PoolStep
from .pool import PoolResult
from .render import (cell_label, conv_step_text, matrix_slices, padded_input,
                     describe_conv, describe_pool, format_value, pool_step_text)
from .values import Exact

HIGHLIGHT = "bold black on yellow"
PADDING = "dim"
MAX_HIGHLIGHTED = 9  # steps drawn with their window; beyond, step lines only


def matrix_table(array, highlight: set | None = None, padding: set | None = None,
                 title: str = "", digits: int | None = None) -> Table:
    """A 2-D (or 1-D) array as a grid; ``highlight``/``padding`` hold (row, col) cells."""
    values = array.values() if isinstance(array, Exact) else array
    if values.ndim == 1:
        values = values.reshape(1, -1)
    table = Table(show_header=False, box=box.SQUARE, padding=(0, 1), title=title or None,
                  title_justify="left")
    for _ in range(values.shape[1]):
        table.add_column(justify="right")
    for r, row in enumerate(values):
        cells = []
        for c, v in enumerate(row):
            style = HIGHLIGHT if highlight and (r, c) in highlight else (
                PADDING if padding and (r, c) in padding else "")
            text = format_value(v, digits)
            # brackets keep the window visible where colours are not shown
            cells.append(Text(f"[{text}]" if style == HIGHLIGHT else text, style=style))
        table.add_row(*cells)
    return table


def array_group(array: Exact, digits: int | None = None) -> Group:
    parts = []
    for title, part in matrix_slices(array.reduced()):
        parts.append(matrix_table(part, title=title, digits=digits))
    return Group(*parts)


def conv_renderable(result: ConvResult, steps: list[ConvStep] | None = None,
                    show_windows: bool = False, digits: int | None = None) -> Group:
    parts = [Text(describe_conv(result), style="bold")]
    if steps is not None:
        if result.flip:
            parts += [Text("Flipped kernel (true convolution turns the kernel by 180°):"),
                      array_group(result.kernel.reshape(result.kernel_shape))]
        padded = any(p.before or p.after for p in result.spec.padding)
        draw = show_windows or len(steps) <= MAX_HIGHLIGHTED
        if padded and not draw:
            parts += [Text("Padded input:"), array_group(padded_input(result))]
        for step in steps:
            parts.append(Text(f"{cell_label(step.cell)}  {conv_step_text(step)}"))
            if draw and result.padded.ndim == 4:
                parts.append(_conv_window(result, step))
        if not draw:
            parts.append(Text("(use --cell ROW,COL to see a window highlighted in the input)", style="dim"))
    parts += [Text("Output:", style="bold"), array_group(result.output, digits)]
    return Group(*parts)


def _conv_window(result: ConvResult, step: ConvStep) -> Group:
    """The padded input channels this step reads, its window highlighted."""
    by_channel: dict[int, tuple[set, set]] = {}
    for term in step.terms:
        n, c, r, col = term.index
        cells, pads = by_channel.setdefault(c, (set(), set()))
        cells.add((r, col))
    padded = result.padded
    h, w = padded.shape[2:]
    pad_cells = {(r, c) for r in range(h) for c in range(w)
                 if r < result.spec.padding[0].before or r >= h - result.spec.padding[0].after
                 or c < result.spec.padding[1].before or c >= w - result.spec.padding[1].after}
    n = step.terms[0].index[0]
    tables = []
    for c, (cells, _) in by_channel.items():
        title = f"input channel {c + 1}" if padded.shape[1] > 1 else ""
        tables.append(matrix_table(padded[n, c], highlight=cells, padding=pad_cells, title=title))
    return Group(*tables)


def pool_renderable(result: PoolResult, steps: list[PoolStep] | None = None,
                    show_windows: bool = False, digits: int | None = None) -> Group:
    parts = [Text(describe_pool(result), style="bold")]
    if steps is not None:
        draw = (show_windows or len(steps) <= MAX_HIGHLIGHTED) and result.input.ndim == 4
        for step in steps:
            parts.append(Text(f"{cell_label(step.cell)}  {pool_step_text(step)}"))
            if draw:
                n, c = step.values[0][0][:2] if step.values else (0, 0)
                cells = {tuple(i[2:]) for i, _ in step.values}
                parts.append(matrix_table(result.input[n, c], highlight=cells))
        if not draw:
            parts.append(Text("(use --cell ROW,COL to see a window highlighted in the input)", style="dim"))
    parts += [Text("Output:", style="bold"), array_group(result.output, digits)]
    return Group(*parts)
