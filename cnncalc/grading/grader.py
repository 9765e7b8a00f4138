"""Grading answer files against an exercise.

An answer file (docs/grading.md)::

    exercise: alexnet          # the exercise id
    seed: 7                    # only for a generated variant
    student: Ada Lovelace      # a name or an id (default: the file or folder name)
    answers:
      width: 55
      units: 290,400
      parameters: 96 * (11*11*3 + 1)

Every value reaches the answer reader exactly as the student typed it (the file
is read with ``yamlio``'s ``typed=True``).  References and mistaken references
are computed once per exercise (and per variant seed); a submission then costs
only reading and comparing.  Nothing is lost: a broken file becomes an invalid
row with its reason, a question whose reference or grading fails inside
cnncalc becomes that question's ``error``, and the rest is graded.

>>> from cnncalc.exercises.exercise import parse_exercise
>>> ex = parse_exercise('''
... id: demo
... title: Output size
... questions:
...   - id: width
...     compute: {output_size: {n: 227, kernel: 11, stride: 4}}
... ''', "demo.yaml")
>>> g = Grader(ex).grade({"widht": "55"}, "ada")
>>> g.questions[0].status, g.notes[0]
('correct', "unknown question 'widht' (did you mean 'width'?): graded as 'width'")
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Literal

from ..errors import CnnCalcError, InputError, InternalError, did_you_mean
from ..exercises.answers import Answer, Comparison, compare
from ..exercises.exercise import Exercise, Question
from ..expr import normalize
from ..rationals import round_significant
from ..yamlio import RefusedTag, Repeated, Unreadable, YamlSyntaxError, load_yaml_file
from .mistakes import Mistake, mistaken_references
from .reading import Interpretation, Reading, read_student, typed_text
from .recovery import recover

ANSWER_FILE_KEYS = ("exercise", "seed", "student", "answers")
ANSWER_SUFFIXES = (".yaml", ".yml")
MAX_ANSWER_FILE_BYTES = 1_000_000

Status = Literal["correct", "partial", "wrong", "missing", "invalid", "error", "manual"]
#: Every status a question can have, in the order reports list them.
STATUSES: tuple[Status, ...] = ("correct", "partial", "wrong", "missing", "invalid", "error", "manual")


@dataclass(frozen=True)
class QuestionGrade:
    """One question of one submission: score, status, what was read and why."""

    id: str
    score: Fraction
    max_score: Fraction
    status: Status
    read_as: str  # the answer as the grader read it ("" when none)
    feedback: str
    mistake: str = ""  # the named mistake it matched, for statistics
    typed: str = ""  # the answer exactly as typed
    answer: Answer | None = field(default=None, compare=False, repr=False)  # the reading graded (carried forward)


@dataclass(frozen=True)
class SubmissionGrade:
    """One answer file: the automatic score, each question, and file-level notes."""

    source: str
    student: str
    exercise: str
    score: Fraction
    max_score: Fraction
    questions: tuple[QuestionGrade, ...] = ()
    invalid: str = ""  # why the whole file could not be graded
    seed: int | None = None
    notes: tuple[str, ...] = ()  # unknown question ids, no 'answers:', ...
    manual_max: Fraction = Fraction(0)  # points left for a person to grade

    @property
    def errors(self) -> tuple[QuestionGrade, ...]:
        """Questions that could not be graded because of a defect (status ``error``)."""
        return tuple(q for q in self.questions if q.status == "error")

    @property
    def needs_manual(self) -> tuple[QuestionGrade, ...]:
        return tuple(q for q in self.questions if q.status == "manual")


@dataclass
class PreparedQuestion:
    """A question ready to grade: its reference and mistaken references, or
    why it cannot be graded; ``problems`` are mistake rules that failed inside
    cnncalc (grading goes on without them; ``cnncalc check`` reports them)."""

    question: Question
    reference: Answer | None
    mistakes: list[Mistake] = field(default_factory=list)
    error: str = ""
    problems: list[str] = field(default_factory=list)


def prepare(exercise: Exercise) -> list[PreparedQuestion]:
    """References and mistakes of every question, each failure kept to its question."""
    outcomes = exercise.reference_outcomes()
    scope = exercise.scope()
    prepared = []
    for q, outcome in zip(exercise.questions, outcomes):
        if isinstance(outcome, CnnCalcError):
            prepared.append(PreparedQuestion(q, None, error=" ".join(str(outcome).split())))
            continue
        problems: list[str] = []
        try:
            mistakes = mistaken_references(q, outcome, scope, problems)
        except CnnCalcError as error:  # a malformed custom mistake: the exercise's fault
            prepared.append(PreparedQuestion(q, outcome, error=" ".join(str(error).split())))
            continue
        except Exception as error:  # a defect: grade without diagnosis, report it in check
            mistakes = []
            problems.append(str(InternalError.wrap(error, f"{q.id}: the mistake diagnosis")))
        prepared.append(PreparedQuestion(q, outcome, mistakes, problems=problems))
    return prepared


class Grader:
    """Grades submissions of one exercise; variants are prepared on demand."""

    def __init__(self, exercise: Exercise) -> None:
        self.exercise = exercise
        self._prepared: dict[int | None, list[PreparedQuestion] | str] = {}
        self._variants: dict[int | None, Exercise] = {}
        # identical answers get identical grades: a class shares many ("55", "290,400")
        self._graded: dict[tuple, QuestionGrade] = {}
        self._recomputed: dict[tuple, Answer | None] = {}
        self._dependencies: dict[tuple, tuple[list[str], str | None, set[str]]] = {}

    def prepared(self, seed: int | None) -> list[PreparedQuestion] | str:
        """The prepared questions of the exercise (or of its variant ``seed``), or
        why that variant cannot be built."""
        if seed not in self._prepared:
            exercise = self.exercise
            try:
                if seed is not None:
                    from ..exercises.variants import generate

                    exercise, _ = generate(self.exercise, seed)
                self._prepared[seed] = prepare(exercise)
                self._variants[seed] = exercise
            except CnnCalcError as error:
                self._prepared[seed] = f"the variant for seed {seed} cannot be built: {' '.join(str(error).split())}"
            except Exception as error:
                self._prepared[seed] = str(InternalError.wrap(error, f"building the variant for seed {seed}"))
        return self._prepared[seed]

    # --------------------------------------------------------------- one submission

    def grade(self, answers: dict, student: str = "", source: str = "", seed: int | None = None,
              notes: tuple[str, ...] = ()) -> SubmissionGrade:
        """Grade answers given as {question id: answer as typed}."""
        prepared = self.prepared(seed)
        exercise = self.exercise
        if isinstance(prepared, str):
            return invalid_grade(source, student, exercise.id, exercise.max_score, prepared, seed)
        matched, match_notes = match_answers([p.question.id for p in prepared], answers)
        grades = []
        for item in prepared:
            raw = matched.get(item.question.id)
            key = (seed, item.question.id, type(raw).__name__, typed_text(raw))
            graded = self._graded.get(key)
            if graded is None:
                graded = grade_prepared(item, raw)
                if len(self._graded) < 200_000:
                    self._graded[key] = graded
            grades.append(graded)
        if any(g.status in ("wrong", "partial") for g in grades):
            grades = self._carry_forward(seed, prepared, matched, grades)
        score = exact_sum(g.score for g in grades if g.status != "manual")
        return SubmissionGrade(source, student, exercise.id, score, exercise.max_score, tuple(grades),
                               seed=seed, notes=tuple(notes) + tuple(match_notes),
                               manual_max=exercise.manual_points)

    def _carry_forward(self, seed: int | None, prepared: list[PreparedQuestion], answers: dict,
                       grades: list[QuestionGrade]) -> list[QuestionGrade]:
        """Give carried-forward credit to answers right for the student's own earlier answers."""
        from .carried import chained_layer, dependencies, summed_layers

        own: dict[str, Answer] = {}  # earlier answers that differ from the reference, as the student gave them
        # earlier numbers accepted as rounded (62.4M for 62,378,344): a later answer computed from them
        # (62.4 / 6.6 = 9.5 where 9.4 is right) follows the student's own right answers, with no error
        rounded: dict[str, Answer] = {}
        out: list[QuestionGrade] = []
        for item, graded in zip(prepared, grades):
            question = item.question
            key = (seed, question.id)
            if key not in self._dependencies:
                before = [p.question for p in prepared[:prepared.index(item)]]
                named = dependencies(question.compute, {q.id for q in before}) if question.compute else set()
                chained = chained_layer(question, before, self._variants.get(seed, self.exercise))
                summed = summed_layers(question, before)
                self._dependencies[key] = (sorted(named | summed | ({chained} if chained else set())), chained, summed)
            names, chained, summed = self._dependencies[key]
            used = {d: own[d] for d in names if d in own}
            near = {d: rounded[d] for d in names if d in rounded}
            # an answer that makes a mistake of method in this very question (biases counted where weights
            # only are asked) repeats the mistake rather than inheriting it: not carried
            repeated = graded.mistake in {m.message for m in item.mistakes if m.convention}
            carried, from_rounded = None, False
            if (used or near) and graded.status in ("wrong", "partial") and item.reference is not None \
                    and not repeated:
                references = {p.question.id: p.reference for p in prepared}
                raw = answers.get(question.id)
                # the wrong answers alone first (the student may have kept the exact values of the rounded ones)
                if used:
                    carried = self._carried(seed, item, used, raw, graded, references, chained, summed)
                if carried is None and near:
                    carried = self._carried(seed, item, used | near, raw, graded, references, chained, summed,
                                            rounded=set(near))
                    from_rounded = carried is not None and not used
                if carried is not None:
                    graded = carried
            if graded.status == "correct" and (carried is None or from_rounded):
                if graded.answer is not None and _right_but_rounded(item.reference, graded.answer):
                    rounded[question.id] = graded.answer
            elif graded.answer is not None and (graded.status in ("wrong", "partial") or carried is not None) \
                    and _comparable(item.reference, graded.answer):
                own[question.id] = graded.answer
            out.append(graded)
        return out

    def _carried(self, seed: int | None, item: PreparedQuestion, used: dict[str, Answer], raw: object,
                 graded: QuestionGrade, references: dict, chained: str | None = None,
                 summed: AbstractSet[str] = frozenset(), rounded: AbstractSet[str] = frozenset()
                 ) -> QuestionGrade | None:
        """The grade of an answer right for the student's own earlier answers ``used`` (``rounded``
        names those that were right, only rounded: no error is carried, full credit), or None."""
        from ..exercises.solution import answer_inline
        from .carried import difference, recompute

        key = (seed, item.question.id, tuple((d, answer_inline(a)) for d, a in used.items()))
        if key not in self._recomputed:
            self._recomputed[key] = recompute(self._variants.get(seed, self.exercise), item.question, used, chained,
                                              summed, references)
        reference = self._recomputed[key]
        if reference is None:
            return None
        reading = read_student(reference, raw)
        if not reading.interpretations:
            return None
        own_item = PreparedQuestion(item.question, reference)
        judgement = judge(own_item, reading)
        if not judgement.outcome.correct:
            return None
        why = "; ".join(f"follows from your {d} answer ({difference(references[d], a)})"
                        for d, a in used.items() if references.get(d) is not None and d not in rounded)
        also = ", ".join(f"{d} ({answer_inline(a)} for {answer_inline(references[d])})"
                         for d, a in used.items() if d in rounded and references.get(d) is not None)
        errors = [d for d in used if d not in rounded]
        share = item.question.carried if errors else Fraction(1)  # rounding that was accepted is no error
        points = item.question.points
        status: Status = "correct" if share == 1 else ("partial" if share > 0 else "wrong")
        right = answer_inline(item.reference) if item.reference is not None else "?"
        if errors:
            feedback = (f"error carried forward ({'full' if share == 1 else share} credit): {why}"
                        + (f", with your rounded {also}" if also else "")
                        + f"; with the right {', '.join(used)} the answer is {right}")
        else:
            feedback = (f"right for your own rounded answers (full credit): follows from your {also}; "
                        f"with the exact values the answer is {right}")
        return QuestionGrade(item.question.id, points * share, points, status, graded.read_as, feedback,
                             graded.mistake, graded.typed, judgement.reading.answer)

    def grade_file(self, path: str | os.PathLike, student: str | None = None) -> SubmissionGrade:
        """Grade one answer file; any problem with the file is an invalid row."""
        path = str(path)
        default = student or Path(path).stem
        try:
            submission = read_submission(path, default, self.exercise.id)
            if submission.exercise != self.exercise.id:
                raise InputError(f"is for exercise '{submission.exercise}', not '{self.exercise.id}'")
            return self.grade(submission.answers, submission.student, path, submission.seed, submission.notes)
        except CnnCalcError as error:
            return invalid_grade(path, default, self.exercise.id, self.exercise.max_score, str(error))


# --------------------------------------------------------------------------- answer files

@dataclass(frozen=True)
class Submission:
    """An answer file, read: the exercise it names, who, the answers as typed."""

    exercise: str
    student: str
    answers: dict
    seed: int | None
    notes: tuple[str, ...] = ()


def _text(value: object) -> str:
    return typed_text(value).strip()


def read_submission(path: str, default_student: str | None = None,
                    default_exercise: str | None = None) -> Submission:
    """Read and check an answer file (plain YAML, at most 1 MB, every value as typed).

    ``default_exercise`` is used, with a note, when the file names none (one
    exercise is being graded).  Raises :class:`InputError` for a file that
    cannot be graded at all."""
    notes: list[str] = []
    try:
        document = load_yaml_file(path, tags="mark", max_bytes=MAX_ANSWER_FILE_BYTES, typed=True)
        data = document.data
        if isinstance(data, dict) and isinstance(data.get("answers"), str):
            # 'answers:' over lines such as 'width:55' (no space: YAML reads one long word): read them one by one
            recovered = recover(document.text, path)
            if recovered is not None and isinstance(recovered[0].get("answers"), dict):
                data = recovered[0]
                notes.append("each answer was read on its own (an answer without a space after its colon)")
                notes += recovered[1]
    except YamlSyntaxError as error:
        # one broken answer does not cost the others: each entry is read on its own
        recovered = recover(error.text, path)
        if recovered is None:
            raise
        data = recovered[0]
        notes.append(f"the file is not YAML as a whole ({error.problem}, line {error.line}); "
                     "each answer was read on its own")
        notes += recovered[1]
    except (RecursionError, MemoryError, UnicodeError, ValueError) as error:
        if isinstance(error, CnnCalcError):
            raise
        raise InputError(f"cannot be read ({type(error).__name__})") from None
    if not isinstance(data, dict):
        raise InputError("is not an answer file: expected a mapping with exercise, student and answers "
                         "(see docs/grading.md)")
    top = _file_keys(data, notes)
    exercise = _text(top.get("exercise"))
    if isinstance(top.get("exercise"), (dict, list)) or not exercise:
        if default_exercise is None:
            raise InputError("has no 'exercise:' naming the exercise id")
        exercise = default_exercise
        notes.append(f"the file names no exercise; graded as '{default_exercise}'")
    raw_student = top.get("student")
    if isinstance(raw_student, (dict, list)):
        raise InputError("'student' must be a plain name or id")
    student = _text(raw_student) or default_student or Path(path).stem
    answers = _answers(top, notes)
    return Submission(exercise, student, {str(k): v for k, v in answers.items()}, _seed(top), tuple(notes))


def _file_keys(data: dict, notes: list[str]) -> dict:
    """The answer file's own keys (a misspelt one read as the key it clearly is, noted; the rest under
    '_extra'), each given once and untagged."""
    top: dict = {}
    for key, value in data.items():
        if key in ANSWER_FILE_KEYS:
            top[key] = value
            continue
        close = did_you_mean(key, ANSWER_FILE_KEYS)
        guess = close[len(" (did you mean '"):-len("'?)")] if close else ""
        if guess and guess not in data and guess not in top:
            top[guess] = value
            notes.append(f"read the key '{key}' as '{guess}'")
        else:
            top.setdefault("_extra", {})[key] = value
    for key, value in top.items():
        if isinstance(value, Repeated) and key != "answers":
            raise InputError(f"'{key}' is given {len(value.values)} times (lines "
                             f"{', '.join(map(str, value.lines))}); keep one")
        if isinstance(value, RefusedTag):
            raise InputError(f"'{key}' has a YAML tag ({value.tag.rsplit(':', 1)[-1]}); write plain text")
        if isinstance(value, Unreadable):
            raise InputError(f"line {value.line}: '{key}' is not valid YAML ({value.problem}); "
                             "check its brackets and quotes")
    return top


def _seed(top: dict) -> int | None:
    """The variant's seed the file names, if any."""
    if top.get("seed") is None:
        return None
    seed_text = _text(top["seed"])
    if not re.fullmatch(r"[+-]?\d{1,18}", seed_text):
        raise InputError(f"seed '{seed_text[:40]}' is not a whole number; write the seed your variant was "
                         "generated with, e.g. seed: 7")
    return int(seed_text)


def _answers(top: dict, notes: list[str]) -> dict:
    """The answers by question id: under 'answers:' (several such blocks are all read), or at the top
    level where there is no such key; a question answered twice alike is graded once."""
    answers = top.get("answers")
    extra = top.get("_extra", {})
    if answers is None:
        if extra:
            notes.append("no 'answers:' key: the answers were read from the top level")
            answers, extra = extra, {}
        else:
            notes.append("the file has no 'answers:'; nothing to grade")
            answers = {}
    elif isinstance(answers, Repeated):
        notes.append(f"'answers:' is given {len(answers.values)} times (lines "
                     f"{', '.join(map(str, answers.lines))}); every part was read")
        answers = _merged_blocks(answers)
    elif not isinstance(answers, dict):
        raise InputError("'answers' must map question ids to answers, e.g. answers: {width: 55}")
    for key in extra:
        notes.append(f"unknown key '{key}' ignored (an answer file has {', '.join(ANSWER_FILE_KEYS)})")
    for key, value in list(answers.items()):
        if isinstance(value, Repeated) and len({typed_text(v) for v in value.values}) == 1:
            # the same answer written twice: the student committed to it (a TA grades it once)
            answers[key] = value.values[0]
            notes.append(f"'{key}' is answered {len(value.values)} times with the same answer "
                         f"(lines {', '.join(map(str, value.lines))}); graded once")
    return answers


def _merged_blocks(blocks: Repeated) -> dict:
    """Several 'answers:' blocks as one; a question in two of them is answered twice, as within one."""
    merged: dict = {}
    lines: dict = {}
    for part, line in zip(blocks.values, blocks.lines):
        for key, value in (part.items() if isinstance(part, dict) else ()):
            if key not in merged:
                merged[key], lines[key] = value, line
                continue
            merged[key] = Repeated.adding(merged[key], lines[key], value, line)
    return merged


def _normal_id(text: str) -> str:
    return re.sub(r"[\s_\-.]+", "-", str(text).strip().lower()).strip("-")


def match_answers(question_ids: list[str], answers: dict) -> tuple[dict, list[str]]:
    """Answers by question id, as a TA reads them: an id in another case or with
    '_' for '-' is that question; a misspelt id that is close to exactly one
    unanswered question is graded as that question; every such reading, and
    every id that matches nothing, is noted.

    >>> match_answers(["width", "units"], {"Units": "290400", "widht": "55", "colour": "red"})[1]
    ["answer under 'Units' graded as 'units'", "unknown question 'widht' (did you mean 'width'?): graded as 'width'",
     "unknown question 'colour' (did you mean one of: width, units?); not graded"]
    """
    if all(key in question_ids for key in answers):
        return dict(answers), []  # the usual case: every id as written in the exercise
    matched: dict = {}
    notes: list[str] = []
    unknown: list[str] = []
    normal = {_normal_id(q): q for q in question_ids}
    for key in answers:
        if key in question_ids:
            matched[key] = answers[key]
    for key, value in answers.items():
        if key in question_ids:
            continue
        target = normal.get(_normal_id(key))
        if target is not None and target not in matched:
            matched[target] = value
            notes.append(f"answer under '{key}' graded as '{target}'")
        elif target is not None:
            notes.append(f"answer under '{key}' ignored: '{target}' is answered too")
        else:
            unknown.append(key)
    for key in unknown:
        open_ids = [q for q in question_ids if q not in matched]
        target = _closest_id(key, open_ids)
        if target is not None:
            matched[target] = answers[key]
            notes.append(f"unknown question '{key}' (did you mean '{target}'?): graded as '{target}'")
        else:
            hint = f"did you mean one of: {', '.join(question_ids[:8])}{', ...' if len(question_ids) > 8 else ''}?"
            notes.append(f"unknown question '{key}' ({hint}); not graded")
    return matched, notes


def exact_sum(values: Iterable[int | Fraction]) -> Fraction:
    """A sum of scores, exactly; whole scores (the usual case) are added as ints."""
    values = list(values)
    if all(getattr(v, "denominator", 1) == 1 for v in values):
        return Fraction(sum(int(v) for v in values))
    return sum((Fraction(v) for v in values), Fraction(0))


def _right_but_rounded(reference: Answer | None, answer: Answer | None) -> bool:
    """A number accepted as right that is not the reference's exact value (62.4M for
    62,378,344, within a tolerance or correctly rounded)."""
    return reference is not None and answer is not None and reference.kind == answer.kind == "number" \
        and answer.value != reference.value


def _comparable(reference: Answer | None, answer: Answer) -> bool:
    """An earlier answer carries forward only if it is of the reference's kind and shape:
    an arithmetic slip is carried, a nonsense answer is not."""
    if reference is None or reference.kind != answer.kind:
        return False
    if reference.kind == "matrix":  # a map of the right rank (a 3x3 map where 4x4 is right is still carried)
        return reference.value.ndim == answer.value.ndim and (answer.value.size > 1 or reference.value.size == 1)
    if reference.kind == "shape":  # a volume for a volume (54x54x96), not a number for it
        return len(tuple(reference.value)) == len(tuple(answer.value))
    return True


def edit_distance(a: str, b: str) -> int:
    """Letters inserted, deleted, replaced or swapped to turn ``a`` into ``b``.

    >>> edit_distance("widht", "width"), edit_distance("conv1-ouput", "conv1-output")
    (1, 1)
    """
    previous, current = list(range(len(b) + 1)), [0] * (len(b) + 1)
    before: list[int] = []
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        before, previous = previous, current
    return previous[len(b)]


def _closest_id(key: str, open_ids: list[str]) -> str | None:
    """The one unanswered question a misspelt id clearly means: at most 2 edits (1 for a
    short id) away, and strictly closer than any other."""
    typed = _normal_id(key)
    allowed = 1 if len(typed) <= 5 else 2
    distances = sorted((edit_distance(typed, _normal_id(q)), q) for q in open_ids)
    if not distances or distances[0][0] > allowed:
        # 'loss' for 'loss-function', 'activation' for 'last-activation', 'pool1-params' for
        # 'pool1-parameters': the first or last words, or each word shortened, of exactly one question's id
        for rule in (lambda q: q.startswith(typed + "-"), lambda q: q.endswith("-" + typed),
                     lambda q: _shortened(typed, q)):
            found = [q for q in open_ids if len(typed) >= 3 and rule(_normal_id(q))]
            if found:
                return found[0] if len(found) == 1 else None
        return None
    if len(distances) > 1 and distances[1][0] == distances[0][0]:
        return None  # two questions equally close: the grader cannot know which
    return distances[0][1]


def _shortened(typed: str, full: str) -> bool:
    """Whether a typed id is a question id with each word shortened as students shorten words: its first
    3 letters kept, then some of the rest in order ('pool1-params', 'conv-out').

    >>> _shortened("pool1-params", "pool1-parameters"), _shortened("conv1-outp", "conv1-output")
    (True, True)
    >>> _shortened("pool1-pa", "pool1-parameters"), _shortened("params", "pool1-parameters")
    (False, False)
    """
    words, full_words = typed.split("-"), full.split("-")
    return len(words) == len(full_words) and words != full_words and all(
        w == f or len(w) >= 3 and f.startswith(w[:3]) and _in_order(w[3:], f[3:]) for w, f in zip(words, full_words))


def _in_order(letters: str, word: str) -> bool:
    rest = iter(word)
    return all(letter in rest for letter in letters)  # each found after the one before


def invalid_grade(path: str, student: str, exercise: str, max_score: Fraction, reason: str,
                  seed: int | None = None) -> SubmissionGrade:
    reason = " ".join(reason.split())
    if path and reason.startswith(path):
        reason = reason[len(path):].lstrip(": ")
    return SubmissionGrade(path, student, exercise, Fraction(0), max_score, (), reason, seed)


# --------------------------------------------------------------------------- one question

def _inline(answer: Answer) -> str:
    from ..exercises.solution import answer_inline

    return answer_inline(answer)


def grade_prepared(prepared: PreparedQuestion, raw: object) -> QuestionGrade:
    """Grade one answer; a failure inside cnncalc is this question's ``error``, never a crash."""
    question = prepared.question
    try:
        return _grade(prepared, raw)
    except Exception as error:
        message = str(InternalError.wrap(error, "grading this answer"))
        return QuestionGrade(question.id, Fraction(0), question.points, "error", "", f"error: {message}",
                             typed=typed_text(raw))


@dataclass(frozen=True)
class Judgement:
    """The chosen reading of an answer and how it compares with the reference."""

    reading: Interpretation
    outcome: Comparison
    mistake: Mistake | None = None


def _grade(prepared: PreparedQuestion, raw: object) -> QuestionGrade:
    question, reference = prepared.question, prepared.reference
    points = question.points
    typed = typed_text(raw)
    if question.manual:
        given = "answer given" if typed.strip() else "no answer"
        return QuestionGrade(question.id, Fraction(0), points, "manual", "",
                             f"needs manual grading ({given})", typed=typed)
    if reference is None:
        return QuestionGrade(question.id, Fraction(0), points, "error", "",
                             f"error: this question cannot be graded ({prepared.error})", typed=typed)
    reading = read_student(reference, raw)
    if _asks_channels(question):
        reading = _channels_of_shape(reading, raw) or reading
    if reading.invalid:
        return QuestionGrade(question.id, Fraction(0), points, "invalid", "", f"invalid: {reading.invalid}",
                             typed=typed)
    if reading.wrong:
        return QuestionGrade(question.id, Fraction(0), points, "wrong", "", f"{reading.wrong}; the worked step: "
                             f"{worked_step(reference)}", typed=typed)
    if not reading.interpretations:
        feedback = "no answer" + (f" ({reading.note})" if reading.note else "")
        return QuestionGrade(question.id, Fraction(0), points, "missing", "", feedback, typed=typed)
    return feedback_grade(prepared, judge(prepared, reading), typed)


def judge(prepared: PreparedQuestion, reading: Reading) -> Judgement:
    """The reading that is right; else one that matches a known mistake; else the best partial one."""
    question, reference = prepared.question, prepared.reference
    assert reference is not None  # a question without a reference is not graded
    items = list(reading.interpretations)
    if question.unit != 1 and reference.kind == "number" and not _SCALED.search(reading.typed):
        for item in reading.interpretations:  # 133 where the question asks in millions
            if isinstance(item.answer.value, (int, Fraction)):
                scaled = normalize(item.answer.value * question.unit)
                note = f"read as {_unit_name(question.unit)} (the question asks in {_unit_name(question.unit)})"
                items.append(replace(item, answer=Answer("number", scaled), digits=item.digits or _digits(item),
                                     note="; ".join(n for n in (item.note, note) if n)))
    outcomes = [(item, compare_reading(reference, item, question, reading.typed)) for item in items
                if not item.working]
    for item, outcome in outcomes:
        if outcome.correct:
            hidden = _hidden_mistake(prepared, item, question) if item.digits is not None else None
            if hidden is not None:  # 3.96e7: the right count rounded, and the forgot-the-bias count too
                return _cannot_tell(question, item, hidden)
            return Judgement(item, outcome)
    for item, outcome in outcomes:
        mistake = next((m for m in prepared.mistakes if _matches(m.answer, item, question)), None)
        if mistake is not None and _also_the_reference_rounded(reference, item):
            return _cannot_tell(question, item, mistake)  # 35K for 34,944: the forgot-the-bias 34,848 rounded too
        if mistake is not None:
            return Judgement(item, outcome, mistake)
    best = max(outcomes, key=lambda pair: pair[1].fraction)  # the first among equals
    for working in (item for item in items if item.working):
        if compare_reading(reference, working, question).correct:  # the method was right, the result is not
            slip = Mistake(working.answer, f"an arithmetic slip: the working ({working.note[len('the working: '):]}) "
                                           f"gives {_inline(working.answer)}, the result written is "
                                           f"{_inline(best[0].answer)}")
            return Judgement(best[0], best[1], slip)
    return Judgement(best[0], best[1])


def _mistake_share(question: Question, mistake: Mistake | None) -> Fraction:
    """The credit a named mistake earns: its own, or the question's mistake_credit for its words."""
    if mistake is None:
        return Fraction(0)
    if mistake.credit:
        return mistake.credit
    message = mistake.message.lower()
    return next((share for words, share in question.mistake_credit if words in message), Fraction(0))


def compare_reading(reference: Answer, item: Interpretation, question: Question, typed: str = "") -> Comparison:
    """Compare one reading with the reference: exactly (or within the tolerance), then
    allowing a decimal correctly rounded to at least 3 significant figures (only
    ``rounded_credit`` where the question is ``exact``), and the course's 2-figure
    K/M rounding where the question asks for a network's memory."""
    if reference.kind == "matrix":
        item = _fit_shape(reference, item)
    precise = _precise(reference, item, question)
    if precise is not None:
        return precise
    outcome = compare(reference, item.answer, question.tolerance, question.accept, question.keywords,
                      reject=question.reject, wrong=item.unknown_cells)
    if outcome.correct or reference.kind not in ("number", "matrix"):
        return outcome
    if reference.kind == "number":
        return _rounded_number(reference.value, item, question, typed) or outcome
    if item.answer.value.shape != reference.value.shape:
        return _part_of(reference, item, outcome)
    return _rounded_cells(reference, item, question, outcome)


def _fit_shape(reference: Answer, item: Interpretation) -> Interpretation:
    """Values written on one line: the whole matrix row by row (45 110 40 40 for 2x2),
    or its first row."""
    from dataclasses import replace

    got, shape = item.answer.value, reference.value.shape
    if got.ndim != 1 or len(shape) < 2:
        return item
    if got.size == reference.value.size:
        target, note = shape, f"read the {got.size} values row by row as {'x'.join(map(str, shape))}"
    elif got.size == shape[-1]:
        target, note = (1,) * (len(shape) - 1) + (got.size,), "read the values as the first row"
    else:
        return item
    import numpy as np

    digits = item.digits.reshape(target) if item.digits is not None else None
    unknown = tuple(tuple(int(i) for i in np.unravel_index(cell[0], target)) for cell in item.unknown_cells)
    return replace(item, answer=Answer("matrix", got.reshape(target)), digits=digits, unknown_cells=unknown,
                   note="; ".join(n for n in (item.note, note) if n))


def _part_of(reference: Answer, item: Interpretation, outcome: Comparison) -> Comparison:
    """A smaller matrix whose cells are the reference's top-left cells, all right: the
    share of the cells given (a first row only, a 3x3 corner of a 4x4 answer)."""
    got, ref = item.answer.value, reference.value
    if got.ndim != ref.ndim or any(g > r for g, r in zip(got.shape, ref.shape)) or item.unknown_cells:
        return outcome
    corner = ref.transform(lambda a: a[tuple(slice(0, g) for g in got.shape)].copy())
    if not corner.equals(got):
        return outcome
    missing = ref.size - got.size
    return Comparison(False, Fraction(got.size, ref.size),
                      f"the {got.size} cells given are right, {missing} of {ref.size} are missing "
                      f"({'x'.join(map(str, got.shape))} where {'x'.join(map(str, ref.shape))} is expected)")


FLOAT_FIGURES = 15  # the significant figures a printed float64 is good for
_SCALED = re.compile(r"\d\s*(?:[KkMmGgBbTt]\b|thousand|million|billion|trillion|mio\b)", re.I)


def _unit_name(unit: Fraction) -> str:
    names = {Fraction(10**3): "thousands", Fraction(10**6): "millions", Fraction(10**9): "billions"}
    return names.get(unit, f"units of {unit}")


def _digits(item: Interpretation) -> int | None:
    """Significant figures an answer claims: a decimal's as written, a whole number's
    without its trailing zeros (138,000,000: 3; 138,357,544: 9)."""
    if isinstance(item.digits, int):
        return item.digits
    value = item.answer.value
    if isinstance(value, int) and value != 0:
        return len(str(abs(value)).rstrip("0"))
    return None


def _precise(reference: Answer, item: Interpretation, question: Question) -> Comparison | None:
    """Where a question allows k significant figures, an answer written with more figures
    claims them: 34,944 is not 35K's 34,848, though both round to 35K."""
    significant = question.tolerance.significant
    value = item.answer.value
    if reference.kind != "number" or significant is None or not isinstance(reference.value, (int, Fraction)) \
            or not isinstance(value, (int, Fraction)):
        return None
    written = _digits(item)
    if written is None or written <= significant:
        return None
    if _rounded(reference.value, value, written, least=1):
        return Comparison(True, Fraction(1))
    return Comparison(False, Fraction(0), f"rounding to {significant} significant figures is allowed, but the "
                                          f"{written} written are not all right")


def _rounded(exact: object, given: object, digits: object, least: int = 3) -> bool:
    """Whether ``given`` is ``exact`` correctly rounded to ``digits`` (at least ``least``)
    significant figures; ``exact`` may be a closed form such as log(e + e^2 + e^3) - 3."""
    if not isinstance(digits, int) or not isinstance(given, (int, Fraction)):
        return False
    value = exact_decimal(exact)
    if value is None:
        return False
    # 0.09 for 0.0900306: the 3-figure rounding 0.0900 with its trailing zeros left out
    digits = max(digits, least)
    # a float printed in full (2.3333333333333335) carries 15 good figures, not 17
    digits = min(digits, FLOAT_FIGURES)
    return round_significant(value, digits) == round_significant(Fraction(given), digits)


def exact_decimal(value: object, digits: int = 40) -> Fraction | None:
    """A number as a Fraction: itself when rational, else its closed form evaluated to
    ``digits`` significant figures (far beyond any rounding a student writes)."""
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if getattr(value, "free_symbols", None) or not hasattr(value, "evalf"):
        return None
    try:
        return Fraction(str(value.evalf(digits)))
    except (TypeError, ValueError):
        return None


def _rounded_number(exact: object, item: Interpretation, question: Question, typed: str) -> Comparison | None:
    from ..render import format_value

    given = item.answer.value
    if _rounded(exact, given, item.digits):
        note = f"a decimal rounded to {item.digits} significant figures; the exact value is {format_value(exact)}"
        if question.exact:
            return Comparison(False, question.rounded_credit, note + " (this question asks for the exact value)")
        return Comparison(True, Fraction(1), note)
    if _course_rounding(question) and isinstance(exact, int) and re.search(r"\d\s*[KkMmGg]\b", typed) \
            and isinstance(given, (int, Fraction)) and round_significant(Fraction(exact), 2) == given:
        return Comparison(True, Fraction(1), f"the slides' rounding of {exact:,} (2 significant figures)")
    return None


def _asks_channels(question: Question) -> bool:
    """A question whose reference is a network's or layer's number of output channels."""
    compute = question.compute
    return isinstance(compute, dict) and isinstance(compute.get("network"), dict) \
        and compute["network"].get("value") == "channels"


_SHAPE_LIKE = re.compile(r"\d\s*[x×,]\s*\d")


def _channels_of_shape(reading: Reading, raw: object) -> Reading | None:
    """'28x28x416' or '(416, 28, 28)' where the channels were asked: the student gave the whole
    output volume, which names them (HWC: the last size; CHW: the first when the other two are equal)."""
    if not _SHAPE_LIKE.search(reading.typed):
        return None
    shaped = read_student(Answer("shape", None), raw)
    if not shaped.interpretations:
        return None
    sizes = tuple(shaped.interpretations[0].answer.value)
    if len(sizes) < 2:
        return None
    channels = sizes[0] if len(sizes) == 3 and sizes[1] == sizes[2] and sizes[0] != sizes[1] else sizes[-1]
    shown = "x".join(map(str, sizes))
    return Reading((Interpretation(Answer("number", channels), f"read the channels ({channels}) of {shown}"),),
                   typed=reading.typed)


def _course_rounding(question: Question) -> bool:
    """The VGG16 table's memory column rounds to two figures (3.2M, 800K, 25K)."""
    compute = question.compute
    return isinstance(compute, dict) and isinstance(compute.get("network"), dict) \
        and compute["network"].get("value") == "memory"


def _rounded_cells(reference: Answer, item: Interpretation, question: Question, outcome: Comparison) -> Comparison:
    """Wrong cells that are correctly rounded decimals count as right (or as rounded_credit)."""
    if item.digits is None or not outcome.wrong_cells:
        return outcome
    exact_values, given_values = reference.value.values(), item.answer.value.values()
    if exact_values.shape != given_values.shape:
        return outcome
    unknown = set(item.unknown_cells)
    rounded = [c for c in outcome.wrong_cells if c not in unknown
               and _rounded(exact_values[c], given_values[c], item.digits[c])]
    if not rounded:
        return outcome
    total = exact_values.size
    still_wrong = tuple(c for c in outcome.wrong_cells if c not in set(rounded))
    credit = Fraction(1) if not question.exact else question.rounded_credit
    share = (Fraction(total - len(outcome.wrong_cells)) + credit * len(rounded)) / total
    note = f"{len(rounded)} cell{'s' * (len(rounded) != 1)} given as correctly rounded decimals"
    if question.exact:
        note += " (this question asks for exact values)"
    if still_wrong:
        note += f"; {len(still_wrong)} of {total} cells differ"
    return Comparison(not still_wrong and not question.exact, share, note, still_wrong)


def _cannot_tell(question: Question, item: Interpretation, mistake: Mistake) -> Judgement:
    """A rounded count that is both the right one rounded and a mistake's: the mistake's credit, and a
    request for the exact count (no mistake is named: the answer does not show one)."""
    figures = f"{item.digits} figure{'s' * (item.digits != 1)}"
    note = (f"rounded to {figures}, it cannot tell the count from {_inline(mistake.answer)} "
            f"(the count if one {mistake.message.split(' (')[0]}); give the exact count")
    return Judgement(item, Comparison(False, _mistake_share(question, mistake), note))


def _also_the_reference_rounded(reference: Answer, item: Interpretation) -> bool:
    """A rounded number that is the reference rounded as well as a mistake's value rounded."""
    return reference.kind == "number" and isinstance(item.digits, int) \
        and _rounded(reference.value, item.answer.value, item.digits, least=1)


def _hidden_mistake(prepared: PreparedQuestion, item: Interpretation, question: Question) -> Mistake | None:
    """A mistake the question tests (one its ``mistake_credit`` names: 'forgot the bias' for a dense layer's
    count) whose value a rounded answer also is: the rounding hides the very point of the question.  Where
    a mistake is only the generic one of every count, a rounded 62.4M stays right."""
    reference = prepared.reference
    if reference is None or reference.kind != "number" or not isinstance(reference.value, int) \
            or question.tolerance.significant is not None or _course_rounding(question) \
            or not question.mistake_credit:
        return None
    named = [m for m in prepared.mistakes
             if any(words in m.message.lower() for words, _ in question.mistake_credit)]
    return next((m for m in named if isinstance(m.answer.value, (int, Fraction)) and m.answer.value != reference.value
                 and _rounded(m.answer.value, item.answer.value, item.digits)), None)


def _matches(mistaken: Answer, item: Interpretation, question: Question) -> bool:
    """Whether a reading equals a mistaken reference (a decimal may be that value rounded)."""
    precise = _precise(mistaken, item, question)
    if precise is not None:  # 6,998,552 claims 7 figures: not the 6,623,904 of a mistake, though both are ~7M
        return precise.correct
    try:
        if compare(mistaken, item.answer, question.tolerance, question.accept, question.keywords).correct:
            return True
    except CnnCalcError:
        return False
    if mistaken.kind == "number":
        return _rounded(mistaken.value, item.answer.value, item.digits, least=2)
    return False


def feedback_grade(prepared: PreparedQuestion, judgement: Judgement, typed: str,
                   extra: str = "") -> QuestionGrade:
    """The grade and the feedback a student reads for one judged answer."""
    question, reference = prepared.question, prepared.reference
    assert reference is not None  # a question without a reference is not graded
    points = question.points
    item, outcome, matched = judgement.reading, judgement.outcome, judgement.mistake
    read_as = _inline(item.answer)
    how = f"read as {read_as}: {item.note}" if item.note else ""
    if outcome.correct:
        parts = ["correct"] + [n for n in (outcome.note, how, extra) if n]
        return QuestionGrade(question.id, points, points, "correct", read_as, "; ".join(parts), typed=typed,
                             answer=item.answer)
    share = max(outcome.fraction, _mistake_share(question, matched))
    status: Status = "partial" if share > 0 else "wrong"
    parts = []
    if matched:
        parts.append(f"looks like: {matched.message}")
    if outcome.note and not (matched and _ABOUT_FIGURES.match(outcome.note)):  # the mistake says more
        parts.append(outcome.note)
    if outcome.wrong_cells:
        parts.append(_cell_feedback(reference, outcome.wrong_cells))
    elif reference.steps and reference.kind != "text":
        parts.append(f"the worked step: {worked_step(reference)}")
    if how:
        parts.append(how)
    if extra:
        parts.append(extra)
    return QuestionGrade(question.id, points * share, points, status, read_as, "; ".join(parts) or "wrong",
                         matched.message if matched else "", typed=typed, answer=item.answer)


_ABOUT_FIGURES = re.compile(r"rounding to \d+ significant figures is allowed")


def worked_step(reference: Answer) -> str:
    """The step of the worked solution that gives the answer: the last one that shows its value (a loss's
    'l = log(e + e^2 + e^3) - 3 ≈ 0.4076', not the prediction line computed after it), else the last."""
    if not reference.steps:
        return _inline(reference)
    value = reference.value
    if reference.kind == "number" and value is not None and not getattr(value, "free_symbols", None):
        decimal = exact_decimal(value)
        if decimal is not None and decimal.denominator != 1:
            shown = f"{float(decimal):.4g}"  # the first figures, as the step's '≈ 0.4076059644' starts
            mentions = [step for step in reference.steps if shown.rstrip("0") in step]
            if mentions:
                return mentions[-1]
    return reference.steps[-1]


def _cell_feedback(reference: Answer, cells: tuple) -> str:
    from ..render import cell_label

    labels = [cell_label(c) for c in cells]
    shown = ", ".join(labels[:6]) + (f" and {len(labels) - 6} more" if len(labels) > 6 else "")
    text = f"wrong cells {shown}"
    first = labels[0]
    step = next((s for s in reference.steps if s.startswith(first + ":")), None)
    if step:
        text += f"; cell {step}"
    return text


# --------------------------------------------------------------------------- files and folders

@dataclass(frozen=True)
class AnswerFile:
    """An answer file found under the targets, the student it defaults to, and
    the per-student folder it was found in (None for a file of its own)."""

    path: Path
    student: str
    folder: str | None = None


@dataclass(frozen=True)
class Found:
    """What a search of the targets found: answer files, and files skipped with why."""

    files: list[AnswerFile]
    skipped: list[str]


def answer_files(targets: list[str]) -> Found:
    """Answer files of the targets.

    A file named on the command line is always read.  In a folder, every
    ``.yaml``/``.yml`` file is a submission (its student defaults to the file
    name), and every sub-folder is one student's folder (the layout platforms
    export: ``submissions/ada/answers.yaml``): the YAML files anywhere inside
    it are that student's (the student defaults to the folder name).  Other
    files (a PDF of the working), hidden files, links (a student's upload may
    hold one to /etc/passwd) and folders that cannot be read are skipped and
    listed; at most :data:`MAX_WALKED` entries are looked at.
    """
    files: list[AnswerFile] = []
    skipped: list[str] = []
    for target in targets:
        path = Path(target)
        if path.is_dir():
            for child in _listed(path, skipped):
                if child.is_symlink():
                    skipped.append(f"{child} (a link: not followed)")
                elif child.is_dir():
                    yaml_files = student_files(child, skipped)
                    if not yaml_files:
                        skipped.append(f"{child}{os.sep} (no .yaml answer file inside)")
                    files += [AnswerFile(p, child.name, str(child)) for p in yaml_files]
                elif child.suffix.lower() in ANSWER_SUFFIXES:
                    files.append(AnswerFile(child, child.stem))
                else:
                    skipped.append(str(child))
        elif path.exists() or path.is_symlink():
            files.append(AnswerFile(path, path.stem))
        else:
            raise InputError(f"{target}: no such file or folder; give answer files or a folder of them")
    if not files:
        where = ", ".join(targets)
        raise InputError(f"no answer files (.yaml) found in {where}; give answer files, a folder of them, "
                         "or a folder of per-student folders")
    return Found(files, skipped)


MAX_WALKED = 200_000  # entries looked at in answer folders: a class, not a disk


def _listed(folder: Path, skipped: list[str]) -> list[Path]:
    """The visible entries of a folder, sorted; a folder that cannot be read is skipped and listed."""
    try:
        entries = sorted(child for child in folder.iterdir() if not child.name.startswith("."))
    except OSError as error:
        skipped.append(f"{folder}{os.sep} (cannot be read: {error.strerror})")
        return []
    if len(entries) > MAX_WALKED:
        raise InputError(f"{folder} holds {len(entries):,} entries, more than the {MAX_WALKED:,} of a class; "
                         "give the folder of the answer files")
    return entries


def student_files(folder: Path, skipped: list[str]) -> list[Path]:
    """The YAML files anywhere in one student's folder (links and hidden entries are not followed)."""
    found: list[Path] = []
    walked = 0
    for root, folders, names in os.walk(folder, onerror=lambda error: skipped.append(
            f"{error.filename}{os.sep} (cannot be read: {error.strerror})")):
        folders[:] = sorted(d for d in folders if not d.startswith(".") and not os.path.islink(os.path.join(root, d)))
        walked += len(folders) + len(names)
        if walked > MAX_WALKED:
            raise InputError(f"{folder} holds more than {MAX_WALKED:,} entries; a student's folder holds a few "
                             "answer files: give the folder of the class")
        for name in sorted(names):
            entry = Path(root) / name
            if name.startswith("."):
                continue
            if entry.is_symlink():
                skipped.append(f"{entry} (a link: not followed)")
            elif entry.suffix.lower() in ANSWER_SUFFIXES:
                found.append(entry)
            else:
                skipped.append(str(entry))
    return found


def grade_paths(exercises: Exercise | list[Exercise], targets: list[str],
                found: Found | None = None) -> list[SubmissionGrade]:
    """Grade answer files and folders of them.  With several exercises each file
    is graded against the one its ``exercise:`` names."""
    return list(iter_grades(exercises, targets, found))


def iter_grades(exercises: Exercise | list[Exercise], targets: list[str],
                found: Found | None = None) -> Iterator[SubmissionGrade]:
    """:func:`grade_paths` one submission at a time, in file order, each grade
    yielded as soon as it is made (so a report can print while the class is graded)."""
    exercises = [exercises] if isinstance(exercises, Exercise) else list(exercises)
    found = found or answer_files(targets)
    graders = {ex.id: Grader(ex) for ex in exercises}
    only = exercises[0].id if len(exercises) == 1 else None
    by_name = {_normal_id(ex.id): ex.id for ex in exercises}  # alexnet.yaml with no 'exercise:' is alexnet's
    seen_per_folder: dict[tuple[str, str], str] = {}
    for item in found.files:
        path = str(item.path)
        try:
            # a file that names no exercise: the one being graded, or the one its file name names
            submission = read_submission(path, item.student, only or by_name.get(_normal_id(Path(path).stem)))
            grader = graders.get(submission.exercise)
            if grader is None:
                if only is not None:
                    raise InputError(f"is for exercise '{submission.exercise}', not '{only}'")
                raise InputError(f"is for exercise '{submission.exercise}', which is not among "
                                 f"{', '.join(sorted(graders))}")
            folder_key = (item.folder or "", submission.exercise)
            if item.folder is not None and folder_key in seen_per_folder:
                raise InputError(f"is a second answer file for exercise '{submission.exercise}' in the folder of "
                                 f"{item.student} (the first: {seen_per_folder[folder_key]}); keep one")
            seen_per_folder[folder_key] = path
            grade = grader.grade(submission.answers, submission.student, path, submission.seed, submission.notes)
        except CnnCalcError as error:
            ex = graders[only].exercise if only else None
            grade = invalid_grade(path, item.student, ex.id if ex else "", ex.max_score if ex else Fraction(0),
                                  str(error))
        yield grade
