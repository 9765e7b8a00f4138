"""Golden files: printed explanations and tables, compared byte for byte.

Refresh after an intended change with:
    CNNCALC_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
and review the diff of tests/golden/ before committing it.
"""

import os
from pathlib import Path

import numpy as np
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




def _inputs(folder: Path) -> dict:
    """Arrays for the layout cases, from plain arithmetic (no random generator,
    so every numpy version writes the same files)."""
    def pattern(*shape, modulus=256):
        index = np.indices(shape).reshape(len(shape), -1)
        linear = (index * np.array([17, 3, 5, 11, 13][:len(shape)])[:, None]).sum(axis=0)
        return ((linear * linear + index[0]) % modulus).reshape(shape)

    arrays = {
        "image28": pattern(28, 28),
        "image47": pattern(47, 47),
        "channels": pattern(2, 6, 6, modulus=10),
        "filters": pattern(3, 2, 3, 3, modulus=5) - 2,
        "batch": pattern(64, 1, 10, 10),
        "batch_filters": pattern(10, 1, 3, 3, modulus=13) - 6,
        "dense_weights": pattern(256, 4, modulus=9) - 4,
    }
    paths = {}
    for name, array in arrays.items():
        paths[name] = str(folder / f"{name}.npy")
        np.save(paths[name], array)
    return paths


# layout -> the command line (given the input files); each is kept at 80 and at 200 columns
LAYOUTS = {
    "vector": lambda f: ["act", "relu", " ".join(str(v) for v in range(-12, 18))],
    "vector-wrapped": lambda f: ["dense", "1 2 -1 1/2", f["dense_weights"]],
    "matrix": lambda f: ["conv", f["image28"], "1 0 -1; 2 0 -2; 1 0 -1"],
    "matrix-elided": lambda f: ["conv", f["image47"], "1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9"],
    "channels": lambda f: ["conv", f["channels"], f["filters"]],
    "batch": lambda f: ["conv", f["batch"], f["batch_filters"]],
    "window": lambda f: CASES["conv-ring.txt"] + [],
    "softmax-named-sum": lambda f: ["act", "softmax", "1 2 3 4 5 6 7 8 9 10 11 12", "--explain"],
}
WIDTHS = (80, 200)


def _check(name: str, output: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CNNCALC_UPDATE_GOLDEN"):
        path.write_text(output, encoding="utf-8")
    assert path.exists(), "missing golden file: CNNCALC_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py"
    assert output == path.read_text(encoding="utf-8"), \
        f"{name} changed: review, then CNNCALC_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py"


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_matches_golden_file(name):
    result = CliRunner().invoke(main, CASES[name], terminal_width=100, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    _check(name, result.output)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_terminal_layout_matches_golden_file(layout, width, tmp_path):
    """Each layout in a terminal of 80 and of 200 columns: every shown value
    whole, wide grids wrapped, long runs elided with a note."""
    result = CliRunner().invoke(main, LAYOUTS[layout](_inputs(tmp_path)), env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    assert max(map(len, result.output.splitlines())) <= width
    assert "…" not in result.output
    _check(f"layout-{layout}-{width}.txt", result.output)
