"""The ``cnncalc`` command line: a thin shell over the library.

Each command lives in its own module, parses options, calls one library
function and renders the result.  :func:`main` is the one place that turns a
:class:`~cnncalc.errors.CnnCalcError` into a one-line message and exit code 2.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from typing import Any

import click

from ..errors import CnnCalcError, InputError, did_you_mean
from ..printable import printable

# command -> the module that defines it; a module is imported only when its
# command runs, so `cnncalc shape` starts without numpy and `conv` without yaml
COMMANDS = {
    "conv": "conv", "pool": "pool", "act": "network", "dense": "network", "flatten": "network",
    "shape": "shape", "check": "exercises", "solve": "exercises", "generate": "exercises", "grade": "grade",
    "verify": "verify", "train": "train", "data": "data", "kernel": "kernel", "loss": "loss", "equivariance": "equivariance",
    "export": "export",
}


# command -> the first paragraph of its help, so `cnncalc --help` lists the
# commands without importing them (and numpy, sympy or torch with them);
# tests/test_startup.py checks that each line matches the command's own help
SUMMARIES = {
    "act": "Apply an activation exactly: relu, leaky-relu, sigmoid, tanh, softmax, log-softmax.",
    "check": "Validate exercises, compute every reference, compare with the published answers.",
    "conv": "Convolve INPUT with KERNEL exactly (cross-correlation unless --flip).",
    "data": "Download MNIST into DIR and check it, or check a copy already there.",
    "dense": "A fully-connected layer exactly: y = W x + b, W of shape (outputs x inputs).",
    "equivariance": "Shift IMAGE, convolve with KERNEL, and compare with the shifted convolution.",
    "export": "Export EXERCISE files or folders for a learning platform, one variant per student.",
    "flatten": "Flatten a (C, H, W) array into a vector.",
    "generate": "Write a variant of an exercise with other numbers (its 'variants:'), reproducible from --seed.",
    "grade": "Grade student answer files (YAML) against EXERCISE, with partial credit and mistake diagnosis.",
    "kernel": "Name the feature KERNEL detects, with the evidence.",
    "loss": "A loss of INPUT (one row per example) against --target, exactly, with every step.",
    "pool": "Pool INPUT exactly: max, avg, min or sum over windows.",
    "shape": "Shapes, units, parameters, MACs, memory and receptive fields of a layer stack.",
    "solve": "Write the worked solution of an exercise: statement, then every question's steps.",
    "train": "Run one of the course's MNIST tasks (sheet 000 Q3; lecture 004's programming task).",
    "verify": "Check the engine against torch on a layer stack, layer by layer.",
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
        self._one_output_form(ctx, args)
        return super().parse_args(ctx, args)

    def _one_output_form(self, ctx: click.Context, args: list[str]) -> None:
        """Flags that set one value (--json/--markdown, --logits/--probabilities) given two ways: click kept
        the last silently; refused, naming both."""
        choices: dict[str, set[str]] = {}
        for param in self.get_params(ctx):
            if isinstance(param, click.Option) and isinstance(getattr(param, "flag_value", None), str) \
                    and param.name is not None:
                choices.setdefault(param.name, set()).update(param.opts)
        from .options import FORMS

        options = args[:args.index("--")] if "--" in args else args
        for flags in choices.values():
            given = list(dict.fromkeys(token for token in options if token in flags))
            if len(given) > 1:
                what = "output forms" if given[0][2:] in FORMS else "values of one setting"
                raise InputError(f"{' and '.join(given)} choose {len(given)} {what}; give one "
                                 f"(cnncalc {self.name} --help lists them)")


class CnnCalcGroup(click.Group):
    """A click group that loads commands lazily and reports our errors in one
    line, with no traceback."""

    command_class = CnnCalcCommand

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of --help, from :data:`SUMMARIES` where a command
        is not loaded yet (click's own version imports every command)."""
        names = [name for name in self.list_commands(ctx)
                 if name in self.commands or name not in SUMMARIES]
        loaded = {name: self.get_command(ctx, name) for name in names}
        commands = {name: command for name, command in loaded.items() if command is not None}
        shown = [name for name in self.list_commands(ctx)
                 if name not in loaded or (name in commands and not commands[name].hidden)]
        if not shown:
            return
        limit = formatter.width - 6 - max(map(len, shown))
        rows = [(name, commands[name].get_short_help_str(limit) if name in commands
                 else click.Command(name, help=SUMMARIES[name]).get_short_help_str(limit)) for name in shown]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMANDS:
            importlib.import_module(f"{__name__}.{COMMANDS[name]}")
        return super().get_command(ctx, name)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in self.list_commands(ctx):
            raise InputError(f"No such command '{name}'{did_you_mean(name, self.list_commands(ctx))}; "
                             "see cnncalc --help")
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CnnCalcError as error:
            # one line, and the value quoted in it (a file's or a user's) cannot drive the terminal
            message = printable(" ".join(str(error).split("\n")))
            click.echo(f"error: {message}", err=True)
            sys.exit(2)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # click's own usage errors and exits
        except BrokenPipeError:  # cnncalc ... | head: the reader has all it wanted
            sys.stderr.close()
            sys.exit(0)
        except (OSError, MemoryError) as error:  # the machine said no (a full disk, a folder not readable)
            if os.environ.get("CNNCALC_DEBUG"):
                raise
            click.echo(f"error: {printable(_machine_refused(error))}", err=True)
            sys.exit(2)
        except Exception as error:  # a defect of cnncalc: still one line, never a traceback
            if os.environ.get("CNNCALC_DEBUG"):
                raise
            detail = printable(" ".join(str(error).split()))[:200]
            click.echo(f"error: cnncalc met an internal error ({type(error).__name__}: {detail}); this is a defect "
                       "of cnncalc: please report it with the command (CNNCALC_DEBUG=1 shows the traceback)", err=True)
            sys.exit(3)


def _machine_refused(error: OSError | MemoryError) -> str:
    """One line for an error of the machine, not of cnncalc: what, where, and what to do.

    >>> _machine_refused(OSError(28, "No space left on device", "grades.csv"))
    "cannot use 'grades.csv' (No space left on device); free some space, or give another path"
    """
    if isinstance(error, MemoryError):
        return "the machine ran out of memory; give a smaller input (docs/limits.md lists the limits)"
    where = f" '{error.filename}'" if error.filename else ""
    reason = error.strerror or type(error).__name__
    fix = "free some space, or give another path" if error.errno == 28 else "check the path and its permissions"
    return f"cannot use{where} ({reason}); {fix}"


@click.group(cls=CnnCalcGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cnncalc")
def main() -> None:
    """Exact, explaining calculator for convolutional-network exercises.

    \b
    Examples:
      cnncalc conv "0 80 40; 20 40 0; 0 0 40" "0 0.25; 0.5 1" --flip --explain
      cnncalc pool "10 15 10 20; 10 5 0 30; 5 15 20 25; 15 10 25 20" --op avg
      cnncalc shape alexnet --explain
    """

