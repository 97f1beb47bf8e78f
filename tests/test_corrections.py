"""Human corrections: durable appends, last write wins, applied over real analyses, as gold."""

from __future__ import annotations

import json
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from models.cache import digest
from models.cli import main
from models.corrections import (
    Correction,
    append_correction,
    apply_corrections,
    corrections_as_gold,
    latest,
    load_corrections,
    make_correction,
    model_values,
    orphans,
)
from models.evaluate import evaluate_table
from models.pipeline import analyze
from models.table import read_table, write_table

HEAD = "Talks resume in Geneva"
MINISTER = (
    "The foreign minister said on Monday that the sanctions imposed by Washington were a "
    "mistake that would hurt ordinary people in every country."
)
ANALYSTS = "Analysts said both governments wanted to avoid an escalation of the conflict."
QUOTE = '"We will keep every channel open," the spokeswoman Maria Lopez told reporters.'
ARTICLE = f"{HEAD}\n\n{MINISTER}\n\n{ANALYSTS}\n\n{QUOTE}\n"
INSERTED = "An earlier paragraph, added in a later version, shifts every index by one."


def _corpus(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "story.txt").write_text(text, "utf-8")
    (folder / "sources.csv").write_text("file,source\nstory.txt,Example Wire\n", "utf-8")
    return folder


@pytest.fixture(scope="module")
def tables(tmp_path_factory, cache_dir, tiny_nli):
    """The article analysed three ways: as is, renumbered, and with another model."""
    root = tmp_path_factory.mktemp("corrections")
    first = _corpus(root / "v1", ARTICLE)
    second = _corpus(root / "v2", f"{HEAD}\n\n{INSERTED}\n\n{MINISTER}\n\n{ANALYSTS}\n\n{QUOTE}\n")
    return {
        "v1": analyze([first], cache_dir=cache_dir).table,
        "renumbered": analyze([second], cache_dir=cache_dir).table,
        "other_model": analyze([first], cache_dir=cache_dir, model=f"nli:{tiny_nli}").table,
    }


def _row(table, text: str) -> dict:
    rows = table[table["text"] == text].to_dict("records")
    assert len(rows) == 1, text
    return rows[0]


def _other_label(table, current: str) -> str:
    labels = [c[len("score_") :] for c in table.columns if c.startswith("score_")]
    return next(lb for lb in labels if lb not in (current, "none"))


# ------------------------------------------------------------------------------ storage


CASES = [
    Correction("a.txt", digest("x"), 0, "stance", "us_critical", "none"),
    Correction("a.txt", digest("x"), 0, "actor", "", "Jane Roe"),  # set back to narration
    Correction("ü b.txt", digest("ß"), 7, "actor", 'Zhou "Z" <b>', "", author="reviewer 2"),
    Correction("r.jsonl#3", digest("line\nbreak"), 2, "stance", "none", "russia_aligned"),
]


@pytest.mark.parametrize("correction", CASES)
def test_append_and_load_round_trip(tmp_path, correction):
    path = tmp_path / "deep" / "corrections.jsonl"
    append_correction(path, CASES[0])
    append_correction(path, correction)
    assert load_corrections(path) == [CASES[0], correction]
    assert path.read_bytes().count(b"\n") == 2


def test_missing_file_is_no_corrections(tmp_path):
    assert load_corrections(tmp_path / "none.jsonl") == []


@pytest.mark.parametrize(
    "damage",
    [
        b'{"doc": "a.txt", "text_hash": "ab',  # cut mid-record
        '{"doc": "ü'.encode()[:-1],  # cut inside a multi-byte character
        b"\x00\x00\x00",  # garbage from a crash
        b'{"doc": "a.txt", "field": "colour", "value": "red", "text_hash": "x"}',  # bad field
        b"[1, 2, 3]",
    ],
)
def test_a_damaged_last_line_is_skipped_and_later_appends_are_kept(tmp_path, damage):
    path = tmp_path / "corrections.jsonl"
    for c in CASES[:2]:
        append_correction(path, c)
    with path.open("ab") as fh:
        fh.write(damage)
    assert load_corrections(path) == CASES[:2]
    append_correction(path, CASES[2])
    assert load_corrections(path) == CASES[:3]


def test_invalid_field_is_refused():
    with pytest.raises(ValueError, match="field"):
        Correction("a.txt", "h", 0, "colour", "red")  # type: ignore[arg-type]


def _append_many(path: str, worker: int, n: int) -> None:
    for i in range(n):
        value = f"worker {worker} value {i} " + "ü" * 200  # long lines: writes could interleave
        append_correction(path, Correction(f"{worker}.txt", digest(str(i)), i, "actor", value))


def test_concurrent_appends_from_processes_and_threads_all_land(tmp_path):
    path = tmp_path / "corrections.jsonl"
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(4, mp_context=ctx) as pool:
        futures = [pool.submit(_append_many, str(path), w, 50) for w in range(4)]
        threads = [
            threading.Thread(target=_append_many, args=(str(path), 10 + w, 25)) for w in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for f in futures:
            f.result()
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 301
    loaded = load_corrections(path)
    assert len(loaded) == 300
    assert len({(c.doc, c.paragraph) for c in loaded}) == 300
    assert all(json.loads(line) for line in lines[:-1])


def test_last_write_wins():
    a = Correction("a.txt", "h", 0, "stance", "us_critical")
    b = replace(a, value="china_neutral")
    other = replace(a, field="actor", value="Jane Roe")
    assert latest([a, other, b]) == {("a.txt", "h", "stance"): b, ("a.txt", "h", "actor"): other}


# ---------------------------------------------------------------------- applied to tables


def _corrections(table) -> list[Correction]:
    minister = _row(table, MINISTER)
    return [
        make_correction(minister, "stance", "none", author="first reviewer"),
        make_correction(minister, "stance", _other_label(table, minister["stance"])),
        make_correction(_row(table, ANALYSTS), "actor", "Maria Lopez"),
        make_correction(_row(table, QUOTE), "actor", ""),
    ]


@pytest.mark.parametrize("version", ["v1", "renumbered", "other_model"])
def test_corrections_win_and_survive_reanalysis_and_model_change(tables, version):
    made = _corrections(tables["v1"])  # made on the first analysis
    base = tables[version]
    out = apply_corrections(base, made)
    assert len(out) == len(base) and list(out.columns[: len(base.columns)]) == list(base.columns)
    minister, analysts, quote = (_row(out, t) for t in (MINISTER, ANALYSTS, QUOTE))
    # the stance: the last correction wins; the model's value is kept beside it
    assert minister["stance"] == minister["corrected_stance"] == made[1].value
    assert minister["model_stance"] == _row(base, MINISTER)["stance"]
    assert minister["stances"] == made[1].value and not minister["abstained"]
    assert minister["corrected_by"] == "person"
    # the actor
    assert analysts["actor"] == analysts["corrected_actor"] == "Maria Lopez"
    assert analysts["model_actor"] == _row(base, ANALYSTS)["actor"]
    assert analysts["actor_kind"] == "person" and analysts["corrected_by"] == "person"
    assert (quote["actor"], quote["actor_kind"], quote["corrected_actor"]) == ("", "narrator", "")
    # everything else stays the model's
    untouched = out[~out["text"].isin([MINISTER, ANALYSTS, QUOTE])]
    assert (untouched["stance"] == untouched["model_stance"]).all()
    assert (untouched[["corrected_stance", "corrected_actor", "corrected_by"]] == "").all().all()
    if version == "renumbered":
        assert minister["paragraph"] == made[0].paragraph + 1


def test_correction_to_an_actor_known_elsewhere_takes_their_profile(tables):
    table = tables["v1"]
    known = table[(table["actor"] != "") & (table["kind"] == "content")]
    assert not known.empty, "the attribution found no named speaker in the test corpus"
    actor = known.iloc[0]
    out = apply_corrections(table, [make_correction(_row(table, ANALYSTS), "actor", actor.actor)])
    row = _row(out, ANALYSTS)
    assert (row["actor_kind"], row["affiliation"]) == (actor.actor_kind, actor.affiliation)


def test_applying_is_pure_and_idempotent(tables):
    table = tables["v1"]
    before = table.copy()
    made = _corrections(table)
    once = apply_corrections(table, made)
    assert table.equals(before)
    assert apply_corrections(once, made).equals(once)
    assert model_values(once).equals(table)
    assert apply_corrections(once, []).equals(apply_corrections(table, []))
    assert (apply_corrections(once, [])["stance"] == table["stance"]).all()


def test_orphans_are_the_corrections_whose_paragraph_is_gone(tables):
    made = _corrections(tables["v1"])
    gone = replace(made[0], text_hash=digest("a paragraph that was edited away"))
    assert orphans(tables["renumbered"], [*made, gone]) == [gone]


# --------------------------------------------------------------------------- as gold


def test_corrections_as_gold_feed_evaluate(tables):
    table = tables["v1"]
    made = _corrections(table)
    gold = corrections_as_gold(table, made)
    by_text = {g["text"]: g for g in gold}
    assert set(by_text) == {MINISTER, ANALYSTS, QUOTE}
    assert by_text[MINISTER]["stance"] == made[1].value == by_text[MINISTER]["accept"][0]
    assert by_text[ANALYSTS]["actor"] == "Maria Lopez"
    assert by_text[ANALYSTS]["stance"] == (_row(table, ANALYSTS)["stance"] or "none")
    assert all(g["kind"] == "content" and g["doc"] == "story.txt" for g in gold)
    model = evaluate_table(table, gold)
    corrected = evaluate_table(apply_corrections(table, made), gold)
    assert model.matched == corrected.matched == 3
    assert model.accuracy < 1.0 and model.actor_accuracy < 1.0
    assert corrected.accuracy == 1.0 and corrected.actor_accuracy == 1.0
    assert corrections_as_gold(apply_corrections(table, made), made) == gold


@pytest.mark.parametrize("export_corrected", [False, True])
def test_cli_evaluate_with_corrections(tables, tmp_path, capsys, cache_dir, export_corrected):
    table = tables["v1"]
    made = _corrections(table)
    path = tmp_path / "corrections.jsonl"
    for c in made:
        append_correction(path, c)
    export = write_table(apply_corrections(table, made) if export_corrected else table,
                         tmp_path / "export.parquet")  # fmt: skip
    argv = ["evaluate", str(export), "--corrections", str(path), "--json"]
    assert main([*argv, "--cache-dir", str(cache_dir)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == report["matched"] == 3 and report["accuracy"] < 1.0
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps(corrections_as_gold(table, made)), "utf-8")
    assert main([*argv, "--gold", str(gold), "--cache-dir", str(cache_dir)]) == 0
    both = json.loads(capsys.readouterr().out)
    assert both["gold"] == both["corrections"] == report
    assert main([*argv[:4], "--cache-dir", str(cache_dir)]) == 0
    assert "stance accuracy" in capsys.readouterr().out
    assert read_table(export).shape[0] == len(table)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["evaluate", "x.parquet"], "needs --gold FILE or --corrections FILE"),
        (["evaluate", "--corrections", "/no/corrections.jsonl"], "corrections file not found"),
    ],
)
def test_cli_evaluate_clear_errors(argv, message, capsys, tmp_path):
    assert main([*argv, "--cache-dir", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err
