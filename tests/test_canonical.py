"""cnncalc.canonical writes sympy's forms directly; each must be the very
expression sympy's own evaluation gives (``==`` is structural in sympy), on
drawn expressions of the kinds a stack walk builds and some it does not."""

import sympy
from hypothesis import given
from hypothesis import strategies as st

from cnncalc.canonical import divided, known_integer, plus_one, power, rounded, scaled, total

N, M, C = (sympy.Symbol(name, integer=True, positive=True) for name in ("N", "M", "C"))

rationals = st.builds(sympy.Rational, st.integers(-9, 9), st.integers(1, 6))
atoms = st.sampled_from([N, M, C, sympy.floor(N / 2 - sympy.Rational(1, 2)), sympy.ceiling(M / 3),
                         sympy.floor(N / 4) + 1, 2 ** N, sympy.sqrt(N)])


@st.composite
def expressions(draw, depth=2):
    if depth == 0:
        return draw(st.one_of(atoms, rationals))
    a = draw(expressions(depth=depth - 1))
    b = draw(expressions(depth=depth - 1))
    kind = draw(st.sampled_from(["add", "mul", "pow", "scale"]))
    if kind == "add":
        return a + b
    if kind == "mul":
        return a * b
    if kind == "pow":
        return a ** draw(st.integers(1, 3))
    return draw(rationals) * a


@given(st.integers(0, 50), expressions())
def test_scaled_is_sympys_product(count, expr):
    assert scaled(count, expr) == count * expr


@given(expressions(), st.integers(2, 4))
def test_power_is_sympys_power(base, exponent):
    assert power(base, exponent) == base ** exponent


@given(expressions(), st.integers(1, 8))
def test_divided_is_sympys_quotient(expr, divisor):
    assert divided(expr, divisor) == expr / divisor


@given(st.lists(expressions(), min_size=1, max_size=8))
def test_total_is_sympys_sum(values):
    assert total(values) == sympy.Add(*values)


@given(expressions(depth=1))
def test_plus_one_is_sympys_sum(inner):
    rounded = known_integer(sympy.floor(inner + sympy.Rational(1, 3) * N, evaluate=False))
    assert plus_one(rounded) == sympy.Add(rounded, 1)
    assert plus_one(inner) == inner + 1


def test_totals_of_infinities_and_cancellations_are_sympys():
    assert total([sympy.oo, N]) == sympy.oo
    assert total([N, -N]) == 0
    assert total([2 * N, 3 * N, 1, sympy.Rational(-1, 2)]) == 5 * N + sympy.Rational(1, 2)


@given(expressions(depth=1), st.sampled_from([sympy.floor, sympy.ceiling]))
def test_rounded_is_sympys_unevaluated_floor(inner, rounding):
    argument = inner + N / 3
    direct, own = rounded(rounding, argument), rounding(argument, evaluate=False)
    assert direct == own and hash(direct) == hash(own) and sympy.srepr(direct) == sympy.srepr(own)
    assert direct.nargs == own.nargs and str(direct) == str(own) and sympy.latex(direct) == sympy.latex(own)
    assert direct.is_integer and direct.func(*direct.args) == rounding(argument)
    for value in (1, 2, 7, 30):
        assert direct.subs(N, value).doit() == own.subs(N, value).doit() == rounding(argument.subs(N, value))
