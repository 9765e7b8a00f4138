"""The torch backend (optional extra): build nn.Modules from layer stacks,
verify the engine against torch, load MNIST onto a device, train the course's
tasks.

Importing this package does not import torch; :func:`require` does, and turns
a missing install into a one-line :class:`~cnncalc.errors.MissingExtraError`.
"""

from __future__ import annotations

from types import ModuleType
from typing import Literal, get_args

from ..errors import MissingExtraError

Task = Literal["logreg", "mlp", "cnn", "mlp-matched", "shift", "optimizers", "all"]
#: The course's MNIST tasks, ``cnncalc train TASK`` (declared here: the CLI lists them without torch).
TASKS: tuple[Task, ...] = get_args(Task)

# cnncalc is installed from its checkout (it is not on the package index): the extra is named on the path
EXTRA = 'pip install -e ".[train]" in the cnncalc checkout'


class Reporter:
    """What a training run says while it works (torch-free, so the CLI's rich reporter can
    extend it without importing torch); the CLI shows it with rich, tests stay silent."""

    def params(self, model: str, engine: int, torch_count: int, what: str = "torch") -> None: ...

    def note(self, text: str) -> None: ...

    def start(self, model: str, steps: int) -> None: ...

    def step(self, model: str, epoch: int, done: int, text: str = "") -> None: ...

    def stop(self, model: str) -> None: ...


def _missing(what: str, name: str) -> MissingExtraError:
    package = {"sklearn": "scikit-learn"}.get(name, name)
    return MissingExtraError(
        f"{what} needs {package}, which is not installed; install the extra: {EXTRA} "
        f"(for torch, the CPU build first: pip install torch==2.13.0)"
    )


def check_installed(what: str = "this command", *modules: str) -> None:
    """Raise the one-line error of :func:`require` when torch (or ``modules``) is not
    installed, without importing it (importing torch takes seconds; finding it does not)."""
    import importlib.util

    for name in ("torch", *modules):
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise _missing(what, name)


def require(what: str = "this command", *modules: str) -> ModuleType:  # torch
    """Import torch (and ``modules``) or raise a one-line error naming the extra."""
    import importlib

    loaded = []
    for name in ("torch", *modules):
        try:
            loaded.append(importlib.import_module(name))
        except ImportError:
            raise _missing(what, name) from None
    return loaded[0]
