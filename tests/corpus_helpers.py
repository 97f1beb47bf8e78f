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


DATED_TEXTS = (
    "China urged the United States to stop arming Ukraine and blamed NATO expansion for the war.",
    "Beijing called for dialogue and a ceasefire, saying it stands for peace and opposes war.",
    "The White House said officials met on Tuesday to discuss sanctions on Moscow.",
    '"Washington has lost touch with reality," a Chinese spokesman said on Friday.',
    "Russia's foreign minister thanked Beijing for understanding Moscow's security concerns.",
    "The next round of talks between the two delegations is planned for May.",
)


def dated_jsonl(days: tuple[str, ...] = ("2022-03-01", "2022-03-08", "2022-03-15")) -> bytes:
    """A small dated corpus as JSON Lines: two outlets, one article per outlet and day, each
    article two paragraphs of the texts above (the dashboard draws it over time per day)."""
    import json

    lines = []
    for i, day in enumerate(days):
        for j, source in enumerate(("Daily Planet", "Morning Star")):
            a, b = DATED_TEXTS[(i + j) % 6], DATED_TEXTS[(i + j + 3) % 6]
            title = f"{source} report {i + 1}"
            record = {"text": f"{a}\n\n{b}", "source": source, "date": day, "title": title}
            lines.append(json.dumps(record))
    return ("\n".join(lines) + "\n").encode("utf-8")
