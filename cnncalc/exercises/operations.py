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

from fractions import Fraction

from ..errors import CnnCalcError, SpecError
from ..expr import normalize, parse_scalar
from ..values import Exact
from .answers import Answer
from .network_ops import network_fact
from .scope import Scope, check_keys, int_option, number_operand, operand


# --------------------------------------------------------------------------- operations

def _conv(params, scope, path):
    from ..conv import conv
    from ..explain import conv_steps
    from ..render import cell_label, conv_step_text, describe_conv

    check_keys(params, ("input", "kernel", "stride", "padding", "dilation", "groups", "bias", "flip"), scope, path, "conv")
    result = conv(operand(scope, params, "input", path), operand(scope, params, "kernel", path),
                  bias=operand(scope, params, "bias", path, required=False),
                  stride=int_option(params, "stride", 1), padding=int_option(params, "padding", 0),
                  dilation=int_option(params, "dilation", 1), groups=params.get("groups", 1),
                  flip=bool(params.get("flip", False)))
    steps = [describe_conv(result)]
    steps += [f"{cell_label(s.cell)}: {conv_step_text(s)}" for s in conv_steps(result)]
    return Answer("matrix", result.output, tuple(steps), result)


def _pool(params, scope, path):
    from ..explain import pool_steps
    from ..pool import pool
    from ..render import cell_label, describe_pool, pool_step_text

    check_keys(params, ("input", "op", "window", "stride", "padding", "dilation", "ceil", "exclude_pad", "global"),
                scope, path, "pool")
    result = pool(operand(scope, params, "input", path), op=params.get("op", "max"),
                  window=int_option(params, "window", 2), stride=int_option(params, "stride"),
                  padding=int_option(params, "padding", 0), dilation=int_option(params, "dilation", 1),
                  ceil_mode=bool(params.get("ceil", False)), count_include_pad=not params.get("exclude_pad", False),
                  global_pool=bool(params.get("global", False)))
    steps = [describe_pool(result)] + [f"{cell_label(s.cell)}: {pool_step_text(s)}" for s in pool_steps(result)]
    return Answer("matrix", result.output, tuple(steps), result)


def _act(params, scope, path):
    from ..activations import activate

    check_keys(params, ("function", "input", "slope"), scope, path, "act")
    result = activate(str(params.get("function", "relu")), operand(scope, params, "input", path),
                      str(params.get("slope", "0.01")))
    return Answer("matrix", result.output, (result.formula,), result)


def _dense(params, scope, path):
    from ..activations import dense

    check_keys(params, ("input", "weights", "bias"), scope, path, "dense")
    result = dense(operand(scope, params, "input", path), operand(scope, params, "weights", path),
                   operand(scope, params, "bias", path, required=False))
    return Answer("matrix", result.output, ("y = W x + b",), result)


def _kernel(params, scope, path):
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


def _loss(params, scope, path):
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


def _classes(params, scope, path):
    """How many different values (classes) a list of targets holds."""
    check_keys(params, ("of",), scope, path, "classes")
    values = operand(scope, params, "of", path)
    flat = list(values.values().flat) if isinstance(values, Exact) else [values]
    distinct = sorted(set(flat), key=lambda v: (str(type(v)), v))
    listed = ", ".join(_fmt(v) for v in distinct)
    return Answer("number", len(distinct), (f"the values {listed}: {len(distinct)} different", ))


def _window(params, scope, path):
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
             f"floor(({n_in} + 2*{best.padding} - {best.dilation}*({best.kernel} - 1) - 1)/{best.stride}) + 1 = {n_out}")
    return Answer("number", getattr(best, value), steps, best)


def _equivariance(params, scope, path):
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


def _output_size(params, scope, path):
    """floor((n + 2p - k_eff) / s) + 1, or with ``exact`` the unfloored value."""
    from ..geometry import effective_kernel

    check_keys(params, ("n", "kernel", "stride", "padding", "dilation", "exact"), scope, path, "output_size")
    n, k = number_operand(scope, params, "n", path), number_operand(scope, params, "kernel", path)
    s = number_operand(scope, params, "stride", path, 1)
    p = number_operand(scope, params, "padding", path, 0)
    d = number_operand(scope, params, "dilation", path, 1)
    if s == 0:
        raise SpecError(f"{scope.where(path + '.stride')}: stride 0 must be at least 1")
    span = effective_kernel(k, d)
    if all(isinstance(v, (int, Fraction)) for v in (n, p, span, s)):
        exact = Fraction(n + 2 * p - span) / s + 1
    else:  # a symbolic size (n: H): the unrounded value is a formula
        import sympy

        exact = (sympy.sympify(n) + 2 * p - span) / s + 1
    kernel_text = f"{k}" if d == 1 else f"({d}*({k} - 1) + 1)"
    formula = f"({n} + 2*{p} - {kernel_text}) / {s} + 1"
    if params.get("exact"):
        value = normalize(exact)
        note = (f"; not a whole number: the window does not fit ({float(value):.2f})"
                if isinstance(value, Fraction) else "")
        return Answer(_kind(value), value, (f"{formula} = {_fmt(value)}{note}",))
    from ..geometry import output_size

    value = normalize(output_size(n, k, s, p, d))
    floor_note = "" if not isinstance(exact, Fraction) or exact == value else f" (floor of {_fmt(normalize(exact))})"
    return Answer(_kind(value), value, (f"floor({formula}) = {value}{floor_note}" if floor_note else f"{formula} = {value}",))


def _same_padding(params, scope, path):
    """The zero padding that keeps the size at stride 1: (F - 1) / 2 per side."""
    check_keys(params, ("kernel", "dilation"), scope, path, "same_padding")
    k = number_operand(scope, params, "kernel", path)
    d = number_operand(scope, params, "dilation", path, 1)
    total = d * (k - 1)
    value = normalize(Fraction(total, 2)) if isinstance(total, int) else total / 2
    return Answer(_kind(value), value, (f"({k} - 1) / 2 = {_fmt(value)}" if d == 1 else f"{d}*({k} - 1) / 2 = {_fmt(value)}",))


def _expr(params, scope, path):
    """Arithmetic on numbers, givens and earlier answers: "55 * 55 * 96", "units / 2"."""
    text = params if isinstance(params, str) else str(params)
    numbers: dict = {}  # names that stand for numbers are read as those numbers: no sympy

    def number(name: str):
        found = scope.lookup(name)
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
        import sympy

        mapping = {}
        for sym in value.free_symbols:
            found = scope.lookup(str(sym))
            if found is not None and not isinstance(found.value, (Exact, str)) and found.kind != "network":
                mapping[sym] = found.value if not isinstance(found.value, Fraction) else \
                    sympy.Rational(found.value.numerator, found.value.denominator)
        if mapping:
            import re

            # whole names only: "params" must not touch "alexnet_params"
            values = {str(sym): str(v) for sym, v in mapping.items()}
            shown = re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda m: values.get(m.group(0), m.group(0)), text)
            steps.append(shown)
            value = normalize(value.subs(mapping))
    kind = "number" if isinstance(value, (int, Fraction)) else "formula"
    approx = ""
    if isinstance(value, Fraction) and _fmt(value).count("/"):
        approx = f" ≈ {float(value):.4g}"
    steps[-1] = f"{steps[-1]} = {_fmt(value)}{approx}"
    return Answer(kind, value, tuple(steps))


def _cell(params, scope, path):
    check_keys(params, ("of", "at"), scope, path, "cell")
    matrix = operand(scope, params, "of", path)
    at = tuple(int(i) - 1 for i in params.get("at", []))
    if not isinstance(matrix, Exact) or len(at) != matrix.ndim or any(
            not 0 <= i < n for i, n in zip(at, matrix.shape)):
        raise SpecError(f"{scope.where(path + '.at')}: 'at' must give one index per axis, counted from 1")
    return Answer("number", matrix[at], (f"cell ({', '.join(str(i + 1) for i in at)}) = {_fmt(matrix[at])}",))


def _kind(value) -> str:
    return "number" if isinstance(value, (int, Fraction)) else "formula"


def _round(params, scope, path):
    """Round every value half away from zero to ``digits`` decimals (default 0), exactly."""
    check_keys(params, ("of", "digits"), scope, path, "round")
    value = operand(scope, params, "of", path)
    digits = int(params.get("digits", 0))
    unit = Fraction(1, 10 ** digits)

    def rounded(v):
        q = abs(Fraction(v)) / unit
        whole = int(q) + (1 if q - int(q) >= Fraction(1, 2) else 0)
        return normalize((1 if v >= 0 else -1) * whole * unit)

    if isinstance(value, Exact):
        values = value.values()
        flat = [rounded(v) for v in values.flat]
        return Answer("matrix", Exact.from_flat(flat, values.shape),
                      (f"every value rounded half away from zero to {digits} decimals",))
    result = rounded(value)
    return Answer("number", result, (f"{_fmt(value)} rounds to {_fmt(result)}",))


def _match_mlp(params, scope, path):
    """Hidden sizes of an MLP whose parameter count is closest to a target."""
    from ..stacks.matching import match_mlp, mlp_parameters

    check_keys(params, ("inputs", "outputs", "target", "layers"), scope, path, "match_mlp")
    inputs, outputs = int(number_operand(scope, params, "inputs", path)), int(number_operand(scope, params, "outputs", path))
    target = int(number_operand(scope, params, "target", path))
    match = match_mlp(inputs, outputs, target, int(params.get("layers", 1)))
    sizes = (inputs, *match.hidden, outputs)
    terms = " + ".join(f"({a} + 1) x {b}" for a, b in zip(sizes, sizes[1:]))
    steps = (f"hidden sizes {', '.join(map(str, match.hidden))}: {terms} = {match.parameters:,}",
             f"target {target:,}, off by {match.parameters - target:+,}",
             f"one unit more in the first hidden layer would give "
             f"{mlp_parameters(inputs, (match.hidden[0] + 1,) + match.hidden[1:], outputs):,}")
    return Answer("number", match.hidden[0] if len(match.hidden) == 1 else match.parameters, steps, match)


def _fmt(value) -> str:
    from ..render import format_value

    return format_value(value)


OPERATIONS = {
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


def run(compute, scope: Scope, path: str) -> Answer:
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
