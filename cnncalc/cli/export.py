"""``cnncalc export``: the exercises as a Gradescope autograder, Moodle XML, a Canvas QTI zip,
PrairieLearn questions, or printable per-student sheets."""

from __future__ import annotations

import click

from . import main

DEFAULT_OUT = {"gradescope": "autograder.zip", "moodle": "cnncalc-moodle.xml", "canvas": "cnncalc-canvas-qti.zip",
               "prairielearn": "prairielearn", "sheets": "sheets"}


@main.command("export")
@click.argument("format_name", metavar="FORMAT",
                type=click.Choice(["gradescope", "moodle", "canvas", "prairielearn", "sheets"]))
@click.argument("exercises", nargs=-1, required=True, type=click.Path())
@click.option("--variants", type=int, default=None,
              help="Moodle, Canvas: variants per exercise that has 'variants:' (seeds S, S+1, ...; default 1).")
@click.option("--seed", type=int, default=1, show_default=True,
              help="The first variant's seed; with a roster, the base every student's seed is derived from.")
@click.option("--roster", type=click.Path(), default=None,
              help="A class list (CSV with a header: name, sid or id, email, optional seed): one variant per "
                   "student. Required for sheets; carried in the Gradescope zip.")
@click.option("--out", "out_path", type=click.Path(), default=None,
              help="Where to write (default: autograder.zip, cnncalc-moodle.xml, cnncalc-canvas-qti.zip, "
                   "prairielearn/, sheets/).")
def export_command(format_name: str, exercises: tuple[str, ...], variants: int | None, seed: int,
                   roster: str | None, out_path: str | None) -> None:
    """Export EXERCISE files or folders for a learning platform, one variant per student.

    \b
    gradescope    autograder.zip: setup.sh installs this cnncalc (a wheel inside) and its pinned
                  dependencies; run_autograder grades /autograder/submission; each student's seed comes
                  from the roster (by e-mail or id) or from their Gradescope user id
    moodle        Moodle XML: a category per exercise, a Cloze question per variant (numbers and
                  matrix cells as numerical blanks, the worked solution as feedback)
    canvas        a QTI 1.2 zip: one quiz per variant, numerical questions with margins
    prairielearn  questions/cnncalc/<exercise>/ (info.json, question.html, server.py) and
                  serverFilesCourse/: PrairieLearn's seed picks the variant, cnncalc grades
    sheets        sheets.html and answer-keys.html: one printed page per student of --roster

    What a platform cannot express (a fraction in a numerical blank, a formula) is listed as a note.

    \b
    Examples:
      cnncalc export gradescope exercises/lecture001-convolution.yaml exercises/alexnet.yaml --roster examples/roster.csv
      cnncalc export moodle exercises/ --variants 20 --seed 100 --out quiz.xml
      cnncalc export canvas exercises/sheet-q1-convolution.yaml --variants 3
      cnncalc export prairielearn exercises/ --out pl-course/
      cnncalc export sheets exercises/lecture001-convolution.yaml --roster examples/roster.csv --out sheets/
    """
    from ..exercises.exercise import exercise_files, load_exercise
    from ..export.roster import read_roster, variant_seeds

    loaded = [load_exercise(p) for target in exercises for p in exercise_files(target)]
    ids = [ex.id for ex in loaded]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        from ..errors import InputError

        raise InputError(f"exercise {', '.join(duplicates)} is given twice; name each exercise once")
    students = read_roster(roster, seed) if roster else None
    out = out_path or DEFAULT_OUT[format_name]
    from ..files import refuse_overwriting

    refuse_overwriting(out, [p for target in exercises for p in exercise_files(target)], "--out")
    if variants is not None and format_name not in ("moodle", "canvas"):
        from ..errors import InputError

        raise InputError(f"--variants belongs to moodle and canvas; {format_name} gives every student their own "
                         "variant (from the roster or the platform's seed): leave it out")
    variants = 1 if variants is None else variants
    if format_name == "gradescope":
        from ..export.gradescope import build_autograder

        written = build_autograder(loaded, seed, students, out)
    elif format_name == "moodle":
        from ..export.moodle import write_moodle

        written = write_moodle(loaded, variant_seeds(seed, variants), out)
    elif format_name == "canvas":
        from ..export.canvas import write_canvas

        written = write_canvas(loaded, variant_seeds(seed, variants), out)
    elif format_name == "prairielearn":
        from ..export.prairielearn import write_prairielearn

        written = write_prairielearn(loaded, out)
    else:
        from ..export.sheets import write_sheets

        if not students:
            from ..errors import InputError

            raise InputError("sheets are one page per student: give --roster ROSTER.csv (a header row with name, "
                             "sid or id, email)")
        written = write_sheets(loaded, students, out)
    for path in written.paths:
        click.echo(f"wrote {path}")
    for note in written.notes:
        click.echo(f"note: {note}")
