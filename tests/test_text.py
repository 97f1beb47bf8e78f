"""Sentence splitting and quote spans (pure, no model)."""

from __future__ import annotations

import pytest

from models.quotes import quotes_of
from models.text import MAX_UNIT_CHARS, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two.", ["One.", "Two."]),
        ("Mr. Xi met Dr. Smith. Then he left.", ["Mr. Xi met Dr. Smith.", "Then he left."]),
        ("The U.S. Army moved. It won.", ["The U.S. Army moved.", "It won."]),
        ('"We want peace." She left.', ['"We want peace."', "She left."]),
        ("“Is it over?” he asked. “No.”", ["“Is it over?” he asked.", "“No.”"]),
        ("costs rose 3.5 percent. Then fell.", ["costs rose 3.5 percent.", "Then fell."]),
        ("no terminal punctuation", ["no terminal punctuation"]),
        ("", []),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_overlong_sentence_is_cut_into_bounded_units():
    text = ", ".join(["word " * 8] * 200)
    units = split_sentences(text)
    assert len(units) > 1
    assert all(len(u) <= MAX_UNIT_CHARS + 1 for u in units)
    assert "".join(units).replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“We want peace,” she said.", ["We want peace"]),
        ('He said "stop it now" and "go home".', ["stop it now", "go home"]),
        ("No quotes here.", []),
        ("“A quote that runs on to the end", ["A quote that runs on to the end"]),
    ],
)
def test_quotes_of(text, expected):
    assert quotes_of(text) == expected
