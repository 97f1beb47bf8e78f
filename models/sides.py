"""The sides a speaker can be on, and the side a role or name points to.

One data file, ``models/data/affiliations.toml``, lists the sides (``[sides.<name>]``, each with
the words that point to it); with the three sides every corpus has (``other``: independent
voices such as analysts and think tanks; ``unknown``: a speaker nothing places; ``narration``:
the outlet's own voice) they are ``SIDES``, which ``models.records.Affiliation`` and the stance
schemes' ``not_voiced_by`` check against. Add a side there and every part takes it.

>>> affiliation_of("senior analyst at a Moscow think tank"), affiliation_of("Kremlin spokesman")
('other', 'Russia')
>>> affiliation_of("NATO Secretary General"), affiliation_of("Chinese ambassador to the EU")
('NATO', 'China')
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

AFFILIATIONS_PATH = Path(__file__).parent / "data" / "affiliations.toml"
INDEPENDENT = "other"
UNKNOWN = "unknown"
NARRATION = "narration"
_SKIP_AFTER = {"to", "with", "on", "against", "toward", "towards", "into"}


@cache
def _data(path: Path = AFFILIATIONS_PATH) -> dict:
    return tomllib.loads(Path(path).read_text(encoding="utf-8"))


def side_names(path: Path = AFFILIATIONS_PATH) -> tuple[str, ...]:
    """Every side: the data file's, then ``other``, ``unknown`` and ``narration``."""
    return (*_data(path)["sides"], INDEPENDENT, UNKNOWN, NARRATION)


SIDES = side_names()


@cache
def _side_patterns(path: Path = AFFILIATIONS_PATH) -> tuple[tuple[str, re.Pattern[str]], ...]:
    data = _data(path)
    out = [(INDEPENDENT, _pattern(data["independent"]["keywords"]))]
    out += [(side, _pattern(d["keywords"])) for side, d in data["sides"].items()]
    return tuple(out)


def _pattern(words: list[str]) -> re.Pattern[str]:
    alts = sorted(words, key=len, reverse=True)
    parts = [re.escape(w) if w.isupper() else f"(?i:{re.escape(w)})" for w in alts]
    return re.compile(r"(?<![\w.])(?:" + "|".join(parts) + r")(?![\w])")


def affiliation_of(text: str) -> str:
    """The side a role/name/organisation text points to ("unknown" when none).

    An independent keyword ("think tank", "professor") wins, unless it is part of a side's own
    name ("UN Security Council"); otherwise the side named first, skipping a name right after
    "to"/"with"/"on" ("ambassador to Ukraine" says nothing of who sent the ambassador).
    """
    pats = _side_patterns()
    best: tuple[int, str] | None = None
    covered: list[tuple[int, int]] = []
    for side, pat in pats[1:]:
        for m in pat.finditer(text):
            covered.append(m.span())
            prev = text[: m.start()].split()[-1:] or [""]
            if prev[0].lower() not in _SKIP_AFTER and (best is None or m.start() < best[0]):
                best = (m.start(), side)
    for m in pats[0][1].finditer(text):
        if not any(a <= m.start() and m.end() <= b for a, b in covered):
            return INDEPENDENT
    return best[1] if best else UNKNOWN
