"""Reading a corpus: the formats (HTML, Markdown, CSV, JSON Lines and JSON records)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.corpus import read_corpus
from models.formats import Record, csv_records
from models.segment import segment_document
from tests.corpus_helpers import P1, P2, reasons, texts, write


def test_html_text_only(tmp_path: Path) -> None:
    html = """<!doctype html><html><head><title>Port talks</title>
    <meta property="article:published_time" content="2023-05-02T10:00:00Z">
    <style>p { color: red }</style><script>var x = "<p>not text</p>";</script></head>
    <body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
    <!-- a comment that is not text -->
    <article><h1>Port talks resume</h1><p>Officials met on   Tuesday to discuss
    the dispute.</p><div>Fish &amp; chips&nbsp;&mdash; “cheap”<br>and cheerful.</div></article>
    <footer>© 2023 Example</footer></body></html>"""
    write(tmp_path, "page.html", html)
    docs, problems = read_corpus([tmp_path])
    assert problems == []
    assert (docs[0].title, docs[0].date) == ("Port talks", "2023-05-02")
    assert texts(docs) == [
        "Port talks resume",
        P1,
        "Fish & chips \u2014 “cheap” and cheerful.",
    ]


CSV = (
    "id,title,body,source,date\n"
    '1,First,"Officials met on Tuesday to discuss the dispute.",Daily,2023-05-02\n'
    "2,Second,The next round of talks is planned for May.\n"  # short row: keeps its text
    "3,Third,Extra fields shift everything,Daily,2023-05-02,oops,again\n"
    "4,Fourth,,Daily,2023-05-02\n"
    '5,Fifth,"An unbalanced quote swallows lines,Daily,2023-05-02\n'
    '6,Sixth,"Multi-line text\n\nis fine when quoted.",Weekly,May 3 2023\n'
    "7,Seventh,Trailing commas are harmless.,Daily,2023-05-02,,\n"
)
JSONL = "\n".join(
    [
        json.dumps({"id": "a1", "content": P1, "source": "Daily", "extra": [1, 2]}),
        "{broken json",
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "a4", "title": "no text here"}),
        json.dumps({"text": [P2, "Second paragraph."], "outlet": "Weekly"}),
        "",
    ]
)


@pytest.mark.parametrize(
    ("name", "data", "docs_expected", "problems_expected"),
    [
        (
            "table.csv",
            CSV,
            [
                ("table.csv#1", "Daily", "2023-05-02", [P1]),
                ("table.csv#2", "table", "", [P2]),
                ("table.csv#6", "Weekly", "", ["Multi-line text", "is fine when quoted."]),
                ("table.csv#7", "Daily", "2023-05-02", ["Trailing commas are harmless."]),
            ],
            ["line 4: 7 fields", "line 5: empty text", "line 6: 3 fields"],
        ),
        (
            "rows.jsonl",
            JSONL,
            [
                ("rows.jsonl#a1", "Daily", "", [P1]),
                ("rows.jsonl#5", "Weekly", "", [P2, "Second paragraph."]),
            ],
            ["line 2: invalid JSON", "line 3: not a JSON object", "line 4: no text field"],
        ),
        (
            "items.json",
            json.dumps({"articles": [{"body": P1, "date": "2023-05-02"}, {"title": "x"}, 3]}),
            [("items.json#1", "items", "2023-05-02", [P1])],
            ["item 2: no text field", "item 3: not a JSON object"],
        ),
        ("broken.json", '{"articles": [', [], ["invalid JSON"]),
    ],
)
def test_records(
    tmp_path: Path,
    name: str,
    data: str,
    docs_expected: list[tuple[str, str, str, list[str]]],
    problems_expected: list[str],
) -> None:
    write(tmp_path, name, data)
    docs, problems = read_corpus([tmp_path])
    got = [(d.doc, d.source, d.date, [p.text for p in segment_document(d)]) for d in docs]
    assert got == docs_expected
    assert [p.reason.split(" (")[0].split(" where")[0] for p in problems] == problems_expected


def test_bad_lines_are_capped(tmp_path: Path) -> None:
    lines = ["{bad"] * 30 + [json.dumps({"text": P1})]
    write(tmp_path, "many.jsonl", "\n".join(lines))
    docs, problems = read_corpus([tmp_path])
    assert texts(docs) == [P1]
    assert len(problems) == 21
    assert "10 more bad line(s)" in problems[-1].reason


def test_explicit_csv_without_text_column_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "people.csv", "name,role\nA,B\n")
    docs, problems = read_corpus([path])
    assert docs == []
    assert reasons(problems) == "people.csv: no text column (columns: name, role)"


def test_markdown(tmp_path: Path) -> None:
    write(tmp_path, "note.md", f"# Port talks\n\n{P1} See [the report](http://x) **now**.\n")
    docs, problems = read_corpus([tmp_path])
    assert problems == []
    assert [(p.kind, p.text) for p in segment_document(docs[0])] == [
        ("heading", "Port talks"),
        ("content", f"{P1} See the report now."),
    ]


# -- CSV quoting: a quote never closed must not swallow the rows after it -----------------------

HEAD = "id,text,source\n"


@pytest.mark.parametrize(
    ("body", "records", "problems"),
    [
        (  # well-formed multi-line quoted fields stay whole, even lines that look like rows
            '1,"First line,\n2,second line with ""quotes""\n\nend.",A\n3,"Plain.",B\n',
            [("1", 'First line,\n2,second line with "quotes"\n\nend.', "A"), ("3", "Plain.", "B")],
            [],
        ),
        (  # the next row's opening quote closes the runaway field
            '1,"He said hello,A\n2,"World.",B\n3,"Again.",C\n',
            [("1", '"He said hello', "A"), ("2", "World.", "B"), ("3", "Again.", "C")],
            ["line 2: unbalanced quote ran into the next lines; read on its own"],
        ),
        (  # no quote after it: the field would run to the end of the file
            '1,A,B\n2,"He said hello,A\n3,World.,B\n4,Again.,C\n',
            [
                ("1", "A", "B"),
                ("2", '"He said hello', "A"),
                ("3", "World.", "B"),
                ("4", "Again.", "C"),
            ],
            ["line 3: unbalanced quote ran into the next lines; read on its own"],
        ),
        (  # malformed inner quotes, but the next line is no row: one record, as before
            '1,"Multi\nline "quoted" word",A\n2,Next.,B\n',
            [("1", 'Multi\nline quoted" word"', "A"), ("2", "Next.", "B")],
            [],
        ),
        (  # a blank after a closing quote is sloppy, not unbalanced: the field stays whole
            '1,"Tariffs rose\nsanctions, and more" ,A\n2,Next.,B\n',
            [("1", "Tariffs rose\nsanctions, and more ", "A"), ("2", "Next.", "B")],
            [],
        ),
        (  # a quote inside an unquoted field is literal and harmless
            '1,A 5" screen,A\n2,Next.,B\n',
            [("1", 'A 5" screen', "A"), ("2", "Next.", "B")],
            [],
        ),
    ],
)
def test_csv_unbalanced_quotes(
    body: str, records: list[tuple[str, str, str]], problems: list[str]
) -> None:
    got = list(csv_records(HEAD + body))
    assert [(r.key, r.text, r.meta.get("source")) for r in got if isinstance(r, Record)] == records
    assert [r for r in got if isinstance(r, str)] == problems


@pytest.mark.parametrize("text_last", [True, False])
def test_csv_with_one_bad_row_loses_no_other_row(tmp_path: Path, text_last: bool) -> None:
    rows = [(str(n), f"Article {n} says the talks went on.") for n in range(1, 7)]
    lines = [f'{k},"{t}"' if text_last else f'"{t}",{k}' for k, t in rows]
    cut = lines[2].rindex('"')
    lines[2] = lines[2][:cut] + lines[2][cut + 1 :]  # row 3: its quote is never closed
    header = "id,text" if text_last else "text,id"
    write(tmp_path, "table.csv", "\n".join([header, *lines, ""]))
    docs, problems = read_corpus([tmp_path])
    assert [(d.doc, d.text.strip('"')) for d in docs] == [(f"table.csv#{k}", t) for k, t in rows]
    assert reasons(problems) == (
        "table.csv: line 4: unbalanced quote ran into the next lines; read on its own"
    )
