"""Grading a free-text answer by what it says, not by the words it contains.

How credit is computed (docs/grading.md has the same rules with examples):

1. The answer, with case, punctuation, spacing and a leading article ignored,
   equals the model answer or one of the question's ``accept:`` phrases
   (matched whole): correct.
2. Otherwise the answer is split into clauses (at , ; . and at "but",
   "however", "whereas", "rather than", "instead of" ...), and every key word
   (``keywords:``; ``a|b`` lists alternatives of one key word) and every
   rejected word (``reject:``, and the other ``choices:`` of a choice
   question) found in it is classified:

   * negated: a negation (not, no, never, isn't, neither, nor, without,
     rather than, instead of, except, ...) stands before it in its clause;
   * hedged: its clause hedges (maybe, perhaps, possibly, probably, might,
     could, guess, unsure, either, or a question mark), or it is one of
     several alternatives joined by "or";
   * asserted: neither.

3. A rejected word that is asserted makes the answer wrong: it names a
   competing answer ("horizontal and vertical lines" where a horizontal line
   is right).
4. Otherwise the credit is the share of key words asserted: all of them is
   correct, some of them is partial, none is wrong.

>>> key = TextKey("thin horizontal line", keywords=("horizontal",), reject=("vertical", "diagonal"))
>>> [grade_text(key, a).fraction for a in ("A thin horizontal line!", "horizontal", "not horizontal, vertical",
...                                          "horizontal and vertical lines", "maybe horizontal")]
[Fraction(1, 1), Fraction(1, 1), Fraction(0, 1), Fraction(0, 1), Fraction(0, 1)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..kernel import KernelReport

NEGATIONS = ("not", "no", "never", "isnt", "isn't", "arent", "aren't", "doesnt", "doesn't", "dont", "don't",
             "wont", "won't", "cannot", "cant", "can't", "neither", "nor", "without", "except", "hardly", "none",
             "rather than", "instead of", "other than", "nothing like", "opposite of")
HEDGES = ("maybe", "perhaps", "possibly", "probably", "might", "could", "guess", "unsure", "not sure", "either",
          "likely", "unclear", "or so", "i think", "i believe", "kind of", "sort of")
# a bracket opens a remark of its own: "none needed (it is a hyperparameter)"
CLAUSE_BREAKS = r"[,;.!:()]|\bbut\b|\bhowever\b|\bwhereas\b|\bwhile\b|\balthough\b|\bthough\b|\byet\b|\bso\b"
NEGATION_WINDOW = 4  # words before a term in which a negation applies


def normalize_text(text: str) -> str:
    """Case, punctuation and spacing ignored: 'Thin  horizontal-line!' -> 'thin horizontal line'."""
    return " ".join(re.sub(r"[^\w']+", " ", str(text).lower().replace("’", "'")).split())


#: Words that name what kind of answer it is, not which: 'CE loss function' is 'CE', 'softmax activation' 'softmax'
CATEGORY_WORDS = ("loss", "function", "activation", "layer", "nonlinearity")


def _bare(text: str) -> str:
    """Normalized, without a leading article or the answer's category words:
    'A thin horizontal line' -> 'thin horizontal line', 'CE loss function' -> 'ce'."""
    words = normalize_text(text).replace("'", "").split()
    while words and words[0] in ("a", "an", "the", "it", "its", "is", "detects", "it's"):
        words = words[1:]
    core = [w for w in words if w not in CATEGORY_WORDS]
    return " ".join(core or words)


def _whole_phrase(key: TextKey, given: str) -> bool:
    """The answer is the model answer or an accepted phrase, whole; 'Cross-Entropy (CE)', a phrase with a
    synonym in brackets, too."""
    phrases = {_bare(p) for p in (key.model, *key.accept)} - {""}
    answer = _bare(given)
    if answer in phrases:
        return True
    synonym = re.fullmatch(r"\s*([^()]+?)\s*\(([^()]+)\)\s*", str(given))
    return synonym is not None and {_bare(synonym.group(1)), _bare(synonym.group(2))} <= phrases


@dataclass(frozen=True)
class TextKey:
    """What a text question accepts: the model answer, whole phrases also accepted,
    key words for (partial) credit, words of competing answers that make it wrong."""

    model: str
    accept: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    reject: tuple[str, ...] = ()
    weaker: tuple[str, ...] = ()  # a near miss (an edge for a line): asserted, it halves the credit


@dataclass(frozen=True)
class TextGrade:
    correct: bool
    fraction: Fraction
    note: str = ""
    found: tuple[str, ...] = field(default=())


def _alternatives(term: str) -> list[list[str]]:
    return [normalize_text(alt).replace("'", "").split() for alt in str(term).split("|") if normalize_text(alt)]


def _clauses(text: str) -> list[list[str]]:
    lowered = str(text).lower().replace("’", "'").replace("-", " ").replace("/", " ")
    parts = re.split(CLAUSE_BREAKS, lowered)
    return [normalize_text(p).replace("'", "").split() for p in parts if normalize_text(p)]


def _find(words: list[str], phrase: list[str]) -> list[int]:
    n = len(phrase)
    return [i for i in range(len(words) - n + 1) if words[i:i + n] == phrase]


def _negated(words: list[str], start: int) -> bool:
    before = words[max(0, start - NEGATION_WINDOW):start]
    joined = " " + " ".join(before) + " "
    return any(f" {neg.replace(chr(39), '')} " in joined for neg in NEGATIONS)


def _hedged(words: list[str], start: int, end: int, raw_clause_has_question: bool) -> bool:
    joined = " " + " ".join(words) + " "
    if raw_clause_has_question or any(f" {h} " in joined for h in HEDGES):
        return True
    # "horizontal or vertical": alternatives joined by "or"
    neighbours = words[max(0, start - 2):start] + words[end:end + 2]
    return "or" in neighbours


def classify(text: str, term: str) -> str:
    """'asserted', 'negated', 'hedged' or 'absent' for one key word (with | alternatives) in a text.

    >>> classify("definitely not horizontal, it is vertical", "horizontal")
    'negated'
    >>> classify("a line from bottom-left to top-right", "bottom left to top right|anti diagonal")
    'asserted'
    """
    questions = [bool(re.search(r"\?", part)) for part in re.split(CLAUSE_BREAKS, str(text))]
    states = []
    for index, words in enumerate(_clauses(text)):
        question = questions[index] if index < len(questions) else False
        for phrase in _alternatives(term):
            for start in _find(words, phrase):
                end = start + len(phrase)
                if _negated(words, start):
                    states.append("negated")
                elif _hedged(words, start, end, question):
                    states.append("hedged")
                else:
                    states.append("asserted")
    if not states:
        return "absent"
    return "asserted" if "asserted" in states else ("negated" if "negated" in states else "hedged")


def grade_text(key: TextKey, given: str) -> TextGrade:
    """Credit for a text answer by the rules of the module docstring."""
    if _whole_phrase(key, given):
        return TextGrade(True, Fraction(1))
    competing = [term for term in key.reject if classify(given, term) == "asserted"]
    if competing:
        shown = competing[0].split("|")[0]
        return TextGrade(False, Fraction(0), f"names '{shown}', which is not the answer ({key.model})")
    if not key.keywords:
        state = classify(given, key.model)
        if state == "asserted":  # the answer and more: 'softmax (or sigmoid?)'
            state = "hedged" if re.search(r"\bor\b|\?", str(given)) else "more"
        said = {"hedged": f"hedged: '{_bare(given)}' commits to no one answer",
                "negated": f"'{key.model}' is negated",
                "more": f"more than the answer ({key.model}); write it alone"}
        return TextGrade(False, Fraction(0), said.get(state, f"the answer is {key.model}"))
    states = {term: classify(given, term) for term in key.keywords}
    asserted = tuple(t.split("|")[0] for t, s in states.items() if s == "asserted")
    cancelled = [(t.split("|")[0], s) for t, s in states.items() if s in ("negated", "hedged")]
    note_parts = []
    if asserted:
        note_parts.append("key words: " + ", ".join(asserted))
    if cancelled:
        note_parts.append("; ".join(f"'{t}' is {s}" for t, s in cancelled))
    share = Fraction(len(asserted), len(key.keywords))
    near = [term.split("|")[0] for term in key.weaker if classify(given, term) == "asserted"]
    if near and share:
        share /= 2
        note_parts.append(f"'{near[0]}' is close to the answer ({key.model}) but not it: half the credit")
    if not note_parts:
        note_parts.append(f"the answer is {key.model}")
    return TextGrade(share == 1, share, "; ".join(note_parts), asserted)


__all__ = ["TextKey", "TextGrade", "grade_text", "classify", "normalize_text"]


# --------------------------------------------------------------------------- computed answers (a kernel's feature)

#: Words that name a feature's orientation, and the phrases a student may use for each.
ORIENTATIONS = {
    "horizontal": "horizontal|horizontally|sideways",
    "vertical": "vertical|vertically|upright",
    "bottom-left to top-right": "bottom left to top right|lower left to upper right|anti diagonal|antidiagonal|"
                                "rising diagonal|ascending diagonal|45 degree|45 degrees|diagonal",
    "top-left to bottom-right": "top left to bottom right|upper left to lower right|main diagonal|"
                                "falling diagonal|descending diagonal|135 degree|135 degrees|diagonal",
}
#: What kind of pattern a feature is, and the words a student may use for it.
OBJECTS = {
    "line": "line|lines|stripe|stripes|bar|bars",
    "edge": "edge|edges|boundary|boundaries|transition|gradient|derivative",
    "frame": "frame|ring|border|surround|hollow|frame with no centre|frame with no center",
    "point": "point|points|dot|spot|blob|pixel",
    "blur": "blur|blurring|average|averaging|mean|smooth|smoothing|low pass",
    "laplacian": "laplacian|laplace|second derivative",
    "sharpen": "sharpen|sharpening|unsharp",
}


def computed_key(report: KernelReport, accept: tuple = (), keywords: tuple = (), reject: tuple = ()) -> TextKey:
    """The text key of an answer the engine computed (what a kernel detects): its name
    and synonyms are accepted whole, its orientation and kind of pattern are the key
    words, another orientation or another kind of pattern is a competing answer.

    >>> from cnncalc.kernel import describe_kernel
    >>> key = computed_key(describe_kernel("-20 -10 0 5 10; -10 0 5 10 5; 0 5 10 5 0; 5 10 5 0 -10; 10 5 0 -10 -20"))
    >>> grade_text(key, "line from bottom-left to top-right").correct, grade_text(key, "top-left to bottom-right line").correct
    (True, False)
    """
    name = str(report.name).lower()
    orientation = next((o for o in ORIENTATIONS if o in name), None)
    kind = next((k for k in OBJECTS if k in name or (k == "blur" and "mean" in name)), None)
    # the orientation is the key word where there is one ("diagonal" names F3), else the kind of pattern
    words: list[str] = [ORIENTATIONS[orientation]] if orientation else ([OBJECTS[kind]] if kind else [])
    competing: list[str] = []
    if orientation:
        own = set(ORIENTATIONS[orientation].split("|"))
        for other, phrases in ORIENTATIONS.items():
            if other != orientation:
                competing.append("|".join(p for p in phrases.split("|") if p not in own))
    weaker: list[str] = []
    if kind:
        related = {"line": ("edge",), "edge": ("line",), "frame": ("point", "laplacian"), "point": ("frame",),
                   "laplacian": ("frame", "point", "edge"), "blur": (), "sharpen": ()}.get(kind, ())
        competing += [OBJECTS[o] for o in OBJECTS if o != kind and o not in related]
        weaker += [OBJECTS[o] for o in related if orientation]  # a horizontal edge for a horizontal line
    return TextKey(str(report.name), tuple(report.accepted) + tuple(accept),
                   tuple(keywords) or tuple(words), tuple(reject) + tuple(c for c in competing if c), tuple(weaker))
