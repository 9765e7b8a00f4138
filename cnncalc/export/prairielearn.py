"""PrairieLearn: one question folder per exercise, graded by cnncalc inside PrairieLearn.

A v3 question is a folder with ``info.json``, ``question.html`` (elements and
Mustache over ``params``) and ``server.py`` (``generate(data)`` sets ``params``
and ``correct_answers``; ``grade(data)`` may rescore ``partial_scores`` and
``score``), as documented at https://prairielearn.readthedocs.io (question
``server.py``, elements).  The export writes a course fragment::

    questions/cnncalc/<exercise>/info.json, question.html, server.py
    serverFilesCourse/cnncalc/...   (this cnncalc: PrairieLearn puts serverFilesCourse on server.py's path)
    serverFilesCourse/yaml/...      (PyYAML's sources, which PrairieLearn's Python lacks)

``server.py`` holds the exercise as written and calls :func:`generate` and
:func:`grade` here.  ``generate`` draws the variant from PrairieLearn's
``variant_seed`` through cnncalc, so every PrairieLearn variant is a cnncalc
variant; ``grade`` regrades each answer from the raw text the student typed with
cnncalc's grader, so 874/9 stays exact (97.111 is not 874/9 unless the question
has a tolerance), a matrix earns credit per cell, and the feedback names the
usual mistake.  The elements:

- a number: ``pl-number-input`` (fractions allowed; its own check uses the
  question's tolerance, or a relative 1e-12 where the answer is exact);
- a matrix of numbers: ``pl-matrix-component-input`` with fractions and partial
  credit per cell (a vector is one row);
- a shape, a formula, text: ``pl-string-input``, graded by cnncalc (55 x 55 x 96
  and (96, 55, 55) are right; H*W equals W*H);
- a choice: ``pl-multiple-choice``; a question graded by a person: a multiline
  ``pl-string-input`` that scores nothing (give it manual points in the assessment).

Element weights are whole numbers: each question's points times one factor.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from fractions import Fraction
from pathlib import Path

from ..errors import InputError
from ..exercises.answers import Answer
from ..exercises.exercise import Exercise, Question, parse_exercise
from ..expr import Value
from . import Written
from .bundle import copy_package
from .fields import numeric_constant
from .html import escape, givens_html, markdown_html
from .roster import SEED_BOUND, variant

NAMESPACE = uuid.UUID("6f1d2c3e-8a5b-4c7d-9e0f-1a2b3c4d5e6f")  # cnncalc's: stable question uuids


def element_name(index: int, question: Question) -> str:
    """The answers-name of a question's element: q<index>_<id> with '_' for anything else.

    >>> from types import SimpleNamespace
    >>> element_name(2, SimpleNamespace(id="true-convolution"))
    'q2_true_convolution'
    """
    return f"q{index}_" + re.sub(r"[^A-Za-z0-9]+", "_", question.id).strip("_")


def pl_seed(data: dict) -> int:
    """cnncalc's seed for PrairieLearn's ``variant_seed`` (a number, or text).

    >>> pl_seed({"variant_seed": "1234567"}), pl_seed({"variant_seed": 42})
    (1234567, 42)
    """
    raw = str(data.get("variant_seed", "0")).strip()
    if raw.isdigit():
        return int(raw) % SEED_BOUND
    return int.from_bytes(hashlib.sha256(raw.encode()).digest()[:8], "big") % SEED_BOUND


def _weights(exercise: Exercise) -> dict[str, int]:
    """Whole-number element weights proportional to the questions' points."""
    import math

    factor = 1
    for q in exercise.questions:
        factor = math.lcm(factor, Fraction(q.points).denominator)
    return {q.id: max(1, int(q.points * factor)) for q in exercise.questions}


def _element(reference: Answer, question: Question) -> str:
    """Which element asks for this question: number, matrix, string, choice or manual."""
    if question.manual:
        return "manual"
    if question.choices:
        return "choice"
    if reference.kind == "matrix":
        values = reference.value.reduced().values()
        numbers = values.size > 0 and all(_numeric(v) for v in values.reshape(-1))
        return "matrix" if numbers and values.ndim <= 2 else "string"
    if reference.kind in ("number", "formula") and _numeric(reference.value):
        return "number"
    return "string"


def _numeric(value: object) -> bool:
    """A number an element can hold: exact, or a real constant such as e^3/(e + e^2 + e^3)."""
    return isinstance(value, (int, Fraction)) or numeric_constant(value) is not None


# --------------------------------------------------------------------------- the question files

def _number_attributes(question: Question) -> str:
    t = question.tolerance
    if t.significant is not None:
        return f'comparison="sigfig" digits="{t.significant}"'
    if t.absolute is not None or t.relative is not None:
        return f'comparison="relabs" rtol="{float(t.relative or 0)!r}" atol="{float(t.absolute or 0)!r}"'
    return 'comparison="relabs" rtol="1e-12" atol="1e-12"'


def question_html(exercise: Exercise) -> str:
    """question.html: the same for every variant; the numbers come from ``params``."""
    from ..render import format_value

    weights = _weights(exercise)
    parts = ["<pl-question-panel>", f"<h4>{escape(exercise.title)}</h4>",
             "{{{params.statement_html}}}", "{{{params.givens_html}}}", "</pl-question-panel>", ""]
    feedback = []
    for n, (q, ref) in enumerate(zip(exercise.questions, exercise.references()), start=1):
        name = element_name(n, q)
        kind = _element(ref, q)
        points = f"{format_value(q.points)} point{'s' * (q.points != 1)}"
        parts += ['<div class="card my-2"><div class="card-body">',
                  f"<pl-question-panel><p><strong>{escape(q.id)}</strong> ({points}"
                  f"{', graded by hand' if q.manual else ''})</p>{{{{{{params.prompt_{name}}}}}}}</pl-question-panel>"]
        weight = f'weight="{weights[q.id]}"'
        if kind == "number":
            parts.append(f'<pl-number-input answers-name="{name}" {_number_attributes(q)} allow-fractions="true" '
                         f'{weight} label="{escape(q.id)} ="></pl-number-input>')
        elif kind == "matrix":
            parts.append(f'<pl-matrix-component-input answers-name="{name}" {_number_attributes(q)} '
                         f'allow-fractions="true" allow-partial-credit="true" {weight}></pl-matrix-component-input>')
        elif kind == "choice":
            answers = "".join(f'<pl-answer correct="{"true" if c == str(q.answer) else "false"}">{escape(c)}</pl-answer>'
                              for c in q.choices)
            parts.append(f'<pl-multiple-choice answers-name="{name}" {weight}>{answers}</pl-multiple-choice>')
        elif kind == "manual":
            parts.append(f'<pl-string-input answers-name="{name}" multiline="true" weight="0" '
                         f'placeholder="graded by hand"></pl-string-input>')
        else:
            placeholder = {"shape": "e.g. 4x4x8", "matrix": "rows split by ;"}.get(ref.kind, "")
            if getattr(ref.value, "free_symbols", None):
                placeholder = "a formula"
            parts.append(f'<pl-string-input answers-name="{name}" remove-leading-trailing="true" {weight} '
                         f'placeholder="{placeholder}"></pl-string-input>')
        parts += ["</div></div>", ""]
        if kind != "manual":
            feedback.append(f"{{{{#feedback.{name}}}}}<p><strong>{escape(q.id)}</strong>: "
                            f"{{{{feedback.{name}}}}}</p>{{{{/feedback.{name}}}}}")
    parts += ["<pl-submission-panel>", *feedback, "</pl-submission-panel>", "",
              "<pl-answer-panel>", "{{{params.solution_html}}}", "</pl-answer-panel>"]
    return "\n".join(parts) + "\n"


def server_py(exercise: Exercise, text: str) -> str:
    """server.py: the exercise as written, and two calls into cnncalc."""
    literal = "\n".join(f"    {line!r}" for line in text.splitlines(keepends=True))
    return f'''"""PrairieLearn server.py of the cnncalc exercise '{exercise.id}' (written by `cnncalc export prairielearn`).

generate() draws the variant of PrairieLearn's variant_seed through cnncalc; grade() regrades every answer from
the text the student typed, exactly (fractions stay fractions, credit per matrix cell, the usual mistakes named).
cnncalc and PyYAML are in serverFilesCourse/, which PrairieLearn puts on the Python path.
"""

EXERCISE = (
{literal}
)


def generate(data):
    from cnncalc.export import prairielearn

    prairielearn.generate(EXERCISE, data)


def grade(data):
    from cnncalc.export import prairielearn

    prairielearn.grade(EXERCISE, data)
'''


def info_json(exercise: Exercise) -> str:
    info = {"uuid": str(uuid.uuid5(NAMESPACE, f"cnncalc:{exercise.id}")), "title": exercise.title,
            "topic": "cnncalc", "tags": ["cnncalc"], "type": "v3", "partialCredit": True,
            "singleVariant": not exercise.variants}
    return json.dumps(info, indent=2) + "\n"


def write_prairielearn(exercises: list[Exercise], out: str | os.PathLike) -> Written:
    """Write the question folders and serverFilesCourse under the course folder ``out``."""
    root = Path(out)
    if root.exists() and not root.is_dir():
        raise InputError(f"--out {out} is a file; name a folder (the course's root, or a new one)")
    if not root.parent.is_dir():
        raise InputError(f"--out {out}: the folder {root.parent} does not exist; create it first")
    written = Written()
    for exercise in exercises:
        if not Path(exercise.path).is_file():
            raise InputError("the PrairieLearn export needs exercise files (server.py carries them as written)")
        text = Path(exercise.path).read_text(encoding="utf-8")
        folder = root / "questions" / "cnncalc" / exercise.id
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "info.json").write_text(info_json(exercise), encoding="utf-8")
        (folder / "question.html").write_text(question_html(exercise), encoding="utf-8")
        (folder / "server.py").write_text(server_py(exercise, text), encoding="utf-8")
        written.paths.append(str(folder))
    server_files = root / "serverFilesCourse"
    server_files.mkdir(parents=True, exist_ok=True)
    for package in ("cnncalc", "yaml"):
        written.paths.append(str(copy_package(package, server_files)))
    manual = [f"{ex.id}/{q.id}" for ex in exercises for q in ex.questions if q.manual]
    if manual:
        written.notes.append("graded by hand (give them manual points in the assessment): " + ", ".join(manual))
    return written


# --------------------------------------------------------------------------- inside PrairieLearn

_LOADED: dict[str, Exercise] = {}


def _exercise(text: str) -> Exercise:
    key = hashlib.sha256(text.encode()).hexdigest()
    if key not in _LOADED:
        _LOADED[key] = parse_exercise(text, "server.py")
    return _LOADED[key]


def _correct(kind: str, reference: Answer, question: Question) -> object:
    """The element's correct answer: a number (in the question's unit), rows of numbers, or the answer
    as cnncalc writes it."""
    from ..exercises.solution import answer_inline

    if kind == "number":
        value = _rational(reference.value) / question.unit
        return int(value) if value.denominator == 1 else float(value)
    if kind == "matrix":
        values = reference.value.reduced().values()
        rows = values.reshape(1, -1) if values.ndim <= 1 else values
        return [[v if isinstance(v, int) else float(_rational(v)) for v in row] for row in rows.tolist()]
    return answer_inline(reference)


def _rational(value: Value) -> Fraction:
    constant = numeric_constant(value)
    return Fraction(value) if constant is None else constant


def generate(text: str, data: dict) -> None:
    """PrairieLearn's generate(): this variant's numbers, prompts, correct answers and worked solution."""
    from ..exercises.solution import solution_markdown

    original = _exercise(text)
    seed = pl_seed(data) if original.variants else None
    exercise = variant(original, seed)
    params = data.setdefault("params", {})
    correct = data.setdefault("correct_answers", {})
    params["cnncalc_seed"] = seed
    params["statement_html"] = markdown_html(exercise.statement_text()) if exercise.statement else ""
    params["givens_html"] = givens_html(exercise)
    for n, (q, ref) in enumerate(zip(exercise.questions, exercise.references()), start=1):
        name = element_name(n, q)
        kind = _element(ref, q)
        params[f"prompt_{name}"] = markdown_html(exercise.prompt_text(q))
        if kind not in ("choice", "manual"):
            correct[name] = _correct(kind, ref, q)
    params["solution_html"] = markdown_html(solution_markdown(exercise))


def _typed(kind: str, name: str, reference: Answer, data: dict) -> object:
    """What the student typed for one element, as cnncalc's grader reads answers."""
    raw = data.get("raw_submitted_answers", {})
    if kind != "matrix":
        return raw.get(name)
    values = reference.value.values()
    rows, columns = (1, values.size) if values.ndim <= 1 else values.shape
    cells = [raw.get(f"{name}{k}") for k in range(1, rows * columns + 1)]
    if any(c is None for c in cells):
        return None
    cells = [str(c).strip() for c in cells]
    if all(c and not re.search(r"[\s;,\[\]]", c) for c in cells):
        # the text form, as a student types a matrix: the grader then also knows each cell's figures
        # (a correctly rounded decimal of an irrational softmax value is right)
        return "; ".join(" ".join(cells[i * columns:(i + 1) * columns]) for i in range(rows))
    return [[cells[i * columns + j] for j in range(columns)] for i in range(rows)]


def grade(text: str, data: dict) -> None:
    """PrairieLearn's grade(): every answer regraded exactly by cnncalc, then the weighted score."""
    from ..grading.grader import Grader

    original = _exercise(text)
    seed = data.get("params", {}).get("cnncalc_seed") if original.variants else None
    exercise = variant(original, seed)
    weights = _weights(exercise)
    names, typed = {}, {}
    for n, (q, ref) in enumerate(zip(exercise.questions, exercise.references()), start=1):
        kind = _element(ref, q)
        if kind in ("choice", "manual"):
            continue  # pl-multiple-choice grades itself; a person grades the rest
        answer = _typed(kind, element_name(n, q), ref, data)
        if answer is not None:
            names[q.id] = element_name(n, q)
            typed[q.id] = answer
    result = Grader(original).grade(typed, "", "", seed)  # the grader builds (and caches) the variant itself
    if result.invalid:
        raise InputError(f"cnncalc could not grade this variant: {result.invalid}")
    scores = data.setdefault("partial_scores", {})
    feedback = data.setdefault("feedback", {})
    for graded in result.questions:
        name = names.get(graded.id)
        if name is None:
            continue
        entry = dict(scores.get(name) or {})
        entry["score"] = float(graded.score / graded.max_score) if graded.max_score else 0.0
        entry["weight"] = weights[graded.id]
        scores[name] = entry
        feedback[name] = graded.feedback
    total = sum(s.get("weight", 1) for s in scores.values() if s.get("score") is not None)
    data["score"] = (sum(s["score"] * s.get("weight", 1) for s in scores.values() if s.get("score") is not None)
                     / total) if total else 0.0


__all__ = ["write_prairielearn", "generate", "grade", "question_html", "server_py", "info_json", "element_name",
           "pl_seed"]
