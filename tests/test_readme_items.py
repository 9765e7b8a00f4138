"""The README's section "Every item of the course, computed": each command runs as written,
and where the README shows its output, prints exactly that."""

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from cnncalc.cli import main

ROOT = Path(__file__).resolve().parent.parent
SECTION = (ROOT / "README.md").read_text(encoding="utf-8").split("## Every item of the course, computed", 1)[1]
SECTION = SECTION.split("\n## ", 1)[0]
PAIRS = re.findall(r"```bash\n(cnncalc [^\n]+)\n```\n(?:\n```text\n(.*?)\n```\n)?", SECTION, re.S)


def test_the_section_has_commands():
    assert len(PAIRS) >= 10


@pytest.mark.parametrize("command, shown", PAIRS, ids=[c[:60] for c, _ in PAIRS])
def test_readme_command(command, shown, monkeypatch):
    args = shlex.split(command)[1:]
    if args[:2] == ["data", "mnist"] and not (ROOT / args[2] / "train-images-idx3-ubyte.gz").exists():
        pytest.skip("no MNIST copy beside the checkout")
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    if shown:
        assert result.stdout.rstrip("\n") == shown


@pytest.mark.parametrize("args, sympy_expected", [
    (["kernel", "1 0 -1; 2 0 -2; 1 0 -1"], False),
    (["conv", "1 2; 3 4", "1 1; 1 1", "--transposed", "--stride", "2", "--explain"], False),
    (["equivariance", "0 1 0; 0 1 0; 0 1 0", "1 1; 1 1", "--pool", "2"], False),
    (["shape", "resnet18", "--macs-convention", "thop"], False),
    (["shape", "mnist-cnn", "--train", "--batch", "64"], False),
    (["shape", "inception3a", "--compare", "inception3a-naive"], False),
    (["loss", "mse", "1 2", "--target", "0 0"], False),
    (["loss", "cross-entropy", "1 2", "--target", "0"], True),  # exp and log: sympy
])
def test_new_commands_never_import_torch(args, sympy_expected):
    import subprocess
    import sys

    code = ("import sys; from click.testing import CliRunner; from cnncalc.cli import main;"
            f"r = CliRunner().invoke(main, {args!r}); assert r.exit_code == 0, r.output;"
            "print('torch' in sys.modules, 'sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", str(sympy_expected)]
