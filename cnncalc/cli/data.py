"""``cnncalc data``: fetch and check the MNIST files (no torch needed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from . import main

if TYPE_CHECKING:
    from types import ModuleType

    from ..mnist import PixelStats

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
  cnncalc data mnist ~/data/mnist --stats     # are MNIST's pixels binary?
"""


@main.command("data", help=HELP)
@click.argument("dataset", type=click.Choice(["mnist"]))
@click.argument("directory", required=False)
@click.option("--timeout", default=5.0, show_default=True, help="Seconds to wait for each mirror.")
@click.option("--stats", is_flag=True, help="Measure the pixels of the files already there (no download): "
                                            "how many are black, white or grey (lecture 001 calls them binary).")
def data_command(dataset: str, directory: str | None, timeout: float, stats: bool) -> None:
    from .. import mnist

    root, source = mnist.resolve_dir(directory)
    if stats:
        _stats(mnist, directory)
        return
    mnist.download(root, timeout=timeout, log=click.echo)
    click.echo(f"MNIST is whole in {root} ({source}); cnncalc train reads it with --data-dir {root}")


def _stats(mnist: ModuleType, directory: str | None) -> None:
    lines = [f"{'split':<6} {'images':>7} {'pixels':>11} {'black (0)':>18} {'white (255)':>16} {'grey (1-254)':>18} "
             f"{'values':>6} {'images with grey':>17}"]
    total: PixelStats | None = None
    for split in ("train", "test"):
        s = mnist.pixel_stats(mnist.load_split(split, directory).images)
        lines.append(f"{split:<6} {s.images:>7,} {s.pixels:>11,} {s.zero:>10,} ({s.share(s.zero)}) "
                     f"{s.full:>8,} ({s.share(s.full)}) {s.grey:>10,} ({s.share(s.grey)}) {s.distinct:>6} "
                     f"{s.images_with_grey:>17,}")
        total = s if total is None else mnist.PixelStats(
            total.images + s.images, total.pixels + s.pixels, total.zero + s.zero, total.full + s.full,
            total.grey + s.grey, max(total.distinct, s.distinct), total.images_with_grey + s.images_with_grey)
    assert total is not None  # two splits were read
    verdict = ("binary: every pixel is 0 or 255" if total.binary else
               f"not binary: {total.grey:,} of {total.pixels:,} pixels ({total.share(total.grey)}) are grey, "
               f"in {total.images_with_grey:,} of {total.images:,} images; lecture 001's \"28 x 28 binary pixels\" "
               f"are 8-bit grey levels (0-255), {total.share(total.grey)} of them neither black nor white")
    lines.append(verdict)
    click.echo("\n".join(lines))
