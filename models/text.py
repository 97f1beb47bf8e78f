"""Sentence splitting without a model (quoted spans: ``models.quotes``)."""

from __future__ import annotations

import re

# A sentence ends at . ! ? (optionally followed by a closing quote) before an upper-case start.
_SENT_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")
_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Sen|Rep|St|Jr|Sr|U\.S|U\.N|vs|etc)\.$")
MAX_UNIT_CHARS = 600


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences without a model (fast, good enough for news prose).

    >>> split_sentences('He said "No." Mr. Xi agreed. U.S. officials left.')
    ['He said "No."', 'Mr. Xi agreed.', 'U.S. officials left.']
    """
    parts: list[str] = []
    start = 0
    for m in _SENT_END.finditer(text):
        head = text[start : m.start()].rstrip('"”’)')
        if _ABBREV.search(head) or not head.strip():
            continue
        parts.append(text[start : m.start() + len(m.group(0).rstrip())].strip())
        start = m.end()
    parts.append(text[start:].strip())
    return [piece for p in parts for piece in cut_long(p)]


def cut_long(text: str) -> list[str]:
    """``text`` in pieces of at most ``MAX_UNIT_CHARS``, cut at a clause boundary if there is one
    (an over-long "sentence" or quotation); empty text gives no piece."""
    out: list[str] = []
    p = text.strip()
    while len(p) > MAX_UNIT_CHARS:
        cut = max(p.rfind(", ", 0, MAX_UNIT_CHARS), p.rfind("; ", 0, MAX_UNIT_CHARS))
        cut = cut if cut > MAX_UNIT_CHARS // 3 else MAX_UNIT_CHARS
        out.append(p[: cut + 1].strip())
        p = p[cut + 1 :].strip()
    if p:
        out.append(p)
    return out
