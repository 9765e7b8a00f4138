"""An exercise: givens, questions, and the references the engine computes.

The file format is documented in docs/exercises.md.  Loading validates every
key (errors name the file, the key path and the line) and never executes
anything from the file.

>>> ex = parse_exercise('''
... id: demo
... title: Output size
... questions:
...   - id: q1
...     prompt: 7x7 input, 3x3 filter, stride 2?
...     compute: {output_size: {n: 7, kernel: 3, stride: 2}}
...     expected: 3
... ''', "demo.yaml")
>>> [(q.id, r.value) for q, r in zip(ex.questions, ex.references())]
[('q1', 3)]
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, get_args

from ..errors import CnnCalcError, InputError, InternalError, SpecError, did_you_mean
from ..expr import parse_scalar
from ..yamlio import YamlDocument, load_yaml, load_yaml_file
from .answers import Answer, Tolerance, compare, read_published
from .operations import run
from .scope import Given, Scope, read_given, whole_number

MAX_SIGNIFICANT = 50  # significant digits a tolerance may ask for

EXERCISE_KEYS = ("id", "title", "source", "statement", "given", "questions", "variants", "seed", "variant_of")
QUESTION_KEYS = ("id", "prompt", "points", "compute", "choices", "answer", "accept", "keywords", "expected",
                 "erratum", "tolerance", "mistakes", "hint", "manual", "exact", "rounded_credit", "carried", "reject",
                 "unit", "mistake_credit", "visibility")
#: When students see a question's result on a platform that can hide it (Gradescope's test visibility).
Visibility = Literal["visible", "after_due_date", "after_published", "hidden"]
#: When students see a question's result on Gradescope (its ``visibility:`` key).
VISIBILITIES: tuple[Visibility, ...] = get_args(Visibility)


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    points: Fraction
    compute: dict | None
    choices: tuple
    answer: Any  # the model answer of a choice or text question: any YAML value
    accept: tuple
    keywords: tuple
    expected: Any  # as published in the source (any YAML value), or None
    erratum: str | None
    tolerance: Tolerance
    mistakes: tuple
    hint: str | None
    path: str  # key path in the file, for messages
    manual: bool = False  # graded by a person: left out of the automatic score
    exact: bool = False  # a correctly rounded decimal earns only rounded_credit
    rounded_credit: Fraction = Fraction(0)  # the share a rounded decimal earns where exact is asked
    carried: Fraction = Fraction(1)  # the share an answer right for the student's own earlier answer earns
    reject: tuple = ()  # words of competing answers that make a text answer wrong
    unit: Fraction = Fraction(1)  # the question asks in millions (unit: million): 133 means 133,000,000
    mistake_credit: tuple = ()  # (words of a named mistake, share): method marks, e.g. forgot the bias: 0.5
    visibility: Visibility = "visible"  # when students see this question's result


@dataclass
class Exercise:
    id: str
    title: str
    statement: str
    givens: dict  # name -> Given
    given_raw: dict  # name -> the value as written (for variants)
    questions: list
    variants: dict
    document: YamlDocument
    source: str = ""
    seed: int | None = None
    folder: Path | None = None  # where the file lies: its givens may name files there only
    _references: list | None = field(default=None, repr=False)
    _scope: Scope | None = field(default=None, repr=False)

    @property
    def path(self) -> str:
        return self.document.source

    def prompt_text(self, question: Question) -> str:
        """The question's prompt with its givens filled in (a variant shows its own numbers)."""
        from .prompts import render

        return render(question.prompt, self.givens)

    def statement_text(self) -> str:
        """The statement with its givens filled in."""
        from .prompts import render

        return render(self.statement, self.givens)

    def where(self, path: str) -> str:
        return self.document.where(path)

    @property
    def max_score(self) -> Fraction:
        """The points graded automatically (manual questions left out)."""
        return sum((q.points for q in self.questions if not q.manual), Fraction(0))

    @property
    def manual_points(self) -> Fraction:
        """The points of the questions a person grades (``manual: true``)."""
        return sum((q.points for q in self.questions if q.manual), Fraction(0))

    def references(self) -> list[Answer]:
        """Every question's reference answer, computed once (in order, so a
        question may use an earlier one's answer by its id).  Raises the
        first question's error; :meth:`reference_outcomes` keeps going."""
        outcomes = self.reference_outcomes()
        for outcome in outcomes:
            if isinstance(outcome, CnnCalcError):
                raise outcome
        return outcomes

    def reference_outcomes(self) -> list:
        """Each question's reference, or the error that stopped it: one broken
        question does not cost the others (the grader marks just that one)."""
        if self._references is None:
            scope = Scope(dict(self.givens), {}, self.where, self.folder)
            outcomes: list = []
            for q in self.questions:
                try:
                    reference = self._reference(q, scope)
                except CnnCalcError as error:
                    outcomes.append(error)
                    continue
                except Exception as error:  # a defect: reported for this question only
                    outcomes.append(InternalError.wrap(error, f"{self.where(q.path)}: the reference"))
                    continue
                outcomes.append(reference)
                scope.answers[q.id] = _as_given(reference)
            self._references = outcomes
            self._scope = scope
        return self._references

    def scope(self) -> Scope:
        """Givens and every computed answer by name (after :meth:`reference_outcomes`)."""
        self.reference_outcomes()
        assert self._scope is not None  # set by reference_outcomes
        return self._scope

    def _reference(self, q: Question, scope: Scope) -> Answer:
        if q.compute is not None:
            return run(q.compute, scope, f"{q.path}.compute")
        label = "Answer" if q.choices else "Model answer"
        return Answer("text", str(q.answer), (f"{label}: {q.answer}",))


def _as_given(answer: Answer) -> Given:
    """An answer, usable by later questions under its question id."""
    return Given(answer.kind, answer.value)


# --------------------------------------------------------------------------- loading

def load_exercise(path: str | os.PathLike) -> Exercise:
    return build_exercise(load_yaml_file(str(path)), folder=Path(path).parent)


def parse_exercise(text: str, source: str = "<exercise>") -> Exercise:
    return build_exercise(load_yaml(text, source))


def _unknown(document: YamlDocument, path: str, key: object, known: Sequence[str]) -> SpecError:
    hint = did_you_mean(key, known)
    sub = f"{path}.{key}" if path else str(key)
    return SpecError(f"{document.where(sub)}: unknown key '{key}'{hint}; known keys: {', '.join(known)}")


MAX_ID = 100  # characters of an exercise's id
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def build_exercise(document: YamlDocument, overrides: dict | None = None, folder: Path | None = None) -> Exercise:
    """An exercise from its YAML; ``folder`` is where its file lies (the only place
    its givens may name files; None: they may name none)."""
    data = _exercise_mapping(document)
    given_raw = data.get("given") or {}
    if not isinstance(given_raw, dict):
        raise SpecError(f"{document.where('given')}: 'given' must map names to values, e.g. given: {{N: 7}}")
    given_raw = {**given_raw, **(overrides or {})}
    givens = _givens(given_raw, document, folder)
    questions = _questions(data["questions"], givens, document)
    variants = data.get("variants") or {}
    if not isinstance(variants, dict):
        raise SpecError(f"{document.where('variants')}: 'variants' maps given names to ranges or choices")
    for name in variants:
        if name not in given_raw:
            raise SpecError(f"{document.where('variants.' + str(name))}: '{name}' is not a given; variants change givens")
    return Exercise(str(data["id"]), str(data["title"]), str(data.get("statement") or ""), givens, given_raw,
                    questions, variants, document, str(data.get("source") or ""), data.get("seed"), folder)


def _exercise_mapping(document: YamlDocument) -> dict:
    """The exercise's top-level mapping, with known keys, id, title and questions, and a plain id."""
    data = document.data
    if not isinstance(data, dict):
        raise SpecError(f"{document.source}: an exercise must be a mapping with id, title and questions; "
                        "see docs/exercises.md")
    for key in data:
        if key not in EXERCISE_KEYS:
            raise _unknown(document, "", key, EXERCISE_KEYS)
    for key in ("id", "title", "questions"):
        if key not in data:
            raise SpecError(f"{document.source}: missing '{key}'; every exercise needs id, title and questions")
    # a variant's id is its exercise's id and -seedS (up to 24 more characters)
    longest = MAX_ID + 24 if "variant_of" in data else MAX_ID
    if (not isinstance(data["id"], (str, int)) or isinstance(data["id"], bool)
            or not _SAFE_ID.fullmatch(str(data["id"])) or len(str(data["id"])) > longest):
        shown = str(data["id"]) if len(str(data["id"])) <= 60 else str(data["id"])[:57] + "..."
        raise SpecError(f"{document.where('id')}: id '{shown}' is not a plain name; use letters, digits, '-', '_' and "
                        "'.' (up to 100, starting with a letter or digit): it names files such as a variant's")
    return data


def _givens(given_raw: dict, document: YamlDocument, folder: Path | None) -> dict[str, Given]:
    """Each given read as what it is (number, formula, matrix, network, text); errors name its line."""
    givens = {}
    for name, raw in given_raw.items():
        if not str(name).isidentifier():
            raise SpecError(f"{document.where('given.' + str(name))}: '{name}' is not a name; use letters, digits and _")
        try:
            givens[str(name)] = read_given(raw, document, f"given.{name}", folder)
        except CnnCalcError as error:
            raise type(error)(f"{document.where('given.' + str(name))}: {error}") from None
    return givens


def _questions(questions_raw: object, givens: dict, document: YamlDocument) -> list[Question]:
    """The questions, each id used once and none the name of a given."""
    if not isinstance(questions_raw, list) or not questions_raw:
        raise SpecError(f"{document.where('questions')}: 'questions' must be a non-empty list")
    questions: list[Question] = []
    seen: set[str] = set()
    for i, raw in enumerate(questions_raw):
        q = _question(raw, f"questions[{i}]", document)
        if q.id in seen:
            raise SpecError(f"{document.where(q.path + '.id')}: question id '{q.id}' is used twice; ids must be unique")
        if q.id in givens:
            raise SpecError(f"{document.where(q.path + '.id')}: question id '{q.id}' is also a given; rename one")
        seen.add(q.id)
        questions.append(q)
    return questions


def _question(raw: object, path: str, document: YamlDocument) -> Question:
    _check_question(raw, path, document)
    assert isinstance(raw, dict)  # _check_question refuses anything else
    choices = _texts(raw, "choices")
    if choices and str(raw.get("answer")) not in choices:
        raise SpecError(f"{document.where(path + '.answer')}: the answer '{raw.get('answer')}' is not one of the choices")
    erratum = raw.get("erratum")
    return Question(
        id=str(raw["id"]), prompt=str(raw.get("prompt", "")), points=_points(raw.get("points", 1), path, document),
        compute=raw.get("compute"),
        choices=choices, answer=raw.get("answer"), accept=_texts(raw, "accept"),
        keywords=_texts(raw, "keywords"), expected=raw.get("expected"),
        erratum=str(erratum) if erratum is not None else None,
        tolerance=_tolerance(raw.get("tolerance"), f"{path}.tolerance", document),
        mistakes=tuple(raw.get("mistakes") or ()), hint=raw.get("hint"), path=path,
        manual=_flag(raw.get("manual", False), f"{path}.manual", document),
        exact=_flag(raw.get("exact", False), f"{path}.exact", document),
        rounded_credit=_share(raw.get("rounded_credit", 0), f"{path}.rounded_credit", document),
        carried=_share(raw.get("carried", 1), f"{path}.carried", document),
        reject=_texts(raw, "reject") + tuple(c for c in choices if c != str(raw.get("answer"))),
        unit=_unit(raw.get("unit", 1), f"{path}.unit", document),
        mistake_credit=_mistake_credit(raw.get("mistake_credit"), f"{path}.mistake_credit", document),
        visibility=_visibility(raw.get("visibility", "visible"), f"{path}.visibility", document),
    )


def _check_question(raw: object, path: str, document: YamlDocument) -> None:
    """A question is a mapping of known keys with an id, and either compute or answer."""
    if not isinstance(raw, dict):
        raise SpecError(f"{document.where(path)}: a question is a mapping with id, prompt and compute (or answer)")
    for key in raw:
        if key not in QUESTION_KEYS:
            raise _unknown(document, path, key, QUESTION_KEYS)
    if "id" not in raw:
        raise SpecError(f"{document.where(path)}: the question has no 'id'")
    if ("compute" in raw) == ("answer" in raw):
        raise SpecError(f"{document.where(path)}: give either 'compute' (an engine operation) or 'answer' "
                        "(for choice and free-text questions), not both and not neither")
    if raw.get("erratum") is not None and "expected" not in raw:
        raise SpecError(f"{document.where(path + '.erratum')}: an erratum explains a published 'expected' answer; add it")


def _texts(raw: dict, key: str) -> tuple[str, ...]:
    """A question's list of texts (choices, accept, keywords, reject); none when absent."""
    return tuple(str(item) for item in raw.get(key) or ())


def _points(value: object, path: str, document: YamlDocument) -> Fraction:
    try:
        points = Fraction(parse_scalar(value, allow_symbols=False))
    except CnnCalcError:
        raise SpecError(f"{document.where(path + '.points')}: points must be a number such as 2 or 0.5") from None
    if points < 0:
        raise SpecError(f"{document.where(path + '.points')}: points {points} are negative; use 0 or more")
    return points


def _mistake_credit(raw: object, path: str, document: YamlDocument) -> tuple:
    """``{forgot the bias: 0.5, arithmetic slip: 0.5}``: the share a named mistake earns."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise SpecError(f"{document.where(path)}: mistake_credit maps words of a mistake to a share, "
                        "e.g. {forgot the bias: 0.5}")
    return tuple((str(words).lower(), _share(share, f"{path}.{words}", document)) for words, share in raw.items())


UNITS = {"thousand": 10**3, "thousands": 10**3, "million": 10**6, "millions": 10**6, "billion": 10**9,
         "billions": 10**9}


def _unit(value: object, path: str, document: YamlDocument) -> Fraction:
    """The unit a question asks its answer in: thousand, million, billion or a number."""
    if isinstance(value, str) and value.strip().lower() in UNITS:
        return Fraction(UNITS[value.strip().lower()])
    try:
        unit = Fraction(parse_scalar(value, allow_symbols=False))
    except (CnnCalcError, TypeError, ValueError):
        unit = Fraction(0)
    if unit <= 0:
        raise SpecError(f"{document.where(path)}: unit '{value}' is not thousand, million, billion or a positive "
                        "number")
    return unit


def _share(value: object, path: str, document: YamlDocument) -> Fraction:
    """A share of a question's points, from 0 to 1."""
    try:
        share = Fraction(parse_scalar(value, allow_symbols=False))
    except (CnnCalcError, TypeError, ValueError):
        raise SpecError(f"{document.where(path)}: '{value}' is not a share of the points; write a number "
                        "from 0 to 1 such as 0.5") from None
    if not 0 <= share <= 1:
        raise SpecError(f"{document.where(path)}: {value} is not a share of the points; write a number from 0 to 1")
    return share


def _flag(value: object, path: str, document: YamlDocument) -> bool:
    if not isinstance(value, bool):
        raise SpecError(f"{document.where(path)}: '{value}' is not true or false; write true or false")
    return value


def _visibility(value: object, path: str, document: YamlDocument) -> Visibility:
    if value not in VISIBILITIES:
        raise SpecError(f"{document.where(path)}: visibility '{value}' is not one of {', '.join(VISIBILITIES)}; "
                        "after_due_date hides the result until the due date")
    return value


def _tolerance(raw: object, path: str, document: YamlDocument) -> Tolerance:
    if raw is None:
        return Tolerance()
    if not isinstance(raw, dict):
        raise SpecError(f"{document.where(path)}: tolerance is a mapping: relative, absolute or significant")
    for key in raw:
        if key not in ("relative", "absolute", "significant"):
            raise _unknown(document, path, key, ("relative", "absolute", "significant"))
    try:
        relative = Fraction(parse_scalar(raw["relative"], allow_symbols=False)) if "relative" in raw else None
        absolute = Fraction(parse_scalar(raw["absolute"], allow_symbols=False)) if "absolute" in raw else None
    except CnnCalcError:
        raise SpecError(f"{document.where(path)}: tolerance values must be numbers") from None
    for value, key in ((relative, "relative"), (absolute, "absolute")):
        if value is not None and value < 0:
            raise SpecError(f"{document.where(f'{path}.{key}')}: a tolerance of {value} is negative; use 0 or more")
    significant = None
    if "significant" in raw:
        significant = whole_number(raw["significant"], "significant", document.where(f"{path}.significant"),
                                   1, MAX_SIGNIFICANT)
    return Tolerance(relative=relative, absolute=absolute, significant=significant)


# --------------------------------------------------------------------------- checking

@dataclass(frozen=True)
class CheckRow:
    exercise: str
    question: str
    status: str  # ok | computed | mismatch | erratum | erratum-resolved (and, from check: ungradable | invalid)
    reference: Answer | None
    published: Any  # as the source printed it (any YAML value), or None
    note: str


def check_exercise(exercise: Exercise) -> list[CheckRow]:
    """Compute every reference and compare it with the published answer."""
    rows = []
    for q, ref in zip(exercise.questions, exercise.reference_outcomes()):
        if isinstance(ref, CnnCalcError):  # this question cannot be computed; the others are still checked
            rows.append(CheckRow(exercise.id, q.id, "ungradable", None, q.expected, " ".join(str(ref).split())))
            continue
        if q.expected is None:
            rows.append(CheckRow(exercise.id, q.id, "computed", ref, None, ""))
            continue
        try:
            published, unknown = read_published(ref, q.expected)
            outcome = compare(ref, published, q.tolerance, q.accept, q.keywords, unknown, q.reject)
        except CnnCalcError as error:
            raise SpecError(f"{exercise.where(q.path + '.expected')}: {error}") from None
        if q.erratum is not None:
            status = "erratum" if not outcome.correct else "erratum-resolved"
            rows.append(CheckRow(exercise.id, q.id, status, ref, q.expected, q.erratum))
        else:
            rows.append(CheckRow(exercise.id, q.id, "ok" if outcome.correct else "mismatch", ref, q.expected,
                                 outcome.note))
    return rows


def exercise_files(target: str | os.PathLike) -> list[Path]:
    """The exercise files of a path: itself, or every .yaml/.yml below a folder."""
    path = Path(target)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
        if not files:
            raise InputError(f"{path}: no .yaml exercise files inside; check the folder")
        return files
    if not path.exists():
        raise InputError(f"{path}: no such file or folder; give an exercise .yaml or a folder of them")
    return [path]
