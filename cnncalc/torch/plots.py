"""PNG plots of the tasks (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np


class RunSettings(Protocol):
    """What a plot's title says of a run (tasks.Settings has it; plots does not import tasks)."""

    batch_size: int
    limit: int | None


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def coefficients(coef: np.ndarray, path: Path) -> Path:
    """The logistic regression's weights of each class as ten 28x28 images
    (red positive, blue negative, one colour scale for all)."""
    plt = _pyplot()
    import numpy as np

    # one scale for all ten, set by the 99.5th percentile: a few edge pixels
    # that are almost never inked get large weights and would wash out the rest
    limit = float(np.quantile(np.abs(coef), 0.995)) or 1.0
    fig, axes = plt.subplots(2, 5, figsize=(10, 4.2), layout="constrained")
    for digit, ax in enumerate(axes.flat):
        image = ax.imshow(coef[digit].reshape(28, 28), cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"class {digit}")
        ax.axis("off")
    fig.colorbar(image, ax=axes, shrink=0.8, label="coefficient", extend="both")
    fig.suptitle("Logistic regression coefficients per class (normalised pixels)")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def loss_curves(histories: dict, path: Path, settings: RunSettings | None = None) -> Path:
    """Training loss (thin line: a point per tenth of an epoch; markers: the epoch's
    mean) and validation loss after each epoch (dashed), one colour per optimizer."""
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(8, 5))
    for i, (name, history) in enumerate(histories.items()):
        epochs = range(1, len(history["train_loss"]) + 1)
        colour = f"C{i}"
        if history.get("curve"):
            xs, ys = zip(*history["curve"])
            ax.plot(xs, ys, "-", color=colour, alpha=0.45, linewidth=1)
        ax.plot(epochs, history["train_loss"], "-o", color=colour, label=f"{name} training (epoch mean)")
        if history.get("val_loss"):
            ax.plot(epochs, history["val_loss"], "--s", color=colour, label=f"{name} validation")
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("categorical cross-entropy")
    ax.set_yscale("log")
    title = "Programming task network on MNIST: loss per optimizer"
    if settings is not None:
        images = f"first {settings.limit:,} training images" if settings.limit else "60,000 training images"
        title += f"\n(batch {settings.batch_size}, {images})"
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def shift_bars(rows: list, path: Path) -> Path:
    """Validation accuracy on clean and shifted digits, per classifier."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    names = [r["model"] for r in rows]
    xs = range(len(rows))
    ax.bar([x - 0.2 for x in xs], [100 * r["val_acc"] for r in rows], 0.4, label="clean")
    ax.bar([x + 0.2 for x in xs], [100 * r["val_acc_shifted"] for r in rows], 0.4, label="shifted (up to 3 px)")
    for x, r in zip(xs, rows):
        ax.text(x - 0.2, 100 * r["val_acc"] + 0.5, f"{100 * r['val_acc']:.1f}", ha="center", fontsize=8)
        ax.text(x + 0.2, 100 * r["val_acc_shifted"] + 0.5, f"{100 * r['val_acc_shifted']:.1f}", ha="center", fontsize=8)
    ax.set_xticks(list(xs), names)
    ax.set_ylabel("validation accuracy (%)")
    ax.set_ylim(0, 105)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2)
    ax.set_title("Horizontal shifts of the validation digits")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
