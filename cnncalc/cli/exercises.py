"""``cnncalc check``, ``cnncalc solve``, ``cnncalc generate``: exercises in YAML."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import InputError
from ..files import make_folder, refuse_overwriting, write_text
from ..limits import MAX_SEED
from . import main
from .options import Form, form_flag

if TYPE_CHECKING:  # annotations only: the commands import the exercise engine when they run
    from ..exercises.exercise import CheckRow


def _status_style(status: str) -> str:
    return {"ok": "green", "computed": "", "mismatch": "bold red", "erratum": "yellow",
            "erratum-resolved": "cyan", "ungradable": "bold red", "invalid": "bold red"}.get(status, "")


def _check_rows(target: str) -> tuple[list[tuple[str, CheckRow]], int]:
    """(file, CheckRow) for every question of every exercise of ``target``, and the number of exercises;
    an unreadable exercise in a folder is an 'invalid' row, the one exercise named raises."""
    from ..errors import CnnCalcError
    from ..exercises.exercise import CheckRow, check_exercise, exercise_files, load_exercise
    from ..exercises.variants import hard_coded, text_problems, variant_problems
    from ..grading.selfcheck import grading_problems

    rows, count = [], 0
    for path in exercise_files(target):
        count += 1
        try:
            exercise = load_exercise(path)
            checked = check_exercise(exercise)
            problems = grading_problems(exercise) + hard_coded(exercise) + text_problems(exercise) \
                + variant_problems(exercise)
        except CnnCalcError as error:
            if not Path(target).is_dir():
                raise  # one exercise named: its error is the one line to print
            rows.append((str(path), CheckRow(path.stem, "-", "invalid", None, None, " ".join(str(error).split()))))
            continue
        rows += [(str(path), r) for r in checked]
        reported = {r.question for r in checked if r.status == "ungradable"}  # the same failure, said once
        rows += [(str(path), CheckRow(exercise.id, qid, "ungradable", None, None, why)) for qid, why in problems
                 if qid not in reported]
    return rows, count


def _computed(row: CheckRow) -> str:
    """The computed answer on one line; a fraction that is no short decimal with its decimal beside it
    (7620653/874819 ≈ 8.7111), to be read against a published 12."""
    from fractions import Fraction

    from ..exercises.solution import answer_inline
    from ..rationals import is_terminating, round_significant

    if row.reference is None:
        return ""
    value = row.reference.value
    if row.reference.kind == "number" and isinstance(value, Fraction) and not is_terminating(value.denominator):
        return f"{answer_inline(row.reference)} ≈ {float(round_significant(value, 5)):g}"
    return answer_inline(row.reference)


def _clip(values: list[str], width: int = 40) -> str:
    """A list of values for a table cell: its first whole values, and how many
    more --json has.

    >>> _clip("1018/9 1030/9 346/3; 1048/9 353/3 1066/9".split(), 30)
    '1018/9 1030/9 346/3; 1048/9 (+2 more values; --json for all)'
    >>> _clip(["1/(1 + e + exp(2))", "e/(1 + e + exp(2))", "exp(2)/(1 + e + exp(2))"], 40)
    '1/(1 + e + exp(2)) e/(1 + e + exp(2)) (+1 more value; --json for all)'
    """
    text = " ".join(values)
    if len(text) <= width:
        return text
    kept: list[str] = []
    for value in values:
        if kept and len(" ".join(kept + [value])) > width:
            break
        kept.append(value)
    rest = len(values) - len(kept)
    return " ".join(kept) + f" (+{rest} more value{'s' * (rest != 1)}; --json for all)" if rest else text


def _cells(row: CheckRow, width: int = 40) -> tuple[str, str]:
    """The computed and the published answer as table cells.  Only a list of
    values (a matrix) is shortened, with the note; a text answer, a number, a
    formula or a shape is shown whole, and the table wraps it."""
    from ..cells import inline_values

    published = "" if row.published is None else " ".join(str(row.published).split())
    if row.reference is None or row.reference.kind != "matrix":
        return _computed(row), published
    # a published matrix is typed as its values split by spaces ('225 258; 458 566')
    return _clip(inline_values(row.reference.value.reduced().values()), width), _clip(published.split(), width)


def _check_json(rows: list[tuple[str, CheckRow]], count: int, failures: list[CheckRow]) -> dict:
    return {
        "exercises": count, "questions": sum(1 for _, r in rows if r.reference is not None),
        "mismatches": sum(1 for r in failures if r.status == "mismatch"),
        "errata": sum(1 for _, r in rows if r.status == "erratum"),
        "ungradable": sum(1 for r in failures if r.status == "ungradable"),
        "invalid": sum(1 for r in failures if r.status == "invalid"),
        "rows": [{"file": f, "exercise": r.exercise, "question": r.question, "status": r.status,
                  "computed": _computed(r), "published": None if r.published is None else str(r.published),
                  "note": r.note}
                 for f, r in rows],
    }


def _print_check(rows: list[tuple[str, CheckRow]], count: int, failures: list[CheckRow]) -> None:
    """The table of every row, then each erratum and failure in a line, then the counts."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..printable import printable  # text from an exercise file: ESC is shown, never obeyed

    errata = [r for _, r in rows if r.status == "erratum"]
    table = Table(title=f"{count} exercise{'s' * (count != 1)}, {len(rows)} rows", title_justify="left")
    for column in ("exercise", "question", "status", "computed", "published", "note"):
        table.add_column(column, overflow="fold")
    for _, r in rows:
        computed, published = _cells(r)
        table.add_row(Text(printable(r.exercise)), Text(printable(r.question)),
                      Text(r.status, style=_status_style(r.status)), Text(printable(computed)),
                      Text(printable(published)), Text(printable(r.note)))
    console = Console(highlight=False)
    console.print(table)
    for r in errata:  # one line each (the terminal folds it): a line to grep for
        computed, published = _cells(r, 80)
        console.print(Text(printable(f"erratum {r.exercise}/{r.question}: published {published}, "
                                     f"computed {computed}: {r.note}")), soft_wrap=True)
    for r in failures:
        console.print(Text(printable(f"{r.status} {r.exercise}/{r.question}: {r.note}"), style="bold red"),
                      soft_wrap=True)
    agree = sum(1 for _, r in rows if r.status in ("ok", "computed", "erratum-resolved"))
    console.print(f"{agree} agree or computed, {len(errata)} errata, "
                  f"{sum(1 for r in failures if r.status == 'mismatch')} mismatches, "
                  f"{sum(1 for r in failures if r.status == 'ungradable')} ungradable, "
                  f"{sum(1 for r in failures if r.status == 'invalid')} unreadable exercises")


@main.command("check")
@click.argument("target", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="One JSON object: every question's status and values.")
def check_command(target: str, as_json: bool) -> None:
    """Validate exercises, compute every reference, compare with the published answers.

    TARGET is an exercise .yaml or a folder of them.  A published answer that
    differs is a mismatch unless the question marks it as an erratum, which is
    reported with both values.  Every question's grading path runs too (the
    reference written as a student would must grade as correct, an empty answer
    as missing, each diagnosed mistake without error): a question no student
    could earn is 'ungradable'; an exercise with variants whose prompt or
    compute writes a value the variants change (instead of its {placeholder})
    is 'ungradable' too.  Exit code 1 on any mismatch, ungradable
    question or unreadable exercise in a folder (the other files are still
    checked); exit code 2 when the one exercise named cannot be read.

    \b
    Examples:
      cnncalc check exercises/
      cnncalc check exercises/alexnet.yaml --json
    """
    rows, count = _check_rows(target)
    failures = [r for _, r in rows if r.status in ("mismatch", "ungradable", "invalid")]
    if as_json:
        click.echo(json.dumps(_check_json(rows, count, failures), ensure_ascii=False))
    else:
        _print_check(rows, count, failures)
    if failures:
        sys.exit(1)


@main.command("solve")
@click.argument("exercise", type=click.Path())
@form_flag("markdown", "Markdown (what solutions/ holds).")
@form_flag("latex", "A LaTeX fragment.")
@click.option("--out", type=click.Path(), default=None,
              help="Write to this file (or, for a folder of exercises, into this folder) instead of printing.")
def solve_command(exercise: str, form: Form | None, out: str | None) -> None:
    """Write the worked solution of an exercise: statement, then every question's steps.

    EXERCISE is a .yaml file, or a folder: then --out names a folder and every
    exercise's solution is written there as NAME.md (or NAME.tex with --latex).
    A Markdown solution written with --out gets its figures beside it, in
    figures/ (an SVG and a GIF per convolution or pooling answer, a diagram per
    network), linked from the text.

    \b
    Examples:
      cnncalc solve exercises/sheet-q1-convolution.yaml
      cnncalc solve exercises/alexnet.yaml --latex
      cnncalc solve exercises/ --markdown --out solutions/     # refresh solutions/
      cnncalc solve exercises/sheet-q1-convolution.yaml --markdown --out q1/   # q1/NAME.md and q1/figures/
    """
    from ..exercises.exercise import exercise_files, load_exercise
    from ..exercises.figures import write_solution
    from ..exercises.solution import solution_latex, solution_markdown

    if Path(exercise).is_dir():
        if not out:
            raise InputError(f"{exercise} is a folder: give --out FOLDER for its solutions")
        folder = make_folder(out)
        suffix = ".tex" if form == "latex" else ".md"
        for path in exercise_files(exercise):
            ex = load_exercise(path)
            if form == "latex":
                write_text(folder / (path.stem + suffix), solution_latex(ex), "solution")
                click.echo(f"wrote {folder / (path.stem + suffix)}")
            else:
                click.echo(_wrote(write_solution(ex, folder / (path.stem + suffix))))
        return
    ex = load_exercise(exercise)
    if out:
        refuse_overwriting(out, [exercise], "--out")
    if out and (Path(out).is_dir() or out.endswith(("/", "\\"))):  # --out DIR: DIR/NAME.md, figures beside it
        Path(out).mkdir(parents=True, exist_ok=True)
        out = str(Path(out) / (Path(exercise).stem + (".tex" if form == "latex" else ".md")))
    if form == "latex":
        text = solution_latex(ex)
    elif out:
        click.echo(_wrote(write_solution(ex, out)))
        return
    elif form == "markdown":
        text = solution_markdown(ex)
    else:
        from rich.console import Console
        from rich.markdown import Markdown

        from ..printable import printable

        Console().print(Markdown(printable(solution_markdown(ex))))  # the same as solution_renderable, escaped
        return
    if out:
        write_text(out, text, "solution")
        click.echo(f"wrote {out}")
    else:
        from ..printable import printable

        click.echo(printable(text), nl=False)


def _wrote(paths: list[Path]) -> str:
    figures = len(paths) - 1
    return f"wrote {paths[0]}" + (f" and {figures} figure{'s' * (figures != 1)} in {paths[0].parent / 'figures'}"
                                  if figures else "")


@main.command("generate")
@click.argument("exercise", type=click.Path())
@click.option("--seed", type=click.IntRange(0, MAX_SEED), required=True,
              help="The same seed always gives the same variant (0 to 2^63 - 1).")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Folder for the variant's .yaml and its solution .md (default: print the YAML).")
def generate_command(exercise: str, seed: int, out: str | None) -> None:
    """Write a variant of an exercise with other numbers (its 'variants:'), reproducible from --seed.

    \b
    Examples:
      cnncalc generate exercises/lecture001-convolution.yaml --seed 7
      cnncalc generate exercises/lecture001-convolution.yaml --seed 7 --out variants/
    """
    from ..exercises.exercise import load_exercise
    from ..exercises.solution import solution_markdown
    from ..exercises.variants import generate

    variant, text = generate(load_exercise(exercise), seed)
    if out is None:
        click.echo(text, nl=False)
        return
    folder = make_folder(out)
    # the id is a plain name (checked when the exercise is loaded), so both files stay inside the folder
    write_text(folder / f"{variant.id}.yaml", text, "variant")
    write_text(folder / f"{variant.id}.md", solution_markdown(variant), "variant solution")
    click.echo(f"wrote {folder / (variant.id + '.yaml')} and its solution {folder / (variant.id + '.md')}")
