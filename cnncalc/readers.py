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
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeAlias

from .errors import InputError
from .files import file_size, open_regular, read_regular
from .limits import MAX_VALUES, check_count
from .values import MAX_NESTING, Exact

if TYPE_CHECKING:
    import numpy as np

#: What a matrix may be given as: an Exact array, numpy, nested lists of values, typed text or a file
#: path (``-``: standard input)
MatrixSource: TypeAlias = "Exact | np.ndarray | Sequence[Any] | str | os.PathLike[str]"

FILE_SUFFIXES = (".txt", ".csv", ".tsv", ".json", ".yaml", ".yml", ".npy")
MAX_LITERAL = 5_000_000  # characters of a typed matrix or standard input; larger inputs belong in a .npy file
MAX_TEXT_FILE = 20_000_000  # bytes of a .txt/.csv/.json matrix file (.yaml: cnncalc.yamlio.MAX_BYTES)
MAX_NPY_HEADER = 10_000  # bytes of a .npy header (numpy writes 128)


def looks_like_file(text: str) -> bool:
    """Whether text names a matrix file (by its suffix) rather than typing values."""
    return text.strip().lower().endswith(FILE_SUFFIXES) and not re.search(r"[;\[\]]", text)


def read_matrix(source: MatrixSource, name: str = "matrix") -> Exact:
    """Read an :class:`Exact` array from a literal, a file path, nested lists or numpy.

    A string names a file when such a file exists, or when it ends like one
    (``.npy``): the command line reads any file its user names.  Untrusted
    text (an exercise's values, a student's answer) goes to
    :func:`parse_literal`, which never opens anything.
    """
    if isinstance(source, Exact):
        return source
    if not isinstance(source, (str, os.PathLike)):
        return Exact.from_nested(source)
    text = str(source)
    if text == "-":
        return read_stdin(name)
    if os.path.isfile(text):
        return read_file(text, name)
    if os.path.exists(text) or looks_like_file(text):
        return read_file(text, name)  # a folder, a FIFO, a missing file: read_file says which
    return parse_literal(text, name)


_STDIN_READ_BY: tuple[Any, str] | None = None  # (the stream, what read it): standard input is read once


def read_stdin(name: str = "matrix") -> Exact:
    """'-' reads standard input: another command's --json output (its
    "output") or typed rows, so `cnncalc conv ... --json | cnncalc pool -` works."""
    import sys

    global _STDIN_READ_BY
    if _STDIN_READ_BY is not None and _STDIN_READ_BY[0] is sys.stdin:  # conv - -: the second would find it empty
        raise InputError(f"{name} and {_STDIN_READ_BY[1]} both read standard input ('-'), which can be read once; "
                         f"give the {name} another way (a file, or typed values)")
    _STDIN_READ_BY = (sys.stdin, name)
    text = sys.stdin.read(MAX_LITERAL + 1)
    if len(text) > MAX_LITERAL:
        raise InputError(f"{name} from standard input is longer than {MAX_LITERAL:,} characters (docs/limits.md); "
                         "save large arrays as .npy and pass the path")
    stripped = text.strip()
    if stripped.startswith("{"):
        data = load_json(stripped, f"{name} from standard input")
        if not isinstance(data, dict) or "output" not in data:
            raise InputError(f"{name} from standard input has no \"output\"; pipe the --json output of conv, pool or act")
        return Exact.from_nested(data["output"])
    return parse_literal(stripped.replace("\n", ";") if "\n" in stripped and ";" not in stripped else stripped, name)


def _refuse_constant(word: str) -> NoReturn:
    raise InputError(f"{word} is not a finite number; use a number such as 0 or 1")


def load_json(text: str, where: str) -> Any:
    """JSON as plain data, with numbers kept as their text so that the value
    parser reads them exactly and within its limits (an integer of 5,000
    digits, 1e999999, NaN are one-line errors, not crashes or floats)."""
    try:
        return json.loads(text, parse_int=_json_number, parse_float=_json_number, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise InputError(f"{where} is not valid JSON (line {error.lineno}: {error.msg})") from None
    except RecursionError:
        raise InputError(f"{where} is nested too deeply; an array has at most {MAX_NESTING} levels") from None


def _json_number(text: str) -> str:
    # kept as text: parse_scalar reads "0.1" as exactly 1/10 and bounds the digits
    return text


def parse_literal(text: str, name: str = "matrix") -> Exact:
    """Parse a typed matrix: bracket lists, or ';' rows with '|' channels."""
    cells = literal_cells(text, name)
    try:
        return Exact.from_nested(cells)
    except InputError as error:
        raise InputError(f"{name}: {error}") from None


def literal_cells(text: str, name: str = "matrix") -> list[Any]:
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


def parse_rows(text: str) -> list[Any]:
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


def _parse_brackets(text: str, name: str) -> list[Any]:
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
            if len(stack) > MAX_NESTING:
                raise InputError(f"brackets nested deeper than {MAX_NESTING}; arrays have at most 5 axes")
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
    """Read a matrix file by its suffix; errors name the file and the fix.

    Only regular files are read (a FIFO or a device is refused, not waited
    on), and every format is bounded before it is loaded (docs/limits.md).
    """
    suffix = Path(path).suffix.lower()
    what = f"{name} file"
    if suffix == ".npy":
        return read_npy(path, name)
    rows = _file_rows(path, suffix, what)
    try:
        return Exact.from_nested(rows)
    except InputError as error:  # the engine says what is wrong with the values; this names the file
        raise InputError(f"{what} '{path}': {error}") from None


def _file_rows(path: str, suffix: str, what: str) -> list[Any]:
    """The nested rows of a .yaml, .json or text file; errors about the file
    itself (not text, not JSON, empty) name it here."""
    if suffix in (".yaml", ".yml"):
        from .yamlio import MAX_BYTES, load_yaml_bytes

        data = load_yaml_bytes(read_regular(path, MAX_BYTES, what), path).data
        if not isinstance(data, list):
            raise InputError(f"{what} '{path}' must hold a list of rows, e.g. [[1, 2], [3, 4]]")
        return data
    try:
        text = read_regular(path, MAX_TEXT_FILE, what).decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{what} '{path}' is not text; use .txt, .csv, .json, .yaml or .npy") from None
    text = text.removeprefix("\ufeff")  # a byte-order mark, as Windows editors write it
    if suffix == ".json":
        return load_json(text, f"{what} '{path}'")
    # .txt / .csv / .tsv: rows per line, blank lines between channels
    if ";" in text and not re.search(r"\n\s*\S", text.strip()):
        text = text.replace(";", "\n")  # 1 2; 3 4 on one line: the rows as they are typed on the command line
    blocks = [b for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    if not blocks:
        raise InputError(f"{what} '{path}' is empty; write one row of values per line")
    first = blocks[0].splitlines()[0]
    if suffix in (".csv", ".tsv") and re.search(r"[A-Za-z]", first) and len(blocks[0].splitlines()) > 1 \
            and not any(re.search(r"[A-Za-z]", line) for line in blocks[0].splitlines()[1:]):
        raise InputError(f"{what} '{path}': its first row '{first.strip()[:40]}' is a header, not values "
                         "(the rows below it are numbers); remove that row")
    try:
        channels = [[split_values(line.replace("\t", " ")) for line in b.splitlines() if line.strip()]
                    for b in blocks]
    except InputError as error:
        raise InputError(f"{what} '{path}': {error}") from None
    return channels if len(channels) > 1 else channels[0]


def read_npy(path: str, name: str = "matrix") -> Exact:
    """A .npy array of booleans, integers or floats (never pickles), checked
    from its header before any value is read: the dtype, the number of values
    (MAX_VALUES) and whether the file really holds that many bytes."""
    import numpy as np

    what = f"{name} file"
    with open_regular(path, what) as handle:
        try:
            version = np.lib.format.read_magic(handle)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle, max_header_size=MAX_NPY_HEADER)
            elif version in ((2, 0), (3, 0)):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle, max_header_size=MAX_NPY_HEADER)
            else:
                raise ValueError(f"unknown .npy version {version}")
        except (ValueError, EOFError, OSError, SyntaxError) as error:
            raise InputError(f"{what} '{path}' is not a plain .npy array ({_first_line(error)}); "
                             "save it with numpy.save") from None
        if dtype.kind not in "biuf" or dtype.kind == "f" and dtype.itemsize > 8 or dtype.hasobject:
            raise InputError(f"{what} '{path}' holds {dtype} values; cnncalc reads booleans, integers and "
                             "float16/32/64 (convert with array.astype(numpy.float64))")
        count = math.prod(shape)
        check_count(count, MAX_VALUES, f"{what} '{path}' ({'x'.join(map(str, shape)) or 'scalar'})",
                    "use a smaller array")
        needed = count * dtype.itemsize
        present = file_size(handle) - handle.tell()
        if present != needed:
            state = "truncated" if present < needed else "longer than its header says"
            raise InputError(f"{what} '{path}' is {state}: {'x'.join(map(str, shape))} {dtype} values need "
                             f"{needed:,} bytes after the header, found {present:,}; save it again with numpy.save")
        array = np.frombuffer(handle.read(needed), dtype=dtype).reshape(shape, order="F" if fortran else "C")
    try:
        return Exact.from_nested(array)
    except InputError as error:
        raise InputError(f"{what} '{path}': {error}") from None


def _first_line(error: Exception) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:120]


def read_vector(source: MatrixSource, name: str = "bias") -> Exact:
    """A 1-D list of values such as a bias: "1, -2, 0.5" or "3"."""
    values = read_matrix(source, name)
    if values.ndim == 0:
        return values.reshape(1)
    if values.ndim != 1:
        raise InputError(f"{name} has shape {'x'.join(map(str, values.shape))}; give one value per filter, e.g. \"1, 0, -2\"")
    return values
