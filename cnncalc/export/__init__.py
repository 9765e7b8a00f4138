"""Exports: the course's exercises where the class is.

==================  =====================================================================
``roster``          per-student variant seeds, from a roster CSV or a platform's user id
``fields``          a reference as the blanks a platform asks for (numbers, cells, sizes, text)
``html``            Markdown and matrices as HTML, for every platform that shows HTML
``bundle``          cnncalc itself, shipped: a wheel, pinned requirements, a vendored copy
``template``        a blank answer file (``cnncalc grade --template``)
``gradescope``      the autograder zip, and the code that runs inside it
``moodle``          Moodle XML: one Cloze question per variant
``canvas``          a QTI 1.2 zip: one quiz per variant, numerical questions with margins
``prairielearn``    question folders whose ``server.py`` draws and grades through cnncalc
``sheets``          printable per-student exercise sheets and answer keys (HTML)
==================  =====================================================================

Every export is a renderer of the engine's references for one variant: nothing
is recomputed or rounded here except where a platform cannot hold an exact value,
and then the export says so (``Export.notes``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The formats of ``cnncalc export``, each the module that writes it.
FORMATS = ("gradescope", "moodle", "canvas", "prairielearn", "sheets")


@dataclass
class Written:
    """What an export wrote, and what the platform could not express (one line each)."""

    paths: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
