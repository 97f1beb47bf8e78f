"""Read a corpus (files and folders of .txt/.md/.html/.jsonl/.csv) into Documents.

Streaming and forgiving: every file or record that cannot be read becomes a ReadProblem
instead of an exception. A ``sources.csv`` manifest in a folder (columns file, source, date,
optional title) names each file's outlet.

>>> docs, problems = read_corpus(["seeds"])  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

from models.decode import DecodeError, decode_bytes, decode_with_notes
from models.formats import (
    TEXT_COLUMNS,
    Record,
    csv_header,
    csv_records,
    find_column,
    html_to_text,
    json_records,
    jsonl_records,
    markdown_to_text,
)
from models.records import Document, ReadProblem

MANIFEST_NAME = "sources.csv"
TEXT_EXTS = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".jsonl", ".ndjson"}
RECORD_EXTS = {".jsonl", ".ndjson", ".csv", ".json"}
CORPUS_EXTS = TEXT_EXTS | RECORD_EXTS
MAX_PROBLEMS_PER_FILE = 20
_FILE_KEYS = ("file", "filename", "file_name", "name", "path", "doc")

# A leading "date 2022-03-18" / "Date: 2022-03-18T10:00Z" line or prefix is metadata, not text.
_DATE_PREFIX = re.compile(
    r"\A\s*(?:(?:date|dated|published|posted|updated)\s*[:=-]?\s*)?"
    r"(\d{4}-\d{2}-\d{2})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"(?=\s|\Z)[ \t]*(?:\n|(?=\S))",
    re.IGNORECASE,
)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y",
                 "%Y%m%d")  # fmt: skip


def iter_documents(
    paths: Sequence[str | Path],
    *,
    manifest: Path | None = None,
    max_bytes: int = 50_000_000,
) -> Iterator[Document | ReadProblem]:
    """Yield each Document of the corpus, and a ReadProblem for whatever cannot be read.

    Raises FileNotFoundError (before reading anything) when a given path does not exist.
    """
    paths = [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"corpus path not found: {', '.join(missing)}")
    if manifest is not None and not Path(manifest).is_file():
        raise FileNotFoundError(f"manifest not found: {manifest}")
    return _iter(paths, Path(manifest) if manifest else None, max_bytes)


def read_corpus(
    paths: Sequence[str | Path],
    *,
    manifest: Path | None = None,
    max_bytes: int = 50_000_000,
) -> tuple[list[Document], list[ReadProblem]]:
    """All documents and all problems of a corpus (see :func:`iter_documents`)."""
    docs: list[Document] = []
    problems: list[ReadProblem] = []
    for item in iter_documents(paths, manifest=manifest, max_bytes=max_bytes):
        (docs if isinstance(item, Document) else problems).append(item)
    return docs, problems


def read_manifest(path: Path) -> dict[str, dict[str, str]]:
    """File name -> its metadata ({source, date, title, ...}) from a ``sources.csv``.

    Raises ValueError when the file is unreadable or has no file-name column.
    """
    rows = list(csv.DictReader(decode_bytes(Path(path).read_bytes()).splitlines()))
    header = list(rows[0]) if rows else []
    key = find_column(header, _FILE_KEYS)
    if key is None:
        raise ValueError(f"{path}: manifest has no 'file' column")
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        name = (row.get(key) or "").strip()
        if name:
            meta = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k and k != key}
            if "date" in meta:
                meta["date"] = normalise_date(meta["date"])
            out[name] = meta
    return out


def normalise_date(value: str) -> str:
    """ISO ``YYYY-MM-DD`` for common date spellings, ``""`` when unparseable.

    >>> normalise_date("March 18, 2022"), normalise_date("2022-03-18T09:30:00Z")
    ('2022-03-18', '2022-03-18')
    """
    value = value.strip()
    m = re.match(r"(\d{4}-\d{2}-\d{2})(?:[T ]|$)", value)
    candidates = [m.group(1)] if m else [value]
    for cand in candidates:
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(cand, fmt).date().isoformat()
            except ValueError:
                continue
    return ""


def split_date_prefix(text: str) -> tuple[str, str]:
    """Split a leading date line/prefix off a text: ``(iso_date or "", rest)``.

    >>> split_date_prefix(" date 2022-03-18 “This is it,” she said.")
    ('2022-03-18', '“This is it,” she said.')
    """
    m = _DATE_PREFIX.match(text)
    if not m or not normalise_date(m.group(1)):
        return "", text
    return m.group(1), text[m.end() :]


def make_document(name: str, text: str, meta: dict[str, str], path: str = "") -> Document:
    """A Document from decoded text: the date prefix is moved into ``date``.

    ``meta`` may carry source/date/title; the source defaults to the file stem.
    """
    found, text = split_date_prefix(text)
    stem = Path(name.split("#", 1)[0]).stem
    return Document(
        doc=name,
        text=text,
        source=meta.get("source") or stem,
        title=meta.get("title", ""),
        date=normalise_date(meta.get("date", "")) or found,
        path=path,
    )


def documents_from_bytes(
    name: str, data: bytes, meta: dict[str, str] | None = None, path: str = ""
) -> Iterator[Document | ReadProblem]:
    """Documents of one file's bytes, by its extension (also for uploads). Never raises."""
    where = path or name
    try:
        text, notes = decode_with_notes(data)
    except DecodeError as err:
        yield ReadProblem(where, err.reason)
        return
    yield from (ReadProblem(where, note, "warning") for note in notes)
    meta = dict(meta or {})
    ext = Path(name).suffix.lower()
    if ext in RECORD_EXTS:
        parse = {".csv": csv_records, ".json": json_records}.get(ext, jsonl_records)
        rows = parse(text)
        yield from _record_documents(name, rows, meta, where)
        return
    if ext in {".html", ".htm", ".xhtml"} or (
        ext not in TEXT_EXTS and re.match(r"\s*<(?:!doctype html|html)\b", text, re.I)
    ):
        text, page = html_to_text(text)
        meta = {**page, **{k: v for k, v in meta.items() if v}}
    elif ext in {".md", ".markdown"}:
        text = markdown_to_text(text)
    doc = make_document(name, text, meta, path)
    if doc.text.strip():
        yield doc
    else:
        yield ReadProblem(where, "no text left after removing markup")


def _record_documents(
    name: str, rows: Iterator[Record | str], meta: dict[str, str], where: str
) -> Iterator[Document | ReadProblem]:
    bad = 0
    for row in rows:
        if isinstance(row, str):
            bad += 1
            if bad <= MAX_PROBLEMS_PER_FILE:
                yield ReadProblem(where, row, "warning")
            continue
        merged = {**meta, **{k: v for k, v in row.meta.items() if v}}
        yield make_document(f"{name}#{row.key}", row.text, merged, where)
    if bad > MAX_PROBLEMS_PER_FILE:
        more = bad - MAX_PROBLEMS_PER_FILE
        yield ReadProblem(
            where, f"... and {more} more bad line(s) not listed ({bad} in all)", "warning"
        )


def _human(n: int) -> str:
    for unit, size in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= size:
            return f"{n / size:.0f} {unit}" if n >= 10 * size else f"{n / size:.1f} {unit}"
    return f"{n} bytes"


def _iter(
    paths: list[Path], manifest: Path | None, max_bytes: int
) -> Iterator[Document | ReadProblem]:
    given: dict[str, dict[str, str]] = {}
    if manifest is not None:
        try:
            given = read_manifest(manifest)
        except (OSError, ValueError) as err:
            yield ReadProblem(str(manifest), f"manifest unreadable: {err}")
    seen: set[str] = set()
    reported: set[Path] = set()
    cache: Manifests = {}
    for root in paths:
        for file, explicit, base in _walk(root):
            if manifest is not None and file.resolve() == manifest.resolve():
                continue
            folder_meta = _folder_manifest(file.parent, base, cache)
            for m, found in cache.items():
                if isinstance(found, ReadProblem) and m not in reported:
                    reported.add(m)
                    yield found
            meta = _lookup({**folder_meta, **given}, file, base)
            name = file.name if file.name not in seen else file.relative_to(base).as_posix()
            seen.add(name)
            yield from _read_file(file, name, meta, explicit, max_bytes)


def _walk(root: Path) -> Iterator[tuple[Path, bool, Path]]:
    """(file, named explicitly, folder it was found under) for every corpus file of a path."""
    if root.is_file():
        yield root, True, root.parent
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
        for f in sorted(files):
            p = Path(folder) / f
            if f.startswith(".") or f == MANIFEST_NAME or p.suffix.lower() not in CORPUS_EXTS:
                continue
            yield p, False, root


Manifests = dict[Path, dict[str, dict[str, str]] | ReadProblem]


def _folder_manifest(folder: Path, base: Path, cache: Manifests) -> dict[str, dict[str, str]]:
    """Merged ``sources.csv`` of ``folder`` and its parents up to ``base`` (nearest wins)."""
    merged: dict[str, dict[str, str]] = {}
    chain = [folder, *folder.parents]
    stop = chain.index(base) + 1 if base in chain else 1
    for d in reversed(chain[:stop]):
        m = d / MANIFEST_NAME
        if m not in cache:
            try:
                cache[m] = read_manifest(m) if m.is_file() else {}
            except (OSError, ValueError) as err:
                cache[m] = ReadProblem(str(m), f"manifest unreadable: {err}")
        found = cache[m]
        if isinstance(found, dict):
            merged.update(found)
    return merged


def _lookup(entries: dict[str, dict[str, str]], file: Path, base: Path) -> dict[str, str]:
    rel = file.relative_to(base).as_posix() if file.is_relative_to(base) else file.name
    for key in (rel, file.name, file.stem):
        if key in entries:
            return entries[key]
    return {}


def _read_file(
    file: Path, name: str, meta: dict[str, str], explicit: bool, max_bytes: int
) -> Iterator[Document | ReadProblem]:
    where = str(file)
    try:
        size = file.stat().st_size
        if size > max_bytes:
            yield ReadProblem(where, f"file is {_human(size)}, over the {_human(max_bytes)} limit")
            return
        if not explicit and file.suffix.lower() == ".csv":
            with file.open("rb") as fh:
                head = decode_bytes(fh.read(65536)) if size else ""
            if head and find_column(csv_header(head), TEXT_COLUMNS) is None:
                return  # a table beside the corpus (a registry, a manifest): not text
        data = file.read_bytes()
    except DecodeError:
        data = file.read_bytes()  # let documents_from_bytes report it
    except OSError as err:
        yield ReadProblem(where, f"cannot read file: {err.strerror or err}")
        return
    yield from documents_from_bytes(name, data, meta, where)
