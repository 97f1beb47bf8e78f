"""Compose the stages: read -> segment -> attribute -> classify -> one table row per paragraph.

>>> a = analyze(["seeds"])                     # doctest: +SKIP
>>> a.table.groupby("source").stance.value_counts()   # doctest: +SKIP

Everything expensive is cached on disk (see ``models.cache``): a re-run over the same corpus
loads no model.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from models.cache import Cache, CachedEmbedder, digest
from models.classify import Classifier, EmbeddingClassifier, NLIClassifier, parse_model_spec
from models.corpus import read_corpus
from models.fingerprints import attribution_fingerprint
from models.learned import LearnedClassifier, TrainingSet, cached_head, scheme_examples
from models.prototypes import UNITS
from models.records import Attribution, Document, Paragraph, ReadProblem, StanceResult
from models.registry import corpus_registry
from models.schemes import Scheme, load_scheme
from models.segment import segment_document
from models.table import rows_to_frame
from models.voices import in_voice

if TYPE_CHECKING:
    from models.attribute import Helpers

Progress = Callable[[int, int, str], None]
CHUNK = 256  # paragraphs classified per call (bounded memory, regular progress)


@dataclass(frozen=True)
class Analysis:
    table: pd.DataFrame
    problems: list[ReadProblem] = field(default_factory=list)
    scheme: Scheme | None = None
    model: str = ""
    stats: dict[str, int] = field(default_factory=dict)  # work done (0 = all from the cache)


@dataclass(frozen=True)
class Settings:
    """What a run depends on besides the texts."""

    scheme: Scheme
    model: str = "minilm"
    registry: object | None = None  # models.registry.Registry
    spacy_model: str | None = None
    head: str = "learned"  # "learned" (models.learned) or "prototypes" (models.prototypes)
    extra_training: TrainingSet | None = None  # gold or corrections beside the scheme's examples

    def training(self) -> TrainingSet:
        """What the learned head is trained on: the scheme's examples, then the extras."""
        base = scheme_examples(self.scheme)
        return base + self.extra_training if self.extra_training else base


@dataclass
class _Loaded:
    """Models an engine has loaded; shared by the engines made with ``with_registry``."""

    classifier: Classifier | None = None
    embedder: CachedEmbedder | None = None
    nlp: object | None = None
    parsers: object | None = None  # models.parsers.Parsers: worker processes for attribution


class Engine:
    """The loaded, cached stages for one setting (state: lazily-loaded models, the cache)."""

    def __init__(
        self,
        settings: Settings,
        cache: Cache,
        _loaded: _Loaded | None = None,
        *,
        spacy_processes: int | None = None,
    ) -> None:
        """``spacy_processes``: processes that attribute a large batch, this one included (None:
        as :func:`models.parsers.parse_processes` says; 1 in a server, which is not forked)."""
        self.spacy_processes = spacy_processes
        self.spec = parse_model_spec(settings.model)
        # the scheme as this model classifies with it ([thresholds.<model>] applied)
        self.settings = replace(settings, scheme=settings.scheme.for_model(self.spec.name))
        self.cache = cache
        self._loaded = _loaded or _Loaded()
        self.progress: Progress | None = None  # told of training, when a head is trained
        self._training: TrainingSet | None = None
        self.stats = {"classified": 0, "attributed_docs": 0, "embedded": 0, "models_loaded": 0}

    def close(self) -> None:
        """Stop the worker processes, if any (they start again when needed)."""
        parsers, self._loaded.parsers = self._loaded.parsers, None
        if parsers is not None:
            parsers.close()  # type: ignore[attr-defined]

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def with_registry(self, registry: object | None) -> Engine:
        """The same engine for another actor registry, sharing every model already loaded."""
        settings = replace(self.settings, registry=registry)
        return Engine(settings, self.cache, self._loaded, spacy_processes=self.spacy_processes)

    # -- stance ---------------------------------------------------------------------------
    def classifier(self) -> Classifier:
        loaded = self._loaded
        if loaded.classifier is None:
            if self.spec.backend == "nli":
                loaded.classifier = NLIClassifier(self.settings.scheme, self.spec.target)
            else:
                loaded.classifier = self._embedding_classifier(self.embedder())
        return loaded.classifier

    def embedder(self) -> CachedEmbedder:
        """The sentence encoder behind the cache (it loads on the first uncached text)."""
        loaded, spec = self._loaded, self.spec
        if spec.backend == "nli":
            raise ValueError(f"{spec.name} is not a sentence encoder")
        if loaded.embedder is None:
            from models.encoder import Encoder

            folder = self.cache.directory
            loaded.embedder = CachedEmbedder(
                self.cache,
                spec.cache_name,
                lambda: Encoder.load(
                    spec.target or None, arithmetic=spec.arithmetic, cache_dir=folder
                ),
            )
        return loaded.embedder

    def _embedding_classifier(self, embedder: CachedEmbedder) -> Classifier:
        s = self.settings
        if s.head == "prototypes":
            return EmbeddingClassifier(s.scheme, embedder, self.spec.name)
        spec = self.spec
        head = cached_head(self.training(), embedder, self.cache, spec.cache_name, self.progress)
        return LearnedClassifier(s.scheme, embedder, head, self.spec.name)

    def method(self) -> str:
        """What decides the stances besides the scheme: model, units, head and its training."""
        if self.spec.backend == "nli":
            return self.spec.cache_name
        if self.settings.head == "prototypes":
            return f"{self.spec.cache_name}:{UNITS}"
        return f"{self.spec.cache_name}:{UNITS}:head-{self.training().fingerprint}"

    def training(self) -> TrainingSet:
        """The learned head's training data (built once per engine: it is read on every batch)."""
        if self._training is None:
            self._training = self.settings.training()
        return self._training

    def stances(self, texts: Sequence[str]) -> list[StanceResult]:
        method = self.method()
        ns = f"stance:{method}:{self.settings.scheme.fingerprint}"
        keys = [digest(t) for t in texts]
        found = self.cache.get_many(ns, sorted(set(keys)))
        todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items())
        if todo:
            results = self.classifier().classify([t for _, t in todo])
            self.stats["classified"] += len(todo)
            fresh = {k: _dump(r) for (k, _), r in zip(todo, results, strict=True)}
            self.cache.put_many(ns, fresh.items())
            found.update(fresh)
        return [_load_stance(found[k]) for k in keys]

    def finish_stats(self) -> dict[str, int]:
        """Work this engine has done so far (all zeros: everything came from the cache)."""
        stats = dict(self.stats)
        emb = self._loaded.embedder
        if emb is not None:
            stats["embedded"] = emb.misses
            stats["models_loaded"] += int(emb.loaded)
        elif self._loaded.classifier is not None:  # NLI: loaded when built
            stats["models_loaded"] += 1
        return stats

    # -- attribution ----------------------------------------------------------------------
    def attributions(self, docs: Sequence[Sequence[str]]) -> list[list[Attribution]]:
        reg = self.settings.registry
        reg_key = getattr(reg, "fingerprint", "") if reg is not None else ""
        ns = f"actor:{self.settings.spacy_model or 'default'}:{reg_key}:{attribution_fingerprint()}"
        keys = [digest(*texts) for texts in docs]
        found = self.cache.get_many(ns, sorted(set(keys)))
        todo = [i for i, k in enumerate(keys) if k not in found]
        if todo:
            from models.attribute import attribute_documents, load_nlp  # spaCy: only on a miss

            if self._loaded.nlp is None:
                self._loaded.nlp = load_nlp(self.settings.spacy_model)
                self.stats["models_loaded"] += 1
            self.stats["attributed_docs"] += len(todo)
            fresh = {}
            helpers = self._helpers(sum(len(docs[i]) for i in todo))
            outs = attribute_documents((docs[i] for i in todo), self._loaded.nlp, reg, helpers)
            for i, atts in zip(todo, outs, strict=True):
                fresh[keys[i]] = json.dumps([asdict(a) for a in atts]).encode()
            self.cache.put_many(ns, fresh.items())
            found.update(fresh)
        return [[Attribution(**a) for a in json.loads(found[k])] for k in keys]

    def _helpers(self, n_paragraphs: int) -> Helpers | None:
        """Worker processes for attribution, started at the first large batch (see parsers)."""
        from models.attribute import PARALLEL_MIN
        from models.parsers import Parsers, parse_processes

        loaded = self._loaded
        if loaded.parsers is None and n_paragraphs >= PARALLEL_MIN:
            n = parse_processes(self.spacy_processes)
            if n > 1:
                loaded.parsers = Parsers.start(loaded.nlp, n - 1)  # type: ignore[arg-type]
        return loaded.parsers  # type: ignore[return-value]


def _dump(r: StanceResult) -> bytes:
    return json.dumps(asdict(r)).encode()


def _load_stance(raw: bytes) -> StanceResult:
    d = json.loads(raw)
    d["stances"] = tuple(d["stances"])
    return StanceResult(**d)


def analyze_documents(
    docs: Iterable[Document], engine: Engine, progress: Progress | None = None, total: int = 0
) -> Iterator[pd.DataFrame]:
    """Yield one table chunk per batch of documents (bounded memory for any corpus size)."""
    if progress is not None:
        engine.progress = progress  # a head trained on first use reports its progress too
    batch: list[list[Paragraph]] = []
    size = done = 0
    for doc in docs:
        paras = segment_document(doc)
        batch.append(paras)
        size += sum(p.kind == "content" for p in paras)
        if size >= CHUNK:
            done += len(batch)
            yield _analyze_batch(batch, engine)
            if progress:
                progress(done, total, "classifying")
            batch, size = [], 0
    if batch:
        done += len(batch)
        yield _analyze_batch(batch, engine)
        if progress:
            progress(done, total, "classifying")


def _analyze_batch(batch: list[list[Paragraph]], engine: Engine) -> pd.DataFrame:
    content = [[p for p in paras if p.kind == "content"] for paras in batch]
    atts = engine.attributions([[p.text for p in c] for c in content])
    flat = [p for c in content for p in c]
    stances = iter(engine.stances([p.text for p in flat]))
    by_para: dict[tuple[str, int], tuple[Attribution, StanceResult]] = {}
    scheme = engine.settings.scheme
    for c, a in zip(content, atts, strict=True):
        for p, att in zip(c, a, strict=True):
            by_para[(p.doc, p.paragraph)] = (att, in_voice(next(stances), att.affiliation, scheme))
    rows = []
    for paras in batch:
        for p in paras:
            att, st = by_para.get((p.doc, p.paragraph), (None, None))
            rows.append((p, att, st))
    return rows_to_frame(rows, engine.settings.scheme, engine.spec.name)


def analyze(
    paths: Sequence[str | Path] = ("seeds",),
    *,
    scheme: Scheme | str | Path | None = None,
    model: str | None = None,
    registry: object | None = None,
    cache_dir: str | Path | None = None,
    progress: Progress | None = None,
    spacy_model: str | None = None,
    extra_training: TrainingSet | None = None,
    head: str = "learned",
) -> Analysis:
    """Analyse a corpus into the paragraph table (see README for the columns)."""
    sch = scheme if isinstance(scheme, Scheme) else load_scheme(scheme)
    if registry is None:
        registry = corpus_registry(paths)
    settings = Settings(
        sch, model or "minilm", registry, spacy_model, extra_training=extra_training
    )
    with Engine(settings, Cache(cache_dir)) as engine:
        return run(engine, paths, progress)


def run(engine: Engine, paths: Sequence[str | Path], progress: Progress | None = None) -> Analysis:
    """Analyse a corpus with an existing engine (models stay loaded between calls)."""
    docs, problems = read_corpus([Path(p) for p in paths])
    if progress:
        progress(0, len(docs), "reading")
    chunks = list(analyze_documents(docs, engine, progress, len(docs)))
    sch = engine.settings.scheme
    table = pd.concat(chunks, ignore_index=True) if chunks else rows_to_frame([], sch, "")
    return Analysis(table, problems, sch, engine.spec.name, engine.finish_stats())
