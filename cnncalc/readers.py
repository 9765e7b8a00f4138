"""Reading matrices as people type them: command-line literals and files.

Literals
    ``"20 35 35; 29 46 44"``: rows split by ``;``, values by spaces or commas.
    ``"1 2; 3 4 | 5 6; 7 8"``: ``|`` separates channels (a 2x2x2 array), and
    ``||`` separates filters (a 4-D array).
    ``"[[0, 80], [20, 40]]"``: nested lists, any depth.
    ``"1 0 -1"``: one row is a 1-D signal.

Files
    ``.txt``/``.csv`` rows of values (a blank line starts the next channel),
    ``.json`` and ``.yaml`` nested lists, ``.npy`` arrays (never pickles).

Every value is read by :func:`cnncalc.expr.parse_scalar`: ``0.25`` is 1/4,
``1/9`` stays a fraction and names such as ``w11`` become symbols.

>>> read_matrix("0 80 40; 20 40 0").tolist()
[[0, 80, 40], [20, 40, 0]]
>>> read_matrix("[[1/9, 0.5], [a, 2]]").tolist()
[[Fraction(1, 9), Fraction(1, 2)], [a, 2]]
>>> read_matrix("1 2; 3 4 | 5 6; 7 8").shape
(2, 2, 2)
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from .errors import InputError
from .values import Exact

FILE_SUFFIXES = (".txt", ".csv", ".tsv", ".json", ".yaml", ".yml", ".npy")
MAX_LITERAL = 5_000_000  # characters; larger inputs belong in a .npy file


def read_matrix(source, name: str = "matrix") -> Exact:
    """Read an :class:`Exact` array from a literal, a file path, nested lists or numpy."""
    if isinstance(source, Exact):
        return source
    if not isinstance(source, (str, os.PathLike)):
        return Exact.from_nested(source)
    text = str(source)
    if text == "-":
        return read_stdin(name)
    if os.path.isfile(text):
        return read_file(text, name)
    if text.strip().lower().endswith(FILE_SUFFIXES) and not re.search(r"[;\[\]]", text):
        raise InputError(f"{name} file '{text}' does not exist; check the path, or type the values in quotes")
    return parse_literal(text, name)


def read_stdin(name: str = "matrix") -> Exact:
    """'-' reads standard input: another command's --json output (its
    "output") or typed rows, so `cnncalc conv ... --json | cnncalc pool -` works."""
    import sys

    text = sys.stdin.read()
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise InputError(f"{name} from standard input is not valid JSON (line {error.lineno}: {error.msg})") from None
        if not isinstance(data, dict) or "output" not in data:
            raise InputError(f"{name} from standard input has no \"output\"; pipe the --json output of conv, pool or act")
        return Exact.from_nested(data["output"])
    return parse_literal(stripped.replace("\n", ";") if "\n" in stripped and ";" not in stripped else stripped, name)


def parse_literal(text: str, name: str = "matrix") -> Exact:
    """Parse a typed matrix: bracket lists, or ';' rows with '|' channels."""
    cells = literal_cells(text, name)
    try:
        return Exact.from_nested(cells)
    except InputError as error:
        raise InputError(f"{name}: {error}") from None


def literal_cells(text: str, name: str = "matrix"):
    """The structure of a typed matrix with every cell still as its text
    (nested lists of str): what :func:`parse_literal` reads each cell from.

    >>> literal_cells("1 2; 3 4.50")
    [['1', '2'], ['3', '4.50']]
    """
    if len(text) > MAX_LITERAL:
        raise InputError(f"{name} literal is {len(text)} characters long; save large arrays as .npy and pass the path")
    stripped = text.strip()
    if not stripped:
        raise InputError(f"{name} is empty; type values such as \"1 2; 3 4\"")
    try:
        if stripped.startswith("["):
            return _parse_brackets(stripped, name)
        return parse_rows(stripped)
    except InputError as error:
        raise InputError(f"{name}: {error}") from None


def split_values(row: str) -> list[str]:
    # Values are separated by commas, or by spaces when a row has no comma.
    # Spaces inside a formula ("a + b") are kept when commas separate values.
    if "," in row:
        return [v.strip() for v in row.split(",") if v.strip()]
    return _join_operators(row.split())


def _join_operators(parts: list[str]) -> list[str]:
    """Rejoin "a + b" that a space split took apart: a lone operator glues
    its neighbours, so "1 - 2" stays one value while "1 -2" is two."""
    out: list[str] = []
    glue = False
    for part in parts:
        if part in ("+", "-", "*", "/", "^", "×") and out:
            out[-1] += f" {part}"
            glue = True
        elif glue:
            out[-1] += f" {part}"
            glue = False
        else:
            out.append(part)
    return out


def parse_rows(text: str):
    if "||" in text:
        return [parse_rows(part) for part in text.split("||")]
    if "|" in text:
        return [parse_rows(part) for part in text.split("|")]
    rows = [r for r in text.replace("\n", ";").split(";")]
    if len(rows) == 1:
        return split_values(rows[0])
    rows = [r for r in rows if r.strip()]  # a trailing ';' is harmless
    return [split_values(r) for r in rows]


_BRACKET_TOKEN = re.compile(r"\[|\]|,|[^\[\],]+")


def _parse_brackets(text: str, name: str):
    """Nested lists without eval: '[' opens, ']' closes, ',' separates.

    Several top-level groups are rows when each is one row (``[1 2]`` on one
    line, ``[3 4]`` on the next); several matrices are refused, not guessed.
    """
    stack: list[list] = []
    groups: list[list] = []
    for token in _BRACKET_TOKEN.findall(text):
        if token == "[":
            new: list = []
            if stack:
                stack[-1].append(new)
            stack.append(new)
            if len(stack) > 8:
                raise InputError("brackets nested deeper than 8; arrays have at most 4 dimensions")
        elif token == "]":
            if not stack:
                raise InputError("has a ']' without its '['; check the brackets")
            closed = stack.pop()
            if not stack:
                groups.append(closed)
        elif token == ",":
            continue
        else:
            if not token.strip():
                continue
            if not stack:
                raise InputError(f"has '{token.strip()}' outside the brackets; put every value inside [ ]")
            stack[-1].extend(split_values(token) if "," not in token else [token.strip()])
    if stack:
        raise InputError("has a '[' that is never closed; add ']'")
    if len(groups) == 1:
        return groups[0]
    if all(not any(isinstance(v, list) for v in group) for group in groups):
        return groups  # one bracketed row per group: the rows of a matrix
    raise InputError(f"has {len(groups)} matrices side by side; give one")


def read_file(path: str, name: str = "matrix") -> Exact:
    """Read a matrix file by its suffix; errors name the file and the fix."""
    suffix = Path(path).suffix.lower()
    try:
        if suffix == ".npy":
            import numpy as np

            try:
                return Exact.from_nested(np.load(path, allow_pickle=False))
            except ValueError as error:
                raise InputError(f"{name} file '{path}' is not a plain .npy array ({error}); save it with numpy.save") from None
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except UnicodeDecodeError:
        raise InputError(f"{name} file '{path}' is not text; use .txt, .csv, .json, .yaml or .npy") from None
    except OSError as error:
        raise InputError(f"{name} file '{path}' cannot be read ({error.strerror}); check the path and permissions") from None
    try:
        if suffix == ".json":
            try:
                data = json.loads(text)
            except json.JSONDecodeError as error:
                raise InputError(f"is not valid JSON (line {error.lineno}: {error.msg})") from None
            return Exact.from_nested(data)
        if suffix in (".yaml", ".yml"):
            import yaml

            try:
                data = yaml.safe_load(text)
            except yaml.YAMLError as error:
                mark = getattr(error, "problem_mark", None)
                where = f" at line {mark.line + 1}" if mark else ""
                raise InputError(f"is not valid YAML{where}") from None
            if not isinstance(data, list):
                raise InputError("must hold a list of rows, e.g. [[1, 2], [3, 4]]")
            return Exact.from_nested(data)
        # .txt / .csv / .tsv: rows per line, blank lines between channels
        blocks = [b for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
        if not blocks:
            raise InputError("is empty; write one row of values per line")
        parsed = [[split_values(line.replace("\t", " ")) for line in b.splitlines() if line.strip()]
                  for b in blocks]
        return Exact.from_nested(parsed if len(parsed) > 1 else parsed[0])
    except InputError as error:
        raise InputError(f"{name} file '{path}' {error}") from None


def read_vector(source, name: str = "bias") -> Exact:
    """A 1-D list of values such as a bias: "1, -2, 0.5" or "3"."""
    values = read_matrix(source, name)
    if values.ndim == 0:
        return values.reshape(1)
    if values.ndim != 1:
        raise InputError(f"{name} has shape {'x'.join(map(str, values.shape))}; give one value per filter, e.g. \"1, 0, -2\"")
    return values
