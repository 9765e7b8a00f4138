"""Every property test follows the hypothesis profile (tests/conftest.py): a
test that needs fewer examples than CI takes them from ``helpers.examples``,
so HYPOTHESIS_PROFILE=thorough still reaches it with the profile's number,
and the quick loop never draws more than its own."""

import ast
import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent


def _fixed_counts(path: Path) -> list[int]:
    """Lines where ``settings(max_examples=...)`` is called: a count no profile can change."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
            and (getattr(node.func, "id", None) == "settings" or getattr(node.func, "attr", None) == "settings")
            and any(keyword.arg == "max_examples" for keyword in node.keywords)]


def test_no_test_module_fixes_its_number_of_examples():
    fixed = {path.name: lines for path in sorted(TESTS.glob("*.py"))
             if path.name not in ("conftest.py", "helpers.py") and (lines := _fixed_counts(path))}
    assert fixed == {}, f"use tests.helpers.examples(N) instead of settings(max_examples=N): {fixed}"


def test_examples_scale_with_the_profile():
    """examples(25), as tests/test_symbolic_depth.py asks: 25 in the default run (ci) and the quick
    loop (whose profile draws 30), the profile's 1,000 under HYPOTHESIS_PROFILE=thorough."""
    code = ("import tests.conftest\nfrom hypothesis import settings\nfrom tests.helpers import examples\n"
            "for profile in ('ci', 'quick', 'thorough'):\n"
            "    settings.load_profile(profile)\n"
            "    print(profile, examples(25).max_examples)")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["ci", "25", "quick", "25", "thorough", "1000"]
