"""What the exports cost beyond the engine's own work, measured in the same run.

Reference: building N variants of the course exercises that have ``variants:``
and computing their references (``exercises.variants.generate`` +
``Exercise.references``), which every export needs.  Then, from a cold variant
cache each time: Moodle XML and the Canvas zip for the same N variants, printed
sheets and answer keys for N students, PrairieLearn's generate()+grade() for N
variant seeds, and the Gradescope autograder: one submission graded in-process
(against Grader.grade of the same answers) and as Gradescope runs it, a fresh
``python -m cnncalc.export.gradescope`` per submission (against a bare
``python -c "import cnncalc.grading.grader"``).

Run: python bench/bench_export.py [N]   (default N = 20)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cnncalc.exercises.exercise import load_exercise  # noqa: E402
from cnncalc.exercises.solution import answer_inline  # noqa: E402
from cnncalc.exercises.variants import generate  # noqa: E402
from cnncalc.export import prairielearn  # noqa: E402
from cnncalc.export.canvas import canvas_zip  # noqa: E402
from cnncalc.export.gradescope import build_autograder, run_autograder  # noqa: E402
from cnncalc.export.moodle import moodle_xml  # noqa: E402
from cnncalc.export.roster import forget_variants, parse_roster, student_seed, variant  # noqa: E402
from cnncalc.export.sheets import write_sheets  # noqa: E402
from cnncalc.grading.grader import Grader  # noqa: E402

NAMES = ["lecture001-convolution", "lecture003-convolutional-layers", "lecture004-convolution", "sheet-q1-convolution"]


def timed(function, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        forget_variants()
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main(n: int = 20) -> None:
    exercises = [load_exercise(ROOT / "exercises" / f"{name}.yaml") for name in NAMES]
    seeds = list(range(1, n + 1))
    rows = _quiz_rows(exercises, seeds) + _sheet_rows(exercises, n) + [_prairielearn_row(exercises[1], seeds)]
    rows += _gradescope_rows(exercises)
    print(f"{'task':<58} {'cnncalc':>10} {'reference':>10} {'ratio':>7}")
    for name, seconds, reference in rows:
        ratio = f"{seconds / reference:.2f}x" if reference else ""
        ref = f"{reference:.3f} s" if reference else ""
        print(f"{name:<58} {seconds:>8.3f} s {ref:>10} {ratio:>7}")
    print("reference: the engine's variants and references (rows 2-4), Grader.grade alone (rows 5-6),"
          " python importing the grader (row 7)")


Row = tuple[str, float, float | None]


def _quiz_rows(exercises: list, seeds: list[int]) -> list[Row]:
    """Moodle XML and the Canvas zip against the variants' references alone."""
    def references() -> None:
        for exercise in exercises:
            for seed in seeds:
                generate(exercise, seed)[0].references()

    base = timed(references)
    return [(f"engine: {len(seeds)} variants x {len(exercises)} exercises, references", base, None),
            ("moodle XML, same variants", timed(lambda: moodle_xml(exercises, seeds)), base),
            ("canvas QTI zip, same variants", timed(lambda: canvas_zip(exercises, seeds)), base)]


def _sheet_rows(exercises: list, n: int) -> list[Row]:
    """Printed sheets and answer keys for n students against their variants' references."""
    roster = parse_roster("name,sid\n" + "".join(f"S{i},s{i}\n" for i in range(n)), "r.csv", 1)

    def student_references() -> None:
        for exercise in exercises:
            for s in roster:
                generate(exercise, s.seed)[0].references()

    base = timed(student_references)
    with tempfile.TemporaryDirectory() as folder:
        return [(f"sheets + answer keys, {n} students",
                 timed(lambda: write_sheets(exercises, roster, Path(folder) / "s")), base)]


def _prairielearn_row(lecture003, seeds: list[int]) -> Row:
    """PrairieLearn's generate() + grade() for each seed against Grader.grade of the same answers."""
    text = (ROOT / "exercises" / "lecture003-convolutional-layers.yaml").read_text()

    def engine_pl() -> None:
        grader = Grader(lecture003)
        for seed in seeds:
            mine = generate(lecture003, seed)[0]
            grader.grade({q.id: answer_inline(r) for q, r in zip(mine.questions, mine.references())}, "", "", seed)

    def pl() -> None:
        prairielearn._LOADED.clear()
        for seed in seeds:
            data = {"params": {}, "correct_answers": {}, "variant_seed": str(seed), "partial_scores": {},
                    "feedback": {}}
            prairielearn.generate(text, data)
            mine = variant(load_exercise(ROOT / "exercises" / "lecture003-convolutional-layers.yaml"),
                           data["params"]["cnncalc_seed"])
            raw = {}
            for k, (q, r) in enumerate(zip(mine.questions, mine.references()), start=1):
                name = prairielearn.element_name(k, q)
                if name in data["correct_answers"] and isinstance(data["correct_answers"][name], list):
                    values = r.value.reduced().values().reshape(-1)
                    raw.update({f"{name}{i}": str(v) for i, v in enumerate(values, start=1)})
                elif name in data["correct_answers"]:
                    raw[name] = answer_inline(r)
            data["raw_submitted_answers"] = raw
            prairielearn.grade(text, data)

    return (f"prairielearn generate+grade, {len(seeds)} seeds of lecture003", timed(pl), timed(engine_pl))


def _gradescope_rows(exercises: list) -> list[Row]:
    """One submission through the autograder, in-process and as Gradescope runs it (a fresh process)."""
    from cnncalc.export.roster import read_roster

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "autograder"
        roster_file = Path(folder) / "roster.csv"
        roster_file.write_text("name,sid,email\nAda,s1,ada@uni.edu\n")
        build_autograder(exercises, 7, read_roster(roster_file, 7), Path(folder) / "a.zip")
        (root / "source").mkdir(parents=True)
        zipfile.ZipFile(Path(folder) / "a.zip").extractall(root / "source")
        (root / "submission").mkdir()
        seed = student_seed(7, "s1")
        answers = {}
        for exercise in exercises:
            mine = generate(exercise, seed)[0]
            answers[exercise.id] = {q.id: answer_inline(r) for q, r in zip(mine.questions, mine.references())}
            (root / "submission" / f"{exercise.id}.yaml").write_text(
                json.dumps({"exercise": exercise.id, "answers": answers[exercise.id]}))
        (root / "submission_metadata.json").write_text(json.dumps({"users": [{"email": "ada@uni.edu", "id": 1,
                                                                              "name": "Ada"}]}))

        def graded_alone() -> None:
            for exercise in exercises:
                Grader(exercise).grade(answers[exercise.id], "Ada", "", seed)

        rows: list[Row] = [("gradescope: one submission in-process", timed(lambda: run_autograder(root), 3),
                            timed(graded_alone, 3))]
        bare = min(_run([sys.executable, "-c", "import cnncalc.grading.grader"], ROOT) for _ in range(3))
        fresh = min(_run([sys.executable, "-m", "cnncalc.export.gradescope", str(root)], ROOT) for _ in range(3))
        rows.append(("gradescope: one submission, fresh process", fresh, bare))
        shutil.rmtree(root)
    return rows


def _run(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True, env={"PYTHONPATH": str(ROOT),
                                                                            "PATH": "/usr/bin:/bin"})
    return time.perf_counter() - start


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
