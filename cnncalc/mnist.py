"""The MNIST files: where they are, whether they are whole, and reading them.

The data directory is, in order: the ``--data-dir`` given, the environment
variable ``CNNCALC_DATA``, or the default cache folder
``~/.cache/cnncalc/mnist`` (``$XDG_CACHE_HOME/cnncalc/mnist`` when set).  In
each, the four files may lie directly or in torchvision's layout
``MNIST/raw/``, gzip-compressed (``.gz``) or not.

Checksums are md5 sums of the *uncompressed* bytes, so a file recompressed by
another tool, or kept raw, checks the same.

Only numpy and the standard library: ``cnncalc data`` never imports torch.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import InputError
from .files import make_folder
from .idx import read_bytes, read_idx_bytes

ENV = "CNNCALC_DATA"

# name -> (md5 of the uncompressed bytes, shape)
FILES = {
    "train-images-idx3-ubyte": ("6bbc9ace898e44ae57da46a324031adb", (60000, 28, 28)),
    "train-labels-idx1-ubyte": ("a25bea736e30d166cdddb491f175f624", (60000,)),
    "t10k-images-idx3-ubyte": ("2646ac647ad5339dbf082846283269ea", (10000, 28, 28)),
    "t10k-labels-idx1-ubyte": ("27ae3e4e09519cfbb04c329615203637", (10000,)),
}
SPLITS = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
          "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
# the public mirrors torchvision uses, tried in order
MIRRORS = ("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/")

MEAN, STD = 0.1307, 0.3081


def default_dir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "cnncalc" / "mnist"


def resolve_dir(data_dir: str | os.PathLike | None = None) -> tuple[Path, str]:
    """The data directory and where it came from ('--data-dir', CNNCALC_DATA or 'default')."""
    if data_dir:
        return Path(data_dir).expanduser(), "--data-dir"
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser(), ENV
    return default_dir(), "default"


def _fix(root: Path) -> str:
    return (f"run `cnncalc data mnist {root}` where there is internet, or copy the four MNIST files "
            f"({', '.join(f + '.gz' for f in FILES)}) into {root}")


def find_file(root: Path, name: str) -> Path:
    """``name`` (.gz or raw) in ``root`` or ``root/MNIST/raw``; a one-line error when absent."""
    places = (root, root / "MNIST" / "raw")
    for place in places:
        for candidate in (place / f"{name}.gz", place / name):
            if candidate.is_file():
                return candidate
    source = "" if root.is_dir() else " (the folder does not exist)"
    raise InputError(
        f"MNIST file {name}.gz (or {name}) not found in {places[0]}{source} nor in {places[1]}; "
        f"{_fix(root)}; or point --data-dir or {ENV} at the folder that has them"
    )


@dataclass(frozen=True)
class Split:
    images: np.ndarray  # (N, 28, 28) uint8
    labels: np.ndarray  # (N,) int64
    files: tuple


def file_bytes(name: str) -> int:
    """The uncompressed size of one MNIST file: header and uint8 values.

    >>> file_bytes("train-images-idx3-ubyte")
    47040016
    """
    shape = FILES[name][1]
    return 4 + 4 * len(shape) + math.prod(shape)


def read_checked(path: Path, name: str, root: Path, check: bool = True) -> np.ndarray:
    """Read one file, checking its length, magic, shape and (optionally) md5."""
    fix = _fix(root)
    md5, shape = FILES[name]
    # never more than the real file's bytes: a small gzip file inflating to gigabytes stops there
    data = read_bytes(str(path), fix, max_bytes=file_bytes(name))
    array = read_idx_bytes(data, str(path), fix)
    if array.shape[1:] != shape[1:] or check and array.shape != shape:
        raise InputError(f"{path} holds {'x'.join(map(str, array.shape))} values, MNIST's {name} has "
                         f"{'x'.join(map(str, shape))}; {fix}")
    if check and hashlib.md5(data).hexdigest() != md5:
        raise InputError(f"{path} has the right size but its md5 {hashlib.md5(data).hexdigest()} is not "
                         f"MNIST's {md5} (corrupt file); {fix}")
    return array


def load_split(split: str, data_dir: str | os.PathLike | None = None, check: bool = True) -> Split:
    """Images and labels of 'train' (60,000) or 'test' (10,000).

    ``check=False`` skips the md5 sums and the record counts (small
    hand-made folders for tests), keeping the 28x28 and label checks.
    """
    root, _ = resolve_dir(data_dir)
    images_name, labels_name = SPLITS[split]
    paths = (find_file(root, images_name), find_file(root, labels_name))
    images = read_checked(paths[0], images_name, root, check)
    labels = read_checked(paths[1], labels_name, root, check).astype(np.int64)
    if len(labels) != len(images):
        raise InputError(f"{paths[0]} has {len(images)} images but {paths[1]} has {len(labels)} labels; {_fix(root)}")
    if labels.size and labels.max() > 9:
        raise InputError(f"{paths[1]} has label {labels.max()}, MNIST's are 0..9; {_fix(root)}")
    return Split(images, labels, tuple(str(p) for p in paths))


def status(root: Path) -> list[tuple]:
    """(name, path or None, 'ok' / error message) for each of the four files."""
    rows: list[tuple[str, Path | None, str]] = []
    for name in FILES:
        try:
            path = find_file(root, name)
        except InputError:
            rows.append((name, None, "missing"))
            continue
        try:
            read_checked(path, name, root)
            rows.append((name, path, "ok"))
        except InputError as error:
            rows.append((name, path, str(error).split(";")[0]))
    return rows


def download(root: Path, timeout: float = 5.0, mirrors: Sequence[str] | None = None,
             log: Callable[[str], None] = lambda text: None) -> list[tuple]:
    """Fetch each missing or damaged file from the mirrors (default ``MIRRORS``,
    read when called), checking its md5.

    Raises a one-line :class:`InputError` naming the files that could not be
    fetched, a file that is there but damaged (what is wrong with it), and
    where to put good copies.
    """
    created = _missing_folders(Path(root))
    make_folder(root, "MNIST folder")
    try:
        return _fetch_missing(Path(root), timeout, MIRRORS if mirrors is None else mirrors, log)
    except BaseException:
        _remove_empty(created)  # a failed download leaves no empty folders behind
        raise


def _missing_folders(path: Path) -> list[Path]:
    """The folders of ``path`` (itself and its parents) that do not exist yet, deepest first."""
    missing = []
    while not path.exists() and path != path.parent:
        missing.append(path)
        path = path.parent
    return missing


def _remove_empty(folders: list[Path]) -> None:
    """Remove the folders we created, deepest first, each only while it is empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:  # not empty (a file was kept), or gone: leave it
            return


def _fetch_missing(root: Path, timeout: float, mirrors: Sequence[str], log: Callable[[str], object]) -> list[tuple]:
    import urllib.error
    import urllib.request

    failed, unreachable = [], set()  # a mirror that cannot be reached is not tried again
    damaged = []  # what is wrong with each file that is there but not MNIST's (a gzip bomb, a truncated copy)
    for name, path, state in status(root):
        if state == "ok":
            log(f"{name}: already present and whole ({path})")
            continue
        if path is not None:
            damaged.append(state)
            log(f"{name}: {state}; downloading it again")
        errors = []
        for mirror in mirrors:
            url = f"{mirror}{name}.gz"
            if mirror in unreachable:
                continue
            try:
                with urllib.request.urlopen(url, timeout=timeout) as response:
                    data = response.read(file_bytes(name) + 1_000_000)  # gzip is smaller than the data
            except urllib.error.HTTPError as error:  # reached, but no such file there
                errors.append(f"{url}: HTTP {error.code}")
                continue
            except (urllib.error.URLError, OSError, ValueError) as error:
                unreachable.add(mirror)
                errors.append(f"{url}: {getattr(error, 'reason', error)}")
                continue
            target = root / f"{name}.gz"
            tmp = target.with_suffix(".gz.part")
            tmp.write_bytes(data)
            try:
                read_checked(tmp, name, root)
            except InputError as error:
                tmp.unlink()
                errors.append(f"{url}: {str(error).split(';')[0]}")
                continue
            tmp.replace(target)
            log(f"{name}: downloaded from {mirror} and checked")
            break
        else:
            failed.append((name, errors))
    if failed:
        names = ", ".join(f"{name}.gz" for name, _ in failed)
        first = failed[0][1][0] if failed[0][1] else "no mirror"
        # a file that is there but bad is the cause to name first: which file, and the limit or check it fails
        bad = (f"{damaged[0]}{f' (and {len(damaged) - 1} more damaged)' if len(damaged) > 1 else ''}; "
               if damaged else "")
        raise InputError(
            f"{bad}could not download {names} ({first}); put these files (from {MIRRORS[0]}, or any copy of "
            f"MNIST, gzip or raw) into {root}, then run `cnncalc data mnist {root}` again to check them"
        )
    return status(root)


@dataclass(frozen=True)
class PixelStats:
    """How binary MNIST's pixels are (lecture 001 says "28 x 28 binary pixels")."""

    images: int
    pixels: int
    zero: int  # black, 0
    full: int  # white, 255
    grey: int  # 1..254
    distinct: int  # different values used
    images_with_grey: int

    @property
    def binary(self) -> bool:
        return self.grey == 0

    def share(self, count: int) -> str:
        return f"{100 * count / self.pixels:.2f}%"


def pixel_stats(images: np.ndarray) -> PixelStats:
    """Count black, white and grey pixels exactly.

    >>> s = pixel_stats(np.array([[[0, 255], [128, 0]]], dtype=np.uint8))
    >>> (s.zero, s.full, s.grey, s.distinct, s.binary)
    (2, 1, 1, 3, False)
    """
    flat = images.reshape(len(images), -1)
    counts = np.bincount(flat.ravel(), minlength=256)
    grey_per_image = ((flat > 0) & (flat < 255)).sum(axis=1)
    return PixelStats(len(images), int(flat.size), int(counts[0]), int(counts[255]), int(counts[1:255].sum()),
                      int((counts > 0).sum()), int((grey_per_image > 0).sum()))
