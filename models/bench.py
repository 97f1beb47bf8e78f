"""``stancemap bench``: classifier throughput and peak memory per backend, on the seeds.

Each backend runs in its own subprocess so that its peak memory (max RSS) is its own. The
classifier is timed without the cache (every paragraph is encoded), after one warm-up pass.
``nli-random`` is the transformers zero-shot-classification pipeline with a MiniLM-sized NLI
model of random weights: the speed reference the offline default is compared with.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def seed_paragraphs(paths: list[str]) -> list[str]:
    from models.corpus import read_corpus
    from models.segment import segment_document

    docs, _ = read_corpus([Path(p) for p in paths])
    return [p.text for d in docs for p in segment_document(d) if p.kind == "content"]


def generated_paragraphs(paths: list[str], n: int, seed: int = 0) -> list[str]:
    """N unique paragraphs made of 2-4 recombined seed sentences (realistic lengths)."""
    from models.text import split_sentences

    sentences = [s for p in seed_paragraphs(paths) for s in split_sentences(p)]
    rng = random.Random(seed)
    out: set[str] = set()
    while len(out) < n:
        out.add(" ".join(rng.sample(sentences, rng.randint(2, 4))))
    return sorted(out)


def _one(model: str, paths: list[str], repeat: int, scale: int) -> dict[str, object]:
    from models.classify import NLIClassifier, parse_model_spec
    from models.encoder import Encoder
    from models.learned import LearnedClassifier, scheme_examples, train_head
    from models.schemes import load_scheme

    scheme = load_scheme()
    texts = seed_paragraphs(paths)
    train_s = None
    t0 = time.perf_counter()
    if model == "nli-random":
        from models.nli import build_random_nli

        folder = build_random_nli(Path(tempfile.mkdtemp()) / "nli")
        clf = NLIClassifier(scheme, str(folder))
    elif (spec := parse_model_spec(model)).backend == "nli":  # a real NLI model, e.g. from the hub
        clf = NLIClassifier(scheme.for_model(spec.name), spec.target)
    else:
        enc = Encoder.load(spec.target or None, arithmetic=spec.arithmetic)
        t1 = time.perf_counter()  # training the scheme's head: every example encoded, no cache
        head = train_head(scheme_examples(scheme), enc.encode)
        train_s = round(time.perf_counter() - t1, 2)
        t0 += train_s
        clf = LearnedClassifier(scheme.for_model(spec.name), enc.encode, head, spec.name)
    load_s = time.perf_counter() - t0
    clf.classify(texts[:16])  # warm-up
    runs = []
    for _ in range(max(1, repeat)):
        t = time.perf_counter()
        clf.classify(texts)
        runs.append(len(texts) / (time.perf_counter() - t))
    result: dict[str, object] = {
        "model": model,
        "paragraphs": len(texts),
        "load_s": round(load_s, 2),
        "train_s": train_s,
        "para_per_s": round(max(runs), 1),
        "para_per_s_median": round(sorted(runs)[len(runs) // 2], 1),
        "runs": [round(r, 1) for r in runs],
    }
    if scale and model != "nli-random":  # the NLI reference would take hours at this scale
        big = generated_paragraphs(paths, scale)
        t = time.perf_counter()
        clf.classify(big)
        result[f"para_per_s_{scale}"] = round(len(big) / (time.perf_counter() - t), 1)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def failure(stderr: str) -> str:
    """What a failed child process said: its ``Error:`` message whole (it may run over several
    lines), else its last line."""
    lines = stderr.strip().splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.lower().startswith("error:")), None)
    if start is None:
        return lines[-1] if lines else "no message"
    return " ".join(ln.strip() for ln in lines[start:])[len("error:") :].strip()


def write_generated_corpus(paths: list[str], n: int, folder: Path, per_doc: int = 10) -> Path:
    """A JSONL corpus of ``n`` unique generated paragraphs, ``per_doc`` to a record."""
    paras = generated_paragraphs(paths, n)
    out = folder / f"generated-{n}.jsonl"
    with open(out, "w", encoding="utf-8") as fh:
        for i in range(0, len(paras), per_doc):
            record = {"id": f"g{i // per_doc}", "source": f"Outlet {i % 7}",
                      "text": "\n\n".join(paras[i : i + per_doc])}  # fmt: skip
            fh.write(json.dumps(record) + "\n")
    return out


def bench_analyze(paths: list[str], n: int, per_doc: int = 10) -> dict[str, object]:
    """`stancemap analyze` (streaming, cold cache) over n generated paragraphs, ``per_doc`` to a
    document: time, peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_generated_corpus(paths, n, Path(tmp), per_doc)
        # through this module's --peak: the child's own peak (RUSAGE_CHILDREN would be the
        # largest of every child so far, the benchmarked backends included)
        cmd = [sys.executable, "-m", "models.bench", "--peak", "analyze", str(corpus), "--quiet",
               "--out", f"{tmp}/out.parquet", "--cache-dir", f"{tmp}/cache"]  # fmt: skip
        t = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - t
        if proc.returncode != 0:
            return {"error": failure(proc.stderr)}
        peaks = json.loads(proc.stdout.strip().splitlines()[-1])
    # a worker's RSS counts the pages it shares with the main process too: the two peaks
    # bound the total from below and above
    return {"paragraphs": n, "per_doc": per_doc, "seconds": round(elapsed, 1),
            "para_per_s": round(n / elapsed, 1),
            "peak_rss_mb": round(peaks["peak_rss_mb"], 1),
            "worker_peak_rss_mb": round(peaks.get("worker_peak_rss_mb", 0.0), 1)}  # fmt: skip


def bench_dashboard(sizes: list[int]) -> str:
    """Server-side dashboard timings at each size (``python -m dashboard.scale_bench``).

    Run as a subprocess: the core never imports the dashboard.
    """
    import importlib.util

    if importlib.util.find_spec("dashboard") is None:
        return "dashboard: not installed"
    cmd = [sys.executable, "-m", "dashboard.scale_bench", *map(str, sizes)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return f"dashboard: failed: {failure(proc.stderr)}"
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    head = f"{'dashboard rows':<15}" + "".join(f"{k[:-3]:>9}" for k in rows[0] if k != "paragraphs")
    lines = [head + "   (ms, server side)"]
    for r in rows:
        lines.append(f"{r['paragraphs']:<15}" + "".join(
            f"{v:>9}" for k, v in r.items() if k != "paragraphs"))  # fmt: skip
    return "\n".join(lines)


def run_bench(
    paths: list[str],
    models: list[str],
    *,
    repeat: int = 3,
    scale: int = 0,
    analyze: int = 0,
    dashboard: list[int] | None = None,
    rounds: int = 2,
    per_doc: int = 10,
) -> str:
    """Every backend in its own subprocess, ``rounds`` times in alternating order, so that a
    machine whose speed drifts (a shared VM) slows all backends alike; ratios are per round."""
    per_round: list[dict[str, dict]] = []
    for r in range(max(1, rounds)):
        done: dict[str, dict] = {}
        for model in models if r % 2 == 0 else models[::-1]:
            n = scale if r == 0 else 0  # the large generated corpus once
            cmd = [sys.executable, "-m", "models.bench", model, str(repeat), str(n), *paths]
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                done[model] = {"model": model, "error": failure(proc.stderr)}
            else:
                done[model] = json.loads(proc.stdout.strip().splitlines()[-1])
        per_round.append(done)
    from models.arithmetic import choose

    text = f"encoder arithmetic: {choose().describe()}\n"
    text += format_bench([merge_rounds([d[m] for d in per_round]) for m in models], per_round)
    if analyze:
        r = bench_analyze(paths, analyze, per_doc)
        text += f"\nanalyze end to end (segment + attribute + classify, cold cache): {r}"
    if dashboard:
        text += "\n" + bench_dashboard(dashboard)
    return text


def merge_rounds(rows: list[dict]) -> dict:
    """One backend's rounds as one row: best pass, median of all passes, worst load/peak."""
    ok = [r for r in rows if "error" not in r]
    if not ok:
        return rows[0]
    runs = sorted(v for r in ok for v in r.get("runs", [r["para_per_s"]]))
    merged = {**ok[0], **{k: v for r in ok for k, v in r.items() if k.startswith("para_per_s_")}}
    merged.update(
        para_per_s=max(runs),
        para_per_s_median=runs[len(runs) // 2],
        load_s=max(r["load_s"] for r in ok),
        train_s=max((r.get("train_s") or 0 for r in ok), default=0) or None,
        peak_rss_mb=max(r["peak_rss_mb"] for r in ok),
        runs=runs,
    )
    return merged


def round_ratios(per_round: list[dict[str, dict]], model: str, ref: str = "nli-random") -> list:
    """``model``'s best pass over ``ref``'s, within each round (measured minutes apart)."""
    out = []
    for d in per_round:
        a, b = d.get(model, {}), d.get(ref, {})
        if "para_per_s" in a and "para_per_s" in b and b["para_per_s"]:
            out.append(round(a["para_per_s"] / b["para_per_s"], 1))
    return out


def format_bench(rows: list[dict], per_round: list[dict[str, dict]] | None = None) -> str:
    if not rows:
        return "(no classifier backends asked for)"
    ref = next((r["para_per_s"] for r in rows if r.get("model") == "nli-random"), None)
    lines = [f"{'backend':<14}{'para/s':>9}{'median':>9}{'vs NLI':>8}{'load s':>8}{'peak MB':>9}"
             f"{'train s':>9}"]  # fmt: skip
    for r in rows:
        if "error" in r:
            lines.append(f"{r['model']:<14} failed: {r['error']}")
            continue
        ratio = f"{r['para_per_s'] / ref:.1f}x" if ref else "-"
        lines.append(
            f"{r['model']:<14}{r['para_per_s']:>9}{r['para_per_s_median']:>9}{ratio:>8}"
            f"{r['load_s']:>8}{r['peak_rss_mb']:>9}{r.get('train_s') or '-':>9}"
        )
        extra = {k: v for k, v in r.items() if k.startswith("para_per_s_") and k[11:].isdigit()}
        for k, v in extra.items():
            lines.append(f"{'':<14}{v:>9} para/s on {k[11:]} generated paragraphs")
        ratios = round_ratios(per_round or [], r["model"]) if r["model"] != "nli-random" else []
        if len(ratios) > 1:
            lines.append(f"{'':<14}vs NLI per round: {', '.join(f'{x}x' for x in ratios)}")
    if rows:
        n = next((r["paragraphs"] for r in rows if "paragraphs" in r), "?")
        lines.append(f"({n} content paragraphs of the seeds; best of the passes, after a warm-up;"
                     f" {len(per_round or [1])} rounds; train s: the default scheme's head,"
                     " every example encoded)")  # fmt: skip
    return "\n".join(lines)


def _peak_of(argv: list[str]) -> int:
    """Run a stancemap command in this process, then print its peak RSS as the last line."""
    from models.cli import main

    rc = main(argv)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # joined at close
    print(json.dumps({"peak_rss_mb": round(peak, 1), "worker_peak_rss_mb": round(workers, 1)}))
    return rc


if __name__ == "__main__" and sys.argv[1:2] == ["--peak"]:
    sys.exit(_peak_of(sys.argv[2:]))
elif __name__ == "__main__":
    from models.encoder import ModelLoadError

    model, repeat, scale, *paths = sys.argv[1:]
    try:
        print(json.dumps(_one(model, paths or ["seeds"], int(repeat), int(scale))))
    except (ModelLoadError, ValueError, OSError) as exc:  # the parent reports the message
        sys.exit(f"Error: {exc}")
