"""Reading a corpus: encodings, sizes, names, folders, metadata and unreadable input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from models.corpus import iter_documents, read_corpus, read_manifest, split_date_prefix
from models.decode import decode_bytes
from models.segment import segment_document
from tests.corpus_helpers import P1, P2, reasons, texts, write

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\n \t", "only whitespace"),
        (bytes(range(256)) * 8, "binary"),
        (b"%PDF-1.7\n" + b"\x00\x01\x02" * 50, "binary file (PDF)"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 100, "binary"),
        (b"PK\x03\x04" + b"x" * 40, "ZIP"),
    ],
)
def test_unreadable_files_are_reported(tmp_path: Path, data: bytes, reason: str) -> None:
    write(tmp_path, "bad.txt", data)
    write(tmp_path, "good.txt", f"{P1}\n\n{P2}")
    docs, problems = read_corpus([tmp_path])
    assert [p.path for p in problems] == [str(tmp_path / "bad.txt")]
    assert reason in problems[0].reason
    assert texts(docs) == [P1, P2]
    with pytest.raises(ValueError, match=reason.split()[0]):
        decode_bytes(data)


@pytest.mark.parametrize(
    ("data", "note"),
    [
        ("Café – naïve “quotes”\n\nZürich".encode("cp1252"), ""),
        ("Café – naïve “quotes”\n\nZürich é".encode("cp1252"), ""),  # ends in a cp1252 byte
        ("Café – naïve “quotes”\n\nZürich".encode("utf-8-sig"), ""),
        ("Café – naïve “quotes”\n\nZürich".encode("utf-16"), ""),  # with BOM
        ("Café – naïve “quotes”\n\nZürich".encode("utf-16-be"), ""),  # BOM-less
        ("Café – naïve “quotes”\n\nZürich".encode("utf-16-le"), ""),  # BOM-less
        ("Café – naïve “quotes”\r\n\r\nZürich".encode("utf-16-be"), ""),  # CRLF
        (
            "Café – naïve “quotes”\n\n".encode() + "Zürich".encode("cp1252"),
            "mixed encodings",
        ),
        ("Café – naïve “quotes”\n\nZürich €".encode()[:-1], "truncated UTF-8"),
        ("Café – naïve “quotes”\n\nZürich €".encode("utf-16-le")[:-1], "truncated UTF-16"),
    ],
)
def test_encodings(tmp_path: Path, data: bytes, note: str) -> None:
    write(tmp_path, "enc.txt", data)
    docs, problems = read_corpus([tmp_path])
    assert reasons(problems) == (f"enc.txt: {problems[0].reason}" if note else "")
    assert note in (problems[0].reason if problems else "")
    assert texts(docs)[0] == "Café – naïve “quotes”"
    assert texts(docs)[1].startswith("Zürich")
    assert "\ufeff" not in docs[0].text


def test_single_200kb_line(tmp_path: Path) -> None:
    line = "The delegates argued about tariffs and quotas for hours. " * 3500
    write(tmp_path, "long.txt", line)
    start = time.perf_counter()
    docs, problems = read_corpus([tmp_path])
    paras = [p for d in docs for p in segment_document(d)]
    assert time.perf_counter() - start < 3.0
    assert problems == []
    assert all(p.kind == "content" and len(p.text) <= 2000 for p in paras)
    assert " ".join(p.text for p in paras).split() == line.split()


@pytest.mark.parametrize("name", ["my notes.txt", "Příliš žluťoučký kůň.txt", "北京 报告.md"])
def test_awkward_file_names(tmp_path: Path, name: str) -> None:
    write(tmp_path / "sub dir", name, f"{P1}\n\n{P2}")
    docs, problems = read_corpus([tmp_path])
    assert problems == []
    assert [(d.doc, d.source) for d in docs] == [(name, Path(name).stem)]
    assert texts(docs) == [P1, P2]


def test_over_limit_file(tmp_path: Path) -> None:
    write(tmp_path, "big.txt", "x " * 600)
    write(tmp_path, "small.txt", P1)
    docs, problems = read_corpus([tmp_path], max_bytes=1000)
    assert reasons(problems) == "big.txt: file is 1.2 kB, over the 1.0 kB limit"
    assert texts(docs) == [P1]


def test_sparse_51mb_file_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with (tmp_path / "huge.txt").open("wb") as f:
        f.truncate(51_000_000)
    write(tmp_path, "small.txt", P1)
    real = Path.read_bytes

    def guarded(self: Path) -> bytes:
        assert self.name != "huge.txt", "the over-limit file was read"
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", guarded)
    start = time.perf_counter()
    docs, problems = read_corpus([tmp_path])
    assert time.perf_counter() - start < 1.0
    assert reasons(problems) == "huge.txt: file is 51 MB, over the 50 MB limit"
    assert texts(docs) == [P1]


def test_manifest_and_date_line(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", f" date 2022-03-18 “{P1}” she said.\n\n{P2}")
    write(tmp_path, "b.txt", f"Date: 2021-01-05\n{P1}")
    write(tmp_path, "c.txt", P2)
    write(tmp_path, "notes.py", "print('not corpus')")  # unknown extension: skipped quietly
    write(tmp_path, "actors.csv", "name,affiliation\nSomeone,other\n")  # no text column
    write(
        tmp_path,
        "sources.csv",
        "file,source,date,title,evidence\na.txt,Daily Planet,,A title,x\nb.txt,Weekly,,,\n",
    )
    docs, problems = read_corpus([tmp_path])
    assert problems == []
    got = [(d.doc, d.source, d.date, d.title) for d in docs]
    assert got == [
        ("a.txt", "Daily Planet", "2022-03-18", "A title"),
        ("b.txt", "Weekly", "2021-01-05", ""),
        ("c.txt", "c", "", ""),
    ]
    assert texts(docs) == [f"“{P1}” she said.", P2, P1, P2]
    assert read_manifest(tmp_path / "sources.csv")["a.txt"]["source"] == "Daily Planet"


def test_explicit_manifest_and_files(tmp_path: Path) -> None:
    data = write(tmp_path, "corpus/a.txt", P1)
    odd = write(tmp_path, "corpus/b.article", P2)  # named explicitly: read as text
    manifest = write(tmp_path, "meta.csv", "File,Source,Date\na.txt,Daily,18 March 2022\n")
    docs, problems = read_corpus([data, odd], manifest=manifest)
    assert problems == []
    assert [(d.doc, d.source, d.date) for d in docs] == [
        ("a.txt", "Daily", "2022-03-18"),
        ("b.article", "b", ""),
    ]
    assert texts(docs) == [P1, P2]


def test_recursive_folders_keep_names_distinct(tmp_path: Path) -> None:
    write(tmp_path, "one/story.txt", P1)
    write(tmp_path, "two/story.txt", P2)
    write(tmp_path, ".hidden/story.txt", "hidden")
    write(tmp_path, "one/picture.png", b"\x89PNG\x00\x00")
    docs, problems = read_corpus([tmp_path])
    assert problems == []
    assert [d.doc for d in docs] == ["story.txt", "two/story.txt"]
    assert texts(docs) == [P1, P2]


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope"):
        iter_documents([tmp_path / "nope"])


def test_streaming_yields_documents_and_problems(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", P1)
    write(tmp_path, "b.txt", b"")
    items = list(iter_documents([tmp_path]))
    assert [type(i).__name__ for i in items] == ["Document", "ReadProblem"]


@pytest.mark.parametrize(
    ("text", "date", "rest"),
    [
        (" date 2022-03-18 “Yes,” she said.", "2022-03-18", "“Yes,” she said."),
        ("Published: 2023-05-02T10:00:00Z\nBody.", "2023-05-02", "Body."),
        ("2023-05-02\nBody.", "2023-05-02", "Body."),
        ("2023-13-45 is not a date.", "", "2023-13-45 is not a date."),
        ("Body mentions 2023-05-02 later.", "", "Body mentions 2023-05-02 later."),
    ],
)
def test_split_date_prefix(text: str, date: str, rest: str) -> None:
    assert split_date_prefix(text) == (date, rest)


def test_seed_corpus() -> None:
    docs, problems = read_corpus([SEEDS])
    assert problems == []
    assert [d.source for d in docs] == [
        "Newsweek",
        "The Wall Street Journal",
        "The Washington Post",
        "RT",
        "CNN",
    ]
    assert docs[2].date == "2022-03-18" and not docs[2].text.startswith((" ", "date"))
