"""Split a document into paragraphs and tell story text from page furniture.

Kinds: ``content`` (story text), ``heading`` (titles, section heads, standfirsts) and
``boilerplate`` (captions, credits, ads, comment prompts, copyright, teasers). The furniture
patterns are data: ``models/data/furniture.toml``. Linear in the text length.

>>> from models.records import Document
>>> [(p.kind, p.text) for p in segment_document(Document("a.txt", "Big news\\n\\nIt rained."))]
[('heading', 'Big news'), ('content', 'It rained.')]
"""

from __future__ import annotations

import itertools
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from models.records import Document, Paragraph, ParagraphKind

FURNITURE_PATH = Path(__file__).parent / "data" / "furniture.toml"
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_BLANK = re.compile(r"\n[ \t]*\n")
_CLOSERS = "\"'”’»)]*"
_TERMINAL = ".!?:;…"
# A sentence boundary: terminal punctuation, optional closing quote, space, capital/quote/digit.
_SENT_END = re.compile(r"[.!?…][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_NUMBERED = re.compile(r"^\(?\d{1,2}[.)]\s+\S")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Pattern:
    name: str
    regex: re.Pattern[str]
    max_chars: int
    role: str


@dataclass(frozen=True)
class Furniture:
    patterns: tuple[Pattern, ...]
    limits: dict[str, int]


@cache
def load_furniture(path: Path = FURNITURE_PATH) -> Furniture:
    """The furniture patterns and limits (loaded once per path)."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    pats = tuple(
        Pattern(
            p["name"], re.compile(p["pattern"]), int(p.get("max_chars", 300)), p.get("role", "")
        )
        for p in data.get("boilerplate", [])
    )
    return Furniture(pats, dict(data.get("limits", {})))


def _lim(name: str) -> int:
    return load_furniture().limits[name]


def furniture_match(text: str) -> Pattern | None:
    """The first boilerplate pattern that matches ``text`` (None when it is not furniture)."""
    for p in load_furniture().patterns:
        if len(text) <= p.max_chars and p.regex.search(text):
            return p
    return None


def is_bare_credit(text: str) -> bool:
    """A line that is only a photo credit (not a caption ending in one)."""
    for p in load_furniture().patterns:
        if p.role == "credit" and len(text) <= p.max_chars:
            m = p.regex.search(text)
            if m and m.start() <= 1:
                return True
    return False


def _terminated(text: str) -> bool:
    return text.rstrip(_CLOSERS + " ")[-1:] in _TERMINAL


def _words(text: str) -> int:
    return len(_WORD.findall(text[:2000]))


def is_keyword_line(text: str) -> bool:
    """A tag list such as "Trade, Tariffs, White House, 2022" (short comma-separated items)."""
    if len(text) > 300 or _terminated(text) or "," not in text:
        return False
    items = [i.strip() for i in text.split(",")]
    return (
        len(items) >= _lim("keyword_min_items")
        and all(0 < _words(i) <= _lim("keyword_max_item_words") for i in items)
        and not re.search(r"\b(?:and|or|the|of|to|is|are|was|were)\b", text)
    )


def is_heading(text: str) -> bool:
    """A title or section head: short and unterminated, numbered, or all capitals."""
    if len(text) > 2 * _lim("heading_max_chars"):
        return False
    words = _words(text)
    if _NUMBERED.match(text) and words <= 2 * _lim("heading_max_words"):
        return not text.rstrip(_CLOSERS).endswith((".", ";", ":", ","))
    if _terminated(text) or text.rstrip(_CLOSERS)[-1:] == ",":
        return False
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and words <= _lim("heading_max_words"):
        return True
    return words <= _lim("heading_max_words") and len(text) <= _lim("heading_max_chars")


def classify_block(text: str) -> ParagraphKind:
    """The kind of one paragraph on its own, without its neighbours.

    >>> classify_block("Story continues below advertisement"), classify_block("Talks ended.")
    ('boilerplate', 'content')
    """
    text = _SPACES.sub(" ", text).strip()
    if furniture_match(text) or is_keyword_line(text):
        return "boilerplate"
    return "heading" if is_heading(text) else "content"


@dataclass
class _Unit:
    text: str
    kind: ParagraphKind
    credit: bool = False  # a photo credit: the unit before it is a caption


def _unit(text: str) -> _Unit:
    match = furniture_match(text)
    if match or is_keyword_line(text):
        return _Unit(text, "boilerplate", is_bare_credit(text))
    return _Unit(text, "heading" if is_heading(text) else "content")


def _blocks(text: str) -> list[list[str]]:
    """Blank-line blocks of lines, or one line per block when the text has no blank line."""
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    raw = _BLANK.split(text) if _BLANK.search(text) else text.split("\n")
    blocks = []
    for chunk in raw:
        lines: list[str] = []
        for line in chunk.split("\n"):
            line = _SPACES.sub(" ", line).strip()
            if line and (not lines or line != lines[-1]):  # drop repeated lines
                lines.append(line)
        if lines:
            blocks.append(lines)
    return blocks


def _split_block(lines: list[str]) -> list[_Unit]:
    """One unit per block, unless it mixes furniture with text: then one per run of a kind."""
    if len(lines) == 1:
        return [_unit(lines[0])]
    units = [_unit(line) for line in lines]
    if all(u.kind == "boilerplate" for u in units) or not any(
        u.kind == "boilerplate" for u in units
    ):
        lead = units[0]
        wrapped = len(lines) >= 3 and len(lines[0]) >= 0.7 * max(map(len, lines))
        if lead.kind == "heading" and not wrapped and lines[1][:1].isupper():
            return [lead, _unit(" ".join(lines[1:]))]  # a title line over its paragraph
        if lead.kind == "boilerplate":
            return [_Unit(" ".join(lines), "boilerplate", units[-1].credit)]
        return [_unit(" ".join(lines))]
    runs: list[_Unit] = []
    for u in units:
        if runs and (runs[-1].kind == "boilerplate") == (u.kind == "boilerplate"):
            runs[-1] = _Unit(
                runs[-1].text + " " + u.text, runs[-1].kind, runs[-1].credit or u.credit
            )
        else:
            runs.append(u)
    return [r if r.kind == "boilerplate" else _unit(r.text) for r in runs]


def _continues(prev: _Unit, nxt: _Unit, after: _Unit | None) -> bool:
    """Whether ``nxt`` is the rest of a paragraph that the source broke mid-sentence."""
    if "boilerplate" in (prev.kind, nxt.kind) or _terminated(prev.text):
        return False
    if prev.kind == "heading" and _words(prev.text) < 8:
        return False  # a short title line, not a broken sentence
    first = nxt.text[:1]
    if first.islower() or first in ",;:)]–—-":
        return True
    if _words(nxt.text) <= _lim("fragment_max_words") and prev.kind == "content":
        return _terminated(nxt.text) or (after is not None and after.text[:1].islower())
    return False


def _rejoin(units: list[_Unit]) -> list[_Unit]:
    out: list[_Unit] = []
    for i, u in enumerate(units):
        after = units[i + 1] if i + 1 < len(units) else None
        if out and _continues(out[-1], u, after):
            out[-1] = _unit(out[-1].text + " " + u.text)
            if out[-1].kind == "heading" and len(out[-1].text) > _lim("heading_max_chars"):
                out[-1].kind = "content"
        else:
            out.append(u)
    return out


def _apply_context(units: list[_Unit]) -> None:
    """Rules that need neighbours: captions above credits, question standfirsts, and a heading
    heads something: an unterminated last block of a story is a paragraph cut short."""
    for prev, nxt in itertools.pairwise(units):
        if (
            nxt.credit
            and prev.kind != "boilerplate"
            and len(prev.text) <= _lim("caption_max_chars")
        ):
            prev.kind = "boilerplate"
    body = [u for u in units if u.kind != "boilerplate"]
    last = body[-1] if body else None
    if (
        last is not None
        and last.kind == "heading"
        and any(u.kind == "content" for u in body[:-1])
        and _words(last.text) >= _lim("cut_paragraph_min_words")
        and any(c.islower() for c in last.text)
    ):
        last.kind = "content"
    for u in body[:1] + body[-1:]:
        one_sentence = not _SENT_END.search(u.text)
        if (
            u.kind == "content"
            and u.text.rstrip(_CLOSERS).endswith("?")
            and one_sentence
            and not re.search(r"[\"“”]", u.text)
            and _words(u.text) <= _lim("question_heading_max_words")
            and len(body) > 2
        ):
            u.kind = "heading"


def split_long(text: str, limit: int) -> list[str]:
    """Cut a paragraph longer than ``limit`` at sentence ends (else at spaces); linear time."""
    if len(text) <= limit:
        return [text]
    pieces, start, last_cut = [], 0, 0
    for m in _SENT_END.finditer(text):
        if m.end() - start > limit and last_cut > start:
            pieces.append(text[start:last_cut].strip())
            start = last_cut
        last_cut = m.end()
    rest = text[start:]
    if len(rest) > limit and last_cut > start:
        pieces.append(text[start:last_cut].strip())
        rest = text[last_cut:]
    out = []
    for piece in [*pieces, rest.strip()]:
        while len(piece) > limit:  # no sentence end in reach: cut at the last space
            cut = piece.rfind(" ", limit // 2, limit)
            cut = cut if cut > 0 else limit
            out.append(piece[:cut].strip())
            piece = piece[cut:].strip()
        if piece:
            out.append(piece)
    return out


def segment_document(doc: Document) -> list[Paragraph]:
    """The paragraphs of a document, each with its kind; exact repeats dropped.

    The title is the document's own, else its first heading.
    """
    units = [u for block in _blocks(doc.text) for u in _split_block(block)]
    units = _rejoin(units)
    _apply_context(units)
    limit = _lim("max_paragraph_chars")
    final: list[_Unit] = []
    seen: set[str] = set()
    for u in units:
        key = u.text.casefold()
        if key in seen:
            continue
        seen.add(key)
        pieces = split_long(u.text, limit) if u.kind == "content" else [u.text]
        final.extend(_Unit(p, u.kind) for p in pieces)
    title = doc.title or next((u.text for u in final if u.kind == "heading"), "")
    return [
        Paragraph(doc.doc, i, u.kind, u.text, doc.source, title, doc.date)
        for i, u in enumerate(final)
    ]
