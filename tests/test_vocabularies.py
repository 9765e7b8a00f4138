"""Closed vocabularies are declared once, as a Literal type and its tuple of values,
and the code that checks a value (the CLI's choices, the YAML readers, the
engine) uses that tuple (issue 12)."""

from __future__ import annotations

from typing import get_args

import click
import pytest
from click.testing import CliRunner

from cnncalc import activations, layout, loss, pool
from cnncalc.cli import main
from cnncalc.cli.options import FORMS, Form
from cnncalc.errors import CnnCalcError, InternalError, SpecError
from cnncalc.exercises import answers
from cnncalc.geometry import PADDING_MODES, PaddingMode
from cnncalc.grading import grader
from cnncalc.stacks import layers, macs
from cnncalc.stacks.grammar import parse_inline, stack_from_data
from cnncalc.torch import TASKS, Task
from cnncalc.yamlio import YamlDocument

VOCABULARIES = [
    (answers.AnswerKind, answers.KINDS, ("number", "matrix", "shape", "formula", "text", "table")),
    (grader.Status, grader.STATUSES, ("correct", "partial", "wrong", "missing", "invalid", "error", "manual")),
    (layers.Convention, layers.CONVENTIONS, ("torch", "keras")),
    (layers.Dtype, layers.DTYPES, tuple(layers.DTYPE_BYTES)),
    (layers.PoolOp, layers.POOL_OPS, ("max", "avg")),
    (layers.ActivationName, layers.ACTIVATIONS, None),
    (Task, TASKS, ("logreg", "mlp", "cnn", "mlp-matched", "shift", "optimizers", "all")),
    (pool.Operation, pool.OPERATIONS, ("max", "avg", "min", "sum")),
    (activations.Function, activations.FUNCTIONS, ("relu", "leaky-relu", "sigmoid", "tanh", "softmax", "log-softmax")),
    (loss.LossKind, loss.KINDS, ("cross-entropy", "nll", "bce", "mse")),
    (loss.Reduction, loss.REDUCTIONS, ("mean", "sum")),
    (layout.Layout, layout.LAYOUTS, ("hwc", "chw")),
    (macs.MacsConvention, macs.MACS_CONVENTIONS, ("cnncalc", "torchvision", "torchinfo", "fvcore", "thop", "ptflops")),
    (PaddingMode, PADDING_MODES, ("valid", "same", "full")),
    (Form, FORMS, ("json", "markdown", "latex", "csv")),
]


@pytest.mark.parametrize("literal, values, expected", VOCABULARIES)
def test_each_tuple_is_its_literal(literal, values, expected):
    assert values == get_args(literal)
    if expected is not None:
        assert values == expected


def _choices(command: str, name: str) -> tuple:
    ctx = click.Context(main)
    cmd = main.get_command(ctx, command)
    (param,) = [p for p in cmd.params if p.name == name]
    return tuple(param.type.choices)


def test_the_command_line_offers_the_declared_values():
    assert _choices("shape", "convention") == layers.CONVENTIONS == _choices("verify", "convention")
    assert set(_choices("shape", "dtype")) == set(layers.DTYPES)
    assert _choices("shape", "layout") == layout.LAYOUTS == _choices("verify", "layout")
    assert _choices("shape", "macs_convention") == macs.MACS_CONVENTIONS
    assert _choices("train", "task") == TASKS
    assert set(_choices("loss", "kind")) == set(loss.KINDS) | {"ce"}
    assert _choices("loss", "reduction") == loss.REDUCTIONS
    assert set(pool.OPERATIONS) <= set(_choices("pool", "op"))
    assert set(activations.FUNCTIONS) <= set(_choices("act", "function"))


def test_a_value_outside_a_vocabulary_is_refused_where_it_is_checked():
    with pytest.raises(InternalError, match="not one of number, matrix"):
        answers.Answer("numbr", 1)
    with pytest.raises(CnnCalcError, match="torch or keras"):
        layers.Context(convention="tensorflow")
    with pytest.raises(SpecError, match="not torch or keras"):
        stack_from_data({"input": [8, 8, 1], "layers": ["relu"], "convention": "caffe"}, YamlDocument({}, "net.yaml"))
    with pytest.raises(CnnCalcError, match="unknown; use one of relu, leaky-relu"):
        activations.activate("swish", "1 2")
    result = CliRunner().invoke(main, ["shape", "8x8x3", "--dtype", "float8"])
    assert result.exit_code == 2 and "float8" in result.output


def test_every_activation_name_is_a_layer_of_the_grammar():
    for name in layers.ACTIVATIONS:
        (layer,) = parse_inline(f"8x8x3 -> {name}").layers
        assert layer.function == name
