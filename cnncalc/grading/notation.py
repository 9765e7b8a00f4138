"""How students write numbers, shapes and matrices, and how each is read.

A student's text is first cleaned of what only decorates it (LaTeX ``$...$``
and ``\\frac{874}{9}``, a Unicode minus, ``×``, ``≈``/``~``, thin spaces), then
turned into *candidate readings*, each with a note saying how it was read:

============================  =================================================
written                       read as
============================  =================================================
``290 400 units``             290400 (the words after the number dropped)
``62 million``, ``35K``       62000000, 35000 (and ``31.3 trillion``, ``31.3T``)
``12 x 12 x 32 = 4608``       4608 (the value after the last '=', '->', '≈' or 'so')
``5 (7-3+1)``                 5 (the leading number; the bracket is a remark)
``none``, ``zero``            0
``97 1/9``                    874/9 (a mixed number)
``2,33``                      2.33 (a decimal comma) where 2,33 is not 233
``98.97%``                    0.9897, or 98.97
``5x5``                       25 (a product) or 5 (the side of a square)
``(None, 13, 13, 64)``        the shape 13x13x64 (Keras' batch axis dropped)
============================  =================================================

The grader takes the candidate that is right, else one that matches a known
mistake, else the first: an ambiguous notation gets the benefit of the doubt,
and the feedback always says how the answer was read.  Nothing here
evaluates text: every candidate goes through cnncalc's own parsers.

>>> [(c.text, c.working) for c in number_candidates("12 x 12 x 32 = 4608")][:2]   # the result counts
[('4608', False), ('12 x 12 x 32', True)]
>>> [c.text for c in number_candidates("5x5")]
['5x5', '5 * 5', '5']
>>> clean("$\\\\frac{874}{9}$")
('(874)/(9)', [])
>>> clean("−2")
('-2', [])
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TypeAlias

MULTIPLIERS = {"thousand": 10**3, "thousands": 10**3, "k": 10**3, "million": 10**6, "millions": 10**6, "mio": 10**6,
               "m": 10**6, "mil": 10**6, "billion": 10**9, "billions": 10**9, "bn": 10**9, "b": 10**9, "g": 10**9,
               "trillion": 10**12, "trillions": 10**12, "tn": 10**12, "t": 10**12}
NUMBER_WORDS = {word: n for n, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_NEGATION = re.compile(r"\b(?:not|no|never|without|isn't|except)\b", re.I)
ZERO_WORDS = re.compile(r"^(none|zero|nothing|nil|no(ne)?\s+[a-z ]+|0\s+[a-z ]+|there\s+are\s+(none|no\s+[a-z ]+))$")
_UNICODE = {"\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\ufe63": "-", "\uff0d": "-",
            "\u00d7": "*", "\u22c5": "*", "\u00b7": "*", "\u2217": "*", "\u2715": "*",
            "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u200a": " ", "\u3000": " "}
_LABEL = re.compile(r"^\s*(?:(?:yes|no|nope|yep|true|false)\s*[,;:.\-]|[A-Za-z][A-Za-z ()'\-]{0,40}:)\s*", re.I)
_SCALAR_WRAPPER = re.compile(r"(?:torch\.|np\.|numpy\.)?(?:tensor|float64|float32|int64|array)\(\s*([^(),]*?)\.?\s*"
                             r"(?:,\s*\w+\s*=[^()]*)?\)")
#: What separates working from the result a student gives ("12 x 12 x 32 = 4608", "13.5 -> 13", "≈ 9.4").
WORKING = re.compile(r"\s*(?:=>|->|→|⇒|=|≈|≃|\bso\b)\s*")
# "class 2, i.e. reward +100": the answer, then what it means in words (the value before i.e. is the answer);
# "(227-11)/4+1, i.e. 55": working, then the result (i.e. before a bare value is '=')
_RESTATED = re.compile(r"\s*,?\s*\bi\.\s?e\.\s*,?\s*", re.I)
_APPROX = re.compile(r"^\s*(?:≈|~|∼|≃|about|approximately|approx\.?|roughly|around|ca\.|circa)(?![A-Za-z])\s*", re.I)
_PREFIX = re.compile(r"^\s*(?:answer|ans|a|result|solution)\s*[:=]\s*", re.I)
# "slide says 13.75 but correct is 11.25": the student names the answer they commit to
_CORRECTED = re.compile(r"^.*?\b(?:the\s+)?(?:correct|right|actual|true)\s+"
                        r"(?:answer|value|one|matrix|result|shape|size|width|height|count|number)?\s*"
                        r"(?:is|are|=)\s*:?\s*(?=\S)", re.I | re.S)


def corrected(text: str) -> tuple[str, str]:
    """(the answer a student commits to after 'but correct is', a note), or (text, '').

    >>> corrected("slide says 10 15; 13.75 22.5 but correct is 10 15; 11.25 22.5")
    ('10 15; 11.25 22.5', "read what follows 'correct is'")
    """
    match = _CORRECTED.match(text)
    if not match or not re.search(r"\d", text[match.end():]):
        return text, ""
    said = " ".join(match.group(0).split()[-2:]).rstrip(": ")
    return text[match.end():].strip(), f"read what follows '{said}'"
_NUMBER = r"[+-]?(?:\d[\d,.' ]*\d|\d)(?:[eE][+-]?\d+)?"


@dataclass(frozen=True)
class Candidate:
    """One way to read a student's text: the text to parse, and how it was read."""

    text: str
    note: str = ""
    scale: Fraction = Fraction(1)  # the parsed value times this (percent: 1/100)
    working: bool = False  # the working before the result: it earns nothing, but names an arithmetic slip


def clean(text: str) -> tuple[str, list[str]]:
    """Strip what decorates a value (LaTeX, Unicode operators, '≈', 'answer:'); notes say what mattered."""
    notes: list[str] = []
    text = str(text).strip()
    for old, new in _UNICODE.items():
        text = text.replace(old, new)
    text = re.sub(r"^\$+|\$+$", "", text).strip()                      # $55$, $$...$$
    text = re.sub(r"^\\\(|\\\)$|^\\\[|\\\]$", "", text).strip()          # \( ... \), \[ ... \]
    text = re.sub(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", r"(\1)/(\2)", text)
    text = re.sub(r"\\(?:text|mathrm|mathit|mbox)\s*\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"\{,\}", ",", text)                                  # 2{,}33
    text = re.sub(r"\\[,;:! ]", " ", text)                              # thin spaces: 290\,400
    text = re.sub(r"\\(?:times|cdot|ast)\b", "*", text)
    text = re.sub(r"\\(?:left|right)\b", "", text)
    text = re.sub(r"\\lfloor\s*(.*?)\s*\\rfloor", r"floor(\1)", text)
    text = re.sub(r"\\lceil\s*(.*?)\s*\\rceil", r"ceil(\1)", text)
    text = re.sub(r"\\(?:approx|simeq|sim)\b", "≈", text)
    text = text.replace("\\%", "%")
    text = _PREFIX.sub("", text)
    text, said = corrected(text)
    if said:
        notes.append(said)
    label = _LABEL.match(text)
    if label and re.search(r"\d", text[label.end():]):
        text = text[label.end():]  # "Trainable params: 1,191,338", "No, 13.5"
    scalar = _SCALAR_WRAPPER.fullmatch(text.strip())
    if scalar:
        text = scalar.group(1)  # tensor(45.), np.float64(45.0)
    approx = _APPROX.match(text)
    if approx:
        notes.append(f"read '{text.strip()}' as an approximation")
        text = text[approx.end():]
    text = text.strip().rstrip(".").strip() if not re.search(r"\d\.$", text.strip()) else text.strip()
    return text, notes


def split_working(text: str) -> tuple[str, str]:
    """(the result, the working before it): the value after the last '=', '->', '≈' or 'so'.

    >>> split_working("12 x 12 x 32 = 4608"), split_working("13.5 -> 13, so 13 x 13 x 64")
    (('4608', '12 x 12 x 32'), ('13 x 13 x 64', '13.5 -> 13,'))
    >>> split_working("(227 - 11)/4 + 1")
    ('(227 - 11)/4 + 1', '')
    """
    separators = list(WORKING.finditer(text))
    if not separators or not text[separators[-1].end():].strip():
        return text, ""
    last = separators[-1]
    return text[last.end():].strip(), text[:last.start()].strip()


def _products(text: str) -> str:
    """'55 x 55 x 96' -> '55 * 55 * 96' (x between numbers is a product)."""
    return re.sub(r"(?<=[\d)])\s*[xX]\s*(?=[\d(])", " * ", text)


#: (candidate text, note, scale): one way to read a number
NumberReading: TypeAlias = "tuple[str, str, Fraction]"


def number_candidates(text: str) -> list[Candidate]:
    """Every plausible reading of a number as students write it, most literal first."""
    text, _ = clean(text)
    out: list[Candidate] = []
    seen: set[tuple[str, Fraction]] = set()

    def add(candidate_text: str, note: str = "", scale: Fraction = Fraction(1)) -> None:
        key = (candidate_text.strip(), scale)
        if candidate_text.strip() and key not in seen:
            seen.add(key)
            out.append(Candidate(candidate_text.strip(), note, scale))

    for reading in _number_words(text):
        add(*reading)
    restated = _RESTATED.split(text, maxsplit=1)
    if len(restated) == 2 and all(part.strip() for part in restated):
        answer, meaning = restated
        if re.search(r"[A-Za-z]{2,}", meaning):  # 'class 2, i.e. reward +100': the answer is before
            for c in number_candidates(answer):
                add(c.text, f"the value before 'i.e.' ('{meaning.strip()}' read as what it means)"
                    + (f"; {c.note}" if c.note else ""), c.scale)
            if re.search(r"[A-Za-z]{2,}", answer):  # 'reward +100, i.e. class 2': both name what they give
                for c in number_candidates(meaning):
                    add(c.text, f"the value after 'i.e.': {meaning.strip()}" + (f"; {c.note}" if c.note else ""),
                        c.scale)
            return out
        text = f"{answer} = {meaning}"  # working, i.e. the result: read as '=' is
    final, working = split_working(text)
    if working:
        for c in number_candidates(final):
            add(c.text, f"the value after the working: {final}" + (f"; {c.note}" if c.note else ""), c.scale)
        for c in number_candidates(working):
            out.append(Candidate(c.text, f"the working: {working}", c.scale, working=True))
        return out
    for rule in _READINGS:
        for reading in rule(text):
            add(*reading)
    return out


def _within(part: str, note: str) -> list[NumberReading]:
    """The readings of a part of the text, each note prefixed with what was left out."""
    return [(c.text, note + (f"; {c.note}" if c.note else ""), c.scale) for c in number_candidates(part)]


def _number_words(text: str) -> list[NumberReading]:
    """'zero', 'none', 'five': the number a word names."""
    lowered = text.lower().strip()
    out: list[NumberReading] = []
    if ZERO_WORDS.match(lowered):
        out.append(("0", f"read '{text}' as 0", Fraction(1)))
    if lowered.rstrip(".") in NUMBER_WORDS:
        value = NUMBER_WORDS[lowered.rstrip(".")]
        out.append((str(value), f"read '{text}' as {value}", Fraction(1)))
    return out


def _as_written(text: str) -> list[NumberReading]:
    """The text itself, after a batch axis ((None, 4608), torch.Size([1, 320])) is dropped where there is one."""
    batch = re.fullmatch(r"(?:torch\.Size\()?[\[(]\s*(?:None|1)\s*,\s*(\d[\d,.' ]*?)\s*,?\s*[\])]\)?", text)
    out: list[NumberReading] = []
    if batch:  # a flat vector's size
        out.append((batch.group(1), f"read {text} as {batch.group(1)} values (the batch axis dropped)", Fraction(1)))
    return [*out, (text, "", Fraction(1))]


def _products_and_factors(text: str) -> list[NumberReading]:
    """12 x 12 x 32 (a product; a square's side), 2.2x (a factor with its times sign)."""
    out: list[NumberReading] = []
    if re.search(r"\d\s*[xX]\s*\d", text):
        factors = [f.strip() for f in re.split(r"\s*[xX*]\s*", text) if f.strip()]
        out.append((_products(text), "", Fraction(1)))
        if len(factors) >= 2 and len(set(factors)) == 1:
            out.append((factors[0], f"read {text} as a square of side {factors[0]}", Fraction(1)))
    times = re.fullmatch(r"(.*\d)\s*[xX*]", text)
    if times:
        out.append((times.group(1), f"read {text} as the factor {times.group(1)}", Fraction(1)))
    return out


def _words_before(text: str) -> list[NumberReading]:
    """class 2, layer count 5: the words before a number (not a negation: 'not 5')."""
    leading = re.fullmatch(r"([A-Za-z][A-Za-z .\-]*[A-Za-z])(?:\s*[:=]\s*|\s+)([+-]?\d.*)", text)
    if not leading or _NEGATION.search(leading.group(1)):
        return []
    return _within(leading.group(2), f"the words before the number ('{leading.group(1)}') dropped")


def _mixed_commas_percent(text: str) -> list[NumberReading]:
    """2 1/3 (a mixed number), 2,33 (a decimal comma), 25% (a hundredth, or the % dropped)."""
    out: list[NumberReading] = []
    mixed = re.fullmatch(r"([+-]?\d+)\s+(\d+)\s*/\s*(\d+)", text)
    if mixed:
        whole, num, den = mixed.groups()
        sign = "-" if whole.startswith("-") else ""
        out.append((f"{sign}({whole.lstrip('+-')} + {num}/{den})", f"read {text} as the mixed number {whole} {num}/{den}",
                    Fraction(1)))
    if re.fullmatch(r"[+-]?\d+,\d{1,2}|[+-]?\d+,\d{4,}|[+-]?\d{4,},\d+|[+-]?0,\d+|[+-]?\d{1,3},\d{3}", text):
        out.append((text.replace(",", "."), f"read {text} with a decimal comma as {text.replace(',', '.')}", Fraction(1)))
    if re.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+\.\d+", text):  # 290,400.00: thousands, then the decimals
        out.append((text.replace(",", ""), f"read {text} as {text.replace(',', '')} (thousands separators)",
                    Fraction(1)))
    if re.fullmatch(r"[+-]?\d{1,3}(?:\.\d{3})+,\d+", text):  # 290.400,00: the same, written in Europe
        plain = text.replace(".", "").replace(",", ".")
        out.append((plain, f"read {text} as {plain} (thousands separators, a decimal comma)", Fraction(1)))
    percent = re.fullmatch(rf"({_NUMBER})\s*%", text)
    if percent:
        out.append((percent.group(1), f"read {text} as {percent.group(1)}/100", Fraction(1, 100)))
        out.append((percent.group(1), f"read {text} as {percent.group(1)} (the % dropped)", Fraction(1)))
    return out


def _remarks(text: str) -> list[NumberReading]:
    """5 (7-3+1) and 2.33, doesn't fit: a number, then a remark."""
    out: list[NumberReading] = []
    remark = re.fullmatch(r"([^()]*?\d[^()]*?)\s*\((.*)\)\s*", text)
    if remark:
        out += _within(remark.group(1), f"the value before the bracket; '({remark.group(2)})' read as a remark")
    trailing = re.fullmatch(r"(.*?\d)\s*[,;]\s*([A-Za-z][^\d]*)", text)
    if trailing:
        out += _within(trailing.group(1), f"'{trailing.group(2).strip()}' read as a remark")
    return out


def _words_after(text: str) -> list[NumberReading]:
    """35 thousand (a multiplier), 55 pixels (words dropped)."""
    words = re.fullmatch(r"(.*?\d\)?)\s*([A-Za-z][A-Za-z .\-/]*)", text)
    if not words:
        return []
    number, tail = words.group(1).strip(), words.group(2).strip().lower().rstrip(".")
    first = tail.split()[0] if tail.split() else ""
    if first in MULTIPLIERS and re.fullmatch(_NUMBER, number):
        if re.fullmatch(r"[+-]?\d+,\d{1,2}", number):  # 62,4M: a comma before one or two digits is a decimal one
            number = number.replace(",", ".")
        plain = number.replace(",", "").replace(" ", "").replace("'", "")
        return [(plain, f"read {text} as {plain} x {MULTIPLIERS[first]:,}", Fraction(MULTIPLIERS[first]))]
    return _within(number, f"the words after the number ('{words.group(2).strip()}') dropped")


#: The readings of a number, most literal first (after the number words and the working)
_READINGS: tuple[Callable[[str], list[NumberReading]], ...] = (
    _as_written, _products_and_factors, _words_before, _mixed_commas_percent, _remarks, _words_after,
)

def shape_candidates(text: str) -> list[Candidate]:
    """Readings of a shape: as written, without Keras' batch axis (None, ...), the words
    or remark after it dropped, the value after the last '='."""
    text, _ = clean(text)
    text = re.sub(r"(?<=\d)\s+by\s+(?=\d)", " x ", text.replace("*", "x"), flags=re.I)  # 27 by 27 by 96
    out: list[Candidate] = []

    def add(candidate_text: str, note: str = "") -> None:
        if candidate_text.strip() and all(c.text != candidate_text.strip() for c in out):
            out.append(Candidate(candidate_text.strip(), note))

    final, working = split_working(text)
    if working:
        for c in shape_candidates(final):
            add(c.text, f"the shape after the working: {final}" + (f"; {c.note}" if c.note else ""))
        sides = re.fullmatch(r"\s*(\d+(?:\s*x\s*\d+)+)\s*", working)
        if sides and re.fullmatch(r"\d+", final) and math.prod(map(int, sides.group(1).split("x"))) == int(final):
            add(sides.group(1), f"the shape before '= {final}' (its number of values)")  # 6x6x256 = 9216
        return out
    torch_size = re.fullmatch(r"torch\.Size\(\s*\[\s*1\s*,\s*([^\[\]]*)\]\s*\)", text)
    if torch_size:
        add(f"({torch_size.group(1)})", f"read {text} as ({torch_size.group(1)}): torch's channels-first shape "
                                        "without the batch axis")
    add(text)
    keras = re.fullmatch(r"[\[(]\s*(?:None|none|null|\?|batch|N|1)\s*,\s*(.*?)[\])]", text)
    if keras:
        add(f"({keras.group(1)})", f"read {text} without the batch axis")
    if re.fullmatch(r"\d{1,3}[.,]\d{3}", text):
        add(re.sub(r"[.,]", "", text), f"read {text} as {re.sub(r'[.,]', '', text)} (a thousands separator)")
    remark = re.fullmatch(r"(.+?)\s*\(([^()]*[A-Za-z][^()]*)\)\s*", text)
    if remark:
        add(remark.group(1), f"'({remark.group(2)})' read as a remark")
    words = re.fullmatch(r"(.*?[\d\])])\s*([A-Za-z][A-Za-z .\-]*)", text)
    if words:
        add(words.group(1), f"the words after the shape ('{words.group(2).strip()}') dropped")
    return out


# --------------------------------------------------------------------------- matrices

_WRAPPER = re.compile(r"^\s*(?:torch\.|np\.|numpy\.)?(?:tensor|array|Tensor|matrix)\s*\((.*?)(?:,\s*dtype\s*=.*?)?"
                      r"(?:,\s*(?:requires_grad|device|grad_fn)\s*=.*?)*\)\s*$", re.S)
_LATEX_MATRIX = re.compile(r"\\begin\{([bpvBV]?matrix|array)\}(?:\{[^{}]*\})?(.*?)\\end\{\1\}", re.S)


@dataclass(frozen=True)
class MatrixText:
    """A student's matrix as rows split by ';' (what cnncalc's literal reader takes),
    a factor written before it (``\\frac{1}{9} \\begin{bmatrix}...``), and how it was read."""

    text: str
    notes: tuple[str, ...] = ()
    factor: str = ""


def ambiguous_commas(text: str) -> bool:
    """Commas between digits with no space after them and no brackets: decimal commas ('11,25 22,5') or
    separators ('45,110;40,40'); a comma and a space ('1, 2') or a bracket ('[1,2]') separate values."""
    return bool(re.search(r"\d,\d", text) and not re.search(r",\s|\[", text))


def matrix_text(text: str, decimal_commas: bool | None = None) -> MatrixText:
    """A matrix as rows split by ';', from LaTeX bmatrix, MATLAB [1 2; 3 4], a printed
    tensor([[...]]) or array([[...]]), a tuple (1, 0, -1), or rows of text with comments
    (% or #), remarks after '->' and lines of prose, which are dropped.

    >>> matrix_text("1 2   % row one\\n3 4 -> not the same").text
    '1 2\\n3 4'
    >>> matrix_text("\\\\frac{1}{9} \\\\begin{bmatrix} 1 & 2 \\\\\\\\ 3 & 4 \\\\end{bmatrix}").factor
    '(1)/(9)'
    """
    notes: list[str] = []
    text = str(text)
    for old, new in _UNICODE.items():
        text = text.replace(old, new if new != "*" else " ")
    text = re.sub(r"^\s*\$+|\$+\s*$", "", text)
    text, said = corrected(text)
    if said:
        notes.append(said)
    label = re.match(r"\s*[^\W\d][^=\d\n]{0,30}=(?!=)", text)
    if label and re.search(r"\d", text[label.end():]):  # λ = (0.090, 0.245, 0.665), Y = [...]
        notes.append(f"'{label.group(0).strip()}' read as a label")
        text = text[label.end():]
    latex = _LATEX_MATRIX.search(text)
    if latex:
        factor = clean(text[:latex.start()].strip().rstrip("*").strip())[0]
        body = latex.group(2)
        rows = [r for r in re.split(r"\\\\", body) if r.strip()]
        text = "; ".join(" ".join(c.strip() for c in r.split("&")) for r in rows)
        text = re.sub(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", r"(\1)/(\2)", text)
        return MatrixText(text, ("read the LaTeX matrix",), factor if re.search(r"\d", factor) else "")
    wrapper = _WRAPPER.match(text)
    if wrapper:
        notes.append("read the printed array")
        text = wrapper.group(1)
        text = re.sub(r"(?<=\d)\.(?=[\s,\]])", "", text)  # 45. -> 45 (numpy prints floats so)
    lines = []
    for line in text.splitlines() or [text]:
        line = re.sub(r"\s+(?:%|#|//).*$", "", line)  # a comment after the values
        line = re.sub(r"\s*(?:->|=>|→)\s*[A-Za-z].*$", "", line)  # 1160 1212 -> not the same
        words = [w for w in re.findall(r"[A-Za-z]{2,}", line) if w.lower() not in ("exp", "ln", "log")]
        if len(words) >= 2 and not _WRAPPER.match(line):
            notes.append(f"dropped the line '{line.strip()[:40]}'")
            continue
        lines.append(line)
    text = "\n".join(lines).strip()
    stripped = text.strip()
    matlab = re.fullmatch(r"\[([^\[\]]*;[^\[\]]*)\]", stripped)
    if matlab:
        notes.append("read [a b; c d] as rows split by ';'")
        return MatrixText(matlab.group(1).strip().rstrip(";"), tuple(notes))
    vector = re.fullmatch(r"\(([^()]*,[^()]*)\)", stripped)
    if vector:  # (1, 0, -1): a vector written as a tuple
        return MatrixText(f"[{vector.group(1)}]", tuple(notes))
    if decimal_commas is None:  # 11,25 22,5: decimal commas between values split by spaces
        decimal_commas = ambiguous_commas(text)
    if decimal_commas:
        text = text.replace(",", ".")
        notes.append("read the commas as decimal commas")
    if "\t" in text:
        text = "\n".join(line.strip() for line in text.splitlines())
    values = re.findall(r"\d(?:[\d.]*\d)?\s*%?", text)
    if values and all(v.endswith("%") for v in values):  # 9.0% 24.5% 66.5%: hundredths, their figures kept
        text = re.sub(r"(\d+(?:\.\d+)?)\s*%", lambda m: str(Decimal(m.group(1)).scaleb(-2)), text)
        notes.append("read the percentages as hundredths")
    return MatrixText(text, tuple(notes))


def significant_digits(text: str) -> int | None:
    """Significant figures of a decimal as written (None for an integer or a fraction).

    >>> significant_digits("97.11"), significant_digits("0.0450"), significant_digits("55"), significant_digits("62.4M")
    (4, 3, None, 3)
    >>> significant_digits("138M"), significant_digits("35K"), significant_digits("7.24*10^8")
    (3, 2, 3)
    """
    text = str(text).strip()
    scientific = re.fullmatch(r"[+-]?(\d*\.\d+|\d+)\s*[*xX]\s*10\s*(?:\^|\*\*)\s*\(?[+-]?\d+\)?", text)
    if scientific:  # 7.24 x 10^8: the figures of the mantissa
        return significant_digits(scientific.group(1)) if "." in scientific.group(1) else None
    suffixed = re.fullmatch(r"[+-]?(\d+)\s*[KkMmGgBb]", text)
    if suffixed:  # 138M: a rounded count, as many figures as written (138: 3)
        digits = suffixed.group(1).lstrip("0").rstrip("0")
        return len(digits) or None
    match = re.fullmatch(r"[+-]?(\d*)\.(\d+)(?:[eE][+-]?\d+|\s*[KkMmGgBb])?", text)
    if not match:
        return None
    digits = (match.group(1) + match.group(2)).lstrip("0")
    return len(digits) if digits else None


__all__ = ["Candidate", "MatrixText", "ambiguous_commas", "clean", "number_candidates", "shape_candidates", "matrix_text",
           "significant_digits", "split_working"]
