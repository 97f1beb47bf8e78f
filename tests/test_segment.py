"""Paragraph segmentation and furniture detection (pure text rules, no models)."""

from __future__ import annotations

import time

import pytest

from models.records import Document
from models.segment import classify_block, load_furniture, segment_document, split_long

BODY = "Officials met on Tuesday to discuss the trade dispute, according to two people present."


def kinds(text: str, **meta: str) -> list[tuple[str, str]]:
    return [(p.kind, p.text) for p in segment_document(Document("t.txt", text, **meta))]


@pytest.mark.parametrize(
    "text",
    [
        # photo captions and credits
        "Maria Lopez / Reuters",
        "Tom Brennan/Bloomberg",
        "Dock workers unload containers on May 2, 2023.PETER DEJONG/AFP via Getty Images",
        "A farmer inspects his crop near Lyon, France. (Photo by Anne Marie/Getty Images)",
        "Photo illustration: a stack of coins and a flag",
        "Two leaders have grown close, trading visits and medals. Photo illustration: Ana Ruiz",
        "Getty Images",
        "The minister (L) greets her counterpart (R) before talks in Oslo.",
        # keyword lines
        "Trade, Tariffs, European Union, Steel, 2023",
        "Oslo, Norway, protest, climate, energy, summit",
        # ads
        "Advertisement",
        "Story continues below advertisement",
        "Sponsored",
        "ADVERTISEMENT",
        # comment prompts
        "Share your thoughts",
        "Join the conversation below.",
        "Will the plan work? Why or why not? Join the conversation below.",
        "Leave a Reply",
        "Your email address will not be published.",
        # copyright lines
        "Copyright © 2023 Example Media Group. All rights reserved.",
        "© 2021 Some Publisher Ltd",
        # gallery counters
        "1 of 8",
        "Image 3/12",
        # related-story teasers
        "Read more: How the port strike spread",
        "Related: Ten charts that explain the budget",
        "RELATED: Markets slide as rates rise",
        "Click here to get the latest updates",
        "Sign up for our newsletter",
        # share bars, bylines
        "Share this article",
        "Source: National statistics office",
        "By Jane Doe and Rahul Mehta",
    ],
)
def test_furniture_is_boilerplate(text: str) -> None:
    assert classify_block(text) == "boilerplate"


@pytest.mark.parametrize(
    "text",
    [
        "Markets rally as inflation cools",
        "1. The talks came at a critical moment for the alliance",
        "12) What the deal means for farmers",
        "THE LONG ROAD TO A CEASEFIRE",
        "Port cities brace for another strike, while unions push for higher pay",
    ],
)
def test_headings(text: str) -> None:
    assert classify_block(text) == "heading"


@pytest.mark.parametrize(
    "text",
    [
        BODY,
        "Ministers from both countries have grown close in the past decade, trading visits.",
        "The plan, she said, would be ready by June.",
        "1. Ministers will meet in June.",
        "“We will not accept this,” he said.",
        "Critics, including unions, farmers and retailers, say the deal is rushed.",
        "Students, teachers, parents and officials gathered outside the school.",
        "By pursuing a policy of containment, the government has lost influence.",
        "Several companies subscribe to the view that tariffs will fall.",
    ],
)
def test_content_is_not_furniture(text: str) -> None:
    assert classify_block(text) == "content"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # blank-line paragraphs: lines inside a block are joined with a space
        (
            f"Storm hits coast\n\n{BODY}\nIt was the third meeting this year.",
            [
                ("heading", "Storm hits coast"),
                ("content", BODY + " It was the third meeting this year."),
            ],
        ),
        # a story cut short: its unterminated last block is a paragraph, not a heading
        (
            f"Storm hits coast\n\n{BODY}\n\nThe mayor said the harbour would stay closed until the",
            [
                ("heading", "Storm hits coast"),
                ("content", BODY),
                ("content", "The mayor said the harbour would stay closed until the"),
            ],
        ),
        # ... but a short closing line is still a heading (a section head before nothing)
        (
            f"{BODY}\n\nWhat comes next",
            [("content", BODY), ("heading", "What comes next")],
        ),
        # no blank line anywhere: every line is a paragraph
        (
            f"{BODY}\nIt was the third meeting this year.",
            [("content", BODY), ("content", "It was the third meeting this year.")],
        ),
        # a block mixing a keyword line and a credited caption: both furniture
        (
            f"{BODY}\n\nPort, Strike, Rotterdam, 2023\n"
            "Workers walk past cranes on May 2, 2023.PETER DEJONG/AFP/Getty Images\n\n"
            "Talks resume next week.",
            [
                ("content", BODY),
                (
                    "boilerplate",
                    "Port, Strike, Rotterdam, 2023 Workers walk past cranes on May 2, "
                    "2023.PETER DEJONG/AFP/Getty Images",
                ),
                ("content", "Talks resume next week."),
            ],
        ),
        # a block mixing text and a credit line: split per line, the caption goes too
        (
            f"{BODY}\n\nRescue teams search the rubble in the old town.\nAna Silva / Reuters\n\n"
            "Talks resume next week.",
            [
                ("content", BODY),
                ("boilerplate", "Rescue teams search the rubble in the old town."),
                ("boilerplate", "Ana Silva / Reuters"),
                ("content", "Talks resume next week."),
            ],
        ),
        # a paragraph followed by a credit line is a caption
        (
            f"{BODY}\n\nFirefighters put out a blaze at a depot. The city is under curfew.\n\n"
            "Ana Silva / Associated Press\n\n1 of 8\n\nTalks resume next week.",
            [
                ("content", BODY),
                (
                    "boilerplate",
                    "Firefighters put out a blaze at a depot. The city is under curfew.",
                ),
                ("boilerplate", "Ana Silva / Associated Press"),
                ("boilerplate", "1 of 8"),
                ("content", "Talks resume next week."),
            ],
        ),
        # a paragraph broken mid-sentence around a short name fragment is re-joined
        (
            f"{BODY} The minister has formed a close partnership with the French president"
            "\n\nEmmanuel Macron\n\naimed at reshaping the budget talks.\n\nTalks resume.",
            [
                (
                    "content",
                    f"{BODY} The minister has formed a close partnership with the French "
                    "president Emmanuel Macron aimed at reshaping the budget talks.",
                ),
                ("content", "Talks resume."),
            ],
        ),
        # a lower-case continuation joins the paragraph before it
        (
            f"{BODY} Unions said the offer was\nnot enough to end the strike.",
            [("content", f"{BODY} Unions said the offer was not enough to end the strike.")],
        ),
        # exact duplicates (a repeated title, repeated ads) are dropped; the first is kept
        (
            "Port strike spreads\nPort strike spreads\n\nPort strike spreads\n\n"
            f"{BODY}\n\nAdvertisement\n\nTalks resume next week.\n\nAdvertisement",
            [
                ("heading", "Port strike spreads"),
                ("content", BODY),
                ("boilerplate", "Advertisement"),
                ("content", "Talks resume next week."),
            ],
        ),
        # a closing one-sentence question after the story is a standfirst, not content
        (
            f"{BODY}\nIt was the third meeting this year.\nTalks resume next week.\n"
            "The port strike, and did the new offer change anything?",
            [
                ("content", BODY),
                ("content", "It was the third meeting this year."),
                ("content", "Talks resume next week."),
                ("heading", "The port strike, and did the new offer change anything?"),
            ],
        ),
        # ... but a quoted question stays content
        (
            f"{BODY}\nIt was the third meeting this year.\nTalks resume next week.\n"
            "“Who will pay for this?” she asked.",
            [
                ("content", BODY),
                ("content", "It was the third meeting this year."),
                ("content", "Talks resume next week."),
                ("content", "“Who will pay for this?” she asked."),
            ],
        ),
        # whitespace is normalised, text otherwise kept verbatim
        (
            "  The\u00a0plan   is\tready.  \r\n\r\n“Yes,”  she said.",
            [("content", "The plan is ready."), ("content", "“Yes,” she said.")],
        ),
    ],
)
def test_segment_document(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize(
    ("meta", "title"),
    [({}, "Port strike spreads"), ({"title": "Given title"}, "Given title")],
)
def test_title_is_first_heading_unless_given(meta: dict[str, str], title: str) -> None:
    paras = segment_document(Document("t.txt", f"Port strike spreads\n\n{BODY}", **meta))
    assert {p.title for p in paras} == {title}
    assert [p.paragraph for p in paras] == [0, 1]


def test_metadata_is_carried() -> None:
    doc = Document("t.txt", BODY, source="Daily", date="2023-05-02")
    (p,) = segment_document(doc)
    assert (p.doc, p.source, p.date, p.kind) == ("t.txt", "Daily", "2023-05-02", "content")


@pytest.mark.parametrize("sentence", ["Talks went on late into the night. ", "word " * 20])
def test_long_paragraph_is_split_linearly(sentence: str) -> None:
    text = sentence * (200_000 // len(sentence))  # one 200 kB line without breaks
    start = time.perf_counter()
    paras = segment_document(Document("big.txt", text))
    assert time.perf_counter() - start < 2.0
    limit = load_furniture().limits["max_paragraph_chars"]
    assert all(p.kind == "content" and len(p.text) <= limit for p in paras)
    assert " ".join(p.text for p in paras).split() == text.split()  # nothing lost


@pytest.mark.parametrize(
    ("text", "limit", "pieces"),
    [
        ("One. Two. Three.", 100, ["One. Two. Three."]),
        ("Aaaa bbb. Cccc ddd. Eeee fff.", 12, ["Aaaa bbb.", "Cccc ddd.", "Eeee fff."]),
        ("x" * 25, 10, ["x" * 10, "x" * 10, "x" * 5]),
    ],
)
def test_split_long(text: str, limit: int, pieces: list[str]) -> None:
    assert split_long(text, limit) == pieces
