"""Benchmark of the figures (run: ``python bench/bench_figures.py``).

1. The SVG of a 28x28 convolution (an MNIST-sized image, a 3x3 Sobel kernel,
   26x26 output): ``draw(result, "x.svg")`` against matplotlib drawing the same
   three grids of numbers as text and saving them as SVG, the way such figures
   are usually made.  Target: under 0.5 s.
2. The GIF of the exercise sheet's Q1 (16 frames, one per output cell):
   ``draw(result, "q1.gif")`` against matplotlib's animation of the same 16
   frames (window rectangle, output filling in) written by its PillowWriter.
   Target: under 2 s.
3. For scale: the HTML page of the 28x28 convolution (676 steps) and the whole
   ``cnncalc conv ... --draw q1.gif`` command as a process (start-up included).

Both sides run in the same process, best of several runs; ratios are printed,
nothing is asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from timing import best  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

SHEET_Q1 = ("20 35 35 35 35 20; 29 46 44 42 42 27; 16 25 21 19 19 12; 66 120 116 154 114 62; "
            "74 216 174 252 172 112; 70 210 170 250 170 110")
RING = "1 1 1; 1 0 1; 1 1 1"
SOBEL = "1 2 1; 0 0 0; -1 -2 -1"
IMAGE_28 = "; ".join(" ".join(str((r * 31 + c * 17) % 256) for c in range(28)) for r in range(28))


def ours(image: str, kernel: str, path: Path) -> Callable[[], object]:
    """What `cnncalc conv IMAGE KERNEL --draw PATH` does after parsing its options."""
    from cnncalc.conv import conv
    from cnncalc.figures.files import draw

    return lambda: draw(conv(image, kernel), path)


def grids(image: str, kernel: str) -> tuple:
    import numpy as np

    from cnncalc.conv import conv

    r = conv(image, kernel)
    return (np.array(r.input.tolist()[0][0], dtype=object), np.array(r.kernel.tolist()[0][0], dtype=object),
            np.array(r.output.tolist(), dtype=object))


def matplotlib_svg(image: str, kernel: str, path: Path) -> Callable[[], None]:
    """The same three grids of numbers as text on a matplotlib figure, saved as SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    x, k, y = grids(image, kernel)

    def run() -> None:
        fig, axes = plt.subplots(1, 3, figsize=(18, 7), gridspec_kw={"width_ratios": [28, 3, 26]})
        for ax, a in zip(axes, (x, k, y)):
            ax.imshow(np.zeros(a.shape), cmap="Greys", vmin=0, vmax=1)
            for (i, j), v in np.ndenumerate(a):
                ax.text(j, i, str(v), ha="center", va="center", fontsize=4)
            ax.set_xticks([])
            ax.set_yticks([])
        fig.savefig(path, format="svg")
        plt.close(fig)
    return run


def matplotlib_gif(image: str, kernel: str, path: Path) -> Callable[[], None]:
    """matplotlib's animation of the window sliding and the output filling in, one frame per cell."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.animation import FuncAnimation, PillowWriter
    from matplotlib.patches import Rectangle

    x, k, y = grids(image, kernel)
    cells = [(i, j) for i in range(y.shape[0]) for j in range(y.shape[1])]

    def run() -> None:
        fig, axes = plt.subplots(1, 3, figsize=(8, 3.5), gridspec_kw={"width_ratios": [6, 3, 4]})
        for ax, a in zip(axes, (x, k, y)):
            ax.imshow(np.zeros(a.shape), cmap="Greys", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        for (i, j), v in np.ndenumerate(x):
            axes[0].text(j, i, str(v), ha="center", va="center", fontsize=8)
        for (i, j), v in np.ndenumerate(k):
            axes[1].text(j, i, str(v), ha="center", va="center", fontsize=8)
        window = Rectangle((-0.5, -0.5), 3, 3, fill=False, edgecolor="orange", linewidth=2)
        axes[0].add_patch(window)
        texts = {c: axes[2].text(c[1], c[0], "", ha="center", va="center", fontsize=8) for c in cells}

        def frame(n: int) -> list:
            i, j = cells[n]
            window.set_xy((j - 0.5, i - 0.5))
            texts[(i, j)].set_text(str(y[i, j]))
            return [window, texts[(i, j)]]

        FuncAnimation(fig, frame, frames=len(cells), blit=False).save(path, writer=PillowWriter(fps=1))
        plt.close(fig)
    return run


def command_time(args: list[str]) -> float:
    def run() -> None:
        subprocess.run([sys.executable, "-m", "cnncalc", *args], env=ENV, check=True, capture_output=True)
    return best(run, 3)


def main() -> None:
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus")
    folder = Path(tempfile.mkdtemp(prefix="cnncalc-bench-"))

    svg = best(ours(IMAGE_28, SOBEL, folder / "conv28.svg"), 5)
    ref_svg = best(matplotlib_svg(IMAGE_28, SOBEL, folder / "conv28-matplotlib.svg"), 3)
    print(f"SVG, 28x28 conv (26x26 output): cnncalc {svg:.3f} s (target < 0.5 s: "
          f"{'met' if svg < 0.5 else 'MISSED'}), matplotlib {ref_svg:.3f} s, ratio {ref_svg / svg:.1f}x "
          f"({(folder / 'conv28.svg').stat().st_size // 1024} KB)")

    gif = best(ours(SHEET_Q1, RING, folder / "q1.gif"), 5)
    ref_gif = best(matplotlib_gif(SHEET_Q1, RING, folder / "q1-matplotlib.gif"), 3)
    from PIL import Image

    with Image.open(folder / "q1.gif") as image:
        frames = image.n_frames
    print(f"GIF, sheet Q1 ({frames} frames): cnncalc {gif:.3f} s (target < 2 s: "
          f"{'met' if gif < 2 else 'MISSED'}), matplotlib {ref_gif:.3f} s, ratio {ref_gif / gif:.1f}x "
          f"({(folder / 'q1.gif').stat().st_size // 1024} KB)")

    page = best(ours(IMAGE_28, SOBEL, folder / "conv28.html"), 3)
    print(f"HTML page, 28x28 conv (676 steps): cnncalc {page:.3f} s "
          f"({(folder / 'conv28.html').stat().st_size // 1024} KB)")
    whole = command_time(["conv", SHEET_Q1, RING, "--draw", str(folder / "cmd.gif")])
    print(f"whole command  cnncalc conv Q1 --draw q1.gif: {whole:.3f} s (start-up included)")
    print(f"files in {folder}")


if __name__ == "__main__":
    main()
