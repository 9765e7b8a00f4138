"""The ``cnncalc`` command line: a thin shell over the library.

Each command lives in its own module, parses options, calls one library
function and renders the result.  :func:`main` is the one place that turns a
:class:`~cnncalc.errors.CnnCalcError` into a one-line message and exit code 2.
"""

from __future__ import annotations

import importlib
import sys

import click

from ..errors import CnnCalcError


# command -> the module that defines it; a module is imported only when its
# command runs, so `cnncalc shape` starts without numpy and `conv` without yaml
COMMANDS = {
    "conv": "conv", "pool": "pool", "act": "network", "dense": "network", "flatten": "network",
    "shape": "shape", "check": "exercises", "solve": "exercises", "generate": "exercises", "grade": "grade",
    "verify": "verify", "train": "train", "data": "data", "export": "export",
}


class CnnCalcGroup(click.Group):
    """A click group that loads commands lazily and reports our errors in one
    line, with no traceback."""

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx, name):
        if name not in self.commands and name in COMMANDS:
            importlib.import_module(f"{__name__}.{COMMANDS[name]}")
        return super().get_command(ctx, name)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except CnnCalcError as error:
            message = " ".join(str(error).split("\n"))
            click.echo(f"error: {message}", err=True)
            sys.exit(2)


@click.group(cls=CnnCalcGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cnncalc")
def main():
    """Exact, explaining calculator for convolutional-network exercises.

    \b
    Examples:
      cnncalc conv "0 80 40; 20 40 0; 0 0 40" "0 0.25; 0.5 1" --flip --explain
      cnncalc pool "10 15 10 20; 10 5 0 30; 5 15 20 25; 15 10 25 20" --op avg
      cnncalc shape alexnet --explain
    """

