"""Option parsing shared by the commands: per-axis integers, padding specs,
output forms.  Errors are one line naming the value and the fix."""

from __future__ import annotations

import json

import click

from ..errors import InputError

PADDING_MODES = ("valid", "same", "full")


def parse_ints(text: str | None, name: str, minimum: int = 1):
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


def parse_padding(text: str | None):
    """'1', '1,2' (per axis), '1,0,2,0' (top,bottom,left,right) or valid/same/full."""
    if text is None:
        return 0
    if str(text).strip().lower() in PADDING_MODES:
        return str(text).strip().lower()
    try:
        return parse_ints(text, "padding", minimum=0)
    except InputError:
        raise InputError(f"--padding '{text}' is not a padding; use a number (1), one per axis (1,2), "
                         "one per side (top,bottom,left,right) or valid, same, full") from None


def output_options(function):
    """--json / --markdown / --latex, and --explain / --cell / --digits."""
    function = click.option("--latex", "form", flag_value="latex", help="LaTeX output.")(function)
    function = click.option("--markdown", "form", flag_value="markdown", help="Markdown output.")(function)
    function = click.option("--json", "form", flag_value="json",
                            help="One JSON object: output, shape (and steps with --explain).")(function)
    function = click.option("--digits", type=click.IntRange(1, 50), default=None,
                            help="Show non-integers as decimals with this many significant digits.")(function)
    function = click.option("--cell", "cells", multiple=True, metavar="ROW,COL",
                            help="Explain one output cell, counted from 1 (repeatable); implies --explain.")(function)
    function = click.option("--explain", is_flag=True,
                            help="Show every step: windows, products, sums.")(function)
    return function


def emit(form: str | None, json_data, markdown, latex, terminal) -> None:
    """Print in the chosen form; each argument is a function producing it."""
    if form == "json":
        click.echo(json.dumps(json_data(), ensure_ascii=False))
    elif form == "markdown":
        click.echo(markdown(), nl=False)
    elif form == "latex":
        click.echo(latex(), nl=False)
    else:
        from rich.console import Console

        Console(highlight=False).print(terminal())
