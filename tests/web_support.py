"""Stores and articles shared by the API and browser tests.

``annotated_article`` builds a record with quotes, places, events, counts and
dates filled in by hand (spans found in the fixture text), so the article page's
highlighting is tested before those stages exist; ``hostile_article`` carries
markup and script in every field a page shows.
"""

from __future__ import annotations

from pathlib import Path

from newsgraph.model import Article, Count, DateMention, Entity, Event, Mention, Place, Quote

FIXTURES = Path(__file__).parent / "fixtures" / "web"
SEED = FIXTURES / "seed-article.txt"


def span(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def mention(text: str, needle: str, nth: int = 0) -> Mention:
    s, e = span(text, needle, nth)
    return Mention(s, e, needle)


def annotated_article(doc_id: str = "annotated-1") -> Article:
    """The seed text with hand-placed quotes, places, events, counts and dates."""
    text = SEED.read_text(encoding="utf-8")
    a = Article(
        id=doc_id,
        text=text,
        title="Annotated: Moscow-Washington deal on Syria",
        published="2016-09-05T18:00",
        source="fixture.example",
        url="https://fixture.example/news/1",
    )
    a.entities = [
        Entity("Vladimir Putin", "PERSON", None, [mention(text, "Vladimir Putin"), mention(text, "Putin", 2)]),
        Entity("Barack Obama", "PERSON", None, [mention(text, "Barack Obama")]),
        Entity("Syria", "GPE", None, [mention(text, "Syria", 1)]),
    ]
    content = span(text, "Despite everything, we have some alignment of positions")
    content = (content[0], text.index("”", content[0]))
    said = span(text, "Putin said")
    a.quotes = [
        Quote("Vladimir Putin", (said[0], said[0] + 5), (said[1] - 4, said[1]), content, "direct"),
        Quote("Barack Obama", None, None, span(text, "easing the humanitarian situation in Syria"), "indirect"),
    ]
    a.places = [
        Place(
            "Hangzhou",
            1808926,
            30.29365,
            120.16142,
            "CN",
            "PPLA",
            [mention(text, "Hangzhou"), mention(text, "Hangzhou", 1)],
        ),
        Place("Syria", 163843, 35.0, 38.0, "SY", "PCLI", [mention(text, "Syria", 1)]),
    ]
    a.events = [
        Event(
            code="CONSULT",
            cameo="040",
            source="RUSGOV",
            source_name="Vladimir Putin",
            target="USAGOV",
            target_name="Barack Obama",
            mode=None,
            factuality="asserted",
            date="2016-09-05",
            place=a.places[0].ref(),
            evidence=span(text, "following a meeting with counterpart Barack Obama"),
        ),
        Event(
            code="AGREE",
            cameo="030",
            source="RUS",
            source_name="Moscow",
            target="USA",
            target_name="Washington",
            mode=None,
            factuality="possible",
            date="2016-09-05",
            place=None,
            evidence=span(text, "Washington may soon reach an agreement"),
        ),
    ]
    a.counts = [
        Count("KILL", 400000, "more than", "people", a.places[1].ref(), span(text, "400,000 people have been killed"))
    ]
    s, e = span(text, "September 5, 2016")
    a.dates = [DateMention("September 5, 2016", s, e, "2016-09-05")]
    return a


HOSTILE = '<script>window.__pwned = "script"</script><img src=x onerror="window.__pwned = \'img\'">'


def hostile_article(doc_id: str = "hostile-1") -> Article:
    """Markup and script in the title, URL, text, entity names, quotes, places and events."""
    text = (
        f"Attack headline {HOSTILE}\n\n"
        f'The minister said "{HOSTILE} is <b>bold</b>" in <svg onload="window.__pwned=1">Paris</svg> today.\n'
        "A second line mentions Paris again and <a href=\"javascript:window.__pwned='a'\">a link</a>.\n"
    )
    a = Article(
        id=doc_id,
        text=text,
        title=f"Hostile {HOSTILE}",
        published="2016-09-06",
        source="<i onmouseover=\"window.__pwned='src'\">evil</i>",
        url="javascript:window.__pwned='url'",
    )
    q = span(text, f"{HOSTILE} is <b>bold</b>")
    a.entities = [Entity(f"Evil {HOSTILE}", "PERSON", None, [mention(text, "minister")])]
    a.quotes = [Quote(f"Mr {HOSTILE}", span(text, "minister"), span(text, "said"), q, "direct")]
    a.places = [Place(f"Paris {HOSTILE}", 2988507, 48.85, 2.35, "FR", "PPLC", [mention(text, "Paris")])]
    a.events = [
        Event(
            code="ASSAULT",
            cameo="180",
            source=HOSTILE,
            source_name=HOSTILE,
            target="FRA",
            target_name=HOSTILE,
            mode=None,
            factuality="asserted",
            date="2016-09-06",
            place=a.places[0].ref(),
            evidence=span(text, '<svg onload="window.__pwned=1">Paris</svg>'),
        )
    ]
    return a
