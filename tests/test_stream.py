"""Streaming analysis to a file: same rows as in memory, atomic output, resume from the cache."""

from __future__ import annotations

import pytest

from models.cache import Cache
from models.pipeline import Engine, Settings, corpus_registry
from models.stream import analyze_to_file
from models.table import read_table
from tests.conftest import SEEDS


def engine_for(scheme, cache_dir):
    return Engine(Settings(scheme, "minilm", corpus_registry([SEEDS])), Cache(cache_dir))


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_stream_writes_the_same_rows(seed_table, scheme, cache_dir, tmp_path, suffix):
    out = tmp_path / f"seeds{suffix}"
    rows, problems = analyze_to_file([SEEDS], out, engine=engine_for(scheme, cache_dir))
    assert problems == [] and rows == len(seed_table)
    back = read_table(out)
    assert back["text"].tolist() == seed_table["text"].tolist()
    assert back["stance"].fillna("").tolist() == seed_table["stance"].tolist()
    assert not list(tmp_path.glob(".*partial"))


class Interrupted(Exception):
    pass


def test_interrupted_run_resumes_without_redoing_finished_chunks(scheme, tmp_path, monkeypatch):
    import models.pipeline

    monkeypatch.setattr(models.pipeline, "CHUNK", 20)  # several chunks on the seeds
    out, cache = tmp_path / "out.parquet", tmp_path / "cache"
    done: list[int] = []

    def stop_after_two(chunk):
        done.append(int((chunk["kind"] == "content").sum()))
        if len(done) == 2:
            raise Interrupted

    first = engine_for(scheme, cache)
    with pytest.raises(Interrupted):
        analyze_to_file([SEEDS], out, engine=first, on_chunk=stop_after_two)
    assert not out.exists() and not list(tmp_path.glob(".*partial"))  # nothing half-written
    finished = sum(done)
    assert first.stats["classified"] == finished

    second = engine_for(scheme, cache)
    rows, _ = analyze_to_file([SEEDS], out, engine=second)
    table = read_table(out)
    total = int((table["kind"] == "content").sum())
    assert rows == len(table)
    assert second.stats["classified"] == total - finished  # finished chunks come from the cache
