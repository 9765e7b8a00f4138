"""Can every point of an exercise be earned?  The grading path run on the
exercise itself, so that an exercise that would crash the grader or refuse
every answer fails ``cnncalc check`` instead of a class.

For every question: the reference and each mistaken reference are computed,
the reference written as a student would write it (the worked solution's
inline form) must grade as correct, an empty answer as missing, and each
mistake's answer must grade without an error.

>>> from cnncalc.exercises.exercise import parse_exercise
>>> ex = parse_exercise('''
... id: demo
... title: Output size
... questions:
...   - id: width
...     compute: {output_size: {n: 227, kernel: 11, stride: 4}}
... ''', "demo.yaml")
>>> grading_problems(ex)
[]
"""

from __future__ import annotations

from fractions import Fraction

from ..exercises.answers import Answer
from ..exercises.exercise import Exercise
from .grader import grade_prepared, prepare


def grading_problems(exercise: Exercise) -> list[tuple[str, str]]:
    """(question id, what goes wrong when grading it) for every problem found."""
    from ..exercises.solution import answer_inline

    problems: list[tuple[str, str]] = []
    for item in prepare(exercise):
        qid = item.question.id
        problems += [(qid, p) for p in item.problems]
        if item.error:
            problems.append((qid, f"cannot be graded: {item.error}"))
            continue
        if item.question.manual or item.reference is None:
            continue
        right = as_written(item.reference)
        graded = grade_prepared(item, right)
        if graded.status != "correct":
            problems.append((qid, f"the reference written as a student would ('{right[:60]}') is graded "
                                  f"{graded.status} ({graded.feedback[:120]}): no student can earn this question; "
                                  "fix the question, or mark it manual: true"))
        empty = grade_prepared(item, "")
        if empty.status != "missing":
            problems.append((qid, f"an empty answer is graded {empty.status} ({empty.feedback[:120]})"))
        for mistake in item.mistakes:
            graded = grade_prepared(item, answer_inline(mistake.answer))
            if graded.status == "error":
                problems.append((qid, f"the answer of the mistake '{mistake.message}' cannot be graded: "
                                      f"{graded.feedback[:160]}"))
    return problems


def as_written(reference: Answer) -> str:
    """The reference as a student writes it: its exact form, or a decimal where the exact
    form is a closed expression (log, exp) no student is asked to type."""
    from ..exercises.solution import answer_inline
    from .grader import exact_decimal

    def decimal(value: object) -> str:
        if isinstance(value, (int, Fraction)) or getattr(value, "free_symbols", None):
            return ""
        exact = exact_decimal(value, 60)
        return "" if exact is None else f"{float(exact):.12g}" if abs(exact) > 1e-300 else "0"

    if reference.kind == "number" and decimal(reference.value):
        return decimal(reference.value)
    if reference.kind == "matrix" and reference.value.is_symbolic:
        values = reference.value.values()
        texts = [decimal(v) or str(v) for v in values.flat]
        rows = values.shape[-1] if values.ndim else 1
        return "; ".join(" ".join(texts[i:i + rows]) for i in range(0, len(texts), rows))
    return answer_inline(reference)


__all__ = ["grading_problems", "as_written"]
