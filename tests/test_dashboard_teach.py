"""dashboard.teach (the review queue, the shares a retrain moved, head files) and
models.retrain's pure steps: table-driven."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.teach import (
    item_key,
    load_head,
    moved_shares,
    queue,
    resolve_head,
    review_corrections,
    reviewed,
    save_head,
    valid_head,
)
from models.corrections import make_correction
from models.retrain import before_after, head_id, stance_only, training_items


def _table(rows: list[tuple]) -> pd.DataFrame:
    cols = ["doc", "paragraph", "kind", "stance_score", "corrected_by"]
    return pd.DataFrame(rows, columns=cols)


@pytest.mark.parametrize(
    ("rows", "skipped", "expected"),
    [
        ([("a", 0, "content", 0.9, ""), ("a", 1, "content", 0.4, "")], (), ["a#1", "a#0"]),
        # reviewed rows and furniture leave the queue
        (
            [
                ("a", 0, "content", 0.2, "person"),
                ("a", 1, "headline", 0.1, ""),
                ("b", 0, "content", 0.5, ""),
            ],
            (),
            ["b#0"],
        ),
        # ties: corpus order (doc, paragraph)
        (
            [
                ("b", 0, "content", 0.5, ""),
                ("a", 3, "content", 0.5, ""),
                ("a", 1, "content", 0.5, ""),
            ],
            (),
            ["a#1", "a#3", "b#0"],
        ),
        # skipped in this session
        ([("a", 0, "content", 0.1, ""), ("a", 1, "content", 0.4, "")], {"a#0"}, ["a#1"]),
        ([], (), []),
    ],
)
def test_queue_least_sure_first(rows, skipped, expected) -> None:
    got = queue(_table(rows), skipped)
    assert [item_key(r) for r in got.to_dict("records")] == expected


@pytest.mark.parametrize(
    ("stance", "actor", "expected"),
    [
        ("none", "Xi", [("stance", "none")]),  # accept: the model's stance, confirmed
        ("pro", "Xi", [("stance", "pro")]),  # relabel
        ("none", "Wang Yi", [("stance", "none"), ("actor", "Wang Yi")]),  # speaker: stance seen
        ("pro", "", [("stance", "pro"), ("actor", "")]),
    ],
)
def test_a_review_always_writes_the_stance(stance, actor, expected) -> None:
    row = {"doc": "a", "text": "T.", "paragraph": 1, "stance": "none", "actor": "Xi"}
    assert [(c.field, c.value) for c in review_corrections(row, stance, actor)] == expected


def test_reviewed_counts_content_rows_with_a_correction() -> None:
    t = _table([("a", 0, "content", 0.2, "person"), ("a", 1, "byline", 0.1, "person"),
                ("a", 2, "content", 0.3, "")])  # fmt: skip
    assert reviewed(t) == 1
    assert reviewed(t.drop(columns="corrected_by")) == 0


def _mix(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    keys = ("source", "speaker", "stance")
    return pd.DataFrame([{"kind": "content", **dict(zip(keys, r, strict=True))} for r in rows])


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        # nothing changed: nothing moved
        ([("A", "x", "none")] * 2, [("A", "x", "none")] * 2, []),
        # one of two paragraphs relabelled: 50 points per source and per speaker
        ([("A", "x", "none"), ("A", "x", "none")], [("A", "x", "none"), ("A", "x", "pro")],
         [("source", "A", "none", 100.0, 50.0, -50.0), ("source", "A", "Pro", 0.0, 50.0, 50.0),
          ("speaker", "x", "none", 100.0, 50.0, -50.0), ("speaker", "x", "Pro", 0.0, 50.0, 50.0)]),
        # one of 25 (4 points) stays under the 5-point line
        ([("A", "x", "none")] * 25, [("A", "x", "none")] * 24 + [("A", "x", "pro")], []),
        # one of 20 (exactly 5 points) moves
        ([("A", "x", "none")] * 20, [("A", "x", "none")] * 19 + [("A", "x", "pro")],
         [("source", "A", "none", 100.0, 95.0, -5.0), ("source", "A", "Pro", 0.0, 5.0, 5.0),
          ("speaker", "x", "none", 100.0, 95.0, -5.0), ("speaker", "x", "Pro", 0.0, 5.0, 5.0)]),
        # a fixed speaker: a new group appears (its shares from 0)
        ([("A", "x", "none")] * 2, [("A", "x", "none"), ("A", "y", "none")],
         [("speaker", "y", "none", 0.0, 100.0, 100.0)]),
    ],
)  # fmt: skip
def test_moved_shares(before, after, expected) -> None:
    got = moved_shares(_mix(before), _mix(after), titles={"pro": "Pro"})
    rows = sorted(tuple(r) for r in got.itertuples(index=False))
    assert rows == sorted(expected)


@pytest.mark.parametrize(
    "head", ["0123456789abcdef", "", "../../etc/passwd", "0123456789ABCDEF", "0123", None]
)
def test_head_ids(head) -> None:
    assert valid_head(head) == (head == "0123456789abcdef")


def test_head_file_round_trip(tmp_path) -> None:
    items = [{"doc": "a.txt", "index": 2, "text": "Ünïcode <b>text</b>", "kind": "content",
              "stance": "none", "accept": ["none"]}]  # fmt: skip
    path = save_head(tmp_path, "0123456789abcdef", items, "default")
    assert path == tmp_path / "heads" / "0123456789abcdef.json"
    assert load_head(tmp_path, "0123456789abcdef") == (items, "default")
    assert load_head(tmp_path, "fedcba9876543210") is None  # unknown
    assert load_head(tmp_path, "../heads/x") is None  # malformed
    path.write_text("{broken")
    assert load_head(tmp_path, "0123456789abcdef") is None


def test_a_head_resolves_to_the_same_training(tmp_path, scheme) -> None:
    items = [{"doc": "a.txt", "index": 0, "text": "They condemned it.", "kind": "content",
              "stance": scheme.label_names[0], "accept": [scheme.label_names[0]]}]  # fmt: skip
    head = head_id(scheme, "minilm", items)
    save_head(tmp_path, head, items, scheme.name)
    got, extra, note = resolve_head(tmp_path, head, scheme, "minilm")
    assert (got, note) == (head, "") and extra.texts == ("They condemned it.",)
    assert resolve_head(tmp_path, "", scheme, "minilm") == ("", None, "")
    got, extra, note = resolve_head(tmp_path, "0123456789abcdef", scheme, "minilm")
    assert (got, extra) == ("", None) and "unknown model version" in note


def test_only_stance_corrections_teach(scheme) -> None:
    table = pd.DataFrame(
        [{"doc": "a", "paragraph": i, "text": f"Text {i}.", "kind": "content", "stance": "none",
          "actor": ""} for i in range(3)]
    )  # fmt: skip
    label = scheme.label_names[0]
    fixes = [
        make_correction(table.iloc[0].to_dict(), "stance", label),
        make_correction(table.iloc[1].to_dict(), "actor", "Wang Yi"),
    ]
    assert [c.field for c in stance_only(fixes)] == ["stance"]
    items = training_items(table, fixes)
    assert [(g["text"], g["stance"]) for g in items] == [("Text 0.", label)]


def test_too_few_articles_to_hold_one_out(scheme) -> None:
    items = [{"doc": "a", "text": "x", "kind": "content", "stance": "none", "accept": ["none"]}]
    fig = before_after(scheme, lambda texts: None, items)  # never embeds: nothing to hold out
    assert (fig.n, fig.articles, fig.enough, fig.before, fig.after) == (1, 1, False, None, None)


def test_docstring_examples() -> None:
    import doctest

    import dashboard.teach

    assert doctest.testmod(dashboard.teach).failed == 0


def test_every_model_version_has_its_own_table_and_link(scheme) -> None:
    from dashboard import data
    from dashboard.state import ViewState, link, parse_query

    cfg = data.config()
    paths = cfg.corpus
    plain = data.table_path(cfg, "minilm", scheme, paths)
    assert plain == data.table_path(cfg, "minilm", scheme, paths, "")  # unchanged without one
    one = data.table_path(cfg, "minilm", scheme, paths, "0123456789abcdef")
    two = data.table_path(cfg, "minilm", scheme, paths, "fedcba9876543210")
    assert len({plain, one, two}) == 3
    state = ViewState(head="0123456789abcdef")
    assert link(state, "review") == "/review?head=0123456789abcdef"
    assert parse_query({"head": "0123456789abcdef"})[0].head == "0123456789abcdef"
