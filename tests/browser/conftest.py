"""Browser-test fixtures: a real `streamlit run` server on a free port, and Debian's Chromium.

The seeds are analysed once (the session fixture from tests/conftest.py) into a temporary cache;
the server finds it through STANCEMAP_CACHE, so it starts without loading a model. Every server
gets its own temporary STANCEMAP_WORKSPACE (uploads, corrections): tests never touch ~/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 900}
SERVERS: dict[str, subprocess.Popen] = {}  # base URL -> its process (for RSS readings)


def rss_kb(pid: int) -> int:
    """Resident memory of a process in kB, from /proc (no psutil needed); 0 if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90.0) -> float:
    """Poll /_stcore/health until it answers "ok"; returns the seconds it took."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.read().decode().strip() == "ok":
                    return time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"streamlit at {url} not healthy after {timeout} s")


def start_server(env_extra: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STANCEMAP_TIMING": "1", **env_extra}
    log.parent.mkdir(parents=True, exist_ok=True)
    out = log.open("w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
    except Exception:
        proc.terminate()
        raise
    return proc, url


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def server_factory(artifacts: Path, tmp_path_factory) -> Iterator[Callable[..., str]]:
    """Start servers on demand (stopped at the end of the session); returns their base URLs."""
    procs: list[subprocess.Popen] = []

    def start(name: str, **env: str) -> str:
        env.setdefault("STANCEMAP_WORKSPACE", str(tmp_path_factory.mktemp(f"ws-{name}")))
        proc, url = start_server(env, artifacts / f"server-{name}.log")
        procs.append(proc)
        SERVERS[url] = proc
        return url

    yield start
    for proc in procs:
        stop_server(proc)


@pytest.fixture(scope="session")
def server(server_factory, seed_analysis, cache_dir: Path) -> str:
    """A dashboard over the analysed seeds."""
    return server_factory("seeds", STANCEMAP_CACHE=str(cache_dir))


@pytest.fixture(scope="session")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} missing: apt-get install chromium (never `playwright install`)")
    with playwright.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def dialogs() -> list[str]:
    """Messages of every JavaScript dialog (alert/confirm) any page opened: must stay empty."""
    return []


@pytest.fixture
def new_page(browser, dialogs: list[str]):
    """A page in a fresh browser context (no shared session or storage); closed afterwards."""
    contexts = []

    def make(**options):
        ctx = browser.new_context(viewport=VIEWPORT, **options)
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        return page

    yield make
    for ctx in contexts:
        ctx.close()
