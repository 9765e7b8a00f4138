"""What an exercise's operations read: givens and earlier answers by name.

A question's ``compute:`` names its operands: a given (``I``), the id of an
earlier question (``conv``) or a literal value (``"1 2; 3 4"``, ``7``).
:class:`Scope` resolves them; :func:`read_given` decides what a written value
is (a number, a formula, a matrix, a network or text).

>>> read_given("0 80 40; 20 40 0").kind, read_given("7").value, read_given("H - 2").kind
('matrix', 7, 'formula')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from ..errors import CnnCalcError, SpecError
from ..expr import Value, parse_scalar
from ..values import Exact

if TYPE_CHECKING:
    from ..geometry import Size
    from ..yamlio import YamlDocument


@dataclass
class Given:
    """A named value of an exercise: a number, a matrix, a network or text."""

    kind: str  # number | formula | matrix | network | text
    value: Any  # as kind says: a Value, an Exact matrix, a StackSpec or a str
    raw: object = None  # as the exercise file wrote it: any YAML value


@dataclass
class Scope:
    """Givens and the answers computed so far, by name."""

    givens: dict
    answers: dict = field(default_factory=dict)
    where: Callable[[str], str] = str  # path -> "file: line N: path" for errors (the path alone by default)
    folder: Path | None = None  # the exercise file's folder: the only place its values may name files

    def lookup(self, name: object) -> Given | None:
        """A given or an earlier answer by name; ``X[4:6, 4:6]`` is a part of the matrix X."""
        if isinstance(name, str) and name in self.answers:
            return self.answers[name]
        if isinstance(name, str) and name in self.givens:
            return self.givens[name]
        part = _PART.match(name) if isinstance(name, str) else None
        if part:
            whole = self.lookup(part.group(1))
            if whole is not None and whole.kind == "matrix":
                return Given("matrix", matrix_part(whole.value, part.group(2), str(name)), name)
        return None


_PART = re.compile(r"^\s*([A-Za-z_][A-Za-z_0-9]*)\s*\[([^\[\]]+)\]\s*$")


def matrix_part(matrix: Exact, spec: str, name: str = "matrix") -> Exact:
    """Rows and columns counted from 1, both ends included, as the course counts:
    ``4:6, 4:6`` is the 3x3 window whose top-left cell is (4, 4); ``2, 3`` one cell
    (as a 1x1 matrix).  With fewer indices than axes, they address the last axes.

    >>> matrix_part(Exact.from_nested([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), "2:3, 1:2").tolist()
    [[4, 5], [7, 8]]
    """
    parts = [s.strip() for s in spec.split(",")]
    if len(parts) > matrix.ndim:
        raise SpecError(f"{name}: {len(parts)} indices for a matrix of {matrix.ndim} axes")
    index: list = [slice(None)] * (matrix.ndim - len(parts))
    for part, size in zip(parts, matrix.shape[matrix.ndim - len(parts):]):
        ends = part.split(":")
        try:
            low, high = (int(ends[0]), int(ends[-1])) if len(ends) <= 2 else (0, -1)
        except ValueError:
            raise SpecError(f"{name}: '{part}' is not an index or a range such as 4:6 (counted from 1)") from None
        if len(ends) > 2 or not 1 <= low <= high <= size:
            raise SpecError(f"{name}: '{part}' is not a range within 1..{size}; write e.g. 4:6 (both ends included)")
        index.append(slice(low - 1, high))
    return matrix.transform(lambda a: a[tuple(index)].copy())


def read_given(raw: object, document: YamlDocument | None = None, path: str = "", folder: Path | None = None) -> Given:
    """Decide what a given is from how it is written.

    A mapping is a network ({network: alexnet} or {input:, layers:}); a string
    with '->' an inline network; a list, or a string with several values, a
    matrix; a file name such as ``image.npy`` a matrix read from the
    exercise's own ``folder`` (see :func:`given_file`); anything else one
    number or formula.  Values are never read from standard input.
    """
    if isinstance(raw, dict) or (isinstance(raw, str) and "->" in raw):
        from ..stacks import load_stack

        return Given("network", load_stack(raw, document=document, path=path, files=False), raw)
    from ..readers import looks_like_file, parse_literal, read_file

    if isinstance(raw, str) and looks_like_file(raw):
        return Given("matrix", read_file(str(given_file(raw.strip(), folder)), "given"), raw)
    if isinstance(raw, list) or (isinstance(raw, str) and _several_values(raw)):
        matrix = Exact.from_nested(raw) if isinstance(raw, list) else parse_literal(raw.strip(), "given")
        return Given("matrix", matrix, raw)
    if isinstance(raw, str) and not _looks_numeric(raw):
        try:
            value = parse_scalar(raw, allow_symbols=True)
        except CnnCalcError:
            return Given("text", raw, raw)
        return Given("formula" if not isinstance(value, (int, Fraction)) else "number", value, raw)
    return Given("number", parse_scalar(raw, allow_symbols=False), raw)


_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


def given_file(name: str, folder: Path | None) -> Path:
    """The file a given names, which must lie inside the exercise's own folder.

    An exercise file comes from someone else (a colleague, a student's
    variant): it may name ``image.npy`` or ``data/image.csv`` beside it, but
    no absolute path, no '..', no '~', no standard input ('-') and no link that
    leads out of the folder; special files (FIFOs, devices) are refused when
    the file is opened.  (The command line reads any file its user names.)

    >>> given_file("/etc/passwd", Path("exercises"))
    Traceback (most recent call last):
    ...
    cnncalc.errors.SpecError: the given names the file '/etc/passwd'; an exercise may name only files
    inside its own folder (exercises), by a relative path without '..'
    """
    rule = (f"an exercise may name only files inside its own folder ({folder}), by a relative path without '..'"
            if folder is not None else "only an exercise file's givens may name files, inside its own folder")
    parts = PurePath(name).parts
    if (folder is None or PurePath(name).is_absolute() or name.startswith(("~", "-", "\\")) or ".." in parts
            or _WINDOWS_DRIVE.match(name) or "\x00" in name):
        raise SpecError(f"the given names the file '{name}'; {rule}")
    target = folder / name
    if not target.resolve().is_relative_to(folder.resolve()):
        raise SpecError(f"the given names the file '{name}', a link that leads outside the exercise's folder; {rule}")
    return target


def _several_values(text: str) -> bool:
    from ..readers import split_values

    stripped = text.strip()
    # "1 2 3" is a row of values; "H - 2" and "(227 - 11)/4" are one value each
    return ";" in stripped or "\n" in stripped or stripped.startswith("[") or (
        len(split_values(stripped)) > 1 and not any(op in stripped for op in "*/^()"))


def _looks_numeric(text: str) -> bool:
    try:
        parse_scalar(text, allow_symbols=False)
        return True
    except CnnCalcError:
        return False


# --------------------------------------------------------------------------- operand access

def operand(scope: Scope, params: dict, key: str, path: str, required: bool = True) -> Any:  # a given's value
    if key not in params:
        if required:
            raise SpecError(f"{scope.where(path)}: missing '{key}'; name a given or an earlier question")
        return None
    raw = params[key]
    found = scope.lookup(raw)
    if found is None:
        if isinstance(raw, str) and raw.isidentifier() and raw not in scope.givens:
            # a bare name that is neither a given nor an answer is almost always a typo
            names = sorted(set(scope.givens) | set(scope.answers))
            raise SpecError(f"{scope.where(path + '.' + key)}: '{raw}' is not a given or an earlier question; "
                            f"known names: {', '.join(names) or 'none'}")
        found = read_given(raw, folder=scope.folder)
    if isinstance(found.value, str):
        # text is read as typed values, never as the name of a file or '-' (standard input)
        from ..readers import parse_literal

        return parse_literal(found.value, key)
    return found.value


def whole_number(value: object, what: str, where: str, low: int | None = None, high: int | None = None) -> int:
    """A whole number from a YAML value (an int, or text such as "3"), within [low, high].

    >>> whole_number("3", "digits", "q"), whole_number(-2, "digits", "q", -50, 50)
    (3, -2)
    >>> whole_number("abc", "digits", "q")
    Traceback (most recent call last):
    ...
    cnncalc.errors.SpecError: q: digits 'abc' is not a whole number; write e.g. 2
    """
    number = value
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,15}\s*", value):
        number = int(value)
    if isinstance(number, bool) or not isinstance(number, int):
        shown = str(value) if len(str(value)) <= 40 else str(value)[:37] + "..."
        raise SpecError(f"{where}: {what} '{shown}' is not a whole number; write e.g. {max(low or 0, 2)}")
    if low is not None and number < low or high is not None and number > high:
        bounds = f"from {low} to {high}" if low is not None and high is not None else (
            f"at least {low}" if low is not None else f"at most {high}")
        raise SpecError(f"{where}: {what} {number} must be {bounds}")
    return number


def int_option(params: dict, key: str, default: int | None = None, scope: Scope | None = None,
               path: str = "") -> int | tuple[int, ...] | None:
    """An option that is one whole number, a list of them (one per axis), or a mode such as 'same'."""
    value = params.get(key, default)
    if isinstance(value, list):
        where = scope.where(f"{path}.{key}") if scope is not None else key
        return tuple(whole_number(v, key, where) for v in value)
    return value


def check_keys(params: dict, allowed: tuple, scope: Scope, path: str, op: str) -> None:
    if not isinstance(params, dict):
        raise SpecError(f"{scope.where(path)}: '{op}' takes a mapping of options, e.g. {{input: I, kernel: K}}")
    for key in params:
        if key not in allowed:
            raise SpecError(f"{scope.where(path + '.' + str(key))}: unknown option '{key}' of {op}; "
                            f"known: {', '.join(allowed)}")



def number_operand(scope: Scope, params: dict, key: str, path: str, default: Size | None = None) -> Size:
    if key not in params:
        if default is None:
            raise SpecError(f"{scope.where(path)}: missing '{key}'")
        return default
    found = scope.lookup(params[key])
    value = found.value if found is not None else parse_scalar(params[key])
    if isinstance(value, Exact):
        raise SpecError(f"{scope.where(path + '.' + key)}: '{params[key]}' is a matrix, a number is needed here")
    return as_size(value)


def as_size(value: Value) -> Size:
    """A size: symbols in it are positive integers, so floor(H - 3) + 1 simplifies to H - 2."""
    if isinstance(value, (int, Fraction)) or not getattr(value, "free_symbols", None):
        return value
    import sympy

    return value.subs({s: sympy.Symbol(s.name, integer=True, positive=True) for s in value.free_symbols})
