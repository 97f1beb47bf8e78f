"""Uploaded files before they become a corpus, pure: size limits and default source names.

>>> default_source("cnn_biden-xi call.txt")
'cnn biden-xi call'
>>> human_size(20_000_000), human_size(1_500)
('20.0 MB', '1.5 kB')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath
from typing import Protocol, TypeVar

MAX_FILE_MB = 20  # per file: uploads are held in memory (server.maxUploadSize is a bit above)
MAX_FILE_BYTES = MAX_FILE_MB * 1_000_000
TYPES = ("txt", "md", "html", "htm", "jsonl", "csv")
RECORD_TYPES = (".jsonl", ".csv")  # their records may carry their own source column
MAX_SOURCE = 200


class Upload(Protocol):
    name: str
    size: int


def human_size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.1f} kB"


U = TypeVar("U", bound=Upload)


def split_by_size(files: Sequence[U], limit: int = MAX_FILE_BYTES) -> tuple[list[U], list[U]]:
    """(kept, refused): files over ``limit`` bytes are refused, the rest kept in order."""
    kept = [f for f in files if f.size <= limit]
    return kept, [f for f in files if f.size > limit]


def refusal(f: Upload, limit: int = MAX_FILE_BYTES) -> str:
    """The message for a refused file (plain text: escape it before Markdown)."""
    size, most = human_size(f.size), human_size(limit)
    return f"{f.name}: {size} is over the {most} limit per file; not used."


def default_source(name: str) -> str:
    """A file's default source name: its stem, underscores as spaces."""
    stem = PurePath(str(name).replace("\\", "/")).stem or str(name)
    return re.sub(r"\s+", " ", stem.replace("_", " ")).strip()[:MAX_SOURCE] or "upload"


def is_records(name: str) -> bool:
    return PurePath(str(name)).suffix.lower() in RECORD_TYPES


def clean_source(text: object) -> str:
    """A typed source name: printable, single-spaced, at most MAX_SOURCE characters."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(text or ""))
    return re.sub(r"\s+", " ", text).strip()[:MAX_SOURCE]
