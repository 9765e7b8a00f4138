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
