"""The repair pass: what one streaming pass got wrong, undone over a set of documents.

A stream decides each document once, with the term weights and stories of that
moment. Over a finished run (``newsgraph ingest``'s documents, ``newsgraph stories
--recluster``'s window, batch mode) three steps revise it, each with the same learned
model (:class:`~newsgraph.stories.weights.Weights`):

1. :func:`reassign`: each document is taken out of its story and joins the story
   most likely to hold it, when that is likelier than its own story without it;
2. :func:`split`: a story whose members fall in two groups (spectral bisection of
   their TF-IDF cosines, normalised cut) is split when the mean probability of
   each group's documents joining the other group is below the join threshold;
3. :func:`merge`: two stories whose documents would join each other (the mean of
   the two directions' mean probabilities) merge, likeliest pair first, while that
   probability reaches the learned ``merge_threshold``.

The result depends on the set of documents and their order only, so a run killed
and resumed repairs to the same stories as a clean one.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from .cluster import RECENT, Assignment, Clusterer, Member, Prepared, Story, _dot, member_vector, prepare, story_id
from .features import StoryDoc
from .weights import Weights

SPLIT_MIN = 2  # documents in each part of a split
SPLIT_SAMPLE = 60  # members of a large story the bisection looks at (the others follow the likelier part)
MERGE_CANDIDATES = 3  # a story's merge candidates: its first members' first candidate stories, this many of each
REASSIGN_CANDIDATES = 5  # candidate stories (most shared index keys first) a document may move to
MERGE_SAMPLE = 12  # members of each story scored against the other when two may merge


@dataclass
class Repair:
    """A clustering under revision: the clusterer's stories and each document's story."""

    clusterer: Clusterer
    docs: list[StoryDoc]
    story_of: dict[str, str]
    scores: dict[str, float]
    by_id: dict[str, StoryDoc] = field(init=False)
    _prep: dict[str, Prepared] = field(default_factory=dict, init=False)
    _member: dict[str, Member] = field(default_factory=dict, init=False)
    changed: set[str] = field(default_factory=set, init=False)  # stories built since last cleared

    def __post_init__(self) -> None:
        self.by_id = {d.id: d for d in self.docs}
        self.clusterer.freq.freeze()  # the set is whole: term weights no longer move

    def prep(self, doc: StoryDoc) -> Prepared:
        out = self._prep.get(doc.id)
        if out is None:
            out = self._prep[doc.id] = prepare(doc, self.clusterer.freq)
        return out

    def p(self, doc: StoryDoc, story: Story) -> float:
        return self.clusterer.probability(doc, story, self.prep(doc))

    def members(self, sid: str) -> list[StoryDoc]:
        return [self.by_id[m] for m in self.clusterer.stories[sid].members if m in self.by_id]

    def member_vector(self, doc: StoryDoc) -> Member:
        out = self._member.get(doc.id)
        if out is None:
            out = self._member[doc.id] = member_vector(doc, self.clusterer.freq)
        return out

    def _story(self, sid: str, docs: list[StoryDoc]) -> Story:
        story = Story(id=sid)
        for d in docs:
            story.add(d)  # no term weights: the recent members' vectors come from the cache
        self._recent(story, docs)
        return story

    def _recent(self, story: Story, docs: list[StoryDoc]) -> None:
        """The story's latest members (the last RECENT of ``docs``), from the cached vectors."""
        tail = docs[-RECENT:]
        story.recent = [self.member_vector(d) for d in tail]
        story.recent_entities = [set(d.entities) for d in tail]

    def build(self, sid: str, docs: list[StoryDoc], register: bool = True) -> Story:
        """A story of ``docs`` (in the order given) under id ``sid``, put in the clusterer."""
        story = self._story(sid, docs)
        c = self.clusterer
        for d in docs:
            story.scores[d.id] = self.scores.get(d.id, 1.0)
            self.story_of[d.id] = sid
            if register:
                c._register(story, d)
        c.stories[sid] = story
        self.changed.add(sid)
        return story

    def detached(self, docs: list[StoryDoc]) -> Story:
        """A story of ``docs`` that is not in the clusterer (to score against)."""
        return self._story("", docs)

    def without(self, story: Story, doc: StoryDoc, rest: list[StoryDoc]) -> Story:
        """``story`` less ``doc`` (its other members ``rest``), by subtraction: to score against."""
        out = Story(id="")
        out.members = [d.id for d in rest]
        for d in rest:
            if d.source:
                out.sources.add(d.source)
            if d.published:
                out.first = min(out.first or d.published, d.published)
                out.last = max(out.last or d.published, d.published)
        out.years = story.years - Counter(doc.years)
        out.dates = story.dates - Counter(doc.dates)
        freq = self.clusterer.freq  # frozen: the story's cached norms stay valid
        for f in story.sums:
            sums = dict(story.sums[f])
            top, logs = freq.tops[f], freq.logs[f]
            before = story.norm(f, freq)
            drop = 0.0  # what the document's keys took out of the squared norm
            for k, v in doc.tf(f).items():
                old = sums.get(k, 0.0)
                left = old - v
                if left > 1e-9:
                    sums[k] = left
                else:
                    sums.pop(k, None)
                    left = 0.0
                drop += (old * old - left * left) * (top - logs[k]) ** 2
            out.sums[f] = sums
            if before - drop > 1e-9 * before:  # else (nearly nothing left) computed afresh when read
                out._norms[f] = (freq.n, before - drop)
        self._recent(out, rest)
        return out

    def assignments(self) -> list[Assignment]:
        out = []
        for d in self.docs:
            sid = self.story_of[d.id]
            story = self.clusterer.stories[sid]
            out.append(Assignment(d.id, sid, self.scores.get(d.id, 1.0), story.members[0] == d.id))
        return out

    def fresh_id(self, first: StoryDoc) -> str:
        sid = story_id(first.id)
        while sid in self.clusterer.stories:
            sid = story_id(sid)
        return sid


def reassign(r: Repair, passes: int = 2, only: set[str] | None = None) -> int:
    """Rounds in which every document (of the stories ``only``, when given) may move to a
    likelier story; returns the moves."""
    moved = 0
    touched = only  # after the first round, only stories a move changed
    for _ in range(passes):
        changed = 0
        now: set[str] = set()
        for doc in r.docs:
            sid = r.story_of[doc.id]
            if touched is not None and sid not in touched:
                continue
            current = r.clusterer.stories[sid]
            rest = [m for m in r.members(sid) if m.id != doc.id]
            if not rest:
                continue
            stay = r.p(doc, r.without(current, doc, rest))
            best, p = None, 0.0
            for story in r.clusterer.candidates(doc)[:REASSIGN_CANDIDATES]:
                if story.id == current.id:
                    continue
                q = r.p(doc, story)
                if q > p:
                    best, p = story, q
            if best is None or p <= max(stay, r.clusterer.weights.threshold):
                continue
            r.scores[doc.id] = p
            r.build(sid, rest, register=False)
            r.build(best.id, [*r.members(best.id), doc])
            now.update((sid, best.id))
            changed += 1
        moved += changed
        if not changed:
            break
        touched = now
    return moved


def _bisect(r: Repair, docs: list[StoryDoc]) -> tuple[list[int], list[int]] | None:
    """Two groups of ``docs`` (indices) by the normalised cut of their TF-IDF cosines."""
    vecs = [r.prep(d).body for d in docs]
    n = len(vecs)
    w = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            w[i, j] = w[j, i] = max(_dot(vecs[i], vecs[j]), 0.0)
    degree = w.sum(axis=1)
    if np.any(degree <= 0):  # a document sharing nothing with the others: its own group
        lonely = [i for i in range(n) if degree[i] <= 0]
        rest = [i for i in range(n) if degree[i] > 0]
        return (rest, lonely) if len(rest) >= SPLIT_MIN and len(lonely) >= SPLIT_MIN else None
    inv = 1.0 / np.sqrt(degree)
    lap = np.eye(n) - inv[:, None] * w * inv[None, :]
    _, vectors = np.linalg.eigh(lap)
    f = vectors[:, 1] * inv
    order = [int(i) for i in np.argsort(f, kind="stable")]
    best, best_cut = None, math.inf
    volume = degree.sum()
    for k in range(SPLIT_MIN, n - SPLIT_MIN + 1):
        left = order[:k]
        mask = np.zeros(n, dtype=bool)
        mask[left] = True
        cut = w[mask][:, ~mask].sum()
        vol = degree[mask].sum()
        ncut = cut / vol + cut / (volume - vol) if 0 < vol < volume else math.inf
        if ncut < best_cut:
            best, best_cut = k, ncut
    if best is None:
        return None
    return sorted(order[:best]), sorted(order[best:])


def split(r: Repair) -> int:
    """Split stories whose two halves would not join each other; returns the splits."""
    done = 0
    queue = [sid for sid in dict.fromkeys(r.story_of.values())]
    while queue:
        sid = queue.pop()
        docs = r.members(sid)
        if len(docs) < 2 * SPLIT_MIN or len(docs) != len(r.clusterer.stories[sid].members):
            continue  # too small, or holds documents outside the set (a stored story's older part)
        sample = _sample(docs, SPLIT_SAMPLE)
        parts = _bisect(r, sample)
        if parts is None:
            continue
        a = [sample[i] for i in parts[0]]
        b = [sample[i] for i in parts[1]]
        sa, sb = r.detached(a), r.detached(b)
        sampled = {d.id for d in sample}
        for d in docs:  # the members the sample left out follow the likelier part
            if d.id not in sampled:
                (a if r.p(d, sa) >= r.p(d, sb) else b).append(d)
        sa, sb = r.detached(a), r.detached(b)
        cross = [r.p(d, sb) for d in a] + [r.p(d, sa) for d in b]
        if sum(cross) / len(cross) >= r.clusterer.weights.threshold:
            continue
        position = {d.id: i for i, d in enumerate(docs)}
        a.sort(key=lambda d: position[d.id])
        b.sort(key=lambda d: position[d.id])
        if position[b[0].id] < position[a[0].id]:
            a, b = b, a  # the part holding the first member keeps the story's id
        r.build(sid, a)
        new = r.fresh_id(b[0])
        r.build(new, b)
        queue += [sid, new]
        done += 1
    return done


def _pair_p(r: Repair, a: str, b: str) -> float:
    sa, sb = r.clusterer.stories[a], r.clusterer.stories[b]
    da, db = _sample(r.members(a), MERGE_SAMPLE), _sample(r.members(b), MERGE_SAMPLE)
    if not da or not db:
        return 0.0
    return (sum(r.p(d, sb) for d in da) / len(da) + sum(r.p(d, sa) for d in db) / len(db)) / 2


def _sample(docs: list[StoryDoc], n: int) -> list[StoryDoc]:
    """At most ``n`` of ``docs``, evenly spread."""
    return docs if len(docs) <= n else docs[:: math.ceil(len(docs) / n)]


def merges(r: Repair, floor: float) -> Iterator[float]:
    """Merge the likeliest pair of stories while its probability reaches ``floor``,
    yielding each merge's probability (after the merge is made)."""
    stories = r.clusterer.stories
    mine = set(r.story_of.values())
    pairs: dict[tuple[str, str], float] = {}

    def candidates(sid: str) -> set[str]:
        out: set[str] = set()
        for d in r.members(sid)[:MERGE_CANDIDATES]:
            found = [s.id for s in r.clusterer.candidates(d) if s.id != sid and s.id in mine]
            out.update(found[:MERGE_CANDIDATES])
        return out

    def score(sid: str) -> None:
        for other in candidates(sid):
            key = (sid, other) if sid < other else (other, sid)
            if key not in pairs:
                pairs[key] = _pair_p(r, *key)

    order = {d.id: i for i, d in enumerate(r.docs)}
    for sid in sorted(mine):
        score(sid)
    while pairs:
        (a, b), p = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        if p < floor:
            return
        keep, gone = (a, b) if _first(r, a, order) <= _first(r, b, order) else (b, a)
        docs = sorted([*r.members(keep), *r.members(gone)], key=lambda d: order[d.id])
        del stories[gone]
        mine.discard(gone)
        r.build(keep, docs)
        pairs = {k: v for k, v in pairs.items() if keep not in k and gone not in k}
        score(keep)
        yield p


def _first(r: Repair, sid: str, order: dict[str, int]) -> tuple[int, str]:
    members = r.clusterer.stories[sid].members
    return (min((order.get(m, len(order)) for m in members), default=len(order)), sid)


def merge(r: Repair) -> int:
    return sum(1 for _ in merges(r, r.clusterer.weights.merge_threshold))


def run(r: Repair, passes: int = 2) -> dict[str, int]:
    """Reassign, split, merge and reassign again; returns how many of each."""
    out = {"moved": reassign(r, passes)}
    r.changed = set()
    out["split"] = split(r)
    out["merged"] = merge(r)
    if r.changed:  # the documents of the stories a split or a merge made
        out["moved"] += reassign(r, 1, only={sid for sid in r.changed if sid in r.clusterer.stories})
    return out


def streamed(docs: list[StoryDoc], weights: Weights | None = None) -> Repair:
    """One streaming pass over ``docs`` in the order given, every story kept (no window
    eviction), ready for the repair pass."""
    clusterer = Clusterer(weights)
    clusterer.evicting = False
    assigned = [clusterer.assign(d) for d in docs]
    return Repair(clusterer, docs, {a.doc_id: a.story_id for a in assigned}, {a.doc_id: a.score for a in assigned})
