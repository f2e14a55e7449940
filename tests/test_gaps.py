"""Gap detection on small texts: holes left by dropped link text, and what filled them."""

from __future__ import annotations

import pytest

from newsgraph.config import load
from newsgraph.model import Article
from newsgraph.pipeline import Pipeline


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(load().with_(stages=("clean", "parse", "entities", "gaps")))


def before(article: Article, start: int) -> str:
    return " ".join(article.text[max(0, start - 40) : start].split())


def test_preposition_without_object_suggests_salient_place(pipeline: Pipeline) -> None:
    text = (
        "Floods hit Pakistan as monsoon rains continue\n\n"
        "Aid agencies said they were struggling to reach villages in , where roads have been washed away.\n"
        "More than a million people in Pakistan have been displaced, officials in Pakistan said on Monday.\n"
        "The government of Pakistan has asked for international help."
    )
    a = pipeline.analyze(Article(id="t1", text=text))
    assert len(a.gaps) == 1
    assert before(a, a.gaps[0].start).endswith("villages in")
    assert a.gaps[0].suggestion == "Pakistan"


def test_missing_partner_of_a_pair(pipeline: Pipeline) -> None:
    text = (
        "Paris-Berlin talks on energy prices end without a deal\n\n"
        "French President Emmanuel Macron says and Berlin will meet again next month to discuss gas prices.\n"
        "Officials from Berlin and Paris have argued for weeks over a cap on prices."
    )
    a = pipeline.analyze(Article(id="t2", text=text))
    gap = next(g for g in a.gaps if before(a, g.start).endswith("Macron says"))
    assert gap.suggestion == "Paris"


def test_conjunct_lost_before_verb_uses_country_form(pipeline: Pipeline) -> None:
    text = (
        "Tokyo-Seoul summit ends with pledge on trade\n\n"
        "The prime minister said Japan and had agreed to lift export controls within a year.\n"
        "Tokyo and Seoul have quarrelled over trade since 2019."
    )
    a = pipeline.analyze(Article(id="t3", text=text))
    gap = next(g for g in a.gaps if before(a, g.start).endswith("Japan and"))
    assert gap.suggestion == "South Korea"


def test_clean_text_has_no_gaps(pipeline: Pipeline) -> None:
    text = (
        "The council met on Monday and agreed the budget. He logged in, checked the figures and said the plan "
        "was sound. Residents who came in, including the mayor, asked about the new bus lanes in the city centre.\n"
        "The minister said the government and the unions had reached a deal after talks in London."
    )
    a = pipeline.analyze(Article(id="t4", text=text))
    assert a.gaps == []


def test_empty_text_yields_nothing(pipeline: Pipeline) -> None:
    a = pipeline.analyze(Article(id="t5", text="  "))
    assert a.gaps == []


def test_article_or_preposition_before_a_conjunction(pipeline: Pipeline) -> None:
    text = (
        "Oil talks between Riyadh and Moscow stall\n\n"
        "Talks between and Moscow on oil output ended on Friday without a deal.\n"
        "Saudi Arabia and Russia are the largest producers in the group. Officials met the in Vienna."
    )
    a = pipeline.analyze(Article(id="t6", text=text))
    befores = [before(a, g.start) for g in a.gaps]
    assert any(b.endswith("Talks between") for b in befores)
    assert any(b.endswith("Officials met the") for b in befores)


def test_orphan_possessive_and_loose_punctuation(pipeline: Pipeline) -> None:
    text = (
        "Airline orders new jets\n\n"
        "The order was announced on Monday.\n’s chief executive said the jets would arrive next year.\n"
        "The dollar may weaken, said , a senior currency trader at the bank.\n"
        "Boeing 's shares rose. Prices fell... then rose 1.5 percent."
    )
    a = pipeline.analyze(Article(id="t7", text=text))
    starts = {g.start for g in a.gaps}
    assert text.index("’s chief") in starts
    assert text.index(", a senior") in starts
    assert text.index(" 's shares") + 1 not in starts  # a spacing slip after a name, not a lost name
    assert len(a.gaps) == 2
