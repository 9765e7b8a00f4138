"""Grading: notations, mistakes, partial matrices, missing and invalid answers,
hostile input, and a batch of 1,000 submissions with broken files."""

import csv
import json
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.exercises.exercise import load_exercise, parse_exercise
from cnncalc.grading.grader import Grader

ROOT = Path(__file__).resolve().parent.parent
ALEXNET = load_exercise(ROOT / "exercises" / "alexnet.yaml")
LECTURE001 = load_exercise(ROOT / "exercises" / "lecture001-convolution.yaml")
SHEET = load_exercise(ROOT / "exercises" / "sheet-q1-convolution.yaml")


def grade(exercise, answers):
    result = Grader(exercise).grade(answers, "student")
    return {q.id: q for q in result.questions}, result


@pytest.mark.parametrize("text", ["290400", "290,400", "290 400", "290.400", "55*55*96", "55 * 55 * 96",
                                  "(227-11)/4*55*96+55*96", "2.904e5", "290400.0"])
def test_units_in_every_notation(text):
    q, _ = grade(ALEXNET, {"units": text})
    assert q["units"].status == "correct", q["units"].feedback


def test_thousands_reading_is_noted():
    q, _ = grade(ALEXNET, {"parameters": "34.944", "fully-connected": 39.574528e6})
    assert q["parameters"].status == "correct" and "34944" in q["parameters"].feedback
    assert q["fully-connected"].status == "correct"


@pytest.mark.parametrize("text", ["55x55x96", "55×55×96", "55 x 55 x 96", "[55, 55, 96]", "(96, 55, 55)", "96x55x55"])
def test_shapes_in_either_layout(text):
    q, _ = grade(ALEXNET, {"conv1-output": text})
    assert q["conv1-output"].status == "correct"


def test_fractions_decimals_and_suffixes():
    q, _ = grade(LECTURE001, {"avg-pooling": "10 15; 45/4 22.5", "max-pooling": "[[15, 30], [15, 25]]",
                              "first-cell": "45"})
    assert all(q[i].status == "correct" for i in ("avg-pooling", "max-pooling", "first-cell"))
    q, _ = grade(ALEXNET, {"conv1-weights": "34,848", "total": "62.4M"})
    assert q["conv1-weights"].status == "correct"
    assert q["total"].status == "correct"  # the question accepts 2 significant figures: 62M
    q, _ = grade(ALEXNET, {"total": "65M"})
    assert q["total"].status == "wrong"  # the slide's figure is not 62M


@pytest.mark.parametrize("question, answer, mistake", [
    ("width", "54", "forgot the +1"),
    ("units", "3025", "without the channels"),                 # 55 x 55
    ("parameters", "34848", "forgot the bias"),                # 96 x 11 x 11 x 3
    ("parameters", "11712", "left the input channels out"),    # 96 x (11 x 11 + 1)
    ("fully-connected", "39574272", "forgot the bias"),        # 256 x 227 x 227 x 3
    ("pool1-output", "26x26x96", "forgot the +1"),
])
def test_alexnet_mistakes_are_named(question, answer, mistake):
    q, _ = grade(ALEXNET, {question: answer})
    if mistake == "forgot the bias":  # the exercise's 2-point counts give half for it (mistake_credit)
        assert q[question].status == "partial" and q[question].score == 1
    else:
        assert q[question].status == "wrong" and q[question].score == 0
    assert mistake in q[question].feedback


def test_lecture_mistakes_padding_pooling_stride():
    q, _ = grade(LECTURE001, {
        "avg-pooling": "15 30; 15 25",          # the maxima
        "max-pooling": "10 15; 11.25 22.5",     # the means
        "padding-stride": "90 80 40; 50 55 20; 5 50 20",   # stride ignored: every window
        "padding": "55",                        # the unpadded 1x1 result
    })
    assert "max instead of average" in q["avg-pooling"].feedback
    assert "average instead of max" in q["max-pooling"].feedback
    assert "stride ignored" in q["padding-stride"].feedback
    assert "forgot the padding" in q["padding"].feedback


def test_cross_correlation_where_convolution_is_asked():
    # the kernel not flipped: 0*0 + 0.25*80 + 0.5*20 + 1*40 = 70, 0.25*40 + 0.5*40 = 30,
    # 0.25*40 = 10, 1*40 = 40; the last cell happens to equal the right answer (40)
    q, _ = grade(LECTURE001, {"true-convolution": "70 30; 10 40"})
    assert q["true-convolution"].status == "partial" and q["true-convolution"].score == Fraction(3, 4)
    assert "the kernel was not flipped" in q["true-convolution"].feedback


def test_output_size_mistakes():
    ex = parse_exercise("id: s\ntitle: s\nquestions:\n  - id: q\n    points: 2\n"
                        "    compute: {output_size: {n: 7, kernel: 3, stride: 3, padding: 1}}\n", "s.yaml")
    # (7 + 2 - 3)/3 + 1 = 3; no padding: (7 - 3)/3 + 1 = 2.33 -> 2; stride 1: 7; no +1: 2; unfloored 3
    for answer, mistake in (("7", "stride ignored"), ("2", "forgot")):
        q, _ = grade(ex, {"q": answer})
        assert q["q"].status == "wrong" and mistake in q["q"].feedback
    ex = parse_exercise("id: s\ntitle: s\nquestions:\n  - id: q\n"
                        "    compute: {output_size: {n: 7, kernel: 3, stride: 3}}\n", "s.yaml")
    q, _ = grade(ex, {"q": "2.33"})  # 7/3 to 3 figures: the unfloored value
    assert q["q"].status == "wrong" and "did not floor" in q["q"].feedback
    q, _ = grade(ex, {"q": "7/3"})
    assert "did not floor" in q["q"].feedback


def test_partial_matrix_lists_wrong_cells_and_their_step():
    q, _ = grade(SHEET, {"conv": "225 258 250 209; 458 566 552 472; 708 981 887 802; 1000 1488 1320 1000"})
    grade_ = q["conv"]
    assert grade_.status == "partial"
    assert grade_.score == Fraction(4) * Fraction(15, 16)  # 15 of 16 cells, 4 points
    assert "(4, 4)" in grade_.feedback and "= 1224" in grade_.feedback


def test_missing_and_invalid_and_text():
    q, result = grade(SHEET, {"f1": "a THIN horizontal-line!", "f2": "frame", "f3": "", "pool": "566 552; 1488"})
    assert q["f1"].status == "correct"
    assert q["f2"].status == "correct"  # "frame" is the key word of the model answer
    assert q["f3"].status == "missing" and q["f3"].feedback == "no answer"
    assert q["conv"].status == "missing"
    assert q["pool"].status == "invalid" and "ragged" in q["pool"].feedback
    assert result.max_score == 9


@pytest.mark.parametrize("hostile", [
    "__import__('os').system('touch pwned')",
    "9**9**9**9",
    "2^99999",
    "1" * 10_000_000,
    "[" * 100_000 + "]" * 100_000,
    "(" * 5000 + "1" + ")" * 5000,
    "lambda: 0",
    "exec('import os')",
], ids=lambda hostile: hostile if len(hostile) < 40 else f"{hostile[:12]}...({len(hostile):,} chars)")
def test_hostile_answers_are_invalid(hostile, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    q, _ = grade(ALEXNET, {"units": hostile, "conv1-output": hostile, "parameters": hostile})
    for qid in ("units", "conv1-output", "parameters"):
        assert q[qid].status in ("invalid", "wrong"), (qid, q[qid])
        assert q[qid].score == 0
    assert not (tmp_path / "pwned").exists()


def test_yaml_tags_and_hostile_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    tagged = tmp_path / "tagged.yaml"
    tagged.write_text("exercise: alexnet\nstudent: mallory\nanswers:\n  width: !!python/object/apply:os.system ['touch pwned']\n"
                      "  units: 290400\n")
    deep = tmp_path / "deep.yaml"
    deep.write_text("exercise: alexnet\nanswers:\n  width: " + "[" * 20000 + "]" * 20000 + "\n")
    big = tmp_path / "big.yaml"
    big.write_text("exercise: alexnet\nanswers:\n  width: '" + "9" * 10_000_000 + "'\n")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("exercise: alexnet\nanswers:\n  a: &a [x, x, x, x, x, x, x, x, x]\n  b: [*a, *a, *a, *a, *a]\n")
    grades = {Path(g.source).stem: g for g in
              [Grader(ALEXNET).grade_file(p) for p in (tagged, deep, big, bomb)]}
    mallory = {q.id: q for q in grades["tagged"].questions}
    assert mallory["width"].status == "invalid" and "tag" in mallory["width"].feedback
    assert mallory["width"].typed == "!!python/object/apply:os.system"  # the tag as written, never built
    assert mallory["units"].status == "correct"
    assert grades["deep"].invalid or {q.id: q for q in grades["deep"].questions}["width"].status == "invalid"
    assert "larger than" in grades["big"].invalid
    assert "aliases are not allowed" in grades["bomb"].invalid
    assert not (tmp_path / "pwned").exists()


def _write_submissions(folder: Path, count: int) -> None:
    """A realistic class: right answers, each usual mistake, notations, gaps."""
    choices = [
        {"width": "55", "units": "290,400", "parameters": "34944", "fully-connected": "39574528", "total": "62378344"},
        {"width": "54", "units": "3025", "parameters": "34848", "fully-connected": "39574272"},
        {"width": "55", "units": "290.400", "parameters": "96*(11*11*3+1)", "conv1-output": "55x55x96"},
        {"width": "(227-11)/4+1", "parameters": "11712", "pool1-output": "26x26x96"},
        {"width": "55", "units": "55*55*96", "total": "62378344", "conv1-output": "[55, 55, 96]"},
    ]
    for i in range(count):
        answers = "\n".join(f"  {k}: '{v}'" for k, v in choices[i % len(choices)].items())
        (folder / f"s{i:04d}.yaml").write_text(f"exercise: alexnet\nstudent: student{i:04d}\nanswers:\n{answers}\n")


def test_a_class_of_1000_with_broken_files(tmp_path):
    folder = tmp_path / "answers"
    folder.mkdir()
    _write_submissions(folder, 1000)
    (folder / "broken-yaml.yaml").write_text("exercise: alexnet\nanswers: [1, 2\n")
    (folder / "wrong-exercise.yaml").write_text("exercise: vgg16\nanswers: {width: 55}\n")
    (folder / "binary.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    gradebook = tmp_path / "gradebook.csv"
    result = CliRunner().invoke(main, ["grade", str(ROOT / "exercises" / "alexnet.yaml"), str(folder),
                                       "--csv", str(gradebook), "--json"])
    assert result.exit_code == 1  # some files were invalid
    data = json.loads(result.stdout)
    assert len(data) == 1003
    invalid = {Path(d["file"]).name: d["invalid"] for d in data if d["status"] == "invalid"}
    assert set(invalid) == {"broken-yaml.yaml", "wrong-exercise.yaml", "binary.yaml"}
    assert "not valid YAML" in invalid["broken-yaml.yaml"]
    assert "vgg16" in invalid["wrong-exercise.yaml"]
    assert "binary" in invalid["binary.yaml"] or "UTF-8" in invalid["binary.yaml"]
    scores = {d["student"]: d["score"] for d in data if d["status"] == "graded"}
    assert len(scores) == 1000
    assert scores["student0000"] == 1 + 1 + 2 + 2 + 2  # all five right
    # every answer a known mistake; the two 2-point counts give half for the forgotten bias (method marks)
    assert scores["student0001"] == 1 + 1
    assert scores["student0002"] == 1 + 1 + 2 + 1
    rows = {row["student"]: row for row in csv.DictReader(gradebook.open())}
    assert len(rows) == 1003
    assert rows["student0000"]["width"] == "1" and rows["student0000"]["score"] == "8"
    assert rows["binary"]["status"] == "invalid" and rows["binary"]["note"]


def test_gradescope_and_stats(tmp_path):
    folder = tmp_path / "answers"
    folder.mkdir()
    _write_submissions(folder, 10)
    out = tmp_path / "gradescope"
    result = CliRunner().invoke(main, ["grade", str(ROOT / "exercises" / "alexnet.yaml"), str(folder),
                                       "--gradescope", str(out), "--stats", "--summary"])
    assert result.exit_code == 0, result.output
    first = json.loads((out / "student0000.json").read_text())
    assert first["score"] == 8 and {t["name"] for t in first["tests"]} >= {"width", "units"}
    assert all({"name", "score", "max_score", "output"} <= set(t) for t in first["tests"])
    assert "per question" in result.output
    from cnncalc.grading.grader import grade_paths
    from cnncalc.grading.reports import statistics

    rows = {r["question"]: r for r in statistics(grade_paths(ALEXNET, [str(folder)]), ["width", "units"])}
    # students 1 and 6 wrote 54 (no +1); 3 and 8 wrote (227-11)/4+1
    assert rows["width"]["correct"] == 8 and rows["width"]["wrong"] == 2
    assert rows["width"]["common_mistakes"][0] == {"mistake": "forgot the +1 in (N - F + 2*P)/S + 1", "count": 2}
    single = tmp_path / "results.json"
    CliRunner().invoke(main, ["grade", str(ROOT / "exercises" / "alexnet.yaml"), str(folder / "s0001.yaml"),
                              "--gradescope", str(single)])
    assert json.loads(single.read_text())["score"] == 2  # method marks only: half of each 2-point count


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_a_gradebook_into_a_missing_folder_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["grade", str(ROOT / "exercises" / "alexnet.yaml"),
                                       str(ROOT / "examples" / "answers" / "right" / "alexnet.yaml"),
                                       "--csv", "nodir/b.csv"])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)  # no traceback
    assert result.stderr == "error: --csv nodir/b.csv: the folder nodir does not exist; create it first\n"
    assert _listing(tmp_path) == []  # nothing written, no folder made


def test_gradescope_onto_an_existing_folder_named_json_writes_one_file_inside(tmp_path, monkeypatch):
    """docs/grading.md: FILE.json for one submission, a folder of <student>.json otherwise;
    an existing folder is a folder whatever its name."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.json").mkdir()
    result = CliRunner().invoke(main, ["grade", str(ROOT / "exercises" / "alexnet.yaml"),
                                       str(ROOT / "examples" / "answers" / "right" / "alexnet.yaml"),
                                       "--gradescope", "d.json"])
    assert result.exit_code == 0, result.output
    assert _listing(tmp_path) == ["d.json", "d.json/Ada_Lovelace.json"]
    results = json.loads((tmp_path / "d.json" / "Ada_Lovelace.json").read_text())
    assert [t["name"] for t in results["tests"]] == [q.id for q in ALEXNET.questions]
    automatic = [t for t in results["tests"] if t["max_score"]]
    assert automatic and all(t["score"] == t["max_score"] for t in automatic)  # the right answers, all correct


def test_variant_submissions_are_graded_against_their_own_numbers(tmp_path):
    from cnncalc.exercises.variants import generate

    exercise = load_exercise(ROOT / "exercises" / "lecture004-convolution.yaml")
    variant, _ = generate(exercise, 3)
    first = {q.id: r for q, r in zip(variant.questions, variant.references())}["first-cell"].value
    path = tmp_path / "v.yaml"
    path.write_text(f"exercise: lecture004-convolution\nseed: 3\nanswers:\n  first-cell: {first}\n")
    graded = Grader(exercise).grade_file(path)
    assert {q.id: q.status for q in graded.questions}["first-cell"] == "correct"


def test_an_assignment_folder_grades_each_file_against_its_exercise(tmp_path):
    folder = tmp_path / "answers"
    folder.mkdir()
    (folder / "a.yaml").write_text("exercise: alexnet\nstudent: ada\nanswers: {width: 55}\n")
    (folder / "b.yaml").write_text("exercise: lecture001-convolution\nstudent: bob\nanswers: {first-cell: 45}\n")
    (folder / "c.yaml").write_text("exercise: nonexistent\nanswers: {x: 1}\n")
    gradebook = tmp_path / "book.csv"
    result = CliRunner().invoke(main, ["grade", str(ROOT / "exercises"), str(folder), "--json", "--csv", str(gradebook)])
    assert result.exit_code == 1
    data = {d["student"]: d for d in json.loads(result.stdout)}
    assert data["ada"]["exercise"] == "alexnet" and data["ada"]["score"] == 1
    assert data["bob"]["exercise"] == "lecture001-convolution" and data["bob"]["score"] == 1
    assert "not among" in data["c"]["invalid"]
    rows = {row["student"]: row for row in csv.DictReader(gradebook.open())}
    assert rows["ada"]["alexnet/width"] == "1" and rows["bob"]["lecture001-convolution/first-cell"] == "1"


@pytest.mark.parametrize("softmax, cross_entropy, expected", [
    # lecture 003's z = (1, 2, 3): lambda = e^(z_k) / sum e^(z_k'), L = ln(1 + e^-1 + e^-2) = 0.4076...
    ("e/(e + e^2 + e^3)  e^2/(e + e^2 + e^3)  e^3/(e + e^2 + e^3)", "-ln(e^3/(e + e^2 + e^3))", "correct"),
    ("1/(1 + E + exp(2))  E/(1 + E + exp(2))  exp(2)/(1 + E + exp(2))", "log(1 + exp(-1) + exp(-2))", "correct"),
    ("[e/(e+e^2+e^3), e^2/(e+e^2+e^3), e^3/(e+e^2+e^3)]", "ln(1 + e^-1 + e^-2)", "correct"),
    ("0.0900 0.245 0.665", "0.4076", "correct"),
    # e^2 in the last numerator, and the loss without its minus sign: wrong
    ("e/(e+e^2+e^3)  e^2/(e+e^2+e^3)  e^2/(e+e^2+e^3)", "ln(e^3/(e + e^2 + e^3))", "wrong"),
])
def test_an_exact_softmax_is_read_with_e_exp_and_ln(softmax, cross_entropy, expected):
    import math

    grader = Grader(load_exercise(ROOT / "exercises" / "lecture003-classification.yaml"))
    graded = {q.id: q for q in grader.grade({"softmax": softmax, "cross-entropy": cross_entropy}).questions}
    # the references, independently: float softmax and cross-entropy of z = (1, 2, 3)
    exps = [math.exp(z) for z in (1, 2, 3)]
    assert abs(-math.log(exps[2] / sum(exps)) - 0.4076) < 1e-4
    assert graded["cross-entropy"].status == expected
    if expected == "correct":
        assert graded["softmax"].status == "correct"
    else:
        assert graded["softmax"].status == "partial" and graded["softmax"].score == Fraction(4, 3)


@pytest.mark.parametrize("exercise, question, answer, status, note", [
    # numbers as students write them (found by the hand-written TA class of lecture 003 and GoogLeNet)
    ("lecture003-classification", "input-units", "two", "correct", "read 'two' as 2"),
    ("lecture003-classification", "prediction", "class 2 (+100)", "correct", "words before the number"),
    ("lecture003-classification", "prediction", "not 2", "wrong", ""),
    ("googlenet", "more_compute", "about 2.2×", "correct", "the factor 2.2"),
    ("googlenet", "macs_alexnet", "7.24 × 10^8", "correct", "rounded to 3 significant figures"),  # 724,406,816
    ("googlenet", "macs_alexnet", "7.2 × 10^8", "wrong", ""),  # 2 figures
    ("lecture003-classification", "softmax", "0.09 0.245 0.665", "correct", ""),  # 0.0900 without its zeros
    ("lecture003-classification", "softmax", "0.1 0.245 0.665", "partial", ""),  # 0.1 is not 0.0900
    ("lecture003-classification", "softmax", "λ = (0.090, 0.245, 0.665)", "correct", "read as a label"),
    # the channels asked, the whole output volume given (28x28x416: 192 + 64 + 128 + 32 channels)
    ("googlenet", "naive_channels", "28x28x416", "correct", "read the channels (416)"),
    ("googlenet", "naive_channels", "416", "correct", ""),
    ("googlenet", "naive_channels", "28x28x256", "wrong", ""),
    # text: a bracket is a remark of its own, so 'none' does not negate what it says
    ("lecture003-classification", "hidden-units", "none needed (it's a hyperparameter)", "correct", ""),
    ("lecture003-classification", "hidden-units", "as many as we like", "correct", ""),
    ("lecture003-classification", "hidden-units", "10", "wrong", ""),
])
def test_notations_of_the_ta_class(exercise, question, answer, status, note):
    grader = Grader(load_exercise(ROOT / "exercises" / f"{exercise}.yaml"))
    graded = {q.id: q for q in grader.grade({question: answer}).questions}[question]
    assert graded.status == status, graded.feedback
    assert note in graded.feedback


def test_mistakes_of_losses_and_of_precise_answers():
    lecture = Grader(load_exercise(ROOT / "exercises" / "lecture003-classification.yaml"))
    graded = {q.id: q for q in lecture.grade({"batch-loss": "0.6472", "prediction": "3"}).questions}
    # 0.4076 + 0.2395 (the two losses summed): the exercise's method mark is half of 2 points
    assert graded["batch-loss"].status == "partial" and graded["batch-loss"].score == 1
    assert "summed" in graded["batch-loss"].feedback
    assert graded["prediction"].status == "wrong" and "counted the classes from 1" in graded["prediction"].feedback
    googlenet = Grader(load_exercise(ROOT / "exercises" / "googlenet.yaml"))
    # 6,998,552 (the paper's GoogLeNet) is not torchvision's 6,624,904 without its fc bias (6,623,904),
    # though all three are 7M at the question's 1 significant figure
    graded = {q.id: q for q in googlenet.grade({"params_torchvision": "6,998,552", "loss": "x"}).questions}
    assert graded["params_torchvision"].status == "wrong"
    assert "forgot the bias" not in graded["params_torchvision"].feedback


def test_an_id_that_is_the_first_word_of_one_question_is_that_question():
    from cnncalc.grading.grader import match_answers

    matched, notes = match_answers(["task", "loss-function"], {"loss": "cross-entropy"})
    assert matched == {"loss-function": "cross-entropy"} and "graded as 'loss-function'" in notes[0]
    matched, notes = match_answers(["loss-function", "loss-value"], {"loss": "cross-entropy"})
    assert matched == {} and "not graded" in notes[0]
