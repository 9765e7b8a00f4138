"""Reading a student's answer as the student typed it, safely.

An answer is text: the grader never opens a file or a stream because of what
an answer says (``/etc/passwd`` and ``-`` are answers, not paths), and answer
files are read with ``yamlio``'s ``typed=True``, so ``290.400``, ``0012345``,
``yes`` and ``[1x1x4096]`` arrive here exactly as written.

Numbers: 290400, 290,400, 290 400, 290.400 (a thousands separator where the
reference is a whole number and the decimal reading would be wrong), 103/9,
13.75, 55*55*96, (227-11)/4+1, 2^3, 35K.  Shapes: 55x55x96, 55×55×96,
[55, 55, 96], (96, 55, 55) in either layout.  Matrices: nested lists, rows
split by ';' or new lines, or bracketed rows ``[1 2]`` one per line.
Formulas (where the reference has a symbol): ``795*H + 10``.  Text: as written.

Everything goes through cnncalc's own parsers (never eval, exec, sympify or
parse_expr) with limits on length, nesting, matrix size and exponents, so a
hostile answer is marked invalid with the reason and costs next to nothing.

>>> from cnncalc.exercises.answers import Answer
>>> r = read_student(Answer("number", 34944), "34.944")
>>> r.answer.value, r.note
(34944, 'read 34.944 as 34944 (a thousands separator)')
>>> read_student(Answer("number", 290400), "55*55*96").answer.value
290400
>>> read_student(Answer("matrix", None), "/etc/passwd").invalid
"'/etc/passwd' is not a matrix of numbers; write the values, e.g. 1 2; 3 4"
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import CnnCalcError, InputError
from ..exercises.answers import Answer, read_answer, read_number
from ..yamlio import RefusedTag, Repeated, TypedList

MAX_ANSWER_CHARS = 20_000
MAX_NESTING = 8
MAX_CELLS = 10_000

#: What students write for "no answer"; read as a missing answer, not a wrong one.
NO_ANSWER = {"-", "--", "---", "–", "—", "?", "??", "n/a", "na", "tbd", "todo", "idk", "skip", "skipped",
             "no answer", "don't know", "dont know", "not sure"}

_THOUSANDS = re.compile(r"^\s*([+-]?)(\d{1,3})((?:[,.\s\u202f\u00a0']\d{3})+)\s*$")


@dataclass(frozen=True)
class Reading:
    """What was read: an answer, or None (missing, or invalid with the reason).

    ``typed`` is the answer exactly as the student typed it (shown in the
    feedback and to whoever grades a manual question)."""

    answer: Answer | None
    note: str = ""
    invalid: str = ""
    typed: str = ""


def typed_text(raw: object) -> str:
    """The answer as typed: the text of a scalar, the source of a YAML list.

    >>> typed_text("290.400"), typed_text(None), typed_text(55)
    ('290.400', '', '55')
    """
    if raw is None:
        return ""
    if isinstance(raw, TypedList):
        return raw.source
    if isinstance(raw, str):
        return raw
    if isinstance(raw, Repeated):
        return " / ".join(typed_text(v) for v in raw.values)
    if isinstance(raw, float):
        return repr(raw)
    return str(raw)


def _thousands(text: str) -> int | None:
    """'290,400' / '290 400' / '290.400' -> 290400 when the groups are consistent."""
    match = _THOUSANDS.match(text)
    if not match:
        return None
    groups = match.group(3)
    separators = set(re.findall(r"[,.\s\u202f\u00a0']", groups))
    if len(separators) != 1:
        return None
    digits = match.group(2) + re.sub(r"\D", "", groups)
    return int(match.group(1) + digits)


def _check_limits(text: str) -> str | None:
    if len(text) > MAX_ANSWER_CHARS:
        return f"the answer has {len(text):,} characters, more than {MAX_ANSWER_CHARS:,}"
    depth = deepest = 0
    for ch in text:
        if ch in "[(":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_NESTING:
                return f"brackets nested more than {MAX_NESTING} deep"
        elif ch in "])":
            depth -= 1
    cells = len(re.findall(r"[^\s,;\[\]()]+", text)) if ";" in text or "[" in text or "\n" in text else 0
    if cells > MAX_CELLS:
        return f"more than {MAX_CELLS:,} values"
    return None


def _shown(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def read_student(reference: Answer, raw: object) -> Reading:
    """Read ``raw`` as an answer of the reference's kind; never raises on bad input."""
    if raw is None:
        return Reading(None)
    if isinstance(raw, RefusedTag):
        return Reading(None, invalid=f"a YAML tag ({raw.tag.rsplit(':', 1)[-1]}) is not an answer; "
                                     "write the value itself")
    if isinstance(raw, Repeated):
        shown = " and ".join(_shown(typed_text(v), 30) for v in raw.values)
        lines = ", ".join(map(str, raw.lines))
        return Reading(None, invalid=f"answered {len(raw.values)} times (lines {lines}): {shown}; keep one answer",
                       typed=typed_text(raw))
    if isinstance(raw, dict):
        return Reading(None, invalid="a mapping (key: value pairs) is not an answer; write the value itself")
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float, list)):
        return Reading(None, invalid=f"an answer must be text, a number or a list, not {type(raw).__name__}")
    text = typed_text(raw)
    if not text.strip():
        return Reading(None)
    if text.strip().lower() in NO_ANSWER:
        return Reading(None, note=f"read '{text.strip()}' as no answer", typed=text)
    problem = _check_limits(text)
    if problem:
        return Reading(None, invalid=problem, typed=_shown(text))
    try:
        reading = _read(reference, raw, text)
    except CnnCalcError as error:
        return Reading(None, invalid=_short(str(error)), typed=text)
    except (RecursionError, MemoryError, OverflowError, ValueError, TypeError, ZeroDivisionError) as error:
        return Reading(None, invalid=f"cannot be read ({type(error).__name__})", typed=text)
    return Reading(reading.answer, reading.note, reading.invalid, text)


def _read(reference: Answer, raw: object, text: str) -> Reading:
    kind = reference.kind
    if kind == "number" and not isinstance(reference.value, (int, type(None))) and _symbolic(reference.value):
        kind = "formula"  # a count such as 795*H + 10: the student writes the formula
    if kind == "number":
        return _read_number(reference, text)
    if kind == "formula":
        return Reading(read_answer(Answer("formula", None), text))
    if kind == "matrix":
        return Reading(Answer("matrix", _read_matrix(reference, raw, text)))
    if kind == "shape":
        return Reading(read_answer(reference, text))
    return Reading(Answer("text", text.strip()))


def _symbolic(value: object) -> bool:
    return bool(getattr(value, "free_symbols", None))


def _read_number(reference: Answer, text: str) -> Reading:
    whole = _thousands(text)
    try:
        value = read_number(text)
    except InputError:
        if whole is not None:
            return Reading(Answer("number", whole), f"read {text.strip()} as {whole} (thousands separators)")
        raise
    # "34.944" where 34,944 is meant: the decimal reading is wrong and the reference is whole
    if (whole is not None and whole != value and isinstance(reference.value, int)
            and value != reference.value and whole == reference.value):
        return Reading(Answer("number", whole), f"read {text.strip()} as {whole} (a thousands separator)")
    if whole is not None and whole != value and isinstance(reference.value, int) and not isinstance(value, int):
        # neither reading is right; prefer the whole-number reading for integer questions
        return Reading(Answer("number", whole), f"read {text.strip()} as {whole} (a thousands separator)")
    return Reading(Answer("number", value))


# --------------------------------------------------------------------------- matrices

def _read_matrix(reference: Answer, raw: object, text: str):
    """A matrix from a YAML list (cells, or rows as strings) or from text, never from a file."""
    from ..readers import parse_literal, split_values
    from ..values import Exact

    if isinstance(raw, list):
        return Exact.from_nested(_list_cells(raw, split_values))
    if "\n" in text.strip() and "[" not in text:
        _refuse_several(reference, text)
    if not re.search(r"[\d\[]", text):
        raise InputError(f"'{_shown(text)}' is not a matrix of numbers; write the values, e.g. 1 2; 3 4")
    matrix = parse_literal(text, "answer")
    ref_ndim = reference.value.ndim if reference.value is not None else 2
    if matrix.ndim == ref_ndim + 1 and matrix.shape[0] > 1 and matrix.shape[1:] == reference.value.shape:
        raise InputError(f"{matrix.shape[0]} matrices given; give one")
    return matrix


def _list_cells(items: list, split_values) -> list:
    """A YAML list as nested cells: [[1, 2], [3, 4]], or ["1 2", "3 4"] (one row per string)."""
    if all(isinstance(item, list) for item in items):
        return [_list_cells(item, split_values) for item in items]
    if any(isinstance(item, list) for item in items):
        raise InputError("mixes rows and single values; give every row as a list, or every row as text")
    texts = ["" if item is None else str(item) for item in items]
    parts = [split_values(t.replace(";", " ")) for t in texts]
    if all(len(p) == 1 for p in parts):
        return [p[0] for p in parts]
    return parts


def _refuse_several(reference: Answer, text: str) -> None:
    """Two matrices in one answer (the slide's and then the right one) are refused, not guessed."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    full = [line for line in lines if len([r for r in line.split(";") if r.strip()]) > 1]
    if len(full) > 1:
        raise InputError(f"{len(full)} matrices given (one per line); give one")
    blocks = [b for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    ndim = reference.value.ndim if reference.value is not None else 2
    if len(blocks) > 1 and ndim <= 2:
        raise InputError(f"{len(blocks)} matrices given (separated by a blank line); give one")


def _short(message: str, width: int = 160) -> str:
    message = " ".join(message.split())
    return message if len(message) <= width else message[:width - 1] + "…"


__all__ = ["Reading", "read_student", "typed_text", "NO_ANSWER"]
