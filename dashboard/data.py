"""The dashboard's I/O edge: configuration from the environment, cached loaders, analysis runs.

Environment (all optional):
  STANCEMAP_CORPUS   corpus paths, separated by os.pathsep (default: the repo's seeds/)
  STANCEMAP_CACHE    cache folder (default ~/.cache/stancemap; the pipeline reads it too)
  STANCEMAP_MODEL    model spec selected by default (default "minilm")
  STANCEMAP_MODELS   extra model specs offered in the sidebar, comma-separated (packaged
                     encoders such as mpnet are offered when installed)
  STANCEMAP_SCHEME   stance scheme TOML (default: the shipped scheme)
  STANCEMAP_TABLE    an analysed table (.parquet/.csv/.jsonl from `stancemap analyze --out`)
                     shown as the built-in corpus instead of analysing STANCEMAP_CORPUS
  STANCEMAP_WORKSPACE  folder of uploaded corpora and of every corpus's corrections
                     (default ~/.local/share/stancemap/workspace, see models.workspace)
  STANCEMAP_CORPUS_LIST  "all" (default): the sidebar lists every corpus of the workspace;
                     "session": only the built-in corpus and those this browser session
                     uploaded or opened by link (for a server shared with strangers)

Corpora: id "seeds" is the built-in corpus (STANCEMAP_CORPUS); uploads get ids from
models.workspace. Each corpus is analysed once per model into a Parquet table in the cache;
corrections (models.corrections) are applied when that table is loaded, keyed on the
corrections file's size and mtime, so a saved correction shows on the next run.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.certainty import Measured, eval_path, load_measured
from dashboard.frames import article_names, content, options, prepare
from dashboard.schemes import SchemeFile, list_schemes
from dashboard.state import DEFAULT_CORPUS
from models import packaged
from models.cache import code_fingerprint, default_cache_dir, files_fingerprint
from models.corrections import Correction, append_correction, apply_corrections, load_corrections
from models.schemes import Scheme, load_scheme
from models.workspace import CorpusInfo, Workspace, default_workspace

REPO = Path(__file__).resolve().parents[1]
BUILTIN_MODELS = ("minilm", "minilm-fp32")


@dataclass(frozen=True)
class Config:
    corpus: tuple[str, ...]
    cache_dir: str
    default_model: str
    models: tuple[str, ...]
    scheme_path: str
    workspace: str = ""
    list_all: bool = True  # list every corpus of the workspace (else only this session's)
    table: str = ""  # an analysed table shown as the built-in corpus (STANCEMAP_TABLE)


def config() -> Config:
    """Read the environment once per run (cheap)."""
    corpus = tuple(p for p in os.environ.get("STANCEMAP_CORPUS", "").split(os.pathsep) if p)
    default = os.environ.get("STANCEMAP_MODEL", "").strip() or BUILTIN_MODELS[0]
    extra = [m.strip() for m in os.environ.get("STANCEMAP_MODELS", "").split(",") if m.strip()]
    return Config(
        corpus=corpus or (str(REPO / "seeds"),),
        cache_dir=str(default_cache_dir()),
        default_model=default,
        models=tuple(dict.fromkeys([default, *BUILTIN_MODELS, *packaged.installed(), *extra])),
        scheme_path=os.environ.get("STANCEMAP_SCHEME", ""),
        workspace=str(default_workspace()),
        list_all=os.environ.get("STANCEMAP_CORPUS_LIST", "all").strip().lower() != "session",
        table=os.environ.get("STANCEMAP_TABLE", "").strip(),
    )


def workspace(cfg: Config) -> Workspace:
    return Workspace(cfg.workspace)


def _stamp(path: Path) -> tuple[int, int]:
    """(size, mtime_ns) of a file or folder; (0, 0) when it does not exist."""
    try:
        s = path.stat()
    except OSError:
        return 0, 0
    return s.st_size, s.st_mtime_ns


@st.cache_data(max_entries=8, show_spinner=False)
def _corpora(root: str, stamp: tuple[int, int]) -> list[CorpusInfo]:
    return Workspace(root).list_corpora()


def corpora(cfg: Config) -> list[CorpusInfo]:
    """The workspace's corpora, newest first (re-read when a corpus is added)."""
    ws = workspace(cfg)
    return _corpora(str(ws.root), _stamp(ws.corpora))


def corpus_info(cfg: Config, corpus_id: str) -> CorpusInfo | None:
    """A stored corpus (None for the built-in one, an unknown or a malformed id)."""
    if corpus_id == DEFAULT_CORPUS:
        return None
    return workspace(cfg).get(corpus_id)


def corpus_paths(cfg: Config, corpus_id: str) -> tuple[str, ...]:
    """The files/folders of a corpus; () for an unknown id."""
    if corpus_id == DEFAULT_CORPUS:
        return cfg.corpus
    return tuple(str(p) for p in workspace(cfg).corpus_paths(corpus_id))


def corrections_file(cfg: Config, corpus_id: str) -> Path:
    return workspace(cfg).corrections_path(corpus_id)


def save_corrections(path: Path, corrections: list[Correction]) -> None:
    """Append people's corrections (atomic lines; see models.corrections)."""
    for c in corrections:
        append_correction(path, c)


def create_corpus(
    cfg: Config, name: str, files: list[tuple[str, bytes]], sources: dict[str, str], limit: int
) -> CorpusInfo:
    """Store uploaded files as a workspace corpus (ValueError when none is readable)."""
    return workspace(cfg).create_corpus(name, files, sources, max_bytes=limit)


@st.cache_resource(max_entries=16, show_spinner=False)
def _scheme(path: str, stamp: tuple[int, int]) -> Scheme:
    return load_scheme(path or None)


def scheme(path: str) -> Scheme:
    """A scheme file, loaded once per version of the file."""
    return _scheme(path, _stamp(Path(path)) if path else (0, 0))


def scheme_files(cfg: Config) -> dict[str, SchemeFile]:
    """The schemes the sidebar offers: id -> file (the configured default first)."""
    return list_schemes(cfg.workspace, cfg.scheme_path)


@st.cache_data(max_entries=16, show_spinner=False)
def _measured(path: str, stamp: tuple[int, int]) -> tuple[Measured | None, str]:
    return load_measured(path)


def measured(sch: Scheme) -> tuple[Measured | None, str]:
    """The scheme's measured precision/recall (``<stem>_eval.json``), re-read when it changes."""
    if not sch.path:
        return None, ""
    return _measured(sch.path, _stamp(eval_path(sch.path)))


def effective(sch: Scheme, model: str) -> Scheme:
    """The scheme as ``model`` classifies with it (its ``[thresholds.<model>]`` applied)."""
    from models.classify import parse_model_spec

    return sch.for_model(parse_model_spec(model).name)


def table_path(
    cfg: Config, model: str, sch: Scheme, paths: tuple[str, ...], training: str = ""
) -> Path:
    """Where the analysed table of (corpus, model, scheme, pipeline code) is kept as Parquet;
    ``training``: a retrained head's training fingerprint (dashboard.teach), "" for the scheme's."""
    code = code_fingerprint()  # a changed pipeline (code or its data files) re-analyses
    scheme_key = f"{sch.name}:{effective(sch, model).table_fingerprint}"  # the name: its column
    if training:
        scheme_key += f":head-{training}"
    key = hashlib.sha256(
        f"{files_fingerprint(paths)}|{code}|{model}|{scheme_key}".encode()
    ).hexdigest()[:16]
    slug = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in model)[:40]
    return Path(cfg.cache_dir) / "dashboard" / f"{slug}-{key}.parquet"


@dataclass(frozen=True)
class Loaded:
    """An analysed table ready to show, and what every rerun would otherwise recompute.

    Shared by every session (st.cache_resource, no copy per run): read-only by contract; the
    pure functions of dashboard.frames return new frames and never modify it.
    """

    table: pd.DataFrame
    content: pd.DataFrame  # its content rows (what every filter starts from)
    options: dict[str, list[str]]  # sidebar choices per column, most frequent first
    articles: dict[str, str]  # doc -> "Outlet — title", in corpus order (the reader's list)


@st.cache_resource(max_entries=6, show_spinner=False)
def _load_table(
    path: str, mtime_ns: int, corrections: str, stamp: tuple[int, int], abstain: str
) -> Loaded:
    from models.table import read_table

    fixes = load_corrections(corrections) if stamp != (0, 0) else []
    table = prepare(apply_corrections(read_table(path), fixes, abstain))
    choices = {c: options(table, c) for c in ("source", "speaker", "affiliation")}
    return Loaded(table, content(table), choices, article_names(table))


def load_table(path: Path, corrections: Path, abstain: str) -> Loaded:
    """The analysed table, people's corrections applied, with display columns.

    Cached on the table's mtime and the corrections file's (size, mtime): a new correction
    reloads it, nothing else does. Large tables are not copied per run (see ``Loaded``).
    """
    return _load_table(
        str(path), path.stat().st_mtime_ns, str(corrections), _stamp(corrections), abstain
    )


@st.cache_resource(max_entries=4, show_spinner=False)
def engine(model: str, cache_dir: str, scheme_path: str, training: str = "", _extra=None):
    """One pipeline engine per model (and retrained head) per server, and its lock.

    The models load lazily, once; every session and every corpus (each with its own actor
    registry, through ``Engine.with_registry``) shares them under the lock. ``_extra``: the
    retrained head's extra TrainingSet, ``training`` its fingerprint (the cache key).
    """
    from models import pipeline

    settings = pipeline.Settings(scheme(scheme_path), model, extra_training=_extra)
    # parsing stays in this process: a multi-threaded server is not forked for workers
    engine = pipeline.Engine(settings, pipeline.Cache(cache_dir), spacy_processes=1)
    return engine, threading.Lock()


def analyse(
    cfg: Config,
    model: str,
    paths: tuple[str, ...],
    progress: Callable[[int, int, str], None] | None = None,
    scheme_path: str | None = None,
    extra=None,
) -> Path:
    """Analyse a corpus with ``model`` under a scheme (default: the configured one), under the
    engine's lock, and write its Parquet table. ``extra``: a retrained head's extra training
    (models.learned.TrainingSet; its table is kept under its own fingerprint)."""
    from models import pipeline
    from models.table import write_table

    spath = cfg.scheme_path if scheme_path is None else scheme_path
    training = training_key(spath, model, extra)
    eng, lock = engine(model, cfg.cache_dir, spath, training, extra)
    path = table_path(cfg, model, scheme(spath), paths, training)
    with lock:
        if path.is_file():  # another session finished it while this one waited
            return path
        corpus_engine = eng.with_registry(pipeline.corpus_registry(paths))
        return write_table(pipeline.run(corpus_engine, paths, progress).table, path)


def training_key(scheme_path: str, model: str, extra) -> str:
    """The training fingerprint of the head with ``extra`` ("" without extra training)."""
    from models import pipeline

    if extra is None:
        return ""
    settings = pipeline.Settings(scheme(scheme_path), model, extra_training=extra)
    return settings.training().fingerprint
