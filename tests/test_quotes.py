"""Quotes and in-document coreference: quote marks, attributions, speakers, store, CLI and metric."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsgraph import config
from newsgraph.evaluate import match_quotes, score_quotes
from newsgraph.model import Article
from newsgraph.pipeline import Pipeline
from newsgraph.quotemarks import find_quotes
from newsgraph.stages.coref import country_of, resolve

FIXTURES = Path(__file__).parent / "fixtures" / "quotes"


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    settings = config.load().with_(stages=("parse", "entities", "coref", "quotes"), workers=1)
    return Pipeline(settings)


def analyze(pipeline: Pipeline, text: str) -> Article:
    article = Article(id="t", text=text)
    pipeline.setup()
    # run stage by stage to keep the working state (the coref chains) for the assertions
    for stage in pipeline.stages:
        article = stage.process_batch([article])[0]
    return article


def quotes_of(article: Article) -> list[tuple[str | None, str, str]]:
    return [(q.speaker, q.kind, article.span_text(q.content)) for q in article.quotes]


def find(article: Article, needle: str) -> tuple[str | None, str, str]:
    hits = [q for q in quotes_of(article) if needle in q[2]]
    assert hits, f"no quote contains {needle!r}: {quotes_of(article)}"
    return hits[0]


# -- quote marks --------------------------------------------------------------------------
def spans(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quotes(text)]


def test_curly_and_straight_quotes() -> None:
    assert spans("“A is B,” he said. “C is D.”") == ["“A is B,”", "“C is D.”"]
    assert spans('He said "hello there," and left.') == ['"hello there,"']
    assert spans("''China was a shock,'' Mr. Autor said.") == ["''China was a shock,''"]


def test_multi_paragraph_quote_is_one_span() -> None:
    text = "“First paragraph goes on\n“and the second closes.”\nAfter."
    assert spans(text) == ["“First paragraph goes on\n“and the second closes.”"]


def test_unbalanced_quotes_never_raise() -> None:
    assert spans("“Never closed\nNext paragraph.") == ["“Never closed"]
    assert spans("A stray ” mark and “a real one” here") == ["“a real one”"]
    assert spans("“Apparently not,“ he said.") == ["“Apparently not,“"]
    for text in ["", "“", "”", '"', "''", "“”“”", "\n\n“\n”\n"]:
        find_quotes(text)


# -- attributions ----------------------------------------------------------------------------
def test_direct_indirect_partial_and_headline(pipeline: Pipeline) -> None:
    article = analyze(pipeline, (FIXTURES / "article.txt").read_text(encoding="utf-8"))
    assert find(article, "We are ready to work") == (
        "Sergei Lavrov",
        "direct",
        "“We are ready to work with everyone who wants peace,”",
    )
    assert find(article, "no alternative to a political settlement")[:2] == ("Sergei Lavrov", "direct")
    speaker, kind, content = find(article, "serious doubts")
    assert (speaker, kind) == ("Sergei Lavrov", "partial")
    assert content.startswith("he had")
    assert find(article, "talks on a ceasefire could resume") == (
        "Sergei Lavrov",
        "indirect",
        "that talks on a ceasefire could resume next week",
    )
    assert find(article, "progress had been made")[0] == "John Kerry"
    speaker, _, content = find(article, "300,000 people have been killed")
    assert speaker == "Staffan de Mistura"
    assert not content.lower().startswith("according")
    assert find(article, "the crisis could spread")[0] == "Angela Merkel"
    assert find(article, "Europe must act")[0] == "Angela Merkel"
    assert find(article, "Ceasefire talks may resume next week")[0] == "Sergei Lavrov"


def test_every_record_points_at_its_text(pipeline: Pipeline) -> None:
    article = analyze(pipeline, (FIXTURES / "article.txt").read_text(encoding="utf-8"))
    for q in article.quotes:
        assert 0 <= q.content[0] < q.content[1] <= len(article.text)
        assert q.kind in {"direct", "indirect", "partial"}
        if q.speaker_span is not None:
            assert article.span_text(q.speaker_span).strip()
        if q.cue is not None:
            assert article.span_text(q.cue).strip()
    speaker = next(q for q in article.quotes if "no alternative" in article.span_text(q.content))
    assert article.span_text(speaker.speaker_span) == "he"
    assert article.span_text(speaker.cue) == "added"


def test_multi_paragraph_and_parenthetical(pipeline: Pipeline) -> None:
    article = analyze(pipeline, (FIXTURES / "multipara.txt").read_text(encoding="utf-8"))
    speaker, kind, content = find(article, "hard choices")
    assert (speaker, kind) == ("Jane Doe", "direct")
    assert "every library open" in content  # the quote runs on into the next paragraph
    assert find(article, "will vote in May")[0] == "Jane Doe"


def test_no_speaker_stated_gives_null(pipeline: Pipeline) -> None:
    article = analyze(
        pipeline, "Weather.\n\n“Everything about this storm was unusual and nobody saw it coming this year.”\n"
    )
    assert [q[0] for q in quotes_of(article)] == [None]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        "“",
        "He said “ and then ” and “ again",
        "“Unclosed quote that runs on and on\n\nAnother paragraph, he said.",
        "According to",
        "said said said: “”",
        "Title: X\n" + "“Quoted,” he said. " * 300,
    ],
)
def test_never_raises(pipeline: Pipeline, text: str) -> None:
    article = analyze(pipeline, text)
    for q in article.quotes:
        assert 0 <= q.content[0] <= q.content[1] <= len(text)


# -- coreference ----------------------------------------------------------------------------
def test_coref_pronouns_and_role_descriptions(pipeline: Pipeline) -> None:
    text = (FIXTURES / "article.txt").read_text(encoding="utf-8")
    article = analyze(pipeline, text)
    he = text.index("he added")
    assert resolve(article, he, he + 2) == "Sergei Lavrov"
    role = text.index("The Russian minister")
    assert resolve(article, role, role + len("The Russian minister")) == "Sergei Lavrov"
    she = text.index("She told")
    assert resolve(article, she, she + 3) == "Angela Merkel"
    surname = text.index("Lavrov said at")
    assert resolve(article, surname, surname + len("Lavrov")) == "Sergei Lavrov"
    assert resolve(article, 0, 0) is None


def test_role_description_with_country(pipeline: Pipeline) -> None:
    text = (
        "Russian President Vladimir Putin met counterpart Barack Obama in Hangzhou. "
        "Putin said talks went well. The US president said easing the crisis would help."
    )
    article = analyze(pipeline, text)
    at = text.index("The US president")
    assert resolve(article, at, at + len("The US president")) == "Barack Obama"
    assert find(article, "easing the crisis")[0] == "Barack Obama"


def test_country_words() -> None:
    assert country_of("Russian") == "Russia"
    assert country_of("US") == "United States"
    assert country_of("Syrian") == "Syria"
    assert country_of("Frobnian") is None


# -- metric ---------------------------------------------------------------------------------
def test_metric_overlap_and_speakers() -> None:
    text = "Putin said that the talks were good. Obama said nothing new would happen."
    gold = [
        {"source": [[0, 5]], "cue": [[6, 10]], "content": [[11, 35]]},
        {"source": [[37, 42]], "cue": [[43, 47]], "content": [[48, 71]]},
    ]
    preds = [
        {"content": (16, 35), "speaker_span": (0, 5), "speaker": "Vladimir Putin"},  # overlaps most: match
        {"content": (48, 52), "speaker_span": None, "speaker": "Barack Obama"},  # short, inside gold: match
        {"content": (60, 61), "speaker_span": None, "speaker": None},  # matched gold already taken
    ]
    assert sorted(match_quotes(preds, gold)) == [(0, 0), (1, 1)]
    m = score_quotes([(text, preds, gold)])
    assert m["content"]["precision"] == pytest.approx(2 / 3)
    assert m["content"]["recall"] == 1.0
    assert m["source"]["f1"] == 1.0  # span overlap for one, resolved name's last token for the other
    assert m["content_speaker"]["recall"] == 1.0
    assert m["exact_content"]["recall"] == 0.0


# -- store, query, CLI ----------------------------------------------------------------------
def test_store_query_and_cli(tmp_path: Path, pipeline: Pipeline, capsys: pytest.CaptureFixture[str]) -> None:
    from newsgraph.cli import main

    source = tmp_path / "article.txt"
    source.write_text((FIXTURES / "article.txt").read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "q.duckdb"
    assert main(["ingest", str(source), "--db", str(db), "--workers", "1"]) == 0
    capsys.readouterr()
    assert main(["quotes", "--speaker", "Lavrov", "--db", str(db), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows and all("Lavrov" in r["speaker"] for r in rows)
    assert any("We are ready to work" in r["content"] for r in rows)
    assert all(r["title"] for r in rows)
    assert all(r["speaker_entity"] is not None for r in rows)
    assert main(["quotes", "--speaker", "Merkel", "--db", str(db)]) == 0
    assert "Europe must act" in capsys.readouterr().out


def test_indefinite_role_and_reporting_participle(pipeline: Pipeline) -> None:
    text = (
        "Foreign Ministry spokesman Lu Kang said China opposed the move. "
        "Later, a ministry spokesman said talks would continue. "
        "A woman said she was afraid. "
        "Khalif said the campaign has been patronizing, noting her comments to a radio host."
    )
    article = analyze(pipeline, text)
    assert find(article, "talks would continue")[0] == "Lu Kang"
    assert find(article, "she was afraid")[0] is None  # nobody named holds the role "woman"
    assert find(article, "has been patronizing") == ("Khalif", "indirect", "the campaign has been patronizing")
    assert find(article, "her comments to a radio host")[0] == "Khalif"


def test_tex_style_quote_marks_open_and_close() -> None:
    """``...'': the pair LDC / Penn Treebank style corpora (ECB+ among them) keep."""
    from newsgraph.quotemarks import find_quotes

    text = "Reid said, ``I have done enough of everything for a lifetime.'' The actress left."
    (q,) = find_quotes(text)
    assert q.closed and text[q.start : q.end] == "``I have done enough of everything for a lifetime.''"


def test_an_owner_is_not_the_speaker_of_its_phrase(pipeline: Pipeline) -> None:
    article = analyze(
        pipeline,
        "Actress Tara Reid has checked into a rehab center in Malibu.\n"
        "“We appreciate your respect for her privacy,” Reid's spokesman told Us Weekly.",
    )
    by_content = {article.text[q.content[0] : q.content[1]]: q for q in article.quotes}
    rep = next(q for c, q in by_content.items() if "appreciate" in c)
    assert rep.speaker != "Tara Reid"  # the spokesman speaks, not the one he speaks for
    assert article.text[rep.speaker_span[0] : rep.speaker_span[1]] == "Reid's spokesman"
    article = analyze(
        pipeline, "Tara Reid has entered a rehab program, the American Pie star's rep confirmed on Friday."
    )
    assert article.quotes and all(q.speaker not in {"Tara Reid", "American"} for q in article.quotes)
