"""Story clustering: metrics, the learned model, incremental assignment, the store, the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from newsgraph.model import Article, Entity, Event, Mention, Place
from newsgraph.stories import Clusterer, batch, by_date, from_article, story_id, stream
from newsgraph.stories.learn import fit_logistic, group_folds, topic
from newsgraph.stories.metrics import adjusted_rand, bcubed, score
from newsgraph.stories.weights import load

ROOT = Path(__file__).resolve().parents[1]
SHARED_DEV = ROOT.parent / "shared" / "eval" / "stories" / "dev.jsonl"


def article(
    doc_id: str,
    text: str,
    *,
    people: list[str],
    place: tuple[str, int],
    published: str | None = None,
    actor: str | None = None,
) -> Article:
    a = Article(id=doc_id, text=text, published=published, source=f"src-{doc_id[-1]}")
    a.entities = [Entity(name=p, type="PERSON", mentions=[Mention(0, 1, p)]) for p in people]
    a.places = [
        Place(
            name=place[0],
            geonameid=place[1],
            lat=None,
            lon=None,
            country=None,
            feature=None,
            mentions=[Mention(0, 1, place[0])],
        )
    ]
    if actor:
        a.events = [
            Event(
                code="ASSAULT",
                cameo="190",
                source=actor,
                source_name=None,
                target=None,
                target_name=None,
                mode=None,
                factuality="asserted",
                date=None,
                place=None,
                evidence=(0, 1),
            )
        ]
    return a


TEXTS = {
    "quake-a": "A powerful earthquake struck {p} on Wednesday, killing {n} people as houses and a hospital collapsed. "
    "Governor {g} said rescuers were still pulling survivors from the rubble of the market town near the coast.",
    "quake-b": "Rescue teams dug through collapsed buildings in {p} after a 6.3 magnitude quake destroyed medieval "
    "churches; {n} are dead. Regional president {g} asked for tents and doctors for the homeless mountain villages.",
    "trial-a": "The trial of {g} opened in {p} on Tuesday. Prosecutors accuse {g} of fraud and bribery, while the "
    "defence said the charges were political. The judge adjourned the hearing until next week.",
}


def corpus() -> tuple[list[Article], list[str]]:
    docs, labels = [], []
    specs = [
        ("quake-a", "Sumatra", 1213642, "Ahmad Hidayat", "2009-04-07"),
        ("quake-b", "Abruzzo", 3183560, "Gianni Chiodi", "2009-04-06"),
        ("trial-a", "Milan", 3173435, "Silvio Berlusconi", "2009-04-08"),
    ]
    for label, place, gid, person, day in specs:
        for i in range(4):
            text = TEXTS[label].format(p=place, n=40 + i, g=person) + f" Report number {i} from the desk."
            published = f"{day}T{10 + i}:00"
            docs.append(article(f"{label}-{i}", text, people=[person], place=(place, gid), published=published))
            labels.append(label)
    return docs, labels


def test_bcubed_and_ari_known_values() -> None:
    gold = ["a", "a", "a", "b", "b"]
    assert bcubed(gold, gold) == (1.0, 1.0, 1.0)
    assert adjusted_rand(["x", "x", "y", "y", "y"], gold) < 1.0
    assert adjusted_rand(["1", "1", "1", "2", "2"], gold) == pytest.approx(1.0)
    p, r, _ = bcubed(["x"] * 5, gold)
    assert r == 1.0 and p == pytest.approx((3 * 3 / 5 + 2 * 2 / 5) / 5)
    p, r, _ = bcubed(["1", "2", "3", "4", "5"], gold)
    assert p == 1.0 and r == pytest.approx((3 * (1 / 3) + 2 * (1 / 2)) / 5)
    assert score(["1", "2"], ["a", "a"])["stories_predicted"] == 2


def test_logistic_regression_separates_and_folds_keep_topics_whole() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] - x[:, 1] > 0).astype(float)
    coef, _ = fit_logistic(x, y, l2=0.1)
    assert coef[0] > 1 and coef[1] < -1
    labels = [f"{t}_ecb" for t in range(7) for _ in range(3)] + [f"{t}_ecbplus" for t in range(7) for _ in range(2)]
    groups = [topic(lab) for lab in labels]
    folds = group_folds(groups, 5)
    assert sorted(i for f in folds for i in f) == list(range(len(labels)))
    for fold in folds:
        held = {groups[i] for i in fold}
        assert all(groups[i] not in held for other in folds if other is not fold for i in other)


def test_packaged_weights_are_learned() -> None:
    w = load()
    assert w.trained_on.get("documents", 0) > 100
    assert 0 < w.threshold < 1
    assert w.coef["body_cos"] > 0 and w.coef["entity_cos"] > 0


def test_term_weights_lean_on_general_english_not_on_the_batch() -> None:
    """In a small batch every word is in few documents; the general-English prior still
    weighs an everyday word below a name, and a word no document holds stays heaviest."""
    from collections import Counter

    from newsgraph.stories import StoryDoc
    from newsgraph.stories.cluster import Frequencies, prior_share

    assert prior_share("police") > prior_share("earthquake") > prior_share("klitschko")
    assert prior_share("mount cook") < prior_share("mount")
    plain, smoothed = Frequencies(), Frequencies(prior_docs=1000)
    for freq in (plain, smoothed):
        for i in range(3):
            freq.add(StoryDoc(id=str(i), body=Counter(["police", "klitschko"])))
    assert plain.idf("body", "police") == plain.idf("body", "klitschko")
    assert smoothed.idf("body", "police") < smoothed.idf("body", "klitschko") < smoothed.idf("body", "zzqx")
    # places and actors are ids, not English: the batch's own frequencies only
    assert smoothed.idf("places", "g123") == plain.idf("places", "g123")
    assert load().prior_docs > 0


def test_term_priors_leave_with_their_last_document() -> None:
    """The prior of a key is held while an active document has it, so memory follows the window."""
    from collections import Counter

    from newsgraph.stories import StoryDoc
    from newsgraph.stories.cluster import Frequencies, Story

    freq = Frequencies(prior_docs=1000)
    kept, evicted = Story(id="a"), Story(id="b")
    for story, words in ((kept, ["summit"]), (evicted, ["summit", "klitschko"])):
        doc = StoryDoc(id=story.id, body=Counter(words), entities=Counter(words))
        freq.add(doc)
        story.add(doc)
    assert {"summit", "klitschko"} <= set(freq.prior)
    freq.remove(evicted)
    assert "klitschko" not in freq.prior and "summit" in freq.prior
    # the weights kept per key follow the eviction: as if the evicted story never came
    fresh = Frequencies(prior_docs=1000)
    fresh.add(StoryDoc(id="a", body=Counter(["summit"]), entities=Counter(["summit"])))
    for f in ("body", "entities", "places"):
        for key in ("summit", "klitschko"):
            assert freq.idf(f, key) == pytest.approx(fresh.idf(f, key), rel=1e-12)


def test_stream_separates_same_type_events_by_place_and_people() -> None:
    docs, labels = corpus()
    features = [from_article(a) for a in docs]
    assigned = {a.doc_id: a.story_id for a in stream(by_date(features))}
    predicted = [assigned[a.id] for a in docs]
    assert score(predicted, labels)["bcubed_f1"] == pytest.approx(1.0)
    # a story's id is a hash of its first member's id
    assert assigned["quake-b-0"] == story_id("quake-b-0")
    out = {a.doc_id: a.story_id for a in batch(features)}
    assert score([out[a.id] for a in docs], labels)["ari"] == pytest.approx(1.0)


def test_window_evicts_old_stories_and_bounds_memory() -> None:
    clusterer = Clusterer(window_days=3)
    docs, _ = corpus()
    by_id = {a.id: a for a in docs}
    first = clusterer.assign(from_article(by_id["quake-b-0"]))  # 2009-04-06
    clusterer.assign(from_article(by_id["trial-a-0"]))  # 2009-04-08
    assert first.story_id in clusterer.stories
    late = by_id["quake-b-1"]
    late.published = "2009-05-20T10:00"  # six weeks later: the first story is no longer active
    again = clusterer.assign(from_article(late))
    assert first.story_id not in clusterer.stories and again.new
    assert all(clusterer.freq.df["body"].values())
    assert clusterer.freq.n == 1


def test_ingest_assigns_against_the_store(db: str) -> None:
    from newsgraph.query import Graph
    from newsgraph.store import Store
    from newsgraph.stories.persist import StoryAssigner, recluster

    docs, labels = corpus()
    with Store(db) as store:
        # two runs: the second reloads the stories active in the window from the store
        order = [a for a in docs if a.id.startswith("quake-b")] + [a for a in docs if not a.id.startswith("quake-b")]
        for part in (order[:6], order[6:]):
            assigner = StoryAssigner(store)
            assigner.assign(part)
            store.write(part, "test")
            assigner.flush()
        members = dict(store.con.execute("SELECT doc_id, story_id FROM story_members").fetchall())
        assert score([members[a.id] for a in docs], labels)["bcubed_f1"] == pytest.approx(1.0)
        rec = json.loads(store.con.execute("SELECT record FROM documents WHERE id = 'quake-a-3'").fetchone()[0])
        assert rec["story"] == members["quake-a-3"]
        store.con.execute("UPDATE story_members SET story_id = 'wrong' WHERE doc_id = 'quake-a-3'")
        counts = recluster(store, since="2009-04-01")
        assert counts["documents"] == 12 and counts["stories_after"] == 3
        members = dict(store.con.execute("SELECT doc_id, story_id FROM story_members").fetchall())
        assert score([members[a.id] for a in docs], labels)["bcubed_f1"] == pytest.approx(1.0)
        rec = json.loads(store.con.execute("SELECT record FROM documents WHERE id = 'quake-a-3'").fetchone()[0])
        assert rec["story"] == members["quake-a-3"] != "wrong"
    with Graph(db) as g:
        rows = g.stories(limit=10)
        assert rows.total == 3 and {r.n_articles for r in rows} == {4}
        assert rows.items[0].first_seen == "2009-04-08"
        quake = g.stories(q="earthquake sumatra").items[0]
        story = g.story(quake.story_id)
        assert story is not None and len(story["articles"]) == 4
        assert g.stories(since="2009-04-08").total == 1


def store_with_stories(store: Any, docs: list[Article]) -> None:
    """As one ingest batch: stories assigned, documents written, stories written."""
    from newsgraph.stories.persist import StoryAssigner

    assigner = StoryAssigner(store)
    assigner.assign(docs)
    store.write(docs, "test")
    assigner.flush()


def test_cli_stories_json(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    from newsgraph.cli import main
    from newsgraph.store import Store

    docs, _ = corpus()
    with Store(db) as store:
        store_with_stories(store, docs)
    assert main(["stories", "--db", db, "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 3 and all(r["n_articles"] == 4 and r["n_sources"] == 4 for r in rows)
    assert main(["stories", "--db", db, "--recluster", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["stories_after"] == 3


@pytest.mark.slow
def test_eval_stories_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from newsgraph.cli import main

    lines = (ROOT / "samples" / "ecbplus.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    picked = [r for r in rows if r["story"] in ("1_ecb", "3_ecb")][:4] + [r for r in rows if r["story"] == "3_ecb"][:3]
    path = tmp_path / "stories.jsonl"
    path.write_text("".join(json.dumps({**r, "date": None}) + "\n" for r in picked), encoding="utf-8")
    for mode in ("batch", "stream", "online"):
        assert main(["eval", "stories", str(path), "--mode", mode, "--order", "file", "--workers", "1", "--json"]) == 0
        metrics = json.loads(capsys.readouterr().out)
        assert metrics["mode"] == mode and metrics["documents"] == len(picked)
        assert 0.0 <= metrics["bcubed_f1"] <= 1.0 and -1.0 <= metrics["ari"] <= 1.0


def _repair_of(features: list, groups: list[list[str]], merge_threshold: float = 0.3):  # type: ignore[no-untyped-def]
    """A Repair over ``features`` clustered as ``groups`` (lists of document ids)."""
    import dataclasses

    from newsgraph.stories.repair import Repair

    clusterer = Clusterer(dataclasses.replace(load(), merge_threshold=merge_threshold))
    clusterer.evicting = False
    by_id = {f.id: f for f in features}
    for group in groups:
        clusterer.restore(story_id(group[0]), [(by_id[i], 1.0) for i in group])
    story_of = {i: story_id(g[0]) for g in groups for i in g}
    return Repair(clusterer, by_date(features), story_of, dict.fromkeys(story_of, 1.0))


def test_repair_splits_a_joined_story_and_merges_a_broken_one() -> None:
    from newsgraph.stories.repair import run

    docs, labels = corpus()
    features = [from_article(a) for a in docs]
    quake_a = [a.id for a in docs if a.id.startswith("quake-a")]
    quake_b = [a.id for a in docs if a.id.startswith("quake-b")]
    trial = [a.id for a in docs if a.id.startswith("trial")]
    # two events in one story, and one event in two stories
    fixing = _repair_of(features, [quake_a + trial, quake_b[:2], quake_b[2:]])
    counts = run(fixing)
    assert counts["split"] >= 1 and counts["merged"] >= 1
    predicted = [fixing.story_of[a.id] for a in docs]
    assert score(predicted, labels)["bcubed_f1"] == pytest.approx(1.0)
    # the part holding a story's first member keeps its id
    assert fixing.story_of[quake_a[0]] == story_id(quake_a[0])
    # with merging off (the threshold no probability reaches), the broken story stays broken
    fixing = _repair_of(features, [quake_a, trial, quake_b[:2], quake_b[2:]], merge_threshold=2.0)
    assert run(fixing)["merged"] == 0
    assert len({fixing.story_of[i] for i in quake_b}) == 2


def test_stream_with_repair_keeps_a_right_clustering() -> None:
    docs, labels = corpus()
    features = [from_article(a) for a in docs]
    repaired = {a.doc_id: a.story_id for a in stream(features, repair=True)}
    assert score([repaired[a.id] for a in docs], labels)["bcubed_f1"] == pytest.approx(1.0)


def test_ingest_repairs_what_no_repair_has_seen(db: str) -> None:
    from newsgraph.store import Store
    from newsgraph.stories.persist import StoryAssigner

    docs, labels = corpus()
    with Store(db) as store:
        store_with_stories(store, docs)
        assert store.con.execute("SELECT count(*) FROM story_unrepaired").fetchone()[0] == 12
        # a stream's mistake: one earthquake report in the trial's story
        trial = store.con.execute("SELECT story_id FROM story_members WHERE doc_id = 'trial-a-0'").fetchone()[0]
        store.con.execute("UPDATE story_members SET story_id = ? WHERE doc_id = 'quake-a-3'", [trial])
        counts = StoryAssigner(store).repair()
        assert counts["documents"] == 12 and counts["documents_moved"] == 1
        members = dict(store.con.execute("SELECT doc_id, story_id FROM story_members").fetchall())
        assert score([members[a.id] for a in docs], labels)["bcubed_f1"] == pytest.approx(1.0)
        rec = json.loads(store.con.execute("SELECT record FROM documents WHERE id = 'quake-a-3'").fetchone()[0])
        assert rec["story"] == members["quake-a-3"] != trial
        assert store.con.execute("SELECT count(*) FROM story_unrepaired").fetchone()[0] == 0
        n = dict(store.con.execute("SELECT story_id, n_articles FROM stories").fetchall())
        assert sorted(n.values()) == [4, 4, 4]
        assert StoryAssigner(store).repair()["documents"] == 0  # nothing left to repair


def test_threshold_choice_single_best_or_best_plateau() -> None:
    from newsgraph.stories.learn import _best

    thresholds = (0.1, 0.2, 0.3, 0.4, 0.5)
    scores = [0.0, 5.0, 0.0, 4.0, 4.0]
    assert _best(thresholds, scores) == (0.2, 5.0)  # the spike: what the shipped weights use
    assert _best(thresholds, scores, 1) == (0.5, 4.0)  # the plateau (bench/stories_cv.py --plateau)
    assert _best(thresholds, [1.0, 2.0, 1.0, 2.0, 1.0]) == (0.2, 2.0)  # on a tie, the first
