"""Issue 18 in real Chromium: review three paragraphs (accept with Enter, relabel, fix the
speaker), retrain, and see the corrected paragraphs, the before/after figure and the head in
the URL; the head's URL opened in a fresh context shows the same model version."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from playwright.sync_api import expect

from dashboard.frames import filter_rows, prepare
from dashboard.state import ViewState
from dashboard.teach import queue
from tests.browser.ui import TITLES, open_view, settle

pytestmark = pytest.mark.browser

ITEM = '[class*="st-key-review-item"]'


@pytest.fixture(scope="module")
def todo(seed_table: pd.DataFrame) -> pd.DataFrame:
    return queue(filter_rows(prepare(seed_table), ViewState()))


def _current(page) -> str:
    return page.locator(f'{ITEM} [data-testid="stText"]').inner_text()


def _pick(page, title: str) -> None:
    page.locator(f'{ITEM} [data-testid="stSelectbox"]').click()
    page.get_by_role("option", name=title, exact=True).click()


def test_review_then_retrain(server_factory, cache_dir, new_page, todo, scheme, artifacts):
    base = server_factory("review", STANCEMAP_CACHE=str(cache_dir))
    first, second, third = (todo.iloc[i] for i in range(3))
    print("queue docs:", [str(r["doc"]) for r in (first, second, third)])
    page = new_page()
    open_view(page, base + "/review")
    main = page.locator('[data-testid="stMain"]')
    assert _current(page) == first["text"]
    speaker = page.get_by_label("Speaker (empty: the outlet's own narration)")
    speaker.press("Enter")  # 1. accept the model's stance from the keyboard
    settle(page)
    expect(page.locator(f'{ITEM} [data-testid="stText"]')).to_have_text(second["text"])
    new = next(s for s in scheme.label_names if s != second["stance"])
    _pick(page, TITLES[new])  # 2. relabel
    page.get_by_role("button", name="Save").click()
    settle(page)
    expect(page.locator(f'{ITEM} [data-testid="stText"]')).to_have_text(third["text"])
    speaker.fill("Wang Yi")  # 3. fix the speaker
    page.get_by_role("button", name="Save").click()
    settle(page)
    expect(main).to_contain_text("3 reviewed")
    expect(page.get_by_role("heading", name="Reviewed (3)")).to_be_visible()
    page.get_by_role("button", name="Retrain with 3 stance corrections").click()
    settle(page, 300_000)
    result = page.locator('[class*="st-key-retrain-result"]')
    expect(result).to_contain_text("Retrained: model version", timeout=300_000)
    head = parse_qs(urlsplit(page.url).query)["head"][0]
    assert re.fullmatch(r"[0-9a-f]{16}", head)
    expect(result).to_contain_text(head)
    articles = len({str(r["doc"]) for r in (first, second, third)})
    if articles >= 2:
        figure = page.locator('[class*="st-key-retrain-figure"]')
        expect(figure).to_contain_text("before (never saw the corrections)")
        expect(figure).to_contain_text("after (trained on the other articles' corrections)")
        print("before/after:", figure.inner_text())
    else:
        expect(result).to_contain_text("too few to say")
    print("result:", result.inner_text())
    expect(result).to_contain_text("Charts that moved")
    # the corrected paragraphs are listed as reviewed, under the new head too
    expect(main).to_contain_text("3 reviewed")
    expect(page.get_by_role("heading", name="Reviewed (3)")).to_be_visible()
    caption = page.locator(f'{ITEM} [data-testid="stCaptionContainer"]').first.inner_text()
    picked = page.locator(ITEM).get_by_role("combobox", name="Stance").input_value()
    assert f"model: {picked} (" in caption  # the form preselects the new head's stance
    page.screenshot(path=artifacts / "review-retrain.png")
    result.screenshot(path=artifacts / "review-retrain-result.png")
    fresh = new_page()  # the head's link in another browser: the same model version
    open_view(fresh, base + f"/review?head={head}")
    expect(fresh.locator('[data-testid="stMain"]')).to_contain_text(f"model version {head}")
    assert not fresh.locator('[data-testid="stAlert"]').filter(has_text="unknown").count()
    open_view(fresh, base + f"/?head={head}")  # the overview under that head
    settle(fresh)
    assert f"head={head}" in fresh.url
