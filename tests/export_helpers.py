"""Answers as a careful student types them, for the export tests: exact values as cnncalc
writes them, an irrational value (a softmax) as a decimal of 10 significant figures."""

from fractions import Fraction

from cnncalc.exercises.solution import answer_inline
from cnncalc.render import format_value


def constant(value) -> Fraction | None:
    """A real constant without symbols, to 50 figures (independently of the exports' 40)."""
    if isinstance(value, (int, Fraction)) or not getattr(value, "is_number", False):
        return None
    import sympy

    return Fraction(str(sympy.N(value, 50)))


def typed_value(value) -> str:
    if constant(value) is not None:
        import sympy

        return str(sympy.N(value, 10))
    return format_value(value)


def typed_answer(reference) -> str:
    if reference.kind == "matrix":
        values = reference.value.reduced().values()
        rows = values.reshape(1, -1) if values.ndim <= 1 else values.reshape(-1, values.shape[-1])
        return "; ".join(" ".join(typed_value(v) for v in row) for row in rows)
    if reference.kind in ("number", "formula") and constant(reference.value) is not None:
        return typed_value(reference.value)
    return answer_inline(reference)
