"""Entities across documents: one entity_id per person or organisation, variants joined
only when the context (the story, co-occurring entities) agrees."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgraph.crossdoc import link_entities
from newsgraph.crossdoc.entities import name_key
from newsgraph.model import Article, Entity, Mention
from newsgraph.query import Graph
from newsgraph.store import Store


def doc(doc_id: str, *entities: tuple[str, str], published: str = "2020-01-01") -> Article:
    text = " ".join(name for name, _ in entities) + " said things."
    a = Article(id=doc_id, text=text, published=published, title=f"Title {doc_id}")
    at = 0
    for name, type in entities:
        a.entities.append(Entity(name, type, None, [Mention(at, at + len(name), name)]))
        at += len(name) + 1
    return a


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "e.duckdb")


def ids(store: Store) -> dict[tuple[str, str], str]:
    return {(d, n): e for d, n, e in store.con.execute("SELECT doc_id, name, entity_id FROM entities").fetchall()}


def test_name_key_drops_titles_accents_and_suffixes() -> None:
    assert name_key("President Barack Obama", "PERSON") == "barack obama"
    assert name_key("Mr. Barack Obama", "PERSON") == "barack obama"
    assert name_key("José Álvarez", "PERSON") == "jose alvarez"
    assert name_key("The Boeing Co.", "ORG") == "boeing"
    assert name_key("Apple Inc", "ORG") == "apple"


def test_same_full_name_same_id_everywhere(store: Store) -> None:
    store.write([doc("a", ("President Barack Obama", "PERSON")), doc("b", ("Barack Obama", "PERSON"))], "t")
    store.con.execute("INSERT INTO story_members VALUES ('s1', 'a', 1), ('s2', 'b', 1)")
    link_entities(store, ["a"])
    link_entities(store, ["b"])
    got = ids(store)
    assert got[("a", "President Barack Obama")] == got[("b", "Barack Obama")]
    row = store.con.execute("SELECT name, type, n_documents FROM entity_ids").fetchall()
    assert row == [("Barack Obama", "PERSON", 2)]


def test_surnames_join_the_person_of_their_story_and_two_people_stay_apart(store: Store) -> None:
    store.write(
        [
            doc("a", ("Tara Reid", "PERSON"), ("Promises Treatment Center", "ORG"), ("People", "ORG")),
            doc("b", ("Reid", "PERSON")),  # same story as a: Tara
            doc("c", ("Harry Reid", "PERSON"), ("Senate", "ORG")),
            doc("d", ("Reid", "PERSON"), ("Senate", "ORG")),  # same story as c: Harry
            doc("e", ("Reid", "PERSON")),  # a story of its own, no context: neither
            doc("f", ("Reid", "PERSON"), ("Promises Treatment Center", "ORG"), ("People", "ORG")),  # shares 2 with Tara
            doc("g", ("Tara Reid", "PERSON"), ("Harry Reid", "PERSON"), ("Reid", "PERSON")),  # both: ambiguous
        ],
        "t",
    )
    store.con.execute(
        "INSERT INTO story_members VALUES ('s1','a',1), ('s1','b',1), ('s2','c',1), ('s2','d',1), ('s3','e',1),"
        " ('s4','f',1), ('s5','g',1)"
    )
    link_entities(store, ["a", "c"])
    link_entities(store, ["b", "d", "e", "f", "g"])
    got = ids(store)
    tara, harry = got[("a", "Tara Reid")], got[("c", "Harry Reid")]
    assert tara != harry
    assert got[("b", "Reid")] == tara
    assert got[("d", "Reid")] == harry
    assert got[("e", "Reid")] not in (tara, harry)
    assert got[("f", "Reid")] == tara
    assert got[("g", "Reid")] not in (tara, harry)
    assert got[("g", "Tara Reid")] == tara and got[("g", "Harry Reid")] == harry
    # idempotent: linking again gives the same ids
    link_entities(store, ["a", "b", "c", "d", "e", "f", "g"])
    assert ids(store) == got


def test_variants_and_acronyms_within_a_story(store: Store) -> None:
    store.write(
        [
            doc("a", ("Barack Obama", "PERSON"), ("World Health Organization", "ORG")),
            doc("b", ("Barack Hussein Obama", "PERSON"), ("WHO", "ORG")),
            doc("c", ("George W. Bush", "PERSON")),
            doc("d", ("George H. W. Bush", "PERSON")),
        ],
        "t",
    )
    store.con.execute("INSERT INTO story_members VALUES ('s', 'a', 1), ('s', 'b', 1), ('s', 'c', 1), ('s', 'd', 1)")
    link_entities(store, ["a", "c"])
    link_entities(store, ["b", "d"])
    got = ids(store)
    assert got[("a", "Barack Obama")] == got[("b", "Barack Hussein Obama")]
    assert got[("c", "George W. Bush")] != got[("d", "George H. W. Bush")]  # father and son
    assert got[("a", "World Health Organization")] == got[("b", "WHO")]


def test_graph_entity_returns_mentions_across_documents(store: Store) -> None:
    store.write([doc("a", ("Tara Reid", "PERSON")), doc("b", ("Reid", "PERSON"), published="2020-01-02")], "t")
    store.con.execute("INSERT INTO story_members VALUES ('s', 'a', 1), ('s', 'b', 1)")
    link_entities(store, ["a", "b"])
    g = Graph(store=store)
    eid = g.entity_id_of("Tara Reid")
    assert eid is not None
    found = g.entity(eid)
    assert found is not None and found["name"] == "Tara Reid" and found["n_documents"] == 2
    assert [(m["doc_id"], m["text"]) for m in found["mentions"]] == [("a", "Tara Reid"), ("b", "Reid")]
    assert {n["name"] for n in found["names"]} == {"Tara Reid", "Reid"}
    assert g.entity("en-nobody") is None
