"""An on-disk key/value cache (SQLite) for embeddings, stance results and attributions.

Keys are content hashes, so a re-run over the same texts with the same model and scheme loads no
model at all, and a changed scheme recomputes only what it must (sentence embeddings survive).
Default location: ``$STANCEMAP_CACHE`` or ``~/.cache/stancemap``.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np


def default_cache_dir() -> Path:
    env = os.environ.get("STANCEMAP_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "stancemap"


def digest(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()[:32]


class Cache:
    """SQLite-backed cache, safe to share between threads and processes (WAL mode)."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory else default_cache_dir()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / "cache.sqlite"
        self._local = threading.local()
        with self._conn() as con:
            con.execute(
                "CREATE TABLE IF NOT EXISTS kv (ns TEXT, key TEXT, value BLOB, "
                "PRIMARY KEY (ns, key)) WITHOUT ROWID"
            )

    def _conn(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(self.path, timeout=30)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
            self._local.con = con
        return con

    def get_many(self, ns: str, keys: Sequence[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        con = self._conn()
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = con.execute(
                f"SELECT key, value FROM kv WHERE ns = ? AND key IN ({marks})", [ns, *chunk]
            )
            out.update(rows)
        return out

    def put_many(self, ns: str, items: Iterable[tuple[str, bytes]]) -> None:
        with self._conn() as con:
            con.executemany(
                "INSERT OR REPLACE INTO kv (ns, key, value) VALUES (?, ?, ?)",
                ((ns, k, v) for k, v in items),
            )


class CachedEmbedder:
    """Wraps an encoder factory: cached vectors come from disk, the model loads only on a miss."""

    def __init__(self, cache: Cache, model_name: str, load: Callable[[], object]) -> None:
        self.cache = cache
        self.model_name = model_name
        self._load = load
        self._encoder: object | None = None
        self.misses = 0

    @property
    def loaded(self) -> bool:
        return self._encoder is not None

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        ns = f"emb:{self.model_name}"
        keys = [digest(t) for t in texts]
        found = self.cache.get_many(ns, sorted(set(keys)))
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items())
        if missing:
            if self._encoder is None:
                self._encoder = self._load()
            vecs = self._encoder.encode([t for _, t in missing])  # type: ignore[attr-defined]
            self.misses += len(missing)
            fresh = {
                k: v.astype(np.float16).tobytes() for (k, _), v in zip(missing, vecs, strict=True)
            }
            self.cache.put_many(ns, fresh.items())
            found.update(fresh)
        return np.stack([np.frombuffer(found[k], dtype=np.float16) for k in keys]).astype(
            np.float32
        )


def files_fingerprint(paths: Sequence[str | Path], suffixes: tuple[str, ...] = ()) -> str:
    """Hash of the files' names, sizes and mtimes under ``paths`` (files or folders; only
    ``suffixes`` when given): it changes when a file changes."""
    h = hashlib.sha256()
    for root in paths:
        p = Path(root)
        files = sorted(p.rglob("*")) if p.is_dir() else [p]
        for f in files:
            if "__pycache__" in f.parts or (suffixes and f.suffix not in suffixes):
                continue
            if f.is_file():
                s = f.stat()
                h.update(f"{f}\x1f{s.st_size}\x1f{s.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def code_fingerprint() -> str:
    """The pipeline's code and data files (a changed pipeline re-analyses)."""
    return files_fingerprint((str(Path(__file__).resolve().parent),), (".py", ".toml", ".csv"))
