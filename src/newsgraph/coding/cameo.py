"""CAMEO verb coding from the PETRARCH2 verb dictionary, over the spaCy parse.

A verb token is looked up by its base form in the dictionary's verb blocks
(:func:`newsgraph.lexicons.petrarch.load_verbs`); a multi-word verb ("+MEET_WITH",
"+CALL_OFF") needs its other words among the verb's particles and prepositions.
The block's patterns are then tried against the clause, as far as the dependency
parse allows: nouns after ``*`` against the tokens after the verb in its own clause
(objects, particles, complements; the head word first, its modifiers inside the
head's phrase), ``(PREP NOUN)`` against a preposition of the clause and its object,
nouns before ``*`` against the tokens before the verb. The most specific matching
pattern gives the CAMEO code, else the verb's own code, else the block's. A null
code (``---``) means "not an event". CAMEO codes map to PLOVER types by their root,
as the PLOVER manual's crosswalk does (``data/plover.yaml`` ``cameo_roots``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..lexicons.petrarch import PatternPhrase, VerbBlock, VerbForm, VerbPattern, load_verbs
from .plover import plover_of_cameo

OBJ_DEPS = frozenset({"dobj", "attr", "oprd", "dative", "prt", "acomp", "nsubjpass", "xcomp", "advmod"})
PREP_DEPS = frozenset({"prep", "agent", "dative", "prt"})


@dataclass(frozen=True)
class CameoMatch:
    cameo: str
    plover: str
    reverse: bool  # the code is of target -> source ("faced criticism from X": X criticised)
    pattern: VerbPattern | None  # None: the verb's or block's own code
    specificity: int  # words and prepositions the pattern matched


def _forms(tok: Any) -> frozenset[str]:
    """The token's lemma and text, upper case; computed once per document (spaCy builds
    each attribute string on access)."""
    cache = tok.doc.user_data.setdefault("newsgraph_cameo_forms", {})
    found = cache.get(tok.i)
    if found is None:
        found = cache[tok.i] = frozenset({tok.lemma_.upper(), tok.text.upper()})
    return found  # type: ignore[no-any-return]


def _alt_at(alts: frozenset[str], tok: Any) -> bool:
    """``tok`` is (the last word of) one of ``alts``; a multi-word one must precede it."""
    forms = _forms(tok)
    for a in alts:
        if " " not in a:
            if a in forms:
                return True
            continue
        words = a.split()
        start = tok.i - len(words) + 1
        if start >= 0 and all(w in _forms(tok.doc[start + k]) for k, w in enumerate(words)):
            return True
    return False


def _with_conjuncts(toks: list[Any]) -> list[Any]:
    out = list(toks)
    for t in toks:
        out.extend(c for c in t.children if c.dep_ == "conj")
    return out


def _noun_score(words: tuple[frozenset[str], ...], heads: list[Any]) -> int | None:
    """The phrase's head word must be one of ``heads``, its other words inside that head's phrase."""
    if not words:
        return 0
    for head in heads:
        if not _alt_at(words[-1], head):
            continue
        phrase = [t for t in head.subtree if t.i != head.i]
        if all(any(_alt_at(w, t) for t in phrase) for w in words[:-1]):
            return len(words)
    return None


def _phrase_score(ph: PatternPhrase, objects: list[Any]) -> int | None:
    """How many words of ``ph`` match (None: it does not): a noun phrase against the verb's
    objects, ``(PREP NOUN)`` against a preposition of the verb or of an object and its object."""
    if ph.prep is None:
        return _noun_score(ph.words, [o for o in objects if o.dep_ != "prep"])
    preps = set(ph.prep.split("/"))
    for p in [*objects, *(c for h in objects for c in h.children)]:
        if p.dep_ not in PREP_DEPS or p.text.upper() not in preps:
            continue
        if not ph.words:
            return 1
        score = _noun_score(ph.words, _with_conjuncts([c for c in p.children if c.dep_ in {"pobj", "pcomp"}]))
        if score is not None:
            return 1 + score
    return None


def verb_objects(verb: Any) -> list[Any]:
    """What a pattern's post-verb words are matched against: the verb's objects, particles
    and prepositions (with their conjuncts)."""
    return _with_conjuncts([c for c in verb.children if c.i > verb.i and (c.dep_ in OBJ_DEPS or c.dep_ in PREP_DEPS)])


def verb_before(verb: Any) -> list[Any]:
    """What pre-verb words are matched against: the subject's head, auxiliaries, negation."""
    return _with_conjuncts([c for c in verb.children if c.i < verb.i])


class CameoVerbs:
    """Codes verb tokens with the CAMEO verb dictionary; one per extractor."""

    def __init__(self) -> None:
        self.d = load_verbs()
        # per pattern, the words that must be present (each element's head, last word of a
        # multi-word alternative, and preposition): a cheap test before the full match
        self.needs: dict[int, tuple[tuple[frozenset[str], ...], tuple[frozenset[str], ...]]] = {}
        # per block: a word -> the positions of the patterns whose first post-verb need it is,
        # and the positions of patterns with no post-verb word
        self.by_word: dict[int, tuple[dict[str, list[int]], list[int]]] = {}
        for block in self.d.blocks:
            words: dict[str, list[int]] = {}
            free: list[int] = []
            for pos, pattern in enumerate(block.patterns):
                needs = (_needs(pattern.after), _needs(pattern.before))
                self.needs[id(pattern)] = needs
                if needs[0]:
                    for w in needs[0][0]:
                        words.setdefault(w, []).append(pos)
                else:
                    free.append(pos)
            self.by_word[id(block)] = (words, free)

    def candidates(self, block: VerbBlock, avail: set[str]) -> list[VerbPattern]:
        """The block's patterns whose first post-verb word is present, in file order."""
        words, free = self.by_word[id(block)]
        positions = set(free)
        for w in avail:
            positions.update(words.get(w, ()))
        return [block.patterns[i] for i in sorted(positions)]

    def base(self, tok: Any) -> str | None:
        """The dictionary's base form for a verb token (its lemma, else its inflected form)."""
        lemma = tok.lemma_.upper()
        if lemma in self.d.by_verb:
            return lemma
        return self.d.by_form.get(tok.text.upper())

    def known(self, word: str) -> bool:
        return word.upper() in self.d.by_verb

    def match(self, verb: Any) -> CameoMatch | None:
        base = self.base(verb)
        if base is None:
            return None
        return _match(self, verb, base)


def _needs(side: tuple[PatternPhrase, ...]) -> tuple[frozenset[str], ...]:
    out = []
    for ph in side:
        if ph.prep is not None:
            out.append(frozenset(ph.prep.split("/")))
        if ph.head is not None:
            out.append(frozenset(a.split()[-1] for a in ph.head))
    return tuple(out)


def _available(toks: list[Any]) -> set[str]:
    """Every word form among ``toks``, their children and grandchildren (prepositions' objects)."""
    out: set[str] = set()
    for t in toks:
        out |= _forms(t)
        for c in t.children:
            out |= _forms(c)
            for g in c.children:
                out |= _forms(g)
    return out


def _form_fits(form: VerbForm, verb: Any, after: list[Any]) -> int | None:
    """How many extra words of a multi-word verb are present (None: missing ones)."""
    n = 0
    if form.after:
        near = [t for t in after if t.dep_ in PREP_DEPS and t.i - verb.i <= 3]
        texts = [t.text.upper() for t in near]
        if not all(w in texts for w in form.after):
            return None
        n += len(form.after)
    if form.before:
        doc = verb.doc
        prev = [doc[i].text.upper() for i in range(max(0, verb.i - len(form.before)), verb.i)]
        if prev != list(form.before):
            return None
        n += len(form.before)
    return n


def _match(coder: CameoVerbs, verb: Any, base: str) -> CameoMatch | None:
    before, after = verb_before(verb), verb_objects(verb)
    best: tuple[int, int, VerbBlock, VerbForm] | None = None
    for block in coder.d.blocks_for(base):
        for form in block.verbs:
            if form.verb != base:
                continue
            fit = _form_fits(form, verb, after)
            if fit is not None and (best is None or fit > best[0]):
                best = (fit, 0, block, form)
    if best is None:
        return None
    _, _, block, form = best
    chosen: tuple[int, VerbPattern] | None = None
    avail_after, avail_before = _available(after), _available(before)
    for pattern in coder.candidates(block, avail_after):
        need_after, need_before = coder.needs[id(pattern)]
        if any(not (n & avail_after) for n in need_after) or any(not (n & avail_before) for n in need_before):
            continue
        score = 0
        for side, toks in ((pattern.after, after), (pattern.before, before)):
            for ph in side:
                s = _phrase_score(ph, toks)
                if s is None:
                    score = -1
                    break
                score += s
            if score < 0:
                break
        if score > 0 and (chosen is None or score >= chosen[0]):  # a repeated pattern: the later wins
            chosen = (score, pattern)
    if chosen is not None:
        score, pattern = chosen
        code, reverse = pattern.code, False
        if code is None and pattern.reverse is not None:
            code, reverse = pattern.reverse, True
        if code is None:
            return None  # the pattern says: not an event
        return _result(code, reverse, pattern, score)
    if form.code is None:
        return None
    if not form.after and any(c.dep_ == "prt" for c in verb.children):
        return None  # "sworn in", "took over": a phrasal verb the dictionary lacks is not the bare verb
    return _result(form.code, False, None, 0)


def _result(code: str, reverse: bool, pattern: VerbPattern | None, score: int) -> CameoMatch | None:
    plover = plover_of_cameo(code)
    if plover is None:
        return None
    return CameoMatch(code, plover, reverse, pattern, score)


@lru_cache(maxsize=1)
def cameo_verbs() -> CameoVerbs:
    return CameoVerbs()
