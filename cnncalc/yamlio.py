"""Reading YAML as plain data, safely, with the line of every key.

Exercise files, layer stacks and student answers are untrusted: YAML is
composed with ``yaml.SafeLoader`` into nodes and turned into Python data by
us, so

* no tag (``!!python/object``, ``!custom``) is ever constructed: only maps,
  lists, strings, numbers, booleans and null;
* aliases (``*name``) are refused, so an alias bomb ("billion laughs") cannot
  expand; anchors are unnecessary in exercises;
* the size and the nesting depth of a document are bounded;
* a key given twice is an error (YAML would silently keep the last);
* every key path ("questions[2].compute.kernel") keeps its line, so errors
  can say ``file.yaml: line 12: questions[2].compute: ...``.

Student answer files are read with ``typed=True``: every value arrives as the
student typed it, since YAML's own reading would change it before the grader
sees it (``290.400`` would become the float 290.4, ``0012345`` the octal 5349,
``yes`` True).  Scalars are their source text, lists keep the text of the
whole list (:class:`TypedList`), and a key given twice becomes a
:class:`Repeated` value that the grader reports.

>>> doc = load_yaml("units: 290.400\\nstudent: 0012345\\nshape: [1x1x4096]", "a.yaml", typed=True)
>>> doc.data["units"], doc.data["student"], doc.data["shape"].source
('290.400', '0012345', '[1x1x4096]')

>>> doc = load_yaml('a: 1\\nb: [2, 3]\\n', "x.yaml")
>>> doc.data, doc.where("b[1]")
({'a': 1, 'b': [2, 3]}, 'x.yaml: line 2: b[1]')
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import InputError

if TYPE_CHECKING:
    import yaml

MAX_BYTES = 5_000_000
MAX_NODES = 200_000
MAX_DEPTH = 64  # levels of nested mappings and lists
PLAIN_TAGS = {
    "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:str", "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
}


class YamlSyntaxError(InputError):
    """Text that is not YAML: the message names the line; ``text`` is the document, for a reader that
    can still read part of it (an answer file's other answers, cnncalc.grading.recovery)."""

    def __init__(self, message: str, text: str, line: int | None, problem: str) -> None:
        super().__init__(message)
        self.text, self.line, self.problem = text, line, problem


@dataclass(frozen=True)
class Unreadable:
    """Stands for one entry of a document that is not YAML as typed (the rest of it was read)."""

    text: str  # the value as typed, after its key
    line: int
    problem: str


@dataclass(frozen=True)
class RefusedTag:
    """Stands for a tagged value that was not constructed (``tags="mark"``)."""

    tag: str


class TypedList(list):
    """A YAML list read with ``typed=True``: its items, and ``source``, the list
    exactly as it was typed (``[55, 55, 96]``, ``[1x1x4096]``)."""

    source: str = ""


@dataclass(frozen=True)
class Repeated:
    """A key given more than once in a typed document: every value, in order."""

    values: tuple
    lines: tuple

    @staticmethod
    def adding(earlier: object, earlier_line: int, value: object, line: int) -> Repeated:
        """A key's values with one more: ``earlier`` is its first value (on ``earlier_line``) or already a
        :class:`Repeated` (whose own lines are kept)."""
        if isinstance(earlier, Repeated):
            return Repeated((*earlier.values, value), (*earlier.lines, line))
        return Repeated((earlier, value), (earlier_line, line))


@dataclass
class YamlDocument:
    """Plain data plus the line of every key path."""

    data: Any  # the plain data of the document: any YAML value
    source: str
    lines: dict = field(default_factory=dict)
    tags: str = "raise"  # or "mark": see load_yaml
    typed: bool = False  # scalars as typed: see the module docstring
    text: str = ""

    def line(self, path: str) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            # fall back to the nearest enclosing key
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return None

    def where(self, path: str) -> str:
        """'file: line N: path' for error messages."""
        line = self.line(path)
        at = f"line {line}: " if line else ""
        return f"{self.source}: {at}{path}" if path else f"{self.source}: {at}".rstrip(": ")


def load_yaml(text: str, source: str = "<yaml>", tags: str = "raise", typed: bool = False) -> YamlDocument:
    """Parse YAML text into plain data; errors name the source and line.

    ``tags="mark"`` turns a tagged value into a :class:`RefusedTag` instead of
    refusing the whole document (the grader marks just that answer invalid);
    ``typed=True`` keeps every value as typed (see the module docstring).
    """
    import yaml

    if len(text) > MAX_BYTES:
        raise InputError(f"{source}: {len(text):,} characters is more than {MAX_BYTES:,}; split the file")
    if text.count("[") + text.count("{") > MAX_DEPTH and _bracket_depth(text) > MAX_DEPTH:
        # libyaml's parser recurses per bracket: 30,000 of them crash the process before MAX_DEPTH is checked
        raise InputError(f"{source}: brackets nested more than {MAX_DEPTH} deep; a document needs only a few levels "
                         "(docs/limits.md)")
    # libyaml's parser when present (several times faster); both only compose nodes
    if typed:
        # every value is kept as its text, so YAML's implicit typing is not needed: the base
        # loader skips it (explicit tags such as !!python/... are still seen and refused)
        loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)(text)
    else:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    document = YamlDocument(None, source, tags=tags, typed=typed, text=text)
    try:
        node = loader.get_single_node()
        if node is not None:
            seen: set[int] = set()
            document.data = _to_python(node, "", document, loader, seen, 0)
    except RecursionError:
        raise InputError(f"{source}: nested too deeply; a document needs only a few levels") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise YamlSyntaxError(f"{source}: {where}not valid YAML ({problem}); check the indentation and colons",
                              text, mark.line + 1 if mark else None, problem) from None
    finally:
        loader.dispose()
    return document


def _bracket_depth(text: str) -> int:
    """The deepest nesting of [ and { in a text (brackets in quotes counted too: a bound, not a parse).

    >>> _bracket_depth("a: [[1, 2], {b: [3]}]")
    3
    """
    depth = deepest = 0
    for bracket in re.findall(r"[\[\]{}]", text):
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


def load_yaml_file(path: str, tags: str = "raise", max_bytes: int = MAX_BYTES, typed: bool = False) -> YamlDocument:
    """A YAML file: a regular file (a FIFO or a folder is refused, not waited on) of at most ``max_bytes``."""
    from .files import read_regular

    return load_yaml_bytes(read_regular(path, max_bytes, "YAML file"), str(path), tags, typed)


def load_yaml_bytes(raw: bytes, source: str, tags: str = "raise", typed: bool = False) -> YamlDocument:
    """YAML from the bytes of a file: UTF-8 text without NUL bytes."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{source}: is not UTF-8 text; save it as a plain-text YAML file") from None
    if "\x00" in text:
        raise InputError(f"{source}: is binary (it contains NUL bytes); save it as a plain-text YAML file")
    return load_yaml(text, source, tags, typed)


def _to_python(node: yaml.Node, path: str, document: YamlDocument, loader: Any, seen: set, depth: int) -> Any:
    import yaml

    if id(node) in seen:
        # an alias is the anchored node itself: name where it is used, not the anchor
        raise InputError(
            f"{document.source}: line {document.line(path) or node.start_mark.line + 1}: "
            f"{path or 'document'} repeats an anchor (&/*); "
            "aliases are not allowed, write the value out"
        )
    seen.add(id(node))
    if len(seen) > MAX_NODES:
        raise InputError(f"{document.source}: more than {MAX_NODES:,} values; split the file")
    line = node.start_mark.line + 1
    if depth > MAX_DEPTH:
        raise InputError(f"{document.source}: line {line}: {path or 'document'} is nested more than {MAX_DEPTH} "
                         "levels deep; a document needs only a few levels (docs/limits.md)")
    document.lines.setdefault(path, line)
    if node.tag not in PLAIN_TAGS:
        if document.tags == "mark":
            return RefusedTag(node.tag)
        raise InputError(
            f"{document.source}: line {line}: {path or 'document'}: the tag '{node.tag}' is not allowed; "
            "only plain YAML data is read, remove the tag"
        )
    if isinstance(node, yaml.MappingNode):
        return _mapping(node, path, document, loader, seen, depth)
    if isinstance(node, yaml.SequenceNode):
        items = [_to_python(v, f"{path}[{i}]", document, loader, seen, depth + 1) for i, v in enumerate(node.value)]
        if not document.typed:
            return items
        typed = TypedList(items)
        typed.source = document.text[node.start_mark.index:node.end_mark.index].strip()
        return typed
    return _scalar(node, document, loader)


def _mapping(node: yaml.MappingNode, path: str, document: YamlDocument, loader: Any, seen: set, depth: int) -> dict:
    """A mapping with plain keys; a key given twice is an error, or, when the document is read as typed,
    a :class:`Repeated` holding every value (an answer file reports it)."""
    import yaml

    result: dict = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in PLAIN_TAGS:
            raise InputError(f"{document.source}: line {key_node.start_mark.line + 1}: a key must be a plain name")
        key = key_node.value if document.typed else _scalar(key_node, document, loader)
        sub = f"{path}.{key}" if path else str(key)
        key_line = key_node.start_mark.line + 1
        value = _to_python(value_node, sub, document, loader, seen, depth + 1)
        if key in result:
            if not document.typed:
                raise InputError(f"{document.source}: line {key_line}: {sub}: the key '{key}' is given twice "
                                 f"(first on line {document.lines[sub]}); keep one")
            result[key] = Repeated.adding(result[key], document.lines[sub], value, key_line)
            continue
        document.lines[sub] = key_line
        result[key] = value
    return result


class DecimalText(float):
    """A YAML decimal that keeps the text it was typed as: ``expected: 290.400`` is the float 290.4 to
    code that wants a number, and '290.400' to code that reads it as the author wrote it (a published
    answer, read like a student's)."""

    text: str

    def __new__(cls, text: str) -> DecimalText:
        value = super().__new__(cls, text)
        value.text = text
        return value

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


def dump_yaml(data: Any) -> str:
    """YAML text of plain data, a :class:`DecimalText` written as it was typed (a variant of an exercise
    keeps its author's 290.400)."""
    import yaml

    return yaml.dump(data, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=100)


@functools.cache
def _dumper() -> type:
    """PyYAML's safe dumper that writes a DecimalText as typed (made once: a bank of variants dumps often)."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(DecimalText, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float",
                                                                                        value.text))
    return Dumper


_NULL = re.compile(r"~|null|Null|NULL|")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")


def core_value(text: str) -> Any:
    """A plain scalar by the YAML 1.2 core schema: YAML 1.1's readings (PyYAML's), which turn 16:9 into
    969 (base 60), 010 into 8 (octal), 1_000 into 1000 and yes into True, do not apply.

    >>> [core_value(t) for t in ("16:9", "010", "1_000", "yes", "true", "0x1F", "~", "290.400")]
    ['16:9', 10, '1_000', 'yes', True, 31, None, 290.400]
    """
    if _NULL.fullmatch(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.fullmatch(text):
        return int(text, 10)
    if re.fullmatch(r"0o[0-7]+", text):
        return int(text[2:], 8)
    if re.fullmatch(r"0x[0-9a-fA-F]+", text):
        return int(text[2:], 16)
    if _FLOAT.fullmatch(text):
        return DecimalText(text)
    if re.fullmatch(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)", text):
        return float(text.replace(".", "", 1))
    return text


def _scalar(node: yaml.Node, document: YamlDocument, loader: Any) -> Any:
    """A scalar: the text as typed (an empty value, ~ or null unquoted: no value), or its value by the
    YAML 1.2 core schema (a quoted scalar is text; so is any plain one the schema does not read as a
    number, a boolean or null, whatever YAML 1.1 made of it)."""
    plain = getattr(node, "style", None) in (None, "")
    if document.typed:
        if plain and node.value in ("", "~", "null", "Null", "NULL"):
            return None
        return node.value
    if not plain:
        return node.value  # quoted: text
    if node.tag == "tag:yaml.org,2002:str" and document.text[node.start_mark.index:].startswith("!"):
        return node.value  # !!str 12: text, as its author asked
    try:
        return core_value(node.value)
    except (ValueError, OverflowError):
        # an integer of more than 4,300 digits, which Python will not convert: the text as
        # written goes on, and the number reader refuses it with its own limit
        return node.value
