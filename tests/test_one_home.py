"""One home per formula and helper (issue 12): the output-size formula text, the
JSON form of a value, rounding half away from zero, terminating decimals and
the exact bias add each come from one function, and every caller agrees with it.
References here are plain Python arithmetic written in the test."""

from __future__ import annotations

import json
from fractions import Fraction

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cnncalc.cells import json_value
from cnncalc.cli import main
from cnncalc.exercises.operations import run
from cnncalc.exercises.scope import Scope
from cnncalc.geometry import output_size_text, unfloored_output_size
from cnncalc.grading.mistakes import OUTPUT_SIZE_RULE
from cnncalc.rationals import is_terminating, round_half_away, round_significant
from cnncalc.stacks.layers import Context, Conv, Pool
from cnncalc.stacks.shapes import Shape
from cnncalc.values import Exact, add_bias

fractions = st.fractions(min_value=-10**6, max_value=10**6, max_denominator=10**4)


def test_the_output_size_formula_is_written_one_way_everywhere():
    text = "(7 - 3 + 2*0)/3 + 1"
    assert output_size_text(7, 3, 3, rounded=False) == text
    # a layer's formula (floored: 4/3 is not whole) and its warning
    effect = Conv(1, 3, stride=3).apply(Shape((7, 7), 1), Context(), "conv1")
    assert dict(effect.formulas)["output"] == "floor((7 - 3 + 2*0)/3) + 1 = 2"
    assert f"{text} = 2.33" in effect.warnings[0]
    # an exercise's output_size question, floored and exact
    scope = Scope({})
    assert run({"output_size": {"n": 7, "kernel": 3, "stride": 3}}, scope, "q").steps == (
        "floor((7 - 3 + 2*0)/3) + 1 = 2 (floor of 7/3)",)
    assert run({"output_size": {"n": 7, "kernel": 3, "stride": 3, "exact": True}}, scope, "q").steps[0].startswith(
        f"{text} = 7/3")
    # a window question and the feedback's rule in letters
    assert run({"window": {"n_in": 7, "n_out": 3, "kernel": 3, "stride": 2}}, scope, "q").steps[1] == \
        "(7 - 3 + 2*0)/2 + 1 = 3"
    assert OUTPUT_SIZE_RULE == "(N - F + 2*P)/S + 1"


def test_a_pool_layer_writes_the_same_formula_as_the_exercise():
    effect = Pool("max", 3, stride=2).apply(Shape((55, 55), 96), Context(), "pool1")
    step = run({"output_size": {"n": 55, "kernel": 3, "stride": 2}}, Scope({}), "q").steps[0]
    assert dict(effect.formulas)["output"] == step == "(55 - 3 + 2*0)/2 + 1 = 27"


@given(st.integers(1, 60), st.integers(1, 7), st.integers(1, 4), st.integers(0, 3), st.integers(1, 3))
def test_the_unfloored_size_is_the_course_formula(n, k, s, p, d):
    assert unfloored_output_size(n, k, s, p, d) == Fraction(n + 2 * p - d * (k - 1) - 1, s) + 1


def test_json_value_of_a_whole_fraction_is_a_number():
    assert json_value(Fraction(4, 1)) == 4 and json_value(Fraction(-9, 3)) == -3
    assert json_value(Fraction(1018, 9)) == "1018/9"


def test_a_symbolic_array_keeps_its_whole_cells_as_json_numbers():
    result = CliRunner().invoke(main, ["conv", "a 2; 3 4", "1 0; 0 1", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["output"] == [["a + 4"]]
    result = CliRunner().invoke(main, ["dense", "a 1", "0 1; 1 0", "--json"])
    assert json.loads(result.output)["output"] == [1, "a"]


@given(fractions, st.integers(-3, 6))
def test_round_half_away_against_floor_of_double_plus_one(value, places):
    unit = Fraction(1, 10**places) if places >= 0 else Fraction(10**-places)
    sign = 1 if value >= 0 else -1
    reference = sign * ((2 * abs(value) / unit + 1) // 2) * unit  # floor(x + 1/2) on |x|
    assert round_half_away(value, unit) == reference


def test_round_significant_rounds_halves_away_from_zero():
    assert round_significant(Fraction(125, 100), 2) == Fraction(13, 10)
    assert round_significant(Fraction(-125, 100), 2) == Fraction(-13, 10)
    assert round_significant(Fraction(62378344), 2) == 62_000_000


@given(st.integers(1, 10**12))
def test_is_terminating_against_a_power_of_ten(q):
    assert is_terminating(q) == (pow(10, q.bit_length(), q) == 0)


@given(st.lists(st.tuples(fractions, fractions), min_size=1, max_size=12))
def test_add_bias_against_fraction_arithmetic(pairs):
    values = Exact.from_nested([str(v) for v, _ in pairs])
    bias = Exact.from_nested([str(b) for _, b in pairs])
    out = add_bias(values, bias, (-1,))
    assert [Fraction(v) for v in out.tolist()] == [v + b for v, b in pairs]
