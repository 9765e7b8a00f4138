"""examples/answers: a right, a wrong and a sloppy answer file for two exercises, graded as the
README says; and what the grading and export sections of the README leave behind (their commands run as written)."""

import re
import shlex
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.exercises.exercise import load_exercise
from cnncalc.grading.grader import grade_paths

# the module's fixtures are costly: one worker runs all of its tests (pytest-xdist --dist loadgroup)
pytestmark = pytest.mark.xdist_group("test_examples")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "answers"
EXERCISES = [load_exercise(ROOT / "exercises" / "alexnet.yaml"),
             load_exercise(ROOT / "exercises" / "lecture001-convolution.yaml")]


@pytest.fixture(scope="module")
def grades():
    graded = grade_paths(EXERCISES, [str(EXAMPLES)])
    return {(Path(g.source).parent.name, g.exercise): g for g in graded}


def statuses(grade):
    return {q.id: q.status for q in grade.questions}


def test_right_answers_earn_every_automatic_point(grades):
    for exercise in EXERCISES:
        grade = grades[("right", exercise.id)]
        assert grade.score == grade.max_score and not grade.notes, [q.feedback for q in grade.questions]
    assert statuses(grades[("right", "alexnet")])["table"] == "manual"


def test_feedback_says_each_thing_once(grades):
    """No 'correct: correct', no 'read as' twice over (defects issue 12 found in the feedback text)."""
    feedbacks = [q.feedback for g in grades.values() for q in g.questions]
    assert len(feedbacks) > 50
    for text in feedbacks:
        words = text.split(": ")
        assert all(a.strip() != b.strip() for a, b in zip(words, words[1:])), text
        assert text.count("read as") <= 1 and text.count("looks like:") <= 1, text


def test_wrong_answers_are_diagnosed(grades):
    alexnet = {q.id: q for q in grades[("wrong", "alexnet")].questions}
    assert "forgot the +1" in alexnet["width"].feedback
    assert "bias" in alexnet["parameters"].feedback and "bias" in alexnet["fully-connected"].feedback
    assert "channels" in alexnet["units"].feedback
    assert alexnet["total"].status == "wrong"  # the slide's 65M (the network has 62,378,344)
    assert "error carried forward" in alexnet["pool1-output"].feedback  # 26x26x96 follows from 54x54x96
    # pool1-parameters, pool2-output, conv4-output, pool3-output right; pool1-output carried forward;
    # half of parameters (2) and fully-connected (2) for the bias alone (the exercise's method marks)
    assert grades[("wrong", "alexnet")].score == 4 + 1 + 1 + 1
    lecture = {q.id: q for q in grades[("wrong", "lecture001-convolution")].questions}
    assert "not flipped" in lecture["true-convolution"].feedback
    assert lecture["true-convolution"].score == Fraction(3, 4)  # 40 is right by chance in the last cell
    assert lecture["max-pooling"].score == Fraction(3, 2) and lecture["avg-pooling"].score == Fraction(3, 2)
    assert "stride ignored" in lecture["output-size"].feedback


def test_sloppy_answers_are_read_as_students_mean_them(grades):
    alexnet = grades[("sloppy", "alexnet")]
    assert alexnet.score == alexnet.max_score  # 55 px, 290 400 units, 35K, (96, 55, 55), none, ~62M ...
    assert any("widht" in note and "graded as 'width'" in note for note in alexnet.notes)
    lecture = grades[("sloppy", "lecture001-convolution")]
    by_id = {q.id: q for q in lecture.questions}
    assert by_id["same-size"].status == "correct" and "pixel" in by_id["same-size"].feedback
    assert by_id["avg-pooling"].status == "correct" and "rounded" in by_id["avg-pooling"].feedback
    assert any("max-poolng" in note for note in lecture.notes)
    # unquoted in YAML, [15 30; 15 25] is a flow list holding one string: the slide's matrix notation
    assert by_id["max-pooling"].status == "correct" and by_id["max-pooling"].typed == "[15 30; 15 25]"
    assert lecture.score == 15


def _commands(section: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8").split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", text, re.S)
    return [line for block in blocks for line in block.splitlines() if line.startswith("cnncalc ")]


# every README command and --help example also runs in tests/test_documented_commands.py; this one checks
# what the grading and export sections leave behind
@pytest.mark.slow
@pytest.mark.parametrize("section", ["Grading (`cnncalc grade`)", "Exports for learning platforms"])
def test_readme_commands_run_as_written(section, tmp_path, monkeypatch):
    for name in ("exercises", "examples"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    commands = _commands(section)
    assert len(commands) >= 5
    for command in commands:
        args = shlex.split(command, comments=True)[1:]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, (command, result.output)
    if section.startswith("Exports"):
        assert {p.name for p in tmp_path.iterdir()} >= {"autograder.zip", "quiz.xml", "cnncalc-canvas-qti.zip",
                                                        "pl-course", "sheets"}
