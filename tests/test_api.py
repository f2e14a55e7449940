"""The Python API (``newsgraph.open``) and the HTTP API over it (FastAPI's TestClient)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import newsgraph
from newsgraph import config
from newsgraph.errors import EmptyInputError, QueryError, StoreError
from newsgraph.model import Article
from newsgraph.query import Graph
from newsgraph.results import EventRow, QuoteRow
from newsgraph.store import Store
from web_support import SEED, annotated_article, hostile_article

fastapi = pytest.importorskip("fastapi", reason="needs fastapi (pip install -e .)")
from fastapi.testclient import TestClient  # noqa: E402

from newsgraph.api import create_app  # noqa: E402

TOKEN = "s3cret-token"
BASE = "http://127.0.0.1"  # the server answers to localhost names only (DNS rebinding)


def later_copy(doc_id: str, published: str) -> Article:
    a = annotated_article(doc_id)
    a.published = published
    a.source = "other.example"
    for e in a.events:
        e.date = published
    return a


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("api") / "api.duckdb"
    with Store(path) as store:
        store.write(
            [annotated_article(), later_copy("annotated-2", "2016-10-01"), hostile_article()],
            "test",
        )
    return path


@pytest.fixture(scope="module")
def g(db: Path) -> Iterator[Graph]:
    graph = newsgraph.open(str(db))
    yield graph
    graph.close()


# -- the Python API ----------------------------------------------------------------------
def test_documents_search_filters_and_pages(g: Graph) -> None:
    page = g.documents(q="ALIGNMENT   syria")
    assert {d.id for d in page} == {"annotated-1", "annotated-2"}
    assert page.total == 2 and "alignment" in (page[0].snippet or "").lower()
    assert [d.id for d in g.documents(q="alignment", since="2016-09-10")] == ["annotated-2"]
    assert [d.id for d in g.documents(q="alignment", until="2016-09")] == ["annotated-1"]
    assert [d.id for d in g.documents(source="other.example")] == ["annotated-2"]
    assert g.documents(q="no such words anywhere").total == 0
    first = g.documents(limit=1)
    assert len(first) == 1 and first.total == 3  # newest first, total counts every match
    assert first[0].id == "annotated-2"
    assert g.documents(limit=1, offset=2).items[0].id in {"annotated-1", "hostile-1"}
    assert g.documents(q="100%_").total == 0  # LIKE wildcards are plain characters


def test_bad_filters_raise_query_errors(g: Graph) -> None:
    with pytest.raises(QueryError):
        g.documents(since="last tuesday")
    with pytest.raises(QueryError):
        g.documents(limit=0)
    with pytest.raises(QueryError):
        g.timeline("Vladimir Putin", by="hour")


def test_record_and_document(g: Graph) -> None:
    rec = g.record("annotated-1")
    assert rec is not None and rec["quotes"][0]["speaker"] == "Vladimir Putin"
    start, end = rec["quotes"][0]["content"]
    assert rec["text"][start:end].startswith("Despite everything")
    doc = g.document("annotated-1")
    assert doc is not None and doc.title and doc.title.startswith("Annotated")
    assert g.record("missing") is None and g.document("missing") is None


def test_entities_and_timeline(g: Graph) -> None:
    people = g.entities(type="person")
    assert people[0].name == "Vladimir Putin" and people[0].documents == 2 and people[0].mentions == 4
    assert [e.name for e in g.entities(q="obam")] == ["Barack Obama"]
    days = g.timeline("vladimir putin")
    assert [(p.period, p.mentions, p.documents) for p in days] == [("2016-09-05", 2, 1), ("2016-10-01", 2, 1)]
    assert [p.period for p in g.timeline("Vladimir Putin", by="month")] == ["2016-09", "2016-10"]
    assert [p.period for p in g.timeline("Vladimir Putin", by="year")] == ["2016"]
    assert len(g.timeline("Nobody at all")) == 0


def test_quotes(g: Graph) -> None:
    putin = g.quotes(speaker="putin")
    assert putin.total == 2 and all(isinstance(q, QuoteRow) for q in putin)
    assert "alignment of positions" in putin[0].content and putin[0].title
    assert [q.speaker for q in g.quotes(about="humanitarian", since="2016-09-10")] == ["Barack Obama"]
    assert g.quotes(speaker="nobody").total == 0


def test_places_aggregate_with_event_counts(g: Graph) -> None:
    places = g.places()
    hangzhou = next(p for p in places if p.name == "Hangzhou")
    assert (hangzhou.country, hangzhou.documents, hangzhou.mentions, hangzhou.events) == ("CN", 2, 4, 2)
    assert abs((hangzhou.lat or 0) - 30.29) < 0.01
    assert {p.name for p in g.places(country="sy")} == {"Syria"}


def test_events_filters(g: Graph) -> None:
    consult = g.events(code="consult")
    assert consult.total == 2 and all(isinstance(e, EventRow) for e in consult)
    e = consult[0]
    assert e.evidence == "following a meeting with counterpart Barack Obama" and e.doc_source == "other.example"
    assert (e.place, e.place_country, e.place_geonameid) == ("Hangzhou", "CN", 1808926) and e.place_lat
    assert g.events(actor="RUSGOV").total == 2 and g.events(actor="obama").total == 2
    assert g.events(code="03").total == 2  # a CAMEO prefix
    assert {x.doc_id for x in g.events(since="2016-09-06")} == {"hostile-1", "annotated-2"}
    assert g.events(place="hangz").total == 2
    assert g.events(actor="RUS", code="AGREE", place="nowhere").total == 0


def test_result_sets_become_tables(g: Graph) -> None:
    table = g.events().to_arrow()
    assert table.num_rows == 5 and "evidence" in table.column_names
    empty = g.quotes(speaker="nobody").to_arrow()
    assert empty.num_rows == 0 and "speaker" in empty.column_names
    assert g.entities(limit=2).to_dicts()[0].keys() >= {"name", "type", "mentions"}
    try:
        import pandas  # noqa: F401
    except ImportError:
        return
    assert len(g.places().to_pandas()) == 3


def test_empty_store_answers_with_empty_pages(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    Store(path).close()
    with newsgraph.open(str(path)) as empty:
        for rs in (empty.documents(q="x"), empty.events(), empty.quotes(), empty.places(), empty.entities()):
            assert len(rs) == 0 and rs.total == 0


def test_reads_go_on_during_a_write_transaction(db: Path, tmp_path: Path) -> None:
    """A reader is not blocked by a write in progress and sees the last committed state."""
    path = tmp_path / "busy.duckdb"
    with Store(path) as store:
        store.write([annotated_article()], "test")
        graph = Graph(store=store)
        inside, release = threading.Event(), threading.Event()

        def writer() -> None:
            with store.transaction() as con:
                con.execute("DELETE FROM documents")
                inside.set()
                release.wait(10)

        thread = threading.Thread(target=writer)
        thread.start()
        assert inside.wait(10)
        try:
            seen: list[int] = []
            reader = threading.Thread(target=lambda: seen.append(graph.documents().total))
            reader.start()
            reader.join(5)
            assert not reader.is_alive(), "the read waited for the write transaction"
            assert seen == [1]
        finally:
            release.set()
            thread.join()
        assert graph.documents().total == 0


def test_sql_is_read_only_limited_and_timed(g: Graph) -> None:
    assert g.sql("SELECT id FROM documents ORDER BY id", limit=2) == [{"id": "annotated-1"}, {"id": "annotated-2"}]
    for bad in ("DELETE FROM documents", "SELECT 1; SELECT 2", "SELEC nonsense"):
        with pytest.raises(QueryError):
            g.sql(bad)
    with pytest.raises(QueryError, match="time limit"):
        g.sql("SELECT sum(a.range * b.range) FROM range(200000) a, range(200000) b", timeout=0.5)


def test_analyze_runs_the_real_pipeline(g: Graph) -> None:
    article = g.analyze(SEED.read_text(encoding="utf-8"))
    assert article.title == "Moscow-Washington deal on Syria may happen in coming days: Putin"
    names = {e.name for e in article.entities}
    assert {"Vladimir Putin", "Barack Obama", "Syria"} <= names
    for e in article.entities:
        for m in e.mentions:
            assert article.text[m.start : m.end] == m.text
    with pytest.raises(EmptyInputError):
        g.analyze("   \n ")


def test_ingest_needs_a_writable_store(g: Graph, tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        g.ingest([annotated_article("x")])
    with Store(tmp_path / "w.duckdb") as store:
        writable = Graph(store=store, settings=config.load(workers=1))
        text = SEED.read_text(encoding="utf-8")
        first = writable.ingest([Article(id="seed", text=text, title="Seed")])
        assert (first.processed, first.stored, first.unchanged) == (1, 1, 0)
        again = writable.ingest([Article(id="seed", text=text, title="Seed")])
        assert (again.stored, again.unchanged) == (0, 1)
        assert "Vladimir Putin" in {e.name for e in writable.entities(type="PERSON")}


# -- the HTTP API ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db), base_url=BASE) as c:
        yield c


def test_http_read_endpoints(client: TestClient) -> None:
    stats = client.get("/api/stats").json()
    assert stats["counts"]["documents"] == 3 and stats["ingest"] is False
    page = client.get("/api/documents", params={"q": "alignment", "limit": 1}).json()
    assert page["total"] == 2 and len(page["items"]) == 1 and page["limit"] == 1
    assert client.get("/api/documents", params={"q": "alignment", "limit": 1, "offset": 1}).json()["items"]
    rec = client.get("/api/documents/annotated-1").json()
    assert rec["id"] == "annotated-1" and rec["places"][0]["name"] == "Hangzhou"
    assert client.get("/api/entities", params={"type": "PERSON"}).json()["items"][0]["name"] == "Vladimir Putin"
    timeline = client.get("/api/timeline", params={"entity": "Vladimir Putin", "by": "month"}).json()
    assert [p["period"] for p in timeline["items"]] == ["2016-09", "2016-10"]
    assert client.get("/api/quotes", params={"speaker": "Obama"}).json()["total"] == 2
    assert client.get("/api/places", params={"country": "CN"}).json()["items"][0]["events"] == 2
    events = client.get("/api/events", params={"code": "CONSULT", "since": "2016-09"}).json()
    assert events["total"] == 2 and events["items"][0]["evidence"].startswith("following a meeting")
    assert events["items"][0]["place"] == "Hangzhou" and events["items"][0]["place_lon"] is not None


def test_http_errors_are_json(client: TestClient) -> None:
    missing = client.get("/api/documents/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "E404"
    assert client.get("/api/documents", params={"since": "yesterday"}).status_code == 422
    assert client.get("/api/documents", params={"limit": 0}).status_code == 422
    assert client.get("/api/timeline", params={"entity": "x", "by": "hour"}).status_code == 422
    assert client.get("/api/timeline").status_code == 422


def test_http_sql(client: TestClient) -> None:
    ok = client.post("/api/sql", json={"sql": "SELECT id, published_date FROM documents ORDER BY id", "limit": 2})
    assert ok.status_code == 200
    assert ok.json()["columns"] == ["id", "published_date"] and ok.json()["rows"][0]["published_date"] == "2016-09-05"
    for bad in ("SELECT * FROM read_text('/etc/hostname')", "SELECT 1; DROP TABLE documents", "SELECT * FROM nowhere"):
        r = client.post("/api/sql", json={"sql": bad})
        assert r.status_code == 400 and r.json()["error"]["code"] == "E500", bad
    refused = client.post("/api/sql", json={"sql": "DROP TABLE documents"})  # not even a SELECT: the schema says no
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "E422"
    assert client.get("/api/stats").json()["counts"]["documents"] == 3


def test_http_sql_time_limit(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "slow.duckdb"
    Store(path).close()
    with TestClient(create_app(path, sql_timeout=0.5), base_url=BASE) as c:
        r = c.post("/api/sql", json={"sql": "SELECT sum(a.range * b.range) FROM range(200000) a, range(200000) b"})
        assert r.status_code == 400 and "time limit" in r.json()["error"]["message"]


def test_http_analyze(client: TestClient) -> None:
    r = client.post("/api/analyze", json={"text": SEED.read_text(encoding="utf-8"), "url": "https://x.example/a"})
    assert r.status_code == 200
    rec = r.json()
    assert rec["url"] == "https://x.example/a" and "Vladimir Putin" in {e["name"] for e in rec["entities"]}
    assert client.post("/api/analyze", json={"text": "  "}).status_code == 422
    assert client.get("/api/stats").json()["counts"]["documents"] == 3  # nothing stored


def test_http_ingest_needs_a_token(client: TestClient, tmp_path: Path) -> None:
    body = {"documents": [{"id": "posted-1", "text": SEED.read_text(encoding="utf-8"), "source": "posted.example"}]}
    refused = client.post("/api/documents", json=body)
    assert refused.status_code == 403  # no token configured: ingestion is off
    path = tmp_path / "ingest.duckdb"
    with TestClient(create_app(path, token=TOKEN), base_url=BASE) as c:
        assert c.post("/api/documents", json=body).status_code == 401
        assert c.post("/api/documents", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
        r = c.post("/api/documents", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 200 and r.json()["stored"] == 1 and r.json()["ids"] == ["posted-1"]
        assert c.get("/api/documents", params={"source": "posted.example"}).json()["total"] == 1
        people = c.get("/api/entities", params={"type": "PERSON"}).json()["items"]
        assert "Vladimir Putin" in {e["name"] for e in people}
        again = c.post("/api/documents", json=body, headers={"Authorization": f"Bearer {TOKEN}"}).json()
        assert again["unchanged"] == 1 and again["stored"] == 0


def test_openapi_and_web_app(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/api/documents", "/api/events", "/api/quotes", "/api/places", "/api/timeline", "/api/sql"} <= set(
        schema["paths"]
    )
    page = client.get("/")
    assert page.status_code == 200 and "newsgraph" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    for asset in ("app.js", "core.js", "article.js", "charts.js", "app.css", "world-110m.geojson"):
        assert client.get(f"/static/{asset}").status_code == 200, asset
    assert "http" not in "".join(line for line in page.text.splitlines() if "src=" in line or "href=" in line)
