"""A scene as pixels (Pillow): the frames of an animation, saved as a GIF or
an animated PNG.

One frame per step: the window slides, its cells show the weight that
multiplies them, the output fills in.  The picture is drawn once; each frame
copies it and draws only what changes (the window, the kernel in use, the
output cell), so a frame costs a few dozen cells, not the whole figure.

Text is DejaVu Sans Mono (the system's, or matplotlib's copy); without it
Pillow's own font, which lacks ×, ⋆ and ∗, so those are written x and *.

>>> from cnncalc.pool import pool
>>> from cnncalc.figures.scene import pool_scene
>>> frames = scene_frames(pool_scene(pool("10 15 10 20; 10 5 0 30; 5 15 20 25; 15 10 25 20")))
>>> len(frames), frames[0].mode
(4, 'RGB')
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from .layout import GROUP_SIZE, HEADER_SIZE, LINE_SIZE, MARGIN, NOTE_SIZE, TITLE_SIZE, VALUE_SIZE, Layout, scene_layout
from .scene import Frame, Scene

if TYPE_CHECKING:  # Pillow is imported when a picture is drawn
    from PIL import Image, ImageDraw, ImageFont

Colour = tuple[int, int, int]

WHITE = (255, 255, 255)
INK = (31, 41, 51)
GREY_INK = (82, 96, 109)
PAD_INK = (138, 150, 163)
BORDER = (154, 165, 177)
PAD_FILL = (236, 239, 241)
KERNEL_FILL = (255, 246, 204)
WINDOW_FILL = (255, 226, 122)
WINDOW_BORDER = (156, 116, 0)
BEST_FILL = (255, 201, 51)
TARGET_FILL = (255, 179, 92)
TARGET_BORDER = (163, 79, 0)
TODO_FILL = (245, 247, 250)
NOTE_INK = (122, 90, 0)
SPAN = (192, 138, 0)

FRAME_MS = 900
LAST_FRAME_MS = 2500

ASCII = str.maketrans({"×": "x", "⋆": "*", "∗": "*", "→": "->", "÷": "/", "°": " deg"})


def pillow() -> tuple[Any, Any, Any]:
    """Pillow's Image, ImageDraw, ImageFont; a one-line error if it is missing."""
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError:
        raise InputError("drawing .gif and .png needs Pillow, a dependency of cnncalc: pip install pillow "
                         "(or pip install -e . again); .svg and .html need nothing") from None
    return Image, ImageDraw, ImageFont


def _font_files(bold: bool) -> list[str]:
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    files = [name]  # Pillow looks it up in the system's font folders
    spec = importlib.util.find_spec("matplotlib")  # matplotlib ships DejaVu; found without importing it
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            files.append(str(Path(folder) / "mpl-data" / "fonts" / "ttf" / name))
    return files


@cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans Mono at ``size`` pixels, else Pillow's default font (see :func:`has_symbols`)."""
    _, _, ImageFont = pillow()
    for file in _font_files(bold):
        try:
            return ImageFont.truetype(file, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def has_symbols() -> bool:
    """Whether the font draws ×, ⋆ and ∗ (DejaVu does; Pillow's default does not)."""
    chosen = font(VALUE_SIZE)
    return hasattr(chosen, "getname") and "DejaVu" in (chosen.getname()[0] or "")


def _text(text: str) -> str:
    return text if has_symbols() else text.translate(ASCII)


def measure(text: str, size: float) -> float:
    return font(round(size)).getlength(_text(text))


class _Painter:
    """Draws one scene's cells and labels onto images."""

    def __init__(self, scene: Scene, layout: Layout) -> None:
        self.scene, self.layout = scene, layout
        Image, ImageDraw, _ = pillow()
        self.Image, self.ImageDraw = Image, ImageDraw

    def cell(self, draw: ImageDraw.ImageDraw, p: int, r: int, c: int, fill: Colour, border: Colour = BORDER,
             text: str | None = None, ink: Colour = INK, bold: bool = False, note: str = "", width: int = 1) -> None:
        box = self.layout.panels[p]
        x, y = box.cell(r, c)
        draw.rectangle([round(x), round(y), round(x + box.cell_w), round(y + box.cell_h)], fill=fill, outline=border,
                       width=width)
        shown = self.scene.panels[p].texts[r][c] if text is None else text
        if shown:
            draw.text((x + box.cell_w / 2, y + box.cell_h - 10), _text(shown), font=font(VALUE_SIZE, bold),
                      fill=ink, anchor="ms")
        if note:
            draw.text((x + box.cell_w - 3, y + NOTE_SIZE + 1), _text(note), font=font(NOTE_SIZE), fill=NOTE_INK,
                      anchor="rs")

    def plain(self, draw: ImageDraw.ImageDraw, p: int, r: int, c: int, todo: bool = False) -> None:
        """A cell as it looks when no step touches it."""
        padded = (r, c) in self.scene.panels[p].padding
        if todo:
            self.cell(draw, p, r, c, TODO_FILL, text="")
        elif padded:
            self.cell(draw, p, r, c, PAD_FILL, text=None, ink=PAD_INK)
        else:
            self.cell(draw, p, r, c, WHITE)

    def background(self, hide_outputs: bool) -> Image.Image:
        layout = self.layout
        image = self.Image.new("RGB", (round(layout.width), round(layout.height)), WHITE)
        draw = self.ImageDraw.Draw(image)
        for label in layout.header:
            draw.text((label.x, label.y), _text(label.text), font=font(HEADER_SIZE, True), fill=INK, anchor="ls")
        for label in layout.group_titles:
            draw.text((label.x, label.y), _text(label.text), font=font(GROUP_SIZE, True), fill=INK, anchor="ls")
        for label in layout.operators:
            draw.text((label.x, label.y), _text(label.text), font=font(round(label.size)), fill=GREY_INK, anchor="ms")
        for p, panel in enumerate(self.scene.panels):
            box = layout.panels[p]
            if panel.title:
                draw.text((box.x, box.title_y), _text(panel.title), font=font(TITLE_SIZE), fill=GREY_INK, anchor="ls")
            todo = hide_outputs and panel.role == "output"
            for r in range(panel.rows):
                for c in range(panel.cols):
                    self.plain(draw, p, r, c, todo)
        for label in layout.legend:
            draw.text((label.x, label.y), _text(label.text), font=font(round(label.size)), fill=GREY_INK, anchor="ls")
        return image

    def overlay(self, image: Image.Image, k: int, frame: Frame, revealed: set[tuple[int, int, int]] | None = None) -> None:
        """Draw one frame's window, kernel, target and step onto ``image``.

        ``revealed`` holds the output cells whose value is final by this frame (None: every output is
        shown, as in the still figure); a target outside it is drawn without a value, with only the
        product it receives in its corner: a transposed convolution adds to a cell over several frames,
        and its value appears in the frame of its last product, never before.
        """
        draw = self.ImageDraw.Draw(image)
        for p in frame.kernel:
            panel = self.scene.panels[p]
            for r in range(panel.rows):
                for c in range(panel.cols):
                    self.cell(draw, p, r, c, KERNEL_FILL)
        winners = {(m.panel, m.row, m.col) for m in frame.winners}
        for m in frame.window:
            best = (m.panel, m.row, m.col) in winners
            self.cell(draw, m.panel, m.row, m.col, BEST_FILL if best else WINDOW_FILL, WINDOW_BORDER,
                      bold=True, note=m.note)
        for m in frame.targets:
            final = revealed is None or (m.panel, m.row, m.col) in revealed
            self.cell(draw, m.panel, m.row, m.col, TARGET_FILL, TARGET_BORDER, text=None if final else "", bold=True,
                      note=m.note)
        for s in frame.spans:
            box = self.layout.panels[s.panel]
            x, y = box.cell(s.r0, s.c0)
            draw.rectangle([round(x), round(y), round(x + (s.c1 - s.c0 + 1) * box.cell_w),
                            round(y + (s.r1 - s.r0 + 1) * box.cell_h)], outline=SPAN, width=3)
        for i, line in enumerate(self.layout.frame_lines[k]):
            draw.text((MARGIN, self.layout.lines_y + i * self.layout.line_height), _text(line),
                      font=font(LINE_SIZE), fill=INK, anchor="ls")


def scene_frames(scene: Scene) -> list[Image.Image]:
    """One RGB image per frame; the output fills in as the frames go, each cell from the frame that makes
    its value final (the step of a convolution or pooling, the last scatter of a transposed convolution)."""
    layout = scene_layout(scene, measure)
    painter = _Painter(scene, layout)
    running = painter.background(hide_outputs=True)
    draw = painter.ImageDraw.Draw(running)
    revealed: set[tuple[int, int, int]] = set()
    frames = []
    for k, frame in enumerate(scene.frames):
        for m in frame.reveals:  # revealed cells stay on the running picture
            painter.plain(draw, m.panel, m.row, m.col)
            revealed.add((m.panel, m.row, m.col))
        image = running.copy()
        painter.overlay(image, k, frame, revealed)
        frames.append(image)
    return frames


def scene_still(scene: Scene, frame: int = 0) -> Image.Image:
    """The complete figure (every output shown) with one frame's window: the PNG's still image."""
    layout = scene_layout(scene, measure, [frame])
    painter = _Painter(scene, layout)
    image = painter.background(hide_outputs=False)
    painter.overlay(image, frame, scene.frames[frame])
    return image


FILLS = (WHITE, PAD_FILL, KERNEL_FILL, WINDOW_FILL, BEST_FILL, TARGET_FILL, TODO_FILL)
INKS = (INK, GREY_INK, PAD_INK, NOTE_INK, BORDER, WINDOW_BORDER, TARGET_BORDER, SPAN)


def palette_colours() -> list[Colour]:
    """The GIF's one palette: every fill and ink exactly, and four blends of each ink over each
    fill for the edges of anti-aliased text (7 + 8 + 7 x 8 x 4 = 239 colours)."""
    colours = list(dict.fromkeys(FILLS + INKS))
    for fill in FILLS:
        for ink in INKS:
            for t in (0.2, 0.4, 0.6, 0.8):
                r, g, b = (round(f + (i - f) * t) for f, i in zip(fill, ink))
                colours.append((r, g, b))
    return colours


def _palette_image() -> Image.Image:
    Image = pillow()[0]
    colours = palette_colours()
    image = Image.new("P", (1, 1))
    flat = [v for colour in colours for v in colour]
    image.putpalette(flat + flat[:3] * (256 - len(colours)))
    return image


def save_gif(scene: Scene, path: str | Path) -> int:
    """Write the animation as a GIF (one frame per step); returns the number of frames."""
    Image = pillow()[0]
    frames = scene_frames(scene)
    palette = _palette_image()
    indexed = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    durations = [FRAME_MS] * (len(indexed) - 1) + [LAST_FRAME_MS]
    indexed[0].save(path, format="GIF", save_all=True, append_images=indexed[1:], duration=durations, loop=0,
                    optimize=True, disposal=1)
    return len(indexed)


def save_png(scene: Scene, path: str | Path, still: int = 0) -> int:
    """Write an animated PNG: the still figure (``still``'s window, every output) for viewers that
    show one image, then the animation for those that play it; returns the number of animation frames."""
    frames = scene_frames(scene)
    first = scene_still(scene, still)
    if first.size != frames[0].size:  # the still holds one step's lines; give it the animation's size
        canvas = pillow()[0].new("RGB", frames[0].size, WHITE)
        canvas.paste(first, (0, 0))
        first = canvas
    durations = [FRAME_MS] + [FRAME_MS] * (len(frames) - 1) + [LAST_FRAME_MS]
    first.save(path, format="PNG", save_all=True, append_images=frames, default_image=True,
               duration=durations, loop=0)
    return len(frames)
