"""The places stage: gazetteer, recognition, resolution with context, storage, CLI and the geo eval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsgraph import cli
from newsgraph.config import Settings
from newsgraph.evaluate import evaluate, geo_auc, score_geo
from newsgraph.geo.gazetteer import load_gazetteer, table_path
from newsgraph.geo.resolve import haversine
from newsgraph.model import Article, PlaceRef
from newsgraph.pipeline import Pipeline

FIXTURES = Path(__file__).parent / "fixtures" / "places"


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


@pytest.fixture(scope="module")
def analysed():
    """Articles run through parse, entities and places, with their working state kept."""
    pipeline = Pipeline(Settings().with_(stages=("parse", "entities", "places")))
    pipeline.setup()
    out = {}
    for line in (FIXTURES / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        article = Article(id=row["id"], text=row["text"])
        for stage in pipeline.stages:
            article = stage.process_batch([article])[0]
        out[row["id"]] = article
    return out


def by_mention(article: Article, text: str):
    for place in article.places:
        if any(m.text == text for m in place.mentions):
            return place
    raise AssertionError(f"no place mentioned as {text!r}: {[p.name for p in article.places]}")


# -- gazetteer ---------------------------------------------------------------------------
def test_gazetteer_is_cached_as_a_memory_mapped_arrow_file(gaz):
    assert table_path().exists() and table_path().suffix == ".arrow"
    assert len(gaz) > 150_000  # GeoNames cities500 plus countries and regions
    # the columns stay in the memory map (shared by every worker), not copied into lists
    assert not isinstance(gaz._keys._values, list) and gaz._keys._values.buffers()[1] is not None


def test_gazetteer_has_countries_regions_and_towns(gaz):
    china = next(p for p in gaz.lookup("China") if p.feature == "country")
    assert (china.cc, china.gid) == ("CN", 1814991)
    assert haversine(china.lat, china.lon, 35.0, 105.0) < 50  # centre point, not Beijing
    zhejiang = [p for p in gaz.lookup("Zhejiang") if p.feature == "admin1"]
    assert zhejiang and zhejiang[0].cc == "CN"
    assert gaz.lookup("Zhejiang Province")[0].gid == zhejiang[0].gid
    assert any(p.cc == "CN" and p.population > 1_000_000 for p in gaz.lookup("Hangzhou"))
    assert gaz.us_states["calif."].name == "California"
    assert gaz.demonyms["syrian"].cc == "SY"
    assert gaz.demonyms["chinese"].cc == "CN"


# -- recognition and resolution --------------------------------------------------------------
def test_context_resolves_city_region_and_country(analysed):
    art = analysed["hangzhou"]
    hangzhou = by_mention(art, "Hangzhou")
    assert (hangzhou.country, hangzhou.feature) == ("CN", "city")
    assert haversine(hangzhou.lat, hangzhou.lon, 30.29, 120.16) < 50
    zhejiang = next(p for p in art.places if p.feature == "admin1")
    assert zhejiang.name == "Zhejiang" and zhejiang.country == "CN"
    assert by_mention(art, "China").feature == "country"
    # the all-capital dateline is a mention too
    assert any(m.text == "HANGZHOU" for p in art.places for m in p.mentions)


def test_demonym_is_a_country_reference_with_its_kind(analysed):
    chinese = by_mention(analysed["hangzhou"], "Chinese")
    assert (chinese.country, chinese.role) == ("CN", "adjective")
    syrian = by_mention(analysed["metonymy"], "Syrian")
    assert (syrian.country, syrian.role, syrian.feature) == ("SY", "adjective", "country")


def test_state_qualifier_decides_between_namesakes(analysed):
    place = by_mention(analysed["longbeach"], "Long Beach")
    assert place.country == "US"
    assert haversine(place.lat, place.lon, 33.77, -118.19) < 30  # California, not New York or Australia


def test_metonymic_capitals_are_actors_and_still_resolved(analysed):
    art = analysed["metonymy"]
    moscow = by_mention(art, "Moscow")
    washington = by_mention(art, "Washington")
    assert moscow.role == "actor" and washington.role == "actor"
    assert haversine(washington.lat, washington.lon, 38.895, -77.036) < 30  # the capital, not the state
    assert haversine(moscow.lat, moscow.lon, 55.75, 37.62) < 30
    assert by_mention(art, "Syria").role == "location"


def test_local_news_namesakes_follow_their_qualifiers_and_context(analysed):
    art = analysed["local"]
    assert haversine(*_point(by_mention(art, "SPRINGFIELD")), 39.80, -89.64) < 30  # dateline "SPRINGFIELD, Ill."
    assert by_mention(art, "Maine").feature == "admin1"
    assert haversine(*_point(by_mention(art, "Portland")), 43.66, -70.26) < 30  # Portland, Maine, not Oregon
    assert haversine(*_point(by_mention(art, "Atlanta")), 33.75, -84.39) < 30  # Georgia's, not Illinois'
    assert haversine(*_point(by_mention(art, "Paris")), 33.66, -95.56) < 30  # Paris, Texas
    hall = next(p for p in art.places if p.name.startswith("City Hall"))
    assert hall.geonameid is None and hall.feature == "near:Paris"  # a facility takes its town's point
    assert by_mention(art, "Kenyan").role == "adjective"


def _point(place):
    return place.lat, place.lon


def test_people_named_like_places_are_not_places(analysed):
    names = {m.text for p in analysed["person"].places for m in p.mentions}
    assert "Paris" not in names and "Jordan" not in names


def test_every_mention_points_at_its_characters(analysed):
    for art in analysed.values():
        for place in art.places:
            for m in place.mentions:
                assert art.text[m.start : m.end] == m.text


def test_focus_and_sentence_places_for_the_events_stage(analysed):
    art = analysed["hangzhou"]
    focus = art.work.focus
    assert focus.country == "CN"
    assert focus.place is not None and focus.place.name == "Hangzhou"
    sentences = art.work.sentence_places
    assert set(sentences) == set(range(len(list(art.doc.sents))))
    assert all(isinstance(v, PlaceRef) and v.lat is not None and v.country for v in sentences.values())
    assert sentences[0].name == "Hangzhou" and sentences[0].geonameid


@pytest.mark.parametrize("text", ["", "   ", "(((", "“unbalanced", "x" * 5000, "Paris " * 2000])
def test_odd_input_never_raises(text):
    pipeline = Pipeline(Settings().with_(stages=("parse", "entities", "places")))
    result = pipeline.run([Article(id="odd", text=text)])[0]
    assert isinstance(result, Article)


# -- store, query, CLI ----------------------------------------------------------------------
def test_places_are_stored_and_listed(tmp_path, capsys):
    db = tmp_path / "g.duckdb"
    src = tmp_path / "in.jsonl"
    src.write_text((FIXTURES / "articles.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    assert cli.main(["ingest", str(src), "--db", str(db), "--workers", "1"]) == 0
    capsys.readouterr()
    assert cli.main(["places", "--db", str(db), "--json", "--limit", "50"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    names = {r["name"]: r for r in rows}
    assert names["Hangzhou"]["country"] == "CN" and names["Hangzhou"]["lat"] == pytest.approx(30.29, abs=0.1)
    assert names["Long Beach"]["geonameid"] == 5367929
    assert rows == sorted(rows, key=lambda r: (-r["documents"], -r["mentions"]))  # most-reported first
    assert cli.main(["places", "--db", str(db), "--json", "--country", "cn"]) == 0
    assert {json.loads(line)["country"] for line in capsys.readouterr().out.splitlines()} == {"CN"}


# -- evaluation --------------------------------------------------------------------------------
def test_score_geo_counts_exact_and_overlap_and_distance():
    gold = [
        {"start": 0, "end": 6, "lat": 51.5, "lon": -0.12},
        {"start": 10, "end": 15, "lat": 48.85, "lon": 2.35},
        {"start": 20, "end": 25, "lat": None, "lon": None},
    ]
    predicted = [(0, 6, 51.5, -0.12), (9, 15, 40.0, -3.7), (30, 33, 0.0, 0.0)]
    m = score_geo([(gold, predicted)])
    assert m["recognition"]["tp"] == 1 and m["recognition"]["fp"] == 2 and m["recognition"]["fn"] == 2
    assert m["recognition_overlap"]["recall"] == pytest.approx(2 / 3)
    assert m["resolution"]["toponyms"] == 2 and m["resolution"]["acc161"] == pytest.approx(0.5)
    assert m["resolution"]["median_km"] > 0


def test_geo_auc_bounds():
    assert geo_auc([0.0, 0.0]) == 0.0
    assert geo_auc([20039.0, 20039.0]) == pytest.approx(1.0, rel=1e-4)
    assert 0 < geo_auc([10.0, 1000.0]) < 1


def test_eval_geo_end_to_end():
    metrics = evaluate("geo", FIXTURES / "geo.jsonl", Settings())
    assert metrics["documents"] == 2
    assert metrics["recognition"]["f1"] == pytest.approx(1.0)
    assert metrics["resolution"]["acc161"] == pytest.approx(1.0)


# -- places that are places --------------------------------------------------------------
def _mentioned(article):
    return {m.text: p for p in article.places for m in p.mentions}


def test_a_word_of_a_laws_name_is_not_a_place(analysed):
    places = _mentioned(analysed["law"])
    assert "Act" not in places  # not the ACT, the Australian Capital Territory
    assert not any(p.name == "Australian Capital Territory" for p in analysed["law"].places)
    assert places["Alaska"].feature == "admin1"


def test_abbreviations_match_only_in_capitals(gaz):
    from newsgraph.geo.recognize import abbreviation_in_lowercase

    act = next(p for p in gaz.lookup("ACT") if p.cc == "AU")
    assert abbreviation_in_lowercase("Act", act) and not abbreviation_in_lowercase("ACT", act)


def test_a_word_starting_a_longer_name_is_not_a_place_and_own_names_win(analysed):
    art = analysed["film"]
    places = _mentioned(art)
    assert "Van" not in places  # "Van Wilder", a film
    philly = places["Philadelphia"]  # its own name, not Amman's old one
    assert philly.country == "US" and haversine(philly.lat, philly.lon, 39.95, -75.16) < 30


def test_a_county_resolves_within_its_state(analysed):
    county = _mentioned(analysed["county"])["Fulton County"]
    assert county.country == "US"
    assert haversine(county.lat, county.lon, 33.75, -84.39) < 161  # Georgia's Fulton County, not Fulton, N.Y.


def test_oceans_are_places(gaz):
    atlantic = [p for p in gaz.lookup("Atlantic") if p.feature == "region"]
    assert atlantic and haversine(atlantic[0].lat, atlantic[0].lon, 10.0, -25.0) < 50


def test_a_place_naming_a_disease_is_not_a_place(analysed):
    places = _mentioned(analysed["health"])
    assert not {"Lyme", "West Nile", "Marburg"} & set(places)
    assert {"Connecticut", "Hartford", "Uganda"} <= set(places)


def _found(gaz, text: str, ents: list[tuple[str, str]]) -> set[str]:
    """The recognizer's candidates on ``text`` parsed by the shared pipeline, with the NER's
    spans replaced by ``ents`` (each the first unused occurrence of its words), so a rule is
    tested whatever the small model reads."""
    from spacy.tokens import Span

    from newsgraph.geo.recognize import Recognizer
    from newsgraph.nlp import load_spacy

    doc = load_spacy(Settings().spacy_model)(text)
    spans, used = [], set()
    for words, label in ents:
        n = len(words.split())
        start = next(i for i in range(len(doc)) if doc[i : i + n].text == words and i not in used)
        used.add(start)
        spans.append(Span(doc, start, start + n, label=label))
    doc.ents = spans
    return {c.text for c in Recognizer(gaz).find(doc)}


def test_a_name_read_as_a_person_elsewhere_is_not_a_place(gaz):
    text = "Wladimir Klitschko won in Mannheim. Wladimir Klitschko said the fight was easy."
    found = _found(gaz, text, [("Wladimir Klitschko", "GPE"), ("Mannheim", "GPE"), ("Wladimir Klitschko", "PERSON")])
    assert found == {"Mannheim"}


def test_a_comma_before_a_lowercase_word_is_not_a_place_qualifier(gaz):
    # "Is" is a town in the gazetteer, but "Vitali, is" is a name and a verb
    found = _found(gaz, "His brother, Vitali, is the champion.", [("Vitali", "PERSON")])
    assert "Vitali" not in found
    found = _found(gaz, "He grew up in Vitali, Zamboanga.", [("Vitali", "PERSON")])
    assert "Vitali" in found  # the locative still makes it a place


def test_mount_and_fort_are_looked_up_written_out(gaz):
    assert gaz.lookup("Mt Cook") == gaz.lookup("Mount Cook") != []
    assert "Ft. Worth" in gaz and "Mt. Cook" in gaz


def test_gazetteer_lookups_are_kept_in_a_bounded_table(gaz, monkeypatch):
    from newsgraph.geo import gazetteer

    monkeypatch.setattr(gazetteer, "FOUND_LIMIT", 3)
    gaz._found.clear()
    names = ["Paris", "Springfield", "Hangzhou", "Long Beach", "Zhejiang", "Paris"]
    first = [gaz.lookup(n) for n in names]
    assert len(gaz._found) <= 3
    assert [gaz.lookup(n) for n in names] == first  # the same places, kept or searched again
    assert first[0] == first[-1] and len(first[0]) > 1 and "nowhere at all" not in gaz
