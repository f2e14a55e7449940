"""Story clustering on Spark gives the stories of the local clusterer on the sample (needs PySpark and Java)."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import pytest

from conftest import SAMPLE
from newsgraph.model import Article
from newsgraph.stories import by_date, from_article, stream
from newsgraph.stories.metrics import adjusted_rand

pytest.importorskip("pyspark")
pytestmark = [pytest.mark.spark, pytest.mark.skipif(shutil.which("java") is None, reason="Java is not installed")]


def sample_docs(dated: bool) -> list:
    docs = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        article = Article(id=row["id"], text=row["text"])  # no analysis: text signals only, fast
        if dated:  # each topic published over a few days, one topic after another
            t = int(row["id"].split("-")[1].split("_")[0])
            article.published = (date(2020, 1, 1) + timedelta(days=3 * t + len(docs) % 3)).isoformat()
        docs.append(from_article(article))
    return docs


@pytest.mark.parametrize("dated", [False, True])
def test_spark_stories_match_local(dated: bool) -> None:
    from newsgraph.executors.spark import cluster_stories, session

    docs = sample_docs(dated)
    local = {a.doc_id: a.story_id for a in stream(by_date(docs))}
    spark = {a.doc_id: a.story_id for a in cluster_stories(docs, block_days=10)}
    assert spark.keys() == local.keys()
    ids = sorted(local)
    if dated:  # blocks of 10 days, stitched: a story that spans blocks keeps one id
        assert len({d.published for d in docs}) > 10
    assert adjusted_rand([spark[i] for i in ids], [local[i] for i in ids]) == pytest.approx(1.0)
    assert spark == local
    session().stop()
