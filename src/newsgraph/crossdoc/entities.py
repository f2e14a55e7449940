"""One ``entity_id`` per person or organisation across documents.

An entity's id is a hash of its type and a key: its knowledge-base id when the
entities stage linked one, else its normalised name (titles, accents, case and
punctuation dropped; "the" and company suffixes too for organisations). So the
same full name gets the same id in every document, with no lookup. Variants join
an entity only when the context agrees:

- a single name ("Reid") takes the id of the one person of the same story (or the
  same document) whose full name ends (or starts) with it; with two such people
  ("Tara Reid", "Harry Reid") it joins neither; with none in the story, the full name
  elsewhere in the store that shares the most co-occurring entities (at least two),
  else an id of its own for that story;
- a longer or shorter form of a full name in the same story ("Barack Hussein Obama"
  ~ "Barack Obama": same first and last word, one of them with nothing between) takes
  the id the story has already ("George W. Bush" and "George H. W. Bush" stay apart);
- an acronym of an organisation in the same story ("WHO" ~ "World Health
  Organization") takes that organisation's id.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..store import Store

TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "sir",
        "dame",
        "lord",
        "lady",
        "sen",
        "senator",
        "rep",
        "gov",
        "governor",
        "president",
        "vice",
        "prime",
        "minister",
        "secretary",
        "general",
        "gen",
        "col",
        "capt",
        "lt",
        "sgt",
        "chancellor",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "rev",
        "judge",
        "justice",
        "mayor",
        "ambassador",
        "chairman",
        "chairwoman",
        "chief",
        "ceo",
        "director",
        "spokesman",
        "spokeswoman",
        "foreign",
        "defence",
        "defense",
        "state",
        "former",
        "late",
        "sheikh",
    ]
)
ORG_SUFFIXES = frozenset(
    ["inc", "incorporated", "ltd", "limited", "corp", "corporation", "co", "plc", "llc", "ag", "sa", "gmbh"]
)
LINKED_TYPES = ("PERSON", "ORG")
_PUNCT = re.compile(r"[^\w\s'-]")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_PUNCT.sub(" ", text.lower().replace("’", "'")).split())


@lru_cache(maxsize=65536)
def name_key(name: str, type: str) -> str:
    """The normalised form two mentions of one entity share."""
    words = _fold(name).split()
    if type == "PERSON":
        while len(words) > 1 and words[0] in TITLES:
            words.pop(0)
        words = [w for w in words if not w.endswith("'s")] or words
    elif type == "ORG":
        if len(words) > 1 and words[0] == "the":
            words.pop(0)
        while len(words) > 1 and words[-1] in ORG_SUFFIXES:
            words.pop()
    return " ".join(words)


def entity_id(type: str, key: str) -> str:
    return "en" + hashlib.sha1(f"{type}\x1f{key}".encode()).hexdigest()[:16]


def _initials(key: str) -> str:
    return "".join(w[0] for w in key.split() if w not in {"of", "the", "and", "for", "de", "la"})


@dataclass
class Known:
    """An entity already given an id in a story: what variants are compared with."""

    entity_id: str
    type: str
    key: str


def _context_match(key: str, type: str, context: Iterable[Known]) -> str | None:
    """The one entity of the story this name is a variant of, or None (none, or several)."""
    words = key.split()
    found: set[str] = set()
    for k in context:
        if k.type != type or k.key == key:
            continue
        other = k.key.split()
        if type == "PERSON":
            if (len(words) == 1 and len(other) > 1 and words[0] in (other[-1], other[0])) or (
                len(words) > 1
                and len(other) > 1
                and 2 in (len(words), len(other))  # "George Bush" ~ "George W. Bush", not ~ "George H. W. Bush"
                and words[0] == other[0]
                and words[-1] == other[-1]
            ):
                found.add(k.entity_id)
        elif type == "ORG" and len(words) == 1 and len(other) > 1 and len(key) >= 2 and _initials(k.key) == key:
            found.add(k.entity_id)
    return found.pop() if len(found) == 1 else None


def link_entities(store: Store, doc_ids: Iterable[str]) -> dict[str, int]:
    """Give every entity of these (just written) documents its cross-document ``entity_id``."""
    ids = list(dict.fromkeys(doc_ids))
    if not ids:
        return {"entities": 0, "entity_ids": 0}
    with store.transaction() as con:
        rows = con.execute(
            """WITH sm AS (SELECT doc_id, arg_max(story_id, coalesce(score, 0)) AS story_id FROM story_members
                           WHERE doc_id IN (SELECT unnest(?)) GROUP BY doc_id)
               SELECT e.doc_id, e.entity, e.name, e.type, e.kb_id, coalesce(sm.story_id, 'doc:' || e.doc_id),
                      d.published
               FROM entities e JOIN documents d ON d.id = e.doc_id LEFT JOIN sm ON sm.doc_id = e.doc_id
               WHERE e.doc_id IN (SELECT unnest(?)) AND d.id IN (SELECT unnest(?))
               ORDER BY d.published NULLS LAST, e.doc_id, e.entity""",
            [ids, ids, ids],
        ).fetchall()
        stories = sorted({r[5] for r in rows if not r[5].startswith("doc:")})
        # per story, each distinct (entity id, type, key) once: a name repeated in every article
        # of a big story is compared once, not once per article (the match is the same)
        context: dict[str, dict[tuple[str, str, str], Known]] = {}
        # the stories' other documents first, then their entities: both lookups stay small
        story_docs = dict(
            con.execute(
                "SELECT doc_id, story_id FROM story_members WHERE story_id IN (SELECT unnest(?))", [stories]
            ).fetchall()
        )
        for doc in ids:
            story_docs.pop(doc, None)
        for doc_id, eid, type, name in con.execute(
            """SELECT doc_id, entity_id, type, name FROM entities WHERE doc_id IN (SELECT unnest(?))
               AND entity_id IS NOT NULL AND type IN ('PERSON', 'ORG')""",
            [sorted(story_docs)],
        ).fetchall():
            key = name_key(name, type)
            context.setdefault(story_docs[doc_id], {}).setdefault((eid, type, key), Known(eid, type, key))
        assigned: list[dict[str, Any]] = []
        surnames: dict[str, list[str]] = {}  # the store's full names per surname (unchanged until _write)
        by_doc: dict[str, list[tuple[int, str, str, str]]] = {}
        story_of: dict[str, str] = {}
        for doc_id, index, name, type, kb_id, story, _published in rows:
            by_doc.setdefault(doc_id, []).append((index, name, type, kb_id or ""))
            story_of[doc_id] = story
        for doc_id, ents in by_doc.items():
            story = story_of[doc_id]
            known = context.setdefault(story, {})
            # full names first, so that a surname in the same document finds its person
            local: list[Known] = []
            pending: list[tuple[int, str, str]] = []
            for index, name, type, kb_id in ents:
                key = name_key(name, type)
                if kb_id:
                    eid = entity_id(type, "kb:" + kb_id)
                elif type in LINKED_TYPES and (
                    (type == "PERSON" and len(key.split()) == 1) or (type == "ORG" and key.isalpha() and name.isupper())
                ):
                    pending.append((index, name, type))
                    continue
                else:
                    eid = _context_match(key, type, known.values()) if type in LINKED_TYPES else None
                    eid = eid or entity_id(type, key)
                local.append(Known(eid, type, key))
                assigned.append({"doc_id": doc_id, "entity": index, "entity_id": eid})
            for index, name, type in pending:
                key = name_key(name, type)
                eid = _context_match(key, type, local) or _context_match(key, type, known.values())
                if eid is None and type == "PERSON":
                    eid = _by_cooccurrence(con, key, [k.entity_id for k in local], surnames)
                eid = eid or entity_id(type, f"{key}\x1f{story}")
                local.append(Known(eid, type, key))
                assigned.append({"doc_id": doc_id, "entity": index, "entity_id": eid})
            for k in local:
                if k.type in LINKED_TYPES:
                    known.setdefault((k.entity_id, k.type, k.key), k)
        _write(con, assigned)
    return {"entities": len(assigned), "entity_ids": len({a["entity_id"] for a in assigned})}


def _by_cooccurrence(con: Any, surname: str, mine: list[str], seen: dict[str, list[str]]) -> str | None:
    """The full-name person elsewhere in the store with this surname who shares the most
    co-occurring entities with this document (at least two, and more than any other);
    ``seen`` remembers each surname's candidates for the rest of the batch."""
    if len(set(mine)) < 2:
        return None
    candidates = seen.get(surname)
    if candidates is None:
        candidates = seen[surname] = [
            r[0]
            for r in con.execute(
                """SELECT entity_id FROM entity_ids WHERE type = 'PERSON' AND contains(name, ' ')
                   AND lower(name) LIKE '% ' || ? LIMIT 50""",
                [surname],
            ).fetchall()
        ]
    if not candidates:
        return None
    shared = con.execute(
        """SELECT a.entity_id, count(DISTINCT b.entity_id) AS n FROM entities a
           JOIN entities b ON a.doc_id = b.doc_id AND b.entity_id <> a.entity_id
           WHERE a.entity_id IN (SELECT unnest(?)) AND b.entity_id IN (SELECT unnest(?))
           GROUP BY a.entity_id ORDER BY n DESC, a.entity_id LIMIT 2""",
        [candidates, sorted(set(mine))],
    ).fetchall()
    if shared and shared[0][1] >= 2 and (len(shared) == 1 or shared[1][1] < shared[0][1]):
        return str(shared[0][0])
    return None


def _write(con: Any, assigned: list[dict[str, Any]]) -> None:
    if not assigned:
        return
    import pyarrow as pa

    con.register("_entity_links", pa.Table.from_pylist(assigned))
    try:
        con.execute(
            """UPDATE entities SET entity_id = l.entity_id FROM _entity_links l
               WHERE entities.doc_id = l.doc_id AND entities.entity = l.entity"""
        )
    finally:
        con.unregister("_entity_links")
    touched = sorted({a["entity_id"] for a in assigned})
    names: dict[str, Counter[str]] = {}
    for eid, name, n in con.execute(
        """SELECT entity_id, name, count(*) FROM entities WHERE entity_id IN (SELECT unnest(?))
           GROUP BY entity_id, name""",
        [touched],
    ).fetchall():
        names.setdefault(eid, Counter())[name] = n
    types: dict[str, str] = {}
    docs: dict[str, int] = {}
    for eid, type, n in con.execute(
        """SELECT entity_id, any_value(type), count(DISTINCT doc_id) FROM entities
           WHERE entity_id IN (SELECT unnest(?)) GROUP BY entity_id""",
        [touched],
    ).fetchall():
        types[eid], docs[eid] = type, int(n)
    rows = []
    for eid in touched:
        counts = names.get(eid, Counter())
        # full names before single words, names without a title first, then the one written most often
        best = (
            min(
                counts,
                key=lambda n: (
                    -(len(n.split()) > 1),
                    (_fold(n).split() or [""])[0] in TITLES,
                    -counts[n],
                    -len(n),
                    n,
                ),
            )
            if counts
            else None
        )
        rows.append({"entity_id": eid, "name": best, "type": types.get(eid), "n_documents": docs.get(eid, 0)})
    con.execute("DELETE FROM entity_ids WHERE entity_id IN (SELECT unnest(?))", [touched])
    con.register("_entity_ids", pa.Table.from_pylist(rows))
    try:
        con.execute("INSERT INTO entity_ids BY NAME SELECT * FROM _entity_ids")
    finally:
        con.unregister("_entity_ids")
