"""A layer stack as a picture: a diagram with one block per layer (its output
shape, parameters and MACs), residual and concat branches drawn side by
side, and per-layer bars of parameters, MACs and activation memory.

It reads a :class:`~cnncalc.stacks.summary.StackSummary` (every number is
the summary's own, formatted by ``fmt``); the summary's ``layers`` give the
branches.  Activations, dropout, flatten and batch norm are drawn as slim
blocks: a ResNet stays readable.

>>> from cnncalc.stacks import load_stack
>>> from cnncalc.stacks.summary import summarize
>>> stack = load_stack("56x56x64 -> residual(conv 64 3x3 pad 1 -> relu -> conv 64 3x3 pad 1) -> relu")
>>> svg = network_svg(summarize(stack.input, stack.layers, name="block"))
>>> svg.count('class="block'), "params 36,928" in svg, "add → 56x56x64" in svg
(6, True, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from ..errors import InputError
from ..stacks.layers import Concat, Residual
from ..stacks.render import rf_text
from ..stacks.shapes import fmt, human, is_int
from ..stacks.summary import Row, StackSummary
from .layout import monospace
from .svg import svg_document

BLOCK_W = 300
LINE = 15  # line height in a block
FULL_PAD = 8
SLIM_H = 22
GAP = 18  # between blocks in a column
BRANCH_GAP = 26
MERGE_H = 24
FONT = 12
MARGIN = 20
CHART_NAME_W = 200
BAR_W = 170
BAR_TEXT_W = 140
BAR_ROW_H = 18

SLIM_TYPES = ("batchnorm", "lrn", "dropout", "flatten", "zeropad")
FILLS = {"conv": "#dbeafe", "deconv": "#dbeafe", "pool": "#dcfce7", "dense": "#ede9fe", "slim": "#f1f5f9",
         "merge": "#ffedd5", "input": "#fef9c3"}
BARS = (("parameters", "params", "#2563eb"), ("MACs", "macs", "#059669"), ("activation memory", "memory_bytes", "#d97706"))

RULES = (
    ("text", f"font-family: DejaVu Sans Mono, Menlo, Consolas, monospace; font-size: {FONT}px; fill: #1f2933;"),
    (".block rect", "stroke: #64748b; stroke-width: 1;"),
    (".name", "font-weight: bold;"),
    (".edge", "stroke: #64748b; stroke-width: 1.4; fill: none;"),
    (".title", "font-size: 16px; font-weight: bold;"),
    (".sub", "fill: #52606d;"),
    (".axis", "stroke: #cbd5e1; stroke-width: 1;"),
)


@dataclass(frozen=True)
class Leaf:
    row: Row


@dataclass(frozen=True)
class Block:
    merge: Row  # the add / concat row
    branches: tuple  # sequences (tuples of Leaf/Block); an empty one is an identity shortcut


def layer_tree(summary: StackSummary) -> tuple:
    """The summary's rows as nested sequences, read in the order the walk wrote them
    (a block's inner rows, then its own merge row)."""
    rows = iter(summary.rows)

    def sequence(layers: Sequence) -> tuple:
        items: list[Leaf | Block] = []
        for layer in layers:
            if isinstance(layer, Residual):
                body = sequence(layer.body)
                shortcut = sequence(layer.shortcut) if layer.shortcut else ()
                items.append(Block(next(rows), (body, shortcut)))
            elif isinstance(layer, Concat):
                branches = tuple(sequence(b) for b in layer.branches)
                items.append(Block(next(rows), branches))
            else:
                items.append(Leaf(next(rows)))
        return tuple(items)

    if not summary.layers:  # a summary built without its layers: one column of rows
        return tuple(Leaf(r) for r in summary.rows if r.type not in ("add", "concat"))
    return sequence(summary.layers)


def _kind(row: Row) -> str:
    if row.in_place or row.type in SLIM_TYPES:
        return "slim"
    for key in ("deconv", "conv", "pool", "dense"):
        if key in row.type or (key == "dense" and row.type in ("linear", "fc")):
            return key
    return "conv" if "conv" in row.layer else "slim"


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _wrap(text: str, width: float) -> list[str]:
    words, lines, current = text.split(" "), [], ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and monospace(candidate, FONT) > width:
            lines.append(current)
            current = "  " + word
        else:
            current = candidate
    return lines + [current]


def block_lines(row: Row, layout: str) -> list[str]:
    """What a layer's block says: name and layer, output shape, parameters and MACs."""
    inner = BLOCK_W - 12
    if _kind(row) == "slim":
        text = f"{_short(row.name)} · {row.layer}"
        if row.params:
            text += f" · {fmt(row.params)} params"
        return _wrap(text, inner)
    lines = _wrap(f"{_short(row.name)} · {row.layer}", inner)
    lines += _wrap(f"→ {row.output.text(layout)}", inner)
    lines += _wrap(f"params {fmt(row.params)} · MACs {fmt(row.macs)}", inner)
    return lines


class _Diagram:
    def __init__(self, layout: str) -> None:
        self.layout = layout
        self.boxes: list[tuple[float, float, float, float]] = []  # every block drawn, for overlap checks

    def leaf(self, row: Row, x: float, y: float) -> tuple[list[str], float]:
        lines = block_lines(row, self.layout)
        slim = _kind(row) == "slim"
        height = SLIM_H + (len(lines) - 1) * LINE if slim else FULL_PAD * 2 + len(lines) * LINE
        fill = FILLS[_kind(row)]
        parts = [f'<g class="block" data-name="{escape(row.name)}"><title>{escape(row.name)}: {escape(row.layer)}'
                 f' -> {escape(row.output.text(self.layout))}</title>'
                 f'<rect x="{x:.1f}" y="{y:.1f}" width="{BLOCK_W}" height="{height}" rx="5" fill="{fill}"/>']
        for k, line in enumerate(lines):
            ty = y + (SLIM_H / 2 + 4 if slim else FULL_PAD + LINE - 3) + k * LINE
            cls = ' class="name"' if k == 0 and not slim else ""
            parts.append(f'<text{cls} x="{x + 6:.1f}" y="{ty:.1f}">{escape(line)}</text>')
        parts.append("</g>")
        self.boxes.append((x, y, BLOCK_W, height))
        return parts, height

    def size(self, items: Sequence) -> tuple[float, float]:
        """Width and height of a sequence (before placing it)."""
        width, height = 0.0, 0.0
        for k, item in enumerate(items):
            w, h = self.item_size(item)
            width, height = max(width, w), height + h + (GAP if k else 0)
        return width, height

    def item_size(self, item: Leaf | Block) -> tuple[float, float]:
        if isinstance(item, Leaf):
            lines = block_lines(item.row, self.layout)
            slim = _kind(item.row) == "slim"
            return BLOCK_W, (SLIM_H + (len(lines) - 1) * LINE if slim else FULL_PAD * 2 + len(lines) * LINE)
        sizes = [self.size(b) if b else (30.0, 0.0) for b in item.branches]
        width = sum(w for w, _ in sizes) + BRANCH_GAP * (len(sizes) - 1)
        height = max(h for _, h in sizes) + 2 * GAP + MERGE_H
        return max(width, BLOCK_W), height

    def place(self, items: Sequence, cx: float, y: float) -> list[str]:
        """Draw a sequence centred on ``cx`` from ``y`` down, with an edge between neighbours."""
        parts: list[str] = []
        for k, item in enumerate(items):
            if k:
                parts.append(f'<line class="edge" x1="{cx:.1f}" y1="{y - GAP:.1f}" x2="{cx:.1f}" y2="{y:.1f}"/>')
            w, h = self.item_size(item)
            if isinstance(item, Leaf):
                drawn, _ = self.leaf(item.row, cx - BLOCK_W / 2, y)
                parts += drawn
            else:
                parts += self.block(item, cx, y, w, h)
            y += h + GAP
        return parts

    def block(self, block: Block, cx: float, y: float, width: float, height: float) -> list[str]:
        """Branches side by side under a split point, joined by the merge node (add or concat)."""
        parts: list[str] = []
        sizes = [self.size(b) if b else (30.0, 0.0) for b in block.branches]
        inner = sum(w for w, _ in sizes) + BRANCH_GAP * (len(sizes) - 1)
        x = cx - inner / 2
        top, merge_y = y + GAP, y + height - MERGE_H
        for branch, (w, h) in zip(block.branches, sizes):
            bx = x + w / 2
            parts.append(f'<path class="edge" d="M{cx:.1f},{y - GAP:.1f} L{cx:.1f},{y:.1f} L{bx:.1f},{y:.1f} '
                         f'L{bx:.1f},{top:.1f}"/>')
            if branch:
                parts += self.place(branch, bx, top)
                end = top + h
            else:
                end = top
            parts.append(f'<path class="edge" d="M{bx:.1f},{end:.1f} L{bx:.1f},{merge_y - GAP / 2:.1f} '
                         f'L{cx:.1f},{merge_y - GAP / 2:.1f} L{cx:.1f},{merge_y:.1f}"/>')
            x += w + BRANCH_GAP
        row = block.merge
        label = f"{row.type} → {row.output.text(self.layout)}"
        label_w = max(monospace(label, FONT) + 16, 140)
        parts.append(f'<g class="block merge" data-name="{escape(row.name)}"><title>{escape(row.name)}: '
                     f'{escape(row.layer)}</title><rect x="{cx - label_w / 2:.1f}" y="{merge_y:.1f}" '
                     f'width="{label_w:.1f}" height="{MERGE_H}" rx="12" fill="{FILLS["merge"]}"/>'
                     f'<text x="{cx:.1f}" y="{merge_y + MERGE_H / 2 + 4:.1f}" text-anchor="middle">'
                     f'{escape(label)}</text></g>')
        self.boxes.append((cx - label_w / 2, merge_y, label_w, MERGE_H))
        return parts


def _bar_chart(summary: StackSummary, x: float, y: float) -> tuple[list[str], float, float]:
    """Per-layer bars of parameters, MACs and activation memory, each scaled to its largest layer."""
    parts = [f'<text class="title" x="{x:.1f}" y="{y + 14:.1f}">per layer</text>']
    rows = summary.rows
    y += 30
    col_x = [x + CHART_NAME_W + k * (BAR_W + BAR_TEXT_W + 16) for k in range(len(BARS))]
    largest = {key: max((getattr(r, key) for r in rows if is_int(getattr(r, key))), default=0) for _, key, _ in BARS}
    for (title, key, _), cx in zip(BARS, col_x):
        top = largest[key]
        unit = " (bytes)" if key == "memory_bytes" else ""
        parts.append(f'<text class="name" x="{cx:.1f}" y="{y:.1f}">{title}{unit}</text>')
        parts.append(f'<text class="sub" x="{cx:.1f}" y="{y + LINE:.1f}">largest {fmt(top)}</text>')
    y += 2 * LINE + 6
    for k, row in enumerate(rows):
        ry = y + k * BAR_ROW_H
        name = "  " * row.depth + row.name
        parts.append(f'<text x="{x:.1f}" y="{ry + 12:.1f}">{escape(name)}</text>')
        for (_, key, colour), cx in zip(BARS, col_x):
            value, top = getattr(row, key), largest[key]
            parts.append(f'<line class="axis" x1="{cx:.1f}" y1="{ry:.1f}" x2="{cx:.1f}" y2="{ry + BAR_ROW_H:.1f}"/>')
            if is_int(value) and top:
                w = BAR_W * value / top
                reused = key == "memory_bytes" and row.in_place  # an activation overwrites its input
                opacity = ' fill-opacity="0.3"' if reused else ""
                if w > 0:
                    parts.append(f'<rect x="{cx:.1f}" y="{ry + 3:.1f}" width="{max(w, 1):.1f}" height="{BAR_ROW_H - 6}" '
                                 f'fill="{colour}"{opacity}>'
                                 f'<title>{escape(row.name)}: {fmt(value)}</title></rect>')
            text = _bar_text(value, key) + (" (in place)" if key == "memory_bytes" and row.in_place else "")
            parts.append(f'<text class="sub" x="{cx + BAR_W + 6:.1f}" y="{ry + 12:.1f}">{escape(text)}</text>')
    width: float = CHART_NAME_W + len(BARS) * (BAR_W + BAR_TEXT_W + 16)
    name_w = max((monospace("  " * r.depth + r.name, FONT) for r in rows), default=0)
    if name_w > CHART_NAME_W - 10:  # long names: shift nothing, but widen so no text is cut
        width += name_w - CHART_NAME_W + 10
    return parts, width, 30 + 2 * LINE + 6 + len(rows) * BAR_ROW_H


def _bar_text(value: object, key: str) -> str:
    if not is_int(value):
        return fmt(value)
    if value == 0:
        return "0"
    short = human(value)
    suffix = "B" if key == "memory_bytes" else ""
    return f"{short}{suffix}" if short != str(value) else f"{value}{suffix and ' B'}"


def network_svg(summary: StackSummary, layout: str = "hwc") -> str:
    """The whole picture: title and totals, the diagram on the left, the bars on the right."""
    diagram = _Diagram(layout)
    tree = layer_tree(summary)
    input_label = f"input {summary.input.text(layout)}"
    width, height = diagram.size(tree)
    width = max(width, BLOCK_W)
    top = MARGIN + 62
    cx = MARGIN + width / 2
    parts = [f'<text class="title" x="{MARGIN}" y="{MARGIN + 16}">{escape(summary.name)}: '
             f'{escape(summary.input.text(layout))} → {escape(summary.output.text(layout))}</text>',
             f'<text class="sub" x="{MARGIN}" y="{MARGIN + 36}">parameters {fmt(summary.total_params)} · MACs '
             f'{fmt(summary.total_macs)} · activation memory {fmt(summary.total_memory_values)} values '
             f'({summary.context.convention} convention)</text>']
    parts.append(f'<g class="block input"><rect x="{cx - BLOCK_W / 2:.1f}" y="{top:.1f}" width="{BLOCK_W}" '
                 f'height="{SLIM_H}" rx="5" fill="{FILLS["input"]}"/><text x="{cx - BLOCK_W / 2 + 6:.1f}" '
                 f'y="{top + SLIM_H / 2 + 4:.1f}">{escape(input_label)}</text></g>')
    diagram.boxes.append((cx - BLOCK_W / 2, top, BLOCK_W, SLIM_H))
    start = top + SLIM_H + GAP
    if tree:
        parts.append(f'<line class="edge" x1="{cx:.1f}" y1="{top + SLIM_H:.1f}" x2="{cx:.1f}" y2="{start:.1f}"/>')
    parts += diagram.place(tree, cx, start)
    chart_x = MARGIN + width + 48
    chart, chart_w, chart_h = _bar_chart(summary, chart_x, top - 10)
    parts += chart
    total_w = chart_x + chart_w + MARGIN
    total_h = max(start + height, top + chart_h) + MARGIN
    return svg_document(total_w, total_h, parts, css=_style(), scope="cnncalc-net")


def _style() -> str:
    from .svg import style

    return style(RULES, "cnncalc-net")


def diagram_boxes(summary: StackSummary, layout: str = "hwc") -> list[tuple[float, float, float, float]]:
    """Every block's rectangle (x, y, width, height): a test checks that none overlap."""
    diagram = _Diagram(layout)
    tree = layer_tree(summary)
    width, _ = diagram.size(tree)
    diagram.place(tree, MARGIN + max(width, BLOCK_W) / 2, 0)
    return diagram.boxes


def network_page(summary: StackSummary, layout: str = "hwc") -> str:
    """A self-contained HTML page: the picture, then the table of every layer."""
    head = ("<tr>" + "".join(f"<th>{h}</th>" for h in ("layer", "type", "output", "parameters", "MACs",
                                                        "memory (bytes)", "receptive field")) + "</tr>")
    body = []
    for row in summary.rows:
        cells = (("&nbsp;&nbsp;" * row.depth) + escape(row.name), escape(row.type), escape(row.output.text(layout)),
                 fmt(row.params), fmt(row.macs), fmt(row.memory_bytes), escape(rf_text(row.rf)))
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{escape(summary.name)}</title>\n<style>\n"
        "body { font-family: DejaVu Sans, Helvetica, Arial, sans-serif; margin: 24px; color: #1f2933; }\n"
        ".scroll { overflow-x: auto; }\n"
        "table { border-collapse: collapse; font-family: DejaVu Sans Mono, Menlo, Consolas, monospace; font-size: 13px; }\n"
        "th, td { border-bottom: 1px solid #e2e8f0; padding: 2px 10px; text-align: right; }\n"
        "th:first-child, td:first-child, td:nth-child(2) { text-align: left; }\n"
        "</style>\n</head>\n<body>\n"
        f'<div class="scroll">{network_svg(summary, layout)}</div>\n'
        f"<h2>Every layer</h2>\n<div class=\"scroll\"><table>\n{head}\n" + "\n".join(body) + "\n</table></div>\n"
        "<p style=\"color:#52606d;font-size:13px\">Written by cnncalc shape; hover a block or a bar for its name.</p>\n"
        "</body>\n</html>\n"
    )


def draw_network(summary: StackSummary, path: str | Path, layout: str = "hwc") -> str:
    """Write the picture to ``path`` (.svg, or .html with the table); returns the line to print."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".svg", ".html", ".htm"):
        raise InputError(f"--draw '{path}': a network is drawn as .svg (the diagram and bars) or .html (with the "
                         f"table of every layer), not {suffix or 'a file without extension'}; name the file .svg or .html")
    text = network_svg(summary, layout) if suffix == ".svg" else network_page(summary, layout)
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as error:
        raise InputError(f"--draw {path}: cannot write the file ({error.strerror}); check the folder exists "
                         "and is writable") from None
    return f"wrote {path} ({len(summary.rows)} layer{'s' * (len(summary.rows) != 1)})"
