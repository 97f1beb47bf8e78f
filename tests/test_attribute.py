"""Speaker attribution with the real spaCy model (fixture ``nlp`` from conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from models.attribute import (
    CONTINUED,
    actor_summary,
    attribute_document,
    attribute_documents,
)
from models.quotes import quote_spans
from models.records import Attribution
from models.registry import (
    Actor,
    Registry,
    affiliation_of,
    build_registry,
    load_registry,
    merge_registries,
    save_registry,
)

# One paragraph each: (text, actor, kind, cue). New sentences, none taken from the seeds.
SINGLE = [
    (  # direct quote, reporting verb after, appositive role
        '"We will not back down," Maria Lopez, a trade analyst at the Atlas Institute, said.',
        "Maria Lopez",
        "person",
        "said",
    ),
    (  # direct quote, inverted verb before the speaker
        "“Prices will keep rising,” said Tomas Berg, a professor at Lund University.",
        "Tomas Berg",
        "person",
        "said",
    ),
    (  # a quote running over two sentences
        '"The talks failed. Nobody wanted a deal," Karen Odell told reporters.',
        "Karen Odell",
        "person",
        "told",
    ),
    (  # indirect speech with "that"
        "Senator Paul Hanks said that the bill would pass next week.",
        "Paul Hanks",
        "person",
        "said",
    ),
    (  # "X told <outlet>": the outlet stays in the cue
        '"It is a reckless plan," Ivan Petrov told Bloomberg.',
        "Ivan Petrov",
        "person",
        "told Bloomberg",
    ),
    (  # rewritten text: "informed" for told
        '"The deal is dead," Lena Park informed Reuters on Monday.',
        "Lena Park",
        "person",
        "informed Reuters",
    ),
    (  # a title before the name, "tweeted"
        '"Shame on them," Interior Ministry spokeswoman Ana Ruiz tweeted.',
        "Ana Ruiz",
        "person",
        "tweeted",
    ),
    (  # "according to" an organisation
        "The factory will close in May, according to the Labour Ministry.",
        "Labour Ministry",
        "organization",
        "according to",
    ),
    (  # an anonymous group
        "Western diplomats said the embargo would be lifted within weeks.",
        "Western diplomats",
        "group",
        "said",
    ),
    (  # an institution speaking
        "The Defense Ministry said in a statement that it had rejected the report.",
        "Defense Ministry",
        "organization",
        "said",
    ),
    (  # a document speaking for its author
        'A statement released by the Kremlin said the talks had been "constructive."',
        "Kremlin",
        "organization",
        "said",
    ),
    (  # narration that merely mentions people
        "The two presidents met in Geneva for three hours on Tuesday.",
        "",
        "narrator",
        "",
    ),
    (  # a reporting verb in a subordinate clause is background, not the claim
        "While officials have denied the reports, the markets fell sharply on Friday.",
        "",
        "narrator",
        "",
    ),
    (  # "vow" with a plain object is an event, not speech
        "The two leaders vowed closer cooperation in trade and energy.",
        "",
        "narrator",
        "",
    ),
]


@pytest.mark.parametrize(("text", "actor", "kind", "cue"), SINGLE)
def test_single_paragraph(nlp, text: str, actor: str, kind: str, cue: str) -> None:
    [att] = attribute_document([text], nlp)
    assert (att.actor, att.actor_kind, att.cue) == (actor, kind, cue)


# Whole documents: later paragraphs lean on earlier ones (pronouns, surnames, titles).
DOCUMENTS = [
    (  # follow-on paragraphs: pronoun, then a quote-only paragraph
        [
            '"We expect growth," said Omar Haddad, an economist at Cedar Bank.',
            '"Inflation is easing," he added.',
            '"Rates should stay low for a year."',
        ],
        [("Omar Haddad", "said"), ("Omar Haddad", "added"), ("Omar Haddad", CONTINUED)],
    ),
    (  # surname and honorific resolve to the full name met earlier
        [
            "Nkechi Okafor, the finance minister, arrived in Lagos on Sunday.",
            'On Monday, Ms. Okafor said: "We are ready to talk."',
            "Okafor mentioned the budget would be cut.",
        ],
        [("", ""), ("Nkechi Okafor", "said"), ("Nkechi Okafor", "mentioned")],
    ),
    (  # a title alone ("the Brazilian president") resolves to the person so introduced
        [
            "Brazilian President Lucia Ramos met investors in Sao Paulo on Monday.",
            'The Brazilian president warned that "there will be no bailout."',
        ],
        [("", ""), ("Lucia Ramos", "warned")],
    ),
    (  # "X is sure that ..." and a pronoun after narration
        [
            "Peter Lindqvist, a researcher at the Nordic Policy Institute, studies Arctic trade.",
            "But Lindqvist is sure that shipping will double by 2030.",
            "As the ice retreats, he said, insurers will raise their prices.",
        ],
        [("", ""), ("Peter Lindqvist", "is sure"), ("Peter Lindqvist", "said")],
    ),
    (  # machine-translated "famous" for noted; a pronoun for the last person met
        [
            "Laura Kim, an analyst at the Delta Institute, spoke in Oslo.",
            "And with the deadline near, she famous there are few options left.",
        ],
        [("", ""), ("Laura Kim", "famous")],
    ),
    (  # "X was said to have stressed ...": the passive subject is the speaker
        [
            "Deputy Minister Raj Patel met the delegation.",
            "The meeting was brief, and here too Patel was said to have stressed calm.",
        ],
        [("", ""), ("Raj Patel", "said")],
    ),
]


@pytest.mark.parametrize(("texts", "expected"), DOCUMENTS)
def test_document_context(nlp, texts: list[str], expected: list[tuple[str, str]]) -> None:
    atts = attribute_document(texts, nlp)
    assert [(a.actor, a.cue) for a in atts] == expected


def test_roles_quotes_and_sides(nlp) -> None:
    [att] = attribute_document(
        [
            '"Sanctions will not work," said Mei Tan, a senior analyst at the Harbor Institute. '
            '"They never have."'
        ],
        nlp,
    )
    assert att.actor_role == "senior analyst at the Harbor Institute"
    assert att.affiliation == "other"
    assert att.quote == "Sanctions will not work … They never have."


def test_registry_canonicalises_and_supplies_role(nlp) -> None:
    reg = Registry(
        [Actor("Antonia Blanco", ("Toni Blanco",), "Spanish trade minister", "other", "person")]
    )
    atts = attribute_document(
        ['"We will retaliate," Toni Blanco said.', "Blanco said the tariffs were illegal."],
        nlp,
        reg,
    )
    assert [a.actor for a in atts] == ["Antonia Blanco", "Antonia Blanco"]
    assert atts[0].actor_role == "Spanish trade minister"


def test_attribute_documents_batches_like_single(nlp) -> None:
    docs = [[text] for text, *_ in SINGLE[:4]] + [DOCUMENTS[0][0]]
    batched = list(attribute_documents(docs, nlp))
    assert batched == [attribute_document(d, nlp) for d in docs]


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ('"Yes," he said.', ["Yes,"]),
        ("“One.” And “two.”", ["One.", "two."]),
        ('"We agree, he said. "More later."', ["We agree,", "More later."]),
    ],
)
def test_quote_spans(text: str, spans: list[str]) -> None:
    assert [text[a:b] for a, b in quote_spans(text)] == spans


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("Chinese Foreign Ministry spokeswoman", "China"),
        ("White House press secretary", "United States"),
        ("Kremlin spokesman", "Russia"),
        ("China's ambassador to the United States", "China"),
        ("professor at a Moscow university", "other"),
        ("chief executive", "unknown"),
    ],
)
def test_affiliation_of(text: str, side: str) -> None:
    assert affiliation_of(text) == side


ACTORS = [
    Actor("Jane Roe", ("J. Roe",), "trade minister", "United States", "person"),
    Actor("Harbor Institute", (), "think tank", "other", "organization"),
]


def test_registry_round_trip_and_lookup(tmp_path: Path) -> None:
    path = tmp_path / "actors.csv"
    save_registry(Registry(ACTORS), path)
    reg = load_registry(path)
    assert dict(reg) == {a.name: a for a in ACTORS}
    assert reg.lookup("Roe").name == "Jane Roe"
    assert reg.lookup("j. roe").name == "Jane Roe"
    assert reg.lookup("Nobody") is None
    assert reg.fingerprint == Registry(ACTORS).fingerprint


def test_merge_user_rows_win(tmp_path: Path) -> None:
    user = Registry([Actor("Jane Roe", ("Janet Roe",), "foreign minister", "other", "person")])
    merged = merge_registries(Registry(ACTORS), user)
    assert merged["Jane Roe"].role == "foreign minister"
    assert merged.lookup("Janet Roe").affiliation == "other"
    assert "Harbor Institute" in merged
    assert merged.fingerprint != Registry(ACTORS).fingerprint


def test_build_registry_keeps_people_and_organisations() -> None:
    atts = [
        Attribution("Jane Roe", "person", "minister", "United States", "said"),
        Attribution("Jane Roe", "person", "", "unknown", "added"),
        Attribution("officials", "group", "officials", "unknown", "said"),
        Attribution(),
    ]
    reg = build_registry(atts)
    assert list(reg) == ["Jane Roe"]
    assert reg["Jane Roe"] == Actor("Jane Roe", (), "minister", "United States", "person")


def test_actor_summary_counts_and_sorts() -> None:
    table = pd.DataFrame(
        {
            "doc": ["a", "a", "b", "b"],
            "kind": ["content"] * 4,
            "actor": ["Jane Roe", "", "Jane Roe", "officials"],
            "actor_kind": ["person", "narrator", "person", "group"],
            "actor_role": ["minister", "", "", "officials"],
            "affiliation": ["United States", "unknown", "United States", "unknown"],
        }
    )
    out = actor_summary(table)
    assert list(out["actor"]) == ["Jane Roe", "officials"]
    assert list(out["paragraphs"]) == [2, 1]
    assert out.iloc[0].to_dict()["role"] == "minister"
