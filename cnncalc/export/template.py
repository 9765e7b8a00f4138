"""A blank answer file: every question id, and a comment with the form its answer takes.

``cnncalc grade --template EXERCISE [--seed S]`` prints it; students fill in the
answers after the colons.  The examples in the comments show the *form* (a 2x2
matrix, a shape of three sizes), never the answer.  An empty answer is read as
no answer, so the blank file itself grades as all missing.

>>> from cnncalc.exercises.exercise import parse_exercise
>>> ex = parse_exercise('''
... id: demo
... title: Output size
... questions:
...   - id: width
...     prompt: Width of the output?
...     compute: {output_size: {n: 227, kernel: 11, stride: 4}}
... ''', "demo.yaml")
>>> print(answer_template(ex))
# Answer file for "Output size" (exercise demo).
# Write each answer after its colon; an empty answer counts as no answer.
# How answers are read: docs/grading.md (fractions such as 103/9 stay exact).
exercise: demo
student: ""   # your name or student id
answers:
  # Width of the output? (1 point)
  # a whole number, e.g. 12
  width:
<BLANKLINE>
"""

from __future__ import annotations

from fractions import Fraction

from ..exercises.answers import Answer
from ..exercises.exercise import Exercise, Question
from ..expr import Value
from ..values import Exact


def _points(points: Fraction) -> str:
    from ..render import format_value

    return f"{format_value(points)} point{'s' * (points != 1)}"


def _example_rows(shape: tuple) -> str:
    """Placeholder values of the right shape: 1 2; 3 4 (the form, not the answer)."""
    if len(shape) == 1:
        return " ".join(str(k + 1) for k in range(shape[0]))
    rows, cols = shape[-2], shape[-1]
    return "; ".join(" ".join(str(r * cols + c + 1) for c in range(cols)) for r in range(rows))


def _matrix_form(value: Exact) -> str:
    """What a matrix answer looks like: its size, rows split by ';', decimals for irrational cells."""
    if value.is_symbolic:  # irrational cells (a softmax): decimals are what a student writes
        example = _example_rows(value.shape)
        example = " ".join(f"0.{t * 3}" if t.isdigit() and len(t) == 1 else t for t in example.split(" "))
        return (f"{'x'.join(map(str, value.shape))} values, decimals of 3 or more significant figures, "
                f"e.g. \"{example}\"")
    shape = value.shape
    if len(shape) == 1:
        return f"{shape[0]} values split by spaces, e.g. \"{_example_rows(shape)}\"; fractions as 1/9"
    size = "x".join(map(str, shape))
    extra = f" ({shape[0]} channels: one matrix per channel, in a list)" if len(shape) == 3 else ""
    return f"a {size} matrix, rows split by ';', e.g. \"{_example_rows(shape)}\"; fractions as 1/9{extra}"


def _shape_form(sizes: int) -> str:
    if sizes == 1:
        return "a size, e.g. 100"
    if sizes == 3:
        return "a shape height x width x channels, e.g. 4x4x8 (channels first also works: 8x4x4)"
    return "a shape, e.g. " + "x".join(str(4 + k) for k in range(sizes))


def _number_form(question: Question, value: Value) -> str:
    """What a number answer looks like: its unit, the figures the tolerance asks, whole or exact."""
    tolerance = question.tolerance
    unit = getattr(question, "unit", 1)
    if unit != 1:
        from .fields import unit_name

        figures = f"; {tolerance.significant} significant figures are enough" if tolerance.significant else ""
        return f"a number in {unit_name(Fraction(unit))}{figures}, e.g. 1.23 (the whole count also works)"
    if tolerance.significant is not None:
        return f"a number; {tolerance.significant} significant figures are enough, e.g. 1.23 or 45,600"
    if not tolerance.exact:
        return "a number, e.g. 12.5 (within the question's tolerance)"
    if _whole(value):
        return "a whole number, e.g. 12"
    if getattr(question, "exact", False):
        return "the exact value: a fraction such as 7/3 (a rounded decimal earns part of the points)"
    return "a number: a fraction such as 7/3, or a decimal of 3 or more significant figures"


def expected_form(question: Question, reference: Answer) -> str:
    """One line saying what an answer to this question looks like.

    >>> from cnncalc.exercises.exercise import parse_exercise
    >>> ex = parse_exercise("{id: d, title: t, questions: [{id: v, compute: {network: "
    ...                     "{of: alexnet, layer: conv1, value: output}}}]}")
    >>> expected_form(ex.questions[0], ex.references()[0])
    'a shape height x width x channels, e.g. 4x4x8 (channels first also works: 8x4x4)'
    """
    if question.manual:
        return "graded by hand: write it in a block after '|' on the next lines"
    if question.choices:
        return "one of: " + " | ".join(question.choices)
    kind, value = reference.kind, reference.value
    if kind == "matrix":
        return _matrix_form(value)
    if kind == "shape":
        return _shape_form(len(value))
    symbols = sorted(str(s) for s in getattr(value, "free_symbols", ()))
    if not symbols and hasattr(value, "free_symbols") and kind in ("number", "formula"):
        return "a number: a decimal of 3 or more significant figures, e.g. 0.245"
    if symbols:
        return f"a formula in {', '.join(symbols)}, e.g. 2*{symbols[0]} + 1"
    if kind in ("number", "formula"):
        return _number_form(question, value)
    if question.keywords:
        return "a few words (the key words earn credit)"
    return "a few words"


def _whole(value: Value) -> bool:
    try:
        return Fraction(value).denominator == 1
    except (TypeError, ValueError):
        return False


def _comment(text: str, indent: str) -> list[str]:
    return [f"{indent}# {line}".rstrip() for line in text.strip().splitlines() if line.strip()] or []


def answer_template(exercise: Exercise, seed: int | None = None) -> str:
    """The blank answer file of an exercise (or of its variant for ``seed``)."""
    variant_note = f", variant seed {seed}" if seed is not None else ""
    lines = [f'# Answer file for "{exercise.title}" (exercise {_exercise_id(exercise)}{variant_note}).',
             "# Write each answer after its colon; an empty answer counts as no answer.",
             "# How answers are read: docs/grading.md (fractions such as 103/9 stay exact).",
             f"exercise: {_exercise_id(exercise)}"]
    if seed is not None:
        lines.append(f"seed: {seed}")
    lines += ['student: ""   # your name or student id', "answers:"]
    for question, reference in zip(exercise.questions, exercise.references()):
        prompt = exercise.prompt_text(question).strip() or question.id
        lines += _comment(f"{prompt} ({_points(question.points)})", "  ")
        lines += _comment(expected_form(question, reference), "  ")
        lines.append(f"  {question.id}:")
    return "\n".join(lines) + "\n"


def template_for_file(path: str, seed: int | None = None) -> str:
    """The blank answer file of the exercise at ``path`` (its variant for ``seed``)."""
    from ..errors import InputError
    from ..exercises.exercise import load_exercise
    from .roster import variant

    exercise = load_exercise(path)
    if seed is not None and not exercise.variants:
        raise InputError(f"--seed {seed}: {path} has no 'variants:', so every student answers the same numbers; "
                         "leave out --seed")
    return answer_template(variant(exercise, seed), seed)


def _exercise_id(exercise: Exercise) -> str:
    """The id an answer file names: the original exercise's, also for a variant."""
    original = exercise.document.data.get("variant_of") if isinstance(exercise.document.data, dict) else None
    return str(original or exercise.id)


__all__ = ["answer_template", "expected_form", "template_for_file"]
