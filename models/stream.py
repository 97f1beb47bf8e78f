"""Streaming analysis: a corpus of any size to a table file in bounded memory.

Documents are read one at a time, analysed in chunks of about ``CHUNK`` content paragraphs, and
each chunk is appended to the output (a Parquet row group, or CSV/JSONL lines) before the next is
read. Every chunk's results land in the on-disk cache as soon as it is done, so a run that is
interrupted and started again redoes no finished chunk: it reads them back from the cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import pandas as pd

from models.corpus import iter_documents
from models.records import Document, ReadProblem
from models.table import FORMATS


class TableWriter:
    """Appends table chunks to one file; the file appears (atomically renamed) on close."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.suffix not in FORMATS:
            raise ValueError(f"unknown output format {self.path.suffix!r}: use one of {FORMATS}")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._tmp = self.path.with_name(f".{self.path.name}.partial")
        self._parquet = None
        self._schema = None
        self.rows = 0
        self._tmp.unlink(missing_ok=True)

    def write(self, chunk: pd.DataFrame) -> None:
        if self.path.suffix == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            if self._schema is None:
                self._schema = pa.Schema.from_pandas(chunk, preserve_index=False)
                self._parquet = pq.ParquetWriter(self._tmp, self._schema)
            table = pa.Table.from_pandas(chunk, schema=self._schema, preserve_index=False)
            self._parquet.write_table(table)
        elif self.path.suffix == ".csv":
            chunk.to_csv(self._tmp, mode="a", header=self.rows == 0, index=False)
        else:
            with open(self._tmp, "a", encoding="utf-8") as fh:
                chunk.to_json(fh, orient="records", lines=True, force_ascii=False)
                if len(chunk):
                    fh.write("\n")
        self.rows += len(chunk)

    def close(self) -> Path:
        if self._parquet is not None:
            self._parquet.close()
        if not self._tmp.exists():
            self._tmp.touch()
        self._tmp.replace(self.path)
        return self.path

    def abort(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        self._tmp.unlink(missing_ok=True)


def split_problems(
    items: Iterable[Document | ReadProblem], problems: list[ReadProblem]
) -> Iterator[Document]:
    """Pass documents on; collect problems into ``problems`` as they stream by."""
    for item in items:
        if isinstance(item, ReadProblem):
            problems.append(item)
        else:
            yield item


def analyze_to_file(
    paths: Sequence[str | Path],
    out: str | Path,
    *,
    engine: object,
    progress: Callable[[int, int, str], None] | None = None,
    on_chunk: Callable[[pd.DataFrame], None] | None = None,
) -> tuple[int, list[ReadProblem]]:
    """Stream a corpus through ``engine`` (a ``models.pipeline.Engine``) into ``out``.

    Returns (rows written, problems). Nothing but the current chunk is held in memory.
    """
    from models.pipeline import analyze_documents

    problems: list[ReadProblem] = []
    docs = split_problems(iter_documents([Path(p) for p in paths]), problems)
    writer = TableWriter(out)
    try:
        for chunk in analyze_documents(docs, engine, progress, 0):  # type: ignore[arg-type]
            writer.write(chunk)
            if on_chunk is not None:
                on_chunk(chunk)
    except BaseException:
        writer.abort()
        raise
    writer.close()
    return writer.rows, problems
