"""Type annotations: every public function and method of cnncalc has its parameters and its
return annotated, and no dataclass or NamedTuple field is typed ``object`` or ``Any`` unless it
truly holds any value (the short list below says why each does).  mypy checks that the
annotations are right (.ci/run, and the slow test in test_lint.py); this test checks that
they are there, read from the source (no module is imported)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cnncalc"

# module:Class.field -> why the field holds any value
ANY_VALUE_FIELDS = {
    "exercises/answers.py:Answer.value": "as its kind says: a number or formula, an Exact matrix, a shape, a text",
    "exercises/answers.py:Answer.detail": "the engine's result behind a reference, read with isinstance",
    "exercises/scope.py:Given.value": "as its kind says: a number or formula, an Exact matrix, a network, a text",
    "exercises/scope.py:Given.raw": "the given as the exercise file wrote it: any YAML value",
    "exercises/exercise.py:Question.answer": "a choice or text question's model answer as written: any YAML value",
    "exercises/exercise.py:Question.expected": "the published answer as written: any YAML value",
    "exercises/exercise.py:CheckRow.published": "the published answer as written: any YAML value",
    "yamlio.py:YamlDocument.data": "the document's plain data: any YAML value",
    "grading/reading.py:Interpretation.digits": "significant figures: an int for a number, an array for a matrix",
}
LOOSE = {"object", "Any"}


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _public(name: str) -> bool:
    return not name.startswith("_") or (name.startswith("__") and name.endswith("__"))


def _missing(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    arguments = function.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
             *([arguments.vararg] if arguments.vararg else []), *([arguments.kwarg] if arguments.kwarg else [])]
    missing = [a.arg for a in every if a.annotation is None and a.arg not in ("self", "cls")]
    return missing + (["return"] if function.returns is None else [])


def _unannotated(tree: ast.Module) -> list[str]:
    """Public functions, and public methods of public classes, that lack an annotation."""
    out = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _public(node.name):
            if _missing(node):
                out.append(f"{node.name}({', '.join(_missing(node))})")
        elif isinstance(node, ast.ClassDef) and _public(node.name):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and _public(item.name) \
                        and _missing(item):
                    out.append(f"{node.name}.{item.name}({', '.join(_missing(item))})")
    return out


def _is_record(node: ast.ClassDef) -> bool:
    decorators = [ast.unparse(d) for d in node.decorator_list]
    return any(d.split("(")[0].endswith("dataclass") for d in decorators) or \
        any(ast.unparse(b).endswith("NamedTuple") for b in node.bases)


def _loose_fields(tree: ast.Module, module: str) -> list[str]:
    """Fields of dataclasses and NamedTuples typed object or Any (alone or in a union)."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and _is_record(node):
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    words = {part.strip() for part in ast.unparse(item.annotation).strip("'\"").split("|")}
                    if words & LOOSE:
                        out.append(f"{module}:{node.name}.{item.target.id}")
    return out


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_public_functions_are_annotated(path):
    missing = _unannotated(ast.parse(path.read_text(encoding="utf-8")))
    assert not missing, f"annotate in {path.relative_to(PACKAGE)}: " + "; ".join(missing)


def test_record_fields_have_real_types():
    loose = [f for path in _modules()
             for f in _loose_fields(ast.parse(path.read_text(encoding="utf-8")), str(path.relative_to(PACKAGE)))]
    unexplained = sorted(set(loose) - set(ANY_VALUE_FIELDS))
    assert not unexplained, ("give these fields their real type (Size, Value, Exact, ...), or say in "
                             "ANY_VALUE_FIELDS why they hold any value: " + ", ".join(unexplained))
    stale = sorted(set(ANY_VALUE_FIELDS) - set(loose))
    assert not stale, "no longer loose, remove from ANY_VALUE_FIELDS: " + ", ".join(stale)


def test_the_checker_sees_what_it_should():
    """The walk itself, on a made-up module: an unannotated function and method, an object field."""
    tree = ast.parse(
        "from dataclasses import dataclass\n"
        "def ok(a: int) -> int: ...\n"
        "def bad(a, b: int): ...\n"
        "def _private(a): ...\n"
        "class C:\n"
        "    def m(self, x) -> None: ...\n"
        "    def __init__(self) -> None: ...\n"
        "@dataclass(frozen=True)\n"
        "class R:\n"
        "    size: object\n"
        "    maybe: 'Any | None' = None\n"
        "    exact: int | object = 0\n"
        "    fine: int = 0\n"
    )
    assert _unannotated(tree) == ["bad(a, return)", "C.m(x)"]
    assert _loose_fields(tree, "m.py") == ["m.py:R.size", "m.py:R.maybe", "m.py:R.exact"]
