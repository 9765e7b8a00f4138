"""Moodle XML, Canvas QTI, PrairieLearn questions and printable sheets for every course
exercise: each file is parsed as its platform reads it, and every blank is checked against
the engine's references of that variant (never against the export's own bookkeeping)."""

import html
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from cnncalc.cli import main
from cnncalc.exercises.answers import round_significant
from cnncalc.exercises.exercise import exercise_files, load_exercise
from cnncalc.exercises.solution import answer_inline
from cnncalc.export.canvas import canvas_zip
from cnncalc.export.moodle import moodle_xml
from cnncalc.export.prairielearn import pl_seed
from cnncalc.export.roster import parse_roster, variant
from cnncalc.export.sheets import write_sheets
from cnncalc.render import format_value
from tests.export_helpers import constant, typed_answer, typed_value

# the module's fixtures are costly: one worker runs all of its tests (pytest-xdist --dist loadgroup)
pytestmark = pytest.mark.xdist_group("test_export_platforms")

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = [load_exercise(p) for p in exercise_files(ROOT / "exercises")]
SEEDS = [3, 4]


def _ends(value: Fraction) -> bool:
    q = Fraction(value).denominator
    for p in (2, 5):
        while q % p == 0:
            q //= p
    return q == 1


def _number_kind(question, value) -> str:
    """An exact question whose value has no finite decimal is asked as a fraction, typed as text."""
    if constant(value) is not None:
        return "number"
    return "fraction" if question.exact and not _ends(Fraction(value) / question.unit) else "number"


def _numeric(value) -> bool:
    return isinstance(value, (int, Fraction)) or constant(value) is not None


def expected_blanks(exercise) -> list[tuple]:
    """What a quiz must ask for, from the references alone: (question, kind, exact value, points share)."""
    out = []
    for q, ref in zip(exercise.questions, exercise.references()):
        if q.manual:
            continue
        if ref.kind == "matrix":
            values = ref.value.reduced().values().reshape(-1)
            out += [(q, _number_kind(q, v) if _numeric(v) else "text", v, q.points / len(values)) for v in values]
        elif ref.kind == "shape":
            out += [(q, "number", size, q.points / len(ref.value)) for size in ref.value]
        elif ref.kind in ("number", "formula") and _numeric(ref.value):
            out.append((q, _number_kind(q, ref.value), ref.value, q.points))
        else:
            out.append((q, "text", ref.value, q.points))
    return out


def right_for_cnncalc(exact: Fraction, typed: Fraction, question) -> bool:
    """The grader's rule restated: exact, within the tolerance, or a correct rounding of >= 3 figures;
    in the question's unit (133 for 133 million) or as the whole count."""
    for value in {exact, exact / question.unit}:
        if typed == value or (not question.tolerance.exact and question.tolerance.accepts(value, typed)):
            return True
        if value.denominator != 1 and any(round_significant(value, d) == typed for d in range(3, 30)):
            return True
    return False


def check_numeric(exact, intervals, question) -> None:
    """The platform's full-credit answers: the value as asked (in the question's unit; or its 3-figure
    rounding) among them, and each of them right for cnncalc."""
    irrational = constant(exact) is not None
    exact = constant(exact) if irrational else Fraction(exact)
    for low, high in intervals:
        if low == high:
            assert right_for_cnncalc(exact, low, question), (question.id, exact, low)
        else:
            assert any(question.tolerance.accepts(v, (low + high) / 2) for v in {exact, exact / question.unit}), \
                (question.id, exact, low, high)
    exact = exact / question.unit
    target = exact if _ends(exact) and not irrational else round_significant(exact, 3)
    assert any(low <= target <= high for low, high in intervals), (question.id, exact, intervals)


# --------------------------------------------------------------------------- Moodle

# Moodle's own Cloze grammar (question/type/multianswer/questiontype.php), in Python
_FRACTION = r"=|%(-?[0-9]+)%"
_ANSWER = r".+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)"
_FEEDBACK = r".*?(?<!\\)(?=[~}]|$)"
_ALTERNATIVE = f"({_FRACTION})?({_ANSWER})(#({_FEEDBACK}))?"
_NUMBER = r"-?(([0-9]+[.,]?[0-9]*|[.,][0-9]+)([eE][-+]?[0-9]+)?)"
_NUMERICAL = re.compile(f"^({_NUMBER})(:{_NUMBER})?$")
_TYPES = r"(NUMERICAL|NM)|(MULTICHOICE|MC)|(MULTICHOICE_V|MCV)|(MULTICHOICE_H|MCH)|(SHORTANSWER|SA|MW)|(SHORTANSWER_C|SAC|MWC)"
_BLANK = re.compile(r"\{([0-9]*):(" + _TYPES + "):(" + _ALTERNATIVE + "(~" + _ALTERNATIVE + r")*)\}", re.S)


def cloze_blanks(text: str) -> list[dict]:
    """Every blank of a Cloze question text: weight, type and alternatives (credit %, answer, margin)."""
    blanks = []
    for match in _BLANK.finditer(text):
        kind = "NUMERICAL" if match.group(3) else "SHORTANSWER" if match.group(7) else "MULTICHOICE"
        rest, alternatives = match.group(9), []
        while rest:
            alt = re.match("~?" + _ALTERNATIVE, rest, re.S)
            credit = 100 if alt.group(1) == "=" else int(alt.group(2)) if alt.group(2) else 0
            answer = html.unescape(alt.group(3)).replace("\\}", "}").replace("\\#", "#")
            if kind == "NUMERICAL":
                number = _NUMERICAL.match(answer)
                alternatives.append((credit, Fraction(number.group(1)), Fraction(number.group(6) or 0)))
            else:
                alternatives.append((credit, answer, None))
            rest = rest[len(alt.group(0)):]
        blanks.append({"weight": int(match.group(1) or 1), "type": kind, "alternatives": alternatives})
    return blanks


@pytest.fixture(scope="module")
def moodle():
    text, notes = moodle_xml(EXERCISES, SEEDS)
    return ET.fromstring(text.encode("utf-8")), notes


def test_moodle_categories_and_one_cloze_per_variant(moodle):
    quiz, _ = moodle
    categories = [q.find("category/text").text for q in quiz if q.get("type") == "category"]
    assert categories == [f"$course$/top/cnncalc/{ex.id}" for ex in EXERCISES]
    idnumbers = [q.find("idnumber").text for q in quiz if q.get("type") == "cloze"]
    expected = [ex.id + (f"-seed{s}" if ex.variants else "") for ex in EXERCISES
                for s in (SEEDS if ex.variants else [None])]
    assert idnumbers == expected
    essays = [q.find("name/text").text for q in quiz if q.get("type") == "essay"]
    assert essays == ["alexnet: table", "programming-task: table"]


def test_every_moodle_blank_against_the_engine(moodle):
    quiz, _ = moodle
    by_id = {ex.id: ex for ex in EXERCISES}
    clozes = [q for q in quiz if q.get("type") == "cloze"]
    for cloze in clozes:
        exercise_id, _, seed = cloze.find("idnumber").text.partition("-seed")
        exercise = variant(by_id[exercise_id], int(seed) if seed else None)
        blanks = cloze_blanks(cloze.find("questiontext/text").text)
        expected = expected_blanks(exercise)
        assert len(blanks) == len(expected), exercise.id
        total_weight = sum(b["weight"] for b in blanks)
        automatic = sum((points for _, _, _, points in expected), Fraction(0))
        for blank, (question, kind, value, points) in zip(blanks, expected):
            assert Fraction(blank["weight"], total_weight) == points / automatic, question.id
            if kind == "number":
                assert blank["type"] == "NUMERICAL"
                check_numeric(value, [(v - m, v + m) for credit, v, m in blank["alternatives"] if credit == 100],
                              question)
            elif kind == "fraction":
                assert blank["type"] == "SHORTANSWER"
                exact = Fraction(value) / question.unit
                assert [a for credit, a, _ in blank["alternatives"] if credit == 100][0] == \
                    f"{exact.numerator}/{exact.denominator}"
            else:
                assert blank["type"] == "SHORTANSWER"
                accepted = [a for credit, a, _ in blank["alternatives"] if credit == 100]
                shown = format_value(value) if not isinstance(value, str) else value
                assert shown.replace("*", "\\*") in accepted, (question.id, accepted)
        assert "Answer" in cloze.find("generalfeedback/text").text  # the worked solution


def test_moodle_text_blanks_match_what_cnncalc_accepts(moodle):
    """Every phrase a text blank takes for full marks is one cnncalc grades right."""
    from cnncalc.grading.grader import Grader

    quiz, _ = moodle
    sheet_exercise = next(e for e in EXERCISES if e.id == "sheet-q1-convolution")
    sheet = next(q for q in quiz if q.get("type") == "cloze" and q.find("idnumber").text == "sheet-q1-convolution-seed3")
    blanks = [b for b in cloze_blanks(sheet.find("questiontext/text").text) if b["type"] == "SHORTANSWER"]
    f1 = blanks[0]["alternatives"]
    assert (100, "thin horizontal line", None) in f1 and (100, "horizontal line", None) in f1
    grader = Grader(sheet_exercise)
    for question_id, blank in zip(("f1", "f2", "f3"), blanks):
        for credit, phrase, _ in blank["alternatives"]:
            graded = {q.id: q for q in grader.grade({question_id: phrase}, "s", "", 3).questions}[question_id]
            assert credit < 100 or graded.status == "correct", (question_id, phrase, graded.feedback)


def test_moodle_notes_name_what_it_cannot_hold(moodle):
    _, notes = moodle
    text = "\n".join(notes)
    assert "lecture003-convolutional-layers/window-of-the-slide" in text  # 874/9
    assert "exact fractions (exact: true questions)" in text and "/mean-filter" in text
    assert "mnist-models/fc_params" in text  # 795*H + 10: a formula
    assert "lecture001-convolution" not in text  # its values all have finite decimals


# --------------------------------------------------------------------------- Canvas

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


def _meta(item, label):
    for field in item.iter(f"{QTI}qtimetadatafield"):
        if field.find(f"{QTI}fieldlabel").text == label:
            return field.find(f"{QTI}fieldentry").text


@pytest.fixture(scope="module")
def canvas():
    data, notes = canvas_zip(EXERCISES, SEEDS)
    return zipfile.ZipFile(io.BytesIO(data)), notes


def test_canvas_manifest_lists_a_quiz_per_variant(canvas):
    archive, _ = canvas
    manifest = ET.fromstring(archive.read("imsmanifest.xml"))
    ns = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
    qti = [r for r in manifest.iter(f"{ns}resource") if r.get("type") == "imsqti_xmlv1p2"]
    assert len(qti) == sum(len(SEEDS) if ex.variants else 1 for ex in EXERCISES)
    for resource in qti:
        href = resource.find(f"{ns}file").get("href")
        assert href in archive.namelist()
        assert f"{resource.get('identifier')}/assessment_meta.xml" in archive.namelist()


def test_every_canvas_item_against_the_engine(canvas):
    archive, _ = canvas
    by_ident = {}
    for ex in EXERCISES:
        for seed in (SEEDS if ex.variants else [None]):
            ident = re.sub(r"[^A-Za-z0-9_]+", "_", f"cnncalc_{ex.id}" + (f"_seed{seed}" if seed else ""))
            by_ident[ident] = variant(ex, seed)
    for ident, exercise in by_ident.items():
        root = ET.fromstring(archive.read(f"{ident}/{ident}.xml"))
        items = [i for i in root.iter(f"{QTI}item") if _meta(i, "question_type") != "text_only_question"]
        graded = [i for i in items if _meta(i, "question_type") != "essay_question"]
        expected = expected_blanks(exercise)
        assert len(graded) == len(expected), ident
        per_question: dict[str, Fraction] = {}
        for item, (question, kind, value, _points) in zip(graded, expected):
            per_question[question.id] = per_question.get(question.id, Fraction(0)) + Fraction(_meta(item, "points_possible"))
            if kind == "number":
                assert _meta(item, "question_type") == "numerical_question"
                intervals = []
                for condition in item.iter(f"{QTI}respcondition"):
                    either = condition.find(f"{QTI}conditionvar/{QTI}or")
                    if either is None:
                        continue
                    assert condition.find(f"{QTI}setvar").text == "100"
                    low = Fraction(either.find(f"{QTI}and/{QTI}vargte").text)
                    high = Fraction(either.find(f"{QTI}and/{QTI}varlte").text)
                    assert low <= Fraction(either.find(f"{QTI}varequal").text) <= high
                    intervals.append((low, high))
                check_numeric(value, intervals, question)
            elif kind == "fraction":
                exact = Fraction(value) / question.unit
                assert _meta(item, "question_type") == "short_answer_question"
                assert f"{exact.numerator}/{exact.denominator}" in [v.text for v in item.iter(f"{QTI}varequal")]
            else:
                accepted = [v.text for v in item.iter(f"{QTI}varequal")]
                shown = format_value(value) if not isinstance(value, str) else value
                assert shown in accepted, (question.id, accepted)
        for question in exercise.questions:
            if not question.manual:
                assert per_question[question.id] == question.points, (ident, question.id)  # exact, with remainders
        meta = ET.fromstring(archive.read(f"{ident}/assessment_meta.xml"))
        points = Fraction(meta.find("{http://canvas.instructure.com/xsd/cccv1p0}points_possible").text)
        assert points == exercise.max_score + exercise.manual_points


def test_canvas_notes(canvas):
    _, notes = canvas
    text = "\n".join(notes)
    assert "mnist-models/ratio" in text and "sheet-q1-convolution/f1" in text and "lecture001-convolution/padding" in text
    assert "lecture003-convolutional-layers/mean-filter" in text  # exact ninths: a fraction typed as text


# --------------------------------------------------------------------------- PrairieLearn

PL_SCRIPT = r'''
import importlib.util, json, os, sys
course, cases = sys.argv[1], json.loads(sys.stdin.read())
sys.path.insert(0, os.path.join(course, "serverFilesCourse"))
out = []
for case in cases:
    folder = os.path.join(course, "questions", "cnncalc", case["exercise"])
    os.chdir(folder)
    spec = importlib.util.spec_from_file_location("server_" + case["exercise"].replace("-", "_"), "server.py")
    server = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(server)
    data = {"params": {}, "correct_answers": {}, "submitted_answers": {}, "format_errors": {}, "partial_scores": {},
            "score": 0, "feedback": {}, "variant_seed": case["variant_seed"], "options": {"question_path": folder},
            "raw_submitted_answers": {}, "editable": True, "panel": "question", "extensions": {},
            "num_valid_submissions": 0, "manual_grading": False, "answers_names": {}}
    server.generate(data)
    generated = json.loads(json.dumps(data))
    results = []
    for raw in case["submissions"]:
        data["raw_submitted_answers"] = raw
        # as the elements leave them: one entry per element, scored by a float comparison that cnncalc replaces
        data["partial_scores"] = {name: {"score": 0, "weight": 1} for name in data["correct_answers"]}
        data["feedback"] = {}
        server.grade(data)
        results.append({"score": data["score"], "partial_scores": data["partial_scores"], "feedback": data["feedback"]})
    out.append({"generated": generated, "results": results})
import cnncalc, yaml
print(json.dumps({"cases": out, "cnncalc": cnncalc.__file__, "yaml": yaml.__file__}))
'''


def _names(exercise):
    return [f"q{n}_" + re.sub(r"[^A-Za-z0-9]+", "_", q.id).strip("_") for n, q in enumerate(exercise.questions, 1)]


def _raw(exercise, cells: dict | None = None) -> dict:
    """The raw text a student types into each element: the references as cnncalc writes them."""
    raw = {}
    for name, q, ref in zip(_names(exercise), exercise.questions, exercise.references()):
        if q.manual or q.choices:
            continue
        if ref.kind == "matrix" and all(_numeric(v) for v in ref.value.values().reshape(-1)):
            values = ref.value.reduced().values().reshape(-1)
            for k, v in enumerate(values, start=1):
                raw[f"{name}{k}"] = (cells or {}).get((q.id, k), typed_value(v))
        else:
            raw[name] = (cells or {}).get((q.id, 0), typed_answer(ref))
    return raw


@pytest.fixture(scope="module")
def prairielearn(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    result = CliRunner().invoke(main, ["export", "prairielearn", str(ROOT / "exercises"), "--out", str(course)])
    assert result.exit_code == 0, result.output
    return course


def test_prairielearn_folders(prairielearn):
    for ex in EXERCISES:
        folder = prairielearn / "questions" / "cnncalc" / ex.id
        info = json.loads((folder / "info.json").read_text())
        assert info["type"] == "v3" and info["title"] == ex.title and info["singleVariant"] == (not ex.variants)
        page = (folder / "question.html").read_text()
        for name in _names(ex):
            assert f'answers-name="{name}"' in page
        assert "pl-matrix-component-input" not in page or 'allow-fractions="true"' in page
    assert (prairielearn / "serverFilesCourse" / "cnncalc" / "export" / "prairielearn.py").is_file()
    assert (prairielearn / "serverFilesCourse" / "yaml" / "__init__.py").is_file()
    uuids = {json.loads((prairielearn / "questions" / "cnncalc" / ex.id / "info.json").read_text())["uuid"]
             for ex in EXERCISES}
    assert len(uuids) == len(EXERCISES)


def test_prairielearn_server_runs_without_prairielearn(prairielearn):
    """server.py in a Python that has only the course folder: generate() and grade() with PrairieLearn's data dict."""
    lecture003 = next(e for e in EXERCISES if e.id == "lecture003-convolutional-layers")
    cases, expected = [], []
    for ex in EXERCISES:
        seed_text = "9876543"
        mine = variant(ex, pl_seed({"variant_seed": seed_text}) if ex.variants else None)
        submissions = [_raw(mine)]
        if ex.id == "lecture003-convolutional-layers":
            first = mine.references()[0].value.reduced().values().reshape(-1)[0]
            wrong = {("mean-filter", 1): format_value(first + 1)}
            two_figures = {("window-of-the-slide", 0): f"{float(mine.references()[2].value):.2g}"}
            three_figures = {("window-of-the-slide", 0): f"{float(mine.references()[2].value):.3g}"}
            submissions += [_raw(mine, wrong), _raw(mine, two_figures), _raw(mine, three_figures)]
        cases.append({"exercise": ex.id, "variant_seed": seed_text, "submissions": submissions})
        expected.append(mine)
    run = subprocess.run([sys.executable, "-I", "-c", PL_SCRIPT, str(prairielearn)], input=json.dumps(cases),
                         capture_output=True, text=True, timeout=600, cwd=prairielearn)
    assert run.returncode == 0, run.stderr[-3000:]
    output = json.loads(run.stdout)
    assert output["cnncalc"].startswith(str(prairielearn / "serverFilesCourse"))
    assert output["yaml"].startswith(str(prairielearn / "serverFilesCourse"))
    for case, original, ex in zip(output["cases"], EXERCISES, expected):
        generated = case["generated"]
        assert generated["params"]["cnncalc_seed"] == (pl_seed({"variant_seed": "9876543"}) if original.variants
                                                        else None)
        for name, q, ref in zip(_names(ex), ex.questions, ex.references()):
            if q.manual or q.choices:
                assert name not in generated["correct_answers"]
                continue
            correct = generated["correct_answers"][name]
            if ref.kind == "matrix" and isinstance(correct, list):
                values = ref.value.reduced().values()
                expected_cells = [float(constant(v) or v) for v in values.reshape(-1)]
                assert np.allclose(np.array(correct, dtype=float).reshape(-1), expected_cells, rtol=1e-15, atol=0)
            elif isinstance(correct, (int, float)):
                asked = (constant(ref.value) or Fraction(ref.value)) / q.unit  # in the question's unit: 132.86 (millions)
                assert correct == (int(asked) if asked.denominator == 1 else float(asked))
            else:
                assert correct == answer_inline(ref)
            assert generated["params"][f"prompt_{name}"]
        assert case["results"][0]["score"] == pytest.approx(1.0), (ex.id, case["results"][0]["feedback"])
        if ex.id == "lecture003-convolutional-layers":
            wrong, two, three = case["results"][1:]
            cells = lecture003.references()[0].value.values().size
            assert wrong["partial_scores"]["q1_mean_filter"]["score"] == pytest.approx(1 - 1 / cells)
            assert two["partial_scores"]["q3_window_of_the_slide"]["score"] == 0  # 97: too few figures
            assert three["partial_scores"]["q3_window_of_the_slide"]["score"] == 1  # 97.1: a correct rounding


# --------------------------------------------------------------------------- sheets

class _Text(__import__("html.parser", fromlist=["HTMLParser"]).HTMLParser):
    def __init__(self):
        super().__init__()
        self.pages: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "section" and ("class", "page") in attrs:
            self.pages.append([])

    def handle_data(self, data):
        if self.pages and data.strip():
            self.pages[-1].append(data.strip())


def test_sheets_one_page_per_student_with_their_numbers(tmp_path):
    roster = parse_roster("name,sid,email\nAda Lovelace,s1001,ada@uni.edu\nAlan Turing,s1002,alan@uni.edu\n"
                          "Grace Hopper,s1003,grace@uni.edu\n", "r.csv", 11)
    chosen = [e for e in EXERCISES if e.id in ("lecture001-convolution", "sheet-q1-convolution", "alexnet")]
    written = write_sheets(chosen, roster, tmp_path / "sheets")
    sheets = _Text()
    sheets.feed((tmp_path / "sheets" / "sheets.html").read_text())
    keys = _Text()
    keys.feed((tmp_path / "sheets" / "answer-keys.html").read_text())
    assert len(sheets.pages) == len(keys.pages) == 3
    for student, page, key in zip(roster, sheets.pages, keys.pages):
        text, key_text = " ".join(page), " ".join(key)
        assert student.name in text and student.name in key_text
        for original in chosen:
            ex = variant(original, student.seed)
            if original.variants:
                assert f"seed {student.seed}" in text and f"seed: {student.seed}" in text
                for name in original.variants:
                    cells = [format_value(v) for v in ex.givens[name].value.reduced().values().reshape(-1)]
                    assert " ".join(cells) in " ".join(t for t in page if t in set(cells)), name
            for q, ref in zip(ex.questions, ex.references()):
                assert ex.prompt_text(q).split("\n")[0].strip() in text
                if ref.kind == "matrix":
                    cells = [format_value(v) for v in ref.value.reduced().values().reshape(-1)]
                    assert all(c in key for c in cells), (q.id, cells)
                elif ref.kind != "table":
                    assert answer_inline(ref) in key_text, (q.id, answer_inline(ref))
    # figures of the convolution and pooling questions: asking on the sheet, answering on the key
    sheet_html = (tmp_path / "sheets" / "sheets.html").read_text()
    key_html = (tmp_path / "sheets" / "answer-keys.html").read_text()
    first_page = sheet_html.split('<section class="page">')[1]
    lecture = variant(chosen[1] if chosen[1].id == "lecture001-convolution" else chosen[0], roster[0].seed)
    convs = [r for r in lecture.references() if r.detail is not None and hasattr(r.detail, "output")]
    figures = re.findall(r"<svg.*?</svg>", first_page, re.S)
    assert len(figures) >= len(convs) >= 4
    pool = next(r for q, r in zip(lecture.questions, lecture.references()) if q.id == "max-pooling")
    asked = next(f for f in figures if "max pooling" in f)
    assert re.findall(r">\?<", asked).__len__() == pool.value.values().size  # every output cell a question mark
    answered = next(f for f in re.findall(r"<svg.*?</svg>", key_html.split('<section class="page">')[1], re.S)
                    if "max pooling" in f)
    for v in pool.value.reduced().values().reshape(-1):
        assert f">{format_value(v)}<" in answered
    assert written.notes == ["3 students, one page each"]


def test_export_command_for_every_course_exercise(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,sid\nAda,s1\nAlan,s2\n")
    exercises = str(ROOT / "exercises")
    for args in (["moodle", exercises, "--variants", "2", "--out", str(tmp_path / "q.xml")],
                 ["canvas", exercises, "--out", str(tmp_path / "c.zip")],
                 ["gradescope", exercises, "--roster", str(roster), "--out", str(tmp_path / "a.zip")],
                 ["sheets", exercises, "--roster", str(roster), "--out", str(tmp_path / "sheets")]):
        result = CliRunner().invoke(main, ["export", *args])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("wrote ")
    assert ET.parse(tmp_path / "q.xml").getroot().tag == "quiz"
    assert zipfile.ZipFile(tmp_path / "a.zip").testzip() is None
