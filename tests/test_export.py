"""newsgraph export: GDELT 2.0 Event / Mentions / GKG files, POLECAT records, Parquet and JSON Lines.

Every GDELT file is read back with pandas under the codebook's column names and types and
checked against the store; every line has exactly the codebook's number of fields.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from conftest import FIXTURES, ROOT, SAMPLE
from newsgraph.cli import main
from newsgraph.export import export
from newsgraph.export.codes import fips, geo_type, split_actor
from newsgraph.export.columns import SUFFIXES, TABLES
from newsgraph.export.geo import place_from_value
from newsgraph.export.text import stable_id
from newsgraph.export.themes import IssueLexicon, issue_lexicon
from newsgraph.ingest.text import from_text
from newsgraph.model import Article, Skipped
from newsgraph.pipeline import Pipeline
from newsgraph.query import Graph
from newsgraph.store import Store

SEED = ROOT.parent / "shared" / "seed" / "article.txt"
CONSULT_URL = "https://news.example.org/2016/09/05/putin-obama-g20"
MESSY_URL = "https://www.example.com/live?id=1"


def _articles() -> list[Article]:
    if SEED.exists():  # the project's reference article; a committed fixture text otherwise
        consult = from_text(SEED.read_text(encoding="utf-8"), str(SEED), doc_id="consult", url=CONSULT_URL)
    else:
        text = (FIXTURES / "export" / "consult.txt").read_text(encoding="utf-8")
        consult = from_text(text, "consult.txt", doc_id="consult", url=CONSULT_URL)
    messy = Article(
        id="messy",
        title="Live:\tprotests\nin Paris",
        url=MESSY_URL,
        published="2016-09-07",
        text=(
            "Protesters gathered in Paris on Wednesday;\tpolice | arrested 20 people #now.\r\n"
            'French President Francois Hollande met German Chancellor Angela Merkel in Berlin. "We agree\ton\tthis," he said.'
        ),
    )
    sample = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()[:6]]
    others = [Article(id=r["id"], text=r["text"], title=r.get("title"), published="2016-08-01") for r in sample]
    return [consult, messy, *others]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline) -> str:
    path = str(tmp_path_factory.mktemp("export") / "store.duckdb")
    done = [a for a in pipeline.run(_articles()) if not isinstance(a, Skipped)]
    with Store(path) as store:
        store.write(done, pipeline.version)
    return path


def _export(db: str, folder: Path, fmt: str, **kw: Any) -> Any:
    with Graph(db) as g:
        return export(g, folder, fmt, **kw)


def _read(path: Path, table: str, header: bool = False) -> pd.DataFrame:
    columns, dtypes = TABLES[table]
    return pd.read_csv(
        path,
        sep="\t",
        header=0 if header else None,
        names=list(columns),
        dtype=dtypes,
        quoting=csv.QUOTE_NONE,
        keep_default_na=False,
        na_values=[""],
        encoding="utf-8",
    )


def _read_all(folder: Path, table: str) -> pd.DataFrame:
    files = sorted(folder.glob(f"*.{SUFFIXES[table]}"))
    assert files, f"no {table} file in {folder}"
    return pd.concat([_read(f, table) for f in files], ignore_index=True)


def _store_rows(db: str, sql: str) -> list[dict[str, Any]]:
    with Graph(db) as g:
        return g.sql(sql, limit=100_000)


# -- GDELT -----------------------------------------------------------------------------
def test_every_gdelt_line_has_the_codebook_fields(db: str, tmp_path: Path) -> None:
    result = _export(db, tmp_path, "gdelt")
    assert result.events > 0 and result.mentions == result.events and result.gkg == result.documents
    for path in tmp_path.iterdir():
        table = next((t for t, s in SUFFIXES.items() if path.name.endswith("." + s)), None)
        if table is None:
            continue
        assert path.name[:14].isdigit() and len(path.name.split(".")[0]) == 14  # YYYYMMDDHHMMSS.
        columns, _ = TABLES[table]
        raw = path.read_bytes().decode("utf-8")
        assert "\r" not in raw
        lines = raw.split("\n")
        assert lines[-1] == ""
        for line in lines[:-1]:
            assert line.count("\t") == len(columns) - 1, (path.name, line[:200])


def test_gdelt_tables_load_with_codebook_names_and_types(db: str, tmp_path: Path) -> None:
    _export(db, tmp_path, "gdelt")
    events, mentions, gkg = (_read_all(tmp_path, t) for t in ("events", "mentions", "gkg"))
    n_events = _store_rows(db, "SELECT count(*) AS n FROM events")[0]["n"]
    n_docs = _store_rows(db, "SELECT count(*) AS n FROM documents")[0]["n"]
    assert len(events) == len(mentions) == n_events and len(gkg) == n_docs
    assert events["GLOBALEVENTID"].is_unique and set(mentions["GLOBALEVENTID"]) == set(events["GLOBALEVENTID"])
    assert str(events["SQLDATE"].dtype) == "int64" and str(events["GoldsteinScale"].dtype) == "float64"
    assert str(events["QuadClass"].dtype) == "Int64" and str(events["ActionGeo_Lat"].dtype) == "float64"
    assert (events["MonthYear"] == events["SQLDATE"] // 100).all() and (
        events["Year"] == events["SQLDATE"] // 10000
    ).all()
    assert events["EventCode"].dropna().str.fullmatch(r"\d{3,4}").all()  # leading zeros kept: strings
    assert (events["NumMentions"] == 1).all() and (events["NumArticles"] == 1).all()
    assert set(mentions["Confidence"]) <= {20, 40, 50, 60, 100}
    assert gkg["GKGRECORDID"].is_unique and (gkg["SourceCollectionIdentifier"].isin([1, 2])).all()


def test_event_and_mention_rows_match_the_store(db: str, tmp_path: Path) -> None:
    _export(db, tmp_path, "gdelt")
    events = _read_all(tmp_path, "events").set_index("GLOBALEVENTID")
    mentions = _read_all(tmp_path, "mentions").set_index("GLOBALEVENTID")
    rows = _store_rows(
        db,
        """SELECT e.doc_id, e.event, e.cameo, e.source, e.source_name, e.target, e.goldstein, e.quad_class,
                  e.start, e.place_lat, e.place_lon, d.url, d.origin, d.tone, length(d.text) AS doclen,
                  d.ingested_at
           FROM events e JOIN documents d ON d.id = e.doc_id""",
    )
    for r in rows:
        gid = stable_id("report", r["doc_id"], r["event"])
        ev, mn = events.loc[gid], mentions.loc[gid]
        assert (ev["EventCode"] if pd.notna(ev["EventCode"]) else None) == r["cameo"]
        assert (ev["Actor1Code"] if pd.notna(ev["Actor1Code"]) else None) == r["source"]
        assert (ev["Actor1Name"] if pd.notna(ev["Actor1Name"]) else None) == r["source_name"]
        if r["source"] and r["source"][:3] in {"RUS", "USA", "SYR", "FRA", "DEU", "CHN"}:
            assert ev["Actor1CountryCode"] == r["source"][:3]
        if r["goldstein"] is not None:
            assert ev["GoldsteinScale"] == pytest.approx(r["goldstein"])
        if r["quad_class"] is not None:
            assert ev["QuadClass"] == r["quad_class"]
        if r["place_lat"] is not None:
            assert ev["ActionGeo_Lat"] == pytest.approx(r["place_lat"])
            assert ev["ActionGeo_Long"] == pytest.approx(r["place_lon"])
        assert ev["SOURCEURL"] == (r["url"] or r["origin"] or r["doc_id"])
        assert ev["DATEADDED"] == int(r["ingested_at"].strftime("%Y%m%d%H%M%S"))
        assert mn["ActionCharOffset"] == r["start"] and mn["MentionDocLen"] == r["doclen"]
        assert mn["MentionIdentifier"] == ev["SOURCEURL"] and mn["EventTimeDate"] == ev["DATEADDED"]


def test_gkg_rows_match_the_store(db: str, tmp_path: Path) -> None:
    _export(db, tmp_path, "gdelt")
    gkg = _read_all(tmp_path, "gkg").set_index("DocumentIdentifier")
    docs = _store_rows(db, "SELECT id, url, origin, title, text FROM documents")
    codes = set(issue_lexicon().codes.values())
    for d in docs:
        row = gkg.loc[d["url"] or d["origin"] or d["id"]]
        persons = {
            r["name"]
            for r in _store_rows(db, f"SELECT name FROM entities WHERE doc_id = '{d['id']}' AND type = 'PERSON'")
        }
        got = set(row["Persons"].split(";")) if pd.notna(row["Persons"]) else set()
        assert got == {p.replace(",", " ") for p in persons}
        for block in row["V2Persons"].split(";") if pd.notna(row["V2Persons"]) else []:
            name, offset = block.rsplit(",", 1)
            assert int(offset) >= 0 and name in got
        for block in row["V2Themes"].split(";") if pd.notna(row["V2Themes"]) else []:
            code, offset = block.split(",")
            assert code in codes and 0 <= int(offset) < len(d["text"])
        for block in row["V2Locations"].split(";") if pd.notna(row["V2Locations"]) else []:
            fields = block.split("#")
            assert len(fields) == 9 and int(fields[-1]) >= 0
            if fields[0]:
                assert int(fields[0]) in {1, 2, 3, 4, 5} and fields[2] and len(fields[2]) == 2
        tone = row["V2Tone"].split(",")
        assert len(tone) == 7 and int(tone[6]) == len(d["text"].split())
        if d["title"]:
            assert row["Extras"].startswith("<PAGE_TITLE>") and "\t" not in row["Extras"]
    messy = gkg.loc[MESSY_URL]
    assert messy["SourceCommonName"] == "example.com"
    for block in messy["Quotations"].split("#") if pd.notna(messy["Quotations"]) else []:
        assert len(block.split("|")) == 4
    counts = [b.split("#") for b in messy["V2Counts"].split(";")] if pd.notna(messy["V2Counts"]) else []
    assert all(len(c) == 11 for c in counts)


def test_consult_round_trip(db: str, tmp_path: Path) -> None:
    """The reference article (or the committed fixture text) gives the Putin-Obama CONSULT row
    dated 2016-09-05 with its source URL, and (when the store places it there) a RUS -> USA
    CONSULT in Hangzhou with FIPS China, exactly as the store has it."""
    _export(db, tmp_path, "gdelt")
    events = _read_all(tmp_path, "events")
    consult = events[
        (events["EventRootCode"] == "04")
        & events["Actor1Code"].str.startswith("RUS", na=False)
        & events["Actor2Code"].str.startswith("USA", na=False)
    ]
    named = consult[
        consult["Actor1Name"].str.contains("Putin", na=False) & consult["Actor2Name"].str.contains("Obama", na=False)
    ]
    assert len(named) >= 1
    row = named.iloc[0]
    assert row["SQLDATE"] == 20160905 and row["Year"] == 2016 and row["MonthYear"] == 201609
    assert row["SOURCEURL"] == CONSULT_URL and row["QuadClass"] == 1
    assert row["Actor1CountryCode"] == "RUS" and row["Actor2CountryCode"] == "USA"
    stored = _store_rows(
        db,
        """SELECT place FROM events WHERE doc_id = 'consult' AND code = 'CONSULT'
           AND source LIKE 'RUS%' AND target LIKE 'USA%'""",
    )
    places = [place_from_value(r["place"]) for r in stored]
    exported = set(consult["ActionGeo_FullName"].dropna())
    for p in places:  # the export names the place the store has
        assert p is None or any(name.startswith(p.name) for name in exported)
    if not any(p is not None and p.name == "Hangzhou" for p in places):
        pytest.xfail(f"the events stage places the RUS-USA CONSULT at {[p.name if p else None for p in places]}")
    hz = consult[consult["ActionGeo_FullName"].str.startswith("Hangzhou", na=False)].iloc[0]
    assert hz["SQLDATE"] == 20160905 and hz["SOURCEURL"] == CONSULT_URL
    assert hz["ActionGeo_CountryCode"] == "CH" and hz["ActionGeo_Type"] == 4  # FIPS China, world city
    assert hz["ActionGeo_ADM1Code"] == "CH02" and hz["ActionGeo_FeatureID"] == "1808926"  # Zhejiang; GeoNames id
    assert hz["ActionGeo_Lat"] == pytest.approx(30.29, abs=0.1)
    assert hz["ActionGeo_Long"] == pytest.approx(120.16, abs=0.1)


def test_single_file_with_header(db: str, tmp_path: Path) -> None:
    _export(db, tmp_path, "gdelt", single=True, header=True)
    for table, suffix in SUFFIXES.items():
        files = list(tmp_path.glob(f"*.{suffix}"))
        assert len(files) == 1
        columns, _ = TABLES[table]
        assert files[0].read_text(encoding="utf-8").split("\n", 1)[0] == "\t".join(columns)
        assert len(_read(files[0], table, header=True)) > 0


def test_merged_events_give_counts_and_one_event_row(db: str, tmp_path: Path) -> None:
    copy = tmp_path / "merged.duckdb"
    shutil.copy(db, copy)
    with Store(copy) as store:
        con = store.con
        # the tables exist (schema 4, issue 11) and ingest filled them: start from one merged event of two reports
        con.execute("DELETE FROM event_reports")
        con.execute("DELETE FROM merged_events")
        pair = con.execute(
            "SELECT doc_id, event FROM events WHERE code = 'CONSULT' ORDER BY doc_id, event LIMIT 2"
        ).fetchall()
        assert len(pair) == 2
        con.execute(
            """INSERT INTO merged_events VALUES ('m1', NULL, 'CONSULT', '040', 'RUSGOV', 'Vladimir Putin',
               'USAGOV', 'Barack Obama', '2016-09-05', 'Hangzhou', 1808926, 30.29, 120.16, 'CN', 'city',
               'asserted', 1.0, 1, 5, 3, 2, '2016-09-05', '2016-09-06')"""
        )
        con.executemany("INSERT INTO event_reports VALUES ('m1', ?, ?)", [list(p) for p in pair])
    out = tmp_path / "out"
    _export(str(copy), out, "gdelt")
    events = _read_all(out, "events")
    mentions = _read_all(out, "mentions")
    gid = stable_id("merged", "m1")
    merged = events[events["GLOBALEVENTID"] == gid]
    assert len(merged) == 1
    row = merged.iloc[0]
    assert (row["NumMentions"], row["NumArticles"], row["NumSources"]) == (5, 3, 2)
    assert row["EventCode"] == "040" and row["ActionGeo_FullName"].startswith("Hangzhou")
    assert row["ActionGeo_CountryCode"] == "CH" and row["ActionGeo_ADM1Code"] == "CH02"
    assert len(mentions[mentions["GLOBALEVENTID"] == gid]) == 2
    n_events = _store_rows(db, "SELECT count(*) AS n FROM events")[0]["n"]
    assert len(events) == n_events - 1 and len(mentions) == n_events


# -- POLECAT ---------------------------------------------------------------------------
def test_polecat_records(db: str, tmp_path: Path) -> None:
    result = _export(db, tmp_path, "polecat")
    lines = (tmp_path / "polecat.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    n_events = _store_rows(db, "SELECT count(*) AS n FROM events")[0]["n"]
    assert len(records) == n_events == result.events
    texts = {r["id"]: r["text"] for r in _store_rows(db, "SELECT id, text FROM documents")}
    for rec in records:  # NGEC's (POLECAT's coder's) record keys
        for key in ("id", "event_type", "event_mode", "contexts", "date", "pub_date", "story_id", "event_text"):
            assert key in rec
        assert set(rec["attributes"]) == {"ACTOR", "RECIP", "LOC"} and "geo" in rec["event_geolocation"]
        text = texts[rec["story_id"]]
        assert rec["event_text"] == text[rec["evidence"][0] : rec["evidence"][1]]
        for actor in rec["attributes"]["ACTOR"] + rec["attributes"]["RECIP"]:
            if actor["start_char"] is not None:
                assert actor["text"] == text[actor["start_char"] : actor["end_char"]]
            if actor["qa_start_char"] is not None:
                assert rec["event_text"][actor["qa_start_char"] : actor["qa_end_char"]] == actor["text"]
    consult = [
        r
        for r in records
        if r["event_type"] == "CONSULT"
        and [a["country"] for a in r["attributes"]["ACTOR"]] == ["RUS"]
        and [a["country"] for a in r["attributes"]["RECIP"]] == ["USA"]
    ]
    assert consult and consult[0]["date_resolved"] == "2016-09-05" and consult[0]["url"] == CONSULT_URL
    assert "Vladimir Putin" in consult[0]["story_people"]
    geo = consult[0]["event_geolocation"]["geo"]
    assert geo is None or (geo["country_code3"] is None or len(geo["country_code3"]) == 3)
    df = pd.read_json(tmp_path / "polecat.jsonl", lines=True)
    assert len(df) == n_events


# -- Parquet, JSON Lines, window, incremental -------------------------------------------
def test_parquet_and_jsonl_full_export(db: str, tmp_path: Path) -> None:
    _export(db, tmp_path / "pq", "parquet")
    docs = pd.read_parquet(tmp_path / "pq" / "documents.parquet")
    events = pd.read_parquet(tmp_path / "pq" / "events.parquet")
    assert len(docs) == _store_rows(db, "SELECT count(*) AS n FROM documents")[0]["n"]
    assert len(events) == _store_rows(db, "SELECT count(*) AS n FROM events")[0]["n"]
    _export(db, tmp_path / "js", "jsonl")
    records = pd.read_json(tmp_path / "js" / "documents.jsonl", lines=True)
    assert set(records["id"]) == set(docs["id"]) and "events" in records.columns


def test_window_keeps_documents_published_in_it(db: str, tmp_path: Path) -> None:
    result = _export(db, tmp_path, "jsonl", since="2016-09-01", until="2016-09-06")
    ids = [json.loads(line)["id"] for line in (tmp_path / "documents.jsonl").read_text().splitlines()]
    assert ids == ["consult"] and result.documents == 1


def test_incremental_exports_only_what_changed(db: str, tmp_path: Path) -> None:
    copy = tmp_path / "inc.duckdb"
    shutil.copy(db, copy)
    out = tmp_path / "out"
    first = _export(str(copy), out, "gdelt", incremental=True)
    n_docs = _store_rows(str(copy), "SELECT count(*) AS n FROM documents")[0]["n"]
    assert first.documents == n_docs and (out / ".newsgraph-export.json").exists()
    second = _export(str(copy), out, "gdelt", incremental=True)
    assert second.documents == 0 and second.files == [] and second.unchanged == n_docs
    with Store(copy) as store:
        store.write([Article(id="messy", text="A changed text about Paris.", url=MESSY_URL)], "v-test")
    third = _export(str(copy), out, "jsonl", incremental=True)  # another format keeps its own state
    assert third.documents == n_docs
    fourth = _export(str(copy), out, "gdelt", incremental=True)
    assert fourth.documents == 1 and len(fourth.files) == 1  # only the GKG row: the new text has no events
    gkg = _read(Path(fourth.files[0]), "gkg")
    assert list(gkg["DocumentIdentifier"]) == [MESSY_URL]


def test_cli_export_json(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(tmp_path), "--format", "gdelt", "--single", "--db", db, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["format"] == "gdelt" and len(out["files"]) == 3 and out["events"] > 0
    with pytest.raises(SystemExit):
        main(["export", str(tmp_path), "--format", "nope", "--db", db])


def test_typed_place_columns_are_stored(tmp_path: Path) -> None:
    """A batch whose first event has a place name only and a later one a typed place keeps both."""
    from newsgraph.model import Event, PlaceRef

    art = Article(id="p", text="Putin met Obama in Hangzhou. Russia backs Syria.")
    syria = PlaceRef("Syria", geonameid=163843, lat=35.0, lon=38.0, country="SY", feature="country")
    art.events = [
        Event(
            "CONSULT",
            "040",
            "RUSGOV",
            "Putin",
            "USAGOV",
            "Obama",
            None,
            "asserted",
            None,
            PlaceRef("Hangzhou"),
            (0, 28),
        ),
        Event("SUPPORT", "051", "RUS", "Russia", "SYR", "Syria", None, "asserted", None, syria, (29, 47)),
    ]
    db = str(tmp_path / "p.duckdb")
    with Store(db) as store:
        store.write([art], "v")
        rows = store.con.execute(
            "SELECT place, place_geonameid, place_country, place_feature FROM events ORDER BY event"
        ).fetchall()
    assert rows == [("Hangzhou", None, None, None), ("Syria", 163843, "SY", "country")]
    out = tmp_path / "out"
    _export(db, out, "gdelt")
    events = _read_all(out, "events").set_index("EventCode")
    assert events.loc["051", "ActionGeo_CountryCode"] == "SY" and events.loc["051", "ActionGeo_Type"] == 1
    assert events.loc["040", "ActionGeo_FullName"] == "Hangzhou" and pd.isna(events.loc["040", "ActionGeo_Type"])


# -- conversions -----------------------------------------------------------------------
def test_codes() -> None:
    assert fips("CN") == "CH" and fips("DE") == "GM" and fips("GB") == "UK" and fips("US") == "US"
    assert fips("BQ") is None and fips(None) is None
    assert [
        geo_type(f, c)
        for f, c in [
            ("country", "FR"),
            ("admin1", "US"),
            ("city", "US"),
            ("city", "CN"),
            ("admin1", "CN"),
            ("continent", None),
        ]
    ] == [1, 2, 3, 4, 5, None]
    a = split_actor("SYRMILREB")
    assert (a.country, a.types, a.known_group) == ("SYR", ["MIL", "REB"], None)
    b = split_actor("IGOUNO")
    assert (b.country, b.types, b.known_group) == (None, ["IGO"], "UNO")


def test_issue_lexicon_expansions() -> None:
    lx = IssueLexicon(
        '<ISSUE CATEGORY="X">\nn:school [SCHOOLS]\nv:massacre [ATROCITY]\npre+k [EARLY]\noil [OIL]\n~olive oil\n'
        "university\n</ISSUE>\n"
    )
    found = [
        (t.code, t.offset) for t in lx.match("Schools and Pre-K; they massacred. Olive oil, crude oil. A university.")
    ]
    assert found == [
        ("SCHOOLS", 0),
        ("EARLY", 12),
        ("ATROCITY", 24),
        ("OIL", 52),
        ("OIL", 59),
    ]  # a line without a code takes the one before


def test_place_values() -> None:
    p = place_from_value(
        "{'name': Syria, 'geonameid': 163843, 'lat': 35.0, 'lon': 38.0, 'country': SY, 'feature': country}"
    )
    assert p is not None and (p.name, p.geonameid, p.country, p.feature) == ("Syria", 163843, "SY", "country")
    q = place_from_value("Hangzhou")
    assert q is not None and q.name == "Hangzhou" and q.geonameid is None
