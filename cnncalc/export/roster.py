"""Per-student variants: which seed each student's numbers come from.

A student never types a seed.  Their seed is derived from the assignment's base
seed and an identifier the platform already knows (a student id from the
roster, else the e-mail, else a platform's user id), so that the printed sheet,
the autograder and the answer key agree without a table to keep in sync:

>>> student_seed(1, "s1001"), student_seed(1, "S1001 "), student_seed(2, "s1001") != student_seed(1, "s1001")
(124360337, 124360337, True)

A roster CSV may also give a ``seed`` column, which wins.  Columns are found by
their header, as learning platforms export them: ``sid``/``student id``/
``id number``/``sis user id``/``id``/``user id``/``username`` (the id),
``email``/``email address``, and ``name`` or ``first name`` + ``last name``
(or ``surname``).  Rows are data: nothing in a roster is ever evaluated.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..exercises.exercise import Exercise
from ..limits import MAX_SEED

#: Seeds are whole numbers below this bound: short enough to print on a sheet.
SEED_BOUND = 1_000_000_000
MAX_ROSTER_BYTES = 5_000_000

# header (normalised) -> role; the first id column in this order is the student's key
_ID_HEADERS = ("sid", "student id", "studentid", "student number", "matriculation number", "id number",
               "sis user id", "id", "user id", "userid", "username", "login", "sis login id")
_EMAIL_HEADERS = ("email", "e mail", "email address", "e mail address")
_NAME_HEADERS = ("name", "full name", "student", "student name")
_FIRST_HEADERS = ("first name", "given name", "firstname")
_LAST_HEADERS = ("last name", "surname", "family name", "lastname")


def student_seed(base: int, key: str) -> int:
    """The variant seed of the student identified by ``key`` (case and
    surrounding spaces ignored) for the base seed ``base``: the first eight bytes
    of SHA-256 of ``"base:key"``, below :data:`SEED_BOUND`."""
    digest = hashlib.sha256(f"{base}:{key.strip().lower()}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % SEED_BOUND


def variant_seeds(base: int, count: int) -> list[int]:
    """The seeds of ``count`` numbered variants: base, base + 1, ...

    >>> variant_seeds(7, 3)
    [7, 8, 9]
    """
    if count < 1:
        raise InputError(f"--variants {count}: give at least 1 variant")
    if count > MAX_VARIANTS:
        raise InputError(f"--variants {count:,} is more than {MAX_VARIANTS:,}, a bank for a large course; "
                         "give fewer (each variant takes about 15 ms and 20 KB)")
    if base < 0 or base + count - 1 > MAX_SEED:
        given = f"--seed {base} with --variants {count}" if count > 1 else f"--seed {base}"
        raise InputError(f"{given} gives seeds outside 0..2^63 - 1, the seeds of variants; "
                         f"give a --seed from 0 to {MAX_SEED - count + 1}")
    return [base + i for i in range(count)]


MAX_VARIANTS = 10_000


# (id of the exercise, seed) -> (the exercise, its variant); the exercise is kept so that its id is not reused
_VARIANTS: dict[tuple[int, int], tuple[Exercise, Exercise]] = {}


def variant(exercise: Exercise, seed: int | None) -> Exercise:
    """The exercise a student with ``seed`` gets: its variant for that seed, or the
    exercise itself when it has no ``variants:`` (or no seed is given)."""
    if seed is None or not exercise.variants:
        return exercise
    key = (id(exercise), seed)
    cached = _VARIANTS.get(key)
    if cached is None or cached[0] is not exercise:
        from ..exercises.variants import generate

        if len(_VARIANTS) > 4096:
            _VARIANTS.clear()
        cached = _VARIANTS[key] = (exercise, generate(exercise, seed)[0])
    return cached[1]


def forget_variants() -> None:
    """Drop the variants built so far (a long-running process, a benchmark)."""
    _VARIANTS.clear()


# --------------------------------------------------------------------------- rosters

@dataclass(frozen=True)
class Student:
    """One roster row: the key the seed is derived from, how to address the
    student, every identifier that names them, and their seed."""

    key: str
    name: str
    email: str
    ids: tuple[str, ...]
    seed: int
    line: int = 0

    def matches(self, identifiers: list[str]) -> bool:
        """Whether any of a platform's identifiers (user id, sid, e-mail) names this student."""
        mine = {i.strip().lower() for i in self.ids if i.strip()}
        return any(str(i).strip().lower() in mine for i in identifiers if str(i).strip())


def _header(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def read_roster(path: str | os.PathLike, base: int) -> list[Student]:
    """Students of a roster CSV (header row required), each with a seed: the
    row's ``seed`` column when given, else :func:`student_seed` of its key."""
    target = Path(path)
    if not target.is_file():
        raise InputError(f"roster {path}: no such file; give a CSV with a header row such as 'name,sid,email'")
    if target.stat().st_size > MAX_ROSTER_BYTES:
        raise InputError(f"roster {path} is larger than {MAX_ROSTER_BYTES:,} bytes; give the class list only")
    try:
        text = target.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"roster {path} is not UTF-8 text; save it as CSV (UTF-8)") from None
    return parse_roster(text, str(path), base)


def parse_roster(text: str, source: str, base: int) -> list[Student]:
    """Students of a roster given as CSV text (see :func:`read_roster`).

    >>> [(s.name, s.key, s.seed) for s in parse_roster("Name,SID,Email\\nAda Lovelace,s1001,ada@uni.edu\\n", "r.csv", 1)]
    [('Ada Lovelace', 's1001', 124360337)]
    """
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise InputError(f"roster {source} is empty; give a header row (name,sid,email) and one row per student")
    headers = [_header(h) for h in rows[0]]

    def column(options: tuple[str, ...]) -> int | None:
        for option in options:
            if option in headers:
                return headers.index(option)
        return None

    id_columns = [headers.index(h) for h in _ID_HEADERS if h in headers]
    email_col, name_col = column(_EMAIL_HEADERS), column(_NAME_HEADERS)
    first_col, last_col, seed_col = column(_FIRST_HEADERS), column(_LAST_HEADERS), column(("seed",))
    if not id_columns and email_col is None:
        raise InputError(f"roster {source}: no id or e-mail column among {', '.join(rows[0])}; name one 'sid' "
                         "(or 'id', 'student id') or 'email'")
    students: list[Student] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        def cell(index: int | None) -> str:  # called within this iteration only
            return row[index].strip() if index is not None and index < len(row) else ""  # noqa: B023

        ids = [cell(i) for i in id_columns]
        email = cell(email_col)
        key = next((i for i in ids if i), "") or email
        if not key:
            raise InputError(f"roster {source}: line {number} has no id and no e-mail; fill one in or remove the row")
        name = cell(name_col) or " ".join(p for p in (cell(first_col), cell(last_col)) if p) or key
        if key.lower() in seen:
            raise InputError(f"roster {source}: line {number} repeats the id '{key}' of line {seen[key.lower()]}; "
                             "every student needs an id of their own")
        seen[key.lower()] = number
        seed_text = cell(seed_col)
        if seed_text:
            if not re.fullmatch(r"\d{1,18}", seed_text):
                raise InputError(f"roster {source}: line {number}: seed '{seed_text[:40]}' is not a whole number "
                                 "0 or more; write a number or leave the cell empty")
            seed = int(seed_text)
        else:
            seed = student_seed(base, key)
        students.append(Student(key, name, email, tuple(i for i in ids + [email] if i), seed, number))
    if not students:
        raise InputError(f"roster {source} has a header but no students; add one row per student")
    return students


def roster_csv(students: list[Student]) -> str:
    """The roster as cnncalc reads it back (name, sid, email, seed): what the
    Gradescope zip carries, so that its seeds are the sheets' seeds."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "sid", "email", "seed"])
    for s in students:
        writer.writerow([s.name, s.key, s.email, s.seed])
    return out.getvalue()


__all__ = ["Student", "student_seed", "variant_seeds", "variant", "forget_variants", "read_roster", "parse_roster",
           "roster_csv", "SEED_BOUND"]
