"""dashboard.textfmt and dashboard.components: untrusted text is escaped, never markup."""

from __future__ import annotations

import string

import pytest

from dashboard.components import stance_css
from dashboard.textfmt import escape_md, highlight, speaker_needles


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[x](javascript:alert(1))",
        "![img](http://evil.example/x.png)",
        ":red[x]",
        "$x^2$ and **bold** and `code` and <b>html</b>",
        "# heading\n- list",
    ],
)
def test_escape_md_leaves_no_markup(text: str) -> None:
    out = escape_md(text)
    # Every ASCII punctuation character is backslash-escaped, so nothing is markup any more.
    i = 0
    while i < len(out):
        if out[i] == "\\":
            assert out[i + 1] in string.punctuation
            i += 2
            continue
        assert out[i] not in string.punctuation, (text, out, i)
        i += 1


@pytest.mark.parametrize(
    ("text", "quote", "actor", "marked"),
    [
        (
            'Xi said "we want peace" today.',
            "we want peace",
            "Xi Jinping",
            [':orange-background[\\"we want peace\\"]', "**Xi**"],
        ),
        ("Wang Yi spoke; Wang agreed.", "", "Wang Yi", ["**Wang Yi**"]),
        ("Nobody is named here.", "", "Joe Biden", []),
        (
            'He said "<script>x</script>".',
            "<script>x</script>",
            "",
            [':orange-background[\\"\\<script\\>x\\<\\/script\\>\\"]'],
        ),
        (  # the quotation marks and the comma inside them join the span: no gap around them
            '"On top of this, more action," he added.',
            "On top of this, more action",
            "",
            [':orange-background[\\"On top of this\\, more action\\,\\"] he added'],
        ),
        (
            "Quote one. Quote two.",
            "Quote one … Quote two",
            "",
            [":orange-background[Quote one]", ":orange-background[Quote two]"],
        ),
    ],
)
def test_highlight(text: str, quote: str, actor: str, marked: list[str]) -> None:
    out = highlight(text, quote=quote, actor=actor)
    for m in marked:
        assert m in out
    if not marked:
        assert out == escape_md(text)


def test_speaker_needles() -> None:
    assert speaker_needles("Xi Jinping") == ["Xi Jinping", "Jinping", "Xi"]
    assert speaker_needles("") == []


def test_stance_css_only_takes_valid_colours_and_names() -> None:
    css = stance_css({"ok": "#123456", "bad}": "#000000", "evil": "red;}</style><script>"})
    assert "st-key-stance-ok-" in css and "#123456" in css
    assert "bad}" not in css and "<script>" not in css
