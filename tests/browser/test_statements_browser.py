"""Issue 17 in real Chromium: the Statements page on the seeds, a click from a statement to
the paragraphs carrying it, the shared URL in a fresh context showing the same paragraphs, the
reader's link and the browser's Back, and the way back to the list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.ui import open_view, settle

pytestmark = pytest.mark.browser

PARAS = '[class*="-stmtpara-"]'
BLINKEN = "will take responsibility"


def _paragraphs(page) -> list[str]:
    expect(page.locator(PARAS).first).to_be_visible()
    return [p.inner_text() for p in page.locator(f'{PARAS} [data-testid="stText"]').all()]


def test_a_statement_opens_its_paragraphs_and_its_link_reproduces_them(
    server: str, new_page, artifacts
) -> None:
    page = new_page()
    open_view(page, server + "/statements", timeout=180_000)  # groups once (loads MiniLM)
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text("Antony Blinken")
    assert page.locator(PARAS).count() == 0
    card = (
        page.locator('[class*="st-key-stmt-"]')
        .filter(has_text=BLINKEN)
        .filter(has=page.get_by_role("button", name="Show paragraphs"))
        .first
    )
    expect(card).to_contain_text("The Wall Street Journal: quoted")
    expect(card).to_contain_text("CNN")
    card.get_by_role("button", name="Show paragraphs").click()
    page.wait_for_url(re.compile(r"[?&]stmt=\d+"))
    settle(page)
    opened = _paragraphs(page)
    assert len(opened) >= 2 and all("China" in t for t in opened)
    cards = page.locator(PARAS)
    assert any("The Wall Street Journal" in c.inner_text() for c in cards.all())
    assert any("CNN" in c.inner_text() for c in cards.all())
    page.screenshot(path=artifacts / "statements-drilldown.png")
    url = page.url

    fresh = new_page()  # the shared link, in a fresh browser context
    open_view(fresh, url)
    assert _paragraphs(fresh) == opened
    expect(fresh.locator('[data-testid="stSidebar"] code')).to_contain_text(
        url.split("/statements", 1)[1]
    )

    fresh.locator(PARAS).first.get_by_role("link", name=re.compile("Open in article")).click()
    fresh.wait_for_url(re.compile(r"/reader\?.*p=\d+"))
    settle(fresh)
    expect(fresh.locator('[data-testid="stMain"]')).to_contain_text("is the linked paragraph")
    fresh.go_back()  # the browser's Back: the statement again, with the same paragraphs
    fresh.wait_for_url(re.compile(r"/statements\?.*stmt=\d+"))
    settle(fresh)
    assert _paragraphs(fresh) == opened

    page.get_by_role("button", name="← All statements").click()  # back to the list
    page.wait_for_url(lambda u: "stmt=" not in u)
    settle(page)
    expect(page.locator(PARAS)).to_have_count(0)
    expect(main).to_contain_text(BLINKEN)
