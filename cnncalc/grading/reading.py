"""Reading a student's answer as students write it, safely.

Numbers: 290400, 290,400, 290 400, 290.400 (a thousands separator where the
reference is a whole number and the decimal reading would be wrong), 103/9,
13.75, 55*55*96, (227-11)/4+1, 2^3, 35K.  Shapes: 55x55x96, 55×55×96,
[55, 55, 96], (96, 55, 55) in either layout.  Matrices: nested lists or rows
split by ';' or new lines.  Formulas: H - 2.  Text: as written.

Everything goes through cnncalc's own parsers (never eval, exec, sympify or
parse_expr) with limits on length, nesting, matrix size and exponents, so a
hostile answer is marked invalid with the reason and costs next to nothing.

>>> from cnncalc.exercises.answers import Answer
>>> r = read_student(Answer("number", 34944), "34.944")
>>> r.answer.value, r.note
(34944, 'read 34.944 as 34944 (a thousands separator)')
>>> read_student(Answer("number", 290400), "55*55*96").answer.value
290400
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import CnnCalcError, InputError
from ..exercises.answers import Answer, read_answer, read_number

MAX_ANSWER_CHARS = 20_000
MAX_NESTING = 8
MAX_CELLS = 10_000

_THOUSANDS = re.compile(r"^\s*([+-]?)(\d{1,3})((?:[,.\s\u202f\u00a0']\d{3})+)\s*$")


@dataclass(frozen=True)
class Reading:
    """What was read: an answer, or None with the reason it is invalid."""

    answer: Answer | None
    note: str = ""
    invalid: str = ""


def _thousands(text: str):
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


def read_student(reference: Answer, raw) -> Reading:
    """Read ``raw`` as an answer of the reference's kind; never raises on bad input."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Reading(None)
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float, list)):
        return Reading(None, invalid=f"an answer must be text, a number or a list, not {type(raw).__name__}")
    text = raw if isinstance(raw, str) else str(raw)
    problem = _check_limits(text)
    if problem:
        return Reading(None, invalid=problem)
    try:
        if reference.kind == "number" and isinstance(raw, (str, float)):
            # YAML hands 34.944 over as a float: read its text, which may mean 34,944
            return _read_number(reference, raw if isinstance(raw, str) else repr(raw))
        if reference.kind == "text":
            return Reading(Answer("text", text.strip()))
        return Reading(read_answer(reference, raw))
    except CnnCalcError as error:
        return Reading(None, invalid=_short(str(error)))
    except (RecursionError, MemoryError, OverflowError, ValueError, TypeError, ZeroDivisionError) as error:
        return Reading(None, invalid=f"cannot be read ({type(error).__name__})")


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


def _short(message: str, width: int = 160) -> str:
    message = " ".join(message.split())
    return message if len(message) <= width else message[:width - 1] + "…"


__all__ = ["Reading", "read_student"]
