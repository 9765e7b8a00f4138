"""Layer descriptions come from the grammar: parse(unparse(layer)) == layer for drawn
layers of every kind, options, names and nested blocks (issue 12); CSV rows and
explanations keep every option in words the grammar reads back."""

from __future__ import annotations

import csv
import io
from fractions import Fraction

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cnncalc.cli import main
from cnncalc.stacks.grammar import parse_inline, parse_layer_inline, symbol, unparse, unparse_layers
from cnncalc.stacks.layers import (
    ACTIVATIONS,
    LRN,
    Activation,
    AdaptivePool,
    BatchNorm,
    Concat,
    Conv,
    ConvTranspose,
    Dense,
    Dropout,
    Flatten,
    GlobalPool,
    Pool,
    Residual,
    ZeroPad,
)

from .helpers import examples

SYMBOLS = [symbol(name) for name in ("N", "M", "H", "W")]

size = st.one_of(st.integers(1, 300), st.sampled_from(SYMBOLS))
small = st.integers(1, 7)
kernel = st.one_of(small, st.tuples(small, small), st.tuples(small, small, small))
per_axis = st.one_of(st.integers(1, 4), st.tuples(st.integers(1, 4), st.integers(1, 4)))
numbers_padding = st.one_of(st.integers(0, 3), st.tuples(st.integers(0, 3), st.integers(0, 3)),
                            st.tuples(*[st.integers(0, 3)] * 4))
padding = st.one_of(numbers_padding, st.sampled_from(["same", "valid", "full"]))
name = st.one_of(st.none(), st.from_regex(r"[A-Za-z][A-Za-z0-9_.]{0,8}", fullmatch=True))
rate = st.fractions(min_value=0, max_value=1, max_denominator=1000)

convs = st.builds(Conv, size, kernel, per_axis, padding, per_axis, st.integers(1, 4), st.booleans(), name)
depthwise = st.builds(lambda k, s, p, d, m, b, n: Conv(None, k, s, p, d, 1, b, n, depthwise=True, multiplier=m),
                      kernel, per_axis, padding, per_axis, st.integers(1, 3), st.booleans(), name)
transposed = st.builds(ConvTranspose, size, kernel, per_axis, numbers_padding, st.one_of(st.integers(0, 2),
                       st.tuples(st.integers(0, 2), st.integers(0, 2))), per_axis, st.integers(1, 4), st.booleans(),
                       name)
pools = st.builds(Pool, st.sampled_from(["max", "avg"]), kernel, st.one_of(st.none(), per_axis), padding, per_axis,
                  st.booleans(), name)
leaves = st.one_of(
    convs, depthwise, transposed, pools,
    st.builds(AdaptivePool, st.sampled_from(["max", "avg"]), st.one_of(small, st.tuples(small, small)), name),
    st.builds(GlobalPool, st.sampled_from(["max", "avg"]), name),
    st.builds(ZeroPad, numbers_padding, name),
    st.builds(Flatten, name),
    st.builds(Dense, size, st.booleans(), name),
    st.builds(Dropout, rate, name),
    st.builds(Activation, st.sampled_from(ACTIVATIONS), name),
    st.builds(BatchNorm, st.booleans(), st.one_of(st.none(), st.fractions(min_value=Fraction(1, 10**9),
                                                                          max_value=1, max_denominator=10**9)), name),
    st.builds(LRN, st.integers(1, 9), name),
)


def _blocks(children):
    stack = st.lists(children, min_size=1, max_size=3).map(tuple)
    return st.one_of(
        st.builds(Residual, stack, st.one_of(st.just(()), stack), name),
        st.builds(Concat, st.lists(stack, min_size=1, max_size=3).map(tuple), name),
    )


layers = st.recursive(leaves, _blocks, max_leaves=12)


@given(layers)
def test_parse_of_unparse_is_the_layer(layer):
    text = unparse(layer)
    assert parse_layer_inline(text, "layer") == layer, text


@examples(60)
@given(st.lists(layers, min_size=1, max_size=5))
def test_a_whole_stack_round_trips(drawn):
    spec = parse_inline("32x32x3 -> " + unparse_layers(drawn))
    assert spec.layers == tuple(drawn)


def test_every_kind_is_written_with_its_options():
    assert unparse(Conv(96, (11, 11), stride=4)) == "conv 96 11x11 stride 4"
    assert unparse(Conv(64, (3, 3), padding="same", bias=False, name="c1")) == \
        "conv 64 3x3 padding same nobias name c1"
    assert unparse(Conv(None, (3, 3), 2, 1, depthwise=True)) == "depthwise 3x3 stride 2 padding 1"
    assert unparse(Conv(8, (3, 3), stride=(2, 1), padding=(1, 0, 2, 0))) == "conv 8 3x3 stride 2x1 padding 1,0,2,0"
    assert unparse(ConvTranspose(64, (3, 3), 2, 1, 1)) == "convtranspose 64 3x3 stride 2 padding 1 outpad 1"
    assert unparse(Pool("avg", 3, 2, (1, 0), 2, True)) == "avgpool 3 stride 2 pad 1,0 dilation 2 ceil"
    assert unparse(ZeroPad((1, 0, 2, 0))) == "zeropad 1,0,2,0"
    assert unparse(Dropout(Fraction(7, 20))) == "dropout 7/20"
    assert unparse(BatchNorm(False, Fraction(1, 1000))) == "batchnorm eps 1/1000 affine false"
    assert unparse(Concat(((Conv(64, (1, 1)),), (Pool("max", 3, 1, 1), Conv(32, (1, 1)))), name="mixed")) == \
        "concat(conv 64 1x1 | maxpool 3 stride 1 pad 1 -> conv 32 1x1) name mixed"


def test_csv_rows_keep_every_option_and_read_back():
    spec = "32x32x3 -> depthwise 3x3 stride 2 pad 1 -> maxpool 3 dilation 2 -> zeropad 1,0"
    result = CliRunner().invoke(main, ["shape", spec, "--csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["layer"] for row in rows] == ["depthwise 3x3 stride 2 padding 1", "maxpool 3 dilation 2", "zeropad 1,0"]
    assert parse_inline("32x32x3 -> " + " -> ".join(row["layer"] for row in rows)) == parse_inline(spec)
