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
        ({"name": "s", "labels": [{"name": "a"}]}, "prototypes or a hypothesis"),
        ({"name": "s", "labels": [{"name": "a", "prototypes": "x"}]}, "list of strings"),
        ({**MINIMAL, "thresholds": {"abstain": "high"}}, "numbers"),
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
