"""The sessions of tests/load/test_load.py: what each simulated user does, and page helpers.

Session 0 uploads and corrects a private corpus; the others filter the seeds. Every action
checks that session's own view and collects errors in ``Stats``.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, urlsplit

from tests.browser.conftest import VIEWPORT, rss_kb
from tests.browser.ui import IDLE, MARKS

PRIVATE = "Private-Gazette-7f3a"  # the source name of session 0's upload: nobody else sees it
ARTICLE = (
    "The senator said on Monday that the talks with Beijing had failed, according to a "
    "statement from her office.\n\nAnalysts in Washington disagreed with that assessment, "
    "a researcher at a policy institute said on Tuesday.\n"
)
# Streamlit's client probes <page>/_stcore/health before the root when a sub-page is opened
BENIGN = re.compile(r"/(reader|upload)/_stcore/(health|host-config)")


@dataclass
class Stats:
    actions: int = 0
    clicks: int = 0
    errors: list[str] = field(default_factory=list)
    benign: int = 0
    seconds: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)  # kB, sampled each second
    rss_warm: int = 0


async def settle(page) -> None:
    await page.wait_for_timeout(150)
    await page.wait_for_selector(IDLE, timeout=120_000)
    await page.wait_for_timeout(150)
    await page.wait_for_selector(IDLE, timeout=120_000)
    if await page.locator('[data-testid="stException"]').count():
        raise AssertionError(await page.locator('[data-testid="stException"]').first.inner_text())


async def main_text(page) -> str:
    return await page.locator('[data-testid="stMain"]').inner_text()


async def shows(page, needle: str, timeout: float = 120_000) -> str:
    """Wait until the main area contains ``needle`` (under load, a page switch can leave the
    previous page idle for a moment after the URL changed); returns the text."""
    from playwright.async_api import expect

    main = page.locator('[data-testid="stMain"]')
    await expect(main).to_contain_text(needle, timeout=timeout)
    return await main.inner_text()


async def gone(page, needle: str, timeout: float = 30_000) -> None:
    from playwright.async_api import expect

    await expect(page.locator('[data-testid="stMain"]')).not_to_contain_text(
        needle, timeout=timeout
    )


# the per-source chart's bars that have paragraphs (a count-0 bar has no width to click)
FILLED = '[role="graphics-symbol"][aria-label*="; source: "]:not([aria-label*="Paragraphs: 0;"])'


def clean(text: str, who: str) -> None:
    """Nothing of session 0's private corpus or correction in another session's view."""
    assert PRIVATE not in text, f"{who} saw the private corpus: {text[:200]!r}"
    assert "corrected:" not in text, f"{who} saw a correction: {text[:200]!r}"


async def source_groups(page, want: set[str], timeout: float = 60.0) -> set[str]:
    """The source groups drawn in the per-source chart, polled until they are ``want`` or
    ``timeout`` s pass. Vega draws each chart on its own after the run ends, so the speaker
    chart's marks (``MARKS`` matches both) can be there while the source chart is not yet."""
    await page.wait_for_selector(MARKS, state="attached", timeout=60_000)  # 0 bars: no width
    marks = page.locator('[role="graphics-symbol"][aria-label*="; source: "]')
    found: set[str] = set()
    until = time.perf_counter() + timeout
    while True:
        found = set()
        for mark in await marks.all():
            label = await mark.get_attribute("aria-label") or ""
            found.add(label.split("; source: ")[1].split(";")[0])
        if found == want or time.perf_counter() > until:
            return found
        await page.wait_for_timeout(250)


def watch(page, stats: Stats, base: str) -> None:
    def on_console(msg) -> None:
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "")
        if BENIGN.search(where):
            stats.benign += 1
        else:
            stats.errors.append(f"console: {msg.text[:200]} at {where[:120]}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: stats.errors.append(f"pageerror: {exc}"[:200]))
    page.on("dialog", lambda d: stats.errors.append(f"dialog: {d.message}"))
    page.on("framenavigated", lambda f: f.url.startswith(base) or stats.errors.append(f.url))


def own_filter(url: str) -> list[str]:
    return parse_qs(urlsplit(url).query).get("source", [])


async def timed(stats: Stats, coro) -> None:
    start = time.perf_counter()
    await coro
    stats.seconds.append(time.perf_counter() - start)
    stats.actions += 1


async def seeds_session(browser, base: str, k: int, source: str, n: int, deadline: float, stats):
    """Session k: its own source filter, clicks through the chart, the reader and back."""
    ctx = await browser.new_context(viewport=VIEWPORT)
    page = await ctx.new_page()
    watch(page, stats, base)
    mine = f"{base}/?source={quote(source)}"

    async def check(expect_rows: int | None = None) -> None:
        if expect_rows is not None:
            clean(await shows(page, f"{expect_rows} paragraphs from"), f"session {k}")
        clean(await main_text(page), f"session {k}")
        drawn = await source_groups(page, {source})
        assert drawn == {source}, f"session {k} lost its filter: the chart shows {drawn}"

    async def open_mine() -> None:
        await page.goto(mine)
        await settle(page)
        await check(n)

    await timed(stats, open_mine())
    toggle = k % 2 == 0
    while time.perf_counter() < deadline:

        async def click_bar() -> None:
            marks = page.locator(FILLED)
            await marks.nth(stats.clicks % max(await marks.count(), 1)).click()
            await page.wait_for_url(re.compile(r"sel_by=source"), timeout=60_000)
            await settle(page)
            assert set(own_filter(page.url)) == {source}, f"session {k}: {page.url}"
            await check()

        await timed(stats, click_bar())
        stats.clicks += 1
        if time.perf_counter() > deadline:
            break
        if toggle:

            async def narration() -> None:
                await page.get_by_text("Include narration").click()
                await settle(page)
                await check()

            await timed(stats, narration())
            stats.clicks += 1
        else:

            async def reader() -> None:
                link = page.get_by_text("Open in article").first
                if await link.count():
                    await link.click()
                    await page.wait_for_url(re.compile(r"/reader\?"), timeout=60_000)
                    await settle(page)
                    clean(await main_text(page), f"session {k} (reader)")
                    assert set(own_filter(page.url)) == {source}, f"session {k}: {page.url}"
                await page.goto(mine)
                await settle(page)
                await check(n)

            await timed(stats, reader())
            stats.clicks += 1
    await ctx.close()


async def private_session(browser, base: str, deadline: float, stats: Stats) -> None:
    """Session 0: uploads a corpus, corrects a paragraph, switches corpora back and forth."""
    ctx = await browser.new_context(viewport=VIEWPORT)
    page = await ctx.new_page()
    watch(page, stats, base)

    async def upload() -> None:
        await page.goto(base + "/upload")
        await settle(page)
        files = [{"name": "private.txt", "mimeType": "text/plain", "buffer": ARTICLE.encode()}]
        await page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(files)
        await page.get_by_role("button", name=re.compile(r"^Analyse")).wait_for(timeout=60_000)
        await settle(page)
        box = page.locator('[data-testid="stMain"] [data-testid="stTextInput"] input').nth(1)
        await box.fill(PRIVATE)
        await box.press("Enter")
        await settle(page)
        await page.get_by_role("button", name=re.compile(r"^Analyse")).click()
        await page.wait_for_url(re.compile(r"corpus="), timeout=300_000)
        await settle(page)
        await shows(page, PRIVATE)

    await timed(stats, upload())
    stats.clicks += 3
    corpus_url = page.url

    async def correct() -> None:
        await page.locator(FILLED).first.click()
        await page.wait_for_url(re.compile(r"sel_by=source"), timeout=60_000)
        await settle(page)
        card = page.locator('[class*="st-key-stance-"][class*="-card-"]').first
        await card.get_by_role("button", name=re.compile("Correct")).click()
        await settle(page)
        body = page.locator('[data-testid="stPopoverBody"]')
        await body.get_by_role("combobox").first.click()
        await page.get_by_role("option", name="Russia-aligned", exact=True).click()
        await body.get_by_role("button", name="Save").click()
        await settle(page)
        await page.goto(corpus_url.split("&")[0] + "&sel_by=source&sel=" + quote(PRIVATE)
                        + "&sel_stance=russia_aligned")  # fmt: skip
        await settle(page)
        await shows(page, "corrected: Russia-aligned")  # labels by their titles

    await timed(stats, correct())
    stats.clicks += 4
    while time.perf_counter() < deadline:

        async def switch() -> None:
            corpus = page.get_by_role("combobox", name=re.compile("Corpus"))
            await corpus.click()
            await page.get_by_role("option", name="Built-in seed articles").click()
            await settle(page)
            await shows(page, "corpus built-in seeds")
            await gone(page, PRIVATE)  # the private page's elements go when the run ends
            await page.goto(corpus_url)
            await settle(page)
            await shows(page, PRIVATE)
            await shows(page, "2 paragraphs from 1 article")

        await timed(stats, switch())
        stats.clicks += 2
    await ctx.close()


async def sample_rss(pid: int, until: float, peak: list[int]) -> None:
    while time.perf_counter() < until:
        peak.append(rss_kb(pid))
        await asyncio.sleep(1.0)
