"""Variants: the same exercise with other numbers, one per student, reproducible
from a seed.

``variants:`` maps given names to how they vary::

    variants:
      N: {range: [5, 12]}                      # a whole number in [5, 12]
      S: {choices: [1, 2]}                     # one of the listed values
      I: {matrix: [6, 6], range: [0, 255]}     # a 6x6 matrix of whole numbers

A variant is written as a new exercise (``id`` + seed, the published
``expected`` answers dropped since they belong to the original numbers) and
its references are computed by the engine like any other exercise.  A draw
that makes a question impossible (a kernel larger than its input) is drawn
again, up to a limit.
"""

from __future__ import annotations

import random

import yaml

from ..errors import CnnCalcError, SpecError
from .exercise import Exercise, build_exercise
from ..yamlio import YamlDocument

MAX_DRAWS = 50


def _draw(rule, rng: random.Random, where: str):
    if not isinstance(rule, dict):
        raise SpecError(f"{where}: a variant is a mapping such as {{range: [1, 9]}} or {{choices: [1, 2]}}")
    if "choices" in rule:
        choices = rule["choices"]
        if not isinstance(choices, list) or not choices:
            raise SpecError(f"{where}.choices: give a non-empty list")
        return rng.choice(choices)
    if "range" in rule:
        low, high = _range(rule["range"], where)
        if "matrix" in rule:
            shape = rule["matrix"]
            if not isinstance(shape, list) or not all(isinstance(n, int) and 0 < n <= 64 for n in shape):
                raise SpecError(f"{where}.matrix: give the shape as a list of sizes up to 64, e.g. [6, 6]")
            if len(shape) == 1:
                return " ".join(str(rng.randint(low, high)) for _ in range(shape[0]))
            if len(shape) != 2:
                raise SpecError(f"{where}.matrix: variants draw 1-D or 2-D matrices")
            return "; ".join(" ".join(str(rng.randint(low, high)) for _ in range(shape[1])) for _ in range(shape[0]))
        return rng.randint(low, high)
    raise SpecError(f"{where}: a variant needs 'range' or 'choices'")


def _range(value, where):
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value) and value[0] <= value[1]):
        raise SpecError(f"{where}.range: give [low, high] as whole numbers, low <= high")
    return value


def generate(exercise: Exercise, seed: int) -> tuple[Exercise, str]:
    """A variant of ``exercise`` for ``seed``: the exercise and its YAML text."""
    if not exercise.variants:
        raise SpecError(f"{exercise.path}: the exercise has no 'variants:'; add one to generate variants")
    rng = random.Random(f"{exercise.id}:{seed}")
    last_error = None
    for _ in range(MAX_DRAWS):
        overrides = {name: _draw(rule, rng, exercise.where(f"variants.{name}"))
                     for name, rule in exercise.variants.items()}
        data = _variant_data(exercise, overrides, seed)
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        try:
            variant = build_exercise(YamlDocument(data, f"{exercise.id}-seed{seed}.yaml",
                                                  dict(exercise.document.lines)), folder=exercise.folder)
            variant.references()
        except CnnCalcError as error:
            last_error = error
            continue
        return variant, text
    raise SpecError(f"{exercise.path}: no valid variant in {MAX_DRAWS} draws (last: {last_error}); widen the ranges")


def _variant_data(exercise: Exercise, overrides: dict, seed: int) -> dict:
    original = exercise.document.data
    data = {"id": f"{exercise.id}-seed{seed}", "title": exercise.title}
    if exercise.source:
        data["source"] = exercise.source
    data["variant_of"] = exercise.id
    data["seed"] = seed
    if exercise.statement:
        data["statement"] = exercise.statement
    data["given"] = {**exercise.given_raw, **overrides}
    questions = []
    for q in original["questions"]:
        # published answers belong to the original numbers
        questions.append({k: v for k, v in q.items() if k not in ("expected", "erratum")})
    data["questions"] = questions
    return data
