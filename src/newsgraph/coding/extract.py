"""Events from dependency patterns: who did what to whom, with factuality.

A trigger is a verb of the PLOVER lexicon ("attacked", "hand over"), a light verb
with an event noun as object ("held talks", "imposed sanctions"), or an event noun
with its participants attached ("a meeting with Obama", "among the supporters of
the Syrian government", "the Moscow-Washington deal").

Source and target come from syntax: subject (climbing through xcomp, conj and
relative clauses; the agent of a passive), object, dative, prepositional
complements; conjuncts give one event per actor. Pronouns go through coreference
when the coref stage ran, else to the subject of the reporting verb ("Syria says
it will...") or the last coded subject.

Factuality: negation -> negated; may/might/could -> possible; will/would, "plan
to", "willing to" -> future; "if"/"unless" clauses and "seek/urge to" ->
hypothetical. Following PLOVER, a future cooperative act is also coded as the
promise it is (AGREE), a future hostile act as a THREATEN, and a negated
cooperative act as a REJECT, each asserted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..lexicons.petrarch import discarded
from ..nlp import doc_text
from .actors import ROLE_CODES, Actor, ActorCoder, ActorContext
from .cameo import cameo_verbs
from .plover import COOPERATIVE, HOSTILE, Lexicon, Trigger

SUBJ = frozenset({"nsubj", "csubj"})
TARGET_PREPS = ("to", "with", "against", "on", "upon", "at", "from", "into", "toward", "towards", "for", "over")
PLACE_TARGET_TYPES = frozenset({"PROTEST", "MOBILIZE", "ASSAULT", "COERCE", "CONCEDE", "SANCTION", "RETREAT", "AID"})
POSSIBLE = frozenset({"may", "might", "could", "can"})
FUTURE = frozenset({"will", "shall", "would", "'ll", "wo"})
ADJ_ATTITUDES = {
    "willing": "future",
    "prepared": "future",
    "ready": "future",
    "committed": "future",
    "determined": "future",
    "set": "future",
    "likely": "possible",
    "expected": "possible",
    "able": "possible",
    "unlikely": "possible",
    "unwilling": "negated",
    "reluctant": "negated",
}
NOUN_HAPPEN = frozenset(
    {
        "happen",
        "occur",
        "come",
        "take",
        "emerge",
        "materialize",
        "collapse",
        "fail",
        "continue",
        "erupt",
        "break",
        "spread",
        "intensify",
        "resume",
        "begin",
        "start",
        "rage",
        "escalate",
        "enter",
        "go",
    }
)
AGENT_NOUNS = frozenset({"supporter", "backer", "ally", "sponsor", "opponent", "critic", "enemy"})
# Verbs needing a coded target to count: alone they are too often not events ("held a press conference").
NEEDS_TARGET = frozenset(
    {
        "hold",
        "call",
        "receive",
        "press",
        "push",
        "back",
        "free",
        "charge",
        "recall",
        "strike",
        "fire",
        "give",
        "send",
        "share",
        "deliver",
        "provide",
        "supply",
        "help",
        "train",
        "host",
        "defend",
        "welcome",
        "release",
        "capture",
        "seize",
        "open",
        "end",
        "beat",
        "reinforce",
        "strengthen",
        "accept",
        "settle",
        "sign",
        "commit",
        "meet",
        "talk",
        "negotiate",
        "offer",
    }
)
SKIP_DEPS = frozenset({"amod", "compound", "acl", "relcl", "pcomp"})
REPORT_MARKERS = frozenset({"according"})
CONTAINER_NOUNS = frozenset(
    {
        "effort",
        "process",
        "plan",
        "programme",
        "program",
        "mission",
        "day",
        "week",
        "month",
        "round",
        "series",
        "wave",
        "campaign",
        "initiative",
        "bid",
        "attempt",
        "year",
    }
)
REVERSERS = frozenset(
    {
        "lift",
        "ease",
        "cancel",
        "end",
        "halt",
        "suspend",
        "call off",
        "relax",
        "drop",
        "scrap",
        "remove",
        "rescind",
        "revoke",
        "abandon",
        "break off",
        "cut off",
        "stop",
        "withdraw",
    }
)
WEAPONS = frozenset(
    {
        "shell",
        "rocket",
        "missile",
        "shot",
        "bullet",
        "mortar",
        "round",
        "bomb",
        "grenade",
        "artillery",
        "gas",
        "volley",
        "salvo",
        "weapon",
        "gun",
        "cannon",
        "projectile",
        "warning",
    }
)
STATE_NOUNS = frozenset({"tie", "ties", "relation", "relations", "war", "aid", "arms", "support", "assistance"})
EVENT_SUBJECTS = frozenset(
    {
        "explosion",
        "blast",
        "bomb",
        "bombing",
        "mine",
        "shell",
        "rocket",
        "missile",
        "gunfire",
        "shooting",
        "attack",
        "airstrike",
        "strike",
        "raid",
        "grenade",
        "landmine",
        "fire",
    }
)
DOMESTIC_ROLES = frozenset({"OPP", "CVL", "LAB", "EDU", "JRN", "REL", "JUD", "LEG", "COP", "REB", "MED", "BUS", "GOV"})
MEANS_NOUNS = frozenset({"help", "support", "assistance", "backing", "aid", "cooperation", "mediation", "consent"})
ACCUSE_PREPS = ("over", "about", "of", "against", "for", "to", "with", "on")
PASSIVE_ADJ = frozenset({"commit", "determine", "prepare", "oblige", "resolve", "dedicate"})
DEMAND_NOUNS = frozenset({"reminder", "demand", "call", "warning", "message", "appeal", "insistence", "ultimatum"})
DEONTIC = frozenset({"must", "should"})
SYMMETRIC = frozenset({"CONSULT", "AGREE", "COOPERATE"})
ADJUNCTS = frozenset({"following", "after", "during", "before", "ahead", "since", "at"})
FIRST_PERSON = frozenset({"we", "i", "us", "me", "our"})


@dataclass
class Found:
    """An event before dating and placing."""

    code: str
    cameo: str
    mode: str | None
    trigger: Any  # spaCy token
    source: Actor | None
    target: Actor | None
    factuality: str
    reported_by: str | None = None
    derived: bool = False
    evidence: tuple[int, int] = (0, 0)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CoderOptions:
    """The coder's rules that are switchable, so ``bench/events_cv.py`` can cross-validate
    each one; the defaults are what the pipeline runs.

    ``cameo``: how the CAMEO verb dictionary is used: ``off``; ``fallback`` (for verbs the
    hand lexicon lacks); ``pattern`` (also when one of its patterns matches); ``primary``.
    ``dictionary_target``: a dictionary verb coded on its own code (no pattern) needs a
    stated target actor, and every dictionary event a coded source and target. ``political``: an event needs a political actor. ``discards``:
    sentences matching Phoenix.discards (sports, entertainment) are not coded."""

    cameo: str = "fallback"
    dictionary_target: bool = True
    political: bool = True
    discards: bool = True


class Extractor:
    def __init__(self, lex: Lexicon, coder: ActorCoder, options: CoderOptions | None = None) -> None:
        self.lex = lex
        self.coder = coder
        self.cameo = cameo_verbs()
        self.options = options or CoderOptions()
        # the verbs the lexicon knows, for lemma(): made once, not at every verb
        self.known_verbs = frozenset(lex.verbs.keys() | lex.light_verbs | lex.report_verbs)

    # -- triggers -------------------------------------------------------------------
    def noun_key(self, tok: Any, depth: int = 0) -> Trigger | None:
        nouns = self.lex.nouns
        for c in tok.children:
            if c.dep_ in {"compound", "amod"}:
                key = f"{c.lemma_.lower()} {tok.lemma_.lower()}"
                if key in nouns:
                    return nouns[key]
        found = nouns.get(tok.lower_) or nouns.get(tok.lemma_.lower())
        if found is not None or depth > 1:
            return found
        lemma = tok.lemma_.lower()
        if lemma in CONTAINER_NOUNS:
            # "mediation efforts", "10 days of war games", "a round of talks"
            for c in tok.children:
                if c.dep_ == "compound":
                    inner = nouns.get(c.lemma_.lower())
                    if inner is not None:
                        return inner
                if c.dep_ == "prep" and c.lower_ == "of":
                    for p in c.children:
                        if p.dep_ == "pobj":
                            return self.noun_key(p, depth + 1)
        return None

    def lemma(self, tok: Any) -> str:
        """The verb's lemma, repaired where the small model's lemmatiser slips ("staged" -> "stag")."""
        lemma = tok.lemma_.lower()
        known = self.known_verbs
        if lemma in known or self.cameo.known(lemma):
            return lemma
        text = tok.lower_
        for cut, add in (("d", ""), ("ed", ""), ("s", ""), ("ied", "y"), ("ing", ""), ("ing", "e")):
            if text.endswith(cut) and text[: -len(cut)] + add in known:
                return text[: -len(cut)] + add
        return lemma

    def verb_trigger(self, tok: Any) -> tuple[Trigger, Any] | None:
        """(trigger, the token whose complements hold the target) for a verb, or None."""
        if tok.pos_ != "VERB" or tok.dep_ in SKIP_DEPS or _in_description(tok):
            return None
        lemma = self.lemma(tok)
        for c in tok.children:
            if c.dep_ == "prt" or (c.dep_ == "prep" and c.lower_ in {"out", "off", "back", "down"}):
                key = f"{lemma} {c.lower_}"
                if key in self.lex.verbs:
                    return self.lex.verbs[key], tok
        for c in tok.children:
            if c.dep_ == "dobj" and f"{lemma} {c.lemma_.lower()}" in self.lex.verbs:
                return self.lex.verbs[f"{lemma} {c.lemma_.lower()}"], tok
        key = lemma + (" " + prt.lower_ if (prt := next((c for c in tok.children if c.dep_ == "prt"), None)) else "")
        if key in REVERSERS or lemma in REVERSERS or lemma in self.lex.light_verbs:
            for c in tok.children:
                trig = self.noun_key(c) if c.dep_ in {"dobj", "nsubjpass"} and c.pos_ == "NOUN" else None
                if trig is None:
                    continue
                if key in REVERSERS or lemma in REVERSERS:
                    # lifting a curfew is a concession; suspending aid a sanction
                    if trig.code in HOSTILE | {"THREATEN", "SANCTION"}:
                        return self.lex.verbs["concede"], tok
                    if trig.code in COOPERATIVE:
                        return self.lex.verbs["suspend"], tok
                    continue
                return trig, c
        preps = {c.lower_ for c in tok.children if c.dep_ == "prep"}
        for c in tok.children:  # "remained on alert", "put on high alert"
            if c.dep_ == "prep":
                for p in c.children:
                    key3 = f"{lemma} {c.lower_} {p.lemma_.lower()}"
                    if p.dep_ == "pobj" and key3 in self.lex.verbs:
                        return self.lex.verbs[key3], tok
        if lemma == "fire":
            dobj = next((c for c in tok.children if c.dep_ == "dobj"), None)
            aimed = any(  # "fired on protesters", not "fired the coach on Saturday"
                c.dep_ == "prep"
                and c.lower_ in {"at", "on", "into"}
                and any(p.dep_ == "pobj" and p.ent_type_ not in {"DATE", "TIME"} for p in c.children)
                for c in tok.children
            )
            if aimed or (dobj is not None and dobj.lemma_.lower() in WEAPONS):
                return self.lex.verbs["shoot"], tok
            return None  # "fired the minister" is a dismissal
        if lemma in {"protest", "complain", "charge", "allege"} and any(c.dep_ == "ccomp" for c in tok.children):
            return self.lex.verbs["accuse"], tok  # "a rights group protested that the authorities are failing..."
        if lemma in {"speak", "talk"} and preps & {"with", "to"}:
            return self.lex.verbs["talk"], tok
        if lemma in {"call", "appeal"} and preps & {"on", "upon", "for"}:
            return self.lex.verbs["demand"], tok  # "called on Israel to halt", "called for sanctions"
        if lemma == "strike" and any(c.dep_ in {"dobj", "nsubjpass"} for c in tok.children):
            return self.lex.verbs["attack"], tok  # "would strike the United States"; workers who strike protest
        if lemma in self.lex.report_verbs and any(c.dep_ in {"ccomp", "xcomp"} for c in tok.children):
            return None
        if lemma in STRIVE_VERBS and any(
            c.dep_ in {"xcomp", "advcl"} and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
            for c in tok.children
        ):
            return None  # "would fight to maintain the protections": an effort, not combat
        trig = self.lex.verbs.get(lemma)
        mode = self.options.cameo
        # attitude and reporting verbs ("plans to", "failed to", "said") stay with the rules that
        # combine them with the event they govern, as PETRARCH combines verb-verb codes; but an
        # attitude that is itself an event ("offered to", "declined to", "warned that") goes to
        # the dictionary when the hand lexicon lacks it
        consult = mode in {"pattern", "primary"} or (mode == "fallback" and trig is None)
        attitude = self.lex.attitudes.get(lemma)
        if consult and (attitude is None or (attitude[0] and trig is None)) and lemma not in self.lex.report_verbs:
            m = self.cameo.match(tok)
            if m is not None and (trig is None or mode == "primary" or (mode == "pattern" and m.pattern is not None)):
                if m.pattern is None and self.options.dictionary_target and not _may_name_actor(tok):
                    return None  # it would need a stated target: none is in reach (saves coding actors)
                mode_of = trig.mode if trig is not None and trig.code == m.plover else None
                trig = Trigger(m.plover, m.cameo, mode_of, m.reverse, m.pattern is not None, True)
        if trig is None:
            return None
        return trig, tok

    # -- extraction -----------------------------------------------------------------
    def extract(self, doc: Any, ctx: ActorContext, quotes: list[tuple[int, int, str | None]] = ()) -> list[Found]:  # type: ignore[assignment]
        out: list[Found] = []
        self._last_subject: Actor | None = None
        self._last_person: Actor | None = None
        self._sent_i = self._last_subject_sent = 0
        for sent_i, sent in enumerate(doc.sents):
            self._sent_i = sent_i
            tokens = list(sent)  # made once: each token of a Span is built again at every pass
            for tok in tokens:  # who was last named as a subject, for "he"/"she"; an uncoded name resets it
                if tok.dep_ in {"nsubj", "nsubjpass"} and tok.ent_type_ == "PERSON":
                    named = [a for a in self.coder.code_token(tok, ctx) if a.code]
                    self._last_person = named[0] if named else None
                    break
            found: list[Found] = []
            for tok in tokens:
                try:
                    found.extend(self._from_token(tok, ctx))
                except (IndexError, ValueError, AttributeError):
                    continue
            if found and self.options.discards and discarded(sent.text):
                continue  # a sports or entertainment sentence (looked up only where events were found)
            for f in found:
                f.evidence = (sent.start_char, sent.end_char)
                for qs, qe, speaker in quotes:
                    if qs <= f.trigger.idx < qe and speaker:
                        f.reported_by = f.reported_by or speaker
            out.extend(_dedupe(found))
        if out and self.options.discards and (discarded(doc_text(doc), story=True) or _discarded_story(doc)):
            return []  # a story PETRARCH does not code at all (sports, entertainment)
        return out

    def _from_token(self, tok: Any, ctx: ActorContext) -> list[Found]:
        if tok.dep_ in {"ccomp", "acl"}:  # checked first: this runs for every token
            deontic = any(c.dep_ == "aux" and c.lower_ in DEONTIC for c in tok.children)
            subjunctive = tok.head.pos_ == "NOUN" and tok.head.lemma_.lower() in DEMAND_NOUNS and tok.tag_ == "VB"
            if deontic or subjunctive:
                found = self._demand(tok, ctx)
                if found:
                    return found
        vt = self.verb_trigger(tok)
        if vt is not None:
            trig, obj = vt
            return self._verb_events(tok, trig, obj, ctx)
        if tok.pos_ in {"NOUN", "PROPN"}:
            noun_trig = self.noun_key(tok)
            if noun_trig is not None and not self._governed_object(tok):
                return self._noun_events(tok, noun_trig, ctx)
        return []

    def _demand(self, verb: Any, ctx: ActorContext) -> list[Found]:
        """ "X said/declared/reminded that Y must Z": X asks Y to Z (PLOVER REQUEST)."""
        speaker_verb = verb.head
        noun = None
        if speaker_verb.pos_ == "NOUN" and speaker_verb.lemma_.lower() in DEMAND_NOUNS:
            noun, speaker_verb = speaker_verb, _clause_head(speaker_verb)
        if speaker_verb.pos_ not in {"VERB", "AUX"} or (verb.dep_ == "acl" and noun is None):
            return []
        subj, passive = _subject(speaker_verb)
        if subj is None or passive is not None:
            return []
        sources = [a for a in self.coder.code_token(subj, ctx) if a.code]
        addressee = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        targets = (
            [a for a in self.coder.code_token(addressee, ctx, strict=True) if a.code] if addressee is not None else []
        )
        if addressee is not None and addressee.pos_ == "PRON" and not targets:
            holders = [noun] if noun is not None else [speaker_verb]
            holders += [c for c in speaker_verb.children if c.dep_ == "dobj"]
            for holder in holders:
                targets = targets or self._prep_actors(holder, ("to",), ctx)
        if not sources or not targets:
            return []
        return self._make(self.lex.verbs["demand"], verb, sources, targets, self.factuality(speaker_verb), ctx)

    def _governed_object(self, noun: Any) -> bool:
        head = noun.head
        if noun.dep_ in {"dobj", "nsubjpass", "pobj"} and head.dep_ == "prep" and head.head.pos_ == "VERB":
            return head.head.lemma_.lower() in self.lex.verbs and head.head.lemma_.lower() != "be"
        return (
            noun.dep_ in {"dobj", "nsubjpass"}
            and head.pos_ == "VERB"
            and (_light_object(noun, self.lex) or self.verb_trigger(head) is not None)
        )

    def _verb_events(self, verb: Any, trig: Trigger, obj: Any, ctx: ActorContext) -> list[Found]:
        needs_target = self.options.dictionary_target and trig.dictionary and not trig.patterned
        if needs_target and not trig.reverse and _subject(verb)[1] is None:
            # look for the stated target first: without one, the subject need not be coded
            early = self._targets(verb, obj, trig, ctx)
            if not any(_stated_country(t) for t in early):
                return []
        sources, targets = self._verb_arguments(verb, obj, trig, ctx)
        if trig.reverse:
            sources, targets = targets, sources
        subj, passive = _subject(verb)
        event_subject = subj is not None and subj.lemma_.lower() in EVENT_SUBJECTS and any(t.code for t in targets)
        if not any(a.code for a in sources) and passive is None and not event_subject:
            return []  # an active verb with no coded agent: a description, not an event we can code
        bare = not any(c.dep_ == "prt" for c in verb.children) and (
            trig is self.lex.verbs.get(verb.lemma_.lower()) or (trig.dictionary and not trig.patterned and obj is verb)
        )
        if (
            bare
            and verb.lemma_.lower() in NEEDS_TARGET
            and obj is verb
            and not any(t.code for t in targets)
            and len([a for a in sources if a.code]) < 2
        ):
            return []
        if (
            self.options.dictionary_target
            and trig.dictionary
            and not trig.patterned
            and not any(_stated_country(t) for t in targets)
        ):
            # a CAMEO verb on its own code ("continued", "joined", "approved") is an event
            # only with a stated target actor, as PETRARCH codes source-verb-target
            return []
        if (
            self.options.dictionary_target
            and trig.dictionary
            and not (any(a.code for a in sources) and (trig.code == "PROTEST" or any(a.code for a in targets)))
        ):
            # a dictionary event, patterned too ("opened its borders", "shells crashing into"),
            # needs a coded source and target, as PETRARCH codes complete triples; a protest's
            # target may be left to _make (the protesters' own government)
            return []
        if trig.code == "CONCEDE" and verb.lemma_.lower() == "hand":
            dobj = next((c for c in verb.children if c.dep_ == "dobj"), None)
            if (
                dobj is not None
                and not any(a.code for a in self.coder.code_token(dobj, ctx))
                and dobj.ent_type_ != "PERSON"
            ):
                trig = self.lex.verbs["aid"]  # handing over goods, not people
        fact = self.factuality(verb)
        return self._make(trig, verb, sources, targets, fact, ctx)

    def _noun_events(self, noun: Any, trig: Trigger, ctx: ActorContext) -> list[Found]:
        if noun.lemma_.lower() in STATE_NOUNS:
            return []
        pair = _hyphen_pair(noun, self.coder, ctx)
        sources: list[Actor] = []
        targets: list[Actor] = []
        if pair:
            sources, targets = [pair[0]], [pair[1]]
        else:
            with_targets = self._prep_actors(noun, ("with", "between", "against", "on", "to"), ctx)
            of_targets = self._prep_actors(noun, ("of",), ctx) if noun.lemma_.lower() in AGENT_NOUNS else []
            targets = with_targets or of_targets
            own = [a for a in self.coder.code_token(noun, ctx) if a.code] if not of_targets else []
            sources = own or self._governing_subject(noun, ctx)
            occurring = noun.dep_ in {"nsubj", "nsubjpass"} and noun.head.lemma_.lower() in NOUN_HAPPEN and bool(own)
            if not targets and not (trig.code in SYMMETRIC and len(sources) >= 2) and not occurring:
                return []
            if not sources:
                return []
        fact = "asserted"
        head = noun.head
        if noun.dep_ in {"nsubj", "nsubjpass"} and head.lemma_.lower() in NOUN_HAPPEN | {"be"}:
            fact = self.factuality(head)
        elif noun.dep_ in {"dobj", "pobj", "attr"}:
            fact = self.factuality(_clause_head(noun))
        return self._make(trig, noun, sources, targets, fact, ctx)

    def _make(
        self, trig: Trigger, tok: Any, sources: list[Actor], targets: list[Actor], fact: str, ctx: ActorContext
    ) -> list[Found]:
        coded_sources = [s for s in sources if s.code] or [None]  # type: ignore[list-item]
        own = {s.code[:3] for s in coded_sources if s is not None and s.code}
        kept = []
        for t in targets:
            if t.code and t.inferred and t.code[:3] in own and t.code[3:] not in DOMESTIC_ROLES:
                # the sentence's country guessed for "refugees", "troops" is as likely someone else's
                t = Actor(t.code[3:] or None, t.name, t.start, t.end, True)
            if t.code:
                kept.append(t)
        targets = kept
        if not targets and trig.code == "PROTEST" and len(own) == 1:
            # a protest with no stated addressee is against the protesters' own government
            country = next(iter(own))
            if country not in ROLE_CODES and not country.startswith(("IGO", "NGO")):
                targets = [Actor(country + "GOV", country, tok.idx, tok.idx + len(tok.text), inferred=True)]
        if self.options.political and not any(political(a) for a in [*sources, *targets] if a is not None):
            return []  # as PETRARCH: an event needs a coded political actor, not "her friends"
        coded_targets = targets or [None]  # type: ignore[list-item]
        reporter = self._reporter(tok, ctx)
        out: list[Found] = []
        for s in coded_sources:
            own_targets: list[Actor | None] = list(coded_targets)
            if s is not None:
                # an actor does not act on itself: a target that is the source's own mention is
                # none, one with the source's name (a pronoun resolved to it) is no target
                own_targets = [t for t in own_targets if t is None or s.start != t.start]
                if not own_targets:
                    continue
                own_targets = [t for t in own_targets if t is None or _casefold(t.name) != _casefold(s.name)] or [None]
            for target in own_targets:
                if s is None and target is None:
                    continue
                out.append(Found(trig.code, trig.cameo, trig.mode, tok, s, target, fact, reporter))
                derived = self._derive(trig.code, fact, tok)
                if derived:
                    code, cameo = derived
                    out.append(Found(code, cameo, trig.mode, tok, s, target, "asserted", reporter, derived=True))
        return out

    def _derive(self, code: str, fact: str, tok: Any) -> tuple[str, str] | None:
        """PLOVER's reading of intentions: a promise, a threat, a refusal."""
        head = tok.head if tok.dep_ in {"xcomp", "dobj"} else None
        if (
            head is not None
            and head.lemma_.lower() in self.lex.attitudes
            and self.lex.attitudes[head.lemma_.lower()][0]
        ):
            return None  # the governing verb is itself the promise/threat/refusal
        conditional = fact == "hypothetical" and any(c.lower_ in {"will", "would"} for c in tok.children)
        if fact == "possible" and code in HOSTILE:
            return "THREATEN", "130"
        if fact == "future" or conditional:
            if code in COOPERATIVE and code != "AGREE":
                return "AGREE", "030"
            if code in HOSTILE and code != "MOBILIZE":
                return "THREATEN", "130"
        if fact == "negated" and code in COOPERATIVE and code not in {"CONSULT"}:
            return "REJECT", "120"
        return None

    # -- arguments ------------------------------------------------------------------
    def _verb_arguments(self, verb: Any, obj: Any, trig: Trigger, ctx: ActorContext) -> tuple[list[Actor], list[Actor]]:
        sources: list[Actor] = []
        targets: list[Actor] = []
        subj, passive = _subject(verb)
        if passive is not None and self.lemma(verb) in PASSIVE_ADJ and subj is None:
            subj, passive = passive, None  # "is committed to": a stance of the subject
        if passive is not None:  # passive: the subject is the target, the agent the source
            targets = self.coder.code_token(passive, ctx)
            if subj is not None:
                sources = self.coder.code_token(subj, ctx)
        elif subj is not None:
            sources = self.coder.code_token(subj, ctx)
            if not any(a.code for a in sources) and (subj.pos_ == "PRON" or subj.lower_ in {"it", "they"}):
                sources = self._pronoun_fallback(verb, ctx, subj)
        if any(a.code for a in sources) and subj is not None and subj.pos_ != "PRON":
            self._last_subject = next(a for a in sources if a.code)
            self._last_subject_sent = self._sent_i
        if not targets and passive is None:  # a passive's target is its subject, coded or not
            targets = self._targets(verb, obj, trig, ctx)
        return sources, targets

    def _targets(self, verb: Any, obj: Any, trig: Trigger, ctx: ActorContext, depth: int = 0) -> list[Actor]:
        guessed: list[Actor] = []
        found = self._stated_targets(verb, obj, trig, ctx, depth, guessed)
        return found or guessed

    def _stated_targets(
        self, verb: Any, obj: Any, trig: Trigger, ctx: ActorContext, depth: int, guessed: list[Actor]
    ) -> list[Actor]:
        holders = [verb] if obj is verb else [obj, verb]
        for holder in holders:
            for dep in ("dative", "dobj"):
                for c in holder.children:
                    if c.dep_ == dep and c is not obj:
                        own_thing = any(p.dep_ == "poss" and p.pos_ == "PRON" for p in c.children)
                        found = [a for a in self.coder.code_token(c, ctx) if a.code and not (own_thing and a.inferred)]
                        if found and all(a.inferred for a in found):
                            guessed.extend([] if guessed else found)  # a guessed country: prefer a stated one
                        elif found:
                            return found
                        found = self._nested_prep_actors(c, ctx)
                        if found:
                            return found
            found = self._prep_actors(holder, ACCUSE_PREPS if trig.code == "ACCUSE" else TARGET_PREPS, ctx)
            if found:
                return found
        if obj is not verb:
            found = [a for a in self.coder.code_token(obj, ctx) if a.code]
            if found and obj.dep_ == "dobj":
                return found
            found = self._nested_prep_actors(obj, ctx)
            if found:
                return found
        if depth < 2:
            for c in verb.children:
                if (c.dep_ in {"xcomp", "ccomp"} or _infinitival(c)) and c.pos_ in {"VERB", "AUX"}:
                    if c.dep_ == "ccomp" and trig.code in {"REQUEST", "ACCUSE", "THREATEN", "REJECT"}:
                        for s in c.children:
                            if s.dep_ in SUBJ:
                                found = [a for a in self.coder.code_token(s, ctx) if a.code]
                                if found:
                                    return found
                    found = self._targets(c, c, trig, ctx, depth + 1)
                    if found:
                        return found
        if trig.code in PLACE_TARGET_TYPES:
            dobjs = [c for c in verb.children if c.dep_ == "dobj"]
            for holder in [*holders, *dobjs]:
                for c in holder.children:
                    if c.dep_ == "prep" and c.lower_ in {"in", "at", "into", "inside", "from"}:
                        for p in c.subtree:
                            if p.ent_type_ in {"GPE", "LOC", "NORP"}:
                                code = self.coder._country_of(p, ctx)
                                if code:
                                    return [Actor(code[:3], p.text, p.idx, p.idx + len(p.text))]
        return []

    def _nested_prep_actors(self, tok: Any, ctx: ActorContext) -> list[Actor]:
        """ "restrictions against German goods", "a suspension of air links with Serbia"."""
        found = self._prep_actors(
            tok, ("against", "on", "with", "to", "toward", "towards", "between", "from", "into", "by"), ctx
        )
        if found:
            return found
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for p in c.children:  # "the blockade of Serbia"
                    if p.dep_ == "pobj" and p.ent_type_ in {"GPE", "ORG", "NORP"}:
                        found = [a for a in self.coder.code_token(p, ctx, strict=True) if a.code]
                        if found:
                            return found
                for p in c.children:
                    if p.dep_ == "pobj":
                        found = self._prep_actors(p, ("against", "on", "with", "to"), ctx)
                        if found:
                            return found
        return []

    def _prep_actors(self, tok: Any, preps: tuple[str, ...], ctx: ActorContext) -> list[Actor]:
        children = [c for c in tok.children if c.dep_ == "prep" and c.lower_ in preps]
        children.sort(key=lambda c: preps.index(c.lower_))
        for c in children:
            for p in c.children:
                if (
                    p.dep_ == "pobj"
                    and p.i + 1 < len(p.doc)
                    and p.doc[p.i + 1].ent_type_ == "PERSON"
                    and p.ent_type_ != "PERSON"
                ):
                    # "with counterpart Barack Obama": the name, not the title
                    nxt = p.doc[p.i + 1]
                    while nxt.i + 1 < len(p.doc) and p.doc[nxt.i + 1].ent_type_ == "PERSON" and nxt.ent_iob_ != "O":
                        nxt = p.doc[nxt.i + 1]
                    found = [a for a in self.coder.code_token(nxt, ctx, strict=True) if a.code]
                    if found:
                        return found
                if p.dep_ == "pobj" and p.lemma_.lower() not in MEANS_NOUNS:
                    # "against Israeli policies", "over two Israeli air raids": the nation behind the thing
                    strict = c.lower_ not in {"against", "over"}
                    found = [a for a in self.coder.code_token(p, ctx, strict=strict) if a.code]
                    if found:
                        return found
        return []

    def _governing_subject(self, tok: Any, ctx: ActorContext) -> list[Actor]:
        cur = tok
        for _ in range(8):
            if cur.dep_ in {"prep", "advcl"} and cur.lower_ in ADJUNCTS:
                # a sentence adjunct ("..., following a meeting with X") belongs to the main clause
                top, up = None, cur.head
                for _ in range(6):
                    if up.pos_ in {"VERB", "AUX"}:
                        top = up
                    if up.dep_ == "ROOT" or up.head is up or up.pos_ not in {"VERB", "AUX"}:
                        break
                    up = up.head
                subj, passive = _subject(top) if top is not None else (None, None)
                found = (
                    [a for a in self.coder.code_token(subj, ctx) if a.code]
                    if subj is not None and passive is None
                    else []
                )
                if found:
                    return found
            if cur.dep_ == "ROOT" and cur.pos_ not in {"VERB", "AUX"}:
                return []
            cur = cur.head
            if cur.pos_ in {"VERB", "AUX"}:
                subj, passive = _subject(cur)
                if subj is not None and passive is None:
                    found = [a for a in self.coder.code_token(subj, ctx) if a.code]
                    if not found and subj.pos_ == "PRON":
                        found = self._pronoun_fallback(cur, ctx)
                    if found:
                        return found
            if cur.dep_ == "ROOT":
                break
        return []

    def _pronoun_fallback(self, verb: Any, ctx: ActorContext, pronoun: Any = None) -> list[Actor]:
        """Without coreference: "he/she" is the last named person; "it/they" the subject of the
        reporting verb ("Syria says it will...") or a coded subject of this or the previous sentence."""
        personal = pronoun is not None and pronoun.lower_ in {"he", "she", "him", "her"}
        if personal:
            return [self._last_person] if self._last_person is not None else []
        cur = verb
        for _ in range(6):
            if cur.dep_ == "ROOT":
                break
            parent = cur.head
            if cur.dep_ in {"ccomp", "conj", "xcomp", "advcl"} and parent.lemma_.lower() in self.lex.report_verbs:
                subj, _ = _subject(parent)
                if subj is not None:
                    found = [a for a in self.coder.code_token(subj, ctx) if a.code]
                    if not found and subj.lower_ in {"he", "she"} and self._last_person is not None:
                        found = [self._last_person]
                    if found:
                        return found
            cur = parent
        recent = self._last_subject is not None and self._sent_i - self._last_subject_sent <= 1
        return [self._last_subject] if recent and self._last_subject is not None else []

    def _reporter(self, tok: Any, ctx: ActorContext) -> str | None:
        cur = tok
        for _ in range(8):
            if cur.dep_ == "ROOT":
                break
            parent = cur.head
            if parent.lemma_.lower() in self.lex.report_verbs and cur.dep_ in {"ccomp", "parataxis", "xcomp", "advcl"}:
                subj, _ = _subject(parent)
                if subj is not None:
                    actors = [a for a in self.coder.code_token(subj, ctx) if a.code or subj.pos_ != "PRON"]
                    if not actors and subj.lower_ in {"he", "she", "i"} and self._last_person is not None:
                        return self._last_person.name
                    if actors:
                        return actors[0].name
                    return None if subj.pos_ == "PRON" else subj.text
            cur = parent
        return None

    # -- factuality -----------------------------------------------------------------
    def factuality(self, verb: Any) -> str:
        fact = "asserted"
        cur = verb
        for _ in range(5):
            children = list(cur.children)
            if any(c.dep_ == "neg" or c.lower_ in {"never"} for c in children):
                return "negated"
            if any(c.lower_ == "no" and c.dep_ == "advmod" for c in children):
                return "negated"
            for c in children:
                if c.dep_ == "aux" or (c.dep_ == "auxpass" and c.lower_ in POSSIBLE | FUTURE):
                    word = c.lower_
                    if word in POSSIBLE and fact == "asserted":
                        fact = "possible"
                    elif (word in FUTURE and fact == "asserted") or (word == "going" and fact == "asserted"):
                        fact = "future"
                    elif word in DEONTIC:
                        fact = "hypothetical"
                if c.dep_ == "mark" and c.lower_ in {"if", "unless", "whether"}:
                    return "hypothetical"
            if (cur.dep_ in {"xcomp", "ccomp"} or _infinitival(cur)) and cur.head is not cur:
                head = cur.head
                lemma = head.lemma_.lower()
                if head.pos_ == "ADJ" and head.lower_ in ADJ_ATTITUDES:
                    att = ADJ_ATTITUDES[head.lower_]
                    if any(c.dep_ == "neg" for c in head.children):
                        return "negated"
                    copula = head.head if head.dep_ == "acomp" else head
                    if any(c.dep_ == "aux" and c.lower_ in DEONTIC for c in copula.children):
                        return "hypothetical"  # "must be ready to mediate": asked, not promised
                    if any(c.dep_ == "neg" for c in copula.children):
                        return "negated"
                    return att if fact == "asserted" else fact
                if lemma in self.lex.attitudes and (
                    cur.dep_ != "ccomp" or lemma in {"demand", "urge", "ask", "decide"}
                ):
                    att = self.lex.attitudes[lemma][1]
                    if att != "asserted":
                        return att
                    cur = head
                    continue
                if head.lower_ in ADJ_ATTITUDES and head.dep_ in {"acomp", "amod"}:
                    return ADJ_ATTITUDES[head.lower_]
                if lemma in {"be"} or head.pos_ == "AUX":
                    cur = head
                    continue
                if _infinitival(cur):
                    return "hypothetical"  # a purpose: "staged protests to demand reforms"
                break
            if cur.dep_ == "conj":
                cur = cur.head
                continue
            if cur.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in {"if", "unless"} for c in cur.children):
                return "hypothetical"
            break
        if fact == "future":
            # "would" under an "if" clause of the same sentence is hypothetical
            root = verb
            while root.dep_ != "ROOT" and root.head is not root:
                root = root.head
            conditional = any(
                t.dep_ == "mark" and t.lower_ in {"if", "unless"} and t.head is not verb for t in root.subtree
            )
            if conditional and any(c.lower_ == "would" for c in verb.children):
                return "hypothetical"
        return fact


def _subject(verb: Any) -> tuple[Any | None, Any | None]:
    """(source-side subject, passive subject) of a verb, climbing xcomp/conj/relcl."""
    cur = verb
    active = not any(c.dep_ == "auxpass" for c in verb.children)
    if _bare_participle(verb):
        # "When asked about it, she said", "the man arrested on Friday": the participle is
        # passive; who it is said of is its patient, and its agent is named by "by" or not at all
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        pobj = next((p for p in agent.children if p.dep_ == "pobj"), None) if agent is not None else None
        if verb.dep_ == "acl":
            return pobj, verb.head
        main = next((c for c in verb.head.children if c.dep_ in SUBJ), None)
        return pobj, main
    via_conj = True
    for _ in range(6):
        subj = next((c for c in cur.children if c.dep_ in SUBJ), None)
        passive = next((c for c in cur.children if c.dep_ == "nsubjpass"), None)
        if passive is not None and cur is not verb and active and via_conj:
            return passive, None  # "was indicted ... and will resign": the indicted resigns
        if passive is not None:
            agent = next((c for c in cur.children if c.dep_ == "agent"), None)
            pobj = next((p for p in agent.children if p.dep_ == "pobj"), None) if agent is not None else None
            return pobj, passive
        if subj is not None:
            if subj.lower_ in {"who", "which", "that"} and cur.dep_ == "relcl":
                return cur.head, None
            return subj, None
        if cur.dep_ in {"xcomp", "conj", "advcl", "acomp"} and cur.head is not cur:
            via_conj = via_conj and cur.dep_ == "conj"
            cur = cur.head
            continue
        if cur.dep_ in {"relcl", "acl"}:
            return cur.head, None
        break
    return None, None


# verbs of CAMEO's physical-conflict set (190) that also mean "to strive" when a purpose
# infinitive follows ("fought to keep his seat", "battling to save the firm")
STRIVE_VERBS = frozenset({"fight", "battle", "struggle"})
PARTICIPLE_MARKS = frozenset({"when", "if", "once", "after", "before", "unless", "until", "while", "as", "though"})


def _casefold(name: str) -> str:
    return " ".join(name.split()).casefold()


def _bare_participle(verb: Any) -> bool:
    """A past participle heading an adverbial or adnominal clause with no subject or
    auxiliary of its own ("When asked ...", "the man arrested ..."): passive in meaning.
    A subjectless "-ed" form after "when" that the tagger read as a past tense (VBD) is one
    too: a finite verb would have a subject."""
    if verb.dep_ not in {"advcl", "acl"}:
        return False
    if verb.tag_ != "VBN" and not (verb.tag_ == "VBD" and verb.dep_ == "advcl" and verb.lower_.endswith("ed")):
        return False
    if any(c.dep_ in SUBJ or c.dep_ in {"nsubjpass", "aux", "auxpass", "xcomp", "ccomp"} for c in verb.children):
        return False  # "expected to be joined": a raising verb, whose subject is decided below it
    if verb.dep_ == "acl":
        return True
    opener = verb.i == verb.sent.start or verb.doc[verb.i - 1].is_punct
    return opener or any(c.dep_ in {"mark", "advmod"} and c.lower_ in PARTICIPLE_MARKS for c in verb.children)


def _in_description(tok: Any) -> bool:
    """A verb inside a clause that describes a noun ("the team trying to broker a pact")."""
    cur = tok
    for _ in range(5):
        if cur.dep_ in {"acl", "relcl"}:
            return True
        if cur.dep_ not in {"xcomp", "conj", "advcl", "ccomp"} or cur.head is cur:
            return False
        cur = cur.head
    return False


def _infinitival(tok: Any) -> bool:
    """A "to"-infinitive adverbial clause ("sought for weeks to secure"), parsed like an xcomp."""
    return tok.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)


def _light_object(noun: Any, lex: Lexicon) -> bool:
    head = noun.head
    return (
        noun.dep_ in {"dobj", "nsubjpass"}
        and head.pos_ == "VERB"
        and (head.lemma_.lower() in lex.light_verbs or head.lemma_.lower() in lex.verbs)
    )


def _clause_head(tok: Any) -> Any:
    cur = tok
    for _ in range(6):
        if cur.pos_ in {"VERB", "AUX"} or cur.dep_ == "ROOT":
            return cur
        cur = cur.head
    return cur


def _hyphen_pair(noun: Any, coder: ActorCoder, ctx: ActorContext) -> tuple[Actor, Actor] | None:
    """ "the Moscow-Washington deal", "US-Russian talks": two actors joined by a hyphen."""
    mods = [c for c in noun.lefts if c.dep_ in {"compound", "amod", "nmod"}]
    tokens = [t for m in mods for t in m.subtree]
    if not any(t.text in {"-", "–", "‐"} for t in tokens) and not any("-" in t.text for t in tokens):
        return None
    actors: list[Actor] = []
    for t in sorted(tokens, key=lambda t: t.i):
        parts = [t.text] if "-" not in t.text else t.text.split("-")
        for part in parts:
            name = ctx.name_of_token.get(t.i, part) if len(parts) == 1 else part
            code = coder.code_name(name, ctx.year) or coder.t["demonyms"].get(part)
            if code and all(a.code != code for a in actors):
                actors.append(Actor(code, name, t.idx, t.idx + len(t.text)))
    if len(actors) >= 2:
        return actors[0], actors[1]
    return None


POLITICAL_ROLES = frozenset({"GOV", "MIL", "REB", "COP", "JUD", "LEG", "OPP", "SPY", "NGO", "IGO", "ELI"})


def political(actor: Actor) -> bool:
    """A political actor: a country, IGO or group stated in the text, or a political role
    (government, military, rebels, police...) of a country stated or inferred."""
    code = actor.code or ""
    if len(code) < 3:
        return False
    if code[:3] not in ROLE_CODES and not actor.inferred:
        return True
    role = code[3:6] if code[:3] not in ROLE_CODES else code[:3]
    return role in POLITICAL_ROLES or code.startswith(("IGO", "NGO"))


ACTOR_ENTS = frozenset({"GPE", "NORP", "ORG", "PERSON", "LOC", "FAC"})


def _may_name_actor(verb: Any) -> bool:
    """Some token after the verb in its subtree is a named entity or a pronoun: the only
    places a stated target actor can come from (a cheap test before coding actors)."""
    return any(t.i > verb.i and (t.ent_type_ in ACTOR_ENTS or t.pos_ == "PRON") for t in verb.subtree)


def _stated_country(actor: Actor) -> bool:
    """The actor's code names a country, IGO or group, stated in the text (not guessed)."""
    code = actor.code or ""
    return len(code) >= 3 and code[:3] not in ROLE_CODES and not actor.inferred


STORY_DISCARD_SHARE = 0.15  # of a story's sentences (and at least two) that name a discard phrase


def _discarded_story(doc: Any) -> bool:
    """A story whose sentences keep naming sports or entertainment ("heavyweight", "NBA",
    "playoff" in one sentence of six or more): PETRARCH's story-level discards ("+World
    Boxing Council") carried to stories that do not happen to name one, so that "will
    defend his title against Charr of Germany" is not a diplomatic event."""
    sents = list(doc.sents)
    hits = sum(1 for s in sents if discarded(s.text))
    return hits >= 2 and hits >= STORY_DISCARD_SHARE * len(sents)


def _dedupe(found: list[Found]) -> list[Found]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for f in found:
        key = (f.code, f.source.code if f.source else None, f.target.code if f.target else None, f.factuality)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
