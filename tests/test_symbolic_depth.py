"""Deep symbolic stacks: a floor inside a floor is absorbed
(floor((floor(y) + c)/b) = floor((y + c)/b) for an integer c and a positive
integer b), so every layer's size stays one floor deep, and the formulas stay
right: substituted, they equal the stack computed with numbers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnncalc.errors import CnnCalcError
from cnncalc.geometry import floor_div, output_size
from cnncalc.stacks import load_stack
from cnncalc.stacks.grammar import symbol
from cnncalc.stacks.layers import Context, Conv, Pool
from cnncalc.stacks.shapes import Shape
from cnncalc.stacks.summary import summarize

from .helpers import examples


def test_a_stride_2_stack_stays_one_floor_deep():
    spec = "N x N x 3 -> " + " -> ".join(["conv 8 3x3 stride 2 pad 1"] * 150)
    stack = load_stack(spec)
    summary = summarize(stack.input, stack.layers)
    size = summary.output.spatial[0]
    # (N - 1) // 2**150 + 1: 150 halvings of N - 1, one floor
    assert str(size) == f"floor(N/{2**150} - 1/{2**150}) + 1"
    for n in (1, 2, 3, 2**150, 2**150 + 1, 3 * 2**151 + 5):
        assert size.subs(symbol("N"), n) == (n - 1) // 2**150 + 1


def test_floor_div_absorbs_only_what_the_identity_allows():
    n = symbol("N")
    assert str(floor_div(floor_div(n, 2) + 3, 4)) == "floor(N/8 + 3/4)"
    # a floor times 2 is not floor(2 * ...): nothing to absorb
    assert str(floor_div(2 * floor_div(n, 3), 4)) == "floor(floor(N/3)/2)"
    two_layers = output_size(output_size(n, 3, 2, 1), 5, 3, 2)
    assert str(two_layers) == "floor(N/6 - 1/6) + 1"
    for value in range(1, 60):
        assert floor_div(floor_div(n, 2) + 3, 4).subs(n, value) == (value // 2 + 3) // 4
        assert floor_div(2 * floor_div(n, 3), 4).subs(n, value) == (2 * (value // 3)) // 4
        assert two_layers.subs(n, value) == ((value - 1) // 2 + 1 - 5 + 4) // 3 + 1


@st.composite
def deep_layers(draw, ceil: bool):
    def conv():
        k = draw(st.integers(1, 5))
        return Conv(filters=draw(st.integers(1, 4)), kernel=(k, k), stride=draw(st.integers(1, 3)),
                    padding=draw(st.integers(0, 2)))

    def pool():
        k = draw(st.integers(2, 3))
        return Pool(draw(st.sampled_from(["max", "avg"])), kernel=k, stride=draw(st.integers(2, 3)),
                    padding=draw(st.integers(0, k // 2)), ceil_mode=ceil and draw(st.booleans()))

    return [conv() if draw(st.booleans()) else pool() for _ in range(draw(st.integers(4, 14)))]


# 25 deep stacks in the default and quick runs (each checked at 15 sizes); HYPOTHESIS_PROFILE=thorough
# draws the profile's own number (tests/helpers.py)
DEEP = examples(25)


@DEEP
@given(deep_layers(ceil=False))
def test_sizes_of_deep_stacks_keep_one_floor_and_equal_the_numbers(layers):
    n = symbol("N")
    symbolic = summarize(Shape((n, n), 2), layers, Context())
    size = str(symbolic.output.spatial[0])
    assert "floor(floor" not in size and size.count("floor(") <= 1, size
    _check_against_numbers(symbolic, layers)


@pytest.mark.slow  # deep stacks with ceil-mode pooling, each checked at 15 sizes (25 take 5-10 s)
@DEEP
@given(deep_layers(ceil=True))
def test_deep_stacks_with_ceil_mode_equal_the_numbers(layers):
    n = symbol("N")
    _check_against_numbers(summarize(Shape((n, n), 2), layers, Context()), layers)


def _check_against_numbers(symbolic, layers):
    checked = 0
    for value in (1, 2, 3, 5, 7, 8, 13, 28, 31, 32, 33, 100, 129, 224, 1000):
        try:
            numeric = summarize(Shape((value, value), 2), layers, Context())
        except CnnCalcError:
            continue
        substituted = symbolic.subs({"N": value})
        for a, b in zip(substituted.rows, numeric.rows):
            assert (a.output, a.units, a.macs) == (b.output, b.units, b.macs), (value, a.name)
        assert substituted.output == numeric.output
        checked += 1
    return checked


def _plain_product(*factors):
    import sympy

    result = sympy.Integer(1)
    for factor in factors:
        result = result * factor  # sympy's own evaluation, one factor at a time
    return result


@DEEP
@given(deep_layers(ceil=False), st.sampled_from(["square", "rectangle", "channels"]))
def test_the_shortcuts_give_sympys_own_forms(layers, kind):
    """units, MACs, memory and totals are built without sympy's simplification
    pass (shapes.times, shapes.product); they must be the very expressions
    sympy's own products and sums give, so comparisons and printing agree."""
    import sympy

    n, m, c = symbol("N"), symbol("M"), symbol("C")
    spatial, channels = {"square": ((n, n), 2), "rectangle": ((n, m), 2), "channels": ((n, n), c)}[kind]
    summary = summarize(Shape(spatial, channels), layers, Context())
    for row in summary.rows:
        for size in map(sympy.sympify, (*row.output.spatial, row.units, row.macs)):
            assert size.is_Atom or size == size.func(*size.args), (row.name, size)  # canonical: rebuilt, the same
        assert row.units == _plain_product(*row.output.spatial, row.output.channels), row.name
        assert row.memory_bytes == _plain_product(row.units, 4), row.name
        assert row.fc_equivalent is None or row.fc_equivalent == _plain_product(
            row.output.units, row.input.units + row.dense_bias), row.name
        layer = row.spec
        if isinstance(layer, Conv):
            k = layer.kernel[0] * layer.kernel[1]
            assert row.macs == _plain_product(row.units, k, row.input.channels), row.name
    stored = [r.units for r in summary.rows if not r.in_place]
    assert summary.total_memory_values == sum(stored, sympy.Integer(0)) + summary.input.units
    assert summary.total_macs == sum((r.macs for r in summary.rows), sympy.Integer(0))


def test_a_floor_is_told_only_that_it_is_an_integer():
    """geometry._known_integer presets one fact; a sign stays sympy's to derive
    (floor(N/2 - 3/2) is -1 for N = 1)."""
    n = symbol("N")
    size = floor_div(n - 3, 2)
    assert size.is_integer and size.is_finite and not size.is_infinite
    assert size.is_nonnegative is None
    assert (size ** 2).is_nonnegative


@pytest.mark.parametrize("layers", [
    "conv 4 7x7 stride 3 pad 1 -> conv 4 5x5 stride 2 -> conv 4 1x1",
    "conv 10 5x5 pad 2 -> maxpool 2",
    "conv 4 5x5 -> conv 4 5x5 -> maxpool 3 stride 2",
    "maxpool 2 stride 2 -> convtranspose 4 3x3 stride 2 -> conv 4 3x3",
])
def test_a_symbolic_stack_says_from_which_size_it_is_valid(layers):
    """valid_from gives the smallest N the stack with numbers accepts: it refuses N - 1."""
    from cnncalc.stacks.summary import valid_from

    spec = load_stack(f"N x N x 3 -> {layers}")
    symbol, n = valid_from(summarize(spec.input, spec.layers))
    assert symbol == "N"
    numeric = load_stack(f"{n}x{n}x3 -> {layers}")
    summarize(numeric.input, numeric.layers)  # accepted
    with pytest.raises(CnnCalcError):
        smaller = load_stack(f"{n - 1}x{n - 1}x3 -> {layers}")
        summarize(smaller.input, smaller.layers)
