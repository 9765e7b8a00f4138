"""Mistake diagnosis: the reference recomputed under the usual wrong conventions.

For each question the grader asks the engine what the answer would be had
the student made a known mistake, e.g. forgetting the +1 of the output-size
formula, the bias, the padding, or flipping the kernel; a wrong answer that
equals one of these values gets that mistake's name as feedback.  The
mistaken references are computed once per exercise, not per student.

An exercise may add its own under ``mistakes:``::

    mistakes:
      - value: 34848                      # a literal answer...
        message: forgot the bias (one per filter)
        credit: 0.5                       # optional partial credit (share of the points)
      - compute: {output_size: {n: 227, kernel: 11, stride: 1}}   # ...or a rule
        message: stride ignored
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from ..errors import CnnCalcError, SpecError
from ..exercises.answers import Answer
from ..exercises.operations import run
from ..geometry import output_size_text
from ..stacks.summary import Row, StackSummary

if TYPE_CHECKING:
    from ..exercises.exercise import Question
    from ..exercises.scope import Scope

#: One mistake as a change of the question's options
Change = Callable[[dict], dict]
#: A rule's mistake: the change, its message and, where given, whether it is a mistake of convention (default yes)
Rule = tuple[Change, str] | tuple[Change, str, bool]

#: The course's output-size rule in its letters (lecture 004), as the feedback names it.
OUTPUT_SIZE_RULE = output_size_text("N", "F", "S", "P", rounded=False)


@dataclass(frozen=True)
class Mistake:
    """A wrong answer the grader recognises, and what to tell the student.

    ``convention`` marks a mistake of method in this very question (the engine
    recomputed it under a wrong convention: biases counted, padding left out);
    an answer that makes it is not an error carried forward from earlier."""

    answer: Answer
    message: str
    credit: Fraction = Fraction(0)
    convention: bool = False


def _variant(compute: dict, change: Change) -> dict:
    (name, params), = compute.items()
    params = copy.deepcopy(params) if isinstance(params, dict) else params
    return {name: change(params)}


def _with(**updates: object) -> Change:
    def change(params: dict) -> dict:
        params = dict(params)
        params.update(updates)
        return params
    return change


def _conv_rules(params: dict) -> Iterator[Rule]:
    flipped = bool(params.get("flip"))
    yield _with(flip=not flipped), ("cross-correlation instead of convolution: the kernel was not flipped"
                                    if flipped else "convolution instead of cross-correlation: the kernel was flipped")
    padding = params.get("padding")
    if padding == "same":
        yield _with(padding=0), "'valid' padding (no zeros) where 'same' was asked"
    elif padding not in (None, 0, "valid", [0, 0]):
        yield _with(padding=0), "forgot the padding (no zeros added around the input)"
        if not flipped:
            yield _with(padding=0, flip=True), "forgot the padding and flipped the kernel"
    if params.get("dilation") not in (None, 1, [1, 1]):
        yield _with(dilation=1), "ignored the dilation (the kernel cells were taken next to each other)"
    if params.get("stride") not in (None, 1, [1, 1]):
        yield _with(stride=1), "stride ignored: the window moved one cell at a time"
    if params.get("bias") is not None:
        yield (lambda p: {k: v for k, v in p.items() if k != "bias"}), "forgot the bias"


def _pool_rules(params: dict) -> Iterator[Rule]:
    op = params.get("op", "max")
    if op == "max":
        yield _with(op="avg"), "average instead of max pooling"
    elif op in ("avg", "mean"):
        yield _with(op="max"), "max instead of average pooling"
    if params.get("stride") not in (1, [1, 1]):
        yield _with(stride=1), "stride ignored: the windows moved one cell at a time"


def _output_size_rules(params: dict) -> Iterator[Rule]:
    if params.get("padding") not in (None, 0):
        yield _with(padding=0), f"forgot the padding in {OUTPUT_SIZE_RULE}"
    if params.get("dilation") not in (None, 1):
        yield _with(dilation=1), "ignored the dilation: a dilated kernel spans d*(F - 1) + 1 cells"
    if params.get("stride") not in (None, 1):
        yield _with(stride=1), f"stride ignored: {OUTPUT_SIZE_RULE} with S = 1"
    if not params.get("exact"):
        yield _with(exact=True), f"did not floor: {OUTPUT_SIZE_RULE} is rounded down when it is not whole"
    else:
        yield _with(exact=False), f"rounded down: the question asks for {OUTPUT_SIZE_RULE} without rounding"


def _network_rules(params: dict) -> Iterator[Rule]:
    value = params.get("value", "params")
    if value in ("params", "trainable", "fc_params", "biases") and not params.get("no_bias"):
        yield _with(no_bias=True), "forgot the bias (one per filter, or one per output unit of a dense layer)"
    if value in ("params", "trainable", "weights") and params.get("no_bias"):
        yield _with(no_bias=False), "counted the biases too (the question asks for the weights only)"
    if value in ("output", "units", "memory", "macs") and not params.get("no_padding"):
        # padding forgotten anywhere before the layer: it may have been inherited from an earlier answer
        yield _with(no_padding=True), "forgot the padding ('valid' where the layer pads, e.g. 'same')", False


def _loss_rules(params: dict) -> Iterator[Rule]:
    if params.get("value", "loss") == "prediction":
        if not params.get("one_based"):
            yield _with(one_based=True), "counted the classes from 1: here they are counted from 0, as torch does"
        return
    if params.get("reduction", "mean") == "mean":
        yield _with(reduction="sum"), "summed the examples' losses instead of taking their mean (L = (1/n) sum ...)"


RULES = {"conv": _conv_rules, "loss": _loss_rules, "pool": _pool_rules, "output_size": _output_size_rules, "network": _network_rules}


def _derived(reference: Answer, compute: dict) -> list[tuple[Answer, str]]:
    """Mistakes computed from the reference itself (no second engine run)."""
    out = []
    (name, params), = compute.items()
    if reference.kind == "number" and name == "output_size" and isinstance(reference.value, int):
        out.append((Answer("number", reference.value - 1), f"forgot the +1 in {OUTPUT_SIZE_RULE}"))
    if name != "network" or not isinstance(params, dict):
        return out
    row = reference.detail
    value = params.get("value", "params")
    if reference.kind == "shape":
        dims = tuple(reference.value)
        if len(dims) == 3 and dims[0] != dims[1]:
            out.append((Answer("shape", (dims[1], dims[0], dims[2])), "height and width swapped"))
        if len(dims) == 3 and all(isinstance(d, int) for d in dims):
            out.append((Answer("shape", (dims[0] - 1, dims[1] - 1, dims[2])),
                        f"forgot the +1 in {OUTPUT_SIZE_RULE}"))
    if "layer" not in params and value in ("params", "trainable") and isinstance(row, StackSummary):
        out += _one_bias_forgotten(reference, row)
    if "layer" not in params or not isinstance(row, Row):
        return out
    if value == "output":
        unfloored = _unfloored(row)
        if unfloored is not None:
            out.append((Answer("shape", unfloored), f"did not floor: {OUTPUT_SIZE_RULE} is rounded down when it is "
                                                    "not whole"))
    if value == "units" and not row.output.flat:
        out.append((Answer("number", reference.value // row.output.channels),
                    "counted the units without the channels (height x width only)"))
    if value in ("params", "trainable") and row.type.startswith("conv") and not row.input.flat:
        channels = row.input.channels
        if isinstance(channels, int) and channels > 1 and row.weights % channels == 0:
            per_filter = row.weights // channels
            out.append((Answer("number", per_filter + row.biases),
                        "left the input channels out of each filter's size (a filter is kh x kw x channels)"))
            out.append((Answer("number", per_filter),
                        "left the input channels out of each filter's size and forgot the bias"))
    return out


def _unfloored(row: Row) -> tuple | None:
    """A layer's output shape with (N - F + 2*P)/S + 1 not rounded down (13.5x13.5x64), where it is not whole."""
    from ..geometry import per_axis, resolve_padding, unfloored_output_size
    from ..stacks.layers import Conv, Pool

    spec, shape = getattr(row, "spec", None), row.input
    if not isinstance(spec, (Conv, Pool)) or shape.flat or not all(isinstance(n, int) for n in shape.spatial):
        return None
    nd = len(shape.spatial)
    try:
        kernels = per_axis(spec.kernel, nd, "kernel")
        strides = per_axis(spec.kernel if isinstance(spec, Pool) and spec.stride is None else spec.stride, nd, "stride")
        dilations = per_axis(spec.dilation, nd, "dilation")
        pads = resolve_padding(spec.padding, shape.spatial, kernels, strides, dilations)
    except CnnCalcError:
        return None
    sizes = []
    for n, k, s, p, d in zip(shape.spatial, kernels, strides, pads, dilations):
        if not all(isinstance(v, int) for v in (n, k, s, p.before, p.after, d)):
            return None
        exact = unfloored_output_size(n, k, s, p, d)
        sizes.append(int(exact) if exact.denominator == 1 else exact)
    if all(isinstance(v, int) for v in sizes):
        return None
    return (*sizes, row.output.channels)


def _one_bias_forgotten(reference: Answer, summary: StackSummary) -> list[tuple[Answer, str]]:
    """A network total without the biases of one layer (typically the output layer's:
    795*H for 795*H + 10): the answer a student gives who wrote every layer but one."""
    layers = [r for r in summary.rows if r.biases != 0]
    if len(layers) < 2:
        return []
    out = []
    for r in layers:
        where = "the output layer" if r is layers[-1] else f"layer {r.name}"
        out.append((Answer(reference.kind, reference.value - r.biases),
                    f"forgot the bias of {where} ({r.biases} values)"))
    return out


def mistaken_references(question: Question, reference: Answer, scope: Scope, problems: list[str] | None = None) -> list[Mistake]:
    """Every known mistake of a question, as answers to compare with.

    A rule that fails inside cnncalc (a defect, not an impossible mistake) is
    skipped and described in ``problems``: grading goes on without that
    diagnosis, and ``cnncalc check`` reports it."""
    mistakes: list[Mistake] = []
    compute = question.compute
    if isinstance(compute, dict) and len(compute) == 1:
        (name, params), = compute.items()
        if isinstance(params, dict) and name in RULES:
            for change, message, *own in RULES[name](params):
                try:
                    mistaken = run(_variant(compute, change), scope, question.path)
                except CnnCalcError:
                    continue  # the mistake is impossible here (e.g. a kernel too large without padding)
                except Exception as error:
                    if problems is not None:
                        problems.append(f"{question.id}: the mistake '{message}' failed inside cnncalc "
                                        f"({type(error).__name__}: {' '.join(str(error).split())[:120]})")
                    continue
                mistakes.append(Mistake(mistaken, message, convention=own[0] if own else True))
        for answer, message in _derived(reference, compute):
            mistakes.append(Mistake(answer, message))
    for i, custom in enumerate(question.mistakes):
        mistakes.append(_custom(custom, reference, scope, f"{question.path}.mistakes[{i}]"))
    published = _published_erratum(question, reference)
    if published is not None:  # last: a mistake of method that gives the same value names it better
        mistakes.append(published)
    # a 'mistake' that gives the right value here (summing one example's loss is its mean) names nothing
    return [m for m in mistakes if not _gives_the_reference(m.answer, reference)]


def _gives_the_reference(mistaken: Answer, reference: Answer) -> bool:
    """A number equal to the reference as written (a rational, or the same closed form: one example's
    summed loss is its mean); other kinds are kept (comparing formulas would cost sympy's time per
    question, and a matrix mistake rarely gives the reference)."""
    if mistaken.kind != "number" or reference.kind != "number":
        return False
    try:
        return bool(mistaken.value == reference.value)
    except (TypeError, ValueError):
        return False


def _published_erratum(question: Question, reference: Answer) -> Mistake | None:
    """The published answer the exercise marks as an erratum (the slide's 5M for GoogLeNet):
    a student who copies it is told that it is the published value and why it is wrong.
    A variant has no published answer (its numbers are not the source's)."""
    from ..exercises.answers import read_published

    if question.erratum is None or question.expected is None:
        return None
    try:
        answer, unknown = read_published(reference, question.expected)
    except CnnCalcError:
        return None
    if unknown:  # a published matrix with '?' cells is not a whole answer a student copies
        return None
    return Mistake(answer, f"the published answer ({' '.join(str(question.expected).split())}), an erratum: "
                           f"{question.erratum}")


def _custom(spec: object, reference: Answer, scope: Scope, path: str) -> Mistake:
    from ..exercises.answers import read_answer
    from ..expr import parse_scalar

    if not isinstance(spec, dict) or "message" not in spec or ("value" in spec) == ("compute" in spec):
        raise SpecError(f"{scope.where(path)}: a mistake has 'message' and either 'value' or 'compute'")
    if "value" in spec:
        answer = read_answer(reference, spec["value"])
    else:
        answer = run(spec["compute"], scope, path + ".compute")
    credit = Fraction(parse_scalar(spec.get("credit", 0), allow_symbols=False))
    if not 0 <= credit <= 1:
        raise SpecError(f"{scope.where(path + '.credit')}: credit is a share of the points, from 0 to 1")
    return Mistake(answer, str(spec["message"]), credit)
