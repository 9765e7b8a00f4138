"""The torch backend (optional extra): build nn.Modules from layer stacks,
verify the engine against torch, load MNIST onto a device, train the course's
tasks.

Importing this package does not import torch; :func:`require` does, and turns
a missing install into a one-line :class:`~cnncalc.errors.MissingExtraError`.
"""

from __future__ import annotations

from ..errors import MissingExtraError

# cnncalc is installed from its checkout (it is not on the package index): the extra is named on the path
EXTRA = 'pip install -e ".[train]" in the cnncalc checkout'


def require(what: str = "this command", *modules: str):
    """Import torch (and ``modules``) or raise a one-line error naming the extra."""
    import importlib

    loaded = []
    for name in ("torch", *modules):
        try:
            loaded.append(importlib.import_module(name))
        except ImportError:
            package = {"sklearn": "scikit-learn"}.get(name, name)
            raise MissingExtraError(
                f"{what} needs {package}, which is not installed; install the extra: {EXTRA} "
                f"(for torch, the CPU build first: pip install torch==2.13.0)"
            ) from None
    return loaded[0]
