"""Parsers for the corpus file formats: HTML, Markdown, CSV and JSON Lines records.

Pure functions from decoded text to text (or to records plus per-line problems); no file I/O.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

# Column names, in order of preference, for a record's text and metadata (case-insensitive).
TEXT_COLUMNS = ("text", "body", "content", "paragraph", "article", "article_text", "full_text",
                "fulltext", "story", "maintext", "main_text", "text_body", "message")  # fmt: skip
META_COLUMNS = {
    "source": ("source", "outlet", "publisher", "publication", "site", "media", "source_name"),
    "date": ("date", "published", "published_at", "publish_date", "pubdate", "datetime", "time"),
    "title": ("title", "headline", "heading"),
    "id": ("id", "doc", "doc_id", "document_id", "article_id", "uid", "key"),
}

_SKIP_TAGS = {"script", "style", "noscript", "template", "nav", "aside", "footer", "form",
              "button", "select", "svg", "iframe", "object", "canvas", "head"}  # fmt: skip
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "header", "blockquote", "figure",
               "figcaption", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "td", "th",
               "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr", "address", "details",
               "summary", "caption", "body", "html"}  # fmt: skip
_PARA, _LINE = "\ue000", "\ue001"  # private-use placeholders for paragraph/line breaks


@dataclass(frozen=True)
class Record:
    """One text record of a CSV/JSONL file, with its own metadata."""

    key: str  # record id, or the line number when it has none
    text: str
    meta: dict[str, str]


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.meta: dict[str, str] = {}
        self._skip: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            self._read_meta(dict(attrs))
        if tag == "title":
            self._in_title = True
        if tag in _SKIP_TAGS:
            self._skip.append(tag)
        elif tag == "br":
            self.parts.append(_LINE)
        elif tag in _BLOCK_TAGS:
            self.parts.append(_PARA)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _SKIP_TAGS and self._skip and self._skip[-1] == tag:
            self._skip.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP_TAGS:
            if tag in self._skip:  # close up to the matching open tag (tolerates bad nesting)
                while self._skip and self._skip.pop() != tag:
                    pass
        elif tag in _BLOCK_TAGS:
            self.parts.append(_PARA)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.meta["title"] = (self.meta.get("title", "") + data).strip()
        elif not self._skip:
            self.parts.append(data)

    def _read_meta(self, attrs: dict[str, str | None]) -> None:
        name = (attrs.get("name") or attrs.get("property") or attrs.get("itemprop") or "").lower()
        value = (attrs.get("content") or "").strip()
        if not value:
            return
        if name in {"article:published_time", "date", "pubdate", "datepublished", "dc.date"}:
            self.meta.setdefault("date", value)
        elif name in {"og:site_name", "publisher", "application-name"}:
            self.meta.setdefault("source", value)
        elif name in {"og:title", "twitter:title"}:
            self.meta.setdefault("title", value)


def html_to_text(html: str) -> tuple[str, dict[str, str]]:
    """Visible text of an HTML page (blocks become blank-line paragraphs) and its metadata.

    >>> html_to_text("<p>A &amp; B</p><script>x()</script><p>C<br>D</p>")[0]
    'A & B\\n\\nC\\nD'
    """
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = re.sub(r"\s+", " ", "".join(parser.parts))
    text = re.sub(rf" ?{_LINE} ?", "\n", text)
    blocks = (b.strip() for b in re.split(rf"\s*{_PARA}[\s{_PARA}]*", text))
    return "\n\n".join(b for b in blocks if b), parser.meta


_MD_RULES = (
    (
        re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.M),
        r"\1",
    ),  # ATX heading markers
    (re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)"), ""),  # images
    (re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)"), r"\1"),  # links keep their text
    (re.compile(r"^[ \t]{0,3}(?:[-*_][ \t]*){3,}$", re.M), ""),  # horizontal rules
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.M), ""),  # blockquote markers
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # bold
)


def markdown_to_text(md: str) -> str:
    r"""Strip Markdown markup that is not text (heading marks, links, images, emphasis).

    >>> markdown_to_text("# Title\n\nSee [the report](http://x) **now**.")
    'Title\n\nSee the report now.'
    """
    for pattern, repl in _MD_RULES:
        md = pattern.sub(repl, md)
    return md


def find_column(header: list[str], names: tuple[str, ...]) -> str | None:
    """The first header (compared case-insensitively, trimmed) among ``names``."""
    lookup = {h.strip().lower().replace(" ", "_"): h for h in header if h}
    return next((lookup[n] for n in names if n in lookup), None)


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n\n".join(value)  # a list of paragraphs
    return ""


def _meta(row: dict, header: list[str]) -> dict[str, str]:
    out = {}
    for field, names in META_COLUMNS.items():
        col = find_column(header, names)
        value = row.get(col) if col else None
        if value is not None and not isinstance(value, (dict, list)):
            out[field] = str(value).strip()
    return out


def _object_record(obj: object, label: str, key: str) -> Record | str:
    if not isinstance(obj, dict):
        return f"{label}: not a JSON object"
    header = list(obj)
    col = find_column(header, TEXT_COLUMNS)
    body = _as_text(obj.get(col)) if col else ""
    if not body.strip():
        return f"{label}: no text field (looked for {', '.join(TEXT_COLUMNS[:4])}, ...)"
    meta = _meta(obj, header)
    return Record(meta.pop("id", "") or key, body, meta)


def jsonl_records(text: str) -> Iterator[Record | str]:
    """Records of a JSON Lines text, and a problem string for each line that is not one."""
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            yield f"line {n}: invalid JSON ({err.msg})"
            continue
        yield _object_record(obj, f"line {n}", str(n))


def json_records(text: str) -> Iterator[Record | str]:
    """Records of a JSON document: a list of objects, or an object holding such a list."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        yield f"invalid JSON ({err.msg} at line {err.lineno})"
        return
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        data = lists[0] if lists else [data]
    if not isinstance(data, list):
        yield "not a list of JSON objects"
        return
    for n, obj in enumerate(data, start=1):
        yield _object_record(obj, f"item {n}", str(n))


class _Lines:
    """Line iterator that counts lines and can rewind (to resync after a broken CSV row)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)
        self.pos = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        self.pos += 1
        return self.lines[self.pos - 1]


def csv_header(text: str) -> list[str]:
    """The header row of a CSV text (empty list if there is none)."""
    first = next(csv.reader(_Lines(text[:65536])), [])
    return [h.strip() for h in first]


def csv_records(text: str) -> Iterator[Record | str]:
    """Records of a CSV text with a header row, and a problem string per bad row.

    A row with more fields than the header, or one whose quoting swallows following lines,
    is reported and skipped; reading resumes on the next line. Short rows keep their text.
    """
    lines = _Lines(text)
    old_limit = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        yield from _csv_rows(lines)
    finally:
        csv.field_size_limit(old_limit)


def _csv_rows(lines: _Lines) -> Iterator[Record | str]:
    reader = csv.reader(lines)
    header = next(reader, [])
    col = find_column(header, TEXT_COLUMNS)
    if col is None:
        yield f"no text column (columns: {', '.join(h for h in header if h) or 'none'})"
        return
    width, idx = len(header), header.index(col)
    while True:
        start = lines.pos
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield f"line {start + 1}: {err}"
            lines.pos = start + 1
            reader = csv.reader(lines)
            continue
        if not any(cell.strip() for cell in row):
            continue
        span = lines.pos - start
        while len(row) > width and not row[-1].strip():
            row.pop()  # trailing empty cells (a trailing comma) are harmless
        if len(row) > width or (span > 1 and len(row) < width):
            yield f"line {start + 1}: {len(row)} fields where the header has {width}"
            if span > 1:  # an unbalanced quote swallowed lines: resume right after it
                lines.pos = start + 1
                reader = csv.reader(lines)
            continue
        body = row[idx] if idx < len(row) else ""
        if not body.strip():
            yield f"line {start + 1}: empty text"
            continue
        values = dict(zip(header, row, strict=False))
        meta = _meta(values, header)
        yield Record(meta.pop("id", "") or str(start + 1), body, meta)
