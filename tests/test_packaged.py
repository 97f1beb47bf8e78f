"""Packaged encoders (models.packaged): a model zip split over PyPI packages, read as one."""

from __future__ import annotations

import io
import itertools
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from models import packaged
from models.encoder import ModelLoadError
from models.packaged import JoinedParts, SplitModel, extract_split_zip, install_folder

FILES = {
    "m/config.json": b'{"model_type": "bert"}',
    "m/sub/weights.bin": os.urandom(50_000),
    "m/desktop.ini": b"[.ShellClassInfo]",  # Windows leftovers are not extracted
    "other/readme.txt": b"not the model's folder",
}


def split_zip(tmp_path: Path, cuts: list[int]) -> list[Path]:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in FILES.items():
            zf.writestr(name, data)
    blob = buf.getvalue()
    bounds = [0, *cuts, len(blob)]
    parts = []
    for i, (a, b) in enumerate(itertools.pairwise(bounds)):
        parts.append(tmp_path / f"m.zip.{i + 1:03d}")
        parts[-1].write_bytes(blob[a:b])
    return parts


@pytest.mark.parametrize("cuts", [[], [1], [7, 20_000], [10_000, 10_001, 30_000]])
def test_parts_read_as_one_file(tmp_path, cuts):
    parts = split_zip(tmp_path, cuts)
    whole = b"".join(p.read_bytes() for p in parts)
    with JoinedParts(parts) as joined:
        assert joined.read() == whole
        for offset, size in [(0, 5), (len(whole) - 3, 10), (9_995, 20), (len(whole) + 5, 4)]:
            joined.seek(offset)
            assert joined.read(size) == whole[offset : offset + size]
        joined.seek(-4, io.SEEK_END)
        assert joined.read() == whole[-4:]
        with pytest.raises(ValueError, match="whence"):
            joined.seek(0, 7)


@pytest.mark.parametrize("cuts", [[], [5_000, 40_000]])
def test_extract_takes_the_model_folder_only(tmp_path, cuts):
    dest = extract_split_zip(split_zip(tmp_path, cuts), "m", tmp_path / "out" / "m")
    got = {str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file()}
    assert got == {"config.json", "sub/weights.bin"}
    assert (dest / "sub" / "weights.bin").read_bytes() == FILES["m/sub/weights.bin"]
    assert dest.stat().st_mode & 0o777 == 0o755
    assert [p.name for p in dest.parent.iterdir()] == ["m"]  # no temporary folder left


def test_a_damaged_part_is_a_clear_error_and_leaves_nothing(tmp_path):
    parts = split_zip(tmp_path, [20_000, 40_000])
    data = bytearray(parts[1].read_bytes())
    data[100:200] = bytes(100)  # inside the weights' compressed bytes
    parts[1].write_bytes(bytes(data))
    with pytest.raises(ValueError, match="cannot extract m"):
        extract_split_zip(parts, "m", tmp_path / "out" / "m")
    assert list((tmp_path / "out").iterdir()) == []


def test_what_a_killed_extraction_left_is_replaced(tmp_path):
    dest = tmp_path / "models" / "m-1.0"
    (dest / "sub").mkdir(parents=True)  # incomplete: no config.json
    (dest / "sub" / "weights.bin").write_bytes(b"half")
    (tmp_path / "models" / ".m-1.0-abc123").mkdir()  # a temporary folder of a killed run
    install_folder(split_zip(tmp_path, [30_000]), "m", dest)
    assert (dest / "sub" / "weights.bin").read_bytes() == FILES["m/sub/weights.bin"]
    assert sorted(p.name for p in dest.parent.iterdir()) == [".m-1.0.lock", "m-1.0"]
    stamp = (dest / "config.json").stat().st_mtime_ns
    install_folder([], "m", dest)  # complete: kept as it is, the parts are not read
    assert (dest / "config.json").stat().st_mtime_ns == stamp


def test_a_missing_package_names_the_extra(monkeypatch, tmp_path):
    fake = SplitModel("thing", ("stancemap-no-such-part-001",), "thing")
    monkeypatch.setitem(packaged.PACKAGED, "thing", fake)
    with pytest.raises(ModelLoadError, match=r"pip install 'stancemap\[thing\]'"):
        packaged.packaged_path("thing", tmp_path)
    assert not packaged.is_installed(fake)


@pytest.mark.slow
@pytest.mark.skipif(not packaged.is_installed(packaged.MPNET), reason="stancemap[mpnet] absent")
def test_real_mpnet_extracts_once_and_embeds(tmp_path):
    from models.encoder import Encoder

    enc = Encoder.load("mpnet", cache_dir=tmp_path)
    from importlib.metadata import version

    stamp = version(packaged.MPNET.distributions[0])
    folder = tmp_path / "models" / f"all-mpnet-base-v2-{stamp}"
    assert (folder / "model.safetensors").is_file() and enc.name == "mpnet-int8"
    mtime = (folder / "model.safetensors").stat().st_mtime_ns
    vecs = enc.encode(
        ["Beijing called for talks.", "Washington is to blame.", "Beijing urged talks."]
    )
    assert vecs.shape == (3, 768)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert vecs[0] @ vecs[2] > vecs[0] @ vecs[1]  # a paraphrase is closer than another claim
    assert packaged.packaged_path("mpnet", tmp_path) == folder  # reused, not extracted again
    assert (folder / "model.safetensors").stat().st_mtime_ns == mtime
