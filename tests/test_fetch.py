"""Fetcher, feeds and archive round trip against a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsgraph.errors import BlockedURLError, FetchError
from newsgraph.ingest import read
from newsgraph.ingest.feeds import parse_duration, read_feed
from newsgraph.ingest.fetch import Fetcher, FetchPolicy, check_address
from newsgraph.model import Article, Skipped

PAGE = (Path(__file__).parent / "fixtures" / "extract" / "article.html").read_bytes()
STATE: dict[str, int] = {"flaky": 0, "robots": 0}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def _send(
        self, code: int, body: bytes, ctype: str = "text/html; charset=utf-8", extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        host = f"http://{self.headers['Host']}"
        if self.path == "/robots.txt":
            STATE["robots"] += 1
            self._send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        elif self.path == "/article":
            if self.headers.get("If-None-Match") == '"v1"':
                self._send(304, b"")
            else:
                self._send(200, PAGE, extra={"ETag": '"v1"'})
        elif self.path == "/flaky":
            STATE["flaky"] += 1
            if STATE["flaky"] < 3:
                self._send(503, b"busy", extra={"Retry-After": "0"})
            else:
                self._send(200, PAGE)
        elif self.path == "/moved":
            self._send(302, b"", extra={"Location": "/article"})
        elif self.path == "/big":
            self._send(200, b"<p>" + b"x" * 5000 + b"</p>")
        elif self.path == "/image":
            self._send(200, b"\x89PNG", "image/png")
        elif self.path == "/feed.xml":
            items = "".join(
                f"<item><title>Story {i}</title><link>{host}/article?i={i}</link>"
                f"<pubDate>Tue, 14 Mar 2023 08:30:00 GMT</pubDate></item>"
                for i in (1, 2)
            )
            body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'
            self._send(200, body.encode(), "application/rss+xml")
        elif self.path.startswith("/article?"):
            self._send(200, PAGE)
        else:
            self._send(404, b"not found")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def fetcher(tmp_path: Path, **kw: object) -> Fetcher:
    policy = FetchPolicy(allow_private=True, delay=0.0, backoff=0.01, **kw)  # type: ignore[arg-type]
    return Fetcher(policy, archive=tmp_path / "archive.warc.gz")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8080/",
        "http://10.0.0.5/",
        "http://192.168.1.1/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://metadata.google.internal/",
        "file:///etc/passwd",
    ],
)
def test_private_and_metadata_addresses_are_refused(url: str) -> None:
    with pytest.raises(BlockedURLError):
        check_address(url)


def test_refused_without_flag_even_for_local_server(server: str, tmp_path: Path) -> None:
    with Fetcher(FetchPolicy(delay=0.0)) as f, pytest.raises(BlockedURLError):
        f.fetch(server + "/article")


def test_fetch_archive_and_reingest(server: str, tmp_path: Path) -> None:
    with fetcher(tmp_path) as f:
        resp = f.fetch(server + "/article")
        assert resp.status == 200 and b"harbour bridge" in resp.content
        again = f.fetch(server + "/article")  # conditional GET with the ETag seen
        assert again.not_modified
        moved = f.fetch(server + "/moved")
        assert moved.url.endswith("/article")
    articles = [a for a in read([tmp_path / "archive.warc.gz"]) if isinstance(a, Article)]
    assert articles and "forty metres of railing" in articles[0].text
    assert articles[0].metadata["captured"]


def test_robots_retries_cap_and_content_type(server: str, tmp_path: Path) -> None:
    with fetcher(tmp_path, max_bytes=1000) as f:
        with pytest.raises(BlockedURLError, match="robots"):
            f.fetch(server + "/private/page")
        with pytest.raises(FetchError, match="cap"):
            f.fetch(server + "/big")
        with pytest.raises(FetchError, match="content type"):
            f.fetch(server + "/image")
        with pytest.raises(FetchError, match="HTTP 404"):
            f.fetch(server + "/missing")
    with fetcher(tmp_path) as f:
        assert f.fetch(server + "/flaky").status == 200
        assert STATE["flaky"] == 3


def test_feed_items_are_fetched_and_read(server: str, tmp_path: Path) -> None:
    with fetcher(tmp_path) as f:
        items = list(read_feed(server + "/feed.xml", f))
    articles = [i for i in items if isinstance(i, Article)]
    assert len(articles) == 2 and not [i for i in items if isinstance(i, Skipped)]
    assert articles[0].published == "2023-03-14T09:30+01:00"  # the page's own, more precise date
    assert articles[0].metadata["feed"].endswith("/feed.xml")
    archived = {a.id: a for a in read([tmp_path / "archive.warc.gz"]) if isinstance(a, Article)}
    for a in articles:  # recomputable from the archive: same id, same text
        assert archived[a.id].text == a.text
    with fetcher(tmp_path) as f:
        skipped = list(read_feed(server + "/feed.xml", f, skip_url=lambda u: True))
    assert skipped == []


def test_feed_file_and_durations(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text('<rss version="2.0"><channel><title>x</title></channel></rss>')
    with Fetcher(FetchPolicy()) as f:
        assert list(read_feed(str(feed), f)) == []
    assert parse_duration("15m") == 900
    assert parse_duration("1h") == 3600
    assert parse_duration("30") == 30


def test_watch_skips_items_already_stored(server: str, tmp_path: Path) -> None:
    from newsgraph.ingest.feeds import new_articles
    from newsgraph.store import Store

    with Store(str(tmp_path / "db.duckdb")) as store:
        with fetcher(tmp_path) as f:
            first = [a for a in new_articles([server + "/feed.xml"], f, store) if isinstance(a, Article)]
        # both items are the same page: the second is a duplicate by content hash
        assert len(first) == 1
        first[0].url = server + "/article?i=1"
        store.write(first, "test")
        with fetcher(tmp_path) as f:
            second = [a for a in new_articles([server + "/feed.xml"], f, store) if isinstance(a, Article)]
        assert second == []


def test_cli_ingest_feed_and_watch(server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from newsgraph.cli import main

    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# local test feed\n{server}/feed.xml\n")
    common = ["--db", str(tmp_path / "w.duckdb"), "--archive", str(tmp_path / "w.warc.gz"), "--delay", "0"]
    common += ["--workers", "1", "--json"]
    assert main(["ingest", "--feed", f"{server}/feed.xml", *common]) == 1  # refused: private address
    capsys.readouterr()
    assert main(["watch", str(feeds), "--every", "0s", "--rounds", "2", "--allow-private", *common]) == 0
    rounds = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["stored"] for r in rounds] == [1, 0]  # two items, one page: the second is a duplicate
    assert main(["ingest", str(tmp_path / "w.warc.gz"), "--db", str(tmp_path / "r.duckdb"), "--workers", "1"]) == 0
