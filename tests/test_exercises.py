"""Course exercises: every computed reference against values computed here
independently (torch float64 or arithmetic written in the test), the golden
solutions, variants, and malformed files."""

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.errors import CnnCalcError
from cnncalc.exercises.exercise import check_exercise, load_exercise, parse_exercise
from cnncalc.exercises.variants import generate

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
SOLUTIONS = ROOT / "solutions"


def refs(name):
    ex = load_exercise(EXERCISES / f"{name}.yaml")
    return {q.id: r.value for q, r in zip(ex.questions, ex.references())}


def t(a):
    return torch.tensor(np.asarray(a, dtype=np.float64))


def params(module):
    return sum(p.numel() for p in module.parameters())


def test_sheet_q1():
    r = refs("sheet-q1-convolution")
    image = [[20, 35, 35, 35, 35, 20], [29, 46, 44, 42, 42, 27], [16, 25, 21, 19, 19, 12],
             [66, 120, 116, 154, 114, 62], [74, 216, 174, 252, 172, 112], [70, 210, 170, 250, 170, 110]]
    conv = F.conv2d(t(image)[None, None], t([[1, 1, 1], [1, 0, 1], [1, 1, 1]])[None, None])
    assert r["conv"].tolist() == conv[0, 0].numpy().tolist()
    assert r["pool"].tolist() == F.max_pool2d(conv, 2, 2)[0, 0].numpy().tolist()
    # computed; the sheet: Thin horizontal line, Frame with no center
    assert (r["f1"], r["f2"]) == ("thin horizontal line", "frame with no centre")
    assert r["f3"] == "diagonal line from bottom-left to top-right"


def test_lecture001():
    r = refs("lecture001-convolution")
    i = [[0, 80, 40], [20, 40, 0], [0, 0, 40]]
    flipped = [[1, 0.5], [0.25, 0]]  # f = [[0, 0.25], [0.5, 1]] turned by 180 degrees
    assert r["true-convolution"].tolist() == F.conv2d(t(i)[None, None], t(flipped)[None, None])[0, 0].numpy().tolist()
    g = t([[0, 0.25, 0], [0.25, 0.5, 1], [0, 0, 0.25]])[None, None]
    assert r["padding"].tolist() == F.conv2d(t(i)[None, None], g, padding=1)[0, 0].numpy().tolist()
    assert r["padding-stride"].tolist() == F.conv2d(t(i)[None, None], g, padding=1, stride=2)[0, 0].numpy().tolist()
    assert r["same-size"] == (3 - 1) // 2 and r["output-size"] == (3 + 2 - 3) // 2 + 1
    p = t([[10, 15, 10, 20], [10, 5, 0, 30], [5, 15, 20, 25], [15, 10, 25, 20]])[None]
    assert r["max-pooling"].tolist() == F.max_pool2d(p, 2)[0].numpy().tolist()
    assert r["avg-pooling"].tolist() == F.avg_pool2d(p, 2)[0].numpy().tolist()


def test_lecture003():
    r = refs("lecture003-convolutional-layers")
    ex = load_exercise(EXERCISES / "lecture003-convolutional-layers.yaml")
    x = ex.givens["X"].value.numerators
    ones = F.conv2d(t(x)[None, None], torch.ones(1, 1, 3, 3, dtype=torch.float64))[0, 0].numpy()
    assert r["mean-filter"].tolist() == [[Fraction(int(v), 9) for v in row] for row in ones]
    assert r["window-of-the-slide"] == Fraction(103 + 105 + 108 + 112 + 113 + 114 + 110 + 109 + 0, 9)
    assert r["hole-centre"] == 0  # the window (rows 6-8, columns 6-8) is the hole itself
    corner = t([[113, 122, 130], [115, 112, 110], [105, 106, 105]])[None, None]
    k = t([[1, 2], [3, 4]])[None, None]
    assert r["cross-correlation"].tolist() == F.conv2d(corner, k)[0, 0].numpy().tolist()
    assert r["convolution"].tolist() == F.conv2d(corner, k.flip(2, 3))[0, 0].numpy().tolist()
    assert str(r["shrink"]) == "H - 2"
    assert (r["stride-exercise"], r["padded-stride-exercise"], r["dilation"]) == (2, 3, 3)
    assert r["edge-filter"].tolist() == [1, 0, 1, 8, -3, -3]
    assert r["receptive-field"] == 3 + 3 - 1


def test_lecture004():
    r = refs("lecture004-convolution")
    image = [[2, 4, 9, 1, 4], [2, 1, 4, 4, 6], [1, 1, 2, 9, 2], [7, 3, 5, 1, 3], [2, 3, 4, 8, 5]]
    kernel = [[1, 2, 3], [-4, 7, 4], [2, -5, 1]]
    assert r["feature-map"].tolist() == F.conv2d(t(image)[None, None], t(kernel)[None, None])[0, 0].numpy().tolist()
    assert r["first-cell"] == 51
    assert r["max-pool"].tolist() == [[9, 7], [8, 6]]
    assert (r["stride-1"], r["stride-2"], r["stride-3"]) == ((7 - 3) // 1 + 1, (7 - 3) // 2 + 1, Fraction(4, 3) + 1)
    assert (r["pad-1"], r["pad-for-5"], r["pad-for-7"]) == (7, 2, 3)
    layer = nn.Conv2d(3, 10, 5, padding=2)
    assert r["params-32"] == params(layer) == 760
    assert r["volume-32"] == (32, 32, 10)


def test_alexnet():
    r = refs("alexnet")
    conv1 = nn.Conv2d(3, 96, 11, stride=4)
    out = conv1(torch.zeros(1, 3, 227, 227))
    assert r["width"] == out.shape[-1] == 55
    assert r["units"] == out.numel() == 55 * 55 * 96
    assert r["parameters"] == params(conv1) == 96 * (11 * 11 * 3 + 1)
    assert r["fully-connected"] == params(nn.Linear(227 * 227 * 3, 256)) == 256 * (227 * 227 * 3 + 1)
    assert r["conv1-weights"] == 11 * 11 * 3 * 96
    net = nn.Sequential(
        nn.Conv2d(3, 96, 11, 4), nn.ReLU(), nn.MaxPool2d(3, 2), nn.LocalResponseNorm(5),
        nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2), nn.LocalResponseNorm(5),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Flatten(),
        nn.Linear(9216, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, 1000))
    assert r["total"] == params(net) == 62_378_344
    x = torch.zeros(1, 3, 227, 227, device="meta")
    shapes = []
    for layer in net.to("meta"):
        x = layer(x)
        shapes.append(tuple(x.shape[1:]))
    hwc = lambda s: (s[1], s[2], s[0])  # noqa: E731
    assert r["conv1-output"] == hwc(shapes[0]) and r["pool1-output"] == hwc(shapes[2])
    assert r["conv2-output"] == hwc(shapes[4]) and r["pool2-output"] == hwc(shapes[6])
    assert r["conv5-output"] == hwc(shapes[12]) and r["pool3-output"] == hwc(shapes[14]) == (6, 6, 256)


def vgg16_layers():
    layers, c = [], 3
    for v in (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"):
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU()]
            c = v
    return layers + [nn.Flatten(), nn.Linear(25088, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(),
                     nn.Linear(4096, 1000)]


def test_vgg16_rows():
    r = refs("vgg16")
    x = torch.zeros(1, 3, 224, 224, device="meta")
    conv_i = pool_i = fc_i = 0
    for layer in vgg16_layers():
        layer = layer.to("meta")
        x = layer(x)
        if isinstance(layer, nn.Conv2d):
            conv_i += 1
            name = f"conv{conv_i}"
            assert r[f"{name}-params"] == layer.weight.numel()  # the table counts weights only
        elif isinstance(layer, nn.MaxPool2d):
            pool_i += 1
            name = f"pool{pool_i}"
            assert r[f"{name}-params"] == 0
        elif isinstance(layer, nn.Linear):
            fc_i += 1
            name = f"fc{fc_i}"
            assert r[f"{name}-params"] == layer.weight.numel()
        else:
            continue
        assert r[f"{name}-memory"] == x[0].numel()
    assert r["total-no-bias"] == sum(m.weight.numel() for m in vgg16_layers() if hasattr(m, "weight")) == 138_344_128
    assert r["total-with-bias"] == params(nn.Sequential(*vgg16_layers())) == 138_357_544
    g = refs("googlenet")
    assert g["fewer_params_course"] == Fraction(62_378_344, 6_624_904)
    assert g["fewer_params_paper"] == Fraction(60_965_224, 6_998_552)


def test_mnist_models():
    r = refs("mnist-models")
    mlp = nn.Sequential(nn.Linear(784, 256), nn.Linear(256, 128), nn.Linear(128, 64), nn.Linear(64, 10))
    cnn = nn.Sequential(nn.Conv2d(1, 10, 5), nn.Conv2d(10, 20, 5), nn.Linear(320, 50), nn.Linear(50, 10))
    assert r["mlp_params"] == params(mlp) == 242_762
    assert r["cnn_params"] == params(cnn) == 21_840
    assert r["cnn_conv2"] == 20 * (5 * 5 * 10 + 1)
    assert r["cnn_flatten"] == 20 * 4 * 4
    # one hidden layer h: 795 h + 10 parameters; h = 27 gives 21,475, h = 28 gives 22,270
    assert r["matched_width"] == 27 and abs(795 * 27 + 10 - 21840) < abs(795 * 28 + 10 - 21840)
    assert r["ratio"] == Fraction(242_762, 21_840)
    assert str(r["fc_params"]) == "795*H + 10"


def test_programming_task():
    r = refs("programming-task")
    net = nn.Sequential(nn.Conv2d(1, 64, 3, stride=2), nn.ReLU(), nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(64, 32, 2),
                        nn.ReLU(), nn.MaxPool2d(2, 1), nn.Flatten(), nn.Linear(12 * 12 * 32, 256), nn.Linear(256, 10))
    assert r["total_params"] == params(net) == 1_191_338
    x = torch.zeros(1, 1, 28, 28)
    assert r["conv1_output"] == (13, 13, 64) == tuple(net[0](x).shape[2:]) + (64,)
    assert r["conv1_fits"] == Fraction(25, 2) + 1
    assert r["flatten_units"] == 4608 and r["dense_params"] == 256 * 4609


def test_check_passes_and_reports_errata():
    result = CliRunner().invoke(main, ["check", str(EXERCISES), "--json"])
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.output)
    assert data["mismatches"] == 0 and data["errata"] >= 1
    errata = {(r["exercise"], r["question"]): r for r in data["rows"] if r["status"] == "erratum"}
    assert errata[("lecture001-convolution", "max-pooling")]["computed"] == "15 30; 15 25"
    assert errata[("lecture001-convolution", "avg-pooling")]["published"] == "10 15; 13.75 22.5"


@pytest.mark.parametrize("columns", ["200", "80"])
def test_check_shows_a_text_answer_whole_and_elides_only_a_list_of_values(columns):
    """A kernel's name is text: shown whole (wrapped in a narrow table), never '(+1 more value ...)';
    only a matrix's long list of values is cut, with the note saying how many more --json has."""
    path = str(EXERCISES / "sheet-q1-convolution.yaml")
    table = CliRunner().invoke(main, ["check", path], env={"COLUMNS": columns})
    assert table.exit_code == 0, table.output
    rows = {r["question"]: r["computed"] for r in json.loads(CliRunner().invoke(main, ["check", path, "--json"]).stdout)["rows"]}
    assert rows["f3"] == "diagonal line from bottom-left to top-right"  # the sheet's F3
    cells = " ".join(line.split("│")[4].strip() for line in table.output.splitlines() if line.count("│") == 7)
    words = " ".join(cells.split())  # the computed column, its wrapped lines joined
    for question in ("f1", "f2", "f3"):
        assert rows[question] in words, (rows[question], words)
    assert words.count("more value") == 1 and "(+7 more values; --json for all)" in words  # the 4x4 output only


def test_check_counts_the_values_it_leaves_out_not_the_words():
    """softmax(0, 1, 2) is three values, each written with spaces: the table keeps two and says 1 more."""
    table = CliRunner().invoke(main, ["check", str(EXERCISES / "lecture003-classification.yaml")],
                               env={"COLUMNS": "250"})
    assert table.exit_code == 0, table.output
    rows = {cells[2]: cells for line in table.output.splitlines()
            if len(cells := [c.strip() for c in line.split("│")]) == 8}
    assert rows["softmax"][4] == "1/(1 + e + exp(2)) e/(1 + e + exp(2)) (+1 more value; --json for all)"


def test_a_wrong_published_answer_fails_check(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\ntitle: t\nquestions:\n  - id: q\n    compute: {output_size: {n: 7, kernel: 3}}\n"
                    "    expected: 6\n")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1 and "mismatch" in result.output


@pytest.mark.parametrize("path", sorted(EXERCISES.glob("*.yaml")), ids=lambda p: p.stem)
def test_solutions_are_up_to_date(path, tmp_path):
    """solutions/ is written by `cnncalc solve exercises/ --markdown --out solutions/`: the text, and its
    figures beside it (SVGs byte for byte; a GIF's bytes depend on Pillow's version, so its frame count)."""
    from PIL import Image

    from cnncalc.exercises.figures import write_solution

    stale = "solutions/ is stale: run cnncalc solve exercises/ --markdown --out solutions/"
    golden = SOLUTIONS / f"{path.stem}.md"
    assert golden.exists(), "run: cnncalc solve exercises/ --markdown --out solutions/"
    fresh, *figures = write_solution(load_exercise(path), tmp_path / golden.name)
    assert fresh.read_text(encoding="utf-8") == golden.read_text(encoding="utf-8"), stale
    for figure in figures:
        committed = SOLUTIONS / "figures" / figure.name
        assert committed.exists(), stale
        if figure.suffix == ".svg":
            assert figure.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), stale
        else:
            with Image.open(figure) as new, Image.open(committed) as old:
                assert (new.n_frames, new.size) == (old.n_frames, old.size), stale


@pytest.mark.parametrize("name", ["sheet-q1-convolution", "lecture001-convolution", "lecture004-convolution"])
def test_variants(name, tmp_path):
    ex = load_exercise(EXERCISES / f"{name}.yaml")
    first, text1 = generate(ex, 1)
    again, text1b = generate(load_exercise(EXERCISES / f"{name}.yaml"), 1)
    second, text2 = generate(ex, 2)
    assert text1 == text1b  # the same seed, the same exercise
    assert text1 != text2
    assert [r.value.tolist() if hasattr(r.value, "tolist") else r.value for r in first.references()] != \
        [r.value.tolist() if hasattr(r.value, "tolist") else r.value for r in second.references()]
    for seed in (1, 2):
        result = CliRunner().invoke(main, ["generate", str(EXERCISES / f"{name}.yaml"), "--seed", str(seed),
                                           "--out", str(tmp_path)])
        assert result.exit_code == 0, result.output
        variant = tmp_path / f"{name}-seed{seed}.yaml"
        checked = CliRunner().invoke(main, ["check", str(variant)])
        assert checked.exit_code == 0, checked.output
        assert (tmp_path / f"{name}-seed{seed}.md").exists()


def test_variant_numbers_are_recomputed():
    ex = load_exercise(EXERCISES / "sheet-q1-convolution.yaml")
    variant, _ = generate(ex, 5)
    image = variant.givens["I"].value.numerators
    kernel = variant.givens["K"].value.numerators
    expected = F.conv2d(t(image)[None, None], t(kernel)[None, None])[0, 0].numpy()
    assert variant.references()[0].value.tolist() == expected.tolist()


@pytest.mark.parametrize("text, words", [
    ("id: x\ntitle: t\nquestions:\n  - id: q\n    compute: {conv: {input: I, kernel: K}}\n    colour: red\n",
     "line 6: questions[0].colour: unknown key 'colour'"),
    ("id: x\ntitle: t\nquestions:\n  - id: q\n    compute: {conv: {input: I, kernel: K}}\n",
     "'I' is not a given or an earlier question"),
    ("id: x\ntitle: t\ngiven:\n  I: '1 2; 3 4'\n  K: '1 1 1; 1 1 1; 1 1 1'\nquestions:\n  - id: q\n"
     "    compute: {conv: {input: I, kernel: K}}\n", "larger than"),
    ("- just\n- a list\n", "must be a mapping"),
    ("id: x\ntitle: t\nquestions:\n  - id: q\n    answer: !!python/object/apply:os.system ['touch pwned']\n",
     "not allowed"),
    ("a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b]\n",
     "aliases are not allowed"),
    ("id: x\ntitle: t\nquestions:\n  - id: q\n    compute: {convolve: {}}\n", "unknown operation 'convolve'"),
    ("id: x\ntitle: t\nquestions: [1, 2\n", "not valid YAML"),
    # a receptive field asked of a flat stack (issue 12: was an IndexError traceback)
    ("id: x\ntitle: t\ngiven:\n  net: '784 -> dense 10'\nquestions:\n  - id: q\n"
     "    compute: {network: {of: net, value: receptive_field}}\n",
     "line 7: questions[0].compute.network.value: stack has no spatial layer, so no receptive field"),
])
def test_malformed_exercises_get_one_line(text, words, tmp_path):
    """A malformed exercise is one line (exit 2); a question that cannot be computed is one 'ungradable'
    line of the check, the other questions checked (exit 1)."""
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code in (1, 2), result.output
    lines = result.output.strip().splitlines()
    if result.exit_code == 1:
        lines = [line for line in lines if line.startswith("ungradable ")]
    assert len(lines) == 1 and words in lines[0] and str(path) in lines[0], lines
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_exercise_api_errors_are_project_errors():
    with pytest.raises(CnnCalcError):
        parse_exercise("id: x\ntitle: t\nquestions: []\n", "empty.yaml")


def test_the_documented_example_is_a_valid_exercise(tmp_path):
    import re

    text = (ROOT / "docs" / "exercises.md").read_text(encoding="utf-8")
    block = re.search(r"## A complete example\n\n```yaml\n(.*?)```", text, re.S).group(1)
    exercise = parse_exercise(block, "docs/exercises.md")
    rows = {r.question: r for r in check_exercise(exercise)}
    assert rows["pooled"].status == "ok" and rows["size"].status == "ok" and rows["units"].status == "ok"
    from cnncalc.exercises.variants import hard_coded
    from cnncalc.grading.selfcheck import grading_problems

    assert hard_coded(exercise) == [] and grading_problems(exercise) == []  # check would pass it whole
    assert rows["total"].status == "erratum"
    # by hand: I - I shifted by (1, 1), then the maxima of the 2x2 windows (ceil mode keeps the partial ones)
    assert rows["conv"].reference.value.tolist() == [[1, 0, 5], [1, -1, -5], [-2, -4, 1]]
    assert rows["pooled"].reference.value.tolist() == [[1, 5], [-2, 1]]


def test_exercise_yaml_is_read_as_typed(tmp_path):
    """YAML 1.1's readings do not apply: 290.400 and 290,400 published for 290,400 units agree (the
    thousands separators a student would write), 010 is ten, and 16:9 is no number (not 969, base 60)."""
    text = ("id: y\ntitle: t\ngiven:\n  r: 16:9\nquestions:\n"
            "  - id: units\n    compute: {expr: \"55*55*96\"}\n    expected: 290.400\n"
            "  - id: comma\n    compute: {expr: \"55*55*96\"}\n    expected: 290,400\n"
            "  - id: ten\n    compute: {expr: \"10\"}\n    expected: 010\n"
            "  - id: ratio\n    compute: {expr: \"r\"}\n")
    rows = {r.question: r for r in check_exercise(parse_exercise(text, "y.yaml"))}
    assert rows["units"].status == "ok" and str(rows["units"].published) == "290.400"
    assert rows["comma"].status == "ok" and rows["ten"].status == "ok"
    assert rows["ratio"].status == "ungradable" and "'16:9', which is not a number" in rows["ratio"].note


def test_check_goes_on_past_a_broken_question_and_reads_every_text(tmp_path):
    broken = write_exercise(tmp_path, "b.yaml", "id: b\ntitle: t\ngiven:\n  I: \"1 2; 3 4\"\nquestions:\n"
                            "  - id: bad\n    compute: {pool: {input: I, window: 5}}\n"
                            "  - id: good\n    compute: {expr: \"2+2\"}\n    expected: 5\n")
    result = CliRunner().invoke(main, ["check", str(broken)])
    assert result.exit_code == 1
    assert "ungradable b/bad:" in result.output and "window 5" in result.output
    assert "mismatch b/good" in result.output  # found although the question before it cannot be computed
    template = write_exercise(tmp_path, "t.yaml", 'id: t\ntitle: t\nstatement: "The matrix {X[1:3, 1:2]}"\n'
                              'given:\n  X: "1 2; 3 4"\nquestions:\n  - id: q\n    compute: {expr: "2"}\n')
    result = CliRunner().invoke(main, ["check", str(template)])
    assert result.exit_code == 1 and "ungradable t/statement: statement:" in result.output


def write_exercise(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_core_schema_reads_octal_floats_and_keeps_explicit_text():
    from cnncalc.yamlio import load_yaml

    data = load_yaml('a: 0o17\nb: 1e3\nc: "010"\nd: !!str 12\ne: yes\nf: 010\n', "x.yaml").data
    assert data == {"a": 15, "b": 1000.0, "c": "010", "d": "12", "e": "yes", "f": 10}
