"""Grading with a TA's judgement: the notations students (and the slides) write, text
answers that mean what they say, errors carried forward, named mistakes, and variants
whose prompts show their own numbers.  Answer files are written by hand, as students
write them; every expected grade is a strict TA's."""

import re
from fractions import Fraction
from pathlib import Path

import pytest

from cnncalc.exercises.exercise import exercise_files, load_exercise, parse_exercise
from cnncalc.exercises.variants import generate
from cnncalc.grading.grader import Grader, grade_paths
from cnncalc.readers import parse_rows
from cnncalc.values import Exact

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
_loaded: dict = {}


def grader(name):
    if name not in _loaded:
        _loaded[name] = Grader(load_exercise(EXERCISES / f"{name}.yaml"))
    return _loaded[name]


def graded(name, file_text, tmp_path):
    """Grade one hand-written answer file; {question id: QuestionGrade}."""
    path = tmp_path / "answer.yaml"
    path.write_text(file_text, encoding="utf-8")
    result = grade_paths(grader(name).exercise, [str(path)])[0]
    assert not result.invalid, result.invalid
    return {q.id: q for q in result.questions}


def by_id(exercise, answers: dict) -> dict:
    """Grade answers given as a mapping; {question id: QuestionGrade}."""
    return {x.id: x for x in Grader(exercise).grade(answers).questions}


# --------------------------------------------------------------------------- notations

def test_words_and_units_after_a_number(tmp_path):
    q = graded("alexnet", """exercise: alexnet
answers:
  width: 55px
  units: 290 400 units
  parameters: 34944 parameters
  fully-connected: 39,574,528 weights and biases
  pool1-parameters: 0 (pooling has no weights)
  conv1-output: 55x55x96 volume
""", tmp_path)
    assert all(q[i].status == "correct" for i in ("width", "units", "parameters", "fully-connected",
                                                   "pool1-parameters", "conv1-output")), {i: q[i].feedback for i in q}
    assert "dropped" in q["units"].feedback


@pytest.mark.parametrize("text", ["31.3 trillion", "31.3T", "31 trillion", "about 31.3 trillions"])
def test_trillions(text, tmp_path):
    # 5,598,720 x 5,598,720 = 31,345,665,638,400 weights (lecture 003, which prints "about 25 trillion")
    assert 5_598_720 ** 2 == 31_345_665_638_400
    q = graded("lecture003-convolutional-layers", f"exercise: lecture003-convolutional-layers\nanswers:\n"
                                                  f"  fc_weights: {text}\n", tmp_path)
    assert q["fc_weights"].status == "correct", q["fc_weights"].feedback
    q = graded("lecture003-convolutional-layers", "exercise: lecture003-convolutional-layers\nanswers:\n"
                                                  "  fc_weights: 25 trillion\n", tmp_path)
    assert q["fc_weights"].status == "wrong" and q["fc_weights"].read_as == str(25 * 10**12)


@pytest.mark.parametrize("text", ["none", "zero", "no parameters", "0 (pooling has no weights)", "Zero."])
def test_words_for_zero(text, tmp_path):
    q = graded("alexnet", f"exercise: alexnet\nanswers:\n  pool1-parameters: {text}\n", tmp_path)
    assert q["pool1-parameters"].status == "correct", q["pool1-parameters"].feedback


def test_working_before_the_result(tmp_path):
    q = graded("programming-task", """exercise: programming-task
answers:
  flatten_units: 12 x 12 x 32 = 4608
  conv1_fits: (28 - 3)/2 + 1 = 13.5
""", tmp_path)
    assert q["flatten_units"].status == "correct" and "after the working" in q["flatten_units"].feedback
    assert q["conv1_fits"].status == "correct"
    q = graded("lecture001-convolution", "exercise: lecture001-convolution\nanswers:\n  same-size: p = 1\n"
                                         "  output-size: 2 (floor((3+2-3)/2)+1)\n", tmp_path)
    assert q["same-size"].status == "correct" and q["output-size"].status == "correct"
    assert "remark" in q["output-size"].feedback
    q = graded("lecture004-convolution", "exercise: lecture004-convolution\nanswers:\n  stride-1: 5 (7-3+1)\n",
               tmp_path)
    assert q["stride-1"].status == "correct"


@pytest.mark.parametrize("question, text", [
    ("first-cell", "−2 + 53"), ("first-cell", "$51$"), ("first-cell", "51."), ("pad-for-5", "$2$"),
])
def test_symbols_students_type(question, text, tmp_path):
    q = graded("lecture004-convolution", f"exercise: lecture004-convolution\nanswers:\n  {question}: '{text}'\n",
               tmp_path)
    assert q[question].status == "correct", q[question].feedback


@pytest.mark.parametrize("text", ["≈35K", "~35K", "35K", "about 35 thousand", "34,848"])
def test_approximations_where_the_question_allows_two_figures(text, tmp_path):
    q = graded("alexnet", f"exercise: alexnet\nanswers:\n  conv1-weights: '{text}'\n", tmp_path)
    assert q["conv1-weights"].status == "correct", q["conv1-weights"].feedback


@pytest.mark.parametrize("text", ["~62M", "62 million", "≈62.4M", "62378344", "6.2e7"])
def test_approximate_totals(text, tmp_path):
    q = graded("alexnet", f"exercise: alexnet\nanswers:\n  total: '{text}'\n", tmp_path)
    assert q["total"].status == "correct", q["total"].feedback  # the question accepts 2 significant figures


@pytest.mark.parametrize("text", [r"\frac{874}{9}", "$\\frac{874}{9}$", "97 1/9", "874/9", "97.11", "97.111"])
def test_fractions_mixed_numbers_latex_and_rounded_decimals(text, tmp_path):
    q = graded("lecture003-convolutional-layers",
               f"exercise: lecture003-convolutional-layers\nanswers:\n  window-of-the-slide: '{text}'\n", tmp_path)
    grade = q["window-of-the-slide"]
    assert grade.status == "correct", grade.feedback
    if "." in text:
        assert "874/9" in grade.feedback  # the exact value is shown


def test_eleven_point_four_is_eleven_point_four(tmp_path):
    # 103/9 = 11.444..., correctly rounded to 3 figures: 11.4
    exercise = parse_exercise("id: m\ntitle: m\nquestions:\n  - id: q\n    compute: {expr: '103/9'}\n"
                              "  - id: e\n    exact: true\n    rounded_credit: 0.5\n    compute: {expr: '103/9'}\n",
                              "m.yaml")
    g = {q.id: q for q in Grader(exercise).grade({"q": "11.4", "e": "11.44"}).questions}
    assert g["q"].status == "correct"
    assert g["e"].status == "partial" and g["e"].score == Fraction(1, 2) and "103/9" in g["e"].feedback
    g = {q.id: q for q in Grader(exercise).grade({"q": "11.5", "e": "11.45"}).questions}
    assert g["q"].status == "wrong" and g["e"].status == "wrong"  # not correctly rounded
    g = {q.id: q for q in Grader(exercise).grade({"q": "11", "e": "103/9"}).questions}
    assert g["q"].status == "wrong" and g["e"].status == "correct"  # 2 figures are too few; the exact value is exact


def test_decimal_comma_percent_and_scientific(tmp_path):
    q = graded("lecture004-convolution", "exercise: lecture004-convolution\nanswers:\n  stride-3: 2,33\n", tmp_path)
    assert q["stride-3"].status == "correct" and "decimal comma" in q["stride-3"].feedback
    q = graded("alexnet", "exercise: alexnet\nanswers:\n  units: 2.904e+5\n  fully-connected: 3.9574528e+7\n",
               tmp_path)
    assert q["units"].status == "correct" and q["fully-connected"].status == "correct"
    ratio = parse_exercise("id: r\ntitle: r\nquestions:\n  - id: share\n    compute: {expr: '1/4'}\n", "r.yaml")
    g = {q.id: q for q in Grader(ratio).grade({"share": "25%"}).questions}
    assert g["share"].status == "correct"


@pytest.mark.parametrize("text, status", [
    ("33.3%", "correct"), ("33.33%", "correct"), ("0.333", "correct"), ("33%", "wrong"), ("33.4%", "wrong"),
    ("1111.55%", "correct"), ("1112%", "correct"), ("1111%", "wrong"),
])
def test_a_rounded_percentage_is_judged_like_the_rounded_decimal(text, status):
    """33.3% is 0.333 (three figures of 1/3), as a TA reads it; 33% is two figures, too few."""
    shares = parse_exercise("id: r\ntitle: r\nquestions:\n  - id: third\n    compute: {expr: '1/3'}\n"
                            "  - id: ratio\n    compute: {expr: '9337/840'}\n", "r.yaml")
    question = "third" if Fraction(text.rstrip("%")) < 100 else "ratio"
    assert {q.id: q for q in Grader(shares).grade({question: text}).questions}[question].status == status


@pytest.mark.parametrize("question, text", [
    ("fc1-output", "1x1x4096"), ("fc1-output", "4096"), ("conv1-output", "(None, 224, 224, 64)"),
    ("conv1-output", "[224x224x64]"), ("conv1-output", "224 × 224 × 64"), ("pool5-output", "[7x7x512]"),
])
def test_shapes_as_the_slides_and_keras_write_them(question, text, tmp_path):
    q = graded("vgg16", f"exercise: vgg16\nanswers:\n  {question}: '{text}'\n", tmp_path)
    assert q[question].status == "correct", q[question].feedback


@pytest.mark.parametrize("text", ["5x5", "5 x 5", "5"])
def test_a_square_output_size_written_as_a_shape(text, tmp_path):
    q = graded("lecture004-convolution", f"exercise: lecture004-convolution\nanswers:\n  stride-1: {text}\n", tmp_path)
    assert q["stride-1"].status == "correct", q["stride-1"].feedback


@pytest.mark.parametrize("text", [
    "\\begin{bmatrix} 566 & 552 \\\\ 1488 & 1320 \\end{bmatrix}",
    "[566 552; 1488 1320]",
    "tensor([[ 566.,  552.], [1488., 1320.]], dtype=torch.float64)",
    "array([[ 566,  552],\n       [1488, 1320]])",
    "\t566 552\n\t1488 1320",
])
def test_matrices_in_latex_matlab_and_printed_arrays(text, tmp_path):
    path = tmp_path / "a.yaml"
    import yaml

    path.write_text(yaml.safe_dump({"exercise": "sheet-q1-convolution", "answers": {"pool": text}}))
    q = {g.id: g for g in grade_paths(grader("sheet-q1-convolution").exercise, [str(path)])[0].questions}
    assert q["pool"].status == "correct", q["pool"].feedback


def test_a_yaml_list_of_row_strings_and_question_mark_cells(tmp_path):
    q = graded("sheet-q1-convolution", """exercise: sheet-q1-convolution
answers:
  pool:
    - 566 552
    - 1488 1320
  conv: |
    225 258 250 209
    458 566 552 472
    708 981 887 802
    1000 1488 1320 ?
""", tmp_path)
    assert q["pool"].status == "correct"
    assert q["conv"].status == "partial" and q["conv"].score == Fraction(15, 16) * 4
    assert "(4, 4)" in q["conv"].feedback


def test_the_slides_memory_column(tmp_path):
    q = graded("vgg16", "exercise: vgg16\nanswers:\n  conv1-memory: 3.2M\n  pool1-memory: 800K\n"
                        "  pool5-memory: 25K\n  conv1-params: 1.7K\n", tmp_path)
    assert q["conv1-memory"].status == "correct" and q["pool1-memory"].status == "correct"
    assert q["pool5-memory"].status == "correct"
    assert q["conv1-params"].status == "wrong"  # the parameter column is exact: 1,728


def test_rounded_matrix_cells():
    exercise = parse_exercise("id: m\ntitle: m\ngiven:\n  X: '1 2 3; 4 5 6; 7 8 9'\n  K: '1/3 1/3; 1/3 1/3'\n"
                              "questions:\n  - id: c\n    compute: {conv: {input: X, kernel: K}}\n", "m.yaml")
    g = {q.id: q for q in Grader(exercise).grade({"c": "4 5.33; 8 9.33"}).questions}
    assert g["c"].status == "correct" and "rounded" in g["c"].feedback
    g = {q.id: q for q in Grader(exercise).grade({"c": "4 5.3; 8 9.3"}).questions}
    assert g["c"].status == "partial" and g["c"].score == Fraction(1, 2)  # 2 figures are not enough


# --------------------------------------------------------------------------- text answers

@pytest.mark.parametrize("question, text, status", [
    ("f3", "not diagonal, vertical lines", "wrong"),
    ("f1", "horizontal and vertical lines", "wrong"),
    ("f1", "definitely not horizontal, it is vertical", "wrong"),
    ("f3", "line from bottom-left to top-right", "correct"),
    ("f3", "a diagonal line from the lower left to the upper right", "correct"),
    ("f3", "diagonal from top-left to bottom-right", "wrong"),
    ("f1", "maybe horizontal lines?", "wrong"),
    ("f1", "horizontal or vertical edges", "wrong"),
    ("f1", "It detects thin horizontal lines.", "correct"),
    ("f2", "a frame (ring) with no centre", "correct"),
    ("f2", "vertical edges", "wrong"),
])
def test_text_answers_mean_what_they_say(question, text, status, tmp_path):
    q = graded("sheet-q1-convolution", f"exercise: sheet-q1-convolution\nanswers:\n  {question}: {text}\n", tmp_path)
    assert q[question].status == status, q[question].feedback


def test_competing_words_negation_and_reject_lists():
    g = grader("lecture003-convolutional-layers")
    q = {x.id: x for x in g.grade({"operation": "average pooling"}).questions}["operation"]
    assert q.status == "wrong" and "average" in q.feedback
    q = {x.id: x for x in g.grade({"operation": "max pooling, not average pooling"}).questions}["operation"]
    assert q.status == "correct"
    q = {x.id: x for x in g.grade({"operation": "pooling"}).questions}["operation"]
    assert q.status == "partial"  # half of it: which pooling?


@pytest.mark.parametrize("question, text, status, says", [
    ("loss-function", "CE loss", "correct", ""),
    ("loss-function", "CE loss function", "correct", ""),
    ("loss-function", "Cross-Entropy (CE)", "correct", ""),  # a synonym in brackets
    ("last-activation", "softmax activation", "correct", ""),
    ("last-activation", "softmax layer", "correct", ""),
    ("last-activation", "softmax (or sigmoid?)", "wrong", "hedged"),
    ("last-activation", "ReLU", "wrong", "the answer is softmax"),
    ("loss-function", "MSE (not cross-entropy)", "wrong", ""),
    ("loss-function", "loss function", "wrong", "the answer is cross-entropy"),
])
def test_a_text_answer_with_its_category_words_or_a_synonym(question, text, status, says, tmp_path):
    """'CE loss' is the answer CE with the word that says what it is; a wrong one is told the answer."""
    q = graded("lecture003-classification",
               f"exercise: lecture003-classification\nanswers:\n  {question}: {text}\n", tmp_path)[question]
    assert q.status == status and says in q.feedback, (text, q.status, q.feedback)


@pytest.mark.parametrize("exercise, question, text, status", [
    ("alexnet", "width", r"\(55\)", "correct"),                      # LaTeX inline maths, as docs/grading.md says
    ("alexnet", "parameters", r"\(34944\)", "correct"),
    ("alexnet", "pool1-output", "27 by 27 by 96", "correct"),
    ("alexnet", "pool3-output", "6x6x256 = 9216", "correct"),         # the shape, then its number of values
    ("alexnet", "pool3-output", "6x6x256 = 9000", "wrong"),           # ... not a wrong product
    ("alexnet", "total", "62,4M", "correct"),                          # a decimal comma before M (62.4 million)
    ("alexnet", "total", "62,4 M", "correct"),
    ("lecture003-classification", "softmax", "9.0% 24.5% 66.5%", "correct"),
    ("lecture003-classification", "softmax", "9.00%, 24.47%, 66.52%", "correct"),
    ("lecture003-classification", "softmax", "9% 25% 67%", "partial"),  # one figure short: 24.5 rounds to 24, not 25
    ("lecture003-classification", "prediction", "class 2, i.e. reward +100", "correct"),
    ("lecture003-classification", "prediction", "reward +100, i.e. class 2", "correct"),
    ("alexnet", "fully-connected", "39.6 million", "partial"),           # as 39.6M: also the no-bias count, rounded
    ("alexnet", "fully-connected", "39.6M", "partial"),
    ("alexnet", "total", "62.4 million", "correct"),                     # the figures of 62.4M, as with the letter
    ("alexnet", "units", "290 thousand", "correct"),                     # the slides' 290K, in words
    ("alexnet", "width", "55 (I think)", "wrong"),                       # hedged as 'maybe 55' is
    ("alexnet", "width", "I think 55?", "wrong"),
    ("alexnet", "units", "290,400.00", "correct"),                        # thousands, then decimals
    ("alexnet", "units", "290.400,00", "correct"),
    ("alexnet", "units", "55**2*96", "correct"),                          # a power as Python writes it
    ("alexnet", "units", "approximately 290400", "correct"),
    ("lecture001-convolution", "true-convolution", "45,110;40,40", "correct"),   # commas between values
    ("lecture001-convolution", "true-convolution", "45,110; 40,40", "correct"),
    ("lecture001-convolution", "avg-pooling", "10,15;11.25,22.5", "correct"),
    ("lecture001-convolution", "avg-pooling", "10 15; 11,25 22,5", "correct"),    # decimal commas
    # i.e. after working is '=': the result after it counts, and a slip before it is named
    ("alexnet", "width", "(227-11)/4+1, i.e. 54", "wrong"),
    ("alexnet", "width", "(227-11)/4+1, i.e. 55", "correct"),
    ("alexnet", "units", "55*55*96, i.e. 290000", "wrong"),
    ("alexnet", "width", "54, i.e. the width is 55", "wrong"),                    # the answer is before i.e.
    ("alexnet", "width", "55 which is wrong, 54", "wrong"),
    ("alexnet", "width", "54, but the right value would be 55 with padding", "wrong"),  # a condition, not a correction
    ("alexnet", "pool1-output", "the correct shape is 27x27x96", "correct"),
])
def test_notations_a_ta_reads(exercise, question, text, status, tmp_path):
    q = graded(exercise, f"exercise: {exercise}\nanswers:\n  {question}: '{text}'\n", tmp_path)[question]
    assert q.status == status, (text, q.status, q.feedback)


@pytest.mark.parametrize("question, text, says, not_says", [
    ("conv1-output", "55x55", "the channels are missing", ""),
    ("conv4-output", "13x13x256", "the height and width are right; the channels are not 256", ""),
    ("conv1-weights", "34,944", "counted the biases too", "significant figures"),  # the mistake says it all
    ("total", "62,000,001", "rounding to 2 significant figures is allowed, but the 8 written are not all right", ""),
    # 35K is 34,944 rounded as much as the forgot-the-bias 34,848: no mistake is named, the exact count asked for
    ("parameters", "35K", "rounded to 2 figures, it cannot tell the count from 34848", "looks like"),
])
def test_feedback_says_what_part_is_wrong(question, text, says, not_says, tmp_path):
    q = graded("alexnet", f"exercise: alexnet\nanswers:\n  {question}: '{text}'\n", tmp_path)[question]
    assert q.status in ("wrong", "partial") and says in q.feedback, q.feedback
    assert not not_says or not_says not in q.feedback, q.feedback


# --------------------------------------------------------------------------- carried forward and mistakes

def test_an_error_is_carried_forward(tmp_path):
    q = graded("sheet-q1-convolution", """exercise: sheet-q1-convolution
answers:
  conv: 225 258 250 209; 458 566 562 472; 708 981 887 802; 1000 1488 1320 1224
  pool: 566 562; 1488 1320
""", tmp_path)
    assert q["conv"].status == "partial"
    assert q["pool"].status == "correct" and q["pool"].score == 2
    assert "follows from your conv answer (562 where 552 is right" in q["pool"].feedback
    half = parse_exercise("id: h\ntitle: h\ngiven:\n  I: '1 2; 3 4'\nquestions:\n  - id: a\n"
                          "    compute: {pool: {input: I, op: max, window: 1}}\n  - id: b\n    carried: 0.5\n"
                          "    compute: {pool: {input: a, op: max, window: 2}}\n", "h.yaml")
    g = by_id(half, {"a": "1 2; 3 5", "b": "5"})
    assert g["b"].status == "partial" and g["b"].score == Fraction(1, 2)
    g = by_id(half, {"a": "1 2; 3 5", "b": "7"})
    assert g["b"].status == "wrong"


def test_carried_forward_through_an_expression(tmp_path):
    q = graded("mnist-models", "exercise: mnist-models\nanswers:\n  mlp_params: 242122\n  cnn_params: 21840\n"
                               "  ratio: 242122/21840\n", tmp_path)
    assert q["mlp_params"].status == "wrong" and q["ratio"].status == "correct"
    assert "follows from your mlp_params answer" in q["ratio"].feedback


def test_a_ratio_of_the_students_own_rounded_counts_follows_them(tmp_path):
    # the TA class (googlenet/vgg16-s06-farid): 62.4M and 6.6M are accepted (3 s.f.; the question allows 1 s.f.),
    # and 62.4 / 6.6 = 9.4545... is 9.5 at the ratio's 2 s.f. where 62,378,344 / 6,624,904 = 9.416... is 9.4
    text = ("exercise: googlenet\nanswers:\n  params_torchvision: 6.6M\n  alexnet_params_course: 62.4M\n"
            "  fewer_params_course: {}\n")
    q = graded("googlenet", text.format("62.4 / 6.6 ≈ 9.5"), tmp_path)
    assert q["params_torchvision"].status == q["alexnet_params_course"].status == "correct"
    assert q["fewer_params_course"].status == "correct" and q["fewer_params_course"].score == 1
    assert q["fewer_params_course"].feedback.startswith("right for your own rounded answers (full credit)")
    assert "params_torchvision (6600000 for 6624904)" in q["fewer_params_course"].feedback
    assert graded("googlenet", text.format("9.4"), tmp_path)["fewer_params_course"].status == "correct"
    assert graded("googlenet", text.format("9.6"), tmp_path)["fewer_params_course"].status == "wrong"
    # no error is carried, so a question's lower 'carried' share does not apply; a real error still gets it
    exercise = parse_exercise("id: r\ntitle: r\nquestions:\n  - id: third\n    compute: {expr: '1/3'}\n"
                              "  - id: scaled\n    carried: 0.5\n    compute: {expr: 'third * 3000'}\n", "r.yaml")
    g = by_id(exercise, {"third": "0.333", "scaled": "999"})
    assert g["third"].status == "correct" and g["scaled"].status == "correct" and g["scaled"].score == 1
    g = by_id(exercise, {"third": "0.5", "scaled": "1500"})
    assert g["scaled"].status == "partial" and g["scaled"].score == Fraction(1, 2)
    g = by_id(exercise, {"third": "0.333", "scaled": "998"})
    assert g["scaled"].status == "wrong"


def test_the_published_erratum_copied_is_named(tmp_path):
    # the TA class: "googlenet 5M: the published erratum (6.6M)"; the grade is the same, the feedback says why
    q = graded("googlenet", "exercise: googlenet\nanswers:\n  params_torchvision: 5M\n  fc_layer: 0 (removes FC "
                            "layers completely)\n  fewer_params_course: 62378344 / 5000000 = 12.5\n", tmp_path)
    assert q["params_torchvision"].status == "wrong"
    assert "the published answer (5M), an erratum: 6,624,904 parameters" in q["params_torchvision"].feedback
    assert q["fc_layer"].status == "wrong" and "the 1024 -> 1000 classifier stays" in q["fc_layer"].feedback
    assert q["fewer_params_course"].status == "correct"  # still carried forward from the student's 5M
    # the slide's max pooling (10 where max(10, 15, 10, 5) = 15): 3 of 4 cells of a 2-point question
    q = graded("lecture001-convolution", "exercise: lecture001-convolution\nanswers:\n  max-pooling: 10 30; 15 25\n",
               tmp_path)
    assert q["max-pooling"].status == "partial" and q["max-pooling"].score == Fraction(3, 2)
    assert "the published answer (10 30; 15 25), an erratum" in q["max-pooling"].feedback
    # a variant's numbers are not the slide's: it has no published answer to name
    g = grader("lecture001-convolution").grade({"max-pooling": "10 30; 15 25"}, seed=7)
    assert all("published" not in x.feedback for x in g.questions)


@pytest.mark.parametrize("exercise, question, text, mistake", [
    ("programming-task", "conv2_output", "12x12x32", "'valid'"),
    ("programming-task", "conv1_output", "13.5x13.5x64", "did not floor"),
    ("lecture004-convolution", "stride-3", "2", "rounded down"),
    ("vgg16", "conv1-params", "1792", "counted the biases too"),
    ("vgg16", "conv1-output", "222x222x64", "forgot the padding"),
    ("lecture003-convolutional-layers", "dilation", "5", "ignored the dilation"),
    ("lecture001-convolution", "padding", "25 60 100; 20 40 70; 0 15 30", "kernel was flipped"),
])
def test_mistakes_are_named(exercise, question, text, mistake, tmp_path):
    q = graded(exercise, f"exercise: {exercise}\nanswers:\n  {question}: '{text}'\n", tmp_path)
    assert q[question].status == "wrong" and mistake in q[question].feedback, q[question].feedback


def test_a_same_convolution_without_padding_is_named():
    exercise = parse_exercise("id: s\ntitle: s\ngiven:\n  I: '1 2 3; 4 5 6; 7 8 9'\n  K: '0 1 0; 1 1 1; 0 1 0'\n"
                              "questions:\n  - id: q\n    compute: {conv: {input: I, kernel: K, padding: same}}\n",
                              "s.yaml")
    q = Grader(exercise).grade({"q": "25"}).questions[0]
    assert q.status == "wrong" and "'valid' padding (no zeros) where 'same' was asked" in q.feedback


# --------------------------------------------------------------------------- variants

WITH_VARIANTS = [p for p in exercise_files(EXERCISES) if load_exercise(p).variants]


@pytest.mark.parametrize("path", WITH_VARIANTS, ids=lambda p: p.stem)
@pytest.mark.parametrize("seed", [1, 7])
def test_every_variant_prints_its_own_numbers(path, seed):
    exercise = load_exercise(path)
    variant, _ = generate(exercise, seed)
    for name in exercise.variants:
        original, drawn = exercise.givens[name], variant.givens[name]
        if drawn.kind == "number" and drawn.value != original.value:
            templated = [q for q in exercise.questions if "{" + name + "}" in q.prompt]
            for q in templated:
                text = variant.prompt_text(next(v for v in variant.questions if v.id == q.id))
                assert str(drawn.value) in text and f"{{{name}}}" not in text
    # the references are recomputed from the variant's givens (checked independently where simple)
    refs = {q.id: r for q, r in zip(variant.questions, variant.references())}
    if exercise.id == "lecture004-convolution":
        n = variant.givens["N"].value
        assert refs["stride-1"].value == n - 3 + 1 and refs["pad-1"].value == n
        assert refs["stride-3"].value == Fraction(n - 3, 3) + 1
        assert f"A {n}x{n} input" in variant.prompt_text(variant.questions[3])
    if exercise.id == "lecture003-convolutional-layers":
        x = variant.givens["X"].value.tolist()
        corner = "; ".join(" ".join(str(v) for v in row[:3]) for row in x[:3])
        prompt = variant.prompt_text(next(q for q in variant.questions if q.id == "cross-correlation"))
        assert corner in prompt
        expected = [[sum(x[i + a][j + b] * k for (a, b), k in zip([(0, 0), (0, 1), (1, 0), (1, 1)], [1, 2, 3, 4]))
                     for j in range(2)] for i in range(2)]
        assert refs["cross-correlation"].value.tolist() == expected
        window = sum(x[r][c] for r in range(3, 6) for c in range(3, 6))
        assert refs["window-of-the-slide"].value == Fraction(window, 9)
    # a student answering the printed question of the variant gets full marks
    from cnncalc.exercises.solution import answer_inline

    answers = {q.id: answer_inline(r) for q, r in zip(variant.questions, variant.references()) if not q.manual}
    result = Grader(exercise).grade(answers, "v", seed=seed)
    assert result.score == result.max_score, [(q.id, q.feedback) for q in result.questions if q.status != "correct"]


@pytest.mark.parametrize("prompt, compute, message, fixed", [
    # the prompt writes N's value where the variants change N
    ("A 7x7 input and a 3x3 filter give what output size?", "{n: N, kernel: 3}", "writes 7, the value of N",
     ("A 7x7 input", "A {N}x{N} input")),
    # the prompt shows the variant's N, the compute keeps the original 7
    ("'A {N}x{N} input and a 3x3 kernel: how wide is the output?'", "{n: 7, kernel: 3}",
     "the prompt writes {N} but the compute uses 7", ("n: 7", "n: N")),
])
def test_check_refuses_a_variant_that_hard_codes_its_numbers(prompt, compute, message, fixed, tmp_path):
    from click.testing import CliRunner

    from cnncalc.cli import main

    path = tmp_path / "v.yaml"
    path.write_text(f"id: v\ntitle: v\ngiven:\n  N: 7\nquestions:\n  - id: q\n    prompt: {prompt}\n"
                    f"    compute: {{output_size: {compute}}}\nvariants:\n  N: {{range: [5, 9]}}\n")
    result = CliRunner(env={"COLUMNS": "200"}).invoke(main, ["check", str(path)])
    assert result.exit_code == 1 and message in result.output
    path.write_text(path.read_text().replace(*fixed))
    assert CliRunner().invoke(main, ["check", str(path)]).exit_code == 0


def test_variant_matrices_may_have_channels():
    exercise = parse_exercise("id: c\ntitle: c\ngiven:\n  X: '1 2; 3 4 | 5 6; 7 8'\n  K: '1 0; 0 1 | 0 1; 1 0'\n"
                              "questions:\n  - id: q\n    prompt: 'Convolve {X} with {K}.'\n"
                              "    compute: {conv: {input: X, kernel: K}}\n"
                              "variants:\n  X: {matrix: [2, 3, 3], range: [0, 9]}\n", "c.yaml")
    variant, _ = generate(exercise, 3)
    x = variant.givens["X"].value.tolist()
    assert variant.givens["X"].value.shape == (2, 3, 3)
    ref = variant.references()[0].value.tolist()
    assert ref == [[x[0][i][j] + x[0][i + 1][j + 1] + x[1][i][j + 1] + x[1][i + 1][j] for j in range(2)]
                   for i in range(2)]
    # the prompt writes each matrix with its channels, as it is typed: read back, it is the variant's matrix
    prompt = variant.prompt_text(variant.questions[0])
    written = re.fullmatch(r"Convolve (.*) with (.*)\.", prompt)
    assert written and written.group(2) == "1 0; 0 1 | 0 1; 1 0", prompt
    assert Exact.from_nested(parse_rows(written.group(1))).tolist() == x
