"""The ``cnncalc`` command line: a thin shell over the library.

Each command lives in its own module, parses options, calls one library
function and renders the result.  :func:`main` is the one place that turns a
:class:`~cnncalc.errors.CnnCalcError` into a one-line message and exit code 2.
"""

from __future__ import annotations

import importlib
import re
import sys

import click

from ..errors import CnnCalcError, InputError, did_you_mean


# command -> the module that defines it; a module is imported only when its
# command runs, so `cnncalc shape` starts without numpy and `conv` without yaml
COMMANDS = {
    "conv": "conv", "pool": "pool", "act": "network", "dense": "network", "flatten": "network",
    "shape": "shape", "check": "exercises", "solve": "exercises", "generate": "exercises", "grade": "grade",
    "verify": "verify", "train": "train", "data": "data", "kernel": "kernel", "loss": "loss", "equivariance": "equivariance",
    "export": "export",
}


_OPTION_LIKE = re.compile(r"--?[A-Za-z][\w-]*")


class CnnCalcCommand(click.Command):
    """A command that accepts negative numbers and matrices such as "-1 0; 0 1" as
    values, yet names a mistyped option instead of taking it for a value."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        known = {opt for param in self.get_params(ctx) for opt in (*param.opts, *param.secondary_opts)}
        for token in args:
            if token == "--":
                break
            name = token.split("=", 1)[0]
            if _OPTION_LIKE.fullmatch(name) and name not in known:
                raise InputError(f"No such option '{name}'{did_you_mean(name, sorted(known))} for cnncalc "
                                 f"{self.name}; see cnncalc {self.name} --help")
        return super().parse_args(ctx, args)


class CnnCalcGroup(click.Group):
    """A click group that loads commands lazily and reports our errors in one
    line, with no traceback."""

    command_class = CnnCalcCommand

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx, name):
        if name not in self.commands and name in COMMANDS:
            importlib.import_module(f"{__name__}.{COMMANDS[name]}")
        return super().get_command(ctx, name)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in self.list_commands(ctx):
            raise InputError(f"No such command '{name}'{did_you_mean(name, self.list_commands(ctx))}; "
                             "see cnncalc --help")
        return super().resolve_command(ctx, args)

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

