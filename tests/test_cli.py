"""The command line, in process, with the real models."""

from __future__ import annotations

import json

import pytest

from models.cli import main
from models.table import read_table
from tests.conftest import DEV_GOLD, SEEDS

CP1252 = "Beijing’s envoy said the talks were “constructive” and called for a ceasefire – now."
UTF16 = "Washington’s sanctions have failed, the ministry said. Señor López agreed."


@pytest.fixture()
def messy_folder(tmp_path):
    d = tmp_path / "messy corpus"
    d.mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (d / "cp1252.txt").write_bytes(CP1252.encode("cp1252"))
    (d / "utf16.txt").write_bytes(UTF16.encode("utf-16"))
    (d / "plain ünïcode.md").write_text("# A heading\n\nThe talks ended on Friday.\n", "utf-8")
    return d


def test_analyze_skips_unreadable_files_and_keeps_the_rest(messy_folder, tmp_path, capsys):
    out = tmp_path / "out.csv"
    code = main(["analyze", str(messy_folder), "--out", str(out), "--cache-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 0
    assert "empty.txt" in err and "binary.txt" in err
    table = read_table(out)
    texts = " ".join(table["text"])
    assert CP1252 in texts and UTF16.split(",")[0] in texts
    assert "The talks ended on Friday." in texts
    assert set(table["doc"]) == {"cp1252.txt", "utf16.txt", "plain ünïcode.md"}


def test_analyze_nothing_readable_exits_2(tmp_path, capsys):
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["analyze", str(tmp_path), "--cache-dir", str(tmp_path / "c")]) == 2
    assert "nothing readable" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["analyze", "/no/such/folder"], "no/such/folder"),
        (["analyze", str(SEEDS), "--scheme", "/no/scheme.toml"], "scheme file not found"),
        (["analyze", str(SEEDS), "--out", "x.xlsx"], "use .parquet, .csv, .jsonl"),
        (["evaluate", "--gold", "/no/gold.json"], "gold.json"),
    ],
)
def test_clear_errors(argv, message, capsys, tmp_path):
    assert main([*argv, "--cache-dir", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_evaluate_prints_the_report(capsys, cache_dir):
    assert main(["evaluate", "--gold", str(DEV_GOLD), "--json", "--cache-dir", str(cache_dir)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 53 and report["matched"] == 53
    assert set(report["per_label"]) == {"none", "us_critical", "china_neutral", "russia_aligned"}
    assert report["macro_f1"] >= 0.55
    assert report["actor_accuracy"] is not None


def test_analyze_summary_follows_the_schemes_order(capsys, cache_dir):
    assert main(["analyze", str(SEEDS), "--quiet", "--cache-dir", str(cache_dir)]) == 0
    head = capsys.readouterr().out.splitlines()[0].split()
    assert head == ["us_critical", "china_neutral", "russia_aligned", "none", "total"]


def test_evaluate_says_its_figure_is_in_sample(capsys, cache_dir):
    assert main(["evaluate", "--gold", str(DEV_GOLD), "--cache-dir", str(cache_dir)]) == 0
    assert "in-sample" in capsys.readouterr().err


def test_actors_lists_speakers(capsys, cache_dir):
    assert main(["actors", str(SEEDS), "--cache-dir", str(cache_dir)]) == 0
    out = capsys.readouterr().out
    assert "Blinken" in out and "Psaki" in out
