"""Archived text made safe to print: what a page said must never drive the reader's terminal.

Titles, authors and comments are other people's text. Control characters in them (ESC starting
OSC 52 clipboard writes, OSC 8 links, CSI screen clearing; C1 bytes; a bare CR) are dropped, and
bidirectional controls, which reorder what is shown, are printed as `\\u202e`. Tabs and newlines
stay. The archive keeps the text as it was; only what is printed changes.
"""

from __future__ import annotations

import re

from rich.markup import escape

from archiver.parse.text import BIDI_CONTROLS, C0, DEL_C1

_CONTROL = re.compile(f"[{C0}{DEL_C1}]")
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_RAW_IN_JSON = re.compile(f"[{DEL_C1}{BIDI_CONTROLS}]")  # json.dumps escapes C0 itself


def _escaped(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


def terminal_text(text: str) -> str:
    """`text` with control characters dropped and bidi controls shown escaped."""
    return _BIDI.sub(_escaped, _CONTROL.sub("", text))


def shown(text: str) -> str:
    """`text` for Rich: safe for the terminal, its `[` markup escaped."""
    return escape(terminal_text(text))


def json_text(document: str) -> str:
    """A JSON document with what `json.dumps(ensure_ascii=False)` leaves raw (DEL, C1, bidi
    controls) written as `\\uXXXX`: the same JSON, safe on a terminal."""
    return _RAW_IN_JSON.sub(_escaped, document)
