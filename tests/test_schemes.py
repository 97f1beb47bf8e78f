"""Stance schemes are data: loading, validation, and user schemes."""

from __future__ import annotations

import pytest

from models.schemes import SchemeError, load_scheme, parse_scheme

MINIMAL = {"name": "s", "labels": [{"name": "pro", "prototypes": ["I support it."]}]}


def test_default_scheme_has_the_four_labels(scheme):
    assert scheme.label_names == ("us_critical", "china_neutral", "russia_aligned", "none")
    assert scheme.abstain.name == "none"
    assert all(c.startswith("#") for c in scheme.colors.values())
    assert len(set(scheme.colors.values())) == 4
    assert all(lb.prototypes and lb.hypothesis and lb.description for lb in scheme.labels)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "`name`"),
        ({"name": "s"}, "[[labels]]"),
        ({"name": "s", "labels": [{"name": "none"}]}, "besides"),
        ({"name": "s", "labels": [{"name": "a b", "prototypes": ["x"]}]}, "letters"),
        ({"name": "s", "labels": [{"name": "a", "prototypes": ["x"]}] * 2}, "twice"),
        ({"name": "s", "labels": [{"name": "a"}]}, "a description, a hypothesis or examples"),
        ({"name": "s", "labels": [{"name": "a", "prototypes": "x"}]}, "list of strings"),
        ({**MINIMAL, "thresholds": {"abstain": "high"}}, "numbers"),
        ({**MINIMAL, "thresholds": {"big": {"pro": "high"}}}, "[thresholds.big]: values must"),
        ({**MINIMAL, "thresholds": {"big": {"temperature": True}}}, "temperature"),
        ({**MINIMAL, "thresholds": {"big": {"pr": 0.4}}}, "unknown keys ['pr']"),  # a typo
        ({**MINIMAL, "thresholds": {"big": {"none": 0.4}}}, "unknown keys ['none']"),
        ({**MINIMAL, "hypothesis_template": "no slot"}, "{}"),
        (
            {"name": "s", "labels": [{"name": "a", "prototypes": ["x"], "threshold": "hi"}]},
            "threshold",
        ),
    ],
)
def test_invalid_schemes_say_what_to_fix(data, message):
    with pytest.raises(SchemeError, match=message.replace("[", r"\[").replace("{", r"\{")):
        parse_scheme(data)


def test_user_scheme_file_gets_defaults(tmp_path):
    path = tmp_path / "energy.toml"
    path.write_text(
        'name = "energy"\n[[labels]]\nname = "pro_nuclear"\n'
        'prototypes = ["Nuclear power is safe."]\n'
        '[[labels]]\nname = "anti_nuclear"\nprototypes = ["Nuclear power is dangerous."]\n'
        "threshold = 0.7\n",
        encoding="utf-8",
    )
    s = load_scheme(path)
    assert s.label_names == ("pro_nuclear", "anti_nuclear", "none")
    assert s.threshold("anti_nuclear") == 0.7
    assert s.threshold("pro_nuclear") == s.thresholds.abstain
    assert s.colors["none"] and s.colors["pro_nuclear"] != s.colors["anti_nuclear"]


@pytest.mark.parametrize("content", ["name = ", "\x00\x01", "[[labels]\n"])
def test_broken_toml_is_a_scheme_error(tmp_path, content):
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SchemeError, match=r"bad\.toml"):
        load_scheme(path)


def test_missing_scheme_file(tmp_path):
    with pytest.raises(SchemeError, match="not found"):
        load_scheme(tmp_path / "nope.toml")


def test_fingerprint_changes_only_with_classifier_inputs(scheme):
    from dataclasses import replace

    recoloured = replace(
        scheme, labels=(replace(scheme.labels[0], color="#000000"), *scheme.labels[1:])
    )
    assert recoloured.fingerprint == scheme.fingerprint
    reworded = replace(
        scheme, labels=(replace(scheme.labels[0], prototypes=("x",)), *scheme.labels[1:])
    )
    assert reworded.fingerprint != scheme.fingerprint
    assert reworded.label_fingerprint("china_neutral") == scheme.label_fingerprint("china_neutral")


PER_MODEL = {
    "name": "s",
    "labels": [{"name": "pro", "prototypes": ["I support it."], "threshold": 0.6},
               {"name": "anti", "prototypes": ["I oppose it."]}],
    "thresholds": {"abstain": 0.5, "temperature": 0.05, "top_k": 2,
                   "big": {"pro": 0.4, "temperature": 0.08, "target_miss_paragraph": 0.3,
                           "quote_units": 0}},
}  # fmt: skip


@pytest.mark.parametrize(
    ("model", "pro", "anti", "temperature", "params"),
    [
        ("minilm", 0.6, 0.5, 0.05, {"top_k": 2.0}),  # no table of its own: the general values
        ("big", 0.4, 0.5, 0.08, {"top_k": 2.0, "target_miss_paragraph": 0.3, "quote_units": 0}),
        (
            "big-fp32",
            0.4,
            0.5,
            0.08,
            {"top_k": 2.0, "target_miss_paragraph": 0.3, "quote_units": 0},
        ),
        ("bigger", 0.6, 0.5, 0.05, {"top_k": 2.0}),
    ],
)
def test_a_model_classifies_with_its_own_thresholds(model, pro, anti, temperature, params):
    s = parse_scheme(PER_MODEL).for_model(model)
    assert (s.threshold("pro"), s.threshold("anti")) == (pro, anti)
    assert s.thresholds.temperature == temperature
    assert s.thresholds.params == params
    assert s.for_model(model) == s  # applying it twice changes nothing


def test_a_model_table_changes_that_models_fingerprint_only():
    base = parse_scheme(PER_MODEL)
    changed = parse_scheme(
        {**PER_MODEL, "thresholds": {**PER_MODEL["thresholds"], "big": {"pro": 0.7}}}
    )
    assert changed.for_model("big").fingerprint != base.for_model("big").fingerprint
    assert changed.for_model("minilm").fingerprint == base.for_model("minilm").fingerprint
    assert changed.fingerprint != base.fingerprint  # the file as a whole did change
    plain = parse_scheme({**PER_MODEL, "thresholds": {"abstain": 0.5, "temperature": 0.05,
                                                      "top_k": 2}})  # fmt: skip
    assert base.for_model("minilm").fingerprint == plain.fingerprint  # no table, as before


def test_the_default_scheme_has_mpnet_thresholds(scheme):
    from models.pipeline import Engine, Settings

    assert scheme.for_model("mpnet") != scheme
    engine = Engine(Settings(scheme, "mpnet"), cache=None)  # type: ignore[arg-type]
    assert engine.settings.scheme == scheme.for_model("mpnet")  # no model is loaded for this
    plain = Engine(Settings(scheme, "minilm"), cache=None).settings.scheme  # type: ignore[arg-type]
    assert plain.labels == scheme.labels and plain.thresholds == scheme.thresholds
