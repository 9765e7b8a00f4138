"""Arrays as plain aligned text that fits a width, at any size.

An array is shown as titled 2-D slices ("sample 1 of 64, channel 3 of 10"),
each a grid of right-aligned values.  Every value that is shown is whole:

* a grid wider than the width is **wrapped** into blocks of columns, each
  headed "columns 1-13 of 26";
* a long run of rows, columns, values or slices is **elided** as a whole, and
  a note says which and how to see everything: "rows 9-37 of 45 not shown;
  --full, --json or --out FILE for all".  No cell is ever cut or replaced by
  an ellipsis.

Only the cells that are shown are formatted, so the cost follows what fits on
a screen, not the size of the array.  The functions return plain data
(:class:`Block` and :class:`Note` items) and plain text; ``terminal.py`` adds
the frame and the highlight with rich, other formatters (figures, notebooks)
can take the same items.

>>> from cnncalc.values import Exact
>>> print(grid_text(Exact.from_nested([[1, 20], [300, "1/9"]]), width=40))
  1   20
300  1/9
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from .cells import cell_texts
from .values import Exact

Cells = Exact | np.ndarray  # exact values, or their texts (an object array of str)
C = TypeVar("C", Exact, np.ndarray)  # the same kind of cells in and out
HOW_TO_SEE_ALL = "--full, --json or --out FILE for all"
GAP = 2  # spaces between columns


@dataclass(frozen=True)
class Limits:
    """How much of an array the default view shows.  A run longer than the
    limit shows ``edge`` items at each end and a note for the middle."""

    rows: int = 32
    edge_rows: int = 8
    columns: int = 32
    edge_columns: int = 8
    values: int = 1000  # a 1-D array
    edge_values: int = 100
    slices: int = 4  # per leading axis (samples, channels)
    edge_slices: int = 2


DEFAULT = Limits()
EVERYTHING = None  # limits=EVERYTHING shows every value (--full, --out)


@dataclass(frozen=True)
class Line:
    """One line of text; ``marks`` are (start, end, kind) spans, kind one of
    'highlight' (the current window), 'padding' (a padded zero), 'caption', 'note'."""

    text: str
    marks: tuple = ()


@dataclass(frozen=True)
class Block:
    """One framed slice: a title (empty for a plain matrix) and its lines."""

    title: str
    lines: tuple
    width: int = 0  # the widest line


@dataclass(frozen=True)
class Note:
    """A visible note for elided slices, between blocks."""

    text: str


@dataclass
class _Run:
    """Indices kept along one axis, and the elided range (1-based, inclusive)."""

    kept: list
    skipped: tuple | None = None
    split: int = field(default=-1)  # position in ``kept`` before which the gap lies


def _run(length: int, limit: int | None, edge: int) -> _Run:
    if limit is None or length <= limit:
        return _Run(list(range(length)))
    kept = list(range(edge)) + list(range(length - edge, length))
    return _Run(kept, (edge + 1, length - edge), edge)


def _elided(what: str, skipped: tuple | None, total: int, hint: str) -> str:
    assert skipped is not None  # asked where a run is split, which skips a part
    first, last = skipped
    span = f"{what[:-1]} {first}" if first == last else f"{what} {first}-{last}"
    return f"{span} of {total} not shown; {hint}"


def default_axis_names(ndim: int) -> tuple:
    """Names of the leading axes of an n-D array: (C, H, W) has channels,
    (N, C, H, W) samples and channels, (N, C, D, H, W) also depth."""
    return {3: ("channel",), 4: ("sample", "channel"), 5: ("sample", "channel", "depth")}.get(
        ndim, tuple(f"axis {i + 1}" for i in range(max(ndim - 2, 0))))


def _texts(part: Cells, digits: int | None) -> np.ndarray:
    """Cell texts of an :class:`Exact` part, or the part itself when the
    caller gave the texts (an object array of str)."""
    return cell_texts(part, digits) if isinstance(part, Exact) else part


def _take(array: Cells, rows: list, cols: list | None = None) -> Cells:
    """array[rows] (1-D) or array[rows, cols], for Exact arrays and text arrays."""
    index = (lambda a: a[rows]) if cols is None else (lambda a: a[np.ix_(rows, cols)])
    return array.transform(index) if isinstance(array, Exact) else index(array)


def blocks(array: Cells, width: int | None = 80, *, limits: Limits | None = DEFAULT, digits: int | None = None,
           axis_names: Sequence[str] | None = None, highlight: set | None = None, padding: set | None = None,
           hint: str = HOW_TO_SEE_ALL) -> list:
    """The array as :class:`Block` and :class:`Note` items whose lines fit
    ``width`` characters (``None``: no limit, one line per row).

    ``array`` is an :class:`Exact` array, or an object array of cell texts
    when the caller writes the values itself (decimals, named sums).

    ``highlight`` and ``padding`` hold (row, col) cells of a 2-D array to mark.
    """
    if array.size == 0:
        return [Block("", (Line("(no values)"),), 11)]
    if array.ndim <= 2:
        return [Block("", *_slice_lines(array, width, limits, digits, highlight, padding, hint))]
    lead = array.ndim - 2
    names = tuple(axis_names) if axis_names is not None else default_axis_names(array.ndim)
    names = names + tuple(f"axis {i + 1}" for i in range(len(names), lead))
    out: list = []
    for item in _walk(array.shape[:lead], names[:lead], limits, hint):
        if isinstance(item, Note):
            out.append(item)
            continue
        index, title = item
        out.append(Block(title, *_slice_lines(array[index], width, limits, digits, highlight, padding, hint)))
    return out


def _walk(shape: tuple, names: tuple, limits: Limits | None, hint: str) -> Iterator:
    """(index, title) of each shown slice in order, and a Note where a run is elided."""
    limit, edge = (None, 0) if limits is None else (limits.slices, limits.edge_slices)
    run = _run(shape[0], limit, edge)
    for position, i in enumerate(run.kept):
        if position == run.split:
            yield Note(_elided(names[0] + "s", run.skipped, shape[0], hint))
        label = f"{names[0]} {i + 1} of {shape[0]}"
        if len(shape) == 1:
            yield (i,), label
            continue
        for item in _walk(shape[1:], names[1:], limits, hint):
            if isinstance(item, Note):
                yield item
            else:
                yield (i,) + item[0], f"{label}, {item[1]}"


def _slice_lines(array: Cells, width: int | None, limits: Limits | None, digits: int | None, highlight: set | None,
                 padding: set | None, hint: str) -> tuple[tuple, int]:
    lines = _vector_lines(array, width, limits, digits, hint) if array.ndim <= 1 else \
        _matrix_lines(array, width, limits, digits, highlight, padding, hint)
    return tuple(lines), max((len(line.text) for line in lines), default=0)


def _vector_lines(array: Cells, width: int | None, limits: Limits | None, digits: int | None,
                  hint: str) -> list[Line]:
    """A 1-D array: values in aligned columns, as many per line as fit; when
    there are several lines, each starts with the 1-based index of its first value."""
    values = array.reshape(-1)
    n = values.size
    run = _run(n, None if limits is None else limits.values, 0 if limits is None else limits.edge_values)
    shown = _take(values, run.kept) if run.skipped else values
    texts = _texts(shown, digits).tolist()
    cell = max(map(len, texts), default=1)
    if not run.skipped and (width is None or n * (cell + GAP) - GAP <= width):
        return [Line((" " * GAP).join(t.rjust(cell) for t in texts))]
    label = len(f"[{n}]")
    per_line = max(1, (width - label - 1 + GAP) // (cell + GAP)) if width is not None else n
    groups = [run.kept] if not run.skipped else [run.kept[:run.split], run.kept[run.split:]]
    lines: list[Line] = []
    position = 0
    for g, group in enumerate(groups):
        if g == 1:
            note = _elided("values", run.skipped, n, hint)
            lines.append(Line(note, ((0, len(note), "note"),)))
        for start in range(0, len(group), per_line):
            chunk = texts[position + start:position + min(start + per_line, len(group))]
            prefix = f"[{group[start] + 1}]".rjust(label)
            lines.append(Line(prefix + " " + (" " * GAP).join(t.rjust(cell) for t in chunk),
                              ((0, label, "caption"),)))
        position += len(group)
    return lines


def _matrix_lines(array: Cells, width: int | None, limits: Limits | None, digits: int | None,
                  highlight: set | None, padding: set | None, hint: str) -> list[Line]:
    """A 2-D array: aligned columns, split into blocks that fit ``width``;
    elided rows and columns replaced by one note line each."""
    rows, cols = array.shape
    row_run = _run(rows, None if limits is None else limits.rows, 0 if limits is None else limits.edge_rows)
    col_run = _run(cols, None if limits is None else limits.columns, 0 if limits is None else limits.edge_columns)
    part = array
    if row_run.skipped or col_run.skipped:
        part = _take(array, row_run.kept, col_run.kept)
    texts = np.array(_texts(part, digits), dtype=object)  # a copy: brackets are written into it
    marked = {}
    if highlight is not None or padding:
        for r_pos, r in enumerate(row_run.kept):
            for c_pos, c in enumerate(col_run.kept):
                if highlight is not None:
                    # brackets keep the window visible where colours are not shown;
                    # every other cell gets spaces in their place, so digits stay aligned
                    inside = (r, c) in highlight
                    texts[r_pos, c_pos] = f"[{texts[r_pos, c_pos]}]" if inside else f" {texts[r_pos, c_pos]} "
                    if inside:
                        marked[r_pos, c_pos] = "highlight"
                        continue
                if padding and (r, c) in padding:
                    marked[r_pos, c_pos] = "padding"
    lengths = np.frompyfunc(len, 1, 1)(texts).astype(np.int64)
    widths = lengths.max(axis=0).tolist()
    # every cell right-aligned to its column at once; a row is then one join
    aligned = np.strings.rjust(texts.astype(np.dtypes.StringDType()), np.asarray(widths)).tolist()
    column_blocks = _column_blocks(widths, width, col_run)
    lines: list[Line] = []
    captioned = len(column_blocks) > 1 or col_run.skipped
    gap = " " * GAP
    for b, columns in enumerate(column_blocks):
        if col_run.skipped and columns[0] == col_run.split and b > 0:
            note = _elided("columns", col_run.skipped, cols, hint)
            lines.append(Line(note, ((0, len(note), "note"),)))
        if captioned:
            first, last = col_run.kept[columns[0]] + 1, col_run.kept[columns[-1]] + 1
            caption = f"columns {first}-{last} of {cols}" if first != last else f"column {first} of {cols}"
            lines.append(Line(caption, ((0, len(caption), "caption"),)))
        lo, hi = columns[0], columns[-1] + 1
        starts = np.concatenate([[0], np.cumsum(np.asarray(widths[lo:hi]) + GAP)]).tolist()
        for r_pos, row in enumerate(aligned):
            if r_pos == row_run.split:
                note = _elided("rows", row_run.skipped, rows, hint)
                lines.append(Line(note, ((0, len(note), "note"),)))
            marks: tuple[tuple[Any, ...], ...] = ()
            if marked:
                marks = tuple(_mark(starts[j - lo], widths[j], lengths[r_pos, j], marked[r_pos, j])
                              for j in range(lo, hi) if (r_pos, j) in marked)
            lines.append(Line(gap.join(row[lo:hi]), marks))
    return lines


def _mark(start: int, width: int, length: int, kind: str) -> tuple:
    """The span of one marked cell: a highlighted one with its brackets, a
    padded zero without the spaces that stand in for them."""
    end = start + width
    if kind == "highlight":
        return (end - length, end, kind)
    return (end - length + 1, end - 1, kind) if length > 1 else (end - length, end, kind)


def _column_blocks(widths: list, width: int | None, run: _Run) -> list[list]:
    """Positions of the shown columns, split into blocks that fit ``width``
    (and at the gap of elided columns)."""
    segments = [list(range(len(widths)))] if not run.skipped else \
        [list(range(run.split)), list(range(run.split, len(widths)))]
    out = []
    for segment in segments:
        current: list[int] = []
        used = 0
        for j in segment:
            need = widths[j] + (GAP if current else 0)
            if current and width is not None and used + need > width:
                out.append(current)
                current, used = [], 0
                need = widths[j]
            current.append(j)
            used += need
        out.append(current)
    return out


def labelled_slices(array: C, axis_names: Sequence[str] | None = None) -> Iterator[tuple[str, C]]:
    """Every 2-D (or 1-D) slice with its title, for documents that hold
    everything (Markdown, LaTeX): ("sample 1 of 2, channel 1 of 3", slice).

    >>> from cnncalc.values import Exact
    >>> [title for title, _ in labelled_slices(Exact.from_nested([[[1]], [[2]]]))]
    ['channel 1 of 2', 'channel 2 of 2']
    """
    if array.ndim <= 2:
        yield "", array
        return
    lead = array.ndim - 2
    names = tuple(axis_names) if axis_names is not None else default_axis_names(array.ndim)
    names = names + tuple(f"axis {i + 1}" for i in range(len(names), lead))
    for index, title in _walk(array.shape[:lead], names[:lead], EVERYTHING, ""):
        yield title, array[index]


def grid_text(array: Cells, width: int | None = 80, **options: Any) -> str:
    """The array as plain text: titles, grids and notes (no frame, no colour).

    >>> from cnncalc.values import Exact
    >>> print(grid_text(Exact.from_nested(list(range(1, 13))), width=22))
     [1]  1   2   3   4
     [5]  5   6   7   8
     [9]  9  10  11  12
    """
    parts = []
    for item in blocks(array, width, **options):
        if isinstance(item, Note):
            parts.append(item.text)
        else:
            parts.append("\n".join(([item.title] if item.title else []) + [line.text for line in item.lines]))
    return "\n".join(parts)
