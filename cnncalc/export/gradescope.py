"""Gradescope: the autograder zip, and the code that grades inside it.

Gradescope's autograder specification
(https://gradescope-autograders.readthedocs.io/en/latest/specs/): a zip with
``setup.sh`` (run once, as root, to build the image) and ``run_autograder``
(run for every submission, working directory ``/autograder``), where
``/autograder/source`` holds the zip's files, ``/autograder/submission`` the
student's files, ``/autograder/submission_metadata.json`` who submitted
(``users``: ``email``, ``id``, ``name``), and ``/autograder/results/results.json``
receives the result: a ``score``, ``output``, and one test per question with
``name``, ``number``, ``score``, ``max_score``, ``status`` (passed/failed),
``output`` with ``output_format`` (``md`` here) and ``visibility``
(visible, after_due_date, after_published, hidden).

The zip carries a wheel of this cnncalc, ``requirements.txt`` with every
dependency pinned (``bundle``), the exercises as written, ``config.json`` (the
base seed) and, when given, the roster: a student's variant seed is the roster's
(matched by e-mail, sid or user id), else derived from their Gradescope user id,
so that nobody types a seed.  ``CNNCALC_AUTOGRADER_ROOT`` replaces ``/autograder``
(a test runs the scripts in a temporary folder laid out the same way).

Run inside the image as ``python -m cnncalc.export.gradescope /autograder``.
"""

from __future__ import annotations

import io
import json
import os
import sys
import zipfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ..errors import CnnCalcError, InputError
from ..exercises.exercise import Exercise, load_exercise
from ..exercises.scope import Given
from . import Written
from .bundle import build_wheel, pinned_requirements, version, wheel_name, zip_write
from .roster import Student, read_roster, roster_csv, student_seed, variant

ROOT_VARIABLE = "CNNCALC_AUTOGRADER_ROOT"
CONFIG = "config.json"
ROSTER = "roster.csv"

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once to build the autograder image (written by `cnncalc export gradescope`).
# It installs the cnncalc wheel in this zip and its dependencies, pinned in requirements.txt, from the
# package index: nothing else is downloaded.  CNNCALC_AUTOGRADER_ROOT replaces /autograder (for a test).
set -euo pipefail
ROOT="${CNNCALC_AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
VENV="$ROOT/cnncalc-venv"
PYTHON="${CNNCALC_PYTHON:-python3}"
cd "$ROOT"  # Python puts the working folder first on its path: never a checkout's cnncalc
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  # Gradescope's Ubuntu base images may lack pip and venv
  apt-get update && apt-get install -y python3 python3-venv python3-pip
fi
"$PYTHON" -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if v >= (@MAJOR@, @MINOR@) else
  "cnncalc: the pinned requirements need Python >= @MAJOR@.@MINOR@, this is %d.%d; choose a newer base image "
  "(Ubuntu 24.04 has Python 3.12)" % v)'
# --system-site-packages: a Python that already has the pinned versions needs nothing from the network
"$PYTHON" -m venv --system-site-packages "$VENV"
"$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -r "$SOURCE/requirements.txt"
"$VENV/bin/python" -m pip install --disable-pip-version-check --no-input --no-deps --force-reinstall \\
  "$SOURCE/@WHEEL@"
"$VENV/bin/python" -c 'import cnncalc.export.gradescope, cnncalc; print("cnncalc", cnncalc.__version__, "from", cnncalc.__file__)'
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission: it grades $ROOT/submission into $ROOT/results/results.json
# (written by `cnncalc export gradescope`; CNNCALC_AUTOGRADER_ROOT replaces /autograder for a test).
ROOT="${CNNCALC_AUTOGRADER_ROOT:-/autograder}"
cd "$ROOT"  # Gradescope's working folder; and Python puts it first on its path
mkdir -p "$ROOT/results"
if ! "$ROOT/cnncalc-venv/bin/python" -m cnncalc.export.gradescope "$ROOT"; then
  cat > "$ROOT/results/results.json" <<'JSON'
{"score": 0, "output": "The autograder could not start. This is not a problem with your answers: your instructor sees the details in the autograder log.", "output_format": "text", "tests": []}
JSON
fi
"""  # noqa: E501 - the fallback results.json is one line of the shell script


# --------------------------------------------------------------------------- building the zip

def build_autograder(exercises: list[Exercise], base_seed: int, students: list[Student] | None,
                     out: str | os.PathLike) -> Written:
    """Write the autograder zip for ``exercises``; the base seed and the roster
    decide each student's variant."""
    written = Written()
    if any(not Path(ex.path).is_file() for ex in exercises):
        raise InputError("the Gradescope export needs exercise files (the zip carries them as written)")
    names = [f"exercises/{Path(ex.path).name}" for ex in exercises]
    if len(set(names)) != len(names):
        raise InputError("two exercises have the same file name; rename one, the zip keeps one folder of them")
    if len({ex.id for ex in exercises}) != len(exercises):
        raise InputError("two exercise files have the same id; give each exercise its own id")
    if students:
        for ex in exercises:
            for s in students:
                variant(ex, s.seed)  # fails here, at export, not in front of a student
    pins = pinned_requirements()
    setup = (SETUP_SH.replace("@MAJOR@", str(pins.python[0])).replace("@MINOR@", str(pins.python[1]))
             .replace("@WHEEL@", wheel_name()))
    config = {"cnncalc": version(), "base_seed": base_seed, "exercises": names,
              "roster": ROSTER if students else None}
    target = Path(out)
    if target.is_dir():
        target = target / "autograder.zip"
    if not target.parent.is_dir():
        raise InputError(f"--out {out}: the folder {target.parent} does not exist; create it first")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        zip_write(archive, "setup.sh", setup, 0o755)
        zip_write(archive, "run_autograder", RUN_AUTOGRADER, 0o755)
        zip_write(archive, "requirements.txt", pins.text())
        zip_write(archive, wheel_name(), build_wheel())
        zip_write(archive, CONFIG, json.dumps(config, indent=2) + "\n")
        for ex, name in zip(exercises, names):
            zip_write(archive, name, Path(ex.path).read_bytes())
        if students:
            zip_write(archive, ROSTER, roster_csv(students))
    target.write_bytes(buffer.getvalue())
    written.paths.append(str(target))
    variants = [ex.id for ex in exercises if ex.variants]
    if variants and not students:
        written.notes.append("no --roster: each student's variant comes from their Gradescope user id; the "
                             "feedback of a first submission shows them their numbers")
    written.notes.append(f"the pinned requirements (requirements.txt in the zip) need Python >= {pins.python[0]}."
                         f"{pins.python[1]} on Gradescope: choose a base image that has it (Ubuntu 24.04: 3.12)")
    hidden = [f"{ex.id}/{q.id} ({q.visibility})" for ex in exercises for q in ex.questions if q.visibility != "visible"]
    if hidden:
        written.notes.append("results shown later: " + ", ".join(hidden))
    return written


# --------------------------------------------------------------------------- inside the autograder

@dataclass(frozen=True)
class Submitter:
    """Who submitted (the first user of a group), and their variant seed."""

    name: str
    seed: int | None
    note: str = ""


def submitter(config: dict, source: Path, metadata: dict, needs_seed: bool) -> Submitter:
    """The student behind a submission and their seed (roster first, else their user id)."""
    users = [u for u in metadata.get("users") or [] if isinstance(u, dict)]
    user = users[0] if users else {}
    name = str(user.get("name") or user.get("email") or "student")
    note = f"a group submission: graded with the variant of {name}" if len(users) > 1 else ""
    if not needs_seed:
        return Submitter(name, None, note)
    base = int(config.get("base_seed", 0))
    identifiers = [str(user[k]) for k in ("email", "sid", "id") if user.get(k) not in (None, "")]
    if config.get("roster"):
        students = read_roster(source / config["roster"], base)
        match = next((s for s in students if s.matches(identifiers)), None)
        if match is None:
            raise InputError(f"{name} ({', '.join(identifiers) or 'no e-mail or id'}) is not on the roster of this "
                             "assignment, so there is no variant to grade against; ask your instructor to add you")
        return Submitter(match.name or name, match.seed, note)
    if user.get("id") in (None, ""):
        raise InputError("submission_metadata.json names no user, so there is no variant to grade against")
    return Submitter(name, student_seed(base, str(user["id"])), note)


def _answer_paths(folder: Path) -> list[Path]:
    """The student's YAML files, as the CLI finds them in a student's folder: no hidden entry, and no link
    (a submission is the student's; a link in it to /etc/passwd is never read)."""
    from ..grading.grader import student_files

    return student_files(folder, [])


def grade_submission(exercises: list[Exercise], folder: Path, who: Submitter) -> tuple[list, list[str]]:
    """One grade per exercise (all missing where no file answers it) and notes
    about the files (unreadable, unknown exercise)."""
    from ..grading.grader import Grader, invalid_grade, read_submission

    notes: list[str] = []
    files = _answer_paths(folder) if folder.is_dir() else []
    only = exercises[0].id if len(exercises) == 1 else None
    found: dict[str, list] = {}
    unreadable: list[str] = []
    for path in files:
        shown = path.relative_to(folder).as_posix()
        try:
            submission = read_submission(str(path), who.name, only)
            found.setdefault(submission.exercise, []).append((shown, submission))
        except CnnCalcError as error:
            unreadable.append(f"{shown}: {' '.join(str(error).split())}")
    known = {ex.id for ex in exercises}
    for other in sorted(set(found) - known):
        notes.append(f"{', '.join(s for s, _ in found[other])} names exercise '{other}', which is not part of this "
                     f"assignment ({', '.join(sorted(known))})")
    if not files:
        notes.append("no answer file (.yaml) in your submission")
    grades = []
    for ex in exercises:
        seed = who.seed if ex.variants else None
        mine = found.get(ex.id, [])
        if len(mine) > 1:
            grades.append(invalid_grade(mine[0][0], who.name, ex.id, ex.max_score,
                                        f"{len(mine)} answer files for this exercise ({', '.join(s for s, _ in mine)}); "
                                        "keep one", seed))
            continue
        if not mine:
            reason = ("; ".join(unreadable) if only and unreadable else
                      f"no answer file for exercise '{ex.id}' in your submission")
            if only and unreadable:
                grades.append(invalid_grade(unreadable[0].split(":")[0], who.name, ex.id, ex.max_score, reason, seed))
            else:
                grades.append(Grader(ex).grade({}, who.name, "", seed, (reason,)))
            continue
        shown, submission = mine[0]
        extra = []
        if ex.variants and submission.seed is not None and submission.seed != seed:
            extra.append(f"your file says seed {submission.seed}; your variant is seed {seed}, graded with that")
        grades.append(Grader(ex).grade(submission.answers, submission.student, shown, seed,
                                       submission.notes + tuple(extra)))
    if unreadable and not only:
        notes += [f"could not read {u}" for u in unreadable]
    return grades, notes


def _number(value: Fraction) -> int | float:
    value = Fraction(value)
    return value.numerator if value.denominator == 1 else float(value)


def results_json(exercises: list[Exercise], grades: list, who: Submitter, notes: list[str]) -> dict:
    """results.json: one test per question (numbered exercise.question when
    there are several exercises), the questions' visibility, the score as the
    sum of the tests."""
    from ..grading.reports import gradescope_json, show_score

    several = len(exercises) > 1
    tests = []
    total = Fraction(0)
    lines = [f"**{who.name}**"]
    for e, (ex, grade) in enumerate(zip(exercises, grades), start=1):
        by_id = {t["name"]: t for t in gradescope_json(grade)["tests"]} if not grade.invalid else {}
        graded = {q.id: q for q in grade.questions}
        for n, q in enumerate(ex.questions, start=1):
            test = by_id.get(q.id)
            if test is None:  # the whole file could not be graded: every question shows why
                test = {"name": q.id, "score": 0, "max_score": 0 if q.manual else _number(q.points),
                        "status": "failed", "output": f"**not graded**: {grade.invalid or 'no answer'}",
                        "output_format": "md"}
            else:
                test = dict(test)
            total += graded[q.id].score if q.id in graded and graded[q.id].status != "manual" else 0
            test["name"] = f"{ex.id}: {q.id}" if several else q.id
            test["number"] = f"{e}.{n}" if several else str(n)
            test["visibility"] = q.visibility
            tests.append(test)
        seed = f" (variant seed {grade.seed})" if grade.seed is not None else ""
        lines.append(f"- {ex.title}{seed}: {show_score(grade.score)} / {show_score(grade.max_score)}"
                     + (f" (and {show_score(grade.manual_max)} points graded by hand)" if grade.manual_max else ""))
        if grade.invalid:
            lines.append(f"  - not graded: {grade.invalid}")
        lines += [f"  - {note}" for note in grade.notes]
        if ex.variants and grade.seed is not None:
            mine = variant(ex, grade.seed)
            givens = "; ".join(f"{name} = {_given(g)}" for name, g in mine.givens.items() if name in ex.variants)
            lines.append(f"  - your numbers: {givens}")
    lines += [f"- {note}" for note in ([who.note] if who.note else []) + notes]
    return {"score": _number(total), "output": "\n".join(lines), "output_format": "md",
            "test_output_format": "md", "tests": tests,
            "extra_data": {"cnncalc": version(), "seeds": {ex.id: g.seed for ex, g in zip(exercises, grades)}}}


def _given(given: Given) -> str:
    from ..exercises.prompts import given_text

    return f"`{given_text(given)}`"


def failure_json(message: str) -> dict:
    """The result when a submission cannot be graded at all (not on the roster, a broken image)."""
    return {"score": 0, "output": message, "output_format": "text", "tests": []}


def run_autograder(root: Path) -> dict:
    """Grade ``root/submission`` as the student of ``root/submission_metadata.json``
    and return results.json (also written to ``root/results/results.json``)."""
    source = root / "source"
    try:
        config = json.loads((source / CONFIG).read_text(encoding="utf-8"))
        exercises = [load_exercise(source / name) for name in config["exercises"]]
        metadata_path = root / "submission_metadata.json"
        metadata = json.loads(metadata_path.read_text(encoding="utf-8")) if metadata_path.is_file() else {}
        who = submitter(config, source, metadata, any(ex.variants for ex in exercises))
        grades, notes = grade_submission(exercises, root / "submission", who)
        results = results_json(exercises, grades, who, notes)
    except CnnCalcError as error:
        results = failure_json(f"Not graded: {' '.join(str(error).split())}")
    results_dir = root / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> int:
    """``python -m cnncalc.export.gradescope [ROOT]``: grade one submission; a defect
    of cnncalc still writes a results.json that says so (and the log has the traceback)."""
    argv = sys.argv[1:] if argv is None else argv
    root = Path(argv[0] if argv else os.environ.get(ROOT_VARIABLE, "/autograder"))
    try:
        results = run_autograder(root)
    except Exception:
        import traceback

        traceback.print_exc()
        results = failure_json("The autograder failed on this submission. This is a defect of the autograder, "
                               "not of your answers; your instructor sees the details in the log.")
        (root / "results").mkdir(parents=True, exist_ok=True)
        (root / "results" / "results.json").write_text(json.dumps(results), encoding="utf-8")
    print(f"cnncalc {version()}: score {results['score']}; {len(results['tests'])} tests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
