"""Option parsing shared by the commands: per-axis integers, padding specs,
output forms.  Errors are one line naming the value and the fix."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar, get_args

import click

from ..errors import InputError, InternalError
from ..geometry import PADDING_MODES

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ..textgrid import Limits
    from ..values import Exact

Form = Literal["json", "markdown", "latex", "csv"]
#: The machine-readable and document forms a command can print instead of the terminal's.
FORMS: tuple[Form, ...] = get_args(Form)
F = TypeVar("F", bound=Callable)


def form_flag(form: Form, help: str, dest: str = "form") -> Callable[[F], F]:
    """The ``--json`` (``--markdown``, ...) flag that sets ``dest`` to that form."""
    if form not in FORMS:
        raise ValueError(f"form '{form}' is not one of {FORMS}")
    return click.option(f"--{form}", dest, flag_value=form, help=help)


def parse_ints(text: str | None, name: str, minimum: int = 1) -> int | tuple[int, ...] | None:
    """'2' -> 2, '2,1' -> (2, 1); every value a whole number >= minimum."""
    if text is None:
        return None
    parts = [p.strip() for p in str(text).split(",")]
    values = []
    for part in parts:
        try:
            value = int(part)
        except ValueError:
            raise InputError(f"--{name} '{text}' is not a whole number or a list such as 2,1; "
                             f"write --{name} 2 or --{name} 2,1 (one per axis)") from None
        if value < minimum:
            raise InputError(f"--{name} {value} must be at least {minimum}; "
                             f"use {minimum} or more")
        values.append(value)
    return values[0] if len(values) == 1 else tuple(values)


def parse_padding(text: str | None) -> int | tuple[int, ...] | str:
    """'1', '1,2' (per axis), '1,0,2,0' (top,bottom,left,right) or valid/same/full."""
    if text is None:
        return 0
    if str(text).strip().lower() in PADDING_MODES:
        return str(text).strip().lower()
    try:
        return parse_ints(text, "padding", minimum=0) or 0  # never None: text is given
    except InputError:
        raise InputError(f"--padding '{text}' is not a padding; use a number (1), one per axis (1,2), "
                         "one per side (top,bottom,left,right) or valid, same, full") from None


def output_options(function: F) -> F:
    """--json / --markdown / --latex, --full / --out, and --explain / --cell / --digits."""
    function = form_options(function)
    function = click.option("--cell", "cells", multiple=True, metavar="ROW,COL",
                            help="Explain one output cell, counted from 1 (repeatable); implies --explain.")(function)
    function = click.option("--explain", is_flag=True,
                            help="Show every step: windows, products, sums.")(function)
    return function


def form_options(function: F) -> F:
    """--json / --markdown / --latex, --digits, and --full / --out FILE: how much is shown, and where."""
    function = click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), default=None,
                            metavar="FILE", help="Write everything to FILE (the chosen form; plain text by "
                            "default) instead of the terminal.")(function)
    function = click.option("--full", is_flag=True,
                            help="Show every value; by default long runs of rows, columns or slices are "
                            "left out with a note.")(function)
    function = form_flag("latex", "LaTeX output.")(function)
    function = form_flag("markdown", "Markdown output.")(function)
    function = form_flag("json", "One JSON object: output, shape (and steps with --explain).")(function)
    function = click.option("--digits", type=click.IntRange(1, 50), default=None,
                            help="Show non-integers as decimals with this many significant digits.")(function)
    return function


def emit(form: Form | None, json_data: Callable[[], Any], markdown: Callable[[], str] | None,
         latex: Callable[[], str] | None, terminal: Callable[[int | None, Limits | None], RenderableType] | None, *,
         full: bool = False, out: str | None = None) -> None:
    """Print (or write to ``out``) in the chosen form.

    ``json_data``, ``markdown`` and ``latex`` are functions producing the
    form; ``terminal(width, limits)`` produces a rich renderable whose grids
    fit ``width`` columns (``None``: no limit) and show what ``limits`` allows
    (``None``: everything).  A command passes None for a form it does not offer.
    """
    if form == "json":
        from ..render import dumps

        text = dumps(json_data()) + "\n"
    elif form == "markdown":
        assert markdown is not None, "the command offers no --markdown"
        text = markdown()
    elif form == "latex":
        assert latex is not None, "the command offers no --latex"
        text = latex()
    elif terminal is None:
        raise InternalError("the command has no terminal form")
    elif out is None:
        from rich.console import Console

        from ..textgrid import DEFAULT

        console = Console(highlight=False)
        console.print(terminal(console.width, None if full else DEFAULT))
        return
    else:
        text = plain_text(terminal(None, None))
    if out is None:
        click.echo(text, nl=False)
        return
    context = click.get_current_context(silent=True)
    if context is not None:  # every option or argument that names a file is an input of the command
        from ..files import refuse_overwriting

        inputs = [v for k, v in context.params.items() if isinstance(v, str) and not k.startswith("out")]
        refuse_overwriting(out, inputs, "--out")
    try:
        with open(out, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise InputError(f"--out '{out}' cannot be written ({error.strerror}); give a file in a folder you can "
                         "write to") from None
    click.echo(f"wrote {out} ({len(text.encode('utf-8')):,} bytes)")


def plain_text(renderable: RenderableType) -> str:
    """A rich renderable as plain text, lines as long as they need (no colour codes).

    Our renderables are groups of Text, whose plain strings are the output:
    joined directly, without rich splitting every line again (half the time of
    writing a large batch).  Anything else goes through a wide rich console.
    """
    from rich.console import Group
    from rich.text import Text

    pieces: list[str] = []

    def walk(item: object) -> bool:
        if isinstance(item, Text):
            pieces.append(item.plain)
            return True
        if isinstance(item, Group):
            return all(walk(part) for part in item.renderables)
        return False

    if walk(renderable):
        return "\n".join(pieces) + "\n"
    import io

    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, width=1_000_000, color_system=None, highlight=False, force_terminal=False,
            legacy_windows=False).print(renderable)
    return "\n".join(line.rstrip() for line in buffer.getvalue().split("\n"))


def with_decimals(data: dict, output: Exact, digits: int | None) -> dict:
    """A result's JSON with, under --digits, its values as decimals beside the exact "output" (which stays
    the contract): the "decimal" field act, conv and pool all give."""
    if digits:
        from ..cells import cell_texts

        data["decimal"] = cell_texts(output, digits).tolist()
    return data


def given(context: click.Context, name: str) -> bool:
    """Whether the user gave an option (its value did not come from its default)."""
    source = context.get_parameter_source(name)
    return source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")
