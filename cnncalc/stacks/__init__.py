"""Layer stacks: what a network does to the shape of its input, layer by layer.

The package is the stack engine (``cnncalc shape``, exercises about networks,
the torch builder):

``shapes``    the :class:`~cnncalc.stacks.shapes.Shape` of one example and how sizes are written
``layers``    one frozen dataclass per layer kind; ``apply`` maps a shape to an ``Effect``
``grammar``   the inline grammar and the YAML form, read into a :class:`StackSpec`
``zoo``       built-in networks, written in the inline grammar
``summary``   the walk over a stack: shapes, counts, MACs, memory, receptive fields
``render``    tables, JSON, CSV, Markdown and ``--explain`` text of a summary
``solve``     the inverse question: which window turns size n into size m
``matching``  an MLP with as many parameters as a given network

:func:`load_stack` is the one way in from a name, a description or a file.

>>> from cnncalc.stacks.grammar import unparse
>>> unparse(load_stack("227x227x3 -> conv 96 11x11 stride 4").layers[0])
'conv 96 11x11 stride 4'
>>> load_stack({"input": [227, 227, 3], "layers": [{"conv": {"filters": 96, "kernel": 11, "stride": 4}}, "relu"]}).input.text()
'227x227x3'
>>> load_stack("alexnet").name
'alexnet'
"""

from __future__ import annotations

import os
import re

from ..errors import SpecError, did_you_mean
from ..yamlio import YamlDocument
from .grammar import StackSpec, parse_inline, stack_from_data


def load_stack(source: str | dict, layout: str = "hwc", *, document: YamlDocument | None = None,
               path: str = "", files: bool = True) -> StackSpec:
    """A layer stack from what a person gives.

    ``source`` is a built-in network name (``cnncalc shape --list``), an inline
    description (``"32x32x3 -> conv 10 5x5"``), a mapping (``{network: alexnet}``
    or ``{input: ..., layers: [...]}``, as an exercise gives it; ``document`` and
    ``path`` locate it for error messages) or, when ``files`` is true (the
    command line), the path of a YAML file.  Exercise givens pass
    ``files=False``: an exercise never names a file to read as a network.
    """
    from .zoo import NETWORKS, get

    if isinstance(source, dict):
        return _from_mapping(source, layout, document or YamlDocument(source, "<given>"), path)
    if not isinstance(source, str):
        where = document.where(path) if document is not None else "network"
        raise SpecError(f"{where}: a network is a built-in name, input/layers, or an inline description")
    text = source.strip()
    if text.lower() in NETWORKS:
        return get(text)
    if files and (text.endswith((".yaml", ".yml")) or ("->" not in text and os.path.isfile(text))):
        return _yaml_file(text, layout)
    if "->" not in text and re.search(r"[A-Za-z]{2,}", text):
        yaml_hint = ", a YAML file" if files else ""
        raise SpecError(
            f"'{text}' is not a built-in network{did_you_mean(text, NETWORKS)}{yaml_hint} or an inline "
            f"description; see cnncalc shape --list, or write e.g. \"32x32x3 -> conv 10 5x5\""
        )
    return parse_inline(text, layout)


def _from_mapping(source: dict, layout: str, document: YamlDocument, path: str) -> StackSpec:
    """``{network: NAME}`` (a built-in network, nothing else) or ``{input: ..., layers: [...]}``."""
    from .zoo import get

    if "network" not in source:
        return stack_from_data(source, document, path, layout)
    if set(source) - {"network"}:
        extra = sorted(set(source) - {"network"})[0]
        raise SpecError(f"{document.where(f'{path}.{extra}' if path else str(extra))}: a built-in network "
                        "takes no other keys; write input/layers to describe your own")
    return get(str(source["network"]))


def _yaml_file(path: str, layout: str) -> StackSpec:
    from ..yamlio import load_yaml_file

    document = load_yaml_file(path)
    if not isinstance(document.data, dict):
        raise SpecError(f"{path}: the file must be a mapping with 'input' and 'layers'; see cnncalc shape --help")
    return stack_from_data(document.data, document, "", layout)


__all__ = ["StackSpec", "load_stack"]
