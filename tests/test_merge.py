"""Merged events: the pairwise rules, the in-memory merger, and the store tables kept up to date.

Stories are assigned directly (rows of ``story_members``), as the stories stage would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsgraph.crossdoc import merge_documents, remerge_stories, update
from newsgraph.crossdoc.cluster import Merger, event_id_for, summarize
from newsgraph.crossdoc.compat import Report, actor_match, compatible, date_match, place_match
from newsgraph.model import Article, Event, Place, PlaceRef
from newsgraph.store import Store


def rep(**kw: object) -> Report:
    base: dict[str, object] = {"doc_id": "d", "event": 0, "story": "s", "code": "CONSULT"}
    return Report(**{**base, **kw})  # type: ignore[arg-type]


def test_actor_codes_agree_on_country_and_role() -> None:
    assert actor_match("RUSGOV", "RUS", None, None) is True
    assert actor_match("RUS", "RUSGOV", None, None) is True
    assert actor_match("RUSGOV", "RUSGOV", None, None) is True
    assert actor_match("RUSGOV", "RUSMIL", None, None) is False
    assert actor_match("RUSGOV", "USAGOV", None, None) is False
    assert actor_match(None, "RUS", None, None) is None
    assert actor_match(None, None, "Barack Obama", "Obama") is True


def test_dates_within_a_day() -> None:
    assert date_match("2016-09-05", "2016-09-06") is True
    assert date_match("2016-09-05", "2016-09-08") is False
    assert date_match("2016-09", "2016-09-05") is None
    assert date_match("2016-08", "2016-09-05") is False
    assert date_match(None, "2016-09-05") is None


def test_places_same_or_contained() -> None:
    city = dict(place="Hangzhou", place_geonameid=1808926, place_country="CN", place_feature="city")
    country = dict(place="China", place_geonameid=1814991, place_country="CN", place_feature="country")
    other = dict(place="Beijing", place_geonameid=1816670, place_country="CN", place_feature="city")
    abroad = dict(place="Paris", place_geonameid=2988507, place_country="FR", place_feature="city")
    assert place_match(rep(**city), rep(**city)) is True
    assert place_match(rep(**city), rep(**country)) is None  # the country contains the city: compatible
    assert place_match(rep(**city), rep(**other)) is False
    assert place_match(rep(**city), rep(**abroad)) is False
    assert place_match(rep(**city), rep()) is None


def test_compatible_needs_positive_evidence_for_unknowns() -> None:
    a = rep(source="RUSGOV", target="USAGOV", date="2016-09-05")
    assert compatible(a, rep(source="RUS", target="USA", date="2016-09-05"))
    assert compatible(a, rep(source="USAGOV", target="RUSGOV"))  # CONSULT is symmetric
    assert compatible(a, rep(source="RUS", date="2016-09-05"))  # target unknown: the source and date agree
    assert not compatible(a, rep(source="RUS"))  # target and date unknown: one agreement is not enough
    assert not compatible(a, rep(source="RUSMIL", target="USAGOV"))
    assert not compatible(a, rep(source="RUSGOV", target="USAGOV", date="2016-09-09"))
    assert not compatible(a, rep(source="RUSGOV", target="USAGOV", code="AGREE"))
    assert not compatible(a, rep(source="RUSGOV", target="USAGOV", factuality="negated"))
    assert compatible(a, rep(source="RUSGOV", target="USAGOV", factuality="future"))
    # no actors on one side: only when date and place both agree
    assert not compatible(a, rep(date="2016-09-05"))
    placed = dict(date="2016-09-05", place="Hangzhou", place_geonameid=1808926, place_country="CN")
    assert compatible(rep(**placed, source="RUSGOV"), rep(**placed))
    # ASSAULT is directed: swapped actors are another event
    assert not compatible(
        rep(code="ASSAULT", source="ISR", target="PSE"), rep(code="ASSAULT", source="PSE", target="ISR")
    )


def test_merger_is_complete_link_and_summarizes() -> None:
    merger = Merger()
    first = rep(doc_id="a", source="RUSGOV", target="USAGOV", factuality="possible", published="2016-09-05", outlet="x")
    second = rep(doc_id="b", source="RUS", target="USA", factuality="asserted", published="2016-09-06", outlet="y")
    third = rep(doc_id="c", source="RUSMIL", target=None, published="2016-09-06")  # contradicts the first
    m1, m2, m3 = merger.add(first), merger.add(second), merger.add(third)
    assert m1 is m2 and m3 is not m1
    assert m1.event_id == event_id_for("a", 0)
    row = summarize(m1)
    assert (row["source"], row["target"]) == ("RUSGOV", "USAGOV")  # the most specific codes
    assert row["factuality"] == "asserted"  # the strongest
    assert (row["n_reports"], row["n_articles"], row["n_sources"]) == (2, 2, 2)
    assert (row["first_seen"], row["last_seen"]) == ("2016-09-05", "2016-09-06")


def article(doc_id: str, published: str, events: list[Event], source: str | None = None) -> Article:
    text = "x" * 200
    a = Article(id=doc_id, text=text, published=published, source=source, url=f"https://{doc_id}.example/news")
    a.events = events
    a.places = [
        Place("Hangzhou", 1808926, 30.29, 120.16, "CN", "city"),
        Place("China", 1814991, 35.0, 105.0, "CN", "country"),
    ]
    return a


PLACES = {
    "Hangzhou": PlaceRef("Hangzhou", 1808926, 30.29, 120.16, "CN", "city"),
    "China": PlaceRef("China", 1814991, 35.0, 105.0, "CN", "country"),
}


def ev(code: str, source: str | None, target: str | None, **kw: object) -> Event:
    fields: dict[str, object] = {
        "code": code,
        "cameo": "040" if code == "CONSULT" else "190",
        "source": source,
        "source_name": None,
        "target": target,
        "target_name": None,
        "mode": None,
        "factuality": "asserted",
        "date": "2016-09-05",
        "place": "Hangzhou",
        "evidence": (0, 10),
    }
    fields.update(kw)
    fields["place"] = PLACES.get(str(fields["place"]))
    return Event(**fields)  # type: ignore[arg-type]


def put_story(store: Store, story: str, *doc_ids: str) -> None:
    for d in doc_ids:
        store.con.execute("INSERT INTO story_members VALUES (?, ?, 1.0)", [story, d])


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "m.duckdb")


def merged(store: Store) -> list[tuple[object, ...]]:
    return store.con.execute(
        "SELECT event_id, story_id, code, source, target, place, place_country, n_reports, n_articles, n_sources "
        "FROM merged_events ORDER BY event_id"
    ).fetchall()


def test_store_merges_within_a_story_incrementally_and_idempotently(store: Store) -> None:
    a = article("a", "2016-09-05T10:00", [ev("CONSULT", "RUSGOV", "USAGOV"), ev("ASSAULT", "SYRMIL", "SYRREB")], "one")
    b = article("b", "2016-09-05T12:00", [ev("CONSULT", "USA", "RUS", place="China")], "two")
    c = article("c", "2016-09-06T08:00", [ev("CONSULT", "RUSGOV", "USAGOV")], "three")  # another story
    store.write([a, b, c], "t")
    put_story(store, "s1", "a", "b")
    put_story(store, "s2", "c")
    merge_documents(store, ["a"])
    merge_documents(store, ["b", "c"])  # b joins a's merged event; c stays apart (other story)
    rows = merged(store)
    consult = [r for r in rows if r[2] == "CONSULT" and r[1] == "s1"]
    assert len(consult) == 1 and consult[0][0] == event_id_for("a", 0)
    assert consult[0][3:] == ("RUSGOV", "USAGOV", "Hangzhou", "CN", 2, 2, 2)
    assert len(rows) == 3  # a's ASSAULT, the s1 CONSULT, c's CONSULT
    links = store.con.execute("SELECT count(*) FROM event_reports").fetchone()
    assert links == (4,)  # every report is linked, none thrown away
    assert store.con.execute("SELECT count(*) FROM events").fetchone() == (4,)
    # the stored record's events carry their event_id
    record = json.loads(store.con.execute("SELECT record FROM documents WHERE id = 'b'").fetchone()[0])
    assert record["events"][0]["event_id"] == event_id_for("a", 0)
    # idempotent: merging again changes nothing
    before = merged(store)
    merge_documents(store, ["a", "b", "c"])
    assert merged(store) == before
    # re-ingesting b (same events) keeps the ids; dropping its event shrinks the merged event
    store.write([b], "t")
    merge_documents(store, ["b"])
    assert merged(store) == before
    b.events = []
    store.write([b], "t")
    merge_documents(store, ["b"])
    consult = [r for r in merged(store) if r[2] == "CONSULT" and r[1] == "s1"]
    assert consult[0][0] == event_id_for("a", 0) and consult[0][7] == 1


def test_founder_reingested_keeps_the_event_id(store: Store) -> None:
    a = article("a", "2016-09-05", [ev("CONSULT", "RUSGOV", "USAGOV")])
    b = article("b", "2016-09-06", [ev("CONSULT", "RUSGOV", "USAGOV")])
    store.write([a, b], "t")
    put_story(store, "s", "a", "b")
    merge_documents(store, ["a", "b"])
    a.events = [ev("CONSULT", "RUSMIL", "USAGOV")]  # a now contradicts b
    store.write([a], "t")
    merge_documents(store, ["a"])
    rows = merged(store)
    assert len(rows) == 2 and len({r[0] for r in rows}) == 2  # b keeps the id; a gets a fresh one
    assert sorted(r[7] for r in rows) == [1, 1]


def test_documents_without_a_story_and_remerge(store: Store) -> None:
    a = article("a", "2016-09-05", [ev("CONSULT", "RUSGOV", "USAGOV")])
    b = article("b", "2016-09-05", [ev("CONSULT", "RUSGOV", "USAGOV")])
    store.write([a, b], "t")
    update(store, ["a", "b"])
    assert [r[1] for r in merged(store)] == [None, None]  # no story: each stands alone
    put_story(store, "s", "a", "b")  # a re-clustering put them together
    remerge_stories(store, ["s"])
    merge_documents(store, ["a", "b"])
    rows = merged(store)
    assert len(rows) == 1 and rows[0][1] == "s" and rows[0][7] == 2
    assert store.con.execute("SELECT count(*) FROM event_reports").fetchone() == (2,)


def test_sync_catches_up_unmerged_and_moved_documents(store: Store) -> None:
    from newsgraph.crossdoc import pending, sync

    a = article("a", "2016-09-05", [ev("CONSULT", "RUSGOV", "USAGOV")])
    b = article("b", "2016-09-05", [ev("CONSULT", "RUSGOV", "USAGOV")])
    store.write([a, b], "t")  # as if the run was killed before merging
    assert pending(store) == ["a", "b"]
    sync(store)
    assert pending(store) == [] and len(merged(store)) == 2
    put_story(store, "s", "a", "b")  # a re-clustering moved them into one story
    assert pending(store) == ["a", "b"]
    sync(store)
    assert pending(store) == [] and [r[1:2] + r[7:8] for r in merged(store)] == [("s", 2)]


def test_merge_articles_in_memory_matches_the_store(store: Store) -> None:
    from newsgraph.crossdoc.records import merge_articles

    def fresh() -> list[Article]:
        a = article("a", "2016-09-05T10:00", [ev("CONSULT", "RUSGOV", "USAGOV")], "one")
        b = article("b", "2016-09-05T12:00", [ev("CONSULT", "USA", "RUS", place="China")], "two")
        for x in (a, b):
            x.metadata["story"] = "s1"
        return [a, b]

    arts = fresh()
    rows = merge_articles(arts)
    assert len(rows) == 1 and rows[0]["n_sources"] == 2 and rows[0]["story_id"] == "s1"
    assert arts[0].events[0].event_id == arts[1].events[0].event_id == event_id_for("a", 0)
    assert arts[1].to_record()["events"][0]["event_id"] == event_id_for("a", 0)
    stored = fresh()
    store.write(stored, "t")
    put_story(store, "s1", "a", "b")
    merge_documents(store, ["a", "b"])
    assert [r[0] for r in merged(store)] == [rows[0]["event_id"]]


def test_stream_merger_sets_ids_as_articles_arrive_and_forgets() -> None:
    from newsgraph.crossdoc.records import StreamMerger

    merger = StreamMerger(max_stories=1)
    a = article("a", "2016-09-05", [ev("CONSULT", "RUSGOV", "USAGOV")])
    b = article("b", "2016-09-05", [ev("CONSULT", "RUS", "USA")])
    c = article("c", "2016-09-05", [ev("CONSULT", "RUSGOV", "USAGOV")])
    lone = article("lone", "2016-09-05", [ev("CONSULT", "RUSGOV", "USAGOV"), ev("CONSULT", "RUSGOV", "USAGOV")])
    a.metadata["story"] = b.metadata["story"] = "s1"
    c.metadata["story"] = "s2"
    merger.add(a)
    merger.add(b)
    assert b.events[0].event_id == a.events[0].event_id == event_id_for("a", 0)
    merger.add(c)  # s2 pushes s1 out (max_stories=1)
    assert c.events[0].event_id == event_id_for("c", 0)
    assert list(merger.recent) == ["s2"] and ("s1", "CONSULT") not in merger.merger.index
    merger.add(lone)  # no story: its own two reports of one meeting merge, then it is forgotten
    assert lone.events[0].event_id == lone.events[1].event_id == event_id_for("lone", 0)
    assert list(merger.recent) == ["s2"]
