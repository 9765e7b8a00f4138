"""A scene as one SVG figure: every panel with its exact values, one frame's
window highlighted with the weights (``×w``) that multiply it, the output
cell it writes, and the worked step below.

SVG is text we write: no library, no fonts to embed.  Values use a monospace
font, so their widths are known before a browser lays them out.  Every cell
is a ``<g>`` with an id (``c{panel}-{row}-{col}``); output cells carry
``data-index``, their index into the result's ``output`` ("0,1"), so a test
or a script can read the figure back and compare it with ``--json``.

>>> from cnncalc.conv import conv
>>> from cnncalc.figures.scene import conv_scene
>>> svg = scene_svg(conv_scene(conv("0 80 40; 20 40 0; 0 0 40", "0 0.25; 0.5 1", flip=True)))
>>> svg.startswith("<svg"), 'data-index="1,1"' in svg, ">110<" in svg
(True, True, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from .layout import (
    GROUP_SIZE,
    LINE_SIZE,
    MARGIN,
    NOTE_SIZE,
    TITLE_SIZE,
    VALUE_SIZE,
    Layout,
    Measure,
    monospace,
    scene_layout,
)
from .scene import Frame, Scene

MONO = "DejaVu Sans Mono, Menlo, Consolas, Liberation Mono, monospace"
SANS = "DejaVu Sans, Helvetica, Arial, Liberation Sans, sans-serif"

RULES = (
    ("text", f"font-family: {SANS}; fill: #1f2933;"),
    (".v, .step", f"font-family: {MONO};"),
    (".v", f"font-size: {VALUE_SIZE}px; text-anchor: middle;"),
    (".note", f"font-family: {MONO}; font-size: {NOTE_SIZE}px; text-anchor: end; fill: #7a5a00;"),
    (".cell rect", "fill: #ffffff; stroke: #9aa5b1; stroke-width: 1;"),
    (".pad rect", "fill: #eceff1; stroke-dasharray: 3 2;"),
    (".pad .v", "fill: #8a96a3;"),
    (".kin rect", "fill: #fff6cc;"),
    (".win rect", "fill: #ffe27a; stroke: #9c7400;"),
    (".win .v", "font-weight: bold;"),
    (".best rect", "fill: #ffc933;"),
    (".best .v", "text-decoration: underline;"),
    (".tgt rect", "fill: #ffb35c; stroke: #a34f00;"),
    (".tgt .v", "font-weight: bold;"),
    (".todo rect", "fill: #f5f7fa;"),
    (".span", "fill: none; stroke: #c08a00; stroke-width: 2.5;"),
    (".ptitle", f"font-size: {TITLE_SIZE}px; fill: #52606d;"),
    (".gtitle", f"font-size: {GROUP_SIZE}px; font-weight: bold;"),
    (".header", "font-weight: bold;"),
    (".op", "text-anchor: middle; fill: #52606d;"),
    (".step", f"font-size: {LINE_SIZE}px; white-space: pre;"),
    (".legend", "fill: #52606d;"),
)
SCOPE = "cnncalc-fig"  # the class of our <svg>: its rules never touch another figure on the page


def style(rules: tuple[tuple[str, str], ...] = RULES, scope: str = SCOPE) -> str:
    """CSS whose every selector is scoped to ``svg.{scope}`` (an inline SVG's style applies to the whole page)."""
    out = []
    for selectors, body in rules:
        scoped = ", ".join(f"svg.{scope} {s.strip()}" for s in selectors.split(","))
        out.append(f"{scoped} {{ {body} }}")
    return "\n".join(out)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def cell_classes(scene: Scene, frame: Frame | None, revealed: set | None) -> dict[tuple, list[str]]:
    """Extra classes of the cells one frame touches: win (window), kin (kernel in use), tgt, best, todo."""
    classes: dict[tuple, list[str]] = {}
    if frame is not None:
        for m in frame.window:
            classes.setdefault((m.panel, m.row, m.col), []).append("win")
        for m in frame.winners:
            classes.setdefault((m.panel, m.row, m.col), []).append("best")
        for p in frame.kernel:
            panel = scene.panels[p]
            for r in range(panel.rows):
                for c in range(panel.cols):
                    classes.setdefault((p, r, c), []).append("kin")
        for m in frame.targets:
            classes.setdefault((m.panel, m.row, m.col), []).append("tgt")
    if revealed is not None:
        for p in scene.panel_index("output"):
            panel = scene.panels[p]
            for r in range(panel.rows):
                for c in range(panel.cols):
                    if (p, r, c) not in revealed:
                        classes.setdefault((p, r, c), []).append("todo")
    return classes


def svg_body(scene: Scene, layout: Layout, frame: int | None = 0, revealed: set | None = None,
             prefix: str = "") -> list[str]:
    """The SVG elements of a scene (without the <svg> wrapper); ``revealed`` None shows every output."""
    parts: list[str] = []
    for label in layout.header:
        parts.append(f'<text class="header" x="{_num(label.x)}" y="{_num(label.y)}" '
                     f'font-size="{_num(label.size)}">{escape(label.text)}</text>')
    for label in layout.group_titles:
        parts.append(f'<text class="gtitle" x="{_num(label.x)}" y="{_num(label.y)}">{escape(label.text)}</text>')
    for label in layout.operators:
        parts.append(f'<text class="op" x="{_num(label.x)}" y="{_num(label.y)}" '
                     f'font-size="{_num(label.size)}">{escape(label.text)}</text>')
    current = scene.frames[frame] if frame is not None and scene.frames else None
    classes = cell_classes(scene, current, revealed)
    notes = {}
    if current is not None:
        notes = {(m.panel, m.row, m.col): m.note for m in current.window + current.targets if m.note}
    for p, (panel, box) in enumerate(zip(scene.panels, layout.panels)):
        parts.append(f'<g class="panel" data-role="{panel.role}" data-panel="{p}">')
        if panel.title:
            parts.append(f'<text class="ptitle" x="{_num(box.x)}" y="{_num(box.title_y)}">{escape(panel.title)}</text>')
        for r, row in enumerate(panel.texts):
            for c, text in enumerate(row):
                x, y = box.cell(r, c)
                names = ["cell"] + (["pad"] if (r, c) in panel.padding else []) + classes.get((p, r, c), [])
                shown = "" if "todo" in names else text
                index = f' data-index="{panel.cell_ids[r][c]}"' if panel.cell_ids else ""
                note = notes.get((p, r, c), "")
                parts.append(
                    f'<g id="{prefix}c{p}-{r}-{c}" class="{" ".join(names)}"{index}>'
                    f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(box.cell_w)}" height="{_num(box.cell_h)}"/>'
                    f'<text class="v" x="{_num(x + box.cell_w / 2)}" y="{_num(y + box.cell_h - 10)}">'
                    f'{escape(shown)}</text>'
                    + (f'<text class="note" x="{_num(x + box.cell_w - 3)}" y="{_num(y + NOTE_SIZE + 1)}">'
                       f'{escape(note)}</text>' if note else "")
                    + "</g>")
        parts.append("</g>")
    if current is not None:
        for s in current.spans:
            box = layout.panels[s.panel]
            x, y = box.cell(s.r0, s.c0)
            parts.append(f'<rect class="span" x="{_num(x)}" y="{_num(y)}" '
                         f'width="{_num((s.c1 - s.c0 + 1) * box.cell_w)}" height="{_num((s.r1 - s.r0 + 1) * box.cell_h)}"/>')
    lines = layout.frame_lines[frame] if current is not None and frame is not None else ()
    parts.append(f'<g id="{prefix}steps">')
    for k, line in enumerate(lines):
        parts.append(f'<text class="step" x="{MARGIN}" '
                     f'y="{_num(layout.lines_y + k * layout.line_height)}">{escape(line)}</text>')
    parts.append("</g>")
    for label in layout.legend:
        parts.append(f'<text class="legend" x="{_num(label.x)}" y="{_num(label.y)}" '
                     f'font-size="{_num(label.size)}">{escape(label.text)}</text>')
    return parts


def scene_svg(scene: Scene, frame: int = 0, measure: Measure = monospace, frames: Sequence[int] | None = None) -> str:
    """The whole figure as an SVG document: every output shown, ``frame``'s window highlighted."""
    layout = scene_layout(scene, measure, [frame] if frames is None else frames)
    body = svg_body(scene, layout, frame)
    return svg_document(layout.width, layout.height, body)


def svg_document(width: float, height: float, body: list[str], css: str | None = None, scope: str = SCOPE,
                 attributes: str = "") -> str:
    """An <svg> element of class ``scope`` holding ``body``, with its (scoped) style."""
    css = style() if css is None else css
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="{scope}" width="{_num(width)}" height="{_num(height)}" '
            f'viewBox="0 0 {_num(width)} {_num(height)}"{attributes}>\n<style>{css}</style>\n'
            f'<rect width="100%" height="100%" fill="#ffffff"/>\n' + "\n".join(body) + "\n</svg>\n")
