"""Small frozen records shared by every stage of the pipeline.

The stages pass these around; only the pipeline turns them into a table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from models.sides import SIDES

ParagraphKind = Literal["content", "boilerplate", "heading"]
ActorKind = Literal["person", "organization", "group", "narrator"]
# The sides of models/data/affiliations.toml, plus "other", "unknown" and "narration".
Affiliation = Literal[SIDES]  # type: ignore[valid-type]

NARRATOR = ""  # the actor value for the outlet's own narration


@dataclass(frozen=True)
class Document:
    """One article as read from disk, before segmentation."""

    doc: str  # file name (records of a .jsonl/.csv file: "name.jsonl#<n>")
    text: str
    source: str = ""
    title: str = ""
    date: str = ""  # ISO YYYY-MM-DD or ""
    path: str = ""


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a document, with its segmentation kind."""

    doc: str
    paragraph: int  # 0-based position in the document after segmentation
    kind: ParagraphKind
    text: str
    source: str = ""
    title: str = ""
    date: str = ""


@dataclass(frozen=True)
class Attribution:
    """Who a paragraph is attributed to. ``actor == ""`` is the outlet's narration."""

    actor: str = NARRATOR
    actor_kind: ActorKind = "narrator"
    actor_role: str = ""
    affiliation: Affiliation = "narration"  # "unknown": a speaker nothing places
    cue: str = ""
    quote: str = ""  # quoted span(s), joined by " … " when there are several


@dataclass(frozen=True)
class StanceResult:
    """The classifier's verdict on one content paragraph."""

    stance: str  # a label of the scheme, or the scheme's abstain label ("none")
    stance_score: float
    scores: dict[str, float] = field(default_factory=dict)  # per label, incl. abstain
    abstained: bool = False
    stances: tuple[str, ...] = ()  # the labels over their thresholds, the top one first
    evidence: str = ""  # the unit (sentence or quotation) that decided it
    evidence_score: float = 0.0
    unvoiced: tuple[str, ...] = ()  # labels it carried that its speaker's side does not voice


@dataclass(frozen=True)
class ReadProblem:
    """A file (or record) that could not be read, or was read with a caveat; never fatal.

    ``severity``: "skipped" (nothing of it was read) or "warning" (read; some lines or bytes
    were not, as ``reason`` says).
    """

    path: str
    reason: str
    severity: Literal["skipped", "warning"] = "skipped"
