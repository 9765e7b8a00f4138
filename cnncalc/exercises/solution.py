"""Worked solutions, written from the engine's references and their steps.

``solutions/*.md`` are these documents; a test regenerates them and fails if
any differs, so a solution can never drift from what the engine computes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..cells import inline_text
from ..render import format_latex_value, format_value, latex_matrix, markdown_matrix
from .answers import Answer
from .exercise import CheckRow, Exercise, Question
from .scope import Given

if TYPE_CHECKING:
    from rich.markdown import Markdown


def _points(q: Question) -> str:
    value = q.points
    text = str(value.numerator) if value.denominator == 1 else format_value(value)
    return f"{text} point{'s' * (value != 1)}" + (", graded by hand" if q.manual else "")


def _given_markdown(name: str, given: Given) -> str:
    if given.kind == "matrix":
        return f"- **{name}** ({'x'.join(map(str, given.value.shape))}):\n\n" + _indent(markdown_matrix(given.value)) + "\n"
    if given.kind == "network":
        stack, raw = given.value, given.raw
        count = len(stack.layers)
        size = f"input {stack.input.text()}, {count} layer{'s' * (count != 1)}"
        if isinstance(raw, str):
            return f"- **{name}**: `{raw.strip()}` ({size})\n"
        if isinstance(raw, dict) and "network" in raw:
            return f"- **{name}**: the built-in network `{stack.name}` ({size}; `cnncalc shape {stack.name}` shows it)\n"
        return f"- **{name}**: a network of {size}\n"
    return f"- **{name}** = {format_value(given.value)}\n"


def _indent(text: str, prefix: str = "  ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def answer_markdown(answer: Answer) -> str:
    if answer.kind == "matrix":
        return "\n\n" + markdown_matrix(answer.value)
    if answer.kind == "shape":
        return " " + "x".join(format_value(v) for v in answer.value)
    if answer.kind == "table":
        return "\n\n" + answer.value
    return " " + format_value(answer.value)


def answer_inline(answer: Answer) -> str:
    """One line: a matrix as it is typed (rows split by ';', channels by ' | '), a shape as 55x55x96."""
    if answer.kind == "matrix":
        return inline_text(answer.value.reduced().values())
    if answer.kind == "shape":
        return "x".join(format_value(v) for v in answer.value)
    if answer.kind == "table":
        return str(getattr(answer.detail, "name", "table"))  # a table's detail is its network's summary
    return format_value(answer.value)


def _published_markdown(row: CheckRow | None) -> str:
    if row is None or row.published is None:
        return ""
    if row.status == "erratum":
        return f"\n\n> Published answer: `{row.published}`. Erratum: {row.note}\n"
    if row.status == "mismatch":
        return f"\n\n> Published answer: `{row.published}` DIFFERS from the computed one. {row.note}\n"
    if "?" in str(row.published):
        return f"\n\n> Published answer: `{row.published}` (agrees on the cells it gives; the '?' cells are computed here).\n"
    return f"\n\n> Published answer: `{row.published}` (agrees).\n"


def _figures_markdown(links: list[tuple[str, str]]) -> list[str]:
    """Image links to the figures drawn beside the solution (``cnncalc solve --markdown --out``)."""
    return [" ".join(f"![{alt}]({link})" for alt, link in links), ""] if links else []


def solution_markdown(exercise: Exercise, figures: dict[str, list[tuple[str, str]]] | None = None) -> str:
    """The whole worked solution as Markdown; ``figures`` links images by question id or given name."""
    figures = figures or {}
    from .exercise import check_exercise

    rows = {r.question: r for r in check_exercise(exercise)}
    out = [f"# {exercise.title}", ""]
    if exercise.source:
        out += [f"*Source: {exercise.source}*", ""]
    if exercise.seed is not None:
        out += [f"*Variant generated with seed {exercise.seed}.*", ""]
    if exercise.statement:
        out += [exercise.statement_text().strip(), ""]
    shown = [(n, g) for n, g in exercise.givens.items()]
    if shown:
        out += ["**Given**", ""] + [_given_markdown(n, g) for n, g in shown] + [""]
        for name, _ in shown:
            out += _figures_markdown(figures.get(name, []))
    for q, ref in zip(exercise.questions, exercise.references()):
        out += [f"## {q.id} ({_points(q)})", "", exercise.prompt_text(q).strip(), ""]
        if q.choices:
            out += ["Choices: " + "; ".join(q.choices), ""]
        steps = [s for s in ref.steps]
        if steps and (ref.kind != "text" or ref.detail is not None):  # a computed text has steps
            out += ["**Solution.**", ""] + [f"- {s}" for s in steps] + [""]
        out.append(f"**Answer:**{answer_markdown(ref)}" + _published_markdown(rows.get(q.id)))
        out.append("")
        out += _figures_markdown(figures.get(q.id, []))
    return "\n".join(out).rstrip() + "\n"


def solution_latex(exercise: Exercise) -> str:
    """The worked solution as a LaTeX fragment (\\section per question)."""
    out = [f"\\section*{{{_tex(exercise.title)}}}", ""]
    if exercise.statement:
        out += [_tex(exercise.statement_text().strip()), ""]
    for q, ref in zip(exercise.questions, exercise.references()):
        out += [f"\\subsection*{{{_tex(q.id)} ({_tex(_points(q))})}}", _tex(exercise.prompt_text(q).strip()), ""]
        if ref.steps and (ref.kind != "text" or ref.detail is not None):
            out.append("\\begin{itemize}")
            out += [f"  \\item \\verb|{s}|" if "|" not in s else f"  \\item {_tex(s)}" for s in ref.steps]
            out.append("\\end{itemize}")
        if ref.kind == "matrix":
            out.append("\\[\n" + latex_matrix(ref.value) + "\n\\]")
        elif ref.kind == "shape":
            sizes = " \\times ".join(format_latex_value(v) for v in ref.value)
            out.append(f"\\textbf{{Answer:}} ${sizes}$")
        elif ref.kind == "table":
            out.append(f"\\begin{{verbatim}}\n{ref.value}\n\\end{{verbatim}}")
        elif ref.kind == "text":
            out.append(f"\\textbf{{Answer:}} {_tex(str(ref.value))}")
        else:
            out.append(f"\\textbf{{Answer:}} ${format_latex_value(ref.value)}$")
        out.append("")
    return "\n".join(out)


def _tex(text: str) -> str:
    for a, b in (("\\", "\\textbackslash{}"), ("&", "\\&"), ("%", "\\%"), ("$", "\\$"), ("#", "\\#"),
                 ("_", "\\_"), ("{", "\\{"), ("}", "\\}")):
        text = text.replace(a, b)
    return text


def solution_renderable(exercise: Exercise) -> Markdown:
    """For the terminal: the Markdown solution through rich."""
    from rich.markdown import Markdown

    return Markdown(solution_markdown(exercise))


__all__ = ["solution_markdown", "solution_latex", "solution_renderable", "answer_markdown"]
