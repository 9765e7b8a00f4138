"""A question's reference as the blanks a platform asks for.

cnncalc grades a whole answer (a matrix, a shape, a formula) exactly.  A quiz
platform asks for blanks: one number per blank, text matched as typed.  This
module splits each reference into such fields, each with its exact value and its
share of the points, and says how a platform that reads only decimals can ask
for a value without losing it:

==============  =========================================================
reference       fields
==============  =========================================================
number          one number (an exact int or fraction)
matrix          one number per cell, row by row, labelled "row 1, column 2"
shape           one number per size, labelled height, width, channels
formula         one text field: the formula, in the spellings a platform can match
text            one text field: the model answer, the accepted phrases, key words
choices         one choice field
manual          one field a person grades (a table, an explanation)
==============  =========================================================

A number a platform reads as a decimal (Moodle, Canvas) is asked as
:func:`decimal_answer` says, accepting what cnncalc's grader accepts: the exact
decimal when it ends, and each correctly rounded decimal of 3 or more
significant figures (11.3 for 11.25; 11.4, 11.44, 11.444, ... for 103/9, whose
fraction a decimal-only platform cannot take); the question's own tolerance
becomes a margin (significant figures: around the rounded value).

>>> decimal_answer(Fraction(45)).pairs, decimal_answer(Fraction(45, 4)).pairs
((('45', '0'),), (('11.25', '0'), ('11.3', '0')))
>>> a = decimal_answer(Fraction(103, 9)); a.pairs[:3], len(a.pairs), a.exact
((('11.4', '0'), ('11.44', '0'), ('11.444', '0')), 8, False)
>>> decimal_answer(Fraction(7, 3), Tolerance(significant=3)).pairs[0]
('2.33', '0.005')
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from .. import cells
from ..exercises.answers import Answer, Tolerance
from ..exercises.exercise import Exercise, Question
from ..expr import Value
from ..rationals import is_terminating, round_half_away, round_significant

#: The significant figures of a correctly rounded decimal that cnncalc's grader takes for an exact value,
#: and the most a platform is given as separate answers.
MIN_DIGITS = 3
MAX_DIGITS = 10
#: How a shape's sizes are labelled (the course writes height x width x channels).
SHAPE_LABELS = {1: ("features",), 2: ("height", "width"), 3: ("height", "width", "channels"),
                4: ("depth", "height", "width", "channels")}


@dataclass(frozen=True)
class NumberField:
    """One number: its exact value, its label within the question, its points."""

    label: str
    value: int | Fraction
    points: Fraction
    tolerance: Tolerance
    cell: tuple | None = None  # (row, column) counted from 0 for a matrix cell
    exact_only: bool = False  # the question is exact: a rounded decimal earns rounded_credit only
    rounded_credit: Fraction = Fraction(0)
    unit: Fraction = Fraction(1)  # the question asks in millions (unit 10**6): 133 means 133,000,000
    constant: Value | None = None  # an irrational value (a sympy constant); ``value`` is then its 40-figure stand-in

    @property
    def asked(self) -> int | Fraction:
        """The value as the question asks for it: in its unit (133 for 132,863,336 in millions)."""
        return self.value if self.unit == 1 else Fraction(self.value) / self.unit

    @property
    def needs_fraction(self) -> bool:
        """Only the exact fraction earns full credit (an ``exact`` question whose value has no
        finite decimal): a decimal-only blank cannot take it, so a platform asks for it as text."""
        return self.exact_only and self.constant is None and not terminates(Fraction(self.asked))

    def fraction_spellings(self) -> tuple[str, ...]:
        """The reduced fraction as a student types it: '1211/9', '1211 / 9'."""
        value = Fraction(self.asked)
        return (f"{value.numerator}/{value.denominator}", f"{value.numerator} / {value.denominator}")

    def decimal(self) -> DecimalAnswer:
        """How a decimal-only platform asks for this number: in the question's unit, and (as cnncalc
        also takes it) the whole count."""
        irrational = self.constant is not None
        asked = decimal_answer(self.asked, self.tolerance, self.exact_only, self.rounded_credit, irrational)
        if self.unit == 1:
            return asked
        whole = decimal_answer(self.value, self.tolerance, self.exact_only, self.rounded_credit, irrational)
        instruction = "; ".join(t for t in (f"in {unit_name(self.unit)}", asked.instruction) if t)
        return DecimalAnswer(asked.alternatives + whole.alternatives, asked.exact, instruction)


@dataclass(frozen=True)
class TextField:
    """Text a platform matches: the spellings it accepts, key words for partial credit.

    ``kind`` is ``formula`` (equivalent formulas are all right, but a platform
    can match only the spellings listed) or ``text``."""

    label: str
    accepted: tuple[str, ...]
    points: Fraction
    kind: str
    keywords: tuple[str, ...] = ()
    cell: tuple | None = None


@dataclass(frozen=True)
class ChoiceField:
    label: str
    choices: tuple[str, ...]
    answer: str
    points: Fraction


@dataclass(frozen=True)
class ManualField:
    """Graded by a person; ``reference`` is what the grader compares with."""

    label: str
    reference: str
    points: Fraction


Field = NumberField | TextField | ChoiceField | ManualField


def _exact(value: object) -> bool:
    return isinstance(value, (int, Fraction)) and not isinstance(value, bool)


#: Digits of the rational stand-in for an irrational constant: ample for roundings of up to MAX_DIGITS figures.
CONSTANT_DIGITS = 40


def numeric_constant(value: Value) -> Fraction | None:
    """A real constant without symbols (the softmax's e^3/(e + e^2 + e^3)) as a rational accurate to
    :data:`CONSTANT_DIGITS` figures; None for a number cnncalc holds exactly or a formula in symbols.

    >>> import sympy
    >>> float(numeric_constant(sympy.log(2)))
    0.6931471805599453
    """
    if isinstance(value, (int, Fraction)) or not hasattr(value, "free_symbols") or value.free_symbols:
        return None
    approximation = value.evalf(CONSTANT_DIGITS)
    if not approximation.is_real or not approximation.is_number:
        return None
    return Fraction(str(approximation))


def formula_spellings(value: object) -> tuple[str, ...]:
    """The spellings of a formula a platform without algebra can match: cnncalc's
    form, without spaces, and a sum in the other order.

    >>> import sympy
    >>> H = sympy.Symbol("H")
    >>> formula_spellings(795 * H + 10)
    ('795*H + 10', '795*H+10', '10 + 795*H', '10+795*H')
    """
    from ..render import format_value

    text = format_value(value)
    spellings = [text, text.replace(" ", "")]
    args = getattr(value, "args", ())
    if getattr(value, "is_Add", False) and len(args) == 2:
        flipped = " + ".join(format_value(a) for a in reversed(sorted(args, key=lambda a: a.is_number)))
        if flipped != text:
            spellings += [flipped, flipped.replace(" ", "")]
    return tuple(dict.fromkeys(spellings))


def unit_name(unit: Fraction) -> str:
    """How a question's unit is said: 10**6 -> 'millions'.

    >>> unit_name(Fraction(10**6)), unit_name(Fraction(1000)), unit_name(Fraction(60))
    ('millions', 'thousands', 'units of 60')
    """
    names = {Fraction(10**3): "thousands", Fraction(10**6): "millions", Fraction(10**9): "billions"}
    return names.get(unit, f"units of {unit}")


def _value_field(label: str, value: Value, points: Fraction, question: Question,
                 cell: tuple | None = None) -> NumberField | TextField:
    constant = numeric_constant(value)
    if _exact(value) or constant is not None:
        return NumberField(label, value if constant is None else constant, points, question.tolerance, cell,
                           bool(getattr(question, "exact", False)), Fraction(getattr(question, "rounded_credit", 0)),
                           Fraction(getattr(question, "unit", 1)), None if constant is None else value)
    return TextField(label, formula_spellings(value), points, "formula", cell=cell)


def cell_label(index: tuple, shape: tuple) -> str:
    """'row 1, column 2' (from 1), 'entry 3' for a vector, channel first for a stack.

    >>> cell_label((0, 1), (2, 2)), cell_label((2,), (4,)), cell_label((1, 0, 0), (2, 2, 2))
    ('row 1, column 2', 'entry 3', 'channel 2, row 1, column 1')
    """
    if len(shape) == 1:
        return f"entry {index[0] + 1}"
    names = ["row", "column"] if len(shape) == 2 else ["channel", "row", "column"] if len(shape) == 3 else \
        [f"axis {k + 1}" for k in range(len(shape))]
    return ", ".join(f"{n} {i + 1}" for n, i in zip(names, index))


def question_fields(question: Question, reference: Answer) -> list[Field]:
    """The fields of one question, whose points add up to the question's points."""
    points = question.points
    if question.manual:
        from ..exercises.solution import answer_inline

        shown = str(reference.value) if reference.kind == "table" else answer_inline(reference)
        return [ManualField("", shown, points)]
    if question.choices:
        return [ChoiceField("", tuple(question.choices), str(reference.value), points)]
    if reference.kind == "matrix":
        import numpy as np

        values = reference.value.reduced().values()
        shape = values.shape
        share = points / max(1, values.size)
        return [_value_field(cell_label(index, shape), values[index], share, question, index)
                for index in np.ndindex(*shape)]
    if reference.kind == "shape":
        sizes = tuple(reference.value)
        labels = SHAPE_LABELS.get(len(sizes), tuple(f"size {k + 1}" for k in range(len(sizes))))
        share = points / len(sizes)
        return [_value_field(label, size, share, question) for label, size in zip(labels, sizes)]
    if reference.kind in ("number", "formula"):
        return [_value_field("", reference.value, points, question)]
    # the engine may know more right phrasings than the exercise lists (a kernel's feature: its synonyms)
    known = getattr(reference.detail, "accepted", ())
    known = tuple(k for k in known if isinstance(k, str)) if isinstance(known, (tuple, list)) else ()
    accepted = tuple(dict.fromkeys([str(reference.value), *question.accept, *known]))
    return [TextField("", accepted, points, "text", tuple(question.keywords))]


def exercise_fields(exercise: Exercise) -> list[tuple[Question, Answer, list[Field]]]:
    """Every question of an exercise (a variant: its own numbers), its reference and its fields."""
    return [(q, ref, question_fields(q, ref)) for q, ref in zip(exercise.questions, exercise.references())]


# --------------------------------------------------------------------------- decimals

def terminates(value: Fraction) -> bool:
    """Whether the decimal of ``value`` is finite (its denominator has no prime but 2 and 5)."""
    return is_terminating(Fraction(value).denominator)


def decimal_text(value: Fraction) -> str:
    """The exact decimal of a terminating fraction.

    >>> decimal_text(Fraction(45, 4)), decimal_text(Fraction(-1, 8)), decimal_text(Fraction(62000000))
    ('11.25', '-0.125', '62000000')
    """
    from ..render import format_value

    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    if not terminates(value):
        raise ValueError(f"{value} has no finite decimal")
    text = format_value(value)
    return text if "/" not in text else cells.decimal_text(value)


def round_places(value: Fraction, places: int) -> Fraction:
    """Round half away from zero to ``places`` decimal places, exactly.

    >>> round_places(Fraction(103, 9), 3), round_places(Fraction(-5, 2), 0)
    (Fraction(2861, 250), Fraction(-3, 1))
    """
    return round_half_away(value, Fraction(1, 10 ** places) if places >= 0 else Fraction(10 ** -places))


def _sig_unit(value: Fraction, digits: int) -> Fraction:
    """The unit of the last of ``digits`` significant figures of ``value``."""
    rounded = abs(round_significant(Fraction(value), digits)) or Fraction(1)
    exponent = 0
    while Fraction(10) ** (exponent + 1) <= rounded:
        exponent += 1
    while Fraction(10) ** exponent > rounded:
        exponent -= 1
    return Fraction(10) ** (exponent - digits + 1)


@dataclass(frozen=True)
class Accepted:
    """One answer a decimal-only platform accepts: ``value`` within ``margin``
    (decimal text; "0" for that value exactly), for ``credit`` of the points."""

    value: str
    margin: str
    credit: Fraction = Fraction(1)


@dataclass(frozen=True)
class DecimalAnswer:
    """How a decimal-only platform asks for one exact value.

    ``alternatives`` are the answers it accepts; ``exact`` says whether the exact
    value itself can be typed (False for a fraction whose decimal does not end);
    ``instruction`` is what the student is told."""

    alternatives: tuple[Accepted, ...]
    exact: bool
    instruction: str = ""

    @property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        return tuple((a.value, a.margin) for a in self.alternatives)


def _text(value: Fraction) -> str:
    return decimal_text(value) if terminates(value) else decimal_text(round_places(value, 15))


@lru_cache(maxsize=65_536)  # a class's variants share many values (every 0, 45, 11.25 ...)
def decimal_answer(value: int | Fraction, tolerance: Tolerance | None = None, exact_only: bool = False,
                   rounded_credit: Fraction = Fraction(0), irrational: bool = False) -> DecimalAnswer:
    """What cnncalc's grader accepts for ``value``, as decimals (see the module docstring).

    The grader takes the exact value, a value within the question's tolerance, and
    a decimal correctly rounded to 3 or more significant figures (only
    ``rounded_credit`` where the question is ``exact``).  A platform gets the
    exact decimal when it ends, the tolerance as a margin, and each correct
    rounding from 3 to :data:`MAX_DIGITS` significant figures as a value of its
    own, so that 97.14 is no more right in Moodle than in cnncalc for 874/9.  ``irrational``:
    ``value`` stands in for an irrational constant (the exact value has no decimal at all)."""
    value = Fraction(value)
    tolerance = tolerance or Tolerance()
    intervals: list[tuple[Fraction, Fraction]] = []  # (value, margin) of each alternative, as numbers
    alternatives: list[Accepted] = []
    instructions: list[str] = []

    def accept(center: Fraction, margin: Fraction, credit: Fraction = Fraction(1)) -> None:
        if not terminates(center) or (irrational and center == value):  # written to 15 places: widen by that
            margin += Fraction(1, 10 ** 15)
        intervals.append((center, margin))
        alternatives.append(Accepted(_text(center), _text(margin), credit))

    ends = terminates(value) and not irrational
    if ends:
        accept(value, Fraction(0))
    if tolerance.significant is not None:
        accept(round_significant(value, tolerance.significant), _sig_unit(value, tolerance.significant) / 2)
        instructions.append(f"{tolerance.significant} significant figures suffice")
    if tolerance.absolute is not None:
        accept(value, tolerance.absolute)
        instructions.append(f"within {_text(tolerance.absolute)}")
    if tolerance.relative is not None:
        accept(value, tolerance.relative * abs(value))
        instructions.append(f"within {float(tolerance.relative * 100):g}%")
    credit = rounded_credit if exact_only else Fraction(1)
    if (value.denominator != 1 or irrational) and credit > 0:
        for digits in range(MIN_DIGITS, MAX_DIGITS + 1):
            rounded = round_significant(value, digits)
            if rounded == value and not irrational:
                break
            if not any(abs(rounded - center) <= margin for center, margin in intervals):
                accept(rounded, Fraction(0), credit)
    if not ends and tolerance.exact:
        instructions.insert(0, f"a decimal of {MIN_DIGITS} to {MAX_DIGITS} significant figures")
    return DecimalAnswer(tuple(alternatives), ends, "; ".join(instructions))


__all__ = ["NumberField", "TextField", "ChoiceField", "ManualField", "Field", "question_fields", "exercise_fields",
           "decimal_answer", "DecimalAnswer", "numeric_constant", "decimal_text", "round_places", "terminates", "formula_spellings",
           "cell_label", "unit_name", "Accepted", "MIN_DIGITS", "MAX_DIGITS"]
