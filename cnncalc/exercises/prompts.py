"""Prompts as templates over the givens, so that a variant prints its own numbers.

A prompt or statement may name a given in braces: ``A {N}x{N} input`` reads
``A 7x7 input`` for N = 7 and ``A 5x5 input`` in the variant where N = 5; a
matrix given is written inline, rows split by ';', and ``{X[4:6, 4:6]}`` writes
rows 4 to 6, columns 4 to 6 of X (counted from 1).  Braces around anything
that is not a given (``x_{i,j}``) are left as they are, and ``{{N}}`` writes
a literal ``{N}``.

>>> from cnncalc.exercises.scope import read_given
>>> render("A {N}x{N} input and the kernel {K}; x_{i,j}", {"N": read_given(7), "K": read_given("1 0; 0 1")})
'A 7x7 input and the kernel 1 0; 0 1; x_{i,j}'
>>> render("the window {K[2, 1:2]}", {"K": read_given("1 0; 0 1")})
'the window 0 1'
>>> placeholders("A {N}x{N} input, {{N}} literally")
{'N'}
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .scope import Given

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z_0-9]*)(\[[^\[\]{}]+\])?\}")


def given_text(given: Given) -> str:
    """One given as a prompt shows it: a number, a formula, a matrix inline, a network by its description."""
    from ..cells import format_value, inline_text

    if given.kind == "matrix":
        return inline_text(given.value.reduced().values())
    if given.kind == "network":
        return given.raw.strip() if isinstance(given.raw, str) else given.value.name
    if given.kind == "text":
        return str(given.value)
    return format_value(given.value)


def render(text: str, givens: dict) -> str:
    """The text with every ``{NAME}`` of a given replaced by its value (``{X[4:6, 4:6]}``: a part of X)."""
    from .scope import Scope

    scope = Scope(givens)

    def replace(match: re.Match) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        name = match.group(1)
        if name not in givens:
            return token
        found = scope.lookup(name + (match.group(2) or ""))
        return given_text(found) if found is not None else token

    return _PLACEHOLDER.sub(replace, text)


def without_placeholders(text: str) -> str:
    """The text with every placeholder blanked out: what a template writes literally."""
    return _PLACEHOLDER.sub(" ", text)


def placeholders(text: str) -> set[str]:
    """The names a template refers to in braces (escaped ``{{...}}`` excluded)."""
    return {m.group(1) for m in _PLACEHOLDER.finditer(text) if m.group(1)}


__all__ = ["render", "placeholders", "without_placeholders", "given_text"]
