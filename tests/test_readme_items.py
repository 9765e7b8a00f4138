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
