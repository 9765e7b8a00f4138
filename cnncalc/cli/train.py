"""``cnncalc train``: the course's MNIST tasks on CPU or GPU."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..torch import TASKS, Reporter, Task

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID
    from rich.table import Table

    from ..torch.tasks import Runner
from . import main

HELP = """Run one of the course's MNIST tasks (sheet 000 Q3; lecture 004's programming task).

\b
TASK:
  logreg       logistic regression (scikit-learn) + plot of its coefficients
  mlp          784-256-128-64-10 ReLU; SGD lr 0.01 momentum 0.5; NLLLoss
  cnn          the course's CNN; Adam lr 0.001; NLLLoss
  mlp-matched  an MLP with about the CNN's parameter count (sizes by the engine)
  shift        logreg, mlp and cnn on clean and horizontally shifted validation digits
  optimizers   the programming task's network with Adam, Adadelta, SGD; loss curves
  all          everything above, one summary

MNIST is read from --data-dir, else $CNNCALC_DATA, else ~/.cache/cnncalc/mnist
(`cnncalc data mnist` fetches it).  The data lives on the device, normalised
once; the engine's parameter count and torch's are printed side by side for
every model.  Needs the extra: pip install -e ".[train]" in the cnncalc checkout.

\b
Examples:
  cnncalc train cnn                                  # 10 epochs, batch 64, as the course
  cnncalc train all --out results/                   # results.json and PNG plots
  cnncalc train mlp --limit 2000 --epochs 1          # a quick run
  cnncalc train optimizers --epochs 3 --device cuda --out results/
  cnncalc train shift --data-dir ~/data/mnist
"""


class RichReporter(Reporter):
    """Parameter counts and notes as lines; one rich progress bar per model."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def params(self, model: str, engine: int, torch_count: int, what: str = "torch") -> None:
        mark = "✓" if engine == torch_count else "✗ DIFFERENT"
        self.console.print(f"{model}: parameters  engine {engine:,}  |  {what} {torch_count:,}  {mark}")

    def note(self, text: str) -> None:
        self.console.print(text)

    def start(self, model: str, steps: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TimeRemainingColumn(), console=self.console)
        self.progress.start()
        self.task = self.progress.add_task(model, total=steps)

    def step(self, model: str, epoch: int, done: int, text: str = "") -> None:
        if self.progress is not None and self.task is not None:  # between start and stop
            self.progress.update(self.task, completed=done, description=f"{model} {text}")

    def stop(self, model: str) -> None:
        if self.progress is not None:
            self.progress.stop()


def summary_table(runner: Runner) -> Table:
    from rich.table import Table

    table = Table(title=f"MNIST tasks ({len(runner.train):,} training, {len(runner.val):,} validation images)",
                  title_justify="left")
    for column in ("task", "model", "params engine", "params torch", "optimizer", "epochs", "train acc",
                   "val acc", "val acc shifted", "time", "device"):
        table.add_column(column, justify="right" if column.startswith(("params", "epochs", "train", "val", "time")) else "left")
    for r in runner.results.values():
        table.add_row(r.task, r.model, f"{r.engine_params:,}", f"{r.torch_params:,}", r.optimizer or "lbfgs",
                      str(r.epochs or "-"), f"{r.train_acc:.2%}", f"{r.val_acc:.2%}", f"{r.val_acc_shifted:.2%}",
                      f"{r.seconds:.1f} s", r.device)
    return table


def shift_table(rows: list) -> Table:
    from rich.table import Table

    table = Table(title="Validation accuracy: centred vs horizontally shifted digits (RandomAffine(0, translate=(0.1, 0)))",
                  title_justify="left")
    for column in ("model", "clean", "shifted", "drop"):
        table.add_column(column, justify="left" if column == "model" else "right")
    for row in rows:
        table.add_row(row["model"], f"{row['val_acc']:.2%}", f"{row['val_acc_shifted']:.2%}",
                      f"{100 * row['drop']:.2f} pts")
    return table


@main.command("train", help=HELP)
@click.argument("task", type=click.Choice(TASKS))
@click.option("--epochs", default=10, show_default=True, type=click.IntRange(1), help="Epochs per network.")
@click.option("--batch-size", default=64, show_default=True, type=click.IntRange(1), help="Training batch size.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True,
              help="Where to train (auto: cuda when torch sees a GPU).")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(0, 2**32 - 1),
              help="Seed of initialisation, batch order, dropout and shifts (0 to 2^32 - 1).")
@click.option("--data-dir", default=None, help="Folder with the four MNIST files (default $CNNCALC_DATA, then ~/.cache/cnncalc/mnist).")
@click.option("--limit", type=click.IntRange(1), default=None, help="Use the first N training images (quick runs).")
@click.option("--out", type=click.Path(file_okay=False), default=None, help="Write results.json and PNG plots here.")
@click.option("--logreg-max-iter", default=100, show_default=True, type=click.IntRange(1),
              help="Iterations of scikit-learn's lbfgs for logreg.")
@click.option("--no-check", is_flag=True, help="Skip the md5 check of the data files (hand-made folders).")
def train_command(task: Task, epochs: int, batch_size: int, device: str, seed: int, data_dir: str | None,
                  limit: int | None, out: str | None, logreg_max_iter: int, no_check: bool) -> None:
    from .. import mnist
    from ..files import make_folder
    from ..torch import check_installed, require

    # what can be checked without importing torch is checked first: importing it takes seconds
    check_installed("cnncalc train")
    if task in ("logreg", "shift", "all"):
        check_installed(f"cnncalc train {task}", "sklearn")
    if out:
        check_installed("cnncalc train --out (plots)", "matplotlib")
    root, _ = mnist.resolve_dir(data_dir)
    for name in mnist.FILES:
        mnist.find_file(root, name)
    if out:
        make_folder(out)
    require("cnncalc train")
    if task in ("logreg", "shift", "all"):
        require(f"cnncalc train {task}", "sklearn")
    if out:
        require("cnncalc train --out (plots)", "matplotlib")
    from rich.console import Console

    from ..files import write_text
    from ..torch.tasks import Runner, Settings

    console = Console(stderr=True)
    settings = Settings(epochs=epochs, batch_size=batch_size, device=device, seed=seed, data_dir=data_dir, limit=limit,
                        logreg_max_iter=logreg_max_iter, check=not no_check)
    runner = Runner(settings, RichReporter(console))
    console.print(f"data: {len(runner.train):,} training and {len(runner.val):,} validation images on "
                  f"{runner.device} ({runner.load_seconds:.1f} s to load and normalise)")
    runner.run(task)
    stdout = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 150)
    stdout.print(summary_table(runner))
    if "shift" in runner.tables:
        stdout.print(shift_table(runner.tables["shift"]))
    if out:
        folder = Path(out)
        runner.write_plots(folder)
        write_text(folder / "results.json", json.dumps(runner.as_json(task), indent=2) + "\n")
        stdout.print(f"wrote {folder / 'results.json'}" + "".join(f", {p}" for p in runner.plots.values()))
