"""HTML extraction: body without boilerplate or captions, captions kept apart, metadata with time and zone."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgraph.config import Settings
from newsgraph.ingest.html import extract, from_html, is_link_line
from newsgraph.ingest.htmlmeta import iso_datetime
from newsgraph.stages.clean import Clean
from newsgraph.textrules import is_promo

FIXTURE = Path(__file__).parent / "fixtures" / "extract" / "article.html"


def test_body_keeps_inline_link_text_and_drops_boilerplate() -> None:
    found = extract(FIXTURE.read_text(encoding="utf-8"), "https://ledger.example.com/x")
    assert "The mayor, Anna Holm, thanked the crews" in found.body  # inline link text kept
    assert "forty metres of railing" in found.body
    assert "before the summer holidays" in found.body
    assert "Storm damage costs rise" not in found.body  # "Read more:" related link
    assert "newsletter" not in found.body
    assert "Follow us" not in found.body
    assert "Workers inspect" not in found.body  # the caption is not body
    assert any("Read more" in line for line in found.removed)


def test_captions_and_metadata() -> None:
    found = extract(FIXTURE.read_text(encoding="utf-8"))
    assert found.captions == ["Workers inspect the repaired deck of the harbour bridge on Monday. (Photo: Jonas Berg)"]
    assert found.title == "Harbour bridge reopens after storm repairs"
    assert found.published == "2023-03-14T09:30+01:00"
    assert found.modified == "2023-03-14T12:05+01:00"
    assert found.authors == ["Maria Lindqvist"]
    assert found.source == "The Coastal Ledger"
    assert found.url == "https://ledger.example.com/news/harbour-bridge-reopens"
    assert found.tags == ["Transport", "Storms"]
    assert found.description and found.description.startswith("The harbour bridge reopened")
    assert found.language == "en"


def test_article_text_is_body_then_captions_with_spans() -> None:
    article = from_html(FIXTURE.read_text(encoding="utf-8"), "article.html")
    body_end = article.metadata["body_end"]
    assert "Workers inspect" not in article.text[:body_end]
    assert len(article.captions) == 1
    cap = article.captions[0]
    assert article.text[cap.start : cap.end] == cap.text
    assert cap.start > body_end
    cleaned = Clean(Settings()).process(article)  # spans survive the clean stage
    cap = cleaned.captions[0]
    assert cleaned.text[cap.start : cap.end].startswith("Workers inspect")


def test_link_line_rule_spares_sentences_and_addresses() -> None:
    anchors = {"storm damage costs rise as insurers count claims", "www example com", "anna holm"}
    assert is_link_line("Read more: Storm damage costs rise as insurers count claims", anchors)
    assert is_link_line("- Storm damage costs rise as insurers count claims", anchors)
    assert not is_link_line("www.example.com", anchors)
    assert not is_link_line("The mayor, Anna Holm, thanked the crews.", anchors)


def test_promo_lines() -> None:
    assert is_promo("Follow Newsbeat on Instagram, Facebook and Twitter.")
    assert is_promo("Subscribe to the Morning Review newsletter")
    assert is_promo("You may also like...")
    assert is_promo("Tags: storms, bridges")
    assert not is_promo("The council will subscribe to a new insurance scheme next year, the mayor said.")


def test_iso_datetime_keeps_time_and_zone() -> None:
    assert iso_datetime("2016-09-05T18:00:00+04:30") == "2016-09-05T18:00+04:30"
    assert iso_datetime("Mon, 05 Sep 2016 14:00:30 GMT") == "2016-09-05T14:00:30+00:00"
    assert iso_datetime("2016-09-05") == "2016-09-05"
    assert iso_datetime("not a date") is None


def test_empty_and_odd_html_do_not_crash() -> None:
    assert extract("<html><body></body></html>").body == ""
    assert extract("").body == ""
    assert isinstance(extract("<p>unclosed <b>tags <div>" * 50).body, str)


def test_sentences_about_newsletters_or_twitter_are_not_promo() -> None:
    assert not is_promo("More than a million readers subscribe to her newsletter, which arrives every Sunday.")
    assert not is_promo("Like many on Twitter, she questioned the figures.")
    assert not is_promo("Tags were fitted to forty turtles last spring.")
    assert not is_promo("Print on demand has changed publishing.")
    assert is_promo("Click here to subscribe to The Paradigm Newsletter")
    assert is_promo("Get the latest updates right in your inbox. Subscribe to NJ.com’s newsletters.")


def test_bylines_and_credits_leave_the_body() -> None:
    from newsgraph.ingest.html import _filter_lines

    text = (
        "By Maria Lindqvist and Jonas Berg, Reuters\n"
        "The harbour bridge reopened on Tuesday after three weeks of repairs, officials said.\n"
        "Photo: Jonas Berg/Reuters\n"
        "Engineers replaced the railings and resurfaced both lanes of the bridge overnight.\n"
        "Ferry operators said they would return to their normal timetable next week.\n"
        "Maria Lindqvist"
    )
    body, removed, captions = _filter_lines(text, set(), [], authors=["Maria Lindqvist"])
    assert body.splitlines() == [
        "The harbour bridge reopened on Tuesday after three weeks of repairs, officials said.",
        "Engineers replaced the railings and resurfaced both lanes of the bridge overnight.",
        "Ferry operators said they would return to their normal timetable next week.",
    ]
    assert captions == ["Photo: Jonas Berg/Reuters"]
    assert "By Maria Lindqvist and Jonas Berg, Reuters" in removed and "Maria Lindqvist" in removed
    # "by" inside a sentence is not a byline
    body, _, _ = _filter_lines("By the end of the week the bridge was open.\nIt was busy.", set(), [])
    assert body.startswith("By the end of the week")


def test_plain_text_boilerplate_and_captions() -> None:
    from newsgraph.model import Article

    text = (
        "Storm closes harbour bridge\n"
        "Skip to content\n"
        "Waves damaged the deck of the harbour bridge overnight, the transport department said.\n"
        "Workers inspect the damaged deck on Monday. (Reuters photo)\n"
        "Share on Facebook\n"
        "Repairs are expected to take three weeks.\n"
        "We use cookies to improve your experience on our site.\n"
        "Subscribe to our newsletter\n"
    )
    a = Clean(Settings()).process(Article(id="c", text=text))
    assert a.boilerplate == [
        "Skip to content",
        "Share on Facebook",
        "We use cookies to improve your experience on our site.",
        "Subscribe to our newsletter",
    ]
    assert "cookies" not in a.text and "Repairs are expected" in a.text
    assert [a.text[c.start : c.end] for c in a.captions] == [
        "Workers inspect the damaged deck on Monday. (Reuters photo)"
    ]


def test_readability_is_skipped_only_where_it_cannot_change_the_body(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path (trafilatura's fast mode, no readability) gives the body the full path gives,
    on real pages; and a page whose paragraphs hold far more than the body is checked in full."""
    import json as _json

    from newsgraph.ingest import html as H

    pages_file = Path(__file__).parent / "fixtures" / "real_pages" / "pages.jsonl"
    pages = [_json.loads(line) for line in pages_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    fast = [H.extract(p["html"], p.get("url"), detect_language=False).body for p in pages]
    monkeypatch.setattr(H, "needs_readability", lambda body, paragraphs: True)
    full = [H.extract(p["html"], p.get("url"), detect_language=False).body for p in pages]
    assert fast == full
    monkeypatch.undo()
    assert H.needs_readability(10, 0) and H.needs_readability(300, 600) and H.needs_readability(300, 100)
    assert not H.needs_readability(300, 320)


def test_readability_text_is_the_stock_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    """The readability pass cleans pages without readability's javascript option (a third of
    its time): the text it finds is the stock Document's, page for page, on real pages."""
    import json as _json

    from readability import Document

    from newsgraph.ingest import html as H

    here = Path(__file__).parent / "fixtures"
    pages = [
        _json.loads(line)["html"] for line in (here / "real_pages" / "pages.jsonl").read_text("utf-8").splitlines()
    ]
    pages.append((here / "extract" / "article.html").read_text("utf-8"))
    pages.append('<html><body><p onclick="x()">Short <a href="javascript:go()">link</a> text.</p></body></html>')
    ours = [H._readability(page) for page in pages]
    monkeypatch.setattr(H, "_readability_document", lambda: Document)
    stock = [H._readability(page) for page in pages]
    assert ours == stock
    assert sum(bool(text) for text in ours) >= len(pages) - 1


def test_trafilatura_metadata_steps_are_extract_metadata_less_what_the_page_gives() -> None:
    """_trafilatura_meta runs trafilatura's extract_metadata steps itself, to skip those whose
    field the page's own metadata gives: with nothing given it is extract_metadata, field for
    field, and a skipped field is one extract() reads from the page instead."""
    import json as _json

    from trafilatura.metadata import extract_metadata

    from newsgraph.ingest import html as H
    from newsgraph.ingest.htmlmeta import read_meta

    pages_file = Path(__file__).parent / "fixtures" / "real_pages" / "pages.jsonl"
    pages = [_json.loads(line) for line in pages_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    for page in [*pages, {"html": FIXTURE.read_text(encoding="utf-8"), "url": None}]:
        root = H._parse(page["html"])
        found = extract_metadata(root, page.get("url")).as_dict()
        full = {k: found[k] for k in H._META_KEYS if found.get(k)}
        assert H._trafilatura_meta(root, page.get("url")) == full
        have = read_meta(root)
        ours = H._trafilatura_meta(root, page.get("url"), have)
        skipped = {
            "author": bool(have.authors),
            "date": bool(have.published),
            "sitename": bool(have.site_name),
            "tags": bool(have.tags),
            "categories": bool(have.tags or H._split_list(full.get("tags"))),
        }
        for key in H._META_KEYS:
            if not skipped.get(key):
                assert ours.get(key) == full.get(key), key


def test_precision_passes_are_trafilaturas_fast_and_full_passes() -> None:
    """_precision_passes runs trafilatura's steps itself so that the full pass reuses the fast
    one's work: both must be what bare_extraction gives (one fixture page is one where the full
    pass's comparison changes the body)."""
    import json as _json

    from newsgraph.ingest import html as H

    pages_file = Path(__file__).parent / "fixtures" / "real_pages" / "pages.jsonl"
    pages = [_json.loads(line) for line in pages_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    odd = ["", "<p>x</p>", "<html><body></body></html>", "not html at all", "<html><body><p>Short.</p></body></html>"]
    pages += [{"html": FIXTURE.read_text(encoding="utf-8"), "url": None}] + [{"html": h, "url": None} for h in odd]
    differ = 0
    for page in pages:
        html, url = page["html"], page.get("url")
        fast, full = H._precision_passes(H._load(html)[1], url)
        fast_ref = H._trafilatura(html, url, precision=True, fast=True)
        full_ref = H._trafilatura(html, url, precision=True)
        assert fast.get("text") == fast_ref.get("text")
        assert full().get("text") == full_ref.get("text")
        differ += fast_ref.get("text") != full_ref.get("text")
    assert differ >= 1
