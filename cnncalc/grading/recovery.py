"""What can still be read of an answer file that is not YAML as a whole.

A TA grades the answers a student wrote well even where one line breaks the
file: an unclosed bracket, or a bare ``-`` typed for "no answer" (YAML reads
it as the start of a list and refuses the line).  An answer file is a flat
map: its own keys at the left margin (``exercise``, ``student``,
``answers``) and, under ``answers:``, one key per question.  Each of those
entries is read on its own; one that still is not YAML becomes an
:class:`~cnncalc.yamlio.Unreadable` value, graded invalid with the parser's
message, and a lone dash is read as the dash it is.

>>> text = "exercise: ex\\nanswers:\\n  width: 55\\n  units: \\"290 400\\n  loss: -\\n\\tmatrix: [[1, 2], [3, 4]\\n"
>>> data, notes = recover(text, "a.yaml")
>>> data["answers"]["width"], data["answers"]["loss"], data["answers"]["matrix"]
('55', '-', [['1', '2'], ['3', '4']])
>>> data["answers"]["units"].line, notes
(4, ["line 6: the list's closing ] is missing; read as if it were there"])
"""

from __future__ import annotations

import re
import textwrap

from ..yamlio import Repeated, TypedList, Unreadable, YamlSyntaxError, load_yaml

# 'key:' at the start of a line: a plain name (or a quoted one), a colon, then a space or the line's end
_KEY = r"""(?P<quote>["']?)(?P<key>[^\s#:"'\-\[\]{}!&*|>%@`][^:#\n]*?)(?P=quote)[ \t]*:(?=[ \t]|$)"""
_TOP_KEY = re.compile(_KEY)
_DASHES = {"-", "–", "—"}


def recover(text: str, source: str) -> tuple[dict, list[str]] | None:
    """(the answer file's data read entry by entry, notes on what was read so), or None when it has no
    entries to read.

    Leading tabs count as two spaces each (YAML refuses tabs; a file that mixes them with spaces is
    aligned so), and 'width:55' (no space after the colon, which YAML reads as one word) is a key and
    its answer."""
    lines = [_untabbed(line) for line in text.splitlines()]
    entries = _entries(lines)
    if not entries:
        return None
    notes: list[str] = []
    data: dict = {}
    where: dict[str, int] = {}
    for key, start, stop in entries:
        answers = _answers(lines, start, stop, source, notes) if key == "answers" else None
        # 'answers:' with no question keys under it, and every other entry: read as one entry
        value = _entry(lines, start, stop, source, notes, repair=False) if answers is None else answers
        _put(data, where, key, value, start + 1)
    return data, notes


def _untabbed(line: str) -> str:
    stripped = line.lstrip(" \t")
    lead = line[:len(line) - len(stripped)]
    line = lead.replace("\t", "  ") + stripped
    # width:55 -> width: 55 (an id, a colon, then the answer at once)
    return re.sub(r"^(\s*[A-Za-z][\w.\-]*):(?=[^\s/])", r"\1: ", line)


def _entries(lines: list[str]) -> list[tuple[str, int, int]]:
    """(key, first line, end) of each entry at the left margin (the file's own keys); the lines after a
    key that do not start another entry (deeper lines, list items, comments) belong to it."""
    starts = [(match.group("key").strip(), number) for number, line in enumerate(lines)
              if line[:1] not in (" ", "\t") and (match := _TOP_KEY.match(line))]
    return _spans(starts, len(lines))


def _spans(starts: list[tuple[str, int]], stop: int) -> list[tuple[str, int, int]]:
    """(key, first line, end) from each entry's key and first line: it ends where the next one starts."""
    return [(key, first, starts[i + 1][1] if i + 1 < len(starts) else stop) for i, (key, first) in enumerate(starts)]


def _answer_entries(lines: list[str], start: int, stop: int) -> list[tuple[str, int, int]]:
    """(key, first line, end) of each answer under 'answers:': any indented 'id: ...' line starts one, however
    deep (a file that is not YAML is often not aligned either: 4 spaces, then a tab, then 2), except the lines
    of a block text ('table: |') deeper than its key."""
    starts: list[tuple[str, int]] = []
    block_indent: int | None = None  # the key's indentation while inside a block text
    for number in range(start, stop):
        line = lines[number]
        depth = len(line) - len(line.lstrip(" "))
        if not depth or not line.strip():
            continue
        if block_indent is not None and depth > block_indent:
            continue
        match = _TOP_KEY.match(line, depth)
        if match:
            starts.append((match.group("key").strip(), number))
            value = line[match.end():].split("#", 1)[0].strip()
            block_indent = depth if re.fullmatch(r"[|>][+-]?\d?", value) else None
    return _spans(starts, stop)


def _answers(lines: list[str], start: int, stop: int, source: str, notes: list[str]) -> dict | None:
    """The entries under 'answers:', each read alone; None when there are none to read so."""
    if lines[start].split(":", 1)[1].split("#", 1)[0].strip():
        return None  # answers: {a: 1, ...} on its key's line
    body = [n for n in range(start + 1, stop) if lines[n].strip() and not lines[n].lstrip().startswith("#")]
    if not body:
        return None
    first = lines[body[0]]
    if not first[:len(first) - len(first.lstrip(" \t"))]:
        return None
    entries = _answer_entries(lines, start + 1, stop)
    if not entries:
        return None
    answers: dict = {}
    where: dict[str, int] = {}
    for key, first_line, end in entries:
        _put(answers, where, key, _entry(lines, first_line, end, source, notes), first_line + 1)
    return answers


def _entry(lines: list[str], start: int, stop: int, source: str, notes: list[str], repair: bool = True) -> object:
    """The value of the entry on lines start..stop, read as YAML on its own; an answer (``repair``) that is
    a list whose closing brackets are missing at its end ('[[90, 80, 40], [50, 55, 20], [5, 50, 20]') is
    read as if they were there, as a TA reads it."""
    block = textwrap.dedent("\n".join(lines[start:stop]))
    try:
        document = load_yaml(block, source, tags="mark", typed=True)
    except YamlSyntaxError as error:
        typed = block.split(":", 1)[1].strip() if ":" in block else block.strip()
        if typed.split("#", 1)[0].strip() in _DASHES:
            return "-"  # a bare dash: no answer, as the student meant
        missing = typed.count("[") - typed.count("]")
        if repair and 0 < missing <= 2 and typed.startswith("[") and typed.count("(") == typed.count(")"):
            try:
                document = load_yaml(block.rstrip() + "]" * missing, source, tags="mark", typed=True)
            except YamlSyntaxError:
                return Unreadable(typed, start + 1, error.problem)
            value = _only_value(document.data)
            if isinstance(value, TypedList):
                value.source = typed  # the answer as the student typed it
                notes.append(f"line {start + 1}: the list's closing {']' * missing} is missing; read as if it "
                             "were there")
                return value
        return Unreadable(typed, start + 1, error.problem)  # the line the answer starts on
    value = _only_value(document.data)
    return value if value is not _NONE else Unreadable(block.strip(), start + 1, "not one key and its value")


_NONE = object()


def _only_value(data: object) -> object:
    """The value of a one-key mapping, else _NONE."""
    return next(iter(data.values())) if isinstance(data, dict) and len(data) == 1 else _NONE


def _put(mapping: dict, where: dict[str, int], key: str, value: object, line: int) -> None:
    """Add an entry; a key given twice keeps every value, as the YAML reader does for answer files."""
    if key not in mapping:
        mapping[key], where[key] = value, line
    else:
        mapping[key] = Repeated.adding(mapping[key], where[key], value, line)
