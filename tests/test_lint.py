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
