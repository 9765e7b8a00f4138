"""Where everything of a scene goes, in pixels: one layout for the SVG, the
GIF/PNG frames and the HTML page, given how wide a text is.

Groups (input, kernel, output) stand side by side with their operator
between them; inside a group, panels sit on a grid (examples or filters as
columns, channels as rows).  Every panel of a group shares one cell size,
wide enough for its longest exact value: cells widen, values are never cut.
The worked step goes below, wrapped at its " + " signs.

>>> from cnncalc.pool import pool
>>> from cnncalc.figures.scene import pool_scene
>>> scene = pool_scene(pool("10 15 10 20; 10 5 0 30; 5 15 20 25; 15 10 25 20", op="avg"))
>>> layout = scene_layout(scene, monospace)
>>> [round(p.cell_w) for p in layout.panels], layout.panels[0].rows, layout.panels[1].cols
([30, 54], 4, 2)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .scene import Scene

Measure = Callable[[str, float], float]  # width in pixels of a text at a font size

VALUE_SIZE = 14
NOTE_SIZE = 10
TITLE_SIZE = 12
GROUP_SIZE = 14
HEADER_SIZE = 15
LINE_SIZE = 13
LEGEND_SIZE = 11
OPERATOR_SIZE = 30  # one-sign operators (⋆, ∗, =); longer ones ("max 2x2, stride 2") are at LINE_SIZE

CELL_H = 36  # room for a note line above the value
MIN_CELL_W = 30
MARGIN = 16
PANEL_GAP = 14
GROUP_GAP = 18
MIN_WIDTH = 420
MAX_TITLE_WIDTH = 760


def monospace(text: str, size: float) -> float:
    """The width of a text in a monospace font: 0.6 em per character (DejaVu Sans Mono, Menlo, Consolas)."""
    return 0.6 * size * len(text)


@dataclass(frozen=True)
class PanelBox:
    x: float  # the top-left corner of cell (0, 0)
    y: float
    cell_w: float
    cell_h: float
    rows: int
    cols: int
    title_y: float  # baseline of the panel's title

    def cell(self, row: int, col: int) -> tuple[float, float]:
        """Top-left corner of a cell."""
        return self.x + col * self.cell_w, self.y + row * self.cell_h


@dataclass(frozen=True)
class Label:
    text: str
    x: float
    y: float  # baseline
    size: float


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    header: tuple  # Labels: the scene's title, wrapped
    group_titles: tuple  # Labels
    operators: tuple  # Labels (centred on x)
    panels: tuple  # PanelBox per scene panel
    lines_y: float  # baseline of the first step line
    line_height: float
    frame_lines: tuple  # per frame: the wrapped step lines
    legend: tuple  # Labels


def wrap(text: str, width: float, size: float, measure: Measure) -> list[str]:
    """Break a step line at its ' + ' signs (then at spaces) so each piece fits ``width``.

    >>> wrap("1 × 20 + 1 × 35 + 1 × 35 = 90", 100, 10, monospace)
    ['1 × 20 + 1 × 35', '  + 1 × 35 = 90']
    """
    if measure(text, size) <= width:
        return [text]
    lines: list[str] = []
    current = ""
    for k, piece in enumerate(text.split(" + ")):
        candidate = piece if k == 0 else f"{current} + {piece}"
        if k == 0 or measure(candidate, size) <= width:
            current = candidate
            continue
        lines.append(current)
        current = f"  + {piece}"
    lines.append(current)
    out: list[str] = []
    for line in lines:  # a single piece wider than the figure: break it at spaces
        out += _wrap_words(line, width, size, measure)
    return out


def _wrap_words(text: str, width: float, size: float, measure: Measure, indent: str = "    ") -> list[str]:
    if measure(text, size) <= width:
        return [text]
    out, current = [], ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and measure(candidate, size) > width:
            out.append(current)
            current = indent + word
        else:
            current = candidate
    out.append(current)
    return out


@dataclass(frozen=True)
class GroupGrid:
    """One group's grid of panels: column widths and row heights (rows with a panel title are taller),
    and the group's whole box."""

    col_w: tuple[float, ...]
    row_h: tuple[float, ...]
    titled: tuple[bool, ...]
    width: float
    height: float


def scene_layout(scene: Scene, measure: Measure, frames: Sequence[int] | None = None,
                 min_width: float = MIN_WIDTH) -> Layout:
    """Place a scene; ``frames`` (default: all) are the frames whose step lines must fit."""
    wanted = set(range(len(scene.frames)) if frames is None else frames)
    cell_w = _cell_widths(scene, measure)
    grids = [_group_grid(scene, g, cell_w[g], measure) for g in range(len(scene.groups))]
    operator_w = [measure(op, _operator_size(op)) for op in scene.operators]
    content_w = sum(b.width for b in grids) + sum(w + 2 * GROUP_GAP for w in operator_w[:len(grids) - 1])
    # wide enough for the content, and for the title on one line up to MAX_TITLE_WIDTH
    width = max(min_width, content_w + 2 * MARGIN, min(measure(scene.title, HEADER_SIZE), MAX_TITLE_WIDTH) + 2 * MARGIN)
    text_w = width - 2 * MARGIN

    title_lines = [Label(t, MARGIN, 0, HEADER_SIZE) for t in _wrap_words(scene.title, text_w, HEADER_SIZE, measure, "")]
    y = MARGIN + HEADER_SIZE
    header = tuple(Label(h.text, h.x, y + k * HEADER_SIZE * 1.4, h.size) for k, h in enumerate(title_lines))
    top = y + (len(header) - 1) * HEADER_SIZE * 1.4 + 16
    tallest = max(b.height for b in grids)
    boxes, titles, operators = _place_groups(scene, grids, cell_w, operator_w,
                                             MARGIN + (width - 2 * MARGIN - content_w) / 2, top, tallest)

    frame_lines = tuple(tuple(line for text in scene.frames[k].lines for line in wrap(text, text_w, LINE_SIZE, measure))
                        if k in wanted else () for k in range(len(scene.frames)))
    most = max((len(frame_lines[k]) for k in wanted), default=0)
    line_height = LINE_SIZE * 1.45
    lines_y = top + tallest + 22 + LINE_SIZE
    below = lines_y + most * line_height + 6
    legend = [Label(text, MARGIN, below + LEGEND_SIZE + k * LEGEND_SIZE * 1.4, LEGEND_SIZE)
              for k, text in enumerate(_wrap_words(scene.legend, text_w, LEGEND_SIZE, measure, ""))]
    height = (legend[-1].y if legend else below) + MARGIN
    return Layout(width, height, header, tuple(titles), tuple(operators),
                  tuple(boxes[i] for i in range(len(scene.panels))), lines_y, line_height, frame_lines,
                  tuple(legend))


def _cell_widths(scene: Scene, measure: Measure) -> dict[int, float]:
    """Per group, a cell as wide as its widest value, and as the weight notes of the window cells."""
    cell_w: dict[int, float] = {}
    for g, group in enumerate(scene.groups):
        texts = [text for i in group.panels for row in scene.panels[i].texts for text in row]
        cell_w[g] = max([MIN_CELL_W, *(measure(text, VALUE_SIZE) + 12 for text in texts)])
    for frame in scene.frames:
        for mark in frame.window + frame.targets:
            if mark.note:
                g = _group_of(scene, mark.panel)
                cell_w[g] = max(cell_w[g], measure(mark.note, NOTE_SIZE) + 8)
    return cell_w


def _group_grid(scene: Scene, g: int, cell_w: float, measure: Measure) -> GroupGrid:
    """A group's grid of panels, columns and rows sized by their largest panel."""
    group = scene.groups[g]
    places = [scene.panels[i].place for i in group.panels]
    col_w = [0.0] * (max(c for c, _ in places) + 1)
    row_h = [0.0] * (max(r for _, r in places) + 1)
    titled = [False] * len(row_h)
    for i in group.panels:
        p = scene.panels[i]
        c, r = p.place
        col_w[c] = max(col_w[c], p.cols * cell_w, measure(p.title, TITLE_SIZE) if p.title else 0)
        row_h[r] = max(row_h[r], p.rows * CELL_H)
        titled[r] = titled[r] or bool(p.title)
    row_h = [h + (18 if t else 0) for h, t in zip(row_h, titled)]
    width = max(sum(col_w) + PANEL_GAP * (len(col_w) - 1), measure(group.title, GROUP_SIZE))
    height = 24 + sum(row_h) + PANEL_GAP * (len(row_h) - 1)
    return GroupGrid(tuple(col_w), tuple(row_h), tuple(titled), width, height)


def _place_groups(scene: Scene, grids: list[GroupGrid], cell_w: dict[int, float], operator_w: list[float],
                  x: float, top: float, tallest: float) -> tuple[dict[int, PanelBox], list[Label], list[Label]]:
    """The groups side by side from x, centred on the tallest, an operator between two groups."""
    boxes: dict[int, PanelBox] = {}
    titles, operators = [], []
    for g, (group, grid) in enumerate(zip(scene.groups, grids)):
        gy = top + (tallest - grid.height) / 2
        titles.append(Label(group.title, x, gy + GROUP_SIZE, GROUP_SIZE))
        grid_w = sum(grid.col_w) + PANEL_GAP * (len(grid.col_w) - 1)
        gx = x + (grid.width - grid_w) / 2
        col_x = [gx + sum(grid.col_w[:c]) + PANEL_GAP * c for c in range(len(grid.col_w))]
        row_y = [gy + 24 + sum(grid.row_h[:r]) + PANEL_GAP * r for r in range(len(grid.row_h))]
        for i in group.panels:
            p = scene.panels[i]
            c, r = p.place
            px = col_x[c] + (grid.col_w[c] - p.cols * cell_w[g]) / 2
            py = row_y[r] + (18 if grid.titled[r] else 0)
            boxes[i] = PanelBox(px, py, cell_w[g], CELL_H, p.rows, p.cols, py - 6)
        x += grid.width
        if g < len(scene.operators) and g < len(scene.groups) - 1:
            x += GROUP_GAP
            size = _operator_size(scene.operators[g])
            operators.append(Label(scene.operators[g], x + operator_w[g] / 2, top + tallest / 2 + size / 3, size))
            x += operator_w[g] + GROUP_GAP
    return boxes, titles, operators


def _operator_size(operator: str) -> float:
    """A sign is drawn large (⋆ more so: fonts draw it small), words at the size of the text."""
    if operator == "⋆":
        return OPERATOR_SIZE * 1.6
    return OPERATOR_SIZE if len(operator) <= 2 else LINE_SIZE


def _group_of(scene: Scene, panel: int) -> int:
    for g, group in enumerate(scene.groups):
        if panel in group.panels:
            return g
    raise ValueError(f"panel {panel} is in no group")
