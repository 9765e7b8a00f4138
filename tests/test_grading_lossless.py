"""A grader that is safe and lossless: no crash loses a batch, nothing outside the
answer is read, every answer is read as the student typed it, no submission
vanishes or collides, every point can be earned, ambiguity is refused.

Each test writes the answer files by hand, as students write them."""

import csv
import json
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.exercises.exercise import exercise_files, load_exercise, parse_exercise
from cnncalc.grading.grader import Grader, grade_paths
from cnncalc.grading.selfcheck import as_written

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"


def ex(name):
    return load_exercise(EXERCISES / f"{name}.yaml")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def by_id(grade):
    return {q.id: q for q in grade.questions}


def run(*args, input=None):
    # a wide terminal, so that the checks below do not depend on where rich wraps a cell
    return CliRunner(env={"COLUMNS": "250"}).invoke(main, [str(a) for a in args], input=input)


# --------------------------------------------------------------------------- 1. nothing crashes, nothing is lost

def test_lecture003_does_not_crash_the_batch(tmp_path):
    # the "did not floor" mistake re-ran the symbolic output_size (n: H) unrounded: a TypeError for everyone
    write(tmp_path, "answers/ada.yaml", "exercise: lecture003-convolutional-layers\nstudent: Ada\n"
                                        "answers:\n  shrink: H - 2\n  stride-exercise: 2\n  dilation: 3\n")
    write(tmp_path, "answers/bob.yaml", "exercise: lecture003-convolutional-layers\nstudent: Bob\n"
                                        "answers:\n  shrink: H-3\n  stride-exercise: 3\n")
    result = run("grade", EXERCISES / "lecture003-convolutional-layers.yaml", tmp_path / "answers", "--json")
    assert result.exit_code == 0, result.output
    rows = {d["student"]: d for d in json.loads(result.stdout)}
    ada = {q["id"]: q for q in rows["Ada"]["questions"]}
    assert ada["shrink"]["status"] == "correct" and ada["stride-exercise"]["status"] == "correct"
    assert ada["dilation"]["status"] == "correct"  # (7 - 5)/1 + 1 = 3
    bob = {q["id"]: q for q in rows["Bob"]["questions"]}
    assert bob["shrink"]["status"] == "wrong" and bob["stride-exercise"]["status"] == "wrong"
    assert not any(q["status"] == "error" for d in rows.values() for q in d["questions"])


@pytest.mark.parametrize("path", exercise_files(EXERCISES), ids=lambda p: p.stem)
def test_every_course_exercise_grades_a_right_a_wrong_and_an_empty_file(path, tmp_path):
    exercise = load_exercise(path)
    references = exercise.references()
    auto = [(q, r) for q, r in zip(exercise.questions, references) if not q.manual]
    right = "\n".join(f"  {q.id}: {json.dumps(as_written(r))}" for q, r in auto)
    write(tmp_path, "a/right.yaml", f"exercise: {exercise.id}\nstudent: right\nanswers:\n{right}\n")
    write(tmp_path, "a/wrong.yaml", f"exercise: {exercise.id}\nstudent: wrong\nanswers:\n"
                                    + "\n".join(f"  {q.id}: '12345'" for q, _ in auto) + "\n")
    write(tmp_path, "a/empty.yaml", f"exercise: {exercise.id}\nstudent: empty\nanswers:\n")
    grades = {g.student: g for g in grade_paths(exercise, [str(tmp_path / "a")])}
    assert grades["right"].score == exercise.max_score, [(q.id, q.feedback) for q in grades["right"].questions]
    assert all(q.status in ("wrong", "invalid", "partial") for q in grades["wrong"].questions if q.status != "manual")
    assert grades["wrong"].score < exercise.max_score
    assert grades["empty"].score == 0 and all(q.status in ("missing", "manual") for q in grades["empty"].questions)
    assert not any(g.errors or g.invalid for g in grades.values())


def test_a_question_that_fails_inside_is_an_error_row_and_the_rest_is_graded(tmp_path, monkeypatch):
    from cnncalc.grading import grader as grader_module

    exercise = ex("alexnet")
    original = grader_module.compare

    def broken(reference, answer, *args, **kwargs):  # a defect in one comparison
        if reference.kind == "shape":
            raise TypeError("simulated defect")
        return original(reference, answer, *args, **kwargs)

    monkeypatch.setattr(grader_module, "compare", broken)
    write(tmp_path, "a.yaml", "exercise: alexnet\nanswers:\n  width: 55\n  conv1-output: 55x55x96\n")
    result = run("grade", EXERCISES / "alexnet.yaml", tmp_path / "a.yaml", "--json")
    assert result.exit_code == 1
    questions = {q["id"]: q for q in json.loads(result.stdout)[0]["questions"]}
    assert questions["width"]["status"] == "correct"
    assert questions["conv1-output"]["status"] == "error" and "simulated defect" in questions["conv1-output"]["feedback"]
    assert exercise  # the exercise itself is untouched


def test_check_runs_the_grading_path_of_every_question(tmp_path):
    # a question whose reference no student can write (a table) must be manual, or check fails
    bad = write(tmp_path, "bad.yaml", "id: bad\ntitle: t\nquestions:\n  - id: table\n"
                                      "    compute: {network: {of: mnist-cnn, value: table}}\n")
    result = run("check", bad)
    assert result.exit_code == 1 and "ungradable" in result.output and "manual: true" in result.output
    bad.write_text(bad.read_text().replace("    compute:", "    manual: true\n    compute:"))
    assert run("check", bad).exit_code == 0
    # every course exercise passes the same check
    result = run("check", EXERCISES)
    assert result.exit_code == 0 and "0 ungradable" in result.output


# --------------------------------------------------------------------------- 2. an answer is text

def test_an_answer_never_names_a_file_or_a_stream(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # a file holding the right answer: a grader that opened it would give full marks
    write(tmp_path, "right.csv", "225,258,250,209\n458,566,552,472\n708,981,887,802\n1000,1488,1320,1224\n")
    write(tmp_path, "big.csv", "\n".join(",".join("1" for _ in range(1000)) for _ in range(1000)))
    answers = write(tmp_path, "eve.yaml", "exercise: sheet-q1-convolution\nanswers:\n"
                                          f"  conv: {tmp_path / 'right.csv'}\n"
                                          "  pool: /etc/passwd\n"
                                          "  f1: /etc/hostname\n"
                                          "  f2: ~/x.npy\n"
                                          "  f3: '-'\n")
    result = run("grade", EXERCISES / "sheet-q1-convolution.yaml", answers, "--json",
                 input="566 552; 1488 1320\n")
    assert result.exit_code == 1  # graded, with invalid answers to look at
    questions = {q["id"]: q for q in json.loads(result.stdout)[0]["questions"]}
    assert questions["conv"]["status"] == "invalid" and questions["conv"]["score"] == 0
    assert questions["pool"]["status"] == "invalid" and "root" not in questions["pool"]["feedback"]
    assert questions["f1"]["status"] == "invalid" and questions["f2"]["status"] == "invalid"  # paths, not answers
    assert questions["f3"]["status"] == "missing"  # '-' is what students write for no answer, never stdin
    big = Grader(ex("sheet-q1-convolution")).grade({"conv": str(tmp_path / "big.csv")})
    assert by_id(big)["conv"].status == "invalid"


# --------------------------------------------------------------------------- 3. as typed

def test_yaml_does_not_change_what_the_student_typed(tmp_path):
    write(tmp_path, "ada.yaml", "exercise: alexnet\nstudent: 0012345\nanswers:\n"
                                "  units: 290.400\n  parameters: 34.944\n  conv1-weights: 34.848\n"
                                "  width: .55e2\n  conv1-output: [55, 55, 96]\n  pool1-parameters: yes\n")
    grade = grade_paths(ex("alexnet"), [str(tmp_path / "ada.yaml")])[0]
    assert grade.student == "0012345"  # text, not the octal 5349
    q = by_id(grade)
    assert q["units"].status == "correct" and q["units"].typed == "290.400"
    assert q["parameters"].status == "correct" and q["conv1-weights"].status == "correct"
    assert q["width"].typed == ".55e2" and q["width"].status == "correct"
    assert q["conv1-output"].typed == "[55, 55, 96]" and q["conv1-output"].status == "correct"
    assert q["pool1-parameters"].status == "wrong" and q["pool1-parameters"].typed == "yes"
    cnn = write(tmp_path, "cnn.yaml", "exercise: mnist-models\nanswers:\n  cnn_params: 21.840\n")
    assert by_id(grade_paths(ex("mnist-models"), [str(cnn)])[0])["cnn_params"].status == "correct"


def test_a_list_reaches_the_reader_as_typed():
    q = by_id(Grader(ex("vgg16")).grade({}))
    assert q  # the exercise grades an empty submission
    exercise = parse_exercise("id: d\ntitle: d\nquestions:\n  - id: out\n"
                              "    compute: {network: {of: '25088 -> dense 4096', value: output}}\n", "d.yaml")
    path_text = "exercise: d\nanswers:\n  out: [1x1x4096]\n"
    from cnncalc.yamlio import load_yaml

    data = load_yaml(path_text, "a.yaml", typed=True).data
    graded = by_id(Grader(exercise).grade(data["answers"]))["out"]
    assert graded.typed == "[1x1x4096]"


def test_yes_is_never_one_whatever_the_order(tmp_path):
    exercise = parse_exercise("id: one\ntitle: t\nquestions:\n  - id: q\n"
                              "    compute: {output_size: {n: 3, kernel: 3}}\n", "one.yaml")
    write(tmp_path, "a/1.yaml", "exercise: one\nanswers:\n  q: 1\n")
    write(tmp_path, "a/2.yaml", "exercise: one\nanswers:\n  q: yes\n")
    write(tmp_path, "b/1.yaml", "exercise: one\nanswers:\n  q: yes\n")
    write(tmp_path, "b/2.yaml", "exercise: one\nanswers:\n  q: 1\n")
    for folder in ("a", "b"):
        grades = {Path(g.source).stem: by_id(g)["q"].status for g in grade_paths(exercise, [str(tmp_path / folder)])}
        # 'yes' is a word, not the number 1: wrong, in whichever order the files come
        assert grades == ({"1": "correct", "2": "wrong"} if folder == "a" else {"1": "wrong", "2": "correct"})


def test_a_question_answered_twice_is_invalid(tmp_path):
    path = write(tmp_path, "twice.yaml", "exercise: alexnet\nanswers:\n  width: 54\n  units: 290400\n  width: 55\n")
    q = by_id(grade_paths(ex("alexnet"), [str(path)])[0])
    assert q["width"].status == "invalid" and "54 and 55" in q["width"].feedback
    assert q["units"].status == "correct"


# --------------------------------------------------------------------------- 4. nothing dropped without a word

def test_unknown_ids_and_a_missing_answers_key_are_reported(tmp_path):
    write(tmp_path, "a/typo.yaml", "exercise: alexnet\nstudent: Ty\nanswers:\n  widht: 55\n  Units: 290400\n"
                                   "  colour: blue\n")
    write(tmp_path, "a/flat.yaml", "exercise: alexnet\nstudent: Flo\nwidth: 55\n")
    write(tmp_path, "a/none.yaml", "exercise: alexnet\nstudent: Nia\n")
    result = run("grade", EXERCISES / "alexnet.yaml", tmp_path / "a", "--json")
    rows = {d["student"]: d for d in json.loads(result.stdout)}
    ty = {q["id"]: q for q in rows["Ty"]["questions"]}
    assert ty["width"]["status"] == "correct" and ty["units"]["status"] == "correct"
    notes = " | ".join(rows["Ty"]["notes"])
    assert "unknown question 'widht' (did you mean 'width'?)" in notes
    assert "answer under 'Units' graded as 'units'" in notes and "unknown question 'colour'" in notes
    assert {q["id"]: q for q in rows["Flo"]["questions"]}["width"]["status"] == "correct"
    assert "no 'answers:'" in " ".join(rows["Flo"]["notes"])
    assert "the file has no 'answers:'" in " ".join(rows["Nia"]["notes"])
    result = run("grade", EXERCISES / "alexnet.yaml", tmp_path / "a", "--stats", "--summary")
    assert "unknown question id 'colour' in 1 file" in result.output and "under a misspelt id" in result.output
    assert "1 file with no 'answers:' (nothing graded): none.yaml" in result.output
    assert "1 file with no 'answers:' key (the answers were read from the top level): flat.yaml" in result.output


# --------------------------------------------------------------------------- 5. no submission vanishes or collides

def test_per_student_folders_duplicates_and_gradebook_columns(tmp_path):
    write(tmp_path, "subs/Ada Lovelace_1001/answers.yaml", "exercise: alexnet\nanswers:\n  width: 55\n")
    write(tmp_path, "subs/Ada Lovelace_1001/working.pdf", "%PDF-1.4")
    write(tmp_path, "subs/bob/answers.yaml", "exercise: alexnet\nstudent: Ada A.\nanswers:\n  width: 54\n")
    write(tmp_path, "subs/carl/answers.yaml", "exercise: alexnet\nstudent: Ada A.\nanswers:\n  width: 55\n")
    book = tmp_path / "book.csv"
    out = tmp_path / "gs"
    result = run("grade", EXERCISES / "alexnet.yaml", tmp_path / "subs", "--csv", book, "--gradescope", out)
    assert result.exit_code == 0, result.output
    assert "2 submissions share the student name 'Ada A.'" in result.output
    assert "skipped 1 entry" in result.output and "working.pdf" in result.output
    rows = list(csv.DictReader(book.open()))
    assert {r["student"] for r in rows} == {"Ada Lovelace_1001", "Ada A."}
    assert {Path(r["file"]).parent.name for r in rows} == {"Ada Lovelace_1001", "bob", "carl"}
    assert len({p.name for p in out.iterdir()}) == 3  # no file overwrote another
    # two "Ada A." with alike file names: each Gradescope file names the folder it came from
    assert {p.name for p in out.iterdir()} == {"Ada_Lovelace_1001.json", "Ada_A--bob-answers.json",
                                               "Ada_A--carl-answers.json"}
    assert run("grade", EXERCISES / "alexnet.yaml", tmp_path / "empty-folder-that-is-missing").exit_code == 2
    (tmp_path / "empty").mkdir()
    result = run("grade", EXERCISES / "alexnet.yaml", tmp_path / "empty")
    assert result.exit_code == 2 and "no answer files" in result.output


def test_several_exercises_give_only_the_graded_columns(tmp_path):
    write(tmp_path, "s/ada/alexnet.yaml", "exercise: alexnet\nanswers:\n  width: 55\n")
    write(tmp_path, "s/ada/sheet.yaml", "exercise: sheet-q1-convolution\nanswers:\n  pool: 566 552; 1488 1320\n")
    write(tmp_path, "s/ada/again.yaml", "exercise: alexnet\nanswers:\n  width: 54\n")
    book = tmp_path / "book.csv"
    result = run("grade", EXERCISES, tmp_path / "s", "--csv", book)
    assert result.exit_code == 1  # the second alexnet file of one student is refused, not merged
    header = next(csv.reader(book.open()))
    assert "alexnet/width" in header and "sheet-q1-convolution/pool" in header
    assert not any(h.startswith("vgg16/") or h.startswith("lecture004") for h in header)
    rows = list(csv.DictReader(book.open()))
    assert sum(r["status"] == "invalid" for r in rows) == 1


def test_student_names_are_data_on_the_terminal_and_in_the_csv(tmp_path):
    write(tmp_path, "a/x.yaml", "exercise: alexnet\nstudent: \"=HYPERLINK(\\\"http://evil\\\")\"\n"
                                "answers:\n  width: 55\n")
    write(tmp_path, "a/y.yaml", "exercise: alexnet\nstudent: \"Eve\\e[2J[bold]x[/]\"\nanswers:\n  width: 55\n")
    book = tmp_path / "book.csv"
    result = run("grade", EXERCISES / "alexnet.yaml", tmp_path / "a", "--csv", book)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\\x1b[2J" in result.output and "[bold]x[/]" in result.output
    students = [r["student"] for r in csv.DictReader(book.open())]
    assert "'=HYPERLINK(\"http://evil\")" in students
    assert "Eve\\x1b[2J[bold]x[/]" in students and "\x1b" not in book.read_text()  # printed in a terminal, inert


# --------------------------------------------------------------------------- 6. every point can be earned

def test_manual_questions_are_listed_everywhere_and_left_out_of_the_score(tmp_path):
    path = write(tmp_path, "ada.yaml", "exercise: alexnet\nstudent: Ada\nanswers:\n  width: 55\n"
                                       "  table: |\n    conv1 55x55x96 34944\n    pool1 27x27x96 0\n")
    exercise = ex("alexnet")
    grade = grade_paths(exercise, [str(path)])[0]
    table = by_id(grade)["table"]
    assert table.status == "manual" and "conv1 55x55x96" in table.typed
    assert grade.max_score == exercise.max_score == sum(q.points for q in exercise.questions) - 2
    assert grade.manual_max == 2
    result = run("grade", EXERCISES / "alexnet.yaml", path, "--json")
    data = json.loads(result.stdout)[0]
    assert data["manual_points"] == 2
    assert {q["id"]: q for q in data["questions"]}["table"]["status"] == "manual"
    assert "needs manual grading" in run("grade", EXERCISES / "alexnet.yaml", path).output
    book, gs = tmp_path / "b.csv", tmp_path / "r.json"
    run("grade", EXERCISES / "alexnet.yaml", path, "--csv", book, "--gradescope", gs)
    row = next(csv.DictReader(book.open()))
    assert row["table"] == "manual" and row["manual_points"] == "2"
    test = {t["name"]: t for t in json.loads(gs.read_text())["tests"]}["table"]
    assert test["max_score"] == 0 and "Needs manual grading" in test["output"] and "conv1 55x55x96" in test["output"]
    assert "```\nconv1 55x55x96 34944\npool1 27x27x96 0\n```" in test["output"]  # the table's lines kept


@pytest.mark.parametrize("answer, status", [
    ("795*H + 10", "correct"), ("10 + 795*H", "correct"), ("784*H + H + 10*H + 10", "correct"),
    ("(784 + 1)*H + (H + 1)*10", "correct"), ("795*H", "partial"), ("794*H", "partial"), ("784*H", "wrong"),
])
def test_formula_answers_are_compared_as_formulas(answer, status):
    # the course's 2-point counts give half the points for a forgotten bias (mistake_credit: method marks)
    q = by_id(Grader(ex("mnist-models")).grade({"fc_params": answer}))["fc_params"]
    assert q.status == status, q.feedback
    assert q.score == {"correct": 2, "partial": 1, "wrong": 0}[status]
    if answer == "795*H":
        assert "forgot the bias of the output layer" in q.feedback


# --------------------------------------------------------------------------- 7. ambiguity is refused

def test_two_matrices_are_refused_and_bracketed_rows_are_rows():
    exercise = ex("lecture001-convolution")
    grader = Grader(exercise)
    q = by_id(grader.grade({"max-pooling": "10 30; 15 25\n15 30; 15 25"}))["max-pooling"]
    assert q.status == "invalid" and "2 matrices" in q.feedback
    q = by_id(grader.grade({"max-pooling": "[[10, 30], [15, 25]] [[15, 30], [15, 25]]"}))["max-pooling"]
    assert q.status == "invalid" and "2 matrices" in q.feedback
    q = by_id(grader.grade({"max-pooling": "10 30\n15 25\n\n15 30\n15 25"}))["max-pooling"]
    assert q.status == "invalid" and "2 matrices" in q.feedback
    q = by_id(grader.grade({"max-pooling": "[15 30]\n[15 25]"}))["max-pooling"]
    assert q.status == "correct"
    q = by_id(grader.grade({"max-pooling": "15 30\n15 25"}))["max-pooling"]
    assert q.status == "correct"
    assert by_id(grader.grade({"max-pooling": "10 30; 15 25"}))["max-pooling"].score == Fraction(3, 4) * 2


def test_a_question_in_two_answers_blocks_is_answered_twice_and_the_same_answer_twice_is_graded(tmp_path):
    write(tmp_path, "two.yaml", "exercise: alexnet\nstudent: Two\nanswers:\n  width: 54\n  units: 290400\n"
                                "answers:\n  width: 55\n")
    write(tmp_path, "same.yaml", "exercise: alexnet\nstudent: Same\nanswers:\n  width: 55\n  width: 55\n")
    result = run("grade", EXERCISES / "alexnet.yaml", tmp_path / "two.yaml", tmp_path / "same.yaml", "--json")
    assert result.exit_code == 1  # an invalid answer needs a look
    rows = {d["student"]: d for d in json.loads(result.stdout)}
    two = {q["id"]: q for q in rows["Two"]["questions"]}
    assert two["width"]["status"] == "invalid" and "54 and 55" in two["width"]["feedback"]
    assert two["units"]["status"] == "correct"  # the first block is read too
    assert "'answers:' is given 2 times" in " ".join(rows["Two"]["notes"])
    same = {q["id"]: q for q in rows["Same"]["questions"]}
    assert same["width"]["status"] == "correct"
    assert "'width' is answered 2 times with the same answer" in " ".join(rows["Same"]["notes"])


def test_details_stream_and_statistics_stay_readable_at_80_columns(tmp_path, monkeypatch):
    from cnncalc.grading import grader, reports

    for name, width in (("ada", 55), ("ben", 54), ("cy", 55)):
        write(tmp_path, f"class/{name}.yaml", f"exercise: alexnet\nstudent: {name}\nanswers:\n  width: {width}\n")
    graded, printed_after = [0], []
    grade, table = grader.Grader.grade, reports.student_table
    monkeypatch.setattr(grader.Grader, "grade", lambda self, *a, **k: (graded.__setitem__(0, graded[0] + 1),
                                                                       grade(self, *a, **k))[1])
    monkeypatch.setattr(reports, "student_table", lambda g: (printed_after.append(graded[0]), table(g))[1])
    result = CliRunner(env={"COLUMNS": "80"}).invoke(
        main, ["grade", str(EXERCISES / "alexnet.yaml"), str(tmp_path / "class"), "--details", "--stats"])
    assert printed_after == [1, 2, 3]  # each student's table as soon as that student is graded
    # at 80 columns the statistics are paragraphs, every id and mistake whole (a squeezed table folds them)
    assert "width: 2 correct, 1 wrong; mean 0.666667" in result.output
    assert "most common mistakes: forgot the +1 in" in result.output.replace("\n", " ")
    wide = CliRunner(env={"COLUMNS": "200"}).invoke(
        main, ["grade", str(EXERCISES / "alexnet.yaml"), str(tmp_path / "class"), "--summary", "--stats"])
    assert "┃ question" in wide.output and "│ width " in wide.output


# --------------------------------------------------------------------------- one broken line costs one answer

def test_one_answer_that_breaks_the_yaml_costs_only_that_answer(tmp_path):
    """An unclosed bracket and a bare '-' (which YAML refuses): the other answers are graded."""
    path = write(tmp_path, "maria.yaml", "exercise: lecture001-convolution\nstudent: María José Núñez\nanswers:\n"
                                         "  true-convolution: 45 110; 40 40\n"
                                         "  padding: [[90, 80, 40], [50, 55, 20], [5, 50, 20]\n"
                                         "  first-cell: -\n"
                                         "  output-size: 4\n"
                                         "  max-pooling: \"566 552; 1488 1320\n")
    grade = Grader(ex("lecture001-convolution")).grade_file(path)
    assert not grade.invalid and grade.student == "María José Núñez"
    q = by_id(grade)
    assert q["true-convolution"].status == "correct"
    # the list's closing bracket missing at its end: read as a TA reads it, and noted
    assert q["padding"].status == "correct" and q["padding"].typed == "[[90, 80, 40], [50, 55, 20], [5, 50, 20]"
    assert any("line 5: the list's closing ] is missing" in note for note in grade.notes)
    assert q["max-pooling"].status == "invalid" and "line 8 is not valid YAML" in q["max-pooling"].feedback
    assert "close its brackets" in q["max-pooling"].feedback
    assert q["first-cell"].status == "missing" and "'-' as no answer" in q["first-cell"].feedback
    assert q["output-size"].typed == "4"
    assert any("not YAML as a whole" in note and "each answer was read on its own" in note for note in grade.notes)


def test_a_file_read_answer_by_answer_keeps_its_rules(tmp_path):
    """Read entry by entry, a file still reports a question answered twice, refuses tags and aliases,
    and reads tab-indented answers (YAML refuses tabs) exactly as typed."""
    exercise = ex("alexnet")
    text = ("exercise: alexnet\nstudent: Tab\nanswers:\n\twidth: 55\n\tunits: 290.400\n\twidth: 54\n"
            "\tparameters: !!python/object:os.system echo\n")
    grade = Grader(exercise).grade_file(write(tmp_path, "tab.yaml", text))
    q = by_id(grade)
    assert q["units"].status == "correct" and q["units"].typed == "290.400"
    assert q["width"].status == "invalid" and "answered 2 times (lines 4, 6)" in q["width"].feedback
    assert q["parameters"].status == "invalid" and "tag" in q["parameters"].feedback
    bomb = "exercise: alexnet\nanswers:\n  width: &a [1, 2\n  units: *a\n"
    bombed = Grader(exercise).grade_file(write(tmp_path, "bomb.yaml", bomb))
    assert "anchor" in bombed.invalid or by_id(bombed)["units"].status == "invalid"


def test_a_file_whose_own_keys_are_broken_is_an_invalid_row(tmp_path):
    exercise = ex("alexnet")
    for name, text, words in (
        ("keys.yaml", "exercise: alexnet\nanswers: [1, 2\n", ("line 2", "'answers' is not valid YAML")),
        ("student.yaml", "exercise: alexnet\nstudent: [Ada\nanswers:\n  width: 55\n", ("'student'",)),
        ("flow.yaml", "[width: 55, height\n", ("not valid YAML",)),
    ):
        grade = Grader(exercise).grade_file(write(tmp_path, name, text))
        assert grade.invalid and all(word in grade.invalid for word in words), (name, grade.invalid)


def test_the_class_report_counts_what_a_ta_counts(tmp_path):
    """A mistake counts where it cost points (not where it was carried forward), an invalid file counts 0
    in the class mean, and each file is named below the class folder (every student's file has one name)."""
    for name, text in (("ada", "student: Ada\nanswers:\n  width: 54\n  units: 279936\n"),   # 54: forgot the +1
                       ("bob", "student: Bob\nanswers:\n  width: 55\n  units: 290400\n"),
                       ("eve", "student: [Eve\n")):
        write(tmp_path, f"class/{name}/alexnet.yaml", "exercise: alexnet\n" + text)
    result = run("grade", EXERCISES / "alexnet.yaml", tmp_path / "class", "--summary", "--stats")
    out = result.output
    assert "ada/alexnet.yaml" in out and "eve/alexnet.yaml" in out
    assert "mean score 5.3% of the automatic points (an invalid file counts 0)" in out  # (1 + 2 + 0) / 3 of 19
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if line.startswith("│")}
    assert "forgot the +1" in rows["width"]
    assert "forgot the +1" not in rows["units"]  # 279936 = 54 x 54 x 96: right by Ada's own width


def test_shortened_ids_and_a_file_named_after_its_exercise(tmp_path):
    """'activation' is last-activation, 'pool1-params' pool1-parameters, 'loss' loss-function (not batch-loss);
    an answer file without 'exercise:' named alexnet.yaml is for alexnet when a course is graded."""
    g = Grader(ex("lecture003-classification")).grade({"activation": "softmax", "loss": "CE"})
    assert by_id(g)["last-activation"].status == "correct" and by_id(g)["loss-function"].status == "correct"
    g = Grader(ex("alexnet")).grade({"pool1-params": "0", "po": "0"})
    assert by_id(g)["pool1-parameters"].status == "correct"
    assert any("unknown question 'po'" in note and "not graded" in note for note in g.notes)
    write(tmp_path, "class/tomas/alexnet.yaml", "student: Tomás\nanswers:\n  width: 55\n")
    write(tmp_path, "class/tomas/notes.yaml", "student: Tomás\nanswers:\n  width: 55\n")
    rows = {Path(r.source).name: r for r in grade_paths(load_all(), [str(tmp_path / "class")])}
    assert rows["alexnet.yaml"].exercise == "alexnet" and by_id(rows["alexnet.yaml"])["width"].status == "correct"
    assert "graded as 'alexnet'" in " ".join(rows["alexnet.yaml"].notes)
    assert "has no 'exercise:'" in rows["notes.yaml"].invalid


def load_all():
    return [load_exercise(path) for path in exercise_files(EXERCISES)]


@pytest.mark.parametrize("answers", [
    "  width:55\n  units: 290400\n",       # no space after one colon
    "  width:55\n",                           # ... the only answer: YAML reads 'answers' as one word
    "  width: 55\n\tunits: 290400\n",      # a tab where the other lines have spaces
])
def test_answers_a_ta_reads_past_a_slip_of_layout(answers, tmp_path):
    grade = Grader(ex("alexnet")).grade_file(write(tmp_path, "a.yaml", "exercise: alexnet\nanswers:\n" + answers))
    q = by_id(grade)
    assert q["width"].status == "correct" and q["width"].typed == "55", q["width"]
    assert "units" not in answers or q["units"].status == "correct"


def test_links_and_unreadable_folders_in_a_class_are_skipped_not_followed(tmp_path):
    """A student's upload may hold a link to /etc/passwd or to /: never read, never walked."""
    import os

    write(tmp_path, "class/ada/alexnet.yaml", "exercise: alexnet\nstudent: Ada\nanswers:\n  width: 55\n")
    os.symlink("/etc/passwd", tmp_path / "class/ada/passwd.yaml")
    os.symlink("/", tmp_path / "class/ada/root")
    os.symlink("/proc/1", tmp_path / "class/p")
    result = run("grade", EXERCISES / "alexnet.yaml", tmp_path / "class", "--json")
    rows = json.loads(result.stdout)
    assert [Path(r["file"]).name for r in rows] == ["alexnet.yaml"]
    result = run("grade", EXERCISES / "alexnet.yaml", tmp_path / "class", "--summary")
    assert "passwd.yaml (a link: not followed)" in result.output and "a link: not followed" in result.output
    assert result.exit_code == 0 and "proc" not in result.output.replace("/proc/1", "")  # / and /proc not walked


def test_an_output_never_replaces_an_input(tmp_path):
    answers = write(tmp_path, "ada.yaml", "exercise: alexnet\nanswers:\n  width: 55\n")
    before = answers.read_text()
    result = run("grade", EXERCISES / "alexnet.yaml", answers, "--csv", answers)
    assert result.exit_code == 2 and "is an input of this command" in result.output
    assert answers.read_text() == before
    matrix = write(tmp_path, "in.txt", "1 2\n3 4\n")
    result = run("conv", matrix, "1", "--out", matrix)
    assert result.exit_code == 2 and matrix.read_text() == "1 2\n3 4\n"
    for _ in range(2):  # an output written again is not an input
        assert run("conv", matrix, "1", "--json", "--out", tmp_path / "out.json").exit_code == 0
    result = run("grade", EXERCISES / "alexnet.yaml", answers, "--csv", "/dev/full")
    assert result.exit_code == 2 and "No space left on device" in result.output and "internal error" not in result.output


@pytest.mark.parametrize("answers", [
    "    width: 55\n\tunits: 290400\n    parameters: 34944\n    fully-connected: [1, 2\n",  # 4 spaces, a tab
    "    width: 55\n  units: 290400\n  parameters: 34944\n  fully-connected: [1, 2\n",     # 4, then 2
    "  width: 55\n  table: |\n    conv1: 55x55x96\n  units: 290400\n  parameters: 34944\n  fully-connected: [1, 2\n",
])
def test_a_broken_file_keeps_each_answer_under_its_own_id_however_it_is_indented(answers, tmp_path):
    grade = Grader(ex("alexnet")).grade_file(write(tmp_path, "a.yaml", "exercise: alexnet\nanswers:\n" + answers))
    q = by_id(grade)
    assert [q[i].status for i in ("width", "units", "parameters")] == ["correct"] * 3, [q[i] for i in q]
    assert "table" not in answers or q["table"].typed.strip() == "conv1: 55x55x96"


def test_brackets_nested_past_the_limit_are_refused_not_a_crash(tmp_path):
    """libyaml recursed per bracket and crashed the process (exit 139) at about 30,000: the whole batch."""
    deep = "[" * 50000 + "1" + "]" * 50000
    grade = Grader(ex("alexnet")).grade_file(write(tmp_path, "a.yaml", f"exercise: alexnet\nanswers:\n  units: {deep}\n"))
    assert "nested more than 64 deep" in grade.invalid
