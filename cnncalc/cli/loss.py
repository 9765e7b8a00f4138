"""``cnncalc loss``: cross-entropy, NLL, binary cross-entropy and MSE, exactly."""

from __future__ import annotations

import click

from ..loss import KINDS, REDUCTIONS
from . import main
from .options import Form, emit, form_flag


@main.command("loss", context_settings={"ignore_unknown_options": True})
@click.argument("kind", type=click.Choice((*KINDS, "ce"), case_sensitive=False))
@click.argument("input")
@click.option("--target", required=True,
              help='A class index per example ("2", or "2 0" for two rows), or one row of targets per example ("0 0 1").')
@click.option("--logits", "inputs", flag_value="logits", help="INPUT holds logits (cross-entropy's default; bce: BCEWithLogits).")
@click.option("--probabilities", "inputs", flag_value="probabilities", help="INPUT holds probabilities (bce's default).")
@click.option("--log-probabilities", "inputs", flag_value="log-probabilities", help="INPUT holds log-probabilities (nll).")
@click.option("--reduction", type=click.Choice(REDUCTIONS), default="mean", show_default=True,
              help="Mean over the examples (torch's default) or their sum.")
@click.option("--one-based", is_flag=True, help="Class indices count from 1 (the lecture's {1, ..., K}); default 0, as torch.")
@click.option("--digits", type=click.IntRange(1, 50), default=10, show_default=True, help="Significant digits of the decimals.")
@form_flag("json", "One JSON object: the exact expression, approx, every example.")
@form_flag("markdown", "Markdown output.")
def loss_command(kind: str, input: str, target: str, inputs: str | None, reduction: str, one_based: bool, digits: int,
                 form: Form | None) -> None:
    """A loss of INPUT (one row per example) against --target, exactly, with every step.

    KIND is cross-entropy (from logits, as torch's CrossEntropyLoss; with
    --probabilities from a softmax output), nll (from log-probabilities, as
    NLLLoss), bce (from probabilities, BCELoss; --logits: BCEWithLogitsLoss)
    or mse.  Class indices count from 0, as torch.

    \b
    Examples:
      cnncalc loss cross-entropy "1 2 3" --target 2
      cnncalc loss cross-entropy "1 2 3; 0 0 0" --target "2 0" --digits 6
      cnncalc loss cross-entropy "0.2 0.3 0.5" --target "0 0 1" --probabilities
      cnncalc loss nll "-0.5 -1.5 -2" --target 0
      cnncalc loss bce "0.8 0.4" --target "1 0"
      cnncalc loss mse "1 2 3" --target "1 1 1" --json
    """
    from ..loss import loss
    from ..render_reports import loss_json, loss_markdown, loss_text

    result = loss(kind, input, target, inputs=inputs, reduction=reduction, one_based=one_based)
    if form is None:
        click.echo(loss_text(result, digits), nl=False)
        return
    emit(form, lambda: loss_json(result, digits), lambda: loss_markdown(result, digits), None, None)
