"""The workspace: stored corpora, safe ids and file names, size limits, sources per file."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from models.corpus import read_corpus
from models.workspace import (
    SEEDS_ID,
    Workspace,
    default_workspace,
    is_valid_id,
    safe_file_name,
    slug,
)

GOOD = b"The ministry said the talks were useful.\n\nBoth sides agreed to meet again."


@pytest.fixture()
def ws(tmp_path) -> Workspace:
    return Workspace(tmp_path / "ws")


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


@pytest.mark.parametrize(
    "bad_id",
    [
        "../../etc/passwd",
        "..",
        "<script>alert(1)</script>",
        "a" * 41,
        "",
        "Upper-Case",
        "seeds/../x",
        "corpus\x00",
        "unknown-corpus-1234",
        None,
        123,
        ["list"],
        "x" * 10_000,
    ],
)
def test_unknown_or_garbage_ids_give_none_never_a_path_outside(ws, bad_id):
    assert ws.get(bad_id) is None
    assert ws.corpus_paths(bad_id) == []
    if not is_valid_id(bad_id):
        with pytest.raises(ValueError, match="not a corpus id"):
            ws.corrections_path(bad_id)


@pytest.mark.parametrize(
    ("uploaded", "stored"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/abs/path/report.txt", "report.txt"),
        ("Bericht über Gespräche.txt", "Bericht über Gespräche.txt"),
        ("  my   notes .md", "my notes.md"),
        (".hidden.txt", "hidden.txt"),
        ("<script>alert(1)</script>.html", "script_.html"),
        ("<img src=x onerror=alert(1)>.txt", "_img src_x onerror_alert(1)_.txt"),
        ("null\x00byte.txt", "nullbyte.txt"),
        ("..", "file"),
    ],
)
def test_safe_file_names(uploaded, stored):
    assert safe_file_name(uploaded) == stored


def test_long_names_are_cut_and_keep_their_extension():
    name = safe_file_name("ü" * 500 + ".jsonl")
    assert name.endswith(".jsonl") and len(name) <= 100 and len(name.encode()) < 255


@pytest.mark.parametrize(
    ("name", "expected"),
    [("My Corpus", "my-corpus"), ("Révue: Biden/Xi!", "revue-biden-xi"), ("中文", "corpus")],
)
def test_slug(name, expected):
    assert slug(name) == expected


@pytest.mark.parametrize(
    "uploaded",
    ["../../etc/passwd.txt", "<script>alert(1)</script>.txt", "a/b/c.txt", "x" * 300 + ".txt"],
)
def test_stored_files_stay_inside_the_workspace(ws, uploaded):
    info = ws.create_corpus("<script>alert(1)</script>" * 5, [(uploaded, GOOD)])
    assert is_valid_id(info.id) and info.id.startswith("script-alert-1")
    assert dict(info.originals)[info.files[0]] == uploaded[:200]
    for f in (Path(info.path) / "files").iterdir():
        assert _inside(f, ws.root)
    assert _inside(ws.corrections_path(info.id), ws.root)
    assert ws.get(info.id) == info


def test_same_files_same_id_and_other_files_another(ws):
    a = ws.create_corpus("Talks", [("a.txt", GOOD)])
    again = ws.create_corpus("Talks", [("a.txt", GOOD)])
    other = ws.create_corpus("Talks", [("a.txt", GOOD + b" More.")])
    assert a == again
    assert other.id != a.id and other.id.startswith("talks-")
    assert len(ws.list_corpora()) == 2


def test_concurrent_uploads_of_the_same_files_make_one_corpus(ws):
    results: list[str] = []

    def upload() -> None:
        results.append(ws.create_corpus("Same", [("a.txt", GOOD), ("b.md", GOOD)]).id)

    threads = [threading.Thread(target=upload) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and len(results) == 6
    assert [c.id for c in ws.list_corpora()] == results[:1]
    assert not [p for p in ws.corpora.iterdir() if p.name.startswith(".tmp")]


def test_listing_is_newest_first_and_skips_broken_folders(ws):
    ids = []
    for n in range(3):
        ids.append(ws.create_corpus(f"corpus {n}", [("a.txt", GOOD)]).id)
        time.sleep(0.01)
    (ws.corpora / "broken-1").mkdir()
    (ws.corpora / "broken-1" / "meta.json").write_text("{not json")
    (ws.corpora / "Not An Id").mkdir()
    assert [c.id for c in ws.list_corpora()] == ids[::-1]
    listed = ws.list_corpora(include_seeds=True)
    assert listed[-1].id == SEEDS_ID and "000_f3f3044c6f3fb9a6.txt" in listed[-1].files
    assert "sources.csv" not in listed[-1].files


def test_seeds_are_a_built_in_corpus(ws, seeds_dir):
    assert ws.corpus_paths(SEEDS_ID) == [seeds_dir]
    assert ws.corrections_path(SEEDS_ID) == ws.root / "corpora" / "seeds" / "corrections.jsonl"
    assert ws.get(SEEDS_ID).path == str(seeds_dir)


@pytest.mark.parametrize(
    ("files", "refused"),
    [
        ([("big.txt", b"x " * 600), ("ok.txt", GOOD)], {"big.txt"}),
        ([("a.txt", GOOD), ("b.txt", GOOD + b"!"), ("huge.md", b"y" * 5000)], {"huge.md"}),
    ],
)
def test_files_over_the_size_limit_are_refused_and_named(ws, files, refused):
    info = ws.create_corpus("sizes", files, max_bytes=1000)
    over = {p.path for p in info.problems if "over the 1.0 kB limit" in p.reason}
    assert over == refused
    assert set(info.files) == {n for n, _ in files} - refused


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([("big.txt", b"x" * 2000)], "over the"),
        ([("empty.txt", b"")], "file is empty"),
        ([("photo.png", b"\x89PNG....")], "unsupported file type .png"),
        ([("x.csv", b"a,b\n1,2\n")], "no text column"),
    ],
)
def test_nothing_readable_is_a_clear_error(ws, files, message):
    with pytest.raises(ValueError, match=message):
        ws.create_corpus("bad", files, max_bytes=1000)
    assert ws.list_corpora() == []


def test_sources_per_file_and_from_the_records(ws):
    records = b'{"text": "A record with its own outlet.", "source": "Record Times"}\n'
    files = [
        ("a b ü.txt", GOOD),
        ("b.md", b"# Head\n\nAnother paragraph of text."),
        ("c.txt", b"Third text without a source."),
        ("r.jsonl", records),
        ("sources.csv", b"text\nAn uploaded table named like the manifest.\n"),
    ]
    sources = {"a b ü.txt": 'Outlet, "Inc."', "b.md": "  The   Daily\nPaper ", "r.jsonl": "X"}
    info = ws.create_corpus("sources", files, sources=sources)
    assert dict(info.sources) == {"a b ü.txt": 'Outlet, "Inc."', "b.md": "The Daily Paper",
                                  "r.jsonl": "X"}  # fmt: skip
    assert "upload-sources.csv" in info.files
    docs, problems = read_corpus(ws.corpus_paths(info.id))
    got = {d.doc: d.source for d in docs}
    assert problems == []
    assert got == {
        "a b ü.txt": 'Outlet, "Inc."',
        "b.md": "The Daily Paper",
        "c.txt": "c",  # no source given: the file stem, as for any corpus
        "r.jsonl#1": "Record Times",  # a record's own source wins
        "upload-sources.csv#2": "upload-sources",
    }


def test_problems_are_kept_in_the_meta(ws):
    files = [("ok.txt", GOOD), ("empty.txt", b""), ("bad.jsonl", b'{"text": "Fine."}\n{broken\n')]
    info = ws.create_corpus("problems", files)
    reasons = {(p.path, p.severity): p.reason for p in info.problems}
    assert reasons[("empty.txt", "skipped")] == "file is empty"
    assert "invalid JSON" in reasons[("bad.jsonl", "warning")]
    assert set(info.files) == {"ok.txt", "bad.jsonl"}
    meta = json.loads((Path(info.path) / "meta.json").read_text("utf-8"))
    assert meta["id"] == info.id and len(meta["problems"]) == 2


def test_default_workspace_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("STANCEMAP_WORKSPACE", str(tmp_path / "w"))
    assert default_workspace() == tmp_path / "w"
    assert Workspace().root == tmp_path / "w"
    monkeypatch.delenv("STANCEMAP_WORKSPACE")
    assert default_workspace().parts[-3:] == ("share", "stancemap", "workspace")
