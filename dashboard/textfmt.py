"""Untrusted text -> safe Markdown: the one place that escapes corpus text, names and URL values.

Every ASCII punctuation character gets a backslash (CommonMark shows it literally), so links,
images, HTML, ``:color[...]`` directives and ``$math$`` in corpus text render as plain text.

>>> escape_md("[x](javascript:alert(1))")
'\\\\[x\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\)'
"""

from __future__ import annotations

import re
import string

_PUNCT = re.compile("([" + re.escape(string.punctuation) + "])")
QUOTE_STYLE = ":orange-background[{}]"
SPEAKER_STYLE = "**{}**"


def escape_md(text: str) -> str:
    """Escape ``text`` so st.markdown shows it verbatim (no links, HTML or directives)."""
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in str(text))
    return _PUNCT.sub(r"\\\1", text).replace("\n", "  \n")


def _spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    found = []
    for needle in needles:
        needle = needle.strip()
        if len(needle) < 2:
            continue
        start = text.find(needle)
        while start != -1:
            found.append((start, start + len(needle)))
            start = text.find(needle, start + len(needle))
    return found


OPENERS = "\"“‘«'"
CLOSERS = "\"”’»'"
TRAILING = ",.;:!?…"


def widen_to_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """Take a quotation's own marks (and the punctuation just inside the closing one) into its
    span, so the highlight does not leave them outside with a gap (``" On … action ," he``).

    >>> t = '"On top of this, action," he added'
    >>> t[slice(*widen_to_quotes(t, 1, 23))]
    '"On top of this, action,"'
    """
    if start > 0 and text[start - 1] in OPENERS:
        start -= 1
    j = end
    while j < len(text) and text[j] in TRAILING:
        j += 1
    if j < len(text) and text[j] in CLOSERS:
        end = j + 1
    return start, end


def speaker_needles(actor: str) -> list[str]:
    """Forms of a speaker's name to look for, best first: the full name, then its parts.

    >>> speaker_needles("Xi Jinping")
    ['Xi Jinping', 'Jinping', 'Xi']
    """
    actor = actor.strip()
    parts = [p for p in reversed(actor.split()) if len(p) >= 2 and p[0].isupper()]
    return list(dict.fromkeys([actor, *parts])) if actor else []


def highlight(text: str, *, quote: str = "", actor: str = "") -> str:
    """Escaped Markdown of ``text`` with the quoted span(s) and the speaker's name marked.

    >>> highlight('Xi said "no <b>" today', quote="no <b>", actor="Xi Jinping")
    '**Xi** said :orange-background[\\\\"no \\\\<b\\\\>\\\\"] today'
    """
    quotes = [q for q in quote.split("…") if q.strip()]
    marks = [(*widen_to_quotes(text, s, e), QUOTE_STYLE) for s, e in _spans(text, quotes)]
    names: list[tuple[int, int]] = []
    for needle in speaker_needles(actor):
        names = names or _spans(text, [needle])
    marks += [(s, e, SPEAKER_STYLE) for s, e in names]
    out, pos = [], 0
    for start, end, style in sorted(marks):
        if start < pos:  # overlaps an earlier mark: keep the first
            continue
        out.append(escape_md(text[pos:start]))
        out.append(style.format(escape_md(text[start:end])))
        pos = end
    out.append(escape_md(text[pos:]))
    return "".join(out)
