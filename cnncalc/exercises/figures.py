"""The figures of a worked solution, written beside it and linked from it.

For every question answered by a convolution or a pooling: an SVG of the
first cell's window with the complete output, and a GIF with one frame per
output cell; for every network given: its diagram.  They go into
``figures/`` next to the solution's ``.md``, named after the exercise file,
so ``cnncalc solve exercises/ --markdown --out solutions/`` refreshes the
whole folder.

>>> from cnncalc.exercises.exercise import load_exercise
>>> [f.name for f in solution_figures(load_exercise("exercises/lecture004-convolution.yaml"), "lecture004")][:2]
['lecture004-feature-map.svg', 'lecture004-feature-map.gif']
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..conv import ConvResult
from ..pool import PoolResult
from .exercise import Exercise
from .solution import solution_markdown

if TYPE_CHECKING:
    from ..stacks import StackSpec

FOLDER = "figures"
MAX_ANIMATED = 36  # output cells; a larger answer gets its SVG only (a GIF of 64 cells weighs 400 KB)


@dataclass(frozen=True)
class SolutionFigure:
    """One figure of a solution: what it belongs to (a question id or a given's name), its file and text."""

    key: str
    name: str  # the file name inside figures/
    alt: str
    write: Callable[[Path], None]

    @property
    def link(self) -> str:
        return f"{FOLDER}/{self.name}"


def _svg_writer(result: ConvResult | PoolResult) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        from ..figures.scene import scene_of
        from ..figures.svg import scene_svg

        path.write_text(scene_svg(scene_of(result, [(0,) * result.output.ndim])), encoding="utf-8")
    return write


def _gif_writer(result: ConvResult | PoolResult) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        from ..figures.raster import save_gif
        from ..figures.scene import scene_of

        save_gif(scene_of(result), path)
    return write


def _network_writer(stack: StackSpec) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        from ..figures.network import network_svg
        from ..stacks.layers import Context
        from ..stacks.summary import summarize

        summary = summarize(stack.input, stack.layers, Context(convention=stack.convention or "torch"), stack.name)
        path.write_text(network_svg(summary), encoding="utf-8")
    return write


def solution_figures(exercise: Exercise, stem: str) -> list[SolutionFigure]:
    """The figures of an exercise's solution, in the order the solution shows them."""
    figures = []
    for name, given in exercise.givens.items():
        if given.kind == "network":
            figures.append(SolutionFigure(name, f"{stem}-{name}.svg", f"the network {name}: a block per layer, "
                                          "with per-layer parameters, MACs and memory", _network_writer(given.value)))
    for question, reference in zip(exercise.questions, exercise.references()):
        result = reference.detail
        if not isinstance(result, (ConvResult, PoolResult)):
            continue
        figures.append(SolutionFigure(question.id, f"{stem}-{question.id}.svg",
                                      f"{question.id}: every value, the window of the first output cell",
                                      _svg_writer(result)))
        if math.prod(result.output.shape) <= MAX_ANIMATED:
            figures.append(SolutionFigure(question.id, f"{stem}-{question.id}.gif",
                                          f"{question.id}: one frame per output cell", _gif_writer(result)))
    return figures


def write_solution(exercise: Exercise, path: str | Path) -> list[Path]:
    """Write the Markdown solution to ``path`` and its figures into ``figures/`` beside it."""
    from ..errors import InputError
    from ..files import make_folder, write_text

    path = Path(path)
    if path.is_dir():
        raise InputError(f"cannot write the solution '{path}': it is a folder; give a file name such as "
                         f"{path / (exercise.id + '.md')}")
    if not path.parent.is_dir():  # checked first: the figures' folder must not create it
        raise InputError(f"cannot write the solution '{path}': the folder '{path.parent}' does not exist; "
                         "create it first or give another path")
    figures = solution_figures(exercise, path.stem)
    folder = path.parent / FOLDER
    if figures:
        make_folder(folder, "figures folder")
    written = []
    for figure in figures:
        figure.write(folder / figure.name)
        written.append(folder / figure.name)
    write_text(path, solution_markdown(exercise, figure_links(figures)), "solution")
    return [path] + written


def figure_links(figures: list[SolutionFigure]) -> dict[str, list[tuple[str, str]]]:
    """(alt text, relative link) of each figure, by question id or given name: what the Markdown links."""
    links: dict[str, list[tuple[str, str]]] = {}
    for figure in figures:
        links.setdefault(figure.key, []).append((figure.alt, figure.link))
    return links
