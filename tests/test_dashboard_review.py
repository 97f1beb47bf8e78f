"""dashboard.review (corrections of a paragraph) and dashboard.uploads (names, sizes)."""

from __future__ import annotations

import pytest

from dashboard.review import clean_actor, correction_note, corrections_for
from dashboard.uploads import clean_source, default_source, refusal, split_by_size
from models.cache import digest

ROW = {"doc": "a.txt", "text": "Some text.", "paragraph": 4, "stance": "none", "actor": "Xi"}


@pytest.mark.parametrize(
    ("stance", "actor", "expected"),
    [
        ("us_critical", "Xi", [("stance", "us_critical", "none")]),
        ("none", "Wang Yi", [("actor", "Wang Yi", "Xi")]),
        ("none", "", [("actor", "", "Xi")]),  # back to the outlet's narration
        (
            "us_critical",
            " Wang\tYi ",
            [("stance", "us_critical", "none"), ("actor", "Wang Yi", "Xi")],
        ),
        ("none", "Xi", [("stance", "none", "none")]),  # no change: a confirmation
    ],
)
def test_corrections_for(stance: str, actor: str, expected: list) -> None:
    got = corrections_for(ROW, stance, actor)
    assert [(c.field, c.value, c.previous) for c in got] == expected
    assert all(c.doc == "a.txt" and c.text_hash == digest("Some text.") for c in got)
    assert all(c.author == "person" and c.paragraph == 4 for c in got)


def test_corrections_for_keeps_the_models_value_as_previous() -> None:
    corrected = {**ROW, "stance": "us_critical", "model_stance": "none"}
    (c,) = corrections_for(corrected, "russia_aligned", "Xi")
    assert (c.value, c.previous) == ("russia_aligned", "none")


@pytest.mark.parametrize(
    ("row", "note"),
    [
        ({"corrected_stance": "", "corrected_actor": "", "corrected_by": ""}, ""),
        (
            {"corrected_stance": "us_critical", "model_stance": "none"},
            "corrected: us_critical (model: none)",
        ),
        ({"corrected_stance": "none", "model_stance": "none"}, "confirmed: none (model: none)"),
        (
            {"corrected_actor": "Wang Yi", "model_actor": "Xi", "corrected_by": "person"},
            "actor corrected: Wang Yi (model: Xi)",
        ),
        (
            {"corrected_actor": "", "model_actor": "Xi", "actor": "", "corrected_by": "person"},
            "actor corrected: narration (model: Xi)",
        ),
    ],
)
def test_correction_note(row: dict, note: str) -> None:
    assert correction_note(row) == note


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("  Wang\tYi ", "Wang Yi"), ("a\x00b", "a b"), ("x" * 500, "x" * 200), (None, "")],
)
def test_clean_names(raw, clean: str) -> None:
    assert clean_actor(raw) == clean_source(raw) == clean


class FakeUpload:  # the two attributes of streamlit's UploadedFile the page checks first
    def __init__(self, name: str, size: int) -> None:
        self.name, self.size = name, size


def test_over_limit_files_are_refused_and_the_rest_kept() -> None:
    sizes = {"a.txt": 10, "big.csv": 21_000_000, "b.md": 20_000_000}
    files = [FakeUpload(name, size) for name, size in sizes.items()]
    kept, refused = split_by_size(files)
    assert [f.name for f in kept] == ["a.txt", "b.md"] and [f.name for f in refused] == ["big.csv"]
    assert refusal(refused[0]) == "big.csv: 21.0 MB is over the 20.0 MB limit per file; not used."


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("cnn_biden-xi.txt", "cnn biden-xi"),
        ("Bericht über Xi.md", "Bericht über Xi"),
        ("../../x/evil name.html", "evil name"),
        ("<img src=x onerror=alert(1)>.txt", "<img src=x onerror=alert(1)>"),
        (".txt", ".txt"),
    ],
)
def test_default_source(name: str, source: str) -> None:
    assert default_source(name) == source
