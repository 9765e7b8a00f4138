"""Grading answer files against an exercise.

An answer file (docs/grading.md)::

    exercise: alexnet          # the exercise id
    seed: 7                    # only for a generated variant
    student: Ada Lovelace      # a name or an id (default: the file name)
    answers:
      width: 55
      units: 290,400
      parameters: 96 * (11*11*3 + 1)

References and mistaken references are computed once per exercise (and per
variant seed); a submission then costs only reading and comparing.  A broken
file never stops a batch: it becomes an invalid row with its reason.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ..errors import CnnCalcError, InputError
from ..exercises.answers import Answer, compare
from ..exercises.exercise import Exercise
from ..yamlio import RefusedTag, load_yaml_file
from .mistakes import Mistake, mistaken_references
from .reading import read_student

ANSWER_FILE_KEYS = ("exercise", "seed", "student", "answers")
MAX_ANSWER_FILE_BYTES = 1_000_000
STATUSES = ("correct", "partial", "wrong", "missing", "invalid")


@dataclass(frozen=True)
class QuestionGrade:
    id: str
    score: Fraction
    max_score: Fraction
    status: str
    read_as: str
    feedback: str
    mistake: str = ""


@dataclass(frozen=True)
class SubmissionGrade:
    source: str
    student: str
    exercise: str
    score: Fraction
    max_score: Fraction
    questions: tuple = ()
    invalid: str = ""  # why the whole file could not be graded
    seed: int | None = None


@dataclass
class _Prepared:
    """One exercise (or variant) ready to grade: references and mistakes."""

    exercise: Exercise
    references: list
    mistakes: list = field(default_factory=list)


def _inline(answer: Answer) -> str:
    from ..exercises.solution import answer_inline

    return answer_inline(answer)


class Grader:
    """Grades submissions of one exercise; variants are prepared on demand."""

    def __init__(self, exercise: Exercise):
        self.exercise = exercise
        self._prepared: dict = {}
        # identical answers get identical grades: a class shares many ("55", "290,400")
        self._graded: dict = {}

    def prepared(self, seed: int | None) -> _Prepared:
        if seed not in self._prepared:
            exercise = self.exercise
            if seed is not None:
                from ..exercises.variants import generate

                exercise, _ = generate(self.exercise, seed)
            references = exercise.references()
            scope = exercise.scope()
            mistakes = [mistaken_references(q, r, scope) for q, r in zip(exercise.questions, references)]
            self._prepared[seed] = _Prepared(exercise, references, mistakes)
        return self._prepared[seed]

    # --------------------------------------------------------------- one submission

    def grade(self, answers: dict, student: str = "", source: str = "", seed: int | None = None) -> SubmissionGrade:
        prepared = self.prepared(seed)
        grades = []
        for q, ref, mistakes in zip(prepared.exercise.questions, prepared.references, prepared.mistakes):
            raw = answers.get(q.id)
            key = (seed, q.id, raw if not isinstance(raw, (list, dict)) else repr(raw))
            graded = self._graded.get(key)
            if graded is None:
                graded = grade_question(q, ref, mistakes, raw)
                if len(self._graded) < 200_000:
                    self._graded[key] = graded
            grades.append(graded)
        score = sum((g.score for g in grades), Fraction(0))
        return SubmissionGrade(source, student, self.exercise.id, score, prepared.exercise.max_score, tuple(grades),
                               seed=seed)

    def grade_file(self, path: str | os.PathLike) -> SubmissionGrade:
        """Grade one answer file; any problem with the file is an invalid row."""
        path = str(path)
        try:
            submission = read_submission(path)
            if submission.exercise != self.exercise.id:
                raise InputError(f"is for exercise '{submission.exercise}', not '{self.exercise.id}'")
            return self.grade(submission.answers, submission.student, path, submission.seed)
        except CnnCalcError as error:
            return invalid_grade(path, Path(path).stem, self.exercise.id, self.exercise.max_score, str(error))


@dataclass(frozen=True)
class Submission:
    exercise: str
    student: str
    answers: dict
    seed: int | None


def read_submission(path: str) -> Submission:
    """Read and check an answer file (plain YAML, at most 1 MB); raises InputError."""
    student = Path(path).stem
    try:
        document = load_yaml_file(path, tags="mark", max_bytes=MAX_ANSWER_FILE_BYTES)
    except (RecursionError, MemoryError, UnicodeError, ValueError) as error:
        if isinstance(error, CnnCalcError):
            raise
        raise InputError(f"cannot be read ({type(error).__name__})") from None
    data = document.data
    if not isinstance(data, dict):
        raise InputError("is not an answer file: expected a mapping with exercise, student and answers")
    unknown = [k for k in data if k not in ANSWER_FILE_KEYS]
    if unknown:
        raise InputError(f"unknown key '{unknown[0]}'; an answer file has {', '.join(ANSWER_FILE_KEYS)}")
    if not isinstance(data.get("exercise"), (str, int)) or isinstance(data.get("exercise"), bool):
        raise InputError("has no 'exercise:' naming the exercise id")
    if isinstance(data.get("student"), (RefusedTag, dict, list)):
        raise InputError("student must be a plain name or id")
    answers = data.get("answers") or {}
    if not isinstance(answers, dict):
        raise InputError("'answers' must map question ids to answers")
    seed = data.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise InputError(f"seed '{seed}' is not a whole number")
    return Submission(str(data["exercise"]), str(data.get("student") or student),
                      {str(k): v for k, v in answers.items()}, seed)


def invalid_grade(path: str, student: str, exercise: str, max_score, reason: str) -> SubmissionGrade:
    reason = " ".join(reason.split())
    if reason.startswith(path):
        reason = reason[len(path):].lstrip(": ")
    return SubmissionGrade(path, student, exercise, Fraction(0), max_score, (), reason)


def _matches(reference: Answer, answer: Answer, question) -> bool:
    try:
        return compare(reference, answer, question.tolerance, question.accept, question.keywords).correct
    except CnnCalcError:
        return False


def grade_question(question, reference: Answer, mistakes: list[Mistake], raw) -> QuestionGrade:
    points = question.points
    if isinstance(raw, RefusedTag):
        return QuestionGrade(question.id, Fraction(0), points, "invalid", "",
                             f"invalid: a YAML tag ({raw.tag.rsplit(':', 1)[-1]}) is not an answer")
    reading = read_student(reference, raw)
    if reading.invalid:
        return QuestionGrade(question.id, Fraction(0), points, "invalid", "", f"invalid: {reading.invalid}")
    if reading.answer is None:
        return QuestionGrade(question.id, Fraction(0), points, "missing", "", "no answer")
    answer = reading.answer
    read_as = _inline(answer)
    note = f" ({reading.note})" if reading.note else ""
    try:
        outcome = compare(reference, answer, question.tolerance, question.accept, question.keywords)
    except CnnCalcError as error:
        return QuestionGrade(question.id, Fraction(0), points, "invalid", read_as, f"invalid: {error}")
    if outcome.correct:
        extra = f"; {outcome.note}" if outcome.note else ""
        return QuestionGrade(question.id, points, points, "correct", read_as, f"correct{note}{extra}")
    matched = next((m for m in mistakes if _matches(m.answer, answer, question)), None)
    share = max(outcome.fraction, matched.credit if matched else Fraction(0))
    status = "partial" if share > 0 else "wrong"
    parts = []
    if matched:
        parts.append(f"looks like: {matched.message}")
    if outcome.note:
        parts.append(outcome.note)
    if outcome.wrong_cells:
        parts.append(_cell_feedback(reference, outcome.wrong_cells))
    elif reference.steps and reference.kind != "text":
        parts.append(f"the worked step: {reference.steps[-1]}")
    if reading.note:
        parts.append(reading.note)
    return QuestionGrade(question.id, points * share, points, status, read_as, "; ".join(parts) or "wrong",
                         matched.message if matched else "")


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


def answer_files(targets: list[str]) -> list[Path]:
    """Answer files and every file of answer folders (hidden files skipped)."""
    files: list[Path] = []
    for target in targets:
        path = Path(target)
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        elif path.exists():
            files.append(path)
        else:
            raise InputError(f"{target}: no such file or folder; give answer files or a folder of them")
    return files


def grade_paths(exercises: Exercise | list[Exercise], targets: list[str]) -> list[SubmissionGrade]:
    """Grade answer files and folders of them.  With several exercises each file
    is graded against the one its ``exercise:`` names."""
    exercises = [exercises] if isinstance(exercises, Exercise) else list(exercises)
    if len(exercises) == 1:
        grader = Grader(exercises[0])
        return [grader.grade_file(f) for f in answer_files(targets)]
    graders = {ex.id: Grader(ex) for ex in exercises}
    grades = []
    for f in answer_files(targets):
        path = str(f)
        try:
            submission = read_submission(path)
            grader = graders.get(submission.exercise)
            if grader is None:
                raise InputError(f"is for exercise '{submission.exercise}', which is not among "
                                 f"{', '.join(sorted(graders))}")
            grades.append(grader.grade(submission.answers, submission.student, path, submission.seed))
        except CnnCalcError as error:
            grades.append(invalid_grade(path, f.stem, "", Fraction(0), str(error)))
    return grades
