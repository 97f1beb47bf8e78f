"""Stance schemes the dashboard offers: the shipped ones and those uploaded to the workspace.

Pure file handling (no streamlit): list, validate and store scheme TOML files. An upload is
checked with models.schemes.parse_scheme before anything is written, and written atomically,
so a bad file leaves the workspace as it was. Ids: ``default`` is the configured scheme
(``$STANCEMAP_SCHEME`` or the shipped default), a shipped ``scheme_<x>.toml`` is ``<x>``, an
uploaded one gets a slug of its name (``<workspace>/schemes/<id>.toml``).

>>> sorted(list_schemes("/nonexistent"))[:1]
['default']
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from models.schemes import DATA_DIR, DEFAULT_SCHEME, Label, Scheme, SchemeError, parse_scheme

DEFAULT_ID = "default"
MAX_SCHEME_BYTES = 256_000
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


@dataclass(frozen=True)
class SchemeFile:
    id: str
    path: str
    uploaded: bool = False


def scheme_folder(workspace: str | Path) -> Path:
    return Path(workspace) / "schemes"


def list_schemes(workspace: str | Path, default_path: str = "") -> dict[str, SchemeFile]:
    """id -> SchemeFile: the configured default first, then the shipped, then the uploaded."""
    default = Path(default_path) if default_path else DEFAULT_SCHEME
    out = {DEFAULT_ID: SchemeFile(DEFAULT_ID, str(default))}
    for path in sorted(DATA_DIR.glob("scheme_*.toml")):
        sid = path.stem.removeprefix("scheme_")
        if path.resolve() != default.resolve() and _ID.fullmatch(sid) and sid not in out:
            out[sid] = SchemeFile(sid, str(path))
    folder = scheme_folder(workspace)
    if folder.is_dir():
        for path in sorted(folder.glob("*.toml")):
            if _ID.fullmatch(path.stem) and path.stem not in out:
                out[path.stem] = SchemeFile(path.stem, str(path), uploaded=True)
    return out


def check_upload(file_name: str, data: bytes) -> Scheme:
    """Validate an uploaded scheme file; SchemeError says what to fix (nothing is stored)."""
    shown = Path(str(file_name)).name[:80] or "scheme"
    if len(data) > MAX_SCHEME_BYTES:
        raise SchemeError(f"{shown}: {len(data)} bytes, over the {MAX_SCHEME_BYTES} byte limit")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SchemeError(f"{shown}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(f"{shown}: not valid TOML ({exc})") from exc
    return parse_scheme(parsed, source=shown)


def slug(name: str) -> str:
    """A scheme id from its name: lower-case letters, digits and dashes.

    >>> slug("My Scheme: EU/NATO")
    'my-scheme-eu-nato'
    """
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-")
    return text or "scheme"


def store_upload(workspace: str | Path, data: bytes, scheme: Scheme, taken: set[str]) -> str:
    """Write a checked scheme file into the workspace (atomically); returns its new id."""
    folder = scheme_folder(workspace)
    folder.mkdir(parents=True, exist_ok=True)
    base = slug(scheme.name)[:36].strip("-") or "scheme"
    sid, n = base, 1
    while sid in taken or (folder / f"{sid}.toml").exists():
        n += 1
        sid = f"{base}-{n}"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, folder / f"{sid}.toml")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return sid


def examples(label: Label) -> tuple[str, ...]:
    """A label's examples (``Label.examples`` once the library has it), else its prototypes."""
    return tuple(getattr(label, "examples", ()) or label.prototypes)
