"""Time `cnncalc check exercises/` as a whole process, and solving every course
exercise in-process, reported per exercise.

Run: python bench/bench_exercises.py
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    files = sorted((ROOT / "exercises").glob("*.yaml"))
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cnncalc", "check", str(ROOT / "exercises"), "--json"],
                       check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    best = min(runs)
    print(f"cnncalc check exercises/ (whole process, {len(files)} exercises): {best:.2f} s, "
          f"{best / len(files) * 1e3:.0f} ms per exercise")

    from cnncalc.exercises.exercise import load_exercise
    from cnncalc.exercises.solution import solution_markdown

    total = 0.0
    for path in files:
        start = time.perf_counter()
        solution_markdown(load_exercise(path))
        elapsed = time.perf_counter() - start
        total += elapsed
        print(f"  solve {path.stem:34s} {elapsed * 1e3:7.1f} ms")
    print(f"solving all {len(files)} exercises in one process: {total:.2f} s, {total / len(files) * 1e3:.0f} ms per exercise")


if __name__ == "__main__":
    main()
