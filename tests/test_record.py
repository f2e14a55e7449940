"""The typed record end to end: working state between stages, one place type, typed store columns.

Issue 10: an untyped ``Article.scratch`` let a place reach events and counts as a
dict in some rows and a string in others, which crashed ``Store.write`` ("Expected
bytes, got a 'dict' object") or stored a Python repr as the place's name.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import FIXTURES, ROOT, SAMPLE
from newsgraph import cli
from newsgraph.model import Article, Count, Event, Focus, PlaceRef, Work
from newsgraph.pipeline import Pipeline
from newsgraph.stages import STAGES
from newsgraph.stages.base import DECLARABLE, Stage
from newsgraph.store import Store

MIXED = FIXTURES / "record" / "places_mixed.jsonl"
PLACE_COLUMNS = {"place", "place_geonameid", "place_lat", "place_lon", "place_country", "place_feature"}


def ingest(db: Path, *paths: Path) -> int:
    return cli.main(["ingest", *map(str, paths), "--db", str(db), "--workers", "1"])


def reprs_in_varchar_columns(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """``table.column -> rows`` whose text starts like a Python dict or list repr."""
    found: dict[str, int] = {}
    columns = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE data_type = 'VARCHAR'"
    ).fetchall()
    assert columns
    for table, column in columns:
        row = con.execute(
            f"""SELECT count(*) FROM "{table}" WHERE "{column}" LIKE '{{''%' OR "{column}" LIKE '[''%'"""
        ).fetchone()
        if row and row[0]:
            found[f"{table}.{column}"] = int(row[0])
    return found


# -- the working state ---------------------------------------------------------------------
def test_every_declared_name_is_a_typed_field() -> None:
    for cls in STAGES:
        assert set(cls.requires) | set(cls.assigns) <= DECLARABLE, cls.name
    assert {"doc", "coref", "focus", "sentence_places", "entity_of_span"} <= DECLARABLE


def test_a_stage_declaring_an_unknown_name_fails_when_defined() -> None:
    with pytest.raises(TypeError, match="focuss"):

        class Typo(Stage):
            name = "typo"
            requires = ("doc",)
            assigns = ("focuss",)


def test_working_state_is_typed_and_cleared_after_the_run(pipeline: Pipeline) -> None:
    article = Article(id="w", text="Police arrested 40 protesters in Cairo on Monday.\n\nWitnesses said so.")
    assert isinstance(article.work, Work) and article.work.focus == Focus()
    done = pipeline.run([article])[0]
    assert isinstance(done, Article)
    assert done.work == Work() and done.doc is None
    assert "work" not in done.to_record() and "scratch" not in done.to_record()


# -- one place type ------------------------------------------------------------------------
def test_record_place_is_the_name_and_place_ref_the_object() -> None:
    cairo = PlaceRef("Cairo", 360630, 30.06263, 31.24967, "EG", "city")
    article = Article(id="r", text="Police arrested 40 protesters in Cairo.")
    article.events = [
        Event("ARREST", "173", "EGYCOP", "Police", None, None, None, "asserted", None, cairo, (0, 39)),
        Event("ARREST", "173", None, None, None, None, None, "asserted", None, None, (0, 39)),
    ]
    article.counts = [Count("ARREST", 40, None, "protester", PlaceRef("Tahrir Square"), (0, 39))]
    rec = json.loads(json.dumps(article.to_record()))
    first = rec["events"][0]
    assert first["place"] == "Cairo"
    assert first["place_ref"] == {
        "name": "Cairo",
        "geonameid": 360630,
        "lat": 30.06263,
        "lon": 31.24967,
        "country": "EG",
        "feature": "city",
    }
    assert list(first).index("place_ref") == list(first).index("place") + 1
    assert rec["events"][1]["place"] is None and rec["events"][1]["place_ref"] is None
    assert rec["counts"][0]["place"] == "Tahrir Square" and rec["counts"][0]["place_ref"]["lat"] is None
    back = Article.from_record(rec)
    assert back.events == article.events and back.counts == article.counts


def test_older_records_with_a_name_or_a_dict_as_place_still_read() -> None:
    rec = Article(id="o", text="x").to_record()
    event = {
        "code": "ASSAULT",
        "cameo": "190",
        "source": None,
        "source_name": None,
        "target": None,
        "target_name": None,
        "mode": None,
        "factuality": "asserted",
        "date": None,
        "evidence": [0, 1],
    }
    rec["events"] = [
        {**event, "place": "Aleppo"},
        {**event, "place": {"name": "Aleppo", "geonameid": 170063, "lat": 36.2, "lon": 37.16, "country": "SY"}},
    ]
    back = Article.from_record(rec)
    assert back.events[0].place == PlaceRef("Aleppo")
    assert back.events[1].place == PlaceRef("Aleppo", 170063, 36.2, 37.16, "SY", None)


# -- the store -----------------------------------------------------------------------------
def test_ingest_with_resolved_and_unresolved_places_in_one_batch(tmp_path: Path) -> None:
    """Regression: a count placed by the article's focus (a dict) next to one placed by a
    named mention (a string) crashed Store.write and stored nothing."""
    db = tmp_path / "mixed.duckdb"
    assert ingest(db, MIXED) == 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (2,)
        for table in ("events", "counts"):
            names = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
            assert names >= PLACE_COLUMNS, table
        counts = con.execute(
            "SELECT doc_id, place, place_lat, place_lon, place_country FROM counts ORDER BY doc_id"
        ).fetchall()
        assert {r[0] for r in counts} == {"places-named", "places-focus"}
        assert all(isinstance(r[1], str) and r[2] is not None and r[3] is not None and r[4] for r in counts)
        cairo = [r for r in counts if r[0] == "places-named"]
        assert cairo and cairo[0][1] == "Cairo" and cairo[0][4] == "EG"
        located = con.execute("SELECT count(*) FROM events WHERE place IS NOT NULL AND place_lat IS NOT NULL")
        assert (located.fetchone() or (0,))[0] > 0
        assert reprs_in_varchar_columns(con) == {}
        record = json.loads(con.execute("SELECT record FROM documents WHERE id = 'places-named'").fetchone()[0])
        assert all(isinstance(c["place"], str) for c in record["counts"] if c["place"] is not None)
    finally:
        con.close()
    with Store(db, read_only=True) as store:
        exported = {path.stem: path for path in store.export_parquet(tmp_path / "parquet")}
    schema = pq.read_schema(exported["events"])
    assert schema.field("place").type == pa.string() and schema.field("place_lat").type == pa.float64()
    assert pq.read_schema(exported["counts"]).field("place_geonameid").type == pa.int64()


def test_no_python_repr_in_any_stored_text(tmp_path: Path) -> None:
    sample = tmp_path / "sample.jsonl"
    sample.write_text("\n".join(SAMPLE.read_text(encoding="utf-8").splitlines()[:15]) + "\n", encoding="utf-8")
    db = tmp_path / "sample.duckdb"
    assert ingest(db, sample) == 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (15,)
        assert (con.execute("SELECT count(place) FROM events").fetchone() or (0,))[0] > 0
        assert reprs_in_varchar_columns(con) == {}
    finally:
        con.close()


def test_an_older_store_gains_the_typed_place_columns(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO meta VALUES ('schema_version', '2')")
    con.execute(
        """CREATE TABLE events (doc_id VARCHAR NOT NULL, event INTEGER NOT NULL, code VARCHAR NOT NULL,
           cameo VARCHAR, source VARCHAR, source_name VARCHAR, target VARCHAR, target_name VARCHAR,
           mode VARCHAR, factuality VARCHAR NOT NULL, date VARCHAR, place VARCHAR, goldstein DOUBLE,
           quad_class INTEGER, reported_by VARCHAR, start INTEGER NOT NULL, "end" INTEGER NOT NULL)"""
    )
    con.execute(
        """CREATE TABLE counts (doc_id VARCHAR NOT NULL, count INTEGER NOT NULL, type VARCHAR NOT NULL,
           number BIGINT NOT NULL, qualifier VARCHAR, object VARCHAR, place VARCHAR,
           start INTEGER NOT NULL, "end" INTEGER NOT NULL)"""
    )
    con.close()
    article = Article(id="a", text="Rebels attacked Aleppo.")
    aleppo = PlaceRef("Aleppo", 170063, 36.2, 37.16, "SY", "city")
    article.events = [Event("ASSAULT", "190", None, None, None, None, None, "asserted", None, aleppo, (0, 23))]
    with Store(db) as store:
        store.write([article], "test")
        row = store.con.execute("SELECT place, place_geonameid, place_lat, place_country FROM events").fetchone()
    assert row == ("Aleppo", 170063, 36.2, "SY")


# -- sentence boundaries -------------------------------------------------------------------
TEXT = (
    "Syria talks resume in Geneva\n\n"
    "GENEVA (Reuters) - Envoys met on Tuesday\n"
    "to discuss a ceasefire. Officials said the talks would go on.\n"
    "Rebels attacked a convoy near Aleppo.\n\n"
    "The United Nations condemned the attack"
)
SENTENCES = f"""
import json, sys
from newsgraph import config
from newsgraph.model import Article
from newsgraph.pipeline import Pipeline
stages = tuple(sys.argv[1].split(","))
pipeline = Pipeline(config.load(workers=1).with_(stages=stages))
pipeline.setup()
article = Article(id="s", text={TEXT!r})
for stage in pipeline.stages:
    article = stage.process_batch([article])[0]
sents = [[s.start_char, s.end_char] for s in article.doc.sents]
ents = [[e.start_char, e.end_char, e.label_] for e in article.doc.ents]
print(json.dumps([sents, ents]))
"""


def parse_in_fresh_process(stages: str) -> list[list[list[int | str]]]:
    out = subprocess.run(
        [sys.executable, "-c", SENTENCES, stages],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=300,
    )
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def test_the_parse_does_not_depend_on_the_stages_selected(pipeline: Pipeline) -> None:
    # clean,parse alone in a fresh process: nothing else ever configured its spaCy pipeline
    alone, alone_ents = parse_in_fresh_process("clean,parse")
    article = Article(id="s", text=TEXT)
    for stage in pipeline.stages:  # every stage, in this process
        article = stage.process_batch([article])[0]
    assert alone == [[s.start_char, s.end_char] for s in article.doc.sents]
    assert alone_ents == [[e.start_char, e.end_char, e.label_] for e in article.doc.ents]
    starts = {s for s, _ in alone}
    # paragraph breaks and a line break after final punctuation start sentences ...
    for line in ("GENEVA (Reuters)", "Rebels attacked", "The United Nations"):
        assert TEXT.index(line) in starts, line
    # ... a line break inside a sentence does not
    assert TEXT.index("to discuss") not in starts


def test_places_stored_as_a_dicts_text_are_repaired_on_upgrade(tmp_path: Path) -> None:
    """Stores written before PlaceRef hold an event's place as a Python repr and a count's
    as DuckDB's text of a struct; opening one with this version repairs both."""
    db = tmp_path / "v2.duckdb"
    article = Article(id="a", text="Rebels attacked Aleppo. Ten people were killed.")
    aleppo = PlaceRef("Aleppo", 170063, 36.2, 37.16, "SY", "city")
    article.events = [Event("ASSAULT", "190", None, None, None, None, None, "asserted", None, aleppo, (0, 23))]
    article.counts = [Count("KILL", 10, None, "people", aleppo, (24, 47))]
    old = {"name": "Aleppo", "geonameid": 170063, "lat": 36.2, "lon": 37.16, "country": "SY", "feature": "city"}
    with Store(db) as store:
        store.write([article], "old")
        rec = article.to_record()
        for key in ("events", "counts"):
            rec[key][0].pop("place_ref")
        rec["events"][0]["place"] = str(old)  # the events stage wrote str(dict)
        rec["counts"][0]["place"] = old  # the counts stage a dict, cast to text by the store
        store.con.execute("UPDATE documents SET record = ?", [json.dumps(rec)])
        store.con.execute("UPDATE events SET place = ?, place_lat = NULL, place_geonameid = NULL", [str(old)])
        struct = "{'name': Aleppo, 'geonameid': 170063, 'lat': 36.2, 'lon': 37.16, 'country': SY, 'feature': city}"
        store.con.execute("UPDATE counts SET place = ?, place_lat = NULL", [struct])
        store.con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    with Store(db) as store:
        assert store.con.execute("SELECT place, place_geonameid, place_lat FROM events").fetchall() == [
            ("Aleppo", 170063, 36.2)
        ]
        assert store.con.execute("SELECT place, place_lat, place_country FROM counts").fetchall() == [
            ("Aleppo", 36.2, "SY")
        ]
        assert reprs_in_varchar_columns(store.con) == {}
        stored = json.loads(store.con.execute("SELECT record FROM documents").fetchone()[0])
    back = Article.from_record(stored)
    assert back.events[0].place == aleppo and back.counts[0].place == aleppo
    assert stored["events"][0]["place"] == "Aleppo" and stored["counts"][0]["place_ref"] == old


def test_places_count_each_event_once_by_geonames_id(tmp_path: Path) -> None:
    """An event is at a place by its GeoNames id (else its name); a place named in two roles
    ("Syria" and "Syrian") counts its events once; a namesake elsewhere counts none."""
    from newsgraph.model import Mention, Place
    from newsgraph.query import Graph

    text = "Syrian troops shelled Homs in Syria. Homs, Ontario, held a fair."
    syria = Place("Syria", 163843, 35.0, 38.0, "SY", "country", [Mention(29, 34, "Syria")], role="location")
    syrian = Place("Syria", 163843, 35.0, 38.0, "SY", "country", [Mention(0, 6, "Syrian")], role="adjective")
    homs = Place("Homs", 169577, 34.72682, 36.72339, "SY", "city", [Mention(22, 26, "Homs")], role="location")
    other = Place("Homs", None, None, None, "CA", None, [Mention(37, 41, "Homs")], role="location")
    article = Article(id="p", text=text)
    article.places = [syria, syrian, homs, other]
    article.events = [
        Event("ASSAULT", "190", "SYRMIL", "Syrian troops", None, None, None, "asserted", None, homs.ref(), (0, 36)),
        Event("ASSAULT", "190", "SYRMIL", "Syrian troops", None, None, None, "asserted", None, syria.ref(), (0, 36)),
    ]
    db = tmp_path / "p.duckdb"
    with Store(db) as store:
        store.write([article], "test")
    g = Graph(db)
    try:
        events = {(p.name, p.country): p.events for p in g.places()}
    finally:
        g.close()
    assert events == {("Syria", "SY"): 1, ("Homs", "SY"): 1, ("Homs", "CA"): 0}
