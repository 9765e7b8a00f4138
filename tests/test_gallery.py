"""docs/gallery.md: every picture it shows exists, the commands above them still draw exactly the
committed files (SVG and HTML byte for byte, a GIF by its frames: its bytes depend on Pillow's
version), the corrected conv_arithmetic figure holds the right numbers, and the transposed figures are the
published ones with the generator's numbers."""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import numpy
import pytest
from click.testing import CliRunner

from cnncalc.cli import main

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "gallery.md"
GALLERY = ROOT / "docs" / "gallery"
SVG = "{http://www.w3.org/2000/svg}"


def _maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_gallery", ROOT / "docs" / "make_gallery.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_linked_picture_exists_and_every_drawn_file_is_linked():
    text = PAGE.read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\((gallery/[^)]+)\)", text))
    drawn = {f"gallery/{m}" for m in re.findall(r"--draw docs/gallery/(\S+)", text)}
    assert linked == drawn
    for link in linked:
        assert (ROOT / "docs" / link).exists(), link


def test_the_issue_17_figure_shows_the_stride_2_values():
    root = ET.parse(GALLERY / "numerical_padding_strides.svg").getroot()
    values = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("data-index"):
            values[g.get("data-index")] = int(g.find(f"{SVG}text").text)
    assert [[values[f"{r},{c}"] for c in range(3)] for r in range(3)] == [[1, 5, 6], [7, 8, 3], [3, 10, 4]]


@pytest.mark.slow
def test_the_gallery_commands_draw_the_committed_files(tmp_path):
    from PIL import Image

    maker = _maker()
    (tmp_path / "docs" / "gallery").mkdir(parents=True)
    commands = maker.gallery_commands(PAGE)
    assert len(commands) >= 25
    for command in commands:
        maker.run(command, tmp_path)
    stale = "docs/gallery is stale: run python docs/make_gallery.py"
    for fresh in sorted((tmp_path / "docs" / "gallery").iterdir()):
        committed = GALLERY / fresh.name
        assert committed.exists(), stale
        if fresh.suffix in (".svg", ".html"):
            assert fresh.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (fresh.name, stale)
        else:
            with Image.open(fresh) as new, Image.open(committed) as old:
                assert (new.n_frames, new.size) == (old.n_frames, old.size), (fresh.name, stale)
    shutil.rmtree(tmp_path / "docs")


# conv_arithmetic's bin/generate_makefile: (i, o, p, k, s) of the convolution each transposed animation transposes
PUBLISHED_TRANSPOSED = {
    "no_padding_no_strides_transposed": (4, 2, 0, 3, 1),
    "arbitrary_padding_no_strides_transposed": (5, 6, 2, 4, 1),
    "same_padding_no_strides_transposed": (5, 5, 1, 3, 1),
    "full_padding_no_strides_transposed": (5, 7, 2, 3, 1),
    "no_padding_strides_transposed": (5, 2, 0, 3, 2),
    "padding_strides_transposed": (5, 3, 1, 3, 2),
    "padding_strides_odd_transposed": (6, 3, 1, 3, 2),
}


def _gallery_json(name: str) -> tuple[list[str], list]:
    """The page's command that draws ``name``.gif, its arguments, and its --json output."""
    [command] = [c for c in _maker().gallery_commands(PAGE) if c.endswith(f"--draw docs/gallery/{name}.gif")]
    args = shlex.split(command)[1:-2]
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return args, json.loads(result.output)["output"]


def _matrix(values: list[list[int]]) -> str:
    return "; ".join(" ".join(map(str, row)) for row in values)


def _scatter(x: list[list[int]], w: list[list[int]], stride: int, padding: int, extra: int) -> list[list[int]]:
    """Transposed convolution by hand: every input cell adds its value times the kernel at stride steps;
    the padding is cropped from each side, the output padding adds rows and columns at the end."""
    size = (len(x) - 1) * stride + len(w) - 2 * padding + extra
    out = [[0] * size for _ in range(size)]
    for i, row in enumerate(x):
        for j, v in enumerate(row):
            for a, kernel_row in enumerate(w):
                for b, weight in enumerate(kernel_row):
                    r, c = i * stride + a - padding, j * stride + b - padding
                    if 0 <= r < size and 0 <= c < size:
                        out[r][c] += v * weight
    return out


@pytest.mark.parametrize("name", PUBLISHED_TRANSPOSED)
def test_the_transposed_figures_are_the_published_ones_with_the_generators_numbers(name):
    i, o, p, k, s = PUBLISHED_TRANSPOSED[name]
    args, output = _gallery_json(name)
    numpy.random.seed(1234)  # as bin/produce_figure draws, for the o x o input of the transposed convolution
    x, w = numpy.random.randint(0, 4, (o, o)).tolist(), numpy.random.randint(0, 3, (k, k)).tolist()
    odd = (i + 2 * p - k) % s  # the guide's bottom_pad: torch's output padding
    expected = ["conv", _matrix(x), _matrix(w), "--transposed"] + ["--stride", str(s)] * (s > 1) + \
        ["--padding", str(p)] * (p > 0) + ["--output-padding", str(odd)] * (odd > 0)
    assert args == expected
    assert [[int(v) for v in row] for row in output] == _scatter(x, w, s, p, odd)
    assert len(output) == i  # the transposed convolution gives back the i x i input of the one it transposes


def test_the_guides_picture_of_figure_4_5_is_the_same_transposed_convolution():
    args, scattered = _gallery_json("no_padding_strides_transposed")
    x = [[int(v) for v in row.split()] for row in args[1].split(";")]
    spread = [[x[r // 2][c // 2] if r % 2 == 0 and c % 2 == 0 else 0 for c in range(3)] for r in range(3)]
    equivalent, direct = _gallery_json("no_padding_strides_transposed-equivalent")
    assert equivalent == ["conv", _matrix(spread), args[2], "--padding", "2", "--flip"]  # k - 1 - p = 2
    assert direct == scattered
