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


def _tf(counts: Counter[str]) -> dict[str, float]:
    return {k: 1.0 + math.log(v) for k, v in counts.items() if v > 0}


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
    # unit TF-IDF vectors and entity sets of the latest members
    recent: list[dict[str, float]] = field(default_factory=list, repr=False)
    recent_entities: list[set[str]] = field(default_factory=list, repr=False)
    # squared norms of the TF-IDF centroids, cached: (documents counted when computed, value)
    _norms: dict[str, tuple[int, float]] = field(default_factory=dict, repr=False)

    def norm(self, f: str, freq: Frequencies) -> float:
        """Squared norm of the field's TF-IDF centroid; recomputed when the story changed
        or the document frequencies have moved by more than 5% since."""
        cached = self._norms.get(f)
        if cached is None or abs(freq.n - cached[0]) > 0.05 * cached[0]:
            value = math.fsum((s * freq.idf(f, k)) ** 2 for k, s in self.sums[f].items())
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
            counts: Counter[str] = getattr(doc, f)
            sums = self.sums[f]
            cached = self._norms.get(f) if freq is not None else None
            change = 0.0
            for k, v in _tf(counts).items():
                old = sums.get(k, 0.0)
                sums[k] = old + v
                if cached is not None and freq is not None:
                    change += ((old + v) ** 2 - old**2) * freq.idf(f, k) ** 2
            if cached is not None:  # the cached norm follows the keys that changed
                self._norms[f] = (cached[0], cached[1] + change)
            else:
                self._norms.pop(f, None)
            self.df[f].update(counts.keys())
        body = self.sums["body"]
        if len(body) > 2 * STORY_TERMS:
            self.sums["body"] = dict(sorted(body.items(), key=lambda kv: -kv[1])[:STORY_TERMS])
            self._norms.pop("body", None)


def member_vector(doc: StoryDoc, freq: Frequencies) -> dict[str, float]:
    """What a story keeps of a recent member: its heaviest MEMBER_TERMS body terms,
    weighted by TF-IDF and divided by the norm of the whole vector."""
    vec = {k: v * freq.idf("body", k) for k, v in _tf(doc.body).items()}
    norm = math.sqrt(math.fsum(v * v for v in vec.values())) or 1.0
    top = sorted(vec.items(), key=lambda kv: -kv[1])[:MEMBER_TERMS]
    return {k: v / norm for k, v in top}


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


class Frequencies:
    """Document frequencies per field over the active documents, smoothed towards
    general English: ``prior_docs`` pseudo-documents drawn from it are counted as
    well, so a word's weight does not hinge on how many documents a batch holds."""

    def __init__(self, prior_docs: float = 0.0) -> None:
        self.n = 0
        self.df: dict[str, Counter[str]] = {f: Counter() for f in FIELDS}
        self.frozen = False
        self.prior_docs = prior_docs
        # each active key's pseudo-document count, computed once when it arrives and
        # dropped with its last document, so the lookup costs what the df lookup does
        self.prior: dict[str, float] = {}
        self.memo: dict[tuple[str, str], float] | None = None  # weights remembered while frozen

    def freeze(self) -> None:
        """No more documents come or go (the repair pass): each weight is computed once."""
        self.frozen = True
        self.memo = {}

    def add(self, doc: StoryDoc) -> None:
        if self.frozen:
            return
        self.n += 1
        for f in FIELDS:
            keys = getattr(doc, f).keys()
            self.df[f].update(keys)
            if self.prior_docs and f in PRIOR_FIELDS:
                prior = self.prior
                for k in keys:
                    if k not in prior:
                        prior[k] = self.prior_docs * prior_share(k)

    def remove(self, story: Story) -> None:
        if self.frozen:
            return
        self.n -= len(story.members)
        gone: list[str] = []
        for f in FIELDS:
            table = self.df[f]
            table.subtract(story.df[f])
            for k in [k for k, v in story.df[f].items() if table[k] <= 0]:
                del table[k]
                if f in PRIOR_FIELDS:
                    gone.append(k)
        for k in gone:
            if not any(k in self.df[f] for f in PRIOR_FIELDS):
                self.prior.pop(k, None)

    def idf(self, f: str, key: str) -> float:
        memo = self.memo
        if memo is None:
            return self._idf(f, key)
        value = memo.get((f, key))
        if value is None:
            value = memo[(f, key)] = self._idf(f, key)
        return value

    def _idf(self, f: str, key: str) -> float:
        if self.prior_docs and f in PRIOR_FIELDS:
            prior = self.prior.get(key)
            if prior is None:
                prior = self.prior_docs * prior_share(key)
            return math.log((self.n + self.prior_docs + 1) / (self.df[f].get(key, 0) + prior + 1)) + 1.0
        return math.log((self.n + 1) / (self.df[f].get(key, 0) + 1)) + 1.0


@dataclass
class Prepared:
    """A document's vectors under the current document frequencies, computed once per
    assignment and shared by every candidate story."""

    fields: dict[str, tuple[list[tuple[str, float]], float]]  # per field: (key, tf*idf^2), squared norm
    body: dict[str, float]  # unit TF-IDF body vector
    entity_weights: dict[str, float]


def prepare(doc: StoryDoc, freq: Frequencies) -> Prepared:
    fields = {}
    for f in FIELDS:
        pairs, dn = [], 0.0
        for k, v in _tf(getattr(doc, f)).items():
            w = freq.idf(f, k)
            dn += (v * w) ** 2
            pairs.append((k, v * w * w))
        fields[f] = (pairs, dn)
    vec = {k: v * freq.idf("body", k) for k, v in _tf(doc.body).items()}
    norm = math.sqrt(math.fsum(v * v for v in vec.values())) or 1.0
    weights = {k: freq.idf("entities", k) * (1.0 + math.log(v)) for k, v in doc.entities.items()}
    return Prepared(fields, {k: v / norm for k, v in vec.items()}, weights)


def _cosine(prep: Prepared, story: Story, f: str, freq: Frequencies) -> float:
    sums = story.sums[f]
    pairs, dn = prep.fields[f]
    if not pairs or not sums or not dn:
        return 0.0
    dot = 0.0
    for k, v in pairs:
        s = sums.get(k)
        if s:
            dot += v * s
    if dot == 0.0:
        return 0.0
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
    out += _member_links(doc, story, prep)
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
    if len(a) > len(b):
        a, b = b, a
    get = b.get
    return sum([v * get(k, 0.0) for k, v in a.items()])  # a list, not a generator: the same sum, faster


def _member_links(doc: StoryDoc, story: Story, prep: Prepared) -> list[float]:
    """Links to the story's latest members one by one: the highest and the mean TF-IDF
    cosine; the share of the document's entity weight the story never mentions; the
    highest entity overlap (Jaccard) with one member."""
    cosines = [_dot(prep.body, m) for m in story.recent] if prep.body else []
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
        rare = sorted(words, key=lambda k: -(1.0 + math.log(doc.body[k])) * self.freq.idf("body", k))
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
