"""The HTML page in a real browser (headless Chromium over the DevTools protocol, see tests/chromium.py):
it renders (a screenshot that is not blank), its script runs (the output starts empty), and after
clicking "next" through every step the page holds every output value of ``--json``."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from fractions import Fraction

import pytest
from click.testing import CliRunner

from cnncalc.cli import main

from .chromium import Browser, BrowserUnavailable, find_chromium, why_not_found

# the module's fixtures are costly: one worker runs all of its tests (pytest-xdist --dist loadgroup)
pytestmark = pytest.mark.xdist_group("test_figures_browser")

SHEET_Q1 = ("20 35 35 35 35 20; 29 46 44 42 42 27; 16 25 21 19 19 12; 66 120 116 154 114 62; "
            "74 216 174 252 172 112; 70 210 170 250 170 110")

OUTPUT_TEXTS = ("Array.from(document.querySelectorAll('[data-role=output] .cell'))"
                ".map(g => [g.dataset.index, g.querySelector('.v').textContent])")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        pytest.skip(why_not_found())
    try:
        opened = Browser(executable)
    except BrowserUnavailable as error:
        pytest.skip(f"chromium is installed but did not start here: {error}")
    yield opened
    opened.close()


def flat(output: list | object, prefix: tuple = ()) -> dict[str, object]:
    if not isinstance(output, list):
        return {",".join(map(str, prefix)): output}
    out = {}
    for k, part in enumerate(output):
        out.update(flat(part, prefix + (k,)))
    return out


def not_blank(png: bytes) -> tuple[int, int]:
    """(pixels that are not white, distinct colours) of a screenshot."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        rgb = image.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 20)
        white = next((n for n, c in colours if c == (255, 255, 255)), 0)
        return rgb.width * rgb.height - white, len(colours)


@pytest.mark.parametrize("args", [
    ("conv", SHEET_Q1, "1 1 1; 1 0 1; 1 1 1"),
    ("conv", "113 122 130 128; 115 112 110 111; 105 106 105 106; 94 98 101 103",
     "1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9", "--padding", "1", "--stride", "2"),
    ("pool", "10 15 10 20; 10 5 0 30; 5 15 20 25; 15 10 25 20", "--op", "avg", "--padding", "1"),
], ids=["sheet-q1", "ninths-padding-stride", "avg-pool-padding"])
def test_the_page_steps_through_every_cell_in_a_browser(browser, args, tmp_path):
    page = tmp_path / "page.html"
    result = CliRunner().invoke(main, [*args, "--json", "--draw", str(page)])
    assert result.exit_code == 0, result.output
    expected = flat(json.loads(result.stdout)["output"])

    browser.open(page)
    shown = dict(browser.evaluate(OUTPUT_TEXTS))
    assert sorted(shown) == sorted(expected)
    first = min(expected, key=lambda i: tuple(map(int, i.split(","))))
    assert [i for i, t in shown.items() if t] == [first]  # the script ran: only the first cell is filled

    painted, colours = not_blank(browser.screenshot())
    assert painted > 20_000 and colours > 10, (painted, colours)  # a figure, not an empty page

    steps = len(expected)
    for k in range(steps - 1):
        browser.click("button[data-action=next]")
        counter = browser.evaluate("document.querySelector('.counter').textContent")
        assert counter.startswith(f"step {k + 2} of {steps}")
    shown = dict(browser.evaluate(OUTPUT_TEXTS))
    for index, value in expected.items():
        assert Fraction(shown[index]) == Fraction(value), (index, shown[index], value)
    step = browser.evaluate("document.querySelector('pre.step').textContent")
    last = max(expected, key=lambda i: tuple(map(int, i.split(","))))
    assert Fraction(step.rsplit(" = ", 1)[1]) == Fraction(expected[last])

    browser.click("button[data-action=first]")
    shown = dict(browser.evaluate(OUTPUT_TEXTS))
    assert [i for i, t in shown.items() if t] == [first]
