"""Upload and corrections in real Chromium: hostile files through the upload path, and a
correction that survives a reload, a fresh browser context and the CSV export.

Each test starts its own server (own temporary workspace), so the seeds views that the other
browser tests check never see these corrections.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from dashboard.frames import filter_rows, mix, prepare, select_rows
from dashboard.state import Selection, ViewState, link
from tests.browser.ui import CARDS, bar_counts, card_texts, open_view, settle, upload

pytestmark = pytest.mark.browser

HOSTILE = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    ":red[x]",
)
EVIL_FILE = "<img src=x onerror=alert(1)>.txt"
EVIL_SOURCE = "Evil <b>Daily</b> [s](javascript:alert(4))"
EVIL_CORPUS = "<b>Corpus</b> [c](javascript:alert(3)) :red[c]"
EVIL_TEXT = (
    f'The minister said "{HOSTILE[0]} {HOSTILE[1]} {HOSTILE[2]} {HOSTILE[3]}" in a statement on '
    "Friday, according to officials.\n\nAnalysts in the capital disagreed with that view, "
    "Wang Lei, a professor at a university there, said on Saturday.\n"
)
BAD_FILES = [("empty file.txt", b""), ("binary.txt", b"\x00\x01\x02\xff" * 200)]


def _no_markup_from_text(page, base: str, navigations: list[str]) -> None:
    main = page.locator('[data-testid="stMain"]')
    assert main.locator('img[src="x"]').count() == 0
    assert main.locator("script").count() == 0
    assert page.locator('a[href^="javascript"]').count() == 0
    assert main.locator("b").filter(has_text="Daily").count() == 0
    assert all(url.startswith(base) for url in navigations), navigations


def test_hostile_upload_renders_literally(server_factory, cache_dir, new_page, dialogs, artifacts):
    base = server_factory("upload", STANCEMAP_CACHE=str(cache_dir))
    page = new_page()
    navigations: list[str] = []
    page.on("framenavigated", lambda f: navigations.append(f.url) if f == page.main_frame else 0)
    files = [(EVIL_FILE, EVIL_TEXT.encode()), *BAD_FILES]
    seconds = upload(page, base, EVIL_CORPUS, files, [EVIL_SOURCE, "Empty", "Binary"])
    assert re.search(r"[?&]corpus=[a-z0-9-]+", page.url)
    main = page.locator('[data-testid="stMain"]')
    # the chart's axis label (SVG text): Vega may still be redrawing for the width, so the
    # label is waited for, not read once (a single read once caught the chart mid-redraw)
    expect(main).to_contain_text(EVIL_SOURCE, timeout=30_000, use_inner_text=True)
    text = main.inner_text()
    assert f'Corpus "{EVIL_CORPUS}": 1 file stored' in text  # the flash message, literally
    for bad, _ in BAD_FILES:
        assert bad in text  # every problem file is named
    page.screenshot(path=artifacts / "upload-overview.png")
    _no_markup_from_text(page, base, navigations)

    page.get_by_role("link", name="Article reader").click()
    page.wait_for_url(re.compile(r"/reader"), timeout=60_000)
    # a page switch: wait for the reader's own title and article text, then the run's end
    expect(main.locator("h1")).to_have_text("Article reader", timeout=60_000)
    expect(main).to_contain_text(HOSTILE[2], timeout=60_000)
    settle(page)
    assert "corpus=" in page.url  # the page link kept the corpus
    text = main.inner_text()
    for literal in (*HOSTILE, EVIL_FILE, EVIL_SOURCE):
        assert literal in text, literal
    page.screenshot(path=artifacts / "upload-reader.png", full_page=True)
    _no_markup_from_text(page, base, navigations)
    assert not dialogs
    (artifacts / "upload-timing.json").write_text(json.dumps({"upload_analyse_s": seconds}))
    print(f"upload + analyse of {len(files)} files: {seconds:.2f} s")


@pytest.fixture(scope="module")
def rows(seed_table: pd.DataFrame) -> pd.DataFrame:
    return filter_rows(prepare(seed_table), ViewState())


def _largest_segment(rows: pd.DataFrame, labels) -> Selection:
    data = mix(rows, by="source", labels=labels)
    top = data.sort_values("count", ascending=False, kind="stable").iloc[0]
    return Selection("source", str(top["source"]), str(top["stance"]))


def _correct_first_card(page, stance: str) -> None:
    card = page.locator(CARDS).first
    card.get_by_role("button", name=re.compile("Correct")).click()
    settle(page)
    body = page.locator('[data-testid="stPopoverBody"]')
    body.get_by_role("combobox").first.click()
    page.get_by_role("option", name=stance, exact=True).click()
    body.get_by_role("button", name="Save").click()
    settle(page)


def test_correction_wins_everywhere_and_is_exported(
    server_factory, cache_dir, new_page, rows, scheme, artifacts: Path
) -> None:
    base = server_factory("corrections", STANCEMAP_CACHE=str(cache_dir))
    target = _largest_segment(rows, scheme.label_names)
    new = next(label for label in scheme.label_names if label != target.stance)
    first = select_rows(rows, target).iloc[0]
    url = link(ViewState(sel=target), base=base)
    page = new_page()
    open_view(page, url)
    card_texts(page, min(len(select_rows(rows, target)), 40))
    before = bar_counts(page, "source")
    _correct_first_card(page, scheme.titles[new])  # the control names labels by title
    expect(page.get_by_text("Correction saved")).to_be_visible()

    want = {
        (target.group, target.stance): before[(target.group, target.stance)] - 1,
        (target.group, new): before.get((target.group, new), 0) + 1,
    }

    def corrected(p) -> None:
        """The bars' counts moved by one paragraph (Vega may still be redrawing: poll)."""
        counts: dict = {}
        for _ in range(40):
            counts = bar_counts(p, "source")
            if all(counts.get(k, 0) == v for k, v in want.items()):
                return
            p.wait_for_timeout(250)
        raise AssertionError((counts, want))

    corrected(page)
    page.reload()
    settle(page)
    page.wait_for_selector('[role="graphics-symbol"]')
    corrected(page)
    # a fresh context: nothing but the URL and the server's corrections file
    fresh = new_page(accept_downloads=True)
    open_view(fresh, link(ViewState(sel=Selection("source", target.group, new)), base=base))
    corrected(fresh)
    note = f"corrected: {scheme.titles[new]} (model: {scheme.titles[target.stance]})"
    marked = fresh.locator(CARDS).filter(has_text=note)
    expect(marked).to_have_count(1)
    assert first["text"][:40] in marked.inner_text()
    marked.scroll_into_view_if_needed()
    fresh.screenshot(path=artifacts / "corrected.png")

    with fresh.expect_download() as download:  # the export of the corrected segment
        fresh.get_by_role("button", name="Download CSV").click()
    raw = Path(download.value.path()).read_bytes()
    export = pd.read_csv(io.BytesIO(raw), keep_default_na=False)
    row = export[export["text"] == first["text"]]
    assert len(row) == 1
    assert row.iloc[0]["stance"] == new and row.iloc[0]["corrected_stance"] == new
    assert row.iloc[0]["model_stance"] == target.stance
    assert row.iloc[0]["corrected_by"] == "person"
