"""Errors carried forward: a later answer that is right for the student's own
earlier (wrong) answer earns its credit, as "error carried forward" marking gives.

A question depends on the earlier questions its ``compute:`` names (``pool:
{input: conv}``, ``expr: "mlp_params / cnn_params"``).  When such an earlier
answer was wrong, the later question's reference is recomputed by the engine
from the student's own earlier answer; an answer equal to that earns the
question's ``carried`` share of the points (all of them by default), and the
feedback says which earlier answer it follows from.

>>> sorted(dependencies({"pool": {"input": "conv", "op": "max"}}, {"conv", "f1"}))
['conv']
>>> sorted(dependencies({"expr": "mlp_params / cnn_params"}, {"mlp_params", "cnn_params", "ratio"}))
['cnn_params', 'mlp_params']
"""

from __future__ import annotations

import re

from ..errors import CnnCalcError
from ..exercises.answers import Answer
from ..exercises.exercise import Exercise, Question
from ..exercises.operations import run
from ..exercises.scope import Given, Scope


def dependencies(compute: object, earlier: set[str]) -> set[str]:
    """The earlier question ids a compute mapping uses, by name or inside an expression."""
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            if value in earlier:
                found.add(value)
            else:
                found.update(t for t in re.findall(r"[A-Za-z_][A-Za-z_0-9]*", value) if t in earlier)

    walk(compute)
    return found


def recompute(exercise: Exercise, question: Question, student: dict[str, Answer]) -> Answer | None:
    """The question's reference computed from the student's own earlier answers (None
    where the engine cannot: a matrix of another shape, say)."""
    scope = exercise.scope()
    answers = dict(scope.answers)
    for qid, answer in student.items():
        answers[qid] = Given(answer.kind, answer.value)
    try:
        return run(question.compute, Scope(dict(scope.givens), answers, scope.where), f"{question.path}.compute")
    except CnnCalcError:
        return None
    except (ArithmeticError, ValueError, TypeError):  # a student's value the operation cannot take
        return None


def difference(reference: Answer, student: Answer) -> str:
    """How a student's earlier answer differs from the reference, in a few words:
    '562 where 552 is right' (for a matrix: at its first differing cell)."""
    from ..exercises.solution import answer_inline
    from ..render import cell_label, format_value

    if reference.kind == "matrix" and student.kind == "matrix" and reference.value.shape == student.value.shape:
        import numpy as np

        ref, got = reference.value.values(), student.value.values()
        for index in np.ndindex(*ref.shape):
            if ref[index] != got[index]:
                return (f"{format_value(got[index])} where {format_value(ref[index])} is right, "
                        f"cell {cell_label(index)}")
        return "the same values"
    shown, right = answer_inline(student), answer_inline(reference)
    if len(shown) > 40 or len(right) > 40:
        return "another value"
    return f"{shown} where {right} is right"


__all__ = ["dependencies", "recompute", "difference"]
