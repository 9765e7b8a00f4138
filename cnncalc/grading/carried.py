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
from collections.abc import Set as AbstractSet

from ..errors import CnnCalcError
from ..exercises.answers import Answer
from ..exercises.exercise import Exercise, Question
from ..exercises.operations import leaves, run
from ..exercises.scope import Given, Scope


def dependencies(compute: object, earlier: set[str]) -> set[str]:
    """The earlier question ids a compute mapping uses, by name or inside an expression."""
    found: set[str] = set()
    for value in leaves(compute):
        if isinstance(value, str):
            if value in earlier:
                found.add(value)
            else:
                found.update(t for t in re.findall(r"[A-Za-z_][A-Za-z_0-9]*", value) if t in earlier)
    return found


def chained_layer(question: Question, earlier: list[Question], exercise: Exercise) -> str | None:
    """The earlier question about the output of a layer before this question's layer in
    the same network (POOL1's output follows CONV1's): an error in it carries forward."""
    from ..exercises.network_ops import CHAINED, layer_order

    params = (question.compute or {}).get("network")
    if not isinstance(params, dict) or "layer" not in params or params.get("value", "params") not in CHAINED:
        return None
    try:
        order = layer_order(params, exercise.scope())
    except CnnCalcError:
        return None
    if str(params["layer"]) not in order:
        return None
    position = order.index(str(params["layer"]))
    best = None
    for q in earlier:
        other = (q.compute or {}).get("network")
        if isinstance(other, dict) and other.get("of") == params.get("of") and other.get("value") == "output" \
                and str(other.get("layer")) in order and order.index(str(other.get("layer"))) < position:
            if best is None or order.index(str(other["layer"])) >= order.index(str(best[1]["layer"])):
                best = (q.id, other)
    return best[0] if best else None


def summed_layers(question: Question, earlier: list[Question]) -> set[str]:
    """For a network total (all parameters), the earlier questions about one layer's
    share of it: a student who sums their own layer counts carries their errors."""
    params = (question.compute or {}).get("network")
    if not isinstance(params, dict) or "layer" in params:
        return set()
    value = params.get("value", "params")
    if value not in ("params", "weights", "biases", "trainable", "macs"):
        return set()
    networks = {q.id: _network(q) for q in earlier}
    return {qid for qid, network in networks.items() if network is not None
            and network.get("of") == params.get("of") and "layer" in network
            and network.get("value", "params") == value
            and bool(network.get("no_bias")) == bool(params.get("no_bias"))}


def _network(question: Question) -> dict | None:
    """The options of a question's ``compute: {network: ...}``, if that is what it computes."""
    found = (question.compute or {}).get("network")
    return found if isinstance(found, dict) else None


def recompute(exercise: Exercise, question: Question, student: dict[str, Answer],
              chained: str | None = None, summed: AbstractSet[str] = frozenset(),
              references: dict | None = None) -> Answer | None:
    """The question's reference computed from the student's own earlier answers (None
    where the engine cannot: a matrix of another shape, say).  ``chained`` names the
    earlier layer-output question the layers run on from."""
    if chained is not None and chained in student:
        return _from_layer(exercise, question, chained, student[chained])
    if summed and references is not None and set(student) <= summed:
        return _resummed(question, student, references)
    scope = exercise.scope()
    answers = dict(scope.answers)
    for qid, answer in student.items():
        answers[qid] = Given(answer.kind, answer.value)
    try:
        return run(question.compute, Scope(dict(scope.givens), answers, scope.where, scope.folder),
                   f"{question.path}.compute")
    except CnnCalcError:
        return None
    except (ArithmeticError, ValueError, TypeError):  # a student's value the operation cannot take
        return None


def _from_layer(exercise: Exercise, question: Question, chained: str, output: Answer) -> Answer | None:
    from ..exercises.network_ops import fact_after

    start = (_network(next(q for q in exercise.questions if q.id == chained)) or {})["layer"]
    sizes = tuple(output.value) if output.kind == "shape" else ()
    if not sizes or not all(isinstance(v, int) and v > 0 for v in sizes):
        return None  # 13.5x13.5x64 runs through no layer
    try:
        return fact_after(_network(question) or {}, exercise.scope(), question.path, str(start), sizes)
    except CnnCalcError:
        return None


def _resummed(question: Question, student: dict[str, Answer], references: dict) -> Answer | None:
    """The total with the student's own layer counts in place of the right ones."""
    total = references.get(question.id)
    if total is None or total.kind != "number":
        return None
    value = total.value
    for qid, answer in student.items():
        right = references.get(qid)
        if right is None or answer.kind != "number" or right.kind != "number":
            return None
        value = value + answer.value - right.value
    return Answer("number", value, (f"the total with your own {', '.join(student)}: {value}",))


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
