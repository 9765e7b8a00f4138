"""``cnncalc data``: fetch and check the MNIST files (no torch needed)."""

from __future__ import annotations

import click

from . import main

HELP = """Download MNIST into DIR and check it, or check a copy already there.

DATASET is `mnist`.  DIR defaults to $CNNCALC_DATA, else ~/.cache/cnncalc/mnist
(the folder `cnncalc train` reads when --data-dir is not given).  Files that are
already present (gzip or raw, in DIR or DIR/MNIST/raw) are checked against
MNIST's md5 sums and kept; the others are downloaded from the public mirrors and
checked.  Without internet, the error says which files to put where.

\b
Examples:
  cnncalc data mnist                       # into the default folder
  cnncalc data mnist ~/data/mnist
  CNNCALC_DATA=~/data/mnist cnncalc train cnn
"""


@main.command("data", help=HELP)
@click.argument("dataset", type=click.Choice(["mnist"]))
@click.argument("directory", required=False)
@click.option("--timeout", default=5.0, show_default=True, help="Seconds to wait for each mirror.")
def data_command(dataset, directory, timeout):
    from .. import mnist

    root, source = mnist.resolve_dir(directory)
    mnist.download(root, timeout=timeout, log=click.echo)
    click.echo(f"MNIST is whole in {root} ({source}); cnncalc train reads it with --data-dir {root}")
