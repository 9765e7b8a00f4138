"""Text from files and users made safe to print on a terminal.

A value can carry control characters: ``"\\x1b[2J"`` in a YAML string clears
the screen, ``"\\x1b]8;;..."`` plants a hyperlink, and ``"\\x9b"`` is a
one-byte escape on many terminals.  Before such text reaches a terminal (an
error message, an exercise's title or note), every control character except
a new line and a tab is written out as its escape, so what the user sees is
what the file holds.

>>> printable("ok\\x1b[31m red\\x07 é\\tend")
'ok\\\\x1b[31m red\\\\x07 é\\tend'
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with control characters (but new lines and tabs) as visible escapes."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def has_control(text: str) -> bool:
    """Whether text holds a control character other than a new line or a tab."""
    return bool(_CONTROL.search(str(text)))
