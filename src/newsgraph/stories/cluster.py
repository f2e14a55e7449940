"""Incremental story clustering.

Documents arrive one at a time (in publication order when known). Each is
compared with the *candidate* stories an inverted index returns (stories that
share an entity, a place or one of the document's rarest terms), by a vector of
similarity signals (:func:`signals`): TF-IDF cosine of body and title, overlap of
entities, places and event actors, the years and dates mentioned, and distance
in days. A logistic model learned on ECB+ (:mod:`newsgraph.stories.learn`) turns
the signals into the probability that the document belongs to the story; it joins
the best story when that probability reaches the learned threshold, otherwise it
starts a story.

Only *active* stories are held: a story whose newest document is more than
``window_days`` older than the newest document seen is evicted (its document
frequencies are subtracted too), so memory and the cost per document are bounded
by the window, not by the size of the store.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np

from .features import StoryDoc
from .weights import Weights, load

FIELDS = ("body", "lead", "entities", "places", "actors")
SIGNALS = (
    "body_cos",
    "lead_cos",
    "entity_cos",
    "place_cos",
    "actor_cos",
    "year_jaccard",
    "year_conflict",
    "date_near",
    "date_conflict",
    "date_one_sided",
    "body_max",
    "body_mean",
    "entity_novel",
    "entity_max",
    "time_near",
    "undated",
    "log_size",
)
RARE_TERMS = 12  # body terms of a document used as index keys
MAX_POSTING = 400  # keys carried by more active stories than this are not used for candidates
MAX_CANDIDATES = 20
STORY_TERMS = 1500  # body terms kept per story centroid
RECENT = 10  # members of a story compared one by one (the latest)
MEMBER_TERMS = 150  # heaviest terms kept of each of those members' vectors


def story_id(first_doc_id: str) -> str:
    """A stable story id: a hash of its first member's document id."""
    return "s" + hashlib.sha1(first_doc_id.encode("utf-8", "surrogatepass")).hexdigest()[:15]


@dataclass
class Story:
    id: str
    members: list[str] = field(default_factory=list)
    title: str = ""
    first: date | None = None
    last: date | None = None
    sources: set[str] = field(default_factory=set)
    years: Counter[str] = field(default_factory=Counter)
    dates: Counter[str] = field(default_factory=Counter)
    # per field: summed sublinear term frequencies, and in how many members each key occurs
    sums: dict[str, dict[str, float]] = field(default_factory=lambda: {f: {} for f in FIELDS})
    df: dict[str, Counter[str]] = field(default_factory=lambda: {f: Counter() for f in FIELDS})
    scores: dict[str, float] = field(default_factory=dict)
    # unit TF-IDF vectors (see member_vector) and entity sets of the latest members
    recent: list[Member] = field(default_factory=list, repr=False)
    recent_entities: list[set[str]] = field(default_factory=list, repr=False)
    # squared norms of the TF-IDF centroids, cached: (documents counted when computed, value)
    _norms: dict[str, tuple[int, float]] = field(default_factory=dict, repr=False)
    _stack: tuple[list[Member], np.ndarray, np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    def stacked(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The recent members' vectors end to end: columns, values, and which member
        each entry belongs to (rebuilt when the recent members change)."""
        stack = self._stack
        recent = self.recent
        if stack is None or len(stack[0]) != len(recent) or any(a is not b for a, b in zip(stack[0], recent)):
            if recent:
                cols = np.concatenate([m.cols for m in recent])
                vals = np.concatenate([m.vals for m in recent])
                owner = np.repeat(np.arange(len(recent)), [len(m.cols) for m in recent])
            else:
                cols, vals, owner = np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64)
            stack = self._stack = (list(recent), cols, vals, owner)
        return stack[1], stack[2], stack[3]

    def norm(self, f: str, freq: Frequencies) -> float:
        """Squared norm of the field's TF-IDF centroid; recomputed when the story changed
        or the document frequencies have moved by more than 5% since."""
        cached = self._norms.get(f)
        if cached is None or abs(freq.n - cached[0]) > 0.05 * cached[0]:
            top, logs = freq.tops[f], freq.logs[f]
            value = math.fsum([(s * (top - logs[k])) ** 2 for k, s in self.sums[f].items()])
            cached = (freq.n, value)
            self._norms[f] = cached
        return cached[1]

    def add(self, doc: StoryDoc, freq: Frequencies | None = None) -> None:
        if freq is not None:
            self.recent.append(member_vector(doc, freq))
            self.recent_entities.append(set(doc.entities))
            del self.recent[:-RECENT], self.recent_entities[:-RECENT]
        if not self.members:
            self.title = doc.title
        self.members.append(doc.id)
        if doc.source:
            self.sources.add(doc.source)
        if doc.published:
            self.first = min(self.first or doc.published, doc.published)
            self.last = max(self.last or doc.published, doc.published)
        self.years.update(doc.years)
        self.dates.update(doc.dates)
        for f in FIELDS:
            tf = doc.tf(f)
            sums = self.sums[f]
            cached = self._norms.get(f) if freq is not None else None
            change = 0.0
            if cached is not None and freq is not None:
                top, logs = freq.tops[f], freq.logs[f]
                for k, v in tf.items():
                    old = sums.get(k, 0.0)
                    sums[k] = old + v
                    change += ((old + v) ** 2 - old**2) * (top - logs[k]) ** 2
            else:
                for k, v in tf.items():
                    sums[k] = sums.get(k, 0.0) + v
            if cached is not None:  # the cached norm follows the keys that changed
                self._norms[f] = (cached[0], cached[1] + change)
            else:
                self._norms.pop(f, None)
            self.df[f].update(tf.keys())
        body = self.sums["body"]
        if len(body) > 2 * STORY_TERMS:
            self.sums["body"] = dict(sorted(body.items(), key=lambda kv: -kv[1])[:STORY_TERMS])
            self._norms.pop("body", None)


@dataclass(frozen=True, eq=False)
class Member:
    """A sparse vector over the body vocabulary's columns (:meth:`Frequencies.columns`)."""

    cols: np.ndarray  # int64
    vals: np.ndarray  # float64


def member_vector(doc: StoryDoc, freq: Frequencies) -> Member:
    """What a story keeps of a recent member: its heaviest MEMBER_TERMS body terms,
    weighted by TF-IDF and divided by the norm of the whole vector."""
    top_, logs = freq.tops["body"], freq.logs["body"]
    vec = {k: v * (top_ - logs[k]) for k, v in doc.tf("body").items()}
    norm = math.sqrt(math.fsum([v * v for v in vec.values()])) or 1.0
    top = sorted(vec.items(), key=lambda kv: -kv[1])[:MEMBER_TERMS]
    return Member(freq.columns([k for k, _ in top]), np.array([v / norm for _, v in top], dtype=np.float64))


PRIOR_FIELDS = frozenset({"body", "lead", "entities"})
PRIOR_LENGTH = 400  # words of a typical news article


def prior_share(key: str) -> float:
    """The share of English news documents expected to contain ``key`` (a word, a
    two-word term or a name), from wordfreq's general English word frequencies: a
    word of frequency f occurs in a document of PRIOR_LENGTH words with probability
    1 - exp(-PRIOR_LENGTH * f); the words of a term are taken as independent."""
    share = 1.0
    for word in key.split():
        share *= _word_share(word)
    return share


@lru_cache(maxsize=1 << 17)  # words, not terms: bounded by the vocabulary, not by its pairs
def _word_share(word: str) -> float:
    from wordfreq import word_frequency

    return -math.expm1(-PRIOR_LENGTH * word_frequency(word, "en", minimum=1e-8))


class _Logs(dict[str, float]):
    """One field's ``log(df + prior + 1)`` per active key; a key no active document holds
    (df 0) is computed on the fly and not kept."""

    def __init__(self, freq: Frequencies, f: str) -> None:
        super().__init__()
        self.freq, self.f = freq, f

    def __missing__(self, key: str) -> float:
        return math.log(self.freq.pseudo(self.f, key) + 1.0)


class Frequencies:
    """Document frequencies per field over the active documents, smoothed towards
    general English: ``prior_docs`` pseudo-documents drawn from it are counted as
    well, so a word's weight does not hinge on how many documents a batch holds.

    A key's weight is ``idf = tops[f] - logs[f][key]``, with ``tops[f] = log(n + prior_docs + 1) + 1``
    (``log(n + 1) + 1`` for the fields without the prior) and ``logs[f][key] = log(df + prior + 1)``
    kept per active key and updated only when its document frequency moves, so the hot
    loops look a weight up instead of computing it."""

    def __init__(self, prior_docs: float = 0.0) -> None:
        self.n = 0
        self.df: dict[str, Counter[str]] = {f: Counter() for f in FIELDS}
        self.frozen = False
        self.prior_docs = prior_docs
        # each active key's pseudo-document count, computed once when it arrives and
        # dropped with its last document
        self.prior: dict[str, float] = {}
        self.logs: dict[str, _Logs] = {f: _Logs(self, f) for f in FIELDS}
        self.tops: dict[str, float] = {}
        self._moved()
        # a column per body key of the active documents (reused once its last document
        # leaves), so vectors can be compared with numpy; ``scratch`` holds one dense vector
        self.column: dict[str, int] = {}
        self._free: list[int] = []
        self.scratch = np.zeros(1024)

    def freeze(self) -> None:
        """No more documents come or go (the repair pass)."""
        self.frozen = True

    def columns(self, keys: list[str]) -> np.ndarray:
        """The body columns of ``keys`` (a key no active document holds gets one too)."""
        column = self.column
        missing = [k for k in keys if k not in column]
        if missing:
            self._open(missing)
        return np.array([column[k] for k in keys], dtype=np.int64)

    def _open(self, keys: Iterable[str]) -> None:
        column, free = self.column, self._free
        for k in keys:
            if k not in column:
                column[k] = free.pop() if free else len(column)
        if len(column) + len(free) > len(self.scratch):  # the highest column in use is below this
            self.scratch = np.zeros(2 * (len(column) + len(free)))

    def pseudo(self, f: str, key: str) -> float:
        """The key's document frequency plus its general-English pseudo-documents."""
        df = self.df[f].get(key, 0)
        if not self.prior_docs or f not in PRIOR_FIELDS:
            return float(df)
        prior = self.prior.get(key)
        if prior is None:
            prior = self.prior_docs * prior_share(key)
        return df + prior

    def _moved(self) -> None:
        smoothed = math.log(self.n + self.prior_docs + 1.0) + 1.0
        plain = math.log(self.n + 1.0) + 1.0
        self.tops = {f: smoothed if self.prior_docs and f in PRIOR_FIELDS else plain for f in FIELDS}

    def add(self, doc: StoryDoc) -> None:
        if self.frozen:
            return
        self.n += 1
        self._moved()
        for f in FIELDS:
            keys = getattr(doc, f).keys()
            table = self.df[f]
            table.update(keys)
            if self.prior_docs and f in PRIOR_FIELDS:
                prior = self.prior
                for k in keys:
                    if k not in prior:
                        prior[k] = self.prior_docs * prior_share(k)
            if f == "body":
                self._open(keys)
            self._refresh(f, keys)

    def _refresh(self, f: str, keys: Iterable[str]) -> None:
        """``logs[f]`` of active keys whose document frequency moved (their prior is held)."""
        table, logs, log = self.df[f], self.logs[f], math.log
        if self.prior_docs and f in PRIOR_FIELDS:
            prior = self.prior
            for k in keys:
                logs[k] = log(table[k] + prior[k] + 1.0)
        else:
            for k in keys:
                logs[k] = log(table[k] + 1.0)

    def remove(self, story: Story) -> None:
        if self.frozen:
            return
        self.n -= len(story.members)
        self._moved()
        gone: list[str] = []
        for f in FIELDS:
            table, logs = self.df[f], self.logs[f]
            table.subtract(story.df[f])
            for k in story.df[f]:
                if table[k] <= 0:
                    del table[k]
                    logs.pop(k, None)
                    if f == "body" and k in self.column:
                        self._free.append(self.column.pop(k))
                    if f in PRIOR_FIELDS:
                        gone.append(k)
        for k in gone:
            if not any(k in self.df[f] for f in PRIOR_FIELDS):
                self.prior.pop(k, None)
        for f in FIELDS:  # the keys that stay, with their lower counts
            self._refresh(f, [k for k in story.df[f] if k in self.df[f]])

    def idf(self, f: str, key: str) -> float:
        return self.tops[f] - self.logs[f][key]


@dataclass
class Prepared:
    """A document's vectors under the current document frequencies, computed once per
    assignment and shared by every candidate story."""

    fields: dict[str, tuple[dict[str, float], float]]  # per field: key -> tf*idf^2, squared norm
    body: dict[str, float]  # unit TF-IDF body vector
    entity_weights: dict[str, float]
    body_cols: np.ndarray  # the body vector as columns and values
    body_vals: np.ndarray


def prepare(doc: StoryDoc, freq: Frequencies) -> Prepared:
    fields = {}
    vectors: dict[str, dict[str, float]] = {}
    for f in FIELDS:
        top, logs = freq.tops[f], freq.logs[f]
        pairs, vec, dn = {}, {}, 0.0
        for k, v in doc.tf(f).items():
            w = top - logs[k]
            x = v * w
            dn += x * x
            pairs[k] = x * w
            vec[k] = x
        fields[f] = (pairs, dn)
        vectors[f] = vec
    body = vectors["body"]
    norm = math.sqrt(math.fsum([v * v for v in body.values()])) or 1.0
    unit = {k: v / norm for k, v in body.items()}
    cols = freq.columns(list(unit))
    return Prepared(fields, unit, vectors["entities"], cols, np.fromiter(unit.values(), np.float64, len(unit)))


def _cosine(prep: Prepared, story: Story, f: str, freq: Frequencies) -> float:
    sums = story.sums[f]
    pairs, dn = prep.fields[f]
    if not pairs or not sums or not dn:
        return 0.0
    common = pairs.keys() & sums.keys()
    if not common:
        return 0.0
    dot = math.fsum([pairs[k] * sums[k] for k in common])  # exactly rounded: the same in any order
    sn = story.norm(f, freq)
    return dot / math.sqrt(dn * sn) if sn else 0.0


def signals(
    doc: StoryDoc, story: Story, freq: Frequencies, window_days: float, prep: Prepared | None = None
) -> list[float]:
    """The similarity signals of a document and a story, in the order of :data:`SIGNALS`."""
    prep = prep or prepare(doc, freq)
    out = [_cosine(prep, story, f, freq) for f in FIELDS]
    story_years = set(story.years)
    if doc.years and story_years:
        shared = len(doc.years & story_years)
        out += [shared / len(doc.years | story_years), 0.0 if shared else 1.0]
    else:
        out += [0.0, 0.0]
    out += _date_signals(doc, story)
    out += _member_links(doc, story, prep, freq)
    if doc.published and story.first and story.last:
        out += [math.exp(-_gap(doc.published, story) / max(window_days / 3, 1.0)), 0.0]
    else:
        out += [0.0, 1.0]
    out.append(math.log1p(len(story.members)))
    return out


def _gap(day: date, story: Story) -> int:
    """Days between a date and a story's span (0 inside it)."""
    assert story.first is not None and story.last is not None
    return max((story.first - day).days, (day - story.last).days, 0)


def _date_signals(doc: StoryDoc, story: Story) -> list[float]:
    """Full dates the texts mention (datelines, "on July 7, 2012"): near, far apart, or on one side only."""
    if doc.dates and story.dates:
        days = [date.fromisoformat(d) for d in doc.dates]
        gap = min(abs((a - date.fromisoformat(b)).days) for a in days for b in story.dates)
        return [math.exp(-gap / 7.0), 1.0 if gap > 31 else 0.0, 0.0]
    if doc.dates or story.dates:
        return [0.0, 0.0, 1.0]
    return [0.0, 0.0, 0.0]


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    """Dot product of two sparse vectors: over their shared keys (a set intersection, in C),
    summed exactly rounded so the result does not depend on the order of a set."""
    return math.fsum([a[k] * b[k] for k in a.keys() & b.keys()])


def _member_links(doc: StoryDoc, story: Story, prep: Prepared, freq: Frequencies) -> list[float]:
    """Links to the story's latest members one by one: the highest and the mean TF-IDF
    cosine; the share of the document's entity weight the story never mentions; the
    highest entity overlap (Jaccard) with one member."""
    cosines: list[float] = []
    if prep.body and story.recent:
        cols, vals, owner = story.stacked()
        scratch = freq.scratch  # the document's vector, dense for the length of this call
        scratch[prep.body_cols] = prep.body_vals
        cosines = np.bincount(owner, weights=vals * scratch[cols], minlength=len(story.recent)).tolist()
        scratch[prep.body_cols] = 0.0
    total = math.fsum(prep.entity_weights.values())
    known = story.sums["entities"]
    novel = math.fsum(w for k, w in prep.entity_weights.items() if k not in known) / total if total else 0.0
    names = set(doc.entities)
    overlaps = [len(names & m) / len(names | m) for m in story.recent_entities if names or m]
    return [
        max(cosines, default=0.0),
        sum(cosines) / len(cosines) if cosines else 0.0,
        novel,
        max(overlaps, default=0.0),
    ]


@dataclass
class Assignment:
    doc_id: str
    story_id: str
    score: float  # the probability of the match; 1.0 for a document that started its story
    new: bool


class Clusterer:
    """Assigns documents to stories one at a time; see the module docstring."""

    def __init__(self, weights: Weights | None = None, window_days: float | None = None) -> None:
        self.weights = weights or load()
        self.window_days = window_days if window_days is not None else self.weights.window_days
        self.freq = Frequencies(self.weights.prior_docs)
        self.stories: dict[str, Story] = {}
        self.index: dict[str, set[str]] = defaultdict(set)
        self.now: date | None = None
        self.evicted = 0  # stories dropped from the window so far
        self.evicting = True  # batch mode keeps every story (the candidates still respect the window)

    # -- index ------------------------------------------------------------------
    def keys(self, doc: StoryDoc) -> list[str]:
        words = [k for k in doc.body if " " not in k and not k[:1].isdigit()]
        top, logs, log, body = self.freq.tops["body"], self.freq.logs["body"], math.log, doc.body
        rare = sorted(words, key=lambda k: -(1.0 + log(body[k])) * (top - logs[k]))
        keys = [f"t:{k}" for k in rare[:RARE_TERMS]]
        keys += [f"e:{k}" for k in doc.entities] + [f"p:{k}" for k in doc.places]
        return keys

    def candidates(self, doc: StoryDoc) -> list[Story]:
        """Active stories that share index keys with the document, most shared first;
        a story more than the window away from a dated document is never one."""
        hits: Counter[str] = Counter()
        for key in self.keys(doc):
            posting = self.index.get(key)
            if posting and len(posting) <= MAX_POSTING:
                hits.update(posting)
        out = []
        for sid, _ in hits.most_common():
            story = self.stories.get(sid)
            if story is None or (doc.published and story.first and _gap(doc.published, story) > self.window_days):
                continue
            out.append(story)
            if len(out) >= MAX_CANDIDATES:
                break
        return out

    def _register(self, story: Story, doc: StoryDoc) -> None:
        for key in self.keys(doc):
            self.index[key].add(story.id)

    def _evict(self) -> None:
        if self.now is None or not self.evicting:
            return
        old = [s for s in self.stories.values() if s.last is not None and (self.now - s.last).days > self.window_days]
        for story in old:
            del self.stories[story.id]
            self.freq.remove(story)
            self.evicted += 1
        if old:
            gone = {s.id for s in old}
            for key in list(self.index):
                posting = self.index[key] - gone
                if posting:
                    self.index[key] = posting
                else:
                    del self.index[key]

    # -- assignment ---------------------------------------------------------------
    def probability(self, doc: StoryDoc, story: Story, prep: Prepared | None = None) -> float:
        return self.weights.probability(signals(doc, story, self.freq, self.window_days, prep))

    def best(self, doc: StoryDoc) -> tuple[Story | None, float]:
        best, best_p = None, 0.0
        prep = prepare(doc, self.freq)
        for story in self.candidates(doc):
            p = self.probability(doc, story, prep)
            if p > best_p:
                best, best_p = story, p
        return best, best_p

    def add(self, doc: StoryDoc, story: Story | None = None, score: float = 1.0) -> Assignment:
        """Put ``doc`` in ``story`` (a new story when None)."""
        new = story is None
        if story is None:
            story = Story(id=story_id(doc.id))
            while story.id in self.stories:  # the same first document twice: keep ids unique
                story.id = story_id(story.id)
            self.stories[story.id] = story
        story.add(doc, self.freq)
        story.scores[doc.id] = score
        self._register(story, doc)
        return Assignment(doc.id, story.id, score, new)

    def assign(self, doc: StoryDoc) -> Assignment:
        """Join the best matching active story, or start one."""
        if doc.published and (self.now is None or doc.published > self.now):
            self.now = doc.published
            self._evict()
        self.freq.add(doc)
        story, p = self.best(doc)
        if story is not None and p >= self.weights.threshold:
            return self.add(doc, story, p)
        return self.add(doc)

    def restore(self, story_id_: str, docs: Iterable[tuple[StoryDoc, float]]) -> Story:
        """Reload a stored story (its members in order) so new documents can join it."""
        story = Story(id=story_id_)
        self.stories[story.id] = story
        for doc, score in docs:
            self.freq.add(doc)
            story.add(doc, self.freq)
            story.scores[doc.id] = score
            self._register(story, doc)
            if doc.published and (self.now is None or doc.published > self.now):
                self.now = doc.published
        return story


def by_date(docs: Iterable[StoryDoc]) -> list[StoryDoc]:
    """Publication order; undated documents keep their place relative to each other, last."""
    listed = list(docs)
    return sorted(listed, key=lambda d: (d.published is None, d.published or date.min))


def stream(docs: Iterable[StoryDoc], weights: Weights | None = None, repair: bool = False) -> list[Assignment]:
    """Streaming mode: each document assigned once, in the order given; with ``repair``,
    the run's stories are then revised by the repair pass (:mod:`.repair`), as
    ``newsgraph ingest`` does at the end of a run."""
    if not repair:
        clusterer = Clusterer(weights)
        return [clusterer.assign(doc) for doc in docs]
    from .repair import run, streamed

    fixing = streamed(list(docs), weights)
    run(fixing)
    return fixing.assignments()


def batch(docs: Iterable[StoryDoc], weights: Weights | None = None, passes: int = 2) -> list[Assignment]:
    """Batch mode (and ``newsgraph stories --recluster``): a streaming pass in publication
    order over the whole set, the term weights growing as documents arrive as in a stream,
    then the repair pass (reassign ``passes`` rounds, split, merge) with the weights of
    the whole set."""
    from .repair import run, streamed

    fixing = streamed(by_date(docs), weights)
    run(fixing, passes)
    return fixing.assignments()
