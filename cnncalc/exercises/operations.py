"""The engine operations an exercise question can ``compute``.

Each operation takes its parameters (names of givens or of earlier answers,
or literal values) and returns an :class:`Answer` whose steps are the
derivation a student would write.  A reference is always computed, never
typed in.

>>> from cnncalc.exercises.scope import Scope, read_given
>>> scope = Scope({"I": read_given("0 80 40; 20 40 0; 0 0 40"), "K": read_given("0 0.25; 0.5 1")})
>>> run({"conv": {"input": "I", "kernel": "K", "flip": True}}, scope, "q").value.tolist()
[[45, 110], [40, 40]]
>>> run({"output_size": {"n": 7, "kernel": 3, "stride": 3, "exact": True}}, scope, "q").value
Fraction(7, 3)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fractions import Fraction

from ..errors import CnnCalcError, SpecError
from ..expr import Value, check_value, normalize, parse_scalar
from ..geometry import output_size, output_size_text, unfloored_output_size
from ..rationals import round_half_away, to_sympy
from ..values import Exact
from .answers import Answer, AnswerKind
from .network_ops import network_fact
from .scope import Scope, check_keys, int_option, number_operand, operand, whole_number

MAX_DIGITS = 50  # decimals of a 'round' (negative: tens, hundreds, ...)


# --------------------------------------------------------------------------- operations

def leaves(compute: object) -> Iterator[object]:
    """Every scalar a compute mapping holds (operands, options, expressions), nested mappings and lists
    walked: what the checks of names and literal values read."""
    if isinstance(compute, dict):
        for item in compute.values():
            yield from leaves(item)
    elif isinstance(compute, list):
        for item in compute:
            yield from leaves(item)
    else:
        yield compute


def _conv(params: dict, scope: Scope, path: str) -> Answer:
    from ..conv import conv
    from ..explain import conv_steps, explainable_cells
    from ..render import cell_label, conv_step_text, describe_conv

    check_keys(params, ("input", "kernel", "stride", "padding", "dilation", "groups", "bias", "flip"), scope, path, "conv")
    result = conv(operand(scope, params, "input", path), operand(scope, params, "kernel", path),
                  bias=operand(scope, params, "bias", path, required=False),
                  stride=int_option(params, "stride", 1, scope, path),
                  padding=int_option(params, "padding", 0, scope, path),
                  dilation=int_option(params, "dilation", 1, scope, path), groups=params.get("groups", 1),
                  flip=bool(params.get("flip", False)))
    cells, left_out = explainable_cells(result)
    steps = [describe_conv(result)]
    steps += [f"{cell_label(s.cell)}: {conv_step_text(s)}" for s in conv_steps(result, cells)]
    steps += [_left_out(left_out)] if left_out else []
    return Answer("matrix", result.output, tuple(steps), result)


def _pool(params: dict, scope: Scope, path: str) -> Answer:
    from ..explain import explainable_cells, pool_steps
    from ..pool import pool
    from ..render import cell_label, describe_pool, pool_step_text

    check_keys(params, ("input", "op", "window", "stride", "padding", "dilation", "ceil", "exclude_pad", "global"),
                scope, path, "pool")
    result = pool(operand(scope, params, "input", path), op=params.get("op", "max"),
                  window=int_option(params, "window", 2, scope, path), stride=int_option(params, "stride", None, scope, path),
                  padding=int_option(params, "padding", 0, scope, path),
                  dilation=int_option(params, "dilation", 1, scope, path),
                  ceil_mode=bool(params.get("ceil", False)), count_include_pad=not params.get("exclude_pad", False),
                  global_pool=bool(params.get("global", False)))
    cells, left_out = explainable_cells(result)
    steps = [describe_pool(result)] + [f"{cell_label(s.cell)}: {pool_step_text(s)}" for s in pool_steps(result, cells)]
    steps += [_left_out(left_out)] if left_out else []
    return Answer("matrix", result.output, tuple(steps), result)


def _act(params: dict, scope: Scope, path: str) -> Answer:
    from ..activations import activate

    check_keys(params, ("function", "input", "slope"), scope, path, "act")
    result = activate(str(params.get("function", "relu")), operand(scope, params, "input", path),
                      str(params.get("slope", "0.01")))
    return Answer("matrix", result.output, (result.formula,), result)


def _dense(params: dict, scope: Scope, path: str) -> Answer:
    from ..activations import dense

    check_keys(params, ("input", "weights", "bias"), scope, path, "dense")
    result = dense(operand(scope, params, "input", path), operand(scope, params, "weights", path),
                   operand(scope, params, "bias", path, required=False))
    return Answer("matrix", result.output, ("y = W x + b",), result)


def _kernel(params: dict, scope: Scope, path: str) -> Answer:
    """The feature a kernel detects (a text answer), with the probes as steps."""
    from ..kernel import describe_kernel

    check_keys(params, ("of",), scope, path, "kernel")
    report = describe_kernel(operand(scope, params, "of", path))
    best = sorted((r for r in report.responses if r.match is not None), key=lambda r: (-abs(r.match), r.match < 0))[:3]
    steps = (f"probed with {len(report.responses)} patterns of the kernel's size; closest: "
             + ", ".join(f"{r.pattern} (cosine {r.similarity:+.2f})" for r in best),
             f"sum of the weights: {report.notes[0]}",
             "symmetry: " + (", ".join(report.symmetries) or "none"),
             f"{report.name}: {report.reason}")
    return Answer("text", report.name, steps, report)


def _loss(params: dict, scope: Scope, path: str) -> Answer:
    """A loss (cnncalc loss) or its argmax prediction, exactly."""
    from ..loss import loss

    check_keys(params, ("kind", "input", "target", "inputs", "reduction", "one_based", "value"), scope, path, "loss")
    value = params.get("value", "loss")
    if value not in ("loss", "prediction"):
        raise SpecError(f"{scope.where(path + '.value')}: value '{value}' is unknown; use loss or prediction")
    target = operand(scope, params, "target", path)
    result = loss(str(params.get("kind", "cross-entropy")), operand(scope, params, "input", path),
                  target.tolist() if isinstance(target, Exact) else target,
                  inputs=params.get("inputs"), reduction=str(params.get("reduction", "mean")),
                  one_based=bool(params.get("one_based", False)))
    steps = result.steps()
    if value == "prediction":
        base = 1 if result.one_based else 0
        predictions = [e.prediction + base for e in result.examples]
        return Answer("number", predictions[0] if len(predictions) == 1 else predictions, steps, result)
    return Answer("number", result.total, steps, result)


def _classes(params: dict, scope: Scope, path: str) -> Answer:
    """How many different values (classes) a list of targets holds."""
    check_keys(params, ("of",), scope, path, "classes")
    values = operand(scope, params, "of", path)
    flat = list(values.values().flat) if isinstance(values, Exact) else [values]
    distinct = sorted(set(flat), key=lambda v: (str(type(v)), v))
    listed = ", ".join(_fmt(v) for v in distinct)
    return Answer("number", len(distinct), (f"the values {listed}: {len(distinct)} different", ))


def _window(params: dict, scope: Scope, path: str) -> Answer:
    """The simplest window (kernel, stride, dilation, padding) that maps n_in to n_out
    (cnncalc shape --solve), optionally with some of them given."""
    from ..stacks.solve import solve_window

    keys = ("n_in", "n_out", "kernel", "stride", "dilation", "padding", "value")
    check_keys(params, keys, scope, path, "window")
    value = params.get("value", "kernel")
    if value not in ("kernel", "stride", "dilation", "padding"):
        raise SpecError(f"{scope.where(path + '.value')}: value '{value}' is unknown; use kernel, stride, dilation or padding")
    n_in, n_out = int(number_operand(scope, params, "n_in", path)), int(number_operand(scope, params, "n_out", path))
    fixed = {k: int(number_operand(scope, params, k, path)) for k in ("kernel", "stride", "dilation", "padding") if k in params}
    found = [c for c in solve_window(n_in, n_out) if all(getattr(c, k) == v for k, v in fixed.items())]
    if not found:
        raise SpecError(f"{scope.where(path)}: no window maps {n_in} to {n_out} with {fixed}; check the sizes")
    best = found[0]
    shown = "; ".join(f"kernel {c.kernel}, stride {c.stride}, dilation {c.dilation}, padding {c.padding}"
                      for c in found[:4])
    steps = (f"windows that map {n_in} to {n_out}" + (f" with {', '.join(f'{k} {v}' for k, v in fixed.items())}" if fixed else "")
             + f", simplest first (exact fit, no dilation, no skipped cells, no padding, odd kernel): {shown}",
             f"{output_size_text(n_in, best.kernel, best.stride, best.padding, best.dilation)} = {n_out}")
    return Answer("number", getattr(best, value), steps, best)


def _equivariance(params: dict, scope: Scope, path: str) -> Answer:
    """conv(shift x) against shift(conv x): how many cells agree (or, with pool, how many
    pooled values the shift leaves unchanged)."""
    from ..equivariance import shift_check

    check_keys(params, ("image", "kernel", "shift", "pool", "value"), scope, path, "equivariance")
    value = params.get("value", "equal_cells")
    if value not in ("equal_cells", "differing_cells", "pooled_unchanged"):
        raise SpecError(f"{scope.where(path + '.value')}: value '{value}' is unknown; use equal_cells, "
                        "differing_cells or pooled_unchanged")
    shift = params.get("shift", [0, 1])
    report = shift_check(operand(scope, params, "image", path), operand(scope, params, "kernel", path),
                         tuple(shift) if isinstance(shift, list) else shift, params.get("pool"))
    steps = [f"conv(shift(x)) = shift(conv(x)) on {report.equal_cells} of {report.cells} cells"
             + (f"; they differ at {', '.join(str(tuple(i + 1 for i in c)) for c in report.differing)}, where the "
                "shift brought zeros in" if report.differing else "")]
    if report.pooled is not None:
        steps.append(f"{report.pooled_unchanged} of {report.pooled.size} max-pooled values unchanged by the shift")
    number = {"equal_cells": report.equal_cells, "differing_cells": len(report.differing),
              "pooled_unchanged": report.pooled_unchanged}[value]
    if number is None:
        raise SpecError(f"{scope.where(path + '.pool')}: pooled_unchanged needs pool: a window such as 2")
    return Answer("number", number, tuple(steps), report)


def _output_size(params: dict, scope: Scope, path: str) -> Answer:
    """floor((n - k_eff + 2p) / s) + 1, or with ``exact`` the unfloored value."""
    check_keys(params, ("n", "kernel", "stride", "padding", "dilation", "exact"), scope, path, "output_size")
    n, k = number_operand(scope, params, "n", path), number_operand(scope, params, "kernel", path)
    s = number_operand(scope, params, "stride", path, 1)
    p = number_operand(scope, params, "padding", path, 0)
    d = number_operand(scope, params, "dilation", path, 1)
    if s == 0:
        raise SpecError(f"{scope.where(path + '.stride')}: stride 0 must be at least 1")
    exact = unfloored_output_size(n, k, s, p, d)  # a formula where a size is a symbol (n: H)
    formula = output_size_text(n, k, s, p, d, rounded=False)
    if params.get("exact"):
        value = normalize(exact)
        note = (f"; not a whole number: the window does not fit ({_two_places(value)})"
                if isinstance(value, Fraction) else "")
        return Answer(_kind(value), value, (f"{formula} = {_fmt(value)}{note}",))
    value = normalize(output_size(n, k, s, p, d))
    floor_note = "" if not isinstance(exact, Fraction) or exact == value else f" (floor of {_fmt(normalize(exact))})"
    if floor_note:
        formula = output_size_text(n, k, s, p, d, rounded=True)
    return Answer(_kind(value), value, (f"{formula} = {value}{floor_note}",))


def _same_padding(params: dict, scope: Scope, path: str) -> Answer:
    """The zero padding that keeps the size at stride 1: (F - 1) / 2 per side."""
    check_keys(params, ("kernel", "dilation"), scope, path, "same_padding")
    k = number_operand(scope, params, "kernel", path)
    d = number_operand(scope, params, "dilation", path, 1)
    total = d * (k - 1)
    value = normalize(Fraction(total, 2)) if isinstance(total, int) else total / 2
    return Answer(_kind(value), value, (f"({k} - 1) / 2 = {_fmt(value)}" if d == 1 else f"{d}*({k} - 1) / 2 = {_fmt(value)}",))


def _expr(params: dict, scope: Scope, path: str) -> Answer:
    """Arithmetic on numbers, givens and earlier answers: "55 * 55 * 96", "units / 2"."""
    text = params if isinstance(params, str) else str(params)
    numbers: dict = {}  # names that stand for numbers are read as those numbers: no sympy

    def number(name: str) -> int | Fraction | None:
        found = scope.lookup(name)
        if found is not None and found.kind == "text":  # '16:9': neither a number nor a formula
            raise SpecError(f"{scope.where(path)}: the given '{name}' is '{found.value}', which is not a number "
                            "or a formula; write it as one (16/9, not 16:9)")
        if found is not None and found.kind != "network" and isinstance(found.value, (int, Fraction)) \
                and not isinstance(found.value, bool):
            numbers[name] = found.value
            return found.value
        return None

    value = parse_scalar(text, allow_symbols=True, names=number)
    steps = [text]
    if numbers:
        shown = text
        for name, v in numbers.items():
            shown = shown.replace(name, str(v))
        steps.append(shown)
    if not isinstance(value, (int, Fraction)):
        mapping = {}
        for sym in value.free_symbols:
            found = scope.lookup(str(sym))
            if found is not None and not isinstance(found.value, (Exact, str)) and found.kind != "network":
                mapping[sym] = to_sympy(found.value)
        if mapping:
            import re

            # whole names only: "params" must not touch "alexnet_params"
            values = {str(sym): str(v) for sym, v in mapping.items()}
            shown = re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda m: values.get(m.group(0), m.group(0)), text)
            steps.append(shown)
            # a given put into a formula can outgrow what was written ("N^64" with N = 10^900)
            for v in mapping.values():
                check_value(v, f"'{text}'")
            value = check_value(normalize(value.subs(mapping)), f"'{text}' with the givens put in")
    kind: AnswerKind = "number" if isinstance(value, (int, Fraction)) else "formula"
    approx = ""
    if isinstance(value, Fraction) and _fmt(value).count("/"):
        approx = f" ≈ {approximate(value, 4)}"
    steps[-1] = f"{steps[-1]} = {_fmt(value)}{approx}"
    return Answer(kind, value, tuple(steps))


def _cell(params: dict, scope: Scope, path: str) -> Answer:
    check_keys(params, ("of", "at"), scope, path, "cell")
    matrix = operand(scope, params, "of", path)
    where = scope.where(path + ".at")
    raw_at = params.get("at", [])
    if not isinstance(raw_at, list):
        raw_at = [raw_at]
    at = tuple(whole_number(i, "index", where) - 1 for i in raw_at)
    if not isinstance(matrix, Exact) or len(at) != matrix.ndim or any(
            not 0 <= i < n for i, n in zip(at, matrix.shape)):
        shape = "x".join(map(str, matrix.shape)) if isinstance(matrix, Exact) else "a number"
        raise SpecError(f"{where}: 'at' must give one index per axis of the {shape} matrix, counted from 1, "
                        "e.g. at: [1, 2]")
    return Answer("number", matrix[at], (f"cell ({', '.join(str(i + 1) for i in at)}) = {_fmt(matrix[at])}",))


def _left_out(count: int) -> str:
    return (f"... and {count:,} more cells, left out: their steps pass the limit of what a solution writes out "
            "(docs/limits.md); `cnncalc conv` or `cnncalc pool` with --cell ROW,COL explains any one")


def _kind(value: Value) -> AnswerKind:
    return "number" if isinstance(value, (int, Fraction)) else "formula"


def _round(params: dict, scope: Scope, path: str) -> Answer:
    """Round every value half away from zero to ``digits`` decimals (default 0), exactly."""
    check_keys(params, ("of", "digits"), scope, path, "round")
    value = operand(scope, params, "of", path)
    digits = whole_number(params.get("digits", 0), "digits", scope.where(path + ".digits"), -MAX_DIGITS, MAX_DIGITS)
    unit = Fraction(1, 10 ** digits) if digits >= 0 else Fraction(10 ** -digits)

    def rounded(v: Value) -> Value:
        if not isinstance(v, (int, Fraction)):
            raise SpecError(f"{scope.where(path + '.of')}: round needs numbers, and {_fmt(v)} is a formula; "
                            "give numbers for its symbols")
        return normalize(round_half_away(v, unit))

    if isinstance(value, Exact):
        values = value.values()
        flat = [rounded(v) for v in values.flat]
        return Answer("matrix", Exact.from_flat(flat, values.shape),
                      (f"every value rounded half away from zero to {digits} decimals",))
    result = rounded(value)
    return Answer("number", result, (f"{_fmt(value)} rounds to {_fmt(result)}",))


def _match_mlp(params: dict, scope: Scope, path: str) -> Answer:
    """Hidden sizes of an MLP whose parameter count is closest to a target."""
    from ..stacks.matching import match_mlp, mlp_parameters

    check_keys(params, ("inputs", "outputs", "target", "layers"), scope, path, "match_mlp")
    inputs, outputs, target = (whole_number(number_operand(scope, params, key, path), key, scope.where(f"{path}.{key}"), 1)
                               for key in ("inputs", "outputs", "target"))
    match = match_mlp(inputs, outputs, target, whole_number(params.get("layers", 1), "layers",
                                                            scope.where(path + ".layers"), 1))
    sizes = (inputs, *match.hidden, outputs)
    terms = " + ".join(f"({a} + 1) x {b}" for a, b in zip(sizes, sizes[1:]))
    steps = (f"hidden sizes {', '.join(map(str, match.hidden))}: {terms} = {match.parameters:,}",
             f"target {target:,}, off by {match.parameters - target:+,}",
             f"one unit more in the first hidden layer would give "
             f"{mlp_parameters(inputs, (match.hidden[0] + 1,) + match.hidden[1:], outputs):,}")
    return Answer("number", match.hidden[0] if len(match.hidden) == 1 else match.parameters, steps, match)


def _fmt(value: Value) -> str:
    from ..render import format_value

    return format_value(value)


def _two_places(value: Fraction) -> str:
    """13.50 as the solutions print it; a number past a float's range in significant digits."""
    return f"{float(value):.2f}" if abs(value) < 1e300 else approximate(value, 3)


def approximate(value: Fraction, digits: int) -> str:
    """``digits`` significant digits of an exact number, as %g writes a float, at any magnitude."""
    from ..cells import rounded_decimal

    return rounded_decimal(value, digits)


OPERATIONS: dict[str, Callable[[dict, Scope, str], Answer]] = {
    "conv": _conv,
    "pool": _pool,
    "act": _act,
    "dense": _dense,
    "kernel": _kernel,
    "equivariance": _equivariance,
    "window": _window,
    "loss": _loss,
    "classes": _classes,
    "output_size": _output_size,
    "same_padding": _same_padding,
    "expr": _expr,
    "cell": _cell,
    "round": _round,
    "match_mlp": _match_mlp,
}


def run(compute: object, scope: Scope, path: str) -> Answer:
    """Run one ``compute:`` mapping ({operation: options})."""
    if scope.where is None:
        scope.where = lambda p: p
    if not isinstance(compute, dict) or len(compute) != 1:
        raise SpecError(f"{scope.where(path)}: compute takes one operation, e.g. compute: {{conv: {{input: I, kernel: K}}}}")
    (name, params), = compute.items()
    if name == "network":
        return network_fact(params, scope, f"{path}.network")
    if name not in OPERATIONS:
        known = sorted(OPERATIONS) + ["network"]
        raise SpecError(f"{scope.where(path + '.' + str(name))}: unknown operation '{name}'; known: {', '.join(known)}")
    try:
        return OPERATIONS[name](params, scope, f"{path}.{name}")
    except SpecError:
        raise
    except CnnCalcError as error:
        raise type(error)(f"{scope.where(path + '.' + name)}: {error}") from None
