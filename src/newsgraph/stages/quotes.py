"""Who said what: direct, partial and indirect quotations with their speakers.

Rules over the spaCy parse, in three passes over a document:

1. **Direct quotes.** :func:`newsgraph.quotemarks.find_quotes` finds the quoted
   passages (curly or straight, unbalanced, multi-paragraph). Each is attributed
   through the text around it: a reporting verb after it in the same sentence
   (``"…," X said``, ``"…," said X``), a frame before it (``X said: "…"``,
   ``X told reporters, "…"``, ``X:``), or, for a quote that goes on after the
   reporting clause (``"…," he said, "…"``), the same cue as its first part.
2. **Indirect speech.** A reporting verb of the cue lexicon with a clause
   complement (``X said that …``, ``…, X noted``), an object or
   preposition phrase for verbs of stance (``X called for …``), and
   ``according to X, …``. The content is the complement, without cue and
   speaker. When the complement holds a quoted fragment the record is
   ``partial``.
3. **Headlines.** ``"…: Putin"`` on the title line.

Speakers: the subject as written (``speaker_span``) and its canonical name from
:func:`newsgraph.stages.coref.resolve` (pronouns and role descriptions included).
The stage never raises: a document it cannot parse fully yields what it found.
"""

from __future__ import annotations

import bisect
import logging
import re
from functools import lru_cache
from typing import Any

from ..datafiles import load_data
from ..model import Article, Quote, Span
from ..quotemarks import QuoteSpan, find_quotes
from .base import Stage, warn
from .coref import resolve

log = logging.getLogger(__name__)

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
RELATIVE = frozenset({"who", "that", "which", "whom"})
SPEAKER_POS = frozenset({"PROPN", "NOUN", "PRON"})
# How far (characters) after a quote its reporting clause may end.
TRAIL_CHARS = 160


@lru_cache(maxsize=1)
def cues() -> dict[str, frozenset[str]]:
    data = load_data("quotes.yaml")
    return {k: frozenset(v) for k, v in data.items()}


class Quotes(Stage):
    name = "quotes"
    requires = ("doc", "entities", "entity_of_span", "coref", "coref_people")
    assigns = ("quotes",)

    def process(self, article: Article) -> Article:
        try:
            article.quotes = extract(article)
        except Exception as exc:  # never lose the document over its quotes (but say so)
            self.warn(article, "quotes not read", exc)
            article.quotes = list(article.quotes)
        return article


# -- helpers over the parse -------------------------------------------------------------
def _tok_span(toks: list[Any]) -> Span:
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _is_cue(tok: Any) -> bool:
    return tok.pos_ in {"VERB", "AUX"} and tok.lemma_.lower() in cues()["speech_verbs"]


def _cue_span(verb: Any) -> Span:
    """The reporting verb with its auxiliaries, negation and particle ("has also called on")."""
    toks = [verb]
    for c in verb.children:
        if c.dep_ in {"aux", "auxpass", "neg", "prt"} or (c.dep_ == "advmod" and abs(c.i - verb.i) <= 2):
            toks.append(c)
    toks.sort(key=lambda t: t.i)
    # keep it contiguous around the verb
    lo = hi = verb.i
    ids = {t.i for t in toks}
    while lo - 1 in ids:
        lo -= 1
    while hi + 1 in ids:
        hi += 1
    doc = verb.doc
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def _subject(verb: Any) -> Any | None:
    """The speaker token of a reporting verb: its subject, the subject of the verb it is
    coordinated with or depends on ("... and added", "..., adding"), or the agent of a passive."""
    seen = 0
    v = verb
    if verb.tag_ == "VBG" and verb.dep_ in {"advcl", "conj"} and verb.head.dep_ == "ccomp" and _is_cue(verb.head.head):
        # "X said Y was wrong, noting that …": the one noting is X, not Y
        v = verb.head.head
    while v is not None and seen < 6:
        seen += 1
        for c in v.children:
            if c.dep_ == "nsubj":
                if c.lower_ in {"it", "there"}:
                    return None
                return c
            if c.dep_ == "agent":
                pobj = next((x for x in c.children if x.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
        if any(c.dep_ == "nsubjpass" for c in v.children):
            return None
        if v.head is v:
            break
        if v.dep_ == "acl" and v.head.pos_ in {"NOUN", "PROPN"}:
            # "placards slamming the DNC", "Trump's use of a slur to describe her": the noun's
            # owner, else the noun itself, is the one who says it
            noun = v.head
            owner = next((c for c in noun.children if c.dep_ == "poss"), None)
            return owner if owner is not None else noun
        if v.dep_ == "relcl" and v.head.pos_ in {"NOUN", "PROPN"}:
            return v.head
        if v.dep_ in CLIMB_DEPS:
            v = v.head
        else:
            break
    return None


# Dependencies through which a subjectless reporting verb takes the subject of its head:
# "... and added", "..., adding", "is determined to warn", "by mentioning".
CLIMB_DEPS = frozenset({"conj", "advcl", "xcomp", "ccomp", "pcomp", "prep", "acomp", "pobj"})


def _speaker_tokens(head: Any) -> list[Any]:
    """The speaker's noun phrase as written, cut before a comma, relative clause or apposition."""
    toks = [t for t in head.subtree]
    out: list[Any] = []
    for t in toks:
        if t.i > head.i and (t.is_punct or t.dep_ in {"relcl", "appos", "acl"} or t.lower_ in RELATIVE):
            break
        if t.i < head.i and t.is_punct and t.text not in {"-", "’s", "'s", "."}:
            out = []
            continue
        out.append(t)
    return out or [head]


def _content_tokens(root: Any) -> list[Any]:
    return _trim(sorted(root.subtree, key=lambda t: t.i))


class _Builder:
    """Collects quotes for one article, keeping spans unique and speakers resolved."""

    def __init__(self, article: Article) -> None:
        self.article = article
        self.text = article.text
        self.quotes: list[Quote] = []
        self.used_cues: set[int] = set()
        # characters inside some attribution's content: a cue there is nested, not its own
        self.covered = bytearray(len(self.text) + 1)
        # the entity mentions' spans sorted by start, to find those a span cuts by bisection
        spans = sorted(article.work.entity_of_span)
        self._mention_starts = [sp[0] for sp in spans]
        self._mentions = spans
        self._longest = max((e - st for st, e in spans), default=0)

    def speaker(self, tok: Any | None) -> tuple[str | None, Span | None]:
        """The speaker as written (span) and its canonical name, through coreference."""
        if tok is None:
            return None, None
        toks = _speaker_tokens(tok)
        span = self._cover_mentions(_tok_span(toks))
        name = resolve(self.article, *span)
        if name is None and tok.lower_ in RELATIVE and tok.head.dep_ == "relcl":
            # "Senator Jeff Flake, who echoed …": written "who", meant the noun it follows
            noun = tok.head.head
            name = resolve(self.article, *_tok_span(_speaker_tokens(noun)))
        return name, span

    def _cover_mentions(self, span: Span) -> Span:
        """Widen a speaker span to the whole of any name it cuts ("Staffan de" -> "Staffan de Mistura").
        Only mentions starting within one name's length of the span can overlap it, so this is
        a bisection, not a scan of every mention (that made quotes quadratic in long texts)."""
        start, end = span
        while True:
            lo = bisect.bisect_right(self._mention_starts, start - self._longest)
            hi = bisect.bisect_left(self._mention_starts, end)
            new_start, new_end = start, end
            for s, e in self._mentions[lo:hi]:
                if s < end and start < e:
                    new_start, new_end = min(new_start, s), max(new_end, e)
            if (new_start, new_end) == (start, end):
                return start, end
            start, end = new_start, new_end

    def add(self, quote: Quote) -> None:
        if quote.content[1] - quote.content[0] < 2:
            return
        self.quotes.append(quote)
        self._cover(quote.content)

    def replace(self, old: Quote, new: Quote) -> None:
        self.quotes[self.quotes.index(old)] = new
        self._cover(new.content)

    def _cover(self, span: Span) -> None:
        s, e = max(0, span[0]), min(len(self.text), span[1])
        if e > s:
            self.covered[s:e] = b"\x01" * (e - s)

    def inside(self, pos: int) -> bool:
        return 0 <= pos < len(self.covered) and bool(self.covered[pos])


def extract(article: Article) -> list[Quote]:
    doc = article.doc
    text = article.text
    if doc is None or not text.strip():
        return []
    b = _Builder(article)
    marks = find_quotes(text)
    for step in (_direct, _indirect, _headline_pass):
        try:
            step(b, doc, marks)
        except Exception as exc:  # a pass that trips on an odd parse keeps what the others found
            warn(article, "quotes", f"pass {step.__name__} failed", exc)
    b.quotes.sort(key=lambda q: q.content)
    return b.quotes


def _headline_pass(b: _Builder, doc: Any, marks: list[QuoteSpan]) -> None:
    _headline(b, doc)


# -- 1. direct quotes ---------------------------------------------------------------------
def _tokens_in(doc: Any, start: int, end: int) -> list[Any]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return list(span) if span is not None else []


_STOP = re.compile(r"[.!?](?=[\s”\"’']|$)|\n")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Adm|St|Jr|Sr|Prof|Rev|Hon|Gen|Mt|No|Inc|Corp|Co|Ltd|Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|vs|U\.S|U\.K|U\.N|D\.C)|\b[A-Z])$"
)


def _sentence_end(text: str, pos: int, limit: int) -> int:
    """Where the sentence that goes on at ``pos`` ends: the first stop that does not end
    an abbreviation ("Mr.", "Sen.", "U.S.") or an initial ("John J. Ferriola")."""
    stop = min(len(text), pos + limit)
    for m in _STOP.finditer(text, pos, stop):
        if m.group() == "." and _ABBREV.search(text, max(0, m.start() - 6), m.start()):
            continue
        return m.end()
    return stop


def _sentence_start(text: str, pos: int, limit: int = 300) -> int:
    lo = max(0, pos - limit)
    best = lo
    for m in re.compile(r"[.!?][”\"’]?\s+|\n").finditer(text, lo, pos):
        if text[m.start()] == "." and _ABBREV.search(text, max(0, m.start() - 6), m.start()):
            continue
        best = m.end()
    return best


def _frame_cue(b: _Builder, toks: list[Any], prefer: str) -> tuple[Any, Any] | None:
    """(cue verb, speaker token) in a reporting frame next to a quote."""
    verbs = [t for t in toks if _is_cue(t) and t.i not in b.used_cues]
    if not verbs and prefer == "before":
        # "Cruz continued:" / "He put it this way:" — any verb with a subject right before a colon
        verbs = [t for t in toks if t.pos_ == "VERB" and t.i not in b.used_cues]
        if not toks or toks[-1].text != ":":
            verbs = []
    if not verbs:
        return None
    verb = verbs[0] if prefer == "after" else verbs[-1]
    subj = _subject(verb)
    if subj is not None and subj not in toks:
        # the parser took a word of the quote itself as the subject ("We will …," Jordan said)
        subj = None
    if subj is None:
        words = [t for t in toks if not t.is_punct]
        before = [t for t in words if t.i < verb.i]
        if before and before[0].pos_ in SPEAKER_POS:
            # '"…," Brent Bozell III, founder of …, tells': the noun phrase that opens the frame
            subj = before[0]
            while subj.head in before and subj.dep_ in {"compound", "flat", "amod", "det", "poss", "nmod"}:
                subj = subj.head
        else:
            # "said Putin": a name or pronoun right after the verb
            after = [t for t in words if t.i > verb.i]
            if after and after[0].pos_ in SPEAKER_POS | {"DET", "ADJ"}:
                subj = after[0]
                while subj.head in after and subj.dep_ in {"compound", "flat", "amod", "det", "poss", "nmod"}:
                    subj = subj.head
    return verb, subj


def _direct(b: _Builder, doc: Any, marks: list[QuoteSpan]) -> None:
    text = b.text
    prev: tuple[QuoteSpan, Quote, int] | None = None  # last attributed quote and its cue token
    for n, q in enumerate(marks):
        words = len(text[q.start : q.end].split())
        nxt_start = marks[n + 1].start if n + 1 < len(marks) else len(text)
        # the text after the quote up to the end of its sentence (or the next quote)
        trail_end = min(_sentence_end(text, q.end, TRAIL_CHARS), nxt_start)
        lead_start = max(_sentence_start(text, q.start), marks[n - 1].end if n else 0)
        trail = _tokens_in(doc, q.end, trail_end) if trail_end > q.end else []
        lead = _tokens_in(doc, lead_start, q.start) if q.start > lead_start else []
        trail = [t for t in trail if t.idx >= q.end]
        lead = [t for t in lead if t.idx + len(t.text) <= q.start]
        found = None
        if not lead and _paragraph_alone(text, q):
            # "Caddell continued:" closing the paragraph before a quote paragraph
            prev_end = len(text[: q.start].rstrip())
            if prev_end > 0 and text[prev_end - 1] == ":" and (n == 0 or marks[n - 1].end < prev_end - 1):
                lead = [t for t in _tokens_in(doc, _sentence_start(text, prev_end - 1), prev_end) if t.idx < prev_end]
        lead_is_frame = not lead or _is_frame(lead)
        if lead and lead_is_frame and any(t.lower_ == "according" for t in lead[:3]):
            to = next((t for t in lead if t.lower_ == "to"), None)
            pobj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
            if pobj is not None:
                name, span = b.speaker(pobj)
                b.add(Quote(name, span, _tok_span([lead[0], to]), (q.start, q.end), "direct"))
                continue
        if lead_is_frame:
            if lead and _lead_ends_in_cue(lead):
                found = _frame_cue(b, lead, "before")
            if found is None:
                found = _frame_cue(b, trail[:14], "after")
            if found is None and lead:
                found = _frame_cue(b, lead, "before")
        # a continuation: "…," he said, "…" — the cue between the two parts
        if found is None and prev is not None and prev[0].end <= q.start:
            gap = text[prev[0].end : q.start]
            same_para = "\n" not in gap
            if same_para and len(gap) < TRAIL_CHARS and lead_is_frame:
                _pq, pquote, _ = prev
                merged = Quote(pquote.speaker, pquote.speaker_span, pquote.cue, (pquote.content[0], q.end), "direct")
                b.replace(pquote, merged)
                prev = (q, merged, prev[2])
                continue
            cue_end = prev[1].cue[1] if prev[1].cue else prev[0].end
            after_cue = text[cue_end : q.start].strip() if cue_end > prev[0].end else gap.strip()
            # nothing between the two quotes but the first one's reporting clause
            frame_only = not gap.strip() or (
                cue_end > prev[0].end and len(after_cue) < 120 and not re.search(r"[.!?]\s+\S", after_cue)
            )
            if not same_para and q.start - prev[0].end < 300 and gap.count("\n") <= 2 and frame_only and lead_is_frame:
                # a paragraph that is a quote and nothing else, right after an attributed one:
                # the same speaker goes on, and news counts it as the same attribution
                pquote = prev[1]
                merged = Quote(pquote.speaker, pquote.speaker_span, pquote.cue, (pquote.content[0], q.end), "direct")
                b.replace(pquote, merged)
                prev = (q, merged, prev[2])
                continue
        if found is None:
            if lead_is_frame and words >= 8 and not lead and _paragraph_alone(text, q):
                # a quote paragraph with no reporting clause: in news, the last speaker goes on
                # (the name is inferred, so no speaker span is claimed)
                last = prev[1].speaker if prev is not None and q.start - prev[0].end < 600 else None
                b.add(Quote(last, None, None, (q.start, q.end), "direct"))
            continue
        verb, subj = found
        b.used_cues.add(verb.i)
        name, span = b.speaker(subj)
        quote = Quote(name, span, _cue_span(verb), (q.start, q.end), "direct")
        b.add(quote)
        prev = (q, quote, verb.i)


def _paragraph_alone(text: str, q: QuoteSpan) -> bool:
    before = text[: q.start].rsplit("\n", 1)[-1]
    return not before.strip()


def _lead_ends_in_cue(lead: list[Any]) -> bool:
    """ "X said, “…" / "X told reporters: “…": a reporting verb within the last few words."""
    tail = [t for t in lead[-5:] if not t.is_punct]
    return bool(tail) and lead[-1].text in {",", ":"} and any(_is_cue(t) for t in tail)


def _is_frame(lead: list[Any]) -> bool:
    """Whether the words before a quote are only a reporting frame ("He said:", "Putin told reporters,")
    and not a clause the quote is part of ("he had" before a partial quote)."""
    if not lead:
        return True
    last = lead[-1].text
    if last in {":", ","}:
        return True
    return bool(any(t.text == ":" for t in lead[-3:]))


# -- 2. indirect speech -----------------------------------------------------------------
def _indirect(b: _Builder, doc: Any, marks: list[QuoteSpan]) -> None:
    lex = cues()
    direct_spans = [q.content for q in b.quotes]
    in_direct = bytes(b.covered)

    def inside_direct(i: int) -> bool:
        return 0 <= i < len(in_direct) and bool(in_direct[i])

    for tok in doc:
        lemma = tok.lemma_.lower()
        if tok.i in b.used_cues or b.inside(tok.idx):
            continue
        if tok.lower_ == "according" and tok.dep_ in {"prep", "advmod"}:
            _according(b, doc, tok, direct_spans)
            continue
        if tok.lower_ == "in" and tok.dep_ == "prep":
            _in_source(b, doc, tok, direct_spans)
            continue
        if tok.pos_ == "NOUN" and tok.lower_ in lex["speech_nouns"] and not inside_direct(tok.idx):
            _noun_cue(b, tok, direct_spans, marks)
            continue
        if tok.pos_ not in {"VERB", "AUX"} or inside_direct(tok.idx) or _in_markup(b.text, tok.idx):
            continue
        content_root, toks = _complement(tok, lemma)
        if content_root is None and lemma in lex["parenthetical_verbs"]:
            toks = _parenthetical_content(tok)
            if toks:
                _emit(b, tok, toks, None, direct_spans, marks)
            continue
        if content_root is None or not toks:
            continue
        _emit(b, tok, toks, content_root, direct_spans, marks)


COMPLEMENT_DEPS = frozenset({"dobj", "oprd", "ccomp", "xcomp", "attr", "acomp", "prep", "dative"})
SAY_OBJECT = frozenset({"say", "claim", "insist", "add", "note", "argue", "believe", "think", "warn", "suggest"})
PASSIVE_SKIP = frozenset({"view", "see", "regard", "consider", "deem", "describe", "portray", "name", "call", "label"})
LISTENER_VERBS = frozenset({"tell", "ask", "inform", "remind", "assure", "warn", "urge", "notify", "advise"})


def _complement(tok: Any, lemma: str) -> tuple[Any | None, list[Any]]:
    """What a cue verb reports: its clause ("said THAT …"), its infinitive ("vowed TO …") or,
    for verbs of stance, everything it takes on its right ("called HIM A LIAR", "called FOR …")."""
    lex = cues()
    if lemma in lex["speech_verbs"]:
        root = next((c for c in tok.children if c.dep_ == "ccomp"), None)
        if root is not None:
            return root, _cut_trailing_cue(_content_tokens(root), root)
        if lemma in SAY_OBJECT:
            # "said the US and had deep differences": a clause the parser read as an object
            # (often where a word is missing from the text); the rest of the sentence is the content
            obj = next((c for c in tok.children if c.dep_ == "dobj" and c.i > tok.i), None)
            if obj is not None and obj.pos_ in {"NOUN", "PROPN"} and obj.i + 1 < obj.sent.end:
                toks = _trim(list(tok.doc[obj.left_edge.i : obj.sent.end]))
                if sum(1 for t in toks if not t.is_punct) >= 4:
                    return obj, toks
    if lemma in lex["xcomp_verbs"]:
        root = next((c for c in tok.children if c.dep_ == "xcomp" and c.i > tok.i), None)
        if root is not None:
            objs = [c for c in tok.children if c.dep_ == "dobj" and c.i < root.i] if lemma not in LISTENER_VERBS else []
            toks = sorted({t for c in [*objs, root] for t in c.subtree}, key=lambda t: t.i)
            return root, _trim(toks)
    passive = any(c.dep_ in {"auxpass", "nsubjpass"} for c in tok.children)
    if passive and lemma in PASSIVE_SKIP and not any(c.dep_ == "agent" for c in tok.children):
        return None, []  # "is viewed as honest": nobody is said to hold the view
    if lemma in lex["object_verbs"] or lemma in {"show"}:
        preps = lex["object_preps"] | {"as"}
        parts = [
            c
            for c in tok.children
            if c.i > tok.i
            and c.dep_ in COMPLEMENT_DEPS
            and (c.dep_ != "prep" or c.lower_ in preps)
            and not (c.dep_ in {"dobj", "dative"} and lemma in LISTENER_VERBS)
        ]
        # prepositions taken by a particle verb: "called ON them to", "pointed OUT that"
        parts += [
            x for c in tok.children if c.dep_ == "prt" for x in c.children if x.dep_ in {"pobj", "pcomp", "ccomp"}
        ]
        if parts:
            toks = sorted({t for c in parts for t in c.subtree}, key=lambda t: t.i)
            toks = _trim(toks)
            if sum(1 for t in toks if not t.is_punct) >= 2:
                return parts[0], toks
    return None, []


def _cut_trailing_cue(toks: list[Any], root: Any) -> list[Any]:
    """End a reported clause before a reporting participle of its own: in "said X, noting Y"
    (or "…, adding that Y") the part after the comma is a second attribution."""
    lex = cues()
    verbs = lex["speech_verbs"] | lex["object_verbs"]
    for t in toks:
        if (
            t.i > root.i
            and t.dep_ in {"advcl", "conj", "parataxis"}
            and t.pos_ == "VERB"
            and t.tag_ in {"VBG", "VBD", "VBZ", "VBP"}
            and t.lemma_.lower() in verbs
            and t.left_edge.i > 0
            and t.doc[t.left_edge.i - 1].text in {",", "—", "–", ";"}
        ):
            cut = t.left_edge.i - 1
            return _trim([x for x in toks if x.i < cut])
    return toks


def _trim(toks: list[Any]) -> list[Any]:
    """Contiguous run from the first to the last token, without edge punctuation."""
    if not toks:
        return []
    doc = toks[0].doc
    toks = list(doc[toks[0].i : toks[-1].i + 1])
    while toks and ((toks[-1].is_punct and toks[-1].text not in {"”", '"', "’"}) or toks[-1].is_space):
        toks.pop()
    while toks and ((toks[0].is_punct and toks[0].text not in {"“", '"'}) or toks[0].is_space):
        toks.pop(0)
    return toks


def _emit(
    b: _Builder, tok: Any, toks: list[Any], content_root: Any | None, direct_spans: list[Span], marks: list[QuoteSpan]
) -> None:
    """Record one indirect (or partial) attribution for cue ``tok`` and content tokens ``toks``."""
    content = _close_quote(b.text, _tok_span(toks))
    # the same passage as a direct quote: that quote's attribution stands
    hit = _overlapping(direct_spans, content)
    if hit is not None and hit[0] <= content[0] + 2 and hit[1] >= content[1] - 2:
        return
    if content_root is None and hit is not None:
        return
    subj = _subject(tok)
    if subj is not None and content[0] <= subj.idx < content[1] and content_root is not None:
        subj = None
    if subj is None and not any(c.dep_ in {"nsubjpass", "auxpass"} for c in tok.children):
        subj = _nearest_person(b, tok, content)
    name, span = b.speaker(subj)
    has_marks = any(content[0] <= m.start and m.end <= content[1] + 1 for m in marks)
    kind = "partial" if has_marks else "indirect"
    if has_marks:
        # the quoted fragment is part of this attribution, not one of its own
        inner = [q for q in b.quotes if content[0] <= q.content[0] and q.content[1] <= content[1] + 1]
        for q in inner:
            b.quotes.remove(q)
    b.used_cues.add(tok.i)
    b.add(Quote(name, span, _cue_span(tok), content, kind))


def _close_quote(text: str, span: Span) -> Span:
    """Take in the closing mark of a quoted fragment that ends the content ("… next few days.”")."""
    start, end = span
    piece = text[start:end]
    opened = piece.count("“") + piece.count('"') % 2
    closed = piece.count("”")
    if opened > closed:
        m = re.match(r"[.,!?]?[”\"]", text[end : end + 2])
        if m:
            return start, end + m.end()
    return span


def _noun_cue(b: _Builder, tok: Any, direct_spans: list[Span], marks: list[QuoteSpan]) -> None:
    """ "his claim that …", "Trump's criticism of the judge": owner and what the noun reports."""
    owner = next((c for c in tok.children if c.dep_ == "poss"), None)
    if owner is None:
        return  # without an owner a noun like "concerns" is too often nobody's
    preps = cues()["noun_preps"]
    parts = [
        c
        for c in tok.children
        if c.i > tok.i and (c.dep_ in {"acl", "ccomp"} or (c.dep_ == "prep" and c.lower_ in preps))
    ]
    if not parts:
        return
    toks = _trim(sorted({t for c in parts for t in c.subtree}, key=lambda t: t.i))
    while toks and toks[0].dep_ == "prep" and toks[0].head is tok:
        toks = toks[1:]  # "criticism OF the judge": the preposition is part of the cue
    if sum(1 for t in toks if not t.is_punct) < 2:
        return
    content = _tok_span(toks)
    if _overlapping(direct_spans, content) is not None:
        return
    name, span = b.speaker(owner)
    b.used_cues.add(tok.i)
    has_marks = any(content[0] <= m.start and m.end <= content[1] + 1 for m in marks)
    b.add(Quote(name, span, (tok.idx, tok.idx + len(tok.text)), content, "partial" if has_marks else "indirect"))


def _nearest_person(b: _Builder, tok: Any, content: Span) -> Any | None:
    """Fallback speaker for a cue the parse left without a subject ("… to warn", "by attacking"):
    the last person named or referred to before the cue in its sentence, outside the content."""
    people = b.article.work.coref_people
    chains = b.article.work.coref or {}
    best = None
    for t in tok.sent:
        if t.i >= tok.i:
            break
        if content[0] <= t.idx < content[1]:
            continue
        key = (t.idx, t.idx + len(t.text))
        if t.ent_type_ == "PERSON" or (t.pos_ == "PRON" and chains.get(key) in people):
            best = t
    return best


FRAME_DEPS = frozenset(
    {"mark", "nsubj", "aux", "neg", "advmod", "dobj", "dative", "prep", "npadvmod", "prt", "agent", "punct"}
)


def _parenthetical_content(verb: Any) -> list[Any]:
    """For "X, he said, Y" and "…, said X": the sentence around the reporting frame."""
    sent = verb.sent
    if _subject(verb) is None and not any(c.dep_ == "nsubj" for c in verb.children):
        return []
    frame = {verb.i}
    for c in verb.children:
        if c.dep_ in FRAME_DEPS and c.dep_ != "punct" and (c.i > verb.i or c.dep_ in {"nsubj", "aux", "neg", "mark"}):
            frame.update(t.i for t in c.subtree)
    lo, hi = min(frame), max(frame)
    doc = verb.doc
    while hi + 1 < sent.end and doc[hi + 1].is_punct and doc[hi + 1].text in {",", "—", "–"}:
        hi += 1
    # the frame must sit inside or at the end of its sentence, set off by a comma
    before = [t for t in sent if t.i < lo]
    if not before or before[-1].text not in {",", "—", "–"}:
        return []
    rest = [t for t in sent if t.i < lo or t.i > hi]
    while rest and ((rest[0].is_punct and rest[0].text not in {"“", '"'}) or rest[0].is_space):
        rest.pop(0)
    while rest and ((rest[-1].is_punct and rest[-1].text not in {"”", '"'}) or rest[-1].is_space):
        rest.pop()
    if sum(1 for t in rest if not t.is_punct) < 4:
        return []
    return rest


def _in_markup(text: str, pos: int) -> bool:
    """Whether ``pos`` is inside an HTML-like tag left in the text (``<tweet author="…">``)."""
    lt = text.rfind("<", max(0, pos - 200), pos)
    return lt >= 0 and text.find(">", lt, pos) < 0


def _overlapping(spans: list[Span], span: Span) -> Span | None:
    for s in spans:
        if s[0] < span[1] and span[0] < s[1]:
            return s
    return None


def _according(b: _Builder, doc: Any, tok: Any, direct_spans: list[Span]) -> None:
    """``according to X, CLAUSE`` and ``CLAUSE, according to X``."""
    to = next((c for c in tok.children if c.lower_ == "to"), None)
    if to is None and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
        to = doc[tok.i + 1]
    if to is None:
        return
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    _source_phrase(b, tok, to, pobj, direct_spans)


def _in_source(b: _Builder, doc: Any, tok: Any, direct_spans: list[Span]) -> None:
    """``CLAUSE in a poll / in a statement / in his memoir``: the named document is the source."""
    pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
    if pobj is None or pobj.lemma_.lower() not in cues()["source_nouns"]:
        return
    head = tok.head
    if head.pos_ not in {"VERB", "AUX"}:
        return
    lex = cues()
    if any(
        t.pos_ == "VERB" and t.lemma_.lower() in lex["speech_verbs"] | lex["object_verbs"]
        for t in head.subtree
        if t.sent == tok.sent
    ):
        return  # "said in a statement", "In a speech, she accused …": the reporting verb is the cue
    # "In his speech, Obama positioned Clinton as …": a person subject speaks through the document
    subj = next((c for c in head.children if c.dep_ == "nsubj"), None)
    person = subj is not None and (subj.ent_type_ == "PERSON" or subj.lower_ in {"he", "she", "they", "i", "we"})
    _source_phrase(b, tok, tok, pobj, direct_spans, speaker=subj if person else None)


def _source_phrase(
    b: _Builder, tok: Any, last: Any, pobj: Any | None, direct_spans: list[Span], speaker: Any | None = None
) -> None:
    """The clause a source phrase (``tok`` … ``pobj``) is attached to, without the phrase itself."""
    phrase_end = max(t.i for t in tok.subtree) if pobj is None else max(t.i for t in pobj.subtree)
    phrase_end = max(phrase_end, last.i)
    sent = tok.sent
    head = tok.head if tok.head is not tok else sent.root
    clause = sorted(head.subtree, key=lambda t: t.i) if head.i != tok.i else list(sent)
    before = [t for t in clause if t.i < tok.i]
    after = [t for t in clause if t.i > phrase_end]
    part = _trim(after if len(after) >= len(before) else before)
    if len(part) < 2:
        return
    content = _tok_span(part)
    if _overlapping([q.content for q in b.quotes], content) is not None:
        return
    name, span = b.speaker(speaker if speaker is not None else pobj)
    cue_end = last.idx + len(last.text)
    has_marks = '"' in b.text[content[0] : content[1]] or "“" in b.text[content[0] : content[1]]
    b.add(Quote(name, span, (tok.idx, cue_end), content, "partial" if has_marks else "indirect"))


# -- 3. headlines -----------------------------------------------------------------------
_HEADLINE_AFTER = re.compile(r"^(?P<content>[^\n]{12,}?)\s*(?P<cue>:)\s*(?P<speaker>[A-Z][\w.'’\- ]{1,50}?)\.?\s*$")
_HEADLINE_BEFORE = re.compile(
    r"^(?P<speaker>[A-Z][\w.'’&\- ]{1,50}?)\s*(?P<cue>:)\s+(?P<content>\S[^\n]{8,}?)[.;]?\s*$"
)


def _title_line(text: str) -> tuple[int, int]:
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    return start, (len(text) if end < 0 else end)


def _headline(b: _Builder, doc: Any) -> None:
    """Attributions in the title line: "Deal may happen in coming days: Putin" and
    "Marco Rubio: I'm not interested in being vice president"."""
    text = b.text
    start, end = _title_line(text)
    m = _HEADLINE_AFTER.match(text, start, end)
    if m and len(m.group("speaker").split()) <= 4:
        name = _headline_speaker(b, *m.span("speaker"), need_person=True)
        if name is not None:
            _add_headline(b, m, name)
            return
    m = _HEADLINE_BEFORE.match(text, start, end)
    if (
        m
        and len(m.group("speaker").split()) <= 4
        and m.group("speaker").strip().lower() not in cues()["headline_labels"]
    ):
        words = m.group("speaker").split()
        if all(w[:1].isupper() or w.lower() in {"of", "the", "and", "&", "de", "al"} for w in words):
            _add_headline(b, m, _headline_speaker(b, *m.span("speaker"), need_person=False))


def _headline_speaker(b: _Builder, s: int, e: int, need_person: bool) -> str | None:
    name = resolve(b.article, s, e)
    people = b.article.work.coref_people
    if name is None or name not in people:
        # a headline name the tagger missed or mislabelled: the person of the story with that surname
        last = b.text[s:e].split()[-1].lower() if b.text[s:e].split() else ""
        name = next((p for p in sorted(people) if p.lower().split()[-1] == last), name)
    return name


def _add_headline(b: _Builder, m: re.Match[str], name: str | None) -> None:
    content = m.span("content")
    if any(q.content[0] < content[1] and content[0] < q.content[1] for q in b.quotes):
        return
    kind = "direct" if b.text[content[0]] in "“\"‘'" else "indirect"
    b.add(Quote(name, m.span("speaker"), m.span("cue"), content, kind))
