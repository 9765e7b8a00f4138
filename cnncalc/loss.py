"""Losses, exactly: cross-entropy, negative log-likelihood, binary
cross-entropy and mean squared error, as torch defines them.

Lecture 003's multiclass classification: the last layer is a softmax,
lambda_k = e^(z_k) / sum_k' e^(z_k'), and the cross-entropy of one example with
a one-hot target y is l = -sum_k y_k log(lambda_k).  For a class index t this
is log(sum_k e^(z_k)) - z_t, which is what torch's ``CrossEntropyLoss`` computes
from the logits z.  The loss of a batch is the mean of its examples' losses
(``reduction='sum'``: their sum).

>>> r = loss("cross-entropy", "1 2 3", target="2")
>>> r.text
'log(e + e^2 + e^3) - 3'
>>> r.approx(10)
'0.4076059644'
>>> loss("mse", "1 2 3", target="1 1 1").total
Fraction(5, 3)
>>> loss("nll", "-1/2 -3/2; -2 -1/4", target="0 1").total    # NLLLoss takes log-probabilities
Fraction(3, 8)

Each result keeps every step: the probabilities, each example's loss and the
prediction (the argmax).  Values are exact sympy expressions (or Fractions
where no exp or log appears); decimals are shown on request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, get_args

from .errors import InputError, ShapeError
from .expr import Value
from .rationals import to_sympy
from .readers import MatrixSource, read_matrix
from .values import Exact

Rows = list[list[Fraction]]  # one row of exact values per example

LossKind = Literal["cross-entropy", "nll", "bce", "mse"]
#: The losses :func:`loss` computes (``cnncalc loss --kind``).
KINDS: tuple[LossKind, ...] = get_args(LossKind)
ALIASES = {"ce": "cross-entropy", "crossentropy": "cross-entropy", "cross_entropy": "cross-entropy",
           "categorical-cross-entropy": "cross-entropy", "nllloss": "nll", "negative-log-likelihood": "nll",
           "binary-cross-entropy": "bce", "bceloss": "bce", "mean-squared-error": "mse", "mseloss": "mse"}
Reduction = Literal["mean", "sum"]
#: How a batch's losses become one: their mean (torch's default) or their sum.
REDUCTIONS: tuple[Reduction, ...] = get_args(Reduction)
InputKind = Literal["logits", "probabilities", "log-probabilities"]
#: What the rows of a loss's input are.
INPUTS: tuple[InputKind, ...] = get_args(InputKind)
DEFAULT_INPUT = {"cross-entropy": "logits", "nll": "log-probabilities", "bce": "probabilities", "mse": "values"}


@dataclass(frozen=True)
class Example:
    """One example (row): its target, its loss and the prediction."""

    target: tuple  # class index (as one value) or the target vector
    loss: Value  # exact: Fraction, int or sympy expression
    text: str  # the loss as a student writes it: log(e + e^2 + e^3) - 3
    probabilities: tuple  # softmax / sigmoid of the row where the loss uses them (exact), else ()
    prediction: int | tuple[int, ...] | None  # predicted class index, or a 0/1 vector for bce, or None for mse
    correct: bool | None


@dataclass(frozen=True)
class LossResult:
    kind: str
    input_kind: str
    reduction: str
    rows: tuple  # rows of exact input values
    examples: tuple  # Example
    total: Value  # exact
    text: str
    formula: str
    one_based: bool = False

    def approx(self, digits: int = 10) -> str:
        """The total as a decimal with ``digits`` significant digits."""
        return decimal(self.total, digits)

    @property
    def exact(self) -> bool:
        """Whether the total is a rational number (no log or exp left)."""
        return isinstance(self.total, (int, Fraction))

    def steps(self, digits: int = 10) -> tuple:
        """The derivation, one line per step."""
        out = [self.formula]
        base = 1 if self.one_based else 0
        for i, ex in enumerate(self.examples, 1):
            where = f"example {i}: " if len(self.examples) > 1 else ""
            if ex.probabilities:
                name = "sigmoid" if self.kind == "bce" else "softmax"
                out.append(f"{where}{name} = (" + ", ".join(_short(p, digits) for p in ex.probabilities) + ")")
            simpler = _plain(ex.loss)
            value = f" = {simpler}" if len(simpler) < len(ex.text) else ""
            out.append(f"{where}l = {ex.text}{value} ≈ {decimal(ex.loss, digits)}")
            if ex.prediction is not None and self.kind in ("cross-entropy", "nll"):
                verdict = "" if ex.correct is None else (" (correct)" if ex.correct else " (wrong)")
                tc = _target_class(ex.target)
                wanted = f"target class {tc + base}" if tc is not None else "the target is a distribution"
                out.append(f"{where}prediction argmax = class {ex.prediction + base}, {wanted}{verdict}")
        if len(self.examples) > 1:
            out.append(f"L = {self.text} ≈ {self.approx(digits)}")
        return tuple(out)


def decimal(value: Value, digits: int = 10) -> str:
    """Exact value -> a decimal string with ``digits`` significant digits."""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Fraction):
        return f"{float(value):.{digits}g}"
    return str(value.evalf(digits))


def _short(value: Value, digits: int) -> str:
    if isinstance(value, (int, Fraction)):
        return str(value)
    return f"{_plain(value)} ≈ {decimal(value, min(digits, 6))}"


def _plain(value: Value) -> str:
    """An exact value as text: e for exp(1), ^ for powers."""
    if isinstance(value, (int, Fraction)):
        return str(value)
    text = str(value).replace("**", "^")
    import re

    text = re.sub(r"\bE\b", "e", text)
    return re.sub(r"exp\(([^()]+)\)", lambda m: f"e^{m.group(1)}" if _atomic(m.group(1)) else f"e^({m.group(1)})", text)


def _atomic(text: str) -> bool:
    return text.lstrip("-").replace(".", "").isalnum()


def _join(texts: list[str]) -> str:
    """Terms joined with + and -: ["-log(4/5)", "-log(3/5)"] -> "-log(4/5) - log(3/5)"."""
    out = texts[0]
    for t in texts[1:]:
        out += f" - {t[1:]}" if t.startswith("-") and not t.startswith("-(") else f" + {t}"
    return out


def _target_class(target: tuple) -> int | None:
    if len(target) == 1:
        return target[0]
    ones = [i for i, v in enumerate(target) if v == 1]
    return ones[0] if len(ones) == 1 and sum(target) == 1 else None


def _exp_text(z: int | Fraction) -> str:
    """e^z as a student writes it: 1, e, e^2, e^-1, e^(1/2)."""
    if z == 0:
        return "1"
    if z == 1:
        return "e"
    if isinstance(z, int) or (isinstance(z, Fraction) and z.denominator == 1):
        return f"e^{z}"
    return f"e^({z})"


def _minus(value: int | Fraction) -> str:
    if value == 0:
        return ""
    return f" - {value}" if value > 0 else f" + {-value}"


def _rows(matrix: Exact, name: str) -> Rows:
    if matrix.is_symbolic:
        raise InputError(f"the {name} has symbols; give numbers such as 1 2 3 (names are not supported in losses yet)")
    values = matrix.tolist()
    if matrix.ndim == 0:
        values = [[values]]
    elif matrix.ndim == 1:
        values = [values]
    elif matrix.ndim != 2:
        raise ShapeError(f"the {name} has shape {'x'.join(map(str, matrix.shape))}; give one row per example "
                         f"(examples x classes)")
    return [[Fraction(v) for v in row] for row in values]


def _norm(value: Value) -> Value:
    if isinstance(value, Fraction) and value.denominator == 1:
        return value.numerator
    if not isinstance(value, (int, Fraction)) and getattr(value, "is_Rational", False):  # sympy (only with exp/log)
        return _norm(Fraction(int(value.p), int(value.q)))
    return value


def _argmax(row: Sequence[Fraction]) -> int:
    best = 0
    for i, v in enumerate(row):
        if v > row[best]:
            best = i
    return best


def _class_targets(target_rows: Rows, n_rows: int, n_classes: int, one_based: bool) -> list[int] | None:
    """Class indices (one per row) or None when the target is a vector per row."""
    flat = [v for row in target_rows for v in row]
    if len(target_rows) == 1 and len(flat) == n_rows and not (n_rows == 1 and n_classes == 1):
        base = 1 if one_based else 0
        classes = []
        for v in flat:
            if Fraction(v).denominator != 1 or not base <= v < n_classes + base:
                raise InputError(f"target class {v} is not one of {base}..{n_classes - 1 + base}; give a class index "
                                 f"per example (counted from {base}{'' if one_based else ', as torch'}) or one row per "
                                 f"example of {n_classes} target values")
            classes.append(int(v) - base)
        return classes
    if [len(r) for r in target_rows] == [n_classes] * n_rows and len(target_rows) == n_rows:
        return None
    raise ShapeError(f"the target has {len(flat)} value{'s' * (len(flat) != 1)} for {n_rows} example"
                     f"{'s' * (n_rows != 1)} of {n_classes} classes; give one class index per example, or a "
                     f"{n_rows}x{n_classes} target (one-hot or probabilities)")


def loss(kind: str, input: MatrixSource, target: MatrixSource, *, inputs: str | None = None, reduction: str = "mean",
         one_based: bool = False) -> LossResult:
    """The loss ``kind`` of ``input`` (one row per example) against ``target``.

    ``inputs`` says what the input holds: 'logits' (cross-entropy's default,
    as torch's ``CrossEntropyLoss``; for bce ``BCEWithLogitsLoss``),
    'probabilities' (bce's default, ``BCELoss``; for cross-entropy the
    softmax output) or 'log-probabilities' (nll's, ``NLLLoss``).  ``target``
    is a class index per example (counted from 0 as torch, from 1 with
    ``one_based``) or a row of target values per example (one-hot or a
    distribution; for bce and mse always values).
    """
    name = ALIASES.get(str(kind).lower(), str(kind).lower())
    if name not in KINDS:
        from .errors import did_you_mean

        raise InputError(f"loss '{kind}' is unknown{did_you_mean(kind, KINDS)}; use one of {', '.join(KINDS)}")
    if reduction not in REDUCTIONS:
        raise InputError(f"reduction '{reduction}' is unknown; use mean (torch's default) or sum")
    x = _rows(read_matrix(input, "input"), "input")
    if target is None:
        raise InputError("give the target: --target 2 (a class index) or --target \"0 0 1\" (one-hot)")
    t = _rows(read_matrix(target, "target"), "target")
    input_kind = inputs or DEFAULT_INPUT[name]
    if name == "mse":
        return _mse(x, t, reduction)
    allowed = {"cross-entropy": ("logits", "probabilities"), "nll": ("log-probabilities",),
               "bce": ("probabilities", "logits")}[name]
    if input_kind not in allowed:
        raise InputError(f"{name} takes {' or '.join(allowed)}, not {input_kind}; "
                         + ("apply log-softmax first (cnncalc act log-softmax)" if name == "nll" else
                            f"use --{allowed[0]}" if len(allowed) == 1 else f"use --{allowed[1]} or the default"))
    if name == "bce":
        return _bce(x, t, input_kind, reduction)
    classes = _class_targets(t, len(x), len(x[0]), one_based)
    examples = []
    for i, row in enumerate(x):
        target_row = (classes[i],) if classes is not None else tuple(_norm(v) for v in t[i])
        y = [Fraction(int(j == classes[i])) for j in range(len(row))] if classes is not None else t[i]
        examples.append({"cross-entropy": _ce_row, "nll": _nll_row}[name](row, y, target_row, input_kind))
    return _reduce(name, input_kind, reduction, x, examples, one_based)


def _ce_row(z: list[Fraction], y: list[Fraction], target: tuple, input_kind: str) -> Example:
    import sympy

    if input_kind == "probabilities":
        for p in z:
            if not 0 < p <= 1 and p != 0:
                raise InputError(f"probability {p} is not in 0..1; give probabilities, or logits without --probabilities")
        total = sum(z, Fraction(0))
        if abs(total - 1) > Fraction(1, 20):  # rounded probabilities (0.09 0.24 0.67) sum to about 1, not to 1.1
            raise InputError(f"the probabilities {' '.join(str(_norm(p)) for p in z)} sum to {_norm(total)}, not 1 "
                             "(more than rounding explains); give a softmax output, or logits without --probabilities")
        terms = [(yk, p) for yk, p in zip(y, z) if yk != 0]
        for _yk, p in terms:
            if p == 0:
                raise InputError("a target class has probability 0: the cross-entropy is infinite; "
                                 "give a probability above 0 for every target class")
        value = sympy.Add(*[-to_sympy(yk) * sympy.log(to_sympy(p)) for yk, p in terms])
        text = _join([f"-{_norm(yk)} x log({_norm(p)})" if yk != 1 else f"-log({_norm(p)})" for yk, p in terms])
        prediction = _argmax(z)
        probabilities = ()
    else:
        exps = [sympy.exp(to_sympy(v)) for v in z]
        total = sympy.Add(*exps)
        probabilities = tuple(e / total for e in exps)
        weight = sum(y, Fraction(0))
        dot = sum((yk * zk for yk, zk in zip(y, z)), Fraction(0))
        value = to_sympy(weight) * sympy.log(total) - to_sympy(dot)
        inner = " + ".join(_exp_text(_norm(v)) for v in z)
        log_text = f"log({inner})" if weight == 1 else f"{_norm(weight)} x log({inner})"
        text = (log_text + _minus(_norm(dot))) if weight != 0 else str(_norm(-dot))
        prediction = _argmax(z)
    tc = _target_class(target)
    return Example(target, value, text, probabilities, prediction, None if tc is None else prediction == tc)


def _nll_row(x: list[Fraction], y: list[Fraction], target: tuple, input_kind: str) -> Example:
    value = -sum((yk * xk for yk, xk in zip(y, x)), Fraction(0))
    tc = _target_class(target)
    text = f"-({x[tc]})" if tc is not None and x[tc] < 0 else f"-{_norm(x[tc])}" if tc is not None else \
        " ".join(f"- {_norm(yk)} x ({_norm(xk)})" for yk, xk in zip(y, x) if yk != 0)
    prediction = _argmax(x)
    return Example(target, _norm(value), text.replace("(", "(").strip(), (), prediction,
                   None if tc is None else prediction == tc)


def _bce(x: Rows, t: Rows, input_kind: str, reduction: str) -> LossResult:
    import sympy

    if [len(r) for r in x] != [len(r) for r in t]:
        raise ShapeError(f"bce compares element by element: the input has {sum(map(len, x))} values and the target "
                         f"{sum(map(len, t))}; give one target (0 or 1) per input value")
    examples = []
    for row, target in zip(x, t):
        losses, texts, probabilities, prediction = [], [], [], []
        for v, y in zip(row, target):
            if not 0 <= y <= 1:
                raise InputError(f"bce target {y} is not in 0..1; give 0 or 1 (or a probability)")
            if input_kind == "logits":
                # BCEWithLogits: (1 - y) z + log(1 + e^(-z))
                z = to_sympy(v)
                value = (1 - to_sympy(y)) * z + sympy.log(1 + sympy.exp(-z))
                softplus = f"log(1 + {_exp_text(_norm(-v))})"
                texts.append(softplus if y == 1 else f"{_norm(v)} + {softplus}" if y == 0 else
                             f"{_norm(1 - y)} x {_norm(v)} + {softplus}")
                probabilities.append(1 / (1 + sympy.exp(-z)))
                prediction.append(int(v >= 0))
            else:
                if not 0 <= v <= 1:
                    raise InputError(f"bce input {v} is not a probability; give values in 0..1, or --logits")
                if (y != 0 and v == 0) or (y != 1 and v == 1):
                    raise InputError(f"probability {v} with target {y} gives an infinite loss (log 0); "
                                     "give a probability strictly between 0 and 1")
                parts = []
                if y != 0:
                    parts.append(-to_sympy(y) * sympy.log(to_sympy(v)))
                if y != 1:
                    parts.append(-(1 - to_sympy(y)) * sympy.log(1 - to_sympy(v)))
                value = sympy.Add(*parts)
                texts.append(f"-log({_norm(v)})" if y == 1 else f"-log(1 - {_norm(v)})" if y == 0 else
                             f"-({_norm(y)} x log({_norm(v)}) + {_norm(1 - y)} x log(1 - {_norm(v)}))")
                prediction.append(int(v >= Fraction(1, 2)))
            losses.append(value)
        n = len(losses)
        value = sympy.Add(*losses) / n
        text = texts[0] if n == 1 else f"({_join(texts)})/{n}"
        examples.append(Example(tuple(_norm(v) for v in target), value, text, tuple(probabilities), tuple(prediction),
                                tuple(prediction) == tuple(int(v) for v in target)
                                if all(v in (0, 1) for v in target) else None))
    # torch's bce is the mean over every element; rows of equal length make it the mean of row means
    result = _reduce("bce", input_kind, reduction, x, examples, False)
    if reduction == "sum":
        per_row = len(x[0])
        total = result.total * per_row
        return LossResult(result.kind, input_kind, reduction, result.rows, result.examples, _norm(total),
                          f"{per_row} x ({result.text})" if per_row != 1 else result.text, result.formula)
    return result


def _mse(x: Rows, t: Rows, reduction: str) -> LossResult:
    if [len(r) for r in x] != [len(r) for r in t]:
        raise ShapeError(f"mse compares element by element: the input has {sum(map(len, x))} values and the target "
                         f"{sum(map(len, t))}; give a target of the same shape")
    examples = []
    for row, target in zip(x, t):
        squares = [(a - b) ** 2 for a, b in zip(row, target)]
        value = sum(squares, Fraction(0)) / len(squares)
        terms = [f"({_norm(a)} - {_norm(b)})^2" for a, b in zip(row, target)]
        text = f"({' + '.join(terms)})/{len(terms)}" if len(terms) > 1 else terms[0]
        examples.append(Example(tuple(_norm(v) for v in target), _norm(value), text, (), None, None))
    result = _reduce("mse", "values", reduction, x, examples, False)
    if reduction == "sum":
        total = _norm(Fraction(result.total) * len(x[0]))
        return LossResult("mse", "values", "sum", result.rows, result.examples, total,
                          f"{len(x[0])} x ({result.text})" if len(x[0]) != 1 else result.text, result.formula)
    return result


FORMULAS = {
    ("cross-entropy", "logits"): "l = -sum_k y_k log(softmax(z)_k) = log(sum_k e^(z_k)) - z_target",
    ("cross-entropy", "probabilities"): "l = -sum_k y_k log(p_k)",
    ("nll", "log-probabilities"): "l = -x_target (x: log-probabilities, as NLLLoss after log_softmax)",
    ("bce", "probabilities"): "l = -(y log(p) + (1 - y) log(1 - p)), averaged over the values",
    ("bce", "logits"): "l = (1 - y) z + log(1 + e^(-z)) (BCEWithLogits: sigmoid inside), averaged over the values",
    ("mse", "values"): "l = mean over the values of (x - y)^2",
}


def _reduce(kind: str, input_kind: str, reduction: str, x: Rows, examples: list[Example],
            one_based: bool) -> LossResult:
    n = len(examples)
    values = [e.loss for e in examples]
    if all(isinstance(v, (int, Fraction)) for v in values):
        total: Value = sum((Fraction(v) for v in values), Fraction(0))
        total = _norm(total / n if reduction == "mean" else total)
    else:
        import sympy

        total = sympy.Add(*[v if not isinstance(v, (int, Fraction)) else to_sympy(v) for v in values])
        total = _norm(total / n if reduction == "mean" else total)
    if n == 1:
        text = examples[0].text
    else:
        joined = _join([f"({e.text})" if " " in e.text else e.text for e in examples])
        text = f"({joined})/{n}" if reduction == "mean" else joined
    formula = FORMULAS[(kind, input_kind)] + ("" if n == 1 else
                                              f"; L = the {reduction} over the {n} examples")
    return LossResult(kind, input_kind, reduction, tuple(tuple(_norm(v) for v in r) for r in x), tuple(examples),
                      total, text, formula, one_based)


__all__ = ["loss", "LossResult", "Example", "KINDS", "INPUTS", "decimal"]
