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
    [("int8", "int8", "minilm"), ("fp32", "fp32", "minilm-fp32"), ("FP32", "fp32", "minilm-fp32")],
)
def test_the_setting_forces_a_path(monkeypatch, tmp_path, setting, path, model):
    monkeypatch.setenv(SETTING, setting)
    assert choose(tmp_path).path == path
    assert parse_model_spec("minilm").name == model  # the table names the arithmetic used
    assert not (tmp_path / "arithmetic.json").exists()  # nothing measured


def test_a_bad_setting_says_what_to_use(monkeypatch):
    monkeypatch.setenv(SETTING, "int4")
    with pytest.raises(ValueError, match="auto, int8 or fp32"):
        choose()


@pytest.mark.parametrize(
    ("int8_s", "fp32_s", "expected"),
    [
        (0.0001, 0.0006, "int8"),  # VNNI / AMX: int8 clearly faster
        (0.064, 0.0047, "fp32"),  # torch's reference int8 loop (AVX2 only): fp32
        (0.0009, 0.001, "fp32"),  # about even: fp32 (no quantisation error for nothing)
        (float("inf"), 0.001, "fp32"),  # no int8 product at all
    ],
)
def test_measured_once_then_cached(monkeypatch, tmp_path, int8_s, fp32_s, expected):
    monkeypatch.delenv(SETTING, raising=False)
    calls = []
    monkeypatch.setattr(arithmetic, "measure", lambda: calls.append(1) or (int8_s, fp32_s))
    first = choose(tmp_path)
    again = choose(tmp_path)
    assert first == again and first.path == expected and "measured" in first.reason
    assert len(calls) == 1  # the second answer came from <cache>/arithmetic.json
    record = json.loads((tmp_path / "arithmetic.json").read_text())
    assert [v["path"] for v in record.values()] == [expected]


def test_a_damaged_record_is_measured_again(monkeypatch, tmp_path):
    monkeypatch.delenv(SETTING, raising=False)
    (tmp_path / "arithmetic.json").write_text("{not json")
    monkeypatch.setattr(arithmetic, "measure", lambda: (1.0, 0.5))
    assert choose(tmp_path).path == "fp32"


def test_cpu_features_name_the_flags_that_matter():
    name, flags = arithmetic.cpu_features()
    assert name
    assert set(flags) <= set(arithmetic.FLAGS)
    assert Choice("int8", "why", name, flags).describe().startswith("int8 (why); CPU: ")


@pytest.mark.slow
def test_the_real_measurement_returns_two_times():
    t_int8, t_fp32 = arithmetic.measure(repeats=1)
    assert t_fp32 > 0 and t_int8 > 0


@pytest.mark.slow
def test_int8_and_fp32_give_the_same_labels_on_the_seeds(scheme, seeds_dir, encoder):
    """Each path trains its own head on its own embeddings; on the seeds they agree on all but
    at most two paragraphs (README: the one that differs today)."""
    from models.bench import seed_paragraphs
    from models.encoder import Encoder
    from models.learned import LearnedClassifier, scheme_examples, train_head

    texts = seed_paragraphs([str(seeds_dir)])
    labels = []
    for enc in (encoder, Encoder.load(quantize=False)):
        head = train_head(scheme_examples(scheme), enc.encode)
        labels.append(
            [r.stance for r in LearnedClassifier(scheme, enc.encode, head).classify(texts)]
        )
    differ = [t[:60] for t, a, b in zip(texts, *labels, strict=True) if a != b]
    assert len(texts) > 100
    assert len(differ) <= 2, differ
