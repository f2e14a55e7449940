"""The Stories view and a story's page in headless Chromium (as tests/test_web_browser.py):
a three-outlet story of the seed summit and a story of hostile markup, stories assigned directly.
Screenshots land in ``artifacts/screenshots/``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crossdoc_support import HOSTILE_STORY, SUMMIT, build_story_store
from test_web_browser import Server, browser, open_view, shot  # noqa: F401  (browser is a fixture)

pytestmark = pytest.mark.browser

from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def story_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    db = tmp_path_factory.mktemp("stories-web") / "s.duckdb"
    build_story_store(db)
    srv = Server(db)
    yield srv
    srv.stop()


def test_stories_view(story_server: Server, browser) -> None:  # noqa: F811
    open_view(browser, f"{story_server.url}/#/stories")
    nav = browser.find_element(By.CSS_SELECTOR, '#nav a[data-view="stories"]')
    assert nav.is_displayed() and "on" in (nav.get_attribute("class") or "")
    row = browser.find_element(By.CSS_SELECTOR, f'table.stories tr[data-story="{SUMMIT}"]')
    cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
    assert cells[1:] == ["3", "3", "2016-09-05 – 2016-09-06"]
    shot(browser, "stories")
    open_view(browser, f"{story_server.url}/#/stories?q=moscow")
    assert len(browser.find_elements(By.CSS_SELECTOR, "table.stories tbody tr")) == 1


def test_story_page(story_server: Server, browser) -> None:  # noqa: F811
    browser.set_window_size(1400, 1500)
    open_view(browser, f"{story_server.url}/#/story/{SUMMIT}")
    shot(browser, "story")
    browser.set_window_size(1400, 1000)
    assert "3 articles · 3 sources" in browser.find_element(By.CSS_SELECTOR, ".article-head .meta").text
    dots = browser.find_elements(By.CSS_SELECTOR, "svg.story-timeline circle.article-dot")
    assert sorted(d.get_attribute("data-doc") for d in dots) == ["summit-1", "summit-2", "summit-3"]
    consult = browser.find_element(By.CSS_SELECTOR, 'table.merged-events tr[data-code="CONSULT"]')
    assert consult.find_element(By.CSS_SELECTOR, "td.n-sources").text == "3"
    consult.find_element(By.TAG_NAME, "summary").click()
    reports = consult.find_elements(By.CSS_SELECTOR, "ul.reports li")
    assert len(reports) == 3 and all("counterpart Barack Obama" in r.text for r in reports)
    marker = browser.find_element(By.CSS_SELECTOR, 'svg.map circle.marker.has-events[data-name="Hangzhou"]')
    ActionChains(browser).move_to_element(marker).perform()
    WebDriverWait(browser, 5).until(lambda d: "CN" in d.find_element(By.ID, "tip").text)
    speakers = browser.find_elements(By.CSS_SELECTOR, '.speakers .speaker[data-speaker="Vladimir Putin"]')
    assert speakers and "alignment of positions" in speakers[0].text
    shot(browser, "story-events")
    ActionChains(browser).move_to_element(dots[0]).perform()
    WebDriverWait(browser, 5).until(lambda d: d.find_element(By.ID, "tip").is_displayed())
    dots[0].click()
    WebDriverWait(browser, 10).until(lambda d: "#/doc/" in d.current_url)


def test_hostile_story_never_executes(story_server: Server, browser) -> None:  # noqa: F811
    for page in ("/#/stories", f"/#/story/{HOSTILE_STORY}"):
        open_view(browser, story_server.url + page)
        time.sleep(0.3)
        assert browser.execute_script("return window.__pwned === undefined"), page
        injected = browser.execute_script(
            "return document.querySelectorAll('#view script, #view img, #view iframe, #view [onerror], "
            '#view [onload], #view [onmouseover], #view a[href^="javascript"]\').length'
        )
        assert injected == 0, page
    assert "<script>" in browser.find_element(By.ID, "story-title").text  # shown as text
    shot(browser, "story-hostile")


def test_empty_store_stories(tmp_path: Path, browser) -> None:  # noqa: F811
    srv = Server(tmp_path / "empty.duckdb")
    try:
        open_view(browser, srv.url + "/#/stories")
        assert browser.find_elements(By.CSS_SELECTOR, "#view .empty")
        assert browser.find_element(By.CSS_SELECTOR, '#nav a[data-view="stories"]').get_attribute("hidden")
    finally:
        srv.stop()


def test_events_view_shows_merged_events(story_server: Server, browser) -> None:  # noqa: F811
    open_view(browser, f"{story_server.url}/#/events?code=CONSULT")
    assert len(browser.find_elements(By.CSS_SELECTOR, "table.grid tbody tr")) == 3  # one row per report
    browser.find_element(By.ID, "merged-toggle").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "table.merged-events"))
    rows = browser.find_elements(By.CSS_SELECTOR, "table.merged-events tbody tr")
    assert len(rows) == 1 and rows[0].find_element(By.CSS_SELECTOR, "td.n-sources").text == "3"
    assert "counterpart Barack Obama" in rows[0].text
    shot(browser, "events-merged")
