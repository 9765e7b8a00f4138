"""Moodle XML: a category per exercise, one Cloze (embedded answers) question per variant.

A Cloze question is HTML with blanks (Moodle's ``qtype_multianswer``):
``{WEIGHT:NUMERICAL:=VALUE:MARGIN~=VALUE:MARGIN}`` for a number,
``{WEIGHT:SHORTANSWER:=text~%50%*word*}`` for text (case ignored, ``*`` a
wildcard), ``{WEIGHT:MULTICHOICE:=right~wrong}`` for a choice.  Weights are whole
numbers, so each question's points are scaled by one factor for the whole
exercise (a 3-point 2x2 matrix at factor 4 is four blanks of weight 3); Moodle
scales the Cloze to the quiz's mark.  Every number and matrix cell is a blank of
its own, so a matrix earns credit per cell, as cnncalc grades it.  The worked
solution of the variant is the general feedback.  A question graded by a person
becomes an Essay question beside the Cloze, with the reference as grader
information.  In a quiz, a *random question* from the exercise's category gives
each student one variant.

What Moodle cannot hold, and how it is asked instead (``Written.notes`` lists
each case):

- an exact fraction whose decimal does not end (103/9): NUMERICAL reads
  decimals only, so the blank accepts what cnncalc accepts besides the fraction:
  each correct rounding of 3 to 10 significant figures (11.4, 11.44, 11.444, ...),
  and the student is told so; where the question is ``exact`` (only the fraction
  earns full credit), the blank is a SHORTANSWER taking the reduced fraction as
  text (``103/9``; not 206/18), the rounded decimals at its ``rounded_credit``;
- a formula (795*H + 10): Cloze has no algebra, so a SHORTANSWER accepts the
  spellings cnncalc writes (``fields.formula_spellings``); other equivalent forms
  are marked wrong and need a manual regrade;
- text answers: matched as typed (case ignored) against the phrases cnncalc
  lists (the exercise's ``accept``, a kernel's synonyms); cnncalc's reading
  (punctuation, negation, partial credit) is lost, and an exercise's key words
  become ``*word*`` wildcards at the share of one word.

>>> print(cloze_escape("795*H + 10"), cloze_escape("a}b#c~d"), cloze_escape("1211/9"))
795\\*H + 10 a\\}b\\#c\\~d 1211/9
"""

from __future__ import annotations

import math
import os
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

from ..errors import InputError
from ..exercises.answers import Answer
from ..exercises.exercise import Exercise, Question
from ..exercises.solution import solution_markdown
from ..files import write_text
from . import Written
from .fields import ChoiceField, Field, ManualField, NumberField, TextField, exercise_fields
from .html import escape, givens_html, markdown_html, matrix_html
from .roster import variant


def cloze_escape(text: str) -> str:
    """An answer as Cloze reads it: } and # escaped with a backslash (Moodle's parser removes
    those), ~ too (it would end the answer), and * (a short answer's wildcard) as \\*."""
    out = []
    for ch in text:
        out.append("\\" + ch if ch in "}#~*" else ch)
    return escape("".join(out), quote=False)


def weight_factor(fields: list[Field]) -> int:
    """The smallest whole number that makes every blank's points a whole weight.

    >>> weight_factor([NumberField("", 1, Fraction(3, 4), None), NumberField("", 1, Fraction(1, 3), None)])
    12
    """
    factor = 1
    for f in fields:
        if not isinstance(f, ManualField):
            factor = math.lcm(factor, Fraction(f.points).denominator)
    return factor


def blank(field: Field, factor: int, hint: bool = True) -> str:
    """One Cloze blank for a field (its weight is its points times ``factor``), and what the
    student is told about it (``hint``: after the blank)."""
    weight = int(field.points * factor)
    if isinstance(field, NumberField) and field.needs_fraction:
        # an exact question: only the fraction earns full credit, and NUMERICAL reads no fractions
        alternatives = [f"={cloze_escape(text)}" for text in field.fraction_spellings()]
        alternatives += [f"%{int(a.credit * 100)}%{cloze_escape(a.value)}" for a in field.decimal().alternatives]
        told = " <em>(the exact fraction, such as 7/3)</em>" if hint else ""
        return "{" + f"{weight}:SHORTANSWER:" + "~".join(alternatives) + "}" + told
    if isinstance(field, NumberField):
        answer = field.decimal()
        numbers = "~".join(("=" if a.credit == 1 else f"%{int(a.credit * 100)}%") + f"{a.value}:{a.margin}"
                           for a in answer.alternatives)
        told = f" <em>({escape(answer.instruction)})</em>" if answer.instruction and hint else ""
        return "{" + f"{weight}:NUMERICAL:{numbers}" + "}" + told
    if isinstance(field, TextField):
        alternatives = [f"={cloze_escape(text)}" for text in field.accepted]
        if field.keywords:
            share = 100 // len(field.keywords)
            alternatives += [f"%{share}%*{cloze_escape(word)}*" for word in field.keywords]
        formula = " <em>(a formula)</em>" if field.kind == "formula" else ""
        return "{" + f"{weight}:SHORTANSWER:" + "~".join(alternatives) + "}" + formula
    if isinstance(field, ChoiceField):
        options = [("=" if c == field.answer else "") + cloze_escape(c) for c in field.choices]
        return "{" + f"{weight}:MULTICHOICE:" + "~".join(options) + "}"
    raise TypeError(f"no Cloze blank for {type(field).__name__}")


def _question_html(question: Question, reference: Answer, fields: list[Field], factor: int, prompt: str) -> str:
    from ..render import format_value

    points = format_value(question.points)
    head = (f"<p><strong>{escape(question.id)}</strong> ({points} point{'s' * (question.points != 1)}): "
            f"{markdown_html(prompt).removeprefix('<p>').removesuffix('</p>')}</p>")
    if fields and isinstance(fields[0], ManualField):
        return head + "<p><em>Answered in the essay question that follows (graded by hand).</em></p>"
    if reference.kind == "matrix":
        by_cell = {getattr(f, "cell", None): f for f in fields}
        numbers = [f for f in fields if isinstance(f, NumberField)]
        note = ""
        if any(f.needs_fraction for f in numbers):
            note += "<p><em>Give exact values: a fraction such as 7/3 where the decimal does not end.</em></p>"
        elif any(not f.decimal().exact for f in numbers):
            note += ("<p><em>A cell whose value has no finite decimal: type a decimal of 3 to 10 significant "
                     "figures (fractions cannot be typed here).</em></p>")
        if numbers and not question.tolerance.exact:
            note += f"<p><em>Every cell: {escape(numbers[0].decimal().instruction.split('; ')[-1])}.</em></p>"
        return head + matrix_html(reference.value, lambda index, _value: blank(by_cell[index], factor, False)) + note
    if reference.kind == "shape":
        return head + "<p>" + " × ".join(f"{escape(f.label)} {blank(f, factor)}" for f in fields) + "</p>"
    return head + "<p>" + blank(fields[0], factor) + "</p>"


def cloze_text(exercise: Exercise) -> tuple[str, list[tuple]]:
    """The Cloze question text of one exercise (a variant: its own numbers), and
    its (question, reference, fields)."""
    items = exercise_fields(exercise)
    factor = weight_factor([f for _, _, fields in items for f in fields])
    parts = [f"<h4>{escape(exercise.title)}</h4>"]
    if exercise.statement:
        parts.append(markdown_html(exercise.statement_text()))
    parts.append(givens_html(exercise))
    for question, reference, fields in items:
        parts.append(_question_html(question, reference, fields, factor, exercise.prompt_text(question)))
    return "\n".join(parts), items


def _text(parent: ET.Element, tag: str, text: str, html: bool = False) -> ET.Element:
    node = ET.SubElement(parent, tag, {"format": "html"} if html else {})
    ET.SubElement(node, "text").text = text
    return node


def _name(parent: ET.Element, text: str) -> None:
    ET.SubElement(ET.SubElement(parent, "name"), "text").text = text


def moodle_xml(exercises: list[Exercise], seeds: list[int]) -> tuple[str, list[str]]:
    """The Moodle XML of the exercises (variants for ``seeds`` where an exercise has
    ``variants:``) and the notes on what Moodle cannot express."""
    quiz = ET.Element("quiz")
    lossy: dict[str, set[str]] = {}
    fractions: set[str] = set()
    formulas: set[str] = set()
    keywords: set[str] = set()
    for original in exercises:
        category = ET.SubElement(quiz, "question", {"type": "category"})
        _text(category, "category", f"$course$/top/cnncalc/{original.id}")
        _text(category, "info", escape(original.title), html=True)
        for seed in (seeds if original.variants else [None]):
            exercise = variant(original, seed)
            label = original.id + (f", seed {seed}" if seed is not None else "")
            html_text, items = cloze_text(exercise)
            cloze = ET.SubElement(quiz, "question", {"type": "cloze"})
            _name(cloze, label)
            _text(cloze, "questiontext", html_text, html=True)
            _text(cloze, "generalfeedback", markdown_html(solution_markdown(exercise)), html=True)
            ET.SubElement(cloze, "penalty").text = "0.3333333"
            ET.SubElement(cloze, "hidden").text = "0"
            ET.SubElement(cloze, "idnumber").text = original.id + (f"-seed{seed}" if seed is not None else "")
            for question, _reference, fields in items:
                where = f"{original.id}/{question.id}"
                for field in fields:
                    if isinstance(field, NumberField) and field.needs_fraction:
                        fractions.add(where)
                    elif isinstance(field, NumberField) and not field.decimal().exact:
                        lossy.setdefault(where, set()).add(field.label or "the value")
                    if isinstance(field, TextField) and field.kind == "formula":
                        formulas.add(where)
                    if isinstance(field, TextField) and field.kind == "text":
                        keywords.add(where)
                if fields and isinstance(fields[0], ManualField):
                    _essay(quiz, f"{label}: {question.id}", exercise.prompt_text(question), fields[0],
                           question.points)
    ET.indent(quiz)
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"
    notes = []
    if lossy:
        notes.append("fractions without a finite decimal asked as decimals of 3 to 10 significant figures (Moodle's "
                     "numerical blanks read no fractions): "
                     + ", ".join(f"{w} ({_count(cells)})" for w, cells in sorted(lossy.items())))
    if fractions:
        notes.append("exact fractions (exact: true questions) asked as short answers: only the reduced fraction "
                     "p/q is recognised, not 2422/18 or a decimal: " + ", ".join(sorted(fractions)))
    if formulas:
        notes.append("formulas asked as short answers that accept cnncalc's spellings only (Moodle has no algebra): "
                     + ", ".join(sorted(formulas)))
    if keywords:
        notes.append("text answers matched as typed (case ignored) against the phrases cnncalc lists; cnncalc's "
                     "reading (punctuation, negation, partial credit for key words) is lost, key words become "
                     "*word* wildcards where the exercise lists them: " + ", ".join(sorted(keywords)))
    return text, notes


def _count(cells: set[str]) -> str:
    return "the value" if cells == {"the value"} else "matrix cells"


def _essay(quiz: ET.Element, name: str, prompt: str, field: ManualField, points: Fraction) -> None:
    essay = ET.SubElement(quiz, "question", {"type": "essay"})
    _name(essay, name)
    _text(essay, "questiontext", markdown_html(prompt), html=True)
    _text(essay, "generalfeedback", "", html=True)
    ET.SubElement(essay, "defaultgrade").text = str(float(points))
    ET.SubElement(essay, "penalty").text = "0"
    ET.SubElement(essay, "hidden").text = "0"
    ET.SubElement(essay, "responseformat").text = "editor"
    ET.SubElement(essay, "responserequired").text = "1"
    ET.SubElement(essay, "responsefieldlines").text = "15"
    ET.SubElement(essay, "attachments").text = "0"
    _text(essay, "graderinfo", "<p>Reference (computed by cnncalc):</p>" + markdown_html(field.reference), html=True)
    _text(essay, "responsetemplate", "", html=True)


def write_moodle(exercises: list[Exercise], seeds: list[int], out: str | os.PathLike) -> Written:
    target = Path(out)
    if target.is_dir():
        target = target / "cnncalc-moodle.xml"
    if not target.parent.is_dir():
        raise InputError(f"--out {out}: the folder {target.parent} does not exist; create it first")
    text, notes = moodle_xml(exercises, seeds)
    write_text(target, text, "Moodle quiz")
    return Written([str(target)], notes)


__all__ = ["moodle_xml", "write_moodle", "cloze_text", "blank", "cloze_escape", "weight_factor"]
