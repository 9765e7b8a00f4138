"""Results that show themselves in Jupyter and Colab: the last expression of a
cell displays the figure (or table) and the steps.

``_repr_html_`` gives the interactive figure, small (the same one the
``.html`` page holds); ``_repr_markdown_`` gives the description, the output
as a ``$$ \\begin{bmatrix} ... $$`` block and the steps as ``$$ \\begin{aligned}``
lines.  Colab renders HTML reliably and raw LaTeX unreliably, so nothing here
relies on anything but HTML and ``$$`` math in Markdown.

The renderers are registered with :mod:`cnncalc.display` by
:func:`register_display` (``cnncalc/__init__`` calls it); this module imports
nothing heavy until a result is shown.

>>> from cnncalc.pool import pool
>>> r = pool("10 15 10 20; 10 5 0 30; 5 15 20 25; 15 10 25 20", op="avg")
>>> print(r._repr_markdown_().splitlines()[0])
**average pooling of a 4x4 input, window 2x2, stride 2 -> 2x2**
>>> "11.25" in r._repr_html_()
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..display import register

if TYPE_CHECKING:  # imported when a result is shown, not by ``import cnncalc``
    from typing_extensions import TypeIs  # only read by the type checker (annotations stay text)

    from ..activations import ActivationResult, DenseResult
    from ..conv import ConvResult
    from ..explain import ConvStep, PoolStep
    from ..pool import PoolResult
    from ..stacks.summary import StackSummary
    from ..values import Exact

    Windowed = ConvResult | PoolResult
    Steps = list[ConvStep] | list[PoolStep]

MAX_FIGURE_FRAMES = 2_000  # past this a notebook shows the output table without the animation
MAX_MATH_VALUES = 2_500  # values in one $$ matrix; beyond, the Markdown points to the HTML view
MAX_MATH_STEPS = 16  # step lines written out in Markdown
MAX_LISTED_STEPS = 400  # steps listed under the HTML figure
MAX_TABLE_VALUES = 10_000


def escape(text: str) -> str:
    """HTML-escape (html.escape, imported when a result is shown: ``import cnncalc`` stays light)."""
    from html import escape as html_escape

    return html_escape(text)


def _more(shown: int, total: int, how: str) -> str:
    return f"({shown:,} of {total:,} shown; {how})"


# --------------------------------------------------------------------------- convolution and pooling


def _is_conv(result: Windowed) -> TypeIs[ConvResult]:
    """A convolution (it has a padded input), not a pooling: what the figures ask of a result."""
    return hasattr(result, "padded")


def _step_text(step: ConvStep | PoolStep, latex: bool = False) -> str:
    from ..explain import ConvStep
    from ..render import conv_step_text, format_latex_value, format_value, pool_step_text

    if isinstance(step, ConvStep):
        return conv_step_text(step, fmt=format_latex_value, times=" \\cdot ") if latex else conv_step_text(step)
    text = pool_step_text(step, fmt=format_latex_value if latex else format_value)
    return text.replace("max(", "\\max(").replace("min(", "\\min(") if latex else text


def _steps_text(result: Windowed, steps: Steps) -> list[str]:
    from ..render import cell_label

    return [f"{cell_label(s.cell)}: {_step_text(s)}" for s in steps]


def _steps_of(result: Windowed, count: int | None = None) -> Steps:
    import numpy as np

    from ..explain import conv_steps, pool_steps

    cells = list(np.ndindex(*result.output.shape))
    if count is not None:
        cells = cells[:count]
    return conv_steps(result, cells) if _is_conv(result) else pool_steps(result, cells)


def window_result_html(result: Windowed) -> str:
    """A convolution or pooling: the interactive figure, then every step (up to MAX_LISTED_STEPS)."""
    import math

    from .files import MAX_CELLS, drawn_cells
    from .page import figure_html
    from .scene import conv_scene, pool_scene

    cells = math.prod(result.output.shape)
    parts = []
    if cells <= MAX_FIGURE_FRAMES and drawn_cells(result) <= MAX_CELLS:
        steps = _steps_of(result)
        scene = conv_scene(result, steps) if _is_conv(result) else pool_scene(result, steps)  # type: ignore[arg-type]  # the steps are the result's kind
        parts.append(figure_html(scene, max_width="760px"))
    else:
        steps = _steps_of(result, MAX_LISTED_STEPS)
        parts.append(f"<p><b>{escape(_describe(result))}</b></p>"
                     f"<p>{cells:,} output cells: too many to animate here; draw them with "
                     f"<code>cnncalc.figures.draw(result, 'figure.html', cells)</code>.</p>")
        parts.append(array_table(result.output))
    lines = _steps_text(result, steps[:MAX_LISTED_STEPS])
    note = "" if cells <= MAX_LISTED_STEPS else "\n" + _more(len(lines), cells, "cnncalc.explain gives every step")
    parts.append(f"<details><summary>all steps ({cells:,})</summary><pre style=\"white-space: pre-wrap\">"
                 f"{escape(chr(10).join(lines) + note)}</pre></details>")
    return "<div>" + "\n".join(parts) + "</div>"


def _describe(result: Windowed) -> str:
    from ..render import describe_conv, describe_pool

    return describe_conv(result) if _is_conv(result) else describe_pool(result)


def _math_matrix(array: Exact) -> str:
    from ..render import latex_matrix

    if array.size > MAX_MATH_VALUES:
        return (f"The output has {array.size:,} values, more than one formula shows well; "
                "the HTML view of this result, or `.output.tolist()`, has them all.")
    return "$$\n" + latex_matrix(array) + "\n$$"


def window_result_markdown(result: Windowed) -> str:
    """Description, the output as $$ bmatrix, and the first steps as $$ aligned lines."""
    import math

    from ..render import cell_label

    cells = math.prod(result.output.shape)
    steps = _steps_of(result, MAX_MATH_STEPS)
    shown: list[ConvStep | PoolStep] = list(steps)
    texts = [_step_text(s, latex=True) for s in shown]
    lines = []
    for step, text in zip(shown, texts):
        index = ",".join(str(i + 1) for i in step.cell)
        left, right = text.rsplit(" = ", 1)
        lines.append(f"y_{{{index}}} &= {left} = {right}")
    out = [f"**{_describe(result)}**", "", _math_matrix(result.output), "", "Steps:", "",
           "$$\n\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}\n$$"]
    if cells > len(steps):
        out += ["", _more(len(steps), cells, "the HTML view lists every step") + f" Last shown: {cell_label(steps[-1].cell)}."]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- activations and dense layers


def array_table(array: Exact) -> str:
    """An exact array as HTML tables (one per 2-D slice), every value shown, or a line saying why not."""
    from ..render import format_value, matrix_slices

    if array.size > MAX_TABLE_VALUES:
        return (f"<p>{array.size:,} values: too many for a table; <code>.output.tolist()</code> gives them all.</p>")
    blocks = []
    for title, part in matrix_slices(array.reduced()):
        values = part.values()
        rows = values.reshape(1, -1) if values.ndim <= 1 else values
        cells = "".join("<tr>" + "".join(f'<td style="text-align:right;padding:2px 8px;border:1px solid #cbd5e1">'
                                          f"{escape(format_value(v))}</td>" for v in row) + "</tr>" for row in rows)
        caption = f"<caption style=\"text-align:left\">{escape(title)}</caption>" if title else ""
        blocks.append(f'<table style="border-collapse:collapse;font-family:monospace;margin:4px 0">'
                      f"{caption}{cells}</table>")
    return "".join(blocks)


def activation_html(result: ActivationResult) -> str:
    return (f"<div><p><b>{escape(result.op)}</b>: <code>{escape(result.formula)}</code></p>"
            f'<div style="display:flex;gap:24px;flex-wrap:wrap"><div>input {array_table(result.input)}</div>'
            f"<div>output {array_table(result.output)}</div></div></div>")


def activation_markdown(result: ActivationResult) -> str:
    from ..render import latex_matrix

    body = (f"$$\n{latex_matrix(result.input)} \\mapsto {latex_matrix(result.output)}\n$$"
            if result.input.size + result.output.size <= MAX_MATH_VALUES else _math_matrix(result.output))
    return f"**{result.op}**: `{result.formula}`\n\n{body}\n"


def dense_html(result: DenseResult) -> str:
    return (f"<div><p><b>dense layer</b>: <code>y = W x + b</code>, W {'x'.join(map(str, result.weights.shape))}</p>"
            f"<div>output {array_table(result.output)}</div></div>")


def dense_markdown(result: DenseResult) -> str:
    return f"**dense layer**: y = W x + b, W {'x'.join(map(str, result.weights.shape))}\n\n{_math_matrix(result.output)}\n"


# --------------------------------------------------------------------------- layer stacks


def summary_html(summary: StackSummary) -> str:
    """The network diagram with its bars (scrollable), then the totals."""
    from .network import network_svg

    return (f'<div style="max-height: 640px; overflow: auto; border: 1px solid #e2e8f0">'
            f"{network_svg(summary)}</div>")


def summary_markdown(summary: StackSummary) -> str:
    from ..stacks.render import format_markdown

    return f"**{summary.name}**: {summary.input.text()} -> {summary.output.text()}\n\n" + format_markdown(summary)


def register_display() -> None:
    """Show the engine's results through these functions in notebooks (see :mod:`cnncalc.display`)."""
    register("cnncalc.conv.ConvResult", window_result_html, window_result_markdown)
    register("cnncalc.pool.PoolResult", window_result_html, window_result_markdown)
    register("cnncalc.activations.ActivationResult", activation_html, activation_markdown)
    register("cnncalc.activations.DenseResult", dense_html, dense_markdown)
    register("cnncalc.stacks.summary.StackSummary", summary_html, summary_markdown)
