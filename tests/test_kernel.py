"""What a kernel detects: the exercise sheet's answers, classical kernels, and
the probes' responses against torch's conv2d on the probe images."""

import math
from fractions import Fraction

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cnncalc.cli import main
from cnncalc.errors import InputError
from cnncalc.kernel import FEATURES, describe_kernel, probes, vocabulary

F1 = "-10 -10 -10; 5 5 5; -10 -10 -10"
F2 = "2 2 2; 2 -12 2; 2 2 2"
F3 = "-20 -10 0 5 10; -10 0 5 10 5; 0 5 10 5 0; 5 10 5 0 -10; 10 5 0 -10 -20"


@pytest.mark.parametrize("kernel, published", [
    (F1, "Thin horizontal line"), (F2, "Frame with no center"), (F3, "Diagonal line"),
])
def test_the_sheets_kernels_come_out_as_the_sheet_says(kernel, published):
    report = describe_kernel(kernel)
    plain = [" ".join(p.lower().replace("-", " ").split()) for p in report.accepted]
    assert published.lower() in plain
    assert published.lower() not in [" ".join(c.lower().replace("-", " ").split()) for c in report.competing]


def test_the_sheets_names_exactly():
    assert describe_kernel(F1).name == "thin horizontal line"
    assert describe_kernel(F2).name == "frame with no centre"
    assert describe_kernel(F3).name == "diagonal line from bottom-left to top-right"


@pytest.mark.parametrize("kernel, name", [
    ("1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9", "mean filter (blur)"),
    ("1 2 1; 2 4 2; 1 2 1", "weighted blur (Gaussian)"),
    ("1 0 -1; 2 0 -2; 1 0 -1", "vertical edge (Sobel)"),
    ("-1 0 1; -2 0 2; -1 0 1", "vertical edge (Sobel)"),
    ("1 2 1; 0 0 0; -1 -2 -1", "horizontal edge (Sobel)"),
    ("0 1 0; 1 -4 1; 0 1 0", "Laplacian"),
    ("0 -1 0; -1 5 -1; 0 -1 0", "sharpen"),
    ("0 0 0; 0 1 0; 0 0 0", "identity"),
    ("-1 -1 -1; 2 2 2; -1 -1 -1", "thin horizontal line"),
    ("-1 2 -1; -1 2 -1; -1 2 -1", "thin vertical line"),
    ("2 -1 -1; -1 2 -1; -1 -1 2", "diagonal line from top-left to bottom-right"),
    ("1 1 1; 1 -2 1; 1 1 1", "frame with no centre"),
    ("-1 -1 -1; -1 8 -1; -1 -1 -1", "Laplacian (8-neighbour)"),
    ("-1 -1 -1; -1 9 -1; -1 -1 -1", "bright point"),
    ("-1 0 1", "vertical edge"),
    ("0 0 0; 0 0 0; 0 0 0", "zero kernel"),
])
def test_named_kernels(kernel, name):
    assert describe_kernel(kernel).name == name


def test_sum_and_brightness():
    mean = describe_kernel("1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9")
    assert mean.total == 1 and mean.preserves_brightness
    sobel = describe_kernel("1 0 -1; 2 0 -2; 1 0 -1")
    assert sobel.total == 0 and not sobel.preserves_brightness
    assert describe_kernel(F1).total == -45  # 6 x (-10) + 3 x 5


def test_responses_by_hand():
    """F1 on a bright horizontal line: 5 + 5 + 5 = 15; on a bright point: 5."""
    responses = {r.pattern: r.response for r in describe_kernel(F1).responses}
    assert responses["horizontal line"] == 15
    assert responses["bright point"] == 5
    assert responses["flat patch"] == -45
    assert responses["vertical edge (bright right)"] == Fraction(-45, 2)  # 3 columns: 0, 1/2, 1


def test_vocabulary_is_consistent():
    for name, feature in FEATURES.items():
        assert feature.name == name and name in vocabulary()
    report = describe_kernel(F3)
    assert not {c.lower() for c in report.competing} & {a.lower() for a in report.accepted}
    assert "diagonal line from top-left to bottom-right" in report.competing
    assert "thin horizontal line" in report.competing


def test_bad_kernels_are_one_line_errors():
    with pytest.raises(InputError, match="symbols"):
        describe_kernel("a 1; 2 3")
    with pytest.raises(InputError, match="one 2-D kernel"):
        describe_kernel("1 2; 3 4 | 5 6; 7 8")


small_kernels = st.integers(1, 5).flatmap(
    lambda h: st.integers(1, 5).flatmap(
        lambda w: st.lists(st.lists(st.integers(-9, 9), min_size=w, max_size=w), min_size=h, max_size=h)))


@given(small_kernels)
def test_responses_are_the_layer_output_on_the_probe(rows):
    """A probe's response is what conv2d gives on the probe image (one output cell)."""
    report = describe_kernel(rows)
    k = torch.tensor(rows, dtype=torch.float64)[None, None]
    h, w = len(rows), len(rows[0])
    for probe, response in zip(probes(h, w), report.responses):
        # scale the probe to integers so torch's float64 sum is exact, then divide exactly
        scale = math.lcm(*(v.denominator for row in probe.cells for v in row))
        image = torch.tensor([[int(v * scale) for v in row] for row in probe.cells], dtype=torch.float64)[None, None]
        expected = Fraction(int(F.conv2d(image, k).item()), scale)
        assert response.response == expected
        assert -1 <= response.match <= 1 if response.match is not None else True


@given(small_kernels)
def test_symmetries_against_numpy(rows):
    k = np.array(rows)
    found = set(describe_kernel(rows).symmetries)
    assert ("mirror left-right" in found) == np.array_equal(k, k[:, ::-1])
    assert ("mirror top-bottom" in found) == np.array_equal(k, k[::-1, :])
    assert ("rotation by 180 degrees" in found) == np.array_equal(k, k[::-1, ::-1])
    if k.shape[0] == k.shape[1]:
        assert ("mirror in the main diagonal" in found) == np.array_equal(k, k.T)
        assert ("rotation by 90 degrees" in found) == np.array_equal(k, np.rot90(k))


@given(st.integers(1, 20), st.sampled_from([F1, "-1 2 -1; -1 2 -1; -1 2 -1", F3, "-1 0 1; -1 0 1; -1 0 1"]))
def test_the_name_ignores_a_positive_factor_and_turning_swaps_lines(factor, kernel):
    k = np.array([[int(v) for v in row.split()] for row in kernel.split(";")])
    name = describe_kernel((factor * k).tolist()).name
    assert name == describe_kernel(kernel).name
    turned = describe_kernel(np.rot90(k).tolist()).name
    swaps = {"thin horizontal line": "thin vertical line", "thin vertical line": "thin horizontal line",
             "diagonal line from bottom-left to top-right": "diagonal line from top-left to bottom-right",
             "vertical edge (Prewitt)": "horizontal edge (Prewitt)"}
    assert turned == swaps[name]


def test_cli_table_and_json():
    runner = CliRunner()
    result = runner.invoke(main, ["kernel", F1])
    assert result.exit_code == 0, result.output
    assert "detects: thin horizontal line" in result.output
    assert "horizontal line" in result.output and "15" in result.output
    import json

    data = json.loads(runner.invoke(main, ["kernel", F2, "--json"]).output)
    assert data["name"] == "frame with no centre" and "frame with no center" in data["accepted"]
    assert data["sum"] == 4
    bad = runner.invoke(main, ["kernel", "1 2; 3"])
    assert bad.exit_code == 2 and bad.output.startswith("error:") and bad.output.count("\n") == 1
