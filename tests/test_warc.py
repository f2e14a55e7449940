"""WARC/ARC reading: HTML responses become articles; a damaged record is reported and skipped."""

from __future__ import annotations

import gzip
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsgraph.ingest import read
from newsgraph.model import Article, Skipped

PAGE = """<html><head><title>{title}</title>
<meta property="article:published_time" content="2024-05-02T08:15:00Z"></head>
<body><article><h1>{title}</h1>
<p>{title}: the regional council voted on Wednesday to expand the tram network to the northern suburbs, a project that has been debated for more than a decade.</p>
<p>Supporters said the line would cut commuting times in half, while opponents warned that the cost estimates were too optimistic and that construction would disrupt local shops for years.</p>
<p>Work is expected to begin next spring, the council said, with the first trams running by the end of the decade if funding from the national government is confirmed.</p>
</article></body></html>"""


def _record(writer: WARCWriter, url: str, body: bytes, ctype: str = "text/html; charset=utf-8") -> None:
    http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
    rec = writer.create_warc_record(
        url,
        "response",
        payload=BytesIO(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": "2024-05-02T09:00:00Z"},
    )
    writer.write_record(rec)


def _member(url: str, body: bytes, ctype: str = "text/html; charset=utf-8") -> bytes:
    buf = BytesIO()
    _record(WARCWriter(buf, gzip=True), url, body, ctype)
    return buf.getvalue()


def _page(title: str) -> bytes:
    return PAGE.format(title=title).encode()


def test_reads_html_responses_with_uri_and_capture_date(tmp_path: Path) -> None:
    path = tmp_path / "news.warc.gz"
    path.write_bytes(
        _member("https://a.example/tram", _page("Tram line approved"))
        + _member("https://a.example/logo.png", b"\x89PNG....", "image/png")
        + _member("https://a.example/bus", _page("Bus fares frozen"))
    )
    items = list(read([path]))
    articles = [i for i in items if isinstance(i, Article)]
    assert [a.url for a in articles] == ["https://a.example/tram", "https://a.example/bus"]
    assert articles[0].metadata["captured"] == "2024-05-02T09:00:00Z"
    assert articles[0].published == "2024-05-02T08:15+00:00"
    assert "tram network" in articles[0].text
    assert not [i for i in items if isinstance(i, Skipped)]
    again = [i.id for i in read([path]) if isinstance(i, Article)]
    assert again == [a.id for a in articles]  # stable ids


def test_truncated_record_is_reported_and_rest_is_read(tmp_path: Path) -> None:
    good1 = _member("https://a.example/one", _page("First story survives"))
    bad = _member("https://a.example/two", _page("Second story is cut"))
    good2 = _member("https://a.example/three", _page("Third story survives"))
    path = tmp_path / "damaged.warc.gz"
    path.write_bytes(good1 + bad[: len(bad) // 2] + good2)
    items = list(read([path]))
    urls = [i.url for i in items if isinstance(i, Article)]
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert urls == ["https://a.example/one", "https://a.example/three"]
    assert len(skipped) == 1 and skipped[0].code == "E107"
    assert "damaged record at byte" in skipped[0].reason


def test_a_cut_member_never_swallows_the_next_record(tmp_path: Path) -> None:
    # A gzip member cut short inflates on into the bytes of the next member; now and then
    # those bytes inflate into something warcio reads as the cut record's rest, and the
    # record after it was lost. Cut the middle member at every 7th byte.
    good1 = _member("https://a.example/one", _page("First story survives"))
    bad = _member("https://a.example/two", _page("Second story is cut"))
    good2 = _member("https://a.example/three", _page("Third story survives"))
    for cut in range(10, len(bad) - 10, 7):
        path = tmp_path / f"cut{cut}.warc.gz"
        path.write_bytes(good1 + bad[:cut] + good2)
        items = list(read([path]))
        urls = [i.url for i in items if isinstance(i, Article)]
        skipped = [i for i in items if isinstance(i, Skipped)]
        assert urls == ["https://a.example/one", "https://a.example/three"], (cut, items)
        assert [s.code for s in skipped] == ["E107"], (cut, skipped)
        assert f"damaged record at byte {len(good1)}" in skipped[0].reason


def test_members_are_checked_a_run_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a long archive is checked and read in runs (so its first record comes at once); a run
    # boundary between records, and a damaged member at one, lose nothing
    from newsgraph.ingest import warc

    monkeypatch.setattr(warc, "RUN_BYTES", 1)  # one member per run
    members = [_member(f"https://a.example/{i}", _page(f"Story number {i}")) for i in range(5)]
    path = tmp_path / "runs.warc.gz"
    path.write_bytes(b"".join(members[:2]) + members[2][:300] + b"".join(members[3:]))
    items = list(read([path]))
    urls = [i.url for i in items if isinstance(i, Article)]
    assert urls == [f"https://a.example/{i}" for i in (0, 1, 3, 4)]
    assert [i.code for i in items if isinstance(i, Skipped)] == ["E107"]


def test_garbage_between_plain_records(tmp_path: Path) -> None:
    buf = BytesIO()
    writer = WARCWriter(buf, gzip=False)
    _record(writer, "https://b.example/a", _page("Plain record one"))
    first = buf.getvalue()
    buf2 = BytesIO()
    _record(WARCWriter(buf2, gzip=False), "https://b.example/b", _page("Plain record two"))
    path = tmp_path / "plain.warc"
    path.write_bytes(first + b"WARC/1.0\r\nthis is not a header\r\n\r\n" + buf2.getvalue())
    items = list(read([path]))
    assert [i.url for i in items if isinstance(i, Article)][-1] == "https://b.example/b"
    assert any(isinstance(i, Skipped) for i in items)


def test_arc_file(tmp_path: Path) -> None:
    body = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + _page("Archived in ARC format")
    version = b"1 0 newsgraph\nURL IP-address Archive-date Content-type Archive-length\n"
    header = b"filedesc://test.arc 0.0.0.0 20240502090000 text/plain %d\n" % len(version) + version
    head = b"http://c.example/arc 1.2.3.4 20240502090000 text/html %d\n" % len(body)
    path = tmp_path / "old.arc.gz"
    path.write_bytes(gzip.compress(header + b"\n") + gzip.compress(head + body + b"\n"))
    articles = [i for i in read([path]) if isinstance(i, Article)]
    assert articles and articles[0].url == "http://c.example/arc"
    assert articles[0].metadata["captured"] == "2024-05-02T09:00:00Z"
