"""Canvas: a QTI 1.2 zip (Course settings > Import course content > QTI .zip file).

The package follows what Canvas itself exports (``lib/cc/qti`` of canvas-lms)
and imports: ``imsmanifest.xml`` listing one assessment per variant, each in a
folder with its QTI file (``questestinterop`` > ``assessment`` > ``section``) and
Canvas's ``assessment_meta.xml``.  Per field (``fields``):

- a number, a matrix cell, a size: a ``numerical_question`` whose answers are
  what cnncalc accepts, as decimals (``fields.decimal_answer``: the exact decimal,
  each correct rounding of 3 or more significant figures, the tolerance as a
  margin), each checked as
  ``<or><varequal>V</varequal><and><vargte>V - m</vargte><varlte>V + m</varlte></and></or>``
  (Canvas's "exact answer with margin");
- text and formulas: a ``short_answer_question`` accepting each listed spelling;
- a choice: a ``multiple_choice_question``; a question graded by a person: an
  ``essay_question``; a question of several fields opens with a
  ``text_only_question`` holding its prompt.

The exercise's statement and the variant's givens are the quiz description.
Each variant is a quiz of its own (Canvas's question groups draw questions, not
whole variants), to assign to students or sections ("Assign to").

What Canvas cannot hold, and how it is asked instead: a fraction whose decimal
does not end (874/9) as decimals of 3 to 10 significant figures, or, where the
question is ``exact``, as a short answer taking the reduced fraction as text
(partial credit for a rounded decimal is left out); formulas as the
spellings cnncalc writes; key words not at all (a short answer is right or
wrong); points of a matrix cell that do not end (3 points over 9 cells) rounded
to 4 decimals with the remainder on the last cell, so each question's points stay
exact.

>>> [decimal_text(p) for p in cell_points([Fraction(1, 3)] * 3)]
['0.3333', '0.3333', '0.3334']
"""

from __future__ import annotations

import io
import os
import re
import xml.etree.ElementTree as ET
import zipfile
from fractions import Fraction
from pathlib import Path

from ..errors import InputError
from ..exercises.answers import Answer
from ..exercises.exercise import Exercise
from . import Written
from .bundle import zip_write
from .fields import (
    ChoiceField,
    Field,
    ManualField,
    NumberField,
    TextField,
    decimal_text,
    exercise_fields,
    round_places,
    terminates,
)
from .html import escape, givens_html, markdown_html
from .roster import variant

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
POINT_PLACES = 4


def cell_points(points: list[Fraction]) -> list[Fraction]:
    """Points per item as decimals Canvas keeps (4 places), adding up to the exact total."""
    if all(terminates(p) and p == round_places(p, POINT_PLACES) for p in points):
        return list(points)
    rounded = [round_places(p, POINT_PLACES) for p in points]
    rounded[-1] += sum(points, Fraction(0)) - sum(rounded, Fraction(0))
    return rounded


def _ident(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]+", "_", text)


def _meta(item: ET.Element, fields: dict[str, str]) -> None:
    qtimetadata = ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata")
    for label, entry in fields.items():
        field = ET.SubElement(qtimetadata, "qtimetadatafield")
        ET.SubElement(field, "fieldlabel").text = label
        ET.SubElement(field, "fieldentry").text = entry


def _material(parent: ET.Element, html_text: str) -> None:
    ET.SubElement(ET.SubElement(parent, "material"), "mattext", {"texttype": "text/html"}).text = html_text


def _outcomes(resprocessing: ET.Element) -> None:
    ET.SubElement(ET.SubElement(resprocessing, "outcomes"), "decvar",
                  {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"})


def _full_score(respcondition: ET.Element) -> None:
    ET.SubElement(respcondition, "setvar", {"action": "Set", "varname": "SCORE"}).text = "100"


def _feedback(item: ET.Element, resprocessing: ET.Element, html_text: str) -> None:
    """General feedback (shown after answering): the exact answer and its step."""
    condition = ET.Element("respcondition", {"continue": "Yes"})
    ET.SubElement(ET.SubElement(condition, "conditionvar"), "other")
    ET.SubElement(condition, "displayfeedback", {"feedbacktype": "Response", "linkrefid": "general_fb"})
    resprocessing.insert(1, condition)
    feedback = ET.SubElement(item, "itemfeedback", {"ident": "general_fb"})
    _material(ET.SubElement(feedback, "flow_mat"), html_text)


def _item(section: ET.Element, ident: str, title: str, kind: str, points: Fraction, html_text: str) -> ET.Element:
    item = ET.SubElement(section, "item", {"ident": ident, "title": title})
    _meta(item, {"question_type": kind, "points_possible": decimal_text(points), "original_answer_ids": ""})
    presentation = ET.SubElement(item, "presentation")
    _material(presentation, html_text)
    return item


def _numerical(section: ET.Element, ident: str, title: str, field: NumberField, text: str, feedback: str,
               points: Fraction) -> None:
    answer = field.decimal()
    if answer.instruction:
        text += f"<p><em>({escape(answer.instruction)})</em></p>"
    item = _item(section, ident, title, "numerical_question", points, text)
    response = ET.SubElement(_presentation(item), "response_str", {"ident": "response1", "rcardinality": "Single"})
    ET.SubElement(ET.SubElement(response, "render_fib", {"fibtype": "Decimal"}), "response_label", {"ident": "answer1"})
    resprocessing = ET.SubElement(item, "resprocessing")
    _outcomes(resprocessing)
    # Canvas gives every answer of a numerical question full marks: a rounded decimal of an exact: true
    # question is therefore left out rather than given full credit (the export's notes say so)
    for accepted in answer.alternatives:
        if accepted.credit < 1:
            continue
        condition = ET.SubElement(resprocessing, "respcondition", {"continue": "No"})
        either = ET.SubElement(ET.SubElement(condition, "conditionvar"), "or")
        ET.SubElement(either, "varequal", {"respident": "response1"}).text = accepted.value
        both = ET.SubElement(either, "and")
        low = Fraction(accepted.value) - Fraction(accepted.margin)
        high = Fraction(accepted.value) + Fraction(accepted.margin)
        ET.SubElement(both, "vargte", {"respident": "response1"}).text = decimal_text(low)
        ET.SubElement(both, "varlte", {"respident": "response1"}).text = decimal_text(high)
        _full_score(condition)
    _feedback(item, resprocessing, feedback)


def _short_answer(section: ET.Element, ident: str, title: str, field: TextField, text: str, feedback: str,
                  points: Fraction) -> None:
    item = _item(section, ident, title, "short_answer_question", points, text)
    response = ET.SubElement(_presentation(item), "response_str", {"ident": "response1", "rcardinality": "Single"})
    ET.SubElement(ET.SubElement(response, "render_fib"), "response_label", {"ident": "answer1", "rshuffle": "No"})
    resprocessing = ET.SubElement(item, "resprocessing")
    _outcomes(resprocessing)
    condition = ET.SubElement(resprocessing, "respcondition", {"continue": "No"})
    variables = ET.SubElement(condition, "conditionvar")
    for spelling in field.accepted:
        ET.SubElement(variables, "varequal", {"respident": "response1"}).text = spelling
    _full_score(condition)
    _feedback(item, resprocessing, feedback)


def _choice(section: ET.Element, ident: str, title: str, field: ChoiceField, text: str, feedback: str,
            points: Fraction) -> None:
    item = _item(section, ident, title, "multiple_choice_question", points, text)
    response = ET.SubElement(_presentation(item), "response_lid", {"ident": "response1", "rcardinality": "Single"})
    render = ET.SubElement(response, "render_choice")
    for k, choice in enumerate(field.choices):
        _material(ET.SubElement(render, "response_label", {"ident": f"{ident}_{k}"}), escape(choice))
    resprocessing = ET.SubElement(item, "resprocessing")
    _outcomes(resprocessing)
    condition = ET.SubElement(resprocessing, "respcondition", {"continue": "No"})
    right = field.choices.index(field.answer)
    ET.SubElement(ET.SubElement(condition, "conditionvar"), "varequal", {"respident": "response1"}).text = \
        f"{ident}_{right}"
    _full_score(condition)
    _feedback(item, resprocessing, feedback)


def _essay(section: ET.Element, ident: str, title: str, field: ManualField, text: str, feedback: str,
           points: Fraction) -> None:
    item = _item(section, ident, title, "essay_question", points, text)
    response = ET.SubElement(_presentation(item), "response_str", {"ident": "response1", "rcardinality": "Single"})
    ET.SubElement(ET.SubElement(response, "render_fib"), "response_label", {"ident": "answer1", "rshuffle": "No"})
    resprocessing = ET.SubElement(item, "resprocessing")
    _outcomes(resprocessing)
    ET.SubElement(ET.SubElement(ET.SubElement(resprocessing, "respcondition", {"continue": "No"}), "conditionvar"),
                  "other")
    _feedback(item, resprocessing, feedback)


def _text_only(section: ET.Element, ident: str, title: str, text: str) -> None:
    item = ET.SubElement(section, "item", {"ident": ident, "title": title})
    _meta(item, {"question_type": "text_only_question", "points_possible": "0", "original_answer_ids": ""})
    _material(ET.SubElement(item, "presentation"), text)


def _presentation(item: ET.Element) -> ET.Element:
    """The item's presentation element (every item made by _item has one)."""
    found = item.find("presentation")
    assert found is not None
    return found


def _cell_step(reference: Answer, field: Field) -> str:
    """The worked step of one matrix cell, when the reference has one."""
    from ..render import cell_label

    cell = getattr(field, "cell", None)
    if cell is None or not reference.steps:
        return ""
    label = cell_label(cell)
    return next((s for s in reference.steps if str(s).startswith(label + ":")), "")


def assessment_xml(exercise: Exercise, ident: str, title: str) -> tuple[str, Fraction, list[tuple]]:
    """The QTI assessment of one exercise (a variant: its own numbers), its points and its fields."""
    from ..render import format_value

    root = ET.Element("questestinterop", {"xmlns": QTI_NS})
    assessment = ET.SubElement(root, "assessment", {"ident": ident, "title": title})
    meta = ET.SubElement(ET.SubElement(assessment, "qtimetadata"), "qtimetadatafield")
    ET.SubElement(meta, "fieldlabel").text = "cc_maxattempts"
    ET.SubElement(meta, "fieldentry").text = "1"
    section = ET.SubElement(assessment, "section", {"ident": "root_section"})
    items = exercise_fields(exercise)
    total = Fraction(0)
    for n, (question, reference, fields) in enumerate(items, start=1):
        prompt = markdown_html(exercise.prompt_text(question))
        head = f"<p><strong>{escape(question.id)}</strong></p>"
        points = cell_points([f.points for f in fields])
        total += sum(points, Fraction(0)) if not isinstance(fields[0], ManualField) else question.points
        several = len(fields) > 1
        if several:
            _text_only(section, f"{ident}_q{n}", question.id, head + prompt)
        solution = "".join(f"<li>{escape(str(s))}</li>" for s in reference.steps[-3:] if reference.kind != "text")
        for k, (field, share) in enumerate(zip(fields, points), start=1):
            item_ident = f"{ident}_q{n}_{k}"
            title = f"{question.id}: {field.label}" if field.label else question.id
            text = (f"<p>{escape(question.id)}, {escape(field.label)}:</p>" if several else head + prompt)
            if isinstance(field, NumberField) and field.needs_fraction:
                # an exact question: only the fraction earns credit, and a numerical question reads none
                fraction = TextField(field.label, field.fraction_spellings(), field.points, "fraction")
                _short_answer(section, item_ident, title, fraction,
                              text + "<p><em>(the exact fraction, such as 7/3)</em></p>",
                              f"<p>Exact answer: {escape(format_value(field.value))}</p>", share)
            elif isinstance(field, NumberField):
                exact = format_value(field.value)
                step = _cell_step(reference, field)
                feedback = f"<p>Exact answer: {escape(exact)}</p>" + (f"<p>{escape(step)}</p>" if step else "")
                _numerical(section, item_ident, title, field, text, feedback, share)
            elif isinstance(field, TextField):
                feedback = f"<p>Answer: {escape(field.accepted[0])}</p><ul>{solution}</ul>"
                _short_answer(section, item_ident, title, field, text, feedback, share)
            elif isinstance(field, ChoiceField):
                _choice(section, item_ident, title, field, text, f"<p>Answer: {escape(field.answer)}</p>", share)
            else:
                _essay(section, item_ident, title, field, text,
                       "<p>Reference (computed by cnncalc):</p>" + markdown_html(field.reference), question.points)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n", total, items


def _assessment_meta(ident: str, title: str, description: str, points: Fraction) -> str:
    quiz = ET.Element("quiz", {"identifier": ident, "xmlns": CANVAS_NS})
    for tag, text in (("title", title), ("description", description), ("shuffle_answers", "false"),
                      ("scoring_policy", "keep_highest"), ("quiz_type", "assignment"),
                      ("points_possible", decimal_text(points)), ("show_correct_answers", "true"),
                      ("allowed_attempts", "1"), ("one_question_at_a_time", "false"), ("cant_go_back", "false"),
                      ("available", "false")):
        ET.SubElement(quiz, tag).text = text
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"


def _manifest(idents: list[str]) -> str:
    manifest = ET.Element("manifest", {"identifier": "cnncalc_export", "xmlns": CP_NS})
    metadata = ET.SubElement(manifest, "metadata")
    ET.SubElement(metadata, "schema").text = "IMS Content"
    ET.SubElement(metadata, "schemaversion").text = "1.1.3"
    ET.SubElement(manifest, "organizations")
    resources = ET.SubElement(manifest, "resources")
    for ident in idents:
        resource = ET.SubElement(resources, "resource", {"identifier": ident, "type": "imsqti_xmlv1p2"})
        ET.SubElement(resource, "file", {"href": f"{ident}/{ident}.xml"})
        ET.SubElement(resource, "dependency", {"identifierref": f"{ident}_meta"})
        meta = ET.SubElement(resources, "resource", {
            "identifier": f"{ident}_meta", "type": "associatedcontent/imscc_xmlv1p1/learning-application-resource",
            "href": f"{ident}/assessment_meta.xml"})
        ET.SubElement(meta, "file", {"href": f"{ident}/assessment_meta.xml"})
    ET.indent(manifest)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(manifest, encoding="unicode") + "\n"


def canvas_zip(exercises: list[Exercise], seeds: list[int]) -> tuple[bytes, list[str]]:
    """The QTI zip of the exercises (a quiz per variant) and the notes on what Canvas cannot express."""
    buffer = io.BytesIO()
    idents: list[str] = []
    lossy: set[str] = set()
    fractions: set[str] = set()
    formulas: set[str] = set()
    keywords: set[str] = set()
    rounded_points: set[str] = set()
    with zipfile.ZipFile(buffer, "w") as archive:
        for original in exercises:
            for seed in (seeds if original.variants else [None]):
                exercise = variant(original, seed)
                ident = _ident(f"cnncalc_{original.id}" + (f"_seed{seed}" if seed is not None else ""))
                title = original.title + (f" (variant seed {seed})" if seed is not None else "")
                qti, points, items = assessment_xml(exercise, ident, title)
                description = (markdown_html(exercise.statement_text()) if exercise.statement else "") + \
                    givens_html(exercise)
                zip_write(archive, f"{ident}/{ident}.xml", qti)
                zip_write(archive, f"{ident}/assessment_meta.xml", _assessment_meta(ident, title, description, points))
                idents.append(ident)
                for question, _reference, fields in items:
                    where = f"{original.id}/{question.id}"
                    if any(isinstance(f, NumberField) and f.needs_fraction for f in fields):
                        fractions.add(where)
                    elif any(isinstance(f, NumberField) and not f.decimal().exact for f in fields):
                        lossy.add(where)
                    if any(isinstance(f, TextField) and f.kind == "formula" for f in fields):
                        formulas.add(where)
                    if any(isinstance(f, TextField) and f.kind == "text" for f in fields):
                        keywords.add(where)
                    if cell_points([f.points for f in fields]) != [f.points for f in fields]:
                        rounded_points.add(where)
        zip_write(archive, "imsmanifest.xml", _manifest(idents))
    notes = []
    if lossy:
        notes.append("fractions without a finite decimal asked as decimals of 3 to 10 significant figures "
                     "(numerical questions read no fractions): " + ", ".join(sorted(lossy)))
    if fractions:
        notes.append("exact fractions (exact: true questions) as short answers: only the reduced fraction p/q is "
                     "recognised, and a rounded decimal earns nothing: " + ", ".join(sorted(fractions)))
    if formulas:
        notes.append("formulas as short answers accepting cnncalc's spellings only: " + ", ".join(sorted(formulas)))
    if keywords:
        notes.append("text answers matched as typed against the phrases cnncalc lists, right or wrong (no partial "
                     "credit for key words, no reading of negation): " + ", ".join(sorted(keywords)))
    if rounded_points:
        notes.append("cell points rounded to 4 decimals, the remainder on the last cell: "
                     + ", ".join(sorted(rounded_points)))
    return buffer.getvalue(), notes


def write_canvas(exercises: list[Exercise], seeds: list[int], out: str | os.PathLike) -> Written:
    target = Path(out)
    if target.is_dir():
        target = target / "cnncalc-canvas-qti.zip"
    if not target.parent.is_dir():
        raise InputError(f"--out {out}: the folder {target.parent} does not exist; create it first")
    data, notes = canvas_zip(exercises, seeds)
    target.write_bytes(data)
    return Written([str(target)], notes + ["one quiz per variant: assign each to its students or section in Canvas"])


__all__ = ["canvas_zip", "write_canvas", "assessment_xml", "cell_points"]
