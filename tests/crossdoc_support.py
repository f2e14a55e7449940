"""A store with one story told by three outlets (the seed summit article, annotated by hand),
and a second story with hostile markup, for the cross-document API and browser tests.

Stories are assigned directly (rows of ``story_members``), as the stories stage would."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from newsgraph.crossdoc import update
from newsgraph.store import Store
from web_support import annotated_article, hostile_article

SUMMIT = "story-g20-summit"
HOSTILE_STORY = "story-hostile"


def summit_articles() -> list:  # type: ignore[type-arg]
    first = annotated_article("summit-1")
    second = annotated_article("summit-2")
    second.source, second.url, second.published = "second.example", "https://second.example/a", "2016-09-05T21:00"
    second.title = "Putin and Obama meet in Hangzhou"
    # the second outlet codes the actors by country only: still the same meeting
    second.events = [replace(second.events[0], source="RUS", target="USA")]
    third = annotated_article("summit-3")
    third.source, third.url, third.published = "third.example", "https://third.example/b", "2016-09-06T08:00"
    third.title = "After Hangzhou: what Moscow and Washington may agree on Syria"
    return [first, second, third]


def build_story_store(db: Path) -> list[str]:
    """Write the articles, assign the stories, merge; returns the stored ids."""
    articles = [*summit_articles(), hostile_article("hostile-story-1")]
    with Store(db) as store:
        store.write(articles, "test")
        for a in articles:
            story = HOSTILE_STORY if a.id.startswith("hostile") else SUMMIT
            store.con.execute("INSERT INTO story_members VALUES (?, ?, 1.0)", [story, a.id])
        # the stories table as the stories stage keeps it (title, counts and dates of its members)
        store.con.execute(
            """INSERT INTO stories SELECT m.story_id, arg_min(d.title, d.published), min(d.published),
                      max(d.published), count(*), count(DISTINCT d.source), NULL
               FROM story_members m JOIN documents d ON d.id = m.doc_id GROUP BY m.story_id"""
        )
        update(store, [a.id for a in articles])
    return [a.id for a in articles]
