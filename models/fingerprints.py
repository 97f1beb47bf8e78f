"""Versions of the code and data behind cached results, without importing that code.

A cache keyed on one of these is not served after the code or data it names changes; reading a
few files is cheap, importing spaCy to ask is not (a warm re-run imports no model library).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

_CODE = (
    "attribute",
    "coref",
    "frames",
    "lexicon",
    "people",
    "quotes",
    "registry",
    "sides",
    "speakers",
    "speech",
)
_DATA = ("actors.csv", "affiliations.toml", "reporting_verbs.toml")


@lru_cache(maxsize=1)
def attribution_fingerprint() -> str:
    """A hash of the attribution code and its data files: a cache of attributions keyed on it
    is not served after either changes."""
    here = Path(__file__).parent
    paths = [here / f"{m}.py" for m in _CODE] + [here / "data" / d for d in _DATA]
    return hashlib.sha1(b"".join(p.read_bytes() for p in paths)).hexdigest()[:16]
