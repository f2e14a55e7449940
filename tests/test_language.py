"""Language identification never refuses English; other languages are stored, not dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsgraph import config
from newsgraph.evaluate import read_conll
from newsgraph.langid import identify
from newsgraph.model import Article
from newsgraph.pipeline import Pipeline, stage_languages
from newsgraph.stages import STAGES

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"

# Shapes of English news that lingua alone called Tsonga, Latin or Tagalog
RESULTS = (
    "ATHLETICS - BRUSSELS GRAND PRIX RESULTS. BRUSSELS 1996-08-23 Leading results in the Brussels "
    "Grand Prix athletics meeting on Friday : Women 's discus 1. Ilke Wyludda ( Germany ) 66.60 metres "
    "2. Ellina Zvereva ( Belarus ) 65.66 3. Franka Dietzsch ( Germany ) 61.74 4. Natalya Sadova ( Russia ) "
    "61.64 5. Mette Bergmann ( Norway ) 61.44 6. Nicoleta Grasu ( Romania ) 61.36 Men 's 1,500 metres 1. "
    "Noureddine Morceli ( Algeria ) 3 minutes 49.09 seconds 2. Venuste Niyongabo ( Burundi ) 3:51.01"
)
SCHEDULE = (
    "FRIDAY , AUGUST 30 SCHEDULE ATLANTA AT CHICAGO FLORIDA AT CINCINNATI SAN DIEGO AT MONTREAL LOS ANGELES "
    "AT PHILADELPHIA HOUSTON AT PITTSBURGH SAN FRANCISCO AT NEW YORK COLORADO AT ST. LOUIS"
)
SQUAD = (
    "Sri Lanka - Arjuna Ranatunga ( captain ) , Sanath Jayasuriya , Romesh Kaluwitharana , Asanka Gurusinha , "
    "Aravinda de Silva , Hashan Tillakaratne , Roshan Mahanama , Kumar Dharmasena , Chaminda Vaas , "
    "Muttiah Muralitharan , Ravindra Pushpakumara"
)
GERMAN = (
    "Die Bundesregierung hat am Dienstag in Berlin neue Gespräche mit der ukrainischen Regierung angekündigt. "
    "Ein Sprecher sagte, man wolle die Verhandlungen über die Gaslieferungen noch in dieser Woche fortsetzen."
)
FRENCH = (
    "Le gouvernement a annoncé mardi de nouvelles mesures pour soutenir les agriculteurs touchés par la "
    "sécheresse, a indiqué le ministre lors d'une conférence de presse à Paris."
)


@pytest.mark.parametrize("text", [RESULTS, SCHEDULE, SQUAD])
def test_english_tables_and_lists_are_english(text: str) -> None:
    assert identify(text).code == "en"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (GERMAN, "de"),
        (FRENCH, "fr"),
        ("Президент России заявил во вторник, что переговоры продолжатся на следующей неделе в Москве.", "ru"),
    ],
)
def test_other_languages_are_recognised(text: str, code: str) -> None:
    assert identify(text).code == code


def test_no_letters_is_no_language() -> None:
    assert identify("1996-08-30 12 34 56 -- 7:3").code is None


@pytest.mark.skipif(not (SHARED / "eval" / "ner" / "dev.conll").exists(), reason="../shared absent")
def test_no_conll_document_is_refused_as_another_language() -> None:
    """Every CoNLL-2003 dev document, rebuilt from its tokens, read in 600-character windows."""
    refused = []
    for doc in read_conll(SHARED / "eval" / "ner" / "dev.conll"):
        text = " ".join(w for w, _ in doc)
        for off in range(0, len(text), 600):
            window = text[off : off + 600]
            if len(window) >= 200 and identify(window).code != "en":
                refused.append(window[:80])
    assert refused == []


def test_stages_that_read_english_are_english_only() -> None:
    langs = stage_languages(cls(config.Settings()) for cls in STAGES)
    assert langs["clean"] is None and langs["language"] is None
    # parse reads with an English model; everything reading the parse follows it
    for name in ("parse", "entities", "coref", "quotes", "places", "gaps", "events", "counts", "tone", "dates"):
        assert langs[name] == ("en",), name


def test_english_document_runs_every_stage(pipeline: Pipeline) -> None:
    art = pipeline.analyze(
        Article(id="e", text="The minister said on Monday that talks with Russia would resume in Geneva.")
    )
    assert art.stages == [s.name for s in pipeline.stages]
    assert art.to_record()["stages"] == art.stages


def test_http_analyze_german_is_200_and_marked_not_english_processed(tmp_path: Path) -> None:
    pytest.importorskip("fastapi", reason="needs fastapi (pip install -e .)")
    from fastapi.testclient import TestClient

    from newsgraph.api import create_app
    from newsgraph.store import Store

    Store(tmp_path / "g.duckdb").close()
    with TestClient(create_app(tmp_path / "g.duckdb"), base_url="http://localhost") as client:
        r = client.post("/api/analyze", json={"text": GERMAN * 3})
    assert r.status_code == 200, r.text
    rec = r.json()
    assert rec["language"] == "de" and rec["stages"] == ["clean", "language"] and rec["entities"] == []
