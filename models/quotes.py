"""Quoted spans of a paragraph: curly and straight double quotes, dropped or run-on marks.

Pure string code (no model), shared by attribution, the classifier and the dashboard.

>>> quote_spans('“Peace,” he said. "Talks."')
[(1, 7), (19, 25)]
>>> quotes_of('“Peace,” he said.')
['Peace']
"""

from __future__ import annotations

import re

_STRAIGHT = '"'


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans (inside the marks) of the quotations of a paragraph.

    Curly marks pair directly; a straight mark opens at a word start and closes after one.
    An opening mark with no closing one ends at the last comma before the next opening
    (a dropped closing mark), or at the end of the paragraph (a quote running on).
    """
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for m in re.finditer(r"[\"“”]", text):
        ch, i = m.group(), m.start()
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        opening = ch == "“" or (
            ch == _STRAIGHT and (before.isspace() or before in "([—–-") and not after.isspace()
        )
        if opening:
            if start is not None:  # dropped closing mark
                cut = text.rfind(",", start, i)
                spans.append((start, cut + 1 if cut > start else i))
            start = i + 1
        elif start is not None:
            spans.append((start, i))
            start = None
        elif not spans:  # a quote carried over from the previous paragraph
            spans.append((0, i))
    if start is not None and start < len(text):
        spans.append((start, len(text)))
    return [(a, b) for a, b in spans if b > a]


def quotes_of(text: str) -> list[str]:
    """The quoted strings of a paragraph, stripped."""
    return [text[a:b].strip(" ,") for a, b in quote_spans(text) if text[a:b].strip(" ,.")]
