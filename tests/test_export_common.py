"""What every export shares: per-student seeds from a roster, a reference as blanks
and decimals, the blank answer file, the bundled cnncalc, and the export command."""

import hashlib
import io
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.errors import InputError
from cnncalc.exercises.answers import Tolerance, round_significant
from cnncalc.exercises.exercise import exercise_files, load_exercise, parse_exercise
from cnncalc.exercises.solution import answer_inline
from cnncalc.export.bundle import build_wheel, pinned_requirements, wheel_name
from cnncalc.export.fields import decimal_answer, question_fields
from cnncalc.export.roster import parse_roster, read_roster, roster_csv, student_seed, variant
from cnncalc.export.template import answer_template
from cnncalc.grading.grader import Grader, read_submission
from tests.export_helpers import constant, typed_answer

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = [load_exercise(p) for p in exercise_files(ROOT / "exercises")]


def run(*args):
    return CliRunner().invoke(main, list(args))


# --------------------------------------------------------------------------- roster

def test_student_seed_is_sha256_of_base_and_key():
    digest = hashlib.sha256(b"7:ada@uni.edu").digest()
    assert student_seed(7, "ada@uni.edu") == int.from_bytes(digest[:8], "big") % 1_000_000_000
    assert student_seed(7, "  ADA@uni.edu ") == student_seed(7, "ada@uni.edu")
    assert student_seed(8, "ada@uni.edu") != student_seed(7, "ada@uni.edu")


@pytest.mark.parametrize("text, name, key", [
    ("Full Name,Email,SID\nAda Lovelace,ada@uni.edu,s1001\n", "Ada Lovelace", "s1001"),          # Gradescope
    ('Student,ID,SIS User ID\n"Lovelace, Ada",42,s1001\n', "Lovelace, Ada", "s1001"),             # Canvas
    ("First name;Surname;ID number;Email address\nAda;Lovelace;s1001;ada@uni.edu\n", "Ada Lovelace", "s1001"),  # Moodle
    ("name,email\nAda Lovelace,ada@uni.edu\n", "Ada Lovelace", "ada@uni.edu"),                     # e-mail only
])
def test_roster_headers_as_platforms_export_them(text, name, key):
    """The university's id (SID, SIS User ID, ID number) is the key; a platform's own user id matches too."""
    students = parse_roster(text, "r.csv", 3)
    assert [(s.name, s.key, s.seed) for s in students] == [(name, key, student_seed(3, key))]
    assert students[0].matches(["ADA@uni.edu"]) == ("ada@uni.edu" in text)
    assert students[0].matches(["42"]) == ("42" in text)


def test_roster_seed_column_wins_and_round_trips(tmp_path):
    students = parse_roster("name,sid,seed\nAda,s1,17\nAlan,s2,\n", "r.csv", 5)
    assert [s.seed for s in students] == [17, student_seed(5, "s2")]
    path = tmp_path / "again.csv"
    path.write_text(roster_csv(students), encoding="utf-8")
    assert [(s.name, s.key, s.seed) for s in read_roster(path, 999)] == [("Ada", "s1", 17), ("Alan", "s2", students[1].seed)]


@pytest.mark.parametrize("text, words", [
    ("name,colour\nAda,red\n", "no id or e-mail column"),
    ("name,sid\nAda,s1\nAlan,S1\n", "repeats the id"),
    ("name,sid,seed\nAda,s1,seven\n", "is not a whole number"),
    ("name,sid\n", "no students"),
    ("", "empty"),
    ("name,sid,email\nAda,,\n", "no id and no e-mail"),
])
def test_bad_rosters_get_one_line(text, words):
    with pytest.raises(InputError) as error:
        parse_roster(text, "r.csv", 1)
    assert words in str(error.value) and "\n" not in str(error.value)


# --------------------------------------------------------------------------- decimals

def accepted_by_cnncalc(exact: Fraction, typed: Fraction, tolerance: Tolerance = Tolerance(), unit: int = 1) -> bool:
    """The grader's rule, restated: the exact value, the tolerance, or a correct rounding of >= 3 figures;
    in the question's unit (133 for 133 million) or as the whole count."""
    for value in {exact, exact / unit}:
        if typed == value or (not tolerance.exact and tolerance.accepts(value, typed)):
            return True
        if any(round_significant(value, d) == typed for d in range(3, 30)):
            return True
    return False


@pytest.mark.parametrize("value, expected", [
    (Fraction(45), [("45", "0")]),
    (Fraction(45, 4), [("11.25", "0"), ("11.3", "0")]),            # 11.3 is 11.25 rounded to 3 figures
    (Fraction(874, 9), [("97.1", "0"), ("97.11", "0"), ("97.111", "0"), ("97.1111", "0"), ("97.11111", "0"),
                        ("97.111111", "0"), ("97.1111111", "0"), ("97.11111111", "0")]),
    (Fraction(-1, 8), [("-0.125", "0")]),
])
def test_decimal_answers_written_by_hand(value, expected):
    answer = decimal_answer(value)
    assert list(answer.pairs) == expected
    assert answer.exact == (value.denominator in (1, 4, 8))


def test_significant_figures_become_a_margin_around_the_rounded_value():
    answer = decimal_answer(Fraction(7, 3), Tolerance(significant=3))
    assert answer.pairs[0] == ("2.33", "0.005")
    answer = decimal_answer(Fraction(62378344), Tolerance(significant=2))
    assert ("62000000", "500000") in answer.pairs


def test_exact_questions_give_rounded_decimals_their_share_only():
    answer = decimal_answer(Fraction(874, 9), exact_only=True, rounded_credit=Fraction(1, 2))
    assert {a.credit for a in answer.alternatives} == {Fraction(1, 2)}
    assert decimal_answer(Fraction(874, 9), exact_only=True).alternatives == ()


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_every_decimal_a_platform_accepts_is_what_the_grader_accepts(exercise):
    """Every course exercise (a variant where it has them): each number a decimal-only platform
    takes is right for cnncalc, and the value itself (or its 3-figure rounding) is among them."""
    ex = variant(exercise, 11)
    for question, reference in zip(ex.questions, ex.references()):
        for field in question_fields(question, reference):
            if not hasattr(field, "tolerance"):
                continue
            answer = field.decimal()
            true_value = constant(field.constant) if field.constant is not None else Fraction(field.value)
            exact = true_value / question.unit
            if question.exact and not _terminating(exact):  # only the fraction earns full credit
                assert field.fraction_spellings()[0] == f"{exact.numerator}/{exact.denominator}"
                assert all(a.credit == question.rounded_credit for a in answer.alternatives)
                continue
            for accepted in answer.alternatives:
                low = Fraction(accepted.value) - Fraction(accepted.margin)
                high = Fraction(accepted.value) + Fraction(accepted.margin)
                for typed in (low, Fraction(accepted.value), high):
                    if Fraction(accepted.margin) == 0 or question.tolerance.significant is None:
                        assert accepted_by_cnncalc(true_value, typed, question.tolerance,
                                                   question.unit), (question.id, typed)
            exact = true_value / question.unit  # as the question asks for it
            ends = field.constant is None and exact.denominator in _terminating(exact)
            target = exact if ends else round_significant(exact, 3)
            assert any(abs(target - Fraction(a.value)) <= Fraction(a.margin) for a in answer.alternatives)
            wrong = true_value + question.unit + 2 * max(Fraction(a.margin) for a in answer.alternatives)
            assert not any(abs(wrong - Fraction(a.value)) <= Fraction(a.margin) for a in answer.alternatives)


def _terminating(value: Fraction) -> set:
    q = value.denominator
    for p in (2, 5):
        while q % p == 0:
            q //= p
    return {value.denominator} if q == 1 else set()


def test_fields_of_a_matrix_shape_and_formula():
    lecture003 = next(e for e in EXERCISES if e.id == "lecture003-convolutional-layers")
    fields = {q.id: question_fields(q, r) for q, r in zip(lecture003.questions, lecture003.references())}
    mean = fields["mean-filter"]
    assert len(mean) == 64 and sum(f.points for f in mean) == 3
    assert (mean[0].label, mean[0].value) == ("row 1, column 1", Fraction(1018, 9))  # the course's first ninth
    assert fields["shrink"][0].accepted[0] == "H - 2"
    alexnet = next(e for e in EXERCISES if e.id == "alexnet")
    conv1 = question_fields(alexnet.questions[5], alexnet.references()[5])
    assert [(f.label, f.value) for f in conv1] == [("height", 55), ("width", 55), ("channels", 96)]


# --------------------------------------------------------------------------- the blank answer file

@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_template_lists_every_question_and_grades_as_missing_then_right(exercise, tmp_path):
    seed = 5 if exercise.variants else None
    ex = variant(exercise, seed)
    text = answer_template(ex, seed)
    path = tmp_path / "blank.yaml"
    path.write_text(text, encoding="utf-8")
    blank = read_submission(str(path))
    assert blank.exercise == exercise.id and blank.seed == seed
    assert list(blank.answers) == [q.id for q in ex.questions]
    graded = Grader(exercise).grade(blank.answers, "s", str(path), seed)
    assert {q.status for q in graded.questions} <= {"missing", "manual"}
    filled = yaml.safe_load(text)
    filled["answers"] = {q.id: typed_answer(r) for q, r in zip(ex.questions, ex.references())}
    path.write_text(yaml.safe_dump(filled), encoding="utf-8")
    submission = read_submission(str(path))
    graded = Grader(exercise).grade(submission.answers, "s", str(path), submission.seed)
    assert graded.score == graded.max_score, [(q.id, q.feedback) for q in graded.questions if q.status != "correct"]


def test_template_shows_the_form_not_the_answer():
    lecture001 = next(e for e in EXERCISES if e.id == "lecture001-convolution")
    text = answer_template(variant(lecture001, 7), 7)
    assert "seed: 7" in text and "exercise: lecture001-convolution" in text
    assert 'a 2x2 matrix, rows split by \';\', e.g. "1 2; 3 4"' in text
    truth = answer_inline(variant(lecture001, 7).references()[0])
    assert truth not in text


def test_grade_template_command(tmp_path):
    result = run("grade", "--template", str(ROOT / "exercises" / "lecture001-convolution.yaml"), "--seed", "7")
    lecture001 = next(e for e in EXERCISES if e.id == "lecture001-convolution")
    assert result.exit_code == 0 and result.output == answer_template(variant(lecture001, 7), 7)
    out = tmp_path / "answers.yaml"
    result = run("grade", "--template", str(ROOT / "exercises" / "alexnet.yaml"), "--out", str(out))
    assert result.exit_code == 0 and out.read_text().startswith("# Answer file for")
    result = run("grade", "--template", str(ROOT / "exercises" / "alexnet.yaml"), "--seed", "3")
    assert result.exit_code == 2 and "has no 'variants:'" in result.output
    result = run("grade", str(ROOT / "exercises" / "alexnet.yaml"))
    assert result.exit_code == 2 and "ANSWERS" in result.output


# --------------------------------------------------------------------------- the bundled cnncalc

def test_wheel_holds_this_cnncalc_and_is_reproducible():
    import cnncalc

    data = build_wheel()
    assert data == build_wheel()
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert wheel_name() == f"cnncalc-{cnncalc.__version__}-py3-none-any.whl"
    assert "cnncalc/export/gradescope.py" in names and not any("__pycache__" in n for n in names)
    source = (Path(cnncalc.__file__).parent / "grading" / "grader.py").read_bytes()
    assert archive.read("cnncalc/grading/grader.py") == source
    record = archive.read(f"cnncalc-{cnncalc.__version__}.dist-info/RECORD").decode()
    line = next(r for r in record.splitlines() if r.startswith("cnncalc/grading/grader.py,"))
    import base64
    assert line.split(",")[1] == "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(source).digest()).rstrip(b"=").decode()


def test_pins_are_the_installed_versions():
    from importlib import metadata

    pins = pinned_requirements()
    for name in ("numpy", "sympy", "PyYAML", "click", "rich", "mpmath"):
        assert f"{name}=={metadata.version(name)}" in pins.lines
    assert not any(line.startswith("torch") for line in pins.lines)
    assert pins.python >= (3, 10)


# --------------------------------------------------------------------------- the command and the layering

def test_export_errors_are_one_line(tmp_path):
    exercise = str(ROOT / "exercises" / "alexnet.yaml")
    cases = [
        (["export", "sheets", exercise], "give --roster"),
        (["export", "moodle", exercise, "--variants", "0"], "at least 1 variant"),
        (["export", "gradescope", exercise, "--variants", "3"], "--variants belongs to moodle and canvas"),
        (["export", "moodle", exercise, "--out", str(tmp_path / "no" / "such" / "q.xml")], "does not exist"),
        (["export", "canvas", exercise, exercise], "given twice"),
        (["export", "sheets", exercise, "--roster", str(tmp_path / "none.csv")], "no such file"),
    ]
    for args, words in cases:
        result = run(*args)
        assert result.exit_code == 2 and words in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_only_the_command_line_imports_the_exports():
    import ast

    offenders = []
    for path in (ROOT / "cnncalc").rglob("*.py"):
        relative = path.relative_to(ROOT / "cnncalc").parts
        if relative[0] in ("export", "cli"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and "export" in node.module.split("."):
                offenders.append(str(path))
    assert not offenders


def test_visibility_is_checked_when_an_exercise_loads():
    base = "id: v\ntitle: t\nquestions:\n  - id: q\n    compute: {same_padding: {kernel: 3}}\n"
    assert parse_exercise(base + "    visibility: after_due_date\n").questions[0].visibility == "after_due_date"
    assert parse_exercise(base).questions[0].visibility == "visible"
    with pytest.raises(Exception) as error:
        parse_exercise(base + "    visibility: later\n")
    assert "after_due_date" in str(error.value)
