"""The static checks of pyproject.toml, so that the README's test command runs them too: ruff
over the tree (fast), and mypy over cnncalc (slow: about half a minute without its cache).
.ci/run runs both before the tests as well."""

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(module: str, executable: str) -> list[str] | None:
    """How to run a checker: its module under this Python, else its executable on PATH."""
    if importlib.util.find_spec(module) is not None:
        return [sys.executable, "-m", module]
    found = shutil.which(executable)
    return [found] if found else None


def test_ruff_is_clean():
    ruff = _tool("ruff", "ruff")
    if ruff is None:
        pytest.skip('ruff is not installed: pip install -e ".[test]" installs it')
    result = subprocess.run([*ruff, "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_is_clean():
    mypy = _tool("mypy", "mypy")
    if mypy is None:
        pytest.skip('mypy is not installed: pip install -e ".[test]" installs it')
    result = subprocess.run(mypy, cwd=ROOT, capture_output=True, text=True)  # files and options: pyproject.toml
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_function_is_longer_than_sixty_lines():
    """A function past 60 lines of code (its docstring aside) is split into named steps, as a
    function past complexity 15 is (ruff's C901, configured in pyproject.toml)."""
    import ast

    long = []
    for path in sorted((ROOT / "cnncalc").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = node.body
                if len(body) > 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                    body = body[1:]  # the docstring
                lines = node.end_lineno - body[0].lineno + 1
                if lines > 60:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines} lines)")
    assert not long, long
