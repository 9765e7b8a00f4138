"""Printable sheets: each student's exercises with their own numbers, and the answer keys.

``sheets.html`` has one page per student (a page break between students when
printed): their name and id, for every exercise its statement, the givens of
their variant (seed from the roster, ``roster``), each question with its points
and room to work, and the blank answer file they hand in, their seed filled in.
``answer-keys.html`` has, for the same students in the same order, the worked
solution of each variant (the engine's references and steps, ``solution``).
Both are self-contained HTML (no script, no external file): print them from a
browser, or save them as PDF.

A convolution or pooling question carries its figure (``cnncalc.figures``,
drawn from the engine's result): on the sheet with the output as '?', on the
answer key with the first window worked and the whole output.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..exercises.answers import Answer
from ..exercises.exercise import Exercise, Question
from ..exercises.solution import solution_markdown
from . import Written
from .html import escape, givens_html, markdown_html
from .roster import Student, variant
from .template import answer_template

if TYPE_CHECKING:
    from ..figures.scene import Scene

#: Values a figure may hold and still be read on paper (a 10x10 image, its kernel and output: 173).
MAX_FIGURE_CELLS = 400

STYLE = """
body { font-family: Georgia, 'Times New Roman', serif; margin: 2em; color: #111; }
.page { break-after: page; page-break-after: always; }
.page:last-child { break-after: auto; page-break-after: auto; }
header { border-bottom: 2px solid #333; margin-bottom: 1em; }
header h1 { font-size: 1.4em; margin: 0; }
.who { font-size: 1.1em; }
h2 { font-size: 1.2em; margin-top: 1.2em; }
.question { margin: .8em 0; break-inside: avoid; }
.work { border: 1px dashed #aaa; min-height: 5em; margin: .3em 0 .8em; }
pre { background: #f6f6f6; padding: .6em; font-size: .8em; white-space: pre-wrap; }
table { border-collapse: collapse; }
td, th { border: 1px solid #999; padding: 2px 8px; text-align: right; }
.figure { margin: .5em 0; }
@media print { body { margin: 0; } .noprint { display: none; } }
"""


def figure_html(reference: Answer, answer: bool) -> str:
    """The figure of a convolution or pooling question (``cnncalc.figures``, the engine's own result):
    on the answer key the window of the first output cell, its products and the whole output; on the
    exercise sheet the same picture with every output value (and a flipped kernel) shown as '?'."""
    from ..conv import ConvResult
    from ..pool import PoolResult

    result = reference.detail
    if not isinstance(result, (ConvResult, PoolResult)):
        return ""
    from ..figures.files import drawn_cells
    from ..figures.scene import scene_of
    from ..figures.svg import scene_svg

    if drawn_cells(result) > MAX_FIGURE_CELLS:
        return ""  # too many values to read on paper; the tables of the givens are there
    scene = scene_of(result, [(0,) * result.output.ndim])
    if not answer:
        scene = question_scene(scene)
    return f'<div class="figure">{scene_svg(scene, 0)}</div>'


def question_scene(scene: Scene) -> Scene:
    """A figure that asks instead of answering: output cells and the flipped kernel as '?', no window."""
    hidden = set(scene.panel_index("output"))
    if scene.panel_index("kernel-given"):
        hidden |= set(scene.panel_index("kernel"))  # the flip is part of the answer
    panels = tuple(replace(p, texts=tuple(tuple("?" for _ in row) for row in p.texts)) if i in hidden else p
                   for i, p in enumerate(scene.panels))
    first = replace(scene.frames[0], label="", window=(), spans=(), winners=(), targets=(), reveals=(), lines=())
    return replace(scene, panels=panels, frames=(first,), legend="")


def _points(question: Question) -> str:
    from ..render import format_value

    return f"{format_value(question.points)} point{'s' * (question.points != 1)}" + \
        (", graded by hand" if question.manual else "")


def _document(title: str, pages: list[str]) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>\n"
            + "\n".join(pages) + "\n</body></html>\n")


def _header(student: Student, kind: str) -> str:
    ident = f" &middot; {escape(student.key)}" if student.key != student.name else ""
    return (f'<header><h1>{escape(kind)}</h1><p class="who"><strong>{escape(student.name)}</strong>{ident}</p>'
            "</header>")


def sheet_page(student: Student, exercises: list[Exercise]) -> str:
    """One student's exercise sheet."""
    parts = ['<section class="page">', _header(student, "Exercise sheet")]
    for original in exercises:
        exercise = variant(original, student.seed)
        seed = student.seed if original.variants else None
        parts.append(f"<h2>{escape(exercise.title)}</h2>")
        if seed is not None:
            parts.append(f"<p><em>Your variant: seed {seed}.</em></p>")
        if exercise.statement:
            parts.append(markdown_html(exercise.statement_text()))
        parts.append(givens_html(exercise))
        for question, reference in zip(exercise.questions, exercise.references()):
            parts.append(f'<div class="question"><p><strong>{escape(question.id)}</strong> ({_points(question)})</p>'
                         + markdown_html(exercise.prompt_text(question)) + figure_html(reference, answer=False)
                         + '<div class="work"></div></div>')
        parts.append("<p>Your answer file (fill in after each colon; how answers are read: docs/grading.md):</p>")
        parts.append(f"<pre>{escape(answer_template(exercise, seed))}</pre>")
    parts.append("</section>")
    return "\n".join(parts)


def key_page(student: Student, exercises: list[Exercise]) -> str:
    """One student's answer key: the worked solution of each of their variants."""
    parts = ['<section class="page">', _header(student, "Answer key")]
    for original in exercises:
        exercise = variant(original, student.seed)
        # every heading one level down: the solution's title is a section of this page
        markdown = "\n".join("#" + line if line.startswith("#") else line
                              for line in solution_markdown(exercise).splitlines())
        parts.append(markdown_html(markdown))
        figures = [(q.id, figure_html(ref, answer=True)) for q, ref in zip(exercise.questions, exercise.references())]
        if any(svg for _, svg in figures):
            parts.append("<h3>Figures</h3>" + "".join(f"<p><strong>{escape(qid)}</strong></p>{svg}"
                                                       for qid, svg in figures if svg))
    parts.append("</section>")
    return "\n".join(parts)


def write_sheets(exercises: list[Exercise], students: list[Student], out: str | os.PathLike) -> Written:
    """Write ``sheets.html`` and ``answer-keys.html`` (one page per student) into the folder ``out``."""
    if not students:
        raise InputError("sheets need --roster ROSTER.csv: one page per student")
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--out {out} is a file; name a folder for sheets.html and answer-keys.html")
    if not folder.parent.is_dir():
        raise InputError(f"--out {out}: the folder {folder.parent} does not exist; create it first")
    folder.mkdir(exist_ok=True)
    sheets = folder / "sheets.html"
    keys = folder / "answer-keys.html"
    sheets.write_text(_document("Exercise sheets", [sheet_page(s, exercises) for s in students]), encoding="utf-8")
    keys.write_text(_document("Answer keys", [key_page(s, exercises) for s in students]), encoding="utf-8")
    return Written([str(sheets), str(keys)], [f"{len(students)} student{'s' * (len(students) != 1)}, one page each"])


__all__ = ["write_sheets", "sheet_page", "key_page", "figure_html"]
