"""What a figure shows, before anything is drawn: panels of exact values and
the frames of an animation.

A :class:`Scene` is read off an engine result and its steps
(:mod:`cnncalc.explain`): every text in it is ``format_value`` of a value the
result holds, so a figure can never disagree with ``--json``.  The SVG, the
GIF/PNG frames and the HTML page draw the same scene.

One frame per output cell: the cells its window reads (each with the kernel
weight that multiplies it, ``×w``), the kernel in use, the output cell it
writes, and the worked step.  The output fills in frame by frame.

The sheet's Q1 (6x6 image, ring kernel, 4x4 output):

>>> from cnncalc.conv import conv
>>> r = conv("20 35 35 35 35 20; 29 46 44 42 42 27; 16 25 21 19 19 12; "
...          "66 120 116 154 114 62; 74 216 174 252 172 112; 70 210 170 250 170 110", "1 1 1; 1 0 1; 1 1 1")
>>> scene = conv_scene(r)
>>> [g.title for g in scene.groups]
['input 6x6', 'kernel 3x3', 'output 4x4']
>>> len(scene.frames), scene.frames[0].lines[0][:30]
(16, '(1, 1): 1 × 20 + 1 × 35 + 1 × ')
>>> scene.panels[2].texts[1][1], scene.frames[5].targets
('566', (Mark(panel=2, row=1, col=1, note=''),))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..conv import ConvResult
from ..explain import ConvStep, PoolStep, conv_steps, pool_steps
from ..pool import PoolResult
from ..render import cell_label, conv_step_text, describe_conv, describe_pool, format_value, pool_step_text
from ..values import Exact

TIMES = "×"


@dataclass(frozen=True)
class Panel:
    """One 2-D slice of an array (a channel, a filter's channel, a depth slice), as texts.

    ``padding`` holds the cells outside the input (zero padding, or cells a
    pooling window covers beyond it); ``cell_ids`` names each output cell by
    its 0-based index into the result's ``output`` ("0,1"), so a drawing can
    be checked against ``--json``.
    """

    role: str  # "input", "kernel", "kernel-given" or "output"
    title: str
    texts: tuple  # rows of formatted values
    padding: frozenset = frozenset()
    place: tuple = (0, 0)  # (column, row) of the panel inside its group
    cell_ids: tuple = ()  # output panels: rows of "i,j,..." indices into result.output

    @property
    def rows(self) -> int:
        return len(self.texts)

    @property
    def cols(self) -> int:
        return len(self.texts[0]) if self.texts else 0


@dataclass(frozen=True)
class Group:
    """Panels drawn together under one title ("input 6x6")."""

    role: str
    title: str
    panels: tuple  # indices into Scene.panels


@dataclass(frozen=True)
class Mark:
    """One cell of one panel, with an optional small note (the weight ``×1/4``)."""

    panel: int
    row: int
    col: int
    note: str = ""


@dataclass(frozen=True)
class Span:
    """The rectangle a window covers in one panel (rows r0..r1, columns c0..c1, inclusive)."""

    panel: int
    r0: int
    c0: int
    r1: int
    c1: int


@dataclass(frozen=True)
class Frame:
    """One step: the window read, the kernel used, the output cell(s) written."""

    label: str  # "(1, 2)", counted from 1
    window: tuple  # Marks: the cells read (a transposed convolution: the cell scattered)
    spans: tuple  # Spans: the window's outline
    kernel: tuple  # indices of the kernel panels in use
    winners: tuple  # Marks: the cells a max/min pooling picks
    targets: tuple  # Marks: output cells written in this step
    reveals: tuple  # Marks: output cells whose value is final after this step
    lines: tuple  # the worked step, one logical line each (renderers wrap them)


@dataclass(frozen=True)
class Scene:
    title: str
    groups: tuple
    operators: tuple  # the text between neighbouring groups ("⋆", "=")
    panels: tuple
    frames: tuple
    legend: str

    def panel_index(self, role: str) -> list[int]:
        return [i for i, p in enumerate(self.panels) if p.role == role]


# --------------------------------------------------------------------------- slicing arrays into panels


def _texts(array: Exact) -> np.ndarray:
    """Every value of an array as exact text (format_value), same shape."""
    values = array.reduced().values()
    return np.frompyfunc(format_value, 1, 1)(values) if values.size else values


def _plane(spatial: Sequence[int]) -> tuple:
    """(depth or None, row, col) of a canonical spatial position: 1-D is one row, 3-D a slice per depth."""
    if len(spatial) == 1:
        return None, 0, spatial[0]
    if len(spatial) == 2:
        return None, spatial[0], spatial[1]
    return spatial[0], spatial[1], spatial[2]


def _planes(texts: np.ndarray) -> list[tuple]:
    """Split (A, B, *S) texts into (a, b, depth, 2-D rows) planes."""
    out: list[tuple] = []
    for a in range(texts.shape[0]):
        for b in range(texts.shape[1]):
            block = texts[a, b]
            if block.ndim == 1:
                out.append((a, b, None, block.reshape(1, -1)))
            elif block.ndim == 2:
                out.append((a, b, None, block))
            else:
                out += [(a, b, d, block[d]) for d in range(block.shape[0])]
    return out


def _title(parts: Iterable[tuple[str, int, int]]) -> str:
    """"filter 2, channel 1" from (name, index, count), naming only axes longer than 1."""
    return ", ".join(f"{name} {i + 1}" for name, i, count in parts if count > 1)


class _Panels:
    """Collects panels and finds the panel of a canonical (a, b, depth)."""

    def __init__(self) -> None:
        self.panels: list[Panel] = []
        self.where: dict[tuple, int] = {}

    def add(self, role: str, texts: np.ndarray, names: tuple[str, str], column_of: Callable[[int, int], int],
            padding: Callable[[int | None, int, int], bool] | None = None,
            ids: Callable[[int, int, int | None, int, int], str] | None = None,
            row_of: Callable[[int, int], int] = lambda a, b: b) -> list[int]:
        """Panels of (A, B, *S) texts; a panel sits in column ``column_of(a, b)`` and row ``row_of(a, b)``
        of its group (one row per depth slice in 3-D)."""
        added = []
        count_a, count_b = texts.shape[0], texts.shape[1]
        depth = texts.shape[2] if texts.ndim == 5 else 1
        for a, b, d, rows in _planes(texts):
            title = _title(((names[0], a, count_a), (names[1], b, count_b), ("depth", d or 0, depth)))
            pads = frozenset((r, c) for r in range(rows.shape[0]) for c in range(rows.shape[1])
                             if padding is not None and padding(d, r, c))
            cell_ids = () if ids is None else tuple(
                tuple(ids(a, b, d, r, c) for c in range(rows.shape[1])) for r in range(rows.shape[0]))
            row_in_group = row_of(a, b) * depth + (d or 0)
            panel = Panel(role, title, tuple(tuple(row) for row in rows.tolist()), pads,
                          (column_of(a, b), row_in_group), cell_ids)
            self.where[(role, a, b, d)] = len(self.panels)
            added.append(len(self.panels))
            self.panels.append(panel)
        return added

    def mark(self, role: str, a: int, b: int, spatial: Sequence[int], note: str = "") -> Mark:
        d, r, c = _plane(spatial)
        return Mark(self.where[(role, a, b, d)], r, c, note)


def _spans(marks: Sequence[Mark]) -> tuple:
    """The bounding rectangle of the marked cells in each panel."""
    by_panel: dict[int, list[Mark]] = {}
    for m in marks:
        by_panel.setdefault(m.panel, []).append(m)
    return tuple(Span(p, min(m.row for m in ms), min(m.col for m in ms), max(m.row for m in ms),
                      max(m.col for m in ms)) for p, ms in by_panel.items())


def _shape(shape: Sequence[int]) -> str:
    return "x".join(map(str, shape))


def _output_id(user_index: Callable[[tuple], tuple], nd: int) -> Callable[[int, int, int | None, int, int], str]:
    """The id "i,j" (the 0-based index into result.output) of an output panel's cell."""
    def cell_id(a: int, b: int, d: int | None, r: int, c: int) -> str:
        return ",".join(map(str, user_index((a, b) + _position(nd, d, r, c))))
    return cell_id


# --------------------------------------------------------------------------- convolution


def conv_scene(result: ConvResult, steps: Sequence[ConvStep] | None = None) -> Scene:
    """The scene of a convolution: padded input, kernel, output, one frame per step (all cells by default)."""
    steps = conv_steps(result) if steps is None else list(steps)
    spec, nd = result.spec, result.spec.ndim
    panels = _Panels()
    padded = result.padded
    spatial = padded.shape[2:]
    before = [p.before for p in spec.padding]
    after = [p.after for p in spec.padding]

    def is_pad(d: int | None, r: int, c: int) -> bool:
        position = _position(nd, d, r, c)
        return any(x < b or x >= n - a for x, b, n, a in zip(position, before, spatial, after))

    inputs = panels.add("input", _texts(padded), ("example", "channel"), lambda n, c: n, is_pad)
    flip = result.flip
    kernel_columns = (lambda f, c: 2 * f + 1) if flip else (lambda f, c: f)
    given = panels.add("kernel-given", _texts(result.original_kernel), ("filter", "channel"),
                       lambda f, c: 2 * f) if flip else []
    kernels = panels.add("kernel", _texts(result.kernel), ("filter", "channel"), kernel_columns)
    for indices, what in ((kernels, "flipped"), (given, "as given")) if flip else ():
        for i in indices:  # side by side, each kernel says which it is
            panels.panels[i] = replace(panels.panels[i], title=_join(what, panels.panels[i].title))
    outputs = panels.add("output", _texts(result.canonical), ("example", "filter"), lambda n, f: n,
                         ids=_output_id(result.user_index, nd))
    padded_note = ""
    if any(b or a for b, a in zip(before, after)):
        padded_note = f", zero-padded to {_shape(spatial)}"
    groups = (
        Group("input", f"input {_shape(result.input_shape)}{padded_note}", tuple(inputs)),
        Group("kernel", f"kernel {_shape(result.kernel_shape)}" + (", turned 180° (true convolution)" if flip else ""),
              tuple(given + kernels)),
        Group("output", f"output {_shape(result.output.shape)}", tuple(outputs)),
    )
    c_per_group = result.kernel.shape[1]
    frames = []
    for step in steps:
        n, f, *o = result.canonical_index(step.cell)
        window = tuple(panels.mark("input", t.index[0], t.index[1], t.index[2:], TIMES + format_value(t.weight))
                       for t in step.terms)
        kernel = tuple(panels.where[("kernel", f, c, d)] for c in range(c_per_group)
                       for d in _depths(result.kernel.shape[2:]))
        target = (panels.mark("output", n, f, o),)
        frames.append(Frame(cell_label(step.cell), window, _spans(window), kernel, (), target, target,
                            (f"{cell_label(step.cell)}: {conv_step_text(step)}",)))
    operator = "∗" if flip else "⋆"
    legend = (f"yellow: the window of the current cell, each value with the kernel weight that multiplies it "
              f"({TIMES}w); orange: the output cell; " + ("grey: zero padding; " if padded_note else "") +
              f"{operator} = {'true convolution (kernel turned 180°)' if flip else 'cross-correlation, as torch and Keras compute'}")
    return Scene(describe_conv(result), groups, (operator, "="), tuple(panels.panels), tuple(frames), legend)


def _join(first: str, rest: str) -> str:
    return f"{first}, {rest}" if rest else first


def _depths(kernel_spatial: Sequence[int]) -> list:
    return list(range(kernel_spatial[0])) if len(kernel_spatial) == 3 else [None]


def _position(nd: int, d: int | None, r: int, c: int) -> tuple:
    """Canonical spatial position of a panel cell (inverse of _plane)."""
    if nd == 1:
        return (c,)
    if nd == 2:
        return (r, c)
    return (d, r, c)


# --------------------------------------------------------------------------- pooling


def pool_scene(result: PoolResult, steps: Sequence[PoolStep] | None = None) -> Scene:
    """The scene of a pooling: the input with the cells windows cover beyond it, the output, a frame per step."""
    steps = pool_steps(result) if steps is None else list(steps)
    spec, nd = result.spec, result.spec.ndim
    sizes = result.input.shape[2:]
    out_sizes = result.canonical.shape[2:]
    # how far the windows reach beyond the input on each side (padding, and ceil mode's last window)
    lows = [p.before for p in spec.padding]
    highs = [max(0, (o - 1) * s - p.before + (k - 1) * d + 1 - n)
             for o, s, p, k, d, n in zip(out_sizes, spec.stride, spec.padding, spec.kernel, spec.dilation, sizes)]
    texts = _texts(result.input)
    widths = [(0, 0), (0, 0)] + list(zip(lows, highs))
    framed = np.pad(texts, widths, constant_values="") if any(lows) or any(highs) else texts

    def outside(d: int | None, r: int, c: int) -> bool:
        position = _position(nd, d, r, c)
        return any(x < lo or x >= lo + n for x, lo, n in zip(position, lows, sizes))

    panels = _Panels()
    inputs = panels.add("input", framed, ("example", "channel"), lambda n, c: n, outside)
    outputs = panels.add("output", _texts(result.canonical), ("example", "channel"), lambda n, c: n,
                         ids=_output_id(result.user_index, nd))
    beyond = ""
    if any(lows) or any(highs):
        padded = any(p.before or p.after for p in spec.padding)
        beyond = "; dashed: outside the input" + (
            ", never picked" if result.op in ("max", "min") else
            ", the zero padding counts in the divisor" if result.op == "avg" and result.count_include_pad and padded
            else ", not counted" if result.op == "avg" else "")
    groups = (Group("input", f"input {_shape(result.input_shape)}", tuple(inputs)),
              Group("output", f"output {_shape(result.output.shape)}", tuple(outputs)))
    frames = []
    for step in steps:
        n, c, *o = result.canonical_index(step.cell)
        window = tuple(panels.mark("input", i[0], i[1], [x + lo for x, lo in zip(i[2:], lows)])
                       for i, _ in step.values)
        corner = [oi * s for oi, s in zip(o, spec.stride)]  # in the framed grid: the window starts at o*s
        last = [x + (k - 1) * d for x, k, d in zip(corner, spec.kernel, spec.dilation)]
        spans = tuple(Span(panels.mark("input", n, c, first).panel, *_rect(corner, last))
                      for first in _span_starts(corner, last))
        winners: tuple[Mark, ...] = ()
        if result.op in ("max", "min"):
            winners = tuple(m for m, (_, v) in zip(window, step.values) if v == step.value)
        target = (panels.mark("output", n, c, o),)
        frames.append(Frame(cell_label(step.cell), window, spans, (), winners, target, target,
                            (f"{cell_label(step.cell)}: {pool_step_text(step)}",)))
    name = {"max": "max", "avg": "average", "min": "min", "sum": "sum"}[result.op]
    operator = f"{name} {_shape(spec.kernel)}, stride {_shape(spec.stride)}" + (
        f", dilation {_shape(spec.dilation)}" if any(d != 1 for d in spec.dilation) else "")
    legend = ("yellow: the window of the current cell; orange: the output cell"
              + ("; bold: the value picked" if result.op in ("max", "min") else "") + beyond)
    return Scene(describe_pool(result), groups, (operator,), tuple(panels.panels), tuple(frames), legend)


def _span_starts(first: Sequence[int], last: Sequence[int]) -> list:
    """The window's first cell in every depth slice it covers (one for 1-D and 2-D)."""
    if len(first) == 3:
        return [(d, first[1], first[2]) for d in range(first[0], last[0] + 1)]
    return [first]


def _rect(first: Sequence[int], last: Sequence[int]) -> tuple:
    if len(first) == 1:
        return 0, first[0], 0, last[0]
    return first[-2], first[-1], last[-2], last[-1]


# --------------------------------------------------------------------------- transposed convolution


@dataclass(frozen=True)
class Scatter:
    """One input cell of a transposed convolution scattering its weighted kernel onto the output.

    ``source`` is the canonical input index (n, c, *spatial); ``targets`` the
    canonical output indices (n, f, *spatial) it adds to, each with the
    product it adds (value x kernel weight, as the engine computed it);
    ``kernel`` the (c, f) kernel slices used; ``text`` the worked step.
    """

    source: tuple
    targets: tuple  # ((n, f, *spatial), product)
    kernel: tuple  # (c, f) kernel slices used
    text: str


def scatter_scene(title: str, input: Exact, kernel: Exact, output: Exact, scatters: Sequence[Scatter],
                  user_index: Callable[[tuple], tuple], legend_note: str = "") -> Scene:
    """A transposed convolution: one frame per input cell, its kernel scattered onto the output.

    ``input`` (N, C, *S), ``kernel`` (C, F, *K) (torch's layout) and
    ``output`` (N, F, *O) are canonical arrays of the engine's result; each
    output cell is revealed in the frame of its last contribution (a cell
    that none reaches, in the first frame), so the picture never shows a
    partial sum the engine did not give it.
    """
    nd = input.ndim - 2
    panels = _Panels()
    inputs = panels.add("input", _texts(input), ("example", "channel"), lambda n, c: n)
    kernels = panels.add("kernel", _texts(kernel), ("channel", "filter"), lambda c, f: f, row_of=lambda c, f: c)
    outputs = panels.add("output", _texts(output), ("example", "filter"), lambda n, f: n, ids=_output_id(user_index, nd))
    last_touch: dict[tuple, int] = {}
    for k, s in enumerate(scatters):
        for index, _ in s.targets:
            m = panels.mark("output", index[0], index[1], index[2:])
            last_touch[(m.panel, m.row, m.col)] = k
    # a cell no product reaches (a gap between strided blocks, an output-padding row) holds 0 or its
    # bias from the start: it is final before the first frame, so the first frame shows it
    untouched = [(p, r, c) for p in outputs for r in range(panels.panels[p].rows) for c in range(panels.panels[p].cols)
                 if (p, r, c) not in last_touch]
    last_touch.update(dict.fromkeys(untouched, 0))
    frames = []
    for k, s in enumerate(scatters):
        source = (panels.mark("input", s.source[0], s.source[1], s.source[2:]),)
        targets = tuple(panels.mark("output", i[0], i[1], i[2:], _signed(format_value(product)))
                        for i, product in s.targets)
        reveals = tuple(Mark(*cell) for cell, at in last_touch.items() if at == k)
        kernel_panels = tuple(panels.where[("kernel", c, f, d)] for c, f in s.kernel for d in _depths(kernel.shape[2:]))
        label = s.text.split(":", 1)[0] if ":" in s.text else cell_label(tuple(s.source[2:]))
        frames.append(Frame(label, source, _spans(targets), kernel_panels, (), targets, reveals, (s.text,)))
    groups = (Group("input", f"input {_shape(input.shape[2:])}", tuple(inputs)),
              Group("kernel", f"kernel {_shape(kernel.shape[2:])}", tuple(kernels)),
              Group("output", f"output {_shape(output.shape[2:])}", tuple(outputs)))
    legend = ("yellow: the input cell that scatters; orange: the output cells it adds its value times the kernel "
              "to (+product in the corner); an output value appears once its last product is added"
              + ("; a cell no product reaches, from the first step" if untouched else "") + legend_note)
    return Scene(title, groups, ("scatter", "="), tuple(panels.panels), tuple(frames), legend)


def _signed(text: str) -> str:
    """'+2', '-5': what a scattered product adds to a cell."""
    return text if text.startswith("-") else "+" + text


def _axes(values: Sequence[int]) -> str:
    return ",".join(map(str, values)) if len(set(values)) > 1 else str(values[0])


def transposed_scene(result: Any) -> Scene:
    """A transposed convolution result (``cnncalc conv --transposed``) as scatter frames, one per input cell.

    The result is a ``cnncalc.transposed.TransposedResult``: its
    ``contributions()`` give each input cell's scattered block, already
    multiplied by the engine, with the output position of its first cell.
    """
    output = result.canonical
    sizes = output.shape[2:]
    scatters = []
    for c in result.contributions():
        targets = []
        for index in np.ndindex(*c.block.shape):
            f_in, *k = index
            position = tuple(o + kk * d for o, kk, d in zip(c.origin, k, result.dilation))
            if all(0 <= p < n for p, n in zip(position, sizes)):  # the padding crops the rest
                targets.append(((c.batch, c.filters[f_in], *position), c.block[index]))
        products = (", ".join(f"{format_value(v)} at {cell_label(result.user_index(i))}" for i, v in targets)
                    or "nothing: every product falls in the cropped padding")
        lead = tuple(i for i, n in ((c.batch, result.input.shape[0]), (c.channel, result.input.shape[1])) if n > 1)
        text = f"{cell_label(lead + tuple(c.index))}: {format_value(c.value)} × kernel adds {products}"
        kernel = tuple((c.channel, f_in) for f_in in range(len(c.filters)))
        scatters.append(Scatter((c.batch, c.channel, *c.index), tuple(targets), kernel, text))
    options = f"stride {_axes(result.stride)}, padding {_axes(result.padding)}"
    if any(result.output_padding):
        options += f", output padding {_axes(result.output_padding)}"
    if any(d != 1 for d in result.dilation):
        options += f", dilation {_axes(result.dilation)}"
    title = (f"transposed convolution of a {_shape(result.input.shape[2:])} input with a "
             f"{_shape(result.kernel.shape[2:])} kernel, {options} -> {_shape(output.shape[2:])}")
    note = "; every output also adds its filter's bias" if result.bias is not None else ""
    return scatter_scene(title, result.input, result.kernel, output, scatters, result.user_index, note)


def is_transposed(result: object) -> bool:
    """A transposed convolution result: it scatters (``contributions``) instead of sliding a window."""
    return hasattr(result, "contributions") and hasattr(result, "output_padding")


def scene_of(result: ConvResult | PoolResult | Any, cells: Sequence[tuple] | None = None) -> Scene:
    """The scene of any drawable result; ``cells`` (0-based output indices) limits a convolution's or a
    pooling's frames."""
    if isinstance(result, ConvResult):
        return conv_scene(result, None if cells is None else conv_steps(result, cells))
    if isinstance(result, PoolResult):
        return pool_scene(result, None if cells is None else pool_steps(result, cells))
    if is_transposed(result):  # one frame per input cell: ``cells`` (output cells) do not apply
        return transposed_scene(result)
    raise TypeError(f"cannot draw a {type(result).__name__}; draw a convolution or a pooling result")
