"""Figures are renderers: every value drawn is the engine's own (read back from the SVG and the
HTML page and compared with ``--json`` of the same run, and with the course's hand-checked numbers),
an animation has one frame per output cell, and bad requests get one-line errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest
import sympy
from click.testing import CliRunner, Result

from cnncalc.cli import main

SHEET_Q1 = ("20 35 35 35 35 20; 29 46 44 42 42 27; 16 25 21 19 19 12; 66 120 116 154 114 62; "
            "74 216 174 252 172 112; 70 210 170 250 170 110")
MEAN_IMAGE = "113 122 130 128; 115 112 110 111; 105 106 105 106; 94 98 101 103"
NINTHS = "1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9"
POOL_001 = "10 15 10 20; 10 5 0 30; 5 15 20 25; 15 10 25 20"
SVG = "{http://www.w3.org/2000/svg}"

# each case: the command's arguments; every figure of it is checked against its --json
CASES = {
    "sheet-q1": ("conv", SHEET_Q1, "1 1 1; 1 0 1; 1 1 1"),
    "lecture001-flip": ("conv", "0 80 40; 20 40 0; 0 0 40", "0 0.25; 0.5 1", "--flip"),
    "lecture001-padding-stride": ("conv", "0 80 40; 20 40 0; 0 0 40", "0 0.25 0; 0.25 0.5 1; 0 0 0.25",
                                  "--padding", "1", "--stride", "2"),
    "mean-filter-ninths": ("conv", MEAN_IMAGE, NINTHS),
    "issue17-padding1-stride2": ("conv", "2 2 3 3 3; 0 1 3 0 3; 2 3 0 1 3; 3 3 2 1 2; 3 3 0 2 3",
                                 "2 0 1; 1 0 0; 0 1 1", "--padding", "1", "--stride", "2"),
    "dilation-rectangular": ("conv", "1 2 3 4 5 6; 7 8 9 10 11 12; 13 14 15 16 17 18; 19 20 21 22 23 24; "
                             "25 26 27 28 29 30", "1 -1; 2 0", "--dilation", "2", "--stride", "1,2"),
    "channels-filters-bias": ("conv", "1 2 3; 4 5 6; 7 8 9 | 0 1 0; 1 0 1; 0 1 0",
                              "1 0; 0 1 | 1 1; 1 1 || 0 1; 1 0 | 2 0; 0 -1", "--bias", "1, -1/2"),
    "signal-1d": ("conv", "3 1 4 1 5 9 2 6", "-1 0 1", "--padding", "1"),
    "symbols": ("conv", "[[a, b, c], [d, e, f]]", "[[1, 2]]"),
    "max-pool-001": ("pool", POOL_001),
    "avg-pool-padded": ("pool", POOL_001, "--op", "avg", "--padding", "1"),
    "avg-pool-ceil-exclude": ("pool", "1 2 3; 4 5 6; 7 8 9", "--window", "2", "--ceil", "--op", "avg",
                              "--exclude-pad"),
    "max-pool-channels-dilation": ("pool", "1 5 2 6; 3 0 4 1; 7 2 9 3; 0 8 1 4 | 4 3 2 1; 1 2 3 4; 5 6 7 8; 8 7 6 5",
                                   "--window", "2", "--stride", "1", "--dilation", "2"),
}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def exact(text: str | int) -> object:
    """A value as the test reads it, independently of cnncalc: ints and fractions, else sympy."""
    if isinstance(text, int):
        return Fraction(text)
    try:
        return Fraction(text)
    except ValueError:
        return sympy.sympify(text)


def same(a: str | int, b: str | int) -> bool:
    x, y = exact(a), exact(b)
    if isinstance(x, Fraction) and isinstance(y, Fraction):
        return x == y
    return sympy.simplify(sympy.sympify(str(x)) - sympy.sympify(str(y))) == 0


def json_value(output: list, index: str) -> object:
    value = output
    for i in index.split(","):
        value = value[int(i)]
    return value


def json_cells(output: list | object, prefix: tuple = ()) -> list[str]:
    if not isinstance(output, list):
        return [",".join(map(str, prefix))]
    return [cell for k, part in enumerate(output) for cell in json_cells(part, prefix + (k,))]


def svg_cells(root: ET.Element) -> dict[str, list[tuple]]:
    """Every drawn cell by role: {role: [(panel, row, col, text, classes, data-index)]}."""
    cells: dict[str, list] = {}
    for panel in root.iter(f"{SVG}g"):
        if "panel" not in (panel.get("class") or ""):
            continue
        role = panel.get("data-role")
        for g in panel.findall(f"{SVG}g"):
            _, p, r, c = re.match(r".*c(\d+)-(\d+)-(\d+)$", g.get("id")).group(0, 1, 2, 3)
            text = g.find(f"{SVG}text").text or ""
            cells.setdefault(role, []).append((int(p), int(r), int(c), text, g.get("class"), g.get("data-index")))
    return cells


def draw_with_json(tmp_path: Path, args: tuple, name: str, *extra: str) -> tuple[Path, dict]:
    path = tmp_path / name
    result = run(*args, "--json", "--draw", str(path), *extra)
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"wrote {path}")
    return path, json.loads(result.stdout)


@pytest.mark.parametrize("name", CASES)
def test_every_value_in_the_svg_is_the_json_value(name, tmp_path):
    args = CASES[name]
    path, data = draw_with_json(tmp_path, args, "figure.svg")
    cells = svg_cells(ET.parse(path).getroot())
    drawn = {index: text for *_, text, _, index in cells["output"]}
    expected = json_cells(data["output"])
    assert sorted(drawn) == sorted(expected)  # every output cell once, no other
    for index, text in drawn.items():
        assert same(text, json_value(data["output"], index)), (index, text)


def test_the_svg_draws_the_course_numbers_input_kernel_and_window(tmp_path):
    path, _ = draw_with_json(tmp_path, CASES["sheet-q1"], "q1.svg", "--cell", "2,2")
    root = ET.parse(path).getroot()
    cells = svg_cells(root)
    rows = [[int(v) for v in row.split()] for row in SHEET_Q1.split(";")]
    assert {(r, c): int(t) for _, r, c, t, _, _ in cells["input"]} == {
        (r, c): rows[r][c] for r in range(6) for c in range(6)}
    assert sorted(int(t) for *_, t, _, _ in cells["kernel"]) == [0] + [1] * 8
    published = [[225, 258, 250, 209], [458, 566, 552, 472], [708, 981, 887, 802], [1000, 1488, 1320, 1224]]
    assert {index: int(t) for *_, t, _, index in cells["output"]} == {
        f"{r},{c}": published[r][c] for r in range(4) for c in range(4)}
    window = {(r, c) for _, r, c, _, cls, _ in cells["input"] if "win" in cls.split()}
    assert window == {(r, c) for r in (1, 2, 3) for c in (1, 2, 3)}  # the window of (2, 2)
    target = [index for *_, cls, index in cells["output"] if "tgt" in cls.split()]
    assert target == ["1,1"]
    step = " ".join(t.text for t in root.iter(f"{SVG}text") if t.get("class") == "step")
    assert "(2, 2): 1 × 46 + 1 × 44 + 1 × 42" in step and step.endswith("= 566")
    notes = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "note"]
    assert sorted(notes) == ["×0"] + ["×1"] * 8


def test_padding_cells_are_marked(tmp_path):
    path, _ = draw_with_json(tmp_path, CASES["lecture001-padding-stride"], "pad.svg")
    cells = svg_cells(ET.parse(path).getroot())
    padding = {(r, c) for _, r, c, _, cls, _ in cells["input"] if "pad" in cls.split()}
    assert padding == {(r, c) for r in range(5) for c in range(5) if r in (0, 4) or c in (0, 4)}
    # the slide's '?' cells, drawn with padding 1 and stride 1
    path, data = draw_with_json(tmp_path, ("conv", "0 80 40; 20 40 0; 0 0 40", "0 0.25 0; 0.25 0.5 1; 0 0 0.25",
                                           "--padding", "1"), "slide.svg")
    drawn = {index: t for *_, t, _, index in svg_cells(ET.parse(path).getroot())["output"]}
    assert [[int(drawn[f"{r},{c}"]) for c in range(3)] for r in range(3)] == [[90, 80, 40], [50, 55, 20], [5, 50, 20]]


def test_fractions_are_drawn_as_fractions(tmp_path):
    path, data = draw_with_json(tmp_path, CASES["mean-filter-ninths"], "mean.svg")
    drawn = {index: t for *_, t, _, index in svg_cells(ET.parse(path).getroot())["output"]}
    assert drawn["0,0"] == "1018/9"  # (113 + 122 + 130 + 115 + 112 + 110 + 105 + 106 + 105) / 9
    assert Fraction(drawn["0,0"]) == Fraction(113 + 122 + 130 + 115 + 112 + 110 + 105 + 106 + 105, 9)
    kernel = {t for *_, t, _, _ in svg_cells(ET.parse(path).getroot())["kernel"]}
    assert kernel == {"1/9"}


def test_the_issue_17_figure_is_corrected(tmp_path):
    """conv_arithmetic's padding 1, stride 2 figure prints the stride-1 result 1 6 5 / 7 10 9 / 7 10 8."""
    path, data = draw_with_json(tmp_path, CASES["issue17-padding1-stride2"], "issue17.svg")
    drawn = {index: int(t) for *_, t, _, index in svg_cells(ET.parse(path).getroot())["output"]}
    x = [[0] * 7] + [[0] + [int(v) for v in row.split()] + [0] for row in
                     "2 2 3 3 3; 0 1 3 0 3; 2 3 0 1 3; 3 3 2 1 2; 3 3 0 2 3".split(";")] + [[0] * 7]
    k = [[2, 0, 1], [1, 0, 0], [0, 1, 1]]
    by_hand = [[sum(x[2 * i + a][2 * j + b] * k[a][b] for a in range(3) for b in range(3)) for j in range(3)]
               for i in range(3)]
    assert by_hand == [[1, 5, 6], [7, 8, 3], [3, 10, 4]]
    assert [[drawn[f"{i},{j}"] for j in range(3)] for i in range(3)] == by_hand


def page_frames(html: str) -> dict:
    found = re.search(r'<script type="application/json" class="cnncalc-frames">(.*?)</script>', html, re.S)
    return json.loads(found.group(1).replace("<\\/", "</"))


@pytest.mark.parametrize("name", CASES)
def test_every_value_on_the_html_page_is_the_json_value(name, tmp_path):
    path, data = draw_with_json(tmp_path, CASES[name], "page.html", "--explain")
    html = path.read_text(encoding="utf-8")
    assert "<script src" not in html and "<link" not in html and "@import" not in html  # self-contained
    frames = page_frames(html)["frames"]
    assert len(frames) == len(json_cells(data["output"]))
    root = ET.fromstring(re.search(r"(<svg.*?</svg>)", html, re.S).group(1))
    ids = {(p, r, c): index for p, r, c, _, _, index in svg_cells(root)["output"]}
    revealed = {}
    for frame, step in zip(frames, data["steps"]):
        for p, r, c, text in frame["v"]:
            revealed[ids[(p, r, c)]] = text
        assert frame["label"] == "(" + ", ".join(str(i + 1) for i in step["cell"]) + ")"
        assert frame["l"][0].endswith(" = " + str(step["text"].rsplit(" = ", 1)[1]))
    assert sorted(revealed) == sorted(json_cells(data["output"]))
    for index, text in revealed.items():
        assert same(text, json_value(data["output"], index))


def gif_frames(path: Path) -> int:
    from PIL import Image

    with Image.open(path) as image:
        return image.n_frames


def test_the_gif_has_one_frame_per_output_cell(tmp_path):
    path, data = draw_with_json(tmp_path, CASES["sheet-q1"], "q1.gif")
    assert gif_frames(path) == 16
    path, _ = draw_with_json(tmp_path, CASES["max-pool-channels-dilation"], "pool.gif")
    assert gif_frames(path) == 2 * 2 * 2  # two channels of 2x2
    path, _ = draw_with_json(tmp_path, CASES["sheet-q1"], "two.gif", "--cell", "1,1", "--cell", "4,4")
    assert gif_frames(path) == 2


def test_the_frames_differ_as_the_window_slides(tmp_path):
    from PIL import Image, ImageChops

    path, _ = draw_with_json(tmp_path, CASES["lecture001-flip"], "flip.gif")
    with Image.open(path) as image:
        frames = []
        for k in range(image.n_frames):
            image.seek(k)
            frames.append(image.convert("RGB"))
    assert len(frames) == 4
    for a, b in zip(frames, frames[1:]):
        assert ImageChops.difference(a, b).getbbox() is not None


def test_the_png_is_the_still_figure_then_the_animation(tmp_path):
    from PIL import Image

    path, _ = draw_with_json(tmp_path, CASES["sheet-q1"], "q1.png")
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.n_frames == 16 + 1  # the still (default image), then one frame per cell
        assert image.default_image


@pytest.mark.parametrize("args, words", [
    (("conv", "1 2; 3 4", "1", "--draw", "x.jpg"), ".jpg is not a figure format"),
    (("conv", "1 2; 3 4", "1", "--draw", "x"), "no extension is not a figure format"),
    (("conv", SHEET_Q1, "1 1 1; 1 0 1; 1 1 1", "--draw", "x.svg", "--cell", "1,1", "--cell", "2,2"),
     "an .svg shows one window"),
    (("pool", "1 2; 3 4", "--window", "1", "--draw", "x.svg", "--cell", "1,1", "--cell", "1,2"), "--cell"),
    (("shape", "mnist-cnn", "--draw", "net.gif"), "a network is drawn as .svg"),
])
def test_bad_draw_requests_get_one_line(args, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], result.output


def test_pictures_too_large_to_read_are_refused_with_the_way_out(tmp_path):
    big = "; ".join(" ".join(str((r * 7 + c) % 10) for c in range(40)) for r in range(40))
    result = run("conv", big, "1", "--draw", str(tmp_path / "big.gif"))
    assert result.exit_code == 2 and "1,600 frames" in result.output and "--cell" in result.output
    result = run("conv", big, "1", "--draw", str(tmp_path / "one.gif"), "--cell", "40,40")
    assert result.exit_code == 0 and gif_frames(tmp_path / "one.gif") == 1
    huge = "; ".join(" ".join("1" for _ in range(210)) for _ in range(210))
    result = run("conv", huge, "1", "--draw", str(tmp_path / "huge.svg"))
    assert result.exit_code == 2 and "more than 40,000" in result.output and "--json" in result.output


def test_draw_from_the_library(tmp_path):
    from cnncalc.conv import conv
    from cnncalc.figures import draw

    drawing = draw(conv("1 2; 3 4", "1 1; 1 1"), tmp_path / "one.html")
    assert drawing.frames == 1 and drawing.path.exists()


# --------------------------------------------------------------------------- notebooks


def test_results_display_in_notebooks():
    from cnncalc.activations import dense, relu, softmax
    from cnncalc.conv import conv
    from cnncalc.pool import pool

    r = conv(SHEET_Q1, "1 1 1; 1 0 1; 1 1 1")
    html, markdown = r._repr_html_(), r._repr_markdown_()
    for value in ("225", "566", "1488", "1224"):
        assert f">{value}<" in html
    assert "<script" in html and "cnncalc-frames" in html  # the interactive figure, small
    assert "$$" in markdown and "\\begin{bmatrix}" in markdown and "1000 & 1488 & 1320 & 1224" in markdown
    assert "y_{1,1} &= 1 \\cdot 20 + 1 \\cdot 35" in markdown and "= 225" in markdown
    assert "\\(" not in markdown  # Colab: $$ only
    p = pool(POOL_001, op="avg")
    assert "11.25" in p._repr_html_() and "\\frac{45}{4}" in p._repr_markdown_()
    a = relu("-3 0 2.5")
    assert ">2.5<" in a._repr_html_() and "\\mapsto" in a._repr_markdown_()
    s = softmax("1 2 3")
    assert "\\frac{e^{2}}{1 + e + e^{2}}" in s._repr_markdown_()  # exp(x_i - min x)/sum, not simplified
    d = dense("1 2", "1 0; 0 1; 1 1", bias="0 0 1/2")
    assert ">3.5<" in d._repr_html_()


def test_large_results_show_their_size_and_how_to_see_everything():
    from cnncalc.conv import conv

    big = "; ".join(" ".join(str((r * 3 + c) % 7) for c in range(130)) for r in range(130))
    r = conv(big, "1")
    html = r._repr_html_()
    assert "16,900 output cells" in html and "16,900 values: too many for a table" in html
    assert "(400 of 16,900 shown" in html
    markdown = r._repr_markdown_()
    assert "16,900 values" in markdown and "(16 of 16,900 shown" in markdown


def test_a_network_displays_its_diagram_and_table():
    from cnncalc.stacks import load_stack
    from cnncalc.stacks.summary import summarize

    stack = load_stack("mnist-cnn")
    summary = summarize(stack.input, stack.layers, name=stack.name)
    assert "cnncalc-net" in summary._repr_html_() and "21,840" in summary._repr_html_()
    assert "| conv1 | conv2d | 24x24x10 |" in summary._repr_markdown_()


def test_import_cnncalc_stays_light():
    code = "import sys, cnncalc; print(sorted(m for m in ('numpy', 'PIL', 'html', 'sympy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_figures_sit_below_exercises_grading_and_the_cli():
    package = Path(__file__).resolve().parent.parent / "cnncalc" / "figures"
    for path in package.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for above in ("exercises", "grading", "cli", "torch"):
            assert not re.search(rf"from \.\.{above}\b|import cnncalc\.{above}\b", text), (path.name, above)


# --------------------------------------------------------------------------- networks


@pytest.mark.parametrize("name", ["vgg16", "googlenet", "resnet50"])
def test_network_diagrams_are_readable(name, tmp_path):
    from cnncalc.figures.layout import monospace
    from cnncalc.figures.network import block_lines, diagram_boxes
    from cnncalc.stacks import load_stack
    from cnncalc.stacks.layers import Context
    from cnncalc.stacks.shapes import fmt
    from cnncalc.stacks.summary import summarize

    result = run("shape", name, "--draw", str(tmp_path / "net.svg"), "--json")
    assert result.exit_code == 0, result.output
    root = ET.parse(tmp_path / "net.svg").getroot()
    stack = load_stack(name)
    summary = summarize(stack.input, stack.layers, Context(convention=stack.convention or "torch"), stack.name)
    named = [g.get("data-name") for g in root.iter(f"{SVG}g") if g.get("data-name")]
    assert sorted(named) == sorted(r.name for r in summary.rows)  # one block per layer, merges included
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    for row in summary.rows:
        if row.params and row.type not in ("add", "concat"):
            assert any(fmt(row.params) in t for t in texts), row.name
    boxes = diagram_boxes(summary)
    for i, (x1, y1, w1, h1) in enumerate(boxes):  # no two blocks overlap
        for x2, y2, w2, h2 in boxes[i + 1:]:
            assert x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1
    for row in summary.rows:  # every line of a block fits its width
        if row.type not in ("add", "concat"):
            assert all(monospace(line, 12) <= 300 - 6 for line in block_lines(row, "hwc")), row.name
    json_totals = json.loads(result.stdout)
    assert json_totals  # --json still prints beside --draw


def test_concat_and_residual_are_drawn_as_branches(tmp_path):
    from cnncalc.figures.network import Block, layer_tree
    from cnncalc.stacks import load_stack
    from cnncalc.stacks.summary import summarize

    text = ("56x56x64 -> residual(conv 128 3x3 stride 2 pad 1 -> bn -> relu -> conv 128 3x3 pad 1 | "
            "conv 128 1x1 stride 2) -> concat(conv 32 1x1 | maxpool 3 stride 1 pad 1 -> conv 16 1x1)")
    stack = load_stack(text)
    tree = layer_tree(summarize(stack.input, stack.layers))
    residual, concat = tree
    assert isinstance(residual, Block) and residual.merge.type == "add"
    assert [len(b) for b in residual.branches] == [4, 1]  # body, projection shortcut
    assert isinstance(concat, Block) and concat.merge.output.text() == "28x28x48"
    assert [len(b) for b in concat.branches] == [1, 2]
    result = run("shape", text, "--draw", str(tmp_path / "net.html"))
    assert result.exit_code == 0 and "<table>" in (tmp_path / "net.html").read_text()


def test_a_symbolic_network_is_drawn_without_bars(tmp_path):
    result = run("shape", "N x N x 3 -> conv 10 5x5 pad 2 -> maxpool 2", "--draw", str(tmp_path / "n.svg"))
    assert result.exit_code == 0, result.output
    svg = (tmp_path / "n.svg").read_text()
    assert "floor(N/2)" in svg


# --------------------------------------------------------------------------- transposed convolution


def test_a_scatter_scene_reveals_each_output_after_its_last_contribution():
    """The drawing side of transposed convolution, with values written here by hand:
    "1 2; 3 4" scattered with a 2x2 kernel of ones at stride 2 gives 1 1 2 2 / 1 1 2 2 / 3 3 4 4 / 3 3 4 4."""
    from cnncalc.figures.scene import Scatter, scatter_scene
    from cnncalc.figures.svg import scene_svg
    from cnncalc.values import Exact

    x = Exact.from_nested([[[[1, 2], [3, 4]]]])
    k = Exact.from_nested([[[[1, 1], [1, 1]]]])
    y = Exact.from_nested([[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]])
    values = [[1, 2], [3, 4]]
    scatters = []
    for i in range(2):
        for j in range(2):
            targets = tuple(((0, 0, 2 * i + a, 2 * j + b), values[i][j]) for a in range(2) for b in range(2))
            scatters.append(Scatter((0, 0, i, j), targets, ((0, 0),), f"{values[i][j]} x kernel"))
    scene = scatter_scene("transposed convolution", x, k, y, scatters, lambda index: index[2:])
    assert len(scene.frames) == 4
    assert [len(f.reveals) for f in scene.frames] == [4, 4, 4, 4]
    assert [m.note for m in scene.frames[3].targets] == ["+4"] * 4
    root = ET.fromstring(scene_svg(scene, 3))
    drawn = {index: t for *_, t, _, index in svg_cells(root)["output"]}
    assert [[int(drawn[f"{r},{c}"]) for c in range(4)] for r in range(4)] == y.tolist()[0][0]


@pytest.mark.parametrize("args, frames", [
    (("conv", "1 2; 3 4", "1 1; 1 1", "--transposed", "--stride", "2"), 4),
    (("conv", "1 2 3; 4 5 6", "1 -1; 2 1/2", "--transposed", "--padding", "1"), 6),
])
def test_transposed_convolutions_are_drawn_as_scatters(args, frames, tmp_path):
    """The README's transposed example (no outputs overlap) and a fractional one: the SVG draws the --json
    values, and the GIF has one frame per input cell."""
    path, data = draw_with_json(tmp_path, args, "t.svg")
    drawn = {index: t for *_, t, _, index in svg_cells(ET.parse(path).getroot())["output"]}
    assert sorted(drawn) == sorted(json_cells(data["output"]))
    for index, text in drawn.items():
        assert same(text, json_value(data["output"], index))
    path, _ = draw_with_json(tmp_path, args, "t.gif")
    assert gif_frames(path) == frames  # one per input cell


# (input, kernel, stride, padding, output padding, bias): a 3x3 kernel at stride 2 adds to the cells between
# two input cells from both (issue 15); a 2x2 kernel at stride 3 leaves a gap, and the output padding a row
# and a column, that no product reaches: those hold the bias alone
TRANSPOSED_SCATTERS = {
    "issue-15": ("1 2; 3 4", "1 2 3; 4 5 6; 7 8 9", 2, 1, 0, None),
    "overlaps-fractions": ("1 -2 1/2; 0 3 1; 2 1 -1", "1 0 2; -1 1/3 1; 2 1 0", 2, 1, 0, None),
    "gaps-output-padding-bias": ("1 2; 3 4", "1 -1; 2 1", 3, 0, 1, "1/2"),
}


def scattered_step_by_step(x: list[list[Fraction]], w: list[list[Fraction]], stride: int, padding: int,
                           output_padding: int, bias: Fraction) -> tuple[list[list[list[Fraction]]], dict[tuple, int]]:
    """Transposed convolution in plain Python, one input cell at a time, row by row (the order of the frames):
    the output after each step, and the step of each output cell's last product (a cell no product reaches
    is final from the start, step 0)."""
    rows = (len(x) - 1) * stride + len(w) - 2 * padding + output_padding
    cols = (len(x[0]) - 1) * stride + len(w[0]) - 2 * padding + output_padding
    total = [[bias] * cols for _ in range(rows)]
    after, last = [], {(r, c): 0 for r in range(rows) for c in range(cols)}
    for step, (i, j) in enumerate((i, j) for i in range(len(x)) for j in range(len(x[0]))):
        for a in range(len(w)):
            for b in range(len(w[0])):
                r, c = i * stride + a - padding, j * stride + b - padding
                if 0 <= r < rows and 0 <= c < cols:
                    total[r][c] += x[i][j] * w[a][b]
                    last[(r, c)] = step
        after.append([list(row) for row in total])
    return after, last


def read_frames(path: Path, skip: int = 0) -> list:
    """Every frame of a GIF or an animated PNG as RGB (``skip``: the PNG's still image first)."""
    from PIL import Image

    frames = []
    with Image.open(path) as image:
        for k in range(skip, image.n_frames):
            image.seek(k)
            frames.append(image.convert("RGB"))
    return frames


def as_gif_colours(image):
    """An RGB picture mapped onto the GIF's palette, as the GIF writer maps its frames."""
    from PIL import Image

    from cnncalc.figures.raster import palette_colours

    colours = palette_colours()
    palette = Image.new("P", (1, 1))
    flat = [v for colour in colours for v in colour]
    palette.putpalette(flat + flat[:3] * (256 - len(colours)))
    return image.quantize(palette=palette, dither=Image.Dither.NONE).convert("RGB")


def read_value(frame, box, still, still_box, r: int, c: int, value: str) -> str:
    """What one output cell of a frame shows, read from its pixels: "" where the band the value is written in
    is one plain colour; ``value`` (the engine's value) where the cell is, pixel for pixel, the cell of the
    complete still figure of the same step (which shows every output value); "?" otherwise (some other
    value)."""
    x, y = box.cell(r, c)
    inner = (round(x) + 4, round(y) + 4, round(x + box.cell_w) - 4, round(y + box.cell_h) - 4)
    band = frame.crop((inner[0], round(y) + 13, inner[2], inner[3]))  # below the +product note
    if len(band.getcolors()) == 1:
        return ""
    sx, sy = still_box.cell(r, c)
    same_cell = (round(sx) + 4, round(sy) + 4, round(sx + box.cell_w) - 4, round(sy + box.cell_h) - 4)
    return value if frame.crop(inner).tobytes() == still.crop(same_cell).tobytes() else "?"


@pytest.mark.parametrize("name", TRANSPOSED_SCATTERS)
@pytest.mark.parametrize("fmt", [".gif", ".png"])
def test_transposed_frames_show_an_output_value_once_its_last_product_is_added(name, fmt, tmp_path):
    """Issue 15: the frames of an overlapping scatter drew the final values of the cells a step adds to,
    before their last product.  Each frame of the written file is read cell by cell and compared with
    the partial sums computed here: a cell shows its value from the step of its last product, and is blank
    before (a cell no product reaches, from the first step); the HTML page steps through the same values."""
    from cnncalc.figures.layout import scene_layout
    from cnncalc.figures.raster import measure, scene_still
    from cnncalc.figures.scene import scene_of
    from cnncalc.transposed import conv_transpose

    x_text, w_text, stride, padding, output_padding, bias = TRANSPOSED_SCATTERS[name]
    options = ("--transposed", "--stride", str(stride), "--padding", str(padding), "--output-padding",
               str(output_padding)) + (("--bias", bias) if bias else ())
    path, data = draw_with_json(tmp_path, ("conv", x_text, w_text, *options), f"t{fmt}")
    x, w = ([[Fraction(v) for v in row.split()] for row in text.split(";")] for text in (x_text, w_text))
    after, last = scattered_step_by_step(x, w, stride, padding, output_padding, Fraction(bias or 0))
    assert len(after) == len(x) * len(x[0])
    assert [[exact(v) for v in row] for row in data["output"]] == after[-1]  # the engine's output, by hand
    assert any(step > 0 for step in last.values())  # outputs overlap: some cell waits for a later step

    expected = [{f"{r},{c}": after[k][r][c] if last[(r, c)] <= k else None for (r, c) in last}
                for k in range(len(after))]
    scene = scene_of(conv_transpose(x_text, w_text, bias=bias, stride=stride, padding=padding,
                                    output_padding=output_padding))
    output = scene.panel_index("output")[0]
    ids = scene.panels[output].cell_ids
    box = scene_layout(scene, measure).panels[output]
    frames = read_frames(path, skip=1 if fmt == ".png" else 0)
    assert len(frames) == len(after)
    for k, frame in enumerate(frames):
        still = scene_still(scene, k)
        still = as_gif_colours(still) if fmt == ".gif" else still
        still_box = scene_layout(scene, measure, [k]).panels[output]
        drawn = {ids[r][c]: read_value(frame, box, still, still_box, r, c, str(json_value(data["output"], ids[r][c])))
                 for r in range(len(ids)) for c in range(len(ids[0]))}
        assert "?" not in drawn.values(), (k, drawn)
        assert {i: (exact(t) if t else None) for i, t in drawn.items()} == expected[k], f"frame {k + 1}"

    page = draw_with_json(tmp_path, ("conv", x_text, w_text, *options), "t.html")[0].read_text(encoding="utf-8")
    shown: dict[tuple, str] = {}
    for k, frame in enumerate(page_frames(page)["frames"]):
        shown.update({(p, r, c): text for p, r, c, text in frame["v"]})
        assert {ids[r][c]: exact(t) for (p, r, c), t in shown.items()} == {
            i: v for i, v in expected[k].items() if v is not None}, f"page, step {k + 1}"


# --------------------------------------------------------------------------- the README's commands


def test_the_readme_picture_commands_run_as_written(tmp_path, monkeypatch):
    import shlex

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Pictures (`--draw`) and notebooks", 1)[1].split("\n## ", 1)[0]
    commands = [line for block in re.findall(r"```bash\n(.*?)```", section, re.S) for line in block.splitlines()
                if line.startswith("cnncalc ")]
    assert len(commands) == 5
    monkeypatch.chdir(tmp_path)
    for command in commands:
        args = shlex.split(command)[1:]
        result = run(*args)
        assert result.exit_code == 0, (command, result.output)
        drawn = Path(args[args.index("--draw") + 1])
        assert drawn.exists() and drawn.stat().st_size > 1000
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "README", "exec"), namespace)  # noqa: S102 - the README's own example


@pytest.mark.parametrize("command", ["conv", "pool", "shape"])
def test_the_help_draw_examples_run_as_written(command, tmp_path, monkeypatch):
    import shlex

    monkeypatch.chdir(tmp_path)
    lines = [line.strip() for line in run(command, "--help").output.splitlines()
             if line.strip().startswith("cnncalc ") and "--draw" in line]
    assert lines, f"cnncalc {command} --help has no --draw example"
    for line in lines:
        args = shlex.split(line.split("  #")[0])[1:]
        result = run(*args)
        assert result.exit_code == 0, (line, result.output)
        assert Path(args[args.index("--draw") + 1]).exists()


def test_solve_writes_the_figures_beside_the_solution_and_links_them(tmp_path):
    from PIL import Image

    exercise = Path(__file__).resolve().parent.parent / "exercises" / "sheet-q1-convolution.yaml"
    result = run("solve", str(exercise), "--markdown", "--out", f"{tmp_path}/q1/")
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "4 figures" in result.output
    text = (tmp_path / "q1" / "sheet-q1-convolution.md").read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert links == ["figures/sheet-q1-convolution-conv.svg", "figures/sheet-q1-convolution-conv.gif",
                     "figures/sheet-q1-convolution-pool.svg", "figures/sheet-q1-convolution-pool.gif"]
    for link in links:
        assert (tmp_path / "q1" / link).exists(), link
    svg = ET.parse(tmp_path / "q1" / links[0]).getroot()
    drawn = {index: int(t) for *_, t, _, index in svg_cells(svg)["output"]}
    assert drawn["1,1"] == 566 and drawn["3,3"] == 1224
    with Image.open(tmp_path / "q1" / links[1]) as gif:
        assert gif.n_frames == 16
    with Image.open(tmp_path / "q1" / links[3]) as gif:
        assert gif.n_frames == 4
