"""Text, Markdown and JSON of the analysis reports: what a kernel detects
(:mod:`cnncalc.kernel`) and a loss with its steps (:mod:`cnncalc.loss`).
Formatters return strings or dicts; only the CLI prints.

Matrices and window steps are formatted by :mod:`cnncalc.render`; this module
only lays out the reports' own tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .kernel import KernelReport
from .render import format_value, json_value

if TYPE_CHECKING:
    from .equivariance import ShiftReport
    from .expr import Value
    from .loss import LossResult
    from .transposed import TransposedResult
    from .values import Exact


def _column(rows: list[list[str]], align: str) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(r, widths, align)]
        out.append("  ".join(cells).rstrip())
    return out


def _matrix_lines(rows: Sequence[Sequence[Value]]) -> list[str]:
    return _column([[format_value(v) for v in row] for row in rows], "r" * len(rows[0]))


def _similarity(value: float | None) -> str:
    return "-" if value is None else f"{value:+.2f}"


def _strongest(report: KernelReport) -> str:
    """The probe with the largest response and that response; 'none' where every probe gives 0 (a zero
    kernel responds to nothing, not to the first probe listed)."""
    response = next(r.response for r in report.responses if r.pattern == report.strongest)
    if all(r.response == 0 for r in report.responses):
        return "none (every probe gives 0)"
    return f"{report.strongest} ({format_value(response)})"


def kernel_text(report: KernelReport) -> str:
    """The report as plain text: kernel, name, reason, probe table, symmetry, sum."""
    h, w = report.shape
    lines = [f"kernel {h}x{w}:"] + ["  " + line for line in _matrix_lines(report.kernel)]
    lines += [
        f"detects: {report.name}",
        f"  why: {report.reason}",
        f"  responds most to: {_strongest(report)}",
        f"  sum of the weights: {report.notes[0]}",
        "  symmetry: " + (", ".join(report.symmetries) or "none"),
        "",
        "probes (bright = 1 on dark = 0, the kernel's size; response = sum of kernel x probe;",
        "match = cosine of the zero-mean parts, exact cosine² in --json):",
    ]
    table = [["probe", "response", "match"]]
    table += [[r.pattern, format_value(r.response), _similarity(r.similarity)] for r in report.responses]
    lines += ["  " + line for line in _column(table, "lrr")]
    lines += ["", "accepted answers: " + "; ".join(report.accepted)]
    return "\n".join(lines) + "\n"


def kernel_markdown(report: KernelReport) -> str:
    h, w = report.shape
    lines = [f"**Kernel {h}x{w} detects: {report.name}**", "", f"- why: {report.reason}",
             f"- responds most to: {_strongest(report)}", f"- sum of the weights: {report.notes[0]}",
             "- symmetry: " + (", ".join(report.symmetries) or "none"), "",
             "| probe | response | match (cosine) |", "| --- | ---: | ---: |"]
    lines += [f"| {r.pattern} | {format_value(r.response)} | {_similarity(r.similarity)} |" for r in report.responses]
    return "\n".join(lines) + "\n"


def kernel_json(report: KernelReport) -> dict:
    return {
        "kernel": [[json_value(v) for v in row] for row in report.kernel],
        "name": report.name,
        "reason": report.reason,
        "accepted": list(report.accepted),
        "competing": list(report.competing),
        "strongest": report.strongest,
        "sum": json_value(report.total),
        "preserves_brightness": report.preserves_brightness,
        "symmetries": list(report.symmetries),
        "responses": [
            {"pattern": r.pattern, "response": json_value(r.response),
             "match": None if r.match is None else json_value(r.match),
             "similarity": None if r.similarity is None else round(r.similarity, 6)}
            for r in report.responses
        ],
        "notes": list(report.notes),
    }


# --------------------------------------------------------------------------- losses


def _exact_text(value: Value) -> str:
    return json_value(value) if not hasattr(value, "free_symbols") else str(value)


def loss_result_line(result: LossResult, digits: int = 10) -> str:
    """'log(e + e^2 + e^3) - 3 = 0.4076059644...': the exact form and its decimal."""
    approx = result.approx(digits)
    if result.exact:
        exact = format_value(result.total)
        same = exact == result.text
        return (f"{result.text} = {exact}" if not same else exact) + ("" if approx == exact else f" ≈ {approx}")
    return f"{result.text} = {approx}..."


def loss_text(result: LossResult, digits: int = 10) -> str:
    source = {"logits": "from logits", "probabilities": "from probabilities",
              "log-probabilities": "from log-probabilities", "values": ""}[result.input_kind]
    n = len(result.examples)
    head = f"{result.kind} {source}".strip() + f", {n} example{'s' * (n != 1)}, reduction {result.reduction}"
    lines = [head] + ["  " + s for s in result.steps(digits)] + [f"loss: {loss_result_line(result, digits)}"]
    return "\n".join(lines) + "\n"


def loss_markdown(result: LossResult, digits: int = 10) -> str:
    lines = [f"**{result.kind}** ({result.input_kind}, reduction {result.reduction})", ""]
    lines += [f"- `{s}`" for s in result.steps(digits)]
    lines += ["", f"**Loss:** `{loss_result_line(result, digits)}`"]
    return "\n".join(lines) + "\n"


def loss_json(result: LossResult, digits: int = 10) -> dict:
    from .loss import decimal

    def prediction(value: object) -> object:
        return list(value) if isinstance(value, tuple) else value

    return {
        "loss": result.kind,
        "inputs": result.input_kind,
        "reduction": result.reduction,
        "classes_from": 1 if result.one_based else 0,
        "exact": result.text,
        "value": _exact_text(result.total),
        "approx": result.approx(digits),
        "is_rational": result.exact,
        "examples": [
            {"target": [json_value(v) for v in e.target], "loss": e.text, "value": _exact_text(e.loss),
             "approx": decimal(e.loss, digits),
             "probabilities": [_exact_text(p) for p in e.probabilities],
             "prediction": prediction(e.prediction), "correct": e.correct}
            for e in result.examples
        ],
        "steps": list(result.steps(digits)),
    }


# --------------------------------------------------------------------------- transposed convolution


def _array_lines(array: Exact) -> list[str]:
    from .render import matrix_slices

    lines = []
    for title, part in matrix_slices(array.reduced()):
        rows = part.values()
        rows = rows.reshape(1, -1) if rows.ndim <= 1 else rows
        if title:
            lines.append(title)
        lines += ["  " + line for line in _matrix_lines(rows.tolist())]
    return lines


def _axes_text(values: Sequence[int]) -> str:
    return ",".join(map(str, values)) if len(set(values)) > 1 else str(values[0])


def describe_transposed(result: TransposedResult) -> str:
    """'transposed convolution 2x2 -> 4x4 (stride 2, padding 0): ...'."""
    shape_in = "x".join(map(str, result.input.shape[2:]))
    shape_out = "x".join(map(str, result.canonical.shape[2:]))
    options = f"stride {_axes_text(result.stride)}, padding {_axes_text(result.padding)}"
    if any(result.output_padding):
        options += f", output padding {_axes_text(result.output_padding)}"
    if any(d != 1 for d in result.dilation):
        options += f", dilation {_axes_text(result.dilation)}"
    if result.groups != 1:
        options += f", groups {result.groups}"
    return (f"transposed convolution {shape_in} -> {shape_out} ({options}): each input cell scatters its value "
            f"times the kernel; O = (n - 1)*s - 2p + d*(k - 1) + output_padding + 1")


def _cell(index: Sequence[int]) -> str:
    return "(" + ", ".join(str(i + 1) for i in index) + ")"


def transposed_scatter_lines(result: TransposedResult) -> list[str]:
    """One paragraph per input cell: the block it adds and where (cells counted from 1)."""
    lines = []
    multi = result.input.shape[0] > 1 or result.input.shape[1] > 1
    sizes = result.canonical.shape[2:]
    for c in result.contributions():
        label = (f"example {c.batch + 1} channel {c.channel + 1} " if multi else "") + f"input {_cell(c.index)}"
        spans = []
        for o, k, d in zip(c.origin, c.block.shape[1:], result.dilation):
            first, last = o + 1, o + (k - 1) * d + 1
            spans.append(f"{first}-{last}" if k > 1 else f"{first}")
        names = ("rows", "columns") if len(spans) == 2 else ("cells",) if len(spans) == 1 else ("depth", "rows", "columns")
        where = ", ".join(f"{n} {s}" for n, s in zip(names, spans))
        cropped = any(o < 0 or o + (k - 1) * d >= size for o, k, d, size in
                      zip(c.origin, c.block.shape[1:], result.dilation, sizes))
        lines.append(f"{label} = {format_value(c.value)} scatters {format_value(c.value)} × kernel to {where}"
                     + (" (cells outside the output are cropped by the padding)" if cropped else "") + ":")
        lines += ["  " + line for line in _array_lines(c.block if len(c.filters) > 1 else c.block[0])]
    return lines


def transposed_cell_line(result: TransposedResult, cell: tuple) -> str:
    """'output (2) = 1 × 1 + 2 × 1 = 3': the products that land on one output cell."""
    terms = result.terms(cell)
    value = result.output[tuple(cell)]
    products = " + ".join(f"{format_value(t.x)} × {format_value(t.w)}" for t in terms) or "0"
    bias = ""
    if result.bias is not None:
        n, f, *_ = result.canonical_index(tuple(cell))
        bias = f" + {format_value(result.bias[f])} (bias)"
    sources = ", ".join(f"x{_cell(t.input_index[2:])}·k{_cell(t.kernel_index[2:])}" for t in terms) or "no input reaches it"
    return f"output {_cell(cell)} = {products}{bias} = {format_value(value)}   [{sources}]"


def transposed_text(result: TransposedResult, explain: bool = False, cells: Sequence[tuple[int, ...]] = ()) -> str:
    lines = [describe_transposed(result)]
    if explain:
        lines += transposed_scatter_lines(result)
    for cell in cells:
        lines.append(transposed_cell_line(result, cell))
    lines.append("output:")
    lines += _array_lines(result.output)
    return "\n".join(lines) + "\n"


def transposed_markdown(result: TransposedResult, explain: bool = False, cells: Sequence[tuple[int, ...]] = ()) -> str:
    from .render import markdown_matrix

    lines = [f"**{describe_transposed(result)}**", ""]
    if explain:
        lines += ["```", *transposed_scatter_lines(result), "```", ""]
    lines += [f"- {transposed_cell_line(result, cell)}" for cell in cells]
    return "\n".join(lines) + "\n" + markdown_matrix(result.output) + "\n"


def transposed_json(result: TransposedResult, explain: bool = False, cells: Sequence[tuple[int, ...]] = ()) -> dict:
    from .render import nested

    data = {
        "operation": "transposed convolution",
        "description": describe_transposed(result),
        "output": nested(result.output),
        "shape": list(result.output.shape),
        "stride": list(result.stride), "padding": list(result.padding),
        "output_padding": list(result.output_padding), "dilation": list(result.dilation), "groups": result.groups,
    }
    if explain:
        data["contributions"] = [
            {"batch": c.batch, "channel": c.channel, "index": list(c.index), "value": json_value(c.value),
             "origin": list(c.origin), "filters": list(c.filters), "block": nested(c.block)}
            for c in result.contributions()
        ]
    if cells:
        data["cells"] = [transposed_cell_line(result, cell) for cell in cells]
    return data


# --------------------------------------------------------------------------- translation


def shift_text(report: ShiftReport) -> str:
    dy, dx = report.shift
    lines = [f"shift by {dy} row{'s' * (abs(dy) != 1)} down and {dx} column{'s' * (abs(dx) != 1)} right "
             "(cells moved in are 0)", "conv(x):"]
    lines += _array_lines(report.conv)
    lines += ["conv(shift(x)):"] + _array_lines(report.shifted_conv)
    lines += ["shift(conv(x)):"] + _array_lines(report.conv_shifted)
    where = ", ".join(_cell(c) for c in report.differing)
    lines.append(f"conv(shift(x)) = shift(conv(x)) on {report.equal_cells} of {report.cells} cells"
                 + (f"; they differ at {where}, where the shift brought zeros into the window" if report.differing
                    else "") + ": convolution is equivariant to translation")
    if report.pooled is not None and report.pooled_shifted is not None:
        w = report.pool_window
        lines += [f"max pooling {w}x{w} of conv(x):"] + _array_lines(report.pooled)
        lines += [f"max pooling {w}x{w} of conv(shift(x)):"] + _array_lines(report.pooled_shifted)
        lines.append(f"{report.pooled_unchanged} of {report.pooled.size} pooled values unchanged by the shift: "
                     "pooling makes the features invariant to shifts smaller than its window (in part)")
    return "\n".join(lines) + "\n"


def shift_json(report: ShiftReport) -> dict:
    from .render import nested

    return {
        "shift": list(report.shift),
        "conv": nested(report.conv), "conv_of_shifted": nested(report.shifted_conv),
        "shifted_conv": nested(report.conv_shifted),
        "equal_cells": report.equal_cells, "cells": report.cells,
        "differing": [list(c) for c in report.differing],
        "pooled": None if report.pooled is None else nested(report.pooled),
        "pooled_of_shifted": None if report.pooled_shifted is None else nested(report.pooled_shifted),
        "pooled_unchanged": report.pooled_unchanged,
    }
