"""Server-side dashboard timings at scale: ``python -m dashboard.scale_bench [N ...]``.

For each N (default 1,000, 20,000 and 100,000) a table of N paragraphs is made by replicating
the analysed seed table (each copy its own documents and outlets), written to Parquet and opened
through ``STANCEMAP_TABLE`` in Streamlit's AppTest, which runs the real app script in-process.
Timed: the first run (load + render), a filter change, a chart click (a selection in the URL),
and the reader page. ``stancemap bench --dashboard`` runs this module.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

APP = str(Path(__file__).resolve().parent / "app.py")
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SIZES = (1_000, 20_000, 100_000)


def scaled_table(seed: pd.DataFrame, n: int) -> pd.DataFrame:
    """``n`` rows: copies of the seed rows, copy k with its own doc names and 20 outlets."""
    reps = -(-n // len(seed))
    parts = []
    for k in range(reps):
        part = seed.copy()
        part["doc"] = part["doc"] + f"#{k}"
        part["source"] = part["source"] + f" {k % 20}"
        parts.append(part)
    return pd.concat(parts, ignore_index=True).iloc[:n]


def _timed(at, **params) -> float:
    for key, value in params.items():
        at.query_params[key] = value
    t = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - t
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return round(elapsed * 1000)


def measure(table_path: Path) -> dict[str, int]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=600)
    first = _timed(at)
    warm = _timed(at)  # a plain rerun: what every interaction pays at least
    sources = sorted(pd.read_parquet(table_path, columns=["source"])["source"].unique())
    at.sidebar.multiselect(key="source").set_value(sources[:3])
    filt = _timed(at)
    click = _timed(at, sel_by="source", sel=sources[0], sel_stance="none")
    at.switch_page("views/reader.py")
    reader = _timed(at)
    return {"first_ms": first, "rerun_ms": warm, "filter_ms": filt, "click_ms": click,
            "reader_ms": reader}  # fmt: skip


def main(sizes: list[int]) -> list[dict[str, int]]:
    from models.pipeline import analyze

    seed = analyze([SEEDS]).table
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["STANCEMAP_WORKSPACE"] = str(Path(tmp) / "workspace")
        for n in sizes:
            path = Path(tmp) / f"table-{n}.parquet"
            scaled_table(seed, n).to_parquet(path, index=False)
            os.environ["STANCEMAP_TABLE"] = str(path)
            out.append({"paragraphs": n, **measure(path)})
            print(json.dumps(out[-1]), flush=True)
    return out


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or list(SIZES))
