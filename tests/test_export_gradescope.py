"""The Gradescope autograder: the zip, and results.json checked against Gradescope's
published specification (https://gradescope-autograders.readthedocs.io/en/latest/specs/,
/submission_metadata/), with submissions laid out in a root as Gradescope lays them out."""

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from cnncalc.exercises.exercise import exercise_files, load_exercise
from cnncalc.export.gradescope import build_autograder, run_autograder
from cnncalc.export.roster import read_roster, student_seed, variant
from tests.export_helpers import typed_answer

# the module's fixtures are costly: one worker runs all of its tests (pytest-xdist --dist loadgroup)
pytestmark = pytest.mark.xdist_group("test_export_gradescope")

ROOT = Path(__file__).resolve().parent.parent
BASE_SEED = 2026

# The published results.json format: every key Gradescope documents, and the values it allows.
TOP_KEYS = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
            "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
TEST_KEYS = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags",
             "visibility", "extra_data"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}

HIDDEN_DEMO = """\
id: hidden-demo
title: Output sizes, one shown after the due date
given: {N: 7}
questions:
  - id: size
    prompt: Output size of a 3x3 filter on a {N}x{N} input?
    compute: {output_size: {n: N, kernel: 3}}
  - id: padded
    prompt: And with padding 1?
    visibility: after_due_date
    compute: {output_size: {n: N, kernel: 3, padding: 1}}
variants:
  N: {range: [5, 12]}
"""

ROSTER = """\
Full Name,Email,SID
Ada Lovelace,ada@uni.edu,s1001
Alan Turing,alan@uni.edu,s1002
Grace Hopper,grace@uni.edu,s1003
"""


def check_results(results: dict) -> None:
    """results.json as the specification describes it: known keys, their types, the score the sum of the tests."""
    assert set(results) <= TOP_KEYS, set(results) - TOP_KEYS
    assert isinstance(results["score"], (int, float)) and not isinstance(results["score"], bool)
    assert isinstance(results.get("output", ""), str)
    assert results.get("output_format", "text") in FORMATS
    assert results.get("test_output_format", "text") in FORMATS
    assert isinstance(results["tests"], list)
    numbers = []
    for test in results["tests"]:
        assert set(test) <= TEST_KEYS, set(test) - TEST_KEYS
        for key in ("score", "max_score"):
            assert isinstance(test[key], (int, float)) and not isinstance(test[key], bool)
        assert 0 <= test["score"] <= test["max_score"] or test["max_score"] == 0
        assert test["status"] in {"passed", "failed"}
        assert isinstance(test["name"], str) and isinstance(test["number"], str) and isinstance(test["output"], str)
        assert test["output_format"] in FORMATS and test["visibility"] in VISIBILITIES
        numbers.append(test["number"])
    assert len(set(numbers)) == len(numbers)
    if results["tests"]:
        assert abs(results["score"] - sum(t["score"] for t in results["tests"])) < 1e-9


@pytest.fixture(scope="module")
def exercises(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exercises")
    (folder / "hidden-demo.yaml").write_text(HIDDEN_DEMO, encoding="utf-8")
    return [load_exercise(ROOT / "exercises" / "lecture001-convolution.yaml"),
            load_exercise(ROOT / "exercises" / "alexnet.yaml"), load_exercise(folder / "hidden-demo.yaml")]


@pytest.fixture(scope="module")
def autograder(exercises, tmp_path_factory):
    folder = tmp_path_factory.mktemp("zip")
    roster = folder / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    written = build_autograder(exercises, BASE_SEED, read_roster(roster, BASE_SEED), folder / "autograder.zip")
    assert any("after_due_date" in note for note in written.notes)
    return folder / "autograder.zip"


def lay_out(zip_path: Path, root: Path) -> Path:
    """An /autograder folder as Gradescope builds it: the zip in source/, run_autograder copied up."""
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():  # extractall drops the permissions a zip carries
            mode = info.external_attr >> 16
            if mode:
                os.chmod(root / "source" / info.filename, mode & 0o777)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    return root


def submit(root: Path, user: dict, files: dict) -> None:
    shutil.rmtree(root / "submission")
    (root / "submission").mkdir()
    for name, text in files.items():
        path = root / "submission" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    metadata = {"id": 123456, "created_at": "2026-07-01T14:22:32.365935-07:00",
                "assignment": {"due_date": "2026-07-31T23:00:00.000000-07:00", "group_size": None,
                               "group_submission": False, "id": 25828, "course_id": 1234, "late_due_date": None,
                               "release_date": "2026-07-02T00:00:00.000000-07:00", "title": "Convolutions",
                               "total_points": "36.0"},
                "submission_method": "upload", "users": [user], "previous_submissions": []}
    (root / "submission_metadata.json").write_text(json.dumps(metadata), encoding="utf-8")


def right_file(exercise, seed) -> str:
    ex = variant(exercise, seed)
    answers = {q.id: typed_answer(r) for q, r in zip(ex.questions, ex.references()) if not q.manual}
    return yaml.safe_dump({"exercise": exercise.id, "answers": answers}, sort_keys=False)


def test_zip_layout(autograder):
    with zipfile.ZipFile(autograder) as archive:
        names = set(archive.namelist())
        assert {"setup.sh", "run_autograder", "requirements.txt", "config.json", "roster.csv"} <= names
        assert any(n.startswith("cnncalc-") and n.endswith("-py3-none-any.whl") for n in names)
        for script in ("setup.sh", "run_autograder"):
            assert (archive.getinfo(script).external_attr >> 16) & stat.S_IXUSR
        config = json.loads(archive.read("config.json"))
        assert config["base_seed"] == BASE_SEED and config["roster"] == "roster.csv"
        assert archive.read("exercises/alexnet.yaml") == (ROOT / "exercises" / "alexnet.yaml").read_bytes()
        requirements = archive.read("requirements.txt").decode()
        assert all("==" in line for line in requirements.splitlines())


def test_three_students_graded_as_the_specification_says(autograder, exercises, tmp_path):
    lecture001, alexnet, hidden = exercises
    root = lay_out(autograder, tmp_path / "autograder")
    ada_seed = student_seed(BASE_SEED, "s1001")  # the roster's id, as the sheets use it

    # Ada: everything right for her variant; her file names no seed
    submit(root, {"email": "ada@uni.edu", "id": 1, "name": "Ada Lovelace"}, {
        "lecture001.yaml": right_file(lecture001, ada_seed),
        "alexnet.yaml": (ROOT / "examples" / "answers" / "right" / "alexnet.yaml").read_text(),
        "work/hidden.yaml": right_file(hidden, ada_seed), "working.pdf": b"%PDF-1.4"})
    results = run_autograder(root)
    assert json.loads((root / "results" / "results.json").read_text()) == results
    check_results(results)
    automatic = sum(ex.max_score for ex in exercises)
    assert results["score"] == automatic == 15 + 19 + 2
    assert results["extra_data"]["seeds"] == {"lecture001-convolution": ada_seed, "alexnet": None,
                                             "hidden-demo": ada_seed}
    tests = results["tests"]
    assert len(tests) == sum(len(ex.questions) for ex in exercises)
    assert sum(t["max_score"] for t in tests) == automatic  # the manual table counts 0 automatic points
    assert tests[0]["number"] == "1.1" and tests[0]["name"] == "lecture001-convolution: true-convolution"
    assert {t["name"]: t["visibility"] for t in tests}["hidden-demo: padded"] == "after_due_date"
    assert all(t["status"] == "passed" for t in tests)
    given = variant(lecture001, ada_seed).givens["i"]
    from cnncalc.exercises.prompts import given_text
    assert given_text(given) in results["output"]  # her numbers, so a first submission shows them

    # Alan: the usual mistakes, and a file that claims another variant
    alan_seed = student_seed(BASE_SEED, "s1002")
    lecture = yaml.safe_load(right_file(lecture001, alan_seed))
    lecture["seed"] = 999
    submit(root, {"email": "ALAN@uni.edu", "id": 2, "name": "Alan Turing"}, {
        "a.yaml": yaml.safe_dump(lecture),
        "b.yaml": (ROOT / "examples" / "answers" / "wrong" / "alexnet.yaml").read_text()})
    results = run_autograder(root)
    check_results(results)
    by_name = {t["name"]: t for t in results["tests"]}
    assert "your file says seed 999" in results["output"] and results["extra_data"]["seeds"]["hidden-demo"] == alan_seed
    assert by_name["alexnet: width"]["score"] == 0 and "forgot the +1" in by_name["alexnet: width"]["output"]
    assert by_name["alexnet: parameters"]["status"] == "failed" and "bias" in by_name["alexnet: parameters"]["output"]
    assert all(by_name[f"lecture001-convolution: {q.id}"]["status"] == "passed" for q in lecture001.questions)
    assert all(by_name[f"hidden-demo: {q.id}"]["score"] == 0 for q in hidden.questions)
    assert "no answer file for exercise 'hidden-demo'" in by_name["hidden-demo: size"]["output"] + results["output"]
    assert results["score"] == 15 + 7  # the wrong alexnet file earns 7 (tests/test_examples.py)

    # Grace: one sloppy file, one file that is not YAML at all
    submit(root, {"email": "grace@uni.edu", "id": 3, "name": "Grace Hopper"}, {
        "alexnet.yaml": (ROOT / "examples" / "answers" / "sloppy" / "alexnet.yaml").read_text(),
        "broken.yaml": b"\xff\xfe\x00binary"})
    results = run_autograder(root)
    check_results(results)
    assert results["score"] == 19
    assert "could not read broken.yaml" in results["output"]

    # Eve is not on the roster: no variant to grade against, and she is told why
    submit(root, {"email": "eve@uni.edu", "id": 4, "name": "Eve"}, {"a.yaml": right_file(lecture001, 1)})
    results = run_autograder(root)
    check_results(results)
    assert results["score"] == 0 and results["tests"] == [] and "not on the roster" in results["output"]


def test_without_a_roster_the_seed_comes_from_the_gradescope_user_id(exercises, tmp_path):
    lecture001 = exercises[0]
    build_autograder([lecture001], 5, None, tmp_path / "a.zip")
    root = lay_out(tmp_path / "a.zip", tmp_path / "autograder")
    seed = student_seed(5, "1234")
    submit(root, {"email": "ada@uni.edu", "id": 1234, "name": "Ada"}, {"x.yaml": right_file(lecture001, seed)})
    results = run_autograder(root)
    check_results(results)
    assert results["score"] == 15 and results["extra_data"]["seeds"] == {"lecture001-convolution": seed}
    assert [t["number"] for t in results["tests"][:2]] == ["1", "2"]  # one exercise: plain numbers


@pytest.mark.slow
def test_setup_and_run_autograder_scripts(autograder, exercises, tmp_path):
    """setup.sh installs the wheel and the pinned requirements into a virtual environment (offline:
    PIP_NO_INDEX, the pinned versions are installed here), run_autograder grades with that copy."""
    root = lay_out(autograder, tmp_path / "autograder")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(CNNCALC_AUTOGRADER_ROOT=str(root), PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               CNNCALC_PYTHON=sys.executable)
    setup = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env, capture_output=True, text=True,
                           timeout=600)
    missing = re.search(r"No matching distribution found for (\S+)", setup.stdout + setup.stderr)
    if setup.returncode and missing:  # a fresh virtual environment may hold versions this machine has no wheel of
        pytest.skip(f"{missing.group(1)}, pinned from this environment, has no wheel on this machine to install "
                    "offline; the test needs this environment's packages as local wheels (pip's find-links)")
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    assert f"from {root / 'cnncalc-venv'}" in setup.stdout  # the wheel's cnncalc, not this checkout's
    lecture001, alexnet, hidden = exercises
    students = [("ada@uni.edu", "s1001", True), ("alan@uni.edu", "s1002", False), ("grace@uni.edu", "s1003", True)]
    scores = []
    for email, sid, right in students:
        seed = student_seed(BASE_SEED, sid)
        files = {"alexnet.yaml": (ROOT / "examples" / "answers" / ("right" if right else "wrong") / "alexnet.yaml")
                 .read_text(), "lecture.yaml": right_file(lecture001, seed), "hidden.yaml": right_file(hidden, seed)}
        submit(root, {"email": email, "id": 7, "name": sid}, files)
        run = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True,
                             timeout=300, cwd=root)
        assert run.returncode == 0, run.stderr[-3000:]
        results = json.loads((root / "results" / "results.json").read_text())
        check_results(results)
        assert results["extra_data"]["seeds"]["lecture001-convolution"] == seed
        scores.append(results["score"])
    assert scores == [36, 15 + 7 + 2, 36]


@pytest.mark.slow  # builds a wheel and grades ten exercises (about 10 s)
def test_every_course_exercise_in_one_autograder_gives_right_answers_full_marks(tmp_path):
    """The whole course in one zip: a student who submits every exercise's right answers (her own
    variants) earns every automatic point, and each hand-graded question is shown, worth 0 here."""
    course = [load_exercise(path) for path in exercise_files(ROOT / "exercises")]
    assert len(course) == 10
    build_autograder(course, 11, None, tmp_path / "course.zip")
    root = lay_out(tmp_path / "course.zip", tmp_path / "autograder")
    seed = student_seed(11, "77")
    submit(root, {"email": "ada@uni.edu", "id": 77, "name": "Ada"},
           {f"{exercise.id}.yaml": right_file(exercise, seed) for exercise in course})
    results = run_autograder(root)
    check_results(results)
    assert results["score"] == sum(exercise.max_score for exercise in course)
    manual = {f"{exercise.id}: {q.id}" for exercise in course for q in exercise.questions if q.manual}
    assert manual and all(t["max_score"] == 0 for t in results["tests"] if t["name"] in manual)
    assert all(t["score"] == t["max_score"] for t in results["tests"])
