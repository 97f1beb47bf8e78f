"""Users' own corpora, persisted in a workspace folder.

Layout: ``<root>/corpora/<id>/`` holds ``files/`` (the uploaded files under safe names, with a
``sources.csv`` naming each file's outlet), ``meta.json`` (name, creation time, original file
names, read problems) and ``corrections.jsonl`` (see ``models.corrections``). A corpus folder
appears atomically (built beside it, then renamed), so a reader never sees half a corpus.

>>> ws = Workspace("/tmp/ws")                                        # doctest: +SKIP
>>> info = ws.create_corpus("My articles", [("a.txt", b"Some text.")])  # doctest: +SKIP
>>> analyze(ws.corpus_paths(info.id))                                # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from models.corpus import CORPUS_EXTS, MANIFEST_NAME, documents_from_bytes
from models.corpus_names import content_hash, is_valid_id, safe_file_name, slug, unique_name
from models.records import Document, ReadProblem

SEEDS_ID = "seeds"
SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"
MAX_BYTES = 20_000_000
_RESERVED = {MANIFEST_NAME, "actors.csv", "meta.json", "corrections.jsonl"}


def default_workspace() -> Path:
    """``$STANCEMAP_WORKSPACE``, else ``~/.local/share/stancemap/workspace``."""
    env = os.environ.get("STANCEMAP_WORKSPACE")
    return Path(env) if env else Path.home() / ".local" / "share" / "stancemap" / "workspace"


@dataclass(frozen=True)
class CorpusInfo:
    """One stored corpus. ``files`` are stored names (the ``doc`` column of its table)."""

    id: str
    name: str
    created: str  # ISO 8601 UTC
    files: tuple[str, ...]
    problems: tuple[ReadProblem, ...]
    path: str  # the corpus folder
    originals: tuple[tuple[str, str], ...] = ()  # (stored name, name as uploaded)
    sources: tuple[tuple[str, str], ...] = ()  # (stored name, source) as given at upload


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.1f} kB"


def _clean_source(value: str) -> str:
    return re.sub(r"\s+", " ", str(value)).strip()[:200]


class Workspace:
    """The corpora of one workspace folder. Stateless besides ``root``: safe to share."""

    def __init__(self, root: Path | str | None = None, seeds: Path | str | None = None) -> None:
        self.root = Path(root) if root else default_workspace()
        self.seeds = Path(seeds) if seeds else SEEDS_DIR
        self.corpora = self.root / "corpora"

    # -- reading ---------------------------------------------------------------------------
    def _folder(self, corpus_id: str) -> Path | None:
        if not is_valid_id(corpus_id):
            return None
        return self.corpora / corpus_id

    def get(self, corpus_id: object) -> CorpusInfo | None:
        """The corpus with this id; None for an unknown or malformed id (never raises)."""
        if not is_valid_id(corpus_id):
            return None
        if corpus_id == SEEDS_ID:
            return self._seeds_info()
        folder = self.corpora / str(corpus_id)
        try:
            return _info_from_meta(json.loads((folder / "meta.json").read_text("utf-8")), folder)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def list_corpora(self, include_seeds: bool = False) -> list[CorpusInfo]:
        """Stored corpora, newest first (the built-in seeds last, when asked for)."""
        found: list[CorpusInfo] = []
        if self.corpora.is_dir():
            for entry in self.corpora.iterdir():
                info = self.get(entry.name) if entry.name != SEEDS_ID else None
                if info is not None:
                    found.append(info)
        found.sort(key=lambda c: (c.created, c.id), reverse=True)
        seeds = self._seeds_info() if include_seeds else None
        return [*found, seeds] if seeds else found

    def corpus_paths(self, corpus_id: object) -> list[Path]:
        """Folder(s) to pass to ``models.pipeline.analyze``; [] for an unknown id."""
        if corpus_id == SEEDS_ID:
            return [self.seeds] if self.seeds.is_dir() else []
        info = self.get(corpus_id)
        return [Path(info.path) / "files"] if info else []

    def corrections_path(self, corpus_id: object) -> Path:
        """``<root>/corpora/<id>/corrections.jsonl``; ValueError for a malformed id."""
        folder = self._folder(corpus_id) if isinstance(corpus_id, str) else None
        if folder is None:
            raise ValueError(f"not a corpus id: {str(corpus_id)[:60]!r}")
        return folder / "corrections.jsonl"

    def _seeds_info(self) -> CorpusInfo | None:
        if not self.seeds.is_dir():
            return None
        files = tuple(
            sorted(
                p.name
                for p in self.seeds.iterdir()
                if p.suffix.lower() in CORPUS_EXTS and p.name not in _RESERVED
            )
        )
        return CorpusInfo(SEEDS_ID, "Built-in seed articles", "", files, (), str(self.seeds))

    # -- writing ---------------------------------------------------------------------------
    def create_corpus(
        self,
        name: str,
        files: Sequence[tuple[str, bytes]],
        sources: Mapping[str, str] | None = None,
        max_bytes: int = MAX_BYTES,
    ) -> CorpusInfo:
        """Store uploaded files as a new corpus and return it (the same files: the same id).

        ``files``: (name as uploaded, content). ``sources``: uploaded (or stored) name -> outlet.
        Files over ``max_bytes``, of an unknown type or unreadable are recorded as problems;
        the readable rest is kept (an unreadable file is not stored). Raises ValueError when no
        file is readable at all.
        """
        sources = dict(sources or {})
        name = re.sub(r"\s+", " ", str(name)).strip()[:200] or "corpus"
        problems: list[ReadProblem] = []
        stored: dict[str, bytes] = {}
        originals: dict[str, str] = {}
        given: dict[str, str] = {}
        for original, data in files:
            shown = re.sub(r"\s+", " ", str(original)).strip()[:200] or "(unnamed)"
            target = unique_name(safe_file_name(original), stored, _RESERVED)
            ext = Path(target).suffix.lower()
            if len(data) > max_bytes:
                problems.append(ReadProblem(shown, f"file is {_size(len(data))}, over the "
                                                   f"{_size(max_bytes)} limit"))  # fmt: skip
                continue
            if ext not in CORPUS_EXTS:
                kinds = ", ".join(sorted(CORPUS_EXTS))
                problems.append(ReadProblem(shown, f"unsupported file type {ext or '(none)'} "
                                                   f"(use {kinds})"))  # fmt: skip
                continue
            source = _clean_source(sources.get(original) or sources.get(target) or "")
            found = _read_problems(target, shown, data, source)
            problems.extend(found)
            if any(p.severity == "skipped" for p in found):
                continue  # nothing of it is readable: not stored
            stored[target] = data
            originals[target] = shown
            if source:
                given[target] = source
        if not stored:
            listed = "; ".join(f"{p.path}: {p.reason}" for p in problems[:5])
            raise ValueError(f"no readable file ({len(problems)} problem(s)): {listed}")
        corpus_id = f"{slug(name)}-{content_hash(name, stored, given)}"
        existing = self.get(corpus_id)
        if existing is not None:
            return existing
        meta = {
            "version": 1,
            "id": corpus_id,
            "name": name,
            "created": _now(),
            "files": list(stored),
            "originals": originals,
            "sources": given,
            "problems": [[p.path, p.reason, p.severity] for p in problems],
        }
        return self._publish(corpus_id, stored, given, meta)

    def _publish(
        self, corpus_id: str, stored: dict[str, bytes], given: dict[str, str], meta: dict
    ) -> CorpusInfo:
        self.corpora.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{corpus_id}-", dir=self.corpora))
        try:
            (tmp / "files").mkdir()
            for target, data in stored.items():
                (tmp / "files" / target).write_bytes(data)
            if given:
                buf = io.StringIO()
                writer = csv.writer(buf, lineterminator="\n")
                writer.writerow(["file", "source"])
                writer.writerows(sorted(given.items()))
                (tmp / "files" / MANIFEST_NAME).write_text(buf.getvalue(), "utf-8")
            (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
            for f in [*(tmp / "files").iterdir(), tmp / "meta.json"]:
                _fsync(f)
            final = self.corpora / corpus_id
            try:
                tmp.rename(final)
            except OSError:  # made meanwhile by a concurrent upload of the same files
                shutil.rmtree(tmp, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        info = self.get(corpus_id)
        if info is None:
            raise OSError(f"corpus {corpus_id} could not be stored in {self.corpora}")
        return info


def _read_problems(target: str, shown: str, data: bytes, source: str | None) -> list[ReadProblem]:
    """What ``models.corpus`` reports on a file (named as uploaded); nothing read is one too."""
    meta = {"source": source} if source else {}
    problems: list[ReadProblem] = []
    docs = 0
    for item in documents_from_bytes(target, data, meta, path=shown):
        if isinstance(item, Document):
            docs += 1
        else:
            problems.append(item)
    if not docs and not any(p.severity == "skipped" for p in problems):
        problems.append(ReadProblem(shown, "no documents found in the file"))
    return problems


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _info_from_meta(meta: dict, folder: Path) -> CorpusInfo:
    if meta.get("id") != folder.name:
        raise ValueError("meta.json does not belong to this folder")
    return CorpusInfo(
        id=folder.name,
        name=str(meta["name"]),
        created=str(meta["created"]),
        files=tuple(str(f) for f in meta["files"]),
        problems=tuple(ReadProblem(str(p), str(r), s) for p, r, s in meta.get("problems", [])),
        path=str(folder),
        originals=tuple((str(k), str(v)) for k, v in meta.get("originals", {}).items()),
        sources=tuple((str(k), str(v)) for k, v in meta.get("sources", {}).items()),
    )
