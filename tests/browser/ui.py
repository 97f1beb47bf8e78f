"""Helpers shared by the browser and load tests: wait for a run, find bars and cards, upload."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from models.schemes import load_scheme

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CARDS = '[class*="st-key-stance-"][class*="-card-"]'
MARKS = '[role="graphics-symbol"][aria-label*="; Stance: "]'
TITLES = load_scheme().titles  # the charts name labels by their titles (the default scheme's)
IDS = {title: label for label, title in TITLES.items()}


def settle(page, timeout: float = 60_000) -> None:
    """Wait until the script run triggered last has finished, then check for tracebacks."""
    page.wait_for_timeout(150)
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_timeout(150)
    page.wait_for_selector(IDLE, timeout=timeout)
    assert page.locator('[data-testid="stException"]').count() == 0


DRAWN = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .every(chart => chart.querySelector('svg .role-mark'))"""


def wait_charts(page) -> None:
    """Vega draws each chart's marks on its own after the run ends (and may redraw once for
    the width): wait until every chart on the page has drawn its mark groups."""
    if page.locator('[data-testid="stVegaLiteChart"]').count():
        page.wait_for_selector(MARKS, state="attached")  # a count-0 bar has no width
        page.wait_for_function(DRAWN)
        page.wait_for_timeout(300)


def open_view(page, url: str, timeout: float = 60_000) -> float:
    """Open ``url`` and wait for the first full render; returns the seconds it took."""
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]')
    settle(page, timeout)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout)  # every page's title
    settle(page, timeout)
    wait_charts(page)
    return time.perf_counter() - start


def bar(page, by: str, group: str, stance: str):
    """The bar of label id ``stance`` in ``group`` (its aria-label names the label's title)."""
    label = f"{by}: {group}; label: {TITLES.get(stance, stance)};".replace('"', '\\"')
    return page.locator(f'[role="graphics-symbol"][aria-label*="{label}"]')


def bar_counts(page, by: str) -> dict[tuple[str, str], int]:
    """(group, stance) -> paragraphs, read from the bars' aria-labels (the tooltip fields)."""
    out = {}
    for mark in page.locator(f'[role="graphics-symbol"][aria-label*="; {by}: "]').all():
        label = mark.get_attribute("aria-label") or ""
        fields = dict(part.split(": ", 1) for part in label.split("; ") if ": " in part)
        out[(fields[by], IDS.get(fields["Stance"], fields["Stance"]))] = int(fields["Paragraphs"])
    return out


def card_texts(page, n: int | None = None) -> list[str]:
    """The drill-down cards' texts (after waiting for ``n`` of them, when given)."""
    if n is not None:
        expect(page.locator(CARDS)).to_have_count(n)
        if n:  # the last card is complete once its reader link is drawn
            expect(page.locator(CARDS).last).to_contain_text("Open in article")
    return [c.inner_text() for c in page.locator(CARDS).all()]


def server_ms(page) -> float:
    text = page.get_by_text(re.compile(r"^render \d+ ms")).first.inner_text()
    return float(text.split()[1])


def upload(page, base: str, name: str, files: list[tuple[str, bytes]], sources: list[str]):
    """Upload ``files`` on the Upload page, name their sources, Analyse; returns the seconds
    from the click to the new corpus's overview."""
    open_view(page, base + "/upload")
    page.get_by_label("Corpus name").fill(name)
    page.get_by_label("Corpus name").press("Enter")
    settle(page)
    payload = [{"name": n, "mimeType": "text/plain", "buffer": b} for n, b in files]
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(payload)
    go = page.get_by_role("button", name=re.compile(r"^Analyse \d+ file"))
    go.wait_for(timeout=30_000)
    settle(page)
    inputs = page.locator('[data-testid="stMain"] [data-testid="stTextInput"] input')
    for i, source in enumerate(sources):
        box = inputs.nth(i + 1)  # the first is the corpus name
        box.fill(source)
        box.press("Enter")
        settle(page)
    start = time.perf_counter()
    go.click()
    page.wait_for_url(re.compile(r"corpus="), timeout=60_000)
    settle(page, 300_000)
    # the page switch can leave the client idle for a moment after the URL changed (seen on a
    # cold machine): the new overview is there once its success message is
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text("stored and analysed", timeout=120_000)
    settle(page)
    wait_charts(page)
    return time.perf_counter() - start
