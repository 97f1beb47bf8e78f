"""How news attributes speech: reporting frames, quotations across paragraphs, pronouns and
descriptions resolved to the article's speakers, institutional speakers, canonical names and
sides. Real spaCy (fixture ``nlp``); every sentence is invented for these tests."""

from __future__ import annotations

from typing import get_args

import pytest

from models.attribute import CONTINUED, attribute_document, attribution_fingerprint
from models.records import Affiliation, Attribution
from models.registry import Actor, Registry, canonical_institution, default_registry
from models.schemes import SchemeError, parse_scheme
from models.sides import SIDES, affiliation_of

# One paragraph each: (text, actor, cue). Reporting verbs and their frames.
FRAMES = [
    (  # an infinitive under the clause's verb: its subject speaks
        "Ana Ruiz went on to say that the vote had been rigged.",
        "Ana Ruiz",
        "say",
    ),
    (  # a colon introduces what was said (here, in the next paragraph)
        "Tom Reed wrote in his weekly column:",
        "Tom Reed",
        "wrote",
    ),
    ("Ana Ruiz hit back at once.", "Ana Ruiz", "hit back"),  # a phrasal reporting verb
    (  # a participle with a quotation continues the clause's subject
        "Ana Ruiz, a union leader, hit back, calling the pension plan “reckless.”",
        "Ana Ruiz",
        "calling",
    ),
    (  # "as X remarked:" is a source frame, not background
        "As the economist Tom Reed remarked at the forum: “Nobody wins a price war.”",
        "Tom Reed",
        "remarked",
    ),
    (  # a document after its quotation; its author speaks, one spelling for the ministry
        "“The visit was a success,” the Peruvian Foreign Affairs Ministry statement said.",
        "Peruvian Foreign Ministry",
        "said",
    ),
    (  # "reassure" reports what was said
        "Carla Diaz reassured the bankers that interest rates would stay low.",
        "Carla Diaz",
        "reassured",
    ),
    ("Tom Reed argues that the border deal is fragile.", "Tom Reed", "argues"),
    ("Tom Reed urged the rebels to lay down their arms.", "Tom Reed", "urged"),  # a directive
    ("Tom Reed claims the fishing deal is fair.", "Tom Reed", "claims"),
    (  # a paragraph cut off inside its "that" clause still reports speech
        "Tom Reed argues that comparing the war between Peru and Chile to the tensions between",
        "Tom Reed",
        "argues",
    ),
]

# Subjects that are not voices: the paragraph stays the outlet's narration.
NOT_VOICES = [
    "The two ministers agreed that the harvest talks were useful.",  # a summary of named sides
    "Both mayors agreed that the bridge should reopen.",
    # a conjoined verb keeps its own subject ("local papers"), not the first clause's
    "Chile stayed silent on the vote and local papers have said Santiago may abstain.",
    # a possessor inside a prepositional phrase is not the subject
    "Briefing notes circulated before Carla Diaz's trip urged that the plan be shelved.",
]


@pytest.mark.parametrize(("text", "actor", "cue"), FRAMES)
def test_reporting_frames(nlp, text: str, actor: str, cue: str) -> None:
    [att] = attribute_document([text], nlp)
    assert (att.actor, att.cue) == (actor, cue)


@pytest.mark.parametrize("text", NOT_VOICES)
def test_subjects_that_do_not_speak_leave_narration(nlp, text: str) -> None:
    [att] = attribute_document([text], nlp)
    assert (att.actor, att.actor_kind, att.affiliation) == ("", "narrator", "narration")


def test_an_outlet_relaying_its_sources_is_cited_in_the_narration(nlp) -> None:
    [att] = attribute_document(
        ["The Lima Herald reported on Monday that the mine would close."], nlp
    )
    assert (att.actor, att.actor_kind, att.cue) == ("", "narrator", "Lima Herald reported")
    [att] = attribute_document(
        ["The Quito Times insisted, citing court papers, that the firm paid bribes."], nlp
    )
    assert (att.actor, att.actor_kind) == ("", "narrator")


# Several paragraphs of one article: the expected actor of each.
ARTICLES = [
    (  # a pronoun goes to the speaker, not to the person named inside the sentence
        [
            "Peruvian Deputy Foreign Minister Carla Diaz spoke to students on Saturday.",
            '"The pact must end," she said.',
            "She praised Brazilian President Jorge Souza's plan for the region, saying "
            "that the old pact had run its course.",
            '"Nobody listened to us," she said.',
        ],
        ["", "Carla Diaz", "Carla Diaz", "Carla Diaz"],
    ),
    (  # a description goes to the most recent speaker of its side, not the most recent name
        [
            "Russian Deputy Foreign Minister Oleg Ivanov said the grain deal had failed.",
            "U.S. Secretary of State Mary Stone said on Friday that the grain talks were over.",
            "At the forum, the Russian envoy said the grain deal should lapse.",
        ],
        ["Oleg Ivanov", "Mary Stone", "Oleg Ivanov"],
    ),
    (  # a possessive description ("Ukraine's ambassador"): the speaker of that side
        [
            "Ukrainian Ambassador Olena Petrenko wrote on Monday that Kyiv would not sign.",
            "U.S. official Mary Stone said on Friday that the accord was dead.",
            "Ukraine's ambassador also argued that the grain corridor must stay open.",
        ],
        ["Olena Petrenko", "Mary Stone", "Olena Petrenko"],
    ),
    (  # a description by office: the person introduced with it, not the latest speaker
        [
            "Peruvian President Ana Lopez opened the new port on Friday.",
            "Trade Minister Jorge Souza said the port would double exports.",
            "The Peruvian president stressed that fishermen would be compensated.",
        ],
        ["", "Jorge Souza", "Ana Lopez"],
    ),
    (  # "X wrote:" and the quotation that follows in the next paragraph
        [
            "Tom Reed wrote in his weekly column:",
            '"The stadium was never safe. I said so in 2019, and I say so again."',
        ],
        ["Tom Reed", "Tom Reed"],
    ),
    (  # the person a narrated paragraph is about is who "she" is next
        [
            "Carla Diaz repeated her objections to the fishing quotas, local radio reported.",
            '"Our boats stay in port," she was quoted as saying.',
        ],
        ["", "Carla Diaz"],
    ),
]


@pytest.mark.parametrize(("texts", "actors"), ARTICLES)
def test_speakers_across_paragraphs(nlp, texts: list[str], actors: list[str]) -> None:
    assert [a.actor for a in attribute_document(texts, nlp)] == actors


def test_a_quotation_continuing_after_a_colon_frame_is_marked_continued(nlp) -> None:
    atts = attribute_document(["Tom Reed wrote in his column:", '"The stadium is unsafe."'], nlp)
    assert atts[1].cue == CONTINUED


# -- canonical speakers ----------------------------------------------------------------------
def test_group_speakers_in_one_case(nlp) -> None:
    atts = attribute_document(
        ["Officials said the plan failed.", "Later, officials said the plan had worked."], nlp
    )
    assert [a.actor for a in atts] == ["officials", "officials"]


@pytest.mark.parametrize(
    ("asked", "found"),
    [
        ("White Home", "White House"),  # a near-spelling of a name of two words or more
        ("Ministry of Foreign Affairs of China", "Chinese Foreign Ministry"),
        ("Chinese Ministry of Foreign Affairs", "Chinese Foreign Ministry"),
        ("Zelenskyy", "Volodymyr Zelensky"),
    ],
)
def test_shipped_registry_lookup(asked: str, found: str) -> None:
    actor = default_registry().lookup(asked)
    assert actor is not None and actor.name == found


def test_near_spellings_only_where_they_are_safe() -> None:
    reg = Registry(
        [Actor("Jane Roe"), Actor("Lin Keqiao"), Actor("Acme Bank", kind="organization")]
    )
    assert reg.lookup("Acme Bunk").name == "Acme Bank"
    assert reg.lookup("Rob") is None  # one word: too short to guess
    assert reg.lookup("Lin Qiao") is None  # another person's surname is another person
    assert reg.lookup("Jane Rae") is None


def test_ministry_spellings_meet() -> None:
    assert canonical_institution("Ministry of Foreign Affairs") == "Foreign Ministry"
    assert canonical_institution("Peruvian Foreign Affairs Ministry") == "Peruvian Foreign Ministry"


@pytest.mark.parametrize(
    ("text", "actor", "role", "side"),
    [  # the registry's role and side come before the sentence's words
        (
            '"We will not yield," Ukraine\'s leader Volodymyr Zelensky said.',
            "Volodymyr Zelensky",
            "Ukrainian President",
            "Ukraine",
        ),
        (
            "NATO chief Jens Stoltenberg said the alliance would stay united.",
            "Jens Stoltenberg",
            "NATO Secretary General",
            "NATO",
        ),
    ],
)
def test_registry_role_and_side(nlp, text: str, actor: str, role: str, side: str) -> None:
    [att] = attribute_document([text], nlp)
    assert (att.actor, att.actor_role, att.affiliation) == (actor, role, side)


# -- sides ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("EU officials", "EU"),
        ("NATO Secretary General", "NATO"),
        ("Ukrainian foreign minister", "Ukraine"),
        ("UN Security Council", "UN"),  # "council" is independent, but part of the UN's name
        ("Chinese ambassador to the EU", "China"),
        ("senior fellow at a Kyiv think tank", "other"),
        ("a local baker", "unknown"),
    ],
)
def test_sides_beyond_the_three_powers(text: str, side: str) -> None:
    assert affiliation_of(text) == side


def test_sides_come_from_one_data_file() -> None:
    assert get_args(Affiliation) == SIDES
    assert {"United States", "China", "Russia", "NATO", "EU", "Ukraine", "UN"} <= set(SIDES)
    assert SIDES[-3:] == ("other", "unknown", "narration")


def test_narration_is_its_own_side_apart_from_unknown_speakers(nlp) -> None:
    narr, anon = attribute_document(
        ["The talks ended late on Friday.", "A local official said the bread ran out."], nlp
    )
    assert Attribution().affiliation == "narration"
    assert (narr.affiliation, anon.affiliation) == ("narration", "unknown")


def test_schemes_accept_the_new_sides_and_reject_misspellings() -> None:
    label = {"name": "pro", "prototypes": ["Yes."], "not_voiced_by": ["NATO", "EU"]}
    assert parse_scheme({"name": "s", "labels": [label]}).labels[0].not_voiced_by == (
        "NATO",
        "EU",
    )
    with pytest.raises(SchemeError, match="unknown sides"):
        parse_scheme({"name": "s", "labels": [{**label, "not_voiced_by": ["Nato"]}]})


def test_the_attribution_fingerprint_covers_code_and_data() -> None:
    from pathlib import Path

    from models import fingerprints

    fp = attribution_fingerprint()
    assert len(fp) == 16 and int(fp, 16) >= 0
    speaker_code = {"attribute", "speech", "frames", "speakers", "people", "coref", "registry"}
    assert speaker_code <= set(fingerprints._CODE)
    here = Path(fingerprints.__file__).parent
    assert all((here / f"{m}.py").is_file() for m in fingerprints._CODE)
