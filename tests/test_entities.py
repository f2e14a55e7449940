"""The entities stage: organisations from the actor dictionaries, teams named after
places, companies the model took for people, and the CoNLL-2003 reader of ``eval ner``."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgraph.config import Settings
from newsgraph.evaluate import conll_text, read_conll, score_ner
from newsgraph.model import Article
from newsgraph.pipeline import Pipeline
from newsgraph.stages.entities import clean_mention
from newsgraph.stages.entity_orgs import is_organisation

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def pipeline():
    p = Pipeline(Settings().with_(stages=("parse", "entities")))
    p.setup()
    return p


def types(pipeline, text):
    article = pipeline.analyze(Article(id="t", text=text))
    return {m.text: e.type for e in article.entities for m in e.mentions}


def test_actor_records_that_are_organisations():
    assert is_organisation("AL-NUSRA FRONT", dated=False, kind="nonstate")
    assert is_organisation("UNESCO", dated=False, kind="international")
    assert not is_organisation("KOFI ANNAN", dated=True, kind="international")  # a person holds a dated office
    assert not is_organisation("RICHARD RAGAN", dated=False, kind="international")
    assert not is_organisation("BRAZIL", dated=False, kind="country")


def test_dictionary_organisations_are_orgs(pipeline):
    found = types(pipeline, "Fighters of the Nusra Front attacked the town, the U.N. said on Friday.")
    assert found.get("Nusra Front") == "ORG"
    assert found.get("U.N.") == "ORG"  # the abbreviation keeps its last dot


def test_teams_named_after_places_in_results_are_orgs(pipeline):
    text = (
        "CRICKET - ENGLISH COUNTY CHAMPIONSHIP SCORES .\n"
        "Surrey 429-7 , Warwickshire 195 .\n"
        "Essex reached 372 and took a first innings lead as the cricket match went on .\n"
        "Essex need another 148 runs with five wickets in hand to win the championship match .\n"
    )
    found = types(pipeline, text)
    assert found.get("Surrey") == "ORG" and found.get("Essex") == "ORG"


def test_places_outside_sports_stay_places(pipeline):
    found = types(pipeline, "Heavy rain flooded roads in Surrey and Essex on Monday, police said.")
    assert found.get("Surrey") != "ORG" and found.get("Essex") != "ORG"


def test_countries_stay_places_in_sports(pipeline):
    found = types(pipeline, "Sri Lanka beat Australia by four wickets in the cricket match and won the cup on points .")
    assert found.get("Australia") == "GPE"


def test_clean_mention_keeps_abbreviation_dots():
    assert clean_mention("the U.S.") == "U.S."
    assert clean_mention("Reuters.") == "Reuters"


def test_conll_reader_keeps_documents_and_sentences(tmp_path):
    path = tmp_path / "x.conll"
    path.write_text(
        "-DOCSTART- -X- O O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\n\nPeter NNP I-NP I-PER\nBlackburn NNP I-NP I-PER\n\n"
        "-DOCSTART- -X- O O\n\nLONDON NNP I-NP I-LOC\n",
        encoding="utf-8",
    )
    docs = read_conll(path)
    assert len(docs) == 2 and [len(s) for s in docs[0]] == [2, 2]
    text, starts = conll_text(docs[0])
    assert text == "EU rejects\nPeter Blackburn\n" and starts == [0, 3, 11, 17]


def test_score_ner_is_entity_level():
    gold = {(0, 1, "ORG"), (2, 4, "PER")}
    m = score_ner([(["EU", "rejects", "Peter", "Blackburn"], {(0, 1, "ORG"), (3, 4, "PER")}, gold)])
    assert m["precision"] == m["recall"] == 0.5
    assert m["per_type"]["ORG"]["f1"] == 1.0 and m["per_type"]["PER"]["f1"] == 0.0


@pytest.mark.skipif(
    not (Path(__file__).parents[1] / ".." / "shared" / "eval" / "ner").exists(), reason="no shared data"
)
def test_shared_conll_file_reads():
    docs = read_conll(Path(__file__).parents[1] / ".." / "shared" / "eval" / "ner" / "dev.conll")
    assert len(docs) == 216


def test_org_patterns_are_cached_and_rebuilt_when_the_tokenizer_changes(pipeline, tmp_path, monkeypatch):
    """The organisation patterns come from the cache when it holds them for this tokenizer
    and these dictionaries, equal to tokenising the names; another tokenizer gets its own."""
    from newsgraph.stages import entity_orgs

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    nlp = pipeline.stages[0].nlp
    path = entity_orgs.patterns_path(nlp)
    assert not path.exists()
    built = entity_orgs.organisation_patterns(nlp)
    assert path.exists() and path.parent == tmp_path / "newsgraph"
    assert built == entity_orgs._tokenised(nlp)
    stamp = path.stat().st_mtime_ns
    assert entity_orgs.organisation_patterns(nlp) == built
    assert path.stat().st_mtime_ns == stamp  # reused, not written again
    path.write_bytes(b"not a pickle")  # a damaged cache is rebuilt
    assert entity_orgs.organisation_patterns(nlp) == built

    import spacy

    blank = spacy.blank("en")  # another tokenizer (no model file): another key
    assert entity_orgs.patterns_path(blank) != path
    blank.tokenizer.add_special_case("UNESCO", [{"ORTH": "UNES"}, {"ORTH": "CO"}])
    other = entity_orgs.patterns_path(blank)
    assert other != entity_orgs.patterns_path(spacy.blank("en"))


def test_rulers_hold_the_patterns_spacy_would_give(pipeline):
    """The entity rulers' patterns are added with the other components disabled (they match
    on ORTH, which only the tokenizer sets): the same phrase patterns as spaCy's
    add_patterns gives when it runs the components over them."""
    from spacy.pipeline import EntityRuler

    nlp = pipeline.stages[0].nlp
    for name in ("newsgraph_ruler_before", "newsgraph_ruler_after"):
        ruler = nlp.get_pipe(name)
        assert len(ruler) > 0
        # not in the pipeline: spaCy's add_patterns runs every component but the last over them
        reference = EntityRuler(nlp, name=f"{name}_reference")
        reference.add_patterns(ruler.patterns)
        assert ruler.phrase_matcher.__reduce__()[1][1] == reference.phrase_matcher.__reduce__()[1][1]
        assert dict(ruler._ent_ids) == dict(reference._ent_ids)


@pytest.mark.parametrize("first", ["T.J. DiLeo", "Tony DiLeo"])
def test_a_surname_joins_the_first_mentioned_of_two_full_names_of_one_length(first: str) -> None:
    """Two full names of one length share the surname: the surname goes to the one the
    article named first, in every process (not by the order of a set of strings)."""
    from newsgraph.stages.entities import cluster

    second = "Tony DiLeo" if first == "T.J. DiLeo" else "T.J. DiLeo"
    text = f"{first} met {second}. DiLeo said"
    spans = [
        (0, len(first), first, "PERSON", None),
        (len(first) + 5, len(first) + 5 + len(second), second, "PERSON", None),
        (text.index("DiLeo said"), text.index("DiLeo said") + 5, "DiLeo", "PERSON", None),
    ]
    by_name = {e.name: len(e.mentions) for e in cluster(spans)}
    assert by_name == {first: 2, second: 1}
