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
from dataclasses import dataclass, field
from fractions import Fraction

from ..errors import CnnCalcError, SpecError
from ..expr import parse_scalar
from ..values import Exact


@dataclass
class Given:
    """A named value of an exercise: a number, a matrix, a network or text."""

    kind: str  # number | formula | matrix | network | text
    value: object
    raw: object = None


@dataclass
class Scope:
    """Givens and the answers computed so far, by name."""

    givens: dict
    answers: dict = field(default_factory=dict)
    where: object = None  # a callable path -> "file: line N: path" for errors

    def lookup(self, name):
        """A given or an earlier answer by name; ``X[4:6, 4:6]`` is a part of the matrix X."""
        if isinstance(name, str) and name in self.answers:
            return self.answers[name]
        if isinstance(name, str) and name in self.givens:
            return self.givens[name]
        part = _PART.match(name) if isinstance(name, str) else None
        if part:
            whole = self.lookup(part.group(1))
            if whole is not None and whole.kind == "matrix":
                return Given("matrix", matrix_part(whole.value, part.group(2), name), name)
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


def read_given(raw, document=None, path: str = "") -> Given:
    """Decide what a given is from how it is written.

    A mapping is a network ({network: alexnet} or {input:, layers:}); a string
    with '->' an inline network; a list, or a string with several values, a
    matrix; anything else one number or formula.
    """
    if isinstance(raw, dict) or (isinstance(raw, str) and "->" in raw):
        from ..stacks import load_stack

        return Given("network", load_stack(raw, document=document, path=path, files=False), raw)
    if isinstance(raw, list) or (isinstance(raw, str) and _several_values(raw)):
        from ..readers import read_matrix

        return Given("matrix", read_matrix(raw if isinstance(raw, list) else raw.strip(), "given"), raw)
    if isinstance(raw, str) and not _looks_numeric(raw):
        try:
            value = parse_scalar(raw, allow_symbols=True)
        except CnnCalcError:
            return Given("text", raw, raw)
        return Given("formula" if not isinstance(value, (int, Fraction)) else "number", value, raw)
    return Given("number", parse_scalar(raw, allow_symbols=False), raw)


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

def operand(scope: Scope, params: dict, key: str, path: str, required: bool = True):
    if key not in params:
        if required:
            raise SpecError(f"{scope.where(path)}: missing '{key}'; name a given or an earlier question")
        return None
    raw = params[key]
    found = scope.lookup(raw)
    if found is not None:
        return found.value
    if isinstance(raw, str) and raw.isidentifier() and raw not in scope.givens:
        # a bare name that is neither a given nor an answer is almost always a typo
        names = sorted(set(scope.givens) | set(scope.answers))
        raise SpecError(f"{scope.where(path + '.' + key)}: '{raw}' is not a given or an earlier question; "
                        f"known names: {', '.join(names) or 'none'}")
    return read_given(raw).value


def int_option(params, key, default=None):
    value = params.get(key, default)
    if isinstance(value, list):
        return tuple(int(v) for v in value)
    return value


def check_keys(params: dict, allowed: tuple, scope: Scope, path: str, op: str) -> None:
    if not isinstance(params, dict):
        raise SpecError(f"{scope.where(path)}: '{op}' takes a mapping of options, e.g. {{input: I, kernel: K}}")
    for key in params:
        if key not in allowed:
            raise SpecError(f"{scope.where(path + '.' + str(key))}: unknown option '{key}' of {op}; "
                            f"known: {', '.join(allowed)}")



def number_operand(scope, params, key, path, default=None):
    if key not in params:
        if default is None:
            raise SpecError(f"{scope.where(path)}: missing '{key}'")
        return default
    found = scope.lookup(params[key])
    value = found.value if found is not None else parse_scalar(params[key])
    if isinstance(value, Exact):
        raise SpecError(f"{scope.where(path + '.' + key)}: '{params[key]}' is a matrix, a number is needed here")
    return as_size(value)


def as_size(value):
    """A size: symbols in it are positive integers, so floor(H - 3) + 1 simplifies to H - 2."""
    if isinstance(value, (int, Fraction)) or not getattr(value, "free_symbols", None):
        return value
    import sympy

    return value.subs({s: sympy.Symbol(s.name, integer=True, positive=True) for s in value.free_symbols})
