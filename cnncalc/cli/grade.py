"""``cnncalc grade``: grade answer files against an exercise."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..files import refuse_overwriting, write_text
from ..limits import MAX_SEED
from . import main


def _writable(path: str, option: str) -> Path:
    """A file path whose folder exists (one-line error otherwise, before any work)."""
    from ..errors import InputError

    target = Path(path)
    if target.is_dir():
        raise InputError(f"{option} {path} is a folder; name a file such as {Path(path) / 'gradebook.csv'}")
    if not target.parent.is_dir():
        raise InputError(f"{option} {path}: the folder {target.parent} does not exist; create it first")
    return target


def _write_template(exercise: str, seed: int | None, out_path: str | None) -> None:
    """A blank answer file for EXERCISE (the variant of ``seed``), printed or written to ``out_path``."""
    from ..export.template import template_for_file

    text = template_for_file(exercise, seed)
    if out_path:
        refuse_overwriting(out_path, [exercise], "--out")
        write_text(_writable(out_path, "--out"), text, "answer template")
    click.echo(f"wrote {out_path}" if out_path else text, nl=bool(out_path))


@main.command("grade")
@click.argument("exercise", type=click.Path())
@click.argument("answers", nargs=-1, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="A JSON array: one object per submission with every question.")
@click.option("--csv", "csv_path", type=click.Path(), default=None,
              help="Write a gradebook: one row per submission, one column per question.")
@click.option("--gradescope", type=click.Path(), default=None,
              help="Write Gradescope results.json: FILE.json for one submission, else (or onto an existing "
                   "folder) a folder of <student>.json.")
@click.option("--stats", is_flag=True, help="Per-question statistics: how many got it, the most common mistakes.")
@click.option("--details/--summary", "details", default=None,
              help="A table per student (default when grading up to 10 files), or only the summary.")
@click.option("--template", is_flag=True,
              help="Print a blank answer file for EXERCISE: every question id, a comment with the expected form.")
@click.option("--seed", type=click.IntRange(0, MAX_SEED), default=None,
              help="With --template: the answer file of the variant for this seed.")
@click.option("--out", "out_path", type=click.Path(), default=None, help="With --template: write it to this file.")
def grade_command(exercise: str, answers: tuple[str, ...], as_json: bool, csv_path: str | None, gradescope: str | None,
                  stats: bool, details: bool | None, template: bool, seed: int | None, out_path: str | None) -> None:
    """Grade student answer files (YAML) against EXERCISE, with partial credit and mistake diagnosis.

    EXERCISE is an exercise .yaml, or a folder of them: then each answer file
    is graded against the exercise its 'exercise:' names.  ANSWERS are answer
    files, folders of them, or folders of per-student folders (docs/grading.md).
    Each wrong answer is compared with the reference recomputed under the usual
    mistakes (no +1, no bias, no padding, kernel flipped, ...) and the feedback
    names the one it matches.  Exit code 0 when everything was graded, 1 when
    some files or answers were invalid or some questions could not be graded
    (each is listed with the reason), 2 on a usage error.

    \b
    Examples:
      cnncalc grade exercises/alexnet.yaml answers/
      cnncalc grade exercises/alexnet.yaml answers/ --csv gradebook.csv --stats --summary
      cnncalc grade exercises/alexnet.yaml ada.yaml --gradescope results.json
      cnncalc grade exercises/ submissions/ --csv gradebook.csv   # a whole assignment
      cnncalc grade --template exercises/lecture001-convolution.yaml --seed 7   # a blank answer file
    """
    if template or seed is not None or out_path:
        if not template or answers:
            raise click.UsageError("--seed and --out go with --template, which takes one EXERCISE and no answers.")
        return _write_template(exercise, seed, out_path)
    if not answers:
        raise click.UsageError("Missing argument 'ANSWERS...': give answer files or folders "
                               "(or --template for a blank answer file).")
    from ..exercises.exercise import exercise_files, load_exercise
    from ..grading import reports
    from ..grading.grader import answer_files, iter_grades

    csv_target = _writable(csv_path, "--csv") if csv_path else None
    exercise_paths = exercise_files(exercise)
    exercises = [load_exercise(p) for p in exercise_paths]
    found = answer_files(list(answers))
    if csv_path:
        refuse_overwriting(csv_path, [*exercise_paths, *(f.path for f in found.files)], "--csv")
    per_student = not as_json and (details if details is not None else len(found.files) <= 10)
    console = None
    if per_student:
        from rich.console import Console

        console = Console(highlight=False)
    grades = []
    for grade in iter_grades(exercises, list(answers), found):
        grades.append(grade)
        if console is not None:  # --details streams: each student's table as soon as it is graded
            console.print(reports.student_table(grade))
    qualified = len(exercises) > 1
    graded_exercises = {g.exercise for g in grades}
    question_ids = [f"{ex.id}/{q.id}" if qualified else q.id for ex in exercises
                    if not qualified or ex.id in graded_exercises for q in ex.questions]
    if csv_target:
        write_text(csv_target, reports.gradebook_csv(grades, question_ids, qualified), "gradebook")
    if gradescope:
        reports.write_gradescope(grades, gradescope)
    if as_json:
        click.echo(reports.gradebook_json(grades))
        for line in reports.summary_lines(grades, found.skipped)[1:]:
            click.echo(line, err=True)
    else:
        from rich.console import Console

        console = console or Console(highlight=False)
        for part in reports.terminal_report(grades, question_ids, False, stats, qualified, found.skipped):
            console.print(part)
        if csv_target:
            click.echo(f"wrote {csv_target}")
    # 1 when something needs a look: a file that could not be graded, a question cnncalc could not grade,
    # or an answer that could not be read (each is in the output with its reason)
    if any(g.invalid or g.errors or any(q.status == "invalid" for q in g.questions) for g in grades):
        sys.exit(1)
