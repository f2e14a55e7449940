"""CAMEO-style actor codes (``RUSGOV``, ``SYRMIL``, ``IGOUNO``) for noun phrases.

An actor code is a country (ISO-3) plus a role. The coder reads them from:

* names: a dated list of heads of state and government and key ministers
  (``data/leaders.yaml``, extended by the ``actors_file`` setting), countries,
  capitals and IGOs of :mod:`newsgraph.lexicon`, and named groups and
  institutions (``data/actors.yaml`` ``metonyms``: Kremlin, Hamas, Taliban);
* descriptions: demonyms and country names among the modifiers ("the Syrian
  army" -> SYRMIL), and a role noun as head or modifier ("militants fighting to
  topple Assad" -> REB, with the country of the sentence or article focus);
* metonyms: a capital acting as an agent is its government (Moscow -> RUSGOV);
* the PETRARCH2/Phoenix dictionaries (:mod:`newsgraph.lexicons.petrarch`) after
  these curated tables: thousands of dated people, countries with their cities,
  IGOs and armed groups (``load_actors``; codes kept to country + role, 6 letters),
  and role nouns (``load_agents``: "gendarmes" -> COP), their codes folded into our
  role set by ``agent_roles`` in ``data/actors.yaml``.

Coordinated phrases give several actors ("Hungarian and Romanian officials" ->
HUNGOV, ROUGOV). The coder works on spaCy tokens of the shared parse.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .. import lexicon as names_lexicon
from ..datafiles import load_data, parse_yaml
from ..errors import ConfigError
from ..lexicons import petrarch
from ..nlp import doc_text

PHRASE_DEPS = frozenset({"compound", "amod", "poss", "nmod", "appos", "det", "npadvmod", "nummod"})
PREP_OF = frozenset({"of", "in", "from", "for", "throughout", "across", "inside"})
# Heads whose own role yields to a modifier's: "security forces" -> COP, "rebel leaders" -> REB.
GENERIC_HEADS = frozenset(
    {
        "force",
        "official",
        "authority",
        "leader",
        "member",
        "personnel",
        "unit",
        "officer",
        "people",
        "side",
        "head",
        "chief",
        "man",
        "group",
        "commander",
        "agent",
    }
)
PRONOUNS = frozenset({"he", "she", "it", "they", "him", "her", "them", "we", "us", "i", "who", "which", "that"})
IGO_PREFIX = "IGO"
# Role words that describe an actor only as modifiers: "rights group", "security forces", "labour union".
MODIFIER_ONLY = frozenset(
    {"rights", "right", "security", "labour", "labor", "intelligence", "peacekeeping", "defence", "defense"}
)
ROLE_CODES = frozenset(
    {
        "GOV",
        "CRM",
        "MIL",
        "REB",
        "OPP",
        "COP",
        "JUD",
        "LEG",
        "MED",
        "JRN",
        "BUS",
        "CVL",
        "REF",
        "EDU",
        "LAB",
        "ELI",
        "REL",
        "SPY",
        "NGO",
    }
)
QUANTITY_HEADS = frozenset(
    {
        "ten",
        "tens",
        "hundred",
        "hundreds",
        "thousand",
        "thousands",
        "dozen",
        "dozens",
        "score",
        "scores",
        "group",
        "member",
        "some",
        "many",
        "most",
        "number",
        "majority",
        "one",
        "two",
        "all",
        "several",
        "band",
        "crowd",
        "million",
        "millions",
        "delegation",
    }
)


@dataclass(frozen=True)
class Leader:
    name: str
    code: str
    start: int | None
    end: int | None


@dataclass
class Actor:
    """A coded participant: ``code`` may be a bare role ("REB") when no country is known."""

    code: str | None
    name: str
    start: int
    end: int
    inferred: bool = False  # the country was not stated in the phrase but taken from the sentence or article


@dataclass
class ActorContext:
    """What the coder may use beyond the phrase itself, per article."""

    year: int | None = None
    name_of_token: dict[int, str] = field(default_factory=dict)  # token index -> canonical entity name
    focus_iso3: str | None = None
    resolve: Any = None  # coref resolve(start, end) -> name | None
    place_country: dict[str, str] = field(default_factory=dict)  # place name -> ISO-3, from the places stage


@lru_cache(maxsize=1)
def _tables() -> dict[str, Any]:
    data = load_data("actors.yaml")
    roles: dict[str, str] = {}
    for role, words in data["roles"].items():
        for w in words:
            roles.setdefault(str(w).lower(), role)
    return {
        "demonyms": {str(k): str(v) for k, v in data["demonyms"].items()},
        "metonyms": {str(k).lower(): str(v) for k, v in data["metonyms"].items()},
        "regions": {str(k).lower(): str(v) for k, v in data["regions"].items()},
        "roles": roles,
        "gov_titles": frozenset(data["gov_titles"]),
        "mil_titles": frozenset(data["mil_titles"]),
        "jud_titles": frozenset(data["jud_titles"]),
        "phoenix_countries": {str(k): str(v) for k, v in data["phoenix_countries"].items()},
        "agent_roles": {str(k): (str(v) if v else None) for k, v in data["agent_roles"].items()},
    }


def _leaders_from(data: Any, origin: str) -> list[tuple[str, Leader]]:
    out: list[tuple[str, Leader]] = []
    rows = data.get("leaders", data) if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise ConfigError("expected a list of leaders (name, code, start, end, aliases)", origin=origin)
    for row in rows:
        if not isinstance(row, dict) or not row.get("name") or not row.get("code"):
            raise ConfigError(f"leader entry needs name and code: {row!r}", origin=origin)

        def year(v: Any) -> int | None:
            return int(v) if v not in (None, "", "null") else None

        leader = Leader(str(row["name"]), str(row["code"]).upper(), year(row.get("start")), year(row.get("end")))
        aliases = row.get("aliases") or []
        if isinstance(aliases, str):
            aliases = [a.strip() for a in aliases.split("|") if a.strip()]
        for form in [leader.name, *aliases]:
            out.append((str(form).lower(), leader))
    return out


def load_extra(path: str) -> list[tuple[str, Leader]]:
    """A user's actor file: YAML like data/leaders.yaml, or CSV with columns
    ``name,code,start,end[,aliases]`` (aliases separated by ``|``)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read actors file: {exc.strerror}", origin=path) from exc
    if p.suffix.lower() == ".csv":
        return _leaders_from(list(csv.DictReader(text.splitlines())), path)
    try:
        return _leaders_from(parse_yaml(text) or [], path)
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", origin=path) from exc


@lru_cache(maxsize=8)
def leader_table(extra_file: str = "") -> dict[str, list[Leader]]:
    """Surface form (lower case) -> leaders; read once per process (entities and events share it)."""
    entries = _leaders_from(load_data("leaders.yaml"), "data/leaders.yaml")
    if extra_file:
        entries = load_extra(extra_file) + entries  # the user's entries win
    table: dict[str, list[Leader]] = {}
    for form, leader in entries:
        table.setdefault(form, []).append(leader)
    return table


class ActorCoder:
    """Codes names and noun phrases; one per stage instance (the tables are shared)."""

    def __init__(self, actors_file: str = "") -> None:
        self.t = _tables()
        self.leaders = leader_table(actors_file)

    # -- names -----------------------------------------------------------------------
    def leader(self, name: str, year: int | None) -> str | None:
        found = self.leaders.get(name.lower().strip())
        if not found:
            return None
        if year is not None:
            dated = [ldr for ldr in found if (ldr.start or 0) - 1 <= year <= (ldr.end or 9999)]
            if dated:
                return dated[0].code
            return None
        return found[0].code

    def code_name(self, name: str, year: int | None = None, acting: bool = True, phoenix: bool = True) -> str | None:
        """The code of a canonical name: leader, named group, IGO, country, capital, demonym."""
        name = name.strip()
        if not name:
            return None
        code = self.leader(name, year)
        if code:
            return code
        curated = name.lower().strip() in self.leaders  # out of office that year: the dated list decides
        phoenix = phoenix and not curated
        code = self.t["metonyms"].get(name.lower())
        if code:
            return code
        entry = names_lexicon.lookup(name)
        if entry is not None:
            if entry.code:
                return entry.code
            if entry.kb_id.startswith("capital:") and entry.iso3:
                return entry.iso3 + ("GOV" if acting else "")
            if entry.iso3:
                return entry.iso3
        dem = self.t["demonyms"]
        code = dem.get(name) or dem.get(name.title()) or (dem.get(name[:-1]) if name.endswith("s") else None)
        return code or (phoenix_code(name, year) if phoenix else None)

    def role(self, word: str) -> str | None:
        roles = self.t["roles"]
        word = word.lower()
        found = roles.get(word)
        if found is None and word.endswith("s"):  # a capitalised plural keeps its "s" as lemma: "Rebels"
            found = roles.get(word[:-3] + "y" if word.endswith("ies") else word[:-1])
        if found is None:
            agent = petrarch.load_agents().get(word)
            if agent is not None and not agent.prefix:
                code = agent.code[:3]
                found = code if code in ROLE_CODES else self.t["agent_roles"].get(code)
        return found

    # -- phrases ---------------------------------------------------------------------
    def code_token(self, head: Any, ctx: ActorContext, strict: bool = False) -> list[Actor]:
        """Actors for the noun phrase headed by ``head``, its conjuncts included.

        ``strict``: only phrases that name or describe an agent (an entity, a role
        noun); otherwise a thing with a national modifier counts too ("an Indian
        proposal" -> IND), which suits direct objects of verbs like reject.
        """
        out: list[Actor] = []
        for tok in _conjuncts(head):
            out.extend(self._code_one(tok, ctx, strict))
            for mod in tok.children:
                # "Yemen's government and Houthi rebels": a coordinated premodifier is an actor of its own
                coordinated = any(c.dep_ == "conj" for c in mod.children)
                if mod.dep_ in {"nmod", "compound"} and mod.pos_ == "NOUN" and coordinated and self.role(mod.lemma_):
                    out.extend(self._code_one(mod, ctx, strict))
        # a conjunct without a stated country shares its partner's: "Fabius and a group of deputies"
        stated = next(
            (
                a.code[:3]
                for a in out
                if a.code
                and not a.inferred
                and len(a.code) >= 3
                and a.code[:3].isupper()
                and a.code[:3] not in ROLE_CODES
            ),
            None,
        )
        for a in out:
            if a.inferred and stated and a.code:
                a.code = stated + a.code[3:] if a.code[:3] not in ROLE_CODES else stated + a.code
                a.inferred = False
        seen: set[str | None] = set()
        unique = []
        for a in out:
            if a.code not in seen:
                seen.add(a.code)
                unique.append(a)
        return unique

    def _code_one(self, head: Any, ctx: ActorContext, strict: bool = False) -> list[Actor]:
        doc = head.doc
        if head.i not in ctx.name_of_token and (head.lower_ in PRONOUNS or head.pos_ == "PRON") and head.text != "US":
            return self._pronoun(head, ctx)
        left = [t for t in head.lefts if t.dep_ in PHRASE_DEPS]
        span_start = min([head.idx, *(t.left_edge.idx for t in left)])
        span_end = head.idx + len(head.text)
        name = ctx.name_of_token.get(head.i)
        # 1. the head names the actor: a leader, group, IGO, country, capital
        if name:
            # a person's own dictionary code yields to the phrase's title ("U.N. mediator Diego Cordovez")
            code = self.code_name(name, ctx.year, phoenix=head.ent_type_ != "PERSON")
            if code and (head.ent_type_ != "PERSON" or len(code) > 3):
                return [Actor(code, name, *_ent_bounds(doc, head))]
            if head.ent_type_ == "PERSON":
                country, role = self._modifiers(head, ctx)
                role = role or self._title_role(head)
                inferred = False
                if role and not country:
                    country = self._sentence_country(head, ctx) or ctx.focus_iso3
                    inferred = country is not None
                if not country or inferred:  # no country in the phrase: the person's dictionary entry
                    known = phoenix_code(name, ctx.year) if name.lower().strip() not in self.leaders else None
                    if known and len(known) > 3:
                        return [Actor(known, name, *_ent_bounds(doc, head))]
                if country or role:
                    code = _join(country, role)  # a national with no stated role is the country alone (CAMEO)
                    return [Actor(code, name, span_start, span_end, inferred)]
                return [Actor(None, name, *_ent_bounds(doc, head))]
        code = self.t["metonyms"].get(head.text.lower()) or (
            self._country_of(head, ctx) if head.ent_type_ in {"NORP", ""} or head.tag_ == "NNPS" else None
        )
        if code:
            return [Actor(code, head.text, span_start, span_end)]
        if head.lemma_.lower() in QUANTITY_HEADS or head.like_num:
            for child in head.children:
                if child.dep_ == "prep" and child.lower_ == "of":
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            return self._code_one(pobj, ctx, strict)
        for t in left:
            # "Red Cross officials", "Hamas leaders", "the Hizbollah group": a named body among the compounds
            if t.dep_ == "compound":
                named = self.t["metonyms"].get(t.text.lower())
                if not named and t.i in ctx.name_of_token and t.ent_type_ in {"ORG", "PERSON", "NORP"}:
                    named = self.code_name(ctx.name_of_token[t.i], ctx.year)
                if named and (len(named) > 3 or named.startswith(("IGO", "NGO"))):
                    return [Actor(named, doc_text(doc)[span_start:span_end], span_start, span_end)]
        # 2. a description: role noun + country modifiers
        head_role = None if head.lemma_.lower() in MODIFIER_ONLY else (self.role(head.lemma_) or self.role(head.text))
        role = head_role
        agentive = head_role is not None or head.lemma_.lower() in GENERIC_HEADS or head.pos_ == "PROPN"
        if agentive and (role is None or head.lemma_.lower() in GENERIC_HEADS):
            for t in left:
                if t.dep_ in {"compound", "amod"} and t.ent_type_ not in {"NORP", "GPE"}:
                    role = self.role(t.lemma_) or role
        countries = self._countries(head, ctx, deep=role is not None)
        if role is None and not countries:
            # "the offices of the Palestinian administrators": look one "of" further
            for child in head.children:
                if child.dep_ == "prep" and child.lower_ in {"of", "for"}:
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            return self._code_one(pobj, ctx, strict)
            role = self._clause_role(head)
            if role is None:
                return []
        if role is None and strict:
            return []
        if not countries:
            country = self._sentence_country(head, ctx) or ctx.focus_iso3
            if not role:
                return []
            return [Actor(_join(country, role), head.text, span_start, span_end, country is not None)]
        text = doc_text(doc)[span_start:span_end]
        return [Actor(_join(c, role), text, span_start, span_end) for c in countries]

    def _countries(self, head: Any, ctx: ActorContext, deep: bool = True) -> list[str]:
        """Countries among the phrase's modifiers (conjoined ones all count), then its of/in/from complement."""
        found: list[str] = []
        for child in head.children:
            if child.dep_ in PHRASE_DEPS:
                for t in child.subtree:
                    if t.i > 1 and t.doc[t.i - 1].text == "-" and t.doc[t.i - 2].lower_ in {"pro", "anti"}:
                        continue
                    if t.lower_.startswith(("pro-", "anti-")):
                        continue
                    if _inside_clause(t, head):
                        continue  # "Reid, who launched a line called Mantra": what a clause says is not the phrase's country
                    c = self._country_of(t, ctx)
                    if c and c not in found and t.i != head.i:
                        found.append(c)
        if found or not deep:
            return found
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in PREP_OF:
                for t in child.subtree:
                    c = self._country_of(t, ctx)
                    if c:
                        return [c]
            if child.dep_ in {"acl", "relcl", "amod"}:
                for t in child.subtree:
                    c = self._country_of(t, ctx)
                    if c:
                        return [c]
        return found

    def _country_of(self, tok: Any, ctx: ActorContext) -> str | None:
        if tok.ent_type_ in {"GPE", "LOC"}:  # "Northern Ireland" before "Ireland"
            ent = _ent_span(tok)
            region = self.t["regions"].get((ent.text if ent is not None else tok.text).removeprefix("the ").lower())
            if region:
                return region
        name = ctx.name_of_token.get(tok.i)
        if name and tok.ent_type_ in {"GPE", "NORP", "ORG", "LOC", "PERSON"}:
            code = self.code_name(name, ctx.year, acting=False)
            if code and code.startswith(IGO_PREFIX):
                return code
            if code and code[:3].isalpha() and not code.startswith("NGO"):
                return code[:3]
        if tok.ent_type_ in {"GPE", "LOC", "FAC"}:
            where = ctx.place_country.get(ctx.name_of_token.get(tok.i, tok.text)) or ctx.place_country.get(tok.text)
            if where:
                return where
            ent = _ent_span(tok)
            region = self.t["regions"].get((ent.text if ent is not None else tok.text).removeprefix("the ").lower())
            if region:
                return region
        demonym = self.t["demonyms"].get(tok.text) or (
            self.t["demonyms"].get(tok.text[:-1]) if tok.text.endswith("s") and tok.text[:1].isupper() else None
        )
        if demonym:
            return demonym
        return None

    def _sentence_country(self, head: Any, ctx: ActorContext) -> str | None:
        """The first country named in the sentence outside this phrase: the scene of a role-only actor."""
        inside = {t.i for t in head.subtree}
        fallback = None
        for t in head.sent:
            if t.i in inside or t.ent_type_ not in {"GPE", "NORP", "LOC"}:
                continue
            c = self._country_of(t, ctx)
            if not c:
                continue
            # the scene ("... in Yemen") beats a modifier elsewhere ("Saudi-led coalition")
            if (
                t.ent_type_ in {"GPE", "LOC"}
                and t.head.dep_ == "prep"
                and t.head.lower_ in {"in", "at", "near", "inside"}
            ):
                return c
            fallback = fallback or c
        return fallback

    def _modifiers(self, head: Any, ctx: ActorContext) -> tuple[str | None, str | None]:
        countries = self._countries(head, ctx)
        role = None
        for t in head.subtree:
            if t.i == head.i or t.ent_type_ == "PERSON":
                continue
            if t.lower_ in self.t["mil_titles"]:
                role = role or "MIL"
            elif t.lower_ in self.t["jud_titles"]:
                role = role or "JUD"
            elif t.lower_ in self.t["gov_titles"]:
                role = role or "GOV"
            if t.i > head.i + 6:
                break
        return (countries[0] if countries else None), role

    def _title_role(self, head: Any) -> str | None:
        for t in head.children:
            if t.dep_ == "appos":
                for u in t.subtree:
                    if u.lower_ in self.t["gov_titles"]:
                        return "GOV"
                    if u.lower_ in self.t["mil_titles"]:
                        return "MIL"
        return None

    def _clause_role(self, head: Any) -> str | None:
        """A role from what the phrase's clause says they do: "groups fighting to topple Assad"."""
        for child in head.children:
            if child.dep_ in {"acl", "relcl"}:
                lemmas = {t.lemma_ for t in child.subtree}
                if lemmas & {"topple", "overthrow", "fight", "rebel", "insurgency"}:
                    return "REB"
        return None

    def _pronoun(self, tok: Any, ctx: ActorContext) -> list[Actor]:
        if ctx.resolve is not None:
            try:
                name = ctx.resolve(tok.idx, tok.idx + len(tok.text))
            except Exception:
                name = None
            if name:
                code = self.code_name(name, ctx.year)
                if code:
                    return [Actor(code, name, tok.idx, tok.idx + len(tok.text))]
        return []


CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "csubj"})


def _inside_clause(tok: Any, head: Any) -> bool:
    """``tok`` lies in a clause (relative, adnominal, adverbial, complement) below ``head``."""
    cur = tok
    for _ in range(12):
        if cur.i == head.i or cur.head is cur:
            return False
        if cur.dep_ in CLAUSE_DEPS:
            return True
        cur = cur.head
    return False


def phoenix_code(name: str, year: int | None = None) -> str | None:
    """The Phoenix actor code of a name on the year's midpoint (any period without a year),
    kept to country + role (6 letters), as the event records are scored."""
    entries = petrarch.actor_index().get(" ".join(name.split()).lower())
    if not entries:
        return None
    day = date(year, 7, 1) if year else None
    renamed = _tables()["phoenix_countries"]
    for entry in entries:
        code = entry.code_on(day)
        if code and not code.startswith("---"):
            code = renamed.get(code[:3], code[:3]) + code[3:]
            return code[:6]
    return None


def _conjuncts(head: Any) -> list[Any]:
    out = [head]
    for t in head.children:
        if t.dep_ == "conj" and t.pos_ in {"NOUN", "PROPN", "PRON"}:
            out.extend(_conjuncts(t))
    return out


def _ent_span(tok: Any) -> Any | None:
    """The entity span holding ``tok``, found from its IOB tags (``doc.ents`` rebuilds every span)."""
    if tok.ent_iob_ not in {"B", "I"}:
        return None
    doc = tok.doc
    start = tok.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = tok.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]


def _ent_bounds(doc: Any, tok: Any) -> tuple[int, int]:
    ent = _ent_span(tok)
    if ent is not None:
        return ent.start_char, ent.end_char
    return tok.idx, tok.idx + len(tok.text)


def _join(country: str | None, role: str | None) -> str | None:
    if country and role:
        return country if country.startswith(IGO_PREFIX) else country + role
    return country or role
