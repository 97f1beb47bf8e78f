"""The encoder's arithmetic: chosen by measurement per CPU, forced by a setting, and the same
labels whichever path runs."""

from __future__ import annotations

import json

import pytest

from models import arithmetic
from models.arithmetic import SETTING, Choice, choose
from models.classify import parse_model_spec


@pytest.mark.parametrize(
    ("setting", "path", "model"),
    [
        ("int8", "int8", "minilm"),
        ("fp32", "fp32", "minilm-fp32"),
        ("FP32", "fp32", "minilm-fp32"),
        ("fbgemm", "fbgemm", "minilm-fbgemm"),
    ],
)
def test_the_setting_forces_a_path(monkeypatch, tmp_path, setting, path, model):
    monkeypatch.setenv(SETTING, setting)
    assert choose(tmp_path).path == path
    assert parse_model_spec("minilm").name == model  # the table names the arithmetic used
    assert not (tmp_path / "arithmetic.json").exists()  # nothing measured


def test_a_bad_setting_says_what_to_use(monkeypatch):
    monkeypatch.setenv(SETTING, "int4")
    with pytest.raises(ValueError, match="auto, int8, fbgemm, fp32"):
        choose()


@pytest.mark.parametrize(
    ("int8_s", "fbgemm_s", "fp32_s", "expected"),
    [
        (0.0001, 0.0003, 0.0006, "int8"),  # VNNI / AMX: int8 clearly faster
        (0.064, 0.002, 0.0047, "fbgemm"),  # torch's reference int8 loop (AVX2 only): FBGEMM
        (0.064, 0.0045, 0.0047, "fp32"),  # no int8 path clearly faster: fp32
        (0.0009, 0.0009, 0.001, "fp32"),  # about even: fp32 (no quantisation error for nothing)
        (float("inf"), float("inf"), 0.001, "fp32"),  # no int8 product at all
    ],
)
def test_measured_once_then_cached(monkeypatch, tmp_path, int8_s, fbgemm_s, fp32_s, expected):
    monkeypatch.delenv(SETTING, raising=False)
    calls = []
    times = {"int8": int8_s, "fbgemm": fbgemm_s, "fp32": fp32_s}
    monkeypatch.setattr(arithmetic, "measure", lambda: calls.append(1) or times)
    first = choose(tmp_path)
    again = choose(tmp_path)
    assert first == again and first.path == expected and "measured" in first.reason
    assert len(calls) == 1  # the second answer came from <cache>/arithmetic.json
    record = json.loads((tmp_path / "arithmetic.json").read_text())
    assert [v["path"] for v in record.values()] == [expected]


def test_a_damaged_record_is_measured_again(monkeypatch, tmp_path):
    monkeypatch.delenv(SETTING, raising=False)
    (tmp_path / "arithmetic.json").write_text("{not json")
    monkeypatch.setattr(arithmetic, "measure", lambda: {"int8": 1.0, "fbgemm": 1.0, "fp32": 0.5})
    assert choose(tmp_path).path == "fp32"


def test_cpu_features_name_the_flags_that_matter():
    name, flags = arithmetic.cpu_features()
    assert name
    assert set(flags) <= set(arithmetic.FLAGS)
    assert Choice("int8", "why", name, flags).describe().startswith("int8 (why); CPU: ")


@pytest.mark.slow
def test_the_real_measurement_times_every_path():
    times = arithmetic.measure(repeats=1)
    assert set(times) == set(arithmetic.PATHS)
    assert all(t > 0 for t in times.values())


@pytest.mark.slow
def test_every_path_gives_the_same_labels_on_the_seeds(scheme, seeds_dir, encoder):
    """Each path trains its own head on its own embeddings; on the seeds any two paths agree on
    all but at most four of the 119 paragraphs (README: how many differ today, 1 to 4)."""
    from itertools import combinations

    from models.bench import seed_paragraphs
    from models.encoder import Encoder
    from models.learned import LearnedClassifier, scheme_examples, train_head

    times = arithmetic.measure(repeats=3)  # a path 3x slower than fp32 here would take minutes
    paths = [p for p in arithmetic.PATHS if times[p] <= 3 * times["fp32"]]
    if len(paths) < 2:
        pytest.skip(f"one fast path on this CPU: {arithmetic.per_path(times)}")
    texts = seed_paragraphs([str(seeds_dir)])
    labels = {}
    for path in paths:
        enc = encoder if encoder.arithmetic == path else Encoder.load(arithmetic=path)
        head = train_head(scheme_examples(scheme), enc.encode)
        clf = LearnedClassifier(scheme, enc.encode, head)
        labels[path] = [r.stance for r in clf.classify(texts)]
    assert len(texts) > 100
    for a, b in combinations(paths, 2):
        pairs = zip(texts, labels[a], labels[b], strict=True)
        differ = [t[:60] for t, x, y in pairs if x != y]
        assert len(differ) <= 4, (a, b, differ)


def test_known_never_measures(monkeypatch, tmp_path):
    monkeypatch.delenv(SETTING, raising=False)
    monkeypatch.setattr(arithmetic, "measure", lambda: pytest.fail("measured"))
    assert arithmetic.known(tmp_path) is None  # nothing measured yet on this CPU
    monkeypatch.setenv(SETTING, "fp32")
    assert arithmetic.known(tmp_path).path == "fp32"
    monkeypatch.delenv(SETTING)
    monkeypatch.setattr(arithmetic, "measure", lambda: {"int8": 1.0, "fbgemm": 0.2, "fp32": 0.5})
    assert choose(tmp_path).path == "fbgemm"
    assert arithmetic.known(tmp_path) == choose(tmp_path)
