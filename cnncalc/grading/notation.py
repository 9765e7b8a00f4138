"""How students write numbers, shapes and matrices, and how each is read.

A student's text is first cleaned of what only decorates it (LaTeX ``$...$``
and ``\\frac{874}{9}``, a Unicode minus, ``×``, ``≈``/``~``, thin spaces), then
turned into *candidate readings*, each with a note saying how it was read:

============================  =================================================
written                       read as
============================  =================================================
``290 400 units``             290400 (the words after the number dropped)
``62 million``, ``35K``       62000000, 35000
``12 x 12 x 32 = 4608``       4608 (the value after the last '=')
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

>>> [c.text for c in number_candidates("12 x 12 x 32 = 4608")]
['4608', '12 x 12 x 32', '12 * 12 * 32']
>>> clean("$\\\\frac{874}{9}$")
('(874)/(9)', [])
>>> clean("−2")
('-2', [])
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

MULTIPLIERS = {"thousand": 10**3, "thousands": 10**3, "k": 10**3, "million": 10**6, "millions": 10**6, "mio": 10**6,
               "m": 10**6, "mil": 10**6, "billion": 10**9, "billions": 10**9, "bn": 10**9, "b": 10**9, "g": 10**9}
ZERO_WORDS = re.compile(r"^(none|zero|nothing|nil|no(ne)?\s+[a-z ]+|0\s+[a-z ]+|there\s+are\s+(none|no\s+[a-z ]+))$")
_UNICODE = {"\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\ufe63": "-", "\uff0d": "-",
            "\u00d7": "*", "\u22c5": "*", "\u00b7": "*", "\u2217": "*", "\u2715": "*",
            "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u200a": " ", "\u3000": " "}
_APPROX = re.compile(r"^\s*(?:≈|~|∼|≃|about|approx\.?|approximately|roughly|around|ca\.?|circa)\s*", re.I)
_PREFIX = re.compile(r"^\s*(?:answer|ans|a|result|solution)\s*[:=]\s*", re.I)
_NUMBER = r"[+-]?(?:\d[\d,.' ]*\d|\d)(?:[eE][+-]?\d+)?"


@dataclass(frozen=True)
class Candidate:
    """One way to read a student's text: the text to parse, and how it was read."""

    text: str
    note: str = ""
    scale: Fraction = Fraction(1)  # the parsed value times this (percent: 1/100)


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
    text = text.replace("\\%", "%")
    stripped = _PREFIX.sub("", text)
    if stripped != text:
        text = stripped
    approx = _APPROX.match(text)
    if approx:
        notes.append(f"read '{text.strip()}' as an approximation")
        text = text[approx.end():]
    text = text.strip().rstrip(".").strip() if not re.search(r"\d\.$", text.strip()) else text.strip()
    return text, notes


def _products(text: str) -> str:
    """'55 x 55 x 96' -> '55 * 55 * 96' (x between numbers is a product)."""
    return re.sub(r"(?<=[\d)])\s*[xX]\s*(?=[\d(])", " * ", text)


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

    lowered = text.lower().strip()
    if ZERO_WORDS.match(lowered):
        add("0", f"read '{text}' as 0")
    if "=" in text:
        parts = [p.strip() for p in text.split("=")]
        if parts[-1]:
            for c in number_candidates(parts[-1]):
                add(c.text, f"the value after the last '=': {parts[-1]}" + (f"; {c.note}" if c.note else ""), c.scale)
        if parts[0]:
            for c in number_candidates(parts[0]):
                add(c.text, f"the working before '=': {parts[0]}" + (f"; {c.note}" if c.note else ""), c.scale)
        return out
    add(text)
    if re.search(r"\d\s*[xX]\s*\d", text):
        factors = [f.strip() for f in re.split(r"\s*[xX*]\s*", text) if f.strip()]
        add(_products(text), "")
        if len(factors) >= 2 and len(set(factors)) == 1:
            add(factors[0], f"read {text} as a square of side {factors[0]}")
    mixed = re.fullmatch(r"([+-]?\d+)\s+(\d+)\s*/\s*(\d+)", text)
    if mixed:
        whole, num, den = mixed.groups()
        sign = "-" if whole.startswith("-") else ""
        add(f"{sign}({whole.lstrip('+-')} + {num}/{den})", f"read {text} as the mixed number {whole} {num}/{den}")
    if re.fullmatch(r"[+-]?\d+,\d{1,2}|[+-]?\d+,\d{4,}|[+-]?\d{4,},\d+|[+-]?0,\d+", text):
        add(text.replace(",", "."), f"read {text} with a decimal comma as {text.replace(',', '.')}")
    elif re.fullmatch(r"[+-]?\d{1,3},\d{3}", text):
        add(text.replace(",", "."), f"read {text} with a decimal comma as {text.replace(',', '.')}")
    percent = re.fullmatch(rf"({_NUMBER})\s*%", text)
    if percent:
        add(percent.group(1), f"read {text} as {percent.group(1)}/100", Fraction(1, 100))
        add(percent.group(1), f"read {text} as {percent.group(1)} (the % dropped)")
    remark = re.fullmatch(r"([^()]*?\d[^()]*?)\s*\((.*)\)\s*", text)  # 5 (7-3+1): a number, then a remark
    if remark:
        for c in number_candidates(remark.group(1)):
            add(c.text, f"the value before the bracket; '({remark.group(2)})' read as a remark"
                + (f"; {c.note}" if c.note else ""), c.scale)
    words = re.fullmatch(rf"(.*?\d\)?)\s*([A-Za-z][A-Za-z .\-/]*)", text)
    if words:
        number, tail = words.group(1).strip(), words.group(2).strip().lower().rstrip(".")
        first = tail.split()[0] if tail.split() else ""
        if first in MULTIPLIERS and re.fullmatch(_NUMBER, number):
            plain = number.replace(",", "").replace(" ", "").replace("'", "")
            add(plain, f"read {text} as {plain} x {MULTIPLIERS[first]:,}", Fraction(MULTIPLIERS[first]))
        else:
            for c in number_candidates(number):
                add(c.text, f"the words after the number ('{words.group(2).strip()}') dropped"
                    + (f"; {c.note}" if c.note else ""), c.scale)
    return out


def shape_candidates(text: str) -> list[Candidate]:
    """Readings of a shape: as written, without Keras' batch axis (None, ...), the words
    or remark after it dropped, the value after the last '='."""
    text, _ = clean(text)
    text = text.replace("*", "x")
    out: list[Candidate] = []

    def add(candidate_text: str, note: str = "") -> None:
        if candidate_text.strip() and all(c.text != candidate_text.strip() for c in out):
            out.append(Candidate(candidate_text.strip(), note))

    if "=" in text:
        add(text.rsplit("=", 1)[1], "the value after the last '='")
        add(text.split("=", 1)[0], "the working before '='")
        return out
    add(text)
    keras = re.fullmatch(r"[\[(]\s*(?:None|none|null|\?|batch|N)\s*,\s*(.*?)[\])]", text)
    if keras:
        add(f"({keras.group(1)})", f"read {text} without the batch axis (None)")
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


def matrix_text(text: str) -> tuple[str, list[str]]:
    """A matrix as rows split by ';', from LaTeX bmatrix, MATLAB [1 2; 3 4],
    a printed tensor([[...]]) or array([[...]]), or rows of text."""
    notes: list[str] = []
    text = str(text)
    for old, new in _UNICODE.items():
        text = text.replace(old, new if new != "*" else " ")
    text = re.sub(r"^\s*\$+|\$+\s*$", "", text)
    latex = _LATEX_MATRIX.search(text)
    if latex:
        body = latex.group(2)
        rows = [r for r in re.split(r"\\\\", body) if r.strip()]
        text = "; ".join(" ".join(c.strip() for c in r.split("&")) for r in rows)
        notes.append("read the LaTeX matrix")
        text = re.sub(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", r"(\1)/(\2)", text)
        return text, notes
    wrapper = _WRAPPER.match(text)
    if wrapper:
        notes.append("read the printed array")
        text = wrapper.group(1)
        text = re.sub(r"(?<=\d)\.(?=[\s,\]])", "", text)  # 45. -> 45 (numpy prints floats so)
    stripped = text.strip()
    matlab = re.fullmatch(r"\[([^\[\]]*;[^\[\]]*)\]", stripped)
    if matlab:
        notes.append("read [a b; c d] as rows split by ';'")
        return matlab.group(1).strip().rstrip(";"), notes
    if "\t" in text:
        text = "\n".join(line.strip() for line in text.splitlines())
    return text, notes


def significant_digits(text: str) -> int | None:
    """Significant figures of a decimal as written (None for an integer or a fraction).

    >>> significant_digits("97.11"), significant_digits("0.0450"), significant_digits("55")
    (4, 3, None)
    """
    match = re.fullmatch(r"[+-]?(\d*)\.(\d+)(?:[eE][+-]?\d+)?", str(text).strip())
    if not match:
        return None
    digits = (match.group(1) + match.group(2)).lstrip("0")
    return len(digits) if digits else None


__all__ = ["Candidate", "clean", "number_candidates", "shape_candidates", "matrix_text", "significant_digits"]
