"""The dashboard's I/O edge: configuration from the environment, cached loaders, analysis runs.

Environment (all optional):
  STANCEMAP_CORPUS   corpus paths, separated by os.pathsep (default: the repo's seeds/)
  STANCEMAP_CACHE    cache folder (default ~/.cache/stancemap; the pipeline reads it too)
  STANCEMAP_MODEL    model spec selected by default (default "minilm")
  STANCEMAP_MODELS   extra model specs offered in the sidebar, comma-separated
  STANCEMAP_SCHEME   stance scheme TOML (default: the shipped scheme)
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

import models
from dashboard.frames import prepare
from models.cache import default_cache_dir
from models.schemes import Scheme, load_scheme

REPO = Path(__file__).resolve().parents[1]
MODELS = Path(models.__file__).resolve().parent
BUILTIN_MODELS = ("minilm", "minilm-fp32")


@dataclass(frozen=True)
class Config:
    corpus: tuple[str, ...]
    cache_dir: str
    default_model: str
    models: tuple[str, ...]
    scheme_path: str


def config() -> Config:
    """Read the environment once per run (cheap)."""
    corpus = tuple(p for p in os.environ.get("STANCEMAP_CORPUS", "").split(os.pathsep) if p)
    default = os.environ.get("STANCEMAP_MODEL", "").strip() or BUILTIN_MODELS[0]
    extra = [m.strip() for m in os.environ.get("STANCEMAP_MODELS", "").split(",") if m.strip()]
    return Config(
        corpus=corpus or (str(REPO / "seeds"),),
        cache_dir=str(default_cache_dir()),
        default_model=default,
        models=tuple(dict.fromkeys([default, *BUILTIN_MODELS, *extra])),
        scheme_path=os.environ.get("STANCEMAP_SCHEME", ""),
    )


@st.cache_resource(max_entries=4, show_spinner=False)
def scheme(path: str) -> Scheme:
    return load_scheme(path or None)


def corpus_fingerprint(paths: tuple[str, ...], suffixes: tuple[str, ...] = ()) -> str:
    """Hash of the files' names, sizes and mtimes (changes when a file changes)."""
    h = hashlib.sha256()
    for root in paths:
        p = Path(root)
        files = sorted(p.rglob("*")) if p.is_dir() else [p]
        for f in files:
            if "__pycache__" in f.parts or (suffixes and f.suffix not in suffixes):
                continue
            if f.is_file():
                s = f.stat()
                h.update(f"{f}\x1f{s.st_size}\x1f{s.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def table_path(cfg: Config, model: str, sch: Scheme) -> Path:
    """Where the analysed table of (corpus, model, scheme, pipeline code) is kept as Parquet."""
    # a changed pipeline (code or its data files) re-analyses
    code = corpus_fingerprint((str(MODELS),), (".py", ".toml", ".csv"))
    key = hashlib.sha256(
        f"{corpus_fingerprint(cfg.corpus)}|{code}|{model}|{sch.fingerprint}".encode()
    ).hexdigest()[:16]
    slug = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in model)[:40]
    return Path(cfg.cache_dir) / "dashboard" / f"{slug}-{key}.parquet"


@st.cache_data(max_entries=4, show_spinner=False)
def load_table(path: str, mtime_ns: int) -> pd.DataFrame:
    """The analysed table with display columns; keyed by path and mtime, loaded once."""
    from models.table import read_table

    return prepare(read_table(path))


@st.cache_resource(max_entries=2, show_spinner=False)
def engine(model: str, cache_dir: str, corpus: tuple[str, ...], scheme_path: str):
    """One pipeline engine per model per server (the model loads lazily, once), and its lock."""
    from models import pipeline

    sch = scheme(scheme_path)
    registry = pipeline.corpus_registry(corpus)
    settings = pipeline.Settings(sch, model, registry)
    return pipeline.Engine(settings, pipeline.Cache(cache_dir)), threading.Lock()


def analyse(
    cfg: Config, model: str, progress: Callable[[int, int, str], None] | None = None
) -> Path:
    """Analyse the corpus with ``model`` (under the model's lock) and write its Parquet table."""
    from models import pipeline
    from models.table import write_table

    eng, lock = engine(model, cfg.cache_dir, cfg.corpus, cfg.scheme_path)
    path = table_path(cfg, model, scheme(cfg.scheme_path))
    with lock:
        if path.is_file():  # another session finished it while this one waited
            return path
        return write_table(pipeline.run(eng, cfg.corpus, progress).table, path)
