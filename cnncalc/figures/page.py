"""A scene as one self-contained HTML page (or a notebook cell's output):
the SVG figure, step/play controls, and the worked step of the current cell
below it.

Nothing is fetched: the style, the figure, the frames (as JSON) and a small
script are all in the file.  Without JavaScript the page still shows the
complete figure; with it, the output starts empty and fills in as you step
(buttons, the slider, or the arrow keys, Home, End and the space bar).

>>> from cnncalc.conv import conv
>>> from cnncalc.figures.scene import conv_scene
>>> html = scene_page(conv_scene(conv("0 80 40; 20 40 0; 0 0 40", "0 0.25; 0.5 1", flip=True)))
>>> html.startswith("<!DOCTYPE html>"), "http" in html.replace("http://www.w3.org/2000/svg", "")
(True, False)
"""

from __future__ import annotations

import json
import secrets
from html import escape

from .layout import NOTE_SIZE, monospace, scene_layout
from .scene import Scene
from .svg import svg_body, svg_document

PAGE_CSS = """
body { font-family: DejaVu Sans, Helvetica, Arial, sans-serif; margin: 24px; color: #1f2933; background: #ffffff; }
"""

FIGURE_CSS = """
.cnncalc-figure { font-family: DejaVu Sans, Helvetica, Arial, sans-serif; color: #1f2933; max-width: 100%; }
.cnncalc-figure svg { max-width: 100%; height: auto; display: block; }
.cnncalc-figure .controls { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 6px 0; }
.cnncalc-figure button { font-size: 14px; padding: 3px 10px; border: 1px solid #9aa5b1; border-radius: 4px;
  background: #f5f7fa; color: #1f2933; cursor: pointer; }
.cnncalc-figure button:hover { background: #ffe27a; }
.cnncalc-figure input[type=range] { flex: 1 1 160px; min-width: 120px; }
.cnncalc-figure .counter { font-size: 13px; color: #52606d; min-width: 14em; }
.cnncalc-figure pre.step { font-family: DejaVu Sans Mono, Menlo, Consolas, monospace; font-size: 13px;
  white-space: pre-wrap; background: #fffbea; border-left: 4px solid #c08a00; padding: 8px 10px; margin: 6px 0; }
"""

SCRIPT = """
(function () {
  var root = document.getElementById("__ID__");
  var data = JSON.parse(root.querySelector("script.cnncalc-frames").textContent);
  var frames = data.frames, prefix = "__ID__-", svgNS = "http://www.w3.org/2000/svg";
  var stepBox = root.querySelector("pre.step"), counter = root.querySelector(".counter");
  var slider = root.querySelector("input[type=range]"), playButton = root.querySelector("[data-action=play]");
  var outputs = Array.prototype.slice.call(root.querySelectorAll("[data-role=output] .cell"));
  var current = 0, timer = null;
  function cell(p, r, c) { return document.getElementById(prefix + "c" + p + "-" + r + "-" + c); }
  function value(g) { return g.querySelector(".v"); }
  function note(g, text) {
    var rect = g.querySelector("rect"), t = document.createElementNS(svgNS, "text");
    t.setAttribute("class", "note");
    t.setAttribute("x", +rect.getAttribute("x") + +rect.getAttribute("width") - 3);
    t.setAttribute("y", +rect.getAttribute("y") + __NOTE__ + 1);
    t.textContent = text;
    g.appendChild(t);
  }
  function clear() {
    root.querySelectorAll(".win, .kin, .tgt, .best").forEach(function (g) { g.classList.remove("win", "kin", "tgt", "best"); });
    root.querySelectorAll("svg .note, svg .span").forEach(function (e) { e.remove(); });
  }
  function show(k) {
    current = Math.max(0, Math.min(frames.length - 1, k));
    clear();
    outputs.forEach(function (g) { g.classList.add("todo"); value(g).textContent = ""; });
    for (var i = 0; i <= current; i++) {
      frames[i].v.forEach(function (m) { var g = cell(m[0], m[1], m[2]); g.classList.remove("todo"); value(g).textContent = m[3]; });
    }
    var f = frames[current];
    f.k.forEach(function (p) { root.querySelectorAll("[data-panel='" + p + "'] .cell").forEach(function (g) { g.classList.add("kin"); }); });
    f.w.forEach(function (m) { var g = cell(m[0], m[1], m[2]); g.classList.add("win"); if (m[3]) note(g, m[3]); });
    f.b.forEach(function (m) { cell(m[0], m[1], m[2]).classList.add("best"); });
    f.t.forEach(function (m) { var g = cell(m[0], m[1], m[2]); g.classList.add("tgt"); if (m[3]) note(g, m[3]); });
    f.s.forEach(function (s) {
      var a = cell(s[0], s[1], s[2]).querySelector("rect"), b = cell(s[0], s[3], s[4]).querySelector("rect");
      var x = +a.getAttribute("x"), y = +a.getAttribute("y");
      var box = document.createElementNS(svgNS, "rect");
      box.setAttribute("class", "span");
      box.setAttribute("x", x); box.setAttribute("y", y);
      box.setAttribute("width", +b.getAttribute("x") + +b.getAttribute("width") - x);
      box.setAttribute("height", +b.getAttribute("y") + +b.getAttribute("height") - y);
      a.ownerSVGElement.appendChild(box);
    });
    stepBox.textContent = f.l.join("\\n");
    counter.textContent = "step " + (current + 1) + " of " + frames.length + ": output cell " + f.label;
    slider.value = current;
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; playButton.textContent = "\\u25B6 play"; } }
  function play() {
    if (timer) { stop(); return; }
    if (current >= frames.length - 1) show(0);
    playButton.textContent = "\\u25A0 pause";
    timer = setInterval(function () { if (current >= frames.length - 1) stop(); else show(current + 1); }, 900);
  }
  var actions = {
    first: function () { stop(); show(0); }, back: function () { stop(); show(current - 1); },
    next: function () { stop(); show(current + 1); }, last: function () { stop(); show(frames.length - 1); },
    play: play
  };
  root.querySelectorAll("button[data-action]").forEach(function (b) {
    b.addEventListener("click", actions[b.getAttribute("data-action")]);
  });
  slider.addEventListener("input", function () { stop(); show(+slider.value); });
  root.addEventListener("keydown", function (e) {
    var keys = { ArrowRight: "next", ArrowLeft: "back", Home: "first", End: "last", " ": "play" };
    if (keys[e.key]) { e.preventDefault(); actions[keys[e.key]](); }
  });
  show(0);
})();
"""  # noqa: E501 - the page's script, as the browser receives it


def frames_json(scene: Scene) -> str:
    """The frames as compact JSON for the page's script (``</`` escaped: it sits inside a <script>)."""
    frames = []
    for f in scene.frames:
        frames.append({
            "label": f.label,
            "w": [[m.panel, m.row, m.col, m.note] for m in f.window],
            "s": [[s.panel, s.r0, s.c0, s.r1, s.c1] for s in f.spans],
            "k": list(f.kernel),
            "b": [[m.panel, m.row, m.col] for m in f.winners],
            "t": [[m.panel, m.row, m.col, m.note] for m in f.targets],
            "v": [[m.panel, m.row, m.col, scene.panels[m.panel].texts[m.row][m.col]] for m in f.reveals],
            "l": list(f.lines),
        })
    text = json.dumps({"frames": frames}, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/")


def figure_html(scene: Scene, figure_id: str | None = None, max_width: str | None = None) -> str:
    """The interactive figure as one <div> (with its style and script), for a page or a notebook."""
    figure_id = figure_id or f"cnncalc-{secrets.token_hex(4)}"
    layout = scene_layout(scene, monospace, frames=[])  # the step goes below, in HTML
    svg = svg_document(layout.width, layout.height, svg_body(scene, layout, 0, prefix=f"{figure_id}-"))
    width = f' style="max-width: {max_width}"' if max_width else ""
    buttons = "".join(f'<button type="button" data-action="{action}">{label}</button>' for action, label in (
        ("first", "\u00AB first"), ("back", "\u2039 back"), ("play", "\u25B6 play"), ("next", "next \u203A"),
        ("last", "last \u00BB")))
    first = scene.frames[0]
    return (
        f'<div class="cnncalc-figure" id="{figure_id}" tabindex="0"{width}>\n'
        f"<style>{FIGURE_CSS}</style>\n"
        f"{svg}"
        f'<div class="controls">{buttons}'
        f'<input type="range" min="0" max="{len(scene.frames) - 1}" value="0" aria-label="step">'
        f'<span class="counter">step 1 of {len(scene.frames)}: output cell {escape(first.label)}</span></div>\n'
        f'<pre class="step">{escape(chr(10).join(first.lines))}</pre>\n'
        f'<script type="application/json" class="cnncalc-frames">{frames_json(scene)}</script>\n'
        f"<script>{SCRIPT.replace('__ID__', figure_id).replace('__NOTE__', str(NOTE_SIZE))}</script>\n"
        "</div>\n"
    )


def scene_page(scene: Scene) -> str:
    """A whole HTML document: the title, the interactive figure, a line on how to use it."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{escape(scene.title)}</title>\n<style>{PAGE_CSS}</style>\n</head>\n<body>\n"
        f"{figure_html(scene, 'cnncalc-figure')}"
        '<p style="color:#52606d;font-size:13px">Step with the buttons, the slider or the keys '
        "\u2190 \u2192 Home End (space plays). Written by cnncalc; every value is exact.</p>\n"
        "</body>\n</html>\n"
    )
