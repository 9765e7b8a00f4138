"""Rich renderables for the terminal: the text grids of ``textgrid`` in a
frame, the current window highlighted, and the step lines.

rich draws only the frame of each slice and the colours; the values are plain
aligned text laid out to the console's width, so printing costs about as
much as the text itself (a styled table cell per value cost 140-235 us).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.text import Text

from .conv import ConvResult
from .explain import ConvStep, PoolStep
from .layout import Lead
from .pool import PoolResult
from .render import cell_label, conv_step_text, describe_conv, describe_pool, padded_input, pool_step_text
from .textgrid import DEFAULT, Block, Cells, Limits, Note, blocks

HIGHLIGHT = "bold black on yellow"
STYLES = {"highlight": HIGHLIGHT, "padding": "dim", "caption": "dim", "note": "italic"}
MAX_HIGHLIGHTED = 9  # steps drawn with their window; beyond, step lines only
FRAME = 4  # a frame takes two borders and two spaces of padding


def array_group(array: Cells, width: int | None = 80, *, limits: Limits | None = DEFAULT, digits: int | None = None,
                axis_names: Sequence[str] | None = None, highlight: set | None = None,
                padding: set | None = None) -> Group:
    """An array as framed slices fitting ``width`` columns (``None``: no limit)."""
    inner = None if width is None else max(width - FRAME, 8)
    parts = []
    for item in blocks(array, inner, limits=limits, digits=digits, axis_names=axis_names,
                       highlight=highlight, padding=padding):
        parts.append(Text(item.text, style=STYLES["note"]) if isinstance(item, Note) else _framed(item, width))
    return Group(*parts)


def _framed(block: Block, width: int | None) -> Text:
    """One slice in a box, the title in its top edge, as a single rich Text:
    the box is drawn here, so rich neither measures nor re-wraps the grid
    (a Panel costs several times the text itself on a 640-slice batch)."""
    inner = max(block.width, len(block.title) + 2)
    if width is not None:
        inner = max(min(inner, width - FRAME), 1)
    title = f" {block.title} " if block.title else ""
    top = "┌─" + title + "─" * max(inner + 1 - len(title), 0) + "┐"
    pieces, marks, position = [top], [], len(top) + 1
    for line in block.lines:
        for row in _folded(line.text, inner):
            pieces.append("│ " + row.ljust(inner) + " │")
            if row is line.text:
                marks += [(position + 2 + begin, position + 2 + end, kind) for begin, end, kind in line.marks]
            position += len(pieces[-1]) + 1
    pieces.append("└" + "─" * (inner + 2) + "┘")
    text = Text("\n".join(pieces), no_wrap=True, overflow="ignore")
    for begin, end, kind in marks:
        text.stylize(STYLES[kind], begin, end)
    return text


def _folded(text: str, width: int) -> list[str]:
    """A line that is wider than the box (one formula longer than the
    terminal) continues on the next lines; every other line is kept as it is."""
    if len(text) <= width:
        return [text]
    return [text[i:i + width] for i in range(0, len(text), width)]


def result_axis_names(lead: Lead, spatial_dims: int) -> tuple:
    """Names of an output's leading axes: sample (batch) and channel, as the user's layout has them."""
    return ("sample",) * lead.batch + ("channel",) * lead.second + ("depth",) * (spatial_dims == 3)


def conv_renderable(result: ConvResult, steps: list[ConvStep] | None = None, show_windows: bool = False,
                    digits: int | None = None, width: int | None = 80, limits: Limits | None = DEFAULT) -> Group:
    parts: list[RenderableType] = [Text(describe_conv(result), style="bold")]
    if steps is not None:
        if result.flip:
            parts += [Text("Flipped kernel (true convolution turns the kernel by 180°):"),
                      array_group(result.kernel.reshape(result.kernel_shape), width, limits=limits,
                                  axis_names=("filter", "channel"))]
        padded = any(p.before or p.after for p in result.spec.padding)
        draw = show_windows or len(steps) <= MAX_HIGHLIGHTED
        if padded and not draw:
            parts += [Text("Padded input:"), array_group(padded_input(result), width, limits=limits)]
        for step in steps:
            parts.append(Text(f"{cell_label(step.cell)}  {conv_step_text(step)}"))
            if draw and result.padded.ndim == 4:
                parts.append(_conv_window(result, step, width))
        if not draw:
            parts.append(Text("(use --cell ROW,COL to see a window highlighted in the input)", style="dim"))
    parts += [Text("Output:", style="bold"),
              array_group(result.output, width, limits=limits, digits=digits,
                          axis_names=result_axis_names(result.lead, result.spec.ndim))]
    return Group(*parts)


def _conv_window(result: ConvResult, step: ConvStep, width: int | None) -> Group:
    """The padded input channels this step reads, its window highlighted."""
    by_channel: dict[int, set] = {}
    for term in step.terms:
        n, c, r, col = term.index
        by_channel.setdefault(c, set()).add((r, col))
    padded = result.padded
    h, w = padded.shape[2:]
    top, left = result.spec.padding[0].before, result.spec.padding[1].before
    bottom, right = result.spec.padding[0].after, result.spec.padding[1].after
    pad_cells = {(r, c) for r in range(h) for c in range(w)
                 if r < top or r >= h - bottom or c < left or c >= w - right}
    n = step.terms[0].index[0]
    groups: list[RenderableType] = []
    for c, cells in by_channel.items():
        if padded.shape[1] > 1:
            groups.append(Text(f"input channel {c + 1}"))
        groups.append(array_group(padded[n, c], width, limits=None, highlight=cells, padding=pad_cells))
    return Group(*groups)


def pool_renderable(result: PoolResult, steps: list[PoolStep] | None = None, show_windows: bool = False,
                    digits: int | None = None, width: int | None = 80, limits: Limits | None = DEFAULT) -> Group:
    parts: list[RenderableType] = [Text(describe_pool(result), style="bold")]
    if steps is not None:
        draw = (show_windows or len(steps) <= MAX_HIGHLIGHTED) and result.input.ndim == 4
        for step in steps:
            parts.append(Text(f"{cell_label(step.cell)}  {pool_step_text(step)}"))
            if draw:
                n, c = step.values[0][0][:2] if step.values else (0, 0)
                cells = {tuple(i[2:]) for i, _ in step.values}
                parts.append(array_group(result.input[n, c], width, limits=None, highlight=cells))
        if not draw:
            parts.append(Text("(use --cell ROW,COL to see a window highlighted in the input)", style="dim"))
    parts += [Text("Output:", style="bold"),
              array_group(result.output, width, limits=limits, digits=digits,
                          axis_names=result_axis_names(result.lead, result.spec.ndim))]
    return Group(*parts)
