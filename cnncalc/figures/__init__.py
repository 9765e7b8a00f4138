"""Pictures of the arithmetic: renderers of the engine's results, never a second computation.

==============  ==============================================================
``scene``       what a figure shows: panels of exact values, one frame per step
``layout``      where it goes, in pixels, for every renderer
``svg``         one figure as SVG
``raster``      the frames as pixels: GIF and animated PNG (Pillow)
``page``        a self-contained HTML page with step/play controls
``files``       ``draw(result, "q1.gif")``: the format from the extension
``network``     a layer stack as a diagram with per-layer bars (SVG, HTML)
``notebook``    ``_repr_html_`` / ``_repr_markdown_`` of results in Jupyter and Colab
==============  ==============================================================

``import cnncalc`` imports only :mod:`cnncalc.figures.notebook`, which is light;
everything else loads when a figure is drawn.
"""

from __future__ import annotations


def __getattr__(name: str) -> object:
    """``from cnncalc.figures import draw`` without importing the renderers up front."""
    if name == "draw":
        from .files import draw

        return draw
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
