"""Submissions graded per second, whole process, on the course exercise set.

Writes 1,000 answer files (250 for each of four course exercises) with a
realistic mix: right answers in several notations, each usual mistake (which
needs the diagnosis), gaps and a few unreadable answers; then times
`cnncalc grade EXERCISE DIR --csv ... --summary` as a subprocess per exercise,
and all of them in one process.  Then 10,000 files: the terminal summary
against --json (same run), and --details at 1,000 and 10,000 files.  Also
times each hostile answer on its own.

Run: python bench/bench_grading.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MIX = {
    "alexnet": [
        {"width": "55", "units": "290,400", "parameters": "34944", "fully-connected": "39574528", "total": "62378344",
         "conv1-output": "55x55x96", "pool1-output": "27x27x96"},
        {"width": "54", "units": "3025", "parameters": "34848", "fully-connected": "39574272", "pool1-output": "26x26x96"},
        {"width": "(227-11)/4+1", "units": "290.400", "parameters": "11712", "conv1-output": "[55, 55, 96]"},
        {"width": "55", "units": "55*55*96", "total": "65M", "pool1-parameters": "0", "conv2-output": "27x27x256"},
    ],
    "lecture001-convolution": [
        {"true-convolution": "45 110; 40 40", "padding": "90 80 40; 50 55 20; 5 50 20", "max-pooling": "15 30; 15 25"},
        {"true-convolution": "70 30; 10 40", "avg-pooling": "15 30; 15 25", "padding": "55"},
        {"padding-stride": "90 80 40; 50 55 20; 5 50 20", "avg-pooling": "10 15; 45/4 22.5", "first-cell": "45"},
        {"true-convolution": "45 110; 40 41", "max-pooling": "10 15; 11.25 22.5", "same-size": "1"},
    ],
    "sheet-q1-convolution": [
        {"conv": "225 258 250 209; 458 566 552 472; 708 981 887 802; 1000 1488 1320 1224", "pool": "566 552; 1488 1320",
         "f1": "horizontal line", "f2": "a frame", "f3": "diagonal"},
        {"conv": "225 258 250 209; 458 566 552 472; 708 981 887 802; 1000 1488 1320 1000", "pool": "566; 1488",
         "f1": "vertical line"},
        {"pool": "[[566, 552], [1488, 1320]]", "f3": "Diagonal line!", "f2": "__import__('os')"},
    ],
    "mnist-models": [
        {"mlp_params": "242,762", "cnn_params": "21840", "cnn_conv2": "5020", "matched_width": "27"},
        {"mlp_params": "242122", "cnn_params": "21,840", "cnn_flatten": "320", "fc_params": "795*H + 10"},
        {"mlp_params": "9**9**9**9", "cnn_params": "21.840", "ratio": "242762/21840"},
    ],
}


def write(folder: Path, exercise: str, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        answers = MIX[exercise][i % len(MIX[exercise])]
        lines = "\n".join(f"  {k}: {json.dumps(v)}" for k, v in answers.items())  # JSON strings are YAML
        (folder / f"{exercise}-s{i:04d}.yaml").write_text(f"exercise: {exercise}\nstudent: s{i:04d}\nanswers:\n{lines}\n")


def _best(command: list[str], repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        runs.append(time.perf_counter() - start)
        # 1: graded, with some unreadable answers in the mix (each an invalid question)
        assert done.returncode in (0, 1), done.stdout[-2000:] + done.stderr[-2000:]
    return min(runs)


def main():
    per_exercise = 250
    grade = [sys.executable, "-m", "cnncalc", "grade"]
    with tempfile.TemporaryDirectory() as tmp:
        total_files, total_time = 0, 0.0
        for exercise in MIX:
            folder = Path(tmp) / exercise
            write(folder, exercise, per_exercise)
            best = _best(grade + [str(ROOT / "exercises" / f"{exercise}.yaml"), str(folder),
                                  "--csv", str(Path(tmp) / f"{exercise}.csv"), "--summary"])
            total_files += per_exercise
            total_time += best
            print(f"{exercise:24s} {per_exercise} submissions in {best:.2f} s (whole process): "
                  f"{per_exercise / best:,.0f} per second")
        print(f"four processes: {total_files} submissions in {total_time:.2f} s: {total_files / total_time:,.0f} per second")
        everything = Path(tmp) / "all"
        for exercise in MIX:
            write(everything, exercise, per_exercise)
        best = _best(grade + [str(ROOT / "exercises"), str(everything), "--csv", str(Path(tmp) / "all.csv"), "--summary"])
        print(f"one process, `cnncalc grade exercises/ answers/`: {total_files} submissions of the course set in "
              f"{best:.2f} s: {total_files / best:,.0f} per second (target >= 1,000)")

        big = Path(tmp) / "big"
        for exercise in MIX:
            write(big, exercise, 2500)
        as_json = _best(grade + [str(ROOT / "exercises"), str(big), "--json"], repeat=2)
        summary = _best(grade + [str(ROOT / "exercises"), str(big), "--summary"], repeat=2)
        print(f"10,000 files: --json {as_json:.2f} s, terminal summary {summary:.2f} s: "
              f"ratio {summary / as_json:.2f}x (target <= 1.2x)")
        details_1k = _best(grade + [str(ROOT / "exercises"), str(everything), "--details"], repeat=2)
        details_10k = _best(grade + [str(ROOT / "exercises"), str(big), "--details"], repeat=1)
        print(f"--details: 1,000 files {details_1k:.2f} s, 10,000 files {details_10k:.2f} s "
              f"(10k/1k = {details_10k / details_1k:.1f}; linear is 10, less where start-up is shared)")

    from cnncalc.exercises.exercise import load_exercise
    from cnncalc.grading.grader import Grader

    grader = Grader(load_exercise(ROOT / "exercises" / "alexnet.yaml"))
    grader.prepared(None)
    hostile = {
        "__import__('os').system('touch pwned')": "__import__('os').system('touch pwned')",
        "9**9**9**9": "9**9**9**9",
        "a 10 MB line": "9" * 10_000_000,
        "100,000 nested brackets": "[" * 100_000 + "]" * 100_000,
        "2^99999": "2^99999",
        "1e999999": "1e999999",
        "1/7^300/7^300/7^300": "1/7^300/7^300/7^300",
    }
    for name, text in hostile.items():
        start = time.perf_counter()
        grader.grade({"units": text, "conv1-output": text, "true": text})
        print(f"hostile answer {name!r}: {(time.perf_counter() - start) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
