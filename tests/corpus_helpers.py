"""Shared by the corpus tests: two paragraphs, and small helpers to write and inspect files."""

from __future__ import annotations

from pathlib import Path

from models.records import Document, ReadProblem
from models.segment import segment_document

P1 = "Officials met on Tuesday to discuss the dispute."
P2 = "The next round of talks is planned for May."


def texts(docs: list[Document]) -> list[str]:
    return [p.text for d in docs for p in segment_document(d)]


def reasons(problems: list[ReadProblem]) -> str:
    return " | ".join(f"{Path(p.path).name}: {p.reason}" for p in problems)


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path
