"""Printable sheets: each student's exercises with their own numbers, and the answer keys.

``sheets.html`` has one page per student (a page break between students when
printed): their name and id, for every exercise its statement, the givens of
their variant (seed from the roster, ``roster``), each question with its points
and room to work, and the blank answer file they hand in, their seed filled in.
``answer-keys.html`` has, for the same students in the same order, the worked
solution of each variant (the engine's references and steps, ``solution``).
Both are self-contained HTML (no script, no external file): print them from a
browser, or save them as PDF.

Figures: where cnncalc can draw a question's operation (the pictures of
issue 15, ``cnncalc.figures``), :func:`figure_html` is the one place that puts
them on the sheet; until that package is part of cnncalc it returns nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError
from ..exercises.exercise import Exercise, Question
from ..exercises.solution import solution_markdown
from . import Written
from .html import escape, givens_html, markdown_html
from .roster import Student, variant
from .template import answer_template

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


def figure_html(exercise: Exercise, question: Question) -> str:
    """The figure of a question's operation for this variant, where cnncalc can draw one.

    FIGURES (issue 15): cnncalc.figures draws a convolution or pooling from the
    engine's result; when it is part of cnncalc, this is where the SVG of the
    question's reference goes (``exercise.references()``, conv and pool
    questions).  Until then the sheets have no pictures and the export says so."""
    return ""


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
        for question in exercise.questions:
            parts.append(f'<div class="question"><p><strong>{escape(question.id)}</strong> ({_points(question)})</p>'
                         + markdown_html(exercise.prompt_text(question)) + figure_html(exercise, question)
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
    notes = [f"{len(students)} students, one page each"]
    if not _figures_available():
        notes.append("no figures: cnncalc.figures (issue 15) is not part of this cnncalc yet")
    return Written([str(sheets), str(keys)], notes)


def _figures_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("cnncalc.figures") is not None


__all__ = ["write_sheets", "sheet_page", "key_page", "figure_html"]
