"""Names in a workspace: corpus ids and slugs, and file names safe to store.

Pure functions; ``models.workspace`` uses them to name what it stores.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Collection, Mapping
from pathlib import Path

_ID = re.compile(r"[a-z0-9-]{1,40}")
_NAME_CHARS = re.compile(r"[^\w .()+,&'-]+")
_MAX_NAME = 100  # characters of a stored file name (well under the 255-byte limit)


def is_valid_id(corpus_id: object) -> bool:
    """True for a well-formed corpus id (``[a-z0-9-]{1,40}``); never raises."""
    return isinstance(corpus_id, str) and _ID.fullmatch(corpus_id) is not None


def slug(name: str, limit: int = 30) -> str:
    """ASCII lower-case slug of a display name.

    >>> slug("  Révue de presse: Biden/Xi!  ")
    'revue-de-presse-biden-xi'
    """
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return s[:limit].rstrip("-") or "corpus"


def safe_file_name(name: str) -> str:
    """A file name that stays inside its folder: no directories, no leading dots.

    Letters of any script, digits, spaces and common punctuation are kept.

    >>> safe_file_name("../../etc/passwd"), safe_file_name("C:\\\\x\\\\Bericht über.txt")
    ('passwd', 'Bericht über.txt')
    """
    base = unicodedata.normalize("NFC", str(name)).replace("\\", "/").split("/")[-1]
    base = _NAME_CHARS.sub("_", base.replace("\x00", ""))
    base = re.sub(r"\s+", " ", base).strip(" .")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    ext = ext[:12]
    stem = stem[: _MAX_NAME - len(ext) - 1].strip(" .") or "file"
    return f"{stem}.{ext}" if ext else stem


def unique_name(name: str, taken: Collection[str], reserved: Collection[str] = ()) -> str:
    """``name``, made distinct (case-insensitively) from ``taken`` and from ``reserved`` names.

    >>> unique_name("a.txt", ["A.txt"]), unique_name("meta.json", [], reserved={"meta.json"})
    ('a (2).txt', 'upload-meta.json')
    """
    stem, ext = Path(name).stem, Path(name).suffix
    if name.lower() in reserved:
        stem = f"upload-{stem}"
    candidate, n = f"{stem}{ext}", 2
    lowered = {t.lower() for t in taken}
    while candidate.lower() in lowered:
        candidate, n = f"{stem} ({n}){ext}", n + 1
    return candidate


def content_hash(name: str, stored: Mapping[str, bytes], given: Mapping[str, str]) -> str:
    """8 hex digits of a corpus's name, stored files (name and content) and given sources."""
    h = hashlib.sha256(name.encode())
    for target in sorted(stored):
        h.update(target.encode() + b"\0" + hashlib.sha256(stored[target]).digest())
        h.update(given.get(target, "").encode() + b"\0")
    return h.hexdigest()[:8]
