"""Reading a student's answer as the student typed it, safely.

An answer is text: the grader never opens a file or a stream because of what
an answer says (``/etc/passwd`` and ``-`` are answers, not paths), and answer
files are read with ``yamlio``'s ``typed=True``, so ``290.400``, ``0012345``,
``yes`` and ``[1x1x4096]`` arrive here exactly as written.

A text may mean more than one thing (``34.944`` is a decimal, or 34,944 with a
thousands separator; ``5x5`` is 25, or a 5x5 output).  The reader returns every
plausible :class:`Interpretation` (the notations are in
:mod:`cnncalc.grading.notation`), the most literal first, each with a note
saying how it was read; the grader picks the one that is right, else the one
that matches a known mistake, else the first.

Everything goes through cnncalc's own parsers (never eval, exec, sympify or
parse_expr) with limits on length, nesting, matrix size and exponents, so a
hostile answer is marked invalid with the reason and costs next to nothing.

>>> from cnncalc.exercises.answers import Answer
>>> [(i.answer.value, i.note) for i in read_student(Answer("number", 34944), "34.944").interpretations]
[(Fraction(4368, 125), ''), (34944, 'read 34.944 as 34944 (a thousands separator)')]
>>> read_student(Answer("number", 290400), "290 400 units").answer.value
290400
>>> read_student(Answer("matrix", None), "/etc/passwd").invalid
"'/etc/passwd' looks like code or a path, not an answer"
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..errors import CnnCalcError, InputError
from ..exercises.answers import Answer, involves_e, read_answer, read_number
from ..expr import normalize
from ..yamlio import RefusedTag, Repeated, TypedList, Unreadable
from .notation import (
    Candidate,
    ambiguous_commas,
    clean,
    matrix_text,
    number_candidates,
    shape_candidates,
    significant_digits,
)

if TYPE_CHECKING:
    from ..values import Exact

MAX_ANSWER_CHARS = 20_000
MAX_VALUE_CHARS = 2_000  # one number, shape or formula (a matrix may be longer)
MAX_NESTING = 8
MAX_CELLS = 10_000

#: What students write for "no answer"; read as a missing answer, not a wrong one.
NO_ANSWER = {"-", "--", "---", "–", "—", "?", "??", "???", "n/a", "na", "tbd", "todo", "idk", "skip", "skipped",
             "no answer", "don't know", "dont know", "not sure", "no idea", "i don't know", "i dont know", "pass"}

_THOUSANDS = re.compile(r"^\s*([+-]?)(\d{1,3})((?:[,.\s\u202f\u00a0']\d{3})+)\s*$")
_UNKNOWN_CELL = ("?", "??", "_")


@dataclass(frozen=True)
class Interpretation:
    """One reading of a student's text: the answer, how it was read, and what
    rounding a grader may allow (significant figures as written)."""

    answer: Answer
    note: str = ""
    digits: Any = None  # number: significant figures of a written decimal (int); matrix: an array of them per cell
    unknown_cells: tuple = ()  # matrix cells written '?': wrong, whatever they stand for
    working: bool = False  # the working before the result (never graded as the answer)


@dataclass(frozen=True)
class Reading:
    """What was read: every plausible interpretation (the first is the most literal),
    or none (missing, or invalid with the reason).

    ``typed`` is the answer exactly as the student typed it (shown in the
    feedback and to whoever grades a manual question)."""

    interpretations: tuple[Interpretation, ...] = ()
    note: str = ""
    invalid: str = ""
    typed: str = ""
    wrong: str = ""  # an attempt that gives no single value (hedged, or prose): graded wrong, with why

    @property
    def answer(self) -> Answer | None:
        return self.interpretations[0].answer if self.interpretations else None


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
    if isinstance(raw, Unreadable):
        return raw.text
    if isinstance(raw, RefusedTag):  # the tag, as YAML writes it (its value was never built)
        return "!!" + raw.tag.removeprefix("tag:yaml.org,2002:") if raw.tag.startswith("tag:yaml.org,2002:") else "!" + raw.tag
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
    if re.search(r"\d[eE][+-]?\d{4,}|\^\s*\(?[+-]?\d{4,}", text):
        return "an exponent of 1000 or more: no answer here is that large or that small"
    cells = len(re.findall(r"[^\s,;\[\]()]+", text)) if ";" in text or "[" in text or "\n" in text else 0
    if cells > MAX_CELLS:
        return f"more than {MAX_CELLS:,} values"
    return None


def _shown(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _short(message: str) -> str:
    """A message on one line, whole (a value quoted in it is already shortened where it was quoted)."""
    return " ".join(message.split())


def _not_an_answer(raw: object) -> Reading | None:
    """The reading of a YAML value that is not text typed as an answer (a tag, a broken line, a key
    answered twice, a mapping); None for text, numbers and lists."""
    if isinstance(raw, RefusedTag):
        return Reading(invalid=f"a YAML tag ({raw.tag.rsplit(':', 1)[-1]}) is not an answer; write the value itself")
    if isinstance(raw, Unreadable):
        return Reading(invalid=f"line {raw.line} is not valid YAML ({raw.problem}); close its brackets, or put "
                       "the answer in quotes", typed=raw.text)
    if isinstance(raw, Repeated):
        shown = " and ".join(_shown(typed_text(v), 30) for v in raw.values)
        lines = ", ".join(map(str, raw.lines))
        return Reading(invalid=f"answered {len(raw.values)} times (lines {lines}): {shown}; keep one answer",
                       typed=typed_text(raw))
    if isinstance(raw, dict):
        return Reading(invalid="a mapping (key: value pairs) is not an answer; write the value itself")
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float, list)):
        return Reading(invalid=f"an answer must be text, a number or a list, not {type(raw).__name__}")
    return None


def read_student(reference: Answer, raw: object) -> Reading:
    """Read ``raw`` as an answer of the reference's kind; never raises on bad input."""
    if raw is None:
        return Reading()
    refused = _not_an_answer(raw)
    if refused is not None:
        return refused
    text = typed_text(raw)
    if not text.strip():
        return Reading()
    if text.strip().lower().rstrip(".!") in NO_ANSWER or _ELSEWHERE.search(text):
        return Reading(note=f"read '{_shown(text)}' as no answer", typed=text)
    problem = _check_limits(text)
    if problem is None and reference.kind in ("number", "formula", "shape") and len(text) > MAX_VALUE_CHARS:
        problem = f"the answer has {len(text):,} characters, more than the {MAX_VALUE_CHARS:,} of one value"
    if problem:
        return Reading(invalid=problem, typed=_shown(text))
    if looks_like_code(text):
        return Reading(invalid=f"'{_shown(text)}' looks like code or a path, not an answer", typed=text)
    if reference.kind != "text" and re.search(r"\d", text) and (
            _HEDGED_WORDS.search(text) or reference.kind != "matrix" and text.rstrip().endswith("?")):
        return Reading(wrong=f"hedged: '{_shown(text)}' does not commit to one answer", typed=text)
    try:
        interpretations = _read(reference, raw, text)
    except CnnCalcError as error:
        past_a_limit = "docs/limits.md" in str(error)  # every limit's message names where limits are listed
        if reference.kind != "text" and not isinstance(raw, list) and _attempt(text, reference.kind) \
                and not past_a_limit:
            return Reading(wrong=f"not read as a {_KIND_NAMES.get(reference.kind, reference.kind)}: "
                                 f"{_short(str(error))}", typed=text)
        return Reading(invalid=_short(str(error)), typed=text)
    except (RecursionError, MemoryError, OverflowError, ValueError, TypeError, ZeroDivisionError) as error:
        return Reading(invalid=f"cannot be read ({type(error).__name__})", typed=text)
    return Reading(tuple(interpretations), typed=text)


_ELSEWHERE = re.compile(r"\b(?:see|on|in)\s+(?:my|the|attached)?\s*(?:paper|sheet|notes|notebook|attachment|pdf)\b"
                        r"|\btoo long to (?:type|write)\b", re.I)
_HEDGED_WORDS = re.compile(r"\b(?:or|maybe|perhaps|possibly|probably|either|not sure|unsure|not certain|guess|"
                           r"i think|i believe)\b", re.I)
_KIND_NAMES = {"number": "number", "formula": "formula", "shape": "shape", "matrix": "matrix of numbers"}
_LATEX_COMMANDS = ("[dt]?frac|begin|end|times|cdot|ast|approx|simeq|sim|text|textrm|mathrm|mathit|mbox|left|right|"
                   "lfloor|rfloor|lceil|rceil|le|ge|leq|geq|quad|qquad|div|pm|mp|sqrt|log|ln|exp|bmatrix|pmatrix|"
                   "matrix|hline|dots|ldots|cdots|vdots|ddots|mathbf|boldsymbol|operatorname|rightarrow|to|Rightarrow")
_FILE_NAME = re.compile(r"^\S+\.(?:csv|tsv|txt|npy|npz|json|ya?ml|xlsx?|png|jpe?g|pdf|py|ipynb|pt|pth|pkl|h5)$", re.I)
_CODE = re.compile(r"[<>{}`@$\\]|__\w+__|\*\*|;\s*--|\b(?:import|exec|eval|lambda|system|select|drop|"
                   r"script|onerror|jndi|php|rm\s+-rf)\b|^\s*(?:/|~/|\.\./|[A-Za-z]:\\)", re.I)


def looks_like_code(text: str) -> bool:
    r"""A path, markup or a program where an answer should be (``/etc/passwd``, ``<img onerror=...>``,
    ``__import__('os')``, ``'; DROP TABLE``): an invalid answer, not a wrong one.

    >>> looks_like_code("/etc/passwd"), looks_like_code("horizontal lines"), looks_like_code(r"$242\,762$")
    (True, False, False)
    >>> looks_like_code(r"\(34944\)"), looks_like_code(r"\[ 55 \times 55 \]")
    (False, False)
    >>> looks_like_code("data.csv"), looks_like_code(".nan"), looks_like_code("<img src=x onerror=alert(1)>")
    (True, True, True)
    """
    stripped = re.sub(r"^\s*\$+|\$+\s*$", "", text)  # $55$ is LaTeX maths, not code
    if re.fullmatch(rf"(?:[^\\]|\\(?:{_LATEX_COMMANDS})\b|\\[,;:! \\{{}}%()\[\]])*", stripped):
        stripped = re.sub(r"\\\\|\\[A-Za-z]+|\\[,;:! {}%()\[\]]|[{}&]", " ", stripped)  # LaTeX maths: no code
    stripped = re.sub(r"->|=>|<-|<=|>=", " ", stripped)  # working: 13.5 -> 13
    if stripped.count("**") == 1:  # 55**2*96: a power, as written in Python (a tower 9**9**9 stays code)
        stripped = re.sub(r"(?<=[\d)])\s*\*\*\s*(?=[\d(])", "^", stripped)
    return bool(_CODE.search(stripped) or _FILE_NAME.match(text.strip())
                or re.fullmatch(r"[+-]?\.?(?:nan|inf|infinity)", text.strip(), re.I))


def _attempt(text: str, kind: str) -> bool:
    """Prose or working a student wrote (graded wrong), as opposed to something unreadable
    (a ragged matrix stays invalid: its reason is worth more than a 'wrong')."""
    if kind == "matrix":  # words, or working such as (225+258+458+566)/4 = 376.75
        return bool(re.search(r"[A-Za-z]{2,}|=", text))
    return bool(re.search(r"[A-Za-z]{2,}|\d", text))


def _symbolic(value: object) -> bool:
    return bool(getattr(value, "free_symbols", None))


def _read(reference: Answer, raw: object, text: str) -> list[Interpretation]:
    """Every interpretation of the text that parses; the first parse error if none does."""
    kind = reference.kind
    if kind == "number" and _symbolic(reference.value):
        kind = "formula"  # a count such as 795*H + 10: the student writes the formula
    if kind == "matrix":
        return _matrix_readings(reference, raw, text)
    if kind not in ("number", "formula", "shape"):
        return [Interpretation(Answer("text", text.strip()))]
    if isinstance(raw, list) and kind != "shape" and len(raw) == 1:
        text = typed_text(raw[0])  # [4096] for a number
    if kind == "formula":
        symbols = tuple(sorted(str(s) for s in getattr(reference.value, "free_symbols", ())))
        candidates = _formula_candidates(text, symbols)
    else:
        candidates = {"number": number_candidates, "shape": shape_candidates}[kind](text)
    found: list[Interpretation] = []
    first_error: CnnCalcError | None = None
    for candidate in candidates:
        try:
            found += _interpret(kind, reference, candidate)
        except CnnCalcError as error:
            first_error = first_error or error
    if not found:
        raise first_error or InputError(f"'{_shown(text)}' cannot be read")
    unique: list[Interpretation] = []
    for item in found:
        if all(not _same_value(item.answer, u.answer) or item.working != u.working for u in unique):
            unique.append(item)
    if not any(not item.working for item in unique):
        raise first_error or InputError(f"'{_shown(text)}' gives no result after its working")
    return unique


def _same_value(a: Answer, b: Answer) -> bool:
    if type(a.value) is not type(b.value):
        return False
    try:
        return bool(a.value == b.value)
    except Exception:  # a comparison that refuses: keep both readings
        return False


def _formula_candidates(text: str, symbols: tuple[str, ...] = ()) -> list[Candidate]:
    """A formula as written, after its working, without a remark or trailing words,
    with products written side by side (795H, HW) made explicit."""
    from .notation import split_working

    cleaned, _ = clean(text)
    final, working = split_working(cleaned)
    bases = [Candidate(final, f"the formula after the working: {final}" if working else "")]
    remark = re.fullmatch(r"([^()]*?)\s*\(([^()]*[A-Za-z]{2,}[^()]*)\)\s*", final)
    if remark:  # H-2 (and the width becomes W-2)
        bases.append(Candidate(remark.group(1), f"'({remark.group(2)})' read as a remark"))
    words = re.fullmatch(r"(.*?[\w)])\s+((?:[a-z]{3,}\s*)+)", final)
    if words:  # H*W parameters
        bases.append(Candidate(words.group(1), f"the words after the formula ('{words.group(2).strip()}') dropped"))
    out = list(bases)
    for base in bases:
        implicit = re.sub(r"(\d)\s*(?=[A-DF-Za-df-z_(])", r"\1*", base.text)  # 795H + 10
        if "x" not in symbols:  # H x W
            implicit = re.sub(r"(?<=[\w)])\s*[xX]\s*(?=[A-Za-z(\d])(?![A-Za-z]{2})", "*", implicit) \
                if re.search(r"\s[xX]\s", implicit) else implicit
        if symbols:  # HW, where H and W are the symbols of the question
            pattern = "|".join(sorted(map(re.escape, symbols), key=len, reverse=True))
            implicit = re.sub(rf"\b(?:{pattern}){{2,}}\b",
                              lambda m: "*".join(re.findall(pattern, m.group(0))), implicit)  # noqa: B023 - called now
        if implicit != base.text:
            out.append(Candidate(implicit, "; ".join(n for n in (base.note, f"read {base.text} as {implicit}") if n)))
    return out


def _interpret(kind: str, reference: Answer, candidate: Candidate) -> list[Interpretation]:
    if kind == "shape":
        return [Interpretation(read_answer(reference, candidate.text), candidate.note)]
    if kind == "formula":
        return [Interpretation(read_answer(Answer("formula", None), candidate.text), candidate.note)]
    whole = _thousands(candidate.text)
    out = []
    try:
        value = normalize(read_number(candidate.text, functions=involves_e(reference.value)) * candidate.scale)
    except InputError:
        if whole is None:
            raise
        value = None  # "290 400": only the thousands reading parses
    if value is not None:
        digits = significant_digits(_scaled_text(candidate)) if _decimal_scale(candidate.scale) \
            else _multiplied_figures(candidate)
        out.append(Interpretation(Answer("number", value), candidate.note, digits, working=candidate.working))
    if whole is not None and whole * candidate.scale != value:
        note = f"read {candidate.text} as {whole} (a thousands separator)"
        out.append(Interpretation(Answer("number", normalize(whole * candidate.scale)),
                                  "; ".join(n for n in (candidate.note, note) if n), working=candidate.working))
    return out


def _decimal_scale(scale: Fraction) -> bool:
    """A scale that only moves the decimal point (1, or 1/100 for a percentage)."""
    return scale.numerator == 1 and str(scale.denominator).rstrip("0") == "1"


def _multiplied_figures(candidate: Candidate) -> int | None:
    """The figures of a count written with a multiplier word, as with its letter: '39.6 million' has the
    3 of 39.6M, '290 thousand' the 2 of 290K.

    >>> _multiplied_figures(Candidate("39.6", scale=Fraction(10**6))), _multiplied_figures(Candidate("290", scale=Fraction(1000)))
    (3, 2)
    """
    if candidate.scale.denominator != 1 or str(candidate.scale.numerator).rstrip("0") != "1":
        return None
    return significant_digits(f"{candidate.text}M")


def _scaled_text(candidate: Candidate) -> str:
    """The candidate's decimal as the scale writes it: a percentage's figures are
    those of the decimal it stands for (33.3% is 0.333, three figures; 1112% is
    11.12, four), so a rounded percentage is judged like the rounded decimal.

    >>> _scaled_text(Candidate("33.3", scale=Fraction(1, 100))), _scaled_text(Candidate("1112", scale=Fraction(1, 100)))
    ('0.333', '11.12')
    """
    if candidate.scale == 1 or not re.fullmatch(r"[+-]?(?:\d+\.?\d*|\.\d+)", candidate.text):
        return candidate.text
    shift = len(str(candidate.scale.denominator)) - 1
    return format(Decimal(candidate.text).scaleb(-shift), "f")


# --------------------------------------------------------------------------- matrices

def _matrix_readings(reference: Answer, raw: object, text: str) -> list[Interpretation]:
    """A matrix's readings: where its commas stand between digits ('45,110;40,40', '11,25 22,5') they are
    separators or decimal commas; spaces between the values make decimal commas the likelier reading, no
    spaces separators, and the other reading is kept too (the grader takes the one that is right)."""
    if isinstance(raw, list) or not ambiguous_commas(text):
        return [_read_matrix(reference, raw, text)]
    spaced = bool(re.search(r"\d\s+[+-]?\d", text))
    readings = []
    for decimal in (spaced, not spaced):
        try:
            readings.append(_read_matrix(reference, raw, text, decimal))
        except CnnCalcError as error:
            failed = error
    if not readings:
        raise failed
    return readings


def _read_matrix(reference: Answer, raw: object, text: str, decimal_commas: bool | None = None) -> Interpretation:
    """A matrix from a YAML list (cells, or rows as strings) or from text, never from a
    file; '?' cells are kept as unknown (wrong) cells."""
    from ..readers import literal_cells, split_values

    note, factor = "", ""
    if isinstance(raw, list) and len(raw) == 1 and isinstance(raw[0], str) and ";" in raw[0]:
        # [15 30; 15 25] unquoted is one YAML string in a list: the slide's (MATLAB's) matrix notation
        text = str(raw[0])
        raw = None
    if isinstance(raw, list):
        cells = _list_cells(raw, split_values)
    else:
        written = matrix_text(text, decimal_commas)
        text, note, factor = written.text, "; ".join(written.notes), written.factor
        if "\n" in text.strip() and "[" not in text:
            _refuse_several(reference, text)
        if not re.search(r"[\d\[]", text):
            raise InputError(f"'{_shown(text)}' is not a matrix of numbers; write the values, e.g. 1 2; 3 4")
        cells = literal_cells(text, "answer")
    matrix, digits, unknown = _cells_to_matrix(cells, functions=involves_e(reference.value))
    if factor:
        matrix, digits = _times(matrix, factor), None
        note = "; ".join(n for n in (note, f"multiplied by the factor {factor} written before it") if n)
    ref_shape = reference.value.shape if reference.value is not None else None
    if ref_shape is not None and matrix.ndim == len(ref_shape) + 1 and matrix.shape[0] > 1 \
            and matrix.shape[1:] == ref_shape:
        raise InputError(f"{matrix.shape[0]} matrices given; give one")
    return Interpretation(Answer("matrix", matrix), note, digits, unknown)


def _times(matrix: Exact, factor: str) -> Exact:
    """The matrix times a number written before it (1/9 [ ... ])."""
    from ..expr import parse_scalar
    from ..values import Exact, scale

    value = Fraction(parse_scalar(factor, allow_symbols=False))
    if matrix.is_symbolic:
        raise InputError(f"a factor {factor} before a matrix of formulas; multiply it in")
    return Exact(scale(matrix.numerators, value.numerator), matrix.denominator * value.denominator).reduced()


def _cells_to_matrix(cells: Any, functions: bool = False) -> tuple:
    """(Exact matrix, significant figures per cell, '?' cells) from nested cell texts;
    ``functions``: cells may hold e, exp() and ln() (the reference does)."""
    import numpy as np

    from ..values import Exact

    unknown: list[tuple] = []

    def cell(text: object, index: tuple) -> str:
        text = str(text).strip()
        if text in _UNKNOWN_CELL:
            unknown.append(index)
            return "0"
        return clean(text)[0]

    def walk(node: object, index: tuple) -> Any:  # nested lists of cell texts
        if isinstance(node, list):
            return [walk(item, index + (i,)) for i, item in enumerate(node)]
        return cell(node, index)

    texts = walk(cells, ())
    values = _walk_values(texts, functions) if functions else texts
    matrix = Exact.from_nested(values)  # a ragged matrix gets its one-line error here
    digits = np.frompyfunc(significant_digits, 1, 1)(np.array(texts, dtype=object)) if matrix.ndim else None
    return matrix, digits, tuple(unknown)


def _walk_values(texts: Any, functions: bool) -> Any:
    """Nested cell texts read as values, e read as Euler's number (Exact reads plain texts itself)."""
    from ..expr import parse_scalar

    if isinstance(texts, list):
        return [_walk_values(item, functions) for item in texts]
    return parse_scalar(texts, allow_symbols=False, functions=functions)


def _list_cells(items: list, split_values: Callable[[str], list[str]]) -> list:
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


__all__ = ["Interpretation", "Reading", "read_student", "typed_text", "NO_ANSWER"]
