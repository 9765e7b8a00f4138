"""Reference answers and how two answers compare.

A reference is computed by the engine and carries its derivation.  Its kind
decides how another answer (a published one, later a student's) is read and
compared:

========  ================================  ===============================
kind      value                             compared
========  ================================  ===============================
number    int, Fraction or sympy            exactly, or within a tolerance
matrix    :class:`~cnncalc.values.Exact`    cell by cell (partial credit)
shape     tuple of sizes (hwc order)        exactly, in hwc or chw layout
formula   sympy expression                  symbolic equivalence
text      str                               accepted phrases / key words
========  ================================  ===============================

>>> number = Answer("number", 290400)
>>> compare(number, read_answer(number, "290400")).correct
True
>>> compare(Answer("number", Fraction(7, 3)), read_answer(Answer("number", 0), "2.33"),
...         Tolerance(significant=3)).correct
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal, get_args

from ..errors import InputError, InternalError
from ..expr import Value, normalize, parse_scalar
from ..kernel import KernelReport
from ..rationals import round_significant, to_sympy
from ..readers import parse_literal, read_matrix
from ..values import Exact

AnswerKind = Literal["number", "matrix", "shape", "formula", "text", "table"]
#: Every kind of answer a question can have (docs/exercises.md).
KINDS: tuple[AnswerKind, ...] = get_args(AnswerKind)


@dataclass(frozen=True)
class Answer:
    """A value of a known kind, with the steps that derived it (references only)."""

    kind: AnswerKind
    value: Any  # as kind says: a Value, an Exact matrix, a shape tuple, a str, a table
    steps: tuple[str, ...] = ()
    detail: object = None  # the engine result behind it (ConvResult, StackSummary, ...): any result

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InternalError(f"answer kind '{self.kind}' is not one of {', '.join(KINDS)}")


@dataclass(frozen=True)
class Tolerance:
    """How close a decimal answer must be: relative, absolute or significant figures."""

    relative: Fraction | None = None
    absolute: Fraction | None = None
    significant: int | None = None

    @property
    def exact(self) -> bool:
        return self.relative is None and self.absolute is None and self.significant is None

    def accepts(self, reference: int | Fraction, given: int | Fraction) -> bool:
        if self.exact:
            return reference == given
        ref, got = Fraction(reference), Fraction(given)
        if self.absolute is not None and abs(ref - got) <= self.absolute:
            return True
        if self.relative is not None and abs(ref - got) <= self.relative * abs(ref):
            return True
        if self.significant is not None:
            return round_significant(ref, self.significant) == round_significant(got, self.significant)
        return False


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing an answer with a reference."""

    correct: bool
    fraction: Fraction  # share of credit, 0..1 (cells right, for matrices)
    note: str = ""
    wrong_cells: tuple = field(default=())


MAX_SHAPE_SIZES = 8  # sizes in a shape answer (a tensor has at most 5 axes)
MAX_SHAPE_LENGTH = 2000  # characters of a shape answer


def read_shape(text: object) -> tuple:
    """'55x55x96', '55 × 55 × 96', [55, 55, 96], '(96, 55, 55)' -> a tuple of sizes.

    >>> read_shape("55x55x96"), read_shape("(96, 55, 55)"), read_shape([13, "13", 256])
    ((55, 55, 96), (96, 55, 55), (13, 13, 256))
    >>> read_shape("xxx")
    Traceback (most recent call last):
    ...
    cnncalc.errors.InputError: 'xxx' is not a shape; write it as 55x55x96 or [55, 55, 96]
    """
    if isinstance(text, (list, tuple)):
        if not 1 <= len(text) <= MAX_SHAPE_SIZES:
            raise InputError(f"a shape of {len(text)} sizes is not a tensor's shape; give 1 to {MAX_SHAPE_SIZES} sizes")
        return tuple(normalize(parse_scalar(v)) for v in text)
    written = str(text)
    shown = written if len(written) <= 60 else written[:57] + "..."
    problem = InputError(f"'{shown}' is not a shape; write it as 55x55x96 or [55, 55, 96]")
    if len(written) > MAX_SHAPE_LENGTH:
        raise problem
    inner = written.strip()
    # one optional bracket each side (no regular expression: a backtracking one took seconds on 20,000 spaces)
    if inner[:1] in ("[", "("):
        inner = inner[1:]
    if inner[-1:] in ("]", ")"):
        inner = inner[:-1]
    if not inner.strip() or any(bracket in inner for bracket in "[]()"):
        raise problem
    parts = [p for p in re.split(r"[x×X*,\s]+", inner.strip()) if p]
    if not 1 <= len(parts) <= MAX_SHAPE_SIZES:
        raise problem
    try:
        return tuple(parse_scalar(p) for p in parts)
    except InputError:
        raise problem from None


UNKNOWN = "?"


def read_published(reference: Answer, raw: object) -> tuple[Answer, tuple]:
    """A published answer, read as its author typed it, where a matrix may leave cells as '?' (the
    slide left them for the student): returns the answer and the unknown cells.  A whole number with
    thousands separators ('290,400', '290.400', as a student would write it) is that number.

    >>> from cnncalc.yamlio import DecimalText
    >>> read_published(Answer("number", 290400), DecimalText("290.400"))[0].value
    290400
    """
    raw = getattr(raw, "text", raw)  # a YAML decimal as typed (cnncalc.yamlio.DecimalText)
    if reference.kind == "number" and isinstance(reference.value, int) and isinstance(raw, str) \
            and re.fullmatch(r"\s*\d{1,3}(?:,\d{3})+\s*|\s*\d{1,3}(?:\.\d{3})+\s*", raw):
        raw = re.sub(r"[,.\s]", "", raw)
    if reference.kind != "matrix" or not isinstance(raw, str) or UNKNOWN not in raw:
        return read_answer(reference, raw), ()
    from ..readers import parse_rows

    rows = parse_rows(raw.strip())
    nested = rows if isinstance(rows[0], list) else [rows]
    unknown = tuple((i, j) for i, row in enumerate(nested) for j, v in enumerate(row) if v.strip() == UNKNOWN)
    filled = [[("0" if v.strip() == UNKNOWN else v) for v in row] for row in nested]
    matrix = read_matrix(filled if isinstance(rows[0], list) else filled[0], "published answer")
    return Answer("matrix", matrix), unknown


_SUFFIXED = re.compile(r"^\s*~?\s*(\d{1,30}(?:\.\d{1,30})?)\s*([kKmMbBgGtT])\s*$")
SUFFIXES = {"k": 10**3, "m": 10**6, "b": 10**9, "g": 10**9, "t": 10**12}


def read_number(raw: object, functions: bool = False) -> Value:
    """A number as courses print it: 290400, 1/9, 55*55*96, or with a
    thousand/million suffix (35K, ~65M, 138M: read as 35000, 65000000, ...).

    >>> read_number("35K"), read_number("~65M"), read_number("224*224*64")
    (35000, 65000000, 3211264)
    """
    match = _SUFFIXED.match(str(raw)) if isinstance(raw, str) else None
    if match:
        return normalize(Fraction(match.group(1)) * SUFFIXES[match.group(2).lower()])
    return parse_scalar(raw, allow_symbols=False, functions=functions)


def involves_e(value: object) -> bool:
    """A reference that holds e (a softmax, a cross-entropy): a student may write it with e, exp() and ln().

    >>> import sympy
    >>> involves_e(sympy.E / (1 + sympy.E)), involves_e(sympy.Rational(1, 9))
    (True, False)
    """
    values = value.values().ravel() if hasattr(value, "values") and hasattr(value, "shape") else (value,)
    return any(_constant(v) and not getattr(v, "is_Rational", True) for v in values)


def read_answer(reference: Answer, raw: object) -> Answer:
    """Read ``raw`` (a YAML value or text) as an answer of the reference's kind."""
    kind = reference.kind
    if kind == "number":
        return Answer(kind, read_number(raw))
    if kind == "formula":
        return Answer(kind, parse_scalar(raw, allow_symbols=True))
    if kind == "matrix":
        # an answer is values as typed: never the name of a file, nor '-' for standard input
        if isinstance(raw, str):
            return Answer(kind, parse_literal(raw.strip(), "answer"))
        return Answer(kind, Exact.from_nested(raw if not isinstance(raw, (int, float)) else [raw]))
    if kind == "shape":
        return Answer(kind, read_shape(raw))
    return Answer("text", str(raw))


def _same(a: Value, b: Value) -> bool:
    if isinstance(a, (int, Fraction)) and isinstance(b, (int, Fraction)):
        return a == b
    import sympy

    difference = sympy.sympify(to_sympy(a)) - to_sympy(b)
    if _constant(difference):
        # two numbers written with e, exp() or log(): equal to 50 digits is equal (simplify may not see it)
        return bool(abs(difference.evalf(60)) < sympy.Rational(1, 10**50))
    # compare as formulas in plain symbols: a size symbol may carry assumptions
    plain = {s: sympy.Symbol(s.name) for s in difference.free_symbols}
    return sympy.simplify(difference.subs(plain)) == 0


def _constant(value: object) -> bool:
    """A sympy number without symbols (log(3), e/(1 + e))."""
    return hasattr(value, "free_symbols") and not value.free_symbols


def compare(reference: Answer, answer: Answer, tolerance: Tolerance | None = None,
            accept: tuple = (), keywords: tuple = (), skip: tuple = (), reject: tuple = (),
            wrong: tuple = ()) -> Comparison:
    """Compare an answer with a reference of the same kind.

    ``skip`` are matrix cells left out (a published '?'), ``wrong`` matrix cells
    counted wrong whatever they hold (a student's '?'); ``accept``, ``keywords``
    and ``reject`` are a text question's (see :mod:`cnncalc.exercises.text`).
    """
    tolerance = tolerance or Tolerance()
    kind = reference.kind
    if kind in ("number", "formula"):
        ref, got = reference.value, answer.value
        if _constant(ref) and isinstance(got, (int, Fraction)) and not tolerance.exact:
            ref = Fraction(str(ref.evalf(40)))  # an exact log/exp value against a decimal, within the tolerance
        if isinstance(ref, (int, Fraction)) and isinstance(got, (int, Fraction)):
            ok = tolerance.accepts(ref, got)
        else:
            ok = _same(ref, got)
        return Comparison(ok, Fraction(int(ok)))
    if kind == "shape":
        return _compare_shape(tuple(reference.value), tuple(answer.value))
    if kind == "matrix":
        return _compare_matrix(reference.value, answer.value, tolerance, skip, wrong)
    if isinstance(reference.detail, KernelReport):
        # a computed text answer (what a kernel detects) brings its own vocabulary
        from .text import computed_key, grade_text

        graded = grade_text(computed_key(reference.detail, accept, keywords, reject), str(answer.value))
        return Comparison(graded.correct, graded.fraction, graded.note)
    return _compare_text(reference.value, answer.value, accept, keywords, reject)


def _compare_shape(ref: tuple, got: tuple) -> Comparison:
    if ref == got:
        return Comparison(True, Fraction(1))
    if len(ref) == 3 and got == (ref[2], ref[0], ref[1]):
        return Comparison(True, Fraction(1), "read in channels-first order")
    if len(got) > len(ref) and _squeezed(got) == _squeezed(ref) and got[-len(ref):] == ref:
        # 1x1x4096 for a dense layer's 4096 outputs, as the VGG16 slide writes it
        return Comparison(True, Fraction(1), f"read {'x'.join(map(str, got))} as {'x'.join(map(str, ref))}")
    return Comparison(False, Fraction(0), _shape_difference(ref, got))


def _shape_difference(ref: tuple, got: tuple) -> str:
    """What a wrong shape got wrong, where one part of it is right: its channels, or its height and width.

    >>> _shape_difference((13, 13, 384), (13, 13, 256)), _shape_difference((55, 55, 96), (55, 55))
    ('the height and width are right; the channels are not 256', 'the channels are missing (height x width x channels)')
    """
    if len(ref) != 3:
        return ""
    if got == ref[:2]:
        return "the channels are missing (height x width x channels)"
    if len(got) == 3 and got[:2] == ref[:2]:
        return f"the height and width are right; the channels are not {got[2]}"
    if len(got) == 3 and got[2] == ref[2] and got[:2] != ref[:2]:
        return "the channels are right; the height and width are not"
    return ""


def _squeezed(shape: tuple) -> tuple:
    return tuple(n for n in shape if n != 1)


def _compare_matrix(ref: Exact, got: Exact, tolerance: Tolerance, skip: tuple = (), forced: tuple = ()) -> Comparison:
    if ref.shape != got.shape and _squeezed(ref.shape) == _squeezed(got.shape):
        got = got.reshape(*ref.shape)  # "55" for a 1x1 result, "1 2 3" for a 1x3 one
    if ref.shape != got.shape:
        shape = "x".join(map(str, ref.shape))
        return Comparison(False, Fraction(0), f"shape {'x'.join(map(str, got.shape))} where {shape} is expected")
    wrong = []
    ref_values, got_values = ref.values(), got.values()
    skipped, forced_cells = set(skip), set(forced)
    cells = [i for i in _indices(ref.shape) if i not in skipped]
    for index in cells:
        a, b = ref_values[index], got_values[index]
        ok = tolerance.accepts(a, b) if isinstance(a, (int, Fraction)) and isinstance(b, (int, Fraction)) \
            else _same(a, b)
        if not ok or index in forced_cells:
            wrong.append(index)
    total = max(1, len(cells))
    share = Fraction(total - len(wrong), total)
    return Comparison(not wrong, share, "" if not wrong else f"{len(wrong)} of {total} cells differ", tuple(wrong))


def _indices(shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    import numpy as np

    return list(np.ndindex(*shape))


def _compare_text(model: str, given: str, accept: tuple, keywords: tuple, reject: tuple = ()) -> Comparison:
    from .text import TextKey, grade_text

    graded = grade_text(TextKey(str(model), tuple(accept), tuple(keywords), tuple(reject)), str(given))
    return Comparison(graded.correct, graded.fraction, graded.note)
