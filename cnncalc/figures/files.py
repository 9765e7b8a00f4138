"""Drawing a result into a file whose extension says the format.

=========  ==========================================================================
``.svg``   one figure: input (padding marked), kernel, output, every value exact, the
           window of one cell (``--cell``, default the first) with its products and sum
``.gif``   the animation: one frame per output cell (or per ``--cell``), the output
           filling in
``.png``   the same animation as an animated PNG whose still image (what a viewer
           that does not animate shows) is the SVG's figure
``.html``  one self-contained page: the figure with step/play controls and the worked
           step of the current cell below it
=========  ==========================================================================

A figure holds at most :data:`MAX_CELLS` drawn values and an animation
:data:`MAX_FRAMES` frames (the HTML page :data:`MAX_PAGE_FRAMES`): past that
no picture is readable, and the error says what to draw instead.

>>> from cnncalc.pool import pool
>>> import tempfile, os
>>> folder = tempfile.mkdtemp()
>>> draw(pool("10 15 10 20; 10 5 0 30; 5 15 20 25; 15 10 25 20"), os.path.join(folder, "pool.svg")).frames
1
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError

if TYPE_CHECKING:
    from ..conv import ConvResult
    from ..pool import PoolResult

    Drawable = ConvResult | PoolResult | Any  # Any: a transposed convolution result (issue 14)

FORMATS = (".svg", ".gif", ".png", ".html")
MAX_CELLS = 40_000
MAX_FRAMES = 1_000
MAX_PAGE_FRAMES = 10_000


@dataclass(frozen=True)
class Drawing:
    """What was written: the file, its format and how many frames it holds."""

    path: Path
    format: str
    frames: int

    def describe(self) -> str:
        what = "figure" if self.format == ".svg" else f"{self.frames} frame{'s' * (self.frames != 1)}"
        return f"wrote {self.path} ({what})"


def figure_format(path: str | Path) -> str:
    """The format of a file name, from its extension.

    >>> figure_format("q1.GIF")
    '.gif'
    >>> figure_format("q1.jpg")
    Traceback (most recent call last):
    ...
    cnncalc.errors.InputError: --draw 'q1.jpg': .jpg is not a figure format; name the file .svg (one figure),
    .gif or .png (one frame per output cell) or .html (a page with step controls)
    """
    suffix = Path(path).suffix.lower()
    suffix = ".html" if suffix == ".htm" else suffix
    if suffix not in FORMATS:
        shown = suffix or "no extension"
        raise InputError(f"--draw '{path}': {shown} is not a figure format; name the file .svg (one figure), "
                         ".gif or .png (one frame per output cell) or .html (a page with step controls)")
    return suffix


def drawn_cells(result: Drawable) -> int:
    """How many values the figure draws: the (padded) input, the kernel and the output."""
    arrays = [getattr(result, name) for name in ("padded", "input", "kernel", "canonical") if hasattr(result, name)]
    if hasattr(result, "padded"):
        arrays = [a for a in arrays if a is not result.input]
    return sum(math.prod(a.shape) for a in arrays)


def frame_count(result: Drawable, cells: Sequence[tuple] | None) -> int:
    """Frames of an animation: one per chosen output cell (all by default); a transposed
    convolution has one per input cell."""
    from .scene import is_transposed

    if is_transposed(result):
        return math.prod(result.input.shape)
    return len(cells) if cells is not None else math.prod(result.output.shape)


def draw(result: Drawable, path: str | Path, cells: Sequence[tuple] | None = None) -> Drawing:
    """Draw a convolution or pooling result into ``path`` (format from the extension).

    ``cells`` are 0-based indices into ``result.output``: the .svg draws the
    window of the first (default: the first output cell); the animations
    and the page step through them (default: every output cell).
    """
    from .scene import scene_of

    fmt = figure_format(path)
    path = Path(path)
    drawn = drawn_cells(result)
    if drawn > MAX_CELLS:
        raise InputError(f"--draw {path}: the figure would hold {drawn:,} values, more than {MAX_CELLS:,} can be "
                         f"read in one picture; draw a smaller input (a crop, one channel), or use --json for every value")
    cells = None if cells is None else [tuple(c) for c in cells]
    if fmt == ".svg":
        if cells is not None and len(cells) > 1:
            raise InputError(f"--draw {path}: an .svg shows one window but {len(cells)} cells were given; give one "
                             f"--cell, or draw a .gif, .png or .html to step through several")
        first = cells[0] if cells else (0,) * result.output.ndim
        scene = scene_of(result, [first])
        from .svg import scene_svg

        _write(path, scene_svg(scene, 0))
        return Drawing(path, fmt, 1)
    count = frame_count(result, cells)
    limit = MAX_PAGE_FRAMES if fmt == ".html" else MAX_FRAMES
    if count > limit:
        raise InputError(f"--draw {path}: {count:,} output cells would make {count:,} frames, more than {limit:,}; "
                         f"pick the cells to step through with --cell ROW,COL (repeatable)"
                         + ("" if fmt == ".html" else f", or draw .html (up to {MAX_PAGE_FRAMES:,} steps)"))
    scene = scene_of(result, cells)
    if fmt == ".html":
        from .page import scene_page

        _write(path, scene_page(scene))
        return Drawing(path, fmt, len(scene.frames))
    from .raster import save_gif, save_png

    try:
        frames = save_gif(scene, path) if fmt == ".gif" else save_png(scene, path)
    except OSError as error:
        raise InputError(f"--draw {path}: cannot write the file ({error.strerror or error}); check the folder "
                         "exists and is writable") from None
    return Drawing(path, fmt, frames)


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InputError(f"--draw {path}: cannot write the file ({error.strerror}); check the folder exists "
                         "and is writable") from None
