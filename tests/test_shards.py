"""Sharded analysis: planning, resume without redoing finished shards, and Ray tasks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from models.pipeline import Settings, corpus_registry
from models.shards import analyze_sharded, corpus_files, plan_shards
from models.table import read_table
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def settings(scheme):
    return Settings(scheme, "minilm", corpus_registry([SEEDS]))


@pytest.mark.parametrize("n", [1, 2, 3, 5, 9])
def test_plan_covers_every_file_once(n):
    files = corpus_files([SEEDS])
    plan = plan_shards(files, n)
    assert len(plan) == min(n, len(files))
    assert sorted(f for shard in plan for f in shard) == sorted(files)
    assert all(f.name not in ("sources.csv", "actors.csv") for f in files)


def test_local_shards_resume(settings, seed_table, cache_dir, tmp_path):
    out = tmp_path / "seeds.parquet"
    first = analyze_sharded([SEEDS], out, settings=settings, shards=3, cache_dir=cache_dir)
    assert len(first) == 3 and not any(r.skipped for r in first)
    table = read_table(out)
    assert sorted(table["text"]) == sorted(seed_table["text"])
    # one shard lost (e.g. the run was killed while writing it): only that one is redone
    Path(first[1].path).unlink()
    second = analyze_sharded([SEEDS], out, settings=settings, shards=3, cache_dir=cache_dir)
    assert [r.skipped for r in sorted(second, key=lambda r: r.index)] == [True, False, True]
    assert sorted(read_table(out)["text"]) == sorted(seed_table["text"])
    # another scheme: no finished shard is reused (each was made under the old one)
    barred = replace(settings.scheme, labels=tuple(replace(lb, not_voiced_by=("Russia",))
                                                  for lb in settings.scheme.labels))  # fmt: skip
    third = analyze_sharded([SEEDS], out, settings=replace(settings, scheme=barred), shards=3,
                            cache_dir=cache_dir)  # fmt: skip
    assert not any(r.skipped for r in third)
    again = analyze_sharded([SEEDS], out, settings=replace(settings, scheme=barred), shards=3,
                            cache_dir=cache_dir)  # fmt: skip
    assert all(r.skipped for r in again)


def test_ray_local_writes_the_same_table(settings, seed_table, cache_dir, tmp_path):
    out = tmp_path / "seeds.csv"
    results = analyze_sharded(
        [SEEDS], out, settings=settings, shards=2, cache_dir=cache_dir, executor="ray"
    )
    assert len(results) == 2
    table = read_table(out)
    assert list(table.columns) == list(seed_table.columns)
    key = ["doc", "paragraph"]
    got = table.sort_values(key)[["doc", "paragraph", "stance", "actor"]].reset_index(drop=True)
    want = seed_table.sort_values(key)[["doc", "paragraph", "stance", "actor"]]
    assert got.fillna("").values.tolist() == want.reset_index(drop=True).values.tolist()
