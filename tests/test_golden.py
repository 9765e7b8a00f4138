"""Golden files: printed explanations and tables, compared byte for byte.

Refresh after an intended change with:
    CNNCALC_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
and review the diff of tests/golden/ before committing it.
"""

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cnncalc.cli import main

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = {
    "conv-true-convolution.md": ["conv", "0 80 40; 20 40 0; 0 0 40", "0 0.25; 0.5 1", "--flip", "--explain", "--markdown"],
    "conv-padding.tex": ["conv", "0 80 40; 20 40 0; 0 0 40", "0 0.25 0; 0.25 0.5 1; 0 0 0.25", "--padding", "1",
                         "--explain", "--latex"],
    "conv-ring.txt": ["conv", "20 35 35 35 35 20; 29 46 44 42 42 27; 16 25 21 19 19 12; 66 120 116 154 114 62; "
                      "74 216 174 252 172 112; 70 210 170 250 170 110", "1 1 1; 1 0 1; 1 1 1", "--cell", "2,2"],
    "pool-average.md": ["pool", "10 15 10 20; 10 5 0 30; 5 15 20 25; 15 10 25 20", "--op", "avg", "--explain",
                        "--markdown"],
    "shape-alexnet.md": ["shape", "alexnet", "--markdown"],
    "shape-vgg16-no-bias.md": ["shape", "vgg16", "--no-bias", "--markdown"],
    "shape-mnist-cnn-explain.txt": ["shape", "mnist-cnn", "--explain"],
    "shape-symbolic.txt": ["shape", "N x N x 3 -> conv 10 5x5 pad 2 -> maxpool 2", "--explain"],
    "shape-keras-task.csv": ["shape", "keras-task", "--csv"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_matches_golden_file(name):
    result = CliRunner().invoke(main, CASES[name], terminal_width=100)
    assert result.exit_code == 0, result.output
    path = GOLDEN / name
    if os.environ.get("CNNCALC_UPDATE_GOLDEN"):
        path.write_text(result.output, encoding="utf-8")
    assert path.exists(), "missing golden file: CNNCALC_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py"
    assert result.output == path.read_text(encoding="utf-8"), \
        f"{name} changed: review, then CNNCALC_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py"
