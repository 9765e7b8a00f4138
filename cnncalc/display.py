"""Notebook display of results (Jupyter, Colab) without the engine importing its renderers.

Jupyter shows the last expression of a cell through the object's
``_repr_html_`` or ``_repr_markdown_``.  The engine's result classes
(:class:`~cnncalc.conv.ConvResult`, ``PoolResult``, ``ActivationResult``,
``StackSummary``) inherit :class:`NotebookDisplay`; their renderers live in
:mod:`cnncalc.figures.notebook`, above the engine.  Imports point down only,
so the engine cannot import them: the renderers are registered here by the
class's dotted name, and ``cnncalc/__init__`` (the top of the package, which
may import anything) registers them when the package is imported.

>>> class Demo(NotebookDisplay):
...     pass
>>> register(f"{Demo.__module__}.Demo", lambda r: "<b>demo</b>", lambda r: "**demo**")
>>> Demo()._repr_html_(), Demo()._repr_markdown_()
('<b>demo</b>', '**demo**')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple


class Renderers(NamedTuple):
    html: Callable[[Any], str | None]  # each takes a result of the class it is registered for
    markdown: Callable[[Any], str | None]


RENDERERS: dict[str, Renderers] = {}


def register(type_name: str, html: Callable[[Any], str | None],
             markdown: Callable[[Any], str | None]) -> None:
    """Show instances of ``type_name`` ("package.module.Class") with these functions."""
    RENDERERS[type_name] = Renderers(html, markdown)


def _renderers(obj: object) -> Renderers | None:
    cls = type(obj)
    return RENDERERS.get(f"{cls.__module__}.{cls.__qualname__}")


class NotebookDisplay:
    """Mixin: ``_repr_html_`` and ``_repr_markdown_`` through the registered renderers.

    Without a renderer both return None, and the notebook falls back to the
    plain ``repr``.
    """

    __slots__ = ()

    def _repr_html_(self) -> str | None:
        found = _renderers(self)
        return found.html(self) if found else None

    def _repr_markdown_(self) -> str | None:
        found = _renderers(self)
        return found.markdown(self) if found else None
