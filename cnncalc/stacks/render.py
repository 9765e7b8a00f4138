"""Turning a :class:`~cnncalc.stacks.summary.StackSummary` into JSON, CSV, Markdown,
an explanation and a rich table.  ``format_*`` functions return text or
renderables; only the CLI prints.  rich is imported only for the table.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..cells import json_value
from ..geometry import Size
from .shapes import Shape, fmt, human
from .summary import ReceptiveField, Row, StackSummary

if TYPE_CHECKING:
    from rich.console import Group, JustifyMethod

    from .solve import Candidate
    from .training import TrainingMemory


def rf_json(rf: ReceptiveField) -> dict[str, Any] | None:
    """{"size": 11, "jump": 4, "start": 0}; lists (one per spatial axis) when axes differ."""
    return None if rf is None else _rf_dict(rf)


def _rf_dict(rf: tuple[tuple[Any, ...], ...]) -> dict[str, Any]:
    keys = ("size", "jump", "start")
    result = {}
    for i, key in enumerate(keys):
        values = [json_value(axis[i]) for axis in rf]
        result[key] = values[0] if len({str(v) for v in values}) == 1 else values
    return result


def rf_text(rf: ReceptiveField) -> str:
    if rf is None:
        return "-"
    data = _rf_dict(rf)

    def one(v: Any) -> str:
        return "x".join(map(str, v)) if isinstance(v, list) else str(v)

    return f"{one(data['size'])} / {one(data['jump'])}"


def row_json(row: Row, summary: StackSummary) -> dict:
    return {
        "name": row.name,
        "type": row.type,
        "layer": row.layer,
        "depth": row.depth,
        "input": row.input.as_json(),
        "output": row.output.as_json(),
        "units": json_value(row.units),
        "weights": json_value(row.weights),
        "biases": json_value(row.biases),
        "params": json_value(row.params),
        "trainable": json_value(row.trainable),
        "non_trainable": json_value(row.non_trainable),
        "macs": json_value(row.macs),
        "memory": {"values": json_value(row.units), "bytes": json_value(row.memory_bytes), "in_place": row.in_place},
        "receptive_field": rf_json(row.rf),
        "fc_equivalent": json_value(row.fc_equivalent) if row.fc_equivalent is not None else None,
        "formulas": dict(row.formulas),
        "warnings": list(row.warnings),
    }


def _valid_from_json(summary: StackSummary) -> dict:
    """{"valid_from": {"N": 17}} for a symbolic stack whose sizes are sizes only from some N on."""
    from .summary import valid_from

    found = valid_from(summary)
    return {"valid_from": {found[0]: found[1]}} if found else {}


def summary_json(summary: StackSummary, dtype: str = "float32") -> dict:
    ctx = summary.context
    return {
        "name": summary.name,
        "convention": ctx.convention,
        "bias": ctx.bias,
        "dtype": dtype,
        "bytes_per_value": ctx.dtype_bytes,
        "input": summary.input.as_json(),
        "output": summary.output.as_json(),
        "layers": [row_json(row, summary) for row in summary.rows],
        "total_params": json_value(summary.total_params),
        "total_weights": json_value(summary.total_weights),
        "total_biases": json_value(summary.total_biases),
        "trainable_params": json_value(summary.trainable_params),
        "non_trainable_params": json_value(summary.non_trainable_params),
        "total_units": json_value(summary.total_units),
        "total_macs": json_value(summary.total_macs),
        "total_memory": {
            "values": json_value(summary.total_memory_values),
            "bytes": json_value(summary.total_memory_values * ctx.dtype_bytes),
            "includes_input": True,
        },
        "warnings": list(summary.warnings),
        **_valid_from_json(summary),
        "conventions": {
            "macs": "one multiply-accumulate per weight use per output value; biases, pooling, activations excluded",
            "total_params": ("trainable + non-trainable (batch-norm running statistics), as Keras counts"
                             if summary.context.convention == "keras" else
                             "trainable parameters, as torch's parameters() holds; batch-norm running statistics "
                             "are buffers, counted apart in non_trainable_params"),
            "total_units": "values stored by layers; activation, dropout and flatten reuse their input",
        },
    }


def format_json(summary: StackSummary, dtype: str = "float32") -> str:
    return json.dumps(summary_json(summary, dtype))  # compact: the C encoder; pipe to `python -m json.tool` to read


def _memory_text(units: Size) -> str:
    """'3,211,264 (3.2M)' as the course's VGG16 table writes memory; '192' where the short form adds nothing."""
    short = human(units)
    return fmt(units) if short == str(units) else f"{fmt(units)} ({short})"


def _params_text(row: Row) -> str:
    formula = row.formulas.get("params", "")
    if row.params == 0 and row.type not in ("add", "concat"):
        return "0"
    return formula if formula else fmt(row.params)


def _totals_lines(summary: StackSummary, dtype: str) -> list[str]:
    ctx = summary.context
    mem = summary.total_memory_values
    lines = [
        f"Total params: {fmt(summary.total_params)}  (trainable {fmt(summary.trainable_params)}: "
        f"weights {fmt(summary.total_weights)}, biases {fmt(summary.total_biases)}; non-trainable "
        f"{fmt(summary.non_trainable_params)}"
        + (")" if ctx.convention == "keras" or summary.non_trainable_params == 0 else
           ": batch-norm running statistics, buffers in torch, not in the total)"),
        f"Units (stored layer outputs): {fmt(summary.total_units)}",
        f"MACs: {fmt(summary.total_macs)}",
        f"Activation memory (input included): {fmt(mem)} values = {fmt(mem * ctx.dtype_bytes)} bytes ({dtype}"
        + (f", {human(mem * ctx.dtype_bytes)}B)" if isinstance(mem, int) else ")"),
        f"Input {summary.input.text()} -> output {summary.output.text()}; convention {ctx.convention}"
        + ("" if ctx.bias else "; weights only (--no-bias)"),
    ]
    from .summary import valid_from

    found = valid_from(summary)
    if found:
        lines.append(f"Valid for {found[0]} >= {found[1]}: below it, a layer has no output cell (the formulas "
                     "then give sizes below 1)")
    return lines


def format_markdown(summary: StackSummary, layout: str = "hwc", dtype: str = "float32") -> str:
    out = ["| layer | type | output | memory | params | receptive field (size / jump) |", "| --- | --- | --- | --- | --- | --- |"]
    out.append(f"| input | input | {summary.input.text(layout)} | {_memory_text(summary.input.units)} | 0 | 1 / 1 |")
    for row in summary.rows:
        indent = "&nbsp;&nbsp;" * row.depth
        out.append(
            f"| {indent}{row.name} | {row.type} | {row.output.text(layout)} | {_memory_text(row.units)} | "
            f"{_params_text(row)} | {rf_text(row.rf)} |"
        )
    out.append("")
    out += [f"- {line}" for line in _totals_lines(summary, dtype)]
    for warning in summary.warnings:
        out.append(f"- warning: {warning}")
    return "\n".join(out) + "\n"


CSV_FIELDS = ("name", "type", "layer", "output", "units", "memory_bytes", "weights", "biases", "params",
              "trainable", "non_trainable", "macs", "rf_size", "rf_jump", "rf_start", "fc_equivalent", "params_formula")


def format_csv(summary: StackSummary, layout: str = "hwc") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for row in summary.rows:
        rf = rf_json(row.rf) or {}
        writer.writerow([
            row.name, row.type, row.layer, row.output.text(layout), row.units, row.memory_bytes, row.weights,
            row.biases, row.params, row.trainable, row.non_trainable, row.macs,
            rf.get("size", ""), rf.get("jump", ""), rf.get("start", ""),
            "" if row.fc_equivalent is None else row.fc_equivalent, row.formulas.get("params", ""),
        ])
    return buffer.getvalue()


def explain_lines(summary: StackSummary, layout: str = "hwc") -> list[str]:
    """Every formula with its numbers, layer by layer."""
    ctx = summary.context
    lines = [f"input: {summary.input.text(layout)} = {fmt(summary.input.units)} values"]
    for row in summary.rows:
        pad = "  " * row.depth
        lines.append(f"{pad}{row.name} ({row.layer}) -> {row.output.text(layout)}")
        for label, text in row.formulas.items():
            lines.append(f"{pad}  {label}: {text}")
        if "units" not in row.formulas:
            lines.append(f"{pad}  units: {fmt(row.units)}")
        lines.append(f"{pad}  memory: {fmt(row.units)} values x {ctx.dtype_bytes} bytes = {fmt(row.memory_bytes)} bytes"
                     + (" (in place)" if row.in_place else ""))
        if row.fc_equivalent is not None:
            plus = " + 1" if row.dense_bias else ""
            lines.append(f"{pad}  fully-connected instead: {fmt(row.units)} x ({fmt(row.input.units)}{plus}) = {fmt(row.fc_equivalent)}")
        if row.rf is not None:
            data = _rf_dict(row.rf)
            lines.append(f"{pad}  receptive field: size {data['size']}, jump {data['jump']}, start {data['start']}")
    return lines


def format_explain(summary: StackSummary, layout: str = "hwc", dtype: str = "float32") -> str:
    lines = explain_lines(summary, layout) + [""] + _totals_lines(summary, dtype)
    return "\n".join(lines) + "\n"


def rich_table(summary: StackSummary, layout: str = "hwc", dtype: str = "float32") -> Group:
    """A table like the course's VGG16 table, totals below (a rich renderable)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{summary.name}: {summary.input.text(layout)} -> {summary.output.text(layout)}")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("layer", "left"), ("type", "left"), ("output", "right"), ("memory (values)", "right"), ("params", "right"),
        ("MACs", "right"), ("RF size / jump", "right"))
    for header, justify in columns:
        table.add_column(header, justify=justify)
    table.add_row("input", "input", summary.input.text(layout), _memory_text(summary.input.units), "0", "0", "1 / 1")
    for row in summary.rows:
        table.add_row(
            "  " * row.depth + row.name, row.type, row.output.text(layout), _memory_text(row.units), _params_text(row),
            fmt(row.macs), rf_text(row.rf),
        )
    return Group(table, Text("\n".join(_totals_lines(summary, dtype))))


def format_catalogue(rows: Iterable[tuple[str, Shape, Size, Size, str]]) -> str:
    """The table of ``cnncalc shape --list``."""
    lines = [f"{'name':<20} {'input':<10} {'trainable params':>17} {'non-trainable':>14}  description"]
    for name, shape, trainable, non_trainable, description in rows:
        lines.append(f"{name:<20} {shape.text():<10} {fmt(trainable):>17} {fmt(non_trainable):>14}  {description}")
    return "\n".join(lines) + "\n"


def format_solutions(n_in: int, n_out: int, found: Sequence[Candidate], bounds: dict, keep: dict) -> str:
    """The candidates of ``cnncalc shape --solve`` and the size-keeping paddings."""
    lines = [f"windows that map {n_in} to {n_out} (kernel <= {bounds['max_kernel']}, stride <= {bounds['max_stride']}, "
             f"dilation <= {bounds['max_dilation']}, padding <= {bounds['max_padding']} per side):",
             f"{'kernel':>6} {'stride':>6} {'dilation':>8} {'padding':>7}  fit      operation"]
    for c in found:
        op = "conv or pooling" if c.pooling_ok else "conv (padding > kernel/2: torch pooling refuses)"
        lines.append(f"{c.kernel:>6} {c.stride:>6} {c.dilation:>8} {c.padding:>7}  {'exact ' if c.exact else 'floors'}   {op}")
    if not found:
        lines.append("  none within these bounds; raise --max-kernel, --max-stride or --max-padding")
    lines.append("padding that keeps a size with stride 1: (F - 1)/2 -> " + ", ".join(f"F={k}: {p}" for k, p in keep.items()))
    return "\n".join(lines) + "\n"


def format_comparison(first: StackSummary, second: StackSummary, layout: str = "hwc") -> str:
    """Two stacks side by side (``cnncalc shape A --compare B``): totals and their ratio.

    What 1x1 reductions buy an inception module is read off this table.
    """
    def ratio(a: Size, b: Size) -> str:
        if not (isinstance(a, int) and isinstance(b, int)) or a == 0:
            return "-"
        return f"{b / a:.2f}x"

    rows = [
        ("input", first.input.text(layout), second.input.text(layout), "-"),
        ("output", first.output.text(layout), second.output.text(layout), "-"),
        ("output channels", fmt(first.output.channels), fmt(second.output.channels),
         ratio(first.output.channels, second.output.channels)),
        ("parameters (trainable)", fmt(first.trainable_params), fmt(second.trainable_params),
         ratio(first.trainable_params, second.trainable_params)),
        ("MACs", fmt(first.total_macs), fmt(second.total_macs), ratio(first.total_macs, second.total_macs)),
        ("units (stored values)", fmt(first.total_units), fmt(second.total_units),
         ratio(first.total_units, second.total_units)),
    ]
    header = ("", first.name, second.name, "second / first")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(4)]
    lines = ["  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()
             for r in [header] + rows]
    return "\n".join(lines) + "\n"


def macs_convention_json(summary: StackSummary, convention: str) -> dict:
    """Per-layer and total counts under one tool's convention (see :mod:`cnncalc.stacks.macs`)."""
    from .macs import EXPLAIN, count, total

    value = total(summary, convention)
    return {
        "convention": convention,
        "counts": EXPLAIN[convention],
        "total_macs": json_value(value),
        "total_flops": json_value(2 * value),
        "layers": {row.name: json_value(count(row, convention)) for row in summary.rows},
    }


def format_macs_convention(summary: StackSummary, convention: str) -> str:
    """The layers whose count is not 0 under ``convention``, beside cnncalc's MACs, and the totals."""
    from .macs import EXPLAIN, count, total

    rows = [(row.name, row.type, count(row, convention), row.macs) for row in summary.rows]
    shown = [r for r in rows if r[2] != 0 or r[3] != 0]
    header = ("layer", "type", convention, "cnncalc MACs")
    table = [header] + [(n, t, fmt(c), fmt(m)) for n, t, c, m in shown]
    widths = [max(len(str(r[i])) for r in table) for i in range(4)]
    lines = ["  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()
             for r in table]
    value = total(summary, convention)
    lines += [
        f"({len(rows) - len(shown)} more layers count 0 in both)" if len(rows) > len(shown) else "",
        f"{convention} counts: {EXPLAIN[convention]}",
        f"Total ({convention}): {fmt(value)} multiply-accumulates; FLOPs = 2 x MACs = {fmt(2 * value)}"
        + (f" ({human(value)} MACs, {human(2 * value)} FLOPs)" if isinstance(value, int) else ""),
    ]
    return "\n".join(line for line in lines if line is not None) + "\n"


def _bytes_text(value: Size) -> str:
    if not isinstance(value, int):
        return str(value)
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if value >= size:
            return f"{fmt(value)} bytes = {value / size:.1f} {unit}"
    return f"{fmt(value)} bytes"


def training_json(memory: TrainingMemory, batch: Size) -> dict:
    from .training import OPTIMIZERS

    factor, steps = OPTIMIZERS[memory.optimizer]
    return {
        "optimizer": memory.optimizer, "bytes_per_value": memory.dtype_bytes,
        "batch": json_value(batch),
        "weights_bytes": json_value(memory.weights_bytes), "gradients_bytes": json_value(memory.gradients_bytes),
        "optimizer_bytes": json_value(memory.optimizer_bytes), "optimizer_values_per_parameter": factor,
        "step_counters": memory.tensors if steps else 0,
        "activations_bytes_per_example": json_value(memory.per_example_bytes),
        "activations_fixed_bytes": json_value(memory.activations_fixed_bytes),
        "fixed_bytes": json_value(memory.fixed_bytes),
        "total_bytes": json_value(memory.total(batch)),
        "formula": f"{memory.fixed_bytes} + {memory.per_example_bytes} * B",
        "layers": [{"name": m.name, "type": m.type, "kept": [
            {"what": s.what, "values": json_value(s.values), "bytes": json_value(s.bytes), "per_example": s.per_example}
            for s in m.saved]} for m in memory.layers],
    }


def format_training(memory: TrainingMemory, batch: Size, name: str) -> str:
    """Training memory per layer (what autograd keeps) and in total, as a formula in B."""
    from .training import OPTIMIZERS

    table = [("layer", "type", "kept for the backward pass (one example)", "values", "bytes")]
    for m in memory.layers:
        if not m.saved:
            continue
        for i, s in enumerate(m.saved):
            what = s.what + ("" if s.per_example else " (once per batch)")
            table.append((m.name if i == 0 else "", m.type if i == 0 else "", what, fmt(s.values), fmt(s.bytes)))
    widths = [max(len(str(r[i])) for r in table) for i in range(5)]
    lines = [f"training memory of {name}: optimizer {memory.optimizer}, batch {batch}, "
             f"{memory.dtype_bytes} bytes per value"]
    lines += ["  ".join(str(c).ljust(w) if i < 3 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()
              for r in table]
    factor, steps = OPTIMIZERS[memory.optimizer]
    d = memory.dtype_bytes
    state = f"{factor} x {fmt(memory.params)} x {d}" + (f" + {memory.tensors} step counters x 4" if steps else "")
    total = memory.total(batch)
    lines += [
        "",
        f"weights:         ({fmt(memory.params)} parameters + {fmt(memory.buffers)} running statistics) x {d} = "
        f"{fmt(memory.weights_bytes)} bytes",
        f"gradients:       {fmt(memory.params)} x {d} = {fmt(memory.gradients_bytes)} bytes",
        f"optimizer state: {memory.optimizer}: {state} = {fmt(memory.optimizer_bytes)} bytes",
        f"activations:     {fmt(memory.per_example_bytes)} x B bytes"
        + (f" + {fmt(memory.activations_fixed_bytes)} (batch-norm statistics)" if memory.activations_fixed_bytes else ""),
        f"total:           {fmt(memory.fixed_bytes)} + {fmt(memory.per_example_bytes)} x B bytes"
        + ("" if not isinstance(total, int) else f"; B = {batch}: {_bytes_text(total)}"),
    ]
    return "\n".join(lines) + "\n"
