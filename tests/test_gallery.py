"""docs/gallery.md: every picture it shows exists, the commands above them still draw exactly the
committed files (SVG and HTML byte for byte, a GIF by its frames: its bytes depend on Pillow's
version), and the corrected conv_arithmetic figure holds the right numbers."""

from __future__ import annotations

import importlib.util
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "gallery.md"
GALLERY = ROOT / "docs" / "gallery"
SVG = "{http://www.w3.org/2000/svg}"


def _maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_gallery", ROOT / "docs" / "make_gallery.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_linked_picture_exists_and_every_drawn_file_is_linked():
    text = PAGE.read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\((gallery/[^)]+)\)", text))
    drawn = {f"gallery/{m}" for m in re.findall(r"--draw docs/gallery/(\S+)", text)}
    assert linked == drawn
    for link in linked:
        assert (ROOT / "docs" / link).exists(), link


def test_the_issue_17_figure_shows_the_stride_2_values():
    root = ET.parse(GALLERY / "numerical_padding_strides.svg").getroot()
    values = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("data-index"):
            values[g.get("data-index")] = int(g.find(f"{SVG}text").text)
    assert [[values[f"{r},{c}"] for c in range(3)] for r in range(3)] == [[1, 5, 6], [7, 8, 3], [3, 10, 4]]


@pytest.mark.slow
def test_the_gallery_commands_draw_the_committed_files(tmp_path):
    from PIL import Image

    maker = _maker()
    (tmp_path / "docs" / "gallery").mkdir(parents=True)
    commands = maker.gallery_commands(PAGE)
    assert len(commands) >= 25
    for command in commands:
        maker.run(command, tmp_path)
    stale = "docs/gallery is stale: run python docs/make_gallery.py"
    for fresh in sorted((tmp_path / "docs" / "gallery").iterdir()):
        committed = GALLERY / fresh.name
        assert committed.exists(), stale
        if fresh.suffix in (".svg", ".html"):
            assert fresh.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), (fresh.name, stale)
        else:
            with Image.open(fresh) as new, Image.open(committed) as old:
                assert (new.n_frames, new.size) == (old.n_frames, old.size), (fresh.name, stale)
    shutil.rmtree(tmp_path / "docs")
