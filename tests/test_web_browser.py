"""The web app in a real browser: headless Chromium (Debian's chromium + chromium-driver)
driven by Selenium against ``newsgraph serve`` on 127.0.0.1.

Screenshots land in ``artifacts/screenshots/``. Install the browser with
``scripts/install-browser.sh`` (``make test`` does); without it these tests skip.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsgraph import config
from newsgraph.stages import STAGES
from newsgraph.store import Store
from web_support import HOSTILE, SEED, annotated_article, hostile_article

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
DRIVER = Path("/usr/bin/chromedriver")
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "artifacts" / "screenshots"

if not (CHROMIUM.exists() and DRIVER.exists()):
    pytest.skip(
        "needs /usr/bin/chromium and /usr/bin/chromedriver (run scripts/install-browser.sh)", allow_module_level=True
    )
selenium = pytest.importorskip("selenium", reason="needs selenium (pip install -e .)")

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

HAS_QUOTES = any("quotes" in stage.assigns for stage in STAGES)
HAS_PLACES = any("places" in stage.assigns for stage in STAGES)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``newsgraph serve`` in a child process, on a free port of 127.0.0.1."""

    def __init__(self, db: Path, token: str | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        cmd = [sys.executable, "-m", "newsgraph.cli", "serve", "--db", str(db), "--port", str(self.port)]
        if token:
            cmd += ["--token", token]
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited: {self.proc.stdout.read().decode() if self.proc.stdout else ''}")
            try:
                with urllib.request.urlopen(self.url + "/api/stats", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("serve did not answer within 60 s")

    def get(self, path: str) -> object:
        with urllib.request.urlopen(self.url + path, timeout=10) as r:
            return json.loads(r.read())

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed article through the real pipeline, plus a hand-annotated and a hostile record."""
    from newsgraph import jobs

    folder = tmp_path_factory.mktemp("web")
    db = folder / "web.duckdb"
    hostile = folder / "hostile-ingested.txt"  # through the real reader and pipeline, too
    hostile.write_text(
        f"Ingested {HOSTILE}\n\nPresident Emmanuel Macron said in Paris on Monday that {HOSTILE} was news.\n",
        encoding="utf-8",
    )
    settings = config.load(workers=1, db=str(db))
    with Store(db) as store:
        summary = jobs.ingest_paths([SEED, hostile], settings, store)
        assert summary.stored == 2
        store.write([annotated_article(), hostile_article()], "test")
    return db


@pytest.fixture(scope="module")
def server(store_path: Path) -> Iterator[Server]:
    srv = Server(store_path)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
    ):
        options.add_argument(arg)
    service = webdriver.ChromeService(executable_path=str(DRIVER))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def open_view(browser: webdriver.Chrome, url: str) -> None:
    """Load a route and wait until the app says it rendered it (or failed)."""
    browser.get("about:blank")
    browser.get(url)
    WebDriverWait(browser, 20).until(lambda d: d.find_element(By.ID, "view").get_attribute("data-ready"))
    assert browser.find_element(By.ID, "view").get_attribute("data-ready") != "error", browser.find_element(
        By.ID, "view"
    ).text


def shot(browser: webdriver.Chrome, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    browser.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    return path


def seed_id(server: Server) -> str:
    page = server.get("/api/documents?q=alignment%20of%20positions&source=")
    assert isinstance(page, dict)
    ids = [d["id"] for d in page["items"] if not d["id"].startswith("annotated")]
    assert ids, page
    return str(ids[0])


def test_seed_article_page(server: Server, browser: webdriver.Chrome) -> None:
    open_view(browser, f"{server.url}/#/doc/{seed_id(server)}")
    title = browser.find_element(By.ID, "article-title").text
    assert title == "Moscow-Washington deal on Syria may happen in coming days: Putin"
    putin = browser.find_elements(By.CSS_SELECTOR, '#article-text .hl-entity[data-entity="Vladimir Putin"]')
    assert putin and any(p.text in ("Putin", "Vladimir Putin") for p in putin)
    ActionChains(browser).move_to_element(putin[0]).perform()
    tip = browser.find_element(By.ID, "tip")
    WebDriverWait(browser, 5).until(lambda d: tip.is_displayed())
    assert "Vladimir Putin" in tip.text and "PERSON" in tip.text
    shot(browser, "seed-article")


@pytest.mark.skipif(not HAS_QUOTES, reason="no quotes stage is registered in STAGES yet (issue: quotes)")
def test_seed_putin_quote_highlighted(server: Server, browser: webdriver.Chrome) -> None:
    open_view(browser, f"{server.url}/#/doc/{seed_id(server)}")
    quotes = browser.find_elements(By.CSS_SELECTOR, '#article-text .hl-quote[data-speaker="Vladimir Putin"]')
    assert "alignment of positions" in " ".join(q.text for q in quotes)
    shot(browser, "seed-article-quotes")


@pytest.mark.skipif(not HAS_PLACES, reason="no places stage is registered in STAGES yet (issue: places)")
def test_seed_hangzhou_marker(server: Server, browser: webdriver.Chrome) -> None:
    open_view(browser, f"{server.url}/#/doc/{seed_id(server)}")
    markers = browser.find_elements(By.CSS_SELECTOR, 'svg.map circle.marker[data-name="Hangzhou"]')
    assert markers, "no marker at Hangzhou on the article's map"
    assert abs(float(markers[0].get_attribute("data-lat") or 0) - 30.29) < 0.5
    shot(browser, "seed-article-places")


def test_annotated_article_highlights_every_layer(server: Server, browser: webdriver.Chrome) -> None:
    open_view(browser, f"{server.url}/#/doc/annotated-1")
    text = browser.find_element(By.ID, "article-text")
    quote = text.find_elements(By.CSS_SELECTOR, '.hl-quote[data-speaker="Vladimir Putin"]')
    assert "alignment of positions" in " ".join(q.text for q in quote)
    assert text.find_elements(By.CSS_SELECTOR, '.hl-place[data-place="Hangzhou"]')
    assert text.find_elements(By.CSS_SELECTOR, '.hl-event[data-event="CONSULT"]')
    assert text.find_elements(By.CSS_SELECTOR, ".hl-count")
    marker = browser.find_element(By.CSS_SELECTOR, 'svg.map circle.marker[data-name="Hangzhou"]')
    ActionChains(browser).move_to_element(marker).perform()
    WebDriverWait(browser, 5).until(lambda d: d.find_element(By.ID, "tip").is_displayed())
    assert "CN" in browser.find_element(By.ID, "tip").text
    event = text.find_element(By.CSS_SELECTOR, '.hl-event[data-event="CONSULT"]')
    ActionChains(browser).move_to_element(event).perform()
    WebDriverWait(browser, 5).until(lambda d: "USAGOV" in d.find_element(By.ID, "tip").text)
    shot(browser, "annotated-article")
    # switching a layer off removes its highlight
    browser.find_element(By.CSS_SELECTOR, 'input[data-layer="quote"]').click()
    assert "hide-quote" in (text.get_attribute("class") or "")


def test_hostile_text_never_executes(server: Server, browser: webdriver.Chrome) -> None:
    ingested = server.get("/api/documents?q=ingested")
    assert isinstance(ingested, dict) and ingested["total"] == 1
    ingested_id = ingested["items"][0]["id"]
    pages = [
        "/#/doc/hostile-1",
        f"/#/doc/{ingested_id}",
        "/#/?q=pwned",
        "/#/quotes",
        "/#/events",
        "/#/map",
        "/#/entities",
        "/#/entity/Emmanuel%20Macron",
    ]
    for page in pages:
        open_view(browser, server.url + page)
        try:
            alert = browser.switch_to.alert
            pytest.fail(f"{page}: an alert opened: {alert.text}")
        except NoAlertPresentException:
            pass
        time.sleep(0.3)  # give an injected onerror/onload the chance to run
        assert browser.execute_script("return window.__pwned === undefined"), f"{page}: injected script ran"
        injected = browser.execute_script(
            "return document.querySelectorAll('#view script, #view img, #view iframe, #view [onerror], "
            '#view [onload], #view [onmouseover], #view a[href^="javascript"]\').length'
        )
        assert injected == 0, f"{page}: markup from the store became elements"
    open_view(browser, server.url + "/#/doc/hostile-1")
    assert "<script>" in browser.find_element(By.ID, "article-title").text  # shown as text
    assert "<svg onload=" in browser.find_element(By.ID, "article-text").text
    quote = browser.find_element(By.CSS_SELECTOR, "#article-text .hl-quote[data-quote]")
    ActionChains(browser).move_to_element(quote).perform()  # the tooltip shows the speaker's name as text
    tip = browser.find_element(By.ID, "tip")
    WebDriverWait(browser, 5).until(lambda d: tip.is_displayed())
    assert "Mr <script>" in tip.text
    assert not tip.find_elements(By.CSS_SELECTOR, "script, img, [onerror]")
    assert browser.execute_script("return window.__pwned === undefined")
    for link in browser.find_elements(By.CSS_SELECTOR, "a"):
        href = link.get_attribute("href") or ""
        assert not href.lower().startswith("javascript"), href
    shot(browser, "hostile-article")


def test_views_with_data(server: Server, browser: webdriver.Chrome) -> None:
    open_view(browser, f"{server.url}/#/?q=syria")
    assert len(browser.find_elements(By.CSS_SELECTOR, ".result")) >= 2
    shot(browser, "search")
    open_view(browser, f"{server.url}/#/events?code=CONSULT")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.grid tbody tr")
    assert rows and all("CONSULT" in r.text for r in rows)
    assert any("following a meeting with counterpart" in r.text for r in rows)
    # the place column: the name, located in its tooltip, never a Python repr of the place
    place = browser.find_element(By.CSS_SELECTOR, 'table.grid tbody tr span[title^="CN"]')
    assert place.text == "Hangzhou" and "30.29" in (place.get_attribute("title") or "")
    assert not any("{'" in r.text for r in rows)
    shot(browser, "events")
    open_view(browser, f"{server.url}/#/quotes?about=syria")
    assert "easing the humanitarian situation" in browser.find_element(By.ID, "view").text
    shot(browser, "quotes")
    open_view(browser, f"{server.url}/#/map")
    assert browser.find_elements(By.CSS_SELECTOR, 'svg.map circle.marker.has-events[data-name="Hangzhou"]')
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.map .land path")) > 100
    shot(browser, "map")
    open_view(browser, f"{server.url}/#/entity/Vladimir%20Putin")
    assert browser.find_elements(By.CSS_SELECTOR, 'svg.timeline rect.bar[data-period="2016-09-05"]')
    shot(browser, "timeline")


def test_empty_store_renders_empty_states(tmp_path: Path, browser: webdriver.Chrome) -> None:
    srv = Server(tmp_path / "empty.duckdb")
    try:
        for page in ("/#/", "/#/quotes", "/#/events", "/#/map", "/#/entities", "/#/entity/Nobody"):
            open_view(browser, srv.url + page)
            assert browser.find_elements(By.CSS_SELECTOR, "#view .empty"), page
        hidden = browser.execute_script(
            "return [...document.querySelectorAll('#nav a[data-table]')].map(a => a.hidden)"
        )
        assert hidden == [True, True, True, True]  # stories, quotes, events, map appear once their tables have rows
    finally:
        srv.stop()
