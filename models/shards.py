"""Sharded analysis: the same pipeline mapped over shards of a corpus, locally or on Ray.

The corpus files are split into ``n`` shards of similar size; each shard is analysed by
``run_shard`` (the streaming pipeline) into its own Parquet file under ``<out>.shards/``; the
shards are then concatenated into ``out``. A shard whose file exists is finished and is never
redone, so an interrupted run resumes where it stopped, as long as it was made from the same
files, settings and code (its key, :func:`shard_key`; another key redoes it). With
``executor="ray"`` the shards run as Ray tasks: ``address=None`` starts a local Ray instance,
``address="auto"`` or ``"ray://head:10001"`` uses a cluster (every node needs stancemap
installed, and the corpus and output folder on a shared file system).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from models.corpus import CORPUS_EXTS
from models.records import ReadProblem


@dataclass(frozen=True)
class ShardResult:
    index: int
    path: str
    rows: int
    problems: tuple[ReadProblem, ...] = ()
    skipped: bool = False  # already finished by an earlier run


def corpus_files(paths: Sequence[str | Path]) -> list[Path]:
    """Every corpus file under ``paths`` (folders walked), sorted, manifests left out."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += [
                f
                for f in sorted(p.rglob("*"))
                if f.is_file() and f.suffix.lower() in CORPUS_EXTS and f.name != "sources.csv"
                and f.name != "actors.csv" and not f.name.startswith(".")
            ]  # fmt: skip
        elif p.exists():
            out.append(p)
        else:
            raise FileNotFoundError(f"no such file or folder: {p}")
    return out


def plan_shards(files: Sequence[Path], n: int) -> list[list[Path]]:
    """Split files into at most ``n`` shards of similar total size (largest first, greedy)."""
    n = max(1, min(n, len(files)))
    shards: list[list[Path]] = [[] for _ in range(n)]
    sizes = [0] * n
    for f in sorted(files, key=lambda f: f.stat().st_size, reverse=True):
        i = sizes.index(min(sizes))
        shards[i].append(f)
        sizes[i] += f.stat().st_size
    return [sorted(s) for s in shards if s]


def run_shard(
    index: int,
    files: Sequence[str],
    out_dir: str,
    settings: object,
    cache_dir: str | None,
    spacy_processes: int | None = None,
) -> ShardResult:
    """Analyse one shard into ``out_dir/shard-NNNNN.parquet`` unless it is already there
    (``spacy_processes``: see ``models.pipeline.Engine``; 1 in a Ray worker, not forked)."""
    from models.cache import Cache
    from models.pipeline import Engine
    from models.stream import analyze_to_file

    target = Path(out_dir) / f"shard-{index:05d}.parquet"
    done = target.with_suffix(".json")
    key = shard_key(files, settings)
    if target.exists() and done.exists():
        meta = json.loads(done.read_text(encoding="utf-8"))
        if meta.get("key") == key:
            problems = tuple(ReadProblem(**p) for p in meta["problems"])
            return ShardResult(index, str(target), meta["rows"], problems, skipped=True)
        done.unlink()  # made from other files, settings or code: redo it
    engine = Engine(settings, Cache(cache_dir), spacy_processes=spacy_processes)  # type: ignore[arg-type]
    with engine:  # its worker processes, if any, stop with the shard
        rows, problems = analyze_to_file(list(files), target, engine=engine)
    meta = {
        "rows": rows,
        "problems": [asdict(p) for p in problems],
        "files": list(files),
        "key": key,
    }
    done.write_text(json.dumps(meta), encoding="utf-8")
    return ShardResult(index, str(target), rows, tuple(problems))


def shard_key(files: Sequence[str], settings: object) -> str:
    """What a finished shard depends on: its files (name, size, modification time), the model,
    the scheme (voices included), the speaker registry, the spaCy model, the code, and the
    stance head with what it was trained on."""
    from models.cache import code_fingerprint, files_fingerprint

    s = settings
    parts = [
        files_fingerprint(files),
        s.model,  # type: ignore[attr-defined]
        s.scheme.for_model(s.model).table_fingerprint,  # type: ignore[attr-defined]
        getattr(s.registry, "fingerprint", ""),  # type: ignore[attr-defined]
        s.spacy_model or "",  # type: ignore[attr-defined]
        code_fingerprint(),
        s.head,  # type: ignore[attr-defined]
        s.training().fingerprint if s.head == "learned" else "",  # type: ignore[attr-defined]
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


def analyze_sharded(
    paths: Sequence[str | Path],
    out: str | Path,
    *,
    settings: object,
    shards: int = 4,
    cache_dir: str | Path | None = None,
    executor: str = "local",
    address: str | None = None,
) -> list[ShardResult]:
    """Map ``run_shard`` over the shards (in this process, or as Ray tasks), then concatenate."""
    out = Path(out)
    out_dir = out.with_name(out.name + ".shards")
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = plan_shards(corpus_files(paths), shards)
    args = [
        (i, [str(f) for f in files], str(out_dir), settings, str(cache_dir) if cache_dir else None)
        for i, files in enumerate(plan)
    ]
    if executor == "ray":
        results = _run_on_ray([(*a, 1) for a in args], address)
    elif executor == "local":
        results = [run_shard(*a) for a in args]
    else:
        raise ValueError(f"unknown executor {executor!r}: use local or ray")
    _concatenate([Path(r.path) for r in sorted(results, key=lambda r: r.index)], out)
    return results


def _run_on_ray(args: list[tuple], address: str | None) -> list[ShardResult]:
    try:
        import ray
    except ImportError as exc:
        raise ValueError("Ray is not installed: pip install 'stancemap[ray]'") from exc
    started = not ray.is_initialized()
    if started:
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
    try:
        task = ray.remote(run_shard)
        return list(ray.get([task.remote(*a) for a in args]))
    finally:
        if started:
            ray.shutdown()


def _concatenate(parts: Sequence[Path], out: Path) -> None:
    """Stream the shard files into ``out`` (any table format), one row group at a time."""
    import pyarrow.parquet as pq

    from models.stream import TableWriter

    writer = TableWriter(out)
    try:
        for part in parts:
            pf = pq.ParquetFile(part)
            for i in range(pf.num_row_groups):
                writer.write(pf.read_row_group(i).to_pandas())
    except BaseException:
        writer.abort()
        raise
    writer.close()
