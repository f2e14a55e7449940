"""Stories, merged events and entities through Graph, the HTTP API and the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crossdoc_support import HOSTILE_STORY, SUMMIT, build_story_store
from newsgraph.cli import main
from newsgraph.query import Graph

fastapi = pytest.importorskip("fastapi", reason="needs fastapi (pip install -e .)")
from fastapi.testclient import TestClient  # noqa: E402

from newsgraph.api import create_app  # noqa: E402


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crossdoc") / "s.duckdb"
    build_story_store(path)
    return path


@pytest.fixture(scope="module")
def g(db: Path) -> Iterator[Graph]:
    graph = Graph(db)
    yield graph
    graph.close()


def test_stories_and_story(g: Graph) -> None:
    page = g.stories()
    assert page.total == 2
    summit = next(s for s in page if s.story_id == SUMMIT)
    assert (summit.n_articles, summit.n_sources) == (3, 3)
    assert (summit.first_seen, summit.last_seen) == ("2016-09-05T18:00", "2016-09-06T08:00")
    assert [s.story_id for s in g.stories(q="moscow")] == [SUMMIT]
    assert [s.story_id for s in g.stories(since="2016-09-06")] == [SUMMIT, HOSTILE_STORY]  # last seen, newest first
    assert g.stories(since="2016-09-07").total == 0
    story = g.story_detail(SUMMIT)
    assert story is not None
    assert [a["id"] for a in story["articles"]] == ["summit-1", "summit-2", "summit-3"]
    consult = next(e for e in story["events"] if e.code == "CONSULT")
    assert (consult.n_reports, consult.n_articles, consult.n_sources) == (3, 3, 3)
    assert (consult.source, consult.target, consult.place) == ("RUSGOV", "USAGOV", "Hangzhou")
    assert consult.place_country == "CN" and consult.place_lat is not None
    assert len(consult.reports) == 3 and all("counterpart Barack Obama" in r["evidence"] for r in consult.reports)
    agree = [e for e in story["events"] if e.code == "AGREE"]
    assert len(agree) == 1 and agree[0].n_articles == 2  # the second outlet did not report it
    assert {p.name for p in story["places"]} >= {"Hangzhou", "Syria"}
    assert any(q.speaker == "Vladimir Putin" for q in story["quotes"])
    assert g.story_detail("no-such-story") is None
    plain = g.story(SUMMIT)  # the story and its articles only (the stories engineer's shape)
    assert plain is not None and plain["n_articles"] == 3 and plain["articles"][0]["id"] == "summit-1"


def test_record_events_carry_event_ids(g: Graph) -> None:
    ids = {r.event_id for r in g.merged_events(code="CONSULT")}
    for doc_id in ("summit-1", "summit-2", "summit-3"):
        record = g.record(doc_id)
        assert record is not None and record["events"][0]["event_id"] in ids


def test_http_endpoints(db: Path) -> None:
    with TestClient(create_app(db), base_url="http://localhost") as client:
        stories = client.get("/api/stories").json()
        assert stories["total"] == 2 and {s["story_id"] for s in stories["items"]} == {SUMMIT, HOSTILE_STORY}
        story = client.get(f"/api/stories/{SUMMIT}").json()
        assert story["story"]["n_sources"] == 3 and len(story["articles"]) == 3
        assert story["events"][0]["n_sources"] == 3 and story["events"][0]["reports"]
        assert client.get("/api/stories/nope").status_code == 404
        merged = client.get("/api/events", params={"merged": "true"}).json()
        assert merged["total"] == 3 and merged["items"][0]["n_reports"] == 3  # CONSULT, AGREE, hostile ASSAULT
        reports = client.get("/api/events").json()
        assert reports["total"] == 6 and "n_reports" not in reports["items"][0]  # one row per report
        at = client.get("/api/events", params={"merged": "true", "place": "hangzhou"}).json()
        assert [e["code"] for e in at["items"]] == ["CONSULT"]
        by_story = client.get("/api/events", params={"story": HOSTILE_STORY}).json()
        assert [e["code"] for e in by_story["items"]] == ["ASSAULT"]
        stats = client.get("/api/stats").json()["counts"]
        assert stats["stories"] == 2 and stats["merged_events"] == 3
        g = Graph(db)
        try:
            putin = g.entity_id_of("Vladimir Putin")
        finally:
            g.close()
        entity = client.get(f"/api/entities/{putin}").json()
        assert entity["name"] == "Vladimir Putin" and entity["n_documents"] == 3
        assert len({m["doc_id"] for m in entity["mentions"]}) == 3
        assert client.get("/api/entities/en-nobody").status_code == 404


def test_cli_events_merged(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["events", "--merged", "--db", str(db), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0]["code"] == "CONSULT" and rows[0]["n_sources"] == 3
    assert main(["events", "--story", SUMMIT, "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "3 sources, 3 articles, 3 reports @ Hangzhou" in out
