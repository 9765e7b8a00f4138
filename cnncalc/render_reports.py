"""Text, Markdown and JSON of the analysis reports: what a kernel detects
(:mod:`cnncalc.kernel`) and a loss with its steps (:mod:`cnncalc.loss`).
Formatters return strings or dicts; only the CLI prints.

Matrices and window steps are formatted by :mod:`cnncalc.render`; this module
only lays out the reports' own tables.
"""

from __future__ import annotations

from .kernel import KernelReport
from .render import format_json_value, format_value


def _column(rows: list[list[str]], align: str) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(r, widths, align)]
        out.append("  ".join(cells).rstrip())
    return out


def _matrix_lines(rows) -> list[str]:
    return _column([[format_value(v) for v in row] for row in rows], "r" * len(rows[0]))


def _similarity(value) -> str:
    return "-" if value is None else f"{value:+.2f}"


def kernel_text(report: KernelReport) -> str:
    """The report as plain text: kernel, name, reason, probe table, symmetry, sum."""
    h, w = report.shape
    lines = [f"kernel {h}x{w}:"] + ["  " + line for line in _matrix_lines(report.kernel)]
    lines += [
        f"detects: {report.name}",
        f"  why: {report.reason}",
        f"  responds most to: {report.strongest} "
        f"({format_value(next(r.response for r in report.responses if r.pattern == report.strongest))})",
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
             f"- responds most to: {report.strongest}", f"- sum of the weights: {report.notes[0]}",
             "- symmetry: " + (", ".join(report.symmetries) or "none"), "",
             "| probe | response | match (cosine) |", "| --- | ---: | ---: |"]
    lines += [f"| {r.pattern} | {format_value(r.response)} | {_similarity(r.similarity)} |" for r in report.responses]
    return "\n".join(lines) + "\n"


def kernel_json(report: KernelReport) -> dict:
    return {
        "kernel": [[format_json_value(v) for v in row] for row in report.kernel],
        "name": report.name,
        "reason": report.reason,
        "accepted": list(report.accepted),
        "competing": list(report.competing),
        "strongest": report.strongest,
        "sum": format_json_value(report.total),
        "preserves_brightness": report.preserves_brightness,
        "symmetries": list(report.symmetries),
        "responses": [
            {"pattern": r.pattern, "response": format_json_value(r.response),
             "match": None if r.match is None else format_json_value(r.match),
             "similarity": None if r.similarity is None else round(r.similarity, 6)}
            for r in report.responses
        ],
        "notes": list(report.notes),
    }


# --------------------------------------------------------------------------- losses


def _exact_text(value) -> str:
    return format_json_value(value) if not hasattr(value, "free_symbols") else str(value)


def loss_result_line(result, digits: int = 10) -> str:
    """'log(e + e^2 + e^3) - 3 = 0.4076059644...': the exact form and its decimal."""
    approx = result.approx(digits)
    if result.exact:
        exact = format_value(result.total)
        same = exact == result.text
        return (f"{result.text} = {exact}" if not same else exact) + ("" if approx == exact else f" ≈ {approx}")
    return f"{result.text} = {approx}..."


def loss_text(result, digits: int = 10) -> str:
    source = {"logits": "from logits", "probabilities": "from probabilities",
              "log-probabilities": "from log-probabilities", "values": ""}[result.input_kind]
    n = len(result.examples)
    head = f"{result.kind} {source}".strip() + f", {n} example{'s' * (n != 1)}, reduction {result.reduction}"
    lines = [head] + ["  " + s for s in result.steps(digits)] + [f"loss: {loss_result_line(result, digits)}"]
    return "\n".join(lines) + "\n"


def loss_markdown(result, digits: int = 10) -> str:
    lines = [f"**{result.kind}** ({result.input_kind}, reduction {result.reduction})", ""]
    lines += [f"- `{s}`" for s in result.steps(digits)]
    lines += ["", f"**Loss:** `{loss_result_line(result, digits)}`"]
    return "\n".join(lines) + "\n"


def loss_json(result, digits: int = 10) -> dict:
    from .loss import decimal

    def prediction(value):
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
            {"target": [format_json_value(v) for v in e.target], "loss": e.text, "value": _exact_text(e.loss),
             "approx": decimal(e.loss, digits),
             "probabilities": [_exact_text(p) for p in e.probabilities],
             "prediction": prediction(e.prediction), "correct": e.correct}
            for e in result.examples
        ],
        "steps": list(result.steps(digits)),
    }
