"""Parsers for the corpus file formats: CSV, JSON and JSON Lines records (HTML and Markdown
are in ``models.markup`` and re-exported here).

Pure functions from decoded text to text (or to records plus per-line problems); no file I/O.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from models.markup import html_to_text, markdown_to_text

__all__ = [
    "META_COLUMNS",
    "TEXT_COLUMNS",
    "Record",
    "csv_header",
    "csv_records",
    "find_column",
    "html_to_text",
    "json_records",
    "jsonl_records",
    "markdown_to_text",
]

# Column names, in order of preference, for a record's text and metadata (case-insensitive).
TEXT_COLUMNS = ("text", "body", "content", "paragraph", "article", "article_text", "full_text",
                "fulltext", "story", "maintext", "main_text", "text_body", "message")  # fmt: skip
META_COLUMNS = {
    "source": ("source", "outlet", "publisher", "publication", "site", "media", "source_name"),
    "date": ("date", "published", "published_at", "publish_date", "pubdate", "datetime", "time"),
    "title": ("title", "headline", "heading"),
    "id": ("id", "doc", "doc_id", "document_id", "article_id", "uid", "key"),
}


@dataclass(frozen=True)
class Record:
    """One text record of a CSV/JSONL file, with its own metadata."""

    key: str  # record id, or the line number when it has none
    text: str
    meta: dict[str, str]


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

    A row with more fields than the header is reported and skipped. A quote that is never
    closed makes the csv module read the following lines into its field; when such a record
    is not well-formed CSV (strict parsing fails) and a swallowed line looks like a row of its
    own, the problem is reported, the record's first line is read alone and reading goes on
    with the next line. Quoted multi-line fields of well-formed CSV are kept whole; short rows
    keep their text.
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
        span = lines.pos - start
        if span > 1 and _runaway(lines.lines[start : lines.pos], width):
            yield f"line {start + 1}: unbalanced quote ran into the next lines; read on its own"
            row, span = _alone(lines.lines[start], width), 1
            lines.pos = start + 1
            reader = csv.reader(lines)
        if not any(cell.strip() for cell in row):
            continue
        row = _trim(row, width)
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


def _trim(row: list[str], width: int) -> list[str]:
    """``row`` without the empty cells past ``width`` (a trailing comma is harmless)."""
    end = len(row)
    while end > width and not row[end - 1].strip():
        end -= 1
    return row[:end]


_CLOSING_BLANKS = re.compile(r'"[ \t]+(?=,|\r?\n|$)')


def _runaway(span: list[str], width: int) -> bool:
    """True for a record over several lines that is an unclosed quote eating rows.

    Well-formed quoted multi-line fields parse strictly; an unclosed quote does not (the file
    ends inside it, or a later row's opening quote closes it with text after). It counts as
    eating rows when one of the swallowed lines, read alone, has as many fields as the header.
    """
    try:  # blanks after a closing quote are sloppy, not unbalanced: the lenient reader drops them
        next(csv.reader([_CLOSING_BLANKS.sub('"', line) for line in span], strict=True), None)
    except csv.Error:
        return any(len(_alone(line, width)) == width for line in span[1:])
    return False


def _alone(line: str, width: int) -> list[str]:
    """The cells of one physical line: an open quote ends with the line or, when that gives
    the wrong number of fields, quote characters are taken literally."""
    line = line.rstrip("\r\n")
    quoted = _trim(next(csv.reader([line]), []), width)
    if len(quoted) == width:
        return quoted
    literal = _trim(next(csv.reader([line], quoting=csv.QUOTE_NONE), []), width)
    return literal if len(literal) == width else quoted
