"""Gradebooks: terminal tables, JSON, CSV, Gradescope's results.json, class statistics.

Scores are exact fractions; they are shown as decimals (two places where a
fraction does not terminate).

>>> show_score(Fraction(7, 3)), show_score(Fraction(5, 2)), show_score(Fraction(4))
('2.33', '2.5', '4')
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from fractions import Fraction
from pathlib import Path

from .grader import STATUSES, SubmissionGrade


def show_score(value: Fraction) -> str:
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    q = value.denominator
    for p in (2, 5):
        while q % p == 0:
            q //= p
    if q == 1:
        from ..render import format_value

        return format_value(value)
    return f"{float(value):.2f}"


def _number(value: Fraction):
    """JSON number: an int when whole, else a float of the exact score (display only)."""
    value = Fraction(value)
    return value.numerator if value.denominator == 1 else round(float(value), 6)


def submission_json(grade: SubmissionGrade) -> dict:
    data = {
        "student": grade.student,
        "exercise": grade.exercise,
        "file": grade.source,
        "score": _number(grade.score),
        "max_score": _number(grade.max_score),
        "status": "invalid" if grade.invalid else "graded",
        "questions": [
            {"id": q.id, "score": _number(q.score), "max_score": _number(q.max_score), "status": q.status,
             "answer": q.read_as, "feedback": q.feedback}
            for q in grade.questions
        ],
    }
    if grade.seed is not None:
        data["seed"] = grade.seed
    if grade.invalid:
        data["invalid"] = grade.invalid
    return data


def gradebook_json(grades: list[SubmissionGrade]) -> str:
    return json.dumps([submission_json(g) for g in grades], ensure_ascii=False)


def column(grade: SubmissionGrade, question_id: str, qualified: bool) -> str:
    """A question's gradebook column: its id, or exercise/id when several exercises are graded."""
    return f"{grade.exercise}/{question_id}" if qualified else question_id


def gradebook_csv(grades: list[SubmissionGrade], question_ids: list[str], qualified: bool = False) -> str:
    """One row per submission, one column per question (its score)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["student", "file", "exercise", "score", "max_score", "status", *question_ids, "note"])
    for g in grades:
        scores = {column(g, q.id, qualified): show_score(q.score) for q in g.questions}
        writer.writerow([g.student, g.source, g.exercise, show_score(g.score), show_score(g.max_score),
                         "invalid" if g.invalid else "graded", *[scores.get(i, "") for i in question_ids],
                         g.invalid])
    return out.getvalue()


def gradescope_json(grade: SubmissionGrade) -> dict:
    """Gradescope's autograder results.json: a total and one test per question."""
    if grade.invalid:
        return {"score": 0, "output": f"The answer file could not be graded: {grade.invalid}", "tests": []}
    return {
        "score": _number(grade.score),
        "output": f"{grade.student}: {show_score(grade.score)} / {show_score(grade.max_score)}",
        "tests": [{"name": q.id, "score": _number(q.score), "max_score": _number(q.max_score),
                   "output": f"{q.status}: {q.feedback}" + (f" (read as {q.read_as})" if q.read_as else "")}
                  for q in grade.questions],
    }


def write_gradescope(grades: list[SubmissionGrade], target: str) -> list[str]:
    """One submission -> TARGET as results.json; several -> TARGET/<student>.json each."""
    path = Path(target)
    if len(grades) == 1 and path.suffix == ".json":
        path.write_text(json.dumps(gradescope_json(grades[0]), ensure_ascii=False), encoding="utf-8")
        return [str(path)]
    path.mkdir(parents=True, exist_ok=True)
    written, seen = [], Counter()
    for g in grades:
        name = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in g.student) or "submission"
        seen[name] += 1
        if seen[name] > 1:
            name = f"{name}-{seen[name]}"
        out = path / f"{name}.json"
        out.write_text(json.dumps(gradescope_json(g), ensure_ascii=False), encoding="utf-8")
        written.append(str(out))
    return written


def statistics(grades: list[SubmissionGrade], question_ids: list[str], qualified: bool = False) -> list[dict]:
    """Per question: how many got it, the mean score, the most common mistakes."""
    valid = [g for g in grades if not g.invalid]
    by_column: dict = {}
    for g in valid:
        for q in g.questions:
            by_column.setdefault(column(g, q.id, qualified), []).append(q)
    rows = []
    for qid in question_ids:
        results = by_column.get(qid, [])
        statuses = Counter(q.status for q in results)
        mistakes = Counter(q.mistake for q in results if q.mistake)
        total = sum((q.score for q in results), Fraction(0))
        max_total = sum((q.max_score for q in results), Fraction(0))
        rows.append({
            "question": qid,
            **{status: statuses.get(status, 0) for status in STATUSES},
            "mean_score": _number(total / len(results)) if results else 0,
            "share": _number(total / max_total) if max_total else 0,
            "common_mistakes": [{"mistake": m, "count": c} for m, c in mistakes.most_common(3)],
        })
    return rows


def terminal_report(grades: list[SubmissionGrade], question_ids: list[str], per_student: bool, stats: bool,
                    qualified: bool = False):
    """Rich renderables: a table per student (when few or asked), a summary, statistics."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    parts = []
    if per_student:
        for g in grades:
            title = f"{g.student} ({g.source}): {show_score(g.score)} / {show_score(g.max_score)}"
            if g.invalid:
                parts.append(Text(f"{title} INVALID: {g.invalid}", style="bold red"))
                continue
            table = Table(title=title, title_justify="left")
            for column in ("question", "answer as read", "score", "feedback"):
                table.add_column(column, overflow="fold")
            for q in g.questions:
                style = {"correct": "green", "partial": "yellow", "wrong": "red", "invalid": "magenta"}.get(q.status, "")
                table.add_row(q.id, q.read_as[:40], f"{show_score(q.score)}/{show_score(q.max_score)}",
                              Text(q.feedback, style=style))
            parts.append(table)
    summary = Table(title=f"{len(grades)} submission{'s' * (len(grades) != 1)}", title_justify="left")
    for column in ("student", "score", "of", "status"):
        summary.add_column(column)
    for g in grades:
        summary.add_row(g.student, show_score(g.score), show_score(g.max_score),
                        Text(f"invalid: {g.invalid}", style="red") if g.invalid else "graded")
    if len(grades) <= 60 or not per_student:
        parts.append(summary)
    valid = [g for g in grades if not g.invalid]
    if valid:
        share = sum((g.score / g.max_score for g in valid if g.max_score), Fraction(0)) / len(valid)
        parts.append(Text(f"{len(valid)} graded, {len(grades) - len(valid)} invalid; mean score "
                          f"{float(share) * 100:.1f}% of the points"))
    else:
        parts.append(Text(f"0 graded, {len(grades)} invalid"))
    if stats:
        table = Table(title="per question", title_justify="left")
        for column in ("question", *STATUSES, "mean", "most common mistakes"):
            table.add_column(column, overflow="fold")
        for row in statistics(grades, question_ids, qualified):
            common = "; ".join(f"{m['mistake']} ({m['count']})" for m in row["common_mistakes"])
            table.add_row(row["question"], *[str(row[s]) for s in STATUSES], str(row["mean_score"]), common)
        parts.append(table)
    return Group(*parts)
