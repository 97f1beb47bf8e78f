"""Issue 18 in real Chromium: counts and intervals on the overview, a shared link with a scheme,
a minimum count and a time range reproduced in a fresh context, a bad scheme file refused,
and "Open in article" landing on its paragraph."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from playwright.sync_api import expect

from dashboard.frames import filter_rows, mix, prepare
from dashboard.schemes import scheme_folder
from dashboard.state import ViewState
from models.schemes import DEFAULT_SCHEME
from models.workspace import Workspace
from tests.browser.ui import CARDS, MARKS, open_view, settle
from tests.corpus_helpers import dated_jsonl

pytestmark = pytest.mark.browser

EVAL = Path(__file__).parents[1] / "data" / "scheme_fixture_eval.json"
CHART = '[data-testid="stVegaLiteChart"]'


@pytest.fixture(scope="module")
def rows(seed_table: pd.DataFrame) -> pd.DataFrame:
    return filter_rows(prepare(seed_table), ViewState())


def test_every_bar_shows_its_count_and_interval(server: str, new_page, rows, scheme, artifacts):
    page = new_page()
    open_view(page, server + "/")
    chart = page.locator(CHART).first  # per source
    want = mix(rows, by="source", labels=scheme.label_names)
    bars = chart.locator(MARKS)
    assert bars.count() == len(want)
    counts = [t.text_content() for t in chart.locator("g.mark-text.role-mark text").all()]
    assert sorted(int(c) for c in counts) == sorted(want["count"].tolist())  # printed, visible
    assert chart.locator("g.mark-rule.role-mark line").count() == len(want)  # one whisker per bar
    label = bars.first.get_attribute("aria-label") or ""
    assert "Interval from: " in label and "Interval to: " in label
    lines = page.get_by_text(re.compile(r"^Number: paragraphs\. Whiskers: 95 % interval"))
    expect(lines).to_have_count(3)
    assert "precision and recall" in lines.first.inner_text()  # the shipped held-out figures
    page.screenshot(path=artifacts / "counts-intervals.png")
    csv, parquet = (
        page.get_by_role("button", name=n) for n in ("Download CSV", "Download Parquet")
    )
    a, b = csv.bounding_box(), parquet.bounding_box()
    assert a and b and abs(a["y"] - b["y"]) < 5  # side by side,
    assert 0 <= b["x"] - (a["x"] + a["width"]) < 40  # next to each other


@pytest.fixture(scope="module")
def prepared_server(server_factory, cache_dir, seed_analysis, tmp_path_factory):
    """A server whose workspace holds an uploaded scheme (with a measured-error file) and a
    dated corpus; returns (base URL, corpus id, workspace)."""
    ws = tmp_path_factory.mktemp("ws-shared")
    folder = scheme_folder(ws)
    folder.mkdir()
    text = DEFAULT_SCHEME.read_text("utf-8")
    text = text.replace('name = "us-china-russia"', 'name = "renamed copy"', 1)
    text = text.replace('title = "US-critical"', 'title = "Critical of the US"', 1)
    (folder / "copy.toml").write_text(text)
    shutil.copy(EVAL, folder / "copy_eval.json")
    info = Workspace(ws).create_corpus("Dated", [("dated.jsonl", dated_jsonl())], {})
    base = server_factory("shared", STANCEMAP_CACHE=str(cache_dir), STANCEMAP_WORKSPACE=str(ws))
    return base, info.id, ws


def _view(page) -> dict[str, object]:
    """What a view shows: the bars' labels, the captions and notices, the legend."""
    main = page.locator('[data-testid="stMain"]')
    return {
        "bars": sorted(m.get_attribute("aria-label") for m in page.locator(MARKS).all()),
        "caption": main.get_by_text(re.compile(r"paragraphs from \d+ article")).inner_text(),
        "info": [a.inner_text() for a in main.locator('[data-testid="stAlert"]').all()],
    }


def test_a_shared_link_with_scheme_minimum_and_time_range(prepared_server, new_page, artifacts):
    base, corpus, _ = prepared_server
    query = f"corpus={corpus}&scheme=copy&min_n=3&from=2022-03-08&to=2022-03-15&t_by=speaker"
    page = new_page()
    open_view(page, f"{base}/?{query}")
    seen = _view(page)
    assert "scheme renamed copy" in seen["caption"] and seen["caption"].startswith("8 paragraphs")
    assert any("Only paragraphs dated 2022-03-08 to 2022-03-15" in i for i in seen["info"])
    assert page.get_by_text("Critical of the US").count() >= 1  # the scheme's titles
    expect(page.get_by_text(re.compile("precision and recall")).first).to_be_visible()
    groups = {re.search(r"source: ([^;]+);", b).group(1) for b in seen["bars"] if "source: " in b}
    assert groups == {"Daily Planet", "Morning Star"}  # 4 paragraphs each: over min_n=3
    assert all("speaker: " not in b or "Paragraphs" in b for b in seen["bars"])
    assert parse_qs(urlsplit(page.url).query) == parse_qs(query)  # nothing dropped
    page.screenshot(path=artifacts / "shared-scheme-range.png")

    fresh = new_page()  # a new context: only the URL carries the view
    open_view(fresh, page.url)
    assert _view(fresh) == seen


def test_a_bad_scheme_file_is_refused_and_changes_nothing(prepared_server, new_page, artifacts):
    base, _, ws = prepared_server
    before = sorted(p.name for p in scheme_folder(ws).iterdir())
    page = new_page()
    open_view(page, base + "/scheme")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [{"name": "broken.toml", "mimeType": "text/plain", "buffer": b"name = 'x'\n[[labels]\n"}]
    )
    go = page.get_by_role("button", name="Check and add this scheme")
    go.wait_for(timeout=30_000)
    settle(page)
    go.click()
    settle(page)
    error = page.locator('[data-testid="stAlertContentError"]')
    expect(error).to_contain_text("Not added (nothing was stored)")
    expect(error).to_contain_text("broken.toml: not valid TOML")
    assert sorted(p.name for p in scheme_folder(ws).iterdir()) == before
    assert "scheme=" not in page.url
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("us-china-russia · 3 labels and none")).to_have_count(1)  # as before
    page.screenshot(path=artifacts / "bad-scheme.png")


def test_open_in_article_lands_on_its_paragraph(server: str, new_page, rows, artifacts) -> None:
    target = rows[rows["paragraph"] >= 20].iloc[0]  # far down its article
    query = f"sel_by=source&sel={target['source']}&sel_stance={target['stance']}"
    page = new_page()
    open_view(page, f"{server}/?{query}")
    card = page.locator('[class*="-card-"]').filter(has_text=target["text"][:40]).first
    card.get_by_text("Open in article").click()
    page.wait_for_url(re.compile(r"/reader\?"))
    settle(page)
    linked = page.locator('[class*="st-key-stance-"][class*="-linked"]')
    expect(linked).to_have_count(1, timeout=60_000)
    assert target["text"][:40] in linked.inner_text()
    assert f"¶{int(target['paragraph']) + 1} ·" in linked.inner_text()
    box = linked.bounding_box()
    assert box is not None and box["y"] + box["height"] / 2 < page.viewport_size["height"]
    page.screenshot(path=artifacts / "reader-linked.png")


def test_page_links_keep_the_scheme_and_stance_filter(prepared_server, new_page) -> None:
    base, _, _ = prepared_server
    page = new_page()
    open_view(page, f"{base}/?scheme=copy&stance=none&min_n=2")
    main = page.locator('[data-testid="stMain"]')
    for name, path in (("Scheme", "/scheme"), ("Article reader", "/reader"), ("Overview", "/")):
        page.get_by_role("link", name=name).first.click()
        page.wait_for_url(re.compile(re.escape(base + path) + r"\?"))
        settle(page)
        query = parse_qs(urlsplit(page.url).query)
        assert query.get("scheme") == ["copy"] and query.get("stance") == ["none"], page.url
        assert page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').count() == (
            4 if path == "/" else 0
        )  # the filters show where they apply, and come back with their values
    expect(main.get_by_text(re.compile(r"scheme renamed copy"))).to_have_count(1)
    assert parse_qs(urlsplit(page.url).query)["min_n"] == ["2"]


def test_a_point_over_time_lists_its_paragraphs(prepared_server, new_page, scheme) -> None:
    base, corpus, _ = prepared_server
    page = new_page()
    open_view(page, f"{base}/?corpus={corpus}")
    points = page.locator('[role="graphics-symbol"][aria-roledescription="point"]')
    counts = {}
    for p in points.all():
        fields = dict(f.split(": ", 1) for f in (p.get_attribute("aria-label") or "").split("; "))
        counts[(fields["Day from"], fields["Stance"])] = int(fields["Paragraphs"])
    assert len(counts) == 3 * len(scheme.label_names)  # 3 days, every label
    hit = next(p for p in points.all() if "Paragraphs: 0;" not in p.get_attribute("aria-label"))
    hit.click(force=True)  # a point of the same share may lie on it: that one is picked
    page.wait_for_url(re.compile(r"from=2022"))
    settle(page)
    query = parse_qs(urlsplit(page.url).query)
    assert query["from"] == query["to"] and query["sel_by"] == ["source"]
    want = counts[(query["from"][0], scheme.titles[query["sel_stance"][0]])]
    assert want > 0
    expect(page.locator(CARDS)).to_have_count(want)
    expect(page.get_by_text(re.compile("Only paragraphs dated"))).to_have_count(1)


def upload_scheme(page, base: str, name: str, text: str, scheme_id: str) -> None:
    """Upload a scheme file on the Scheme page and wait until the URL picks it."""
    open_view(page, base + "/scheme")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [{"name": name, "mimeType": "text/plain", "buffer": text.encode()}]
    )
    go = page.get_by_role("button", name="Check and add this scheme")
    go.wait_for(timeout=30_000)
    settle(page)
    go.click()
    page.wait_for_url(re.compile(rf"scheme={re.escape(scheme_id)}"), timeout=120_000)


def test_a_good_scheme_file_is_stored_and_picked(prepared_server, new_page, artifacts) -> None:
    base, _, ws = prepared_server
    text = DEFAULT_SCHEME.read_text("utf-8")
    text = text.replace('name = "us-china-russia"', 'name = "Uploaded lens"', 1)
    page = new_page()
    upload_scheme(page, base, "lens.toml", text, "uploaded-lens")
    settle(page, 300_000)
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text('Scheme "Uploaded lens" added', timeout=120_000)
    expect(main.get_by_text(re.compile(r"^Uploaded lens · 3 labels"))).to_have_count(1)
    assert (scheme_folder(ws) / "uploaded-lens.toml").read_text("utf-8") == text
    page.screenshot(path=artifacts / "scheme-uploaded.png")


DESCRIPTIONS_ONLY = """name = "Peace or war"
[[labels]]
name = "peace"
title = "Calls for peace"
description = "Calls for peace talks, a ceasefire, dialogue or negotiation."
[[labels]]
name = "war"
title = "Calls for arms"
description = "Calls for more weapons, sanctions, escalation or military victory."
[[labels]]
name = "none"
description = "Reports events without taking a side."
"""


def test_a_descriptions_only_scheme_trains_and_draws(prepared_server, new_page, artifacts):
    """A scheme of labels and descriptions alone: uploaded, its head trained on first use (the
    progress bar names the stage), and the charts drawn under its labels."""
    base, _, _ = prepared_server
    page = new_page()
    upload_scheme(page, base, "peace.toml", DESCRIPTIONS_ONLY, "peace-or-war")
    open_view(page, base + "/?scheme=peace-or-war")
    expect(page.locator(CHART).first).to_be_visible(timeout=300_000)
    settle(page, 300_000)
    labels = " ".join(m.get_attribute("aria-label") or "" for m in page.locator(MARKS).all())
    assert "Calls for peace" in labels and "Calls for arms" in labels
    assert not page.locator('[data-testid="stException"]').count()
    page.screenshot(path=artifacts / "descriptions-only-scheme.png")
