"""dashboard.schemes: listing, checking and storing scheme files (no streamlit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.schemes import (
    DEFAULT_ID,
    check_upload,
    examples,
    list_schemes,
    slug,
    store_upload,
)
from models.schemes import DEFAULT_SCHEME, Label, SchemeError

MINIMAL = b"""name = "EU lens"
[[labels]]
name = "eu_critical"
description = "Criticises the European Union or its institutions."
[[labels]]
name = "eu_supportive"
title = "EU-supportive"
description = "Backs the European Union's position."
"""


def test_default_and_shipped_schemes_are_listed(tmp_path: Path) -> None:
    files = list_schemes(tmp_path)
    assert next(iter(files)) == DEFAULT_ID
    assert Path(files[DEFAULT_ID].path) == DEFAULT_SCHEME
    assert not any(f.uploaded for f in files.values())


def test_a_scheme_with_labels_and_descriptions_only_is_accepted(tmp_path: Path) -> None:
    scheme = check_upload("eu.toml", MINIMAL)
    assert scheme.titles == {"eu_critical": "Eu critical", "eu_supportive": "EU-supportive"} | {
        "none": "none"
    }
    sid = store_upload(tmp_path, MINIMAL, scheme, set(list_schemes(tmp_path)))
    assert sid == "eu-lens"
    files = list_schemes(tmp_path)
    assert files[sid].uploaded and Path(files[sid].path).read_bytes() == MINIMAL
    again = store_upload(tmp_path, MINIMAL, scheme, set(files))  # the same name: a new id
    assert again == "eu-lens-2"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"name = 'x'\n[[labels]\n", "not valid TOML"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"[[labels]]\nname = 'a'\ndescription = 'A.'\n", "`name`"),
        (b"name = 'x'\n", "[[labels]]"),
        (b"name = 'x'\n[[labels]]\nname = 'a b'\ndescription = 'A.'\n", "letters, digits"),
        (b"name = 'x'\n[[labels]]\nname = 'a'\n", "a description, a hypothesis or examples"),
        (b"x" * 300_000, "limit"),
    ],
)
def test_a_bad_scheme_file_says_why_and_stores_nothing(tmp_path: Path, data: bytes, says: str):
    with pytest.raises(SchemeError, match=None) as err:
        check_upload("bad.toml", data)
    assert says in str(err.value) and "bad.toml" in str(err.value)
    assert not (tmp_path / "schemes").exists()


def test_slug_and_examples() -> None:
    assert slug("My Scheme: EU/NATO") == "my-scheme-eu-nato"
    assert slug("***") == "scheme"
    assert examples(Label("a", prototypes=("p1", "p2"))) == ("p1", "p2")
