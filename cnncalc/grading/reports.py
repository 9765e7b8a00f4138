"""Gradebooks: terminal tables, JSON, CSV, Gradescope's results.json, class statistics.

Scores are exact fractions; they are shown as decimals (two places where a
fraction does not terminate).  Everything a student typed is data: it reaches
the terminal with control characters escaped and never as rich markup, and a
CSV cell never starts a spreadsheet formula.

>>> show_score(Fraction(7, 3)), show_score(Fraction(5, 2)), show_score(Fraction(4))
('2.33', '2.5', '4')
>>> csv_cell("=HYPERLINK(\\"http://x\\")"), csv_cell("Ada")
('\\'=HYPERLINK("http://x")', 'Ada')
>>> terminal_safe("Ada\\x1b[31m")
'Ada\\\\x1b[31m'
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..rationals import is_terminating
from .grader import STATUSES, SubmissionGrade

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType
    from rich.table import Table

#: Rows of the class summary shown in the terminal; the rest are counted, never cut silently.
SUMMARY_ROWS = 50

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@lru_cache(maxsize=4096)  # a class shares a handful of distinct scores; a gradebook shows each many times
def show_score(value: Fraction) -> str:
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    if is_terminating(value.denominator):
        from ..render import format_value

        return format_value(value)
    return f"{float(value):.2f}"


def terminal_safe(text: str) -> str:
    """Control characters (escape sequences that would recolour or clear a
    terminal) written out as \\xNN; tabs and new lines become spaces."""
    text = str(text).replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def csv_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: a leading = + - @ (a formula) gets a quote, and a
    control character (an escape sequence, should the file be printed in a terminal) is written
    out as \\xNN; tabs and new lines stay (a table typed on several lines keeps them)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _number(value: Fraction) -> int | float:
    """JSON number: an int when whole, else a float of the exact score (display only)."""
    value = Fraction(value)
    return value.numerator if value.denominator == 1 else round(float(value), 6)


def file_status(grade: SubmissionGrade) -> str:
    """invalid (nothing graded), error (a question hit a defect), or graded."""
    if grade.invalid:
        return "invalid"
    if grade.errors:
        return "error"
    return "graded"


def submission_json(grade: SubmissionGrade) -> dict:
    data: dict = {
        "student": grade.student,
        "exercise": grade.exercise,
        "file": grade.source,
        "score": _number(grade.score),
        "max_score": _number(grade.max_score),
        "status": file_status(grade),
        "questions": [
            {"id": q.id, "score": None if q.status == "manual" else _number(q.score),
             "max_score": _number(q.max_score), "status": q.status, "answer": q.read_as, "typed": q.typed,
             "feedback": q.feedback}
            for q in grade.questions
        ],
    }
    if grade.manual_max:
        data["manual_points"] = _number(grade.manual_max)
    if grade.seed is not None:
        data["seed"] = grade.seed
    if grade.notes:
        data["notes"] = list(grade.notes)
    if grade.invalid:
        data["invalid"] = grade.invalid
    return data


def gradebook_json(grades: list[SubmissionGrade]) -> str:
    return json.dumps([submission_json(g) for g in grades], ensure_ascii=False)


def column(grade: SubmissionGrade, question_id: str, qualified: bool) -> str:
    """A question's gradebook column: its id, or exercise/id when several exercises are graded."""
    return f"{grade.exercise}/{question_id}" if qualified else question_id


def gradebook_csv(grades: list[SubmissionGrade], question_ids: list[str], qualified: bool = False) -> str:
    """One row per submission: who (student and file apart), the automatic score,
    one column per question (its score, or 'manual'), and the notes."""
    out = io.StringIO()
    writer = csv.writer(out)
    manual = any(g.manual_max for g in grades)
    writer.writerow(["student", "file", "exercise", "seed", "score", "max_score",
                     *(["manual_points"] if manual else []), "status", *question_ids, "note"])
    for g in grades:
        scores = {column(g, q.id, qualified): ("manual" if q.status == "manual" else show_score(q.score))
                  for q in g.questions}
        note = "; ".join(([g.invalid] if g.invalid else []) + list(g.notes)
                         + [f"{q.id}: {q.feedback}" for q in g.errors])
        row = [g.student, g.source, g.exercise, "" if g.seed is None else g.seed, show_score(g.score),
               show_score(g.max_score), *([show_score(g.manual_max)] if manual else []), file_status(g),
               *[scores.get(i, "") for i in question_ids], note]
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


# --------------------------------------------------------------------------- Gradescope

def _code(text: str) -> str:
    """Markdown code span for what a student typed (no markup gets through)."""
    text = " ".join(str(text).split())
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}" if text else "(nothing)"


def _code_block(text: str) -> str:
    """A Markdown code block for a multi-line answer (a table: its lines kept), else a code span."""
    text = str(text).strip("\n")
    if "\n" not in text:
        return _code(text)
    fence = "`" * max(3, max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    return f"\n\n{fence}\n{text}\n{fence}"


def gradescope_json(grade: SubmissionGrade) -> dict:
    """Gradescope's autograder results.json: a total and one test per question.

    Feedback is Markdown (``output_format: md``) with the student's answer as
    typed in a code span; a manual question is a test worth 0 automatic points
    that shows the answer for whoever grades it."""
    if grade.invalid:
        return {"score": 0, "output": f"The answer file could not be graded: {grade.invalid}",
                "output_format": "text", "tests": []}
    tests = []
    for number, q in enumerate(grade.questions, start=1):
        test: dict = {"name": q.id, "number": str(number), "output_format": "md"}
        if q.status == "manual":
            test.update(score=0, max_score=0, status="failed" if not q.typed.strip() else "passed",
                        output=f"**Needs manual grading** ({show_score(q.max_score)} points).\n\n"
                               f"Your answer: {_code_block(q.typed)}")
        else:
            test.update(score=_number(q.score), max_score=_number(q.max_score),
                        status="passed" if q.status == "correct" else "failed",
                        output=f"**{q.status}**: {q.feedback}\n\nYour answer: {_code(q.typed)}"
                               + (f" (read as {_code(q.read_as)})" if q.read_as and q.read_as != q.typed.strip()
                                  else ""))
        tests.append(test)
    output = f"{grade.student}: {show_score(grade.score)} / {show_score(grade.max_score)}"
    if grade.manual_max:
        output += f" (and {show_score(grade.manual_max)} points graded by hand)"
    if grade.notes:
        output += "\n" + "\n".join(f"- {n}" for n in grade.notes)
    return {"score": _number(grade.score), "output": output, "output_format": "md", "tests": tests}


def _file_names(grades: list[SubmissionGrade]) -> list[str]:
    """One file name per submission: the student's name, and the answer file's
    name beside it where two submissions share a student name."""
    def clean(text: str) -> str:
        return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text).strip("._") or "submission"

    counts = Counter(clean(g.student) for g in grades)
    stems = Counter((clean(g.student), Path(g.source).stem) for g in grades)
    names, used = [], set()
    for g in grades:
        name = clean(g.student)
        if counts[name] > 1:  # the file's name beside it; its folder's too where the file names are alike
            source = Path(g.source)
            where = source.stem if stems[(name, source.stem)] == 1 else f"{source.parent.name}-{source.stem}"
            name = f"{name}--{clean(where)}"
        base, k = name, 2
        while name in used:
            name, k = f"{base}-{k}", k + 1
        used.add(name)
        names.append(name)
    return names


def write_gradescope(grades: list[SubmissionGrade], target: str) -> list[str]:
    """One submission and TARGET ending in .json -> that file; otherwise TARGET
    is a folder with one <student>.json per submission."""
    from ..errors import InputError

    path = Path(target)
    if len(grades) == 1 and path.suffix == ".json" and not path.is_dir():
        if not path.parent.is_dir():
            raise InputError(f"--gradescope {target}: the folder {path.parent} does not exist; create it first")
        path.write_text(json.dumps(gradescope_json(grades[0]), ensure_ascii=False), encoding="utf-8")
        return [str(path)]
    if path.exists() and not path.is_dir():
        raise InputError(f"--gradescope {target} is a file but {len(grades)} submissions need a folder; "
                         "name a folder")
    path.mkdir(parents=True, exist_ok=True)
    written = []
    for g, name in zip(grades, _file_names(grades)):
        out = path / f"{name}.json"
        out.write_text(json.dumps(gradescope_json(g), ensure_ascii=False), encoding="utf-8")
        written.append(str(out))
    return written


# --------------------------------------------------------------------------- statistics and summaries

def statistics(grades: list[SubmissionGrade], question_ids: list[str], qualified: bool = False) -> list[dict]:
    """Per question: how many got it, the mean score, the most common mistakes,
    and how many answers were found under a misspelt or unknown id."""
    valid = [g for g in grades if not g.invalid]
    by_column: dict = {}
    for g in valid:
        for q in g.questions:
            by_column.setdefault(column(g, q.id, qualified), []).append(q)
    renamed: Counter = Counter()
    for g in valid:
        for note in g.notes:
            match = re.search(r"graded as '([^']+)'$", note)
            if match:
                renamed[column(g, match.group(1), qualified)] += 1
    rows: list[dict[str, object]] = []
    for qid in question_ids:
        results = by_column.get(qid, [])
        statuses = Counter(q.status for q in results)
        # a mistake counts where it cost points: an answer right by its own earlier (carried) error is not one
        mistakes = Counter(q.mistake for q in results if q.mistake and q.score < q.max_score)
        graded = [q for q in results if q.status != "manual"]
        total = sum((q.score for q in graded), Fraction(0))
        max_total = sum((q.max_score for q in graded), Fraction(0))
        rows.append({
            "question": qid,
            **{status: statuses.get(status, 0) for status in STATUSES},
            "mean_score": _number(total / len(graded)) if graded else 0,
            "share": _number(total / max_total) if max_total else 0,
            "common_mistakes": [{"mistake": m, "count": c} for m, c in mistakes.most_common(3)],
            "renamed_ids": renamed.get(qid, 0),
        })
    return rows


def unknown_ids(grades: list[SubmissionGrade]) -> Counter:
    """Question ids that matched nothing, over the class (typos worth a look)."""
    found: Counter = Counter()
    for g in grades:
        for note in g.notes:
            match = re.match(r"unknown question '([^']*)' \(did you mean one of", note)
            if match:
                found[match.group(1)] += 1
    return found


def duplicate_students(grades: list[SubmissionGrade]) -> dict[str, list[str]]:
    """Student names given by more than one submission (of the same exercise), with their files."""
    files: dict[tuple[str, str], list[str]] = {}
    for g in grades:
        files.setdefault((g.student, g.exercise), []).append(g.source)
    return {student: paths for (student, _), paths in files.items() if len(paths) > 1}


@dataclass(frozen=True)
class ClassSummary:
    """The numbers every report of a class starts from."""

    submissions: int
    graded: int
    invalid: int
    with_errors: int
    mean_share: Fraction | None  # over every submission of a known exercise: an invalid file counts 0
    manual: int  # submissions with questions left for manual grading
    unscored: int = 0  # invalid files of no known exercise (no maximum): left out of the mean


def class_summary(grades: list[SubmissionGrade]) -> ClassSummary:
    valid = [g for g in grades if not g.invalid]
    # the gradebook gives an invalid file 0 of its exercise's points, and so does the class mean
    shares = [g.score / g.max_score for g in grades if g.max_score]
    mean = sum(shares, Fraction(0)) / len(shares) if shares else None
    unscored = sum(1 for g in grades if g.invalid and not g.max_score)
    return ClassSummary(len(grades), len(valid), len(grades) - len(valid), sum(1 for g in valid if g.errors),
                        mean, sum(1 for g in valid if g.needs_manual), unscored)


def shown_paths(sources: Sequence[str]) -> list[str]:
    """Each file as the reader tells it apart: its path below the folder all of them share (a class in one
    folder per student: 'Ada Lovelace/alexnet.yaml', not 'alexnet.yaml' for everyone).

    >>> shown_paths(["class/ada/alexnet.yaml", "class/bob/alexnet.yaml"]), shown_paths(["a/x.yaml"])
    (['ada/alexnet.yaml', 'bob/alexnet.yaml'], ['x.yaml'])
    """
    folders = [os.path.dirname(os.path.abspath(s)) for s in sources]
    try:
        common = os.path.commonpath(folders) if folders else ""
    except ValueError:  # paths on different drives (Windows)
        return [Path(s).name for s in sources]
    return [os.path.relpath(os.path.abspath(s), common) for s in sources]


def summary_lines(grades: list[SubmissionGrade], skipped: Sequence[str] = ()) -> list[str]:
    """Plain lines under the summary table: totals, duplicates, unknown ids, skipped files."""
    s = class_summary(grades)
    mean = ""
    if s.mean_share is not None:
        counted = " (an invalid file counts 0)" if s.invalid > s.unscored else ""
        left = f"; {s.unscored} invalid file{'s' * (s.unscored != 1)} of no known exercise left out" if s.unscored else ""
        mean = f"; mean score {float(s.mean_share) * 100:.1f}% of the automatic points{counted}{left}"
    lines = [f"{s.graded} graded, {s.invalid} invalid{mean}"]
    if s.with_errors:
        lines.append(f"{s.with_errors} submission{'s' * (s.with_errors != 1)} had questions that could not be graded "
                     "(status error): see their feedback; this is a defect of cnncalc or of the exercise")
    if s.manual:
        lines.append(f"{s.manual} submission{'s have' if s.manual != 1 else ' has'} questions that need manual grading "
                     "(status manual; --json or --details shows the answers)")
    for student, paths in duplicate_students(grades).items():
        lines.append(f"warning: {len(paths)} submissions share the student name '{terminal_safe(student)}': "
                     + ", ".join(terminal_safe(p) for p in paths[:5]) + (" ..." if len(paths) > 5 else ""))
    for key, count in unknown_ids(grades).most_common(5):
        lines.append(f"unknown question id '{terminal_safe(key)}' in {count} file{'s' * (count != 1)}")
    for start, what in (("the file has no 'answers:'", "no 'answers:' (nothing graded)"),
                        ("no 'answers:' key", "no 'answers:' key (the answers were read from the top level)")):
        files = [g.source for g in grades if any(n.startswith(start) for n in g.notes)]
        if files:
            shown = ", ".join(terminal_safe(f) for f in shown_paths(files[:5])) + (" ..." if len(files) > 5 else "")
            lines.append(f"{len(files)} file{'s' * (len(files) != 1)} with {what}: {shown}")
    if skipped:
        shown = ", ".join(terminal_safe(p) for p in skipped[:5]) + (f" and {len(skipped) - 5} more" if len(skipped) > 5
                                                                     else "")
        lines.append(f"skipped {len(skipped)} entr{'ies' if len(skipped) != 1 else 'y'} that are not .yaml answer "
                     "files (or are links, or cannot be read): "
                     f"{shown}")
    return lines


def student_table(g: SubmissionGrade) -> RenderableType:
    """One submission as a rich table (every user string as plain Text, never markup)."""
    from rich.table import Table
    from rich.text import Text

    title = f"{terminal_safe(g.student)} ({terminal_safe(g.source)}): {show_score(g.score)} / {show_score(g.max_score)}"
    if g.manual_max:
        title += f" (+ {show_score(g.manual_max)} graded by hand)"
    if g.invalid:
        return Text(f"{title} INVALID: {terminal_safe(g.invalid)}", style="bold red")
    table = Table(title=Text(title), title_justify="left")
    for name in ("question", "answer as read", "score", "feedback"):
        table.add_column(name, overflow="fold")
    for q in g.questions:
        style = {"correct": "green", "partial": "yellow", "wrong": "red", "invalid": "magenta",
                 "error": "bold red", "manual": "cyan"}.get(q.status, "")
        answer = q.typed if q.status == "manual" else q.read_as
        score = "manual" if q.status == "manual" else f"{show_score(q.score)}/{show_score(q.max_score)}"
        table.add_row(Text(terminal_safe(q.id)), Text(terminal_safe(answer)), score,
                      Text(terminal_safe(q.feedback), style=style))
    if not g.notes:
        return table
    from rich.console import Group

    return Group(table, *[Text(f"note: {terminal_safe(n)}", style="dim") for n in g.notes])


def terminal_report(grades: list[SubmissionGrade], question_ids: list[str], per_student: bool, stats: bool,
                    qualified: bool = False, skipped: Sequence[str] = ()) -> Iterator:
    """Rich renderables, yielded one by one so that --details streams: a table per
    student (when asked), then the summary (the first rows and a count of the
    rest), then per-question statistics."""
    from rich.table import Table
    from rich.text import Text

    if per_student:
        for g in grades:
            yield student_table(g)
    summary = Table(title=f"{len(grades):,} submission{'s' * (len(grades) != 1)}", title_justify="left")
    for name in ("student", "file", "score", "of", "status"):
        summary.add_column(name, overflow="fold")
    shown = shown_paths([g.source for g in grades[:SUMMARY_ROWS]])
    for g, where in zip(grades[:SUMMARY_ROWS], shown):
        status = Text(f"invalid: {terminal_safe(g.invalid)}", style="red") if g.invalid else Text(file_status(g))
        summary.add_row(Text(terminal_safe(g.student)), Text(terminal_safe(where)),
                        show_score(g.score), show_score(g.max_score), status)
    yield summary
    if len(grades) > SUMMARY_ROWS:
        yield Text(f"{len(grades) - SUMMARY_ROWS:,} more submissions not shown; --csv FILE or --json lists every "
                   "one", style="dim")
    for line in summary_lines(grades, skipped):
        yield Text(line)
    if stats:
        yield QuestionStatistics(statistics(grades, question_ids, qualified))


class QuestionStatistics:
    """The per-question statistics for a terminal: a table where its counts fit the
    width unbroken (the mistakes column wraps at spaces), else one paragraph per
    question.  A table squeezed narrower than its ids and headers folds them
    mid-word ("alexn|et/wi|dth"), which nobody can read."""

    MISTAKES_MIN_WIDTH = 24

    def __init__(self, rows: list[dict]) -> None:
        self.rows = rows

    @staticmethod
    def _mistakes(row: dict) -> str:
        common = "; ".join(f"{m['mistake']} ({m['count']})" for m in row["common_mistakes"])
        if row["renamed_ids"]:
            count = row["renamed_ids"]
            common = (common + "; " if common else "") + f"{count} answer{'s' * (count != 1)} found under a misspelt id"
        return common

    def _table(self, with_mistakes: bool) -> Table:
        from rich.table import Table
        from rich.text import Text

        table = Table(title="per question", title_justify="left")
        for name in ("question", *STATUSES, "mean"):
            table.add_column(name, no_wrap=True)
        if with_mistakes:
            table.add_column("most common mistakes", min_width=self.MISTAKES_MIN_WIDTH)
        for row in self.rows:
            cells: list[Text | str] = [Text(terminal_safe(row["question"])), *[str(row[s]) for s in STATUSES],
                                       str(row["mean_score"])]
            table.add_row(*cells, *([Text(terminal_safe(self._mistakes(row)))] if with_mistakes else []))
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator:
        from rich.measure import Measurement
        from rich.text import Text

        counts = Measurement.get(console, options, self._table(with_mistakes=False)).maximum
        if counts + self.MISTAKES_MIN_WIDTH + 3 <= options.max_width:
            yield self._table(with_mistakes=True)
            return
        yield Text("per question (one paragraph each: the table is wider than the terminal)")
        for row in self.rows:
            counts_text = ", ".join(f"{row[s]} {s}" for s in STATUSES if row[s])
            yield Text(f"{terminal_safe(row['question'])}: {counts_text or 'no answers'}; mean {row['mean_score']}")
            if self._mistakes(row):
                yield Text(f"  most common mistakes: {terminal_safe(self._mistakes(row))}")
