"""HTML for the platforms: Markdown text, matrices as tables, givens.

Every platform here shows HTML (Moodle and Canvas question text, PrairieLearn
panels, printable sheets).  Text from an exercise is Markdown and is rendered
with raw HTML disabled, so an exercise cannot inject markup; values are escaped.

>>> markdown_html("A **3x3** image <b>")
'<p>A <strong>3x3</strong> image &lt;b&gt;</p>'
>>> from cnncalc.values import Exact
>>> matrix_html(Exact.from_nested([[1, "1/9"]]))
'<table class="matrix" style="border-collapse:collapse"><tr><td style="border:1px
solid #999;padding:2px 8px;text-align:right">1</td><td style="border:1px solid
#999;padding:2px 8px;text-align:right">1/9</td></tr></table>'
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING

from ..values import Exact

if TYPE_CHECKING:
    from ..exercises.exercise import Exercise
    from ..exercises.scope import Given

# inline styles: Moodle and Canvas keep a style attribute but drop style sheets
TABLE_STYLE = "border-collapse:collapse"
CELL_STYLE = "border:1px solid #999;padding:2px 8px;text-align:right"


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown_html(text: str) -> str:
    """Markdown (CommonMark with tables) as HTML, raw HTML escaped."""
    return _markdown().render(text).strip()


def matrix_rows(array: Exact) -> list[tuple[str, list[list[object]]]]:
    """An array as titled 2-D grids of its values (a stack of channels: one grid each)."""
    import numpy as np

    values = array.reduced().values()
    if values.ndim == 0:
        return [("", [[values.item()]])]
    if values.ndim == 1:
        return [("", [list(values)])]
    if values.ndim == 2:
        return [("", [list(row) for row in values])]
    grids = []
    for lead in np.ndindex(*values.shape[:-2]):
        title = "channel " + ", ".join(str(i + 1) for i in lead)
        grids.append((title, [list(row) for row in values[lead]]))
    return grids


def matrix_html(array: Exact, cell: Callable[[tuple, object], str] | None = None) -> str:
    """A table of the array's values, or of ``cell(index, value)`` (a blank to fill in)."""
    from ..render import format_value

    parts = []
    shape = array.shape
    for g, (title, rows) in enumerate(matrix_rows(array)):
        if title:
            parts.append(f"<p><em>{escape(title)}</em></p>")
        body = []
        for i, row in enumerate(rows):
            cells = []
            for j, value in enumerate(row):
                index = _index(shape, g, i, j)
                cells.append(f'<td style="{CELL_STYLE}">{cell(index, value) if cell else escape(format_value(value))}</td>')
            body.append("<tr>" + "".join(cells) + "</tr>")
        parts.append(f'<table class="matrix" style="{TABLE_STYLE}">' + "".join(body) + "</table>")
    return "".join(parts)


def _index(shape: tuple, grid: int, i: int, j: int) -> tuple:
    import numpy as np

    if len(shape) <= 1:
        return (j,)
    if len(shape) == 2:
        return (i, j)
    lead = list(np.ndindex(*shape[:-2]))[grid]
    return tuple(lead) + (i, j)


def given_html(name: str, given: Given) -> str:
    """One given as a line (a number, a network) or a titled table (a matrix)."""
    from ..exercises.prompts import given_text

    if given.kind == "matrix":
        size = "x".join(map(str, given.value.shape))
        return f'<div class="given"><p><strong>{escape(name)}</strong> ({size}):</p>{matrix_html(given.value)}</div>'
    return f'<p class="given"><strong>{escape(name)}</strong> = <code>{escape(given_text(given))}</code></p>'


def givens_html(exercise: Exercise) -> str:
    """Every given of an exercise (a variant: its own numbers)."""
    return "".join(given_html(n, g) for n, g in exercise.givens.items())

__all__ = ["markdown_html", "matrix_html", "matrix_rows", "given_html", "givens_html", "escape"]
