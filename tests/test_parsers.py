"""Attribution in more than one process (models.parsers), with the real spaCy model: the
same attributions as one process, whole documents or shared paragraph parses."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.attribute import PARALLEL_MIN, attribute_document, attribute_documents
from tests.test_attribute import DOCUMENTS


def test_worker_processes_attribute_the_same(nlp, seeds_dir: Path) -> None:
    from models.corpus import read_corpus
    from models.parsers import Parsers, split_even
    from models.segment import segment_document

    docs, _ = read_corpus([seeds_dir])
    texts = [[p.text for p in segment_document(d) if p.kind == "content"] for d in docs] * 3
    assert sum(map(len, texts)) >= PARALLEL_MIN  # large enough to be shared
    assert len(split_even(texts, 2)) == 2  # the worker gets a share
    alone = list(attribute_documents(texts, nlp))
    helpers = Parsers.start(nlp, 1)
    try:
        shared = list(attribute_documents(texts, nlp, None, helpers))
        assert helpers.attribute([], None) == []
        assert helpers.attribute([[], texts[0]], None) == [[], alone[0]]  # an empty document
    finally:
        helpers.close()
    assert shared == alone
    assert any(a.actor for atts in shared for a in atts)


def test_one_long_document_shares_its_parsing_and_attributes_the_same(nlp, seeds_dir) -> None:
    """A batch that whole documents cannot share out evenly (one long document): the worker
    parses a run of its paragraphs and this process attributes it whole, with the same result."""
    from models.corpus import read_corpus
    from models.parsers import UNEVEN, Parsers, split_even
    from models.segment import segment_document

    docs, _ = read_corpus([seeds_dir])
    long = [p.text for d in docs for p in segment_document(d) if p.kind == "content"] * 3
    texts = [long, long[:5]]
    runs = split_even(texts, 2)
    assert max(sum(map(len, r)) for r in runs) > UNEVEN * sum(map(len, texts)) / 2
    alone = [attribute_document(t, nlp) for t in texts]
    helpers = Parsers.start(nlp, 1)
    try:
        assert helpers.attribute(texts, None) == alone
    finally:
        helpers.close()


@pytest.mark.parametrize(("n", "parts", "runs"), [(10, 3, [(0, 3), (3, 7), (7, 10)]),
                                                  (1, 2, [(0, 1)]), (0, 2, [])])  # fmt: skip
def test_split_flat(n: int, parts: int, runs: list) -> None:
    from models.parsers import split_flat

    assert split_flat(n, parts) == runs


def test_a_dead_worker_costs_speed_not_results(nlp) -> None:
    import os
    import signal

    from models.parsers import Parsers

    docs = [list(texts) for texts, _ in DOCUMENTS for _ in range(4)]
    alone = list(attribute_documents(docs, nlp))
    helpers = Parsers.start(nlp, 1)
    for pid in list(helpers._pool._processes):
        os.kill(pid, signal.SIGKILL)
    with pytest.warns(RuntimeWarning, match="worker process died"):
        assert helpers.attribute(docs, None) == alone
    assert helpers._pool is None and helpers.attribute(docs, None) == alone  # here from now on
    helpers.close()  # idempotent


@pytest.mark.parametrize(
    ("env", "threads", "expected"),
    [
        ("1", "2", 1),
        ("3", "2", 3),  # the variable wins
        ("0", "2", 1),
        ("", "2", 2),  # one per core where processes fork
        ("", "8", 4),  # at most 4
        ("", "1", 1),
    ],
)
def test_parse_processes(monkeypatch, env: str, threads: str, expected: int) -> None:
    import multiprocessing

    from models.parsers import parse_processes

    monkeypatch.setenv("STANCEMAP_SPACY_PROCESSES", env)
    monkeypatch.setenv("STANCEMAP_THREADS", threads)
    method = multiprocessing.get_start_method(allow_none=True)
    forks = (method or multiprocessing.get_all_start_methods()[0]) == "fork"
    assert parse_processes() == (expected if forks or env else 1)


def test_parse_processes_says_what_is_wrong(monkeypatch) -> None:
    from models.parsers import parse_processes

    monkeypatch.setenv("STANCEMAP_SPACY_PROCESSES", "two")
    with pytest.raises(ValueError, match="whole number"):
        parse_processes()


def test_the_callers_request_wins_over_the_environment(monkeypatch) -> None:
    import multiprocessing

    from models.parsers import parse_processes

    monkeypatch.setenv("STANCEMAP_SPACY_PROCESSES", "4")
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    assert [parse_processes(n) for n in (1, 0, 3)] == ([1, 1, 3] if can_fork else [1, 1, 1])
