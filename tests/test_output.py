"""Results a person can read at any size: the text of values (checked against
Python's own Fractions and formatting), the grids (every shown value whole,
elided runs named), the CLI's --full and --out, and softmax forms."""

import json
import re
from fractions import Fraction

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cnncalc.activations import decimal_values, log_softmax, softmax
from cnncalc.cells import cell_texts, format_value, json_nested, json_value, rounded_decimal
from cnncalc.cli import main
from cnncalc.expr import normalize
from cnncalc.textgrid import Block, Limits, Note, blocks, grid_text
from cnncalc.values import Exact

fractions = st.fractions(min_value=-10**6, max_value=10**6, max_denominator=10**4)


@given(fractions, st.integers(1, 15))
def test_rounded_decimals_are_printf_g_of_the_exact_fraction(value, digits):
    # below 16 digits a double holds the fraction closely enough for %g to agree,
    # except where the fraction is (or sits within a double's error of) a rounding tie
    exact = rounded_decimal(value, digits)
    scaled = abs(value) * Fraction(10) ** (digits - 1 - _exponent(value))
    near_tie = abs(scaled - int(scaled) - Fraction(1, 2)) < Fraction(1, 10**6)
    if not near_tie:
        assert exact == f"{float(value):.{digits}g}"
    assert abs(Fraction(exact) - value) <= Fraction(1, 2) * Fraction(10) ** (_exponent(value) - digits + 1)


def _exponent(value: Fraction) -> int:
    value = abs(value)
    if value == 0:
        return 0
    e = len(str(value.numerator)) - len(str(value.denominator))
    return e - 1 if value < Fraction(10) ** e else e


def test_many_digits_are_exact_where_a_float_is_not():
    assert rounded_decimal(Fraction(2, 3), 30) == "0.666666666666666666666666666667"
    assert f"{2 / 3:.30g}" != "0.666666666666666666666666666667"


@given(st.lists(fractions, min_size=1, max_size=30), st.sampled_from([None, 3, 8]))
def test_array_texts_equal_the_text_of_each_value(values, digits):
    array = Exact.from_nested([str(v) for v in values])
    values = [normalize(v) for v in values]  # a whole Fraction is an int
    assert json_nested(array) == [json_value(v) for v in values]
    assert cell_texts(array, digits).tolist() == [format_value(v, digits) for v in values]


def test_int64_and_python_int_numerators_give_the_same_texts():
    big = Exact(np.array([2**70 + 1, -3, 0], dtype=object), 6)
    assert json_nested(big) == [f"{2**70 + 1}/6", "-1/2", 0]
    assert cell_texts(big).tolist() == [f"{2**70 + 1}/6", "-0.5", "0"]


def _shown_numbers(text: str) -> list[str]:
    return re.findall(r"-?\d+(?:/\d+|\.\d+)?", text)


def test_a_grid_that_fits_shows_every_value_in_order():
    array = Exact(np.arange(26 * 26).reshape(26, 26) * 37 - 9000)
    for width in (40, 80, 200, None):
        items = blocks(array, width)
        assert all(isinstance(i, Block) for i in items)
        lines = [line.text for line in items[0].lines if not line.text.startswith("column")]
        assert all(width is None or len(line) <= width for line in lines)
        # blocks of columns: collect each row's values across the blocks
        values = sorted(int(v) for line in lines for v in line.split())
        assert values == sorted(array.numerators.ravel().tolist())


def test_elided_runs_are_named_and_nothing_is_cut():
    array = Exact(np.arange(64 * 10 * 40 * 45).reshape(64, 10, 40, 45))
    text = grid_text(array, 120)
    assert "samples 3-62 of 64 not shown; --full, --json or --out FILE for all" in text
    assert "channels 3-8 of 10 not shown" in text
    assert "rows 9-32 of 40 not shown" in text and "columns 9-37 of 45 not shown" in text
    assert "…" not in text and "..." not in text
    # the corner values of the last slice are all there
    last = array.numerators[63, 9]
    for value in (last[0, 0], last[0, 44], last[39, 0], last[39, 44]):
        assert str(value) in _shown_numbers(text)


def test_limits_none_shows_everything():
    array = Exact(np.arange(3 * 50 * 50).reshape(3, 50, 50))
    items = blocks(array, 100, limits=None)
    assert not any(isinstance(i, Note) for i in items)
    shown = [int(v) for b in items for line in b.lines if not line.text.startswith("column") for v in line.text.split()]
    assert sorted(shown) == list(range(3 * 50 * 50))


def test_a_long_vector_is_wrapped_with_indices():
    text = grid_text(Exact(np.arange(1, 257)), 80)
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert lines[0].lstrip().startswith("[1]")
    assert [int(v) for line in lines for v in line.split()[1:]] == list(range(1, 257))
    elided = grid_text(Exact(np.arange(5000)), 80, limits=Limits(values=1000, edge_values=10))
    assert "values 11-4990 of 5000 not shown" in elided


def test_cli_full_and_out(tmp_path):
    image = tmp_path / "image.npy"
    np.save(image, np.arange(50 * 50).reshape(50, 50) % 97)
    runner = CliRunner()
    short = runner.invoke(main, ["conv", str(image), "1 1; 1 1"], env={"COLUMNS": "100"})
    assert short.exit_code == 0 and "rows 9-41 of 49 not shown; --full, --json or --out FILE for all" in short.output
    full = runner.invoke(main, ["conv", str(image), "1 1; 1 1", "--full"], env={"COLUMNS": "100"})
    assert "not shown" not in full.output and max(map(len, full.output.splitlines())) <= 100
    out = tmp_path / "all.txt"
    wrote = runner.invoke(main, ["conv", str(image), "1 1; 1 1", "--out", str(out)])
    assert wrote.exit_code == 0 and wrote.output.startswith(f"wrote {out}")
    expected = json.loads(runner.invoke(main, ["conv", str(image), "1 1; 1 1", "--json"]).output)["output"]
    rows = [line.strip("│ ").split() for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("│")]
    assert [[int(v) for v in row] for row in rows] == expected
    out_json = tmp_path / "all.json"
    runner.invoke(main, ["conv", str(image), "1 1; 1 1", "--json", "--out", str(out_json)])
    assert json.loads(out_json.read_text(encoding="utf-8"))["output"] == expected


def test_cli_out_to_a_missing_folder_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(main, ["conv", "1 2; 3 4", "1", "--out", str(tmp_path / "no" / "such.txt")])
    assert result.exit_code == 2 and result.output.startswith("error: --out")


def test_softmax_forms_are_exact_and_sum_to_one():
    import sympy

    result = softmax("1 2 3; 0 0 0")
    values = result.output.tolist()
    # exp(x_i - min x) / sum_j exp(x_j - min x): the same numbers, in lowest terms
    assert [str(v) for v in values[0]] == ["1/(1 + E + exp(2))", "E/(1 + E + exp(2))", "exp(2)/(1 + E + exp(2))"]
    assert values[1] == [Fraction(1, 3)] * 3
    assert sympy.simplify(sum(values[0]) - 1) == 0


@pytest.mark.parametrize("function", [softmax, log_softmax])
def test_decimals_of_a_row_equal_sympys_evalf(function):
    result = function("100 0 -3 1/2 7 7")
    for digits in (6, 20):
        fast = [str(v) for v in decimal_values(result, digits)]
        slow = [str(v.evalf(digits)) for v in result.output.values()]
        assert fast == slow


def test_softmax_decimals_match_torch():
    torch = pytest.importorskip("torch")
    x = [0.5, -2, 3, 1e-3]
    got = [float(v) for v in decimal_values(softmax([str(v) for v in x]), 17)]
    want = torch.softmax(torch.tensor(x, dtype=torch.float64), 0).tolist()
    assert np.allclose(got, want, rtol=1e-15, atol=0)


def test_softmax_says_by_what_its_values_were_divided():
    """1 2 3 prints 1/(1 + e + exp(2)): the formula line says it is exp(x_i - 1) / sum_j exp(x_j - 1), the
    definition's value divided by exp(1) above and below, so a student's e/(e + e^2 + e^3) is seen to agree."""
    import math

    from cnncalc.activations import softmax

    for values, shown in (("1 2 3", "exp(x_i - 1) / sum_j exp(x_j - 1)"), ("-2 0 1", "exp(x_i + 2) / sum_j exp(x_j + 2)"),
                          ("1 2; 3 5", "exp(x_i - m) / sum_j exp(x_j - m), m = the row's minimum")):
        result = softmax(values)
        assert shown in result.formula
        rows = [[float(v) for v in row.split()] for row in values.split(";")]
        for row, out in zip(rows, result.output.tolist() if len(rows) > 1 else [result.output.tolist()]):
            total = sum(math.exp(v) for v in row)  # the definition, unshifted
            assert [float(v) for v in out] == pytest.approx([math.exp(v) / total for v in row], rel=1e-12)
    assert softmax("0 1 2").formula == "softmax(x)_i = exp(x_i) / sum_j exp(x_j)"  # nothing divided
