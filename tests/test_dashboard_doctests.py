"""The examples in the dashboard's docstrings run (pytest collects doctests in models/ only)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "dashboard.certainty",
    "dashboard.charts",
    "dashboard.frames",
    "dashboard.schemes",
    "dashboard.state",
    "dashboard.textfmt",
    "dashboard.timeline",
    "dashboard.timeline_view",
    "dashboard.uploads",
    "dashboard.review",
    "dashboard.statement_frames",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_progress_text_names_the_training_stage() -> None:
    from dashboard.sidebar import stage_text

    assert stage_text(2, 5, "training") == "Training the scheme's model (first use): step 2/5"
    assert stage_text(3, 10, "classifying") == "Classifying: 3/10 documents"
