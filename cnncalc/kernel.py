"""What a kernel detects, computed: probe it with canonical patterns.

A kernel slid over an image (cross-correlation, as torch computes) answers
most strongly where the image looks like the kernel.  This module makes that
precise.  Every probe is a pattern of the kernel's own size (a bright line,
an edge, a point, a frame, a flat patch, a gradient); its **response** is the
output the layer would give on it, sum(k * p), exactly.  Because a kernel's
sum adds the same amount to every probe, the feature is named from the
kernel's **zero-mean part** (k minus its mean): the probe whose own zero-mean
part points the same way (the largest cosine, computed exactly as a signed
squared cosine) names the feature.  Classical kernels (mean, Gaussian, Sobel,
Prewitt, Scharr, Laplacian, sharpen, identity) are recognised exactly, up to
a positive factor.

The exercise sheet's three kernels (000, Question 1) come out as the sheet
says:

>>> describe_kernel("-10 -10 -10; 5 5 5; -10 -10 -10").name
'thin horizontal line'
>>> describe_kernel("2 2 2; 2 -12 2; 2 2 2").name
'frame with no centre'
>>> describe_kernel("-20 -10 0 5 10; -10 0 5 10 5; 0 5 10 5 0; 5 10 5 0 -10; 10 5 0 -10 -20").name
'diagonal line from bottom-left to top-right'
>>> r = describe_kernel("1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9")
>>> r.name, r.total, r.preserves_brightness
('mean filter (blur)', 1, True)
>>> describe_kernel("1 0 -1; 2 0 -2; 1 0 -1").name
'vertical edge (Sobel)'

The vocabulary (:data:`FEATURES`) is public: a grader compares a student's
words with :attr:`KernelReport.accepted` (the name and its synonyms) and
recognises a wrong but known feature from :attr:`KernelReport.competing`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from .errors import InputError
from .readers import MatrixSource, read_matrix

Grid = tuple[tuple[Fraction, ...], ...]  # rows of exact values

# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Feature:
    """One feature name of the vocabulary and the phrases that mean the same."""

    name: str
    synonyms: tuple
    description: str


def _feature(name: str, description: str, *synonyms: str) -> Feature:
    return Feature(name, tuple(synonyms), description)


FEATURES: dict[str, Feature] = {f.name: f for f in (
    _feature("thin horizontal line", "a bright line one pixel high across the window",
             "horizontal line", "horizontal lines", "a horizontal line", "thin horizontal lines",
             "bright horizontal line", "horizontal stripe", "horizontal bar", "horizontal line detector"),
    _feature("thin vertical line", "a bright line one pixel wide down the window",
             "vertical line", "vertical lines", "a vertical line", "thin vertical lines", "bright vertical line",
             "vertical stripe", "vertical bar", "vertical line detector"),
    _feature("diagonal line from top-left to bottom-right", "a bright line along the main diagonal",
             "diagonal line", "diagonal lines", "a diagonal line", "main diagonal", "main diagonal line",
             "descending diagonal", "falling diagonal line", "diagonal line top left to bottom right"),
    _feature("diagonal line from bottom-left to top-right", "a bright line along the anti-diagonal",
             "diagonal line", "diagonal lines", "a diagonal line", "anti-diagonal", "anti-diagonal line",
             "antidiagonal line", "ascending diagonal", "rising diagonal line",
             "diagonal line bottom left to top right"),
    _feature("thin dark horizontal line", "a dark line one pixel high on a bright background",
             "dark horizontal line", "horizontal line", "horizontal gap"),
    _feature("thin dark vertical line", "a dark line one pixel wide on a bright background",
             "dark vertical line", "vertical line", "vertical gap"),
    _feature("dark diagonal line from top-left to bottom-right", "a dark line along the main diagonal",
             "dark diagonal line", "diagonal line"),
    _feature("dark diagonal line from bottom-left to top-right", "a dark line along the anti-diagonal",
             "dark diagonal line", "diagonal line", "dark anti-diagonal line"),
    _feature("horizontal edge", "a change of brightness between the top and the bottom of the window",
             "horizontal edges", "a horizontal edge", "horizontal edge detector", "edge", "edges"),
    _feature("vertical edge", "a change of brightness between the left and the right of the window",
             "vertical edges", "a vertical edge", "vertical edge detector", "edge", "edges"),
    _feature("diagonal edge from top-left to bottom-right", "a change of brightness across the main diagonal",
             "diagonal edge", "diagonal edges", "edge", "edges"),
    _feature("diagonal edge from bottom-left to top-right", "a change of brightness across the anti-diagonal",
             "diagonal edge", "diagonal edges", "edge", "edges"),
    _feature("horizontal edge (Sobel)", "Sobel's derivative from top to bottom, smoothed across",
             "horizontal edge", "horizontal edges", "sobel", "sobel filter", "vertical gradient", "edge", "edges"),
    _feature("vertical edge (Sobel)", "Sobel's derivative from left to right, smoothed along",
             "vertical edge", "vertical edges", "sobel", "sobel filter", "horizontal gradient", "edge", "edges"),
    _feature("horizontal edge (Prewitt)", "Prewitt's derivative from top to bottom",
             "horizontal edge", "horizontal edges", "prewitt", "prewitt filter", "edge", "edges"),
    _feature("vertical edge (Prewitt)", "Prewitt's derivative from left to right",
             "vertical edge", "vertical edges", "prewitt", "prewitt filter", "edge", "edges"),
    _feature("horizontal edge (Scharr)", "Scharr's derivative from top to bottom",
             "horizontal edge", "horizontal edges", "scharr", "edge", "edges"),
    _feature("vertical edge (Scharr)", "Scharr's derivative from left to right",
             "vertical edge", "vertical edges", "scharr", "edge", "edges"),
    _feature("bright point", "one bright pixel on a dark surround",
             "point", "a point", "isolated point", "bright spot", "spot", "dot", "blob", "point detector",
             "bright pixel"),
    _feature("frame with no centre", "a bright frame around a dark centre (a dark point)",
             "frame with no center", "frame without centre", "frame without center", "a frame with no centre",
             "a frame with no center", "frame", "ring", "ring without centre", "ring without center", "border",
             "dark point", "dark spot", "hole", "surround"),
    _feature("Laplacian", "the second derivative in both directions: edges and points in every direction",
             "laplacian", "laplace", "laplacian filter", "laplace filter", "second derivative", "edges in all directions",
             "blob detector", "edge"),
    _feature("Laplacian (8-neighbour)", "the second derivative including the diagonals",
             "laplacian", "laplace", "laplacian filter", "frame with no centre", "frame with no center",
             "second derivative", "edges in all directions"),
    _feature("mean filter (blur)", "the average of the window: a blur that removes noise",
             "mean filter", "mean", "average filter", "averaging filter", "average", "box filter", "box blur", "blur",
             "blurring", "smoothing", "moving average", "moving average filter", "low pass filter", "noise removal"),
    _feature("weighted blur (Gaussian)", "a weighted average, heaviest in the centre",
             "gaussian blur", "gaussian filter", "gaussian", "weighted average", "blur", "blurring", "smoothing",
             "low pass filter"),
    _feature("weighted average (blur)", "a weighted average of the window with positive weights",
             "weighted average", "blur", "blurring", "smoothing", "low pass filter"),
    _feature("sharpen", "the pixel minus the Laplacian: sharpens edges", "sharpening", "sharpen filter",
             "sharpening filter", "unsharp"),
    _feature("identity", "copies the centre pixel", "identity filter", "copy", "no change", "bright point"),
    _feature("brightness gradient from left to right", "brightness rising steadily from left to right",
             "horizontal gradient", "gradient", "ramp"),
    _feature("brightness gradient from top to bottom", "brightness rising steadily from top to bottom",
             "vertical gradient", "gradient", "ramp"),
    _feature("flat patch", "responds to every patch alike", "flat", "constant", "uniform"),
    _feature("no single pattern", "no probe explains the kernel well"),
    _feature("zero kernel", "every weight is 0: no response", "zero", "nothing"),
)}


def vocabulary() -> tuple[str, ...]:
    """Every feature name a report can give.

    >>> 'thin horizontal line' in vocabulary()
    True
    """
    return tuple(FEATURES)


# --------------------------------------------------------------------------- probes


@dataclass(frozen=True)
class Probe:
    """A canonical pattern of the kernel's size (values 0..1, bright = 1) and
    the feature names of a positive and a negative match."""

    pattern: str
    cells: tuple  # rows of Fractions
    positive: str
    negative: str


@dataclass(frozen=True)
class ProbeResponse:
    """A probe's exact response sum(k * p) and its signed squared cosine with
    the kernel (zero-mean parts), from -1 to 1."""

    pattern: str
    response: int | Fraction
    match: Fraction | None  # None: the probe or the kernel is flat (no zero-mean part)

    @property
    def similarity(self) -> float | None:
        """The cosine, as a decimal for display (the exact value is ``match``, its signed square)."""
        if self.match is None:
            return None
        return math.copysign(math.sqrt(abs(self.match)), self.match)


def _grid(h: int, w: int, rule: Callable[[int, int], int | Fraction]) -> Grid:
    return tuple(tuple(Fraction(rule(i, j)) for j in range(w)) for i in range(h))


def _side(value: Fraction) -> Fraction:
    """1 on the bright side of an edge, 1/2 on it, 0 on the dark side."""
    return Fraction(1) if value > 0 else Fraction(1, 2) if value == 0 else Fraction(0)


def probes(h: int, w: int) -> tuple[Probe, ...]:
    """The canonical patterns of an h x w window.  Positions are measured from
    the centre in units of the half-size, so diagonals run corner to corner of
    a rectangle too.

    >>> [p.pattern for p in probes(3, 3)][:4]
    ['horizontal line', 'vertical line', 'diagonal line \\\\', 'diagonal line /']
    >>> probes(3, 3)[0].cells[1]
    (Fraction(1, 1), Fraction(1, 1), Fraction(1, 1))
    """
    ci, cj = Fraction(h - 1, 2), Fraction(w - 1, 2)

    def y(i: int) -> Fraction:  # -1 at the top row, 1 at the bottom row
        return (i - ci) / ci if ci else Fraction(0)

    def x(j: int) -> Fraction:
        return (j - cj) / cj if cj else Fraction(0)

    near = Fraction(1, 2 * max(h, w, 2))  # half a cell: a line one pixel wide

    def on_line(d: Fraction) -> int:
        return 1 if abs(d) <= near * 2 else 0

    return (
        Probe("horizontal line", _grid(h, w, lambda i, j: on_line(y(i))), "thin horizontal line",
              "thin dark horizontal line"),
        Probe("vertical line", _grid(h, w, lambda i, j: on_line(x(j))), "thin vertical line",
              "thin dark vertical line"),
        Probe("diagonal line \\", _grid(h, w, lambda i, j: on_line(y(i) - x(j))),
              "diagonal line from top-left to bottom-right", "dark diagonal line from top-left to bottom-right"),
        Probe("diagonal line /", _grid(h, w, lambda i, j: on_line(y(i) + x(j))),
              "diagonal line from bottom-left to top-right", "dark diagonal line from bottom-left to top-right"),
        Probe("horizontal edge (bright below)", _grid(h, w, lambda i, j: _side(y(i))), "horizontal edge",
              "horizontal edge"),
        Probe("vertical edge (bright right)", _grid(h, w, lambda i, j: _side(x(j))), "vertical edge",
              "vertical edge"),
        Probe("diagonal edge \\ (bright lower-left)", _grid(h, w, lambda i, j: _side(y(i) - x(j))),
              "diagonal edge from top-left to bottom-right", "diagonal edge from top-left to bottom-right"),
        Probe("diagonal edge / (bright lower-right)", _grid(h, w, lambda i, j: _side(y(i) + x(j))),
              "diagonal edge from bottom-left to top-right", "diagonal edge from bottom-left to top-right"),
        Probe("bright point", _grid(h, w, lambda i, j: int(i == h // 2 and j == w // 2 and h % 2 and w % 2)),
              "bright point", "frame with no centre"),
        Probe("frame (no centre)", _grid(h, w, lambda i, j: int(i in (0, h - 1) or j in (0, w - 1))),
              "frame with no centre", "bright point"),
        Probe("flat patch", _grid(h, w, lambda i, j: 1), "flat patch", "flat patch"),
        Probe("gradient left to right", _grid(h, w, lambda i, j: Fraction(j, w - 1) if w > 1 else 0),
              "brightness gradient from left to right", "brightness gradient from left to right"),
        Probe("gradient top to bottom", _grid(h, w, lambda i, j: Fraction(i, h - 1) if h > 1 else 0),
              "brightness gradient from top to bottom", "brightness gradient from top to bottom"),
    )


# --------------------------------------------------------------------------- classical kernels

_CLASSICAL = (
    ("vertical edge (Sobel)", ((1, 0, -1), (2, 0, -2), (1, 0, -1))),
    ("horizontal edge (Sobel)", ((1, 2, 1), (0, 0, 0), (-1, -2, -1))),
    ("vertical edge (Scharr)", ((3, 0, -3), (10, 0, -10), (3, 0, -3))),
    ("horizontal edge (Scharr)", ((3, 10, 3), (0, 0, 0), (-3, -10, -3))),
    ("vertical edge (Prewitt)", ((1, 0, -1), (1, 0, -1), (1, 0, -1))),
    ("horizontal edge (Prewitt)", ((1, 1, 1), (0, 0, 0), (-1, -1, -1))),
    ("Laplacian", ((0, 1, 0), (1, -4, 1), (0, 1, 0))),
    ("Laplacian (8-neighbour)", ((1, 1, 1), (1, -8, 1), (1, 1, 1))),
    ("sharpen", ((0, -1, 0), (-1, 5, -1), (0, -1, 0))),
    ("weighted blur (Gaussian)", ((1, 2, 1), (2, 4, 2), (1, 2, 1))),
)
# derivative filters come in both signs; the sign says which side is bright
_EITHER_SIGN = {"vertical edge (Sobel)", "horizontal edge (Sobel)", "vertical edge (Scharr)",
                "horizontal edge (Scharr)", "vertical edge (Prewitt)", "horizontal edge (Prewitt)", "Laplacian",
                "Laplacian (8-neighbour)"}


def _classical(cells: tuple) -> tuple[str, int] | None:
    """(name, sign) when the kernel is a classical one times a non-zero factor."""
    h, w = len(cells), len(cells[0])
    for name, table in _CLASSICAL:
        if (h, w) != (len(table), len(table[0])):
            continue
        pairs = [(k, t) for row_k, row_t in zip(cells, table) for k, t in zip(row_k, row_t)]
        if any((k == 0) != (t == 0) for k, t in pairs):
            continue
        ratio = next(k / t for k, t in pairs if t != 0)
        if all(k == ratio * t for k, t in pairs) and (ratio > 0 or name in _EITHER_SIGN):
            return name, 1 if ratio > 0 else -1
    return None


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class KernelReport:
    """What a kernel detects.

    ``name`` is one entry of :data:`FEATURES`; ``accepted`` holds it and its
    synonyms (what a grader accepts), ``competing`` the other names of the
    vocabulary that are not accepted.  ``responses`` are the probes' exact
    outputs and matches; ``symmetries`` the mirror and rotation symmetries
    that hold; ``total`` the sum of the weights (1 keeps the brightness, 0
    ignores flat regions); ``notes`` say why the name was chosen.
    """

    kernel: tuple  # rows of exact values
    name: str
    reason: str
    responses: tuple  # ProbeResponse
    strongest: str  # the probe with the largest response
    symmetries: tuple
    total: int | Fraction
    notes: tuple

    @property
    def feature(self) -> Feature:
        return FEATURES[self.name]

    @property
    def synonyms(self) -> tuple:
        return self.feature.synonyms

    @property
    def accepted(self) -> tuple:
        """The name and every phrase that means it."""
        return (self.name,) + self.synonyms

    @property
    def competing(self) -> tuple:
        """Other feature names of the vocabulary that a grader should not accept."""
        mine = {plain_phrase(p) for p in self.accepted}
        return tuple(n for n in FEATURES if plain_phrase(n) not in mine and n not in ("no single pattern", "zero kernel"))

    @property
    def preserves_brightness(self) -> bool:
        return self.total == 1

    @property
    def shape(self) -> tuple:
        return (len(self.kernel), len(self.kernel[0]))

    def accepts(self, text: str) -> bool:
        """Whether ``text`` names this feature: case, punctuation, articles,
        plurals and centre/center ignored.

        >>> describe_kernel("-10 -10 -10; 5 5 5; -10 -10 -10").accepts("A THIN horizontal-line!")
        True
        """
        return plain_phrase(text) in {plain_phrase(p) for p in self.accepted}

    def judge(self, text: str) -> str:
        """'accepted', 'competing' (names another feature of the vocabulary) or 'unknown'.

        >>> describe_kernel("-10 -10 -10; 5 5 5; -10 -10 -10").judge("vertical lines")
        'competing'
        """
        if self.accepts(text):
            return "accepted"
        words = plain_phrase(text)
        for name in self.competing:
            if words in {plain_phrase(p) for p in (name,) + FEATURES[name].synonyms}:
                return "competing"
        return "unknown"

    def summary(self) -> str:
        """One line: the name and the reason."""
        return f"{self.name}: {self.reason}"


_ARTICLES = {"a", "an", "the"}


def plain_phrase(text: str) -> str:
    """A phrase reduced for comparison: lower case, words only, no articles,
    singular, 'centre' as 'center'.

    >>> plain_phrase("A frame with no Centre!"), plain_phrase("thin horizontal lines")
    ('frame with no center', 'thin horizontal line')
    """
    words = "".join(c if c.isalnum() else " " for c in str(text).lower()).split()
    out = []
    for word in words:
        if word in _ARTICLES:
            continue
        if word == "centre":
            word = "center"
        elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return " ".join(out)


def _cells(kernel: MatrixSource) -> Grid:
    matrix = read_matrix(kernel, "kernel")
    if matrix.is_symbolic:
        raise InputError("the kernel has symbols; give numbers (e.g. -1 0 1) to probe what it detects")
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    if matrix.ndim != 2:
        raise InputError(f"kernel of shape {'x'.join(map(str, matrix.shape))} has channels; give one 2-D kernel "
                         f"(kh x kw), e.g. one channel of a filter")
    return tuple(tuple(Fraction(v) for v in row) for row in matrix.tolist())


def _centred(cells: tuple) -> tuple[list, Fraction]:
    flat = [v for row in cells for v in row]
    mean = sum(flat, Fraction(0)) / len(flat)
    return [v - mean for v in flat], mean


def _dot(a: Sequence[Fraction], b: Sequence[Fraction]) -> Fraction:
    return sum((x * y for x, y in zip(a, b)), Fraction(0))


def _symmetries(cells: tuple) -> tuple:
    h, w = len(cells), len(cells[0])
    k = cells

    def same(f: Callable[[int, int], Fraction], sign: int = 1) -> bool:
        return all(k[i][j] == sign * f(i, j) for i in range(h) for j in range(w))

    found = []
    checks: list[tuple[str, Callable[[int, int], Fraction]]] = [
        ("mirror left-right", lambda i, j: k[i][w - 1 - j]),
        ("mirror top-bottom", lambda i, j: k[h - 1 - i][j]),
        ("rotation by 180 degrees", lambda i, j: k[h - 1 - i][w - 1 - j]),
    ]
    if h == w:
        checks += [
            ("mirror in the main diagonal", lambda i, j: k[j][i]),
            ("mirror in the anti-diagonal", lambda i, j: k[w - 1 - j][h - 1 - i]),
            ("rotation by 90 degrees", lambda i, j: k[w - 1 - j][i]),
        ]
    for name, f in checks:
        if same(f):
            found.append(name)
        elif same(f, -1) and any(v != 0 for row in k for v in row):
            found.append(f"{name} with the sign changed")
    return tuple(found)


MATCH_THRESHOLD = Fraction(1, 4)  # a cosine of 1/2: weaker matches name no single pattern


def describe_kernel(kernel: MatrixSource) -> KernelReport:
    """Probe ``kernel`` (a typed matrix, nested lists or an :class:`~cnncalc.values.Exact`)
    and name the feature it detects.  See the module docstring."""
    cells = _cells(kernel)
    h, w = len(cells), len(cells[0])
    flat = [v for row in cells for v in row]
    total = sum(flat, Fraction(0))
    centred, mean = _centred(cells)
    energy = _dot(centred, centred)
    responses = []
    for probe in probes(h, w):
        p_flat = [v for row in probe.cells for v in row]
        response = _dot(flat, p_flat)
        p_centred, _ = _centred(probe.cells)
        p_energy = _dot(p_centred, p_centred)
        match = None
        if p_energy and energy:
            d = _dot(centred, p_centred)
            match = (1 if d >= 0 else -1) * d * d / (energy * p_energy)
        responses.append((probe, ProbeResponse(probe.pattern, _norm(response), match)))
    strongest = max(responses, key=lambda pr: pr[1].response)[1].pattern
    notes = [f"{_text(total)} ("
             + ("the mean brightness is kept" if total == 1 else
                "flat regions give 0: a detector of changes" if total == 0 else
                f"a flat patch of brightness b gives {_text(total)} x b") + ")"]
    name, reason = _name(cells, flat, total, mean, energy, responses)
    return KernelReport(tuple(tuple(_norm(v) for v in row) for row in cells), name, reason,
                        tuple(r for _, r in responses), strongest, _symmetries(cells), _norm(total), tuple(notes))


def _name(cells: Grid, flat: list[Fraction], total: Fraction, mean: Fraction, energy: Fraction,
          responses: list[tuple[Probe, ProbeResponse]]) -> tuple[str, str]:
    if all(v == 0 for v in flat):
        return "zero kernel", "every weight is 0"
    classical = _classical(cells)
    if classical is not None:
        name, sign = classical
        side = ""
        if "edge" in name:
            bright = ("left" if sign > 0 else "right") if name.startswith("vertical") else ("top" if sign > 0 else "bottom")
            side = f"; positive where the {bright} side is brighter (cross-correlation)"
        return name, f"the classical kernel times {'a positive' if sign > 0 else 'a negative'} factor{side}"
    if energy == 0:  # every weight equal
        if mean > 0:
            return "mean filter (blur)", f"every weight is {_text(mean)}: the average of the window" + (
                "" if total == 1 else f" times {_text(total)}")
        return "mean filter (blur)", f"every weight is {_text(mean)}: minus {_text(-total)} times the average"
    h, w = len(cells), len(cells[0])
    centre_only = h % 2 and w % 2 and all(v == 0 for i, row in enumerate(cells) for j, v in enumerate(row)
                                         if (i, j) != (h // 2, w // 2))
    if centre_only:
        return "identity", "only the centre weight is non-zero: the output copies the centre pixel" + (
            "" if total == 1 else f" times {_text(total)}")
    if all(v >= 0 for v in flat):
        centre = cells[h // 2][w // 2] if h % 2 and w % 2 else None
        if centre is not None and centre == max(flat) and "rotation by 180 degrees" in _symmetries(cells):
            return "weighted blur (Gaussian)", "positive weights, heaviest in the centre: a weighted average"
        return "weighted average (blur)", "positive weights: a weighted average of the window"
    # the largest |cosine| wins; on a tie (3x3: the gradient is the edge, the frame the
    # inverted point) a positive match, then the earlier probe
    ranked = sorted(((i, pr) for i, pr in enumerate(responses) if pr[1].match is not None),
                    key=lambda ipr: (-abs(ipr[1][1].match or 0), (ipr[1][1].match or 0) < 0, ipr[0]))
    probe, best = ranked[0][1]
    match = best.match
    assert match is not None  # ranked holds the probes with a match
    if abs(match) < MATCH_THRESHOLD:
        return "no single pattern", (f"the closest probe, {probe.pattern}, explains only "
                                     f"{float(abs(match)):.0%} of the kernel's variation")
    name = probe.positive if match > 0 else probe.negative
    share = f"{float(abs(match)):.0%}"
    exact = " (exactly, up to a factor and a constant)" if abs(match) == 1 else ""
    changed = "" if match > 0 else " with the sign changed"
    return name, f"its zero-mean part is closest to the {probe.pattern} probe{changed}{exact}: cosine² {share}"


def _norm(value: Fraction) -> int | Fraction:
    return value.numerator if value.denominator == 1 else value


def _text(value: int | Fraction) -> str:
    value = _norm(Fraction(value))
    return str(value)


__all__ = ["describe_kernel", "plain_phrase", "KernelReport", "ProbeResponse", "Probe", "Feature", "FEATURES", "probes",
           "vocabulary", "MATCH_THRESHOLD"]
