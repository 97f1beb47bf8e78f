"""Attribution in more than one process: spaCy parses on one core, so on a machine with more,
worker processes parse and attribute part of each large batch while this process does the rest.

Workers are forked once per engine, when the first large batch comes (in a fresh ``analyze``,
before the sentence encoder loads, so they share little more than the spaCy pipeline with this
process; they only ever run spaCy), and live until the engine closes. A worker that dies (out of
memory, killed) is not fatal: its part is attributed here, with a warning, and so is the rest.
A document is attributed whole by one process (speakers are resolved across its paragraphs), so
the result is the same as in one process. When whole documents cannot share a batch out evenly
(a few long documents), the workers parse runs of paragraphs instead, send the parses back
(spaCy's ``DocBin``), and this process attributes every document from them: the same result,
with the parsing, most of the work, still spread. Use:
``attribute_documents(docs, nlp, registry, Parsers.start(nlp, 1))``.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from spacy.language import Language

from models.attribute import attribute_here, attribute_parsed
from models.encoder import cores
from models.records import Attribution
from models.registry import Registry

MAX_PROCESSES = 4
_NLP: Language | None = None  # a worker's pipeline (inherited at fork)


def parse_processes(requested: int | None = None) -> int:
    """How many processes attribute a large batch, this one included.

    1 where processes cannot fork; else ``requested`` (the caller's: 1 for a server), else
    ``STANCEMAP_SPACY_PROCESSES`` if set (1: this process alone); else one per core
    (``STANCEMAP_THREADS`` or all), up to 4, where processes start by fork by default (cheap:
    the loaded pipeline is shared, not loaded again), else 1. On this repository's 2-core
    machine a second process made parsing 1.65x faster.
    """
    if "fork" not in multiprocessing.get_all_start_methods():  # Windows: workers cannot fork
        return 1
    if requested is not None:
        return max(1, requested)
    wanted = os.environ.get("STANCEMAP_SPACY_PROCESSES", "").strip()
    if wanted:
        if not wanted.isdigit():
            raise ValueError(f"STANCEMAP_SPACY_PROCESSES is a whole number, not {wanted!r}")
        return max(1, int(wanted))
    method = multiprocessing.get_start_method(allow_none=True)
    if (method or multiprocessing.get_all_start_methods()[0]) != "fork":
        return 1
    return max(1, min(cores(), MAX_PROCESSES))


def split_even(docs: Sequence[Sequence[str]], parts: int) -> list[list[Sequence[str]]]:
    """``docs`` cut into ``parts`` runs of whole documents with about equal paragraph counts,
    in order (empty runs dropped).

    >>> [len(p) for p in split_even([["a"] * 3, ["b"], ["c"], ["d"] * 3], 2)]
    [2, 2]
    """
    total = sum(map(len, docs))
    out: list[list[Sequence[str]]] = [[]]
    size = 0
    for d in docs:
        if size >= total * len(out) / parts and len(out) < parts:
            out.append([])
        out[-1].append(d)
        size += len(d)
    return [p for p in out if p]


UNEVEN = 1.25  # a run of whole documents this much over an equal share: share paragraphs


def split_flat(n: int, parts: int) -> list[tuple[int, int]]:
    """``range(n)`` cut into ``parts`` contiguous (start, stop) runs of about equal length.

    >>> split_flat(10, 3)
    [(0, 3), (3, 7), (7, 10)]
    """
    bounds = [round(n * i / parts) for i in range(parts + 1)]
    return [(a, b) for a, b in itertools.pairwise(bounds) if b > a]


def _parse_run(texts: list[str]) -> bytes:
    from spacy.tokens import DocBin

    assert _NLP is not None, "a worker without a pipeline"
    return DocBin(docs=_NLP.pipe(texts, batch_size=64)).to_bytes()


def _adopt(nlp: Language) -> None:
    global _NLP
    _NLP = nlp


def _attribute_run(docs: list[Sequence[str]], registry: Registry | None) -> list[list[Attribution]]:
    assert _NLP is not None, "a worker without a pipeline"
    return attribute_here(docs, _NLP, registry)


class Parsers:
    """Worker processes beside this one (state: the pool); see the module doc."""

    def __init__(self, nlp: Language, pool: ProcessPoolExecutor, workers: int) -> None:
        self.nlp = nlp
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = pool

    @classmethod
    def start(cls, nlp: Language, workers: int) -> Parsers:
        """Fork ``workers`` processes now, each holding ``nlp``."""
        ctx = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_adopt, initargs=(nlp,))
        for f in [pool.submit(int) for _ in range(workers)]:  # start them while small
            f.result()
        return cls(nlp, pool, workers)

    def attribute(
        self, docs: Sequence[Sequence[str]], registry: Registry | None
    ) -> list[list[Attribution]]:
        """One Attribution list per document, in order; the last run is attributed here."""
        if self._pool is None:
            return attribute_here(docs, self.nlp, registry)
        runs = split_even(docs, self.workers + 1) or [[]]
        fair = sum(map(len, docs)) / (self.workers + 1)
        try:
            if max(sum(map(len, r)) for r in runs) > UNEVEN * fair:
                return self._share_paragraphs(docs, registry)
            *theirs, mine = runs
            futures = [self._pool.submit(_attribute_run, run, registry) for run in theirs]
            here = attribute_here(mine, self.nlp, registry)
            return [atts for f in futures for atts in f.result()] + here
        except BrokenProcessPool:
            warnings.warn(
                "an attribution worker process died (out of memory?); attributing in the main "
                "process from now on (STANCEMAP_SPACY_PROCESSES=1 does so from the start)",
                RuntimeWarning,
                stacklevel=2,
            )
            self.close()
            return attribute_here(docs, self.nlp, registry)

    def _share_paragraphs(
        self, docs: Sequence[Sequence[str]], registry: Registry | None
    ) -> list[list[Attribution]]:
        """Workers parse runs of paragraphs, this process the last run and every attribution."""
        from spacy.tokens import DocBin

        assert self._pool is not None
        texts = [t for d in docs for t in d]
        *theirs, (a, b) = split_flat(len(texts), self.workers + 1)
        futures = [self._pool.submit(_parse_run, texts[i:j]) for i, j in theirs]
        mine = list(self.nlp.pipe(texts[a:b], batch_size=64))
        parsed = [doc for f in futures for doc in DocBin().from_bytes(f.result()).get_docs(
            self.nlp.vocab)] + mine  # fmt: skip
        out, start = [], 0
        for d in docs:
            out.append(attribute_parsed(parsed[start : start + len(d)], registry))
            start += len(d)
        return out

    def close(self) -> None:
        """Stop the workers (idempotent); later batches are attributed in this process."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(cancel_futures=True)
