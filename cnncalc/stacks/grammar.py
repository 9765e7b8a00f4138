"""Reading layer stacks: the inline grammar and YAML files (never evaluated).

Inline grammar (layers separated by ``->``)::

    stack   := input ("->" layer)*
    input   := size ("x" size)*          227x227x3, "N x N x 3", 784 (flat)
    layer   := kind positional* option*  conv 96 11x11 stride 4 pad 0
             | residual( stack [ | stack ] )     body, then optional shortcut
             | concat( stack | stack ... )       branches, channels concatenated
    option  := key value | key=value | flag      stride 2, pad same, nobias, ceil

A size is a whole number or a symbol (letters and digits, no 'x'): ``N``.

>>> spec = parse_inline("227x227x3 -> conv 96 11x11 stride 4 -> maxpool 3 stride 2")
>>> spec.input.text(), [unparse(layer) for layer in spec.layers]
('227x227x3', ['conv 96 11x11 stride 4', 'maxpool 3 stride 2'])
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..errors import InputError, SpecError, did_you_mean
from ..geometry import PADDING_MODES, Padding, PerAxis, Size
from ..yamlio import YamlDocument
from .layers import (
    ACTIVATIONS,
    CONVENTIONS,
    LRN,
    POOL_OPS,
    Activation,
    AdaptivePool,
    BatchNorm,
    Concat,
    Conv,
    Convention,
    ConvTranspose,
    Dense,
    Dropout,
    Flatten,
    GlobalPool,
    Layer,
    Leaf,
    Pool,
    PoolOp,
    Residual,
    ZeroPad,
)
from .shapes import Shape, term

if TYPE_CHECKING:
    import sympy


@dataclass(frozen=True)
class StackSpec:
    """An input shape, layers, and optional settings from the description."""

    input: Shape
    layers: tuple[Layer, ...]
    name: str = "stack"
    convention: Convention | None = None


# --------------------------------------------------------------------------- values

_SYMBOL = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INT = re.compile(r"^[+-]?\d+$")

# Limits of a layer stack (docs/limits.md)
MAX_SIZE = 10**12  # any size: input, filters, kernel, stride, padding, units
MAX_SYMBOL_LENGTH = 64  # characters of a symbol's name
MAX_NESTING = 32  # residual( ... ) and concat( ... ) inside each other
MAX_INLINE = 200_000  # characters of an inline description (the largest built-in network has 485)


def symbol(name: str) -> sympy.Symbol:
    """A positive integer sympy symbol (sympy is imported only here)."""
    import sympy

    return sympy.Symbol(name, integer=True, positive=True)


def parse_size(value: object, what: str = "size") -> Size:
    """An int, or a symbol for a name.

    >>> parse_size("96"), parse_size(11)
    (96, 11)
    """
    if isinstance(value, bool):
        raise SpecError(f"{what} {value} is not a size; give a whole number such as 3")
    if isinstance(value, int):
        return _bounded(value, what)
    text = str(value).strip()
    if _INT.match(text):
        if len(text.lstrip("+-").lstrip("0")) > 13:
            raise SpecError(f"{what} '{text[:20]}...' has {len(text):,} digits; sizes are at most {MAX_SIZE:,} "
                            "(docs/limits.md)")
        return _bounded(int(text), what)
    if _SYMBOL.match(text) and "x" not in text and len(text) <= MAX_SYMBOL_LENGTH:
        return symbol(text)
    shown = text if len(text) <= 40 else text[:37] + "..."
    raise SpecError(f"{what} '{shown}' is not a whole number or a symbol; write e.g. 3 or N")


def _bounded(value: int, what: str) -> int:
    if abs(value) > MAX_SIZE:
        raise SpecError(f"{what} {value:,} is larger than {MAX_SIZE:,}, the limit of a size (docs/limits.md)")
    return value


def parse_sizes(value: object, what: str) -> PerAxis:
    """'5x5' or [5, 5] -> (5, 5); '5' -> 5."""
    if isinstance(value, (list, tuple)):
        items = [parse_size(v, what) for v in value]
        return items[0] if len(items) == 1 else tuple(items)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    parts = [p for p in re.split(r"[x×,]", str(value).strip()) if p.strip()]
    if not parts:
        raise SpecError(f"{what} '{value}' is empty; write e.g. 3 or 3x3")
    items = [parse_size(p, what) for p in parts]
    return items[0] if len(items) == 1 else tuple(items)


def parse_padding(value: object) -> Padding:
    if isinstance(value, str) and value.strip().lower() in PADDING_MODES:
        return value.strip().lower()
    return parse_sizes(value, "padding")


MAX_NAME = 100  # characters of a layer's or a network's name


def parse_name(value: object) -> str:
    """A layer or network name: printable text of at most MAX_NAME characters.

    >>> parse_name("conv1")
    'conv1'
    """
    from ..printable import has_control

    text = str(value)
    # no control characters (they would drive a terminal), no leading = + - @ (a formula in a spreadsheet)
    if len(text) > MAX_NAME or has_control(text) or not text.strip() or text.lstrip()[:1] in ("=", "+", "-", "@"):
        shown = repr(text[:40] + ("..." if len(text) > 40 else ""))
        raise SpecError(f"name {shown} is not a plain name; use up to {MAX_NAME} printable characters, "
                        "not starting with = + - @")
    return text


def parse_rate(value: object) -> Fraction:
    if isinstance(value, bool):
        raise SpecError(f"rate {value} is not a number; write e.g. 0.5")
    from ..expr import parse_scalar

    try:  # the value parser bounds the digits: Fraction("1e999999") would compute 10^999999
        return Fraction(parse_scalar(value if isinstance(value, (int, float)) else str(value).strip(),
                                     allow_symbols=False))
    except InputError:
        shown = str(value) if len(str(value)) <= 40 else str(value)[:37] + "..."
        raise SpecError(f"rate '{shown}' is not a number; write e.g. 0.5") from None


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0"):
        return False
    raise SpecError(f"'{value}' is not true or false; write true or false")


def parse_input(value: object, layout: str = "hwc") -> Shape:
    """Input sizes in display order (hwc: ... x channels; chw: channels x ...).

    >>> parse_input("227x227x3"), parse_input("3x227x227", "chw") == parse_input([227, 227, 3])
    (Shape(spatial=(227, 227), channels=3), True)
    """
    if isinstance(value, (list, tuple)):
        sizes = [parse_size(v, "input size") for v in value]
    else:
        parts = [p for p in re.split(r"[\sx×,*]+", str(value).strip().strip("[]()")) if p]
        sizes = [parse_size(p, "input size") for p in parts]
    if not sizes:
        raise SpecError("the input has no sizes; give e.g. 227x227x3 (height x width x channels)")
    if len(sizes) == 1:
        return Shape((), sizes[0])
    if layout == "chw":
        return Shape(tuple(sizes[1:]), sizes[0])
    return Shape(tuple(sizes[:-1]), sizes[-1])


# --------------------------------------------------------------------------- layer kinds

# kind -> (positional keys, {key: converter}, constructor(params) -> layer)
_CONV_KEYS = {
    "filters": lambda v: parse_size(v, "filters"), "kernel": lambda v: parse_sizes(v, "kernel"),
    "stride": lambda v: parse_sizes(v, "stride"), "padding": parse_padding,
    "dilation": lambda v: parse_sizes(v, "dilation"), "groups": lambda v: parse_size(v, "groups"),
    "bias": parse_bool, "name": parse_name,
}
_POOL_KEYS = {
    "kernel": lambda v: parse_sizes(v, "kernel"), "stride": lambda v: parse_sizes(v, "stride"),
    "padding": parse_padding, "dilation": lambda v: parse_sizes(v, "dilation"), "ceil_mode": parse_bool, "name": parse_name,
}


def _pool(op: PoolOp) -> Callable[[dict], Pool]:
    return lambda p: Pool(op, **p)


def _adaptive(op: PoolOp) -> Callable[[dict], AdaptivePool]:
    return lambda p: AdaptivePool(op, **p)


def _global(op: PoolOp) -> Callable[[dict], GlobalPool]:
    return lambda p: GlobalPool(op, **p)


#: A layer kind: its positional keys, a converter per key, and its constructor from the converted values
Kind = tuple[tuple[str, ...], dict[str, Callable[[Any], Any]], Callable[[dict], Leaf]]

KINDS: dict[str, Kind] = {
    "conv": (("filters", "kernel"), _CONV_KEYS, lambda p: Conv(**p)),
    "depthwise": (("kernel",), {**{k: v for k, v in _CONV_KEYS.items() if k not in ("filters", "groups")},
                                "multiplier": lambda v: parse_size(v, "multiplier")},
                  lambda p: Conv(None, depthwise=True, **p)),
    "convtranspose": (("filters", "kernel"), {**_CONV_KEYS, "padding": lambda v: parse_sizes(v, "padding"),
                                              "output_padding": lambda v: parse_sizes(v, "output padding")},
                      lambda p: ConvTranspose(**p)),
    "zeropad": (("padding",), {"padding": lambda v: parse_sizes(v, "padding"), "name": parse_name}, lambda p: ZeroPad(**p)),
    "flatten": ((), {"name": parse_name}, lambda p: Flatten(**p)),
    "dense": (("units",), {"units": lambda v: parse_size(v, "units"), "bias": parse_bool, "name": parse_name},
              lambda p: Dense(**p)),
    "dropout": (("rate",), {"rate": parse_rate, "name": parse_name}, lambda p: Dropout(**p)),
    "batchnorm": ((), {"eps": parse_rate, "affine": parse_bool, "name": parse_name}, lambda p: BatchNorm(**p)),
    "lrn": (("size",), {"size": lambda v: parse_size(v, "size"), "name": parse_name}, lambda p: LRN(**p)),
}
for _op in POOL_OPS:  # maxpool, avgpool, adaptivemaxpool, ...: one of each per pooling operation
    KINDS[f"{_op}pool"] = (("kernel",), _POOL_KEYS, _pool(_op))
    KINDS[f"adaptive{_op}pool"] = (("output",), {"output": lambda v: parse_sizes(v, "output size"), "name": parse_name},
                                   _adaptive(_op))
    KINDS[f"global{_op}pool"] = ((), {"name": parse_name}, _global(_op))
for _fn in ACTIVATIONS:
    KINDS[_fn] = ((), {"name": parse_name}, (lambda fn: lambda p: Activation(fn, **p))(_fn))

ALIASES = {
    "conv1d": "conv", "conv2d": "conv", "conv3d": "conv", "convolution": "conv",
    "dwconv": "depthwise", "depthwiseconv": "depthwise",
    "deconv": "convtranspose", "transposedconv": "convtranspose", "convtranspose2d": "convtranspose",
    "pool": "maxpool", "max": "maxpool", "maxpooling": "maxpool", "maxpool2d": "maxpool",
    "avg": "avgpool", "averagepool": "avgpool", "avgpool2d": "avgpool", "averagepooling": "avgpool",
    "gap": "globalavgpool", "globalaveragepool": "globalavgpool", "globalaveragepooling": "globalavgpool",
    "gmp": "globalmaxpool", "globalmaxpooling": "globalmaxpool",
    "pad": "zeropad", "zeropadding": "zeropad", "zeropadding2d": "zeropad",
    "fc": "dense", "linear": "dense", "fullyconnected": "dense", "affine": "dense",
    "bn": "batchnorm", "batchnorm2d": "batchnorm", "batchnormalization": "batchnorm",
    "norm": "lrn", "localresponsenorm": "lrn", "localresponsenormalization": "lrn",
    "logsoftmax": "logsoftmax", "leakyrelu": "leakyrelu", "none": "identity", "linearactivation": "identity",
    "flat": "flatten",
}
KEY_ALIASES = {
    "pad": "padding", "kernel_size": "kernel", "size": "size", "strides": "stride", "pool_size": "kernel",
    "out_channels": "filters", "num_filters": "filters", "units": "units", "num_units": "units",
    "outpad": "output_padding", "output_padding": "output_padding", "ceil": "ceil_mode", "p": "rate",
    "use_bias": "bias", "dilation_rate": "dilation", "out_features": "units",
}
BLOCK_KINDS = {"residual": "residual", "res": "residual", "add": "residual",
               "concat": "concat", "branch": "concat", "branches": "concat", "inception": "concat"}


def canonical_kind(word: str) -> str | None:
    key = re.sub(r"[-_\s]", "", str(word).lower())
    key = ALIASES.get(key, key)
    return key if key in KINDS else None


def all_kind_names() -> list[str]:
    return sorted(set(KINDS) | set(BLOCK_KINDS) | set(ALIASES))


def build_layer(kind_word: str, positional: list, options: dict, where: str) -> Leaf:
    """One leaf layer from positional values and key/value options (strings or YAML values)."""
    kind = canonical_kind(kind_word)
    if kind is None:
        raise SpecError(
            f"{where}: unknown layer '{kind_word}'{did_you_mean(kind_word, all_kind_names())}; "
            f"known: conv, depthwise, convtranspose, maxpool, avgpool, globalavgpool, adaptiveavgpool, zeropad, "
            f"flatten, dense, dropout, batchnorm, lrn, residual, concat, and activations such as relu"
        )
    names, converters, make = KINDS[kind]
    params = _named_params(kind, names, converters, positional, options, where)
    converted = {}
    for key, value in params.items():
        try:
            converted[key] = converters[key](value)
        except SpecError as error:
            raise SpecError(f"{where}: {error}") from None
    missing = [n for n in names if n not in converted and kind not in ("dropout", "lrn", "zeropad")]
    if missing:
        raise SpecError(f"{where}: {kind} needs {', '.join(missing)}; e.g. '{_EXAMPLES.get(kind, kind)}'")
    if kind == "zeropad" and "padding" not in converted:
        raise SpecError(f"{where}: zeropad needs padding; e.g. 'zeropad 1'")
    return make(converted)


def _named_params(kind: str, names: tuple, converters: dict, positional: list, options: dict, where: str) -> dict:
    """Plain values named by their slot, and options by their canonical key; each once, each known."""
    if len(positional) > len(names):
        extra = positional[len(names)]
        raise SpecError(
            f"{where}: {kind} takes {len(names)} plain value{'s' if len(names) != 1 else ''} "
            f"({', '.join(names) or 'none'}) but '{extra}' is one more; name it, e.g. 'stride {extra}'"
        )
    params = dict(zip(names, positional))
    for raw_key, value in options.items():
        key = KEY_ALIASES.get(str(raw_key).lower(), str(raw_key).lower())
        if key not in converters:
            raise SpecError(
                f"{where}: unknown key '{raw_key}' for {kind}{did_you_mean(raw_key, converters)}; "
                f"known keys: {', '.join(converters) or 'none'}"
            )
        if key in params:
            raise SpecError(f"{where}: {key} is given twice; give it once")
        params[key] = value
    return params


_EXAMPLES = {
    "conv": "conv 96 11x11 stride 4", "convtranspose": "convtranspose 64 3x3 stride 2", "depthwise": "depthwise 3x3",
    "maxpool": "maxpool 2", "avgpool": "avgpool 2", "dense": "dense 4096",
    "adaptiveavgpool": "adaptiveavgpool 6x6", "adaptivemaxpool": "adaptivemaxpool 1",
}

# --------------------------------------------------------------------------- inline

_FLAGS = {
    "nobias": ("bias", False), "bias": ("bias", True), "ceil": ("ceil_mode", True), "floor": ("ceil_mode", False),
    "same": ("padding", "same"), "valid": ("padding", "valid"), "full": ("padding", "full"),
}


def split_top(text: str, sep: str) -> list[str]:
    """Split at ``sep`` outside parentheses.

    >>> split_top("a -> residual(b -> c) -> d", "->")
    ['a ', ' residual(b -> c) ', ' d']
    """
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise SpecError(f"unbalanced ')' at character {i + 1} of '{text.strip()}'; remove it or add '('")
        elif depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            i += len(sep)
            start = i
            continue
        i += 1
    if depth:
        raise SpecError(f"'(' without ')' in '{text.strip()}'; close every residual( ... ) and concat( ... )")
    parts.append(text[start:])
    return parts


# a block: kind( parts ) and an optional name; the name is one word, as a leaf layer's
_BLOCK_RE = re.compile(r"^\s*([A-Za-z_]+)\s*\((.*)\)\s*(?:name\s+(\S+))?\s*$", re.S)


def parse_layers_inline(text: str, outer: tuple[str, ...]) -> tuple:
    """The layers of a block's part; ``outer`` names the enclosing blocks'
    parts, outermost first (``('layer 2 (residual part 1)',)``)."""
    return tuple(_parse_at(segment, outer + (f"layer {i}",)) for i, segment in enumerate(split_top(text, "->"), 1))


def place(path: tuple[str, ...]) -> str:
    """Where a layer is, short at any depth: past two enclosing blocks, the
    outermost and the innermost place and how deep the innermost is.

    >>> place(("layer 2 (residual part 1)", "layer 3"))
    'layer 2 (residual part 1), layer 3'
    >>> place(("layer 1 (residual part 1)",) * 32 + ("layer 1",))
    'layer 1 (residual part 1) ... 32 levels deep ... layer 1'
    """
    if len(path) <= 3:
        return ", ".join(path)
    return f"{path[0]} ... {len(path) - 1} levels deep ... {path[-1]}"


def parse_layer_inline(segment: str, where: str) -> Layer:
    """One layer of the inline grammar: a leaf ('conv 96 11x11 stride 4') or a block
    ('residual(BODY | SHORTCUT)', 'concat(BRANCH | ...)'), with an optional 'name NAME'.
    ``where`` names the layer in errors ('layer 3')."""
    return _parse_at(segment, (where,))


def _parse_at(segment: str, path: tuple[str, ...]) -> Layer:
    """One layer; ``path`` is the enclosing blocks' parts, then the layer's own place."""
    where = place(path)
    segment = segment.strip()
    if not segment:
        raise SpecError(f"{where} is empty; remove the extra '->'")
    match = _BLOCK_RE.match(segment)
    if match and match.group(1).lower() in BLOCK_KINDS:
        return _parse_block(BLOCK_KINDS[match.group(1).lower()], match.group(2), match.group(3), path)
    tokens = segment.split()
    kind_word, rest = tokens[0], tokens[1:]
    positional, options = _split_tokens(rest, canonical_kind(kind_word), kind_word, where)
    return build_layer(kind_word, positional, options, f"{where} ('{segment}')")


def _parse_block(kind: str, inside: str, name: str | None, path: tuple[str, ...]) -> Residual | Concat:
    where = place(path)
    if len(path) > MAX_NESTING:  # inside MAX_NESTING blocks already
        raise SpecError(f"{where}: residual( ... ) and concat( ... ) are nested {len(path) + block_depth(inside)} "
                        f"deep, more than {MAX_NESTING} (docs/limits.md); flatten the description: put blocks one "
                        "after another (residual(...) -> residual(...)), not inside each other")
    parts = split_top(inside, "|")
    stacks = [parse_layers_inline(p, path[:-1] + (f"{path[-1]} ({kind} part {j})",)) for j, p in enumerate(parts, 1)]
    try:
        name = parse_name(name) if name is not None else None
    except SpecError as error:
        raise SpecError(f"{where}: {error}") from None
    if kind == "residual":
        if len(stacks) > 2:
            raise SpecError(f"{where}: residual takes a body and at most one shortcut, got {len(stacks)} parts; "
                            "use concat(...) for branches")
        return Residual(stacks[0], stacks[1] if len(stacks) == 2 else (), name)
    return Concat(tuple(stacks), name)


_BLOCK_OPEN_RE = re.compile(r"([A-Za-z_]+)\s*\($")


def block_depth(text: str) -> int:
    """How deep residual( ... ) and concat( ... ) blocks nest in ``text``
    (other parentheses do not count).

    >>> block_depth("relu -> residual(conv 8 3x3 -> concat(relu | maxpool 2) | relu)")
    2
    """
    opens_block: list[bool] = []  # per open parenthesis: does it open a block?
    depth = deepest = 0
    for i, ch in enumerate(text):
        if ch == "(":
            opener = _BLOCK_OPEN_RE.search(text, max(0, i - 40), i + 1)
            opens_block.append(opener is not None and opener.group(1).lower() in BLOCK_KINDS)
            depth += opens_block[-1]
            deepest = max(deepest, depth)
        elif ch == ")" and opens_block:
            depth -= opens_block.pop()
    return deepest


def _split_tokens(rest: list[str], kind: str | None, kind_word: str, where: str) -> tuple[list, dict]:
    """A leaf layer's words after its kind: plain values first, then 'key value',
    'key=value' and flags ('nobias', 'ceil', 'same')."""
    names = KINDS[kind][1] if kind else {}
    positional: list = []
    options: dict = {}
    i = 0
    while i < len(rest):
        token = rest[i]
        if "=" in token:
            key, _, value = token.partition("=")
            options[key] = value
        elif token.lower() in _FLAGS and token.lower() not in names:
            key, flag = _FLAGS[token.lower()]
            options[key] = flag
        elif _is_key(token, kind, names, positional):
            if i + 1 >= len(rest):
                raise SpecError(f"{where}: '{token}' needs a value after it, e.g. '{token} 2'")
            options[token] = rest[i + 1]
            i += 1
        else:
            if options:
                raise SpecError(f"{where}: plain value '{token}' after named options; put plain values first, "
                                f"e.g. '{_EXAMPLES.get(kind or '', kind_word)}'")
            positional.append(token)
        i += 1
    return positional, options


def _is_key(token: str, kind: str | None, names: dict, positional: list) -> bool:
    """A word is an option's key (its value follows) unless it can be a symbol in a plain slot."""
    if not re.match(r"^[A-Za-z_]+$", token):
        return False
    key = token.lower()
    return key in names or KEY_ALIASES.get(key) in names or bool(kind and not positional_ok(token, kind, positional))


def positional_ok(token: str, kind: str, positional: list) -> bool:
    """A bare word is a symbol value (e.g. ``conv K 3x3``) while positional slots remain."""
    return len(positional) < len(KINDS[kind][0]) and _SYMBOL.match(token) is not None


def parse_inline(text: str, layout: str = "hwc") -> StackSpec:
    """Parse ``input -> layer -> layer ...``."""
    if len(text) > MAX_INLINE:
        raise SpecError(f"the description has {len(text):,} characters, more than {MAX_INLINE:,} (docs/limits.md); "
                        "write a YAML file, or use residual/concat blocks")
    parts = split_top(text, "->")
    try:
        shape = parse_input(parts[0], layout)
    except SpecError as error:
        raise SpecError(f"input '{parts[0].strip()}': {error}") from None
    layers = tuple(parse_layer_inline(seg, f"layer {i}") for i, seg in enumerate(parts[1:], 1)) if len(parts) > 1 else ()
    return StackSpec(shape, layers)


# --------------------------------------------------------------------------- unparse


def _sizes(value: Size | tuple, sep: str = "x") -> str:
    """3 -> '3'; (3, 3) -> '3x3'; with ``sep`` ',' per side of a padding: '1,0,2,0'."""
    if isinstance(value, tuple):
        return sep.join(term(v) for v in value)
    return term(value)


def _padding(value: Size | tuple | str) -> str:
    """A padding as the grammar reads it: a number, one per axis or side ('1,0'), or a mode ('same')."""
    return value if isinstance(value, str) else _sizes(value, ",")


def _options(layer: Leaf, defaults: tuple) -> list[str]:
    """'word value' for each (attribute, default, word, spelling) whose value is not the default."""
    words = []
    for attribute, default, word, spell in defaults:
        value = getattr(layer, attribute)
        if value != default:
            words += [word, spell(value)]
    return words


def _name(layer: Layer) -> list[str]:
    return [] if layer.name is None else ["name", str(layer.name)]


def _conv_words(layer: Conv) -> list[str]:
    head = ["depthwise", _sizes(layer.kernel, "x")] if layer.depthwise else \
        ["conv", term(layer.filters), _sizes(layer.kernel, "x")]
    words = head + _options(layer, (("stride", 1, "stride", _sizes), ("padding", 0, "padding", _padding),
                                    ("dilation", 1, "dilation", _sizes)))
    words += _options(layer, (("multiplier", 1, "multiplier", term),) if layer.depthwise else
                      (("groups", 1, "groups", term),))
    return words + ([] if layer.bias else ["nobias"])


def _conv_transpose_words(layer: ConvTranspose) -> list[str]:
    words = ["convtranspose", term(layer.filters), _sizes(layer.kernel, "x")]
    words += _options(layer, (("stride", 1, "stride", _sizes), ("padding", 0, "padding", _padding),
                              ("output_padding", 0, "outpad", _sizes), ("dilation", 1, "dilation", _sizes),
                              ("groups", 1, "groups", term)))
    return words + ([] if layer.bias else ["nobias"])


def _pool_words(layer: Pool) -> list[str]:
    words = [f"{layer.op}pool", _sizes(layer.kernel, "x")]
    if layer.stride is not None:
        words += ["stride", _sizes(layer.stride)]
    words += _options(layer, (("padding", 0, "pad", _padding), ("dilation", 1, "dilation", _sizes)))
    return words + (["ceil"] if layer.ceil_mode else [])


_WORDS: dict[type, Callable[[Any], list[str]]] = {
    Conv: _conv_words,
    ConvTranspose: _conv_transpose_words,
    Pool: _pool_words,
    AdaptivePool: lambda layer: [f"adaptive{layer.op}pool", _sizes(layer.output, "x")],
    GlobalPool: lambda layer: [f"global{layer.op}pool"],
    ZeroPad: lambda layer: ["zeropad", _padding(layer.padding)],
    Flatten: lambda layer: ["flatten"],
    Dense: lambda layer: ["dense", term(layer.units)] + ([] if layer.bias else ["nobias"]),
    Dropout: lambda layer: ["dropout", str(layer.rate)],
    Activation: lambda layer: [layer.function],
    BatchNorm: lambda layer: ["batchnorm"] + ([] if layer.eps is None else ["eps", str(layer.eps)])
                             + ([] if layer.affine else ["affine", "false"]),
    LRN: lambda layer: ["lrn"] + ([] if layer.size == 5 else [term(layer.size)]),
}


def unparse(layer: Layer, name: bool = True) -> str:
    """A layer in the inline grammar: ``parse_layer_inline(unparse(layer)) == layer``
    for every layer the grammar can write (names of plain characters: the
    inline grammar has no quotes).  ``name=False`` leaves the name out (a
    table shows it in its own column).

    >>> unparse(Conv(None, (3, 3), stride=2, padding=1, depthwise=True))
    'depthwise 3x3 stride 2 padding 1'
    >>> unparse(Pool("max", 3, dilation=2)), unparse(ZeroPad((1, 0)))
    ('maxpool 3 dilation 2', 'zeropad 1,0')
    >>> unparse(Residual((Conv(64, (3, 3), padding=1), Activation("relu")), (), name="block1"))
    'residual(conv 64 3x3 padding 1 -> relu) name block1'
    """
    if isinstance(layer, Residual):
        parts = [layer.body] + ([layer.shortcut] if layer.shortcut else [])
        words = [f"residual({' | '.join(unparse_layers(part) for part in parts)})"]
    elif isinstance(layer, Concat):
        words = [f"concat({' | '.join(unparse_layers(branch) for branch in layer.branches)})"]
    else:
        words = _WORDS[type(layer)](layer)
    return " ".join(words + (_name(layer) if name else []))


def unparse_layers(layers: Sequence[Layer]) -> str:
    """Layers joined by '->', as the inline grammar writes a stack."""
    return " -> ".join(unparse(layer) for layer in layers)


# --------------------------------------------------------------------------- YAML


def stack_from_data(data: dict, document: YamlDocument, path: str = "", layout: str = "hwc") -> StackSpec:
    """A stack from a mapping with input/layers (a YAML file, or a given of an
    exercise at ``path``); errors name the file, key path and line."""

    def key(name: str) -> str:
        return f"{path}.{name}" if path else name

    known = ("name", "input", "layers", "convention", "description")
    for name in data:
        if name not in known:
            raise SpecError(f"{document.where(key(str(name)))}: unknown key '{name}'{did_you_mean(name, known)}; "
                            f"known keys: {', '.join(known)}")
    for name in ("input", "layers"):
        if name not in data:
            raise SpecError(f"{document.where(path)}: missing '{name}'; e.g. input: [227, 227, 3] and layers: [relu]")
    try:
        shape = parse_input(data["input"], layout)
    except SpecError as error:
        raise SpecError(f"{document.where(key('input'))}: {error}") from None
    layers = _yaml_layers(data["layers"], key("layers"), document)
    convention = data.get("convention")
    if convention is not None and convention not in CONVENTIONS:
        raise SpecError(f"{document.where(key('convention'))}: convention '{convention}' is not "
                        f"{' or '.join(CONVENTIONS)}; use one of them")
    try:
        name = parse_name(data.get("name", "stack"))
    except SpecError as error:
        raise SpecError(f"{document.where(key('name'))}: {error}") from None
    return StackSpec(shape, layers, name, convention)


def _yaml_layers(items: object, path: str, lines: YamlDocument) -> tuple[Layer, ...]:
    if not isinstance(items, list):
        raise SpecError(f"{lines.where(path)}: expected a list of layers ('- conv: ...'), got {type(items).__name__}")
    return tuple(_yaml_layer(item, f"{path}[{i}]", lines) for i, item in enumerate(items))


def _yaml_layer(item: object, path: str, lines: YamlDocument) -> Layer:
    """One layer of a YAML list: a name ('relu'), an inline layer ('conv 96 11x11'),
    or one key with its settings, a residual or a concat block."""
    if isinstance(item, str):
        if "(" in item or " " in item.strip():
            return parse_layer_inline(item, lines.where(path))
        return build_layer(item, [], {}, lines.where(path))
    if not isinstance(item, dict) or len(item) != 1:
        raise SpecError(f"{lines.where(path)}: a layer is a name ('relu') or one key with its settings "
                        "('conv: {filters: 96, kernel: 11}')")
    (kind_word, value), = item.items()
    sub = f"{path}.{kind_word}"
    block = BLOCK_KINDS.get(str(kind_word).lower())
    if block == "residual":
        return _yaml_residual(value, sub, lines)
    if block == "concat":
        return _yaml_concat(value, sub, lines)
    return _yaml_leaf(kind_word, value, lines.where(sub))


def _yaml_residual(value: object, sub: str, lines: YamlDocument) -> Residual:
    """``residual: [layers]`` (identity shortcut) or ``residual: {body, shortcut, name}``."""
    if isinstance(value, list):
        return Residual(_yaml_layers(value, sub, lines))
    if not isinstance(value, dict):
        raise SpecError(f"{lines.where(sub)}: residual takes 'body' and optional 'shortcut' (lists of layers)")
    known = ("body", "shortcut", "name")
    for key in value:
        if key not in known:
            raise SpecError(f"{lines.where(f'{sub}.{key}')}: unknown key '{key}' for residual{did_you_mean(key, known)}; "
                            "known keys: body, shortcut, name")
    if "body" not in value:
        raise SpecError(f"{lines.where(sub)}: residual needs 'body' (a list of layers)")
    shortcut = _yaml_layers(value["shortcut"], f"{sub}.shortcut", lines) if value.get("shortcut") else ()
    name = parse_name(value["name"]) if value.get("name") is not None else None
    return Residual(_yaml_layers(value["body"], f"{sub}.body", lines), shortcut, name)


def _yaml_concat(value: object, sub: str, lines: YamlDocument) -> Concat:
    """``concat: [[layers], [layers], ...]`` or ``concat: {branches, name}``."""
    name = None
    if isinstance(value, dict):
        for key in value:
            if key not in ("branches", "name"):
                raise SpecError(f"{lines.where(f'{sub}.{key}')}: unknown key '{key}' for concat; known keys: branches, name")
        name, value = value.get("name"), value.get("branches")
        name = parse_name(name) if name is not None else None
        sub = f"{sub}.branches"
    if not isinstance(value, list) or not value:
        raise SpecError(f"{lines.where(sub)}: concat takes a list of branches, each a list of layers")
    return Concat(tuple(_yaml_layers(b, f"{sub}[{i}]", lines) for i, b in enumerate(value)), name)


def _yaml_leaf(kind_word: object, value: object, where: str) -> Layer:
    """``kind: {key: value}``, ``kind: "inline options"``, ``kind: [positional values]`` or ``kind: value``."""
    word = str(kind_word)  # a YAML key: a string, or a number that names no kind
    if isinstance(value, dict):
        return build_layer(word, [], value, where)
    if value is None:
        return build_layer(word, [], {}, where)
    if isinstance(value, str) and canonical_kind(word):
        return parse_layer_inline(f"{word} {value}", where)
    if isinstance(value, list):
        return build_layer(word, list(value), {}, where)
    return build_layer(word, [value], {}, where)


# --------------------------------------------------------------------------- substitution


def parse_assignments(items: Iterable[str]) -> dict[str, Size]:
    """``["N=32"]`` -> ``{"N": 32}``.

    >>> parse_assignments(["N=227", "K = 96"])
    {'N': 227, 'K': 96}
    """
    values: dict[str, Size] = {}
    for item in items:
        name, sep, value = str(item).partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not _SYMBOL.match(name) or not _INT.match(value):
            shown = str(item) if len(str(item)) <= 40 else str(item)[:37] + "..."
            raise InputError(f"'{shown}' is not an assignment NAME=NUMBER; write e.g. --set N=32")
        if name in values:
            raise InputError(f"--set gives {name} twice ({values[name]} and {value}); give it once")
        try:
            values[name] = parse_size(value, name)
        except SpecError as error:
            raise InputError(f"--set {error}") from None
    return values


def _map_formulas(value: Any, change: Callable[[Any], Any]) -> Any:
    """``value`` (a spec, a layer, a tuple of them) with ``change`` applied to every formula in it."""
    from dataclasses import fields, is_dataclass, replace

    if isinstance(value, (tuple, list)):
        return type(value)(_map_formulas(v, change) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _map_formulas(getattr(value, f.name), change) for f in fields(value)})
    if hasattr(value, "free_symbols") and not isinstance(value, (int, str)):
        return change(value)
    return value


def _subs(value: Any, mapping: dict) -> Any:
    def put(formula: Any) -> Any:
        result = formula.subs(mapping)
        return int(result) if result.is_Integer else result

    return _map_formulas(value, put)


def _symbols_in(spec: StackSpec) -> set[str]:
    """The names of every symbol in a spec (its input and layers)."""
    found: set[str] = set()

    def note(formula: Any) -> Any:
        found.update(str(s) for s in formula.free_symbols)
        return formula

    _map_formulas(spec, note)
    return found


def substitute(spec: StackSpec, values: dict) -> StackSpec:
    """Put numbers in for symbols everywhere (input and layers).

    >>> s = substitute(parse_inline("N x N x 3 -> conv K 5x5"), {"N": 32, "K": 10})
    >>> s.input.text(), s.layers[0].filters
    ('32x32x3', 10)
    """
    if not values:
        return spec
    present = _symbols_in(spec)
    unknown = sorted(set(values) - present)
    if unknown:
        has = f"its symbols: {', '.join(sorted(present))}" if present else "it has none"
        raise InputError(f"--set {unknown[0]}={values[unknown[0]]}: the stack has no symbol {unknown[0]} ({has})")
    mapping = {symbol(k): v for k, v in values.items()}
    return _subs(spec, mapping)


def without_padding(spec: StackSpec) -> StackSpec:
    """The same stack with every zero padding left out ('same' read as 'valid', zeropad
    layers dropped): what a student computes who forgets the padding.

    >>> s = without_padding(parse_inline("32x32x3 -> conv 10 5x5 pad 2 -> zeropad 1 -> maxpool 2"))
    >>> [unparse(layer) for layer in s.layers]
    ['conv 10 5x5', 'maxpool 2']
    """
    from dataclasses import replace

    def strip(layers: tuple) -> tuple:
        out = []
        for layer in layers:
            if isinstance(layer, ZeroPad):
                continue
            if isinstance(layer, Residual):
                layer = replace(layer, body=strip(layer.body), shortcut=strip(layer.shortcut))
            elif isinstance(layer, Concat):
                layer = replace(layer, branches=tuple(strip(b) for b in layer.branches))
            elif isinstance(layer, (Conv, Pool)) and layer.padding != 0:
                layer = replace(layer, padding=0)
            out.append(layer)
        return tuple(out)

    return replace(spec, layers=strip(spec.layers))
