"""Start-up: `cnncalc --help` lists every command without importing numpy,
sympy or torch; sympy is imported only where a value is symbolic."""

import json
import subprocess
import sys
from pathlib import Path

import click

from cnncalc.cli import COMMANDS, SUMMARIES, main

EXERCISES = Path(__file__).resolve().parent.parent / "exercises"

PROBE = """
import json
import sys
from cnncalc.cli import main
try:
    main({args!r}, standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(m for m in ("numpy", "sympy", "torch", "rich") if m in sys.modules)))
"""


def _modules_after(*args: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE.format(args=list(args))], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_help_imports_none_of_numpy_sympy_torch():
    assert _modules_after("--help") == []


def test_the_help_summaries_are_the_commands_own():
    ctx = click.Context(main)
    assert set(SUMMARIES) == set(COMMANDS), "add the new command's first help line to SUMMARIES in cli/__init__.py"
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        # the summary shown without loading the command is the one the command gives once loaded
        assert click.Command(name, help=SUMMARIES[name]).get_short_help_str(300) == command.get_short_help_str(300), name


def test_sympy_only_where_a_value_is_symbolic():
    assert "sympy" not in _modules_after("conv", "1 2; 3 4", "1 0; 0 1/2", "--json")
    assert "sympy" not in _modules_after("pool", "1 2; 3 4", "--op", "avg")
    assert "sympy" not in _modules_after("act", "relu", "-1 2.5")
    assert "sympy" not in _modules_after("shape", "32x32x3 -> conv 10 5x5 pad 2")
    assert "sympy" in _modules_after("conv", "a 2; 3 4", "1", "--json")
    # an exercise whose formulas name earlier numeric answers ("alexnet_params / googlenet")
    assert "sympy" not in _modules_after("check", str(EXERCISES / "vgg16.yaml"))
    # one with a real symbol (the output size H - 2 of an H x W image)
    assert "sympy" in _modules_after("check", str(EXERCISES / "lecture003-convolutional-layers.yaml"))
