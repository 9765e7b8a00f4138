"""``cnncalc check``, ``cnncalc solve``, ``cnncalc generate``: exercises in YAML."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import InputError
from ..files import make_folder, write_text
from . import main


def _status_style(status: str) -> str:
    return {"ok": "green", "computed": "", "mismatch": "bold red", "erratum": "yellow",
            "erratum-resolved": "cyan"}.get(status, "")


def _clip(value, width: int = 40) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return text if len(text) <= width else text[:width - 1] + "…"


@main.command("check")
@click.argument("target", type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="One JSON object: every question's status and values.")
def check_command(target, as_json):
    """Validate exercises, compute every reference, compare with the published answers.

    TARGET is an exercise .yaml or a folder of them.  A published answer that
    differs is a mismatch (exit code 1) unless the question marks it as an
    erratum, which is reported with both values.

    \b
    Examples:
      cnncalc check exercises/
      cnncalc check exercises/alexnet.yaml --json
    """
    from ..exercises.exercise import check_exercise, exercise_files, load_exercise
    from ..exercises.solution import answer_inline

    rows, count = [], 0
    for path in exercise_files(target):
        exercise = load_exercise(path)
        count += 1
        rows += [(str(path), r) for r in check_exercise(exercise)]
    mismatches = [r for _, r in rows if r.status == "mismatch"]
    errata = [r for _, r in rows if r.status == "erratum"]
    if as_json:
        click.echo(json.dumps({
            "exercises": count, "questions": len(rows), "mismatches": len(mismatches), "errata": len(errata),
            "rows": [{"file": f, "exercise": r.exercise, "question": r.question, "status": r.status,
                      "computed": answer_inline(r.reference),
                      "published": None if r.published is None else str(r.published), "note": r.note}
                     for f, r in rows],
        }, ensure_ascii=False))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"{count} exercise{'s' * (count != 1)}, {len(rows)} questions", title_justify="left")
        for column in ("exercise", "question", "status", "computed", "published", "note"):
            table.add_column(column, overflow="fold")
        from rich.markup import escape as markup_escape

        from ..printable import printable

        def escape(text) -> str:
            # text from the exercise file is shown as written: '[red]' is not markup, ESC not a command
            return markup_escape(printable(text))

        for _, r in rows:
            style = _status_style(r.status)
            table.add_row(escape(r.exercise), escape(r.question), f"[{style}]{r.status}[/]" if style else r.status,
                          escape(_clip(answer_inline(r.reference))), escape(_clip(r.published)), escape(r.note))
        console = Console(highlight=False)
        console.print(table)
        for r in errata:
            console.print(f"[yellow]erratum[/] {escape(r.exercise)}/{escape(r.question)}: published "
                          f"{escape(_clip(r.published, 80))}, computed {escape(_clip(answer_inline(r.reference), 80))}: "
                          f"{escape(r.note)}")
        console.print(f"{len(rows) - len(mismatches) - len(errata)} agree or computed, {len(errata)} errata, "
                      f"{len(mismatches)} mismatches")
    if mismatches:
        sys.exit(1)


@main.command("solve")
@click.argument("exercise", type=click.Path())
@click.option("--markdown", "form", flag_value="markdown", help="Markdown (what solutions/ holds).")
@click.option("--latex", "form", flag_value="latex", help="A LaTeX fragment.")
@click.option("--out", type=click.Path(), default=None,
              help="Write to this file (or, for a folder of exercises, into this folder) instead of printing.")
def solve_command(exercise, form, out):
    """Write the worked solution of an exercise: statement, then every question's steps.

    EXERCISE is a .yaml file, or a folder: then --out names a folder and every
    exercise's solution is written there as NAME.md (or NAME.tex with --latex).

    \b
    Examples:
      cnncalc solve exercises/sheet-q1-convolution.yaml
      cnncalc solve exercises/alexnet.yaml --latex
      cnncalc solve exercises/ --markdown --out solutions/     # refresh solutions/
    """
    from ..exercises.exercise import exercise_files, load_exercise
    from ..exercises.solution import solution_latex, solution_markdown

    if Path(exercise).is_dir():
        if not out:
            raise InputError(f"{exercise} is a folder: give --out FOLDER for its solutions")
        folder = make_folder(out)
        suffix = ".tex" if form == "latex" else ".md"
        for path in exercise_files(exercise):
            ex = load_exercise(path)
            text = solution_latex(ex) if form == "latex" else solution_markdown(ex)
            write_text(folder / (path.stem + suffix), text, "solution")
            click.echo(f"wrote {folder / (path.stem + suffix)}")
        return
    ex = load_exercise(exercise)
    if form == "latex":
        text = solution_latex(ex)
    elif form == "markdown" or out:
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


@main.command("generate")
@click.argument("exercise", type=click.Path())
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), required=True,
              help="The same seed always gives the same variant (0 to 2^63 - 1).")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Folder for the variant's .yaml and its solution .md (default: print the YAML).")
def generate_command(exercise, seed, out):
    """Write a variant of an exercise with other numbers (its 'variants:'), reproducible from --seed.

    \b
    Examples:
      cnncalc generate exercises/output-size.yaml --seed 7
      cnncalc generate exercises/output-size.yaml --seed 7 --out variants/
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
