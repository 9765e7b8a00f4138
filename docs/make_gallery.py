"""Draw every figure of docs/gallery.md by running the commands written there.

Run from anywhere: ``python docs/make_gallery.py``.  Each line of a ```bash block that starts with
``cnncalc`` runs from the repository root, with ``cnncalc`` meaning this checkout's ``python -m cnncalc``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "gallery.md"


def gallery_commands(page: Path = PAGE) -> list[str]:
    """The cnncalc command lines of the page's bash blocks, in order."""
    blocks = re.findall(r"```bash\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip().startswith("cnncalc ")]


def run(command: str, cwd: Path) -> None:
    """Run one line with ``cnncalc`` replaced by this checkout's ``python -m cnncalc`` (pipes included)."""
    line = re.sub(r"(^|\|\s*)cnncalc ", lambda m: f"{m.group(1)}{sys.executable} -m cnncalc ", command)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(["bash", "-c", line], cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    (ROOT / "docs" / "gallery").mkdir(exist_ok=True)
    for command in gallery_commands():
        run(command, ROOT)
        print(command[:100] + ("..." if len(command) > 100 else ""))


if __name__ == "__main__":
    main()
