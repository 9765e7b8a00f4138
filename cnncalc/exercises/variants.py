"""Variants: the same exercise with other numbers, one per student, reproducible
from a seed.

``variants:`` maps given names to how they vary::

    variants:
      N: {range: [5, 12]}                      # a whole number in [5, 12]
      S: {choices: [1, 2]}                     # one of the listed values
      I: {matrix: [6, 6], range: [0, 255]}     # a 6x6 matrix of whole numbers
      X: {matrix: [3, 5, 5], range: [0, 9]}    # 3 channels of 5x5

A variant is written as a new exercise (``id`` + seed, the published
``expected`` answers dropped since they belong to the original numbers) and
its references are computed by the engine like any other exercise.  A draw
that makes a question impossible (a kernel larger than its input) is drawn
again, up to a limit.
"""

from __future__ import annotations

import random
import re

from ..errors import CnnCalcError, SpecError
from ..values import Exact
from ..yamlio import YamlDocument, dump_yaml
from .exercise import Exercise, build_exercise
from .operations import leaves

MAX_DRAWS = 50


def _names_in(compute: object) -> set[str]:
    """Every name a compute mapping uses: operands, and names inside expressions and parts (X[1:3, 1:3])."""
    found: set[str] = set()
    for value in leaves(compute):
        if isinstance(value, str):
            found.add(value)
            found.update(re.findall(r"[A-Za-z_][A-Za-z_0-9-]*", value))
    return found


def _runs(matrix: Exact, length: int = 3) -> set[str]:
    """Every run of ``length`` neighbouring values in a row of a matrix, as text ('103 105 108')."""
    from ..render import format_value

    values = matrix.reduced().values()
    rows = values.reshape(-1, values.shape[-1]) if values.ndim > 1 else values.reshape(1, -1)
    runs = set()
    for row in rows:
        texts = [format_value(v) for v in row]
        for i in range(len(texts) - length + 1):
            runs.add(" ".join(texts[i:i + length]))
    return runs


def _numbers_in(compute: object) -> set[str]:
    """Every number a compute mapping writes as a literal operand (7, '7', 0.5)."""
    found: set[str] = set()
    for value in leaves(compute):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            found.add(str(value))
        elif isinstance(value, str) and re.fullmatch(r"[+-]?\d+(?:\.\d+)?", value.strip()):
            found.add(value.strip())
    return found


def text_problems(exercise: Exercise) -> list[tuple[str, str]]:
    """(question id or 'statement', why) for every text of the exercise whose placeholders cannot be
    filled (``{X[1:3, 1:2]}`` beyond X): ``check`` reports what ``solve`` and ``export`` would refuse."""
    from .prompts import render

    problems = []
    for where, text in [("statement", exercise.statement)] + [(q.id, q.prompt) for q in exercise.questions]:
        try:
            render(text or "", exercise.givens)
        except CnnCalcError as error:
            problems.append((where, f"{where}: {' '.join(str(error).split())}"))
    return problems


def variant_problems(exercise: Exercise, seeds: tuple[int, ...] = (1, 2, 3)) -> list[tuple[str, str]]:
    """('variants', why) when variants cannot be generated for a few seeds: ``check`` reports what
    ``generate`` and ``export`` would refuse."""
    if not exercise.variants:
        return []
    for seed in seeds:
        try:
            generate(exercise, seed)
        except CnnCalcError as error:
            return [("variants", f"the variant of seed {seed} cannot be made: {' '.join(str(error).split())}")]
    return []


def hard_coded(exercise: Exercise) -> list[tuple[str, str]]:
    """(question id or 'statement', why) wherever an exercise with variants writes a value
    the variants change instead of its placeholder: such a variant would print the
    original numbers while computing others."""
    uses: dict[str, set[str]] = {}
    for q in exercise.questions:  # the givens each question depends on, through earlier questions too
        names = _names_in(q.compute) if q.compute else set()
        uses[q.id] = {n for n in names if n in exercise.givens} | set().union(*(uses[n] for n in names if n in uses))
    return _texts_with_values(exercise, uses) + _computes_with_values(exercise, uses)


def _texts_with_values(exercise: Exercise, uses: dict[str, set[str]]) -> list[tuple[str, str]]:
    """The statement or a prompt writes a varied given's value (or a run of its matrix) literally."""
    from .prompts import without_placeholders

    problems: list[tuple[str, str]] = []
    texts = [("statement", exercise.statement, set(exercise.variants))]
    texts += [(q.id, q.prompt, uses[q.id]) for q in exercise.questions]
    for name in exercise.variants:
        given = exercise.givens[name]
        for where, text, depends in texts:
            plain = " ".join(without_placeholders(text).replace(",", " ").split())
            if given.kind == "matrix":
                run = next((r for r in sorted(_runs(given.value))
                            if re.search(rf"(?<![\d.]){re.escape(r)}(?![\d.])", plain)), None)
                if run is not None:
                    problems.append((where, f"writes '{run}' from {name}, which the variants change; write "
                                            f"{{{name}}} or a part such as {{{name}[1:3, 1:3]}}"))
            elif given.kind == "number" and name in depends:
                value = str(given.value)
                square = rf"(?<![\d.]){value}\s*[xX×]\s*{value}(?![\d.])"
                pattern = square if where == "statement" else rf"{square}|(?<![\w.]){value}(?![\d.])"
                if re.search(pattern, plain):
                    problems.append((where, f"writes {value}, the value of {name} that the variants change; "
                                            f"write {{{name}}}"))
    return problems


def _computes_with_values(exercise: Exercise, uses: dict[str, set[str]]) -> list[tuple[str, str]]:
    """A compute writes a varied given's value literally: a number its prompt shows as {N} while the
    compute keeps the original, or values copied from a varied matrix."""
    from .prompts import placeholders

    problems: list[tuple[str, str]] = []
    for q in exercise.questions:
        if not q.compute:
            continue
        shown = {name for name in placeholders(q.prompt) if name in exercise.variants
                 and exercise.givens[name].kind == "number" and name not in uses[q.id]}
        for name in sorted(shown):
            value = str(exercise.givens[name].value)
            if value in _numbers_in(q.compute):
                problems.append((q.id, f"the prompt writes {{{name}}} but the compute uses {value}, the value of "
                                       f"{name} that the variants change; write {name} in the compute"))
        for literal in _names_in(q.compute):
            for name in exercise.variants:
                given = exercise.givens[name]
                if given.kind == "matrix" and any(run in " ".join(literal.replace(";", " ").replace(",", " ").split())
                                                  for run in _runs(given.value)):
                    problems.append((q.id, f"computes with values copied from {name} ('{literal[:30]}'), which the "
                                           f"variants change; use a part of it such as {name}[1:3, 1:3]"))
    return problems


def _draw(rule: object, rng: random.Random, where: str) -> object:
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
            if len(shape) not in (2, 3):
                raise SpecError(f"{where}.matrix: variants draw 1-D, 2-D or 3-D (channels x rows x columns) matrices")

            def plane(rows: int, columns: int) -> str:
                return "; ".join(" ".join(str(rng.randint(low, high)) for _ in range(columns)) for _ in range(rows))

            if len(shape) == 3:  # channels, written with '|' between them
                return " | ".join(plane(shape[1], shape[2]) for _ in range(shape[0]))
            return plane(shape[0], shape[1])
        return rng.randint(low, high)
    raise SpecError(f"{where}: a variant needs 'range' or 'choices'")


def _range(value: object, where: str) -> list[int]:
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
        text = dump_yaml(data)
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
    data: dict[str, object] = {"id": f"{exercise.id}-seed{seed}", "title": exercise.title}
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
